// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where accepted webhook requests go: a Kafka producer (acks=all, delivery
// report per message) and a RabbitMQ publisher on its own thread (confirms).
// Each send ends in exactly one Outcome, delivered on the sink's thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/amqp/connection_options.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::flow::internal_webhook {

/// What happened to one message.
struct Outcome {
  /// Ok when the broker acknowledged it. kUnavailable / kDeadlineExceeded /
  /// kResourceExhausted / kCancelled: the broker is (temporarily) not taking
  /// messages, nothing acknowledged (503). Anything else: the message cannot
  /// be taken as sent (502), e.g. unroutable.
  Status status;
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string exchange;
  std::string routing_key;
};

/// Called exactly once per send. Must be cheap and must not block: it runs
/// on the producer's delivery thread or the publisher thread.
using OutcomeCallback = std::function<void(Outcome&&)>;

/// True for outcomes after which the sender should retry later (503).
bool transient(const Status& s);

/// Sends to Kafka. Thread-safe.
class KafkaSink {
 public:
  struct Options {
    std::string bootstrap_servers;  // empty = embedded cluster
    std::chrono::milliseconds ack_timeout{10000};
    /// While no acknowledgement arrived for this long, a metadata request
    /// checks the cluster (so readiness follows an idle broker too).
    std::chrono::milliseconds probe_interval{2000};
    std::map<std::string, std::string> extra;
    std::function<void(std::string_view)> log;
    /// The routes' topics: create() asks for their metadata (kWarmUp
    /// each, not an error), so the first requests do not wait for it.
    std::vector<std::string> topics;
    /// Where the outcome callbacks run (kafka::ProducerOptions::
    /// delivery_executor); empty = the producer's delivery thread.
    std::function<void(std::function<void()>)> executor;
  };
  static Result<std::unique_ptr<KafkaSink>> create(Options options);
  ~KafkaSink();

  /// Queues `message`; `done` runs once with the outcome (possibly inline
  /// when the producer refuses it at once).
  void send(const std::string& topic, const Message& message, OutcomeCallback done);
  /// Whether the latest report, or the latest probe while idle, succeeded
  /// (nothing yet: true).
  [[nodiscard]] bool ready() const;
  [[nodiscard]] const std::string& bootstrap_servers() const;
  /// Waits for all outstanding reports.
  Status flush(std::chrono::milliseconds timeout);

  struct Impl;

 private:
  explicit KafkaSink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Publishes to RabbitMQ from its own thread (a rabbitmq-c connection belongs
/// to one thread): send() only queues. Thread-safe.
class RabbitSink {
 public:
  struct Options {
    amqp::ConnectionOptions connection;
    std::chrono::milliseconds ack_timeout{10000};
    std::function<void(std::string_view)> log;
  };
  explicit RabbitSink(Options options);
  ~RabbitSink();

  /// Queues a publish; `done` runs once on the publisher thread.
  /// `message_id` (may be empty) becomes the AMQP message-id property.
  void send(const std::string& exchange, const std::string& routing_key, Message message,
            std::string content_type, std::string message_id, OutcomeCallback done);
  /// False after a failed connection or publish, until the next success.
  [[nodiscard]] bool ready() const;
  /// Waits until every queued message is settled, then stops the thread.
  void close(std::chrono::milliseconds timeout);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::flow::internal_webhook
