// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// What the Kafka producer and consumer options share: the security settings
/// for the platform's TLS listener (9093) and optional SASL/PLAIN, the log
/// sink, and the (topic, partition) pair. Plain value types.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "platform/export.hpp"

namespace platform::kafka {

/// Security settings. Empty means plaintext, which is what the plain listener
/// (9092) and the embedded cluster speak. Secrets (`ssl_key_password`,
/// `sasl_password`) are never logged or printed: describe() and every log
/// line the library emits show "[redacted]" instead.
struct PLATFORM_EXPORT SecurityOptions {
  /// "plaintext", "ssl", "sasl_plaintext" or "sasl_ssl". Empty = derived:
  /// "ssl" when a CA/certificate is set, "sasl_*" when a SASL user is set.
  std::string protocol;
  std::string ssl_ca_location;           ///< PEM file of the CA that signed the brokers' certificates
  std::string ssl_certificate_location;  ///< client certificate (mutual TLS), optional
  std::string ssl_key_location;          ///< client private key, optional
  std::string ssl_key_password;          ///< secret: the key's passphrase
  std::string sasl_username;             ///< SASL/PLAIN user; empty = no SASL
  std::string sasl_password;             ///< secret: SASL/PLAIN password

  /// The effective security.protocol ("plaintext" when nothing is set).
  [[nodiscard]] std::string effective_protocol() const;
  /// True when the effective protocol is not plaintext.
  [[nodiscard]] bool secured() const { return effective_protocol() != "plaintext"; }
  bool operator==(const SecurityOptions&) const = default;
};

/// Severity of a log line (syslog numbering, as librdkafka uses).
enum class LogLevel : std::uint8_t { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };

/// Receives the client's log lines. Called from librdkafka's internal threads
/// and from the caller's thread; it must be thread-safe and must not call
/// back into the client. Secrets are already redacted.
using LogCallback = std::function<void(LogLevel level, std::string_view line)>;

/// The default sink: lines at kWarning or more severe go to stderr, prefixed
/// "platform.kafka". Thread-safe.
PLATFORM_EXPORT void default_log(LogLevel level, std::string_view line);

/// One partition of one topic.
struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  bool operator==(const TopicPartition&) const = default;
  auto operator<=>(const TopicPartition&) const = default;
};

}  // namespace platform::kafka
