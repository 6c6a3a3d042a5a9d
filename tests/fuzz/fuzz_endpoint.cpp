// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the Camel-style endpoint URI parser. Property checked on
// success: the canonical form parses back to the same endpoint.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "platform/flow/endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace flow = platform::flow;
  std::string_view uri(reinterpret_cast<const char*>(data), size);
  auto e = flow::parse_endpoint(uri);
  if (!e.ok()) {
    (void)e.status().to_string();
    return 0;
  }
  (void)flow::check_params(*e, {"groupId", "queue", "routingKey"});
  auto back = flow::parse_endpoint(e->to_string());
  if (!back.ok() || !(*back == *e)) std::abort();
  return 0;
}
