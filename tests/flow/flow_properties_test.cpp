// SPDX-License-Identifier: Apache-2.0
// Raw librdkafka properties for a flow's Kafka clients: spec.kafka.consumer
// and spec.kafka.producer in a flow file (ProcessorOptions::consumer_properties
// and producer_properties in C++), against the embedded Kafka.
#define BOOST_TEST_MODULE flow_properties
#include <boost/test/unit_test.hpp>

#include "flow/flow_test_util.hpp"
#include "platform/flow/flow_file.hpp"
#include "platform/flow/processor.hpp"

namespace flow = platform::flow;
using namespace flow_test;
using platform::Message;
using platform::Result;
using platform::StatusCode;

namespace {

std::string flow_file(const std::string& bootstrap, const std::string& kafka_extra,
                      const std::string& guarantee = "at-least-once") {
  return "apiVersion: libplatform.io/v1\nkind: Flow\nmetadata: {name: tuned}\nspec:\n"
         "  pattern: process\n  from: kafka:in?groupId=tuned\n  to: kafka:out\n"
         "  guarantee: " + guarantee + "\n"
         "  kafka:\n    bootstrapServers: \"" + bootstrap + "\"\n" + kafka_extra;
}

struct Cluster {
  kafka::EmbeddedCluster cluster = [] {
    kafka::EmbeddedClusterOptions co;
    co.topics = {{"in", 3, 1, {}}, {"out", 3, 1, {}}};
    return kafka_test::start_cluster(co);
  }();
  std::string bootstrap = cluster.bootstrap_servers();
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(flow_properties, Cluster)

BOOST_AUTO_TEST_CASE(properties_reach_the_clients_and_the_flow_delivers) {
  constexpr int kN = 2000;
  fill_topic(bootstrap, "in", kN);
  auto file = flow::parse_flow_file(flow_file(bootstrap,
                                              "    consumer: {fetch.wait.max.ms: 10, fetch.min.bytes: \"1\"}\n"
                                              "    producer: {compression.type: lz4, linger.ms: 2}\n"),
                                    "tuned.yaml");
  BOOST_REQUIRE_MESSAGE(file.ok(), file.status().to_string());
  BOOST_TEST(file->kafka_consumer.at("fetch.wait.max.ms") == "10");  // numbers kept as text
  BOOST_TEST(file->kafka_producer.at("compression.type") == "lz4");
  // The same tuning goes with the flow to the cluster (Camel's Kafka client).
  auto integration = flow::render_integration(*file, "user-alice");
  BOOST_REQUIRE_MESSAGE(integration.ok(), integration.status().to_string());
  BOOST_TEST(integration->find("additionalProperties.fetch.wait.max.ms: \"10\"") != std::string::npos, *integration);
  BOOST_TEST(integration->find("additionalProperties.compression.type: lz4") != std::string::npos, *integration);

  auto f = flow::Flow::create(*file);
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().to_string());
  platform::Status ran = f->run({.duration = std::chrono::seconds(60), .max_messages = kN});
  BOOST_REQUIRE_MESSAGE(ran.ok(), ran.to_string());
  auto out = read_topic(bootstrap, "out", kN);
  BOOST_TEST(out.seen.size() == static_cast<std::size_t>(kN));
}

BOOST_AUTO_TEST_CASE(a_property_librdkafka_does_not_know_is_refused_with_its_name) {
  auto file = flow::parse_flow_file(flow_file(bootstrap, "    producer: {compression.typo: lz4}\n"), "tuned.yaml");
  BOOST_REQUIRE_MESSAGE(file.ok(), file.status().to_string());
  auto f = flow::Flow::create(*file);
  BOOST_REQUIRE(!f.ok());
  BOOST_TEST((f.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(f.status().to_string().find("compression.typo") != std::string::npos, f.status().to_string());

  auto bad_value = flow::Flow::create(
      flow::parse_flow_file(flow_file(bootstrap, "    consumer: {fetch.wait.max.ms: soon}\n"), "t.yaml").value());
  BOOST_REQUIRE(!bad_value.ok());
  BOOST_TEST(bad_value.status().to_string().find("fetch.wait.max.ms=soon") != std::string::npos,
             bad_value.status().to_string());
}

BOOST_AUTO_TEST_CASE(keys_the_flow_manages_are_refused) {
  // At-least-once: the consumer commits processed offsets only.
  auto f = flow::Flow::create(
      flow::parse_flow_file(flow_file(bootstrap, "    consumer: {enable.auto.commit: true}\n"), "t.yaml").value());
  BOOST_REQUIRE(!f.ok());
  BOOST_TEST(f.status().to_string().find("enable.auto.commit") != std::string::npos, f.status().to_string());
  BOOST_TEST(f.status().to_string().find("managed") != std::string::npos, f.status().to_string());

  // Exactly-once: the transaction settings.
  for (const char* extra : {"    producer: {acks: \"1\"}\n", "    consumer: {isolation.level: read_uncommitted}\n"}) {
    auto eo = flow::Flow::create(
        flow::parse_flow_file(flow_file(bootstrap, extra, "exactly-once"), "t.yaml").value());
    BOOST_REQUIRE(!eo.ok());
    BOOST_TEST(eo.status().to_string().find("managed by the exactly-once mode") != std::string::npos,
               eo.status().to_string());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(sections_without_a_kafka_client_or_with_bad_values_are_refused_where_they_are) {
  const std::string head = "apiVersion: libplatform.io/v1\nkind: Flow\nmetadata: {name: b}\nspec:\n";
  auto r2k = flow::parse_flow_file(head + "  pattern: bridge\n  from: rabbitmq:default?queue=q\n  to: kafka:t\n"
                                          "  kafka: {consumer: {fetch.wait.max.ms: 10}}\n",
                                   "b.yaml");
  BOOST_REQUIRE(!r2k.ok());
  BOOST_TEST(r2k.status().message().find("b.yaml:8:") != std::string::npos, r2k.status().message());
  BOOST_TEST(r2k.status().message().find("no Kafka consumer") != std::string::npos, r2k.status().message());

  auto k2r = flow::parse_flow_file(head + "  pattern: bridge\n  from: kafka:t\n  to: rabbitmq:default?queue=q\n"
                                          "  kafka: {producer: {linger.ms: 1}}\n",
                                   "b.yaml");
  BOOST_REQUIRE(!k2r.ok());
  BOOST_TEST(k2r.status().message().find("no Kafka producer") != std::string::npos, k2r.status().message());

  auto nested = flow::parse_flow_file(head + "  pattern: transform\n  from: kafka:a\n  to: kafka:b\n"
                                             "  transform: {set: {x: 1}}\n"
                                             "  kafka: {producer: {linger.ms: [1, 2]}}\n",
                                      "b.yaml");
  BOOST_REQUIRE(!nested.ok());
  BOOST_TEST(nested.status().message().find("kafka.producer.linger.ms: must be a string, number or boolean") !=
                 std::string::npos,
             nested.status().message());

  auto typo = flow::parse_flow_file(head + "  pattern: transform\n  from: kafka:a\n  to: kafka:b\n"
                                           "  transform: {set: {x: 1}}\n  kafka: {producers: {linger.ms: 1}}\n",
                                    "b.yaml");
  BOOST_REQUIRE(!typo.ok());
  BOOST_TEST(typo.status().message().find("did you mean 'producer'") != std::string::npos, typo.status().message());
}
