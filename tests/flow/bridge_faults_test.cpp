// SPDX-License-Identifier: Apache-2.0
// Both bridge directions move 100,000 keyed messages while Kafka brokers go
// down and leaders move and the bridge's own RabbitMQ connections are closed
// (rabbitmqctl close_connection, found by connection name) and the RabbitMQ
// application is stopped and started (rabbitmqctl stop_app / start_app: this
// test runs alone, see CMakeLists.txt). Nothing is lost, per-key order holds
// for first deliveries, duplicates are counted.
#define BOOST_TEST_MODULE flow_bridge_faults
#include <boost/test/unit_test.hpp>

#include "test_scale.hpp"
#include "amqp/fixture.hpp"
#include "flow/flow_test_util.hpp"
#include "platform/flow/bridge.hpp"

namespace flow = platform::flow;
namespace amqp = platform::amqp;
using namespace flow_test;

namespace {
const int kMessages = platform_test::scaled(100000);
constexpr int kPartitions = 12;
}  // namespace

BOOST_AUTO_TEST_CASE(kafka_to_rabbitmq_loses_nothing_under_faults) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", kPartitions, 3, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  fill_topic(bootstrap, "in", kMessages);

  amqp_test::Scratch scratch;
  const std::string queue = scratch.queue();
  const std::string conn_name = amqp_test::unique_name("k2r");
  flow::KafkaToRabbitOptions o;
  o.name = "k2r";
  o.bootstrap_servers = bootstrap;
  o.group_id = "k2r-faults";
  o.topics = {"in"};
  o.rabbitmq = amqp_test::local(conn_name);
  o.queue = queue;
  auto bridge = flow::KafkaToRabbitBridge::create(std::move(o)).value();
  platform::Status result;
  std::thread runner([&] { result = bridge.run(); });

  BOOST_REQUIRE_MESSAGE(wait_for([&] { return bridge.metrics().done > kMessages / 20; }, 30s),
                        "the bridge did not start");
  BOOST_TEST(amqp_test::kill_connections(conn_name + "/k2r") == 2);  // both of its connections
  kafka_faults(cluster, {"in"}, kPartitions);
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return bridge.metrics().done > kMessages * 6 / 10; }, 60s),
                        "stalled after the faults");
  BOOST_TEST(amqp_test::restart_app(3s));
  BOOST_TEST_REQUIRE(wait_for([&] { return bridge.metrics().done >= kMessages; }, 120s),
                     "done: " << bridge.metrics().done);
  bridge.stop();
  runner.join();
  BOOST_TEST(result.ok(), result.to_string());
  BOOST_TEST_MESSAGE(flow::progress_line(bridge.metrics()));
  BOOST_TEST(bridge.metrics().lag >= 0, "the Kafka source's lag was never sampled");
  read_queue(amqp_test::local(amqp_test::unique_name("k2r-check")), queue).verify(kMessages, "kafka->rabbitmq");
}

BOOST_AUTO_TEST_CASE(rabbitmq_to_kafka_loses_nothing_under_faults) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"out", kPartitions, 3, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();

  amqp_test::Scratch scratch;
  const std::string queue = scratch.queue();
  {
    amqp::PublisherOptions po;
    po.connection = amqp_test::local(amqp_test::unique_name("r2k-fill"));
    auto pub = amqp::Publisher::open(std::move(po)).value();
    for (int i = 0; i < kMessages; ++i) {
      platform::Message m;
      m.key = key_of(i);
      m.payload = payload_of(i);
      flow::AmqpMessage a = flow::kafka_to_amqp(m);
      a.properties.message_id = m.key;  // the bridge keys Kafka records by message id
      platform::Message body;
      body.payload = a.body;
      BOOST_REQUIRE(pub.publish("", queue, body, a.properties).ok());
    }
    BOOST_REQUIRE(pub.wait_for_confirms(60s).ok());
  }

  const std::string conn_name = amqp_test::unique_name("r2k");
  flow::RabbitToKafkaOptions o;
  o.name = "r2k";
  o.rabbitmq = amqp_test::local(conn_name);
  o.queue = queue;
  o.bootstrap_servers = bootstrap;
  o.topic = "out";
  o.key_source = flow::KeySource::kMessageId;
  auto bridge = flow::RabbitToKafkaBridge::create(std::move(o)).value();
  platform::Status result;
  std::thread runner([&] { result = bridge.run(); });

  BOOST_REQUIRE_MESSAGE(wait_for([&] { return bridge.metrics().done > kMessages / 20; }, 30s),
                        "the bridge did not start");
  BOOST_TEST(amqp_test::kill_connections(conn_name + "/r2k") == 1);
  kafka_faults(cluster, {"out"}, kPartitions);
  BOOST_REQUIRE_MESSAGE(wait_for([&] { return bridge.metrics().done > kMessages * 6 / 10; }, 60s),
                        "stalled after the faults");
  BOOST_TEST(amqp_test::restart_app(3s));
  // Done when the queue has no ready message, nothing is in flight, and that
  // stays so for two seconds: messages the client prefetched but has not yet
  // handed to the bridge count in neither (and `done` includes duplicates).
  auto settled = [&]() -> std::int64_t {
    auto m = bridge.metrics();
    if (m.done < static_cast<std::uint64_t>(kMessages) || m.in_flight != 0 || scratch.depth(queue) != 0) return -1;
    return static_cast<std::int64_t>(m.in);
  };
  BOOST_TEST_REQUIRE(wait_for([&] {
                       auto before = settled();
                       if (before < 0) return false;
                       std::this_thread::sleep_for(2s);
                       return settled() == before;
                     },
                              120s),
                     "done: " << bridge.metrics().done);
  bridge.stop();
  runner.join();
  BOOST_TEST(result.ok(), result.to_string());
  BOOST_TEST_MESSAGE(flow::progress_line(bridge.metrics()));
  BOOST_TEST(bridge.metrics().lag >= 0);
  BOOST_TEST(scratch.depth(queue) == 0u, "messages left in the queue after the bridge stopped");
  read_topic(bootstrap, "out", kMessages).verify(kMessages, "rabbitmq->kafka");
}
