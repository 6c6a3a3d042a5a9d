// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the Kafka tests: collecting delivery reports and
// consuming until a count is reached.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/kafka/producer.hpp"
#include "test_scale.hpp"

namespace kafka_test {

using namespace std::chrono_literals;
namespace kafka = platform::kafka;

using platform_test::scaled;

/// Delivery reports collected from the delivery thread.
struct Reports {
  std::mutex mu;
  std::vector<kafka::DeliveryReport> all;
  kafka::DeliveryCallback callback() {
    return [this](const kafka::DeliveryReport& r) {
      std::lock_guard lock(mu);
      all.push_back(r);
    };
  }
  std::size_t failures() {
    std::lock_guard lock(mu);
    std::size_t n = 0;
    for (const auto& r : all) n += r.status.ok() ? 0 : 1;
    return n;
  }
};

/// Polls until `count` records arrived or `limit` passed (the mock's first
/// group join alone takes ~3 s).
inline std::vector<kafka::Record> consume(kafka::Consumer& consumer, std::size_t count,
                                          std::chrono::seconds limit = 30s, bool mark = true) {
  std::vector<kafka::Record> out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer.poll(100ms);
    BOOST_REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
    for (auto& r : *batch) {
      if (mark) consumer.mark_processed(r);
      out.push_back(std::move(r));
    }
  }
  return out;
}

/// One poll that must succeed (returns the records by value: never iterate
/// over `consumer.poll(...).value()` directly, the Result is a temporary).
inline std::vector<kafka::Record> must_poll(kafka::Consumer& consumer, std::chrono::milliseconds timeout,
                                            std::size_t max = 1000) {
  auto batch = consumer.poll(timeout, max);
  BOOST_REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
  return std::move(*batch);
}

inline kafka::EmbeddedCluster start_cluster(kafka::EmbeddedClusterOptions options = {}) {
  auto cluster = kafka::EmbeddedCluster::start(options);
  BOOST_REQUIRE_MESSAGE(cluster.ok(), cluster.status().to_string());
  return std::move(*cluster);
}

}  // namespace kafka_test
