// SPDX-License-Identifier: Apache-2.0
#include "validate/catalog.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>

#include "validate/embedded_schemas.hpp"

namespace platform::internal {
namespace {

// The CRDs under schemas/crds/ (see SOURCES.md there): which file serves which
// group/kind and versions. catalog_test checks this table against the files.
struct CrdFile {
  std::string_view group;
  std::string_view kind;
  std::array<std::string_view, 3> versions;
  std::string_view path;
};

constexpr CrdFile kCrds[] = {
    {"kafka.strimzi.io", "Kafka", {"v1beta2"}, "crds/strimzi-0.43.0/Kafka.yaml"},
    {"kafka.strimzi.io", "KafkaConnect", {"v1beta2"}, "crds/strimzi-0.43.0/KafkaConnect.yaml"},
    {"kafka.strimzi.io", "KafkaNodePool", {"v1beta2"}, "crds/strimzi-0.43.0/KafkaNodePool.yaml"},
    {"kafka.strimzi.io", "KafkaTopic", {"v1beta2", "v1beta1", "v1alpha1"}, "crds/strimzi-0.43.0/KafkaTopic.yaml"},
    {"kafka.strimzi.io", "KafkaUser", {"v1beta2", "v1beta1", "v1alpha1"}, "crds/strimzi-0.43.0/KafkaUser.yaml"},
    {"rabbitmq.com", "RabbitmqCluster", {"v1beta1"}, "crds/rabbitmq-cluster-operator-2.10.0/RabbitmqCluster.yaml"},
    {"camel.apache.org", "Integration", {"v1"}, "crds/camel-k-2.5.0/Integration.yaml"},
    {"camel.apache.org", "IntegrationPlatform", {"v1"}, "crds/camel-k-2.5.0/IntegrationPlatform.yaml"},
    {"camel.apache.org", "Kamelet", {"v1", "v1alpha1"}, "crds/camel-k-2.5.0/Kamelet.yaml"},
    {"camel.apache.org", "Pipe", {"v1"}, "crds/camel-k-2.5.0/Pipe.yaml"},
    {"argoproj.io", "Application", {"v1alpha1"}, "crds/argo-cd-2.13.9/Application.yaml"},
    {"argoproj.io", "AppProject", {"v1alpha1"}, "crds/argo-cd-2.13.9/AppProject.yaml"},
};

// Kinds an operator install or a platform tree legitimately contains that
// have no bundled schema: reported as unchecked, not as errors.
constexpr std::string_view kKnownSafe[] = {
    "apiextensions.k8s.io/CustomResourceDefinition",
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    "apps/DaemonSet",
    "apps/ReplicaSet",
    "batch/Job",
    "batch/CronJob",
    "/Pod",
    "/Endpoints",
    "/PersistentVolume",
    "policy/PodDisruptionBudget",
    "networking.k8s.io/Ingress",
    "networking.k8s.io/IngressClass",
    "autoscaling/HorizontalPodAutoscaler",
    "scheduling.k8s.io/PriorityClass",
    "storage.k8s.io/StorageClass",
    "coordination.k8s.io/Lease",
    "monitoring.coreos.com/ServiceMonitor",
    "monitoring.coreos.com/PodMonitor",
    "monitoring.coreos.com/PrometheusRule",
    "argoproj.io/ApplicationSet",
    "kind.x-k8s.io/Cluster",
};

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

std::string_view version_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? api_version : api_version.substr(slash + 1);
}

std::string_view embedded(std::string_view path) {
  for (const EmbeddedSchemaFile& f : embedded_schema_files()) {
    if (f.path == path) return f.text;
  }
  return {};
}

Result<Json> parse_embedded(std::string_view path) {
  std::string_view text = embedded(path);
  if (text.empty()) return internal_error("schema file " + std::string(path) + " is not embedded in the library");
  YamlParseOptions options;
  options.source_name = "schemas/" + std::string(path);
  auto docs = parse_yaml_stream(text, options);
  if (!docs.ok()) return internal_error("bundled schema does not parse: " + docs.status().message());
  if (docs->size() != 1) return internal_error(options.source_name + " must hold exactly one document");
  return std::move(docs->front().value);
}

// The hand-written core schemas (schemas/core/*.yaml): shared definitions,
// including ObjectMeta, which CRD schemas use for `metadata` too.
struct CoreSchemas {
  std::once_flag once;
  Status status;
  SchemaArena arena;
  SchemaDefinitions definitions;
  std::map<std::pair<std::string, std::string>, std::pair<const SchemaNode*, std::string>, std::less<>> kinds;

  Status load() {
    std::vector<std::pair<std::string, Json>> files;
    for (const EmbeddedSchemaFile& f : embedded_schema_files()) {
      if (f.path.rfind("core/", 0) != 0) continue;
      auto doc = parse_embedded(f.path);
      if (!doc.ok()) return doc.status();
      files.emplace_back(std::string(f.path), std::move(*doc));
    }
    for (auto& [path, doc] : files) {
      if (!doc.contains("definitions")) continue;
      for (auto it = doc["definitions"].begin(); it != doc["definitions"].end(); ++it) {
        auto node = arena.compile(it.value(), path + "#/definitions/" + it.key());
        if (!node.ok()) return node.status();
        if (!definitions.emplace(it.key(), *node).second) {
          return internal_error("definition " + it.key() + " is defined twice in schemas/core");
        }
      }
    }
    for (auto& [path, doc] : files) {
      for (const Json& k : doc.value("kinds", Json::array())) {
        std::string api_version = k.at("apiVersion").get<std::string>();
        std::string kind = k.at("kind").get<std::string>();
        auto node = arena.compile(k.at("schema"), path + "#" + kind);
        if (!node.ok()) return node.status();
        kinds[{api_version, kind}] = {*node, path};
      }
    }
    return arena.resolve_refs(definitions);
  }

  const SchemaNode* object_meta() const { return definitions.at("ObjectMeta"); }
};

// One CRD file, compiled on first use.
struct CrdSchemas {
  std::once_flag once;
  Status status;
  SchemaArena arena;
  std::map<std::string, const SchemaNode*, std::less<>> by_version;

  Status load(const CrdFile& crd, const SchemaNode* object_meta) {
    auto doc = parse_embedded(crd.path);
    if (!doc.ok()) return doc.status();
    const Json& spec = (*doc)["spec"];
    if (spec.value("group", "") != crd.group || spec["names"].value("kind", "") != crd.kind) {
      return internal_error("schemas/" + std::string(crd.path) + " does not define " + std::string(crd.group) + "/" +
                            std::string(crd.kind));
    }
    for (const Json& v : spec.value("versions", Json::array())) {
      if (!v.value("served", false)) continue;
      std::string name = v.value("name", "");
      auto node = arena.compile(v["schema"]["openAPIV3Schema"], "schemas/" + std::string(crd.path) + " " + name);
      if (!node.ok()) return node.status();
      SchemaArena::set_metadata(*node, object_meta);
      by_version[name] = *node;
    }
    return {};
  }
};

struct Catalog {
  CoreSchemas core;
  std::array<CrdSchemas, std::size(kCrds)> crds;

  Status ensure_core() {
    std::call_once(core.once, [&] { core.status = core.load(); });
    return core.status;
  }

  Result<const SchemaNode*> crd_schema(std::size_t i, std::string_view version) {
    PLATFORM_RETURN_IF_ERROR(ensure_core());
    CrdSchemas& c = crds[i];
    std::call_once(c.once, [&] { c.status = c.load(kCrds[i], core.object_meta()); });
    if (!c.status.ok()) return c.status;
    auto it = c.by_version.find(version);
    if (it == c.by_version.end()) {
      return internal_error("schemas/" + std::string(kCrds[i].path) + " serves no version " + std::string(version));
    }
    return it->second;
  }
};

Catalog& catalog() {
  static Catalog* c = new Catalog();  // never destroyed: schemas outlive every validation
  return *c;
}

}  // namespace

Result<SchemaLookup> find_schema(std::string_view api_version, std::string_view kind) {
  Catalog& cat = catalog();
  SchemaLookup out;
  std::string_view group = group_of(api_version);
  std::string_view version = version_of(api_version);
  for (std::size_t i = 0; i < std::size(kCrds); ++i) {
    const CrdFile& crd = kCrds[i];
    if (crd.kind != kind || crd.group != group) continue;
    out.source = "schemas/" + std::string(crd.path);
    for (std::string_view v : crd.versions) {
      if (!v.empty()) out.served.push_back(std::string(crd.group) + "/" + std::string(v));
    }
    if (std::find(crd.versions.begin(), crd.versions.end(), version) == crd.versions.end() || version.empty()) {
      out.result = SchemaLookup::Kind::kWrongVersion;
      return out;
    }
    auto schema = cat.crd_schema(i, version);
    if (!schema.ok()) return schema.status();
    out.result = SchemaLookup::Kind::kFound;
    out.schema = *schema;
    return out;
  }
  PLATFORM_RETURN_IF_ERROR(cat.ensure_core());
  bool kind_known = false;
  for (const auto& [key, value] : cat.core.kinds) {
    if (key.second != kind) continue;
    if (key.first == api_version) {
      out.result = SchemaLookup::Kind::kFound;
      out.schema = value.first;
      out.source = "schemas/" + value.second;
      return out;
    }
    if (group_of(key.first) == group) {
      kind_known = true;
      out.source = "schemas/" + value.second;
      out.served.push_back(key.first);
    }
  }
  if (kind_known) {
    out.result = SchemaLookup::Kind::kWrongVersion;
    return out;
  }
  std::string key = std::string(group) + "/" + std::string(kind);
  if (std::find(std::begin(kKnownSafe), std::end(kKnownSafe), key) != std::end(kKnownSafe)) {
    out.result = SchemaLookup::Kind::kKnownSafe;
  }
  return out;
}

std::vector<CatalogEntry> catalog_entries() {
  std::vector<CatalogEntry> out;
  for (const CrdFile& crd : kCrds) {
    for (std::string_view v : crd.versions) {
      if (v.empty()) continue;
      out.push_back({std::string(crd.group) + "/" + std::string(v), std::string(crd.kind), "schemas/" + std::string(crd.path)});
    }
  }
  Catalog& cat = catalog();
  if (cat.ensure_core().ok()) {
    for (const auto& [key, value] : cat.core.kinds) out.push_back({key.first, key.second, "schemas/" + value.second});
  }
  return out;
}

}  // namespace platform::internal
