// SPDX-License-Identifier: Apache-2.0
#include <iostream>

#include "platform/status.hpp"

int main() {
  platform::Status s = platform::invalid_argument("probe");
  if (s.ok() || std::string(platform::to_string(s.code())) != "invalid_argument") return 1;
  std::cout << "libplatform consumer ok\n";
  return 0;
}
