// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE k8s_client
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fake_apiserver.hpp"
#include "platform/k8s/client.hpp"

namespace fs = std::filesystem;
using platform::StatusCode;
using platform::k8s::Client;
using platform::k8s::ClientOptions;
using platform::k8s::HttpRequest;
using platform::testing::Fault;
using platform::testing::FakeApiServer;

namespace {

const std::string kToken = "s3cr3t-token-0123456789";

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/k8s_client_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

struct EnvGuard {
  std::string name;
  std::string old;
  bool had;
  EnvGuard(const char* n, const std::string& value) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    setenv(n, value.c_str(), 1);
  }
  ~EnvGuard() {
    if (had) {
      setenv(name.c_str(), old.c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
};

ClientOptions options_for(const FakeApiServer& server, std::vector<std::string>* log = nullptr,
                          std::vector<std::chrono::milliseconds>* waits = nullptr) {
  platform::k8s::KubeconfigSelection sel;
  sel.kubeconfig = server.write_kubeconfig(kToken);
  auto o = platform::k8s::load_client_options(sel);
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().to_string());
  ClientOptions opts = *o;
  if (log != nullptr) opts.log = [log](std::string_view l) { log->emplace_back(l); };
  opts.sleep = [waits](std::chrono::milliseconds d) {
    if (waits != nullptr) waits->push_back(d);
  };
  return opts;
}

HttpRequest apply_request(const std::string& path, const std::string& body) {
  HttpRequest r;
  r.method = "PATCH";
  r.target = path + "?fieldManager=platformctl&fieldValidation=Strict&force=false";
  r.headers = {{"Content-Type", "application/apply-patch+yaml"}};
  r.body = body;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kubeconfig_list_is_merged_first_definition_wins) {
  TempDir d;
  d.write("certs/ca.pem", "CA-FROM-FILE");
  std::string a = d.write("a.yaml", R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: "https://one.example:6443/", certificate-authority: certs/ca.pem}
users:
- name: u1
  user: {token: first-token}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: team}
)");
  std::string b = d.write("b.yaml", R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: c1
  cluster: {server: "https://ignored.example"}
- name: c2
  cluster: {server: "https://two.example", insecure-skip-tls-verify: true, certificate-authority-data: Q0EtREFUQQ==}
users:
- name: u1
  user: {token: ignored}
- name: u2
  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ, tokenFile: tok}
contexts:
- name: prod
  context: {cluster: c2, user: u2}
)");
  EnvGuard env("KUBECONFIG", a + ":" + (d.path / "missing.yaml").string() + ":" + b);
  auto dev = platform::k8s::load_client_options({});
  BOOST_REQUIRE_MESSAGE(dev.ok(), dev.status().to_string());
  BOOST_TEST(dev->context == "dev");  // current-context from the first file that sets it
  BOOST_TEST(dev->server == "https://one.example:6443");
  BOOST_TEST(dev->certificate_authority_pem == "CA-FROM-FILE");  // relative to a.yaml
  BOOST_TEST(dev->token == "first-token");
  BOOST_TEST(dev->default_namespace == "team");
  auto prod = platform::k8s::load_client_options({"", "prod"});
  BOOST_REQUIRE_MESSAGE(prod.ok(), prod.status().to_string());
  BOOST_TEST(prod->server == "https://two.example");
  BOOST_TEST(prod->insecure_skip_tls_verify);
  BOOST_TEST(prod->certificate_authority_pem == "CA-DATA");
  BOOST_TEST(prod->client_certificate_pem == "CERT");
  BOOST_TEST(prod->client_key_pem == "KEY");
  BOOST_TEST(prod->token_file == (d.path / "tok").string());
  BOOST_TEST(prod->default_namespace == "default");
  auto missing = platform::k8s::load_client_options({"", "nope"});
  BOOST_TEST((missing.status().code() == StatusCode::kNotFound));
  BOOST_TEST(missing.status().message().find("dev, prod") != std::string::npos);
  // --kubeconfig reads exactly that file
  auto only_b = platform::k8s::load_client_options({b, ""});
  BOOST_REQUIRE(only_b.ok());
  BOOST_TEST(only_b->context == "prod");
}

BOOST_AUTO_TEST_CASE(kubeconfig_errors_say_what_and_where) {
  TempDir d;
  std::string exec = d.write("exec.yaml", R"(current-context: x
clusters: [{name: c, cluster: {server: "https://x"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)");
  auto r = platform::k8s::load_client_options({exec, ""});
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(r.status().message().find("exec") != std::string::npos);
  std::string dangling = d.write("dangling.yaml", R"(current-context: x
contexts: [{name: x, context: {cluster: gone, user: u}}]
)");
  r = platform::k8s::load_client_options({dangling, ""});
  BOOST_TEST(r.status().message().find("cluster \"gone\"") != std::string::npos);
  r = platform::k8s::load_client_options({(d.path / "absent").string(), ""});
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(in_cluster_service_account) {
  TempDir d;
  d.write("sa/token", "sa-token\n");
  d.write("sa/ca.crt", "SA-CA");
  d.write("sa/namespace", "platform-system");
  EnvGuard host("KUBERNETES_SERVICE_HOST", "10.0.0.1");
  EnvGuard port("KUBERNETES_SERVICE_PORT", "443");
  auto o = platform::k8s::in_cluster_client_options((d.path / "sa").string());
  BOOST_REQUIRE_MESSAGE(o.ok(), o.status().to_string());
  BOOST_TEST(o->server == "https://10.0.0.1:443");
  BOOST_TEST(o->certificate_authority_pem == "SA-CA");
  BOOST_TEST(o->default_namespace == "platform-system");
  BOOST_TEST(o->token_file == (d.path / "sa" / "token").string());
}

BOOST_AUTO_TEST_CASE(tls_bearer_token_and_one_connection) {
  FakeApiServer server({.tls = true, .token = kToken});
  auto client = Client::create(options_for(server));
  BOOST_REQUIRE(client.ok());
  auto created = client->send(apply_request("/api/v1/namespaces/kafka",
                                            R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kafka"}})"));
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  BOOST_TEST(created->status == 201);
  for (int i = 0; i < 5; ++i) {
    auto got = client->send({.method = "GET", .target = "/api/v1/namespaces/kafka"});
    BOOST_REQUIRE(got.ok());
    BOOST_TEST(got->status == 200);
  }
  auto reqs = server.requests();
  BOOST_TEST(reqs.size() == 6u);
  for (const auto& r : reqs) BOOST_TEST(r.headers.at("authorization") == "Bearer " + kToken);
  // Missing objects are kNotFound with the server's words.
  auto missing = client->send({.method = "GET", .target = "/api/v1/namespaces/nope"});
  BOOST_TEST((missing.status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(retries_429_with_retry_after_5xx_and_dropped_connections) {
  FakeApiServer server({.tls = true, .token = kToken});
  std::vector<std::chrono::milliseconds> waits;
  auto client = Client::create(options_for(server, nullptr, &waits));
  BOOST_REQUIRE(client.ok());
  // The drop comes first, on a fresh connection (libcurl itself silently
  // retries a request whose reused connection died).
  server.inject("PATCH", "/namespaces/a", Fault{.drop = true}, 1);
  server.inject("PATCH", "/namespaces/a", Fault{.status = 429, .retry_after = "2"}, 1);
  server.inject("PATCH", "/namespaces/a", Fault{.status = 503}, 1);
  auto r = client->send(apply_request("/api/v1/namespaces/a", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}})"));
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  BOOST_TEST(r->status == 201);
  BOOST_TEST(client->requests_sent() == 4u);
  BOOST_REQUIRE(waits.size() == 3u);
  BOOST_TEST(waits[1].count() == 2000);  // Retry-After honoured
  BOOST_TEST(server.get("/api/v1/namespaces/a").has_value());
  // Giving up: a persistent 500 ends as kUnavailable after max_attempts.
  server.inject("GET", "/namespaces/a", Fault{.status = 500}, 100);
  auto g = client->send({.method = "GET", .target = "/api/v1/namespaces/a"});
  BOOST_TEST((g.status().code() == StatusCode::kUnavailable));
  BOOST_TEST(g.status().message().find("HTTP 500") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(slow_answers_time_out) {
  FakeApiServer server({.tls = true, .token = kToken});
  ClientOptions o = options_for(server);
  o.request_timeout = std::chrono::milliseconds(200);
  o.max_attempts = 1;
  auto client = Client::create(o);
  BOOST_REQUIRE(client.ok());
  server.inject("GET", "/namespaces", Fault{.delay = std::chrono::milliseconds(1500)}, 1);
  auto g = client->send({.method = "GET", .target = "/api/v1/namespaces"});
  BOOST_TEST((g.status().code() == StatusCode::kDeadlineExceeded));
}

BOOST_AUTO_TEST_CASE(errors_name_user_verb_fields_and_operator) {
  FakeApiServer server({.tls = true, .token = kToken});
  ClientOptions bad = options_for(server);
  bad.token = "wrong-token";
  auto unauth = Client::create(bad)->send({.method = "GET", .target = "/api/v1/namespaces/x"});
  BOOST_TEST((unauth.status().code() == StatusCode::kUnauthenticated));
  BOOST_TEST(unauth.status().message().find("user \"tester\" (context \"test\")") != std::string::npos);
  BOOST_TEST(unauth.status().message().find("wrong-token") == std::string::npos);

  auto client = Client::create(options_for(server));
  BOOST_REQUIRE(client.ok());
  // 404 on a custom resource type: which operator is missing.
  auto cr = client->send(apply_request("/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkatopics/orders",
                                       R"({"apiVersion":"kafka.strimzi.io/v1beta2","kind":"KafkaTopic","metadata":{"name":"orders","namespace":"kafka"}})"));
  BOOST_TEST((cr.status().code() == StatusCode::kFailedPrecondition));
  BOOST_TEST(cr.status().message().find("Strimzi operator") != std::string::npos);
  BOOST_TEST(cr.status().message().find("wave 0") != std::string::npos);

  // 409: fields and managers
  BOOST_REQUIRE(client->send(apply_request("/api/v1/namespaces/kafka", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kafka"}})")).ok());
  const std::string cm = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s","namespace":"kafka"},"data":{"a":"1"}})";
  BOOST_REQUIRE(client->send(apply_request("/api/v1/namespaces/kafka/configmaps/s", cm)).ok());
  server.set_field("/api/v1/namespaces/kafka/configmaps/s", "/data/a", "2", "kube-controller-manager");
  auto conflict = client->send(apply_request("/api/v1/namespaces/kafka/configmaps/s", cm));
  BOOST_TEST((conflict.status().code() == StatusCode::kAborted));
  BOOST_REQUIRE(conflict.status().details().size() == 1u);
  BOOST_TEST(conflict.status().details()[0].path == ".data.a");
  BOOST_TEST(conflict.status().details()[0].message.find("kube-controller-manager") != std::string::npos);
  BOOST_TEST(conflict.status().message().find("--force-conflicts") != std::string::npos);
  // 403 with user and verb (scripted)
  server.inject("DELETE", "/configmaps/s", Fault{.status = 403}, 1);
  auto forbidden = client->send({.method = "DELETE", .target = "/api/v1/namespaces/kafka/configmaps/s"});
  BOOST_TEST((forbidden.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(forbidden.status().message().find("user \"tester\"") != std::string::npos);
  BOOST_TEST(forbidden.status().message().find("may not delete configmaps \"s\" in namespace \"kafka\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(watch_streams_events) {
  FakeApiServer server({.tls = true, .token = kToken});
  auto client = Client::create(options_for(server));
  BOOST_REQUIRE(client.ok());
  BOOST_REQUIRE(client->send(apply_request("/api/v1/namespaces/w", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"w"}})")).ok());
  std::vector<std::string> types;
  auto st = client->watch({.method = "GET", .target = "/api/v1/namespaces?watch=1&resourceVersion=0&timeoutSeconds=5"},
                          [&](std::string_view line) {
                            auto ev = nlohmann::json::parse(line);
                            types.push_back(ev["type"]);
                            return false;  // stop after the first event
                          });
  BOOST_TEST_REQUIRE(st.ok(), st.to_string());
  BOOST_REQUIRE(types.size() == 1u);
  BOOST_TEST(types[0] == "ADDED");
}

BOOST_AUTO_TEST_CASE(token_never_printed_even_at_the_most_verbose_level) {
  FakeApiServer server({.tls = true, .token = kToken});
  std::vector<std::string> log;
  ClientOptions o = options_for(server, &log);
  o.verbosity = 3;
  auto client = Client::create(o);
  BOOST_REQUIRE(client.ok());
  BOOST_REQUIRE(client->send(apply_request("/api/v1/namespaces/v", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"v"}})")).ok());
  server.inject("GET", "/namespaces/v", Fault{.status = 403}, 1);
  auto denied = client->send({.method = "GET", .target = "/api/v1/namespaces/v"});
  BOOST_TEST(!denied.ok());
  BOOST_TEST(log.size() > 10u);  // the trace really ran
  bool saw_auth = false;
  for (const auto& l : log) {
    BOOST_TEST(l.find(kToken) == std::string::npos, l);
    if (l.find("Authorization: <redacted>") != std::string::npos) saw_auth = true;
  }
  BOOST_TEST(saw_auth);
  BOOST_TEST(denied.status().to_string().find(kToken) == std::string::npos);
}
