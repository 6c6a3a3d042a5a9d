// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE k8s_apply
#include <boost/test/unit_test.hpp>

#include <atomic>

#include "fake_apiserver.hpp"
#include "platform/k8s/apply.hpp"

using platform::StatusCode;
using platform::k8s::ApplyOptions;
using platform::k8s::Client;
using platform::k8s::Health;
using platform::k8s::Manifest;
using platform::testing::Fault;
using platform::testing::FakeApiServer;
using platform::testing::json;
using platform::testing::StatusStep;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "apply-test-token";

Client client_for(const FakeApiServer& server) {
  auto o = platform::k8s::load_client_options({server.write_kubeconfig(kToken), ""});
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().to_string());
  auto c = Client::create(*o);
  BOOST_REQUIRE(c.ok());
  return std::move(*c);
}

// Every wait in these tests ends well before ctest's timeout: an object that
// never settles fails the test with the wave-timeout message instead of hanging.
ApplyOptions bounded() {
  ApplyOptions o;
  o.wave_timeout = 30s;
  return o;
}

std::vector<Manifest> parse(const std::string& yaml) {
  auto m = platform::k8s::parse_manifests(yaml, "test.yaml");
  BOOST_REQUIRE_MESSAGE(m.ok(), m.status().to_string());
  return *m;
}

const char* kStream = R"(apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata:
  name: events
  namespace: kafka
  annotations: {argocd.argoproj.io/sync-wave: "1"}
spec: {kafka: {replicas: 1}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backstage
  namespace: backstage
  annotations: {argocd.argoproj.io/sync-wave: "2"}
spec: {replicas: 1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: kafkas.kafka.strimzi.io}
spec:
  group: kafka.strimzi.io
  names: {kind: Kafka, plural: kafkas}
  scope: Namespaced
  versions: [{name: v1beta2, served: true, storage: true}]
---
apiVersion: v1
kind: Namespace
metadata: {name: kafka}
---
apiVersion: v1
kind: Namespace
metadata: {name: backstage}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: kafka}
data: {a: "1"}
)";

std::vector<std::string> patch_paths(const FakeApiServer& server) {
  std::vector<std::string> out;
  for (const auto& r : server.requests()) {
    if (r.method == "PATCH") out.push_back(r.path);
  }
  return out;
}

json kafka_status(const json& obj, const char* type, const char* reason) {
  json c = {{"type", type}, {"status", "True"}};
  if (*reason != '\0') c["reason"] = reason;
  c["message"] = std::string("kafka ") + type;
  return {{"observedGeneration", obj["metadata"]["generation"]}, {"conditions", json::array({c})}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_manifests_are_all_reported_and_nothing_is_returned) {
  auto r = platform::k8s::parse_manifests(R"(apiVersion: v1
kind: ConfigMap
metadata: {namespace: x}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ok
  annotations: {argocd.argoproj.io/sync-wave: "soon"}
)", "bad.yaml");
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
  BOOST_REQUIRE(r.status().details().size() == 2u);
  BOOST_TEST(r.status().details()[0].path == "metadata.name");
  BOOST_TEST(r.status().details()[0].location.find("bad.yaml:1") == 0u);
  BOOST_TEST(r.status().details()[1].message.find("'soon'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(namespaces_and_crds_first_then_waves_each_waiting_for_health) {
  FakeApiServer server({.token = kToken});
  std::atomic<bool> kafka_ready{false};
  std::atomic<bool> deployment_applied_before_kafka_ready{false};
  server.on_apply("Kafka", {StatusStep{50ms, [](const json& o) { return kafka_status(o, "NotReady", "Creating"); }},
                            StatusStep{300ms, [&](const json& o) {
                                         kafka_ready = true;
                                         return kafka_status(o, "Ready", "");
                                       }}});
  server.on_apply("Deployment", {StatusStep{0ms, [&](const json& o) {
                                   if (!kafka_ready) deployment_applied_before_kafka_ready = true;
                                   return json{{"observedGeneration", o["metadata"]["generation"]},
                                               {"replicas", 1}, {"updatedReplicas", 1}, {"availableReplicas", 1}};
                                 }}});
  Client client = client_for(server);
  std::vector<std::string> lines;
  ApplyOptions options = bounded();
  options.progress = [&](std::string_view l, bool) { lines.emplace_back(l); };
  auto report = platform::k8s::apply(client, parse(kStream), options);
  BOOST_TEST_REQUIRE(report.status.ok(), report.status.to_string());
  std::vector<std::string> expected = {
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kafkas.kafka.strimzi.io",
      "/api/v1/namespaces/kafka",
      "/api/v1/namespaces/backstage",
      "/api/v1/namespaces/kafka/configmaps/settings",
      "/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkas/events",
      "/apis/apps/v1/namespaces/backstage/deployments/backstage"};
  BOOST_TEST(patch_paths(server) == expected, boost::test_tools::per_element());
  BOOST_TEST(!deployment_applied_before_kafka_ready);
  bool watched = false;
  for (const auto& r : server.requests()) {
    if (r.path.find("/kafkas") != std::string::npos && r.params().count("watch")) watched = true;
  }
  BOOST_TEST(watched);
  for (const auto& o : report.objects) {
    BOOST_TEST((o.health.health == Health::kHealthy), o.ref << ": " << o.health.message);
    BOOST_TEST(o.action == "created");
  }
  // The ownership labels are on every object.
  auto cm = server.get("/api/v1/namespaces/kafka/configmaps/settings");
  BOOST_REQUIRE(cm.has_value());
  BOOST_TEST((*cm)["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "platformctl");
  BOOST_TEST((*cm)["metadata"]["labels"]["app.kubernetes.io/part-of"] == "platform");
  // A second apply changes nothing and still succeeds.
  auto again = platform::k8s::apply(client, parse(kStream), options);
  BOOST_TEST_REQUIRE(again.status.ok(), again.status.to_string());
  BOOST_TEST(again.objects[0].action == "applied");
}

BOOST_AUTO_TEST_CASE(a_degraded_object_stops_the_run_before_the_next_wave) {
  FakeApiServer server({.token = kToken});
  server.on_apply("Kafka", {StatusStep{20ms, [](const json& o) { return kafka_status(o, "NotReady", "TimeoutException"); }}});
  Client client = client_for(server);
  auto report = platform::k8s::apply(client, parse(kStream), bounded());
  BOOST_TEST((report.status.code() == StatusCode::kAborted));
  BOOST_TEST(report.status.message().find("Kafka kafka/events is Degraded: kafka NotReady") != std::string::npos);
  BOOST_TEST(!server.get("/apis/apps/v1/namespaces/backstage/deployments/backstage").has_value());
}

BOOST_AUTO_TEST_CASE(wave_timeout_names_what_was_not_ready_and_polling_replaces_refused_watches) {
  FakeApiServer server({.token = kToken});
  server.on_apply("Kafka", {StatusStep{0ms, [](const json& o) { return kafka_status(o, "NotReady", "Creating"); }}});
  server.inject("GET", "/kafkas?fieldSelector=metadata.name%3Devents&resourceVersion", Fault{.status = 403}, 1);  // the watch is refused
  Client client = client_for(server);
  ApplyOptions options = bounded();
  options.wave_timeout = 1s;
  options.poll_interval = 100ms;
  auto report = platform::k8s::apply(client, parse(kStream), options);
  BOOST_TEST((report.status.code() == StatusCode::kDeadlineExceeded));
  BOOST_TEST(report.status.message().find("wave 1 was not healthy within 1 s: Kafka kafka/events (Progressing: Waiting for Kafka Cluster)") !=
             std::string::npos, report.status.message());
  int polls = 0, watches = 0;
  for (const auto& r : server.requests()) {
    if (r.method != "GET" || r.path != "/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkas") continue;
    r.params().count("watch") ? ++watches : ++polls;
  }
  BOOST_TEST(watches == 1);  // refused once, then never tried again
  BOOST_TEST(polls >= 3);
  BOOST_TEST(!server.get("/apis/apps/v1/namespaces/backstage/deployments/backstage").has_value());
}

BOOST_AUTO_TEST_CASE(missing_operator_is_named_and_later_waves_are_not_applied) {
  FakeApiServer server({.token = kToken});
  Client client = client_for(server);
  auto report = platform::k8s::apply(client, parse(R"(apiVersion: v1
kind: Namespace
metadata: {name: kafka}
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: {name: orders, namespace: kafka, annotations: {argocd.argoproj.io/sync-wave: "1"}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: late, namespace: kafka, annotations: {argocd.argoproj.io/sync-wave: "2"}}
)"), bounded());
  BOOST_TEST((report.status.code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(report.status.message().find("Strimzi operator") != std::string::npos, report.status.message());
  BOOST_TEST(report.status.message().find("wave 1") != std::string::npos);
  BOOST_TEST(!server.get("/api/v1/namespaces/kafka/configmaps/late").has_value());
}

BOOST_AUTO_TEST_CASE(dry_run_and_conflicts) {
  FakeApiServer server({.token = kToken});
  Client client = client_for(server);
  const char* cm = R"(apiVersion: v1
kind: Namespace
metadata: {name: kafka}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: s, namespace: kafka}
data: {a: "1"}
)";
  ApplyOptions dry = bounded();
  dry.dry_run = true;
  // the namespace does not exist yet, so the configmap's dry run fails like on a real server
  auto d = platform::k8s::apply(client, parse(cm), dry);
  BOOST_TEST(server.object_count() == 0u);
  for (const auto& r : server.requests()) BOOST_TEST(r.params().at("dryRun") == "All");
  BOOST_TEST_REQUIRE(platform::k8s::apply(client, parse(cm), bounded()).status.ok());
  server.set_field("/api/v1/namespaces/kafka/configmaps/s", "/data/a", "9", "operator-x");
  auto conflict = platform::k8s::apply(client, parse(cm), bounded());
  BOOST_TEST((conflict.status.code() == StatusCode::kAborted));
  BOOST_TEST(conflict.status.message().find(".data.a") != std::string::npos);
  BOOST_TEST(conflict.status.message().find("operator-x") != std::string::npos);
  ApplyOptions force = bounded();
  force.force_conflicts = true;
  BOOST_TEST_REQUIRE(platform::k8s::apply(client, parse(cm), force).status.ok());
  BOOST_TEST((*server.get("/api/v1/namespaces/kafka/configmaps/s"))["data"]["a"] == "1");
  BOOST_TEST(server.requests().back().params().at("force") == "true");
}

BOOST_AUTO_TEST_CASE(prune_deletes_only_owned_unrendered_objects_and_guards_pvcs) {
  FakeApiServer server({.token = kToken});
  Client client = client_for(server);
  const std::string both = R"(apiVersion: v1
kind: Namespace
metadata: {name: old}
---
apiVersion: v1
kind: Namespace
metadata: {name: keep}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: keep}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: keep, annotations: {argocd.argoproj.io/sync-wave: "3"}}
)";
  BOOST_TEST_REQUIRE(platform::k8s::apply(client, parse(both), bounded()).status.ok());
  // Not ours: no labels.
  server.put("/api/v1/namespaces/keep/configmaps/foreign",
             {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "foreign"}, {"namespace", "keep"}}}});
  server.put("/api/v1/namespaces/old/persistentvolumeclaims/data",
             {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", "data"}, {"namespace", "old"}}}});
  const std::string only_a = R"(apiVersion: v1
kind: Namespace
metadata: {name: keep}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: keep}
)";
  ApplyOptions options = bounded();
  options.prune = true;
  auto report = platform::k8s::apply(client, parse(only_a), options);
  BOOST_TEST((report.status.code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(report.status.message().find("namespace old holds 1 PersistentVolumeClaim(s) (data)") != std::string::npos,
             report.status.message());
  BOOST_TEST(!server.get("/api/v1/namespaces/keep/configmaps/b").has_value());
  BOOST_TEST(server.get("/api/v1/namespaces/keep/configmaps/a").has_value());
  BOOST_TEST(server.get("/api/v1/namespaces/keep/configmaps/foreign").has_value());
  BOOST_TEST(server.get("/api/v1/namespaces/old").has_value());
  options.force = true;
  report = platform::k8s::apply(client, parse(only_a), options);
  BOOST_TEST_REQUIRE(report.status.ok(), report.status.to_string());
  BOOST_TEST(!server.get("/api/v1/namespaces/old").has_value());
}

BOOST_AUTO_TEST_CASE(tenant_offboarding_deletes_in_reverse_order) {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  Client client = client_for(server);
  BOOST_TEST_REQUIRE(platform::k8s::apply(client, parse(R"(apiVersion: v1
kind: Namespace
metadata: {name: user-alice}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota, namespace: user-alice}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: user-alice}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: user, namespace: user-alice}
---
apiVersion: camel.apache.org/v1
kind: IntegrationPlatform
metadata: {name: camel-k, namespace: user-alice}
---
apiVersion: camel.apache.org/v1
kind: Integration
metadata: {name: bridge, namespace: user-alice}
)"), bounded()).status.ok());
  server.clear_requests();
  ApplyOptions options = bounded();
  options.poll_interval = 50ms;
  auto report = platform::k8s::delete_tenant(client, "alice", options);
  BOOST_TEST_REQUIRE(report.status.ok(), report.status.to_string());
  std::vector<std::string> deleted;
  for (const auto& r : server.requests()) {
    if (r.method == "DELETE") deleted.push_back(r.path.substr(r.path.rfind('/', r.path.rfind('/') - 1) + 1));
  }
  std::vector<std::string> expected = {"integrations/bridge", "integrationplatforms/camel-k", "roles/user",
                                       "networkpolicies/default-deny", "resourcequotas/quota", "namespaces/user-alice"};
  BOOST_TEST(deleted == expected, boost::test_tools::per_element());
  BOOST_TEST(!server.get("/api/v1/namespaces/user-alice").has_value());
  auto none = platform::k8s::delete_tenant(client, "bob", options);
  BOOST_TEST((none.status.code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(diff_shows_what_apply_would_change_and_status_reports_health) {
  FakeApiServer server({.token = kToken});
  Client client = client_for(server);
  const char* v1 = R"(apiVersion: v1
kind: Namespace
metadata: {name: kafka}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: s, namespace: kafka}
data: {a: "1", b: "same"}
)";
  BOOST_TEST_REQUIRE(platform::k8s::apply(client, parse(v1), bounded()).status.ok());
  auto d = platform::k8s::diff(client, parse(std::string(v1) + R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: t, namespace: kafka}
)"), {});
  BOOST_TEST_REQUIRE(d.ok(), d.status().to_string());
  BOOST_TEST((*d)[0].unified.empty());  // namespace unchanged
  BOOST_TEST((*d)[1].unified.empty());
  BOOST_TEST(!(*d)[2].exists);
  BOOST_TEST((*d)[2].unified.find("+kind: ConfigMap") != std::string::npos);
  auto changed = platform::k8s::diff(client, parse(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: s, namespace: kafka}
data: {a: "2", b: "same"}
)"), {});
  BOOST_TEST_REQUIRE(changed.ok());
  BOOST_TEST((*changed)[0].unified.find("-  a: \"1\"\n+  a: \"2\"") != std::string::npos, (*changed)[0].unified);
  BOOST_TEST((*server.get("/api/v1/namespaces/kafka/configmaps/s"))["data"]["a"] == "1");  // diff wrote nothing
  auto st = platform::k8s::status(client, parse(std::string(v1) + R"(---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gone, namespace: kafka, annotations: {argocd.argoproj.io/sync-wave: "2"}}
)"), {});
  BOOST_TEST_REQUIRE(st.ok());
  BOOST_REQUIRE(st->size() == 3u);
  BOOST_TEST(((*st)[0].health.health == Health::kHealthy));
  BOOST_TEST(((*st)[2].health.health == Health::kMissing));
  BOOST_TEST((*st)[2].wave == 2);
}
