// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared private helpers: YAML text <-> nlohmann::ordered_json documents.
//
// Every area that reads or writes Kubernetes-style documents (model, render,
// validate, apply, flows, spec) goes through these, so parsing limits, error
// locations and the emitted YAML style are the same everywhere.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/status.hpp"

namespace platform::internal {

using Json = nlohmann::ordered_json;

/// Where a value came from in its YAML source (1-based line and column).
struct SourceMark {
  int line = 0;
  int column = 0;
};

/// One document of a multi-document YAML stream.
struct YamlDocument {
  std::size_t index = 0;   // 0-based position in the stream
  SourceMark start;        // where the document starts
  Json value;
  // JSON pointer (e.g. "/spec/kafka/replicas") -> mark, for error locations.
  // Filled only when requested (it costs a map insert per node).
  std::vector<std::pair<std::string, SourceMark>> marks;

  /// The mark of `pointer` or of its nearest recorded ancestor.
  [[nodiscard]] SourceMark mark_of(std::string_view pointer) const;
};

/// Nodes that aliases (*name) may add beyond the input's size before
/// parse_yaml_stream refuses the stream (kResourceExhausted): the bound on
/// "billion laughs" documents.
inline constexpr std::size_t kAliasExpansionNodes = 1u << 18;

struct YamlParseOptions {
  std::string source_name = "<input>";  // used in error locations
  bool record_marks = false;
  std::size_t max_depth = 128;          // nesting beyond this is refused (yaml-cpp itself stops at ~500)
  std::size_t max_bytes = 64u << 20;    // input beyond this is refused
};

/// Parses a (multi-document) YAML stream. Empty documents are skipped.
/// Scalars become JSON strings, except plain (unquoted) scalars that YAML 1.2
/// core schema reads as null, bool, int or float. Errors carry
/// "source:line:column".
Result<std::vector<YamlDocument>> parse_yaml_stream(std::string_view text, const YamlParseOptions& options = {});

/// Emits `value` as block-style YAML (two-space indent, sequences indented
/// under their key like kubectl), with strings quoted only where a plain
/// scalar would read back as something else. Deterministic: key order is the
/// JSON object's order. Multi-line strings use literal block scalars.
std::string to_yaml(const Json& value);

/// A scalar as text, as a raw client property (e.g. librdkafka's) wants it:
/// a string as it is, a number or boolean as written; nullopt for mappings,
/// lists and null.
inline std::optional<std::string> scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return std::nullopt;
}

/// Appends `to_yaml(value)` to `out` (no allocation of a temporary string).
void append_yaml(std::string& out, const Json& value);

/// True when `s` can be written as a plain YAML scalar and read back as the
/// same string.
bool is_plain_safe(std::string_view s);

/// The offset of the first byte of `s` that is not well-formed UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF included), or
/// npos when all of it is. parse_yaml_stream() refuses such text.
std::size_t invalid_utf8_at(std::string_view s);

/// "source:line:column" for a document's pointer.
std::string location(const YamlParseOptions& options, SourceMark mark);

}  // namespace platform::internal
