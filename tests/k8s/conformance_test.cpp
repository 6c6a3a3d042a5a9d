// SPDX-License-Identifier: Apache-2.0
// Conformance: for the same manifests, `kubectl apply --server-side` (1.32)
// and `platformctl apply` must send the same apply PATCH requests: paths,
// query parameters, content type, bearer token, bodies compared as parsed
// JSON. Discovery and OpenAPI requests differ by design and are not compared.
#define BOOST_TEST_MODULE k8s_conformance
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "fake_apiserver.hpp"

namespace fs = std::filesystem;
using platform::testing::FakeApiServer;
using platform::testing::json;
using platform::testing::RecordedRequest;
using platform::testing::run_command;

namespace {

const std::string kToken = "conformance-token-42";

const char* kManifests = R"(apiVersion: v1
kind: Namespace
metadata:
  name: kafka
  labels: {app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
---
apiVersion: v1
kind: Namespace
metadata:
  name: default
  labels: {app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kafka-settings
  namespace: kafka
  labels: {app: kafka, app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
data:
  cleanup.policy: delete
  retention.ms: "604800000"
---
apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: events
  namespace: kafka
  labels: {strimzi.io/cluster: events, app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
spec:
  partitions: 3
  replicas: 1
  config: {retention.ms: 604800000, min.insync.replicas: 1}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: platform-reader
  labels: {app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
rules:
- apiGroups: [kafka.strimzi.io]
  resources: [kafkatopics]
  verbs: [get, list, watch]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: in-context-namespace
  labels: {app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}
data: {a: "1"}
)";

std::string kubectl_binary() {
  for (const char* p : {"/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/bin/kubectl.1.32"}) {
    if (fs::exists(p)) return p;
  }
  return "kubectl";  // the dispatcher asks /version, which says 1.32
}

struct Work {
  fs::path dir;
  Work() {
    char tmpl[] = "/tmp/k8s_conformance_XXXXXX";
    dir = mkdtemp(tmpl);
    std::ofstream(dir / "platform.yaml") << kManifests;
    fs::create_directories(dir / "home");
  }
  ~Work() { fs::remove_all(dir); }
};

std::vector<RecordedRequest> patches(const FakeApiServer& s) {
  std::vector<RecordedRequest> out;
  for (const auto& r : s.requests()) {
    if (r.method == "PATCH") out.push_back(r);
  }
  return out;
}

std::vector<RecordedRequest> run_kubectl(const Work& w, const std::string& flags) {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  std::string out;
  // A fresh HOME: no discovery cache, so every run sends the same requests.
  // kubectl has no request timeout by default: `timeout` bounds the run
  // (--request-timeout would add a query parameter to every request).
  std::string cmd = "HOME=" + (w.dir / "home").string() + " KUBECONFIG= timeout 120 " + kubectl_binary() +
                    " --kubeconfig " + server.write_kubeconfig(kToken) +
                    " apply --server-side --field-manager=platformctl " + flags + " -f " +
                    (w.dir / "platform.yaml").string();
  int rc = run_command(cmd, &out);
  BOOST_TEST_MESSAGE("kubectl rc=" << rc << ": " << out);
  return patches(server);
}

std::vector<RecordedRequest> run_platformctl(const Work& w, const std::string& flags, int* rc_out = nullptr,
                                             std::string* output = nullptr, const std::string& global = "") {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  std::string out;
  std::string cmd = std::string(PLATFORM_BINARY_DIR) + "/bindings/cli/platformctl " + global + " --kubeconfig " +
                    server.write_kubeconfig(kToken) + " apply --timeout 20s " + flags + " -f " +
                    (w.dir / "platform.yaml").string();
  int rc = run_command(cmd, &out);
  if (rc_out != nullptr) *rc_out = rc;
  if (output != nullptr) *output = out;
  BOOST_TEST_MESSAGE("platformctl rc=" << rc << ": " << out.substr(0, 2000));
  return patches(server);
}

void compare(const std::vector<RecordedRequest>& ref, const std::vector<RecordedRequest>& ours) {
  BOOST_TEST_REQUIRE(ref.size() == 6u);  // kubectl really reached the apply requests
  BOOST_TEST_REQUIRE(ours.size() == ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    BOOST_TEST_CONTEXT("PATCH #" << i << " " << ref[i].path) {
      BOOST_TEST(ours[i].path == ref[i].path);
      BOOST_TEST((ours[i].params() == ref[i].params()));
      BOOST_TEST(ours[i].headers.at("content-type") == ref[i].headers.at("content-type"));
      BOOST_TEST(ours[i].headers.at("authorization") == ref[i].headers.at("authorization"));
      BOOST_TEST(ours[i].headers.at("accept") == ref[i].headers.at("accept"));
      BOOST_TEST(json::parse(ours[i].body) == json::parse(ref[i].body), "ours: " << ours[i].body << "\nkubectl: " << ref[i].body);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(apply_sends_what_kubectl_sends) {
  Work w;
  auto ref = run_kubectl(w, "");
  int rc = -1;
  auto ours = run_platformctl(w, "", &rc);
  BOOST_TEST(rc == 0);
  compare(ref, ours);
  // The requests really carry what the brief promises.
  BOOST_REQUIRE(!ours.empty());
  BOOST_TEST(ours[0].params().at("fieldManager") == "platformctl");
  BOOST_TEST(ours[0].params().at("fieldValidation") == "Strict");
  BOOST_TEST(ours[0].params().at("force") == "false");
  BOOST_TEST(ours[5].path == "/api/v1/namespaces/default/configmaps/in-context-namespace");
}

BOOST_AUTO_TEST_CASE(server_dry_run_sends_what_kubectl_sends) {
  Work w;
  compare(run_kubectl(w, "--dry-run=server"), run_platformctl(w, "--dry-run=server"));
}

BOOST_AUTO_TEST_CASE(force_conflicts_sends_what_kubectl_sends) {
  Work w;
  auto ours = run_platformctl(w, "--force-conflicts");
  compare(run_kubectl(w, "--force-conflicts"), ours);
  BOOST_REQUIRE(!ours.empty());
  BOOST_TEST(ours[0].params().at("force") == "true");
}

BOOST_AUTO_TEST_CASE(the_token_is_never_printed_at_the_most_verbose_level) {
  Work w;
  int rc = -1;
  std::string out;
  auto ours = run_platformctl(w, "", &rc, &out, "-vvv");
  BOOST_TEST(rc == 0);
  BOOST_TEST(ours.size() == 6u);
  BOOST_TEST(out.find("PATCH /api/v1/namespaces/kafka") != std::string::npos);  // it really was verbose
  BOOST_TEST(out.find("Authorization: <redacted>") != std::string::npos);
  BOOST_TEST(out.find(kToken) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_f_the_default_spec_is_rendered_applied_and_healthy) {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  const std::string cli = std::string(PLATFORM_BINARY_DIR) + "/bindings/cli/platformctl --kubeconfig " +
                          server.write_kubeconfig(kToken);
  std::string out;
  int rc = run_command(cli + " apply --timeout 30s", &out);
  BOOST_TEST_REQUIRE(rc == 0, out);
  auto sent = patches(server);
  BOOST_TEST(sent.size() >= 30u);
  // Namespaces before everything else; the Kafka CR only after the Strimzi operator Application.
  std::size_t last_ns = 0, first_other = sent.size(), strimzi = sent.size(), kafka = sent.size();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const std::string& p = sent[i].path;
    if (p.rfind("/api/v1/namespaces/", 0) == 0 && p.find('/', 19) == std::string::npos) {
      last_ns = i;
    } else if (first_other == sent.size()) {
      first_other = i;
    }
    if (p.find("/applications/strimzi-operator") != std::string::npos) strimzi = i;
    if (p.find("/kafkas/") != std::string::npos) kafka = i;
  }
  BOOST_TEST(last_ns < first_other);
  BOOST_TEST(strimzi < kafka);
  BOOST_TEST(kafka < sent.size());
  rc = run_command(cli + " status", &out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(out.find("Kafka kafka/") != std::string::npos);
  BOOST_TEST(out.find("Progressing") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bootstrap_applies_only_argocd_and_the_root_application) {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  std::string out;
  int rc = run_command(std::string(PLATFORM_BINARY_DIR) + "/bindings/cli/platformctl --kubeconfig " +
                           server.write_kubeconfig(kToken) + " apply --bootstrap --timeout 30s",
                       &out);
  BOOST_TEST_REQUIRE(rc == 0, out);
  auto sent = patches(server);
  BOOST_TEST(!sent.empty());
  bool root = false;
  for (const auto& r : sent) {
    const bool argocd = r.path == "/api/v1/namespaces/argocd" || r.path.find("/namespaces/argocd/") != std::string::npos;
    BOOST_TEST(argocd, r.path);
    if (r.path.find("/applications/") != std::string::npos) {
      BOOST_TEST(r.path.find("/applications/platform-root") != std::string::npos, r.path);
      root = true;
    }
  }
  BOOST_TEST(root);
}
