// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// What every flow (Processor, Transformer, the two bridges) shares: the
/// delivery guarantee, the poison-message policy, how long run() runs, and the
/// metrics snapshot. Plain values.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "platform/export.hpp"

namespace platform::flow {

/// What a flow promises about each input message.
enum class Guarantee : std::uint8_t {
  /// Every input is reflected in the output at least once: an input is
  /// acknowledged (Kafka offset committed, AMQP message acked) only after all
  /// its outputs were acknowledged by the destination. Duplicates are possible
  /// after a failure, at most the in-flight window.
  kAtLeastOnce,
  /// Kafka -> Kafka only: outputs and input offsets are committed in one Kafka
  /// transaction (read_committed consumers see each output once).
  kExactlyOnce,
};

/// "at-least-once" / "exactly-once".
PLATFORM_EXPORT const char* to_string(Guarantee guarantee) noexcept;

/// Poison messages: what happens when processing or delivering one input fails.
///
/// An attempt that fails is retried after `backoff`, doubled each time up to
/// `max_backoff`, until `max_attempts` attempts were made; then the input goes
/// to `dead_letter` with headers `platform.dlq.error`, `platform.dlq.source`
/// (e.g. `kafka:events/3/1042` or `rabbitmq:orders`), `platform.dlq.attempts`
/// and `platform.dlq.flow`, and counts as done (its offset is committed or it
/// is acked only after the dead-letter destination acknowledged it). Errors
/// with code kInvalidArgument (e.g. a payload that is not JSON) are permanent:
/// they skip the retries. With no `dead_letter`, a message that exhausted its
/// attempts stops the flow with that error (nothing past it is committed).
struct ErrorPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds backoff{100};
  std::chrono::milliseconds max_backoff{10000};
  /// An endpoint URI: `kafka:TOPIC` or `rabbitmq:EXCHANGE?routingKey=RK`
  /// (`rabbitmq:default?routingKey=QUEUE` for the default exchange). "" = none.
  std::string dead_letter;
  bool operator==(const ErrorPolicy&) const = default;
};

/// The latency histogram's upper bounds, in seconds (Prometheus `le`).
inline constexpr std::array<double, 12> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

/// Counters of one flow since it started. A plain value.
struct MetricsSnapshot {
  std::string flow;               ///< the flow's name
  std::uint64_t in = 0;           ///< input messages received (redeliveries included)
  std::uint64_t out = 0;          ///< output messages acknowledged by the destination
  std::uint64_t done = 0;         ///< inputs fully handled (outputs acked, or filtered, or dead-lettered)
  std::uint64_t filtered = 0;     ///< inputs that produced no output
  std::uint64_t retried = 0;      ///< retry attempts made
  std::uint64_t dead_lettered = 0;
  std::uint64_t in_flight = 0;    ///< inputs received and not yet done
  /// Messages waiting in the source: for Kafka, the high watermark minus
  /// the processed watermark summed over the assigned partitions
  /// (kafka::Consumer::lag(), every second); for RabbitMQ, the queue's ready
  /// count (every 5 s). -1 = not known yet, and always in exactly-once mode.
  std::int64_t lag = -1;
  /// Delivery latency (input received -> all outputs acknowledged):
  /// cumulative counts per kLatencyBuckets bound, plus the total.
  std::array<std::uint64_t, kLatencyBuckets.size()> latency_buckets{};
  std::uint64_t latency_count = 0;
  double latency_sum_seconds = 0;
  double elapsed_seconds = 0;     ///< since run() started
};

/// The snapshot in the Prometheus text exposition format (version 0.0.4):
/// `platform_flow_messages_in_total{flow="..."}`, `..._out_total`,
/// `..._retried_total`, `..._dead_lettered_total`, `platform_flow_in_flight`,
/// `platform_flow_consumer_lag`, `platform_flow_delivery_latency_seconds`
/// (histogram).
PLATFORM_EXPORT std::string to_prometheus(const MetricsSnapshot& snapshot);

/// One line for a terminal: "flow NAME: in 1200 out 1200 ... 4500 msg/s".
PLATFORM_EXPORT std::string progress_line(const MetricsSnapshot& snapshot);

/// How long run() runs. It also returns when stop() is called (from any
/// thread) or on an error.
struct RunOptions {
  std::chrono::milliseconds duration{0};  ///< 0 = until stop()
  std::uint64_t max_messages = 0;         ///< stop after this many inputs are done; 0 = no limit
  /// Called on run()'s thread about every `progress_interval`.
  std::function<void(const MetricsSnapshot&)> on_progress;
  std::chrono::milliseconds progress_interval{1000};
};

}  // namespace platform::flow
