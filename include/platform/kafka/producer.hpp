// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::kafka::Producer: asynchronous sends with one delivery report per
/// message, idempotent and acks=all by default.
///
/// ```cpp
/// auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
/// producer.send("events", {.key = "k1", .payload = R"({"type":"order.created"})"},
///               [](const kafka::DeliveryReport& r) { if (!r.status.ok()) ...; });
/// producer.flush(std::chrono::seconds(10));
/// ```

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "platform/export.hpp"
#include "platform/kafka/common.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::kafka {

/// The outcome of one send, reported exactly once per accepted message.
struct DeliveryReport {
  std::string topic;
  std::int32_t partition = -1;  ///< -1 when the message never reached a partition
  std::int64_t offset = -1;     ///< the message's offset; -1 on failure
  /// Ok when the broker acknowledged the message (acks=all by default).
  /// Otherwise why not: kDeadlineExceeded (message.timeout.ms passed),
  /// kCancelled (purged at close), kNotFound (unknown topic), kResourceExhausted
  /// (message too large), kPermissionDenied / kUnauthenticated, kUnavailable...
  Status status;
  /// The tag given to send_tagged(); 0 for other sends.
  std::uint64_t tag = 0;
};

/// Called with the delivery report of one message. Runs on the producer's
/// delivery thread (never inside send()); reports for one partition arrive in
/// offset order. It must not block for long (it delays every other report)
/// and may call send() (which then never blocks, see send()).
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

/// How to create a Producer. Checked once, at create().
struct ProducerOptions {
  /// "host:port[,host:port...]". Empty = the process-wide embedded cluster
  /// (EmbeddedCluster::shared()), started on first use; a log line says so.
  std::string bootstrap_servers;
  std::string client_id = "platform-producer";
  /// enable.idempotence: no duplicates or reordering from internal retries.
  bool idempotence = true;
  /// "all" (-1), "1" or "0". Idempotence requires "all".
  std::string acks = "all";
  /// linger.ms: how long to wait to fill a batch. Fractions are allowed
  /// (0.5 = 500 us): under load a sub-millisecond linger batches many
  /// messages per request at almost no added latency.
  double linger_ms = 5;
  /// message.timeout.ms: a message not acknowledged within this time is
  /// reported failed with kDeadlineExceeded. Retries happen within it.
  std::chrono::milliseconds delivery_timeout{std::chrono::minutes(5)};
  /// When librdkafka's local queue (queue.buffering.max.messages) is full:
  /// true = send() waits for room (but never on the delivery thread);
  /// false = send() returns kResourceExhausted at once.
  bool block_when_full = true;
  /// How long the destructor waits for outstanding messages before purging
  /// them (their reports then carry kCancelled).
  std::chrono::milliseconds close_timeout{std::chrono::seconds(30)};
  SecurityOptions security;
  /// Called with every report whose send() had no callback of its own.
  DeliveryCallback on_delivery;
  /// Where delivery callbacks run. Empty (the default): on the producer's
  /// own delivery thread. Set: the producer has no delivery thread; when
  /// reports are waiting it calls `delivery_executor(task)` from one of
  /// librdkafka's threads (once, until that task has started), and running
  /// `task` runs the waiting callbacks. Give it something that queues the
  /// task on an event loop and returns at once, e.g.
  /// `[&io](std::function<void()> t) { asio::post(io, std::move(t)); }`:
  /// the callbacks then run on the loop's thread, with no hop through
  /// another thread (the webhook's I/O thread answers from them directly).
  /// A task that runs after the producer is gone does nothing. flush() and
  /// the destructor run waiting callbacks themselves, on their own thread,
  /// so they also finish when the loop has stopped. If the executor throws,
  /// that is logged and the waiting reports are delivered by the next flush()
  /// or the destructor. Requires
  /// block_when_full = false: a send() on the loop's thread could otherwise
  /// wait for reports that only that thread can deliver.
  std::function<void(std::function<void()>)> delivery_executor;
  /// Log sink; default: default_log.
  LogCallback log;
  /// Raw librdkafka properties, applied last (they win over the fields
  /// above). Defaults set here: socket.nagle.disable=true.
  std::map<std::string, std::string> extra;
};

/// One line describing the options, secrets shown as "[redacted]".
PLATFORM_EXPORT std::string describe(const ProducerOptions& options);

/// A Kafka producer. Move-only.
///
/// Thread-safety: send(), flush() and outstanding() may be called from any
/// number of threads at once. Delivery callbacks run on one thread owned by
/// the producer ("the delivery thread"), or where delivery_executor puts
/// them, one at a time, holding no lock that send() takes. Destroying the
/// producer waits up to close_timeout for outstanding reports, then purges;
/// every callback has run when the destructor returns. Do not destroy it
/// from one of its own callbacks (its delivery thread, or a task its
/// delivery_executor runs).
class PLATFORM_EXPORT Producer {
 public:
  /// Creates a producer and its delivery thread. Errors: kInvalidArgument for
  /// a bad option (which one, and what is allowed), kFailedPrecondition for
  /// TLS/SASL options against the embedded cluster (it speaks plaintext
  /// only), kUnavailable when the embedded cluster cannot start.
  static Result<Producer> create(ProducerOptions options);

  Producer(Producer&&) noexcept;
  Producer& operator=(Producer&&) noexcept;
  ~Producer();

  /// Queues `message` for `topic` (partition chosen by hashing the key, like
  /// the Java client; a random sticky partition when the key is empty).
  /// The key, payload and headers are copied. On ok, `callback` (or
  /// options.on_delivery) gets exactly one DeliveryReport later. On error
  /// nothing was queued and no callback runs: kResourceExhausted (queue full
  /// and not blocking), kInvalidArgument (message larger than
  /// message.max.bytes), kFailedPrecondition (fatal producer error, e.g. the
  /// idempotent producer lost its sequence: create a new producer).
  Status send(std::string_view topic, const Message& message, DeliveryCallback callback = {});

  /// The same, to a fixed partition.
  Status send(std::string_view topic, std::int32_t partition, const Message& message,
              DeliveryCallback callback = {});

  /// The fast path for many in-flight messages: like send(), but the report
  /// goes to options.on_delivery carrying `tag` (e.g. an index into the
  /// caller's table of pending inputs) instead of a per-message callback,
  /// which costs an allocation-sized std::function per message. `tag` must
  /// be below 2^63. Errors: kFailedPrecondition when options.on_delivery is
  /// empty, else as send().
  Status send_tagged(std::string_view topic, const Message& message, std::uint64_t tag);

  /// Waits until every message sent before the call has its report delivered
  /// (callbacks have returned), or `timeout` passes. Errors: kDeadlineExceeded
  /// with the number still outstanding. Must not be called from a callback.
  Status flush(std::chrono::milliseconds timeout);

  /// Asks the cluster for its broker list (a metadata request, no topics):
  /// ok when a broker answered within `timeout`, kUnavailable otherwise.
  /// With a `topic`, asks for that topic too and is ok only when it exists
  /// and every partition has a leader (kNotFound / kUnavailable otherwise;
  /// a cluster that creates topics on demand, like the embedded one, creates
  /// it); the producer then knows where to send it. For readiness probes and to
  /// warm a producer up before messages come; blocks up to `timeout`.
  Status ping(std::chrono::milliseconds timeout, std::string_view topic = {}) const;

  /// Messages sent whose report has not been delivered yet.
  [[nodiscard]] std::int64_t outstanding() const;

  /// The bootstrap servers actually used (the embedded cluster's when the
  /// options had none).
  [[nodiscard]] const std::string& bootstrap_servers() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::kafka
