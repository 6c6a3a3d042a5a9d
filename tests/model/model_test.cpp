// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE model
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "model/samples.hpp"
#include "platform/model/resource.hpp"

namespace m = platform::model;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Compares with tests/data/model/<name>; PLATFORM_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(PLATFORM_TEST_DATA_DIR) + "/model/" + name;
  if (std::getenv("PLATFORM_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << actual;
  BOOST_TEST(read_file(path) == actual,
             "golden " << path << " differs; if the change is intended rerun with PLATFORM_UPDATE_GOLDEN=1");
}
}  // namespace

BOOST_AUTO_TEST_CASE(every_kind_is_sampled) {
  std::set<std::size_t> kinds;
  for (const m::Resource& r : samples::all()) kinds.insert(r.value.index());
  BOOST_TEST(kinds.size() == std::variant_size_v<m::AnyResource>);
}

BOOST_AUTO_TEST_CASE(every_kind_round_trips_through_yaml_and_json) {
  for (const m::Resource& r : samples::all()) {
    BOOST_TEST_CONTEXT(r.kind()) {
      const std::string yaml = m::to_yaml(r);
      auto back = m::from_yaml(yaml, "sample.yaml");
      BOOST_REQUIRE_MESSAGE(back.ok(), back.status().to_string() + "\n" + yaml);
      BOOST_TEST((*back == r), yaml);
      BOOST_TEST(m::to_yaml(*back) == yaml);
      auto from_json = m::from_yaml(m::to_json(r), "sample.json");
      BOOST_REQUIRE_MESSAGE(from_json.ok(), from_json.status().to_string());
      BOOST_TEST((*from_json == r));
    }
  }
}

BOOST_AUTO_TEST_CASE(yaml_starts_with_api_version_kind_metadata) {
  for (const m::Resource& r : samples::all()) {
    const std::string yaml = m::to_yaml(r);
    const std::string head = "apiVersion: " + std::string(r.api_version()) + "\nkind: " + std::string(r.kind()) + "\n";
    BOOST_TEST(yaml.rfind(head, 0) == 0u, yaml);
  }
}

BOOST_AUTO_TEST_CASE(golden_network_policy_kafka_application_deployment) {
  check_golden("network_policy.yaml", m::to_yaml(samples::network_policy()));
  check_golden("kafka.yaml", m::to_yaml(samples::kafka()));
  check_golden("application.yaml", m::to_yaml(samples::application()));
  check_golden("deployment.yaml", m::to_yaml(samples::deployment()));
}

BOOST_AUTO_TEST_CASE(empty_selectors_and_rules_keep_their_meaning) {
  // `podSelector: {}` (all pods) and `- {}` (allow all) must survive; an absent
  // namespaceSelector must not turn into an empty one.
  const std::string yaml = m::to_yaml(samples::network_policy());
  BOOST_TEST(yaml.find("  podSelector: {}\n") != std::string::npos, yaml);
  BOOST_TEST(yaml.find("  - {}\n") != std::string::npos, yaml);
  BOOST_TEST(yaml.find("port: https") != std::string::npos, yaml);
  BOOST_TEST(yaml.find("endPort: 9094") != std::string::npos, yaml);
  auto back = m::from_yaml(yaml).value();
  const auto& np = *back.get_if<m::NetworkPolicy>();
  BOOST_TEST(np.spec.ingress[0].from[0].pod_selector.has_value());
  BOOST_TEST(np.spec.ingress[0].from[0].pod_selector->selects_all());
  BOOST_TEST(!np.spec.ingress[0].from[0].namespace_selector.has_value());
  BOOST_TEST(np.spec.egress[1].ports[0].port->as_string() == "https");
  BOOST_TEST(np.spec.egress[3].to.empty());
}

BOOST_AUTO_TEST_CASE(scalar_config_values_keep_their_yaml_type) {
  const std::string yaml = m::to_yaml(samples::kafka());
  BOOST_TEST(yaml.find("default.replication.factor: 2\n") != std::string::npos, yaml);
  BOOST_TEST(yaml.find("inter.broker.protocol.version: \"3.8\"\n") != std::string::npos, yaml);
  BOOST_TEST(yaml.find("auto.create.topics.enable: false\n") != std::string::npos, yaml);
}

BOOST_AUTO_TEST_CASE(unknown_field_is_an_error_with_location_and_path) {
  auto r = m::from_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  lables: {a: b}\n", "cm.yaml");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST((r.status().code() == platform::StatusCode::kInvalidArgument));
  const platform::Status st = r.status();
  BOOST_REQUIRE_EQUAL(st.details().size(), 1u);
  const auto& d = st.details()[0];
  BOOST_TEST(d.path == "metadata.lables");
  BOOST_TEST(d.location == "cm.yaml:5:11");  // where the value starts
  BOOST_TEST(d.message.find("labels") != std::string::npos, d.message);  // lists the known fields
}

BOOST_AUTO_TEST_CASE(wrong_type_is_an_error_with_path) {
  auto r = m::from_yaml(
      "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: t}\nspec:\n  partitions: six\n",
      "t.yaml");
  BOOST_REQUIRE(!r.ok());
  const platform::Status st = r.status();
  const auto& d = st.details().at(0);
  BOOST_TEST(d.path == "spec.partitions");
  BOOST_TEST(d.message.find("expected an integer, found a string") != std::string::npos, d.message);
  BOOST_TEST(d.location == "t.yaml:5:15");
}

BOOST_AUTO_TEST_CASE(unknown_kind_and_non_objects_are_refused) {
  auto r = m::from_yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("unknown kind v1/Pod") != std::string::npos, r.status().message());
  BOOST_TEST(!m::from_yaml("- a\n- b\n").ok());
  BOOST_TEST(!m::from_yaml("apiVersion: v1\nkind: [x]\n").ok());
  BOOST_TEST(!m::from_yaml("a: [unclosed\n").ok());
  BOOST_TEST(m::is_known_kind("argoproj.io/v1alpha1", "Application"));
  BOOST_TEST(!m::is_known_kind("argoproj.io/v1", "Application"));
}

BOOST_AUTO_TEST_CASE(live_objects_read_back_ignoring_status_and_server_fields) {
  auto r = m::from_yaml(
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kafka\n  uid: 1234\n  resourceVersion: \"9\"\n"
      "  creationTimestamp: \"2024-01-01T00:00:00Z\"\nstatus:\n  phase: Active\n");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  BOOST_TEST(r->metadata().name == "kafka");
}

BOOST_AUTO_TEST_CASE(streams_and_lists) {
  auto all = samples::all();
  auto back = m::from_yaml_stream(m::to_yaml_stream(all));
  BOOST_REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  BOOST_TEST((*back == all));
  const std::string list = m::to_json_list({samples::kafka()}, false);
  BOOST_TEST(list.rfind(R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"kafka.strimzi.io/v1beta2")", 0) == 0u,
             list);
  auto two = m::from_yaml("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: "
                          "Namespace\nmetadata: {name: b}\n");
  BOOST_TEST(!two.ok());
  BOOST_TEST(!m::free_form("{nope").ok());
  BOOST_TEST(m::free_form("{ \"a\" : 1 }")->json == R"({"a":1})");
}
