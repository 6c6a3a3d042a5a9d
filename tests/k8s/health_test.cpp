// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE k8s_health
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "internal/yaml_json.hpp"
#include "platform/k8s/health.hpp"

using platform::internal::Json;
using platform::k8s::Assessment;
using platform::k8s::assess;
using platform::k8s::Health;

namespace {

struct Fixture {
  const char* name;
  const char* yaml;
  Health expected;
  const char* message;  // expected message ("" = don't check)
};

// Status fixtures per kind: what the operators and controllers write.
const Fixture kFixtures[] = {
    // Deployment
    {"deployment healthy", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 3}
spec: {replicas: 2}
status: {observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2}
)", Health::kHealthy, "Deployment is available"},
    {"deployment rolling", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 3}
spec: {replicas: 2}
status: {observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 2}
)", Health::kProgressing, "Waiting for rollout to finish: 1 out of 2 new replicas have been updated"},
    {"deployment stale generation", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 4}
spec: {replicas: 2}
status: {observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2}
)", Health::kProgressing, "Waiting for the operator to observe generation 4"},
    {"deployment deadline", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 3}
spec: {replicas: 2}
status:
  observedGeneration: 3
  updatedReplicas: 1
  conditions: [{type: Progressing, status: "False", reason: ProgressDeadlineExceeded}]
)", Health::kDegraded, ""},
    {"deployment paused", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 3}
spec: {replicas: 2, paused: true}
)", Health::kSuspended, ""},
    {"deployment just created", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: backstage, generation: 1}
spec: {replicas: 1}
)", Health::kProgressing, ""},
    // StatefulSet
    {"statefulset healthy", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, generation: 2}
spec: {replicas: 1}
status: {observedGeneration: 2, replicas: 1, readyReplicas: 1, currentRevision: a, updateRevision: a}
)", Health::kHealthy, ""},
    {"statefulset not ready", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, generation: 2}
spec: {replicas: 3}
status: {observedGeneration: 2, replicas: 3, readyReplicas: 1, currentRevision: a, updateRevision: a}
)", Health::kProgressing, "Waiting for 2 pods to be ready"},
    {"statefulset rolling", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, generation: 2}
spec: {replicas: 1}
status: {observedGeneration: 2, replicas: 1, readyReplicas: 1, currentRevision: a, updateRevision: b}
)", Health::kProgressing, ""},
    {"statefulset stale", R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, generation: 3}
spec: {replicas: 1}
status: {observedGeneration: 2, replicas: 1, readyReplicas: 1, currentRevision: a, updateRevision: a}
)", Health::kProgressing, "Waiting for the operator to observe generation 3"},
    // CRD
    {"crd established", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: kafkas.kafka.strimzi.io}
status:
  conditions:
  - {type: NamesAccepted, status: "True"}
  - {type: Established, status: "True"}
)", Health::kHealthy, "CRD is established"},
    {"crd not established", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: kafkas.kafka.strimzi.io}
status:
  conditions:
  - {type: NamesAccepted, status: "True"}
  - {type: Established, status: "False"}
)", Health::kProgressing, "Waiting for the CRD to be established"},
    {"crd names conflict", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: kafkas.kafka.strimzi.io}
status:
  conditions:
  - {type: NamesAccepted, status: "False", message: "\"kafka\" is already in use"}
)", Health::kDegraded, "\"kafka\" is already in use"},
    // Namespace
    {"namespace active", R"(apiVersion: v1
kind: Namespace
metadata: {name: kafka}
status: {phase: Active}
)", Health::kHealthy, "Namespace is active"},
    {"namespace terminating", R"(apiVersion: v1
kind: Namespace
metadata: {name: kafka}
status: {phase: Terminating}
)", Health::kDegraded, "Namespace is being deleted"},
    // Strimzi
    {"kafka ready", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, generation: 2}
status:
  observedGeneration: 2
  conditions:
  - {type: Ready, status: "True", lastTransitionTime: "2026-11-26T10:00:00Z"}
)", Health::kHealthy, "Ready is True"},
    {"kafka creating", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: NotReady, status: "True", reason: Creating, message: Kafka cluster is being deployed}
)", Health::kProgressing, "Waiting for Kafka Cluster"},
    {"kafka failed", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: NotReady, status: "True", reason: TimeoutException, message: Exceeded timeout of 300000ms}
)", Health::kDegraded, "Exceeded timeout of 300000ms"},
    {"kafka stale ready", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, generation: 5}
status:
  observedGeneration: 4
  conditions:
  - {type: Ready, status: "True"}
)", Health::kProgressing, "Waiting for the operator to observe generation 5"},
    {"kafka no status", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: events, generation: 1}
)", Health::kProgressing, "Waiting for Kafka Cluster"},
    {"topic creating is degraded", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: orders, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: NotReady, status: "True", reason: Creating, message: not yet}
)", Health::kDegraded, "not yet"},
    {"topic ready false", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: orders, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "False", reason: KafkaError, message: "Invalid replication factor"}
)", Health::kDegraded, "Invalid replication factor"},
    {"user ready", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaUser
metadata: {name: app, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "True"}
)", Health::kHealthy, ""},
    {"connect progressing", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaConnect
metadata: {name: connect, generation: 1}
status:
  observedGeneration: 1
  conditions: []
)", Health::kProgressing, "Waiting for Kafka Connect"},
    // RabbitMQ
    {"rabbit ready", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: AllReplicasReady, status: "True"}
  - {type: ClusterAvailable, status: "True"}
  - {type: NoWarnings, status: "True"}
  - {type: ReconcileSuccess, status: "True"}
)", Health::kHealthy, "RabbitMQ cluster ready"},
    {"rabbit unknown forming", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: AllReplicasReady, status: "False"}
  - {type: ClusterAvailable, status: "Unknown"}
)", Health::kProgressing, "Waiting for RabbitMQ cluster formation"},
    {"rabbit replicas", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: AllReplicasReady, status: "False"}
  - {type: ClusterAvailable, status: "True"}
)", Health::kProgressing, "Waiting for RabbitMQ instances ready"},
    {"rabbit reconcile failed", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: AllReplicasReady, status: "True"}
  - {type: ClusterAvailable, status: "True"}
  - {type: ReconcileSuccess, status: "False", message: "failed to create service"}
)", Health::kDegraded, "failed to create service"},
    {"rabbit stale", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 2}
status:
  observedGeneration: 1
  conditions:
  - {type: AllReplicasReady, status: "True"}
  - {type: ClusterAvailable, status: "True"}
)", Health::kProgressing, "Waiting for the operator to observe generation 2"},
    {"rabbit no status", R"(apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata: {name: rabbit, generation: 1}
)", Health::kProgressing, "Waiting for RabbitMQ Operator"},
    // Camel K
    {"platform ready", R"(apiVersion: camel.apache.org/v1
kind: IntegrationPlatform
metadata: {name: camel-k, generation: 1}
status: {observedGeneration: 1, phase: Ready}
)", Health::kHealthy, "IntegrationPlatform is ready"},
    {"platform warming", R"(apiVersion: camel.apache.org/v1
kind: IntegrationPlatform
metadata: {name: camel-k, generation: 1}
status: {observedGeneration: 1, phase: Warming}
)", Health::kProgressing, "Waiting for IntegrationPlatform"},
    {"platform error", R"(apiVersion: camel.apache.org/v1
kind: IntegrationPlatform
metadata: {name: camel-k, generation: 1}
status: {observedGeneration: 1, phase: Error}
)", Health::kDegraded, "IntegrationPlatform is in phase Error"},
    {"platform stale", R"(apiVersion: camel.apache.org/v1
kind: IntegrationPlatform
metadata: {name: camel-k, generation: 3}
status: {observedGeneration: 2, phase: Ready}
)", Health::kProgressing, "Waiting for the operator to observe generation 3"},
    {"integration running", R"(apiVersion: camel.apache.org/v1
kind: Integration
metadata: {name: bridge, generation: 1}
status:
  observedGeneration: 1
  phase: Running
  conditions: [{type: Ready, status: "True", message: "1/1 ready replicas"}]
)", Health::kHealthy, "1/1 ready replicas"},
    {"integration building", R"(apiVersion: camel.apache.org/v1
kind: Integration
metadata: {name: bridge, generation: 1}
status:
  observedGeneration: 1
  phase: Building Kit
  conditions: [{type: Ready, status: "False"}]
)", Health::kProgressing, "Waiting for Integration"},
    {"integration error", R"(apiVersion: camel.apache.org/v1
kind: Integration
metadata: {name: bridge, generation: 1}
status:
  observedGeneration: 1
  phase: Error
)", Health::kDegraded, "Integration is in phase Error"},
    // Argo CD Application
    {"application healthy", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: kafka}
status: {health: {status: Healthy}, sync: {status: Synced}}
)", Health::kHealthy, ""},
    {"application degraded", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: kafka}
status: {health: {status: Degraded, message: "Kafka events is Degraded"}}
)", Health::kDegraded, "Kafka events is Degraded"},
    {"application new", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: kafka}
)", Health::kProgressing, "Waiting for Application health"},
    // Anything else exists = healthy; deleting = progressing
    {"configmap", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
)", Health::kHealthy, "Exists"},
    {"deleting", R"(apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: orders, deletionTimestamp: "2026-11-26T10:00:00Z"}
)", Health::kProgressing, "Being deleted"},
};

std::string to_lua(const Json& j) {
  if (j.is_object()) {
    std::string s = "{";
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_null()) continue;
      s += "[" + Json(it.key()).dump() + "]=" + to_lua(*it) + ",";
    }
    return s + "}";
  }
  if (j.is_array()) {
    std::string s = "{";
    for (const auto& v : j) s += to_lua(v) + ",";
    return s + "}";
  }
  if (j.is_string()) return Json(j.get<std::string>()).dump();  // JSON string escapes are valid Lua
  return j.dump();
}

std::string script_for(const std::string& group, const std::string& kind) {
  for (const auto& [key, lua] : platform::k8s::argocd_health_customizations()) {
    if (key == "resource.customizations.health." + group + "_" + kind) return lua;
  }
  return {};
}

// Runs an argocd-cm Lua health script the way Argo CD does: `obj` global,
// the chunk returns {status, message}.
Assessment run_lua(const std::string& script, const Json& obj) {
  char path[] = "/tmp/k8s_health_XXXXXX";
  int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  close(fd);
  {
    std::ofstream f(path);
    f << "obj = " << to_lua(obj) << "\n";
    f << "local function check()\n" << script << "\nend\n";
    f << "local hs = check()\nio.write(hs.status, \"\\n\", hs.message or \"\")\n";
  }
  std::string cmd = std::string("lua5.1 ") + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  unlink(path);
  BOOST_REQUIRE_MESSAGE(rc == 0, "lua5.1 failed (is the lua5.1 package installed?): " << out);
  auto nl = out.find('\n');
  std::string status = out.substr(0, nl);
  Assessment a;
  a.health = Health::kUnknown;
  for (Health h : {Health::kHealthy, Health::kProgressing, Health::kDegraded, Health::kSuspended, Health::kMissing}) {
    if (platform::k8s::to_string(h) == status) a.health = h;
  }
  a.message = nl == std::string::npos ? "" : out.substr(nl + 1);
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(status_fixtures_per_kind) {
  for (const auto& f : kFixtures) {
    BOOST_TEST_CONTEXT(f.name) {
      Assessment a = assess(f.yaml);
      BOOST_TEST(platform::k8s::to_string(a.health) == platform::k8s::to_string(f.expected));
      if (*f.message != '\0') BOOST_TEST(a.message == f.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(argocd_lua_agrees_with_the_rule_table) {
  int compared = 0;
  for (const auto& f : kFixtures) {
    auto docs = platform::internal::parse_yaml_stream(f.yaml);
    BOOST_REQUIRE(docs.ok());
    const Json& obj = docs->front().value;
    std::string api = obj["apiVersion"].get<std::string>();
    std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
    std::string lua = script_for(group, obj["kind"].get<std::string>());
    if (lua.empty()) continue;
    BOOST_TEST_CONTEXT(f.name) {
      Assessment from_lua = run_lua(lua, obj);
      Assessment direct = assess(f.yaml);
      BOOST_TEST(platform::k8s::to_string(from_lua.health) == platform::k8s::to_string(direct.health));
      BOOST_TEST(from_lua.message == direct.message);
      ++compared;
    }
  }
  BOOST_TEST(compared >= 25);
}

BOOST_AUTO_TEST_CASE(argocd_cm_keys) {
  auto cm = platform::k8s::argocd_health_customizations();
  std::vector<std::string> keys;
  for (const auto& [k, v] : cm) keys.push_back(k);
  for (const char* want : {"resource.customizations.health.rabbitmq.com_RabbitmqCluster",
                           "resource.customizations.health.camel.apache.org_IntegrationPlatform",
                           "resource.customizations.health.argoproj.io_Application",
                           "resource.customizations.health.kafka.strimzi.io_Kafka"}) {
    BOOST_TEST((std::find(keys.begin(), keys.end(), want) != keys.end()), want);
  }
  BOOST_TEST(std::is_sorted(keys.begin(), keys.end()));
  BOOST_TEST(cm == platform::k8s::argocd_health_customizations());  // deterministic
}

BOOST_AUTO_TEST_CASE(missing_and_unreadable) {
  BOOST_TEST((assess("").health == Health::kMissing));
  BOOST_TEST((assess("{}").health == Health::kMissing));
  BOOST_TEST((assess("null").health == Health::kMissing));
  BOOST_TEST((assess("{\"kind\": [").health == Health::kUnknown));
  // JSON as the API server returns it
  BOOST_TEST((assess(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"},"status":{"phase":"Active"}})")
                  .health == Health::kHealthy));
  BOOST_TEST(platform::k8s::has_health_rule("rabbitmq.com", "RabbitmqCluster"));
  BOOST_TEST(!platform::k8s::has_health_rule("", "ConfigMap"));
}
