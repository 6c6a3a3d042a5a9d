// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one place that owns rabbitmq-c connections and turns rabbitmq-c
// failures into Status. No other file calls amqp_destroy_connection or
// builds an error message from an amqp_rpc_reply_t.
//
// Threading: rabbitmq-c connection state is not thread-safe, and reads only
// happen inside calls on it. An AmqpConnection (and the client that owns it)
// belongs to one thread at a time.

#include <amqp.h>
#include <amqp_framing.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/amqp/connection_options.hpp"
#include "platform/status.hpp"

namespace platform::internal {

/// Converts a reply of a synchronous rabbitmq-c call. `what` names the
/// operation ("queue.declare of 'orders'"), `where` the broker address.
Status to_status(const amqp_rpc_reply_t& reply, std::string_view what, std::string_view where);
/// Converts a negative amqp_status_enum from a non-RPC call.
Status library_status(int code, std::string_view what, std::string_view where);
/// A channel.close the broker sent (reply code and text).
Status channel_close_status(const amqp_channel_close_t& close, std::string_view what,
                            std::string_view where);
/// A connection.close the broker sent.
Status connection_close_status(const amqp_connection_close_t& close, std::string_view what,
                               std::string_view where);

/// amqp_bytes_t viewing `s` (no copy; valid while `s` lives unchanged).
inline amqp_bytes_t as_bytes(std::string_view s) noexcept {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}
/// A copy of `b` as a std::string.
inline std::string to_string(amqp_bytes_t b) {
  return b.len == 0 ? std::string() : std::string(static_cast<const char*>(b.bytes), b.len);
}

/// timeval for rabbitmq-c timeouts.
timeval to_timeval(std::chrono::microseconds d) noexcept;

/// One logged-in rabbitmq-c connection (socket owned by the connection
/// state). Move-only. The destructor closes gracefully when the connection is
/// still healthy, then frees everything.
class AmqpConnection {
 public:
  /// One connection attempt: TCP (or TLS), AMQP handshake, login. Errors name
  /// describe(options) and say what to check.
  static Result<AmqpConnection> connect(const amqp::ConnectionOptions& options);

  /// connect() repeated with the policy's backoff and jitter. Credential and
  /// option errors are not retried. `first_attempt_waits` sleeps before the
  /// first attempt too (used after a loss, so a flapping broker is not hammered).
  static Result<AmqpConnection> connect_with_backoff(const amqp::ConnectionOptions& options,
                                                     bool first_attempt_waits);

  AmqpConnection(AmqpConnection&& other) noexcept;
  AmqpConnection& operator=(AmqpConnection&& other) noexcept;
  ~AmqpConnection();

  [[nodiscard]] amqp_connection_state_t state() const noexcept { return state_.get(); }
  /// describe(options): "amqp://user@host:port/vhost".
  [[nodiscard]] const std::string& where() const noexcept { return where_; }

  /// channel.open; the broker's refusal as a Status.
  Status open_channel(amqp_channel_t channel);
  /// The last RPC reply as a Status; marks the connection broken when the
  /// failure was not confined to a channel, and answers a broker
  /// channel.close / connection.close with the matching close-ok.
  Status check_rpc(amqp_channel_t channel, std::string_view what);
  /// Same for a reply already in hand.
  Status check_reply(const amqp_rpc_reply_t& reply, amqp_channel_t channel, std::string_view what);
  /// Answers a channel.close the broker sent and returns its status.
  Status on_channel_close(amqp_channel_t channel, const amqp_channel_close_t& close,
                          std::string_view what);
  /// Answers a connection.close the broker sent, marks broken, returns its status.
  Status on_connection_close(const amqp_connection_close_t& close, std::string_view what);

  /// Forget the connection is usable: no graceful close on destruction.
  void mark_broken() noexcept { broken_ = true; }
  [[nodiscard]] bool broken() const noexcept { return broken_ || !state_; }

 private:
  struct Deleter {
    void operator()(amqp_connection_state_t state) const noexcept;
  };
  using StatePtr = std::unique_ptr<amqp_connection_state_t_, Deleter>;

  AmqpConnection(StatePtr state, std::string where) noexcept
      : state_(std::move(state)), where_(std::move(where)) {}

  StatePtr state_;
  std::string where_;
  bool broken_ = false;
};

/// The connection of a client that survives losing it (Publisher, Consumer):
/// empty while disconnected, with the reason it went away.
struct ConnectionSlot {
  std::optional<AmqpConnection> conn;
  Status last_loss;

  /// Drops the connection without a graceful close; returns `cause`.
  Status lost(Status cause);
  /// Opens a new connection with the reconnect policy's backoff. The status
  /// says what was lost and why reconnecting failed; kUnavailable at once
  /// when reconnection is off (max_attempts <= 0).
  Status reconnect(const amqp::ConnectionOptions& options);
};

/// Backoff before reconnection attempt `attempt` (0-based): a random time in
/// [0, min(max_backoff, initial_backoff * 2^attempt)] ("full jitter").
std::chrono::milliseconds backoff_delay(const amqp::ReconnectPolicy& policy, int attempt);

}  // namespace platform::internal
