// SPDX-License-Identifier: Apache-2.0
#pragma once

// Platform rules: checks over the whole document set that no schema can
// express. A rule is a named function over a DocumentSet that reports
// findings; rules register themselves (register_rule) from any file of the
// library, so another area (e.g. tenancy's isolation rules) adds its own
// without touching this one:
//
//   namespace {
//   const bool kRegistered = platform::internal::register_rule({
//       "tenant-isolation", "no tenant can reach another tenant",
//       [](const DocumentSet& set, RuleReporter& out) { ... }});
//   }

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "internal/yaml_json.hpp"
#include "platform/validate/validate.hpp"
#include "validate/schema.hpp"

namespace platform::internal {

/// One parsed document with what rules need to know about it.
struct Document {
  std::size_t source = 0;       // index of its source in the input
  std::string file;             // the source's name
  std::size_t index = 0;        // 0-based document index in the file
  std::string pointer_prefix;   // "" or "/items/3" for an entry of a v1 List
  const Json* value = nullptr;  // the document (owned by the validation run)
  std::string api_version;
  std::string group;            // "" for the core group
  std::string kind;
  std::string name;
  std::string namespace_;       // effective namespace; "" for cluster-scoped kinds
  bool kustomization = false;   // a kustomization.yaml file, not a cluster object
  int wave = 0;                 // argocd.argoproj.io/sync-wave, default 0
  std::string dir;              // directory of the file ("" for stdin)
  bool on_disk = false;         // dir is a real directory (validate_path)
  // Sync order: (Application deploying this level, wave) from the root
  // Application down to this document; see rules.cpp.
  std::vector<std::pair<const Document*, int>> wave_chain;

  /// `/spec/...` within this document -> pointer within its file's document.
  [[nodiscard]] std::string pointer(std::string_view inner) const { return pointer_prefix + std::string(inner); }
  /// A field by JSON pointer ("/spec/kafka/replicas"), or nullptr.
  [[nodiscard]] const Json* at(std::string_view pointer) const;
  /// A label or annotation value, "" when absent.
  [[nodiscard]] std::string label(std::string_view key) const;
  [[nodiscard]] std::string annotation(std::string_view key) const;
};

/// All documents of one validation run, indexed by kind/namespace/name.
class DocumentSet {
 public:
  explicit DocumentSet(std::vector<Document> docs);

  [[nodiscard]] const std::vector<Document>& documents() const { return docs_; }
  /// Documents of `kind` (any group), in input order.
  [[nodiscard]] const std::vector<const Document*>& of_kind(std::string_view kind) const;
  /// The document of `kind` named `name` in `namespace_` ("" for cluster-scoped), or nullptr.
  [[nodiscard]] const Document* find(std::string_view kind, std::string_view namespace_, std::string_view name) const;

 private:
  std::vector<Document> docs_;
  std::map<std::string, std::vector<const Document*>, std::less<>> by_kind_;
  std::map<std::string, const Document*, std::less<>> by_key_;  // kind/namespace/name
};

/// Where rules put their findings.
class RuleReporter {
 public:
  explicit RuleReporter(std::string rule, std::vector<std::pair<const Document*, validate::Finding>>& out)
      : rule_(std::move(rule)), out_(out) {}
  /// Reports a problem at `pointer` (JSON pointer inside the document, e.g.
  /// "/spec/replicas"; "" = the whole document).
  void error(const Document& doc, std::string_view pointer, std::string message);
  void warning(const Document& doc, std::string_view pointer, std::string message);

 private:
  void add(const Document& doc, std::string_view pointer, std::string message, validate::Severity severity);
  std::string rule_;
  std::vector<std::pair<const Document*, validate::Finding>>& out_;
};

/// A named check over the whole document set.
struct Rule {
  std::string name;         // stable, kebab-case; users skip rules by it
  std::string description;  // one sentence for `rules()` and docs/validate.md
  std::function<void(const DocumentSet&, RuleReporter&)> check;
};

/// Adds a rule (call from a static initialiser); returns true.
bool register_rule(Rule rule);

/// Every registered rule, in registration order.
const std::vector<Rule>& registered_rules();

}  // namespace platform::internal
