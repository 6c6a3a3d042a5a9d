// SPDX-License-Identifier: Apache-2.0
#include "platform/flow/endpoint.hpp"

#include <algorithm>
#include <cctype>

#include "internal/text.hpp"
#include "internal/yaml_json.hpp"

namespace platform::flow {
namespace {

Status bad(std::string_view uri, std::size_t pos, const std::string& what) {
  return invalid_argument("endpoint '" + std::string(uri) + "' (at character " + std::to_string(pos + 1) +
                          "): " + what + "; write endpoints as scheme:path?key=value&key=value, e.g. "
                          "kafka:events?groupId=g1");
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(std::string_view uri, std::size_t offset, std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return bad(uri, offset + i, "incomplete percent escape");
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return bad(uri, offset + i, "bad percent escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  // Endpoint parts end up in JSON (flow render, metrics labels): bytes that
  // are not UTF-8 would make every dump throw.
  if (std::size_t at = internal::invalid_utf8_at(out); at != std::string_view::npos) {
    return bad(uri, offset, "this part decodes to bytes that are not UTF-8 (byte " + std::to_string(at + 1) +
                                "); percent-encode UTF-8 text only");
  }
  return out;
}

std::string encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> Endpoint::param(std::string_view key) const {
  auto it = params.find(std::string(key));
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::string Endpoint::to_string() const {
  std::string out = scheme + ":" + encode(path);
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += sep;
    out += encode(k) + "=" + encode(v);
    sep = '&';
  }
  return out;
}

Result<Endpoint> parse_endpoint(std::string_view uri) {
  std::size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return bad(uri, 0, "missing scheme");
  Endpoint e;
  e.scheme = std::string(uri.substr(0, colon));
  if (!std::islower(static_cast<unsigned char>(e.scheme[0]))) return bad(uri, 0, "the scheme must start with a-z");
  for (std::size_t i = 0; i < e.scheme.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(e.scheme[i]);
    if (!(std::islower(c) || std::isdigit(c) || c == '+' || c == '.' || c == '-')) {
      return bad(uri, i, "the scheme may hold only a-z, 0-9, '+', '.', '-'");
    }
  }
  std::string_view rest = uri.substr(colon + 1);
  std::size_t q = rest.find('?');
  std::string_view raw_path = rest.substr(0, q);
  if (raw_path.empty()) return bad(uri, colon + 1, "empty path (a topic, queue or exchange name is needed)");
  auto path = decode(uri, colon + 1, raw_path);
  if (!path.ok()) return path.status();
  e.path = std::move(*path);
  if (q == std::string_view::npos) return e;
  std::size_t base = colon + 1 + q + 1;
  std::string_view query = rest.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    std::string_view pair = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (pair.empty()) return bad(uri, base + pos, "empty parameter");
    std::size_t eq = pair.find('=');
    auto key = decode(uri, base + pos, pair.substr(0, eq));
    if (!key.ok()) return key.status();
    if (key->empty()) return bad(uri, base + pos, "parameter without a name");
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = decode(uri, base + pos + eq + 1, pair.substr(eq + 1));
      if (!v.ok()) return v.status();
      value = std::move(*v);
    }
    if (!e.params.emplace(*key, std::move(value)).second) {
      return bad(uri, base + pos, "parameter '" + *key + "' given twice");
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return e;
}

Status check_params(const Endpoint& e, const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : e.params) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string msg = "endpoint '" + e.to_string() + "': unknown parameter '" + key + "' for " + e.scheme + ":";
    std::string near = internal::did_you_mean(key, std::vector<std::string_view>(allowed.begin(), allowed.end()));
    if (!near.empty()) msg += " did you mean '" + near + "'?";
    msg += " (known: ";
    for (std::size_t i = 0; i < allowed.size(); ++i) msg += (i ? ", " : "") + allowed[i];
    return invalid_argument(msg + ")");
  }
  return {};
}

}  // namespace platform::flow
