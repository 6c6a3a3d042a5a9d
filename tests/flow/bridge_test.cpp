// SPDX-License-Identifier: Apache-2.0
// What the Kafka -> RabbitMQ bridge puts on the wire, read back from the real
// RabbitMQ queue: by default the record's key and timestamp travel as
// `kafka.key` / `kafka.timestamp` and the message maps back to the same
// record; with kafka_metadata = false (flow file kafkaMetadata=false) only the
// record's own headers cross. And that it publishes on two connections by
// default, a partition on one of them, so per-key order holds.
#define BOOST_TEST_MODULE flow_bridge
#include <boost/test/unit_test.hpp>

#include "amqp/fixture.hpp"
#include "flow/flow_test_util.hpp"
#include "platform/amqp/consumer.hpp"
#include "platform/flow/bridge.hpp"

namespace flow = platform::flow;
namespace amqp = platform::amqp;
using namespace flow_test;
using platform::Message;

namespace {

constexpr std::int64_t kTimestamp = 1700000000123;

// Three keyed records with a traceparent header and a fixed timestamp.
std::vector<Message> records() {
  std::vector<Message> out;
  for (int i = 0; i < 3; ++i) {
    out.push_back({.key = key_of(i),
                   .payload = payload_of(i),
                   .headers = {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333" +
                                                   std::to_string(i) + "-01"}},
                   .timestamp_ms = kTimestamp + i});
  }
  return out;
}

// Runs a bridge from a fresh topic holding records() to a fresh queue and
// returns what the queue received, in order.
std::vector<flow::AmqpMessage> bridge_and_read(bool kafka_metadata, std::string& queue_out) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", 1, 1, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  {
    kafka_test::Reports reports;
    kafka::ProducerOptions po;
    po.bootstrap_servers = bootstrap;
    po.on_delivery = reports.callback();
    auto producer = kafka::Producer::create(std::move(po)).value();
    for (const Message& m : records()) BOOST_REQUIRE(producer.send("in", m).ok());
    BOOST_REQUIRE(producer.flush(30s).ok());
    BOOST_REQUIRE(reports.failures() == 0u);
  }
  amqp_test::Scratch scratch;
  const std::string queue = scratch.queue();
  queue_out = queue;

  flow::KafkaToRabbitOptions o;
  o.name = "k2r-metadata";
  o.bootstrap_servers = bootstrap;
  o.group_id = amqp_test::unique_name("k2r-metadata");
  o.topics = {"in"};
  o.rabbitmq = amqp_test::local(amqp_test::unique_name("k2r-metadata"));
  o.queue = queue;
  o.kafka_metadata = kafka_metadata;
  auto bridge = flow::KafkaToRabbitBridge::create(std::move(o)).value();
  BOOST_REQUIRE(bridge.run({.duration = 60s, .max_messages = 3}).ok());
  BOOST_TEST(bridge.metrics().out == 3u);

  amqp::ConsumerOptions ro;
  ro.connection = amqp_test::local(amqp_test::unique_name("k2r-metadata-reader"));
  ro.queue = queue;
  auto consumer = amqp::Consumer::open(std::move(ro)).value();
  std::vector<flow::AmqpMessage> got;
  while (got.size() < 3) {
    auto d = consumer.consume(5s);
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().to_string());
    BOOST_REQUIRE_MESSAGE(d->has_value(), "only " << got.size() << " of 3 messages arrived in the queue");
    got.push_back({(*d)->routing_key, (*d)->properties, (*d)->message.payload});
  }
  return got;
}

const amqp::FieldValue* header(const flow::AmqpMessage& m, std::string_view name) {
  for (const auto& h : m.properties.headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(by_default_key_and_timestamp_travel_and_the_message_maps_back_to_the_record) {
  std::string queue;
  auto got = bridge_and_read(true, queue);
  const auto sent = records();
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST(got[i].routing_key == queue);
    const auto* key = header(got[i], flow::kKafkaKeyHeader);
    BOOST_REQUIRE(key != nullptr);
    BOOST_TEST(key->get_if<amqp::Bytes>()->data == sent[i].key);
    const auto* ts = header(got[i], flow::kKafkaTimestampHeader);
    BOOST_REQUIRE(ts != nullptr);
    BOOST_TEST(*ts->get_if<std::int64_t>() == *sent[i].timestamp_ms);
    BOOST_TEST(got[i].properties.delivery_mode.value_or(0) == 2);
    // Back to Kafka: the same record, whatever the routing key was.
    Message back = flow::amqp_to_kafka(got[i]);
    BOOST_TEST(back.key == sent[i].key);
    BOOST_TEST(back.payload == sent[i].payload);
    BOOST_TEST(back.timestamp_ms.value_or(0) == *sent[i].timestamp_ms);
    BOOST_TEST(back.header("traceparent").value_or("") == *sent[i].header("traceparent"));
  }
}

BOOST_AUTO_TEST_CASE(without_kafka_metadata_only_the_records_own_headers_cross) {
  std::string queue;
  auto got = bridge_and_read(false, queue);
  const auto sent = records();
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST(got[i].routing_key == queue);
    BOOST_TEST(got[i].body == sent[i].payload);
    BOOST_TEST(got[i].properties.delivery_mode.value_or(0) == 2);
    BOOST_TEST_REQUIRE(got[i].properties.headers.size() == 1u);
    BOOST_TEST(got[i].properties.headers[0].name == "traceparent");
    BOOST_TEST(header(got[i], flow::kKafkaKeyHeader) == nullptr);
    BOOST_TEST(header(got[i], flow::kKafkaTimestampHeader) == nullptr);
    // The way back has only the routing key for a key and no timestamp.
    Message back = flow::amqp_to_kafka(got[i]);
    BOOST_TEST(back.key == queue);
    BOOST_TEST(!back.timestamp_ms.has_value());
    BOOST_TEST(back.header("traceparent").value_or("") == *sent[i].header("traceparent"));
  }
}

BOOST_AUTO_TEST_CASE(publishes_on_two_connections_and_keeps_per_key_order) {
  constexpr int kMessages = 4000;
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", 6, 1, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  fill_topic(bootstrap, "in", kMessages);
  amqp_test::Scratch scratch;
  const std::string queue = scratch.queue();
  const std::string conn_name = amqp_test::unique_name("k2r-conns");

  flow::KafkaToRabbitOptions o;
  o.name = "k2r";
  o.bootstrap_servers = bootstrap;
  o.group_id = conn_name;
  o.topics = {"in"};
  o.rabbitmq = amqp_test::local(conn_name);
  o.queue = queue;
  BOOST_TEST(o.connections == 2u);
  auto bridge = flow::KafkaToRabbitBridge::create(std::move(o)).value();
  // The broker lists a connection once it has opened (asynchronously).
  std::size_t listed = 0;
  BOOST_TEST(wait_for(
      [&] {
        auto pids = amqp_test::connection_pids(conn_name + "/k2r");
        listed = pids ? pids->size() : 0;
        return listed == 2;
      },
      10s), "connections named " << conn_name << "/k2r: " << listed);
  BOOST_REQUIRE(bridge.run({.duration = 60s, .max_messages = kMessages}).ok());
  BOOST_TEST(bridge.metrics().out == static_cast<std::uint64_t>(kMessages));

  Checker c = read_queue(amqp_test::local(amqp_test::unique_name("k2r-conns-reader")), queue);
  c.verify(kMessages, "kafka->rabbitmq on two connections");
  BOOST_TEST(c.duplicates() == 0u);
}

BOOST_AUTO_TEST_CASE(connections_out_of_range_are_refused_before_connecting) {
  for (std::uint32_t n : {0u, 17u}) {
    flow::KafkaToRabbitOptions o;
    o.group_id = "g";
    o.topics = {"in"};
    o.queue = "q";
    o.connections = n;
    auto b = flow::KafkaToRabbitBridge::create(std::move(o));
    BOOST_REQUIRE(!b.ok());
    BOOST_TEST((b.status().code() == platform::StatusCode::kInvalidArgument));
    BOOST_TEST(b.status().message().find("connections must be 1 to 16, not " + std::to_string(n)) !=
               std::string::npos, b.status().message());
  }
}
