// SPDX-License-Identifier: Apache-2.0
#pragma once

// Route authentication: HMAC-SHA256 body signatures and bearer tokens, both
// compared in constant time (OpenSSL's CRYPTO_memcmp). Secrets live only in
// RouteSecrets and are never formatted into a message.

#include <string>
#include <string_view>

#include "platform/flow/webhook.hpp"
#include "platform/status.hpp"

namespace platform::flow::internal_webhook {

/// The secrets of one route, read once at start.
struct RouteSecrets {
  std::string hmac_secret;   // empty = no signature check
  std::string bearer_token;  // empty = no token check
};

/// Initialises OpenSSL before the server's I/O threads exist. OpenSSL frees a
/// thread's state when the thread ends, unless its at-exit clean-up ran first:
/// initialising it here registers that clean-up before the Webhook exists, so
/// a Webhook destroyed at exit (a static one) stops its threads before
/// OpenSSL goes away and their state is freed, not leaked.
void init_crypto();

/// Reads the secrets `auth` names. Errors name the variable or file, never
/// the value: kInvalidArgument (unset variable, empty secret), kNotFound
/// (unreadable file).
Result<RouteSecrets> load_secrets(const WebhookAuth& auth);

/// True when `header` is "sha256=<hex of HMAC-SHA256(secret, body)>"
/// (hex in either case).
bool signature_matches(std::string_view secret, std::string_view body, std::string_view header);

/// "sha256=<lower-case hex>" for `body`: what a sender puts in the header.
std::string sign(std::string_view secret, std::string_view body);

/// True when `authorization` is "Bearer <token>" (scheme case-insensitive).
bool bearer_matches(std::string_view token, std::string_view authorization);

}  // namespace platform::flow::internal_webhook
