// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the webhook's request authentication (HMAC-SHA256 signature
// header and bearer token checks) on arbitrary secret, body and header
// bytes. Properties: a body signed with a secret always verifies; a header
// that is not the signature never does; a bearer token matches exactly
// "Bearer <token>".
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flow/webhook_auth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace w = platform::flow::internal_webhook;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // secret \n header \n body
  std::size_t a = in.find('\n');
  std::string_view secret = in.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : in.substr(a + 1);
  std::size_t b = rest.find('\n');
  std::string_view header = rest.substr(0, b);
  std::string_view body = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);

  const std::string good = w::sign(secret, body);
  if (!w::signature_matches(secret, body, good)) std::abort();
  const bool matches = w::signature_matches(secret, body, header);
  if (matches) {
    // Only the signature itself (hex in either case) may match.
    if (header.size() != good.size()) std::abort();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(header[i])) != good[i]) std::abort();
    }
  }
  if (!secret.empty() && !w::bearer_matches(secret, "Bearer " + std::string(secret))) std::abort();
  (void)w::bearer_matches(secret, header);
  return 0;
}
