// SPDX-License-Identifier: Apache-2.0
// bench_amqp [--messages N] [--rounds R] [--size BYTES]
//
// Against the local broker (127.0.0.1:5672, guest), one durable quorum
// queue, persistent messages:
//   publish: raw rabbitmq-c (basic.publish, confirms awaited every 1000
//            messages, acks read by hand with the multiple flag) vs
//            platform::amqp::Publisher (sliding confirm window, default 1000);
//   consume: raw rabbitmq-c (basic.qos 1000, amqp_consume_message, one
//            basic.ack per delivery) vs platform::amqp::Consumer (prefetch
//            1000, ack per delivery).
// Counted: publish = messages acked (mandatory, no returns/nacks allowed);
// consume = messages acked, time from first delivery to last ack. Rounds
// alternate raw and helper; the median of each is printed with the ratio.
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "platform/amqp/consumer.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/amqp/topology.hpp"

namespace amqp = platform::amqp;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_amqp: %s\n", what.c_str());
  std::exit(1);
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void check(amqp_rpc_reply_t r, const char* what) {
  if (r.reply_type != AMQP_RESPONSE_NORMAL) die(std::string("raw ") + what + " failed");
}

amqp_connection_state_t raw_connect() {
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t* sock = amqp_tcp_socket_new(conn);
  if (amqp_socket_open(sock, "127.0.0.1", 5672) != AMQP_STATUS_OK) die("raw connect failed");
  check(amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
  amqp_channel_open(conn, 1);
  check(amqp_get_rpc_reply(conn), "channel.open");
  return conn;
}

void raw_close(amqp_connection_state_t conn) {
  amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
}

// Raw: publish in batches of 1000, then wait for every ack of the batch.
double raw_publish(const std::string& queue, int n, const std::string& body) {
  amqp_connection_state_t conn = raw_connect();
  amqp_confirm_select(conn, 1);
  check(amqp_get_rpc_reply(conn), "confirm.select");
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = 2;
  const amqp_bytes_t q = amqp_cstring_bytes(queue.c_str());
  const amqp_bytes_t b{body.size(), const_cast<char*>(body.data())};
  std::uint64_t next_tag = 1;
  std::uint64_t acked = 0;
  const auto t0 = Clock::now();
  for (int sent = 0; sent < n;) {
    const int batch = std::min(1000, n - sent);
    for (int i = 0; i < batch; ++i) {
      if (amqp_basic_publish(conn, 1, amqp_empty_bytes, q, 1, 0, &props, b) != AMQP_STATUS_OK) {
        die("raw publish failed");
      }
      ++next_tag;
    }
    sent += batch;
    while (acked < next_tag - 1) {
      amqp_frame_t f;
      if (amqp_simple_wait_frame(conn, &f) != AMQP_STATUS_OK) die("raw wait frame failed");
      if (f.frame_type != AMQP_FRAME_METHOD) continue;
      if (f.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        auto* a = static_cast<amqp_basic_ack_t*>(f.payload.method.decoded);
        acked = a->multiple ? a->delivery_tag : acked + 1;
      } else if (f.payload.method.id == AMQP_BASIC_NACK_METHOD ||
                 f.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
        die("raw publish: nack/return");
      }
    }
    amqp_maybe_release_buffers(conn);
  }
  const double secs = seconds_since(t0);
  raw_close(conn);
  if (acked != static_cast<std::uint64_t>(n)) die("raw publish: not all acked");
  return n / secs;
}

double helper_publish(const std::string& queue, int n, const std::string& body) {
  amqp::PublisherOptions o;
  o.connection.heartbeat = std::chrono::seconds(0);  // as the raw side
  auto pub = amqp::Publisher::open(o);
  if (!pub.ok()) die(pub.status().to_string());
  platform::Message m;
  m.payload = body;
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto t = pub->publish("", queue, m);
    if (!t.ok()) die(t.status().to_string());
  }
  auto s = pub->wait_for_confirms();
  const double secs = seconds_since(t0);
  if (!s.ok()) die(s.to_string());
  if (pub->stats().confirmed != static_cast<std::uint64_t>(n)) die("helper: not all confirmed");
  return n / secs;
}

void prefill(const std::string& queue, int n, const std::string& body) { helper_publish(queue, n, body); }

double raw_consume(const std::string& queue, int n) {
  amqp_connection_state_t conn = raw_connect();
  amqp_basic_qos(conn, 1, 0, 1000, 0);
  check(amqp_get_rpc_reply(conn), "basic.qos");
  amqp_basic_consume(conn, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 0, 0,
                     amqp_empty_table);
  check(amqp_get_rpc_reply(conn), "basic.consume");
  Clock::time_point t0;
  for (int i = 0; i < n; ++i) {
    amqp_maybe_release_buffers(conn);
    amqp_envelope_t env;
    timeval tv{10, 0};
    check(amqp_consume_message(conn, &env, &tv, 0), "consume");
    if (i == 0) t0 = Clock::now();
    if (amqp_basic_ack(conn, 1, env.delivery_tag, 0) != AMQP_STATUS_OK) die("raw ack failed");
    amqp_destroy_envelope(&env);
  }
  const double secs = seconds_since(t0);
  raw_close(conn);
  return (n - 1) / secs;
}

double helper_consume(const std::string& queue, int n) {
  amqp::ConsumerOptions o;
  o.connection.heartbeat = std::chrono::seconds(0);
  o.queue = queue;
  auto c = amqp::Consumer::open(o);
  if (!c.ok()) die(c.status().to_string());
  Clock::time_point t0;
  for (int i = 0; i < n; ++i) {
    auto d = c->consume(std::chrono::seconds(10));
    if (!d.ok() || !d->has_value()) die("helper consume: no delivery");
    if (i == 0) t0 = Clock::now();
    auto s = c->ack((*d)->delivery_tag);
    if (!s.ok()) die(s.to_string());
  }
  return (n - 1) / seconds_since(t0);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int n = 100000;
  int rounds = 3;
  std::size_t size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--messages") n = std::atoi(argv[i + 1]);
    else if (a == "--rounds") rounds = std::atoi(argv[i + 1]);
    else if (a == "--size") size = static_cast<std::size_t>(std::atol(argv[i + 1]));
    else die("unknown option " + a + " (use --messages N --rounds R --size BYTES)");
  }
  auto topo = amqp::Topology::open({});
  if (!topo.ok()) die(topo.status().to_string());
  std::mt19937_64 rng{std::random_device{}()};
  const std::string queue = "platform-bench-amqp-" + std::to_string(rng() % 1000000);
  amqp::QueueOptions qo;
  qo.name = queue;  // quorum, durable
  if (auto r = topo->declare_queue(qo); !r.ok()) die(r.status().to_string());
  const std::string body(size, 'x');

  std::vector<double> raw_pub, helper_pub, raw_con, helper_con;
  long rss_raw = 0, rss_helper = 0;
  for (int r = 0; r < rounds; ++r) {
    (void)topo->purge_queue(queue);
    raw_pub.push_back(raw_publish(queue, n, body));
    (void)topo->purge_queue(queue);
    helper_pub.push_back(helper_publish(queue, n, body));
    (void)topo->purge_queue(queue);
    prefill(queue, n, body);
    raw_con.push_back(raw_consume(queue, n));
    prefill(queue, n, body);
    helper_con.push_back(helper_consume(queue, n));
    std::printf("round %d: publish raw %.0f helper %.0f | consume raw %.0f helper %.0f msgs/s\n",
                r + 1, raw_pub.back(), helper_pub.back(), raw_con.back(), helper_con.back());
    std::fflush(stdout);
  }
  (void)topo->delete_queue(queue);
  rss_raw = rss_helper = peak_rss_kib();

  const double rp = median(raw_pub), hp = median(helper_pub);
  const double rc = median(raw_con), hc = median(helper_con);
  std::printf("\nquorum queue, %zu B persistent, %d messages x %d rounds (median)\n", size, n, rounds);
  std::printf("%-46s %12s\n", "case", "msgs/s");
  std::printf("%-46s %12.0f\n", "publish raw rabbitmq-c, confirms per 1000", rp);
  std::printf("%-46s %12.0f  ratio %.2fx\n", "publish amqp::Publisher, window 1000", hp, hp / rp);
  std::printf("%-46s %12.0f\n", "consume raw rabbitmq-c, prefetch 1000, ack each", rc);
  std::printf("%-46s %12.0f  ratio %.2fx\n", "consume amqp::Consumer, prefetch 1000, ack each", hc,
              hc / rc);
  std::printf("peak RSS of the process: %.1f MiB\n", rss_helper / 1024.0);
  std::printf("goal >= 0.90x: publish %s, consume %s\n", hp / rp >= 0.9 ? "met" : "NOT met",
              hc / rc >= 0.9 ? "met" : "NOT met");
  (void)rss_raw;
  return 0;
}
