// SPDX-License-Identifier: Apache-2.0
// Events -> commands with a declarative transform, then read the commands.
#include <iostream>

#include "platform/flow/transformer.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/producer.hpp"

namespace flow = platform::flow;
namespace kafka = platform::kafka;

int main() {
  auto producer = kafka::Producer::create({}).value();
  producer.send("events", {.key = "o-1", .payload = R"({"type":"order.created","order":{"id":"o-1","total":30}})",
                           .headers = {}, .timestamp_ms = {}});
  producer.send("events", {.key = "o-1", .payload = R"({"type":"order.paid","order":{"id":"o-1"}})", .headers = {},
                           .timestamp_ms = {}});
  producer.send("events", {.key = "o-2", .payload = R"({"type":"order.created","order":{"id":"o-2","total":12}})",
                           .headers = {}, .timestamp_ms = {}});
  platform::throw_if_error(producer.flush(std::chrono::seconds(10)));

  flow::TransformerOptions options;
  options.processor.name = "ship";
  options.processor.group_id = "ship-example";
  options.processor.inputs = {"events"};
  options.processor.output = "commands";
  options.transform = flow::parse_transform(R"(
filter: [{field: type, equals: order.created}]
map: {orderId: order.id, amount: order.total}
set: {command: ship-order}
key: orderId
)").value();
  auto transformer = flow::Transformer::create(std::move(options)).value();
  platform::throw_if_error(transformer.run({.duration = std::chrono::seconds(30), .max_messages = 3}));

  auto consumer = kafka::Consumer::create({.group_id = "ship-example-reader", .topics = {"commands"}}).value();
  int seen = 0;
  for (int i = 0; i < 100 && seen < 2; ++i) {
    std::vector<kafka::Record> records = consumer.poll(std::chrono::milliseconds(200)).value();
    for (const auto& r : records) {
      std::cout << r.message.key << " " << r.message.payload << "\n";
      ++seen;
    }
  }
  std::cout << "filtered " << transformer.metrics().filtered << "\n";
  return seen == 2 ? 0 : 1;
}
