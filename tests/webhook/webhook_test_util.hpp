// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small blocking HTTP/1.1 client for the webhook tests (Beast over a plain
// socket, keep-alive), raw-socket helpers for hostile clients, and a Kafka
// reader.

#include <boost/test/unit_test.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <map>
#include <utility>  // Boost 1.74 asio uses std::exchange without including it
#include <random>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "platform/flow/webhook.hpp"
#include "platform/kafka/consumer.hpp"

namespace webhook_test {

/// The webhook's log lines, to stderr. Boost.Test is not thread-safe, so
/// lines logged from the server's threads must not go through its macros.
inline void log_line(std::string_view line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::clog << "webhook: " << line << std::endl;
}


namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct Reply {
  int status = 0;  // 0 = the connection closed without an answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// One keep-alive connection.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
    // A server that never answers fails the test instead of hanging it.
    timeval limit{20, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }

  Reply request(http::verb method, const std::string& target, const std::string& body = "",
                const Headers& headers = {}) {
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    if (method != http::verb::get || !body.empty()) req.prepare_payload();
    beast::error_code ec;
    http::write(socket_, req, ec);
    return read(ec);
  }

  Reply post(const std::string& target, const std::string& body, Headers headers = {}) {
    bool has_type = false;
    for (const auto& [n, v] : headers) has_type = has_type || n == "Content-Type";
    if (!has_type) headers.emplace_back("Content-Type", "application/json");
    return request(http::verb::post, target, body, headers);
  }

  /// Reads one response (after raw writes).
  Reply read(beast::error_code ec = {}) {
    Reply r;
    if (ec) return r;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(socket_, buffer_, parser, ec);
    if (ec) return r;
    auto& res = parser.get();
    r.status = static_cast<int>(res.result_int());
    r.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    return r;
  }

  /// Writes raw bytes; false when the peer closed.
  bool write_raw(const std::string& bytes) {
    beast::error_code ec;
    asio::write(socket_, asio::buffer(bytes), ec);
    return !ec;
  }

  /// True once the server closed the connection (reads until EOF or `limit`).
  bool closed_within(std::chrono::milliseconds limit) {
    socket_.non_blocking(true);
    auto until = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
      beast::error_code ec;
      socket_.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) {
        std::this_thread::sleep_for(10ms);
        continue;
      }
      if (ec) return true;
    }
    return false;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

/// One request on a fresh connection.
inline Reply post(std::uint16_t port, const std::string& target, const std::string& body, Headers headers = {}) {
  Client c(port);
  return c.post(target, body, std::move(headers));
}

inline Reply get(std::uint16_t port, const std::string& target) {
  Client c(port);
  return c.request(http::verb::get, target);
}

inline std::string unique(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return prefix + "-" + std::to_string(rng() % 1000000000);
}

/// Options with one Kafka route to `topic` on `bootstrap`, any free port,
/// short timeouts, log lines kept quiet.
inline platform::flow::WebhookOptions kafka_options(const std::string& bootstrap, const std::string& topic,
                                                    const std::string& key = "json:/id") {
  platform::flow::WebhookOptions o;
  o.name = "test";
  o.address = "127.0.0.1";
  o.port = 0;
  o.kafka_bootstrap_servers = bootstrap;
  o.ack_timeout = 3s;
  o.retry_after = 1s;
  o.shutdown_timeout = 5s;
  o.log = webhook_test::log_line;  // not BOOST_TEST_MESSAGE: server threads call it
  platform::flow::WebhookRoute r;
  r.path = "/webhooks/orders";
  r.to = "kafka:" + topic + (key.empty() ? "" : "?key=" + key);
  r.content_types = {"application/json"};
  r.validate_json = true;
  o.routes.push_back(r);
  return o;
}

inline platform::flow::Webhook start(platform::flow::WebhookOptions o) {
  auto hook = platform::flow::Webhook::start(std::move(o));
  BOOST_REQUIRE_MESSAGE(hook.ok(), hook.status().to_string());
  return std::move(*hook);
}

/// Every record of `topic` (reads until `count` arrived, or 30 s without
/// reaching it, then a further second to catch extras).
inline std::vector<platform::kafka::Record> read_topic(const std::string& bootstrap, const std::string& topic,
                                                       std::size_t count) {
  auto consumer = platform::kafka::Consumer::create(
      {.bootstrap_servers = bootstrap, .group_id = unique("webhook-test"), .topics = {topic}});
  BOOST_REQUIRE_MESSAGE(consumer.ok(), consumer.status().to_string());
  std::vector<platform::kafka::Record> out;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  bool reached = false;
  while (std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer->poll(100ms);
    BOOST_REQUIRE_MESSAGE(batch.ok(), batch.status().to_string());
    for (auto& r : *batch) out.push_back(std::move(r));
    if (!reached && out.size() >= count) {
      reached = true;
      deadline = std::chrono::steady_clock::now() + 1s;
    }
  }
  return out;
}

}  // namespace webhook_test
