// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// A RabbitMQ publisher with publisher confirms over a sliding window,
/// mandatory publishing and reconnection that loses nothing unconfirmed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "platform/amqp/connection_options.hpp"
#include "platform/amqp/properties.hpp"
#include "platform/export.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::amqp {

/// How the broker settled one published message.
enum class PublishOutcome : std::uint8_t {
  /// basic.ack: the broker took responsibility. For a persistent message on a
  /// durable (quorum) queue this means written to a majority of replicas.
  kConfirmed,
  /// basic.return (mandatory): no queue was bound for it; the broker dropped
  /// it. Not confirmed, even though an ack follows the return on the wire.
  kReturned,
  /// basic.nack: the broker refused it (e.g. queue full with
  /// x-overflow=reject-publish, or an internal error). Not stored.
  kNacked,
  /// The broker closed the channel while the message was unconfirmed (e.g.
  /// an exchange does not exist): it may or may not be stored. The status
  /// carries the broker's reason. Republishing it is up to the caller.
  kFailed,
};

/// The lower-case name: "confirmed", "returned", "nacked", "failed".
PLATFORM_EXPORT const char* to_string(PublishOutcome outcome) noexcept;

/// One settled message, handed to the confirm callback.
struct Confirmation {
  /// The ticket publish() returned: unique for the publisher's life, stable
  /// across reconnections (unlike AMQP delivery tags).
  std::uint64_t ticket = 0;
  PublishOutcome outcome = PublishOutcome::kConfirmed;
  /// Ok for kConfirmed; otherwise why, with the broker's reply code and text
  /// and the exchange / routing key.
  Status status;
};

/// Called once per published message, on the thread that calls into the
/// Publisher (inside publish(), poll(), wait_for_confirms()), in the order the
/// broker settles them. Must not call back into the same Publisher.
using ConfirmCallback = std::function<void(const Confirmation&)>;

/// Publisher settings.
struct PublisherOptions {
  ConnectionOptions connection;
  /// Unconfirmed messages allowed in flight; when it is full, publish()
  /// blocks reading confirms until half of it is confirmed (the next messages
  /// then reach the broker together, which a quorum queue commits in larger
  /// batches). Also bounds duplicates after a reconnection.
  std::uint32_t confirm_window = 1000;
  /// Default for publish(): the broker returns messages no queue takes.
  bool mandatory = true;
  /// Called for every message that has no callback of its own.
  ConfirmCallback on_confirm;
  /// How long publish() may block waiting for room in the window.
  std::chrono::milliseconds publish_timeout{30000};
};

/// Counters since open(). Plain values.
struct PublisherStats {
  std::uint64_t published = 0;    ///< publish() calls accepted
  std::uint64_t confirmed = 0;
  std::uint64_t returned = 0;
  std::uint64_t nacked = 0;
  std::uint64_t failed = 0;
  std::uint64_t republished = 0;  ///< sent again after a reconnection
  /// basic.ack / basic.nack frames read; fewer than the messages they
  /// settled when the broker used the `multiple` flag.
  std::uint64_t confirm_frames = 0;
  std::uint64_t reconnections = 0;
};

/// Publishes to one RabbitMQ broker over one confirm-mode channel.
///
/// Guarantees: every publish() that returns a ticket is settled exactly once
/// through the callback (confirmed, returned, nacked or failed) unless the
/// Publisher is destroyed first; a message is never reported confirmed unless
/// the broker acked it and did not return it. On connection loss the
/// unconfirmed messages are republished in order on the new connection
/// (at-least-once: the broker may hold duplicates, at most the window).
///
/// Thread-safety: none. A Publisher (its rabbitmq-c connection) belongs to one
/// thread at a time; move it to hand it over. Callbacks run on that thread.
class PLATFORM_EXPORT Publisher {
 public:
  /// Connects, logs in and puts a channel in confirm mode. kUnavailable when
  /// the broker cannot be reached, kUnauthenticated for refused credentials,
  /// kInvalidArgument for bad options; each message names host:port and vhost.
  static Result<Publisher> open(PublisherOptions options);

  Publisher(Publisher&&) noexcept;
  Publisher& operator=(Publisher&&) noexcept;
  /// Closes the connection. Messages still unconfirmed are dropped without
  /// callbacks: call wait_for_confirms() first (they were never confirmed, so
  /// an at-least-once caller has not acted on them).
  ~Publisher();

  /// Sends `message.payload` as the body with `properties`; `message.headers`
  /// are added to the AMQP headers as byte arrays ('x') unless a header of the
  /// same name is in `properties.headers`; `message.timestamp_ms` fills an
  /// unset `properties.timestamp`. Returns the ticket the confirmation will
  /// carry; `callback` (or PublisherOptions::on_confirm) receives it.
  /// Blocks while the window is full (until half of it is confirmed; with
  /// room left after publish_timeout it goes on). Errors: kUnavailable (connection lost
  /// and not regained; the message is kept and sent on a later call),
  /// kDeadlineExceeded (no room in the window within publish_timeout; the
  /// message was not taken).
  Result<std::uint64_t> publish(std::string_view exchange, std::string_view routing_key,
                                const Message& message, const Properties& properties = {},
                                ConfirmCallback callback = {});

  /// Like publish() with an explicit mandatory flag.
  Result<std::uint64_t> publish(std::string_view exchange, std::string_view routing_key,
                                const Message& message, const Properties& properties,
                                bool mandatory, ConfirmCallback callback);

  /// Starts a batch: the messages published until the batch ends leave the
  /// socket together, in full TCP segments, instead of one packet each
  /// (TCP_CORK). Costs no latency to a batch that is ended right after its
  /// last publish(); saves the kernel and the broker work per message when
  /// many are published in a row (the Kafka -> RabbitMQ bridge publishes each
  /// polled batch this way). The batch ends at end_batch(), poll() or
  /// wait_for_confirms(); while publish() waits for room in the window what
  /// was held is sent (the batch goes on). Unended, the kernel sends held
  /// data after 200 ms at the latest.
  void begin_batch() noexcept;
  /// Ends the batch and sends what it held now. No-op without a batch.
  void end_batch() noexcept;

  /// Ends a batch (begin_batch()), reads whatever confirms have arrived,
  /// without blocking, and runs their callbacks. Reconnects if the connection
  /// was lost.
  Status poll();

  /// Blocks until every message published so far is settled or `timeout`
  /// passes. Ok when all of them (since the previous call) were confirmed;
  /// otherwise the status of the first message that was not: kNotFound
  /// (returned, unroutable), kResourceExhausted (nacked), the broker's reason
  /// for kFailed (e.g. kNotFound for a missing exchange); or
  /// kDeadlineExceeded / kUnavailable when messages are still unsettled.
  Status wait_for_confirms(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Same as wait_for_confirms().
  Status flush(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return wait_for_confirms(timeout);
  }

  /// Messages published and not yet settled.
  [[nodiscard]] std::size_t unconfirmed() const noexcept;
  /// Counters since open().
  [[nodiscard]] PublisherStats stats() const noexcept;
  /// "amqp://user@host:port/vhost".
  [[nodiscard]] std::string address() const;

  /// Implementation detail (the rabbitmq-c connection); public only so the
  /// library's private code can name it.
  struct Impl;

 private:
  explicit Publisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::amqp
