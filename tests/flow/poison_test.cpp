// SPDX-License-Identifier: Apache-2.0
// Poison messages (bounded retries, then a dead-letter topic or exchange with
// the error, the source and the attempt count in headers) and the
// exactly-once processor's abort-and-rewind path.
#define BOOST_TEST_MODULE flow_poison
#include <boost/test/unit_test.hpp>

#include "amqp/fixture.hpp"
#include "flow/flow_test_util.hpp"
#include "platform/flow/bridge.hpp"
#include "platform/flow/processor.hpp"

namespace flow = platform::flow;
namespace amqp = platform::amqp;
using namespace flow_test;
using platform::Message;
using platform::Result;

BOOST_AUTO_TEST_CASE(processor_retries_then_dead_letters_to_kafka) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", 3, 1, {}}, {"out", 3, 1, {}}, {"dlq", 1, 1, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  constexpr int kN = 300;
  fill_topic(bootstrap, "in", kN);

  std::atomic<int> calls{0};
  flow::ProcessorOptions o;
  o.name = "poison";
  o.bootstrap_servers = bootstrap;
  o.group_id = "poison";
  o.inputs = {"in"};
  o.output = "out";
  o.errors = {.max_attempts = 3, .backoff = std::chrono::milliseconds(5), .max_backoff = std::chrono::milliseconds(20),
              .dead_letter = "kafka:dlq"};
  o.process = [&](const Message& in) -> Result<std::vector<Message>> {
    ++calls;
    int id = std::stoi(in.payload);
    if (id % 100 == 7) return platform::Status(platform::StatusCode::kUnavailable, "backend down for " + in.payload);
    if (id % 100 == 8) return platform::invalid_argument("cannot parse " + in.payload);  // permanent
    return std::vector<Message>{in};
  };
  auto p = flow::Processor::create(std::move(o)).value();
  BOOST_REQUIRE(p.run({.duration = std::chrono::seconds(60), .max_messages = kN}).ok());
  auto m = p.metrics();
  BOOST_TEST(m.dead_lettered == 6u);
  BOOST_TEST(m.retried == 6u);  // 3 retryable poison x 2 retries; permanent errors are not retried
  BOOST_TEST(calls.load() == kN + 6);

  kafka::ConsumerOptions c;
  c.bootstrap_servers = bootstrap;
  c.group_id = "dlq-reader";
  c.topics = {"dlq"};
  auto reader = kafka::Consumer::create(std::move(c)).value();
  auto dead = kafka_test::consume(reader, 6);
  BOOST_REQUIRE(dead.size() == 6u);
  for (const auto& r : dead) {
    const int id = std::stoi(r.message.payload);
    BOOST_TEST(r.message.key == key_of(id));
    BOOST_TEST(r.message.header("platform.dlq.attempts").value() == (id % 100 == 7 ? "3" : "1"));
    BOOST_TEST(std::string(r.message.header("platform.dlq.source").value()).rfind("kafka:in/", 0) == 0u);
    BOOST_TEST(r.message.header("platform.dlq.error")->find(r.message.payload) != std::string::npos);
    BOOST_TEST(r.message.header("platform.dlq.flow").value() == "poison");
  }
  read_topic(bootstrap, "out", kN - 6).seen.size() == static_cast<std::size_t>(kN - 6);
}

BOOST_AUTO_TEST_CASE(unroutable_messages_go_to_a_rabbitmq_dead_letter_exchange) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", 2, 1, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  fill_topic(bootstrap, "in", 50);

  amqp_test::Scratch scratch;
  const std::string target = scratch.exchange({.name = "", .type = "direct"});  // no queue bound for "nowhere"
  const std::string dlx = scratch.exchange({.name = "", .type = "fanout"});
  const std::string dead = scratch.queue();
  BOOST_REQUIRE(scratch.topology().bind_queue(dead, dlx, "").ok());

  flow::KafkaToRabbitOptions o;
  o.name = "k2r-dlx";
  o.bootstrap_servers = bootstrap;
  o.group_id = "k2r-dlx";
  o.topics = {"in"};
  o.rabbitmq = amqp_test::local(amqp_test::unique_name("k2r-dlx"));
  o.exchange = target;
  o.routing_key = "nowhere";
  o.errors = {.max_attempts = 2, .backoff = std::chrono::milliseconds(5), .max_backoff = std::chrono::milliseconds(20),
              .dead_letter = "rabbitmq:" + dlx};
  auto bridge = flow::KafkaToRabbitBridge::create(std::move(o)).value();
  BOOST_REQUIRE(bridge.run({.duration = std::chrono::seconds(60), .max_messages = 50}).ok());
  BOOST_TEST(bridge.metrics().dead_lettered == 50u);
  BOOST_TEST(bridge.metrics().retried == 50u);
  BOOST_REQUIRE(wait_for([&] { return scratch.depth(dead) == 50; }, std::chrono::seconds(10)));

  amqp::ConsumerOptions co2;
  co2.connection = amqp_test::local(amqp_test::unique_name("dlx-reader"));
  co2.queue = dead;
  auto consumer = amqp::Consumer::open(std::move(co2)).value();
  auto d = consumer.consume(std::chrono::seconds(5)).value();
  BOOST_REQUIRE(d.has_value());
  Message back = flow::amqp_to_kafka({d->routing_key, d->properties, d->message.payload});
  BOOST_TEST(back.header("platform.dlq.attempts").value() == "2");
  BOOST_TEST(back.header("platform.dlq.error")->find("nowhere") != std::string::npos);
  BOOST_TEST(std::string(back.header("platform.dlq.source").value()).rfind("kafka:in/", 0) == 0u);
  BOOST_TEST(back.key == key_of(std::stoi(back.payload)));
}

BOOST_AUTO_TEST_CASE(exactly_once_aborts_and_rewinds_on_a_failed_output) {
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", 3, 1, {}}, {"out", 3, 1, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  constexpr int kN = 3000;
  fill_topic(bootstrap, "in", kN);
  flow::ProcessorOptions o;
  o.name = "eos";
  o.bootstrap_servers = bootstrap;
  o.group_id = "eos";
  o.inputs = {"in"};
  o.output = "out";
  o.guarantee = flow::Guarantee::kExactlyOnce;
  o.process = [](const Message& in) -> Result<std::vector<Message>> { return std::vector<Message>{in}; };
  auto p = flow::Processor::create(std::move(o)).value();
  // Adding a partition to the first transaction is refused: it must abort,
  // rewind, and process its inputs again.
  cluster.push_request_errors(kafka::KafkaApi::kAddPartitionsToTxn, {kafka::BrokerError::kTopicAuthorizationFailed});
  platform::Status result;
  std::thread runner([&] { result = p.run(); });
  BOOST_TEST_REQUIRE(wait_for([&] { return p.metrics().done >= kN; }, std::chrono::seconds(60)),
                     "done: " << p.metrics().done);
  p.stop();
  runner.join();
  BOOST_TEST(result.ok(), result.to_string());
  auto m = p.metrics();
  BOOST_TEST_MESSAGE(flow::progress_line(m));
  BOOST_TEST(m.retried > 0u);  // inputs of the aborted transaction were processed again
  BOOST_TEST(m.done == static_cast<std::uint64_t>(kN));  // each input committed once
  // The mock shows aborted records too (no transaction markers): what is
  // proven here is that nothing is lost and the rewind re-processed the
  // aborted inputs, not that readers see each output once.
  read_topic(bootstrap, "out", kN).verify(kN, "exactly-once (as at-least-once on the mock)");
}
