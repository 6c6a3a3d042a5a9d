// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the webhook's JSON body checks. The first input byte picks a
// JSON pointer, the rest is the body. Property: the fast path (simdjson with
// its fallback) gives nlohmann/json's verdict and key, except that a body
// with a NUL byte is never valid (nlohmann stops reading at a NUL).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flow/webhook_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace w = platform::flow::internal_webhook;
  if (size == 0) return 0;
  static constexpr std::string_view kPointers[] = {"", "/id", "/a/0", "/a~1b/c~0", "/0", "/"};
  const std::string_view pointer = kPointers[data[0] % std::size(kPointers)];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string fast_key, ref_key;
  const w::BodyJson fast = w::check_body_json(body, pointer, fast_key);
  if (body.find('\0') != std::string_view::npos) {
    if (fast != w::BodyJson::kInvalid) std::abort();
    return 0;
  }
  const w::BodyJson ref = w::check_body_json_reference(body, pointer, ref_key);
  if (fast != ref) std::abort();
  if (fast == w::BodyJson::kValid && fast_key != ref_key) std::abort();
  return 0;
}
