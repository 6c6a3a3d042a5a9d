// SPDX-License-Identifier: Apache-2.0
#include "amqp/connection.hpp"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

namespace platform::amqp {

std::string describe(const ConnectionOptions& options) {
  std::string out = options.tls.enabled ? "amqps://" : "amqp://";
  out += options.username + "@" + options.host + ":" + std::to_string(options.port);
  out += " (vhost '" + options.vhost + "')";
  return out;
}

Status validate(const ConnectionOptions& options) {
  auto bad = [&](std::string path, std::string message) {
    return invalid_argument("RabbitMQ connection options for " + describe(options) + " are invalid",
                            {Detail{"", std::move(path), std::move(message), ""}});
  };
  if (options.host.empty()) return bad("host", "empty; give a host name or IP address");
  if (options.port == 0) return bad("port", "0 is not a port; RabbitMQ listens on 5672 (5671 for TLS)");
  if (options.vhost.empty()) return bad("vhost", "empty; the default vhost is \"/\"");
  if (options.frame_max < 4096) return bad("frame_max", "must be at least 4096 (AMQP minimum)");
  if (options.heartbeat.count() < 0 || options.heartbeat.count() > 65535) {
    return bad("heartbeat", "must be 0..65535 seconds");
  }
  if (options.connect_timeout.count() <= 0) return bad("connect_timeout", "must be positive");
  if (options.rpc_timeout.count() <= 0) return bad("rpc_timeout", "must be positive");
  const TlsOptions& tls = options.tls;
  if (tls.enabled) {
    auto readable = [](const std::string& f) {
      std::error_code ec;
      return std::filesystem::is_regular_file(f, ec);
    };
    if (!tls.ca_cert_file.empty() && !readable(tls.ca_cert_file)) {
      return bad("tls.ca_cert_file", "'" + tls.ca_cert_file + "' is not a readable file");
    }
    if (tls.verify_peer && tls.ca_cert_file.empty()) {
      return bad("tls.ca_cert_file", "required when tls.verify_peer is on; give the CA bundle (PEM)");
    }
    if (tls.client_cert_file.empty() != tls.client_key_file.empty()) {
      return bad("tls.client_key_file", "client_cert_file and client_key_file go together");
    }
    if (!tls.client_cert_file.empty() && !readable(tls.client_cert_file)) {
      return bad("tls.client_cert_file", "'" + tls.client_cert_file + "' is not a readable file");
    }
    if (!tls.client_key_file.empty() && !readable(tls.client_key_file)) {
      return bad("tls.client_key_file", "'" + tls.client_key_file + "' is not a readable file");
    }
  }
  if (options.reconnect.initial_backoff.count() < 0 ||
      options.reconnect.max_backoff < options.reconnect.initial_backoff) {
    return bad("reconnect", "need 0 <= initial_backoff <= max_backoff");
  }
  return {};
}

}  // namespace platform::amqp

namespace platform::internal {
namespace {

// The broker's reply text without a trailing period (one is added).
std::string quoted_text(amqp_bytes_t text) {
  std::string s = to_string(text);
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string hint_for_reply_code(int code) {
  switch (code) {
    case AMQP_NOT_FOUND:
      return "Declare it first (platform::amqp::Topology) or fix the name.";
    case AMQP_PRECONDITION_FAILED:
      return "It exists with other settings (type, durability or arguments), or the request is "
             "not allowed in this state; delete it or use another name.";
    case AMQP_ACCESS_REFUSED:
      return "Check the username and password, and the user's permissions on the vhost "
             "(rabbitmqctl list_permissions).";
    case AMQP_NOT_ALLOWED:
      return "Check that the vhost exists and the user may use it (rabbitmqctl list_vhosts).";
    case AMQP_RESOURCE_LOCKED:
      return "Another connection holds it exclusively.";
    case AMQP_CONNECTION_FORCED:
      return "The broker or an operator closed the connection; it will be reopened.";
    case AMQP_RESOURCE_ERROR:
      return "The broker is short of a resource (memory or disk alarm, channel limit).";
    default:
      return "";
  }
}

StatusCode code_for_reply(int code, bool connection_level) {
  switch (code) {
    case AMQP_NOT_FOUND: return StatusCode::kNotFound;
    case AMQP_PRECONDITION_FAILED: return StatusCode::kFailedPrecondition;
    case AMQP_RESOURCE_LOCKED: return StatusCode::kFailedPrecondition;
    case AMQP_ACCESS_REFUSED:
      return connection_level ? StatusCode::kUnauthenticated : StatusCode::kPermissionDenied;
    case AMQP_NOT_ALLOWED: return StatusCode::kPermissionDenied;
    case AMQP_CONNECTION_FORCED: return StatusCode::kUnavailable;
    case AMQP_INTERNAL_ERROR: return StatusCode::kUnavailable;
    case AMQP_RESOURCE_ERROR: return StatusCode::kResourceExhausted;
    case AMQP_CONTENT_TOO_LARGE: return StatusCode::kInvalidArgument;
    case AMQP_NO_ROUTE: return StatusCode::kNotFound;
    default: return connection_level ? StatusCode::kUnavailable : StatusCode::kAborted;
  }
}

std::string join(std::string a, const std::string& b) {
  if (!b.empty()) a += " " + b;
  return a;
}

}  // namespace

timeval to_timeval(std::chrono::microseconds d) noexcept {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(d.count() % 1000000);
  return tv;
}

Status library_status(int code, std::string_view what, std::string_view where) {
  std::string head = std::string(what) + " failed at " + std::string(where) + ": " +
                     amqp_error_string2(code) + ".";
  switch (code) {
    case AMQP_STATUS_OK: return {};
    case AMQP_STATUS_TIMEOUT:
      return Status(StatusCode::kDeadlineExceeded,
                    join(head, "Check that the broker is up and not blocked "
                               "(memory or disk alarm), or raise the timeout."));
    case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED:
      return Status(StatusCode::kUnavailable, join(head, "Check the host name."));
    case AMQP_STATUS_SOCKET_ERROR:
    case AMQP_STATUS_TCP_ERROR:
    case AMQP_STATUS_CONNECTION_CLOSED:
    case AMQP_STATUS_SOCKET_CLOSED:
    case AMQP_STATUS_HEARTBEAT_TIMEOUT:
    case AMQP_STATUS_SOCKET_INUSE:
      return Status(StatusCode::kUnavailable,
                    join(head, "Check that RabbitMQ is running and listening on that host and "
                               "port, and that nothing closes idle connections."));
    case AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED:
      return Status(StatusCode::kFailedPrecondition,
                    join(head, "The server certificate does not name this host; connect by a "
                               "name the certificate lists or turn off tls.verify_hostname."));
    case AMQP_STATUS_SSL_PEER_VERIFY_FAILED:
      return Status(StatusCode::kFailedPrecondition,
                    join(head, "The server certificate is not signed by tls.ca_cert_file."));
    case AMQP_STATUS_SSL_ERROR:
    case AMQP_STATUS_SSL_CONNECTION_FAILED:
      return Status(StatusCode::kUnavailable,
                    join(head, "Check that the port is a TLS (AMQPS) listener and that the CA, "
                               "client certificate and key match the broker's TLS settings."));
    default:
      return Status(StatusCode::kUnknown, head);
  }
}

Status channel_close_status(const amqp_channel_close_t& close, std::string_view what,
                            std::string_view where) {
  std::string msg = std::string(what) + " failed at " + std::string(where) +
                    ": the broker closed the channel: " + std::to_string(close.reply_code) + " " +
                    quoted_text(close.reply_text) + ".";
  return Status(code_for_reply(close.reply_code, false),
                join(msg, hint_for_reply_code(close.reply_code)));
}

Status connection_close_status(const amqp_connection_close_t& close, std::string_view what,
                               std::string_view where) {
  std::string msg = std::string(what) + " failed at " + std::string(where) +
                    ": the broker closed the connection: " + std::to_string(close.reply_code) +
                    " " + quoted_text(close.reply_text) + ".";
  return Status(code_for_reply(close.reply_code, true),
                join(msg, hint_for_reply_code(close.reply_code)));
}

Status to_status(const amqp_rpc_reply_t& reply, std::string_view what, std::string_view where) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return {};
    case AMQP_RESPONSE_NONE:
      return internal_error(std::string(what) + " at " + std::string(where) +
                            ": rabbitmq-c returned no reply (a libplatform bug)");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return library_status(reply.library_error, what, where);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        return channel_close_status(*static_cast<amqp_channel_close_t*>(reply.reply.decoded), what,
                                    where);
      }
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        return connection_close_status(*static_cast<amqp_connection_close_t*>(reply.reply.decoded),
                                       what, where);
      }
      return Status(StatusCode::kUnknown, std::string(what) + " failed at " + std::string(where) +
                                              ": unexpected method " +
                                              amqp_method_name(reply.reply.id));
  }
  return Status(StatusCode::kUnknown, std::string(what) + " failed at " + std::string(where));
}

void AmqpConnection::Deleter::operator()(amqp_connection_state_t state) const noexcept {
  amqp_destroy_connection(state);  // also closes and frees the socket
}

AmqpConnection::AmqpConnection(AmqpConnection&& other) noexcept
    : state_(std::move(other.state_)), where_(std::move(other.where_)), broken_(other.broken_) {}

AmqpConnection& AmqpConnection::operator=(AmqpConnection&& other) noexcept {
  if (this != &other) {
    AmqpConnection old(std::move(*this));  // closes the current one on scope exit
    state_ = std::move(other.state_);
    where_ = std::move(other.where_);
    broken_ = other.broken_;
  }
  return *this;
}

AmqpConnection::~AmqpConnection() {
  if (state_ && !broken_) {
    // A graceful close lets the broker requeue at once instead of waiting for
    // the TCP reset; bounded so a dying broker cannot hang a destructor.
    timeval tv = to_timeval(std::chrono::seconds(2));
    amqp_set_rpc_timeout(state_.get(), &tv);
    amqp_connection_close(state_.get(), AMQP_REPLY_SUCCESS);
  }
}

Result<AmqpConnection> AmqpConnection::connect(const amqp::ConnectionOptions& options) {
  PLATFORM_RETURN_IF_ERROR(amqp::validate(options));
  std::string where = amqp::describe(options);
  StatePtr state(amqp_new_connection());
  if (!state) return internal_error("amqp_new_connection failed (out of memory?)");

  amqp_socket_t* socket = nullptr;  // owned by `state`
  if (options.tls.enabled) {
    socket = amqp_ssl_socket_new(state.get());
    if (socket == nullptr) return internal_error("cannot create a TLS socket for " + where);
    const amqp::TlsOptions& tls = options.tls;
    if (!tls.ca_cert_file.empty()) {
      int rc = amqp_ssl_socket_set_cacert(socket, tls.ca_cert_file.c_str());
      if (rc != AMQP_STATUS_OK) {
        return invalid_argument("tls.ca_cert_file '" + tls.ca_cert_file +
                                "' is not a usable PEM CA bundle (" + amqp_error_string2(rc) +
                                ") for " + where);
      }
    }
    if (!tls.client_cert_file.empty()) {
      int rc = amqp_ssl_socket_set_key(socket, tls.client_cert_file.c_str(),
                                       tls.client_key_file.c_str());
      if (rc != AMQP_STATUS_OK) {
        return invalid_argument("tls.client_cert_file '" + tls.client_cert_file +
                                "' / tls.client_key_file '" + tls.client_key_file +
                                "' are not a matching PEM certificate and key (" +
                                amqp_error_string2(rc) + ") for " + where);
      }
    }
    amqp_ssl_socket_set_verify_peer(socket, tls.verify_peer ? 1 : 0);
    amqp_ssl_socket_set_verify_hostname(socket, tls.verify_hostname ? 1 : 0);
  } else {
    socket = amqp_tcp_socket_new(state.get());
    if (socket == nullptr) return internal_error("cannot create a TCP socket for " + where);
  }

  timeval handshake = to_timeval(options.connect_timeout);
  amqp_set_handshake_timeout(state.get(), &handshake);
  timeval rpc = to_timeval(options.rpc_timeout);
  amqp_set_rpc_timeout(state.get(), &rpc);

  timeval connect_tv = to_timeval(options.connect_timeout);
  int rc = amqp_socket_open_noblock(socket, options.host.c_str(), options.port, &connect_tv);
  if (rc != AMQP_STATUS_OK) return library_status(rc, "connecting", where);

  amqp_table_entry_t entry;
  entry.key = amqp_cstring_bytes("connection_name");
  entry.value.kind = AMQP_FIELD_KIND_UTF8;
  entry.value.value.bytes = as_bytes(options.connection_name);
  amqp_table_t client_properties{1, &entry};
  amqp_rpc_reply_t reply = amqp_login_with_properties(
      state.get(), options.vhost.c_str(), 0, static_cast<int>(options.frame_max),
      static_cast<int>(options.heartbeat.count()), &client_properties, AMQP_SASL_METHOD_PLAIN,
      options.username.c_str(), options.password.c_str());
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
    std::string what = "login as '" + options.username + "'";
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_CONNECTION_CLOSED) {
      // RabbitMQ drops the socket on refused credentials when the client
      // cannot take connection.close during the handshake.
      return Status(StatusCode::kUnauthenticated,
                    what + " failed at " + where +
                        ": the broker closed the connection during login. Check the username "
                        "and password and that the user may use the vhost.");
    }
    Status s = to_status(reply, what, where);
    if (!options.tls.enabled && reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_SOCKET_ERROR) {
      return Status(s.code(), s.message() + " If this port is an AMQPS (TLS) listener, set tls.enabled.");
    }
    return s;
  }
  return AmqpConnection(std::move(state), std::move(where));
}

Result<AmqpConnection> AmqpConnection::connect_with_backoff(const amqp::ConnectionOptions& options,
                                                            bool first_attempt_waits) {
  const amqp::ReconnectPolicy& policy = options.reconnect;
  const int attempts = std::max(1, policy.max_attempts);
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0 || first_attempt_waits) {
      std::this_thread::sleep_for(backoff_delay(policy, attempt));
    }
    Result<AmqpConnection> conn = connect(options);
    if (conn.ok()) return conn;
    last = conn.status();
    switch (last.code()) {
      case StatusCode::kInvalidArgument:
      case StatusCode::kUnauthenticated:
      case StatusCode::kPermissionDenied:
      case StatusCode::kFailedPrecondition:
        return last;  // retrying cannot fix these
      default:
        break;
    }
  }
  return Status(last.code(), "gave up after " + std::to_string(attempts) +
                                 " connection attempts: " + last.message());
}

Status AmqpConnection::open_channel(amqp_channel_t channel) {
  amqp_channel_open(state(), channel);
  return check_rpc(channel, "channel.open");
}

Status AmqpConnection::check_rpc(amqp_channel_t channel, std::string_view what) {
  return check_reply(amqp_get_rpc_reply(state()), channel, what);
}

Status AmqpConnection::check_reply(const amqp_rpc_reply_t& reply, amqp_channel_t channel,
                                   std::string_view what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return {};
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION) {
    if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      return on_channel_close(channel, *static_cast<amqp_channel_close_t*>(reply.reply.decoded),
                              what);
    }
    if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      return on_connection_close(*static_cast<amqp_connection_close_t*>(reply.reply.decoded), what);
    }
  }
  // A library failure (socket, timeout, bad frame) leaves the stream in an
  // unknown state: the connection cannot be trusted any more.
  mark_broken();
  return to_status(reply, what, where_);
}

Status AmqpConnection::on_channel_close(amqp_channel_t channel, const amqp_channel_close_t& close,
                                        std::string_view what) {
  Status s = channel_close_status(close, what, where_);
  amqp_channel_close_ok_t ok{};
  if (amqp_send_method(state(), channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok) != AMQP_STATUS_OK) {
    mark_broken();
  }
  return s;
}

Status AmqpConnection::on_connection_close(const amqp_connection_close_t& close,
                                           std::string_view what) {
  Status s = connection_close_status(close, what, where_);
  amqp_connection_close_ok_t ok{};
  amqp_send_method(state(), 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
  mark_broken();
  return s;
}

Status ConnectionSlot::lost(Status cause) {
  if (conn) {
    conn->mark_broken();
    conn.reset();
  }
  last_loss = cause;
  return cause;
}

Status ConnectionSlot::reconnect(const amqp::ConnectionOptions& options) {
  const std::string cause = last_loss.ok() ? "connection lost" : last_loss.message();
  if (options.reconnect.max_attempts <= 0) {
    return unavailable("not connected to " + amqp::describe(options) +
                       " and reconnection is off: " + cause);
  }
  Result<AmqpConnection> c = AmqpConnection::connect_with_backoff(options, true);
  if (!c.ok()) {
    return Status(c.status().code(),
                  "reconnecting after \"" + cause + "\" failed: " + c.status().message());
  }
  conn.emplace(std::move(c).value());
  return {};
}

std::chrono::milliseconds backoff_delay(const amqp::ReconnectPolicy& policy, int attempt) {
  using std::chrono::milliseconds;
  const std::int64_t base = std::max<std::int64_t>(policy.initial_backoff.count(), 0);
  const std::int64_t cap = std::max<std::int64_t>(policy.max_backoff.count(), base);
  std::int64_t ceiling = base;
  for (int i = 0; i < attempt && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling <= 0) return milliseconds(0);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return milliseconds(std::uniform_int_distribution<std::int64_t>(0, ceiling)(rng));
}

}  // namespace platform::internal
