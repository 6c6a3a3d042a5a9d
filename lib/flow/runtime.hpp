// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private pieces every flow shares: counters, the retry loop, the
// dead-letter sink, the run clock, and endpoint helpers.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "platform/amqp/connection_options.hpp"
#include "platform/flow/common.hpp"
#include "platform/flow/endpoint.hpp"
#include "platform/kafka/common.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/producer.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::internal {

using Clock = std::chrono::steady_clock;

/// Thread-safe counters behind MetricsSnapshot.
class FlowCounters {
 public:
  explicit FlowCounters(std::string flow) : flow_(std::move(flow)) {}
  std::atomic<std::uint64_t> in{0}, out{0}, done{0}, filtered{0}, retried{0}, dead_lettered{0};
  std::atomic<std::int64_t> lag{-1};
  void latency(Clock::duration d) noexcept;
  void start() noexcept { started_ = Clock::now(); }
  /// Sets `lag` from a Kafka source's Consumer::lag(), at most once a
  /// second. Call it from the thread that polls `source`.
  void sample_lag(const kafka::Consumer& source);
  [[nodiscard]] flow::MetricsSnapshot snapshot() const;

 private:
  std::string flow_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point next_lag_sample_{};
  std::array<std::atomic<std::uint64_t>, flow::kLatencyBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> latency_ns_{0};
};

/// The wait before attempt `attempt` (1-based, > 1) under `policy`.
std::chrono::milliseconds backoff_for(const flow::ErrorPolicy& policy, int attempt);

/// Sleeps `d` in small steps; false if `stop` was set meanwhile.
bool sleep_unless(std::chrono::milliseconds d, const std::atomic<bool>& stop);

/// Where a RabbitMQ endpoint publishes or consumes:
/// `rabbitmq:EXCHANGE?routingKey=RK&queue=Q` (`default` = the default exchange).
struct RabbitTarget {
  std::string exchange;     // "" = default exchange
  std::string routing_key;  // "" = from the message
  std::string queue;        // to consume from / to declare
  bool declare = true;      // declare the queue (quorum) and bind it
  std::optional<std::uint16_t> prefetch;  // ?prefetch=N, 1..65535 (consumers)
  bool message_id_key = false;            // ?key=messageId (consumers; default routingKey)
  bool kafka_metadata = true;             // ?kafkaMetadata=false (publishers)
};
Result<RabbitTarget> rabbit_target(const flow::Endpoint& e);

/// A Kafka endpoint `kafka:TOPIC[,TOPIC...]?groupId=G`.
struct KafkaTarget {
  std::vector<std::string> topics;
  std::string group_id;
};
Result<KafkaTarget> kafka_target(const flow::Endpoint& e);

/// Sends poison messages to a Kafka topic or a RabbitMQ exchange,
/// synchronously (it waits for the ack/confirm). Used from one thread.
class DeadLetterSink {
 public:
  static Result<std::unique_ptr<DeadLetterSink>> open(const std::string& uri, const std::string& flow,
                                                       const std::string& kafka_bootstrap,
                                                       const kafka::SecurityOptions& security,
                                                       const amqp::ConnectionOptions& rabbitmq);
  virtual ~DeadLetterSink() = default;
  /// Sends `message` with the platform.dlq.* headers; ok once acknowledged.
  Status send(Message message, const std::string& source, int attempts, const Status& error);
  /// "kafka:events.dlq".
  [[nodiscard]] const std::string& uri() const { return uri_; }

 protected:
  virtual Status deliver(const Message& message) = 0;
  std::string uri_;
  std::string flow_;
};

/// What poison-message handling decided for one input.
enum class Disposition : std::uint8_t { kDone, kDeadLettered, kFailed };

/// Runs `attempt` until it succeeds, the error is permanent (kInvalidArgument)
/// or policy.max_attempts is reached, sleeping the backoff in between (counted
/// in counters.retried). Then, on failure, sends `original` to `sink` (if any).
/// `last` receives the final error.
template <typename F>
Disposition with_retries(const flow::ErrorPolicy& policy, FlowCounters& counters, const std::atomic<bool>& stop,
                         DeadLetterSink* sink, const Message& original, const std::string& source, F&& attempt,
                         Status& last) {
  int attempts = 0;
  for (;;) {
    ++attempts;
    last = attempt();
    if (last.ok()) return Disposition::kDone;
    if (last.code() == StatusCode::kInvalidArgument || attempts >= policy.max_attempts) break;
    counters.retried.fetch_add(1, std::memory_order_relaxed);
    if (!sleep_unless(backoff_for(policy, attempts + 1), stop)) return Disposition::kFailed;
  }
  if (sink == nullptr) return Disposition::kFailed;
  Status s = sink->send(original, source, attempts, last);
  if (!s.ok()) {
    last = Status(s.code(), "dead-lettering a message from " + source + " to " + sink->uri() + " failed: " +
                                s.message() + " (after: " + last.message() + ")");
    return Disposition::kFailed;
  }
  counters.dead_lettered.fetch_add(1, std::memory_order_relaxed);
  return Disposition::kDeadLettered;
}

/// Decides when run() returns and calls the progress callback.
class RunClock {
 public:
  RunClock(const flow::RunOptions& options, FlowCounters& counters, const std::atomic<bool>& stop);
  /// True when run() should stop taking new input.
  bool should_stop();

 private:
  const flow::RunOptions& options_;
  FlowCounters& counters_;
  const std::atomic<bool>& stop_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point next_progress_;
};

/// Copies `traceparent`/`tracestate`/`baggage` from `input` into `output`
/// when it has none of its own.
void propagate_trace(const Message& input, Message& output);

/// A flow's Kafka consumer (processed-offset commits, prefetch capped at
/// 8 MiB so a flow stays under 100 MiB; the consumer wakes librdkafka's
/// fetchers itself, so a small prefetch costs no throughput) and producer.
/// `properties` (spec.kafka.consumer) override.
Result<kafka::Consumer> flow_consumer(const std::string& name, const std::string& bootstrap,
                                      const kafka::SecurityOptions& security, const std::string& group,
                                      const std::vector<std::string>& topics,
                                      const std::map<std::string, std::string>& properties = {});
/// With a `warm_topic`, the producer is connected and knows that topic's
/// leaders before it is returned (waiting up to kWarmUp; a cluster not ready
/// by then is no error, sends wait for it as usual). Without this, the first
/// sends to a topic the producer has not asked about yet wait for its
/// metadata (~250 ms here) while a flow's source keeps delivering.
inline constexpr std::chrono::seconds kWarmUp{2};
Result<kafka::Producer> flow_producer(const std::string& name, const std::string& bootstrap,
                                      const kafka::SecurityOptions& security,
                                      std::function<void(const kafka::DeliveryReport&)> on_delivery,
                                      const std::map<std::string, std::string>& properties = {},
                                      const std::string& warm_topic = {});

/// `options.connection_name` with a suffix, so a flow's connections can be
/// found (rabbitmqctl list_connections client_properties).
amqp::ConnectionOptions named(amqp::ConnectionOptions options, const std::string& suffix);

}  // namespace platform::internal
