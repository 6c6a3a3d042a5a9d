// SPDX-License-Identifier: Apache-2.0
// Applies the same stream to the test API server with kubectl 1.32 (apply
// --server-side) and with platformctl apply (which also orders by wave and
// waits for every wave to be healthy), each against a fresh server, and
// prints requests/s, wall time and the ratio.
//
// The stream is `platformctl render` of the default spec plus N tenants
// (mode "rendered", the default), or a synthetic one (mode "synthetic":
// N x Namespace + ConfigMap + ResourceQuota in wave 3, a few objects in
// waves 0-2).
//
//   bench_apply [tenants=1000] [rounds=3] [rendered|synthetic]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "fake_apiserver.hpp"

namespace fs = std::filesystem;
using platform::testing::FakeApiServer;
using platform::testing::run_command;

namespace {

const std::string kToken = "bench-token";

std::string stream(int tenants) {
  std::string s;
  auto labels = "  labels: {app.kubernetes.io/managed-by: platformctl, app.kubernetes.io/part-of: platform}\n";
  for (const char* ns : {"kafka", "rabbitmq", "backstage"}) {
    s += std::string("---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ") + ns + "\n" + labels;
  }
  s += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kafka-settings\n  namespace: kafka\n" + std::string(labels) +
       "  annotations: {argocd.argoproj.io/sync-wave: \"1\"}\ndata: {retention.ms: \"604800000\"}\n";
  s += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backstage\n  namespace: backstage\n" +
       std::string(labels) + "  annotations: {argocd.argoproj.io/sync-wave: \"2\"}\nspec:\n  replicas: 1\n"
       "  selector: {matchLabels: {app: backstage}}\n  template:\n    metadata: {labels: {app: backstage}}\n"
       "    spec: {containers: [{name: backstage, image: backstage:1.0}]}\n";
  for (int i = 0; i < tenants; ++i) {
    std::string ns = "user-t" + std::to_string(i);
    std::string wave = "  annotations: {argocd.argoproj.io/sync-wave: \"3\"}\n";
    s += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n" + labels + wave;
    s += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tenant\n  namespace: " + ns + "\n" + labels + wave +
         "data: {owner: t" + std::to_string(i) + ", kafka: \"kafka:9092\", rabbitmq: \"rabbitmq:5672\"}\n";
    s += "---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\n  namespace: " + ns + "\n" + labels +
         wave + "spec:\n  hard: {requests.cpu: \"2\", requests.memory: 4Gi, limits.cpu: \"4\", limits.memory: 8Gi}\n";
  }
  return s;
}

struct Run {
  double seconds = 0;
  std::size_t requests = 0;
  std::size_t patches = 0;
  int rc = -1;
};

std::string kubectl_binary() {
  for (const char* p : {"/usr/lib/google-cloud-sdk/bin/kubectl.1.32", "/usr/bin/kubectl.1.32"}) {
    if (fs::exists(p)) return p;
  }
  return "kubectl";
}

Run run(const std::string& command_prefix, const std::string& command_suffix) {
  FakeApiServer server({.token = kToken, .serve_platform_crds = true});
  std::string cmd = command_prefix + server.write_kubeconfig(kToken) + command_suffix;
  std::string out;
  auto start = std::chrono::steady_clock::now();
  Run r;
  r.rc = run_command(cmd, &out);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto reqs = server.requests();
  r.requests = reqs.size();
  r.patches = static_cast<std::size_t>(std::count_if(reqs.begin(), reqs.end(), [](const auto& q) { return q.method == "PATCH"; }));
  if (r.rc != 0) std::cerr << "command failed (" << r.rc << "): " << cmd << "\n" << out.substr(0, 2000) << "\n";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int tenants = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  char tmpl[] = "/tmp/bench_apply_XXXXXX";
  fs::path dir = mkdtemp(tmpl);
  fs::create_directories(dir / "home");
  const bool rendered = !(argc > 3 && std::string(argv[3]) == "synthetic");
  const fs::path file = dir / "platform.yaml";
  if (rendered) {
    std::ofstream spec(dir / "spec.yaml");
    spec << "tenants:\n";
    for (int i = 0; i < tenants; ++i) spec << "- name: t" << i << "\n";
    spec.close();
    std::string out;
    if (run_command(std::string(PLATFORM_BINARY_DIR) + "/bindings/cli/platformctl render --spec " +
                        (dir / "spec.yaml").string() + " > " + file.string(), &out) != 0) {
      std::cerr << "render failed: " << out << "\n";
      return 1;
    }
  } else {
    std::ofstream(file) << stream(tenants);
  }
  std::vector<Run> kubectl, ours;
  for (int i = 0; i < rounds; ++i) {
    fs::remove_all(dir / "home" / ".kube");  // no discovery cache: each run starts cold
    kubectl.push_back(run("HOME=" + (dir / "home").string() + " KUBECONFIG= " + kubectl_binary() + " --kubeconfig ",
                          " apply --server-side --field-manager=platformctl -f " + file.string() + " >/dev/null"));
    ours.push_back(run(std::string(PLATFORM_BINARY_DIR) + "/bindings/cli/platformctl --kubeconfig ",
                       " apply -f " + file.string() + " 2>/dev/null"));
  }
  auto median = [](std::vector<Run> v) {
    std::sort(v.begin(), v.end(), [](const Run& a, const Run& b) { return a.seconds < b.seconds; });
    return v[v.size() / 2];
  };
  Run k = median(kubectl), o = median(ours);
  std::printf("stream: %s, %d tenants, %zu objects (waves -1..3), %d round(s), median shown\n",
              rendered ? "platformctl render (default spec)" : "synthetic", tenants, o.patches, rounds);
  std::printf("%-34s %8s %8s %10s %12s\n", "", "seconds", "requests", "PATCH", "requests/s");
  std::printf("%-34s %8.2f %8zu %10zu %12.0f\n", "kubectl 1.32 apply --server-side", k.seconds, k.requests, k.patches,
              k.requests / k.seconds);
  std::printf("%-34s %8.2f %8zu %10zu %12.0f\n", "platformctl apply (waves + waits)", o.seconds, o.requests, o.patches,
              o.requests / o.seconds);
  std::printf("speed-up (kubectl time / platformctl time): %.2fx\n", k.seconds / o.seconds);
  fs::remove_all(dir);
  return (k.rc == 0 && o.rc == 0) ? 0 : 1;
}
