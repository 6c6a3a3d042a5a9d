// SPDX-License-Identifier: Apache-2.0
#include "platform/amqp/consumer.hpp"

#include <optional>

#include "amqp/codec.hpp"
#include "amqp/connection.hpp"

namespace platform::amqp {
namespace {

using internal::AmqpConnection;
constexpr amqp_channel_t kChannel = 1;
// Public delivery tags carry the connection generation in the top bits so a
// tag from a previous connection is recognised instead of acking an
// unrelated delivery that happens to have the same broker tag.
constexpr int kTagBits = 44;
constexpr std::uint64_t kTagMask = (std::uint64_t{1} << kTagBits) - 1;

}  // namespace

struct Consumer::Impl : internal::ConnectionSlot {
  ConsumerOptions options;
  std::string where;
  internal::AmqpEncoder encoder;
  std::uint64_t generation = 1;
  bool cancelled = false;
  std::string consumer_tag;  // the broker's, from basic.consume-ok
  ConsumerStats stats;

  Status subscribe() {
    PLATFORM_RETURN_IF_ERROR(conn->open_channel(kChannel));
    amqp_basic_qos(conn->state(), kChannel, 0, options.prefetch, 0);
    PLATFORM_RETURN_IF_ERROR(
        conn->check_rpc(kChannel, "basic.qos prefetch " + std::to_string(options.prefetch)));
    amqp_basic_consume_ok_t* ok = amqp_basic_consume(
        conn->state(), kChannel, internal::as_bytes(options.queue),
        internal::as_bytes(options.consumer_tag), 0, 0, options.exclusive ? 1 : 0,
        encoder.encode(options.arguments));
    PLATFORM_RETURN_IF_ERROR(
        conn->check_rpc(kChannel, "basic.consume from queue '" + options.queue + "'"));
    if (ok != nullptr) consumer_tag = internal::to_string(ok->consumer_tag);
    return {};
  }

  Status recover() {
    PLATFORM_RETURN_IF_ERROR(reconnect(options.connection));
    Status s = subscribe();
    if (!s.ok()) return lost(s);
    ++generation;
    ++stats.reconnections;
    return {};
  }

  // Frames other than deliveries that arrive while consuming.
  Status handle_other_frame() {
    amqp_frame_t frame;
    int rc = amqp_simple_wait_frame(conn->state(), &frame);
    if (rc != AMQP_STATUS_OK) return lost(internal::library_status(rc, "consuming", where));
    if (frame.frame_type != AMQP_FRAME_METHOD) return {};
    const amqp_method_t& m = frame.payload.method;
    switch (m.id) {
      case AMQP_CHANNEL_CLOSE_METHOD: {
        Status why = conn->on_channel_close(
            kChannel, *static_cast<const amqp_channel_close_t*>(m.decoded),
            "consuming from queue '" + options.queue + "'");
        // Unacked deliveries of the closed channel are requeued by the
        // broker; their tags are void like after a reconnection.
        return lost(why);
      }
      case AMQP_CONNECTION_CLOSE_METHOD:
        return lost(conn->on_connection_close(
            *static_cast<const amqp_connection_close_t*>(m.decoded),
            "consuming from queue '" + options.queue + "'"));
      case AMQP_BASIC_CANCEL_METHOD:
        cancelled = true;
        return Status(StatusCode::kCancelled,
                      "the broker cancelled the subscription to queue '" + options.queue +
                          "' at " + where + " (the queue was deleted or its leader moved). "
                          "Open a new Consumer once the queue exists.");
      default:
        return {};
    }
  }

  Status settle_check(std::uint64_t public_tag, std::string_view verb) {
    if ((public_tag >> kTagBits) != (generation & ((std::uint64_t{1} << (64 - kTagBits)) - 1))) {
      return Status(StatusCode::kFailedPrecondition,
                    std::string(verb) + " of delivery tag " + std::to_string(public_tag & kTagMask) +
                        " on queue '" + options.queue + "' at " + where +
                        ": the delivery came on an earlier connection; the broker has requeued it "
                        "and will deliver it again (redelivered = true).");
    }
    if (!conn) {
      return unavailable(std::string(verb) + " on queue '" + options.queue + "' at " + where +
                         ": not connected (" + last_loss.message() +
                         "); the broker will redeliver the message.");
    }
    return {};
  }

  Status settled(int rc, std::string_view verb) {
    if (rc != AMQP_STATUS_OK) return lost(internal::library_status(rc, verb, where));
    return {};
  }
};

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&&) noexcept = default;
Consumer::~Consumer() = default;

Result<Consumer> Consumer::open(ConsumerOptions options) {
  if (options.queue.empty()) {
    return invalid_argument("ConsumerOptions.queue is empty; name the queue to consume from (at " +
                            describe(options.connection) + ")");
  }
  if (options.prefetch == 0) {
    return invalid_argument("ConsumerOptions.prefetch 0 means unlimited in AMQP and can exhaust "
                            "memory; give a bound such as 1000");
  }
  auto impl = std::make_unique<Impl>();
  impl->where = describe(options.connection);
  impl->options = std::move(options);
  Result<AmqpConnection> c = AmqpConnection::connect(impl->options.connection);
  if (!c.ok()) return c.status();
  impl->conn.emplace(std::move(c).value());
  PLATFORM_RETURN_IF_ERROR(impl->subscribe());
  return Consumer(std::move(impl));
}

Result<std::optional<Delivery>> Consumer::consume(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  const bool buffered = d.conn && (amqp_frames_enqueued(d.conn->state()) != 0 ||
                                   amqp_data_in_buffer(d.conn->state()) != 0);
  if (d.cancelled && !buffered) {
    return Status(StatusCode::kCancelled, "the subscription to queue '" + d.options.queue +
                                              "' at " + d.where + " is cancelled");
  }
  if (!d.conn) PLATFORM_RETURN_IF_ERROR(d.recover());
  amqp_maybe_release_buffers(d.conn->state());  // R4
  amqp_envelope_t envelope;
  timeval tv = internal::to_timeval(timeout);
  amqp_rpc_reply_t reply = amqp_consume_message(d.conn->state(), &envelope, &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) {
    if (reply.library_error == AMQP_STATUS_TIMEOUT) return std::optional<Delivery>();
    if (reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      Status s = d.handle_other_frame();
      if (s.code() == StatusCode::kCancelled) return s;
      return std::optional<Delivery>();  // a lost connection is repaired on the next call
    }
    (void)d.lost(internal::to_status(reply, "consuming from queue '" + d.options.queue + "'",
                                     d.where));
    return std::optional<Delivery>();
  }
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    (void)d.lost(internal::to_status(reply, "consuming from queue '" + d.options.queue + "'",
                                     d.where));
    return std::optional<Delivery>();
  }

  Delivery out;
  out.delivery_tag = ((d.generation << kTagBits) | (envelope.delivery_tag & kTagMask));
  out.exchange = internal::to_string(envelope.exchange);
  out.routing_key = internal::to_string(envelope.routing_key);
  out.redelivered = envelope.redelivered != 0;
  out.properties = internal::decode_properties(envelope.message.properties);
  out.message.payload = internal::to_string(envelope.message.body);
  out.message.key = out.routing_key;
  for (const FieldEntry& e : out.properties.headers) {
    if (auto bytes = e.value.as_bytes()) out.message.headers.push_back({e.name, std::string(*bytes)});
  }
  if (out.properties.timestamp) {
    out.message.timestamp_ms = static_cast<std::int64_t>(*out.properties.timestamp) * 1000;
  }
  amqp_destroy_envelope(&envelope);
  ++d.stats.delivered;
  if (out.redelivered) ++d.stats.redelivered;
  return std::optional<Delivery>(std::move(out));
}

Status Consumer::ack(std::uint64_t delivery_tag, bool multiple) {
  Impl& d = *impl_;
  PLATFORM_RETURN_IF_ERROR(d.settle_check(delivery_tag, "basic.ack"));
  int rc = amqp_basic_ack(d.conn->state(), kChannel, delivery_tag & kTagMask, multiple ? 1 : 0);
  PLATFORM_RETURN_IF_ERROR(d.settled(rc, "basic.ack"));
  ++d.stats.acked;
  return {};
}

Status Consumer::nack(std::uint64_t delivery_tag, bool multiple, bool requeue) {
  Impl& d = *impl_;
  PLATFORM_RETURN_IF_ERROR(d.settle_check(delivery_tag, "basic.nack"));
  int rc = amqp_basic_nack(d.conn->state(), kChannel, delivery_tag & kTagMask, multiple ? 1 : 0,
                           requeue ? 1 : 0);
  return d.settled(rc, "basic.nack");
}

Status Consumer::reject(std::uint64_t delivery_tag, bool requeue) {
  Impl& d = *impl_;
  PLATFORM_RETURN_IF_ERROR(d.settle_check(delivery_tag, "basic.reject"));
  int rc = amqp_basic_reject(d.conn->state(), kChannel, delivery_tag & kTagMask, requeue ? 1 : 0);
  return d.settled(rc, "basic.reject");
}

Status Consumer::cancel() {
  Impl& d = *impl_;
  if (d.cancelled) return {};
  d.cancelled = true;
  if (!d.conn) return {};
  // rabbitmq-c queues deliveries that arrive before cancel-ok, so none is lost;
  // they can still be consumed and acked.
  amqp_basic_cancel(d.conn->state(), kChannel, internal::as_bytes(d.consumer_tag));
  return d.conn->check_rpc(kChannel, "basic.cancel of the subscription to queue '" +
                                         d.options.queue + "'");
}

ConsumerStats Consumer::stats() const noexcept { return impl_->stats; }
std::string Consumer::address() const { return impl_->where; }

}  // namespace platform::amqp
