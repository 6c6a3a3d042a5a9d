// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "internal/yaml_json.hpp"
#include "platform/k8s/apply.hpp"

namespace platform::k8s {

using platform::internal::Json;
namespace fs = std::filesystem;

std::string Manifest::ref() const { return kind + " " + (ns.empty() ? name : ns + "/" + name); }

Result<std::vector<Manifest>> parse_manifests(std::string_view yaml, std::string_view source_name) {
  platform::internal::YamlParseOptions opts;
  opts.source_name = std::string(source_name);
  opts.record_marks = true;
  auto docs = platform::internal::parse_yaml_stream(yaml, opts);
  if (!docs.ok()) return docs.status();
  std::vector<Manifest> out;
  std::vector<Detail> problems;
  for (const auto& doc : *docs) {
    const Json& v = doc.value;
    std::string where = platform::internal::location(opts, doc.start);
    if (v.is_null()) continue;
    if (!v.is_object()) {
      problems.push_back({where, "", "a document must be a mapping (a Kubernetes object)", ""});
      continue;
    }
    auto str = [&](const Json& j, const char* k) {
      auto it = j.find(k);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    Manifest m;
    m.api_version = str(v, "apiVersion");
    m.kind = str(v, "kind");
    if (m.kind == "Kustomization" || m.api_version.rfind("kustomize.config.k8s.io", 0) == 0) continue;
    auto md = v.find("metadata");
    if (md != v.end() && md->is_object()) {
      m.name = str(*md, "name");
      m.ns = str(*md, "namespace");
    }
    if (m.api_version.empty()) problems.push_back({where, "apiVersion", "apiVersion is missing; add e.g. apiVersion: v1", ""});
    if (m.kind.empty()) problems.push_back({where, "kind", "kind is missing", ""});
    if (m.name.empty()) {
      problems.push_back({where, "metadata.name", "metadata.name is missing (generateName is not supported by apply)", ""});
    }
    if (md != v.end() && md->is_object()) {
      auto ann = md->find("annotations");
      if (ann != md->end() && ann->is_object()) {
        auto w = ann->find(std::string(kSyncWaveAnnotation));
        if (w != ann->end()) {
          std::string s = w->is_string() ? w->get<std::string>() : w->dump();
          int wave = 0;
          auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), wave);
          if (ec != std::errc() || ptr != s.data() + s.size()) {
            std::string at = platform::internal::location(
                opts, doc.mark_of("/metadata/annotations/argocd.argoproj.io~1sync-wave"));
            problems.push_back({at, "metadata.annotations." + std::string(kSyncWaveAnnotation),
                                "sync-wave must be an integer such as \"1\", not '" + s + "'", ""});
          }
          m.wave = wave;
        }
      }
    }
    m.source = where;
    m.json = v.dump();
    out.push_back(std::move(m));
  }
  if (!problems.empty()) {
    return invalid_argument(std::to_string(problems.size()) + " invalid document(s) in " + std::string(source_name) +
                                "; nothing was applied",
                            problems);
  }
  return out;
}

Result<std::vector<Manifest>> read_manifests(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return parse_manifests(text, "<stdin>");
  }
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      auto ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) return invalid_argument("directory '" + path + "' holds no .yaml, .yml or .json files");
  } else if (fs::exists(path, ec)) {
    files.push_back(path);
  } else {
    return Status(StatusCode::kNotFound, "manifest file or directory '" + path + "' does not exist");
  }
  std::vector<Manifest> all;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return invalid_argument("cannot read '" + f.string() + "'");
    std::ostringstream s;
    s << in.rdbuf();
    auto part = parse_manifests(s.str(), f.string());
    if (!part.ok()) return part.status();
    std::move(part->begin(), part->end(), std::back_inserter(all));
  }
  return all;
}

std::vector<Manifest> select_bootstrap(const std::vector<Manifest>& manifests, std::string_view argocd_namespace,
                                       std::string_view root_application) {
  std::vector<Manifest> out;
  for (const auto& m : manifests) {
    const bool argo_ns = m.ns == argocd_namespace || (m.kind == "Namespace" && m.name == argocd_namespace);
    const bool argo_crd = m.kind == "CustomResourceDefinition" &&
                          m.name.size() > 12 && m.name.substr(m.name.size() - 12) == ".argoproj.io";
    const bool argo_cluster_rbac = (m.kind == "ClusterRole" || m.kind == "ClusterRoleBinding") &&
                                   m.name.rfind("argocd-", 0) == 0;
    const bool app = m.kind == "Application" || m.kind == "AppProject" || m.kind == "ApplicationSet";
    if (app) {
      // Of the Argo CD objects, only the root Application (and projects) seed the GitOps loop.
      if ((m.kind == "Application" && m.name == root_application) || m.kind == "AppProject") out.push_back(m);
      continue;
    }
    if (argo_ns || argo_crd || argo_cluster_rbac) out.push_back(m);
  }
  return out;
}

}  // namespace platform::k8s
