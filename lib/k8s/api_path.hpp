// SPDX-License-Identifier: Apache-2.0
#pragma once

// Splits an API request target into its parts, for messages and for the
// apply engine's bookkeeping.

#include <string>
#include <string_view>

namespace platform::k8s::internal {

struct ApiPath {
  std::string group;    // "" for /api
  std::string version;
  std::string ns;
  std::string plural;
  std::string name;
};

/// "/apis/kafka.strimzi.io/v1beta2/namespaces/k/kafkatopics/t?x=y" ->
/// {kafka.strimzi.io, v1beta2, k, kafkatopics, t}. Unknown shapes give empty parts.
inline ApiPath parse_api_path(std::string_view target) {
  ApiPath p;
  target = target.substr(0, target.find('?'));
  std::string_view parts[8];
  int n = 0;
  while (!target.empty() && n < 8) {
    if (target.front() == '/') {
      target.remove_prefix(1);
      continue;
    }
    auto slash = target.find('/');
    parts[n++] = target.substr(0, slash);
    if (slash == std::string_view::npos) break;
    target.remove_prefix(slash);
  }
  int i = 0;
  if (n > 0 && parts[0] == "api") {
    if (n > 1) p.version = parts[1];
    i = 2;
  } else if (n > 0 && parts[0] == "apis") {
    if (n > 1) p.group = parts[1];
    if (n > 2) p.version = parts[2];
    i = 3;
  } else {
    return p;
  }
  if (i < n && parts[i] == "namespaces" && i + 2 < n) {
    p.ns = parts[i + 1];
    i += 2;
  }
  if (i < n) p.plural = parts[i++];
  if (i < n) p.name = parts[i++];
  return p;
}

}  // namespace platform::k8s::internal
