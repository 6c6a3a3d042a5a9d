// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE amqp_consumer
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>

#include "amqp/fixture.hpp"

using namespace amqp_test;
using platform::Message;
using platform::StatusCode;

namespace {

void fill(const std::string& queue, int n) {
  amqp::PublisherOptions o;
  o.connection = local(unique_name("fill"));
  auto pub = amqp::Publisher::open(o).value();
  for (int i = 0; i < n; ++i) {
    amqp::Properties p;
    p.message_id = std::to_string(i);
    pub.publish("", queue, Message{.payload = "m" + std::to_string(i)}, p).value();
  }
  auto s = pub.wait_for_confirms();
  BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
}

amqp::ConsumerOptions consumer_options(const std::string& queue, const std::string& name) {
  amqp::ConsumerOptions o;
  o.connection = local(name);
  o.queue = queue;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(prefetch_bounds_unacked_deliveries_and_acks_release_more) {
  Scratch scratch;
  std::string q = scratch.queue();
  fill(q, 300);
  auto o = consumer_options(q, unique_name("consumer"));
  o.prefetch = 100;
  auto c = amqp::Consumer::open(o).value();
  std::vector<std::uint64_t> tags;
  while (true) {
    auto d = c.consume(std::chrono::milliseconds(1000)).value();
    if (!d) break;
    tags.push_back(d->delivery_tag);
  }
  BOOST_TEST(tags.size() == 100u);  // the broker stops at the prefetch
  BOOST_REQUIRE(c.ack(tags.back(), /*multiple=*/true).ok());
  int more = 0;
  while (auto d = c.consume(std::chrono::milliseconds(1000)).value()) {
    ++more;
    BOOST_REQUIRE(c.ack(d->delivery_tag).ok());
  }
  BOOST_TEST(more == 200);
  BOOST_TEST(scratch.depth(q) == 0u);
  BOOST_TEST(c.stats().delivered == 300u);
}

BOOST_AUTO_TEST_CASE(nack_with_requeue_redelivers_with_the_redelivered_flag) {
  Scratch scratch;
  std::string q = scratch.queue();
  fill(q, 1);
  auto c = amqp::Consumer::open(consumer_options(q, unique_name("consumer"))).value();
  auto first = c.consume(std::chrono::seconds(10)).value();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(!first->redelivered);
  BOOST_REQUIRE(c.nack(first->delivery_tag, false, /*requeue=*/true).ok());
  auto again = c.consume(std::chrono::seconds(10)).value();
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->redelivered);
  BOOST_TEST(*again->properties.message_id == *first->properties.message_id);
  BOOST_TEST(again->message.payload == "m0");
  // reject without requeue drops it.
  BOOST_REQUIRE(c.reject(again->delivery_tag, /*requeue=*/false).ok());
  BOOST_TEST(!c.consume(std::chrono::milliseconds(500)).value().has_value());
  BOOST_TEST(scratch.depth(q) == 0u);
}

BOOST_AUTO_TEST_CASE(after_a_killed_connection_unacked_messages_come_again_and_old_tags_are_void) {
  Scratch scratch;
  std::string q = scratch.queue();
  const int n = 500;
  fill(q, n);
  const std::string name = unique_name("consumer-kill");
  auto c = amqp::Consumer::open(consumer_options(q, name)).value();
  std::set<int> acked;
  std::vector<std::uint64_t> unacked_tags;
  for (int i = 0; i < 200; ++i) {
    auto d = c.consume(std::chrono::seconds(10)).value();
    BOOST_REQUIRE(d.has_value());
    int id = std::stoi(*d->properties.message_id);
    if (i < 100) {
      BOOST_REQUIRE(c.ack(d->delivery_tag).ok());
      acked.insert(id);
    } else {
      unacked_tags.push_back(d->delivery_tag);
    }
  }
  BOOST_REQUIRE(kill_connections(name) == 1);
  std::set<int> seen = acked;
  int redelivered = 0;
  // Until the queue stays empty: redeliveries of the in-flight ones included.
  // (A loss shows as 30 empty seconds with ids missing.)
  for (int idle = 0; idle < (seen.size() == static_cast<std::size_t>(n) ? 3 : 30);) {
    auto d = c.consume(std::chrono::seconds(1));
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().to_string());
    if (!d->has_value()) {
      ++idle;
      continue;
    }
    idle = 0;
    if ((*d)->redelivered) ++redelivered;
    seen.insert(std::stoi(*(*d)->properties.message_id));
    BOOST_REQUIRE(c.ack((*d)->delivery_tag).ok());
  }
  BOOST_TEST(seen.size() == static_cast<std::size_t>(n));
  BOOST_TEST(c.stats().reconnections >= 1u);
  BOOST_TEST(redelivered >= 100);  // the 100 unacked ones at least
  auto s = c.ack(unacked_tags.front());
  BOOST_TEST((s.code() == StatusCode::kFailedPrecondition), s.to_string());
  BOOST_TEST(s.message().find("earlier connection") != std::string::npos);
  BOOST_TEST(!c.consume(std::chrono::milliseconds(500)).value().has_value());
  BOOST_TEST(scratch.depth(q) == 0u);
}

BOOST_AUTO_TEST_CASE(cancel_stops_deliveries) {
  Scratch scratch;
  std::string q = scratch.queue();
  fill(q, 5);
  auto o = consumer_options(q, unique_name("consumer"));
  o.prefetch = 1;
  auto c = amqp::Consumer::open(o).value();
  auto d = c.consume(std::chrono::seconds(10)).value();
  BOOST_REQUIRE(d.has_value());
  BOOST_REQUIRE(c.cancel().ok());
  BOOST_REQUIRE(c.ack(d->delivery_tag).ok());  // acking after cancel still works
  auto after = c.consume(std::chrono::milliseconds(300));
  BOOST_TEST((after.status().code() == StatusCode::kCancelled));
}

BOOST_AUTO_TEST_CASE(a_missing_queue_is_reported_with_the_address) {
  auto r = amqp::Consumer::open(consumer_options(unique_name("missing"), unique_name("c")));
  BOOST_TEST((r.status().code() == StatusCode::kNotFound));
  BOOST_TEST(r.status().message().find("127.0.0.1:5672") != std::string::npos);
  BOOST_TEST(r.status().message().find("basic.consume") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_credentials_and_wrong_port_give_clear_errors_without_the_password) {
  amqp::PublisherOptions o;
  o.connection = local(unique_name("bad"));
  o.connection.password = "s3cret-do-not-print";
  auto r = amqp::Publisher::open(o);
  BOOST_REQUIRE(!r.ok());
  const std::string msg = r.status().to_string();
  BOOST_TEST_MESSAGE(msg);
  BOOST_TEST((r.status().code() == StatusCode::kUnauthenticated));
  BOOST_TEST(msg.find("127.0.0.1:5672") != std::string::npos);
  BOOST_TEST(msg.find("guest") != std::string::npos);
  BOOST_TEST(msg.find("password") != std::string::npos);  // says what to check
  BOOST_TEST(msg.find("s3cret-do-not-print") == std::string::npos);
  BOOST_TEST(amqp::describe(o.connection).find("s3cret") == std::string::npos);

  amqp::ConsumerOptions c;
  c.connection = local(unique_name("bad-port"));
  c.connection.port = 1;
  c.queue = "q";
  auto r2 = amqp::Consumer::open(c);
  BOOST_TEST_MESSAGE(r2.status().to_string());
  BOOST_TEST((r2.status().code() == StatusCode::kUnavailable));
  BOOST_TEST(r2.status().message().find("127.0.0.1:1") != std::string::npos);
  BOOST_TEST(r2.status().message().find("running") != std::string::npos);

  c.connection.port = 5672;
  c.connection.vhost = "no-such-vhost";
  auto r3 = amqp::Consumer::open(c);
  BOOST_TEST_MESSAGE(r3.status().to_string());
  BOOST_TEST(!r3.ok());
  BOOST_TEST(r3.status().message().find("no-such-vhost") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(topology_reconnects_after_its_idle_connection_was_closed) {
  const std::string name = amqp_test::unique_name("topology-idle");
  amqp_test::Scratch scratch(name);
  const std::string queue = scratch.queue();
  BOOST_TEST(scratch.depth(queue) == 0u);
  BOOST_TEST_REQUIRE(amqp_test::kill_connections(name) == 1);
  // The next call finds the connection gone, reopens it and asks again.
  auto info = scratch.topology().inspect_queue(queue);
  BOOST_TEST_REQUIRE(info.ok(), info.status().to_string());
  BOOST_TEST(info->name == queue);
  // A refusal by the broker is not retried: it comes back as it is.
  auto missing = scratch.topology().inspect_queue(queue + "-missing");
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().to_string().find("NOT_FOUND") != std::string::npos, missing.status().to_string());
}
