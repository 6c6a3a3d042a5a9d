// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the flow integration tests: keyed input generation, reading an
// output completely, and the invariant checker (no loss, per-key order of
// first deliveries, duplicates counted).

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kafka/kafka_test_util.hpp"
#include "platform/amqp/consumer.hpp"
#include "platform/flow/common.hpp"
#include "platform/flow/header_mapping.hpp"

namespace flow_test {

using namespace std::chrono_literals;
namespace kafka = platform::kafka;

constexpr int kKeys = 1000;

/// Message `i` of a keyed stream: key k<i % 1000>, payload "id seq".
inline std::string key_of(int i) { return "k" + std::to_string(i % kKeys); }
inline std::string payload_of(int i) { return std::to_string(i) + " " + std::to_string(i / kKeys); }

/// Counts what arrived: every id once at least, per-key order of first
/// deliveries, duplicates.
struct Checker {
  std::set<int> seen;
  std::map<std::string, int> last_seq;  // key -> seq of its latest first delivery
  std::size_t total = 0;
  std::size_t order_violations = 0;

  void add(const std::string& key, const std::string& payload) {
    ++total;
    auto space = payload.find(' ');
    BOOST_REQUIRE_MESSAGE(space != std::string::npos, "unexpected payload '" << payload << "'");
    int id = std::stoi(payload.substr(0, space));
    int seq = std::stoi(payload.substr(space + 1));
    BOOST_REQUIRE_MESSAGE(key == key_of(id), "message " << id << " arrived with key '" << key << "'");
    if (!seen.insert(id).second) return;  // a duplicate
    auto it = last_seq.find(key);
    if (it != last_seq.end() && seq <= it->second) ++order_violations;
    last_seq[key] = seq;
  }
  [[nodiscard]] std::size_t duplicates() const { return total - seen.size(); }

  /// The report every fault test prints and asserts on.
  void verify(int expected, const std::string& what) const {
    BOOST_TEST_MESSAGE(what << ": " << expected << " sent, " << seen.size() << " distinct arrived, " << total
                            << " total, " << duplicates() << " duplicates, " << order_violations
                            << " per-key order violations");
    BOOST_TEST(seen.size() == static_cast<std::size_t>(expected), what << ": lost " << expected - static_cast<int>(seen.size()));
    if (!seen.empty()) {
      BOOST_TEST(*seen.begin() == 0);
      BOOST_TEST(*seen.rbegin() == expected - 1);
    }
    BOOST_TEST(order_violations == 0u, what << ": per-key order violations");
  }
};

/// Produces messages [0, n) keyed to `topic`, all acknowledged.
inline void fill_topic(const std::string& bootstrap, const std::string& topic, int n) {
  kafka_test::Reports reports;
  kafka::ProducerOptions o;
  o.bootstrap_servers = bootstrap;
  o.on_delivery = reports.callback();
  auto producer = kafka::Producer::create(std::move(o)).value();
  for (int i = 0; i < n; ++i) {
    platform::Message m;
    m.key = key_of(i);
    m.payload = payload_of(i);
    BOOST_REQUIRE(producer.send(topic, m).ok());
  }
  BOOST_REQUIRE(producer.flush(60s).ok());
  BOOST_REQUIRE(reports.failures() == 0u);
}

/// Reads `topic` from the beginning with a fresh group until at least
/// `expected` records arrived and nothing more came for a moment.
inline Checker read_topic(const std::string& bootstrap, const std::string& topic, int expected,
                          std::chrono::seconds limit = 60s) {
  kafka::ConsumerOptions o;
  o.bootstrap_servers = bootstrap;
  o.group_id = "checker-" + topic + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  o.topics = {topic};
  auto consumer = kafka::Consumer::create(std::move(o)).value();
  Checker c;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = kafka_test::must_poll(consumer, 200ms);
    if (!batch.empty()) quiet_since = std::chrono::steady_clock::now();
    for (const auto& r : batch) c.add(r.message.key, r.message.payload);
    if (c.seen.size() >= static_cast<std::size_t>(expected) && std::chrono::steady_clock::now() - quiet_since > 1500ms) {
      break;
    }
  }
  (void)consumer.close();
  return c;
}

/// Reads `queue` until it stays empty for 2 s, mapping each message back to
/// the Kafka record it came from; acks everything.
inline Checker read_queue(const platform::amqp::ConnectionOptions& conn, const std::string& queue) {
  platform::amqp::ConsumerOptions o;
  o.connection = conn;
  o.queue = queue;
  auto consumer = platform::amqp::Consumer::open(std::move(o)).value();
  Checker c;
  int empty_polls = 0;
  while (empty_polls < 20) {
    auto d = consumer.consume(100ms);
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().to_string());
    if (!d->has_value()) {
      ++empty_polls;
      continue;
    }
    empty_polls = 0;
    auto back = platform::flow::amqp_to_kafka({(*d)->routing_key, (*d)->properties, (*d)->message.payload});
    c.add(back.key, back.payload);
    BOOST_REQUIRE(consumer.ack((*d)->delivery_tag).ok());
  }
  return c;
}

/// Calls `f` until it returns true or `limit` passes.
template <typename F>
bool wait_for(F&& f, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

/// The Kafka faults every test injects while a flow runs: a broker goes down
/// and comes back, partition leaders move (also to and from the downed
/// broker), and produce requests fail once with retriable errors.
inline void kafka_faults(kafka::EmbeddedCluster& cluster, const std::vector<std::string>& topics, int partitions) {
  BOOST_REQUIRE(cluster.broker_down(2).ok());
  std::this_thread::sleep_for(1500ms);
  for (const std::string& t : topics) {
    for (int p = 0; p < partitions; p += 2) BOOST_REQUIRE(cluster.set_leader(t, p, 3).ok());
  }
  std::this_thread::sleep_for(1000ms);
  BOOST_REQUIRE(cluster.broker_up(2).ok());
  cluster.push_request_errors(kafka::KafkaApi::kProduce,
                              {kafka::BrokerError::kNotLeaderForPartition, kafka::BrokerError::kRequestTimedOut,
                               kafka::BrokerError::kTransport});
  for (const std::string& t : topics) {
    for (int p = 1; p < partitions; p += 3) BOOST_REQUIRE(cluster.set_leader(t, p, 2).ok());
  }
}

}  // namespace flow_test
