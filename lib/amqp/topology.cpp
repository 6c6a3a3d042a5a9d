// SPDX-License-Identifier: Apache-2.0
#include "platform/amqp/topology.hpp"

#include <optional>

#include "amqp/codec.hpp"
#include "amqp/connection.hpp"

namespace platform::amqp {

const char* to_string(QueueType type) noexcept {
  switch (type) {
    case QueueType::kQuorum: return "quorum";
    case QueueType::kClassic: return "classic";
    case QueueType::kStream: return "stream";
  }
  return "quorum";
}

Result<FieldTable> queue_arguments(const QueueOptions& o) {
  auto bad = [&](std::string path, std::string message) {
    return invalid_argument("queue '" + o.name + "' cannot be declared as asked",
                            {Detail{"", std::move(path), std::move(message), ""}});
  };
  if (o.name.empty()) return bad("name", "empty; give the queue a name");
  if (o.type != QueueType::kClassic) {
    if (!o.durable) return bad("durable", std::string(to_string(o.type)) + " queues are always durable");
    if (o.exclusive) return bad("exclusive", std::string(to_string(o.type)) + " queues cannot be exclusive; use QueueType::kClassic");
    if (o.auto_delete) return bad("auto_delete", std::string(to_string(o.type)) + " queues cannot be auto-delete; use QueueType::kClassic");
  }
  if (o.dead_letter_at_least_once) {
    if (o.type != QueueType::kQuorum) return bad("dead_letter_at_least_once", "only quorum queues support at-least-once dead-lettering");
    if (o.overflow != "reject-publish") return bad("overflow", "at-least-once dead-lettering needs overflow \"reject-publish\"");
    if (o.dead_letter_exchange.empty()) return bad("dead_letter_exchange", "at-least-once dead-lettering needs a dead-letter exchange");
  }
  if (!o.overflow.empty() && o.overflow != "drop-head" && o.overflow != "reject-publish" &&
      o.overflow != "reject-publish-dlx") {
    return bad("overflow", "'" + o.overflow + "' is not drop-head, reject-publish or reject-publish-dlx");
  }
  if (o.max_length && *o.max_length < 0) return bad("max_length", "must not be negative");

  FieldTable args;
  args.push_back({"x-queue-type", FieldValue(std::string(to_string(o.type)))});
  if (!o.dead_letter_exchange.empty()) args.push_back({"x-dead-letter-exchange", FieldValue(o.dead_letter_exchange)});
  if (!o.dead_letter_routing_key.empty()) args.push_back({"x-dead-letter-routing-key", FieldValue(o.dead_letter_routing_key)});
  if (o.dead_letter_at_least_once) args.push_back({"x-dead-letter-strategy", FieldValue(std::string("at-least-once"))});
  if (o.max_length) args.push_back({"x-max-length", FieldValue(*o.max_length)});
  if (!o.overflow.empty()) args.push_back({"x-overflow", FieldValue(o.overflow)});
  if (o.message_ttl_ms) args.push_back({"x-message-ttl", FieldValue(*o.message_ttl_ms)});
  if (o.delivery_limit) args.push_back({"x-delivery-limit", FieldValue(*o.delivery_limit)});
  for (const FieldEntry& e : o.arguments) {
    if (find_field(args, e.name) != nullptr) {
      return bad("arguments." + e.name, "also set by a QueueOptions field; set it in one place");
    }
    args.push_back(e);
  }
  return args;
}

namespace {
constexpr amqp_channel_t kChannel = 1;
}  // namespace

struct Topology::Impl {
  ConnectionOptions options;
  std::string where;
  std::optional<internal::AmqpConnection> conn;
  internal::AmqpEncoder encoder;
  bool channel_open = false;

  // A channel error (404, 406) closes only the channel; reopen it for the
  // next call. A broken connection is reopened with the reconnect policy.
  Status ready(bool after_loss) {
    if (conn && conn->broken()) {
      conn.reset();
      channel_open = false;
    }
    if (!conn) {
      Result<internal::AmqpConnection> c = after_loss
                                               ? internal::AmqpConnection::connect_with_backoff(options, false)
                                               : internal::AmqpConnection::connect(options);
      if (!c.ok()) return c.status();
      conn.emplace(std::move(c).value());
    }
    if (!channel_open) {
      PLATFORM_RETURN_IF_ERROR(conn->open_channel(kChannel));
      channel_open = true;
    }
    return {};
  }

  // Sends one synchronous method (`send` issues it on the channel) and reads
  // its reply. Every Topology method is idempotent, so when the connection
  // turns out to be lost (a broker restart while the Topology sat idle) it
  // is reopened and the method sent once more.
  template <typename Send>
  Status call(const std::string& what, Send&& send) {
    Status s;
    for (int attempt = 0; attempt < 2; ++attempt) {
      PLATFORM_RETURN_IF_ERROR(ready(attempt > 0));
      send(conn->state());
      s = conn->check_rpc(kChannel, what);
      if (s.ok()) return s;
      channel_open = false;
      if (!conn->broken()) return s;  // the broker refused: retrying would not help
    }
    return s;
  }
};

Topology::Topology(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;
Topology::~Topology() = default;

Result<Topology> Topology::open(ConnectionOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->where = describe(options);
  impl->options = std::move(options);
  PLATFORM_RETURN_IF_ERROR(impl->ready(false));
  return Topology(std::move(impl));
}

Status Topology::declare_exchange(const ExchangeOptions& o) {
  if (o.name.empty()) return invalid_argument("ExchangeOptions.name is empty; the default exchange cannot be declared");
  Impl& d = *impl_;
  return d.call("exchange.declare of '" + o.name + "' (type " + o.type + ")", [&](amqp_connection_state_t c) {
    amqp_exchange_declare(c, kChannel, internal::as_bytes(o.name), internal::as_bytes(o.type), 0,
                          o.durable ? 1 : 0, o.auto_delete ? 1 : 0, o.internal ? 1 : 0,
                          d.encoder.encode(o.arguments));
  });
}

Result<QueueInfo> Topology::declare_queue(const QueueOptions& o) {
  Result<FieldTable> args = queue_arguments(o);
  if (!args.ok()) return args.status();
  Impl& d = *impl_;
  amqp_queue_declare_ok_t* ok = nullptr;
  PLATFORM_RETURN_IF_ERROR(d.call("queue.declare of '" + o.name + "' (" + to_string(o.type) + ")",
                                  [&](amqp_connection_state_t c) {
                                    ok = amqp_queue_declare(c, kChannel, internal::as_bytes(o.name), 0,
                                                            o.durable ? 1 : 0, o.exclusive ? 1 : 0,
                                                            o.auto_delete ? 1 : 0, d.encoder.encode(*args));
                                  }));
  return QueueInfo{internal::to_string(ok->queue), ok->message_count, ok->consumer_count};
}

Result<QueueInfo> Topology::inspect_queue(std::string_view queue) {
  Impl& d = *impl_;
  amqp_queue_declare_ok_t* ok = nullptr;
  PLATFORM_RETURN_IF_ERROR(d.call("inspecting queue '" + std::string(queue) + "'", [&](amqp_connection_state_t c) {
    ok = amqp_queue_declare(c, kChannel, internal::as_bytes(queue), 1, 0, 0, 0, amqp_empty_table);
  }));
  return QueueInfo{internal::to_string(ok->queue), ok->message_count, ok->consumer_count};
}

Status Topology::bind_queue(std::string_view queue, std::string_view exchange,
                            std::string_view routing_key, const FieldTable& arguments) {
  Impl& d = *impl_;
  return d.call("queue.bind of '" + std::string(queue) + "' to exchange '" + std::string(exchange) +
                    "' with routing key '" + std::string(routing_key) + "'",
                [&](amqp_connection_state_t c) {
                  amqp_queue_bind(c, kChannel, internal::as_bytes(queue), internal::as_bytes(exchange),
                                  internal::as_bytes(routing_key), d.encoder.encode(arguments));
                });
}

Status Topology::unbind_queue(std::string_view queue, std::string_view exchange,
                              std::string_view routing_key, const FieldTable& arguments) {
  Impl& d = *impl_;
  return d.call("queue.unbind of '" + std::string(queue) + "' from exchange '" + std::string(exchange) + "'",
                [&](amqp_connection_state_t c) {
                  amqp_queue_unbind(c, kChannel, internal::as_bytes(queue), internal::as_bytes(exchange),
                                    internal::as_bytes(routing_key), d.encoder.encode(arguments));
                });
}

Result<std::uint32_t> Topology::purge_queue(std::string_view queue) {
  Impl& d = *impl_;
  amqp_queue_purge_ok_t* ok = nullptr;
  PLATFORM_RETURN_IF_ERROR(d.call("queue.purge of '" + std::string(queue) + "'", [&](amqp_connection_state_t c) {
    ok = amqp_queue_purge(c, kChannel, internal::as_bytes(queue));
  }));
  return ok->message_count;
}

Result<std::uint32_t> Topology::delete_queue(std::string_view queue, bool if_unused, bool if_empty) {
  Impl& d = *impl_;
  amqp_queue_delete_ok_t* ok = nullptr;
  PLATFORM_RETURN_IF_ERROR(d.call("queue.delete of '" + std::string(queue) + "'", [&](amqp_connection_state_t c) {
    ok = amqp_queue_delete(c, kChannel, internal::as_bytes(queue), if_unused ? 1 : 0, if_empty ? 1 : 0);
  }));
  return ok->message_count;
}

Status Topology::delete_exchange(std::string_view exchange, bool if_unused) {
  Impl& d = *impl_;
  return d.call("exchange.delete of '" + std::string(exchange) + "'", [&](amqp_connection_state_t c) {
    amqp_exchange_delete(c, kChannel, internal::as_bytes(exchange), if_unused ? 1 : 0);
  });
}

std::string Topology::address() const { return impl_->where; }

}  // namespace platform::amqp
