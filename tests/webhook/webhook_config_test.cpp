// SPDX-License-Identifier: Apache-2.0
// The webhook flow file, the option checks, signatures, tokens and the
// idempotency memory (no broker needed).
#define BOOST_TEST_MODULE webhook_config
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "flow/webhook_auth.hpp"
#include "flow/webhook_idempotency.hpp"
#include "flow/webhook_internal.hpp"
#include "platform/flow/webhook.hpp"

namespace flow = platform::flow;
namespace iw = platform::flow::internal_webhook;
using namespace std::chrono_literals;

namespace {

std::string flow_yaml(const std::string& http, const std::string& route_extra = "") {
  return "apiVersion: libplatform.io/v1\n"
         "kind: Flow\n"
         "metadata: {name: hook}\n"
         "spec:\n"
         "  pattern: webhook\n"
         "  http: " + http + "\n"
         "  routes:\n"
         "  - path: /webhooks/orders\n"
         "    method: POST\n"
         "    to: kafka:events?key=json:/id\n" + route_extra;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_shipped_example_loads) {
  auto o = flow::load_webhook_flow(std::string(PLATFORM_SOURCE_DIR) + "/examples/flows/webhook-to-events.yaml");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().to_string());
  BOOST_TEST(o->name == "webhook-to-events");
  BOOST_TEST(o->port == 8080);
  BOOST_TEST(o->body_limit == 1u << 20);
  BOOST_TEST(o->max_connections == 1024u);
  BOOST_TEST(o->header_timeout.count() == 10000);
  BOOST_TEST(o->idempotency_window.count() == 600000);
  BOOST_REQUIRE(o->routes.size() == 1u);
  BOOST_TEST(o->routes[0].to == "kafka:events?key=json:/id");
  BOOST_TEST(o->routes[0].validate_json);
  BOOST_TEST(o->routes[0].content_types == std::vector<std::string>{"application/json"});
  BOOST_TEST(o->kafka_bootstrap_servers.empty());
  BOOST_TEST(o->rabbitmq.host == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(every_option_of_the_file_format_is_read) {
  ::setenv("WEBHOOK_TEST_SECRET", "s3cret", 1);
  auto o = flow::parse_webhook_flow(
      flow_yaml("{address: 127.0.0.1, port: 9000, threads: 3, bodyLimit: 512Ki, headerLimit: 8Ki, maxConnections: 10, maxPending: 20, "
                "headerTimeout: 2s, bodyTimeout: 500ms, ackTimeout: 1m, retryAfter: 7s, idempotencyWindow: 1h, "
                "idempotencyMaxKeys: 50, shutdownTimeout: 3s}",
                "    contentTypes: [application/json, text/plain]\n"
                "    validateJson: true\n"
                "    dryRun: true\n"
                "    auth: {hmacSecretEnv: WEBHOOK_TEST_SECRET, hmacHeader: X-Signature, bearerTokenEnv: WEBHOOK_TEST_SECRET}\n"
                "  kafka: {bootstrapServers: 'k1:9092', properties: {linger.ms: 2}}\n"
                "  rabbitmq: {url: 'amqp://app:pw@rabbit.example:5673/orders'}\n"),
      "f.yaml");
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().to_string());
  BOOST_TEST(o->address == "127.0.0.1");
  BOOST_TEST(o->port == 9000);
  BOOST_TEST(o->threads == 3);
  BOOST_TEST(o->body_limit == 512u * 1024u);
  BOOST_TEST(o->header_limit == 8u * 1024u);
  BOOST_TEST(o->max_connections == 10u);
  BOOST_TEST(o->max_pending == 20u);
  BOOST_TEST(o->header_timeout.count() == 2000);
  BOOST_TEST(o->body_timeout.count() == 500);
  BOOST_TEST(o->ack_timeout.count() == 60000);
  BOOST_TEST(o->retry_after.count() == 7);
  BOOST_TEST(o->idempotency_window.count() == 3600000);
  BOOST_TEST(o->idempotency_max_keys == 50u);
  BOOST_TEST(o->shutdown_timeout.count() == 3000);
  BOOST_TEST(o->kafka_bootstrap_servers == "k1:9092");
  BOOST_TEST(o->kafka_extra.at("linger.ms") == "2");
  BOOST_TEST(o->rabbitmq.host == "rabbit.example");
  BOOST_TEST(o->rabbitmq.port == 5673);
  BOOST_TEST(o->rabbitmq.username == "app");
  BOOST_TEST(o->rabbitmq.password == "pw");
  BOOST_TEST(o->rabbitmq.vhost == "orders");
  const auto& r = o->routes.at(0);
  BOOST_TEST(r.dry_run);
  BOOST_TEST(r.auth.hmac_header == "X-Signature");
  BOOST_TEST(r.auth.hmac_secret_env == "WEBHOOK_TEST_SECRET");
  BOOST_TEST(r.content_types.size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_unknown_key_names_the_place_and_the_likely_key) {
  auto o = flow::parse_webhook_flow(flow_yaml("{port: 8080, bodyLimt: 1Mi}"), "hook.yaml");
  BOOST_REQUIRE(!o.ok());
  BOOST_TEST((o.status().code() == platform::StatusCode::kInvalidArgument));
  const std::string text = o.status().to_string();
  BOOST_TEST(text.find("hook.yaml:6:") != std::string::npos, text);
  BOOST_TEST(text.find("unknown key 'bodyLimt'") != std::string::npos, text);
  BOOST_TEST(text.find("did you mean 'bodyLimit'") != std::string::npos, text);

  auto route = flow::parse_webhook_flow(flow_yaml("{port: 8080}", "    contentType: [application/json]\n"), "r.yaml");
  BOOST_REQUIRE(!route.ok());
  BOOST_TEST(route.status().to_string().find("r.yaml:11:") != std::string::npos, route.status().to_string());
  BOOST_TEST(route.status().to_string().find("did you mean 'contentTypes'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_values_are_refused_with_what_to_write) {
  auto d = flow::parse_webhook_flow(flow_yaml("{headerTimeout: 10 seconds}"), "d.yaml");
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(d.status().to_string().find("e.g. 500ms, 10s") != std::string::npos, d.status().to_string());

  auto q = flow::parse_webhook_flow(flow_yaml("{bodyLimit: 1MB}"), "q.yaml");
  BOOST_REQUIRE(!q.ok());
  BOOST_TEST(q.status().to_string().find("Ki, Mi, Gi") != std::string::npos, q.status().to_string());

  std::string yaml = flow_yaml("{port: 8080}");
  yaml.replace(yaml.find("kafka:events?key=json:/id"), 25, "http:elsewhere");
  auto t = flow::parse_webhook_flow(yaml, "t.yaml");
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST(t.status().to_string().find("use kafka:<topic> or rabbitmq:<exchange>") != std::string::npos,
             t.status().to_string());

  yaml = flow_yaml("{port: 8080}");
  yaml.replace(yaml.find("key=json:/id"), 12, "partitionKey=x");
  auto p = flow::parse_webhook_flow(yaml, "p.yaml");
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.status().to_string().find("partitionKey") != std::string::npos, p.status().to_string());

  auto pattern = flow::parse_webhook_flow("apiVersion: libplatform.io/v1\nkind: Flow\nspec: {pattern: bridge}\n", "x");
  BOOST_REQUIRE(!pattern.ok());
  BOOST_TEST(pattern.status().to_string().find("pattern: webhook") != std::string::npos);

  // Raw librdkafka properties are scalars, as in the other flow files.
  auto props = flow::parse_webhook_flow(
      flow_yaml("{port: 8080}") + "  kafka: {properties: {linger.ms: 1, acks: all, socket.nagle.disable: true, "
                                  "compression.type: {codec: lz4}}}\n",
      "k.yaml");
  BOOST_REQUIRE(!props.ok());
  BOOST_TEST(props.status().to_string().find("kafka.properties.compression.type") != std::string::npos,
             props.status().to_string());
  BOOST_TEST(props.status().to_string().find("must be a string, number or boolean") != std::string::npos,
             props.status().to_string());
  auto good = flow::parse_webhook_flow(
      flow_yaml("{port: 8080}") + "  kafka: {properties: {linger.ms: 1, acks: all, socket.nagle.disable: true}}\n",
      "g.yaml");
  BOOST_REQUIRE_MESSAGE(good.ok(), good.status().to_string());
  BOOST_TEST(good->kafka_extra.at("linger.ms") == "1");
  BOOST_TEST(good->kafka_extra.at("socket.nagle.disable") == "true");

  auto missing = flow::load_webhook_flow("/nonexistent/flow.yaml");
  BOOST_TEST((missing.status().code() == platform::StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(validate_refuses_what_cannot_be_served) {
  flow::WebhookOptions o;
  flow::WebhookRoute r;
  r.path = "/healthz";
  r.to = "kafka:events";
  o.routes = {r};
  BOOST_TEST(flow::validate(o).message().find("served by the webhook itself") != std::string::npos);
  o.routes[0].path = "/a";
  o.routes.push_back(o.routes[0]);
  BOOST_TEST(flow::validate(o).message().find("declared twice") != std::string::npos);
  o.routes.pop_back();
  o.routes[0].method = "post";
  BOOST_TEST(!flow::validate(o).ok());
  o.routes[0].method = "POST";
  o.routes[0].auth.hmac_secret_env = "A";
  o.routes[0].auth.hmac_secret_file = "/etc/hostname";
  BOOST_TEST(flow::validate(o).message().find("not both") != std::string::npos);
  o.routes[0].auth = {};
  o.routes[0].to = "kafka:events?key=json:id";
  BOOST_TEST(flow::validate(o).message().find("JSON pointer") != std::string::npos);
  o.routes[0].to = "rabbitmq:orders?routingKey=header:X-Kind";
  BOOST_TEST(flow::validate(o).ok());
}

BOOST_AUTO_TEST_CASE(an_amqp_url_error_never_shows_the_password) {
  auto bad = iw::parse_amqp_url("amqp://user:hunter2@host:99999/");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().find("hunter2") == std::string::npos);
  auto good = iw::parse_amqp_url("amqps://u:p%40ss@h/%2f");
  BOOST_REQUIRE(good.ok());
  BOOST_TEST(good->password == "p@ss");
  BOOST_TEST(good->vhost == "/");
  BOOST_TEST(good->port == 5671);
  BOOST_TEST(good->tls.enabled);
}

BOOST_AUTO_TEST_CASE(signatures_match_only_the_right_secret_and_body) {
  // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
  const std::string expected = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  BOOST_TEST(iw::sign("Jefe", "what do ya want for nothing?") == expected);
  BOOST_TEST(iw::signature_matches("Jefe", "what do ya want for nothing?", expected));
  std::string upper = expected;
  for (std::size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  BOOST_TEST(iw::signature_matches("Jefe", "what do ya want for nothing?", upper));
  BOOST_TEST(!iw::signature_matches("jefe", "what do ya want for nothing?", expected));
  BOOST_TEST(!iw::signature_matches("Jefe", "what do ya want for nothing!", expected));
  BOOST_TEST(!iw::signature_matches("Jefe", "what do ya want for nothing?", expected.substr(7)));
  BOOST_TEST(!iw::signature_matches("Jefe", "what do ya want for nothing?", expected.substr(0, 70)));
  BOOST_TEST(!iw::signature_matches("Jefe", "x", "sha256=zz"));

  BOOST_TEST(iw::bearer_matches("tok", "Bearer tok"));
  BOOST_TEST(iw::bearer_matches("tok", "bearer tok"));
  BOOST_TEST(!iw::bearer_matches("tok", "Bearer tok2"));
  BOOST_TEST(!iw::bearer_matches("tok", "Basic tok"));
  BOOST_TEST(!iw::bearer_matches("tok", "tok"));
}

BOOST_AUTO_TEST_CASE(secrets_load_from_files_and_environment_and_errors_name_only_the_source) {
  auto file = std::filesystem::temp_directory_path() / "webhook-test-secret.txt";
  std::ofstream(file) << "topsecret\n";
  flow::WebhookAuth a;
  a.hmac_secret_file = file.string();
  auto s = iw::load_secrets(a);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->hmac_secret == "topsecret");
  std::filesystem::remove(file);

  ::setenv("WEBHOOK_TEST_EMPTY", "", 1);
  flow::WebhookAuth b;
  b.bearer_token_env = "WEBHOOK_TEST_UNSET_VARIABLE";
  auto unset = iw::load_secrets(b);
  BOOST_REQUIRE(!unset.ok());
  BOOST_TEST(unset.status().message().find("WEBHOOK_TEST_UNSET_VARIABLE is not set") != std::string::npos);
  b.bearer_token_env = "WEBHOOK_TEST_EMPTY";
  BOOST_TEST(!iw::load_secrets(b).ok());
}

BOOST_AUTO_TEST_CASE(the_idempotency_memory_is_bounded_in_time_and_size) {
  using Clock = iw::IdempotencyCache::Clock;
  iw::IdempotencyCache cache(10s, 3);
  auto t0 = Clock::now();
  using V = iw::IdempotencyCache::Verdict;
  BOOST_TEST(static_cast<int>(cache.begin("a", 1, t0).verdict) == static_cast<int>(V::kNew));
  BOOST_TEST(static_cast<int>(cache.begin("a", 1, t0).verdict) == static_cast<int>(V::kInFlight));
  BOOST_TEST(static_cast<int>(cache.begin("a", 2, t0).verdict) == static_cast<int>(V::kMismatch));
  cache.complete("a", "first", t0);
  auto replay = cache.begin("a", 1, t0 + 9s);
  BOOST_TEST(static_cast<int>(replay.verdict) == static_cast<int>(V::kReplay));
  BOOST_TEST(replay.body == "first");
  // Past the window: forgotten, sent again.
  BOOST_TEST(static_cast<int>(cache.begin("a", 1, t0 + 11s).verdict) == static_cast<int>(V::kNew));
  cache.abandon("a");
  BOOST_TEST(cache.size() == 0u);
  // A failed send is forgotten at once so the retry goes out.
  BOOST_TEST(static_cast<int>(cache.begin("b", 1, t0).verdict) == static_cast<int>(V::kNew));
  cache.abandon("b");
  BOOST_TEST(static_cast<int>(cache.begin("b", 1, t0).verdict) == static_cast<int>(V::kNew));
  cache.abandon("b");
  // At most 3 accepted keys: the oldest goes first.
  for (const char* k : {"k1", "k2", "k3", "k4"}) {
    cache.begin(k, 1, t0);
    cache.complete(k, k, t0);
  }
  BOOST_TEST(cache.size() == 3u);
  BOOST_TEST(static_cast<int>(cache.begin("k4", 1, t0).verdict) == static_cast<int>(V::kReplay));
  BOOST_TEST(static_cast<int>(cache.begin("k1", 1, t0).verdict) == static_cast<int>(V::kNew));
}
