// SPDX-License-Identifier: Apache-2.0
#include "platform/k8s/health.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "k8s/health_rules.hpp"

namespace platform::k8s {
namespace {

using platform::internal::Json;

// One condition test: status.conditions[type=type].status == status, and its
// reason differs from reason_not when that is set.
struct ConditionTest {
  std::string_view type;
  std::string_view status;
  std::string_view reason_not = {};
};

// A rule holds when all its condition tests hold and, when phase is set,
// status.phase equals it. The first rule that holds decides.
struct Rule {
  std::vector<ConditionTest> conditions;
  std::string_view phase;
  Health health;
  // Empty: the first condition's message (or "<Type> is <Status>").
  std::string_view message = {};
};

enum class Evaluator { kRules, kDeployment, kStatefulSet, kCopyHealth };

struct KindRule {
  std::string_view group;
  std::string_view kind;
  Evaluator evaluator = Evaluator::kRules;
  // Progressing while status.observedGeneration < metadata.generation.
  bool generation_aware = false;
  std::vector<Rule> rules;
  std::string_view waiting;  // message when no status or no rule holds (Progressing)
  bool argocd_lua = false;   // rendered into argocd-cm
};

std::vector<KindRule> make_strimzi_rules() {
  std::vector<KindRule> out;
  struct Entry {
    std::string_view kind, waiting;
    bool creating_is_progress;
  };
  // operators.md §3: Argo CD's Strimzi Lua, plus observedGeneration (its Lua
  // reports a stale Ready as Healthy after a spec change) and Ready=False as
  // Degraded (the unidirectional topic operator reports errors that way).
  for (const Entry& e : {Entry{"Kafka", "Waiting for Kafka Cluster", true},
                         Entry{"KafkaTopic", "Waiting for Kafka Topic", false},
                         Entry{"KafkaUser", "Waiting for Kafka User", false},
                         Entry{"KafkaConnect", "Waiting for Kafka Connect", false}}) {
    KindRule r{"kafka.strimzi.io", e.kind, Evaluator::kRules, true, {}, e.waiting, true};
    r.rules.push_back(Rule{{{"NotReady", "True", e.creating_is_progress ? "Creating" : ""}}, {}, Health::kDegraded});
    r.rules.push_back(Rule{{{"Ready", "False"}}, {}, Health::kDegraded});
    r.rules.push_back(Rule{{{"Ready", "True"}}, {}, Health::kHealthy});
    out.push_back(std::move(r));
  }
  return out;
}

const std::vector<KindRule>& rule_table() {
  static const std::vector<KindRule> table = [] {
    std::vector<KindRule> t;
    t.push_back({"apps", "Deployment", Evaluator::kDeployment, true, {}, "Waiting for rollout to finish", false});
    t.push_back({"apps", "StatefulSet", Evaluator::kStatefulSet, true, {}, "Waiting for rollout to finish", false});
    t.push_back({"apiextensions.k8s.io",
                 "CustomResourceDefinition",
                 Evaluator::kRules,
                 false,
                 {Rule{{{"NamesAccepted", "False"}}, {}, Health::kDegraded},
                  Rule{{{"Established", "True"}}, {}, Health::kHealthy, "CRD is established"}},
                 "Waiting for the CRD to be established",
                 false});
    t.push_back({"",
                 "Namespace",
                 Evaluator::kRules,
                 false,
                 {Rule{{}, "Active", Health::kHealthy, "Namespace is active"},
                  Rule{{}, "Terminating", Health::kDegraded, "Namespace is being deleted"}},
                 "Waiting for the namespace to become active",
                 false});
    for (auto& r : make_strimzi_rules()) t.push_back(std::move(r));
    // Argo CD >= 3.4 behaviour (operators.md §3): Unknown while the cluster
    // forms is Progressing, not Degraded.
    t.push_back({"rabbitmq.com",
                 "RabbitmqCluster",
                 Evaluator::kRules,
                 true,
                 {Rule{{{"ReconcileSuccess", "False"}}, {}, Health::kDegraded},
                  Rule{{{"ClusterAvailable", "Unknown"}}, {}, Health::kProgressing, "Waiting for RabbitMQ cluster formation"},
                  Rule{{{"AllReplicasReady", "Unknown"}}, {}, Health::kProgressing, "Waiting for RabbitMQ instances ready"},
                  Rule{{{"ClusterAvailable", "False"}}, {}, Health::kProgressing, "Waiting for RabbitMQ cluster formation"},
                  Rule{{{"AllReplicasReady", "False"}}, {}, Health::kProgressing, "Waiting for RabbitMQ instances ready"},
                  Rule{{{"AllReplicasReady", "True"}, {"ClusterAvailable", "True"}}, {}, Health::kHealthy, "RabbitMQ cluster ready"}},
                 "Waiting for RabbitMQ Operator",
                 true});
    t.push_back({"camel.apache.org",
                 "IntegrationPlatform",
                 Evaluator::kRules,
                 true,
                 {Rule{{}, "Ready", Health::kHealthy, "IntegrationPlatform is ready"},
                  Rule{{}, "Error", Health::kDegraded, "IntegrationPlatform is in phase Error"}},
                 "Waiting for IntegrationPlatform",
                 true});
    // Phase-aware: Ready=False while a kit builds or pods deploy is progress;
    // only phase Error is a failure.
    t.push_back({"camel.apache.org",
                 "Integration",
                 Evaluator::kRules,
                 true,
                 {Rule{{}, "Error", Health::kDegraded, "Integration is in phase Error"},
                  Rule{{{"Ready", "True"}}, {}, Health::kHealthy}},
                 "Waiting for Integration",
                 true});
    t.push_back({"argoproj.io", "Application", Evaluator::kCopyHealth, false, {}, "Waiting for Application health", true});
    return t;
  }();
  return table;
}

const KindRule* find_rule(std::string_view group, std::string_view kind) {
  for (const auto& r : rule_table()) {
    if (r.group == group && r.kind == kind) return &r;
  }
  return nullptr;
}

const Json* member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(std::string(key));
  return it == j.end() ? nullptr : &*it;
}

std::string str(const Json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : std::string(); }

bool num(const Json* j, long long& out) {
  if (j == nullptr || !j->is_number()) return false;
  out = j->get<long long>();
  return true;
}

long long num_or(const Json* j, long long fallback) {
  long long v = fallback;
  num(j, v);
  return v;
}

const Json* condition(const Json& status, std::string_view type) {
  const Json* conds = member(status, "conditions");
  if (conds == nullptr || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    if (str(member(c, "type")) == type) return &c;
  }
  return nullptr;
}

Health health_from_name(std::string_view s) {
  for (Health h : {Health::kHealthy, Health::kProgressing, Health::kDegraded, Health::kSuspended, Health::kMissing,
                   Health::kUnknown}) {
    if (to_string(h) == s) return h;
  }
  return Health::kUnknown;
}

std::string generation_message(long long generation) {
  return "Waiting for the operator to observe generation " + std::to_string(generation);
}

// True (and sets `out`) when the controller has not observed the latest spec.
// `require_observed`: a missing observedGeneration counts as stale (built-in
// controllers always set it; operators may not).
bool stale_generation(const Json& obj, const Json& status, bool require_observed, Assessment& out) {
  const Json* metadata = member(obj, "metadata");
  long long generation = 0;
  if (metadata == nullptr || !num(member(*metadata, "generation"), generation)) return false;
  long long observed = 0;
  bool has_observed = num(member(status, "observedGeneration"), observed);
  if ((has_observed && observed < generation) || (!has_observed && require_observed)) {
    out = {Health::kProgressing, generation_message(generation)};
    return true;
  }
  return false;
}

Assessment eval_rules(const KindRule& rule, const Json& status) {
  for (const Rule& r : rule.rules) {
    if (!r.phase.empty() && str(member(status, "phase")) != r.phase) continue;
    bool all = true;
    const Json* first = nullptr;
    for (const auto& t : r.conditions) {
      const Json* c = condition(status, t.type);
      if (c == nullptr || str(member(*c, "status")) != t.status ||
          (!t.reason_not.empty() && str(member(*c, "reason")) == t.reason_not)) {
        all = false;
        break;
      }
      if (first == nullptr) first = c;
    }
    if (!all) continue;
    if (!r.message.empty()) return {r.health, std::string(r.message)};
    const Json* msg = first != nullptr ? member(*first, "message") : nullptr;
    if (msg != nullptr && msg->is_string()) return {r.health, msg->get<std::string>()};
    return {r.health, std::string(r.conditions.empty() ? "" : r.conditions.front().type) + " is " +
                          std::string(r.conditions.empty() ? "" : r.conditions.front().status)};
  }
  return {Health::kProgressing, std::string(rule.waiting)};
}

Assessment eval_deployment(const Json& obj, const Json& status) {
  const Json* spec = member(obj, "spec");
  if (spec != nullptr && member(*spec, "paused") != nullptr && member(*spec, "paused")->is_boolean() &&
      member(*spec, "paused")->get<bool>()) {
    return {Health::kSuspended, "Deployment is paused"};
  }
  Assessment stale;
  if (stale_generation(obj, status, true, stale)) return stale;
  const Json* progressing = condition(status, "Progressing");
  if (progressing != nullptr && str(member(*progressing, "reason")) == "ProgressDeadlineExceeded") {
    return {Health::kDegraded, "Deployment exceeded its progress deadline"};
  }
  long long replicas = spec != nullptr ? num_or(member(*spec, "replicas"), 1) : 1;
  long long updated = num_or(member(status, "updatedReplicas"), 0);
  long long current = num_or(member(status, "replicas"), 0);
  long long available = num_or(member(status, "availableReplicas"), 0);
  if (updated < replicas) {
    return {Health::kProgressing, "Waiting for rollout to finish: " + std::to_string(updated) + " out of " +
                                      std::to_string(replicas) + " new replicas have been updated"};
  }
  if (current > updated) {
    return {Health::kProgressing, "Waiting for rollout to finish: " + std::to_string(current - updated) +
                                      " old replicas are pending termination"};
  }
  if (available < updated) {
    return {Health::kProgressing, "Waiting for rollout to finish: " + std::to_string(available) + " of " +
                                      std::to_string(updated) + " updated replicas are available"};
  }
  return {Health::kHealthy, "Deployment is available"};
}

Assessment eval_statefulset(const Json& obj, const Json& status) {
  Assessment stale;
  if (stale_generation(obj, status, true, stale)) return stale;
  const Json* spec = member(obj, "spec");
  const Json* strategy = spec != nullptr ? member(*spec, "updateStrategy") : nullptr;
  if (strategy != nullptr && str(member(*strategy, "type")) == "OnDelete") {
    return {Health::kHealthy, "StatefulSet uses the OnDelete update strategy"};
  }
  long long replicas = spec != nullptr ? num_or(member(*spec, "replicas"), 1) : 1;
  long long ready = num_or(member(status, "readyReplicas"), 0);
  if (ready < replicas) {
    return {Health::kProgressing,
            "Waiting for " + std::to_string(replicas - ready) + " pods to be ready"};
  }
  const Json* rolling = strategy != nullptr ? member(*strategy, "rollingUpdate") : nullptr;
  long long partition = rolling != nullptr ? num_or(member(*rolling, "partition"), 0) : 0;
  if (partition > 0) {
    long long updated = num_or(member(status, "updatedReplicas"), 0);
    if (updated < replicas - partition) {
      return {Health::kProgressing, "Waiting for partitioned roll out to finish: " + std::to_string(updated) +
                                        " out of " + std::to_string(replicas - partition) +
                                        " new pods have been updated"};
    }
    return {Health::kHealthy, "Partitioned roll out complete"};
  }
  if (str(member(status, "updateRevision")) != str(member(status, "currentRevision"))) {
    return {Health::kProgressing, "Waiting for rolling update to complete"};
  }
  return {Health::kHealthy, "StatefulSet rolling update complete"};
}

// --- Lua generation ----------------------------------------------------------

std::string lua_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string lua_for(const KindRule& rule) {
  std::string s;
  s += "-- Generated by libplatform from its health rule table (platform/k8s/health.hpp).\n";
  s += "-- platformctl apply waits on the same rules.\n";
  s += "local hs = {}\n";
  if (rule.evaluator == Evaluator::kCopyHealth) {
    s += "hs.status = \"Progressing\"\n";
    s += "hs.message = " + lua_quote(rule.waiting) + "\n";
    s += "if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then\n";
    s += "  hs.status = obj.status.health.status\n";
    s += "  hs.message = \"\"\n";
    s += "  if obj.status.health.message ~= nil then\n";
    s += "    hs.message = obj.status.health.message\n";
    s += "  end\n";
    s += "end\n";
    s += "return hs\n";
    return s;
  }
  s += "if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then\n";
  s += "  hs.status = \"Progressing\"\n";
  s += "  hs.message = \"Being deleted\"\n";
  s += "  return hs\n";
  s += "end\n";
  s += "if obj.status == nil then\n";
  s += "  hs.status = \"Progressing\"\n";
  s += "  hs.message = " + lua_quote(rule.waiting) + "\n";
  s += "  return hs\n";
  s += "end\n";
  if (rule.generation_aware) {
    s += "if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil and\n";
    s += "    obj.status.observedGeneration < obj.metadata.generation then\n";
    s += "  hs.status = \"Progressing\"\n";
    s += "  hs.message = \"Waiting for the operator to observe generation \" .. obj.metadata.generation\n";
    s += "  return hs\n";
    s += "end\n";
  }
  s += "local function condition(t)\n";
  s += "  if obj.status.conditions == nil then\n";
  s += "    return nil\n";
  s += "  end\n";
  s += "  for _, c in ipairs(obj.status.conditions) do\n";
  s += "    if c.type == t then\n";
  s += "      return c\n";
  s += "    end\n";
  s += "  end\n";
  s += "  return nil\n";
  s += "end\n";
  for (const Rule& r : rule.rules) {
    s += "do\n";
    std::vector<std::string> tests;
    if (!r.phase.empty()) tests.push_back("obj.status.phase == " + lua_quote(r.phase));
    for (std::size_t i = 0; i < r.conditions.size(); ++i) {
      const auto& t = r.conditions[i];
      std::string c = "c" + std::to_string(i + 1);
      s += "  local " + c + " = condition(" + lua_quote(t.type) + ")\n";
      std::string test = c + " ~= nil and " + c + ".status == " + lua_quote(t.status);
      if (!t.reason_not.empty()) test += " and " + c + ".reason ~= " + lua_quote(t.reason_not);
      tests.push_back(test);
    }
    s += "  if ";
    for (std::size_t i = 0; i < tests.size(); ++i) s += (i == 0 ? "" : " and ") + tests[i];
    s += " then\n";
    s += "    hs.status = " + lua_quote(to_string(r.health)) + "\n";
    if (!r.message.empty()) {
      s += "    hs.message = " + lua_quote(r.message) + "\n";
    } else {
      std::string fallback =
          r.conditions.empty() ? "" : std::string(r.conditions.front().type) + " is " + std::string(r.conditions.front().status);
      s += "    hs.message = " + lua_quote(fallback) + "\n";
      s += "    if type(c1.message) == \"string\" then\n";
      s += "      hs.message = c1.message\n";
      s += "    end\n";
    }
    s += "    return hs\n";
    s += "  end\n";
    s += "end\n";
  }
  s += "hs.status = \"Progressing\"\n";
  s += "hs.message = " + lua_quote(rule.waiting) + "\n";
  s += "return hs\n";
  return s;
}

}  // namespace

std::string_view to_string(Health health) noexcept {
  switch (health) {
    case Health::kHealthy: return "Healthy";
    case Health::kProgressing: return "Progressing";
    case Health::kDegraded: return "Degraded";
    case Health::kSuspended: return "Suspended";
    case Health::kMissing: return "Missing";
    case Health::kUnknown: return "Unknown";
  }
  return "Unknown";
}

namespace internal {

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

Assessment assess_object(const Json& obj) {
  if (obj.is_null() || (obj.is_object() && obj.empty())) return {Health::kMissing, "Object does not exist"};
  if (!obj.is_object()) return {Health::kUnknown, "Object is not a JSON/YAML mapping"};
  const std::string kind = str(member(obj, "kind"));
  const std::string api_version = str(member(obj, "apiVersion"));
  const KindRule* rule = find_rule(group_of(api_version), kind);
  static const Json kNoStatus;
  const Json* status_ptr = member(obj, "status");
  const Json& status = status_ptr != nullptr ? *status_ptr : kNoStatus;
  if (rule != nullptr && rule->evaluator == Evaluator::kCopyHealth) {
    const Json* h = member(status, "health");
    if (h == nullptr || !member(*h, "status") || !member(*h, "status")->is_string()) {
      return {Health::kProgressing, std::string(rule->waiting)};
    }
    return {health_from_name(str(member(*h, "status"))), str(member(*h, "message"))};
  }
  const Json* metadata = member(obj, "metadata");
  if (metadata != nullptr && member(*metadata, "deletionTimestamp") != nullptr &&
      !member(*metadata, "deletionTimestamp")->is_null()) {
    return {Health::kProgressing, "Being deleted"};
  }
  if (rule == nullptr) return {Health::kHealthy, "Exists"};
  if (status_ptr == nullptr || status.is_null()) {
    if (rule->evaluator == Evaluator::kDeployment) return eval_deployment(obj, Json::object());
    if (rule->evaluator == Evaluator::kStatefulSet) return eval_statefulset(obj, Json::object());
    return {Health::kProgressing, std::string(rule->waiting)};
  }
  switch (rule->evaluator) {
    case Evaluator::kDeployment: return eval_deployment(obj, status);
    case Evaluator::kStatefulSet: return eval_statefulset(obj, status);
    case Evaluator::kRules: {
      Assessment stale;
      if (rule->generation_aware && stale_generation(obj, status, false, stale)) return stale;
      return eval_rules(*rule, status);
    }
    case Evaluator::kCopyHealth: break;
  }
  return {Health::kUnknown, "No evaluator"};
}

}  // namespace internal

Assessment assess(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {Health::kMissing, "Object does not exist"};
  auto docs = platform::internal::parse_yaml_stream(text);
  if (!docs.ok()) return {Health::kUnknown, "Cannot read the object: " + docs.status().message()};
  if (docs->empty()) return {Health::kMissing, "Object does not exist"};
  return internal::assess_object(docs->front().value);
}

bool has_health_rule(std::string_view group, std::string_view kind) { return find_rule(group, kind) != nullptr; }

std::vector<std::pair<std::string, std::string>> argocd_health_customizations() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rule_table()) {
    if (!r.argocd_lua) continue;
    out.emplace_back("resource.customizations.health." + std::string(r.group) + "_" + std::string(r.kind), lua_for(r));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace platform::k8s
