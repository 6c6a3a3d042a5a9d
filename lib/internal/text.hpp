// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared private helpers for user-facing messages.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace platform::internal {

/// Levenshtein distance between `a` and `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate a user most likely meant by `word`, or "" when none is
/// close: the same word in another spelling (camelCase, kebab-case, case),
/// a prefix of at least 3 characters, or the nearest by edit distance.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

/// `s` with &, <, > and " escaped for XML/HTML text and attribute values.
std::string markup_escape(std::string_view s);

}  // namespace platform::internal
