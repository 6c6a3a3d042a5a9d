// SPDX-License-Identifier: Apache-2.0
#pragma once

// Checking a parsed YAML document (flow files, transform specs) with errors
// that say file:line:column, the field path and what to do.

#include <string>
#include <string_view>
#include <vector>

#include "internal/text.hpp"
#include "internal/yaml_json.hpp"
#include "platform/status.hpp"

namespace platform::internal {

/// A document and where it came from.
struct DocContext {
  const YamlDocument& doc;
  const YamlParseOptions& parse;

  /// kInvalidArgument "file:line:column: path: message".
  [[nodiscard]] Status error(const std::string& pointer, const std::string& message) const {
    std::string where = location(parse, doc.mark_of(pointer));
    std::string path = pointer.empty() ? std::string("(document)") : pointer.substr(1);
    for (char& c : path) {
      if (c == '/') c = '.';
    }
    return invalid_argument(where + ": " + path + ": " + message, {{where, path, message, ""}});
  }

  /// Every key of the object at `pointer` must be in `allowed`.
  [[nodiscard]] Status check_keys(const Json& object, const std::string& pointer,
                                  const std::vector<std::string_view>& allowed) const {
    if (!object.is_object()) return error(pointer, "must be a mapping");
    for (const auto& [key, value] : object.items()) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key;
      if (known) continue;
      std::string message = "unknown key '" + key + "'";
      std::string guess = did_you_mean(key, allowed);
      if (!guess.empty()) message += ": did you mean '" + guess + "'?";
      message += " (allowed: ";
      for (std::size_t i = 0; i < allowed.size(); ++i) message += (i ? ", " : "") + std::string(allowed[i]);
      message += ")";
      return error(pointer + "/" + key, message);
    }
    return {};
  }

  /// The string at `object[key]` (pointer for errors); error if not a string.
  [[nodiscard]] Result<std::string> string_at(const Json& object, const std::string& pointer,
                                              std::string_view key) const {
    if (auto text = scalar_text(object.at(std::string(key)))) return std::move(*text);
    return error(pointer + "/" + std::string(key), "must be a string");
  }
};

/// A one-document context for an in-memory text.
struct OwnedDoc {
  YamlParseOptions parse;
  YamlDocument doc;
  [[nodiscard]] DocContext context() const { return {doc, parse}; }
};

/// Parses `text` as exactly one YAML document, recording marks.
inline Result<OwnedDoc> parse_one(std::string_view text, std::string_view source_name) {
  OwnedDoc out;
  out.parse.source_name = std::string(source_name);
  out.parse.record_marks = true;
  auto docs = parse_yaml_stream(text, out.parse);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) {
    return invalid_argument(std::string(source_name) + ": expected one YAML document, found " +
                            std::to_string(docs->size()));
  }
  out.doc = std::move(docs->front());
  return out;
}

}  // namespace platform::internal
