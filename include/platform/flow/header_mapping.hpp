// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// The canonical, loss-free mapping between a Kafka record (platform::Message:
/// key, payload, ordered byte headers, timestamp) and an AMQP 0-9-1 message
/// (routing key, the 14 basic properties with a typed header table, body).
///
/// | Kafka side                         | AMQP side                                   |
/// |------------------------------------|---------------------------------------------|
/// | payload                            | body                                        |
/// | header `amqp.content-type`         | content_type (same for content-encoding, correlation-id, reply-to, expiration, message-id, type, user-id, app-id, cluster-id: text) |
/// | header `amqp.delivery-mode`        | delivery_mode ("1"/"2"; absent = 2, persistent) |
/// | header `amqp.priority`             | priority (decimal)                          |
/// | header `amqp.timestamp`            | timestamp (seconds, decimal)                |
/// | header `amqp.routing-key`          | routing key (absent: the key)               |
/// | key                                | routing key; header `kafka.key` (bytes) when they differ |
/// | timestamp (ms)                     | header `kafka.timestamp` (int64 ms)         |
/// | header `name` (any other)          | header `name`, long string ('S'), same bytes |
/// | header `amqp.typed.name` = `T:...` | header `name` of AMQP type T (any non-'S' type, see encode_field_value) |
///
/// Exactness: kafka_to_amqp() checks that amqp_to_kafka() of its result gives
/// the input back; when the table above cannot (duplicate names, a reserved
/// name with another meaning, headers in an order the inverse would not
/// produce) it adds one byte-array header `kafka.original` holding the whole
/// Kafka message, which amqp_to_kafka() restores first. The other direction
/// adds `amqp.original` the same way. So K->R->K and R->K->R return exactly
/// the input, always; the extra header appears only in the unusual cases.
/// Names reserved by the mapping: Kafka headers `amqp.*`, AMQP headers `kafka.*`.
/// W3C `traceparent`, `tracestate` and `baggage` are ordinary string headers
/// and cross unchanged.
///
/// All functions are pure and thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/amqp/properties.hpp"
#include "platform/export.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// The AMQP headers that carry a Kafka record's metadata (table above).
inline constexpr std::string_view kKafkaKeyHeader = "kafka.key";
inline constexpr std::string_view kKafkaTimestampHeader = "kafka.timestamp";

/// An AMQP message as the bridge publishes or receives it.
struct AmqpMessage {
  std::string routing_key;
  amqp::Properties properties;  ///< delivery_mode defaults to 2 (persistent)
  std::string body;
  bool operator==(const AmqpMessage&) const = default;
};

/// Where amqp_to_kafka() takes the Kafka key from when the message carries no
/// `kafka.key` header.
enum class KeySource : std::uint8_t {
  kRoutingKey,  ///< the routing key (default)
  kMessageId,   ///< properties.message_id, else the routing key
};

/// Removes the `kafka.key` and `kafka.timestamp` headers from `message`: for
/// a destination that wants no Kafka metadata (URI `kafkaMetadata=false`).
/// amqp_to_kafka() then takes the key from the routing key (or message id)
/// and gives no timestamp.
PLATFORM_EXPORT void drop_kafka_metadata(AmqpMessage& message);

/// Kafka record -> AMQP message (see the table above). Taken by value: pass
/// an rvalue and the payload moves into the body instead of being copied.
PLATFORM_EXPORT AmqpMessage kafka_to_amqp(Message message, KeySource key_source = KeySource::kRoutingKey);

/// AMQP message -> Kafka record (see the table above). Taken by value: pass
/// an rvalue (the bridges' per-message path) and the body moves into the
/// payload instead of being copied.
PLATFORM_EXPORT Message amqp_to_kafka(AmqpMessage message, KeySource key_source = KeySource::kRoutingKey);

/// A typed AMQP value as the text of an `amqp.typed.*` Kafka header: the AMQP
/// type letter, ':', then the value: decimal for integers, shortest
/// round-trip text for float/double, "true"/"false", "scale:value" for a
/// decimal, seconds for a timestamp, raw bytes for 'S' and 'x', and a binary
/// encoding for arrays and tables. E.g. `I:42`, `t:true`, `x:<bytes>`.
PLATFORM_EXPORT std::string encode_field_value(const amqp::FieldValue& value);

/// The inverse of encode_field_value(); kInvalidArgument when `text` is not
/// such an encoding.
PLATFORM_EXPORT Result<amqp::FieldValue> decode_field_value(std::string_view text);

}  // namespace platform::flow
