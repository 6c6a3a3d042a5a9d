// SPDX-License-Identifier: Apache-2.0
// Platform rules: each has a passing and a failing document set.

#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

using namespace vt;

namespace {

Json ns(const std::string& name, int wave = 0) {
  Json d = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  if (wave != 0) d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = std::to_string(wave);
  return d;
}

Json in_ns(Json doc, const std::string& n) {
  doc["metadata"]["namespace"] = n;
  return doc;
}

Json kafka() { return in_ns(fixture("kafka/kafka.yaml", 1), "kafka"); }
Json metrics() { return in_ns(fixture("kafka/kafka.yaml", 0), "kafka"); }
Json topic(int replicas = 2) { return with(in_ns(fixture("kafka/topics.yaml", 0), "kafka"), "/spec/replicas", replicas); }

// The Kafka family that passes every rule.
std::vector<Json> kafka_set() { return {ns("kafka"), metrics(), kafka(), topic()}; }

bool only_rule(const v::Report& r, const std::string& rule) {
  for (const v::Finding& f : r.findings) {
    if (f.rule != rule) return false;
  }
  return !r.findings.empty();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(listing) {
  std::vector<std::string> names;
  for (const v::RuleInfo& r : v::rules()) names.push_back(r.name);
  for (const char* expected : {"unique-objects", "kafka-cluster-label", "topic-replicas", "entity-operator",
                               "config-refs", "application-destination", "sync-waves", "kustomization-resources"}) {
    BOOST_TEST((std::find(names.begin(), names.end(), expected) != names.end()), expected);
  }
}

BOOST_AUTO_TEST_CASE(kafka_family_passes) {
  auto r = check(kafka_set());
  BOOST_TEST(r.findings.empty(), dump(r));
}

BOOST_AUTO_TEST_CASE(topic_replicas) {
  auto r = check({ns("kafka"), metrics(), kafka(), topic(3)});
  BOOST_TEST(r.valid(), dump(r));  // == brokers is fine
  r = check({ns("kafka"), metrics(), kafka(), topic(4)});
  BOOST_TEST(has(r, "spec.replicas", "topic-replicas"), dump(r));
  BOOST_TEST(only_rule(r, "topic-replicas"));
  // with node pools the brokers are the broker pools' replicas
  Json k = kafka();
  k["metadata"]["annotations"]["strimzi.io/node-pools"] = "enabled";
  Json pool = {{"apiVersion", "kafka.strimzi.io/v1beta2"},
               {"kind", "KafkaNodePool"},
               {"metadata", {{"name", "brokers"}, {"namespace", "kafka"}, {"labels", {{"strimzi.io/cluster", "event-cluster"}}}}},
               {"spec", {{"replicas", 5}, {"roles", {"broker"}}, {"storage", {{"type", "ephemeral"}}}}}};
  r = check({ns("kafka"), metrics(), k, pool, topic(4)});
  BOOST_TEST(!has(r, "spec.replicas", "topic-replicas"), dump(r));
  r = check({ns("kafka"), metrics(), k, with(pool, "/spec/replicas", 2), topic(4)});
  BOOST_TEST(has(r, "spec.replicas", "topic-replicas"), dump(r));
}

BOOST_AUTO_TEST_CASE(kafka_cluster_label) {
  Json t = topic();
  t["metadata"]["labels"]["strimzi.io/cluster"] = "other-cluster";
  auto r = check({ns("kafka"), metrics(), kafka(), t});
  BOOST_TEST(has(r, "metadata.labels[\"strimzi.io/cluster\"]", "kafka-cluster-label"), dump(r));
  BOOST_TEST(only_rule(r, "kafka-cluster-label"));
  r = check({ns("kafka"), metrics(), kafka(), with(topic(), "/metadata/labels", Json::object())});
  BOOST_TEST(has(r, "metadata.labels", "kafka-cluster-label"), dump(r));
  // the same name in another namespace does not count
  r = check({ns("kafka"), ns("other"), metrics(), kafka(), in_ns(topic(), "other")});
  BOOST_TEST(has(r, "metadata.labels[\"strimzi.io/cluster\"]", "kafka-cluster-label"), dump(r));
}

BOOST_AUTO_TEST_CASE(entity_operator) {
  auto r = check({ns("kafka"), metrics(), with(kafka(), "/spec/entityOperator", removed())});
  BOOST_TEST(r.valid(), dump(r));  // no topics, no need
  r = check({ns("kafka"), metrics(), with(kafka(), "/spec/entityOperator/topicOperator", removed()), topic()});
  BOOST_TEST(has(r, "spec.entityOperator", "entity-operator"), dump(r));
  BOOST_TEST(only_rule(r, "entity-operator"));
}

BOOST_AUTO_TEST_CASE(config_refs) {
  // Kafka metrics ConfigMap
  auto r = check({ns("kafka"), kafka(), topic()});
  BOOST_TEST(has(r, "spec.kafka.metricsConfig.valueFrom.configMapKeyRef.name", "config-refs"), dump(r));
  BOOST_TEST(only_rule(r, "config-refs"));
  // ... in another namespace does not count
  r = check({ns("kafka"), ns("other"), in_ns(metrics(), "other"), kafka(), topic()});
  BOOST_TEST(has(r, "spec.kafka.metricsConfig.valueFrom.configMapKeyRef.name", "config-refs"), dump(r));
  // Camel K Maven settings
  Json settings = fixture("camelk/camelk.yaml", 0);
  Json platform_ = fixture("camelk/camelk.yaml", 1);
  r = check({ns("camelk"), settings, platform_});
  BOOST_TEST(r.findings.empty(), dump(r));
  r = check({ns("camelk"), platform_});
  BOOST_TEST(has(r, "spec.build.maven.settings.configMapKeyRef.name", "config-refs"), dump(r));
  // pod templates: env secretKeyRef, envFrom, volumes
  Json secret = fixture("backstage/backstage.yaml", 0);
  Json sts = fixture("backstage/backstage.yaml", 5);
  Json deploy = fixture("backstage/backstage.yaml", 6);
  Json pvc = fixture("backstage/backstage.yaml", 4);
  r = check({ns("backstage"), secret, pvc, sts, deploy});
  BOOST_TEST(r.findings.empty(), dump(r));
  r = check({ns("backstage"), pvc, sts, deploy});
  BOOST_TEST(has(r, "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name", "config-refs"), dump(r));
  BOOST_TEST(has(r, "spec.template.spec.containers[0].envFrom[0].secretRef.name", "config-refs"), dump(r));
  Json with_volume = with(deploy, "/spec/template/spec/volumes",
                          Json::array({{{"name", "cfg"}, {"configMap", {{"name", "app-config"}}}}}));
  r = check({ns("backstage"), secret, with_volume});
  BOOST_TEST(has(r, "spec.template.spec.volumes[0].configMap.name", "config-refs"), dump(r));
  // optional references need not exist
  r = check({ns("backstage"), secret, with(with_volume, "/spec/template/spec/volumes/0/configMap/optional", true)});
  BOOST_TEST(r.findings.empty(), dump(r));
  // a Secret supplied outside Git, declared on the referencing object or its Namespace
  Json declared = deploy;
  declared["metadata"]["annotations"]["libplatform/external-secrets"] = "other, backstage-auth";
  Json declared_sts = sts;
  declared_sts["metadata"]["annotations"]["libplatform/external-secrets"] = "backstage-auth";
  r = check({ns("backstage"), pvc, declared_sts, declared});
  BOOST_TEST(r.findings.empty(), dump(r));
  Json declaring_ns = ns("backstage");
  declaring_ns["metadata"]["annotations"]["libplatform/external-secrets"] = "backstage-auth";
  r = check({declaring_ns, pvc, sts, deploy});
  BOOST_TEST(r.findings.empty(), dump(r));
  declaring_ns["metadata"]["annotations"]["libplatform/external-secrets"] = "backstage-auth-2";
  r = check({declaring_ns, pvc, sts, deploy});
  BOOST_TEST(has(r, "spec.template.spec.containers[0].envFrom[0].secretRef.name", "config-refs"), dump(r));
  // Secrets the operators create count as present
  Json user_secret_ref = with(deploy, "/spec/template/spec/containers/0/env/1/valueFrom/secretKeyRef/name",
                              "rabbitmq-cluster-default-user");
  Json rabbit = fixture("rabbitmq/rabbitmq.yaml");
  r = check({ns("backstage"), secret, user_secret_ref, in_ns(rabbit, "backstage")});
  BOOST_TEST(r.findings.empty(), dump(r));
}

BOOST_AUTO_TEST_CASE(application_destination) {
  Json app = fixture("apps/applications.yaml", 1);  // kafka, no CreateNamespace
  Json project = fixture("apps/project.yaml");
  auto r = check({ns("argocd", -1), ns("kafka"), project, app});
  BOOST_TEST(r.findings.empty(), dump(r));
  r = check({ns("argocd", -1), project, app});
  BOOST_TEST(has(r, "spec.destination.namespace", "application-destination"), dump(r));
  BOOST_TEST(only_rule(r, "application-destination"));
  Json creating = app;
  creating["spec"]["syncPolicy"]["syncOptions"].push_back("CreateNamespace=true");
  r = check({ns("argocd", -1), project, creating});
  BOOST_TEST(r.findings.empty(), dump(r));
}

BOOST_AUTO_TEST_CASE(sync_waves_in_one_application) {
  auto waved = [](Json d, int w) {
    d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = std::to_string(w);
    return d;
  };
  // dependencies in the same or an earlier wave are fine
  auto r = check({ns("kafka", -1), metrics(), waved(kafka(), 0), waved(topic(), 1)});
  BOOST_TEST(r.findings.empty(), dump(r));
  // a topic before its Kafka
  r = check({ns("kafka", -1), metrics(), waved(kafka(), 2), waved(topic(), 1)});
  BOOST_TEST(has(r, "metadata.labels[\"strimzi.io/cluster\"]", "sync-waves"), dump(r));
  BOOST_TEST(only_rule(r, "sync-waves"));
  // a Kafka before its metrics ConfigMap
  r = check({ns("kafka", -1), waved(metrics(), 1), kafka(), topic()});
  BOOST_TEST(has(r, "spec.kafka.metricsConfig.valueFrom.configMapKeyRef.name", "sync-waves"), dump(r));
  // a namespaced object before its Namespace
  r = check({ns("kafka", 5), metrics(), kafka(), topic()});
  BOOST_TEST(has(r, "metadata.namespace", "sync-waves"), dump(r));
  // a wave that is not a number
  Json early = topic();
  early["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "early";
  r = check({ns("kafka"), metrics(), kafka(), early});
  BOOST_TEST(has(r, "metadata.annotations[\"argocd.argoproj.io/sync-wave\"]", "sync-waves"), dump(r));
}

BOOST_AUTO_TEST_CASE(sync_waves_across_applications) {
  // The fixture tree: Namespaces in wave -1 of the root app, components in
  // waves 0-3. Moving the kafka Application before the Namespaces breaks it.
  std::vector<v::Source> sources;
  for (const char* f : {"apps/namespaces.yaml", "apps/applications.yaml", "apps/project.yaml", "apps/root.yaml",
                        "kafka/kafka.yaml", "kafka/topics.yaml", "kafka/kustomization.yaml"}) {
    sources.push_back({std::string("manifests/") + f, read_file(kManifests + "/" + f)});
  }
  auto r = v::validate_sources(sources);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->findings.empty(), v::to_text(*r));
  std::string& apps = sources[1].text;
  std::size_t at = apps.find("sync-wave: \"1\"");  // the kafka Application
  BOOST_REQUIRE(at != std::string::npos);
  apps.replace(at, 14, "sync-wave: \"-2\"");
  r = v::validate_sources(sources);
  BOOST_REQUIRE(r.ok());
  bool topic_flagged = false;
  for (const v::Finding& f : r->findings) {
    BOOST_TEST(f.rule == "sync-waves");
    if (f.kind == "KafkaTopic" && f.path == "metadata.namespace" &&
        f.message.find("Application deploying it") != std::string::npos) {
      topic_flagged = true;
    }
  }
  BOOST_TEST(topic_flagged, v::to_text(*r));
}

BOOST_AUTO_TEST_CASE(unique_objects) {
  auto r = check({ns("kafka"), metrics(), kafka(), topic(), topic()});
  BOOST_TEST(has(r, "metadata.name", "unique-objects"), dump(r));
  r = check({ns("kafka"), ns("other"), metrics(), kafka(), topic(), in_ns(with(topic(), "/metadata/labels", Json{{"strimzi.io/cluster", "x"}}), "other")});
  BOOST_TEST(!has(r, "metadata.name", "unique-objects"), dump(r));
}

BOOST_AUTO_TEST_CASE(skip_rules) {
  v::Options options;
  options.skip_rules = {"topic-replicas"};
  auto r = check({ns("kafka"), metrics(), kafka(), topic(9)}, "test.yaml", options);
  BOOST_TEST(r.valid(), dump(r));
}

BOOST_AUTO_TEST_SUITE_END()
