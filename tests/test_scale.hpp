// SPDX-License-Identifier: Apache-2.0
#pragma once

// How many messages the long fault scenarios send: the sanitizer runs
// (scripts/test.sh --sanitizers) set PLATFORM_TEST_SCALE=0.2 so every
// scenario still runs, with fewer messages.

#include <algorithm>
#include <cstdlib>

namespace platform_test {

/// `count` scaled by PLATFORM_TEST_SCALE (a factor in (0, 1], default 1),
/// never below `floor`.
inline int scaled(int count, int floor = 1000) {
  const char* env = std::getenv("PLATFORM_TEST_SCALE");
  double scale = env != nullptr ? std::atof(env) : 1.0;
  if (!(scale > 0.0) || scale > 1.0) scale = 1.0;
  return std::max(floor, static_cast<int>(count * scale));
}

}  // namespace platform_test
