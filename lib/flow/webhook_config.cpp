// SPDX-License-Identifier: Apache-2.0
// The webhook part of a flow file, and the checks WebhookOptions get once.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "flow/webhook_internal.hpp"
#include "internal/text.hpp"
#include "internal/yaml_json.hpp"
#include "platform/flow/endpoint.hpp"

namespace platform::flow {
namespace internal_webhook {

Result<KeySource> parse_key_source(std::string_view text, std::string_view param) {
  KeySource k;
  if (text.empty()) return k;
  auto bad = [&](const std::string& what) {
    return invalid_argument(std::string(param) + "=" + std::string(text) + ": " + what +
                            "; write header:<Name> (a request header), json:<pointer> (a field of the JSON "
                            "body, e.g. json:/id) or a fixed value");
  };
  if (text.starts_with("header:")) {
    k.kind = KeySource::Kind::kHeader;
    k.value = std::string(text.substr(7));
    if (k.value.empty()) return bad("no header name");
    for (char c : k.value) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return bad("not a header name");
    }
  } else if (text.starts_with("json:")) {
    k.kind = KeySource::Kind::kJson;
    k.value = std::string(text.substr(5));
    if (k.value.empty() || k.value.front() != '/') return bad("a JSON pointer starts with '/'");
    try {
      (void)nlohmann::json::json_pointer(k.value);
    } catch (const std::exception& e) {
      return bad(std::string("not a JSON pointer (") + e.what() + ")");
    }
  } else {
    k.kind = KeySource::Kind::kLiteral;
    k.value = std::string(text);
  }
  return k;
}

Result<Target> parse_target(const WebhookRoute& route) {
  auto where = [&] { return "route " + route.method + " " + route.path + ": to: "; };
  auto e = parse_endpoint(route.to);
  if (!e.ok()) return invalid_argument(where() + e.status().message());
  Target t;
  t.name = e->path;
  std::string key_param;
  if (e->scheme == "kafka") {
    t.broker = Target::Broker::kKafka;
    key_param = "key";
  } else if (e->scheme == "rabbitmq") {
    t.broker = Target::Broker::kRabbitMq;
    key_param = "routingKey";
  } else {
    return invalid_argument(where() + "scheme '" + e->scheme +
                            "' is not a webhook target; use kafka:<topic> or rabbitmq:<exchange>");
  }
  if (Status s = check_params(*e, {key_param}); !s.ok()) return invalid_argument(where() + s.message());
  auto key = parse_key_source(e->param(key_param).value_or(""), key_param);
  if (!key.ok()) return invalid_argument(where() + key.status().message());
  t.key = std::move(*key);
  return t;
}

Result<std::size_t> parse_quantity(std::string_view text) {
  static constexpr std::pair<std::string_view, std::size_t> kUnits[] = {
      {"Ki", 1ull << 10}, {"Mi", 1ull << 20}, {"Gi", 1ull << 30}, {"k", 1000},
      {"K", 1000},        {"M", 1000000},     {"G", 1000000000},  {"", 1}};
  for (const auto& [suffix, factor] : kUnits) {
    if (!text.ends_with(suffix)) continue;
    std::string_view digits = text.substr(0, text.size() - suffix.size());
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) break;
    return n * factor;
  }
  return invalid_argument("'" + std::string(text) + "' is not a size; write bytes or a number with Ki, Mi, Gi, K, M, G");
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  static constexpr std::pair<std::string_view, long long> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  for (const auto& [suffix, factor] : kUnits) {
    if (!text.ends_with(suffix)) continue;
    std::string_view digits = text.substr(0, text.size() - suffix.size());
    long long n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || n < 0) continue;
    return std::chrono::milliseconds(n * factor);
  }
  return invalid_argument("'" + std::string(text) + "' is not a duration; write e.g. 500ms, 10s, 10m or 1h");
}

namespace {

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

Result<amqp::ConnectionOptions> parse_amqp_url(std::string_view url) {
  amqp::ConnectionOptions o;
  auto bad = [&](const std::string& what) {
    // Never echo the URL: it may carry the password.
    return invalid_argument("rabbitmq url: " + what + "; write amqp://user:password@host:port/vhost");
  };
  std::string_view rest;
  if (url.starts_with("amqp://")) {
    rest = url.substr(7);
  } else if (url.starts_with("amqps://")) {
    rest = url.substr(8);
    o.tls.enabled = true;
    o.port = 5671;
  } else {
    return bad("the scheme must be amqp:// or amqps://");
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.size() > authority.size() ? rest.substr(authority.size() + 1) : std::string_view{};
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = user.find(':');
    o.username = percent_decode(user.substr(0, colon));
    o.password = colon == std::string_view::npos ? "" : percent_decode(user.substr(colon + 1));
  }
  std::string_view host = authority;
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) return bad("bad port");
    o.port = static_cast<std::uint16_t>(v);
  }
  if (host.empty()) return bad("no host");
  o.host = std::string(host);
  o.vhost = path.empty() ? "/" : percent_decode(path);
  return o;
}

}  // namespace internal_webhook

namespace {

using internal::Json;
using namespace internal_webhook;

std::string route_name(const WebhookRoute& r) { return r.method + " " + r.path; }

Status check_secret_source(const std::string& what, const std::string& env, const std::string& file) {
  if (!env.empty() && !file.empty()) {
    return invalid_argument(what + ": set either the environment variable or the file, not both");
  }
  if (!file.empty() && !std::filesystem::exists(file)) {
    return invalid_argument(what + ": the secret file " + file + " does not exist");
  }
  return {};
}

// Reads the webhook flow document, collecting every problem with its location.
class FlowReader {
 public:
  FlowReader(const internal::YamlDocument& doc, internal::YamlParseOptions po, std::filesystem::path base)
      : doc_(doc), po_(std::move(po)), base_(std::move(base)) {}

  Result<WebhookOptions> read() {
    WebhookOptions o;
    o.source = po_.source_name;
    const Json& root = doc_.value;
    if (!root.is_object()) return fail("", "a flow file is a mapping with apiVersion, kind, metadata and spec");
    keys(root, "", {"apiVersion", "kind", "metadata", "spec"});
    // Not Json::value(): it throws when the key holds another type.
    auto text_of = [&](const char* key) {
      auto it = root.find(key);
      return it != root.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (text_of("apiVersion") != "libplatform.io/v1") problem("/apiVersion", "apiVersion must be libplatform.io/v1");
    if (text_of("kind") != "Flow") problem("/kind", "kind must be Flow");
    if (const Json* md = object(root, "metadata", "")) {
      keys(*md, "/metadata", {"name", "namespace", "labels", "annotations"});
      if (auto n = string(*md, "name", "/metadata")) o.name = *n;
    }
    const Json* spec = object(root, "spec", "");
    if (spec == nullptr) {
      problem("/spec", "spec is required");
      return finish(std::move(o));
    }
    keys(*spec, "/spec", {"pattern", "http", "routes", "kafka", "rabbitmq"});
    auto pattern = string(*spec, "pattern", "/spec");
    if (pattern && *pattern != "webhook") {
      problem("/spec/pattern", "pattern is '" + *pattern + "'; this loader reads pattern: webhook flows");
    } else if (!pattern) {
      problem("/spec", "spec.pattern is required (webhook)");
    }
    if (const Json* http = object(*spec, "http", "/spec")) read_http(*http, o);
    if (const Json* k = object(*spec, "kafka", "/spec")) {
      keys(*k, "/spec/kafka", {"bootstrapServers", "properties"});
      if (auto b = string(*k, "bootstrapServers", "/spec/kafka")) o.kafka_bootstrap_servers = *b;
      if (const Json* props = object(*k, "properties", "/spec/kafka")) {
        // Raw librdkafka properties, as the flow loader reads spec.kafka.consumer/producer.
        for (const auto& [name, value] : props->items()) {
          if (auto text = internal::scalar_text(value)) {
            o.kafka_extra[name] = std::move(*text);
          } else {
            problem("/spec/kafka/properties/" + name, "must be a string, number or boolean (a librdkafka property)");
          }
        }
      }
    }
    if (const Json* r = object(*spec, "rabbitmq", "/spec")) {
      keys(*r, "/spec/rabbitmq", {"url", "urlEnv"});
      std::string url;
      if (auto u = string(*r, "url", "/spec/rabbitmq")) url = *u;
      if (auto env = string(*r, "urlEnv", "/spec/rabbitmq")) {
        const char* v = std::getenv(env->c_str());
        if (v == nullptr) problem("/spec/rabbitmq/urlEnv", "environment variable " + *env + " is not set");
        else url = v;
      }
      if (!url.empty()) {
        auto c = parse_amqp_url(url);
        if (c.ok()) o.rabbitmq = std::move(*c);
        else problem("/spec/rabbitmq", c.status().message());
      }
    }
    auto routes = spec->find("routes");
    if (routes == spec->end() || !routes->is_array() || routes->empty()) {
      problem("/spec/routes", "spec.routes must be a non-empty list of routes (path, method, to)");
    } else {
      for (std::size_t i = 0; i < routes->size(); ++i) read_route((*routes)[i], "/spec/routes/" + std::to_string(i), o);
    }
    return finish(std::move(o));
  }

 private:
  void read_http(const Json& http, WebhookOptions& o) {
    const std::string p = "/spec/http";
    keys(http, p, {"address", "port", "threads", "bodyLimit", "headerLimit", "maxConnections", "maxPending", "headerTimeout",
                   "bodyTimeout", "ackTimeout", "retryAfter", "idempotencyWindow", "idempotencyMaxKeys",
                   "shutdownTimeout"});
    if (auto a = string(http, "address", p)) o.address = *a;
    if (auto v = integer(http, "port", p, 0, 65535)) o.port = static_cast<std::uint16_t>(*v);
    if (auto v = integer(http, "threads", p, 1, 64)) o.threads = static_cast<int>(*v);
    if (auto v = integer(http, "maxConnections", p, 1, 1000000)) o.max_connections = static_cast<std::size_t>(*v);
    if (auto v = integer(http, "maxPending", p, 1, 10000000)) o.max_pending = static_cast<std::size_t>(*v);
    if (auto v = integer(http, "idempotencyMaxKeys", p, 0, 100000000)) o.idempotency_max_keys = static_cast<std::size_t>(*v);
    if (auto v = quantity(http, "bodyLimit", p)) o.body_limit = *v;
    if (auto v = quantity(http, "headerLimit", p)) o.header_limit = *v;
    if (auto v = duration(http, "headerTimeout", p)) o.header_timeout = *v;
    if (auto v = duration(http, "bodyTimeout", p)) o.body_timeout = *v;
    if (auto v = duration(http, "ackTimeout", p)) o.ack_timeout = *v;
    if (auto v = duration(http, "retryAfter", p)) o.retry_after = std::chrono::duration_cast<std::chrono::seconds>(*v);
    if (auto v = duration(http, "idempotencyWindow", p)) o.idempotency_window = *v;
    if (auto v = duration(http, "shutdownTimeout", p)) o.shutdown_timeout = *v;
  }

  void read_route(const Json& r, const std::string& p, WebhookOptions& o) {
    if (!r.is_object()) {
      problem(p, "a route is a mapping with path, method and to");
      return;
    }
    keys(r, p, {"path", "method", "to", "contentTypes", "validateJson", "auth", "dryRun"});
    WebhookRoute route;
    if (auto v = string(r, "path", p)) route.path = *v;
    else problem(p, "path is required");
    if (auto v = string(r, "method", p)) route.method = *v;
    if (auto v = string(r, "to", p)) route.to = *v;
    else problem(p, "to is required (kafka:<topic> or rabbitmq:<exchange>)");
    if (auto ct = r.find("contentTypes"); ct != r.end()) {
      if (!ct->is_array()) problem(p + "/contentTypes", "contentTypes is a list of media types");
      else
        for (std::size_t i = 0; i < ct->size(); ++i) {
          if ((*ct)[i].is_string()) route.content_types.push_back((*ct)[i].get<std::string>());
          else problem(p + "/contentTypes/" + std::to_string(i), "a media type is a string");
        }
    }
    if (auto v = boolean(r, "validateJson", p)) route.validate_json = *v;
    if (auto v = boolean(r, "dryRun", p)) route.dry_run = *v;
    if (const Json* a = object(r, "auth", p)) {
      const std::string ap = p + "/auth";
      keys(*a, ap, {"hmacSecretEnv", "hmacSecretFile", "hmacHeader", "bearerTokenEnv", "bearerTokenFile"});
      if (auto v = string(*a, "hmacSecretEnv", ap)) route.auth.hmac_secret_env = *v;
      if (auto v = string(*a, "hmacSecretFile", ap)) route.auth.hmac_secret_file = relative(*v);
      if (auto v = string(*a, "hmacHeader", ap)) route.auth.hmac_header = *v;
      if (auto v = string(*a, "bearerTokenEnv", ap)) route.auth.bearer_token_env = *v;
      if (auto v = string(*a, "bearerTokenFile", ap)) route.auth.bearer_token_file = relative(*v);
    }
    // Route-level checks, located at the route.
    if (!route.path.empty() && !route.to.empty()) {
      if (auto t = parse_target(route); !t.ok()) problem(p + "/to", t.status().message());
      WebhookOptions one;
      one.routes.push_back(route);
      one.rabbitmq = o.rabbitmq;
      if (Status s = validate(one); !s.ok() && s.message().find(" to: ") == std::string::npos) {
        problem(p, s.message());
      }
    }
    o.routes.push_back(std::move(route));
  }

  std::string relative(const std::string& file) const {
    std::filesystem::path f(file);
    if (f.is_absolute() || base_.empty()) return file;
    return (base_ / f).lexically_normal().string();
  }

  std::string where(const std::string& pointer) const {
    return internal::location(po_, doc_.mark_of(pointer));
  }

  void problem(const std::string& pointer, const std::string& message) {
    std::string path = pointer.empty() ? "" : pointer.substr(1);
    std::replace(path.begin(), path.end(), '/', '.');
    problems_.push_back(Detail{where(pointer), path, message, ""});
  }

  Result<WebhookOptions> fail(const std::string& pointer, const std::string& message) {
    problem(pointer, message);
    return finish(WebhookOptions{});
  }

  Result<WebhookOptions> finish(WebhookOptions o) {
    if (problems_.empty()) {
      if (Status s = validate(o); !s.ok()) return Status(s.code(), po_.source_name + ": " + s.message());
      return o;
    }
    std::string first = problems_.front().location + ": " + problems_.front().message;
    std::string message = po_.source_name + ": " + std::to_string(problems_.size()) + " problem" +
                          (problems_.size() == 1 ? "" : "s") + " in the webhook flow; first: " + first;
    return invalid_argument(std::move(message), std::move(problems_));
  }

  void keys(const Json& obj, const std::string& p, std::vector<std::string_view> allowed) {
    for (const auto& [name, value] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
      std::string message = "unknown key '" + name + "'";
      std::string guess = internal::did_you_mean(name, allowed);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      message += " (known keys here: " + list + ")";
      problem(p + "/" + name, message);
    }
  }

  const Json* object(const Json& obj, const char* key, const std::string& p) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (!it->is_object()) {
      problem(p + "/" + key, std::string(key) + " must be a mapping");
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> string(const Json& obj, const char* key, const std::string& p) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      problem(p + "/" + key, std::string(key) + " must be a string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<bool> boolean(const Json& obj, const char* key, const std::string& p) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      problem(p + "/" + key, std::string(key) + " must be true or false");
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::optional<long long> integer(const Json& obj, const char* key, const std::string& p, long long lo,
                                   long long hi) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi) {
      problem(p + "/" + key, std::string(key) + " must be a whole number from " + std::to_string(lo) + " to " +
                                 std::to_string(hi));
      return std::nullopt;
    }
    return it->get<long long>();
  }

  // A value written as text with a unit ("1Mi", "10s"), read by `parse`.
  template <typename Parse>
  auto with_unit(const Json& obj, const char* key, const std::string& p, Parse parse)
      -> std::optional<std::remove_cvref_t<decltype(*parse(std::string_view{}))>> {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    auto v = parse(text);
    if (!v.ok()) {
      problem(p + "/" + key, std::string(key) + ": " + v.status().message());
      return std::nullopt;
    }
    return *v;
  }
  std::optional<std::size_t> quantity(const Json& obj, const char* key, const std::string& p) {
    return with_unit(obj, key, p, parse_quantity);
  }
  std::optional<std::chrono::milliseconds> duration(const Json& obj, const char* key, const std::string& p) {
    return with_unit(obj, key, p, parse_duration);
  }

  const internal::YamlDocument& doc_;
  internal::YamlParseOptions po_;
  std::filesystem::path base_;
  std::vector<Detail> problems_;
};

Result<WebhookOptions> parse_flow(std::string_view yaml, std::string_view source_name, std::filesystem::path base) {
  internal::YamlParseOptions po;
  po.source_name = std::string(source_name);
  po.record_marks = true;
  auto docs = internal::parse_yaml_stream(yaml, po);
  if (!docs.ok()) return docs.status();
  if (docs->size() != 1) {
    return invalid_argument(po.source_name + ": a webhook flow file holds exactly one document (found " +
                            std::to_string(docs->size()) + ")");
  }
  return FlowReader((*docs)[0], po, std::move(base)).read();
}

}  // namespace

Status validate(const WebhookOptions& o) {
  auto bad = [](const std::string& m) { return invalid_argument(m); };
  if (o.routes.empty()) return bad("no routes: a webhook needs at least one route");
  if (o.threads < 1) return bad("threads must be at least 1");
  if (o.body_limit == 0) return bad("bodyLimit must be above 0");
  if (o.header_limit < 1024) return bad("headerLimit must be at least 1Ki");
  if (o.max_connections == 0) return bad("maxConnections must be above 0");
  if (o.max_pending == 0) return bad("maxPending must be above 0");
  if (o.header_timeout.count() <= 0 || o.body_timeout.count() <= 0 || o.ack_timeout.count() <= 0) {
    return bad("headerTimeout, bodyTimeout and ackTimeout must be above 0");
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const WebhookRoute& r : o.routes) {
    const std::string name = route_name(r);
    if (r.path.empty() || r.path.front() != '/') return bad("route " + name + ": path must start with '/'");
    if (r.path.find_first_of("?# ") != std::string::npos) {
      return bad("route " + name + ": path must not contain '?', '#' or spaces (routes match the path only)");
    }
    if (reserved_path(r.path)) return bad("route " + name + ": " + r.path + " is served by the webhook itself");
    if (r.method.empty() || !std::all_of(r.method.begin(), r.method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return bad("route " + name + ": method must be an upper-case HTTP method such as POST or PUT");
    }
    if (!seen.insert({r.path, r.method}).second) return bad("route " + name + " is declared twice");
    auto t = parse_target(r);
    if (!t.ok()) return t.status();
    if (Status s = check_secret_source("route " + name + ": auth.hmacSecret", r.auth.hmac_secret_env,
                                       r.auth.hmac_secret_file);
        !s.ok()) {
      return s;
    }
    if (Status s = check_secret_source("route " + name + ": auth.bearerToken", r.auth.bearer_token_env,
                                       r.auth.bearer_token_file);
        !s.ok()) {
      return s;
    }
    if (r.auth.hmac_header.empty()) return bad("route " + name + ": auth.hmacHeader must not be empty");
  }
  return {};
}

Result<WebhookOptions> parse_webhook_flow(std::string_view yaml, std::string_view source_name) {
  return parse_flow(yaml, source_name, {});
}

Result<WebhookOptions> load_webhook_flow(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("flow file " + path + " cannot be read (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_flow(text.str(), path, std::filesystem::path(path).parent_path());
}

}  // namespace platform::flow
