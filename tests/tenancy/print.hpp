// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lets Boost.Test print status codes in failed assertions.
#include <ostream>

#include "platform/status.hpp"

namespace platform {
inline std::ostream& operator<<(std::ostream& o, StatusCode c) { return o << to_string(c); }
}  // namespace platform
