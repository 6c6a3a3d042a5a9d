// SPDX-License-Identifier: Apache-2.0
#include "flow/webhook_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace platform::flow::internal_webhook {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest hmac_sha256(std::string_view key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &len);
  return out;
}

int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> read_secret(const std::string& env, const std::string& file, const char* what) {
  std::string value;
  if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (v == nullptr) {
      return invalid_argument(std::string(what) + ": environment variable " + env + " is not set");
    }
    value = v;
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return not_found(std::string(what) + ": cannot read the secret file " + file);
    std::ostringstream s;
    s << in.rdbuf();
    value = s.str();
    if (value.ends_with("\r\n")) value.resize(value.size() - 2);
    else if (value.ends_with('\n')) value.pop_back();
  }
  if (value.empty()) {
    return invalid_argument(std::string(what) + ": the secret from " + (env.empty() ? file : env) + " is empty");
  }
  return value;
}

}  // namespace

void init_crypto() { OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr); }

Result<RouteSecrets> load_secrets(const WebhookAuth& auth) {
  RouteSecrets s;
  if (!auth.hmac_secret_env.empty() || !auth.hmac_secret_file.empty()) {
    auto v = read_secret(auth.hmac_secret_env, auth.hmac_secret_file, "HMAC secret");
    if (!v.ok()) return v.status();
    s.hmac_secret = std::move(*v);
  }
  if (!auth.bearer_token_env.empty() || !auth.bearer_token_file.empty()) {
    auto v = read_secret(auth.bearer_token_env, auth.bearer_token_file, "bearer token");
    if (!v.ok()) return v.status();
    s.bearer_token = std::move(*v);
  }
  return s;
}

bool signature_matches(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix)) return false;
  std::string_view hex = header.substr(kPrefix.size());
  if (hex.size() != 2 * SHA256_DIGEST_LENGTH) return false;
  Digest given{};
  for (std::size_t i = 0; i < given.size(); ++i) {
    int hi = unhex(hex[2 * i]), lo = unhex(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  Digest expected = hmac_sha256(secret, body);
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string sign(std::string_view secret, std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  Digest d = hmac_sha256(secret, body);
  std::string out = "sha256=";
  for (unsigned char c : d) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool bearer_matches(std::string_view token, std::string_view authorization) {
  if (authorization.size() < 7) return false;
  std::string scheme(authorization.substr(0, 7));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return false;
  std::string_view given = authorization.substr(7);
  // Compare digests, so the time taken does not depend on where the tokens
  // differ nor on their lengths.
  static constexpr std::string_view kKey = "platform.webhook.bearer";
  Digest a = hmac_sha256(kKey, given);
  Digest b = hmac_sha256(kKey, token);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace platform::flow::internal_webhook
