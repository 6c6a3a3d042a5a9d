// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Declaring and inspecting RabbitMQ exchanges, queues and bindings.
/// Queues are quorum queues (durable, replicated) unless asked otherwise.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/amqp/connection_options.hpp"
#include "platform/amqp/properties.hpp"
#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::amqp {

/// x-queue-type. Quorum is the default: the platform wants every queue
/// replicated. Classic only on explicit request.
enum class QueueType : std::uint8_t { kQuorum, kClassic, kStream };

/// "quorum", "classic", "stream".
PLATFORM_EXPORT const char* to_string(QueueType type) noexcept;

/// queue.declare settings.
struct QueueOptions {
  std::string name;  ///< required (server-named queues are not supported)
  QueueType type = QueueType::kQuorum;
  bool durable = true;       ///< quorum and stream queues must be durable
  bool exclusive = false;    ///< classic only
  bool auto_delete = false;  ///< classic only
  std::string dead_letter_exchange;     ///< x-dead-letter-exchange; empty = none
  std::string dead_letter_routing_key;  ///< x-dead-letter-routing-key
  /// Quorum only: x-dead-letter-strategy=at-least-once (needs
  /// overflow = "reject-publish"); default at-most-once.
  bool dead_letter_at_least_once = false;
  std::optional<std::int64_t> max_length;  ///< x-max-length (messages)
  std::string overflow;                    ///< x-overflow: drop-head | reject-publish
  std::optional<std::int64_t> message_ttl_ms;  ///< x-message-ttl
  std::optional<std::int64_t> delivery_limit;  ///< x-delivery-limit (quorum)
  FieldTable arguments;  ///< any further x-arguments, sent as given
};

/// exchange.declare settings.
struct ExchangeOptions {
  std::string name;             ///< required
  std::string type = "direct";  ///< direct | fanout | topic | headers | ...
  bool durable = true;
  bool auto_delete = false;
  bool internal = false;
  FieldTable arguments;  ///< e.g. alternate-exchange
};

/// What queue.declare reports.
struct QueueInfo {
  std::string name;
  std::uint32_t message_count = 0;  ///< ready messages (not the unacked ones)
  std::uint32_t consumer_count = 0;
};

/// The queue.declare arguments `options` produce (x-queue-type and the rest);
/// kInvalidArgument for combinations the broker would refuse (an exclusive
/// quorum queue, ...). Exposed so callers can check before connecting.
PLATFORM_EXPORT Result<FieldTable> queue_arguments(const QueueOptions& options);

/// Declares and inspects topology over its own connection and channel.
/// After a broker error on one call (e.g. 404 on a passive declare, 406 on a
/// mismatched re-declare) the channel is reopened, so later calls work.
///
/// Thread-safety: none; one thread at a time.
class PLATFORM_EXPORT Topology {
 public:
  /// Connects and opens a channel. Errors as Publisher::open().
  static Result<Topology> open(ConnectionOptions options);

  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;
  ~Topology();

  /// exchange.declare. kFailedPrecondition when it exists with other settings.
  Status declare_exchange(const ExchangeOptions& options);
  /// queue.declare. kFailedPrecondition when it exists with other settings
  /// (a queue's type cannot change).
  Result<QueueInfo> declare_queue(const QueueOptions& options);
  /// Passive queue.declare: depth and consumers; kNotFound if it does not exist.
  Result<QueueInfo> inspect_queue(std::string_view queue);
  /// queue.bind.
  Status bind_queue(std::string_view queue, std::string_view exchange,
                    std::string_view routing_key, const FieldTable& arguments = {});
  /// queue.unbind.
  Status unbind_queue(std::string_view queue, std::string_view exchange,
                      std::string_view routing_key, const FieldTable& arguments = {});
  /// queue.purge: removes ready messages; returns how many.
  Result<std::uint32_t> purge_queue(std::string_view queue);
  /// queue.delete; returns the number of messages deleted with it. Deleting a
  /// queue that does not exist is ok.
  Result<std::uint32_t> delete_queue(std::string_view queue, bool if_unused = false,
                                     bool if_empty = false);
  /// exchange.delete. Deleting an exchange that does not exist is ok.
  Status delete_exchange(std::string_view exchange, bool if_unused = false);

  /// "amqp://user@host:port/vhost".
  [[nodiscard]] std::string address() const;

  /// Implementation detail; public only so private code can name it.
  struct Impl;

 private:
  explicit Topology(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::amqp
