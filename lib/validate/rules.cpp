// SPDX-License-Identifier: Apache-2.0
#include "validate/rules.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace platform::internal {

// ---- Document, DocumentSet, RuleReporter, registry ----------------------

const Json* Document::at(std::string_view pointer) const {
  const Json* v = value;
  for (const std::string& token : pointer_tokens(pointer)) {
    if (v == nullptr) break;
    if (v->is_object()) {
      auto it = v->find(token);
      v = it == v->end() ? nullptr : &*it;
    } else if (v->is_array() && !token.empty() &&
               std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::size_t i = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
      v = ec == std::errc() && i < v->size() ? &(*v)[i] : nullptr;
    } else {
      v = nullptr;
    }
  }
  return v;
}

namespace {
std::string string_at(const Json* v) { return v != nullptr && v->is_string() ? v->get<std::string>() : std::string(); }
}  // namespace

std::string Document::label(std::string_view key) const {
  return string_at(at("/metadata/labels/" + pointer_escape(key)));
}

std::string Document::annotation(std::string_view key) const {
  return string_at(at("/metadata/annotations/" + pointer_escape(key)));
}

DocumentSet::DocumentSet(std::vector<Document> docs) : docs_(std::move(docs)) {
  for (const Document& d : docs_) {
    if (d.kustomization || d.kind.empty()) continue;
    by_kind_[d.kind].push_back(&d);
    by_key_.emplace(d.kind + "/" + d.namespace_ + "/" + d.name, &d);
  }
}

const std::vector<const Document*>& DocumentSet::of_kind(std::string_view kind) const {
  static const std::vector<const Document*> kNone;
  auto it = by_kind_.find(kind);
  return it == by_kind_.end() ? kNone : it->second;
}

const Document* DocumentSet::find(std::string_view kind, std::string_view namespace_, std::string_view name) const {
  std::string key = std::string(kind) + "/" + std::string(namespace_) + "/" + std::string(name);
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

void RuleReporter::error(const Document& doc, std::string_view pointer, std::string message) {
  add(doc, pointer, std::move(message), validate::Severity::kError);
}

void RuleReporter::warning(const Document& doc, std::string_view pointer, std::string message) {
  add(doc, pointer, std::move(message), validate::Severity::kWarning);
}

void RuleReporter::add(const Document& doc, std::string_view pointer, std::string message,
                       validate::Severity severity) {
  validate::Finding f;
  f.severity = severity;
  f.file = doc.file;
  f.document = doc.index;
  f.kind = doc.kind;
  f.name = doc.name;
  f.path = doc.pointer(pointer);  // a JSON pointer until validate.cpp resolves marks
  f.rule = rule_;
  f.message = std::move(message);
  out_.emplace_back(&doc, std::move(f));
}

namespace {
std::vector<Rule>& rule_registry() {
  static std::vector<Rule> rules;
  return rules;
}
}  // namespace

bool register_rule(Rule rule) {
  rule_registry().push_back(std::move(rule));
  return true;
}

const std::vector<Rule>& registered_rules() { return rule_registry(); }

// ---- What documents depend on -------------------------------------------

namespace {

std::string describe(const Document& d) {
  return d.kind + " " + (d.namespace_.empty() ? "" : d.namespace_ + "/") + d.name;
}

// One reference from a document to another object it needs.
struct Reference {
  std::string pointer;  // where the reference is written
  std::string kind;     // ConfigMap, Secret, Kafka, Namespace
  std::string namespace_;
  std::string name;
};

// ConfigMap and Secret references anywhere in a document: *KeyRef selectors
// (env, Strimzi metricsConfig, Camel K Maven settings, ...), envFrom, and pod
// volumes (plain and projected). Optional references are not required.
void collect_config_refs(const Json& v, std::string& ptr, const std::string& ns, std::vector<Reference>& out,
                         std::string_view parent_key = {}) {
  auto optional = [](const Json& ref) { return ref.is_object() && ref.value("optional", false); };
  auto add = [&](const Json& ref, std::string_view field, const char* kind, const std::string& where) {
    if (!ref.is_object() || optional(ref)) return;
    auto it = ref.find(field);
    if (it != ref.end() && it->is_string()) out.push_back({where, kind, ns, it->get<std::string>()});
  };
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::size_t len = ptr.size();
      ptr += "/" + pointer_escape(it.key());
      const std::string& key = it.key();
      if (key == "configMapKeyRef") add(it.value(), "name", "ConfigMap", ptr + "/name");
      else if (key == "secretKeyRef") add(it.value(), "name", "Secret", ptr + "/name");
      else if ((parent_key == "envFrom" || parent_key == "sources") && key == "configMapRef") {
        add(it.value(), "name", "ConfigMap", ptr + "/name");
      } else if (parent_key == "envFrom" && key == "secretRef") {
        add(it.value(), "name", "Secret", ptr + "/name");
      } else if ((parent_key == "volumes" || parent_key == "sources") && key == "configMap") {
        add(it.value(), "name", "ConfigMap", ptr + "/name");
      } else if (parent_key == "volumes" && key == "secret") {
        add(it.value(), "secretName", "Secret", ptr + "/secretName");
      } else if (parent_key == "sources" && key == "secret") {
        add(it.value(), "name", "Secret", ptr + "/name");
      }
      collect_config_refs(it.value(), ptr, ns, out, key);
      ptr.resize(len);
    }
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::size_t len = ptr.size();
      ptr += "/" + std::to_string(i);
      // Items of a list keep the list's key as their parent, so that
      // volumes[i].configMap is recognised.
      collect_config_refs(v[i], ptr, ns, out, parent_key);
      ptr.resize(len);
    }
  }
}

std::vector<Reference> config_refs(const Document& d) {
  std::vector<Reference> out;
  if (d.value == nullptr || d.kind == "Application" || d.kind == "AppProject") return out;
  std::string ptr;
  collect_config_refs(*d.value, ptr, d.namespace_, out);
  return out;
}

// Secrets an operator creates for a resource of the set, which the set
// therefore need not contain.
bool operator_generated_secret(const DocumentSet& set, const std::string& ns, const std::string& name) {
  for (const Document* k : set.of_kind("Kafka")) {
    if (k->namespace_ != ns) continue;
    for (const char* suffix : {"-cluster-ca-cert", "-clients-ca-cert", "-cluster-ca", "-clients-ca"}) {
      if (name == k->name + suffix) return true;
    }
  }
  if (set.find("KafkaUser", ns, name) != nullptr) return true;
  for (const Document* r : set.of_kind("RabbitmqCluster")) {
    if (r->namespace_ == ns && (name == r->name + "-default-user" || name == r->name + "-erlang-cookie")) return true;
  }
  return false;
}

const char* kClusterLabel = "strimzi.io/cluster";

// Secrets that are deliberately kept out of Git (credentials supplied by
// reference) are declared on the referencing document or on its Namespace:
// `libplatform/external-secrets: "name[,name...]"`.
const char* kExternalSecrets = "libplatform/external-secrets";

bool listed(const std::string& list, const std::string& name) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == name) return true;
    start = comma + 1;
  }
  return false;
}

bool declared_external(const DocumentSet& set, const Document& d, const std::string& name) {
  if (listed(d.annotation(kExternalSecrets), name)) return true;
  const Document* ns = set.find("Namespace", "", d.namespace_);
  return ns != nullptr && listed(ns->annotation(kExternalSecrets), name);
}

bool create_namespace(const Document& app) {
  const Json* options = app.at("/spec/syncPolicy/syncOptions");
  if (options == nullptr || !options->is_array()) return false;
  return std::any_of(options->begin(), options->end(),
                     [](const Json& o) { return o.is_string() && o.get<std::string>() == "CreateNamespace=true"; });
}

// Every object a document needs before it can become ready, for the
// sync-wave rule: its Namespace, its Kafka, the ConfigMaps/Secrets it reads,
// an Application's destination Namespace.
std::vector<Reference> dependencies(const Document& d) {
  std::vector<Reference> out;
  if (!d.namespace_.empty()) out.push_back({"/metadata/namespace", "Namespace", "", d.namespace_});
  if (d.kind == "KafkaTopic" || d.kind == "KafkaUser" || d.kind == "KafkaNodePool") {
    std::string cluster = d.label(kClusterLabel);
    if (!cluster.empty()) {
      out.push_back({"/metadata/labels/" + pointer_escape(kClusterLabel), "Kafka", d.namespace_, cluster});
    }
  }
  if (d.kind == "Application" && !create_namespace(d)) {
    std::string ns = string_at(d.at("/spec/destination/namespace"));
    if (!ns.empty()) out.push_back({"/spec/destination/namespace", "Namespace", "", ns});
  }
  for (Reference& r : config_refs(d)) out.push_back(std::move(r));
  return out;
}

// ---- The platform rules ---------------------------------------------------

void check_unique_objects(const DocumentSet& set, RuleReporter& out) {
  std::map<std::string, const Document*> seen;
  for (const Document& d : set.documents()) {
    if (d.kustomization || d.kind.empty() || d.name.empty()) continue;
    std::string key = d.group + "/" + d.kind + "/" + d.namespace_ + "/" + d.name;
    auto [it, inserted] = seen.emplace(key, &d);
    if (!inserted) {
      out.error(d, "/metadata/name",
                describe(d) + " is defined twice (first in " + it->second->file + " document " +
                    std::to_string(it->second->index) + "); remove one, or the later silently replaces the first");
    }
  }
}

void check_kafka_cluster_label(const DocumentSet& set, RuleReporter& out) {
  for (const char* kind : {"KafkaTopic", "KafkaUser", "KafkaNodePool"}) {
    for (const Document* d : set.of_kind(kind)) {
      std::string cluster = d->label(kClusterLabel);
      if (cluster.empty()) {
        out.error(*d, "/metadata/labels",
                  std::string(kind) + " has no label strimzi.io/cluster; the operator ignores it. Set it to the "
                                      "name of the Kafka in namespace " + d->namespace_);
      } else if (set.find("Kafka", d->namespace_, cluster) == nullptr) {
        out.error(*d, "/metadata/labels/" + pointer_escape(kClusterLabel),
                  "names Kafka \"" + cluster + "\", but no Kafka of that name is in namespace " + d->namespace_ +
                      "; the Strimzi operators only watch their own cluster's namespace");
      }
    }
  }
}

bool uses_node_pools(const Document& kafka) {
  return kafka.annotation("strimzi.io/node-pools") == "enabled";
}

// The number of brokers of a Kafka: spec.kafka.replicas, or with node pools
// the replicas of every pool with the broker role.
std::optional<std::int64_t> broker_count(const DocumentSet& set, const Document& kafka) {
  if (uses_node_pools(kafka)) {
    std::int64_t total = 0;
    for (const Document* pool : set.of_kind("KafkaNodePool")) {
      if (pool->namespace_ != kafka.namespace_ || pool->label(kClusterLabel) != kafka.name) continue;
      const Json* roles = pool->at("/spec/roles");
      const Json* replicas = pool->at("/spec/replicas");
      bool broker = roles != nullptr && roles->is_array() &&
                    std::find(roles->begin(), roles->end(), Json("broker")) != roles->end();
      if (broker && replicas != nullptr && replicas->is_number_integer()) total += replicas->get<std::int64_t>();
    }
    return total;
  }
  const Json* replicas = kafka.at("/spec/kafka/replicas");
  if (replicas == nullptr || !replicas->is_number_integer()) return std::nullopt;
  return replicas->get<std::int64_t>();
}

void check_topic_replicas(const DocumentSet& set, RuleReporter& out) {
  for (const Document* topic : set.of_kind("KafkaTopic")) {
    const Document* kafka = set.find("Kafka", topic->namespace_, topic->label(kClusterLabel));
    const Json* replicas = topic->at("/spec/replicas");
    if (kafka == nullptr || replicas == nullptr || !replicas->is_number_integer()) continue;
    auto brokers = broker_count(set, *kafka);
    if (brokers && replicas->get<std::int64_t>() > *brokers) {
      out.error(*topic, "/spec/replicas",
                "replicas " + std::to_string(replicas->get<std::int64_t>()) + " exceeds the " +
                    std::to_string(*brokers) + " brokers of Kafka " + kafka->name +
                    (uses_node_pools(*kafka) ? " (its broker node pools)" : " (spec.kafka.replicas)") +
                    "; lower the topic's replicas or add brokers");
    }
  }
}

void check_entity_operator(const DocumentSet& set, RuleReporter& out) {
  for (const Document* kafka : set.of_kind("Kafka")) {
    for (auto [kind, op] : {std::pair{"KafkaTopic", "topicOperator"}, std::pair{"KafkaUser", "userOperator"}}) {
      std::size_t count = 0;
      for (const Document* d : set.of_kind(kind)) {
        if (d->namespace_ == kafka->namespace_ && d->label(kClusterLabel) == kafka->name) ++count;
      }
      if (count == 0) continue;
      const Json* eo = kafka->at(std::string("/spec/entityOperator/") + op);
      if (eo == nullptr || eo->is_null()) {
        out.error(*kafka, "/spec/entityOperator",
                  std::to_string(count) + " " + kind + "(s) name this Kafka, but spec.entityOperator." + op +
                      " is not set, so nothing will create them; add `entityOperator: {" + op + ": {}}`");
      }
    }
  }
}

void check_config_refs(const DocumentSet& set, RuleReporter& out) {
  for (const Document& d : set.documents()) {
    if (d.kustomization) continue;
    for (const Reference& r : config_refs(d)) {
      if (set.find(r.kind, r.namespace_, r.name) != nullptr) continue;
      if (r.kind == "Secret" &&
          (operator_generated_secret(set, r.namespace_, r.name) || declared_external(set, d, r.name))) {
        continue;
      }
      out.error(d, r.pointer,
                "references " + r.kind + " \"" + r.name + "\", which is not among the documents in namespace " +
                    r.namespace_ + "; render it, mark the reference optional" +
                    (r.kind == "Secret" ? ", or declare a Secret supplied outside Git with the annotation " +
                                              std::string(kExternalSecrets) + ": \"" + r.name + "\"" : std::string()));
    }
  }
}

void check_application_destination(const DocumentSet& set, RuleReporter& out) {
  for (const Document* app : set.of_kind("Application")) {
    if (app->group != "argoproj.io") continue;
    std::string ns = string_at(app->at("/spec/destination/namespace"));
    if (ns.empty() || create_namespace(*app) || set.find("Namespace", "", ns) != nullptr) continue;
    out.error(*app, "/spec/destination/namespace",
              "destination namespace \"" + ns + "\" is not rendered: add a Namespace document, or the sync option "
              "CreateNamespace=true");
  }
}

// Whether `a` is synced before `b` could be ready: compares the two sync
// chains at the first level where they differ. Returns -1 when a comes in an
// earlier wave, 0 when no order is implied, +1 when later.
int wave_order(const Document& a, const Document& b, std::size_t* level) {
  std::size_t n = std::min(a.wave_chain.size(), b.wave_chain.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a.wave_chain[i].first != b.wave_chain[i].first) return 0;
    if (a.wave_chain[i].second != b.wave_chain[i].second) {
      *level = i;
      return a.wave_chain[i].second < b.wave_chain[i].second ? -1 : 1;
    }
  }
  return 0;
}

void check_sync_waves(const DocumentSet& set, RuleReporter& out) {
  for (const Document& d : set.documents()) {
    if (d.kustomization || d.kind.empty()) continue;
    std::string wave = d.annotation("argocd.argoproj.io/sync-wave");
    if (!wave.empty()) {
      char* end = nullptr;
      std::strtol(wave.c_str(), &end, 10);
      if (*end != '\0') {
        out.error(d, "/metadata/annotations/" + pointer_escape("argocd.argoproj.io/sync-wave"),
                  "sync wave \"" + wave + "\" is not an integer");
        continue;
      }
    }
    for (const Reference& r : dependencies(d)) {
      const Document* target = set.find(r.kind, r.namespace_, r.name);
      if (target == nullptr || target == &d) continue;
      std::size_t level = 0;
      if (wave_order(d, *target, &level) >= 0) continue;
      const Document* app = d.wave_chain[level].first;
      std::string where = app == nullptr ? "" : " (within Application " + app->name + ")";
      bool own = level + 1 == d.wave_chain.size();
      out.error(d, r.pointer,
                "needs " + describe(*target) + ", which is synced in wave " +
                    std::to_string(target->wave_chain[level].second) + ", after " +
                    (own ? "this document's wave " : "the wave of the Application deploying it, ") +
                    std::to_string(d.wave_chain[level].second) + where +
                    "; Argo CD would wait for it forever. Move this to a later wave or the dependency earlier");
    }
  }
}

void check_kustomization_resources(const DocumentSet& set, RuleReporter& out) {
  namespace fs = std::filesystem;
  // An entry exists when it names a source of the set (a file, or a folder
  // holding one) or a path on disk; in-memory sets (a render) are judged by
  // their own files, not by whatever the working directory holds.
  // A lone in-memory kustomization (nothing else from its folder) is not
  // judged: the set does not claim to hold its resources.
  std::set<std::string> provided;
  std::map<std::string, int> files_per_dir;
  for (const Document& d : set.documents()) {
    fs::path file = fs::path(d.file).lexically_normal();
    ++files_per_dir[file.parent_path().string()];
    for (fs::path p = file; !p.empty() && p != p.parent_path(); p = p.parent_path()) provided.insert(p.string());
  }
  for (const Document& d : set.documents()) {
    if (!d.kustomization || d.file == "<stdin>") continue;
    if (!d.on_disk && files_per_dir[fs::path(d.file).lexically_normal().parent_path().string()] < 2) continue;
    for (const char* field : {"resources", "components"}) {
      const Json* list = d.at(std::string("/") + field);
      if (list == nullptr || !list->is_array()) continue;
      for (std::size_t i = 0; i < list->size(); ++i) {
        if (!(*list)[i].is_string()) continue;
        std::string entry = (*list)[i].get<std::string>();
        if (entry.find("://") != std::string::npos || entry.rfind("github.com/", 0) == 0) continue;  // remote
        std::error_code ec;
        fs::path target = (fs::path(d.dir) / entry).lexically_normal();
        if (!provided.contains(target.string()) && !(d.on_disk && fs::exists(target, ec))) {
          out.error(d, std::string("/") + field + "/" + std::to_string(i),
                    "\"" + entry + "\" does not exist next to this kustomization.yaml; kustomize build would fail");
        }
      }
    }
  }
}

const bool kRegistered = [] {
  register_rule({"unique-objects", "No two documents define the same object (group, kind, namespace, name).",
                 check_unique_objects});
  register_rule({"kafka-cluster-label",
                 "Every KafkaTopic, KafkaUser and KafkaNodePool names an existing Kafka in its namespace through "
                 "the label strimzi.io/cluster.",
                 check_kafka_cluster_label});
  register_rule({"topic-replicas",
                 "A KafkaTopic's spec.replicas is at most its Kafka's broker count (spec.kafka.replicas, or the "
                 "broker node pools).",
                 check_topic_replicas});
  register_rule({"entity-operator",
                 "A Kafka that KafkaTopics (KafkaUsers) name enables the entity operator's topic (user) operator.",
                 check_entity_operator});
  register_rule({"config-refs",
                 "Every ConfigMap and Secret a document references (configMapKeyRef, secretKeyRef, envFrom, "
                 "volumes) exists among the documents in the same namespace, is created by an operator, or is a "
                 "Secret declared external (annotation libplatform/external-secrets).",
                 check_config_refs});
  register_rule({"application-destination",
                 "Every Argo CD Application's destination namespace has a Namespace document, or the Application "
                 "syncs with CreateNamespace=true.",
                 check_application_destination});
  register_rule({"sync-waves",
                 "No document is synced in an earlier Argo CD wave than an object it needs (its Namespace, its "
                 "Kafka, a referenced ConfigMap or Secret, an Application's destination Namespace).",
                 check_sync_waves});
  register_rule({"kustomization-resources",
                 "Every local entry of a kustomization.yaml's resources and components exists.",
                 check_kustomization_resources});
  return true;
}();

}  // namespace

}  // namespace platform::internal
