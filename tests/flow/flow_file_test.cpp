// SPDX-License-Identifier: Apache-2.0
// Flow files (loading, errors with locations), the declarative transform, and
// the Camel K rendering validated against the Camel K CRD.
#define BOOST_TEST_MODULE flow_file
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include "platform/flow/flow_file.hpp"
#include "platform/validate/validate.hpp"

namespace flow = platform::flow;
using platform::Message;

namespace {
const std::string kExamples = std::string(PLATFORM_SOURCE_DIR) + "/examples/flows/";

std::string with_spec(const std::string& spec_lines) {
  return "apiVersion: libplatform.io/v1\nkind: Flow\nmetadata: {name: f1}\nspec:\n" + spec_lines;
}

std::vector<Message> apply(const flow::TransformSpec& spec, const std::string& payload, const std::string& key = "k") {
  auto fn = flow::compile(spec);
  BOOST_REQUIRE_MESSAGE(fn.ok(), fn.status().to_string());
  auto out = (*fn)(Message{.key = key, .payload = payload, .headers = {}, .timestamp_ms = {}});
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().to_string());
  return *out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(examples_load_and_render_valid_integrations) {
  ::unsetenv("KAFKA_BOOTSTRAP_SERVERS");
  ::unsetenv("RABBITMQ_URL");
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    auto f = flow::load_flow_file(entry.path());
    BOOST_REQUIRE_MESSAGE(f.ok(), f.status().to_string());
    if (f->pattern == flow::Pattern::kWebhook) {
      // Served by the webhook module (tests/webhook); it has no Camel K rendering yet.
      BOOST_TEST(!flow::render_integration(*f, "user-alice").ok());
      continue;
    }
    BOOST_TEST(f->kafka_bootstrap.empty());  // the embedded cluster
    BOOST_TEST(f->rabbitmq.host == "127.0.0.1");
    auto yaml = flow::render_integration(*f, "user-alice");
    BOOST_REQUIRE_MESSAGE(yaml.ok(), yaml.status().to_string());
    BOOST_TEST(yaml->find("namespace: user-alice") != std::string::npos);
    BOOST_TEST(yaml->find("requestCPU: 200m") != std::string::npos);
    BOOST_TEST(yaml->find("limitMemory: 512Mi") != std::string::npos);
    auto report = platform::validate::validate_sources({{entry.path().filename().string(), *yaml}});
    BOOST_REQUIRE_MESSAGE(report.ok(), report.status().to_string());
    BOOST_TEST_MESSAGE(platform::validate::to_text(*report));
    BOOST_TEST(report->valid(), platform::validate::to_text(*report));
    BOOST_TEST(report->unchecked == 0u);  // checked against the Camel K CRD schema
    ++n;
  }
  BOOST_TEST(n == 4);
}

BOOST_AUTO_TEST_CASE(an_invalid_integration_is_caught_by_the_crd) {
  // The check above can fail: break the container trait and validate again.
  auto f = flow::load_flow_file(kExamples + "events-to-commands.yaml").value();
  std::string yaml = flow::render_integration(f, "user-alice").value();
  yaml.replace(yaml.find("requestCPU"), 10, "requestCpu");
  auto report = platform::validate::validate_sources({{"broken.yaml", yaml}}).value();
  BOOST_TEST(!report.valid());
}

BOOST_AUTO_TEST_CASE(unknown_keys_say_where_and_what_was_meant) {
  auto f = flow::parse_flow_file(with_spec("  pattern: transform\n  from: kafka:events\n  to: kafka:commands\n"
                                           "  transform: {set: {a: 1}}\n  gaurantee: exactly-once\n"),
                                 "my.yaml");
  BOOST_REQUIRE(!f.ok());
  const std::string msg = f.status().message();
  BOOST_TEST(msg.find("my.yaml:9:") != std::string::npos, msg);
  BOOST_TEST(msg.find("did you mean 'guarantee'") != std::string::npos, msg);

  auto t = flow::parse_flow_file(with_spec("  pattern: transform\n  from: kafka:events\n  to: kafka:commands\n"
                                           "  transform: {maps: {a: b}}\n"),
                                 "t.yaml");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST(t.status().message().find("did you mean 'map'") != std::string::npos, t.status().message());

  auto p = flow::parse_flow_file(with_spec("  pattern: bridges\n"), "p.yaml");
  BOOST_TEST(p.status().message().find("did you mean 'bridge'") != std::string::npos, p.status().message());
}

BOOST_AUTO_TEST_CASE(bad_values_are_refused_with_their_location) {
  auto check = [](const std::string& spec, const std::string& expected) {
    auto f = flow::parse_flow_file(with_spec(spec), "x.yaml");
    BOOST_REQUIRE_MESSAGE(!f.ok(), "accepted: " << spec);
    BOOST_TEST((f.status().code() == platform::StatusCode::kInvalidArgument));
    BOOST_TEST(f.status().message().find(expected) != std::string::npos, f.status().message());
  };
  check("  pattern: bridge\n  from: kafka:a\n  to: kafka:b\n", "pattern bridge goes from kafka: to rabbitmq:");
  check("  pattern: process\n  from: kafka:a\n  to: kafka:b\n  errors: {backoff: soon}\n", "x.yaml:8:");
  check("  pattern: process\n  from: kafka:a\n  to: http:b\n", "scheme 'http' is not supported");
  check("  pattern: bridge\n  from: kafka:a\n  to: rabbitmq:default?queue=q\n  guarantee: exactly-once\n",
        "exactly-once needs Kafka on both sides");
  check("  pattern: transform\n  from: kafka:a\n  to: kafka:b\n", "needs a transform");
  check("  pattern: process\n  from: kafka:a?group=g\n  to: kafka:b\n", "groupId");
  check("  pattern: process\n  from: kafka:a\n  to: kafka:b\n  errors: {backoff: 99999999999999999999s}\n",
        "is too long; at most a year");
  check("  pattern: bridge\n  from: rabbitmq:default?queue=q&prefetch=lots\n  to: kafka:b\n",
        "prefetch 'lots' must be a whole number from 1 to 65535");
  check("  pattern: bridge\n  from: rabbitmq:default?queue=q&prefetch=70000\n  to: kafka:b\n", "from 1 to 65535");
  check("  pattern: bridge\n  from: kafka:a\n  to: rabbitmq:default?queue=q&kafkaMetadata=no\n",
        "kafkaMetadata must be true or false, not 'no'");
  check("  pattern: bridge\n  from: rabbitmq:default?queue=q&kafkaMetadata=false\n  to: kafka:b\n",
        "kafkaMetadata applies where the flow publishes to RabbitMQ (spec.to)");
  check("  pattern: bridge\n  from: rabbitmq:default?queue=q&key=id\n  to: kafka:b\n",
        "key must be routingKey or messageId, not 'id'");
  auto lean = flow::parse_flow_file(
      with_spec("  pattern: bridge\n  from: kafka:a\n  to: rabbitmq:default?queue=q&kafkaMetadata=false\n"), "x.yaml");
  BOOST_TEST_REQUIRE(lean.ok(), lean.status().to_string());
  // On the platform, Camel's Kafka consumer headers are removed before the publish.
  auto lean_integration = flow::render_integration(*lean, "user-alice");
  BOOST_TEST_REQUIRE(lean_integration.ok(), lean_integration.status().to_string());
  BOOST_TEST(lean_integration->find("removeHeaders") != std::string::npos, *lean_integration);
  BOOST_TEST(lean_integration->find("pattern: kafka.*") != std::string::npos, *lean_integration);
  auto ok = flow::parse_flow_file(with_spec("  pattern: bridge\n  from: rabbitmq:default?queue=q&prefetch=2000\n"
                                            "  to: kafka:b\n  errors: {maxBackoff: 5m}\n"),
                                  "x.yaml");
  BOOST_TEST_REQUIRE(ok.ok(), ok.status().to_string());
  BOOST_TEST(ok->errors.max_backoff.count() == 300000);
  // The prefetch the file asks for is the one the Camel K Integration gets.
  auto integration = flow::render_integration(*ok, "user-alice");
  BOOST_TEST_REQUIRE(integration.ok(), integration.status().to_string());
  BOOST_TEST(integration->find("prefetchCount: 2000") != std::string::npos, *integration);
}

BOOST_AUTO_TEST_CASE(rabbitmq_url_and_password_never_printed) {
  auto f = flow::parse_flow_file(with_spec("  pattern: bridge\n  from: kafka:a\n  to: rabbitmq:x?routingKey=r\n"
                                           "  rabbitmq: {url: 'amqp://alice:s3cret@mq.example:5673/prod'}\n"),
                                 "r.yaml");
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().to_string());
  BOOST_TEST(f->rabbitmq.username == "alice");
  BOOST_TEST(f->rabbitmq.password == "s3cret");
  BOOST_TEST(f->rabbitmq.host == "mq.example");
  BOOST_TEST(f->rabbitmq.port == 5673);
  BOOST_TEST(f->rabbitmq.vhost == "prod");
  auto bad = flow::parse_amqp_url("amqp://alice:s3cret@mq.example:notaport/");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().to_string().find("s3cret") == std::string::npos);
  auto yaml = flow::render_integration(*f, "user-bob").value();
  BOOST_TEST(yaml.find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(webhook_sections_are_kept_for_the_webhook_module) {
  auto f = flow::parse_flow_file(with_spec("  pattern: webhook\n  http: {port: 8080}\n"
                                           "  routes: [{path: /orders, to: 'kafka:events'}]\n"),
                                 "w.yaml");
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().to_string());
  BOOST_TEST((f->pattern == flow::Pattern::kWebhook));
  BOOST_TEST(f->webhook.find("/orders") != std::string::npos);
  auto created = flow::Flow::create(*f);
  BOOST_TEST(created.status().message().find("webhook module") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(transform_filters_maps_renames_sets_and_keys) {
  auto spec = flow::parse_transform(
      "filter: [{field: type, equals: order.created}, {field: order.total, exists: true}]\n"
      "map: {orderId: order.id, customer.name: order.customer}\n"
      "set: {command: ship, version: 2}\n"
      "key: orderId\n");
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().to_string());
  auto out = apply(*spec, R"({"type":"order.created","order":{"id":"o-1","customer":"Ann","total":12.5}})");
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].payload == R"({"orderId":"o-1","customer":{"name":"Ann"},"command":"ship","version":2})");
  BOOST_TEST(out[0].key == "o-1");
  BOOST_TEST(apply(*spec, R"({"type":"order.paid","order":{"id":"o-2","total":1}})").empty());
  BOOST_TEST(apply(*spec, R"({"type":"order.created","order":{"id":"o-3"}})").empty());

  auto edit = flow::parse_transform("rename: {a: b.c}\ndrop: [secret]\nfilter: {field: n, in: [1, 2]}\n").value();
  auto edited = apply(edit, R"( {"a": [1, {"x": "\"q\""}], "secret": true, "n": 2} )");
  BOOST_REQUIRE(edited.size() == 1u);
  BOOST_TEST(edited[0].payload == R"({"n":2,"b":{"c":[1, {"x": "\"q\""}]}})");
  BOOST_TEST(edited[0].key == "k");

  auto fn = flow::compile(edit).value();
  auto not_json = fn(Message{.key = "", .payload = "not json", .headers = {}, .timestamp_ms = {}});
  BOOST_TEST((not_json.status().code() == platform::StatusCode::kInvalidArgument));
  auto truncated = fn(Message{.key = "", .payload = R"({"a": "x)", .headers = {}, .timestamp_ms = {}});
  BOOST_TEST((truncated.status().code() == platform::StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(prometheus_text_has_every_counter) {
  flow::MetricsSnapshot m;
  m.flow = "f1";
  m.in = 10;
  m.out = 9;
  m.retried = 2;
  m.dead_lettered = 1;
  m.lag = 5;
  m.latency_count = 9;
  m.latency_buckets.fill(9);
  std::string text = flow::to_prometheus(m);
  for (const char* line : {"platform_flow_messages_in_total{flow=\"f1\"} 10", "platform_flow_messages_out_total{flow=\"f1\"} 9",
                           "platform_flow_retries_total{flow=\"f1\"} 2", "platform_flow_dead_lettered_total{flow=\"f1\"} 1",
                           "platform_flow_consumer_lag{flow=\"f1\"} 5",
                           "platform_flow_delivery_latency_seconds_bucket{flow=\"f1\",le=\"+Inf\"} 9"}) {
    BOOST_TEST(text.find(line) != std::string::npos, line);
  }
}
