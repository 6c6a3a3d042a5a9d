// SPDX-License-Identifier: Apache-2.0
// Schema checks: for each family a valid document passes and mutations fail
// at the right field path with the right keyword.

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace vt;

namespace {

struct Mutation {
  std::string pointer;   // field to change
  Json value;            // new value (discarded = remove)
  std::string path;      // expected finding path
  std::string rule;      // expected rule
};

void expect_mutations(const Json& valid, const std::vector<Mutation>& mutations) {
  v::Report ok = check_schema(valid);
  BOOST_TEST_INFO("valid document: " << dump(ok));
  BOOST_TEST(ok.valid());
  BOOST_TEST(ok.findings.empty());
  for (const Mutation& m : mutations) {
    v::Report r = check_schema(with(valid, m.pointer, m.value));
    BOOST_TEST_INFO("mutation " << m.pointer << " = " << m.value.dump() << ": " << dump(r));
    BOOST_TEST(!r.valid());
    BOOST_TEST(has(r, m.path, m.rule));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(strimzi_kafka) {
  expect_mutations(fixture("kafka/kafka.yaml", 1),
                   {
                       {"/spec/kafka/replicas", "three", "spec.kafka.replicas", "schema/type"},
                       {"/spec/kafka/replicas", 3.5, "spec.kafka.replicas", "schema/type"},
                       {"/spec/kafka/replica", 3, "spec.kafka.replica", "schema/unknown-field"},
                       {"/spec/extra", true, "spec.extra", "schema/unknown-field"},
                       {"/spec/kafka/listeners/1/tlss", true, "spec.kafka.listeners[1].tlss", "schema/unknown-field"},
                       {"/spec/kafka/listeners/0/type", "bogus", "spec.kafka.listeners[0].type", "schema/enum"},
                       {"/spec/kafka/listeners", removed(), "spec.kafka.listeners", "schema/required"},
                       {"/spec/kafka/listeners/0/port", removed(), "spec.kafka.listeners[0].port", "schema/required"},
                       {"/spec/kafka/listeners/0/port", 80, "spec.kafka.listeners[0].port", "schema/minimum"},
                       {"/spec/kafka/listeners/0/name", "Plain!", "spec.kafka.listeners[0].name", "schema/pattern"},
                       // int-or-string quantities: a bool is neither, a bad string breaks the pattern
                       {"/spec/kafka/resources/requests/cpu", true, "spec.kafka.resources.requests.cpu", "schema/type"},
                       {"/spec/kafka/resources/requests/cpu", "lots", "spec.kafka.resources.requests.cpu",
                        "schema/pattern"},
                       {"/metadata/labelz", Json::object(), "metadata.labelz", "schema/unknown-field"},
                       {"/metadata/labels", Json{{"a", 1}}, "metadata.labels.a", "schema/type"},
                   });
  // int-or-string accepts an integer as well as a quantity string
  BOOST_TEST(check_schema(with(fixture("kafka/kafka.yaml", 1), "/spec/kafka/resources/requests/cpu", 2)).valid());
  // open maps (x-kubernetes-preserve-unknown-fields) take any key
  BOOST_TEST(check_schema(with(fixture("kafka/kafka.yaml", 1), "/spec/kafka/config/anything.at.all", "x")).valid());
}

BOOST_AUTO_TEST_CASE(strimzi_topic_and_user) {
  expect_mutations(fixture("kafka/topics.yaml", 0),
                   {
                       {"/spec/partitions", 0, "spec.partitions", "schema/minimum"},
                       {"/spec/replicas", "2", "spec.replicas", "schema/type"},
                       {"/spec/replica", 2, "spec.replica", "schema/unknown-field"},
                   });
  Json user = {{"apiVersion", "kafka.strimzi.io/v1beta2"},
               {"kind", "KafkaUser"},
               {"metadata", {{"name", "app"}, {"namespace", "kafka"}, {"labels", {{"strimzi.io/cluster", "event-cluster"}}}}},
               {"spec", {{"authentication", {{"type", "scram-sha-512"}}}}}};
  expect_mutations(user, {
                             {"/spec/authentication/type", "kerberos", "spec.authentication.type", "schema/enum"},
                             {"/spec/authentication/kind", "x", "spec.authentication.kind", "schema/unknown-field"},
                         });
}

BOOST_AUTO_TEST_CASE(rabbitmq_cluster) {
  expect_mutations(fixture("rabbitmq/rabbitmq.yaml"),
                   {
                       {"/spec/replicas", "3", "spec.replicas", "schema/type"},
                       {"/spec/replica", 3, "spec.replica", "schema/unknown-field"},
                       {"/spec/persistence/storage", "10 GB", "spec.persistence.storage", "schema/pattern"},
                       {"/spec/persistence/storage", Json::array(), "spec.persistence.storage", "schema/type"},
                       {"/spec/rabbitmq/additionalPlugins/0", "rabbitmq-federation",
                        "spec.rabbitmq.additionalPlugins[0]", "schema/pattern"},
                       {"/spec/service/type", "Internal", "spec.service.type", "schema/enum"},
                       {"/spec/rabbitmq/plugins", Json::array(), "spec.rabbitmq.plugins", "schema/unknown-field"},
                   });
  BOOST_TEST(check_schema(with(fixture("rabbitmq/rabbitmq.yaml"), "/spec/persistence/storage", 1073741824)).valid());
}

BOOST_AUTO_TEST_CASE(camel_k_integration_platform) {
  expect_mutations(fixture("camelk/camelk.yaml", 1),
                   {
                       {"/spec/build/buildConfiguration/strategy", "kaniko", "spec.build.buildConfiguration.strategy",
                        "schema/enum"},
                       {"/spec/build/registry/insecure", "yes", "spec.build.registry.insecure", "schema/type"},
                       {"/spec/build/maven/settings/configMapKeyRef/key", removed(),
                        "spec.build.maven.settings.configMapKeyRef.key", "schema/required"},
                       {"/spec/build/maven/setting", Json::object(), "spec.build.maven.setting", "schema/unknown-field"},
                   });
  Json integration = {{"apiVersion", "camel.apache.org/v1"},
                      {"kind", "Integration"},
                      {"metadata", {{"name", "bridge"}, {"namespace", "camelk"}}},
                      {"spec", {{"flows", Json::array({{{"from", {{"uri", "kafka:events"}}}}})}}}};
  expect_mutations(integration, {{"/spec/flow", Json::array(), "spec.flow", "schema/unknown-field"}});
}

BOOST_AUTO_TEST_CASE(argo_cd) {
  expect_mutations(fixture("apps/applications.yaml", 1),
                   {
                       {"/spec/destination/namespace", 7, "spec.destination.namespace", "schema/type"},
                       {"/spec/project", removed(), "spec.project", "schema/required"},
                       {"/spec/syncPolicy/automated/prune", "true", "spec.syncPolicy.automated.prune", "schema/type"},
                       {"/spec/source/paths", "x", "spec.source.paths", "schema/unknown-field"},
                       {"/spec/syncPolicy/automated/selfheal", true, "spec.syncPolicy.automated.selfheal",
                        "schema/unknown-field"},
                   });
  expect_mutations(fixture("apps/project.yaml"),
                   {{"/spec/sourceRepos", "https://x", "spec.sourceRepos", "schema/type"}});
}

BOOST_AUTO_TEST_CASE(core_kinds) {
  expect_mutations(fixture("backstage/backstage.yaml", 6),  // Deployment
                   {
                       {"/spec/template/spec/containers/0/ports/0/containerPort", "http",
                        "spec.template.spec.containers[0].ports[0].containerPort", "schema/type"},
                       {"/spec/template/spec/containers/0/imagePolicy", "Always",
                        "spec.template.spec.containers[0].imagePolicy", "schema/unknown-field"},
                       {"/spec/template/spec/containers/0/imagePullPolicy", "Sometimes",
                        "spec.template.spec.containers[0].imagePullPolicy", "schema/enum"},
                       {"/spec/selector", removed(), "spec.selector", "schema/required"},
                       {"/spec/replicas", 3000000000LL, "spec.replicas", "schema/format"},
                       {"/spec/template/spec/containers/0/readinessProbe/httpGet/port", true,
                        "spec.template.spec.containers[0].readinessProbe.httpGet.port", "schema/type"},
                       {"/spec/template/spec/containers/0/env/1/name", "POSTGRES_HOST",
                        "spec.template.spec.containers[0].env[1]", "schema/x-kubernetes-list-type"},
                   });
  expect_mutations(fixture("backstage/backstage.yaml", 7),  // Service, targetPort int-or-string
                   {
                       {"/spec/ports/0/targetPort", 7.5, "spec.ports[0].targetPort", "schema/type"},
                       {"/spec/ports/0/port", 70000, "spec.ports[0].port", "schema/maximum"},
                       {"/spec/type", "Internal", "spec.type", "schema/enum"},
                   });
  BOOST_TEST(check_schema(with(fixture("backstage/backstage.yaml", 7), "/spec/ports/0/targetPort", 7007)).valid());
  expect_mutations(fixture("tenants/alice.yaml", 1),  // ResourceQuota
                   {{"/spec/hard/pods", "twenty", "spec.hard.pods", "schema/pattern"},
                    {"/spec/soft", Json::object(), "spec.soft", "schema/unknown-field"}});
  expect_mutations(fixture("tenants/alice.yaml", 4),  // NetworkPolicy
                   {{"/spec/policyTypes/0", "ingress", "spec.policyTypes[0]", "schema/enum"},
                    {"/spec/egress/1/ports/0/protocol", "ICMP", "spec.egress[1].ports[0].protocol", "schema/enum"},
                    {"/spec/egress/2/to/0/ipBlock/cidr", removed(), "spec.egress[2].to[0].ipBlock.cidr",
                     "schema/required"}});
  expect_mutations(fixture("tenants/alice.yaml", 7),  // RoleBinding
                   {{"/roleRef/kind", "Group", "roleRef.kind", "schema/enum"},
                    {"/subjects/0/name", removed(), "subjects[0].name", "schema/required"}});
  expect_mutations(fixture("backstage/backstage.yaml", 0),  // Secret
                   {{"/data", Json{{"password", "not base64!"}}, "data.password", "schema/format"}});
  expect_mutations(fixture("kafka/kafka.yaml", 0),  // ConfigMap
                   {{"/data/count", 3, "data.count", "schema/type"}});
}

BOOST_AUTO_TEST_CASE(kustomization_file) {
  Json k = fixture("kafka/kustomization.yaml");
  auto r = check({k}, "kustomization.yaml");
  BOOST_TEST(r.valid(), dump(r));
  r = check({with(k, "/resource", Json::array())}, "kustomization.yaml");
  BOOST_TEST(has(r, "resource", "schema/unknown-field"), dump(r));
  // apiVersion and kind may be left out of a kustomization.yaml
  Json bare = {{"resources", Json::array({"a.yaml"})}, {"namespace", 3}};
  r = check({bare}, "dir/kustomization.yaml");
  BOOST_TEST(has(r, "namespace", "schema/type"), dump(r));
  BOOST_TEST(r.findings.size() == 1u, dump(r));
}

BOOST_AUTO_TEST_CASE(kinds_and_versions) {
  Json doc = {{"apiVersion", "kafka.strimzi.io/v1beta1"}, {"kind", "Kafka"}, {"metadata", {{"name", "k"}}}};
  auto r = check_schema(doc);
  BOOST_TEST(has(r, "apiVersion", "schema/apiVersion"), dump(r));
  doc = {{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}};
  r = check_schema(doc);
  BOOST_TEST(has(r, "kind", "schema/unknown-kind"), dump(r));
  v::Options lenient;
  lenient.rules = false;
  lenient.unknown_kinds_are_errors = false;
  r = check({doc}, "test.yaml", lenient);
  BOOST_TEST(r.valid());
  BOOST_TEST(r.findings.size() == 1u);
  doc = {{"apiVersion", "policy/v1"}, {"kind", "PodDisruptionBudget"}, {"metadata", {{"name", "p"}}}};
  r = check_schema(doc);
  BOOST_TEST(r.valid());
  BOOST_TEST(r.unchecked == 1u);
  doc = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"namespace", "x"}}}};
  r = check_schema(doc);
  BOOST_TEST(has(r, "metadata.name", "schema/required"), dump(r));
  doc = {{"kind", "ConfigMap"}, {"metadata", {{"name", "x"}}}};
  r = check_schema(doc);
  BOOST_TEST(has(r, "apiVersion", "schema/required"), dump(r));
}

BOOST_AUTO_TEST_CASE(every_bundled_schema_compiles) {
  // Touches each kind once, so every embedded CRD version and core schema is
  // parsed and compiled; a broken bundled schema would be an internal error.
  std::vector<v::SchemaInfo> all = v::schemas();
  BOOST_TEST(all.size() >= 32u);
  for (const v::SchemaInfo& s : all) {
    Json doc = {{"apiVersion", s.api_version}, {"kind", s.kind}, {"metadata", {{"name", "x"}}}, {"bogusField", 1}};
    v::Options options;
    options.rules = false;
    auto r = v::validate_sources({{"kustomization.yaml", platform::internal::to_yaml(doc)}}, options);
    BOOST_TEST_INFO(s.api_version << " " << s.kind);
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(has(*r, "bogusField", "schema/unknown-field"), dump(*r));
  }
}

BOOST_AUTO_TEST_CASE(locations) {
  std::string text = read_file(kManifests + "/kafka/topics.yaml");
  std::string bad = text;
  bad.replace(bad.find("partitions: 6"), 13, "partitions: 0");
  v::Options options;
  options.rules = false;
  auto r = v::validate_sources({{"topics.yaml", bad}}, options);
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->findings.size(), 1u);
  const v::Finding& f = r->findings[0];
  BOOST_TEST(f.file == "topics.yaml");
  BOOST_TEST(f.document == 0u);
  BOOST_TEST(f.kind == "KafkaTopic");
  BOOST_TEST(f.name == "events");
  BOOST_TEST(f.path == "spec.partitions");
  BOOST_TEST(f.line == 9);
  BOOST_TEST(f.column == 15);
  BOOST_TEST(v::to_text(*r).find("topics.yaml:9:15: error: KafkaTopic events: spec.partitions:") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Found by fuzz_validate: a manifest with bytes that are not UTF-8 made
// to_json(report) throw (nlohmann::json dump). It is refused when read.
BOOST_AUTO_TEST_CASE(a_manifest_that_is_not_utf8_is_refused_not_thrown) {
  std::ifstream in(std::string(PLATFORM_TEST_DATA_DIR) +
                       "/fuzz/validate/crash-752156cdc2b08216f64f89e1d0618964229f3626",
                   std::ios::binary);
  BOOST_REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  auto report = platform::validate::validate_sources({{"crash.yaml", text.str()}});
  BOOST_REQUIRE(!report.ok());
  BOOST_TEST(report.status().message().find("is not UTF-8") != std::string::npos, report.status().message());
}
