// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared helpers for the RabbitMQ integration tests: unique names, a
// Topology that deletes what a test declared, and rabbitmqctl calls that
// touch only this test's own connections (other suites share the broker).

#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "platform/amqp/consumer.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/amqp/topology.hpp"

namespace amqp_test {

namespace amqp = platform::amqp;

/// Output of a shell command (stdout), and its exit status.
inline std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  int rc = pclose(pipe);
  return {rc, out};
}

/// A name no other test run uses.
inline std::string unique_name(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return "platform-test-" + prefix + "-" + std::to_string(rng() % 1000000000);
}

/// Connection options for the local broker, tagged with a unique
/// connection_name so the test can find and kill exactly its own connections.
inline amqp::ConnectionOptions local(const std::string& connection_name) {
  amqp::ConnectionOptions o;
  o.connection_name = connection_name;
  o.reconnect.initial_backoff = std::chrono::milliseconds(50);
  o.reconnect.max_backoff = std::chrono::milliseconds(1000);
  o.reconnect.max_attempts = 30;
  return o;
}

/// The pids of the broker's connections whose connection_name is `name`
/// (rabbitmqctl list_connections), or nullopt when rabbitmqctl fails (its
/// output is printed).
inline std::optional<std::vector<std::string>> connection_pids(const std::string& name) {
  auto [rc, out] = run("rabbitmqctl -q list_connections pid client_properties");
  if (rc != 0) {
    std::fprintf(stderr, "rabbitmqctl list_connections failed: %s\n", out.c_str());
    return std::nullopt;
  }
  std::vector<std::string> pids;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("\"" + name + "\"") == std::string::npos) continue;
    std::size_t lt = line.find('<');
    std::size_t gt = line.find('>', lt);
    if (lt == std::string::npos || gt == std::string::npos) continue;
    pids.push_back(line.substr(lt, gt - lt + 1));
  }
  return pids;
}

/// Closes every broker connection whose connection_name is `name`
/// (rabbitmqctl close_connection). Returns how many were closed, or -1 when
/// rabbitmqctl fails (its output is printed). No Boost.Test assertion: tests
/// call it from their own threads, and Boost.Test is not thread-safe.
inline int kill_connections(const std::string& name) {
  auto pids = connection_pids(name);
  if (!pids) return -1;
  int killed = 0;
  for (const std::string& pid : *pids) {
    auto [crc, cout] = run("rabbitmqctl -q close_connection '" + pid + "' 'platform test kill'");
    if (crc != 0) {
      std::fprintf(stderr, "rabbitmqctl close_connection failed: %s\n", cout.c_str());
      return -1;
    }
    ++killed;
  }
  return killed;
}

/// Waits until a connection named `name` is listed, then kills it. Returns
/// how many were closed; 0 when none was found or rabbitmqctl failed.
inline int kill_connections_when_up(const std::string& name) {
  for (int i = 0; i < 50; ++i) {
    int n = kill_connections(name);
    if (n < 0) return 0;
    if (n > 0) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return 0;
}

/// Stops the broker's RabbitMQ application, keeps it down for `down`, and
/// starts it again (rabbitmqctl stop_app / start_app): every connection
/// drops and new ones are refused meanwhile. Disturbs every client of the
/// broker, so a test that calls it must run alone (ctest RUN_SERIAL).
/// Returns false (output printed) when rabbitmqctl fails.
inline bool restart_app(std::chrono::milliseconds down) {
  auto [rc, out] = run("rabbitmqctl -q stop_app");
  if (rc != 0) {
    std::fprintf(stderr, "rabbitmqctl stop_app failed: %s\n", out.c_str());
    return false;
  }
  std::this_thread::sleep_for(down);
  auto [src, sout] = run("rabbitmqctl -q start_app && rabbitmqctl -q await_startup");
  if (src != 0) {
    std::fprintf(stderr, "rabbitmqctl start_app failed: %s\n", sout.c_str());
    return false;
  }
  return true;
}

/// The x-queue-type rabbitmqctl reports for `queue`, or "" if not listed.
inline std::string queue_type(const std::string& queue) {
  auto [rc, out] = run("rabbitmqctl -q list_queues name type durable");
  BOOST_REQUIRE_MESSAGE(rc == 0, "rabbitmqctl list_queues failed: " + out);
  std::size_t at = out.find(queue + "\t");
  if (at == std::string::npos) return "";
  std::size_t end = out.find('\n', at);
  return out.substr(at + queue.size() + 1, end - at - queue.size() - 1);
}

/// A Topology that deletes the queues and exchanges the test declared.
class Scratch {
 public:
  explicit Scratch(const std::string& connection_name = unique_name("topology"))
      : topology_(amqp::Topology::open(local(connection_name)).value()) {}
  ~Scratch() {
    for (const std::string& q : queues_) (void)topology_.delete_queue(q);
    for (const std::string& x : exchanges_) (void)topology_.delete_exchange(x);
  }

  /// Declares (quorum unless `options` says otherwise) and remembers a queue.
  std::string queue(amqp::QueueOptions options) {
    if (options.name.empty()) options.name = unique_name("q");
    auto info = topology_.declare_queue(options);
    BOOST_REQUIRE_MESSAGE(info.ok(), info.status().to_string());
    queues_.push_back(options.name);
    return options.name;
  }
  std::string queue() { return queue(amqp::QueueOptions{}); }

  std::string exchange(amqp::ExchangeOptions options) {
    if (options.name.empty()) options.name = unique_name("x");
    auto s = topology_.declare_exchange(options);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    exchanges_.push_back(options.name);
    return options.name;
  }

  /// Ready messages in `queue` (passive declare).
  std::uint32_t depth(const std::string& queue) {
    auto info = topology_.inspect_queue(queue);
    BOOST_REQUIRE_MESSAGE(info.ok(), info.status().to_string());
    return info->message_count;
  }

  amqp::Topology& topology() { return topology_; }

 private:
  amqp::Topology topology_;
  std::vector<std::string> queues_;
  std::vector<std::string> exchanges_;
};

}  // namespace amqp_test
