// SPDX-License-Identifier: Apache-2.0
// Loading a spec: YAML -> JSON (with marks) merged over the seed's JSON ->
// --set overrides -> decode -> check. Every problem of every stage is
// collected, then located (file:line:column or the --set that caused it).
#include "platform/spec/load.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "spec/codec.hpp"

namespace platform::spec {
namespace {

using internal::Json;
using internal::SourceMark;
using internal::YamlDocument;
using internal::spec::AppliedOverride;
using internal::spec::Problem;
using internal::spec::SchemaNode;
using internal::spec::Type;

// Overlays what the file says on the seed's JSON: records field by field,
// string maps key by key (null removes a key), lists and scalars replaced.
// Null elsewhere means "not given": the default stays.
void merge(Json& base, const Json& over, const SchemaNode* node) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    const SchemaNode* child = node ? node->child(it.key()) : nullptr;
    auto b = base.find(it.key());
    if (child == nullptr || b == base.end()) {
      base[it.key()] = it.value();  // an unknown key: decode() reports it
      continue;
    }
    if (it->is_null()) continue;
    if (child->type == Type::kObject && b->is_object() && it->is_object()) {
      merge(*b, *it, child);
    } else if (child->type == Type::kStringMap && b->is_object() && it->is_object()) {
      for (auto e = it->begin(); e != it->end(); ++e) {
        if (e->is_null()) b->erase(e.key());
        else (*b)[e.key()] = e.value();
      }
    } else {
      *b = it.value();
    }
  }
}

// Refuses lists longer than kMaxListItems before decode() turns each item
// into a struct (a tenant is ~1 KiB of defaults): the list is emptied and a
// problem says why, so a hostile or mistaken spec costs no more memory than
// its own text.
void limit_lists(Json& value, const std::string& pointer, const std::string& path, std::vector<Problem>& problems) {
  if (value.is_array()) {
    if (value.size() > kMaxListItems) {
      problems.push_back({pointer, path,
                          "has " + std::to_string(value.size()) + " items; a spec holds at most " +
                              std::to_string(kMaxListItems) +
                              " per list (Kubernetes is tested up to 10,000 namespaces per cluster); split the "
                              "platform",
                          "list-limit", {}, {}});
      value = Json::array();
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      limit_lists(value[i], pointer + "/" + std::to_string(i), path + "[" + std::to_string(i) + "]", problems);
    }
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      limit_lists(it.value(), pointer + "/" + it.key(), path.empty() ? it.key() : path + "." + it.key(), problems);
    }
  }
}

bool starts_below(std::string_view pointer, std::string_view ancestor) {
  return pointer.size() > ancestor.size() && pointer.substr(0, ancestor.size()) == ancestor &&
         pointer[ancestor.size()] == '/';
}

// Turns a problem's JSON pointer into the place the user has to edit.
struct Locator {
  std::string source_name;
  std::string_view text;
  const YamlDocument* doc = nullptr;
  const std::vector<AppliedOverride>* overrides = nullptr;

  // pointer -> mark, built on the first problem (only failures pay for it).
  mutable std::unordered_map<std::string_view, const SourceMark*> index;

  [[nodiscard]] const SourceMark* exact(std::string_view pointer) const {
    if (doc == nullptr) return nullptr;
    if (index.empty()) {
      for (const auto& [p, m] : doc->marks) index.emplace(p, &m);
    }
    auto it = index.find(pointer);
    return it == index.end() ? nullptr : it->second;
  }

  // The last --set that wrote this value or one of its parents.
  [[nodiscard]] std::optional<std::string> set_at(std::string_view pointer) const {
    for (auto it = overrides->rbegin(); it != overrides->rend(); ++it) {
      if (it->pointer == pointer || starts_below(pointer, it->pointer)) return it->location;
    }
    return std::nullopt;
  }

  // The last --set that wrote below this value (it created an unknown key).
  [[nodiscard]] std::optional<std::string> set_below(std::string_view pointer) const {
    for (auto it = overrides->rbegin(); it != overrides->rend(); ++it) {
      if (starts_below(it->pointer, pointer)) return it->location;
    }
    return std::nullopt;
  }

  [[nodiscard]] std::string at(SourceMark m) const {
    return source_name + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
  }

  // Marks point at values; an unknown key is better shown at the key itself,
  // the last occurrence of its text before the value.
  [[nodiscard]] SourceMark key_mark(SourceMark value, std::string_view pointer) const {
    std::string key(pointer.substr(pointer.rfind('/') + 1));
    std::size_t offset = 0;
    for (int line = 1; line < value.line && offset != std::string_view::npos; ++line) {
      offset = text.find('\n', offset);
      if (offset != std::string_view::npos) ++offset;
    }
    if (offset == std::string_view::npos) return value;
    offset += static_cast<std::size_t>(value.column - 1);
    std::size_t found = text.rfind(key, offset);
    if (found == std::string_view::npos || key.empty()) return value;
    std::size_t line_start = text.rfind('\n', found);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(found), '\n'));
    return {line, static_cast<int>(found - line_start) + 1};
  }

  [[nodiscard]] std::string locate(const Problem& p) const {
    if (!p.location.empty()) return p.location;
    if (auto s = set_at(p.pointer)) return *s;
    if (const SourceMark* m = exact(p.pointer)) return at(p.rule == "unknown-key" ? key_mark(*m, p.pointer) : *m);
    if (auto s = set_below(p.pointer)) return *s;
    if (!p.related.empty()) {
      if (auto s = set_at(p.related)) return *s;
      if (const SourceMark* m = exact(p.related)) return at(*m);
    }
    if (doc != nullptr) return at(doc->mark_of(p.pointer));
    return source_name;
  }
};

std::string summary(std::string_view source_name, std::size_t problems) {
  return std::string(source_name) + (source_name.empty() ? "" : ": ") + "invalid platform spec (" +
         std::to_string(problems) + (problems == 1 ? " problem)" : " problems)");
}

Status failure(std::string_view source_name, const std::vector<Problem>& problems, const Locator& locator) {
  // File problems in reading order, then the --set ones in command-line order.
  struct Located {
    int line;
    int column;
    Detail detail;
  };
  std::vector<Located> located;
  located.reserve(problems.size());
  const std::string prefix = locator.source_name + ":";
  for (const Problem& p : problems) {
    Located l{INT_MAX, INT_MAX, {locator.locate(p), p.path, p.message, p.rule}};
    if (l.detail.location.starts_with(prefix)) {
      std::sscanf(l.detail.location.c_str() + prefix.size(), "%d:%d", &l.line, &l.column);
    }
    located.push_back(std::move(l));
  }
  std::stable_sort(located.begin(), located.end(), [](const Located& a, const Located& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  std::vector<Detail> details;
  details.reserve(located.size());
  for (Located& l : located) details.push_back(std::move(l.detail));
  return invalid_argument(summary(source_name, problems.size()), std::move(details));
}

Result<PlatformSpec> load(const Json* file, const Locator& locator, std::vector<AppliedOverride>& applied,
                          const LoadOptions& options, std::vector<Problem> problems) {
  const SchemaNode& root = internal::spec::schema();
  Json effective = root.default_value;
  if (file != nullptr) {
    if (file->is_object()) {
      merge(effective, *file, &root);
    } else {
      problems.push_back({"", "", "the spec must be a mapping of keys such as `kafka:` and `tenants:`", "type", {}, {}});
    }
  }
  internal::spec::apply_overrides(effective, options.overrides, applied, problems);
  limit_lists(effective, "", "", problems);
  std::vector<Problem> decoded;
  PlatformSpec spec = internal::spec::decode(effective, decoded);
  // A value decode() refused kept its default; its checks would only repeat
  // the problem.
  for (Problem& p : internal::spec::check(spec)) {
    bool repeated = false;
    for (const Problem& d : decoded) {
      repeated = repeated || p.pointer == d.pointer || starts_below(p.pointer, d.pointer);
    }
    if (!repeated) decoded.push_back(std::move(p));
  }
  problems.insert(problems.end(), decoded.begin(), decoded.end());
  if (problems.empty()) return spec;
  return failure(locator.source_name, problems, locator);
}

}  // namespace

Result<PlatformSpec> default_spec(const LoadOptions& options) {
  std::vector<AppliedOverride> applied;
  Locator locator{"<seed>", {}, nullptr, &applied, {}};
  return load(nullptr, locator, applied, options, {});
}

Result<PlatformSpec> parse_spec(std::string_view yaml, std::string_view source_name, const LoadOptions& options) {
  internal::YamlParseOptions parse_options;
  parse_options.source_name = std::string(source_name);
  parse_options.record_marks = true;
  parse_options.max_bytes = kMaxSpecBytes;
  auto docs = internal::parse_yaml_stream(yaml, parse_options);
  if (!docs.ok()) {
    // "source:line:column: invalid YAML: ..." -> a located Detail.
    const Status status = docs.status();
    const std::string& message = status.message();
    std::size_t split = message.find(": invalid YAML");
    Detail detail{std::string(source_name), "", message, "yaml"};
    if (split != std::string::npos) {
      detail.location = message.substr(0, split);
      detail.message = message.substr(split + 2) + "; fix the YAML syntax there";
    }
    return Status(status.code(), std::string(source_name) + ": invalid platform spec (not YAML)", {detail});
  }
  std::vector<AppliedOverride> applied;
  Locator locator{std::string(source_name), yaml, nullptr, &applied, {}};
  std::vector<Problem> problems;
  if (docs->size() > 1) {
    problems.push_back({"", "", "the spec holds " + std::to_string(docs->size()) +
                                    " YAML documents; put the whole platform in one document",
                        "one-document", {}, locator.at((*docs)[1].start)});
  }
  if (docs->empty()) return load(nullptr, locator, applied, options, std::move(problems));
  locator.doc = &docs->front();
  return load(&docs->front().value, locator, applied, options, std::move(problems));
}

Result<PlatformSpec> load_spec_file(const std::filesystem::path& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return invalid_argument("'" + path.string() + "' is a directory; pass the spec file, e.g. platform.yaml");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kNotFound, "cannot read spec file '" + path.string() + "': " + std::strerror(errno) +
                                             "; check the path (platformctl init > platform.yaml writes one)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), path.string(), options);
}

Status check_spec(const PlatformSpec& spec) {
  std::vector<Problem> problems = internal::spec::check(spec);
  if (problems.empty()) return {};
  std::vector<Detail> details;
  for (const Problem& p : problems) details.push_back({"", p.path, p.message, p.rule});
  return invalid_argument(summary("", problems.size()), std::move(details));
}

std::string to_yaml(const PlatformSpec& spec) { return internal::to_yaml(internal::spec::encode(spec)); }

std::string to_json(const PlatformSpec& spec) {
  // A spec built in code may hold any bytes: never throw on invalid UTF-8.
  return internal::spec::encode(spec).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace platform::spec
