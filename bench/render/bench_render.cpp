// SPDX-License-Identifier: Apache-2.0
// bench_render: render + write the GitOps tree for growing platforms, with
// `kubectl kustomize` building the same tree in the same run as the baseline.
//
//   bench_render [--kustomize-max N] [--sizes 1,100,1000,5000] [--topics 100,1000,5000] [--dir DIR]
//
// --dir picks where trees are written (default: the temp directory); on a
// shared, busy disk file creation dominates, /dev/shm shows the CPU cost.
//
// Each measurement runs in its own child process so its peak RSS is its own.
// Tenant axis: N tenants (one directory + Application each). Kustomize builds
// one kustomization over every directory of the tree (what a single Argo CD
// Application over the whole tree would make the repo server do); it grows
// super-linearly, so it runs only up to --kustomize-max tenants (default 100).
// Topic axis: N KafkaTopics in the kafka directory; kustomize builds that one
// directory at every size.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "platform/render/render.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Sample {
  double render_ms = 0;
  double write_ms = 0;
  long peak_kb = 0;
  std::size_t files = 0;
  bool ok = false;
};

struct Baseline {
  double ms = 0;
  long peak_kb = 0;
  bool ok = false;
};

platform::spec::PlatformSpec spec_for(const std::string& axis, int n) {
  platform::spec::PlatformSpec s;
  if (axis == "tenants") {
    for (int i = 0; i < n; ++i) s.tenants.push_back({"t" + std::to_string(i), {}, {}});
  } else {
    s.kafka.topics.clear();
    for (int i = 0; i < n; ++i) s.kafka.topics.push_back({"topic-" + std::to_string(i), 3, 2, {}});
  }
  return s;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Render + write in a child; results come back through a pipe.
Sample measure_render(const std::string& axis, int n, const fs::path& out) {
  std::fflush(stdout);  // the child must not print the parent's buffer again
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    Sample s;
    auto spec = spec_for(axis, n);
    auto t0 = Clock::now();
    auto tree = platform::render::render(spec);
    s.render_ms = ms_since(t0);
    if (tree.ok()) {
      auto t1 = Clock::now();
      s.ok = platform::render::write_tree(*tree, out).ok();
      s.write_ms = ms_since(t1);
      s.files = tree->manifests.size();
    }
    (void)!::write(fds[1], &s, sizeof s);
    ::_exit(0);
  }
  ::close(fds[1]);
  Sample s;
  (void)!::read(fds[0], &s, sizeof s);
  ::close(fds[0]);
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  s.peak_kb = ru.ru_maxrss;
  return s;
}

Baseline measure_kustomize(const fs::path& dir) {
  std::fflush(stdout);
  auto t0 = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* null = std::freopen("/dev/null", "w", stdout);
    (void)null;
    ::execlp("kubectl", "kubectl", "kustomize", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  return {ms_since(t0), ru.ru_maxrss, WIFEXITED(status) && WEXITSTATUS(status) == 0};
}

// A kustomization over every directory of the tree: the whole platform in one build.
fs::path whole_tree_kustomization(const fs::path& tree) {
  const fs::path all = tree / "_all";
  fs::create_directories(all);
  std::ofstream k(all / "kustomization.yaml");
  k << "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n";
  for (const char* d : {"argocd", "apps", "namespaces", "kafka", "rabbitmq", "camelk", "backstage", "tenants"}) {
    k << "- ../" << d << "\n";
  }
  std::vector<std::string> tenants;
  if (fs::exists(tree / "tenants")) {
    for (const auto& e : fs::directory_iterator(tree / "tenants")) {
      if (e.is_directory()) tenants.push_back(e.path().filename().string());
    }
  }
  std::sort(tenants.begin(), tenants.end());
  for (const auto& t : tenants) k << "- ../tenants/" << t << "\n";
  return all;
}

std::vector<int> parse_list(const char* s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::atoi(item.c_str()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int kustomize_max = 100;
  fs::path dir = fs::temp_directory_path();
  std::vector<int> sizes{1, 100, 1000, 5000};
  std::vector<int> topics{100, 1000, 5000};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--kustomize-max")) kustomize_max = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--sizes")) sizes = parse_list(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--topics")) topics = parse_list(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  const fs::path base = dir / ("bench_render_" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base);
  std::printf("%-8s %6s %7s %10s %9s %9s %8s %9s %12s %9s %8s\n", "axis", "N", "files", "render_ms", "write_ms",
              "total_ms", "us/item", "peak_MB", "kustomize_ms", "kust_MB", "ratio");
  auto row = [&](const std::string& axis, int n, bool baseline, const std::string& kdir_rel) {
    const fs::path out = base / (axis + "-" + std::to_string(n));
    Sample s = measure_render(axis, n, out);
    if (!s.ok) {
      std::printf("%-8s %6d render/write FAILED\n", axis.c_str(), n);
      return;
    }
    const double total = s.render_ms + s.write_ms;
    std::string k_ms = "-", k_mb = "-", ratio = "-";
    if (baseline) {
      fs::path kdir = kdir_rel.empty() ? whole_tree_kustomization(out) : out / kdir_rel;
      Baseline b = measure_kustomize(kdir);
      if (b.ok) {
        k_ms = std::to_string(static_cast<long>(b.ms));
        k_mb = std::to_string(b.peak_kb / 1024);
        char r[32];
        std::snprintf(r, sizeof r, "%.1fx", b.ms / total);
        ratio = r;
      } else {
        k_ms = "FAILED";
      }
    }
    std::printf("%-8s %6d %7zu %10.1f %9.1f %9.1f %8.1f %9.1f %12s %9s %8s\n", axis.c_str(), n, s.files, s.render_ms,
                s.write_ms, total, 1000.0 * total / n, s.peak_kb / 1024.0, k_ms.c_str(), k_mb.c_str(), ratio.c_str());
    std::fflush(stdout);
    fs::remove_all(out);
  };
  for (int n : sizes) row("tenants", n, n <= kustomize_max, "");
  for (int n : topics) row("topics", n, true, "kafka");
  fs::remove_all(base);
  std::printf("\nratio = kubectl kustomize time / (render + write) time for the same tree.\n"
              "tenants: kustomize builds one kustomization over every directory (run up to --kustomize-max=%d);\n"
              "topics: kustomize builds the kafka directory holding the N KafkaTopics.\n",
              kustomize_max);
  return 0;
}
