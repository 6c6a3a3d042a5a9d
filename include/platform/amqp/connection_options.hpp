// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Where and how to connect to RabbitMQ: address, credentials, TLS,
/// heartbeats and the reconnection policy. Shared by Publisher, Consumer and
/// Topology. Plain values, checked once when a client opens.

#include <chrono>
#include <cstdint>
#include <string>

#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::amqp {

/// AMQPS settings. TLS is used when `enabled` is true; files are PEM.
struct TlsOptions {
  bool enabled = false;
  std::string ca_cert_file;      ///< CA bundle that signed the server certificate
  std::string client_cert_file;  ///< client certificate (mutual TLS); empty = none
  std::string client_key_file;   ///< its private key; required with client_cert_file
  bool verify_peer = true;       ///< check the server certificate chain against the CA
  bool verify_hostname = true;   ///< check the certificate names `host`

  bool operator==(const TlsOptions&) const = default;
};

/// Exponential backoff with full jitter between reconnection attempts:
/// attempt n waits a random time in [0, min(max_backoff, initial_backoff * 2^n)].
struct ReconnectPolicy {
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  /// Attempts per outage before the call that noticed it returns kUnavailable.
  /// Nothing is dropped when it gives up: the next call tries again.
  /// 0 disables reconnection (a lost connection is reported at once).
  int max_attempts = 10;

  bool operator==(const ReconnectPolicy&) const = default;
};

/// How to reach one broker. The password is never logged, printed or put in
/// a Status message; describe() leaves it out.
struct ConnectionOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5672;  ///< 5671 is the usual AMQPS port
  std::string vhost = "/";
  std::string username = "guest";
  std::string password = "guest";
  /// Heartbeat interval proposed to the broker; 0 = none. rabbitmq-c reads
  /// and sends heartbeats only inside calls, so a client must be called at
  /// least every heartbeat / 2 or the broker will close the connection.
  std::chrono::seconds heartbeat{60};
  std::chrono::milliseconds connect_timeout{5000};  ///< TCP + TLS + AMQP handshake
  std::chrono::milliseconds rpc_timeout{30000};      ///< synchronous AMQP methods
  std::uint32_t frame_max = 131072;
  TlsOptions tls;
  ReconnectPolicy reconnect;
  /// Shown as connection_name in the broker's connection list.
  std::string connection_name = "libplatform";

  bool operator==(const ConnectionOptions&) const = default;
};

/// "amqp[s]://user@host:port/vhost": the address for messages, never the password.
PLATFORM_EXPORT std::string describe(const ConnectionOptions& options);

/// Checks the options (host, port, TLS files); kInvalidArgument naming the field.
PLATFORM_EXPORT Status validate(const ConnectionOptions& options);

}  // namespace platform::amqp
