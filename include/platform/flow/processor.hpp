// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::flow::Processor: consume Kafka, call user code, produce to Kafka
/// (the event-sourcing pattern).
///
/// ```cpp
/// auto p = flow::Processor::create({
///     .group_id = "enricher", .inputs = {"events"}, .output = "commands",
///     .process = [](const Message& in) -> Result<std::vector<Message>> {
///       return std::vector<Message>{{.key = in.key, .payload = enrich(in.payload)}};
///     }}).value();
/// p.run({.duration = std::chrono::minutes(1)});
/// ```
///
/// At-least-once (default): an input's offset is committed only after every
/// output it produced has its acks=all delivery report (and after a
/// dead-lettered input reached the dead-letter destination). Processing is
/// pipelined: the next inputs are processed while earlier outputs are in
/// flight; offsets are committed every second as the contiguous watermark of
/// finished inputs per partition (never stop-the-world per batch). After a
/// crash or rebalance the group resumes after the last committed input:
/// inputs processed but not committed are processed again (duplicates, at most
/// the in-flight window; never loss). Per-key order: the user function sees
/// one partition's inputs in offset order, retries happen in place, and the
/// outputs of one input keep their order; outputs with the same key as their
/// input therefore keep per-key order on first delivery.
///
/// Exactly-once: outputs and input offsets are committed in one Kafka
/// transaction every `transaction_messages` inputs or `transaction_interval`
/// (send_offsets_to_transaction + commit_transaction); on an abortable error
/// the transaction is aborted and the consumer rewound to the last committed
/// positions, so the inputs are processed again into a new transaction.
/// Downstream consumers must read with isolation.level=read_committed. The
/// embedded cluster does not write transaction markers nor store transactional
/// offsets: against it, this mode's error handling runs but exactly-once is
/// NOT proven (see docs/flows.md).

#include <chrono>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/amqp/connection_options.hpp"
#include "platform/export.hpp"
#include "platform/flow/common.hpp"
#include "platform/kafka/common.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// The user code: the outputs for one input (none = filter it out), or an
/// error (retried per ErrorPolicy; kInvalidArgument is permanent). Called on
/// run()'s thread, one input at a time, in offset order per partition.
/// Outputs without `traceparent`/`tracestate` headers get the input's.
using ProcessFunction = std::function<Result<std::vector<Message>>(const Message& input)>;

/// How to create a Processor.
struct ProcessorOptions {
  std::string name = "processor";  ///< metrics label, client.id, transactional.id prefix
  /// Kafka "host:port,..."; empty = the process's embedded cluster.
  std::string bootstrap_servers;
  kafka::SecurityOptions security;
  std::string group_id;             ///< required
  std::vector<std::string> inputs;  ///< input topics, required
  std::string output;               ///< output topic, required
  /// Raw librdkafka properties for the flow's Kafka consumer (flow file:
  /// spec.kafka.consumer), e.g. {"fetch.wait.max.ms", "50"}. Keys the flow
  /// manages (group.id, enable.auto.commit, enable.auto.offset.store; in
  /// exactly-once mode also isolation.level) are refused.
  std::map<std::string, std::string> consumer_properties;
  /// Raw librdkafka properties for the flow's Kafka producer (flow file:
  /// spec.kafka.producer), e.g. {"compression.type", "lz4"}. In exactly-once
  /// mode the transaction settings (transactional.id, enable.idempotence,
  /// acks, transaction.timeout.ms) are refused.
  std::map<std::string, std::string> producer_properties;
  ProcessFunction process;          ///< required
  Guarantee guarantee = Guarantee::kAtLeastOnce;
  ErrorPolicy errors;
  /// Inputs processed and not yet done before run() waits (at-least-once).
  /// 5,000 keeps the embedded cluster's ~650k msgs/s transformer busy; each
  /// in-flight input holds its outputs in the producer (20,000 cost ~27 MiB
  /// more peak memory for no speed).
  std::size_t max_in_flight = 5000;
  /// Exactly-once: commit a transaction after this many inputs...
  std::size_t transaction_messages = 1000;
  /// ...or this long after it began, whichever comes first.
  std::chrono::milliseconds transaction_interval{100};
  /// For a `rabbitmq:` dead-letter destination.
  amqp::ConnectionOptions rabbitmq;
};

/// A running consume-process-produce loop. Move-only.
/// Thread-safety: run() on one thread; stop() and metrics() from any thread.
class PLATFORM_EXPORT Processor {
 public:
  /// Checks the options and connects (Kafka clients, dead-letter sink).
  /// kInvalidArgument names the missing or bad option.
  static Result<Processor> create(ProcessorOptions options);

  Processor(Processor&&) noexcept;
  Processor& operator=(Processor&&) noexcept;
  ~Processor();

  /// Runs until stop(), `options.duration`, `options.max_messages` inputs
  /// done, or an error; then waits for in-flight outputs, commits what is
  /// done and leaves the group. Returns the error that stopped it, if any
  /// (e.g. an output that could not be delivered within its timeout: nothing
  /// past that input was committed).
  Status run(const RunOptions& options = {});

  /// Asks run() to return (thread-safe, async-signal-unsafe).
  void stop();

  /// The counters now (thread-safe).
  [[nodiscard]] MetricsSnapshot metrics() const;

 private:
  struct Impl;
  explicit Processor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::flow
