// SPDX-License-Identifier: Apache-2.0
#pragma once

// Private pieces of the webhook shared by its config loader, server and
// tests: where a route sends, and how its message key is taken.

#include <string>
#include <string_view>

#include "platform/flow/webhook.hpp"
#include "platform/status.hpp"

namespace platform::flow::internal_webhook {

/// Where a key (Kafka) or routing key (RabbitMQ) comes from.
struct KeySource {
  enum class Kind { kNone, kLiteral, kHeader, kJson };
  Kind kind = Kind::kNone;
  std::string value;  // literal, header name or JSON pointer
};

/// "header:X-Order-Id", "json:/id", a literal, or "" (none).
Result<KeySource> parse_key_source(std::string_view text, std::string_view param);

/// A route's parsed `to`.
struct Target {
  enum class Broker { kKafka, kRabbitMq };
  Broker broker = Broker::kKafka;
  std::string name;  // topic or exchange
  KeySource key;     // key (Kafka) or routing key (RabbitMQ)
};

/// Parses and checks route.to (scheme, parameters, key form).
Result<Target> parse_target(const WebhookRoute& route);

/// Paths the server answers itself.
inline bool reserved_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

/// "1Mi", "512Ki", "10M", "2048" -> bytes.
Result<std::size_t> parse_quantity(std::string_view text);
/// "500ms", "10s", "10m", "1h" -> milliseconds.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);
/// amqp[s]://user:password@host:port/vhost -> connection options (the
/// password is never put in an error message).
Result<amqp::ConnectionOptions> parse_amqp_url(std::string_view url);

}  // namespace platform::flow::internal_webhook
