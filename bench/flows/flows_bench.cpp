// SPDX-License-Identifier: Apache-2.0
// bench_flows: each flow against its raw baseline, in the same run.
//
//   transformer (at-least-once, pipelined)  vs  naive consume/transform/produce
//                                               loop with flush + sync commit every 1000
//   Kafka -> RabbitMQ bridge                vs  raw rabbitmq-c publish, confirms per batch of 1000
//                                               (also: the raw loop publishing the bridge's own
//                                               messages, and the bridge with kafkaMetadata=false)
//   RabbitMQ -> Kafka bridge                vs  raw rabbitmq-c consume, prefetch 1000, ack each
//
// Every side runs in a child process of its own (this binary re-executed with
// --role), so its peak RSS is its own (wait4). The embedded Kafka cluster
// lives in the parent; RabbitMQ is the local broker (guest@127.0.0.1:5672),
// quorum queues, persistent 100-byte-ish messages. The RabbitMQ sides print,
// per run, the CPU per message of the process and of the broker (beam.smp) and
// the machine's idle share during the timed window: on two shared cores what a
// client takes the broker cannot have. Each RabbitMQ-side run starts once the
// broker is quiet (settle_broker), and the runs of a flow take turns going
// first. Runs of 300,000 messages spread far less than runs of 100,000.
//
// Usage: bench_flows [--messages N] [--reps R] [--only transformer|k2r|r2k]

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/amqp/publisher.hpp"
#include "platform/amqp/topology.hpp"
#include "platform/flow/bridge.hpp"
#include "platform/flow/transformer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/kafka/producer.hpp"

namespace flow = platform::flow;
namespace kafka = platform::kafka;
namespace amqp = platform::amqp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

[[noreturn]] void die(const std::string& why) {
  std::cerr << "bench_flows: " << why << "\n";
  std::exit(1);
}

std::string event(int i) {
  const char* type = i % 4 == 3 ? "order.paid" : "order.created";
  return std::string(R"({"type":")") + type + R"(","order":{"id":"o-)" + std::to_string(i) +
         R"(","customer":"c-)" + std::to_string(i % 997) + R"(","total":12.5},"ts":1700000000})";
}

// Idle and total jiffies of the machine so far (/proc/stat's cpu line).
std::pair<double, double> machine_jiffies() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (f == nullptr) return {0, 0};
  unsigned long long v[8] = {};
  const int got = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                              &v[6], &v[7]);
  std::fclose(f);
  if (got != 8) return {0, 0};
  double total = 0;
  for (unsigned long long x : v) total += static_cast<double>(x);
  return {static_cast<double>(v[3] + v[4]), total};
}

// CPU seconds the local RabbitMQ broker (beam.smp) has used so far; 0 if none.
double broker_cpu_s() {
  static const long ticks = sysconf(_SC_CLK_TCK);
  FILE* p = popen("pgrep -x beam.smp", "r");
  if (p == nullptr) return 0;
  long pid = 0;
  if (std::fscanf(p, "%ld", &pid) != 1) pid = 0;
  pclose(p);
  if (pid == 0) return 0;
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  char buf[2048];
  const std::size_t len = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[len] = 0;
  const char* at = std::strrchr(buf, ')');  // fields after the command name
  unsigned long utime = 0, stime = 0;
  if (at == nullptr || std::sscanf(at + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

// Waits until the broker is quiet (under 5 % of a core over 250 ms, at most
// 20 s): after a run and its purge a quorum queue compacts its log for a few
// seconds, which would slow whichever side runs next. Returns the seconds waited.
double settle_broker() {
  const auto t0 = Clock::now();
  double before = broker_cpu_s();
  while (Clock::now() - t0 < 20s) {
    std::this_thread::sleep_for(250ms);
    const double now = broker_cpu_s();
    if (now - before < 0.25 * 0.05) break;
    before = now;
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void settled(double s) {
  if (s > 0.3) std::fprintf(stderr, "  (waited %.1f s for the broker to go quiet)\n", s);
}

// What the machine did during a role's timed window: the role's own CPU, the
// broker's and the machine's idle share (the roles' set-up is left out).
struct Window {
  double cpu0 = 0, broker0 = 0;
  std::pair<double, double> jiffies0;
  double cpu_s = 0, broker_s = 0, idle = 0;
  static double self_cpu() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  void begin() {
    cpu0 = self_cpu();
    broker0 = broker_cpu_s();
    jiffies0 = machine_jiffies();
  }
  void end() {
    cpu_s = self_cpu() - cpu0;
    broker_s = broker_cpu_s() - broker0;
    const auto j = machine_jiffies();
    if (j.second > jiffies0.second) idle = (j.first - jiffies0.first) / (j.second - jiffies0.second);
  }
} g_window;

const char* kSpec =
    "filter: [{field: type, equals: order.created}]\n"
    "map: {orderId: order.id, customer: order.customer, total: order.total}\n"
    "set: {command: ship-order}\n"
    "key: orderId\n";

// ---- child roles: each prints "rate <msgs/s>" ---------------------------

// Waits until `done()` reaches n; the clock starts at the first input.
template <typename In, typename Done>
double time_flow(In in, Done done, std::uint64_t n) {
  while (in() == 0) std::this_thread::sleep_for(1ms);
  const auto t0 = Clock::now();
  g_window.begin();
  while (done() < n) std::this_thread::sleep_for(1ms);
  g_window.end();
  return n / std::chrono::duration<double>(Clock::now() - t0).count();
}

double role_transformer(const std::string& bootstrap, const std::string& in, const std::string& out, int n) {
  flow::TransformerOptions o;
  o.processor.name = "bench-transformer";
  o.processor.bootstrap_servers = bootstrap;
  o.processor.group_id = "bench-" + in;
  o.processor.inputs = {in};
  o.processor.output = out;
  o.transform = flow::parse_transform(kSpec).value();
  auto t = flow::Transformer::create(std::move(o)).value();
  std::thread runner([&] { (void)t.run(); });
  double rate = time_flow([&] { return t.metrics().in; }, [&] { return t.metrics().done; }, n);
  t.stop();
  runner.join();
  return rate;
}

// The naive loop: poll, transform with nlohmann, produce; every 1000 inputs
// flush the producer and commit synchronously.
double role_naive(const std::string& bootstrap, const std::string& in, const std::string& out, int n) {
  char err[512];
  rd_kafka_conf_t* pc = rd_kafka_conf_new();
  rd_kafka_conf_set(pc, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(pc, "socket.nagle.disable", "true", err, sizeof err);
  rd_kafka_conf_set(pc, "enable.idempotence", "true", err, sizeof err);
  rd_kafka_conf_set(pc, "linger.ms", "5", err, sizeof err);
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, err, sizeof err);
  {
    // Warm up as the transformer does (kafka::Producer::ping): without the
    // output topic's metadata the first flush waits ~250 ms for it, a start-up
    // cost that would count against the baseline only.
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(producer, out.c_str(), nullptr);
    const struct rd_kafka_metadata* md = nullptr;
    if (rd_kafka_metadata(producer, 0, rkt, &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("naive: metadata");
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
  }
  rd_kafka_conf_t* cc = rd_kafka_conf_new();
  rd_kafka_conf_set(cc, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(cc, "group.id", ("bench-" + in).c_str(), err, sizeof err);
  rd_kafka_conf_set(cc, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(cc, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_conf_set(cc, "socket.nagle.disable", "true", err, sizeof err);
  rd_kafka_conf_set(cc, "queued.min.messages", "1000000", err, sizeof err);
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
  rd_kafka_poll_set_consumer(consumer);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, in.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(consumer, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  int done = 0, batch = 0;
  Clock::time_point t0;
  while (done < n) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer, 100);
    if (m == nullptr) continue;
    if (m->err) {
      rd_kafka_message_destroy(m);
      continue;
    }
    if (done == 0 && batch == 0) t0 = Clock::now(), g_window.begin();
    auto j = nlohmann::json::parse(static_cast<const char*>(m->payload),
                                   static_cast<const char*>(m->payload) + m->len);
    if (j["type"] == "order.created") {
      nlohmann::json cmd = {{"orderId", j["order"]["id"]}, {"customer", j["order"]["customer"]},
                            {"total", j["order"]["total"]}, {"command", "ship-order"}};
      std::string key = cmd["orderId"].get<std::string>();
      std::string value = cmd.dump();
      while (rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(out.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
                               RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer, 10);
      }
    }
    rd_kafka_message_destroy(m);
    if (++batch == 1000 || done + batch == n) {
      if (rd_kafka_flush(producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("naive: flush");
      if (rd_kafka_commit(consumer, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) die("naive: commit");
      done += batch;
      batch = 0;
    }
  }
  g_window.end();
  const double rate = n / std::chrono::duration<double>(Clock::now() - t0).count();
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  return rate;
}

double role_k2r(const std::string& bootstrap, const std::string& topic, const std::string& queue, int n,
                bool kafka_metadata) {
  flow::KafkaToRabbitOptions o;
  o.kafka_metadata = kafka_metadata;
  o.name = "bench-k2r";
  o.bootstrap_servers = bootstrap;
  o.group_id = "bench-" + topic;
  o.topics = {topic};
  o.queue = queue;
  o.rabbitmq.heartbeat = 0s;
  auto b = flow::KafkaToRabbitBridge::create(std::move(o)).value();
  std::thread runner([&] { (void)b.run(); });
  double rate = time_flow([&] { return b.metrics().in; }, [&] { return b.metrics().done; }, n);
  b.stop();
  runner.join();
  return rate;
}

double role_r2k(const std::string& bootstrap, const std::string& queue, const std::string& topic, int n) {
  flow::RabbitToKafkaOptions o;
  o.name = "bench-r2k";
  o.queue = queue;
  o.topic = topic;
  o.bootstrap_servers = bootstrap;
  o.rabbitmq.heartbeat = 0s;
  auto b = flow::RabbitToKafkaBridge::create(std::move(o)).value();
  std::thread runner([&] { (void)b.run(); });
  double rate = time_flow([&] { return b.metrics().in; }, [&] { return b.metrics().done; }, n);
  b.stop();
  runner.join();
  return rate;
}

// Raw rabbitmq-c.
amqp_connection_state_t open_raw() {
  amqp_connection_state_t c = amqp_new_connection();
  if (amqp_socket_open(amqp_tcp_socket_new(c), "127.0.0.1", 5672) != AMQP_STATUS_OK) die("raw: connect");
  if (amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type != AMQP_RESPONSE_NORMAL) {
    die("raw: login");
  }
  amqp_channel_open(c, 1);
  if (amqp_get_rpc_reply(c).reply_type != AMQP_RESPONSE_NORMAL) die("raw: channel");
  return c;
}

void close_raw(amqp_connection_state_t c) {
  amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(c, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(c);
}

// With `mapped`, each message also carries what the bridge adds to it (the
// header_mapping of a record of fill_kafka() routed to the queue: `kafka.key`
// and `kafka.timestamp`), taken from kafka_to_amqp() before the clock starts:
// the same AMQP messages as the bridge's, from a hand-written loop.
double role_raw_publish(const std::string& queue, int n, bool mapped) {
  amqp_connection_state_t c = open_raw();
  amqp_confirm_select(c, 1);
  if (amqp_get_rpc_reply(c).reply_type != AMQP_RESPONSE_NORMAL) die("raw: confirm.select");
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = 2;
  // Per key (1,000 of them, as fill_kafka): the header table's entries.
  std::vector<flow::AmqpMessage> shapes;
  std::vector<std::vector<amqp_table_entry_t>> tables;
  if (mapped) {
    const std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (int k = 0; k < 1000; ++k) {
      shapes.push_back(flow::kafka_to_amqp(
          {.key = "k" + std::to_string(k), .payload = {}, .headers = {{"amqp.routing-key", queue}}, .timestamp_ms = now_ms}));
    }
    for (const flow::AmqpMessage& a : shapes) {
      if (a.routing_key != queue) die("mapped: the mapping routed to " + a.routing_key);
      std::vector<amqp_table_entry_t> entries;
      for (const amqp::FieldEntry& e : a.properties.headers) {
        amqp_table_entry_t t{};
        t.key = amqp_bytes_t{e.name.size(), const_cast<char*>(e.name.data())};
        if (const auto* b = e.value.get_if<amqp::Bytes>()) {
          t.value.kind = AMQP_FIELD_KIND_BYTES;
          t.value.value.bytes = amqp_bytes_t{b->data.size(), const_cast<char*>(b->data.data())};
        } else if (const auto* i = e.value.get_if<std::int64_t>()) {
          t.value.kind = AMQP_FIELD_KIND_I64;
          t.value.value.i64 = *i;
        } else {
          die("mapped: header " + e.name + " of a kind this baseline does not encode");
        }
        entries.push_back(t);
      }
      tables.push_back(std::move(entries));
    }
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
  }
  const auto t0 = Clock::now();
  g_window.begin();
  std::uint64_t published = 0, confirmed = 0;
  while (published < static_cast<std::uint64_t>(n)) {
    for (int i = 0; i < 1000 && published < static_cast<std::uint64_t>(n); ++i) {
      std::string body = event(static_cast<int>(published));
      if (mapped) {
        auto& t = tables[published % 1000];
        props.headers = amqp_table_t{static_cast<int>(t.size()), t.data()};
      }
      amqp_basic_publish(c, 1, amqp_empty_bytes, amqp_cstring_bytes(queue.c_str()), 1, 0, &props,
                         amqp_bytes_t{body.size(), body.data()});
      ++published;
    }
    while (confirmed < published) {
      amqp_frame_t f;
      if (amqp_simple_wait_frame(c, &f) != AMQP_STATUS_OK) die("raw: wait frame");
      if (f.frame_type == AMQP_FRAME_METHOD && f.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        auto* ack = static_cast<amqp_basic_ack_t*>(f.payload.method.decoded);
        confirmed = ack->multiple ? ack->delivery_tag : confirmed + 1;
      } else if (f.frame_type == AMQP_FRAME_METHOD) {
        die("raw: unexpected method (nack/return)");
      }
    }
    amqp_maybe_release_buffers(c);
  }
  g_window.end();
  const double rate = n / std::chrono::duration<double>(Clock::now() - t0).count();
  close_raw(c);
  return rate;
}

double role_raw_consume(const std::string& queue, int n) {
  amqp_connection_state_t c = open_raw();
  amqp_basic_qos(c, 1, 0, 1000, 0);
  amqp_basic_consume(c, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  if (amqp_get_rpc_reply(c).reply_type != AMQP_RESPONSE_NORMAL) die("raw: basic.consume");
  Clock::time_point t0;
  for (int i = 0; i < n; ++i) {
    amqp_maybe_release_buffers(c);
    amqp_envelope_t env;
    timeval tv{30, 0};
    if (amqp_consume_message(c, &env, &tv, 0).reply_type != AMQP_RESPONSE_NORMAL) die("raw: consume");
    if (i == 0) t0 = Clock::now(), g_window.begin();
    amqp_basic_ack(c, 1, env.delivery_tag, 0);
    amqp_destroy_envelope(&env);
  }
  g_window.end();
  const double rate = n / std::chrono::duration<double>(Clock::now() - t0).count();
  close_raw(c);
  return rate;
}

// ---- parent --------------------------------------------------------------

struct Run {
  double rate = 0;
  double rss_mib = 0;
  double cpu_s = 0;     // the child's user + system CPU in its timed window
  double broker_s = 0;  // the RabbitMQ broker's CPU meanwhile (0 without one)
  double idle = 0;      // the machine's idle share meanwhile
  double parent_s = 0;  // this process's CPU (the embedded Kafka) during the child's whole run
};

Run spawn(const char* self, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) die("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    std::vector<char*> argv{const_cast<char*>(self)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(self, argv.data());
    _exit(127);
  }
  close(fds[1]);
  const double parent_before = Window::self_cpu();
  std::string out;
  char buf[256];
  for (ssize_t r; (r = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(r));
  close(fds[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("child " + args[1] + " failed");
  Run run;
  run.parent_s = Window::self_cpu() - parent_before;
  if (std::sscanf(out.c_str() + out.find(" cpu "), " cpu %lf broker %lf idle %lf", &run.cpu_s, &run.broker_s,
                  &run.idle) != 3) {
    die("child " + args[1] + " printed no cpu");
  }
  auto at = out.find("rate ");
  if (at == std::string::npos) die("child " + args[1] + " printed no rate");
  run.rate = std::stod(out.substr(at + 5));
  auto rss = out.find(" rss ");
  if (rss == std::string::npos) die("child " + args[1] + " printed no rss");
  run.rss_mib = std::stod(out.substr(rss + 5)) / 1024.0;
  return run;
}

// CPU per message of a RabbitMQ side: the process and the broker. On two
// shared cores whatever the process takes, the broker cannot have.
void cpu_line(const char* what, const Run& run, int n) {
  std::fprintf(stderr, "  %-12s %8.0f msgs/s  CPU per message: process %.2f us, RabbitMQ broker %.2f us; machine idle %.0f %%\n",
               what, run.rate, run.cpu_s * 1e6 / n, run.broker_s * 1e6 / n, run.idle * 100);
}

void fill_kafka(const std::string& bootstrap, const std::string& topic, int n) {
  kafka::ProducerOptions o;
  o.bootstrap_servers = bootstrap;
  auto p = kafka::Producer::create(std::move(o)).value();
  for (int i = 0; i < n; ++i) {
    if (!p.send(topic, {.key = "k" + std::to_string(i % 1000), .payload = event(i), .headers = {}, .timestamp_ms = {}})
             .ok()) {
      die("fill " + topic);
    }
  }
  if (!p.flush(60s).ok()) die("fill flush " + topic);
}

void fill_queue(const std::string& queue, int n) {
  amqp::PublisherOptions o;
  o.connection.heartbeat = 0s;
  auto p = amqp::Publisher::open(std::move(o)).value();
  for (int i = 0; i < n; ++i) {
    if (!p.publish("", queue, {.key = "", .payload = event(i), .headers = {}, .timestamp_ms = {}}).ok()) {
      die("fill queue");
    }
  }
  if (!p.wait_for_confirms(60s).ok()) die("fill queue confirms");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "--role") {
    const std::string& role = args[1];
    const int n = std::stoi(args[2]);
    double rate = 0;
    if (role == "transformer") rate = role_transformer(args[3], args[4], args[5], n);
    else if (role == "naive") rate = role_naive(args[3], args[4], args[5], n);
    else if (role == "k2r") rate = role_k2r(args[3], args[4], args[5], n, true);
    else if (role == "k2r-lean") rate = role_k2r(args[3], args[4], args[5], n, false);
    else if (role == "r2k") rate = role_r2k(args[3], args[4], args[5], n);
    else if (role == "raw-publish") rate = role_raw_publish(args[3], n, false);
    else if (role == "raw-publish-mapped") rate = role_raw_publish(args[3], n, true);
    else if (role == "raw-consume") rate = role_raw_consume(args[3], n);
    else die("unknown role " + role);
    // Peak RSS of this process image (after exec: not the parent's pages).
    long hwm_kib = 0;
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
      char line[256];
      while (std::fgets(line, sizeof line, f) != nullptr) {
        if (std::strncmp(line, "VmHWM:", 6) == 0) hwm_kib = std::atol(line + 6);
      }
      std::fclose(f);
    }
    std::cout << "rate " << rate << " rss " << hwm_kib << " cpu " << g_window.cpu_s << " broker " << g_window.broker_s
              << " idle " << g_window.idle << std::endl;
    return 0;
  }
  int n = 100000, reps = 3;
  std::string only;  // transformer | k2r | r2k: that flow and its baseline alone
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--messages") n = std::stoi(args[i + 1]);
    else if (args[i] == "--reps") reps = std::stoi(args[i + 1]);
    else if (args[i] == "--only") only = args[i + 1];
    else die("usage: bench_flows [--messages N] [--reps R] [--only transformer|k2r|r2k]");
  }
  if (!only.empty() && only != "transformer" && only != "k2r" && only != "r2k") {
    die("--only takes transformer, k2r or r2k, not '" + only + "'");
  }
  auto runs = [&](const char* flow) { return only.empty() || only == flow; };
  const int kafka_n = 2 * n;  // Kafka sides move more: they are faster
  kafka::EmbeddedClusterOptions co;
  co.topics = {};
  auto cluster = kafka::EmbeddedCluster::start(co).value();
  const std::string bootstrap = cluster.bootstrap_servers();
  auto topology = amqp::Topology::open({}).value();
  const std::string pid = std::to_string(getpid());
  const std::string queue = "bench-flows-" + pid;
  topology.declare_queue({.name = queue}).value();

  std::vector<double> t_naive, t_flow, k_raw, k_mapped, k_flow, k_lean, r_raw, r_flow;
  double rss_naive = 0, rss_transformer = 0, rss_k2r = 0, rss_r2k = 0, rss_rawp = 0, rss_rawc = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const std::string r = std::to_string(rep);
    if (runs("transformer")) {
      // Transformer vs naive (24 partitions: ~17k messages each, inside the mock's retention).
      for (const char* side : {"naive", "transformer"}) {
        const std::string in = std::string("t-in-") + side + r, out = std::string("t-out-") + side + r;
        if (!cluster.create_topic(in, 24).ok() || !cluster.create_topic(out, 24).ok()) die("create topic");
        fill_kafka(bootstrap, in, kafka_n);
        Run run = spawn(argv[0], {"--role", side, std::to_string(kafka_n), bootstrap, in, out});
        std::fprintf(stderr, "  %-12s %8.0f msgs/s  CPU per message: process %.2f us, embedded Kafka %.2f us; machine idle %.0f %%\n",
                     side, run.rate, run.cpu_s * 1e6 / kafka_n, run.parent_s * 1e6 / kafka_n, run.idle * 100);
        (std::string(side) == "naive" ? t_naive : t_flow).push_back(run.rate);
        (std::string(side) == "naive" ? rss_naive : rss_transformer) =
            std::max(std::string(side) == "naive" ? rss_naive : rss_transformer, run.rss_mib);
      }
    }
    // Which of flow and baseline goes first alternates per rep (the Kafka -> RabbitMQ runs rotate
    // below), so neither always runs on a broker just used by the other.
    const bool flow_first = rep % 2 == 1;
    if (runs("k2r")) {
      // Kafka -> RabbitMQ vs raw publishing with batched confirms, same queue:
      // of bare bodies (the goal's baseline) and of the bridge's own messages.
      auto raw_side = [&](bool mapped) {
        (void)topology.purge_queue(queue);
        settled(settle_broker());
        Run raw = spawn(argv[0], {"--role", mapped ? "raw-publish-mapped" : "raw-publish", std::to_string(n), queue});
        cpu_line(mapped ? "raw mapped" : "raw publish", raw, n);
        (mapped ? k_mapped : k_raw).push_back(raw.rate);
        rss_rawp = std::max(rss_rawp, raw.rss_mib);
      };
      // The bridge as configured by default, and without the Kafka metadata headers.
      auto flow_side = [&](bool kafka_metadata) {
        (void)topology.purge_queue(queue);
        const std::string kin = std::string(kafka_metadata ? "k-in-" : "k-lean-in-") + r;
        if (!cluster.create_topic(kin, 12).ok()) die("create topic");
        fill_kafka(bootstrap, kin, n);
        settled(settle_broker());
        Run k2r = spawn(argv[0], {"--role", kafka_metadata ? "k2r" : "k2r-lean", std::to_string(n), bootstrap, kin, queue});
        cpu_line(kafka_metadata ? "k2r bridge" : "k2r lean", k2r, n);
        (kafka_metadata ? k_flow : k_lean).push_back(k2r.rate);
        rss_k2r = std::max(rss_k2r, k2r.rss_mib);
      };
      // Each of the four goes first, second, third and fourth in turn.
      const std::function<void()> sides[4] = {[&] { raw_side(false); }, [&] { flow_side(true); },
                                              [&] { raw_side(true); }, [&] { flow_side(false); }};
      for (int i = 0; i < 4; ++i) sides[(rep + i) % 4]();
    }
    if (runs("r2k")) {
      // RabbitMQ -> Kafka vs raw consuming with manual acks, same queue.
      auto raw_side = [&] {
        (void)topology.purge_queue(queue);
        fill_queue(queue, n);
        settled(settle_broker());
        Run rawc = spawn(argv[0], {"--role", "raw-consume", std::to_string(n), queue});
        cpu_line("raw consume", rawc, n);
        r_raw.push_back(rawc.rate);
        rss_rawc = std::max(rss_rawc, rawc.rss_mib);
      };
      auto flow_side = [&] {
        (void)topology.purge_queue(queue);
        fill_queue(queue, n);
        const std::string rout = "r-out-" + r;
        if (!cluster.create_topic(rout, 12).ok()) die("create topic");
        settled(settle_broker());
        Run r2k = spawn(argv[0], {"--role", "r2k", std::to_string(n), bootstrap, queue, rout});
        cpu_line("r2k bridge", r2k, n);
        r_flow.push_back(r2k.rate);
        rss_r2k = std::max(rss_r2k, r2k.rss_mib);
      };
      if (flow_first) flow_side(), raw_side();
      else raw_side(), flow_side();
    }
    auto last = [](const std::vector<double>& v) { return v.empty() ? 0.0 : v.back(); };
    std::cerr << "rep " << rep << ": naive " << last(t_naive) << " transformer " << last(t_flow) << " | raw publish "
              << last(k_raw) << " raw mapped " << last(k_mapped) << " k2r " << last(k_flow) << " k2r lean "
              << last(k_lean) << " | raw consume " << last(r_raw) << " r2k "
              << last(r_flow) << "\n";
  }
  (void)topology.delete_queue(queue);
  std::printf("%-44s %12s %12s %7s %8s %9s\n", "flow (median of reps, msgs/s)", "flow", "baseline", "ratio", "target",
              "peak MiB");
  auto row = [](const char* name, double f, double b, double target, double rss, double rss_base) {
    std::printf("%-44s %12.0f %12.0f %7.2f %8s %5.1f/%.1f\n", name, f, b, f / b,
                (std::string(f / b >= target ? ">= " : "< ") + std::to_string(target).substr(0, 3)).c_str(), rss,
                rss_base);
  };
  if (runs("transformer")) {
    row("transformer at-least-once vs naive loop", median(t_flow), median(t_naive), 3.0, rss_transformer, rss_naive);
  }
  if (runs("k2r")) {
    row("Kafka->RabbitMQ bridge vs raw publish b1000", median(k_flow), median(k_raw), 0.9, rss_k2r, rss_rawp);
    row("  same, raw publishing the bridge's messages", median(k_flow), median(k_mapped), 0.9, rss_k2r, rss_rawp);
    row("  bridge kafkaMetadata=false vs raw publish", median(k_lean), median(k_raw), 0.9, rss_k2r, rss_rawp);
  }
  if (runs("r2k")) row("RabbitMQ->Kafka bridge vs raw consume+ack", median(r_flow), median(r_raw), 0.9, rss_r2k, rss_rawc);
  std::printf("messages: %d per RabbitMQ side, %d per Kafka transform side; %d reps; peak MiB = flow/baseline process\n",
              n, kafka_n, reps);
  return 0;
}
