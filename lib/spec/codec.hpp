// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private machinery behind platform/spec/load.hpp: the spec <-> JSON codec,
// the schema (the field table as data), --set overrides and the checks.
// Problems are collected with their JSON pointer; load.cpp turns pointers
// into file:line:column or "--set ..." locations at the end.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "internal/yaml_json.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"
#include "spec/fields.hpp"

namespace platform::internal::spec {

/// One problem found in a spec, before it gets a location.
struct Problem {
  std::string pointer;   // JSON pointer of the offending value ("/kafka/topics/1/replicas")
  std::string path;      // the same as the user writes it ("kafka.topics[1].replicas")
  std::string message;   // what is wrong and what to do
  std::string rule;
  std::string related;   // pointer of the other field a cross-field rule involves
  std::string location;  // set when known up front (--set syntax errors)
};

/// The path and JSON pointer of the field being visited.
class Cursor {
 public:
  void push(std::string_view key);
  void push(std::size_t index);
  void pop();
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& pointer() const { return pointer_; }
  /// path() + "." + key, without pushing.
  [[nodiscard]] std::string path_with(std::string_view key) const;
  [[nodiscard]] std::string pointer_with(std::string_view key) const;

 private:
  std::string path_;
  std::string pointer_;
  std::vector<std::pair<std::size_t, std::size_t>> marks_;
};

/// JSON pointer escaping of one key ("~" -> "~0", "/" -> "~1").
std::string escape_pointer(std::string_view key);

/// The JSON form of a spec (keys as in the field table, every field present).
Json encode(const PlatformSpec& spec);

/// Reads a spec from its JSON form. Absent or null keys keep the seed's
/// defaults; tenants start from `tenant_defaults`. Problems: unknown keys
/// (with a did-you-mean), wrong types, missing required item fields.
PlatformSpec decode(const Json& value, std::vector<Problem>& problems);

/// Every field check and platform rule the spec breaks.
std::vector<Problem> check(const PlatformSpec& spec);

/// The JSON type a field takes.
enum class Type : unsigned char { kString, kInteger, kBoolean, kStringList, kStringMap, kObject, kObjectList };

/// The field table as data: one node per field, children for records and for
/// the items of lists of records.
struct SchemaNode {
  std::string key;
  std::string doc;
  Type type = Type::kObject;
  Check check = Check::kNone;
  int min = 0;
  int max = 0;
  std::vector<std::string> choices;
  bool required = false;
  std::string item;
  Json default_value;
  std::vector<SchemaNode> children;

  [[nodiscard]] const SchemaNode* child(std::string_view name) const;
};

/// The root of the schema (type kObject, the PlatformSpec). Built once.
const SchemaNode& schema();

/// The field's doc plus the sentence its constraint implies.
std::string full_doc(const SchemaNode& node);

/// The field's type as the reference names it ("quantity", "list of topics").
std::string type_name(const SchemaNode& node);

/// `value` as one line of flow-style YAML ("[a, b]", "{k: v}").
std::string flow_yaml(const Json& value);

/// The closest of `candidates` to `word`, or "" when none is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

/// Where a --set came from and the value it reached.
struct AppliedOverride {
  std::string location;  // "--set kafka.brokers=5"
  std::string pointer;   // "/kafka/brokers"
};

/// Applies Helm-style `path=value` overrides to the spec's JSON form, typing
/// each value by the field it reaches.
void apply_overrides(Json& value, const std::vector<std::string>& overrides, std::vector<AppliedOverride>& applied,
                     std::vector<Problem>& problems);

}  // namespace platform::internal::spec
