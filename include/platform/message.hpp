// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// The message every data-flow helper moves: a key, a payload and ordered
/// headers. Kafka records and AMQP deliveries both convert to and from it.
/// A plain value type.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace platform {

/// One header. Values are bytes (Kafka headers are binary); names may repeat.
struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

/// The most headers a message may carry when it is sent: Producer::send and
/// Publisher::publish refuse more (kInvalidArgument) before copying any. AMQP
/// puts all headers in one content-header frame (128 KiB by default) and a
/// Kafka record batch in message.max.bytes (1 MiB); neither has room for
/// more than a few thousand small headers.
inline constexpr std::size_t kMaxMessageHeaders = 1000;

/// A message: key, payload, ordered headers and an optional timestamp.
struct Message {
  std::string key;      ///< Kafka key / AMQP routing key or message id; may be empty
  std::string payload;  ///< the body, as bytes
  std::vector<Header> headers;
  std::optional<std::int64_t> timestamp_ms;  ///< creation time, ms since the epoch

  /// The first header named `name`, if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    for (const Header& h : headers) {
      if (h.name == name) return std::string_view(h.value);
    }
    return std::nullopt;
  }
  bool operator==(const Message&) const = default;
};

}  // namespace platform
