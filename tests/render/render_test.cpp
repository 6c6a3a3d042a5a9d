// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE render
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "platform/render/render.hpp"
#include "platform/render/tenant.hpp"

namespace fs = std::filesystem;
namespace m = platform::model;
namespace r = platform::render;
using platform::spec::PlatformSpec;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), root).generic_string()] = slurp(e.path());
  }
  return out;
}

std::map<std::string, std::string> as_map(const std::vector<r::File>& files) {
  std::map<std::string, std::string> out;
  for (const auto& f : files) out[f.path] = f.content;
  return out;
}

const r::Manifest& find(const r::RenderedTree& t, const std::string& path) {
  for (const auto& mf : t.manifests) {
    if (mf.path == path) return mf;
  }
  BOOST_FAIL("no manifest " + path);
  throw;
}

PlatformSpec with_tenants(std::initializer_list<const char*> names) {
  PlatformSpec s;
  for (const char* n : names) s.tenants.push_back({n, {}, {}});
  return s;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("render_test_" + std::to_string(::getpid()));
  TempDir() { fs::remove_all(path); fs::create_directories(path); }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(manifests_directory_is_the_render_of_the_default_spec) {
  auto tree = r::render(PlatformSpec{}).value();
  const auto expected = as_map(r::files(tree));
  const auto actual = read_tree(fs::path(PLATFORM_SOURCE_DIR) / "manifests");
  const std::string fix =
      "manifests/ is out of date with the renderer; regenerate it with\n"
      "  build/bindings/cli/platformctl render --out manifests\nand commit the result";
  for (const auto& [path, content] : expected) {
    auto it = actual.find(path);
    BOOST_TEST_REQUIRE((it != actual.end()), "manifests/" << path << " is missing. " << fix);
    BOOST_TEST((it->second == content), "manifests/" << path << " differs. " << fix);
  }
  for (const auto& [path, content] : actual) {
    BOOST_TEST((expected.count(path) == 1), "manifests/" << path << " is not rendered any more. " << fix);
  }
}

BOOST_AUTO_TEST_CASE(render_is_deterministic) {
  PlatformSpec s = with_tenants({"alice", "bob"});
  auto a = r::render(s).value();
  auto b = r::render(s).value();
  BOOST_TEST((r::files(a) == r::files(b)));
  BOOST_TEST(r::to_yaml_stream(a) == r::to_yaml_stream(b));
  BOOST_TEST(r::to_json_list(a) == r::to_json_list(b));
  for (std::size_t i = 1; i < a.manifests.size(); ++i) BOOST_TEST((a.manifests[i - 1].path < a.manifests[i].path));
}

BOOST_AUTO_TEST_CASE(the_seed_is_rendered) {
  auto t = r::render(PlatformSpec{}).value();
  const auto& kafka = *find(t, "kafka/kafka-event-cluster.yaml").resource.get_if<m::Kafka>();
  BOOST_TEST(kafka.spec.kafka.replicas == 3);
  BOOST_TEST(kafka.spec.zookeeper->replicas == 3);
  BOOST_TEST(kafka.spec.kafka.listeners.size() == 2u);
  BOOST_TEST(kafka.spec.kafka.listeners[0].port == 9092);
  BOOST_TEST(!kafka.spec.kafka.listeners[0].tls);
  BOOST_TEST(kafka.spec.kafka.listeners[1].port == 9093);
  BOOST_TEST(kafka.spec.kafka.listeners[1].tls);
  BOOST_TEST(kafka.spec.kafka.storage.volumes.at(0).size == "10Gi");
  BOOST_TEST(kafka.spec.kafka.metrics_config->value_from.config_map_key_ref.name == "event-cluster-metrics");
  BOOST_TEST(kafka.spec.entity_operator.has_value());
  const auto& events = *find(t, "kafka/kafkatopic-events.yaml").resource.get_if<m::KafkaTopic>();
  BOOST_TEST(*events.spec.partitions == 6);
  BOOST_TEST(*events.spec.replicas == 2);
  BOOST_TEST(events.metadata.labels.at("strimzi.io/cluster") == "event-cluster");

  const auto& rmq = *find(t, "rabbitmq/rabbitmqcluster-rabbitmq-cluster.yaml").resource.get_if<m::RabbitmqCluster>();
  BOOST_TEST(*rmq.spec.replicas == 3);
  BOOST_TEST(rmq.spec.persistence->storage == "10Gi");
  BOOST_TEST(rmq.spec.persistence->storage_class_name == "standard");
  BOOST_TEST(rmq.spec.rabbitmq->additional_config.find("prometheus.tcp.port = 15692") != std::string::npos);
  BOOST_TEST(rmq.spec.rabbitmq->additional_config.find("default_queue_type = quorum") != std::string::npos);

  const auto& strimzi = *find(t, "apps/application-strimzi-operator.yaml").resource.get_if<m::Application>();
  BOOST_TEST(strimzi.spec.source->repo_url == "quay.io/strimzi-helm");
  BOOST_TEST(strimzi.spec.source->target_revision == "0.43.0");
  BOOST_TEST(strimzi.spec.source->helm->values_object.json == R"({"watchNamespaces":["kafka"],"watchAnyNamespace":false})");
  BOOST_TEST(strimzi.metadata.annotations.at("argocd.argoproj.io/sync-wave") == "0");
  BOOST_TEST(strimzi.spec.sync_policy->sync_options.at(0) == "ServerSideApply=true");
  BOOST_TEST(strimzi.spec.sync_policy->automated->self_heal);
  const auto& camel = *find(t, "apps/application-camel-k-operator.yaml").resource.get_if<m::Application>();
  BOOST_TEST(camel.spec.source->helm->values_object.json == R"({"operator":{"global":"true","operatorId":"camel-k"}})");
  const auto& rabbit_op = *find(t, "apps/application-rabbitmq-operator.yaml").resource.get_if<m::Application>();
  BOOST_TEST(rabbit_op.spec.source->target_revision == "v2.10.0");
  BOOST_TEST(rabbit_op.spec.source->kustomize->patches.at(0).patch.find("OPERATOR_SCOPE_NAMESPACE") != std::string::npos);

  const auto& cm = *find(t, "argocd/configmap-argocd-cm.yaml").resource.get_if<m::ConfigMap>();
  BOOST_TEST(cm.data.at("application.resourceTrackingMethod") == "annotation");
  for (const char* k : {"rabbitmq.com_RabbitmqCluster", "camel.apache.org_IntegrationPlatform", "argoproj.io_Application"}) {
    BOOST_TEST(cm.data.count(std::string("resource.customizations.health.") + k) == 1u, k);
  }
  const auto& ip = *find(t, "camelk/integrationplatform-camel-k.yaml").resource.get_if<m::IntegrationPlatform>();
  BOOST_TEST(ip.spec.build.build_configuration->strategy == "pod");
  BOOST_TEST(ip.spec.build.runtime_provider == "quarkus");
  BOOST_TEST(ip.spec.build.maven->settings->config_map_key_ref->name == "maven-settings");
  BOOST_TEST(find(t, "camelk/configmap-maven-settings.yaml").resource.get_if<m::ConfigMap>()->data.count("settings.xml") == 1u);

  const auto& pg = *find(t, "backstage/statefulset-backstage-postgres.yaml").resource.get_if<m::StatefulSet>();
  BOOST_TEST(pg.spec.template_.spec.containers[0].image == "postgres:15");
  BOOST_TEST(pg.spec.volume_claim_templates.at(0).spec.resources.requests.at("storage") == "5Gi");
  for (const auto& e : pg.spec.template_.spec.containers[0].env) {
    BOOST_TEST((e.name == "PGDATA" || e.value_from.has_value()), e.name << " must come from the Secret");
  }
  const auto& svc = *find(t, "backstage/service-backstage.yaml").resource.get_if<m::Service>();
  BOOST_TEST(svc.spec.ports.at(0).port == 7007);
  BOOST_TEST(*svc.spec.ports.at(0).node_port == 30002);
  const auto& kind = *find(t, "kind-cluster.yaml").resource.get_if<m::KindCluster>();
  BOOST_TEST(kind.nodes.size() == 4u);
  BOOST_TEST(kind.nodes[0].extra_port_mappings.size() == 3u);
}

BOOST_AUTO_TEST_CASE(every_cluster_resource_carries_its_wave) {
  auto t = r::render(with_tenants({"alice"})).value();
  for (const auto& mf : t.manifests) {
    if (!mf.in_cluster()) continue;
    BOOST_TEST(mf.resource.metadata().annotations.at("argocd.argoproj.io/sync-wave") == std::to_string(mf.wave),
               mf.path);
  }
}

BOOST_AUTO_TEST_CASE(apply_order_puts_namespaces_first_then_waves_then_dependents) {
  auto t = r::render(with_tenants({"alice"})).value();
  auto order = r::apply_order(t);
  std::size_t i = 0;
  while (i < order.size() && order[i]->resource.kind() == "Namespace") ++i;
  BOOST_TEST(i == 7u);  // argocd, five platform namespaces, user-alice
  for (std::size_t j = i; j < order.size(); ++j) {
    BOOST_TEST(order[j]->resource.kind() != "Namespace");
    if (j > i) BOOST_TEST(order[j - 1]->wave <= order[j]->wave);
  }
  auto pos = [&](const std::string& path) {
    for (std::size_t j = 0; j < order.size(); ++j) {
      if (order[j]->path == path) return j;
    }
    BOOST_FAIL(path);
    return std::size_t{0};
  };
  BOOST_TEST(pos("apps/application-strimzi-operator.yaml") < pos("kafka/kafka-event-cluster.yaml"));
  BOOST_TEST(pos("kafka/configmap-event-cluster-metrics.yaml") < pos("kafka/kafka-event-cluster.yaml"));
  BOOST_TEST(pos("kafka/kafka-event-cluster.yaml") < pos("kafka/kafkatopic-events.yaml"));
  BOOST_TEST(pos("backstage/serviceaccount-backstage.yaml") < pos("backstage/deployment-backstage.yaml"));
  // The stream reads back as the same resources.
  auto back = m::from_yaml_stream(r::to_yaml_stream(t)).value();
  BOOST_REQUIRE_EQUAL(back.size(), order.size());
  for (std::size_t j = 0; j < order.size(); ++j) BOOST_TEST((back[j] == order[j]->resource), order[j]->path);
}

BOOST_AUTO_TEST_CASE(each_tenant_has_its_own_directory_and_application) {
  auto t = r::render(with_tenants({"alice", "bob"})).value();
  const auto& ns = *find(t, "tenants/user-alice/namespace-user-alice.yaml").resource.get_if<m::Namespace>();
  BOOST_TEST(ns.metadata.name == "user-alice");
  const auto& app = *find(t, "tenants/user-bob.yaml").resource.get_if<m::Application>();
  BOOST_TEST(app.spec.source->path == "manifests/tenants/user-bob");
  BOOST_TEST(app.spec.destination.namespace_ == "user-bob");
  BOOST_TEST(app.metadata.annotations.at("argocd.argoproj.io/sync-wave") == "3");
  const auto& k = *find(t, "tenants/kustomization.yaml").resource.get_if<m::Kustomization>();
  BOOST_TEST((k.resources == std::vector<std::string>{"user-alice.yaml", "user-bob.yaml"}));
  BOOST_TEST(find(t, "tenants/user-alice/kustomization.yaml").resource.get_if<m::Kustomization>()->resources.size() == 15u);  // Namespace, quota, limits, 7 NetworkPolicies, SA, Role, RoleBinding, Maven ConfigMap, IntegrationPlatform
  auto without = r::render(with_tenants({"alice"}), {.tenants = false}).value();
  for (const auto& mf : without.manifests) BOOST_TEST(mf.path.find("user-alice") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_tenants_are_refused) {
  auto dup = r::render(with_tenants({"alice", "alice"}));
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(dup.status().to_string().find("tenants/user-alice") != std::string::npos, dup.status().to_string());
  auto bad = r::render(with_tenants({"Alice_1"}));
  BOOST_REQUIRE(!bad.ok());
  const platform::Status st = bad.status();
  BOOST_TEST(st.details().at(0).path == "tenants[0].name");
}

BOOST_AUTO_TEST_CASE(write_tree_replaces_a_previous_render_and_nothing_else) {
  TempDir tmp;
  const fs::path out = tmp.path / "out";
  auto two = r::render(with_tenants({"alice", "bob"})).value();
  auto one = r::render(with_tenants({"alice"})).value();
  BOOST_REQUIRE(r::write_tree(two, out).ok());
  BOOST_TEST((read_tree(out) == as_map(r::files(two))));
  BOOST_REQUIRE(r::write_tree(one, out).ok());
  BOOST_TEST((read_tree(out) == as_map(r::files(one))));  // bob's files are gone
  BOOST_TEST(fs::exists(out / "tenants/user-alice/kustomization.yaml"));
  // No temporary directories are left beside the target.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(tmp.path)) entries += e.path() != out;
  BOOST_TEST(entries == 0u);

  const fs::path foreign = tmp.path / "home";
  fs::create_directories(foreign);
  std::ofstream(foreign / "notes.txt") << "mine";
  platform::Status s = r::write_tree(one, foreign);
  BOOST_TEST(!s.ok());
  BOOST_TEST((s.code() == platform::StatusCode::kFailedPrecondition));
  BOOST_TEST(s.message().find("not a previous render") != std::string::npos, s.message());
  BOOST_TEST((read_tree(foreign) == std::map<std::string, std::string>{{"notes.txt", "mine"}}));
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_target_as_it_was) {
  TempDir tmp;
  const fs::path out = tmp.path / "out";
  auto good = r::render(PlatformSpec{}).value();
  BOOST_REQUIRE(r::write_tree(good, out).ok());
  const auto before = read_tree(out);
  // A tree whose files cannot all be written: "x.yaml" is a file and a directory.
  r::RenderedTree broken = good;
  broken.manifests.push_back({"x.yaml", "broken", 0, m::Namespace{{"x", "", {}, {}, {}}}});
  broken.manifests.push_back({"x.yaml/y.yaml", "broken", 0, m::Namespace{{"y", "", {}, {}, {}}}});
  platform::Status s = r::write_tree(broken, out);
  BOOST_TEST(!s.ok());
  BOOST_TEST((read_tree(out) == before));
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(tmp.path)) entries += e.path() != out;
  BOOST_TEST(entries == 0u);
}

BOOST_AUTO_TEST_CASE(summary_lists_every_component_with_its_wave) {
  auto t = r::render(with_tenants({"alice"})).value();
  const std::string s = r::summary(t);
  for (const char* c : {"strimzi-operator", "rabbitmq-operator", "camel-k-operator", "kafka", "rabbitmq", "camelk",
                        "backstage", "tenants", "namespaces"}) {
    BOOST_TEST(s.find(c) != std::string::npos, c);
  }
  BOOST_TEST(s.find("KafkaTopic 3") != std::string::npos, s);
  BOOST_TEST(s.find("(1 tenants)") != std::string::npos, s);
}
