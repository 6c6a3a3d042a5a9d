// SPDX-License-Identifier: Apache-2.0
#pragma once

// A compact validator for Kubernetes structural schemas (the OpenAPI v3
// subset a CRD's openAPIV3Schema may use), with the API server's strict
// field validation: an object schema that declares `properties` and neither
// `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` is
// closed, so an unknown field is an error. Value-validation branches
// (oneOf/anyOf/allOf/not) are never closed, as in the API server.
//
// A Schema is compiled once and is then immutable: validate() may run on any
// number of threads at once.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "internal/yaml_json.hpp"
#include "platform/status.hpp"

namespace platform::internal {

/// One schema violation.
struct SchemaError {
  std::string pointer;  // JSON pointer of the offending value ("/spec/kafka/replicas")
  std::string keyword;  // "type", "required", "unknown-field", "enum", ...
  std::string message;
};

/// "/spec/kafka/replicas" -> "spec.kafka.replicas", "/a/0/b" -> "a[0].b",
/// "/metadata/labels/strimzi.io~1cluster" -> "metadata.labels[\"strimzi.io/cluster\"]".
std::string field_path(std::string_view pointer);

/// Escapes a key for use in a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_escape(std::string_view key);

/// The unescaped reference tokens of a JSON pointer ("/a/b~1c" -> {"a", "b/c"}).
std::vector<std::string> pointer_tokens(std::string_view pointer);

class SchemaNode;

/// Named definitions a `$ref: "#/definitions/<name>"` may point at.
using SchemaDefinitions = std::map<std::string, const SchemaNode*, std::less<>>;

/// Owns the nodes of one or more compiled schemas.
class SchemaArena {
 public:
  SchemaArena();
  ~SchemaArena();
  SchemaArena(const SchemaArena&) = delete;
  SchemaArena& operator=(const SchemaArena&) = delete;

  /// Compiles `schema` (an openAPIV3Schema). `$ref`s resolve against
  /// `definitions` once all are compiled (see resolve_refs). `where` names the
  /// schema in errors. Errors: kInvalidArgument for a keyword value of the
  /// wrong shape or a pattern std::regex cannot compile.
  Result<const SchemaNode*> compile(const Json& schema, std::string_view where);

  /// Binds every `$ref` compiled so far to its definition.
  /// Errors: kInvalidArgument naming a dangling reference.
  Status resolve_refs(const SchemaDefinitions& definitions);

  /// Replaces `properties.metadata` of `root` (a top-level kind schema) with
  /// `metadata`: CRDs declare only `metadata: {type: object}`, while the API
  /// server checks ObjectMeta itself.
  static void set_metadata(const SchemaNode* root, const SchemaNode* metadata);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Validates `value` against `schema`; appends every violation to `errors`.
/// `pointer` is the value's location (empty for a document root). With
/// `hide_values` (a Secret) no message quotes a value.
void validate_value(const SchemaNode& schema, const Json& value, std::vector<SchemaError>& errors,
                    std::string pointer = {}, bool hide_values = false);

}  // namespace platform::internal
