// SPDX-License-Identifier: Apache-2.0
#include "platform/validate/validate.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "internal/yaml_json.hpp"
#include "validate/catalog.hpp"
#include "validate/rules.hpp"
#include "validate/schema.hpp"

namespace platform::validate {

using internal::Document;
using internal::Json;

const char* to_string(Severity severity) noexcept { return severity == Severity::kError ? "error" : "warning"; }

std::size_t Report::error_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::kError; }));
}

namespace {

std::string location_of(const Finding& f) {
  if (f.line > 0) return f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  return f.file + "#" + std::to_string(f.document);
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Status Report::status() const {
  if (valid()) return {};
  std::vector<Detail> details;
  for (const Finding& f : findings) {
    if (f.severity != Severity::kError) continue;
    details.push_back({location_of(f), f.path, f.kind + " " + f.name + ": " + f.message, f.rule});
  }
  return Status(StatusCode::kFailedPrecondition, summary(), std::move(details));
}

std::string Report::summary() const {
  std::string s = "validated " + plural(documents, "document") + " in " + plural(files, "file") + ": ";
  std::size_t errors = error_count();
  std::size_t warnings = findings.size() - errors;
  s += errors == 0 ? "ok" : plural(errors, "error");
  if (warnings > 0) s += ", " + plural(warnings, "warning");
  if (unchecked > 0) s += " (" + std::to_string(unchecked) + " of a kind without a bundled schema, not checked)";
  return s;
}

std::string to_text(const Report& report) {
  std::string out;
  for (const Finding& f : report.findings) {
    out += location_of(f) + ": " + to_string(f.severity) + ": ";
    if (!f.kind.empty()) out += f.kind + (f.name.empty() ? "" : " " + f.name) + ": ";
    if (!f.path.empty()) out += f.path + ": ";
    out += f.message + " [" + f.rule + "]\n";
  }
  out += report.summary() + "\n";
  return out;
}

std::string to_json(const Report& report) {
  Json j;
  j["valid"] = report.valid();
  j["files"] = report.files;
  j["documents"] = report.documents;
  j["unchecked"] = report.unchecked;
  j["errors"] = report.error_count();
  j["findings"] = Json::array();
  for (const Finding& f : report.findings) {
    j["findings"].push_back({{"severity", to_string(f.severity)},
                             {"file", f.file},
                             {"document", f.document},
                             {"kind", f.kind},
                             {"name", f.name},
                             {"path", f.path},
                             {"line", f.line},
                             {"column", f.column},
                             {"rule", f.rule},
                             {"message", f.message}});
  }
  j["summary"] = report.summary();
  // File names come from the file system and may be any bytes: never throw.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

namespace {

namespace fs = std::filesystem;

// Kinds without a namespace (the rules treat their namespace as "").
bool cluster_scoped(std::string_view kind) {
  static const std::set<std::string_view> kKinds = {
      "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
      "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
      "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "Cluster"};
  return kKinds.count(kind) > 0;
}

bool is_kustomization_file(const std::string& name) {
  std::string base = fs::path(name).filename().string();
  return base == "kustomization.yaml" || base == "kustomization.yml" || base == "Kustomization";
}

std::string string_field(const Json& v, const char* key) {
  if (!v.is_object()) return {};
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& part : fs::path(path).lexically_normal()) {
    std::string s = part.string();
    if (s.empty() || s == "." || s == "/") continue;
    out.push_back(s);
  }
  return out;
}

bool ends_with(const std::vector<std::string>& whole, const std::vector<std::string>& tail) {
  if (tail.empty() || tail.size() > whole.size()) return false;
  return std::equal(tail.rbegin(), tail.rend(), whole.rbegin());
}

struct Pending {
  std::size_t source;
  std::string pointer;
  Finding finding;
};

struct Run {
  const Options& options;
  Report report;
  std::vector<Pending> pending;

  void add(const Document& d, std::string pointer, const std::string& rule, std::string message,
           Severity severity = Severity::kError) {
    Finding f;
    f.severity = severity;
    f.file = d.file;
    f.document = d.index;
    f.kind = d.kind;
    f.name = d.name;
    f.rule = rule;
    f.message = std::move(message);
    pending.push_back({d.source, d.pointer(pointer), std::move(f)});
  }

  Status check_schema(const Document& d) {
    const Json& v = *d.value;
    if (!v.is_object()) {
      add(d, "", "schema/type", "a document must be a mapping with apiVersion and kind");
      return {};
    }
    if (d.api_version.empty() || d.kind.empty()) {
      add(d, d.api_version.empty() ? "/apiVersion" : "/kind", "schema/required",
          std::string(d.api_version.empty() ? "apiVersion" : "kind") + " is required (a string)");
      return {};
    }
    auto lookup = internal::find_schema(d.api_version, d.kind);
    if (!lookup.ok()) return lookup.status();
    using K = internal::SchemaLookup::Kind;
    switch (lookup->result) {
      case K::kFound: {
        std::vector<internal::SchemaError> errors;
        // A Secret's values are credentials: its findings name fields only.
        internal::validate_value(*lookup->schema, v, errors, {}, d.kind == "Secret");
        for (internal::SchemaError& e : errors) add(d, e.pointer, "schema/" + e.keyword, std::move(e.message));
        if (!d.kustomization && d.name.empty()) {
          add(d, "/metadata/name", "schema/required", "required field \"metadata.name\" is missing");
        }
        break;
      }
      case K::kWrongVersion: {
        std::string served;
        for (const std::string& s : lookup->served) served += (served.empty() ? "" : ", ") + s;
        add(d, "/apiVersion", "schema/apiVersion",
            d.kind + " is not served as " + d.api_version + " (" + lookup->source + " serves " + served +
                "); use one of those");
        break;
      }
      case K::kKnownSafe:
        ++report.unchecked;
        break;
      case K::kUnknown:
        add(d, "/kind", "schema/unknown-kind",
            "no schema for apiVersion " + d.api_version + ", kind " + d.kind +
                "; check both for typos (the kinds with schemas: platformctl validate --list-schemas)",
            options.unknown_kinds_are_errors ? Severity::kError : Severity::kWarning);
        break;
    }
    return {};
  }
};

Document make_document(const Json& value, std::size_t source, const std::string& file, std::size_t index,
                       std::string prefix, bool kustomization, bool on_disk) {
  Document d;
  d.source = source;
  d.file = file;
  d.index = index;
  d.pointer_prefix = std::move(prefix);
  d.value = &value;
  d.kustomization = kustomization;
  d.on_disk = on_disk;
  d.api_version = string_field(value, "apiVersion");
  d.kind = string_field(value, "kind");
  if (kustomization) {
    if (d.api_version.empty()) d.api_version = "kustomize.config.k8s.io/v1beta1";
    if (d.kind.empty()) d.kind = "Kustomization";
  }
  auto slash = d.api_version.find('/');
  d.group = slash == std::string::npos ? "" : d.api_version.substr(0, slash);
  if (value.is_object() && value.contains("metadata")) {
    const Json& meta = value["metadata"];
    d.name = string_field(meta, "name");
    d.namespace_ = string_field(meta, "namespace");
  }
  std::string wave = d.annotation("argocd.argoproj.io/sync-wave");
  if (!wave.empty()) d.wave = static_cast<int>(std::strtol(wave.c_str(), nullptr, 10));
  if (on_disk) {
    std::error_code ec;
    d.dir = fs::absolute(fs::path(file), ec).parent_path().lexically_normal().string();
  } else {
    d.dir = fs::path(file).parent_path().lexically_normal().string();
  }
  return d;
}

// The Argo CD Application that deploys a document: the one whose source path
// is the document's directory or its nearest ancestor. The repository root is
// not known offline, so paths match by trailing components: the app path
// ends with the directory's path relative to the common root of the input
// ("kafka" matches "manifests/kafka"), or the absolute directory ends with
// the app path.
struct Ownership {
  std::vector<std::pair<const Document*, std::vector<std::string>>> apps;

  const Document* owner(const Document& d, const std::string& root) const {
    std::vector<std::string> dir = components(d.dir);
    std::vector<std::string> rel = components(fs::path(d.dir).lexically_relative(root).string());
    if (!rel.empty() && rel.front() == "..") rel.clear();
    while (true) {
      for (const auto& [app, path] : apps) {
        if (app == &d) continue;
        if (ends_with(dir, path) || ends_with(path, rel)) return app;
      }
      if (dir.empty()) return nullptr;
      dir.pop_back();
      if (!rel.empty()) rel.pop_back();
    }
  }
};

// The deepest directory holding every document.
std::string common_root(const std::vector<Document>& docs) {
  std::optional<fs::path> root;
  for (const Document& d : docs) {
    fs::path dir = d.dir;
    if (!root) {
      root = dir;
      continue;
    }
    fs::path common;
    auto a = root->begin(), b = dir.begin();
    for (; a != root->end() && b != dir.end() && *a == *b; ++a, ++b) common /= *a;
    root = common;
  }
  return root ? root->string() : std::string();
}

void resolve_context(std::vector<Document>& docs) {
  // Application source paths.
  Ownership own;
  for (const Document& d : docs) {
    if (d.kind != "Application" || d.group != "argoproj.io") continue;
    std::vector<const Json*> sources;
    if (const Json* s = d.at("/spec/source")) sources.push_back(s);
    if (const Json* list = d.at("/spec/sources"); list != nullptr && list->is_array()) {
      for (const Json& s : *list) sources.push_back(&s);
    }
    for (const Json* s : sources) {
      std::vector<std::string> path = components(string_field(*s, "path"));
      if (!path.empty()) own.apps.emplace_back(&d, std::move(path));
    }
  }
  // Namespaces set by kustomization.yaml files, by directory.
  std::map<std::string, std::string> kustomize_ns;
  for (const Document& d : docs) {
    if (d.kustomization) {
      std::string ns = string_field(*d.value, "namespace");
      if (!ns.empty()) kustomize_ns[d.dir] = ns;
    }
  }
  std::vector<const Document*> owners(docs.size(), nullptr);
  std::string root = common_root(docs);
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i].kustomization) owners[i] = own.owner(docs[i], root);
  }
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Document& d = docs[i];
    if (d.kustomization || d.kind.empty()) continue;
    if (cluster_scoped(d.kind)) {
      d.namespace_.clear();
      continue;
    }
    if (!d.namespace_.empty()) continue;
    for (fs::path dir = d.dir;; dir = dir.parent_path()) {
      auto it = kustomize_ns.find(dir.string());
      if (it != kustomize_ns.end()) {
        d.namespace_ = it->second;
        break;
      }
      if (dir.empty() || dir == dir.parent_path()) break;
    }
    if (d.namespace_.empty() && owners[i] != nullptr) {
      d.namespace_ = string_field(owners[i]->at("/spec/destination") ? *owners[i]->at("/spec/destination") : Json(),
                                  "namespace");
    }
    if (d.namespace_.empty()) d.namespace_ = "default";
  }
  // Sync chains, root Application first; a cycle of Applications deploying
  // each other is cut where it closes.
  std::map<const Document*, std::size_t> index;
  for (std::size_t i = 0; i < docs.size(); ++i) index[&docs[i]] = i;
  std::vector<int> state(docs.size(), 0);  // 0 new, 1 in progress, 2 done
  std::function<void(std::size_t)> chain = [&](std::size_t i) {
    if (state[i] != 0) return;
    state[i] = 1;
    const Document* owner = owners[i];
    if (owner != nullptr) {
      std::size_t o = index[owner];
      if (state[o] == 1) owner = nullptr;
      else chain(o);
    }
    if (owner != nullptr) docs[i].wave_chain = docs[index[owner]].wave_chain;
    docs[i].wave_chain.emplace_back(owner, docs[i].wave);
    state[i] = 2;
  };
  for (std::size_t i = 0; i < docs.size(); ++i) chain(i);
}

}  // namespace

namespace {
// `from_disk`: the sources were read from files by validate_path, so paths
// relative to them can be checked on disk. In-memory sources never look at the
// working directory.
Result<Report> validate_set(const std::vector<Source>& sources, const Options& options, bool from_disk) {
  Run run{options, {}, {}};
  run.report.files = sources.size();
  // Parse everything first: an unreadable source fails the whole call before
  // any finding is reported.
  std::vector<std::vector<internal::YamlDocument>> parsed;
  parsed.reserve(sources.size());
  for (const Source& s : sources) {
    internal::YamlParseOptions po;
    po.source_name = s.name;
    auto docs = internal::parse_yaml_stream(s.text, po);
    if (!docs.ok()) {
      return invalid_argument("cannot read " + s.name + " as YAML: " + docs.status().message() +
                              "; fix the syntax (every document must be YAML)");
    }
    parsed.push_back(std::move(*docs));
  }
  bool on_disk = false;
  std::vector<Document> docs;
  for (std::size_t si = 0; si < sources.size(); ++si) {
    bool kustomization = is_kustomization_file(sources[si].name);
    std::error_code ec;
    on_disk = from_disk && sources[si].name != "<stdin>" && fs::is_regular_file(sources[si].name, ec);
    for (const internal::YamlDocument& yd : parsed[si]) {
      const Json& v = yd.value;
      if (!kustomization && string_field(v, "kind") == "List" && v.contains("items") && v["items"].is_array()) {
        for (std::size_t i = 0; i < v["items"].size(); ++i) {
          docs.push_back(make_document(v["items"][i], si, sources[si].name, yd.index, "/items/" + std::to_string(i),
                                       false, on_disk));
        }
        continue;
      }
      docs.push_back(make_document(v, si, sources[si].name, yd.index, "", kustomization, on_disk));
    }
  }
  run.report.documents = docs.size();
  if (options.schemas) {
    for (const Document& d : docs) PLATFORM_RETURN_IF_ERROR(run.check_schema(d));
  }
  if (options.rules) {
    resolve_context(docs);
    internal::DocumentSet set(std::move(docs));
    std::vector<std::pair<const Document*, Finding>> found;
    for (const internal::Rule& rule : internal::registered_rules()) {
      if (std::find(options.skip_rules.begin(), options.skip_rules.end(), rule.name) != options.skip_rules.end()) {
        continue;
      }
      internal::RuleReporter reporter(rule.name, found);
      rule.check(set, reporter);
    }
    for (auto& [doc, f] : found) {
      std::string pointer = f.path;
      run.pending.push_back({doc->source, std::move(pointer), std::move(f)});
    }
  }
  // Locations: only sources with findings are parsed again with marks, so a
  // valid tree pays nothing for them.
  std::stable_sort(run.pending.begin(), run.pending.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.source, a.finding.document) < std::tie(b.source, b.finding.document);
  });
  std::map<std::size_t, std::vector<internal::YamlDocument>> marked;
  for (Pending& p : run.pending) {
    auto it = marked.find(p.source);
    if (it == marked.end()) {
      internal::YamlParseOptions po;
      po.source_name = sources[p.source].name;
      po.record_marks = true;
      auto again = internal::parse_yaml_stream(sources[p.source].text, po);
      it = marked.emplace(p.source, again.ok() ? std::move(*again) : std::vector<internal::YamlDocument>{}).first;
    }
    for (const internal::YamlDocument& yd : it->second) {
      if (yd.index != p.finding.document) continue;
      internal::SourceMark m = yd.mark_of(p.pointer);
      p.finding.line = m.line;
      p.finding.column = m.column;
    }
    p.finding.path = internal::field_path(p.pointer);
    run.report.findings.push_back(std::move(p.finding));
  }
  return std::move(run.report);
}

}  // namespace

Result<Report> validate_sources(const std::vector<Source>& sources, const Options& options) {
  return validate_set(sources, options, false);
}

Result<Report> validate_path(const std::filesystem::path& path, const Options& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status(StatusCode::kNotFound, path.string() + " does not exist; give a manifest file or directory");
  }
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (it->is_directory() && !name.empty() && name[0] == '.') {
        it.disable_recursion_pending();  // .git and friends
        continue;
      }
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
    }
    if (ec) return Status(StatusCode::kNotFound, "cannot walk " + path.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  std::vector<Source> sources;
  sources.reserve(files.size());
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status(StatusCode::kNotFound, "cannot read " + f.string() + "; check the path and permissions");
    std::ostringstream text;
    text << in.rdbuf();
    sources.push_back({f.string(), std::move(text).str()});
  }
  return validate_set(sources, options, true);
}

std::vector<RuleInfo> rules() {
  std::vector<RuleInfo> out;
  for (const internal::Rule& r : internal::registered_rules()) out.push_back({r.name, r.description});
  return out;
}

std::vector<SchemaInfo> schemas() {
  std::vector<SchemaInfo> out;
  for (internal::CatalogEntry& e : internal::catalog_entries()) {
    out.push_back({std::move(e.api_version), std::move(e.kind), std::move(e.source)});
  }
  return out;
}

}  // namespace platform::validate
