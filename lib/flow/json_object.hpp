// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small, fast JSON object editor for the declarative transformer: objects
// are parsed into (key, node) members, every other value stays as its raw
// text (a view into the payload), so a transform that moves a few fields of a
// 100-byte event costs well under a microsecond. Values are validated only as
// far as needed to find their end; the output is valid when the input was.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/status.hpp"

namespace platform::internal {

struct JsonNode {
  // Special members are defaulted after the class: clang with libstdc++
  // needs JsonNode complete before it instantiates them for `members`.
  JsonNode();
  JsonNode(const JsonNode&);
  JsonNode(JsonNode&&) noexcept;
  JsonNode& operator=(const JsonNode&);
  JsonNode& operator=(JsonNode&&) noexcept;
  ~JsonNode();

  bool is_object = false;
  std::string_view raw;  // the value's text (non-objects), a view into the input or into `owned`
  std::string owned;     // storage for values not from the input
  std::vector<std::pair<std::string, JsonNode>> members;  // objects

  static JsonNode text(std::string json);
  [[nodiscard]] std::string_view value_text() const { return owned.empty() ? raw : std::string_view(owned); }
  void serialize(std::string& out) const;
  /// The value as canonical JSON text (nlohmann's dump), for comparisons.
  [[nodiscard]] std::string canonical() const;
};

inline JsonNode::JsonNode() = default;
inline JsonNode::JsonNode(const JsonNode&) = default;
inline JsonNode::JsonNode(JsonNode&&) noexcept = default;
inline JsonNode& JsonNode::operator=(const JsonNode&) = default;
inline JsonNode& JsonNode::operator=(JsonNode&&) noexcept = default;
inline JsonNode::~JsonNode() = default;

inline JsonNode JsonNode::text(std::string json) {
  JsonNode n;
  n.owned = std::move(json);
  n.raw = {};
  return n;
}

/// Parses `text`, which must be a JSON object. The result refers to `text`.
Result<JsonNode> parse_json_object(std::string_view text);

/// The node at dotted `path` or nullptr.
const JsonNode* find_path(const JsonNode& root, std::string_view path);
/// Sets (or replaces) the node at `path`, creating objects on the way
/// (a non-object on the way is replaced by an object).
void put_path(JsonNode& root, std::string_view path, JsonNode value);
/// Removes the node at `path`; true when it was there (moved into `out`).
bool take_path(JsonNode& root, std::string_view path, JsonNode* out);

/// Canonical JSON text of `json` (parse + dump); "" when not valid JSON.
std::string canonical_json(std::string_view json);

}  // namespace platform::internal
