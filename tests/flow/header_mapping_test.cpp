// SPDX-License-Identifier: Apache-2.0
// The Kafka <-> AMQP mapping: the table's readable cases, and exact round
// trips K->R->K and R->K->R over randomized header sets.
#define BOOST_TEST_MODULE flow_header_mapping
#include <boost/test/unit_test.hpp>

#include <random>

#include "platform/flow/header_mapping.hpp"

namespace flow = platform::flow;
namespace amqp = platform::amqp;
using platform::Header;
using platform::Message;

BOOST_AUTO_TEST_CASE(common_case_is_readable_on_both_sides) {
  Message m;
  m.key = "order-1";
  m.payload = R"({"id":1})";
  m.timestamp_ms = 1700000000123;
  // Property headers first (the order amqp_to_kafka writes them in).
  m.headers = {{"amqp.content-type", "application/json"},
               {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
               {"tracestate", "congo=t61rcWkgMzE"},
               {"amqp.typed.attempt", "I:3"}};
  flow::AmqpMessage a = flow::kafka_to_amqp(m);
  BOOST_TEST(a.routing_key == "order-1");
  BOOST_TEST(a.body == m.payload);
  BOOST_TEST(a.properties.content_type.value() == "application/json");
  BOOST_TEST(a.properties.delivery_mode.value() == 2);  // persistent by default
  const amqp::FieldValue* tp = amqp::find_field(a.properties.headers, "traceparent");
  BOOST_REQUIRE(tp != nullptr);
  BOOST_TEST(*tp->get_if<std::string>() == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  const amqp::FieldValue* attempt = amqp::find_field(a.properties.headers, "attempt");
  BOOST_REQUIRE(attempt != nullptr);
  BOOST_TEST(*attempt->get_if<std::int32_t>() == 3);
  BOOST_TEST(amqp::find_field(a.properties.headers, "kafka.original") == nullptr);  // no fallback needed
  BOOST_TEST(*amqp::find_field(a.properties.headers, "kafka.timestamp")->get_if<std::int64_t>() == 1700000000123);
  BOOST_TEST((flow::amqp_to_kafka(a) == m));
}

BOOST_AUTO_TEST_CASE(dropping_the_kafka_metadata_keeps_the_records_own_headers) {
  Message m{.key = "order-1",
            .payload = "{}",
            .headers = {{"traceparent", "00-1-01"}, {"amqp.routing-key", "orders"}},  // as the bridge routes
            .timestamp_ms = 1700000000123};
  flow::AmqpMessage a = flow::kafka_to_amqp(m);
  BOOST_TEST_REQUIRE(a.properties.headers.size() == 3u);  // traceparent, kafka.key, kafka.timestamp
  flow::drop_kafka_metadata(a);
  BOOST_TEST_REQUIRE(a.properties.headers.size() == 1u);
  BOOST_TEST(a.properties.headers[0].name == "traceparent");
  BOOST_TEST(a.routing_key == "orders");
  Message back = flow::amqp_to_kafka(a);
  BOOST_TEST(back.key == "orders");
  BOOST_TEST(!back.timestamp_ms.has_value());
  BOOST_TEST(back.header("traceparent").value_or("") == "00-1-01");
}

BOOST_AUTO_TEST_CASE(amqp_properties_become_amqp_headers) {
  flow::AmqpMessage a;
  a.routing_key = "orders";
  a.body = "x";
  a.properties.message_id = "m-7";
  a.properties.priority = 5;
  a.properties.timestamp = 1700000000;
  a.properties.delivery_mode = 1;
  a.properties.headers = {{"traceparent", amqp::FieldValue(std::string("00-abc-def-01"))},
                          {"retries", amqp::FieldValue(std::int64_t{-4})},
                          {"flag", amqp::FieldValue(true)}};
  Message m = flow::amqp_to_kafka(a);
  BOOST_TEST(m.key == "orders");
  BOOST_TEST(m.header("amqp.message-id").value() == "m-7");
  BOOST_TEST(m.header("amqp.priority").value() == "5");
  BOOST_TEST(m.header("amqp.timestamp").value() == "1700000000");
  BOOST_TEST(m.header("amqp.delivery-mode").value() == "1");
  BOOST_TEST(m.header("traceparent").value() == "00-abc-def-01");
  BOOST_TEST(m.header("amqp.typed.retries").value() == "l:-4");
  BOOST_TEST(m.header("amqp.typed.flag").value() == "t:true");
  BOOST_TEST(!m.header("amqp.original").has_value());
  BOOST_TEST((flow::kafka_to_amqp(m) == a));
  // The key can come from the message id instead.
  Message by_id = flow::amqp_to_kafka(a, flow::KeySource::kMessageId);
  BOOST_TEST(by_id.key == "m-7");
  BOOST_TEST(by_id.header("amqp.routing-key").value() == "orders");
  BOOST_TEST((flow::kafka_to_amqp(by_id, flow::KeySource::kMessageId) == a));
}

BOOST_AUTO_TEST_CASE(typed_values_encode_with_a_type_tag) {
  for (const amqp::FieldValue& v :
       {amqp::FieldValue(), amqp::FieldValue(std::int8_t{-3}), amqp::FieldValue(std::uint16_t{65535}),
        amqp::FieldValue(1.5), amqp::FieldValue(0.1f), amqp::FieldValue(amqp::Decimal{2, 12345}),
        amqp::FieldValue(amqp::Timestamp{1700000000}), amqp::FieldValue(amqp::Bytes{std::string("\0\x01\xff", 3)}),
        amqp::FieldValue(amqp::FieldArray{amqp::FieldValue(1), amqp::FieldValue(std::string("a"))}),
        amqp::FieldValue(amqp::FieldTable{{"k", amqp::FieldValue(false)}})}) {
    auto back = flow::decode_field_value(flow::encode_field_value(v));
    BOOST_REQUIRE_MESSAGE(back.ok(), back.status().to_string());
    BOOST_TEST((*back == v));
  }
  BOOST_TEST(flow::encode_field_value(amqp::FieldValue(std::int32_t{42})) == "I:42");
  BOOST_TEST(!flow::decode_field_value("I:abc").ok());
  BOOST_TEST(!flow::decode_field_value("Q:1").ok());
  BOOST_TEST(!flow::decode_field_value("b:300").ok());
}

namespace {

std::mt19937_64 rng(20261126);

std::string random_bytes(std::size_t max) {
  std::string s(rng() % (max + 1), '\0');
  for (char& c : s) c = static_cast<char>(rng() % 256);
  return s;
}

std::string pick(const std::vector<std::string>& v) { return v[rng() % v.size()]; }

// Names that exercise every rule, reserved ones included.
const std::vector<std::string> kNames{
    "traceparent", "tracestate", "baggage", "x", "id", "amqp.content-type", "amqp.priority", "amqp.message-id",
    "amqp.delivery-mode", "amqp.timestamp", "amqp.routing-key", "amqp.typed.n", "amqp.typed.s", "amqp.original",
    "kafka.key", "kafka.timestamp", "kafka.original", "amqp.user-id", "amqp.bogus", ""};

std::string header_value(const std::string& name) {
  switch (rng() % 4) {
    case 0: return random_bytes(12);
    case 1: return std::to_string(rng() % 300);
    case 2: return name.starts_with("amqp.typed.") ? "I:" + std::to_string(static_cast<int>(rng() % 1000) - 500) : "v";
    default: return "l:" + std::to_string(rng() % 99);
  }
}

amqp::FieldValue random_value(int depth) {
  switch (rng() % (depth > 1 ? 15 : 17)) {
    case 0: return amqp::FieldValue();
    case 1: return amqp::FieldValue(rng() % 2 == 0);
    case 2: return amqp::FieldValue(static_cast<std::int8_t>(rng()));
    case 3: return amqp::FieldValue(static_cast<std::uint8_t>(rng()));
    case 4: return amqp::FieldValue(static_cast<std::int16_t>(rng()));
    case 5: return amqp::FieldValue(static_cast<std::uint16_t>(rng()));
    case 6: return amqp::FieldValue(static_cast<std::int32_t>(rng()));
    case 7: return amqp::FieldValue(static_cast<std::uint32_t>(rng()));
    case 8: return amqp::FieldValue(static_cast<std::int64_t>(rng()));
    case 9: return amqp::FieldValue(static_cast<float>(rng() % 100000) / 7.0f);
    case 10: return amqp::FieldValue(static_cast<double>(rng() % 100000) / 3.0);
    case 11: return amqp::FieldValue(amqp::Decimal{static_cast<std::uint8_t>(rng() % 10), static_cast<std::uint32_t>(rng())});
    case 12: return amqp::FieldValue(random_bytes(10));
    case 13: return amqp::FieldValue(amqp::Bytes{random_bytes(10)});
    case 14: return amqp::FieldValue(amqp::Timestamp{rng() % 2000000000});
    case 15: {
      amqp::FieldArray a;
      for (std::size_t i = rng() % 3; i > 0; --i) a.push_back(random_value(depth + 1));
      return amqp::FieldValue(std::move(a));
    }
    default: {
      amqp::FieldTable t;
      for (std::size_t i = rng() % 3; i > 0; --i) t.push_back({pick(kNames), random_value(depth + 1)});
      return amqp::FieldValue(std::move(t));
    }
  }
}

template <typename T>
std::optional<T> maybe(T v) {
  return rng() % 3 == 0 ? std::optional<T>(v) : std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kafka_amqp_kafka_round_trips_exactly) {
  for (int i = 0; i < 5000; ++i) {
    Message m;
    m.key = rng() % 4 == 0 ? "" : random_bytes(8);
    m.payload = random_bytes(32);
    if (rng() % 2 == 0) m.timestamp_ms = static_cast<std::int64_t>(rng() % 4000000000000);
    for (std::size_t n = rng() % 7; n > 0; --n) {
      std::string name = pick(kNames);
      m.headers.push_back({name, header_value(name)});
    }
    for (auto ks : {flow::KeySource::kRoutingKey, flow::KeySource::kMessageId}) {
      Message back = flow::amqp_to_kafka(flow::kafka_to_amqp(m, ks), ks);
      if (back != m) {
        auto dump = [](const Message& x) {
          std::string s = "key=" + x.key + " ts=" + (x.timestamp_ms ? std::to_string(*x.timestamp_ms) : "-");
          for (const auto& h : x.headers) s += " [" + h.name + "=" + h.value + "]";
          return s;
        };
        BOOST_TEST_MESSAGE("in:  " << dump(m) << "\nout: " << dump(back));
      }
      BOOST_REQUIRE_MESSAGE(back == m, "K->R->K changed message #" << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(amqp_kafka_amqp_round_trips_exactly) {
  for (int i = 0; i < 5000; ++i) {
    flow::AmqpMessage a;
    a.routing_key = rng() % 4 == 0 ? "" : random_bytes(6);
    a.body = random_bytes(32);
    amqp::Properties& p = a.properties;
    p.content_type = maybe<std::string>("application/json");
    p.content_encoding = maybe(random_bytes(4));
    p.delivery_mode = rng() % 3 == 0 ? std::nullopt : std::optional<std::uint8_t>(1 + rng() % 2);
    p.priority = maybe<std::uint8_t>(static_cast<std::uint8_t>(rng() % 10));
    p.correlation_id = maybe(random_bytes(5));
    p.reply_to = maybe(random_bytes(5));
    p.expiration = maybe(std::to_string(rng() % 60000));
    p.message_id = maybe(random_bytes(6));
    p.timestamp = maybe<std::uint64_t>(rng() % 2000000000);
    p.type = maybe(random_bytes(3));
    p.user_id = maybe<std::string>("guest");
    p.app_id = maybe(random_bytes(3));
    p.cluster_id = maybe(random_bytes(3));
    for (std::size_t n = rng() % 6; n > 0; --n) p.headers.push_back({pick(kNames), random_value(0)});
    for (auto ks : {flow::KeySource::kRoutingKey, flow::KeySource::kMessageId}) {
      flow::AmqpMessage back = flow::kafka_to_amqp(flow::amqp_to_kafka(a, ks), ks);
      BOOST_REQUIRE_MESSAGE(back == a, "R->K->R changed message #" << i);
    }
  }
}
