// SPDX-License-Identifier: Apache-2.0
#include "kafka/handles.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>

namespace platform::kafka {

std::string SecurityOptions::effective_protocol() const {
  if (!protocol.empty()) {
    std::string p = protocol;
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return p;
  }
  const bool tls = !ssl_ca_location.empty() || !ssl_certificate_location.empty() || !ssl_key_location.empty();
  const bool sasl = !sasl_username.empty();
  if (sasl) return tls ? "sasl_ssl" : "sasl_plaintext";
  return tls ? "ssl" : "plaintext";
}

void default_log(LogLevel level, std::string_view line) {
  if (static_cast<int>(level) > static_cast<int>(LogLevel::kNotice)) return;
  static std::mutex mu;
  const char* name = level == LogLevel::kError ? "error" : level == LogLevel::kWarning ? "warning" : "notice";
  std::lock_guard lock(mu);
  std::cerr << "platform.kafka " << name << ": " << line << '\n';
}

}  // namespace platform::kafka

namespace platform::internal {

using platform::kafka::LogLevel;
using platform::kafka::SecurityOptions;

Status to_status(rd_kafka_resp_err_t err, std::string_view context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  StatusCode code = StatusCode::kUnknown;
  switch (err) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      code = StatusCode::kDeadlineExceeded;
      break;
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__DESTROY:
      code = StatusCode::kCancelled;
      break;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_GROUP:
      code = StatusCode::kNotFound;
      break;
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
      code = StatusCode::kResourceExhausted;
      break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      code = StatusCode::kPermissionDenied;
      break;
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__SSL:
      code = StatusCode::kUnauthenticated;
      break;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
      code = StatusCode::kUnavailable;
      break;
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR__BAD_MSG:
    case RD_KAFKA_RESP_ERR__INVALID_TYPE:
      code = StatusCode::kInvalidArgument;
      break;
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
      code = StatusCode::kAborted;
      break;
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__STATE:
    case RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER:
    case RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
      code = StatusCode::kFailedPrecondition;
      break;
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
      code = StatusCode::kDataLoss;
      break;
    default:
      break;
  }
  std::string message;
  if (!context.empty()) message.append(context).append(": ");
  message.append(rd_kafka_err2str(err)).append(" (").append(rd_kafka_err2name(err)).append(")");
  return Status(code, std::move(message));
}

Status to_status(ErrorHandle error, std::string_view context) {
  if (!error) return {};
  Status s = to_status(rd_kafka_error_code(error.get()), context);
  if (rd_kafka_error_is_fatal(error.get())) {
    return Status(StatusCode::kFailedPrecondition, s.message() + " [fatal: create a new client]");
  }
  return s;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 10)) {
      out.replace(pos, secret.size(), "[redacted]");
    }
  }
  return out;
}

void ClientContext::emit(LogLevel level, std::string_view line) const noexcept {
  try {
    std::string clean = secrets.empty() ? std::string(line) : redact(line, secrets);
    if (log) {
      log(level, clean);
    } else {
      platform::kafka::default_log(level, clean);
    }
  } catch (...) {
    // A log sink that throws loses its line; it must not unwind through C.
  }
}

namespace {

extern "C" void log_trampoline(const rd_kafka_t* rk, int level, const char* fac, const char* buf) noexcept {
  const auto* ctx = static_cast<const ClientContext*>(rd_kafka_opaque(rk));
  if (ctx == nullptr) return;
  const int clamped = std::clamp(level, 3, 7);
  try {
    std::string line = std::string("librdkafka ") + (fac ? fac : "") + ": " + (buf ? buf : "");
    ctx->emit(static_cast<LogLevel>(clamped), line);
  } catch (...) {
  }
}

std::mutex& registry_mutex() {
  static std::mutex mu;
  return mu;
}
std::multiset<std::string>& registry() {
  static std::multiset<std::string> addresses;
  return addresses;
}

std::vector<std::string> split_servers(std::string_view servers) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= servers.size()) {
    std::size_t end = servers.find(',', start);
    if (end == std::string_view::npos) end = servers.size();
    std::string item(servers.substr(start, end - start));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    out.push_back(item);
    start = end + 1;
  }
  return out;
}

// "host:port", "[v6]:port" or "proto://host:port".
bool valid_server(std::string_view s) {
  if (auto scheme = s.find("://"); scheme != std::string_view::npos) s.remove_prefix(scheme + 3);
  std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view port = s.substr(colon + 1);
  int value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && ptr == port.data() + port.size() && value >= 1 && value <= 65535;
}

}  // namespace

bool is_embedded_bootstrap(std::string_view servers) {
  std::lock_guard lock(registry_mutex());
  for (const std::string& s : split_servers(servers)) {
    if (registry().count(s) > 0) return true;
  }
  return false;
}

void register_embedded_bootstrap(const std::string& servers) {
  std::lock_guard lock(registry_mutex());
  for (const std::string& s : split_servers(servers)) registry().insert(s);
}

void unregister_embedded_bootstrap(const std::string& servers) {
  std::lock_guard lock(registry_mutex());
  for (const std::string& s : split_servers(servers)) {
    if (auto it = registry().find(s); it != registry().end()) registry().erase(it);
  }
}

Result<Bootstrap> resolve_bootstrap(const std::string& configured, const SecurityOptions& security,
                                    const ClientContext& ctx) {
  const std::string protocol = security.effective_protocol();
  static const std::set<std::string> kProtocols{"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"};
  if (kProtocols.count(protocol) == 0) {
    return invalid_argument("invalid Kafka security option",
                            {{"", "security.protocol",
                              "unknown protocol '" + security.protocol +
                                  "': use plaintext, ssl, sasl_plaintext or sasl_ssl", ""}});
  }
  const bool sasl = protocol.rfind("sasl_", 0) == 0;
  if (sasl && security.sasl_username.empty()) {
    return invalid_argument("invalid Kafka security option",
                            {{"", "security.sasl_username", "protocol " + protocol + " needs a SASL/PLAIN user", ""}});
  }
  if (!sasl && !security.sasl_username.empty()) {
    return invalid_argument("invalid Kafka security option",
                            {{"", "security.protocol",
                              "sasl_username is set but protocol is " + protocol + ": use sasl_ssl or sasl_plaintext",
                              ""}});
  }
  const std::pair<const char*, const std::string*> files[] = {
      {"security.ssl_ca_location", &security.ssl_ca_location},
      {"security.ssl_certificate_location", &security.ssl_certificate_location},
      {"security.ssl_key_location", &security.ssl_key_location}};
  for (const auto& [field, path] : files) {
    std::error_code ec;
    if (!path->empty() && !std::filesystem::is_regular_file(*path, ec)) {
      return invalid_argument("invalid Kafka security option",
                              {{*path, field, "no such file: give the path of a PEM file", ""}});
    }
  }

  Bootstrap out;
  if (configured.empty()) {
    if (security.secured()) {
      return Status(StatusCode::kFailedPrecondition,
                    "no bootstrap servers given, so the embedded Kafka cluster would be used, but it speaks "
                    "plaintext only (librdkafka mock: no TLS, no SASL). Remove the security options, or set "
                    "bootstrap_servers to a real cluster's TLS listener (port 9093)");
    }
    auto cluster = platform::kafka::EmbeddedCluster::shared();
    if (!cluster.ok()) return cluster.status();
    out.embedded = *cluster;
    out.servers = out.embedded->bootstrap_servers();
    ctx.emit(LogLevel::kNotice, "no bootstrap servers given: using the process's embedded Kafka cluster "
                                "(librdkafka mock, " + std::to_string(out.embedded->brokers()) +
                                    " brokers, plaintext, in memory) at " + out.servers);
    return out;
  }
  for (const std::string& server : split_servers(configured)) {
    if (!valid_server(server)) {
      return invalid_argument("invalid bootstrap servers",
                              {{"", "bootstrap_servers",
                                "'" + server + "' in '" + configured +
                                    "' is not host:port (comma-separated list, e.g. kafka-0:9092,kafka-1:9092)",
                                ""}});
    }
  }
  if (security.secured() && is_embedded_bootstrap(configured)) {
    return Status(StatusCode::kFailedPrecondition,
                  "bootstrap servers " + configured + " belong to the embedded Kafka cluster, which speaks plaintext "
                  "only (librdkafka mock: no TLS, no SASL). Remove the security options to use it, or point at a "
                  "real cluster's TLS listener (port 9093)");
  }
  out.servers = configured;
  return out;
}

std::vector<std::string> secrets_of(const SecurityOptions& security) {
  std::vector<std::string> out;
  if (!security.sasl_password.empty()) out.push_back(security.sasl_password);
  if (!security.ssl_key_password.empty()) out.push_back(security.ssl_key_password);
  return out;
}

namespace {
bool secret_key(std::string_view key) {
  return key.find("password") != std::string_view::npos || key.find("secret") != std::string_view::npos ||
         key.find("sasl.jaas") != std::string_view::npos || key.find("ssl.key.pem") != std::string_view::npos ||
         key.find("oauthbearer.config") != std::string_view::npos;
}
}  // namespace

std::string describe_common(const std::string& bootstrap, const std::string& client_id,
                            const SecurityOptions& security, const std::map<std::string, std::string>& extra) {
  std::string out = "bootstrap=" + (bootstrap.empty() ? std::string("<embedded>") : bootstrap);
  out += " client.id=" + client_id + " security=" + security.effective_protocol();
  if (!security.ssl_ca_location.empty()) out += " ssl.ca=" + security.ssl_ca_location;
  if (!security.ssl_certificate_location.empty()) out += " ssl.cert=" + security.ssl_certificate_location;
  if (!security.ssl_key_location.empty()) out += " ssl.key=" + security.ssl_key_location;
  if (!security.ssl_key_password.empty()) out += " ssl.key.password=[redacted]";
  if (!security.sasl_username.empty()) out += " sasl.user=" + security.sasl_username;
  if (!security.sasl_password.empty()) out += " sasl.password=[redacted]";
  for (const auto& [k, v] : extra) out += " " + k + "=" + (secret_key(k) ? std::string("[redacted]") : v);
  return out;
}

Result<ConfHandle> make_conf(const ClientContext& ctx, const std::string& bootstrap, const std::string& client_id,
                             const SecurityOptions& security,
                             const std::vector<std::pair<std::string, std::string>>& settings,
                             const std::map<std::string, std::string>& extra, std::string_view field_prefix) {
  ConfHandle conf(rd_kafka_conf_new());
  rd_kafka_conf_set_opaque(conf.get(), const_cast<ClientContext*>(&ctx));
  rd_kafka_conf_set_log_cb(conf.get(), &log_trampoline);
  char errstr[512];
  auto set = [&](const std::string& key, const std::string& value, const std::string& field) -> Status {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) == RD_KAFKA_CONF_OK) {
      return {};
    }
    std::string shown = secret_key(key) ? std::string("[redacted]") : value;
    return invalid_argument("invalid Kafka option",
                            {{"", std::string(field_prefix) + field,
                              std::string(errstr) + " (" + key + "=" + shown +
                                  "; see librdkafka CONFIGURATION.md for valid keys and values)",
                              ""}});
  };
  PLATFORM_RETURN_IF_ERROR(set("bootstrap.servers", bootstrap, "bootstrap_servers"));
  PLATFORM_RETURN_IF_ERROR(set("client.id", client_id.empty() ? "platform" : client_id, "client_id"));
  PLATFORM_RETURN_IF_ERROR(set("socket.nagle.disable", "true", "extra"));
  PLATFORM_RETURN_IF_ERROR(set("security.protocol", security.effective_protocol(), "security.protocol"));
  if (!security.ssl_ca_location.empty())
    PLATFORM_RETURN_IF_ERROR(set("ssl.ca.location", security.ssl_ca_location, "security.ssl_ca_location"));
  if (!security.ssl_certificate_location.empty())
    PLATFORM_RETURN_IF_ERROR(
        set("ssl.certificate.location", security.ssl_certificate_location, "security.ssl_certificate_location"));
  if (!security.ssl_key_location.empty())
    PLATFORM_RETURN_IF_ERROR(set("ssl.key.location", security.ssl_key_location, "security.ssl_key_location"));
  if (!security.ssl_key_password.empty())
    PLATFORM_RETURN_IF_ERROR(set("ssl.key.password", security.ssl_key_password, "security.ssl_key_password"));
  if (!security.sasl_username.empty()) {
    PLATFORM_RETURN_IF_ERROR(set("sasl.mechanisms", "PLAIN", "security.sasl_username"));
    PLATFORM_RETURN_IF_ERROR(set("sasl.username", security.sasl_username, "security.sasl_username"));
    PLATFORM_RETURN_IF_ERROR(set("sasl.password", security.sasl_password, "security.sasl_password"));
  }
  for (const auto& [key, value] : settings) PLATFORM_RETURN_IF_ERROR(set(key, value, key));
  for (const auto& [key, value] : extra) PLATFORM_RETURN_IF_ERROR(set(key, value, "extra[\"" + key + "\"]"));
  return conf;
}

Result<KafkaHandle> make_handle(rd_kafka_type_t type, ConfHandle conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) {
    return invalid_argument(std::string("cannot create the Kafka client: ") + errstr +
                            " (check the options; see librdkafka CONFIGURATION.md)");
  }
  conf.release();  // rd_kafka_new took it
  return KafkaHandle(rk);
}

HeadersHandle to_rd_headers(const std::vector<Header>& headers) {
  if (headers.empty()) return nullptr;
  HeadersHandle out(rd_kafka_headers_new(headers.size()));
  for (const Header& h : headers) {
    rd_kafka_header_add(out.get(), h.name.data(), static_cast<ssize_t>(h.name.size()), h.value.data(),
                        static_cast<ssize_t>(h.value.size()));
  }
  return out;
}

void to_message(const rd_kafka_message_t& in, Message& out) {
  // Every field is overwritten: `out` may be a reused record's message.
  if (in.key != nullptr) out.key.assign(static_cast<const char*>(in.key), in.key_len);
  else out.key.clear();
  if (in.payload != nullptr) out.payload.assign(static_cast<const char*>(in.payload), in.len);
  else out.payload.clear();
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  std::int64_t ts = rd_kafka_message_timestamp(&in, &type);
  if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0) out.timestamp_ms = ts;
  else out.timestamp_ms.reset();
  out.headers.clear();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&in, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers != nullptr) {
    const std::size_t n = rd_kafka_header_cnt(headers);
    out.headers.reserve(n);
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      out.headers.push_back({name, value ? std::string(static_cast<const char*>(value), size) : std::string()});
    }
  }
}

}  // namespace platform::internal
