// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE kafka_options
#include "kafka_test_util.hpp"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

using namespace kafka_test;
using platform::StatusCode;

namespace {

template <typename T>
void check_bad(const platform::Result<T>& r, StatusCode code, const std::string& path_or_text) {
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST_MESSAGE(r.status().to_string());
  BOOST_CHECK_EQUAL(static_cast<int>(r.status().code()), static_cast<int>(code));
  BOOST_CHECK_MESSAGE(r.status().to_string().find(path_or_text) != std::string::npos,
                      "'" << path_or_text << "' not in: " << r.status().to_string());
}

std::string temp_pem() {
  std::string path = "/tmp/platform-kafka-test-ca-" + std::to_string(::getpid()) + ".pem";
  std::ofstream(path) << "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n";
  return path;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_producer_options_fail_at_create_with_the_field_named) {
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .acks = "most"}), StatusCode::kInvalidArgument,
            "acks");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .acks = "1"}), StatusCode::kInvalidArgument,
            "idempotence needs acks=all");
  check_bad(kafka::Producer::create({.bootstrap_servers = "localhost"}), StatusCode::kInvalidArgument,
            "bootstrap_servers");
  check_bad(kafka::Producer::create({.bootstrap_servers = "a:9092,b:99999"}), StatusCode::kInvalidArgument, "b:99999");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .extra = {{"no.such.key", "1"}}}),
            StatusCode::kInvalidArgument, "extra[\"no.such.key\"]");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .extra = {{"linger.ms", "soon"}}}),
            StatusCode::kInvalidArgument, "linger.ms");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .linger_ms = -0.5}),
            StatusCode::kInvalidArgument, "linger_ms");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .linger_ms = std::nan("")}),
            StatusCode::kInvalidArgument, "linger_ms");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1",
                                     .security = {.ssl_ca_location = "/nonexistent/ca.pem"}}),
            StatusCode::kInvalidArgument, "security.ssl_ca_location");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .security = {.protocol = "tls"}}),
            StatusCode::kInvalidArgument, "security.protocol");
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1", .security = {.protocol = "sasl_ssl"}}),
            StatusCode::kInvalidArgument, "security.sasl_username");
  // Blocking on a full queue in the loop that must deliver the reports.
  check_bad(kafka::Producer::create({.bootstrap_servers = "127.0.0.1:1",
                                     .delivery_executor = [](std::function<void()> task) { task(); }}),
            StatusCode::kInvalidArgument, "block_when_full");
}

BOOST_AUTO_TEST_CASE(bad_consumer_options_fail_at_create_with_the_field_named) {
  check_bad(kafka::Consumer::create({.bootstrap_servers = "127.0.0.1:1"}), StatusCode::kInvalidArgument, "group_id");
  check_bad(kafka::Consumer::create(
                {.bootstrap_servers = "127.0.0.1:1", .group_id = "g", .extra = {{"enable.auto.commit", "true"}}}),
            StatusCode::kInvalidArgument, "managed by the consumer");
  check_bad(kafka::Consumer::create({.bootstrap_servers = "127.0.0.1:1", .group_id = "g", .auto_offset_reset = "oldest"}),
            StatusCode::kInvalidArgument, "auto_offset_reset");
  check_bad(kafka::Consumer::create({.bootstrap_servers = "127.0.0.1:1", .group_id = "g", .topics = {""}}),
            StatusCode::kInvalidArgument, "topics");
}

BOOST_AUTO_TEST_CASE(tls_or_sasl_against_the_embedded_cluster_is_refused_clearly) {
  auto cluster = start_cluster({.brokers = 1, .topics = {}});
  const std::string ca = temp_pem();
  check_bad(kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                     .security = {.ssl_ca_location = ca}}),
            StatusCode::kFailedPrecondition, "plaintext only");
  check_bad(kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                     .group_id = "g",
                                     .security = {.sasl_username = "alice", .sasl_password = "pw"}}),
            StatusCode::kFailedPrecondition, "plaintext only");
  // No bootstrap at all would mean the embedded cluster: refused too.
  check_bad(kafka::Producer::create({.security = {.ssl_ca_location = ca}}), StatusCode::kFailedPrecondition,
            "TLS listener (port 9093)");
  std::remove(ca.c_str());
}

BOOST_AUTO_TEST_CASE(embedded_cluster_options_are_checked) {
  check_bad(kafka::EmbeddedCluster::start({.brokers = 0}), StatusCode::kInvalidArgument, "brokers");
  check_bad(kafka::EmbeddedCluster::start({.brokers = 1}), StatusCode::kInvalidArgument,
            "topics[0].replicas");  // the seed's topics want 2 replicas
  check_bad(kafka::EmbeddedCluster::start({.brokers = 1, .topics = {{"bad name", 1, 1, {}}}}),
            StatusCode::kInvalidArgument, "topics[0]");
  auto cluster = start_cluster({.brokers = 2, .topics = {}});
  BOOST_CHECK_EQUAL(static_cast<int>(cluster.broker_down(3).code()), static_cast<int>(StatusCode::kNotFound));
  BOOST_CHECK(!cluster.create_topic("t", 0).ok());
  BOOST_CHECK(cluster.create_topic("t", 2, 2).ok());
}

BOOST_AUTO_TEST_CASE(passwords_never_reach_logs_or_descriptions) {
  const std::string password = "S3cret-Passw0rd-xyz";
  const std::string key_password = "K3y-Passphrase-abc";
  std::mutex mu;
  std::string log_text;
  auto log = [&](kafka::LogLevel, std::string_view line) {
    std::lock_guard lock(mu);
    log_text.append(line).append("\n");
  };
  kafka::ProducerOptions options{
      .bootstrap_servers = "127.0.0.1:1",
      .close_timeout = 100ms,
      .security = {.protocol = "sasl_plaintext", .sasl_username = "alice", .sasl_password = password},
      .log = log,
      // librdkafka's most talkative contexts, including the configuration dump.
      .extra = {{"debug", "conf,security,broker,protocol"}, {"ssl.key.password", key_password}},
  };
  const std::string described = kafka::describe(options);
  BOOST_TEST_MESSAGE(described);
  BOOST_CHECK(described.find(password) == std::string::npos);
  BOOST_CHECK(described.find(key_password) == std::string::npos);
  BOOST_CHECK(described.find("sasl.password=[redacted]") != std::string::npos);
  BOOST_CHECK(described.find("sasl.user=alice") != std::string::npos);
  {
    auto producer = kafka::Producer::create(options);
    BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
    BOOST_REQUIRE(producer->send("events", {.payload = "x"}).ok());
    std::this_thread::sleep_for(1500ms);  // let it try to connect and log
  }
  std::lock_guard lock(mu);
  BOOST_CHECK(log_text.find("producer created") != std::string::npos);
  BOOST_CHECK(log_text.find("sasl.username") != std::string::npos || log_text.find("alice") != std::string::npos);
  BOOST_CHECK_MESSAGE(log_text.find(password) == std::string::npos, "password leaked into the log");
  BOOST_CHECK_MESSAGE(log_text.find(key_password) == std::string::npos, "key password leaked into the log");
  BOOST_TEST_MESSAGE("log lines captured: " << std::count(log_text.begin(), log_text.end(), '\n'));
}

BOOST_AUTO_TEST_CASE(a_fractional_linger_reaches_librdkafka) {
  kafka::ProducerOptions options{.linger_ms = 0.5};
  BOOST_TEST(kafka::describe(options).find("linger.ms=0.5 ") != std::string::npos);
  auto producer = kafka::Producer::create(options);  // the embedded cluster
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
  std::atomic<int> delivered{0};
  for (int i = 0; i < 10; ++i) {
    BOOST_REQUIRE(producer->send("events", {.key = "k", .payload = "x"}, [&](const kafka::DeliveryReport& r) {
      if (r.status.ok()) ++delivered;
    }).ok());
  }
  BOOST_REQUIRE(producer->flush(10s).ok());
  BOOST_TEST(delivered.load() == 10);
}

BOOST_AUTO_TEST_CASE(ping_with_a_topic_says_whether_the_producer_can_send_there) {
  auto cluster = kafka::EmbeddedCluster::start({.brokers = 3}).value();
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()});
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
  BOOST_TEST(producer->ping(5s).ok());
  platform::Status events = producer->ping(5s, "events");
  BOOST_TEST(events.ok(), events.to_string());
  // The embedded cluster, like a broker with auto.create.topics.enable,
  // creates a topic a producer asks about: the ping makes it sendable.
  platform::Status created = producer->ping(5s, "pinged-into-being");
  BOOST_TEST(created.ok(), created.to_string());
  BOOST_TEST(cluster.broker_down(1).ok());
  BOOST_TEST(cluster.broker_down(2).ok());
  BOOST_TEST(cluster.broker_down(3).ok());
  platform::Status down = producer->ping(1s, "events");
  BOOST_TEST(!down.ok());
  BOOST_TEST((down.code() == platform::StatusCode::kUnavailable), down.to_string());
}
