// SPDX-License-Identifier: Apache-2.0
// Event sourcing with the processor: order events are folded into running
// totals per customer and appended to "notifications". Runs against the
// embedded Kafka cluster (no set-up).
#include <iostream>
#include <map>

#include "platform/flow/processor.hpp"
#include "platform/kafka/producer.hpp"

namespace flow = platform::flow;
namespace kafka = platform::kafka;

int main() {
  auto producer = kafka::Producer::create({}).value();  // no bootstrap: the embedded cluster
  for (int i = 0; i < 10; ++i) {
    producer.send("events", {.key = "customer-" + std::to_string(i % 2), .payload = std::to_string(10 * (i + 1)),
                             .headers = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
                             .timestamp_ms = {}});
  }
  platform::throw_if_error(producer.flush(std::chrono::seconds(10)));

  std::map<std::string, long> totals;  // the state rebuilt from the events
  auto processor = flow::Processor::create({
      .name = "totals",
      .group_id = "totals-example",
      .inputs = {"events"},
      .output = "notifications",
      .process = [&](const platform::Message& in) -> platform::Result<std::vector<platform::Message>> {
        long total = totals[in.key] += std::stol(in.payload);
        return std::vector<platform::Message>{{.key = in.key, .payload = std::to_string(total), .headers = {},
                                               .timestamp_ms = {}}};
      }}).value();
  platform::throw_if_error(processor.run({.duration = std::chrono::seconds(30), .max_messages = 10}));
  for (const auto& [customer, total] : totals) std::cout << customer << " total " << total << "\n";
  flow::MetricsSnapshot m = processor.metrics();
  std::cout << "processed " << m.done << " events, " << m.out << " notifications acknowledged\n";
  return m.done == 10 ? 0 : 1;
}
