// SPDX-License-Identifier: Apache-2.0
// Fuzz target: validate input. Input: any YAML/JSON stream, validated as one
// source with every schema and rule, the report printed as text and JSON.
#include <cstdint>
#include <string>

#include "platform/validate/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace v = platform::validate;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto report = v::validate_sources({{"fuzz.yaml", std::move(text)}});
  if (!report.ok()) {
    (void)report.status().to_string();
    return 0;
  }
  (void)v::to_text(*report);
  (void)v::to_json(*report);
  return 0;
}
