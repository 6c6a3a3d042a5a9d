// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Camel-style endpoint URIs, as flow files write them:
/// `kafka:events?groupId=g1`, `rabbitmq:orders?queue=orders-q&routingKey=new`.
/// Plain values; parsing is thread-safe.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// A parsed endpoint: `scheme:path?key=value&...`.
struct PLATFORM_EXPORT Endpoint {
  std::string scheme;                         ///< "kafka", "rabbitmq", "http", ...
  std::string path;                           ///< topic, exchange, queue or URL path
  std::map<std::string, std::string> params;  ///< percent-decoded query parameters

  /// The parameter `key`, if present.
  [[nodiscard]] std::optional<std::string> param(std::string_view key) const;
  /// The URI again, canonical (parameters sorted, reserved bytes escaped).
  [[nodiscard]] std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
};

/// Parses `uri`. Errors (kInvalidArgument, the message quoting the URI and
/// the position): no scheme, a scheme not in `[a-z][a-z0-9+.-]*`, an empty
/// path, an empty or repeated parameter name, a bad percent escape.
PLATFORM_EXPORT Result<Endpoint> parse_endpoint(std::string_view uri);

/// Checks that every parameter of `e` is one of `allowed`; the error names the
/// unknown one, the closest allowed name and the full list.
PLATFORM_EXPORT Status check_params(const Endpoint& e, const std::vector<std::string>& allowed);

}  // namespace platform::flow
