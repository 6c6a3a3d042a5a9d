// SPDX-License-Identifier: Apache-2.0
#include "platform/flow/flow_file.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "flow/runtime.hpp"
#include "flow/transform.hpp"
#include "flow/yaml_check.hpp"
#include "platform/flow/bridge.hpp"

namespace platform::flow {

using internal::DocContext;
using internal::Json;

const char* to_string(Pattern pattern) noexcept {
  switch (pattern) {
    case Pattern::kProcess: return "process";
    case Pattern::kTransform: return "transform";
    case Pattern::kBridge: return "bridge";
    case Pattern::kWebhook: return "webhook";
  }
  return "?";
}

Result<amqp::ConnectionOptions> parse_amqp_url(std::string_view url) {
  amqp::ConnectionOptions o;
  auto bad = [&](const std::string& why) {
    // Never echo the URL: it may hold a password.
    return invalid_argument("RabbitMQ URL: " + why + "; write amqp://user:password@host:port/vhost");
  };
  std::string_view rest = url;
  if (rest.starts_with("amqps://")) {
    o.tls.enabled = true;
    o.port = 5671;
    rest.remove_prefix(8);
  } else if (rest.starts_with("amqp://")) {
    rest.remove_prefix(7);
  } else {
    return bad("it must start with amqp:// or amqps://");
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = authority.size() < rest.size() ? rest.substr(authority.size() + 1) : std::string_view();
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = user.find(':');
    o.username = std::string(user.substr(0, colon));
    o.password = colon == std::string_view::npos ? "" : std::string(user.substr(colon + 1));
    if (o.username.empty()) return bad("empty user name");
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return bad("port '" + std::string(port) + "' is not a number");
      p = p * 10 + (c - '0');
      if (p > 65535) return bad("port out of range");
    }
    if (port.empty() || p == 0) return bad("empty or zero port");
    o.port = static_cast<std::uint16_t>(p);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return bad("no host");
  o.host = std::string(authority);
  if (!path.empty()) {
    std::string vhost;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == '%') {
        if (i + 2 >= path.size() || hex(path[i + 1]) < 0 || hex(path[i + 2]) < 0) return bad("bad %-escape in the vhost");
        vhost += static_cast<char>(hex(path[i + 1]) * 16 + hex(path[i + 2]));
        i += 2;
      } else {
        vhost += path[i];
      }
    }
    o.vhost = vhost;
  }
  return o;
}

namespace {

Result<std::chrono::milliseconds> duration_of(const DocContext& ctx, const Json& v, const std::string& pointer) {
  if (v.is_number_integer()) return std::chrono::milliseconds(v.get<std::int64_t>());
  if (!v.is_string()) return ctx.error(pointer, "must be a duration such as 100ms, 2s or 1m");
  static const std::regex kDuration(R"(^(\d+)(ms|s|m)$)");
  std::smatch m;
  const std::string s = v.get<std::string>();
  if (!std::regex_match(s, m, kDuration)) {
    return ctx.error(pointer, "'" + s + "' is not a duration; write e.g. 100ms, 2s or 1m");
  }
  // At most a year: enough for any backoff or timeout, far from overflow.
  constexpr std::int64_t kMaxMs = 365LL * 24 * 3600 * 1000;
  const std::int64_t unit = m[2] == "m" ? 60000 : m[2] == "s" ? 1000 : 1;
  std::int64_t n = 0;
  const std::string digits = m[1];
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || n > kMaxMs / unit) {
    return ctx.error(pointer, "'" + s + "' is too long; at most a year (" + std::to_string(kMaxMs / 60000) + "m)");
  }
  return std::chrono::milliseconds(n * unit);
}

Result<Endpoint> endpoint_at(const DocContext& ctx, const Json& spec, const std::string& key) {
  const std::string pointer = "/spec/" + key;
  if (!spec.contains(key)) return ctx.error("/spec", "'" + key + "' is required (an endpoint URI such as kafka:events)");
  if (!spec[key].is_string()) return ctx.error(pointer, "must be an endpoint URI such as kafka:events");
  auto e = parse_endpoint(spec[key].get<std::string>());
  if (!e.ok()) return ctx.error(pointer, e.status().message());
  if (e->scheme != "kafka" && e->scheme != "rabbitmq" && e->scheme != "spring-rabbitmq") {
    return ctx.error(pointer, "scheme '" + e->scheme + "' is not supported here; use kafka: or rabbitmq:");
  }
  Status s = e->scheme == "kafka" ? internal::kafka_target(*e).status() : internal::rabbit_target(*e).status();
  if (!s.ok()) return ctx.error(pointer, s.message());
  return e;
}

Result<FlowFile> from_document(const DocContext& ctx) {
  const Json& doc = ctx.doc.value;
  PLATFORM_RETURN_IF_ERROR(ctx.check_keys(doc, "", {"apiVersion", "kind", "metadata", "spec"}));
  if (!doc.contains("apiVersion") || doc["apiVersion"] != "libplatform.io/v1") {
    return ctx.error("/apiVersion", "must be libplatform.io/v1");
  }
  if (!doc.contains("kind") || doc["kind"] != "Flow") return ctx.error("/kind", "must be Flow");
  FlowFile f;
  f.source = ctx.parse.source_name;
  if (!doc.contains("metadata")) return ctx.error("", "metadata.name is required");
  const Json& meta = doc["metadata"];
  PLATFORM_RETURN_IF_ERROR(ctx.check_keys(meta, "/metadata", {"name", "namespace", "labels", "annotations"}));
  if (!meta.contains("name") || !meta["name"].is_string()) return ctx.error("/metadata", "name is required");
  f.name = meta["name"].get<std::string>();
  static const std::regex kName("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  if (!std::regex_match(f.name, kName)) {
    return ctx.error("/metadata/name", "'" + f.name + "' is not a valid name (lower-case letters, digits, '-'; at most 63)");
  }
  if (meta.contains("namespace") && meta["namespace"].is_string()) f.namespace_ = meta["namespace"].get<std::string>();
  if (!doc.contains("spec")) return ctx.error("", "spec is required");
  const Json& spec = doc["spec"];
  PLATFORM_RETURN_IF_ERROR(ctx.check_keys(spec, "/spec",
                                          {"pattern", "from", "to", "transform", "guarantee", "errors", "metrics",
                                           "kafka", "rabbitmq", "http", "routes"}));
  if (!spec.contains("pattern") || !spec["pattern"].is_string()) {
    return ctx.error("/spec", "pattern is required: process, transform, bridge or webhook");
  }
  const std::string pattern = spec["pattern"].get<std::string>();
  const std::vector<std::string_view> patterns{"process", "transform", "bridge", "webhook"};
  if (pattern == "process") f.pattern = Pattern::kProcess;
  else if (pattern == "transform") f.pattern = Pattern::kTransform;
  else if (pattern == "bridge") f.pattern = Pattern::kBridge;
  else if (pattern == "webhook") f.pattern = Pattern::kWebhook;
  else {
    std::string guess = internal::did_you_mean(pattern, patterns);
    return ctx.error("/spec/pattern", "unknown pattern '" + pattern + "'" +
                                          (guess.empty() ? "" : ": did you mean '" + guess + "'?") +
                                          " (allowed: process, transform, bridge, webhook)");
  }

  // Connections.
  f.kafka_bootstrap = "";
  if (const char* env = std::getenv("KAFKA_BOOTSTRAP_SERVERS")) f.kafka_bootstrap = env;
  if (spec.contains("kafka")) {
    const Json& kafka = spec["kafka"];
    // A webhook has one producer: its properties are the webhook's
    // spec.kafka.properties (checked by the webhook loader).
    PLATFORM_RETURN_IF_ERROR(ctx.check_keys(kafka, "/spec/kafka",
                                            f.pattern == Pattern::kWebhook
                                                ? std::vector<std::string_view>{"bootstrapServers", "properties"}
                                                : std::vector<std::string_view>{"bootstrapServers", "consumer",
                                                                                "producer"}));
    if (kafka.contains("bootstrapServers")) {
      auto b = ctx.string_at(kafka, "/spec/kafka", "bootstrapServers");
      if (!b.ok()) return b.status();
      f.kafka_bootstrap = *b;
    }
    // Raw librdkafka properties: scalars, kept as text. Whether librdkafka
    // knows a key is checked when the flow is created.
    for (auto [field, out] : {std::pair{"consumer", &f.kafka_consumer}, std::pair{"producer", &f.kafka_producer}}) {
      if (!kafka.contains(field)) continue;
      const std::string pointer = std::string("/spec/kafka/") + field;
      if (!kafka[field].is_object()) return ctx.error(pointer, "must be a mapping of librdkafka properties");
      for (const auto& [key, value] : kafka[field].items()) {
        auto v = ctx.string_at(kafka[field], pointer, key);
        if (!v.ok()) return ctx.error(pointer + "/" + key, "must be a string, number or boolean");
        (*out)[key] = *v;
      }
    }
  }
  std::string url;
  if (const char* env = std::getenv("RABBITMQ_URL")) url = env;
  if (spec.contains("rabbitmq")) {
    PLATFORM_RETURN_IF_ERROR(ctx.check_keys(spec["rabbitmq"], "/spec/rabbitmq", {"url"}));
    if (spec["rabbitmq"].contains("url")) {
      auto u = ctx.string_at(spec["rabbitmq"], "/spec/rabbitmq", "url");
      if (!u.ok()) return u.status();
      url = *u;
    }
  }
  if (!url.empty()) {
    auto c = parse_amqp_url(url);
    if (!c.ok()) return ctx.error("/spec/rabbitmq/url", c.status().message());
    f.rabbitmq = *c;
  }
  f.rabbitmq.connection_name = "flow/" + f.name;

  if (spec.contains("errors")) {
    const Json& e = spec["errors"];
    PLATFORM_RETURN_IF_ERROR(ctx.check_keys(e, "/spec/errors", {"maxAttempts", "backoff", "maxBackoff", "deadLetter"}));
    if (e.contains("maxAttempts")) {
      if (!e["maxAttempts"].is_number_integer() || e["maxAttempts"].get<int>() < 1) {
        return ctx.error("/spec/errors/maxAttempts", "must be a whole number >= 1");
      }
      f.errors.max_attempts = e["maxAttempts"].get<int>();
    }
    if (e.contains("backoff")) {
      auto d = duration_of(ctx, e["backoff"], "/spec/errors/backoff");
      if (!d.ok()) return d.status();
      f.errors.backoff = *d;
    }
    if (e.contains("maxBackoff")) {
      auto d = duration_of(ctx, e["maxBackoff"], "/spec/errors/maxBackoff");
      if (!d.ok()) return d.status();
      f.errors.max_backoff = *d;
    }
    if (e.contains("deadLetter")) {
      auto dl = ctx.string_at(e, "/spec/errors", "deadLetter");
      if (!dl.ok()) return dl.status();
      auto parsed = parse_endpoint(*dl);
      if (!parsed.ok()) return ctx.error("/spec/errors/deadLetter", parsed.status().message());
      Status s = parsed->scheme == "kafka" ? internal::kafka_target(*parsed).status()
                                           : internal::rabbit_target(*parsed).status();
      if (!s.ok()) return ctx.error("/spec/errors/deadLetter", s.message());
      f.errors.dead_letter = *dl;
    }
  }
  if (spec.contains("metrics")) {
    PLATFORM_RETURN_IF_ERROR(ctx.check_keys(spec["metrics"], "/spec/metrics", {"port"}));
    const Json& p = spec["metrics"]["port"];
    if (!p.is_number_integer() || p.get<int>() < 0 || p.get<int>() > 65535) {
      return ctx.error("/spec/metrics/port", "must be a port number (0-65535; 0 = any free port)");
    }
    f.metrics_port = p.get<int>();
  }
  if (spec.contains("guarantee")) {
    const std::string g = spec["guarantee"].is_string() ? spec["guarantee"].get<std::string>() : "";
    if (g == "exactly-once") f.guarantee = Guarantee::kExactlyOnce;
    else if (g != "at-least-once") {
      return ctx.error("/spec/guarantee", "must be at-least-once or exactly-once");
    }
  }

  if (f.pattern == Pattern::kWebhook) {
    for (const char* k : {"from", "to", "transform"}) {
      if (spec.contains(k)) {
        return ctx.error(std::string("/spec/") + k, "pattern webhook takes http: and routes:, not " + std::string(k));
      }
    }
    Json w = Json::object();
    if (spec.contains("http")) w["http"] = spec["http"];
    if (spec.contains("routes")) w["routes"] = spec["routes"];
    f.webhook = w.dump();
    return f;
  }
  for (const char* k : {"http", "routes"}) {
    if (spec.contains(k)) return ctx.error(std::string("/spec/") + k, "only pattern webhook takes " + std::string(k));
  }
  auto from = endpoint_at(ctx, spec, "from");
  if (!from.ok()) return from.status();
  auto to = endpoint_at(ctx, spec, "to");
  if (!to.ok()) return to.status();
  f.from = *from;
  f.to = *to;
  if (spec.contains("transform")) {
    auto t = internal::transform_from_json(ctx, spec["transform"], "/spec/transform");
    if (!t.ok()) return t.status();
    Status compiled = compile(*t).status();
    if (!compiled.ok()) return ctx.error("/spec/transform", compiled.message());
    f.transform = std::move(*t);
  }
  const bool k2k = f.from.scheme == "kafka" && f.to.scheme == "kafka";
  if (f.pattern == Pattern::kTransform && !f.transform) {
    return ctx.error("/spec", "pattern transform needs a transform: section");
  }
  if ((f.pattern == Pattern::kTransform || f.pattern == Pattern::kProcess) && !k2k) {
    return ctx.error("/spec", "pattern " + pattern + " goes from kafka: to kafka:; use pattern bridge for RabbitMQ");
  }
  if (f.pattern == Pattern::kBridge) {
    if (k2k || (f.from.scheme != "kafka" && f.to.scheme != "kafka")) {
      return ctx.error("/spec", "pattern bridge goes from kafka: to rabbitmq: or from rabbitmq: to kafka:");
    }
    if (f.transform) return ctx.error("/spec/transform", "pattern bridge does not transform; use pattern transform");
  }
  if (f.guarantee == Guarantee::kExactlyOnce && f.pattern == Pattern::kBridge) {
    return ctx.error("/spec/guarantee", "exactly-once needs Kafka on both sides; a bridge is at-least-once");
  }
  if (!f.kafka_consumer.empty() && f.from.scheme != "kafka") {
    return ctx.error("/spec/kafka/consumer", "this flow reads from " + f.from.scheme +
                                                 ":, so it has no Kafka consumer; remove spec.kafka.consumer");
  }
  if (!f.kafka_producer.empty() && f.to.scheme != "kafka") {
    return ctx.error("/spec/kafka/producer", "this flow writes to " + f.to.scheme +
                                                 ":, so it has no Kafka producer; remove spec.kafka.producer");
  }
  if (f.from.scheme == "rabbitmq" || f.from.scheme == "spring-rabbitmq") {
    auto t = internal::rabbit_target(f.from);
    if (!t.ok()) return ctx.error("/spec/from", t.status().message());
    if (f.from.param("kafkaMetadata")) {
      return ctx.error("/spec/from", "kafkaMetadata applies where the flow publishes to RabbitMQ (spec.to); remove it here");
    }
    if (t->queue.empty() && (f.from.path == "default" || f.from.path.empty())) {
      return ctx.error("/spec/from", "a RabbitMQ source needs a queue: rabbitmq:default?queue=NAME");
    }
  }
  return f;
}

}  // namespace

Result<FlowFile> parse_flow_file(std::string_view text, std::string_view source_name) {
  auto doc = internal::parse_one(text, source_name);
  if (!doc.ok()) return doc.status();
  return from_document(doc->context());
}

Result<FlowFile> load_flow_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot read flow file '" + path.string() + "': check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_flow_file(text.str(), path.string());
}

// ------------------------------------------------------------------ Flow

struct Flow::Impl {
  std::optional<Processor> processor;
  std::optional<KafkaToRabbitBridge> k2r;
  std::optional<RabbitToKafkaBridge> r2k;
  std::optional<int> port;
  int bound = 0;

  template <typename F>
  auto visit(F&& f) {
    if (processor) return f(*processor);
    if (k2r) return f(*k2r);
    return f(*r2k);
  }
};

Flow::Flow(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Flow::Flow(Flow&&) noexcept = default;
Flow& Flow::operator=(Flow&&) noexcept = default;
Flow::~Flow() = default;

Result<Flow> Flow::create(const FlowFile& file, ProcessFunction process) {
  auto impl = std::make_unique<Impl>();
  impl->port = file.metrics_port;
  if (file.pattern == Pattern::kWebhook) {
    return Status(StatusCode::kFailedPrecondition,
                  "flow '" + file.name + "' is a webhook: it is run by the webhook module, not by the flow runner");
  }
  if (file.pattern == Pattern::kBridge && file.from.scheme == "kafka") {
    auto from = internal::kafka_target(file.from).value();
    auto to = internal::rabbit_target(file.to).value();
    KafkaToRabbitOptions o;
    o.name = file.name;
    o.bootstrap_servers = file.kafka_bootstrap;
    o.group_id = from.group_id.empty() ? file.name : from.group_id;
    o.topics = from.topics;
    o.consumer_properties = file.kafka_consumer;
    o.rabbitmq = file.rabbitmq;
    o.exchange = to.exchange;
    o.routing_key = to.routing_key;
    o.queue = to.queue;
    o.declare = to.declare;
    o.kafka_metadata = to.kafka_metadata;
    o.errors = file.errors;
    auto b = KafkaToRabbitBridge::create(std::move(o));
    if (!b.ok()) return b.status();
    impl->k2r.emplace(std::move(*b));
  } else if (file.pattern == Pattern::kBridge) {
    auto from = internal::rabbit_target(file.from).value();
    auto to = internal::kafka_target(file.to).value();
    RabbitToKafkaOptions o;
    o.name = file.name;
    o.rabbitmq = file.rabbitmq;
    o.queue = from.queue.empty() ? file.from.path : from.queue;
    o.declare = from.declare;
    if (from.prefetch) o.prefetch = *from.prefetch;
    if (from.message_id_key) o.key_source = KeySource::kMessageId;
    o.bootstrap_servers = file.kafka_bootstrap;
    if (to.topics.size() != 1) return invalid_argument(file.source + ": spec.to must name one topic");
    o.topic = to.topics[0];
    o.producer_properties = file.kafka_producer;
    o.errors = file.errors;
    auto b = RabbitToKafkaBridge::create(std::move(o));
    if (!b.ok()) return b.status();
    impl->r2k.emplace(std::move(*b));
  } else {
    auto from = internal::kafka_target(file.from).value();
    auto to = internal::kafka_target(file.to).value();
    if (to.topics.size() != 1) return invalid_argument(file.source + ": spec.to must name one topic");
    ProcessorOptions o;
    o.name = file.name;
    o.bootstrap_servers = file.kafka_bootstrap;
    o.group_id = from.group_id.empty() ? file.name : from.group_id;
    o.inputs = from.topics;
    o.output = to.topics[0];
    o.consumer_properties = file.kafka_consumer;
    o.producer_properties = file.kafka_producer;
    o.guarantee = file.guarantee;
    o.errors = file.errors;
    o.rabbitmq = file.rabbitmq;
    if (process) {
      o.process = std::move(process);
    } else if (file.transform) {
      auto fn = compile(*file.transform);
      if (!fn.ok()) return fn.status();
      o.process = std::move(*fn);
    } else {
      o.process = [](const Message& in) -> Result<std::vector<Message>> { return std::vector<Message>{in}; };
    }
    auto p = Processor::create(std::move(o));
    if (!p.ok()) return p.status();
    impl->processor.emplace(std::move(*p));
  }
  return Flow(std::move(impl));
}

Status Flow::run(const RunOptions& options) {
  std::optional<MetricsServer> server;
  if (impl_->port) {
    auto s = MetricsServer::start(*impl_->port, [this] { return to_prometheus(metrics()); });
    if (!s.ok()) return s.status();
    impl_->bound = s->port();
    server.emplace(std::move(*s));
  }
  return impl_->visit([&](auto& f) { return f.run(options); });
}

void Flow::stop() {
  impl_->visit([](auto& f) { f.stop(); });
}

MetricsSnapshot Flow::metrics() const { return impl_->visit([](auto& f) { return f.metrics(); }); }

int Flow::metrics_port() const { return impl_->bound; }

}  // namespace platform::flow
