// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Bridges between Kafka and RabbitMQ, at-least-once both ways, with the
/// loss-free header mapping of header_mapping.hpp.
///
/// ```cpp
/// auto k2r = flow::KafkaToRabbitBridge::create({.group_id = "to-rabbit", .topics = {"events"},
///                                               .queue = "events"}).value();
/// k2r.run({.duration = std::chrono::minutes(5)});
///
/// auto r2k = flow::RabbitToKafkaBridge::create({.queue = "orders", .topic = "events"}).value();
/// r2k.run();
/// ```
///
/// Kafka -> RabbitMQ: each record is published persistent and mandatory on a
/// confirm channel (sliding window); its offset is marked processed only when
/// RabbitMQ confirmed it, and the committed offset of a partition is the
/// contiguous watermark of confirmed records + 1, so a Kafka offset is
/// committed only when every message below it is confirmed. Returned
/// (unroutable) and nacked messages are retried per ErrorPolicy, then
/// dead-lettered. The bridge publishes on `connections` connections (two by
/// default), a Kafka partition always on the same one. On a lost connection
/// its publisher republishes its unconfirmed window in order (duplicates <=
/// confirm_window per connection per outage).
///
/// RabbitMQ -> Kafka: each delivery is produced with acks=all and idempotence;
/// it is acked (basic.ack, `multiple` up to the contiguous watermark, always
/// from the consumer's thread) only after its delivery report. On a lost
/// connection the broker requeues the unacked deliveries and they come again
/// (duplicates <= prefetch per outage). A failed delivery is retried per
/// ErrorPolicy, then dead-lettered, then acked.
///
/// Per-key order: records of one Kafka partition are published in offset
/// order; deliveries of one queue are produced in delivery order with the
/// idempotent producer (same key, same partition). Order holds for first
/// deliveries; a retried or dead-lettered message may land after later ones.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/amqp/connection_options.hpp"
#include "platform/export.hpp"
#include "platform/flow/common.hpp"
#include "platform/flow/header_mapping.hpp"
#include "platform/kafka/common.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// How to create a KafkaToRabbitBridge.
struct KafkaToRabbitOptions {
  std::string name = "kafka-to-rabbitmq";  ///< metrics label; suffix of the AMQP connection name
  std::string bootstrap_servers;           ///< "" = the embedded cluster
  kafka::SecurityOptions security;
  std::string group_id;             ///< required
  std::vector<std::string> topics;  ///< required
  /// Raw librdkafka properties for the flow's Kafka consumer (flow file:
  /// spec.kafka.consumer), e.g. {"fetch.wait.max.ms", "50"}. Keys the flow
  /// manages (group.id, enable.auto.commit, enable.auto.offset.store) are refused.
  std::map<std::string, std::string> consumer_properties;
  amqp::ConnectionOptions rabbitmq;
  std::string exchange;     ///< "" = the default exchange
  /// Fixed routing key; "" = per message: the `amqp.routing-key` header, else
  /// the Kafka key (with the default exchange and a queue: the queue name).
  std::string routing_key;
  /// A queue to declare (quorum, durable) and, for a named exchange, bind
  /// with `routing_key` (or "#"); "" = none.
  std::string queue;
  bool declare = true;
  /// Unconfirmed messages at most per connection (connections x
  /// confirm_window in all); also bounds the duplicates after an outage.
  std::uint32_t confirm_window = 1000;
  /// RabbitMQ connections (1-16) the bridge publishes on, each with its own
  /// confirm channel, all from run()'s thread. A Kafka partition always goes
  /// to the same connection (partition % connections), so per-key order holds.
  /// The broker handles each connection's publishes in processes of its own:
  /// with 2 the bridge moved ~6-10 % more messages per second to a quorum
  /// queue here than with 1 (docs/flows.md, Performance); 4 gave no more.
  /// All of them carry the connection name `<rabbitmq.connection_name>/<name>`.
  std::uint32_t connections = 2;
  /// Carry the record's metadata as AMQP headers: `kafka.key` (when the
  /// routing key is not the Kafka key) and `kafka.timestamp`, so that
  /// amqp_to_kafka() gives the same record back (a K->R->K round trip keeps
  /// key and timestamp). false (flow file: `kafkaMetadata=false` on the
  /// rabbitmq: endpoint) leaves them out: the record's own headers still
  /// cross, and the way back takes the key from the routing key (or message
  /// id) and gets a new timestamp. RabbitMQ 3.10 spends more per message on a
  /// header table: without them the bridge moved ~5-15 % more messages per
  /// second to a quorum queue here (docs/flows.md, Performance).
  bool kafka_metadata = true;
  ErrorPolicy errors;
};

/// Kafka -> RabbitMQ. Move-only. run() on one thread; stop()/metrics() from any.
class PLATFORM_EXPORT KafkaToRabbitBridge {
 public:
  /// Checks the options, connects both sides, declares the queue.
  static Result<KafkaToRabbitBridge> create(KafkaToRabbitOptions options);
  KafkaToRabbitBridge(KafkaToRabbitBridge&&) noexcept;
  KafkaToRabbitBridge& operator=(KafkaToRabbitBridge&&) noexcept;
  ~KafkaToRabbitBridge();
  /// Runs until stop()/duration/max/error; then waits for the outstanding
  /// confirms, commits and leaves the group.
  Status run(const RunOptions& options = {});
  void stop();
  [[nodiscard]] MetricsSnapshot metrics() const;

  struct Impl;

 private:
  explicit KafkaToRabbitBridge(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// How to create a RabbitToKafkaBridge.
struct RabbitToKafkaOptions {
  std::string name = "rabbitmq-to-kafka";
  amqp::ConnectionOptions rabbitmq;
  std::string queue;             ///< required
  bool declare = true;           ///< declare the queue (quorum) if missing
  /// Unacked deliveries in flight. It must cover the time from delivery to
  /// the Kafka acknowledgement (~10-20 ms): the bridge moves at most about
  /// prefetch / that latency messages per second (1000 would cap it near
  /// 50k msgs/s). Also bounds the duplicates after a lost connection.
  std::uint16_t prefetch = 5000;
  std::string bootstrap_servers;  ///< "" = the embedded cluster
  kafka::SecurityOptions security;
  std::string topic;              ///< required
  /// Raw librdkafka properties for the bridge's Kafka producer (flow file:
  /// spec.kafka.producer), e.g. {"compression.type", "lz4"}.
  std::map<std::string, std::string> producer_properties;
  KeySource key_source = KeySource::kRoutingKey;
  ErrorPolicy errors;
};

/// RabbitMQ -> Kafka. Move-only. run() on one thread; stop()/metrics() from any.
class PLATFORM_EXPORT RabbitToKafkaBridge {
 public:
  static Result<RabbitToKafkaBridge> create(RabbitToKafkaOptions options);
  RabbitToKafkaBridge(RabbitToKafkaBridge&&) noexcept;
  RabbitToKafkaBridge& operator=(RabbitToKafkaBridge&&) noexcept;
  ~RabbitToKafkaBridge();
  /// Runs until stop()/duration/max/error; then waits for the outstanding
  /// delivery reports and acks what was delivered.
  Status run(const RunOptions& options = {});
  void stop();
  [[nodiscard]] MetricsSnapshot metrics() const;

  struct Impl;

 private:
  explicit RabbitToKafkaBridge(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::flow
