// SPDX-License-Identifier: Apache-2.0
// Producer / consumer helpers vs raw librdkafka, same embedded cluster, same run.
//
// Each measurement runs in its own forked process, so its peak RSS (from
// wait4) is its own; the embedded cluster runs in another forked process, as
// an external broker would. The parent starts no librdkafka thread.

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/kafka/producer.hpp"

namespace kafka = platform::kafka;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 6;
constexpr std::size_t kPayload = 100;
const char* const kProduceTopic = "bench-produce";
const char* const kConsumeTopic = "bench-consume";

struct Sample {
  double count = 0;
  double seconds = 0;
  double rss_mib = 0;
  bool ok = false;
  [[nodiscard]] double rate() const { return seconds > 0 ? count / seconds : 0; }
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Runs `body` in a child process; it returns {count, seconds}; ok=false on failure.
Sample in_child(const std::function<std::pair<double, double>()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    auto [count, secs] = body();
    double out[2] = {count, secs};
    if (::write(fds[1], out, sizeof out) != static_cast<ssize_t>(sizeof out)) ::_exit(2);
    ::_exit(0);
  }
  ::close(fds[1]);
  double in[2] = {0, 0};
  const bool got = ::read(fds[0], in, sizeof in) == static_cast<ssize_t>(sizeof in);
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  Sample s;
  s.ok = got && WIFEXITED(status) && WEXITSTATUS(status) == 0 && in[0] > 0;
  s.count = in[0];
  s.seconds = in[1];
  s.rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return s;
}

void set(rd_kafka_conf_t* conf, const char* k, const char* v) {
  char err[256];
  if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "%s: %s\n", k, err);
    std::exit(3);
  }
}

// ---------------------------------------------------------------- produce

std::atomic<long> g_raw_ok{0};
extern "C" void raw_dr(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) g_raw_ok.fetch_add(1, std::memory_order_relaxed);
}

std::pair<double, double> raw_produce(const std::string& bootstrap, double seconds) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap.c_str());
  set(conf, "acks", "all");
  set(conf, "enable.idempotence", "true");
  set(conf, "linger.ms", "5");
  set(conf, "socket.nagle.disable", "true");
  rd_kafka_conf_set_dr_msg_cb(conf, raw_dr);
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  const std::string payload(kPayload, 'x');
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  long sent = 0;
  while (Clock::now() < end) {
    for (int i = 0; i < 1000; ++i) {
      for (;;) {
        rd_kafka_resp_err_t e =
            rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(kProduceTopic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                              RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()), RD_KAFKA_V_END);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) std::exit(4);
        rd_kafka_poll(rk, 1);
      }
      ++sent;
      rd_kafka_poll(rk, 0);
    }
  }
  rd_kafka_flush(rk, 60000);
  const double secs = seconds_since(start);
  rd_kafka_destroy(rk);
  return {static_cast<double>(g_raw_ok.load()), secs};
}

enum class Mode { kOnDelivery, kTagged, kCallback };

std::pair<double, double> helper_produce(const std::string& bootstrap, double seconds, Mode mode) {
  std::atomic<long> ok{0};
  auto count = [&ok](const kafka::DeliveryReport& r) {
    if (r.status.ok()) ok.fetch_add(1, std::memory_order_relaxed);
  };
  kafka::ProducerOptions options{.bootstrap_servers = bootstrap};
  if (mode != Mode::kCallback) options.on_delivery = count;
  auto producer = kafka::Producer::create(options);
  if (!producer.ok()) std::exit(5);
  const platform::Message message{.payload = std::string(kPayload, 'x')};
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    for (int i = 0; i < 1000; ++i) {
      platform::Status s = mode == Mode::kCallback ? producer->send(kProduceTopic, message, count)
                           : mode == Mode::kTagged ? producer->send_tagged(kProduceTopic, message, i)
                                                   : producer->send(kProduceTopic, message);
      if (!s.ok()) std::exit(6);
    }
  }
  if (!producer->flush(60s).ok()) std::exit(7);
  return {static_cast<double>(ok.load()), seconds_since(start)};
}

// ---------------------------------------------------------------- consume

// Fills bench-consume with `per_partition` 100 B messages per partition
// (linger 5 ms, like the research prefill: the mock returns one producer
// batch per fetch) and checks nothing was pruned.
std::pair<double, double> fill_backlog(const std::string& bootstrap, int per_partition) {
  auto producer = kafka::Producer::create({.bootstrap_servers = bootstrap}).value();
  const platform::Message message{.payload = std::string(kPayload, 'y')};
  for (int i = 0; i < per_partition; ++i) {
    for (int p = 0; p < kPartitions; ++p) {
      if (!producer.send(kConsumeTopic, p, message).ok()) std::exit(8);
    }
  }
  if (!producer.flush(60s).ok()) std::exit(9);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap.c_str());
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  double total = 0;
  for (int p = 0; p < kPartitions; ++p) {
    int64_t lo = -1, hi = -1;
    if (rd_kafka_query_watermark_offsets(rk, kConsumeTopic, p, &lo, &hi, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::exit(10);
    }
    if (lo != 0) {
      std::fprintf(stderr, "partition %d was pruned (low watermark %lld): lower --backlog\n", p,
                   static_cast<long long>(lo));
      std::exit(11);
    }
    total += static_cast<double>(hi);
  }
  rd_kafka_destroy(rk);
  return {total, 0};
}

std::pair<double, double> raw_consume(const std::string& bootstrap, const std::string& group, long expected) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap.c_str());
  set(conf, "group.id", group.c_str());
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "socket.nagle.disable", "true");
  set(conf, "queued.min.messages", "1000000");  // K6: the best raw setting
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, kConsumeTopic, RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  long got = 0;
  std::size_t bytes = 0;
  Clock::time_point first;
  const auto give_up = Clock::now() + 60s;
  while (got < expected && Clock::now() < give_up) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (got++ == 0) first = Clock::now();
      bytes += m->len;
    }
    rd_kafka_message_destroy(m);
  }
  const double secs = seconds_since(first);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return {bytes > 0 ? static_cast<double>(got) : 0, secs};
}

std::pair<double, double> helper_consume(const std::string& bootstrap, const std::string& group, long expected) {
  auto consumer =
      kafka::Consumer::create({.bootstrap_servers = bootstrap, .group_id = group, .topics = {kConsumeTopic}});
  if (!consumer.ok()) std::exit(12);
  long got = 0;
  std::size_t bytes = 0;
  Clock::time_point first;
  const auto give_up = Clock::now() + 60s;
  std::vector<kafka::Record> batch;  // reused poll after poll, as docs/kafka.md advises
  while (got < expected && Clock::now() < give_up) {
    if (!consumer->poll(batch, 100ms).ok()) std::exit(13);
    for (const kafka::Record& r : batch) {
      if (got++ == 0) first = Clock::now();
      bytes += r.message.payload.size();
      consumer->mark_processed(r);
    }
  }
  const double secs = seconds_since(first);
  if (!consumer->close().ok()) std::exit(14);
  return {bytes > 0 ? static_cast<double>(got) : 0, secs};
}

// Alternates which side goes first, so neither always runs on a warmer or
// quieter machine.
void alternate(int rep, const std::function<void()>& raw, const std::function<void()>& helper) {
  if (rep % 2 == 0) {
    raw();
    helper();
  } else {
    helper();
    raw();
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Series {
  std::string name;
  std::vector<Sample> samples;
  void add(const Sample& s) {
    if (!s.ok) {
      std::fprintf(stderr, "%s: a run failed\n", name.c_str());
      std::exit(1);
    }
    samples.push_back(s);
    std::printf("  %-34s %12.0f msgs/s  (%9.0f msgs in %6.2f s, peak RSS %6.1f MiB)\n", name.c_str(), s.rate(),
                s.count, s.seconds, s.rss_mib);
    std::fflush(stdout);
  }
  [[nodiscard]] double median_rate() const {
    std::vector<double> r;
    for (const auto& s : samples) r.push_back(s.rate());
    return median(r);
  }
  [[nodiscard]] double min_rate() const {
    double m = 1e300;
    for (const auto& s : samples) m = std::min(m, s.rate());
    return m;
  }
  [[nodiscard]] double max_rate() const {
    double m = 0;
    for (const auto& s : samples) m = std::max(m, s.rate());
    return m;
  }
  [[nodiscard]] double peak_rss() const {
    double m = 0;
    for (const auto& s : samples) m = std::max(m, s.rss_mib);
    return m;
  }
};

void summary(const Series& helper, const Series& raw) {
  std::printf("%-34s median %10.0f msgs/s (min %10.0f, max %10.0f), peak RSS %6.1f MiB\n", helper.name.c_str(),
              helper.median_rate(), helper.min_rate(), helper.max_rate(), helper.peak_rss());
  std::printf("%-34s median %10.0f msgs/s (min %10.0f, max %10.0f), peak RSS %6.1f MiB\n", raw.name.c_str(),
              raw.median_rate(), raw.min_rate(), raw.max_rate(), raw.peak_rss());
  const double ratio = raw.median_rate() > 0 ? helper.median_rate() / raw.median_rate() : 0;
  std::printf("ratio %s / %s = %.3f  (goal >= 0.9: %s)\n\n", helper.name.c_str(), raw.name.c_str(), ratio,
              ratio >= 0.9 ? "met" : "NOT met");
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  int reps = 3;
  int backlog = 40000;  // per partition; the mock keeps ~5 MiB per partition
  int consume_reps = 7;  // passes are short (~0.2 s): more of them
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--backlog") == 0) backlog = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--consume-reps") == 0) consume_reps = std::atoi(argv[i + 1]);
  }

  // The cluster process: prints its bootstrap, lives until stdin closes.
  int to_parent[2], to_child[2];
  if (::pipe(to_parent) != 0 || ::pipe(to_child) != 0) return 1;
  pid_t cluster_pid = ::fork();
  if (cluster_pid == 0) {
    ::close(to_parent[0]);
    ::close(to_child[1]);
    auto cluster = kafka::EmbeddedCluster::start(
        {.brokers = 3, .topics = {{kProduceTopic, kPartitions, 2, {}}, {kConsumeTopic, kPartitions, 2, {}}}});
    if (!cluster.ok()) ::_exit(1);
    std::string b = cluster->bootstrap_servers() + "\n";
    if (::write(to_parent[1], b.data(), b.size()) < 0) ::_exit(1);
    char c;
    while (::read(to_child[0], &c, 1) > 0) {
    }
    ::_exit(0);
  }
  ::close(to_parent[1]);
  ::close(to_child[0]);
  std::string bootstrap;
  for (char c; ::read(to_parent[0], &c, 1) == 1 && c != '\n';) bootstrap.push_back(c);
  if (bootstrap.empty()) return 1;

  std::printf("embedded cluster (separate process): %s\n", bootstrap.c_str());
  std::printf("produce: %zu B, acks=all, idempotence on, linger.ms=5, %.0f s per run, %d reps, alternating order\n",
              kPayload, seconds, reps);
  Series raw_p{"raw librdkafka producer", {}};
  Series helper_p{"Producer (on_delivery)", {}};
  Series helper_pt{"Producer (send_tagged)", {}};
  Series helper_pc{"Producer (callback per send)", {}};
  for (int r = 0; r < reps; ++r) {
    auto run_raw = [&] {
      g_raw_ok = 0;
      raw_p.add(in_child([&] { return raw_produce(bootstrap, seconds); }));
    };
    auto run_helper = [&] {
      helper_p.add(in_child([&] { return helper_produce(bootstrap, seconds, Mode::kOnDelivery); }));
      helper_pt.add(in_child([&] { return helper_produce(bootstrap, seconds, Mode::kTagged); }));
      helper_pc.add(in_child([&] { return helper_produce(bootstrap, seconds, Mode::kCallback); }));
    };
    alternate(r, run_raw, run_helper);
  }
  std::printf("\n");
  summary(helper_p, raw_p);
  summary(helper_pt, raw_p);
  summary(helper_pc, raw_p);

  std::printf("consume: backlog %d x %zu B per partition x %d partitions, fresh group per pass, time from first "
              "to last message (group join excluded)\n",
              backlog, kPayload, kPartitions);
  Sample filled = in_child([&] { return fill_backlog(bootstrap, backlog); });
  if (!filled.ok) return 1;
  const long expected = static_cast<long>(filled.count);
  std::printf("  backlog: %ld messages, low watermarks 0 (nothing pruned)\n", expected);
  Series raw_c{"raw librdkafka consumer", {}};
  Series helper_c{"Consumer (poll into batch + mark)", {}};
  for (int r = 0; r < consume_reps; ++r) {
    auto run_raw = [&] {
      raw_c.add(in_child([&] { return raw_consume(bootstrap, "raw-" + std::to_string(r), expected); }));
    };
    auto run_helper = [&] {
      helper_c.add(in_child([&] { return helper_consume(bootstrap, "helper-" + std::to_string(r), expected); }));
    };
    alternate(r, run_raw, run_helper);
  }
  for (const auto& s : raw_c.samples) {
    if (s.count != expected) return 1;
  }
  for (const auto& s : helper_c.samples) {
    if (s.count != expected) return 1;
  }
  std::printf("\n");
  summary(helper_c, raw_c);

  ::close(to_child[1]);
  ::waitpid(cluster_pid, nullptr, 0);
  return 0;
}
