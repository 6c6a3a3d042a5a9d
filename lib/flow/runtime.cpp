// SPDX-License-Identifier: Apache-2.0
#include "flow/runtime.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

#include "internal/text.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/flow/header_mapping.hpp"
#include "platform/kafka/producer.hpp"

namespace platform::flow {

const char* to_string(Guarantee guarantee) noexcept {
  return guarantee == Guarantee::kExactlyOnce ? "exactly-once" : "at-least-once";
}

namespace {
std::string escape_label(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string to_prometheus(const MetricsSnapshot& m) {
  const std::string label = "{flow=\"" + escape_label(m.flow) + "\"}";
  std::ostringstream o;
  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n" << name << label << ' ' << v << '\n';
  };
  auto gauge = [&](const char* name, const char* help, double v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n" << name << label << ' ' << v << '\n';
  };
  counter("platform_flow_messages_in_total", "Input messages received.", m.in);
  counter("platform_flow_messages_out_total", "Output messages acknowledged by the destination.", m.out);
  counter("platform_flow_messages_done_total", "Inputs fully handled.", m.done);
  counter("platform_flow_messages_filtered_total", "Inputs that produced no output.", m.filtered);
  counter("platform_flow_retries_total", "Retry attempts.", m.retried);
  counter("platform_flow_dead_lettered_total", "Inputs sent to the dead-letter destination.", m.dead_lettered);
  gauge("platform_flow_in_flight", "Inputs received and not yet done.", static_cast<double>(m.in_flight));
  gauge("platform_flow_consumer_lag", "Messages waiting in the source (-1 = unknown).", static_cast<double>(m.lag));
  const char* h = "platform_flow_delivery_latency_seconds";
  o << "# HELP " << h << " Input received to all outputs acknowledged.\n# TYPE " << h << " histogram\n";
  const std::string flow = "flow=\"" + escape_label(m.flow) + "\"";
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    o << h << "_bucket{" << flow << ",le=\"" << kLatencyBuckets[i] << "\"} " << m.latency_buckets[i] << '\n';
  }
  o << h << "_bucket{" << flow << ",le=\"+Inf\"} " << m.latency_count << '\n';
  o << h << "_sum" << label << ' ' << m.latency_sum_seconds << '\n';
  o << h << "_count" << label << ' ' << m.latency_count << '\n';
  return o.str();
}

std::string progress_line(const MetricsSnapshot& m) {
  char buf[256];
  double rate = m.elapsed_seconds > 0 ? static_cast<double>(m.done) / m.elapsed_seconds : 0;
  std::snprintf(buf, sizeof buf,
                "flow %s: in %llu  out %llu  done %llu  in-flight %llu  retried %llu  dead-lettered %llu  lag %lld  "
                "%.0f msg/s",
                m.flow.c_str(), static_cast<unsigned long long>(m.in), static_cast<unsigned long long>(m.out),
                static_cast<unsigned long long>(m.done), static_cast<unsigned long long>(m.in_flight),
                static_cast<unsigned long long>(m.retried), static_cast<unsigned long long>(m.dead_lettered),
                static_cast<long long>(m.lag), rate);
  return buf;
}

}  // namespace platform::flow

namespace platform::internal {

void FlowCounters::sample_lag(const kafka::Consumer& source) {
  const auto now = Clock::now();
  if (now < next_lag_sample_) return;
  next_lag_sample_ = now + std::chrono::seconds(1);
  lag.store(source.lag(), std::memory_order_relaxed);
}

void FlowCounters::latency(Clock::duration d) noexcept {
  double s = std::chrono::duration<double>(d).count();
  std::size_t i = 0;
  while (i < flow::kLatencyBuckets.size() && s > flow::kLatencyBuckets[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  latency_ns_.fetch_add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()),
                        std::memory_order_relaxed);
}

flow::MetricsSnapshot FlowCounters::snapshot() const {
  flow::MetricsSnapshot m;
  m.flow = flow_;
  m.in = in.load();
  m.out = out.load();
  m.done = done.load();
  m.filtered = filtered.load();
  m.retried = retried.load();
  m.dead_lettered = dead_lettered.load();
  m.in_flight = m.in > m.done ? m.in - m.done : 0;
  m.lag = lag.load();
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < flow::kLatencyBuckets.size(); ++i) {
    cumulative += buckets_[i].load();
    m.latency_buckets[i] = cumulative;
  }
  m.latency_count = cumulative + buckets_.back().load();
  m.latency_sum_seconds = static_cast<double>(latency_ns_.load()) / 1e9;
  m.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  return m;
}

std::chrono::milliseconds backoff_for(const flow::ErrorPolicy& policy, int attempt) {
  auto d = policy.backoff;
  for (int i = 2; i < attempt && d < policy.max_backoff; ++i) d *= 2;
  return std::min(d, policy.max_backoff);
}

bool sleep_unless(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (stop.load()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
  return !stop.load();
}

Result<RabbitTarget> rabbit_target(const flow::Endpoint& e) {
  if (e.scheme != "rabbitmq" && e.scheme != "spring-rabbitmq") {
    return invalid_argument("endpoint '" + e.to_string() + "' is not a RabbitMQ endpoint (rabbitmq:EXCHANGE?...)");
  }
  PLATFORM_RETURN_IF_ERROR(
      flow::check_params(e, {"queue", "routingKey", "declare", "prefetch", "key", "kafkaMetadata"}));
  RabbitTarget t;
  t.exchange = (e.path == "default" || e.path == "amq.default") ? "" : e.path;
  t.queue = e.param("queue").value_or("");
  t.routing_key = e.param("routingKey").value_or("");
  if (t.exchange.empty() && t.routing_key.empty()) t.routing_key = t.queue;
  for (auto [name, flag] : {std::pair{"declare", &t.declare}, std::pair{"kafkaMetadata", &t.kafka_metadata}}) {
    auto value = e.param(name).value_or("true");
    if (value != "true" && value != "false") {
      return invalid_argument("endpoint '" + e.to_string() + "': " + name + " must be true or false, not '" +
                              value + "'");
    }
    *flag = value == "true";
  }
  if (auto key = e.param("key")) {
    if (*key != "routingKey" && *key != "messageId") {
      return invalid_argument("endpoint '" + e.to_string() + "': key must be routingKey or messageId, not '" + *key +
                              "'");
    }
    t.message_id_key = *key == "messageId";
  }
  if (auto p = e.param("prefetch")) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(p->data(), p->data() + p->size(), n);
    if (ec != std::errc() || end != p->data() + p->size() || n < 1 || n > 65535) {
      return invalid_argument("endpoint '" + e.to_string() + "': prefetch '" + *p +
                              "' must be a whole number from 1 to 65535");
    }
    t.prefetch = static_cast<std::uint16_t>(n);
  }
  return t;
}

Result<KafkaTarget> kafka_target(const flow::Endpoint& e) {
  if (e.scheme != "kafka") {
    return invalid_argument("endpoint '" + e.to_string() + "' is not a Kafka endpoint (kafka:TOPIC?groupId=G)");
  }
  PLATFORM_RETURN_IF_ERROR(flow::check_params(e, {"groupId"}));
  KafkaTarget t;
  std::string_view rest = e.path;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string topic(rest.substr(0, comma));
    if (topic.empty()) return invalid_argument("endpoint '" + e.to_string() + "': empty topic name");
    t.topics.push_back(std::move(topic));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  t.group_id = e.param("groupId").value_or("");
  return t;
}

namespace {

class KafkaDeadLetter final : public DeadLetterSink {
 public:
  KafkaDeadLetter(std::string topic, kafka::Producer producer)
      : topic_(std::move(topic)), producer_(std::move(producer)) {}

 protected:
  Status deliver(const Message& message) override {
    auto done = std::make_shared<std::promise<Status>>();
    auto future = done->get_future();
    PLATFORM_RETURN_IF_ERROR(
        producer_.send(topic_, message, [done](const kafka::DeliveryReport& r) { done->set_value(r.status); }));
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      return Status(StatusCode::kDeadlineExceeded, "no delivery report from " + topic_ + " within 60 s");
    }
    return future.get();
  }

 private:
  std::string topic_;
  kafka::Producer producer_;
};

class RabbitDeadLetter final : public DeadLetterSink {
 public:
  RabbitDeadLetter(RabbitTarget target, amqp::Publisher publisher)
      : target_(std::move(target)), publisher_(std::move(publisher)) {}

 protected:
  Status deliver(const Message& message) override {
    flow::AmqpMessage a = flow::kafka_to_amqp(message);
    if (!target_.kafka_metadata) flow::drop_kafka_metadata(a);
    std::string rk = target_.routing_key.empty() ? a.routing_key : target_.routing_key;
    Message body;
    body.payload = std::move(a.body);
    auto ticket = publisher_.publish(target_.exchange, rk, body, a.properties);
    if (!ticket.ok()) return ticket.status();
    return publisher_.wait_for_confirms(std::chrono::seconds(60));
  }

 private:
  RabbitTarget target_;
  amqp::Publisher publisher_;
};

}  // namespace

Result<std::unique_ptr<DeadLetterSink>> DeadLetterSink::open(const std::string& uri, const std::string& flow,
                                                             const std::string& kafka_bootstrap,
                                                             const kafka::SecurityOptions& security,
                                                             const amqp::ConnectionOptions& rabbitmq) {
  auto e = flow::parse_endpoint(uri);
  if (!e.ok()) return e.status();
  std::unique_ptr<DeadLetterSink> sink;
  if (e->scheme == "kafka") {
    auto t = kafka_target(*e);
    if (!t.ok()) return t.status();
    if (t->topics.size() != 1) return invalid_argument("dead-letter endpoint '" + uri + "' must name one topic");
    auto p = flow_producer(flow + "-dlq", kafka_bootstrap, security, {});
    if (!p.ok()) return p.status();
    sink = std::make_unique<KafkaDeadLetter>(t->topics[0], std::move(*p));
  } else if (e->scheme == "rabbitmq" || e->scheme == "spring-rabbitmq") {
    auto t = rabbit_target(*e);
    if (!t.ok()) return t.status();
    amqp::PublisherOptions options;
    options.connection = named(rabbitmq, flow + "-dlq");
    auto p = amqp::Publisher::open(std::move(options));
    if (!p.ok()) return p.status();
    sink = std::make_unique<RabbitDeadLetter>(std::move(*t), std::move(*p));
  } else {
    return invalid_argument("dead-letter endpoint '" + uri + "': scheme '" + e->scheme +
                            "' is not supported; use kafka:TOPIC or rabbitmq:EXCHANGE?routingKey=RK");
  }
  sink->uri_ = uri;
  sink->flow_ = flow;
  return sink;
}

Status DeadLetterSink::send(Message message, const std::string& source, int attempts, const Status& error) {
  message.headers.push_back({"platform.dlq.error", error.to_string()});
  message.headers.push_back({"platform.dlq.source", source});
  message.headers.push_back({"platform.dlq.attempts", std::to_string(attempts)});
  message.headers.push_back({"platform.dlq.flow", flow_});
  Status last;
  for (int i = 0; i < 3; ++i) {
    last = deliver(message);
    if (last.ok()) return last;
  }
  return last;
}

RunClock::RunClock(const flow::RunOptions& options, FlowCounters& counters, const std::atomic<bool>& stop)
    : options_(options), counters_(counters), stop_(stop), next_progress_(Clock::now() + options.progress_interval) {}

bool RunClock::should_stop() {
  const auto now = Clock::now();
  if (options_.on_progress && now >= next_progress_) {
    next_progress_ = now + options_.progress_interval;
    options_.on_progress(counters_.snapshot());
  }
  if (stop_.load(std::memory_order_relaxed)) return true;
  if (options_.duration.count() > 0 && now - start_ >= options_.duration) return true;
  if (options_.max_messages > 0 && counters_.done.load(std::memory_order_relaxed) >= options_.max_messages) {
    return true;
  }
  return false;
}

void propagate_trace(const Message& input, Message& output) {
  for (std::string_view name : {"traceparent", "tracestate", "baggage"}) {
    auto v = input.header(name);
    if (v && !output.header(name)) output.headers.push_back({std::string(name), std::string(*v)});
  }
}

Result<kafka::Consumer> flow_consumer(const std::string& name, const std::string& bootstrap,
                                      const kafka::SecurityOptions& security, const std::string& group,
                                      const std::vector<std::string>& topics,
                                      const std::map<std::string, std::string>& properties) {
  kafka::ConsumerOptions o;
  o.bootstrap_servers = bootstrap;
  o.group_id = group;
  o.topics = topics;
  o.client_id = name;
  o.queued_max_kbytes = 8192;
  o.security = security;
  o.extra = properties;
  return kafka::Consumer::create(std::move(o));
}

Result<kafka::Producer> flow_producer(const std::string& name, const std::string& bootstrap,
                                      const kafka::SecurityOptions& security,
                                      std::function<void(const kafka::DeliveryReport&)> on_delivery,
                                      const std::map<std::string, std::string>& properties,
                                      const std::string& warm_topic) {
  kafka::ProducerOptions o;
  o.bootstrap_servers = bootstrap;
  o.client_id = name;
  o.security = security;
  o.on_delivery = std::move(on_delivery);
  o.extra = properties;
  auto producer = kafka::Producer::create(std::move(o));
  if (producer.ok() && !warm_topic.empty()) (void)producer->ping(kWarmUp, warm_topic);
  return producer;
}

amqp::ConnectionOptions named(amqp::ConnectionOptions options, const std::string& suffix) {
  options.connection_name = (options.connection_name.empty() ? std::string("libplatform") : options.connection_name) +
                            "/" + suffix;
  return options;
}

}  // namespace platform::internal
