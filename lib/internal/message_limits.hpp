// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one check of a message's header count, shared by the Kafka producer and
// the AMQP publisher, so both refuse alike (kInvalidArgument) before copying.

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::internal {

/// ok, or kInvalidArgument when `count` headers exceed kMaxMessageHeaders;
/// `where()` names the destination ("send to events"), built only on refusal.
template <typename Where>
Status check_header_count(std::size_t count, Where&& where) {
  if (count <= kMaxMessageHeaders) return {};
  return invalid_argument(where() + ": the message has " + std::to_string(count) + " headers; at most " +
                          std::to_string(kMaxMessageHeaders) +
                          " are sent (platform::kMaxMessageHeaders). Move bulk data into the payload");
}

}  // namespace platform::internal
