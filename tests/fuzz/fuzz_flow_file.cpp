// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the flow file loader (every pattern, and the webhook flow
// reader with its checks), and each endpoint it names rendered again.
#include <cstdint>
#include <string_view>

#include "platform/flow/flow_file.hpp"
#include "platform/flow/webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace flow = platform::flow;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = flow::parse_flow_file(text, "fuzz-flow.yaml");
  if (file.ok()) {
    (void)flow::render_integration(*file, "user-fuzz");
  } else {
    (void)file.status().to_string();
  }
  auto hook = flow::parse_webhook_flow(text, "fuzz-webhook.yaml");
  if (hook.ok()) (void)flow::validate(*hook);
  return 0;
}
