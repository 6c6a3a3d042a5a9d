// SPDX-License-Identifier: Apache-2.0
// Kafka -> RabbitMQ -> Kafka: events cross to a quorum queue and come back,
// key and headers (W3C traceparent included) intact. Needs the local RabbitMQ
// (guest@127.0.0.1:5672).
#include <unistd.h>

#include <iostream>

#include "platform/amqp/topology.hpp"
#include "platform/flow/bridge.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/producer.hpp"

namespace flow = platform::flow;
namespace kafka = platform::kafka;

int main() {
  const std::string queue = "example-bridge-" + std::to_string(::getpid());
  auto producer = kafka::Producer::create({}).value();
  for (int i = 0; i < 5; ++i) {
    producer.send("events", {.key = "order-" + std::to_string(i), .payload = "event " + std::to_string(i),
                             .headers = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
                             .timestamp_ms = {}});
  }
  platform::throw_if_error(producer.flush(std::chrono::seconds(10)));

  flow::KafkaToRabbitOptions out;
  out.group_id = "example-to-rabbit";
  out.topics = {"events"};
  out.queue = queue;  // declared as a quorum queue
  auto to_rabbit = flow::KafkaToRabbitBridge::create(out).value();
  platform::throw_if_error(to_rabbit.run({.duration = std::chrono::seconds(30), .max_messages = 5}));
  std::cout << "to RabbitMQ: " << to_rabbit.metrics().out << " confirmed\n";

  flow::RabbitToKafkaOptions back;
  back.queue = queue;
  back.topic = "notifications";
  auto to_kafka = flow::RabbitToKafkaBridge::create(back).value();
  platform::throw_if_error(to_kafka.run({.duration = std::chrono::seconds(30), .max_messages = 5}));
  std::cout << "back to Kafka: " << to_kafka.metrics().out << " acknowledged\n";

  auto consumer = kafka::Consumer::create({.group_id = "example-bridge-reader", .topics = {"notifications"}}).value();
  int seen = 0;
  for (int i = 0; i < 100 && seen < 5; ++i) {
    std::vector<kafka::Record> records = consumer.poll(std::chrono::milliseconds(200)).value();
    for (const auto& r : records) {
      std::cout << r.message.key << " " << r.message.payload << " traceparent=" << r.message.header("traceparent").value_or("-")
                << "\n";
      ++seen;
    }
  }
  (void)platform::amqp::Topology::open({}).value().delete_queue(queue);
  return seen == 5 ? 0 : 1;
}
