// SPDX-License-Identifier: Apache-2.0
// The main job: webhook -> events -> transformer -> commands -> bridge ->
// RabbitMQ -> bridge -> notifications, measured by a checking consumer.

#include "platform/flow/demo.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>  // Boost 1.74 asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "platform/amqp/topology.hpp"
#include "platform/flow/bridge.hpp"
#include "platform/flow/transformer.hpp"
#include "platform/flow/webhook.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/render/render.hpp"
#include "platform/validate/validate.hpp"

namespace platform::flow {
namespace {

using Clock = std::chrono::steady_clock;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr const char* kOrdersPath = "/webhooks/orders";

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Exact percentile of a sample (nearest rank); 0 for none.
double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

// A percentile (ms) of the latencies between two cumulative histogram
// snapshots, interpolated linearly inside the bucket (as Prometheus does).
double histogram_percentile(const MetricsSnapshot& now, const MetricsSnapshot& before, double q) {
  const std::uint64_t total = now.latency_count - before.latency_count;
  if (total == 0) return 0;
  const double target = q * static_cast<double>(total);
  double lower = 0;
  std::uint64_t below = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    const std::uint64_t cum = now.latency_buckets[i] - before.latency_buckets[i];
    if (static_cast<double>(cum) >= target) {
      const double in_bucket = static_cast<double>(cum - below);
      const double frac = in_bucket > 0 ? (target - static_cast<double>(below)) / in_bucket : 1.0;
      return 1000.0 * (lower + (kLatencyBuckets[i] - lower) * std::clamp(frac, 0.0, 1.0));
    }
    lower = kLatencyBuckets[i];
    below = cum;
  }
  return 1000.0 * kLatencyBuckets.back();
}

// The order a client posts; the transformer carries seq and sentAtUs along.
std::string order_body(const std::string& run_id, std::uint64_t seq) {
  const std::string id = run_id + "-" + std::to_string(seq);
  nlohmann::json j = {{"id", id},
                      {"type", "order.created"},
                      {"seq", seq},
                      {"sentAtUs", now_us()},
                      {"order", {{"id", id}, {"customer", "customer-" + std::to_string(seq % 50)},
                                 {"total", static_cast<double>(seq % 1000) + 0.99}}}};
  return j.dump();
}

TransformSpec orders_to_commands() {
  TransformSpec t;
  t.filter = {{.field = "type", .op = ConditionOp::kEquals, .values = {R"("order.created")"}}};
  t.map = {{"orderId", "order.id"}, {"customer", "order.customer"}, {"total", "order.total"},
           {"seq", "seq"},          {"sentAtUs", "sentAtUs"}};
  t.set = {{"command", R"("ship-order")"}};
  t.key = "orderId";
  return t;
}

// What the checking consumer has seen on notifications.
class Checker {
 public:
  void record(const Message& m) {
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned()) {
      std::lock_guard lock(mu_);
      ++foreign_;
      return;
    }
    const auto seq = j["seq"].get<std::uint64_t>();
    const double latency_ms =
        j.contains("sentAtUs") ? static_cast<double>(now_us() - j["sentAtUs"].get<std::int64_t>()) / 1000.0 : 0;
    std::lock_guard lock(mu_);
    ++received_;
    if (seq >= seen_.size()) seen_.resize(std::max<std::size_t>(seq + 1, seen_.size() * 2), 0);
    if (seen_[seq]++ == 0) {
      ++unique_;
      if (seq > 0) {  // seq 0 is the warm-up order
        interval_.push_back(latency_ms);
        all_.push_back(latency_ms);
      }
    }
  }
  bool has(std::uint64_t seq) const {
    std::lock_guard lock(mu_);
    return seq < seen_.size() && seen_[seq] > 0;
  }
  // Unique orders 1..n seen.
  std::uint64_t unique_orders() const {
    std::lock_guard lock(mu_);
    return unique_ - (has_locked(0) ? 1 : 0);
  }
  std::vector<double> take_interval() {
    std::lock_guard lock(mu_);
    return std::exchange(interval_, {});
  }
  struct Totals {
    std::uint64_t received = 0, unique = 0, lost = 0;
    std::vector<double> latencies;
  };
  Totals totals(std::uint64_t sent) const {
    std::lock_guard lock(mu_);
    Totals t;
    for (std::uint64_t seq = 1; seq <= sent; ++seq) {
      const std::uint32_t n = seq < seen_.size() ? seen_[seq] : 0;
      if (n == 0) ++t.lost;
      else {
        ++t.unique;
        t.received += n;
      }
    }
    t.latencies = all_;
    return t;
  }

 private:
  bool has_locked(std::uint64_t seq) const { return seq < seen_.size() && seen_[seq] > 0; }
  mutable std::mutex mu_;
  std::vector<std::uint32_t> seen_;
  std::uint64_t received_ = 0, unique_ = 0, foreign_ = 0;
  std::vector<double> interval_, all_;
};

// The HTTP client side: keep-alive connections posting orders at a fixed rate.
class OrderClient {
 public:
  OrderClient(std::uint16_t port, std::string run_id) : port_(port), run_id_(std::move(run_id)) {}

  // Posts order `seq` until 202 (retrying 503 and broken connections with the
  // same Idempotency-Key), on a connection of its own. For the warm-up.
  bool post_one(std::uint64_t seq) {
    boost::asio::io_context io;
    std::optional<boost::beast::tcp_stream> stream;
    return post(io, stream, seq);
  }

  // Posts orders 1..total, order n due at start + (n-1)/rate.
  void run(std::uint64_t total, double rate, int connections) {
    start_ = Clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < connections; ++i) {
      threads.emplace_back([this, total, rate] {
        boost::asio::io_context io;
        std::optional<boost::beast::tcp_stream> stream;
        for (;;) {
          const std::uint64_t seq = next_.fetch_add(1) + 1;
          if (seq > total || stop_.load()) break;
          std::this_thread::sleep_until(start_ + std::chrono::duration_cast<Clock::duration>(
                                                     std::chrono::duration<double>(static_cast<double>(seq - 1) / rate)));
          sent_.fetch_add(1);
          const auto t0 = Clock::now();
          if (post(io, stream, seq)) {
            accepted_.fetch_add(1);
            std::lock_guard lock(mu_);
            interval_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
          } else {
            rejected_.fetch_add(1);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
  }

  void stop() { stop_ = true; }
  std::uint64_t sent() const { return sent_.load(); }
  std::uint64_t accepted() const { return accepted_.load(); }
  std::uint64_t rejected() const { return rejected_.load(); }
  std::vector<double> take_interval() {
    std::lock_guard lock(mu_);
    return std::exchange(interval_, {});
  }

 private:
  bool post(boost::asio::io_context& io, std::optional<boost::beast::tcp_stream>& stream, std::uint64_t seq) {
    const std::string key = run_id_ + "-" + std::to_string(seq);
    const std::string body = order_body(run_id_, seq);
    for (int attempt = 0; attempt < 8 && !stop_.load(); ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50 << std::min(attempt, 5)));
      try {
        if (!stream) {
          stream.emplace(io);
          stream->connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
        }
        http::request<http::string_body> req{http::verb::post, kOrdersPath, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        req.set("Idempotency-Key", key);
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        stream->expires_after(std::chrono::seconds(30));
        http::write(*stream, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(*stream, buffer, res);
        if (!res.keep_alive()) stream.reset();
        if (res.result_int() == 202) return true;
        if (res.result_int() != 503 && res.result_int() != 429) return false;  // not worth retrying
      } catch (const std::exception&) {
        stream.reset();  // broken connection: reconnect and resend with the same key
      }
    }
    return false;
  }

  std::uint16_t port_;
  std::string run_id_;
  Clock::time_point start_;
  std::atomic<std::uint64_t> next_{0}, sent_{0}, accepted_{0}, rejected_{0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<double> interval_;
};

// A flow running on its own thread; its status once run() returned.
template <typename Flow>
struct RunningFlow {
  Flow flow;
  Status status;
  std::thread thread;
  explicit RunningFlow(Flow f) : flow(std::move(f)) {
    thread = std::thread([this] { status = flow.run({}); });
  }
  ~RunningFlow() { finish(); }
  void finish() {
    if (thread.joinable()) {
      flow.stop();
      thread.join();
    }
  }
};

std::string default_run_id() {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()) +
         "-" + std::to_string(::getpid());
}

Status check_options(const DemoOptions& o) {
  if (o.duration <= std::chrono::milliseconds(0))
    return Status(StatusCode::kInvalidArgument, "demo: duration must be > 0 (got " +
                                                    std::to_string(o.duration.count()) + " ms); e.g. --duration 10");
  if (!(o.rate > 0) || o.rate > 100000)
    return Status(StatusCode::kInvalidArgument,
                  "demo: rate must be > 0 and <= 100000 messages/s (got " + std::to_string(o.rate) + ")");
  if (o.connections < 0 || o.connections > 1000)
    return Status(StatusCode::kInvalidArgument, "demo: connections must be 0 (auto) to 1000");
  if (o.progress_interval < std::chrono::milliseconds(50))
    return Status(StatusCode::kInvalidArgument, "demo: progress interval must be >= 50 ms");
  if (o.spec.kafka.topics.empty())
    return Status(StatusCode::kInvalidArgument, "demo: the spec has no Kafka topics");
  for (const char* t : {"events", "commands", "notifications"}) {
    const bool found = std::any_of(o.spec.kafka.topics.begin(), o.spec.kafka.topics.end(),
                                   [&](const spec::KafkaTopic& k) { return k.name == t; });
    if (!found)
      return Status(StatusCode::kInvalidArgument,
                    std::string("demo: the spec's kafka.topics has no '") + t +
                        "' topic; the demo needs events, commands and notifications (the seed's topics)");
  }
  return amqp::validate(o.rabbitmq);
}

Status render_and_validate(const DemoOptions& o, DemoReport& report) {
  auto tree = render::render(o.spec);
  if (!tree.ok()) return tree.status();
  report.render_summary = "rendered " + std::to_string(tree->components.size()) + " components, " +
                          std::to_string(tree->manifests.size()) + " documents";
  std::vector<validate::Source> sources;
  for (const auto& f : render::files(*tree)) {
    if (f.path.ends_with(".yaml") || f.path.ends_with(".yml")) sources.push_back({f.path, f.content});
  }
  auto checked = validate::validate_sources(sources);
  if (!checked.ok()) return checked.status();
  report.validate_summary = checked->summary();
  if (!checked->valid()) return checked->status();
  return Status();
}

}  // namespace

Result<DemoReport> run_demo(const DemoOptions& options) {
  PLATFORM_RETURN_IF_ERROR(check_options(options));
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  DemoReport report;
  report.run_id = options.run_id.empty() ? default_run_id() : options.run_id;
  report.rate = options.rate;
  PLATFORM_RETURN_IF_ERROR(render_and_validate(options, report));
  log(report.render_summary);
  log(report.validate_summary);

  auto cluster = kafka::EmbeddedCluster::start(options.spec);
  if (!cluster.ok()) return cluster.status();
  report.kafka_bootstrap = cluster->bootstrap_servers();
  {
    std::string topics;
    for (const auto& t : options.spec.kafka.topics)
      topics += (topics.empty() ? "" : ", ") + t.name + " (" + std::to_string(t.partitions) + " partitions)";
    log("kafka: embedded cluster, " + std::to_string(cluster->brokers()) + " brokers at " + report.kafka_bootstrap +
        "; topics " + topics);
  }

  amqp::ConnectionOptions rabbit = options.rabbitmq;
  rabbit.reconnect.max_attempts = std::max(rabbit.reconnect.max_attempts, 1);
  auto topology = amqp::Topology::open(rabbit);
  if (!topology.ok())
    return Status(StatusCode::kUnavailable, "demo: cannot reach RabbitMQ at " + amqp::describe(rabbit) + ": " +
                                                topology.status().message() +
                                                " (start it with scripts/setup.sh --services)");
  report.queue = "demo-" + report.run_id + ".commands";
  log("rabbitmq: " + amqp::describe(rabbit) + ", quorum queue " + report.queue);
  const std::string& bootstrap = report.kafka_bootstrap;
  const std::string group = "demo-" + report.run_id;

  // Delete the run's queue however this function returns.
  struct QueueCleanup {
    amqp::Topology& topology;
    const std::string& queue;
    ~QueueCleanup() { (void)topology.delete_queue(queue); }
  } cleanup{*topology, report.queue};

  Checker checker;
  std::atomic<bool> checking{true};
  Status checker_status;  // written by the checker thread before checker_failed is set
  std::atomic<bool> checker_failed{false};
  auto consumer = kafka::Consumer::create(
      {.bootstrap_servers = bootstrap, .group_id = group + "-check", .topics = {"notifications"},
       .client_id = "demo-check",
       // Against the embedded cluster, librdkafka's default fetch backoff
       // (500 ms) adds up to that per consumer hop: measured, these two keys
       // take the demo's end-to-end p50 from ~750 ms to ~320 ms at 200 msgs/s.
       .extra = {{"fetch.error.backoff.ms", "5"}, {"fetch.wait.max.ms", "5"}}});
  if (!consumer.ok()) return consumer.status();
  std::thread checker_thread([&] {
    while (checking.load()) {
      auto records = consumer->poll(std::chrono::milliseconds(100));
      if (!records.ok()) {
        checker_status = records.status();
        checker_failed = true;
        return;
      }
      for (const auto& r : *records) {
        checker.record(r.message);
        consumer->mark_processed(r);
      }
    }
  });
  struct JoinChecker {
    std::atomic<bool>& flag;
    std::thread& thread;
    ~JoinChecker() {
      flag = false;
      if (thread.joinable()) thread.join();
    }
  } join_checker{checking, checker_thread};

  auto transformer = Transformer::create(
      {.processor = {.name = "transformer", .bootstrap_servers = bootstrap, .group_id = group + "-transformer",
                     .inputs = {"events"}, .output = "commands"},
       .transform = orders_to_commands()});
  if (!transformer.ok()) return transformer.status();
  auto k2r = KafkaToRabbitBridge::create({.name = "kafka-to-rabbitmq", .bootstrap_servers = bootstrap,
                                          .group_id = group + "-to-rabbitmq", .topics = {"commands"},
                                          .rabbitmq = rabbit, .routing_key = report.queue, .queue = report.queue});
  if (!k2r.ok()) return k2r.status();
  auto r2k = RabbitToKafkaBridge::create({.name = "rabbitmq-to-kafka", .rabbitmq = rabbit, .queue = report.queue,
                                          .bootstrap_servers = bootstrap, .topic = "notifications"});
  if (!r2k.ok()) return r2k.status();
  auto t_run = std::make_unique<RunningFlow<Transformer>>(std::move(*transformer));
  auto k_run = std::make_unique<RunningFlow<KafkaToRabbitBridge>>(std::move(*k2r));
  auto r_run = std::make_unique<RunningFlow<RabbitToKafkaBridge>>(std::move(*r2k));

  WebhookOptions hook_options;
  hook_options.name = "demo-orders";
  hook_options.address = "127.0.0.1";
  hook_options.port = 0;
  hook_options.threads = 2;
  hook_options.kafka_bootstrap_servers = bootstrap;
  hook_options.rabbitmq = rabbit;
  hook_options.routes = {{.path = kOrdersPath, .to = "kafka:events?key=json:/id",
                          .content_types = {"application/json"}, .validate_json = true}};
  hook_options.log = [&](std::string_view line) { log(std::string(line)); };
  auto hook = Webhook::start(hook_options);
  if (!hook.ok()) return hook.status();
  log("webhook: POST http://127.0.0.1:" + std::to_string(hook->port()) + kOrdersPath + " -> kafka:events");

  OrderClient client(hook->port(), report.run_id);
  // Warm-up: one order through the whole chain, so the consumer groups have
  // joined (the embedded cluster's first rebalance takes ~3 s) before timing.
  {
    const auto t0 = Clock::now();
    if (!client.post_one(0))
      return Status(StatusCode::kUnavailable, "demo: the webhook did not accept the warm-up order");
    while (!checker.has(0)) {
      if (Clock::now() - t0 > options.warmup_timeout)
        return Status(StatusCode::kUnavailable,
                      "demo: the warm-up order did not reach notifications within " +
                          std::to_string(options.warmup_timeout.count()) +
                          " ms; a stage is not running (check RabbitMQ and the messages above)");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds_since(t0));
    log(std::string("warm-up order went through every stage in ") + buf);
  }

  // Baselines after the warm-up, so stage counts cover the measured orders.
  MetricsSnapshot base_t = t_run->flow.metrics(), base_k = k_run->flow.metrics(), base_r = r_run->flow.metrics();
  MetricsSnapshot prev_t = base_t, prev_k = base_k, prev_r = base_r;
  std::vector<std::uint64_t> prev_delivered(5, 0);

  const auto total = static_cast<std::uint64_t>(
      std::max(1.0, std::round(options.rate * std::chrono::duration<double>(options.duration).count())));
  const int connections =
      options.connections > 0 ? options.connections : std::clamp(static_cast<int>(options.rate / 25), 4, 128);
  const auto start = Clock::now();
  auto last_sample = start;
  std::thread client_thread([&] { client.run(total, options.rate, connections); });

  auto sample = [&]() {
    const auto now = Clock::now();
    const double dt = std::max(1e-3, std::chrono::duration<double>(now - last_sample).count());
    last_sample = now;
    DemoSample s;
    s.elapsed_seconds = std::chrono::duration<double>(now - start).count();
    s.sent = client.sent();
    auto hook_lat = client.take_interval();
    auto e2e = checker.take_interval();
    const MetricsSnapshot mt = t_run->flow.metrics(), mk = k_run->flow.metrics(), mr = r_run->flow.metrics();
    const WebhookStats hs = hook->stats();
    auto stage = [&](std::size_t i, std::string name, std::string route, std::uint64_t delivered, std::int64_t lag,
                     double p50, double p99) {
      DemoStage st{std::move(name), std::move(route), delivered,
                   static_cast<double>(delivered - std::min(delivered, prev_delivered[i])) / dt, lag, p50, p99};
      prev_delivered[i] = delivered;
      s.stages.push_back(std::move(st));
    };
    stage(0, "webhook", "HTTP -> events", client.accepted(), static_cast<std::int64_t>(hs.in_flight),
          percentile(hook_lat, 0.5), percentile(hook_lat, 0.99));
    stage(1, "transformer", "events -> commands", mt.done - base_t.done, mt.lag, histogram_percentile(mt, prev_t, 0.5),
          histogram_percentile(mt, prev_t, 0.99));
    stage(2, "kafka->rabbitmq", "commands -> " + report.queue, mk.done - base_k.done, mk.lag,
          histogram_percentile(mk, prev_k, 0.5), histogram_percentile(mk, prev_k, 0.99));
    stage(3, "rabbitmq->kafka", report.queue + " -> notifications", mr.done - base_r.done, mr.lag,
          histogram_percentile(mr, prev_r, 0.5), histogram_percentile(mr, prev_r, 0.99));
    s.e2e_p50_ms = percentile(e2e, 0.5);
    s.e2e_p99_ms = percentile(e2e, 0.99);
    stage(4, "notifications", "checking consumer", checker.unique_orders(), -1, s.e2e_p50_ms, s.e2e_p99_ms);
    prev_t = mt;
    prev_k = mk;
    prev_r = mr;
    report.timeline.push_back(s);
    if (options.on_progress) options.on_progress(s);
  };

  // Sending, then draining until every accepted order arrived.
  std::atomic<bool> sending{true};
  std::thread watcher([&] {
    client_thread.join();
    sending = false;
  });
  auto next_tick = start + options.progress_interval;
  std::optional<Clock::time_point> drain_deadline;
  for (;;) {
    std::this_thread::sleep_until(std::min(next_tick, Clock::now() + std::chrono::milliseconds(20)));
    if (Clock::now() >= next_tick) {
      sample();
      next_tick += options.progress_interval;
    }
    if (sending.load()) continue;
    if (!drain_deadline) {
      report.seconds = seconds_since(start);
      drain_deadline = Clock::now() + options.drain_timeout;
    }
    const bool failed = checker_failed.load();
    if (checker.unique_orders() >= client.accepted() || Clock::now() >= *drain_deadline || failed) break;
  }
  watcher.join();
  sample();

  // Graceful stop, front to back.
  if (Status s = hook->stop(std::chrono::seconds(10)); !s.ok()) report.errors.push_back("webhook: " + s.to_string());
  t_run->finish();
  k_run->finish();
  r_run->finish();
  if (!t_run->status.ok()) report.errors.push_back("transformer: " + t_run->status.to_string());
  if (!k_run->status.ok()) report.errors.push_back("kafka->rabbitmq: " + k_run->status.to_string());
  if (!r_run->status.ok()) report.errors.push_back("rabbitmq->kafka: " + r_run->status.to_string());
  checking = false;
  checker_thread.join();
  if (checker_failed.load()) report.errors.push_back("checking consumer: " + checker_status.to_string());
  (void)consumer->close();

  report.sent = client.sent();
  report.rejected = client.rejected();
  report.stages = report.timeline.back().stages;
  const Checker::Totals totals = checker.totals(report.sent);
  report.unique = totals.unique;
  report.received = totals.received;
  report.duplicates = totals.received - totals.unique;
  report.lost = totals.lost;
  report.e2e_p50_ms = percentile(totals.latencies, 0.5);
  report.e2e_p99_ms = percentile(totals.latencies, 0.99);
  report.e2e_max_ms = totals.latencies.empty() ? 0 : *std::max_element(totals.latencies.begin(), totals.latencies.end());
  return report;
}

}  // namespace platform::flow
