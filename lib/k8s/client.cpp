// SPDX-License-Identifier: Apache-2.0
#include "platform/k8s/client.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "k8s/api_path.hpp"
#include "platform/k8s/resources.hpp"

namespace platform::k8s {

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

namespace {

using nlohmann::json;

// The longest Retry-After the client waits between attempts.
constexpr std::chrono::seconds kMaxRetryAfter{60};

std::string verb_of(const HttpRequest& r, const internal::ApiPath& p) {
  if (r.method == "GET") {
    if (r.target.find("watch=1") != std::string::npos || r.target.find("watch=true") != std::string::npos) {
      return "watch";
    }
    return p.name.empty() ? "list" : "get";
  }
  if (r.method == "PATCH") return "patch";
  if (r.method == "DELETE") return p.name.empty() ? "deletecollection" : "delete";
  if (r.method == "POST") return "create";
  if (r.method == "PUT") return "update";
  return r.method;
}

std::string resource_phrase(const internal::ApiPath& p) {
  std::string s = p.plural.empty() ? std::string("the API") : p.plural;
  if (!p.group.empty()) s += "." + p.group;
  if (!p.name.empty()) s += " \"" + p.name + "\"";
  if (!p.ns.empty()) s += " in namespace \"" + p.ns + "\"";
  return s;
}

std::string who(const ClientOptions& o) {
  std::string s = "user \"" + (o.user.empty() ? std::string("<unnamed>") : o.user) + "\"";
  if (!o.context.empty()) s += " (context \"" + o.context + "\")";
  return s;
}

std::string subject(const HttpRequest& r, const internal::ApiPath& p) {
  return r.what.empty() ? resource_phrase(p) : r.what;
}

}  // namespace

Status status_from_http(const HttpRequest& request, const HttpResponse& response, const ClientOptions& options) {
  const internal::ApiPath p = internal::parse_api_path(request.target);
  json body = json::parse(response.body, nullptr, false);
  const bool is_status = body.is_object() && body.value("kind", "") == "Status";
  std::string server_message = is_status ? body.value("message", "") : response.body.substr(0, 300);
  while (!server_message.empty() && (server_message.back() == '\n' || server_message.back() == ' ')) {
    server_message.pop_back();
  }
  std::vector<Detail> details;
  if (is_status && body.contains("details") && body["details"].is_object()) {
    const json& d = body["details"];
    if (d.contains("causes") && d["causes"].is_array()) {
      for (const auto& c : d["causes"]) {
        if (!c.is_object()) continue;
        details.push_back(Detail{subject(request, p), c.value("field", ""), c.value("message", ""), c.value("reason", "")});
      }
    }
  }
  const std::string verb = verb_of(request, p);
  const std::string what = subject(request, p);
  const long code = response.status;
  switch (code) {
    case 400:
      return {StatusCode::kInvalidArgument, "the API server rejected " + what + ": " + server_message, details};
    case 401:
      return {StatusCode::kUnauthenticated,
              "the API server at " + options.server + " did not accept the credentials of " + who(options) +
                  " to " + verb + " " + what + ": " + server_message +
                  " (check the token or client certificate in kubeconfig, or log in again)"};
    case 403:
      return {StatusCode::kPermissionDenied,
              who(options) + " may not " + verb + " " + resource_phrase(p) + ": " + server_message +
                  " (grant the verb in a Role or ClusterRole; docs/apply.md lists what apply needs)"};
    case 404: {
      const bool object_missing = is_status && body.contains("details") && body["details"].is_object() &&
                                  !body["details"].value("name", "").empty();
      if (object_missing) return {StatusCode::kNotFound, server_message.empty() ? what + " not found" : server_message};
      std::string type = p.plural.empty() ? request.target : p.plural + (p.group.empty() ? "" : "." + p.group) +
                                                                   (p.version.empty() ? "" : "/" + p.version);
      std::string provider = provider_of_group(p.group);
      if (!provider.empty()) {
        return {StatusCode::kFailedPrecondition,
                "the API server does not serve " + type + " (needed for " + what + "): its CRD is missing; install " +
                    provider + " first"};
      }
      return {StatusCode::kNotFound, "the API server does not serve " + type + " (needed for " + what + ")"};
    }
    case 409: {
      if (is_status && body.value("reason", "") == "AlreadyExists") {
        return {StatusCode::kAlreadyExists, server_message};
      }
      std::string fields;
      for (const auto& d : details) {
        if (!fields.empty()) fields += ", ";
        fields += d.path + " (" + d.message + ")";
      }
      return {StatusCode::kAborted,
              "applying " + what + " conflicts with other field managers" + (fields.empty() ? ": " + server_message : ": " + fields) +
                  "; re-run with --force-conflicts to take these fields over, or stop setting them in the spec",
              details};
    }
    case 410:
      return {StatusCode::kAborted, "the resource version of " + what + " expired (410 Gone): " + server_message};
    case 415:
      return {StatusCode::kFailedPrecondition,
              "server-side apply is not available on " + options.server + " for " + what + ": " + server_message};
    case 422:
      return {StatusCode::kInvalidArgument, "the API server rejected " + what + " as invalid: " + server_message, details};
    case 429:
      return {StatusCode::kResourceExhausted,
              "the API server kept throttling requests (429) for " + what + ": " + server_message};
    default:
      break;
  }
  if (code >= 500) {
    return {StatusCode::kUnavailable,
            "the API server failed to " + verb + " " + what + " (HTTP " + std::to_string(code) + "): " + server_message};
  }
  return {StatusCode::kUnknown,
          "unexpected HTTP " + std::to_string(code) + " to " + verb + " " + what + ": " + server_message};
}

struct Client::Impl {
  ClientOptions options;
  std::shared_ptr<Transport> transport;
  std::size_t sent = 0;
  std::mt19937 rng{std::random_device{}()};

  void log(std::string_view line) const {
    if (options.log) {
      options.log(line);
    } else {
      std::cerr << line << "\n";
    }
  }

  void sleep(std::chrono::milliseconds d) const {
    if (options.sleep) {
      options.sleep(d);
    } else {
      std::this_thread::sleep_for(d);
    }
  }

  std::chrono::milliseconds backoff(int attempt) {
    auto base = options.initial_backoff * (1LL << std::min(attempt, 20));
    base = std::min<std::chrono::milliseconds>(base, options.max_backoff);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(base.count()) * jitter(rng)));
  }

  static bool retryable_http(long status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  void log_request(const HttpRequest& r) const {
    if (options.verbosity < 2) return;
    log("> " + r.method + " " + options.server + r.target);
    for (const auto& [n, v] : r.headers) log("> " + n + ": " + v);
    if (!r.body.empty()) {
      // Secrets' data is as sensitive as a token: never logged.
      bool secret = r.body.find("\"kind\":\"Secret\"") != std::string::npos;
      log("> " + (secret ? std::string("<Secret body redacted>") : r.body.substr(0, 4096)));
    }
  }

  void log_response(const HttpRequest& r, const Result<HttpResponse>& res,
                    std::chrono::steady_clock::duration took) const {
    if (options.verbosity < 1) return;
    auto ms = std::chrono::duration_cast<std::chrono::microseconds>(took).count() / 1000.0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    if (!res.ok()) {
      log(r.method + " " + r.target + " -> " + res.status().message() + " (" + buf + ")");
      return;
    }
    log(r.method + " " + r.target + " -> " + std::to_string(res->status) + " (" + buf + ")");
    if (options.verbosity >= 2 && !res->body.empty() && res->body.find("\"kind\":\"Secret\"") == std::string::npos) {
      log("< " + res->body.substr(0, 4096));
    }
  }
};

Result<Client> Client::create(ClientOptions options) {
  auto transport = make_curl_transport(options);
  if (!transport.ok()) return transport.status();
  return Client(std::move(options), std::shared_ptr<Transport>(std::move(*transport)));
}

Client::Client(ClientOptions options, std::shared_ptr<Transport> transport) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->transport = std::move(transport);
}

Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

const ClientOptions& Client::options() const { return impl_->options; }
std::size_t Client::requests_sent() const { return impl_->sent; }

Result<HttpResponse> Client::send(const HttpRequest& request) {
  Impl& m = *impl_;
  const int attempts = std::max(1, m.options.max_attempts);
  for (int attempt = 0;; ++attempt) {
    m.log_request(request);
    auto start = std::chrono::steady_clock::now();
    Result<HttpResponse> res = m.transport->send(request);
    ++m.sent;
    m.log_response(request, res, std::chrono::steady_clock::now() - start);
    const bool last = attempt + 1 >= attempts;
    if (!res.ok()) {
      if (res.status().code() != StatusCode::kUnavailable || last) return res.status();
      m.sleep(m.backoff(attempt));
      continue;
    }
    if (res->status >= 200 && res->status < 300) return res;
    if (!Impl::retryable_http(res->status) || last) return status_from_http(request, *res, m.options);
    std::chrono::milliseconds wait = m.backoff(attempt);
    std::string retry_after = res->header("retry-after");
    if (!retry_after.empty() && std::all_of(retry_after.begin(), retry_after.end(), ::isdigit)) {
      // Honoured, but bounded: a server asking for hours must not stall the caller.
      wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stoll(retry_after.substr(0, 6))),
                                                 kMaxRetryAfter);
    }
    if (m.options.verbosity >= 1) {
      m.log("retrying " + request.method + " " + request.target + " after HTTP " + std::to_string(res->status) +
            " in " + std::to_string(wait.count()) + " ms");
    }
    m.sleep(wait);
  }
}

Status Client::watch(const HttpRequest& request, const std::function<bool(std::string_view)>& on_event) {
  Impl& m = *impl_;
  std::string pending;
  bool stopped = false;
  std::function<bool(std::string_view)> on_data = [&](std::string_view chunk) {
    pending.append(chunk);
    std::size_t start = 0;
    for (;;) {
      auto nl = pending.find('\n', start);
      if (nl == std::string::npos) break;
      std::string_view line(pending.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      if (!on_event(line)) {
        stopped = true;
        return false;
      }
    }
    pending.erase(0, start);
    return true;
  };
  m.log_request(request);
  auto begin = std::chrono::steady_clock::now();
  Result<HttpResponse> res = m.transport->stream(request, on_data);
  ++m.sent;
  m.log_response(request, res, std::chrono::steady_clock::now() - begin);
  if (!res.ok()) {
    if (stopped && res.status().code() == StatusCode::kCancelled) return {};
    return res.status();
  }
  if (res->status < 200 || res->status >= 300) return status_from_http(request, *res, m.options);
  if (!pending.empty() && !stopped) on_event(pending);
  return {};
}

}  // namespace platform::k8s
