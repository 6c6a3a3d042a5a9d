// SPDX-License-Identifier: Apache-2.0
#include "platform/amqp/publisher.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "amqp/codec.hpp"
#include "internal/message_limits.hpp"
#include "amqp/connection.hpp"

namespace platform::amqp {

const char* to_string(PublishOutcome outcome) noexcept {
  switch (outcome) {
    case PublishOutcome::kConfirmed: return "confirmed";
    case PublishOutcome::kReturned: return "returned";
    case PublishOutcome::kNacked: return "nacked";
    case PublishOutcome::kFailed: return "failed";
  }
  return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;
using internal::AmqpConnection;
constexpr amqp_channel_t kChannel = 1;
// Non-blocking confirm reads cost a syscall; once every this many publishes
// keeps the window moving without paying it per message (R5).
constexpr int kPollEvery = 64;

struct Pending {
  std::uint64_t tag = 0;  // delivery tag on the current channel
  std::uint64_t ticket = 0;
  std::string exchange;
  std::string routing_key;
  std::string body;
  Properties properties;
  bool mandatory = true;
  ConfirmCallback callback;
  bool settled = false;
  bool returned = false;
  Status return_status;
};

struct Ready {
  ConfirmCallback callback;
  Confirmation confirmation;
};

std::string target(std::string_view exchange, std::string_view routing_key) {
  return "exchange '" + std::string(exchange) + "' routing key '" + std::string(routing_key) + "'";
}

}  // namespace

struct Publisher::Impl : internal::ConnectionSlot {
  PublisherOptions options;
  std::string where;
  internal::AmqpEncoder encoder;
  std::deque<Pending> window;  // in tag order; settled entries leave from the front
  std::size_t unsettled = 0;
  std::uint64_t next_tag = 1;
  std::uint64_t next_ticket = 1;
  PublisherStats stats;
  Status first_failure;   // since the last wait_for_confirms
  std::vector<Ready> ready;
  int since_poll = 0;
  bool batching = false;  // between begin_batch() and the batch's end
  bool refilling = false; // the window filled up; publish() waits until it is half empty
  bool corked = false;    // TCP_CORK is set on the current connection's socket

  // Holds (on) or pushes out (off) the socket's partial segments. Sends of a
  // batch then leave in full segments: fewer packets for the kernel and fewer
  // reads for the broker, which shares the machine's cores.
  void cork(bool on) {
    if (!conn) {
      corked = false;
      return;
    }
    if (corked == on) return;
    corked = on;
#ifdef TCP_CORK
    const int fd = amqp_get_sockfd(conn->state());
    const int value = on ? 1 : 0;
    if (fd >= 0) (void)setsockopt(fd, IPPROTO_TCP, TCP_CORK, &value, sizeof value);
#endif
  }
  void end_batch() {
    batching = false;
    cork(false);
  }

  // channel.open + confirm.select on a fresh connection or after channel.close.
  Status setup_channel() {
    PLATFORM_RETURN_IF_ERROR(conn->open_channel(kChannel));
    amqp_confirm_select(conn->state(), kChannel);
    PLATFORM_RETURN_IF_ERROR(conn->check_rpc(kChannel, "confirm.select"));
    next_tag = 1;
    return {};
  }

  Status send(Pending& p) {
    const amqp_basic_properties_t* props = encoder.encode(p.properties);
    int rc = amqp_basic_publish(conn->state(), kChannel, internal::as_bytes(p.exchange),
                                internal::as_bytes(p.routing_key), p.mandatory ? 1 : 0, 0, props,
                                internal::as_bytes(p.body));
    if (rc != AMQP_STATUS_OK) {
      return lost(internal::library_status(rc, "basic.publish to " + target(p.exchange, p.routing_key),
                                           where));
    }
    return {};
  }

  void resolve(Pending& p, bool ack) {
    PublishOutcome outcome = PublishOutcome::kConfirmed;
    Status status;
    if (p.returned) {
      outcome = PublishOutcome::kReturned;
      status = p.return_status;
      ++stats.returned;
    } else if (ack) {
      ++stats.confirmed;
    } else {
      outcome = PublishOutcome::kNacked;
      status = Status(StatusCode::kResourceExhausted,
                      "the broker rejected (basic.nack) the message to " +
                          target(p.exchange, p.routing_key) + " at " + where +
                          ": the queue may be full (x-overflow=reject-publish) or the broker "
                          "could not store it. Publish it again later.");
      ++stats.nacked;
    }
    finish(p, outcome, std::move(status));
  }

  void finish(Pending& p, PublishOutcome outcome, Status status) {
    if (!status.ok() && first_failure.ok()) first_failure = status;
    ready.push_back(Ready{std::move(p.callback), Confirmation{p.ticket, outcome, std::move(status)}});
    p.settled = true;
    --unsettled;
    // Free the copy kept for republishing as soon as it cannot be needed.
    std::string().swap(p.body);
    p.properties = Properties{};
  }

  void pop_settled() {
    while (!window.empty() && window.front().settled) window.pop_front();
  }

  void settle(std::uint64_t tag, bool multiple, bool ack) {
    if (window.empty()) return;
    const std::uint64_t first = window.front().tag;
    if (tag < first) return;  // already settled (a duplicate multiple-ack range)
    if (multiple) {
      for (Pending& p : window) {
        if (p.tag > tag) break;
        if (!p.settled) resolve(p, ack);
      }
    } else if (tag - first < window.size()) {
      Pending& p = window[tag - first];
      if (!p.settled) resolve(p, ack);
    }
    pop_settled();
  }

  // A basic.return carries no delivery tag: it is matched to the oldest
  // unconfirmed message with the same exchange, routing key, message id and
  // body (returns come in publish order, before the message's own ack).
  Status on_return(const amqp_basic_return_t& ret_in) {
    const std::string exchange = internal::to_string(ret_in.exchange);
    const std::string routing_key = internal::to_string(ret_in.routing_key);
    const std::string reply_text = internal::to_string(ret_in.reply_text);
    const int reply_code = ret_in.reply_code;
    amqp_message_t message;
    amqp_rpc_reply_t reply = amqp_read_message(conn->state(), kChannel, &message, 0);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      return lost(internal::to_status(reply, "reading a returned message", where));
    }
    const std::string body = internal::to_string(message.body);
    std::optional<std::string> message_id;
    if ((message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) != 0) {
      message_id = internal::to_string(message.properties.message_id);
    }
    amqp_destroy_message(&message);
    for (Pending& p : window) {
      if (p.settled || p.returned || p.exchange != exchange || p.routing_key != routing_key ||
          p.body != body || p.properties.message_id != message_id) {
        continue;
      }
      p.returned = true;
      p.return_status = Status(
          StatusCode::kNotFound,
          "the broker returned the message to " + target(exchange, routing_key) + " at " + where +
              ": " + std::to_string(reply_code) + " " + reply_text +
              ". No queue is bound for it (mandatory publishing); bind a queue or fix the routing "
              "key.");
      break;
    }
    return {};
  }

  Status handle_frame(const amqp_frame_t& frame) {
    if (frame.frame_type != AMQP_FRAME_METHOD) return {};
    const amqp_method_t& m = frame.payload.method;
    switch (m.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* a = static_cast<const amqp_basic_ack_t*>(m.decoded);
        ++stats.confirm_frames;
        settle(a->delivery_tag, a->multiple != 0, true);
        return {};
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* n = static_cast<const amqp_basic_nack_t*>(m.decoded);
        ++stats.confirm_frames;
        settle(n->delivery_tag, n->multiple != 0, false);
        return {};
      }
      case AMQP_BASIC_RETURN_METHOD:
        return on_return(*static_cast<const amqp_basic_return_t*>(m.decoded));
      case AMQP_CHANNEL_CLOSE_METHOD: {
        Status why = conn->on_channel_close(
            kChannel, *static_cast<const amqp_channel_close_t*>(m.decoded), "publishing");
        // The broker dropped an unknown subset of the in-flight messages and
        // one of them caused the error: republishing would repeat it, so
        // they go back to the caller as failed.
        for (Pending& p : window) {
          if (p.settled) continue;
          ++stats.failed;
          finish(p, PublishOutcome::kFailed, why);
        }
        pop_settled();
        if (conn->broken()) return lost(why);
        Status reopened = setup_channel();
        if (!reopened.ok()) return lost(reopened);
        return {};
      }
      case AMQP_CONNECTION_CLOSE_METHOD:
        return lost(conn->on_connection_close(
            *static_cast<const amqp_connection_close_t*>(m.decoded), "publishing"));
      default:
        return {};
    }
  }

  // Reads one frame, waiting until `deadline`; kDeadlineExceeded if none came.
  Status read_frame(Clock::time_point deadline) {
    amqp_frame_t frame;
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    timeval tv = internal::to_timeval(left);
    int rc = amqp_simple_wait_frame_noblock(conn->state(), &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) return Status(StatusCode::kDeadlineExceeded, "no frame");
    if (rc != AMQP_STATUS_OK) return lost(internal::library_status(rc, "reading confirms", where));
    return handle_frame(frame);
  }

  // Handles every frame already available, without blocking.
  Status drain() {
    since_poll = 0;
    while (conn) {
      Status s = read_frame(Clock::now());
      if (s.code() == StatusCode::kDeadlineExceeded) break;
      if (!s.ok()) return s;
    }
    if (conn) amqp_maybe_release_buffers(conn->state());  // R4: bound pool memory
    return {};
  }

  // Reconnects, reopens the confirm channel and republishes everything
  // unconfirmed, in order, with new delivery tags.
  Status recover() {
    corked = false;  // a new connection has a new socket
    for (int round = 0; round < 3; ++round) {
      Status connected = reconnect(options.connection);
      if (!connected.ok()) {
        return Status(connected.code(), connected.message() + " (" +
                                            std::to_string(unsettled) +
                                            " unconfirmed messages are kept)");
      }
      Status s = setup_channel();
      if (!s.ok()) {
        lost(s);
        continue;
      }
      ++stats.reconnections;
      // A returned message whose ack was lost is settled by its return.
      for (Pending& p : window) {
        if (!p.settled && p.returned) resolve(p, true);
      }
      pop_settled();
      std::deque<Pending> old;
      old.swap(window);
      for (Pending& p : old) {
        if (p.settled) continue;
        p.tag = next_tag++;
        window.push_back(std::move(p));
      }
      bool sent_all = true;
      for (Pending& p : window) {
        if (!send(p).ok()) {
          sent_all = false;
          break;
        }
        ++stats.republished;
      }
      if (sent_all) return {};
    }
    return unavailable("the connection to " + where + " kept failing while republishing: " +
                       last_loss.message());
  }

  Status ensure_connected() {
    if (conn) return {};
    return recover();
  }

  Status run_callbacks() {
    Status callback_error;
    std::vector<Ready> batch;
    batch.swap(ready);
    for (Ready& r : batch) {
      const ConfirmCallback& cb = r.callback ? r.callback : options.on_confirm;
      if (!cb) continue;
      try {
        cb(r.confirmation);
      } catch (const std::exception& e) {
        if (callback_error.ok()) {
          callback_error = internal_error(std::string("a confirm callback threw: ") + e.what());
        }
      } catch (...) {
        if (callback_error.ok()) callback_error = internal_error("a confirm callback threw");
      }
    }
    return callback_error;
  }
};

Publisher::Publisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Publisher::Publisher(Publisher&&) noexcept = default;
Publisher& Publisher::operator=(Publisher&&) noexcept = default;
Publisher::~Publisher() = default;

Result<Publisher> Publisher::open(PublisherOptions options) {
  if (options.confirm_window == 0) {
    return invalid_argument("PublisherOptions.confirm_window must be at least 1 (for " +
                            describe(options.connection) + ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->where = describe(options.connection);
  Result<AmqpConnection> c = AmqpConnection::connect(options.connection);
  if (!c.ok()) return c.status();
  impl->conn.emplace(std::move(c).value());
  impl->options = std::move(options);
  PLATFORM_RETURN_IF_ERROR(impl->setup_channel());
  return Publisher(std::move(impl));
}

Result<std::uint64_t> Publisher::publish(std::string_view exchange, std::string_view routing_key,
                                         const Message& message, const Properties& properties,
                                         ConfirmCallback callback) {
  return publish(exchange, routing_key, message, properties, impl_->options.mandatory,
                 std::move(callback));
}

Result<std::uint64_t> Publisher::publish(std::string_view exchange, std::string_view routing_key,
                                         const Message& message, const Properties& properties,
                                         bool mandatory, ConfirmCallback callback) {
  Impl& d = *impl_;
  PLATFORM_RETURN_IF_ERROR(internal::check_header_count(message.headers.size() + properties.headers.size(),
                                                        [&] { return "publish to " + target(exchange, routing_key); }));
  const Clock::time_point deadline = Clock::now() + d.options.publish_timeout;
  // Make room in the window (and a connection) before taking the message.
  // A full window is refilled only once half of it is confirmed: the next
  // messages then reach the broker as one burst, which a quorum queue commits
  // in fewer, larger batches than a message per returning ack (bench_flows,
  // Kafka -> RabbitMQ bridge, 300k messages: ~62k msgs/s with half-window
  // refills and batches vs ~50-64k and more spread without).
  if (d.unsettled >= d.options.confirm_window) d.refilling = true;
  while (true) {
    PLATFORM_RETURN_IF_ERROR(d.ensure_connected());
    if (d.refilling && d.unsettled <= d.options.confirm_window / 2) d.refilling = false;
    if (!d.refilling) break;
    d.cork(false);  // the broker must have what it is to confirm
    Status s = d.read_frame(deadline);
    if (s.code() == StatusCode::kDeadlineExceeded) {
      if (d.unsettled < d.options.confirm_window) {  // not half empty, but there is room
        d.refilling = false;
        break;
      }
      (void)d.run_callbacks();
      return Status(StatusCode::kDeadlineExceeded,
                    "publish to " + target(exchange, routing_key) + " at " + d.where +
                        ": the confirm window (" + std::to_string(d.options.confirm_window) +
                        " messages) stayed full for " +
                        std::to_string(d.options.publish_timeout.count()) +
                        " ms; the broker is slow or blocked (memory/disk alarm). The message was "
                        "not taken.");
    }
    if (d.conn) amqp_maybe_release_buffers(d.conn->state());
  }

  Pending p;
  p.ticket = d.next_ticket++;
  p.tag = d.next_tag++;
  p.exchange.assign(exchange);
  p.routing_key.assign(routing_key);
  p.body = message.payload;
  p.properties = properties;
  for (const Header& h : message.headers) {
    if (find_field(properties.headers, h.name) == nullptr) {
      p.properties.headers.push_back(FieldEntry{h.name, FieldValue(Bytes{h.value})});
    }
  }
  if (!p.properties.timestamp && message.timestamp_ms) {
    p.properties.timestamp = static_cast<std::uint64_t>(*message.timestamp_ms / 1000);
  }
  p.mandatory = mandatory;
  p.callback = std::move(callback);
  const std::uint64_t ticket = p.ticket;
  d.window.push_back(std::move(p));
  ++d.unsettled;
  ++d.stats.published;

  // Once in the window the message is kept until settled: a failed send is
  // repaired by recover(), now or on a later call.
  if (d.batching) d.cork(true);
  if (!d.send(d.window.back()).ok()) {
    (void)d.recover();
  } else if (++d.since_poll >= kPollEvery) {
    if (!d.drain().ok()) (void)d.recover();
  }
  PLATFORM_RETURN_IF_ERROR(d.run_callbacks());
  return ticket;
}

Status Publisher::poll() {
  Impl& d = *impl_;
  d.end_batch();
  Status s = d.ensure_connected();
  if (s.ok()) {
    s = d.drain();
    if (!s.ok()) s = d.recover();
  }
  Status cb = d.run_callbacks();
  return s.ok() ? cb : s;
}

Status Publisher::wait_for_confirms(std::chrono::milliseconds timeout) {
  Impl& d = *impl_;
  const Clock::time_point deadline = Clock::now() + timeout;
  d.end_batch();
  Status result;
  while (d.unsettled > 0) {
    if (!d.conn) {
      result = d.recover();
      if (!result.ok()) break;
      continue;
    }
    Status s = d.read_frame(deadline);
    if (s.code() == StatusCode::kDeadlineExceeded) {
      result = Status(StatusCode::kDeadlineExceeded,
                      std::to_string(d.unsettled) + " messages still unconfirmed by " + d.where +
                          " after " + std::to_string(timeout.count()) + " ms");
      break;
    }
    if (d.conn) amqp_maybe_release_buffers(d.conn->state());
  }
  Status cb = d.run_callbacks();
  if (!result.ok()) return result;
  if (!cb.ok()) return cb;
  return std::exchange(d.first_failure, Status());
}

void Publisher::begin_batch() noexcept { impl_->batching = true; }
void Publisher::end_batch() noexcept { impl_->end_batch(); }

std::size_t Publisher::unconfirmed() const noexcept { return impl_->unsettled; }
PublisherStats Publisher::stats() const noexcept { return impl_->stats; }
std::string Publisher::address() const { return impl_->where; }

}  // namespace platform::amqp
