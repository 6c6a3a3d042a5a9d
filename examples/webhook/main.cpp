// SPDX-License-Identifier: Apache-2.0
// The webhook pattern: an HTTP ingress that puts each POSTed order on the
// Kafka topic "events" and answers 202 only once Kafka has it. Here the
// webhook, the embedded Kafka and the HTTP client all run in this process.
//
//   build/examples/webhook/example_webhook

#include <chrono>
#include <iostream>
#include <set>
#include <string>
#include <utility>  // Boost 1.74 asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "platform/flow/webhook.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"

namespace flow = platform::flow;
namespace http = boost::beast::http;

// POSTs `body` as JSON and returns the HTTP status code.
int post(std::uint16_t port, const std::string& path, const std::string& body) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return res.result_int();
}

int main() try {
  // The embedded Kafka (seed topics), held for the whole program: it lives
  // while someone holds it, and the webhook releases it when it stops.
  auto kafka = platform::kafka::EmbeddedCluster::shared().value();

  // The same route as examples/flows/webhook-to-events.yaml: JSON orders to
  // "events", keyed by their "id".
  flow::WebhookOptions options;
  options.kafka_bootstrap_servers = kafka->bootstrap_servers();
  options.address = "127.0.0.1";
  options.port = 0;  // any free port
  options.routes = {{.path = "/webhooks/orders", .to = "kafka:events?key=json:/id",
                     .content_types = {"application/json"}, .validate_json = true}};
  auto hook = flow::Webhook::start(options).value();

  for (const std::string body : {R"({"id":"order-1","total":10})", R"({"id":"order-2","total":25})",
                                 R"(not json)"}) {
    // 202: Kafka acknowledged (acks=all) before the answer; 400: refused, nothing sent.
    std::cout << "POST /webhooks/orders -> " << post(hook.port(), "/webhooks/orders", body) << "\n";
  }
  hook.stop(std::chrono::seconds(5));

  // Read them back from "events".
  auto consumer = platform::kafka::Consumer::create(
                      {.bootstrap_servers = kafka->bootstrap_servers(), .group_id = "example-webhook", .topics = {"events"}})
                      .value();
  std::set<std::string> keys;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (keys.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    // Keep the batch: iterating `poll(...).value()` directly would read a
    // destroyed temporary (ASan: stack-use-after-scope).
    const auto batch = consumer.poll(std::chrono::milliseconds(200)).value();
    for (const auto& r : batch) keys.insert(r.message.key);
  }
  std::cout << "events: " << keys.size() << " orders:";
  for (const auto& k : keys) std::cout << " " << k;
  std::cout << "\n";
  return keys.size() == 2 ? 0 : 1;
} catch (const platform::Error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
