// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs a command (stdout and stderr together) for the CLI tests.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <boost/test/unit_test.hpp>

namespace platform_test {

struct Run {
  int exit_code;
  std::string out;
};

inline Run run_command(const std::string& command) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace platform_test
