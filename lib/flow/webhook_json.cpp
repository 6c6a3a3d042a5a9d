// SPDX-License-Identifier: Apache-2.0
#include "flow/webhook_json.hpp"

#include <optional>

#include <nlohmann/json.hpp>
#include <simdjson.h>

namespace platform::flow::internal_webhook {

BodyJson check_body_json_reference(std::string_view body, std::string_view pointer, std::string& key) {
  if (pointer.empty()) return nlohmann::json::accept(body) ? BodyJson::kValid : BodyJson::kInvalid;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) return BodyJson::kInvalid;
  const nlohmann::json* found = nullptr;
  try {
    nlohmann::json::json_pointer ptr{std::string(pointer)};  // checked when the route was loaded
    // contains() throws for a token that is no index where the body has an
    // array (an empty or too long one): no key there either.
    if (!doc.contains(ptr)) return BodyJson::kNoKey;
    found = &doc[ptr];
  } catch (const nlohmann::json::exception&) {
    return BodyJson::kNoKey;
  }
  const auto& v = *found;
  if (v.is_null() || v.is_object() || v.is_array()) return BodyJson::kNoKey;
  key = v.is_string() ? v.get<std::string>() : v.dump();
  return BodyJson::kValid;
}

namespace {

// RFC 6901 as nlohmann/json resolves it: of duplicate object keys the last
// one counts (simdjson's at_pointer takes the first); an array index is
// digits without a leading zero.
std::optional<simdjson::dom::element> resolve(simdjson::dom::element at, std::string_view pointer) {
  std::string token;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // '/'
    const std::size_t end = pointer.find('/');
    const std::string_view raw = pointer.substr(0, end);
    pointer = end == std::string_view::npos ? std::string_view() : pointer.substr(end);
    token.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[++i] == '1' ? '/' : '~';
      } else {
        token += raw[i];
      }
    }
    simdjson::dom::object object;
    simdjson::dom::array array;
    if (at.get(object) == simdjson::SUCCESS) {
      bool found = false;
      for (auto field : object) {
        if (field.key == token) {
          at = field.value;
          found = true;
        }
      }
      if (!found) return std::nullopt;
    } else if (at.get(array) == simdjson::SUCCESS) {
      if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
      std::size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return std::nullopt;
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (array.at(index).get(at) != simdjson::SUCCESS) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return at;
}

}  // namespace

BodyJson check_body_json(std::string_view body, std::string_view pointer, std::string& key) {
  // One parser per I/O thread: it keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  switch (parser.parse(body.data(), body.size()).get(doc)) {
    case simdjson::SUCCESS:
      break;
    case simdjson::NUMBER_ERROR:         // also valid numbers beyond 64 bits
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::DEPTH_ERROR:          // nesting deeper than 1024
    case simdjson::CAPACITY:
      // A raw NUL is never JSON; nlohmann would stop reading there.
      if (body.find('\0') != std::string_view::npos) return BodyJson::kInvalid;
      return check_body_json_reference(body, pointer, key);
    default:
      return BodyJson::kInvalid;
  }
  if (pointer.empty()) return BodyJson::kValid;
  const auto v = resolve(doc, pointer);
  if (!v) return BodyJson::kNoKey;
  switch (v->type()) {
    case simdjson::dom::element_type::STRING:
      key.assign(std::string_view(v->get_string().value_unsafe()));
      return BodyJson::kValid;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::BOOL:
      key = simdjson::minify(*v);
      return BodyJson::kValid;
    case simdjson::dom::element_type::DOUBLE:
      // The text of a double as nlohmann writes it: a key must not depend on
      // which parser read the body.
      key = nlohmann::json(v->get_double().value_unsafe()).dump();
      return BodyJson::kValid;
    default:
      return BodyJson::kNoKey;
  }
}

}  // namespace platform::flow::internal_webhook
