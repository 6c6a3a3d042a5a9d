// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE amqp_publisher
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "amqp/fixture.hpp"

using namespace amqp_test;
using platform::Message;
using platform::StatusCode;
using amqp::FieldValue;
using amqp::PublishOutcome;

namespace {

amqp::PublisherOptions publisher_options(const std::string& name) {
  amqp::PublisherOptions o;
  o.connection = local(name);
  return o;
}

amqp::ConsumerOptions consumer_options(const std::string& queue) {
  amqp::ConsumerOptions o;
  o.connection = local(unique_name("consumer"));
  o.queue = queue;
  return o;
}

// Every kind of header value, nested, so a round trip proves types survive.
amqp::FieldTable typed_headers(int i) {
  amqp::FieldTable nested{{"depth", FieldValue(std::int32_t{2})},
                          {"inner", FieldValue(amqp::FieldTable{{"leaf", FieldValue("x")}})}};
  return amqp::FieldTable{
      {"string", FieldValue(std::string("value-") + std::to_string(i))},
      {"bytes", FieldValue(amqp::Bytes{std::string("\x00\x01\xff", 3)})},
      {"bool", FieldValue(true)},
      {"i8", FieldValue(std::int8_t{-8})},
      {"u8", FieldValue(std::uint8_t{200})},
      {"i16", FieldValue(std::int16_t{-1600})},
      {"u16", FieldValue(std::uint16_t{60000})},
      {"i32", FieldValue(std::int32_t{-32})},
      {"u32", FieldValue(std::uint32_t{4000000000u})},
      {"i64", FieldValue(std::int64_t{-6400000000000LL} - i)},
      {"float", FieldValue(1.5f)},
      {"double", FieldValue(-2.25)},
      {"decimal", FieldValue(amqp::Decimal{2, 31415})},
      {"timestamp", FieldValue(amqp::Timestamp{1700000000})},
      {"void", FieldValue()},
      {"array", FieldValue(amqp::FieldArray{FieldValue(std::int64_t{1}), FieldValue("two"),
                                            FieldValue(false)})},
      {"table", FieldValue(nested)},
  };
}

amqp::Properties full_properties(int i) {
  amqp::Properties p;
  p.content_type = "application/json";
  p.content_encoding = "identity";
  p.headers = typed_headers(i);
  p.priority = 3;
  p.correlation_id = "corr-" + std::to_string(i);
  p.reply_to = "replies";
  p.expiration = "600000";
  p.message_id = std::to_string(i);
  p.timestamp = 1700000000 + i;
  p.type = "order.created";
  p.user_id = "guest";  // must equal the login, the broker checks it
  p.app_id = "platform-test";
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(quorum_is_the_default_queue_type) {
  Scratch scratch;
  std::string q = scratch.queue();
  BOOST_TEST(queue_type(q) == "quorum\ttrue");
  amqp::QueueOptions classic;
  classic.type = amqp::QueueType::kClassic;
  std::string c = scratch.queue(classic);
  BOOST_TEST(queue_type(c) == "classic\ttrue");
}

BOOST_AUTO_TEST_CASE(queue_options_the_broker_would_refuse_are_rejected_before_connecting) {
  amqp::QueueOptions o;
  o.name = "q";
  o.exclusive = true;
  auto args = amqp::queue_arguments(o);
  BOOST_TEST((args.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(args.status().to_string().find("exclusive") != std::string::npos);
  o.exclusive = false;
  o.dead_letter_exchange = "dlx";
  o.max_length = 5;
  o.overflow = "reject-publish";
  args = amqp::queue_arguments(o);
  BOOST_REQUIRE(args.ok());
  BOOST_TEST(*amqp::find_field(*args, "x-queue-type")->as_bytes() == "quorum");
  BOOST_TEST(*amqp::find_field(*args, "x-dead-letter-exchange")->as_bytes() == "dlx");
  BOOST_TEST(*amqp::find_field(*args, "x-max-length")->as_int() == 5);
}

BOOST_AUTO_TEST_CASE(persistent_messages_with_all_properties_and_typed_headers_round_trip) {
  Scratch scratch;
  std::string q = scratch.queue();
  const int n = 2000;
  std::map<std::uint64_t, PublishOutcome> outcomes;
  std::vector<std::uint64_t> tickets;
  {
    auto pub = amqp::Publisher::open(publisher_options(unique_name("pub"))).value();
    for (int i = 0; i < n; ++i) {
      Message m;
      m.payload = "payload-" + std::to_string(i);
      m.headers = {{"kafka-header", "k" + std::to_string(i)}};
      auto t = pub.publish("", q, m, full_properties(i),
                           [&](const amqp::Confirmation& c) { outcomes[c.ticket] = c.outcome; });
      BOOST_REQUIRE_MESSAGE(t.ok(), t.status().to_string());
      tickets.push_back(*t);
    }
    auto s = pub.wait_for_confirms();
    BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
    BOOST_TEST(pub.unconfirmed() == 0u);
    BOOST_TEST(pub.stats().confirmed == static_cast<std::uint64_t>(n));
  }
  BOOST_TEST(outcomes.size() == static_cast<std::size_t>(n));
  for (std::uint64_t t : tickets) BOOST_TEST((outcomes[t] == PublishOutcome::kConfirmed));
  BOOST_TEST(scratch.depth(q) == static_cast<std::uint32_t>(n));

  auto consumer = amqp::Consumer::open(consumer_options(q)).value();
  for (int i = 0; i < n; ++i) {
    auto d = consumer.consume(std::chrono::seconds(10));
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().to_string());
    BOOST_REQUIRE(d->has_value());
    const amqp::Delivery& del = **d;
    BOOST_TEST(del.message.payload == "payload-" + std::to_string(i));
    BOOST_TEST(del.routing_key == q);
    BOOST_TEST(del.exchange == "");
    BOOST_TEST(!del.redelivered);
    amqp::Properties expected = full_properties(i);
    expected.headers.push_back({"kafka-header", FieldValue(amqp::Bytes{"k" + std::to_string(i)})});
    BOOST_TEST((del.properties.delivery_mode == std::optional<std::uint8_t>(2)));
    BOOST_TEST((del.properties == expected), "properties differ for message " << i);
    BOOST_TEST(*del.message.header("kafka-header") == "k" + std::to_string(i));
    BOOST_TEST(*del.message.timestamp_ms == (1700000000LL + i) * 1000);
    BOOST_REQUIRE(consumer.ack(del.delivery_tag).ok());
  }
}

BOOST_AUTO_TEST_CASE(a_large_window_is_settled_by_multiple_flag_acks) {
  Scratch scratch;
  std::string q = scratch.queue();
  auto options = publisher_options(unique_name("pub"));
  options.confirm_window = 10000;
  auto pub = amqp::Publisher::open(options).value();
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    BOOST_REQUIRE(pub.publish("", q, Message{.payload = std::string(100, 'x')}).ok());
  }
  BOOST_REQUIRE(pub.wait_for_confirms().ok());
  auto st = pub.stats();
  BOOST_TEST(st.confirmed == static_cast<std::uint64_t>(n));
  BOOST_TEST_MESSAGE("confirm frames for " << n << " messages: " << st.confirm_frames);
  BOOST_TEST(st.confirm_frames < st.confirmed);  // some acks covered ranges
  BOOST_TEST(scratch.depth(q) == static_cast<std::uint32_t>(n));
}

BOOST_AUTO_TEST_CASE(an_unroutable_mandatory_message_is_returned_not_confirmed) {
  Scratch scratch;
  std::string q = scratch.queue();
  std::string x = scratch.exchange({.type = "direct"});
  BOOST_REQUIRE(scratch.topology().bind_queue(q, x, "routed").ok());
  auto pub = amqp::Publisher::open(publisher_options(unique_name("pub"))).value();
  std::map<std::uint64_t, amqp::Confirmation> got;
  auto record = [&](const amqp::Confirmation& c) { got[c.ticket] = c; };
  // Interleaved, so returns must be matched to the right messages in a window.
  std::vector<std::uint64_t> routed;
  std::vector<std::uint64_t> unroutable;
  for (int i = 0; i < 50; ++i) {
    Message m{.payload = "m" + std::to_string(i)};
    if (i % 5 == 2) {
      unroutable.push_back(pub.publish(x, "nowhere", m, {}, record).value());
    } else {
      routed.push_back(pub.publish(x, "routed", m, {}, record).value());
    }
  }
  auto s = pub.wait_for_confirms();
  BOOST_TEST((s.code() == StatusCode::kNotFound));
  BOOST_TEST(s.message().find("NO_ROUTE") != std::string::npos, s.message());
  BOOST_TEST(s.message().find("nowhere") != std::string::npos, s.message());
  for (auto t : routed) BOOST_TEST((got.at(t).outcome == PublishOutcome::kConfirmed));
  for (auto t : unroutable) BOOST_TEST((got.at(t).outcome == PublishOutcome::kReturned));
  BOOST_TEST(pub.stats().returned == unroutable.size());
  BOOST_TEST(pub.stats().confirmed == routed.size());
  BOOST_TEST(scratch.depth(q) == routed.size());
  // The failure was reported once; the next wait is clean.
  BOOST_TEST(pub.wait_for_confirms().ok());
}

BOOST_AUTO_TEST_CASE(a_full_queue_with_reject_publish_nacks_and_the_publisher_reports_it) {
  Scratch scratch;
  amqp::QueueOptions o;
  o.max_length = 10;
  o.overflow = "reject-publish";
  std::string q = scratch.queue(o);
  auto pub = amqp::Publisher::open(publisher_options(unique_name("pub"))).value();
  std::map<PublishOutcome, int> counts;
  for (int i = 0; i < 40; ++i) {
    BOOST_REQUIRE(pub.publish("", q, Message{.payload = "p"}, {},
                              [&](const amqp::Confirmation& c) { ++counts[c.outcome]; })
                      .ok());
    // Settle each before the next so the queue's length limit is exact.
    (void)pub.wait_for_confirms();
  }
  // A quorum queue applies the limit once it is exceeded, so it may take one
  // message more than x-max-length; every message beyond that is nacked.
  const int confirmed = counts[PublishOutcome::kConfirmed];
  BOOST_TEST(confirmed >= 10);
  BOOST_TEST(confirmed <= 11);
  BOOST_TEST(counts[PublishOutcome::kNacked] == 40 - confirmed);
  BOOST_TEST(pub.stats().nacked == static_cast<std::uint64_t>(40 - confirmed));
  BOOST_TEST(scratch.depth(q) == static_cast<std::uint32_t>(confirmed));  // nacked = not stored
  pub.publish("", q, Message{.payload = "p"}).value();
  auto s = pub.wait_for_confirms();
  BOOST_TEST((s.code() == StatusCode::kResourceExhausted));
  BOOST_TEST(s.message().find("basic.nack") != std::string::npos, s.message());
}

BOOST_AUTO_TEST_CASE(a_missing_exchange_fails_the_window_and_the_publisher_recovers) {
  Scratch scratch;
  std::string q = scratch.queue();
  auto pub = amqp::Publisher::open(publisher_options(unique_name("pub"))).value();
  std::map<std::uint64_t, amqp::Confirmation> got;
  auto record = [&](const amqp::Confirmation& c) { got[c.ticket] = c; };
  auto bad = pub.publish(unique_name("no-such-exchange"), "k", Message{.payload = "x"}, {}, record);
  BOOST_REQUIRE(bad.ok());
  auto s = pub.wait_for_confirms();
  BOOST_TEST((s.code() == StatusCode::kNotFound), s.to_string());
  BOOST_TEST(s.message().find("no exchange") != std::string::npos, s.message());
  BOOST_TEST((got.at(*bad).outcome == PublishOutcome::kFailed));
  auto good = pub.publish("", q, Message{.payload = "y"}, {}, record);
  BOOST_REQUIRE(good.ok());
  BOOST_TEST(pub.wait_for_confirms().ok());
  BOOST_TEST((got.at(*good).outcome == PublishOutcome::kConfirmed));
  BOOST_TEST(scratch.depth(q) == 1u);
}

BOOST_AUTO_TEST_CASE(batched_publishes_are_confirmed_in_order_across_window_refills) {
  Scratch scratch;
  std::string q = scratch.queue();
  for (std::uint32_t window : {1u, 2u, 3u, 64u}) {
    auto options = publisher_options(unique_name("pub-batch"));
    options.confirm_window = window;
    auto pub = amqp::Publisher::open(options).value();
    std::vector<std::uint64_t> tickets, confirmed;
    pub.begin_batch();
    for (int i = 0; i < 500; ++i) {
      auto t = pub.publish("", q, Message{.payload = "b" + std::to_string(i)}, {}, [&](const amqp::Confirmation& c) {
        BOOST_CHECK(c.outcome == PublishOutcome::kConfirmed);
        confirmed.push_back(c.ticket);
      });
      BOOST_REQUIRE_MESSAGE(t.ok(), t.status().to_string());
      tickets.push_back(*t);
      // A full window is refilled only once half of it is confirmed.
      BOOST_REQUIRE_LE(pub.unconfirmed(), window);
    }
    pub.end_batch();
    BOOST_REQUIRE(pub.wait_for_confirms(std::chrono::seconds(30)).ok());
    BOOST_TEST(confirmed == tickets, "window " << window);
  }
  BOOST_TEST(scratch.depth(q) == 4u * 500u);
}

namespace {

// Publishes until the test's connection was killed and 5,000 messages more;
// `batches`: in begin_batch() runs of 100, each ended by poll().
void publish_through_a_killed_connection(bool batches) {
  Scratch scratch;
  std::string q = scratch.queue();
  const std::string name = unique_name("pub-kill");
  auto pub = amqp::Publisher::open(publisher_options(name)).value();
  std::atomic<int> killed{-1};
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    killed = kill_connections_when_up(name);
  });
  std::set<int> confirmed_ids;
  int i = 0;
  // Publish until the kill has happened and a good stretch after it.
  int after_kill = 0;
  while (after_kill < 5000) {
    if (batches && i % 100 == 0) {
      (void)pub.poll();  // ends the previous batch (a lost connection is retried by publish)
      pub.begin_batch();
    }
    Message m{.payload = "m"};
    amqp::Properties p;
    p.message_id = std::to_string(i);
    auto t = pub.publish("", q, m, p, [&, id = i](const amqp::Confirmation& c) {
      if (c.outcome == PublishOutcome::kConfirmed) confirmed_ids.insert(id);
    });
    BOOST_REQUIRE_MESSAGE(t.ok(), t.status().to_string());
    ++i;
    if (killed >= 0) ++after_kill;
  }
  killer.join();
  BOOST_REQUIRE_MESSAGE(killed > 0, "the test could not find its connection to kill");
  auto s = pub.wait_for_confirms(std::chrono::seconds(60));
  BOOST_REQUIRE_MESSAGE(s.ok(), s.to_string());
  const int n = i;
  auto st = pub.stats();
  BOOST_TEST_MESSAGE("published " << n << ", republished " << st.republished << ", reconnections "
                                  << st.reconnections);
  BOOST_TEST(st.reconnections >= 1u);
  BOOST_TEST(confirmed_ids.size() == static_cast<std::size_t>(n));

  // Every message is in the queue at least once.
  const std::uint32_t depth = scratch.depth(q);
  BOOST_TEST(depth >= static_cast<std::uint32_t>(n));
  auto consumer = amqp::Consumer::open(consumer_options(q)).value();
  std::set<int> seen;
  for (std::uint32_t k = 0; k < depth; ++k) {
    auto d = consumer.consume(std::chrono::seconds(10)).value();
    BOOST_REQUIRE(d.has_value());
    seen.insert(std::stoi(*d->properties.message_id));
    BOOST_REQUIRE(consumer.ack(d->delivery_tag).ok());
  }
  BOOST_TEST(seen.size() == static_cast<std::size_t>(n));
  BOOST_TEST(*seen.begin() == 0);
  BOOST_TEST(*seen.rbegin() == n - 1);
  BOOST_TEST_MESSAGE("duplicates in the queue: " << depth - n);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_killed_connection_loses_nothing_unconfirmed) { publish_through_a_killed_connection(false); }

BOOST_AUTO_TEST_CASE(a_killed_connection_mid_batch_loses_nothing_unconfirmed) {
  publish_through_a_killed_connection(true);
}
