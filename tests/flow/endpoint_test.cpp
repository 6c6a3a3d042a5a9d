// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE flow_endpoint
#include <boost/test/unit_test.hpp>

#include "platform/flow/endpoint.hpp"

using platform::flow::Endpoint;
using platform::flow::parse_endpoint;

BOOST_AUTO_TEST_CASE(camel_style_uris_parse_into_scheme_path_and_params) {
  auto e = parse_endpoint("kafka:events?groupId=g1&autoOffsetReset=earliest");
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->scheme == "kafka");
  BOOST_TEST(e->path == "events");
  BOOST_TEST(e->param("groupId").value_or("") == "g1");
  BOOST_TEST(e->param("autoOffsetReset").value_or("") == "earliest");
  BOOST_TEST(!e->param("missing").has_value());

  auto r = parse_endpoint("rabbitmq:orders?queue=orders-q");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->scheme == "rabbitmq");
  BOOST_TEST(r->path == "orders");
  BOOST_TEST(r->param("queue").value_or("") == "orders-q");
}

BOOST_AUTO_TEST_CASE(percent_escapes_decode_and_round_trip) {
  auto e = parse_endpoint("rabbitmq:amq.topic?routingKey=orders.%2A&x=a%20b");
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->param("routingKey").value_or("") == "orders.*");
  BOOST_TEST(e->param("x").value_or("") == "a b");
  auto again = parse_endpoint(e->to_string());
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->to_string() == e->to_string());
  BOOST_TEST((*again == *e));
}

BOOST_AUTO_TEST_CASE(flag_parameters_have_empty_values) {
  auto e = parse_endpoint("kafka:events?transactional");
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->param("transactional").value_or("x") == "");
}

BOOST_AUTO_TEST_CASE(bad_uris_are_refused_with_position_and_advice) {
  struct Case {
    const char* uri;
    const char* expect;
  } cases[] = {
      {"events", "missing scheme"},
      {":events", "missing scheme"},
      {"Kafka:events", "must start with a-z"},
      {"kafka:", "empty path"},
      {"kafka:events?", "empty parameter"},
      {"kafka:events?a=1&&b=2", "empty parameter"},
      {"kafka:events?=1", "without a name"},
      {"kafka:events?a=1&a=2", "given twice"},
      {"kafka:ev%2", "incomplete percent escape"},
      {"kafka:ev%zz", "bad percent escape"},
  };
  for (const Case& c : cases) {
    auto e = parse_endpoint(c.uri);
    BOOST_TEST_CONTEXT(c.uri) {
      BOOST_REQUIRE(!e.ok());
      const std::string m = e.status().message();
      BOOST_TEST(m.find(c.expect) != std::string::npos, m);
      BOOST_TEST(m.find(std::string("'") + c.uri + "'") != std::string::npos, m);
      BOOST_TEST(m.find("scheme:path?key=value") != std::string::npos, m);
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_parameters_get_a_did_you_mean) {
  auto e = parse_endpoint("kafka:events?groupid=g1");
  BOOST_REQUIRE(e.ok());
  auto s = platform::flow::check_params(*e, {"groupId", "autoOffsetReset"});
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.message().find("unknown parameter 'groupid'") != std::string::npos, s.message());
  BOOST_TEST(s.message().find("did you mean 'groupId'") != std::string::npos, s.message());
  BOOST_TEST(platform::flow::check_params(*e, {"groupid"}).ok());
}

BOOST_AUTO_TEST_CASE(percent_escapes_must_decode_to_utf8) {
  auto bad = parse_endpoint("kafka:events?groupId=a%C3E");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().find("not UTF-8") != std::string::npos, bad.status().message());
  auto good = parse_endpoint("kafka:events?groupId=caf%C3%A9");
  BOOST_TEST_REQUIRE(good.ok(), good.status().to_string());
  BOOST_TEST(good->param("groupId").value_or("") == "caf\xC3\xA9");
}
