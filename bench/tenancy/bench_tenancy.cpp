// SPDX-License-Identifier: Apache-2.0
// bench_tenancy: render N tenants, then run the full isolation analysis
// (reachability matrix + the tenancy checks) on the rendered tree, with the
// naive all-pairs evaluation of the same matrix in the same run as the
// baseline. Prints each step's time and the naive/classes ratio, and checks
// that both give the same matrix.
//
//   bench_tenancy [--sizes 10,100,1000] [--naive-max 1000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "platform/render/render.hpp"
#include "platform/tenancy/isolation.hpp"

using Clock = std::chrono::steady_clock;
namespace t = platform::tenancy;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<int> parse_sizes(const char* s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::atoi(item.c_str()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes{10, 100, 1000};
  int naive_max = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--sizes") == 0) sizes = parse_sizes(argv[i + 1]);
    else if (std::strcmp(argv[i], "--naive-max") == 0) naive_max = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: bench_tenancy [--sizes 10,100,1000] [--naive-max N]\n");
      return 2;
    }
  }
  std::printf("%8s %10s %10s %10s %12s %10s %8s %10s %12s %8s\n", "tenants", "render_ms", "view_ms", "matrix_ms",
              "checks_ms", "total_ms", "classes", "cells", "naive_ms", "ratio");
  for (int n : sizes) {
    platform::spec::PlatformSpec spec;
    for (int i = 0; i < n; ++i) spec.tenants.push_back({"tenant-" + std::to_string(i), {}, {}});
    auto start = Clock::now();
    auto tree = platform::render::render(spec).value();
    const double render_ms = ms_since(start);

    start = Clock::now();
    const t::NetworkView view = t::network_view(tree);
    const double view_ms = ms_since(start);
    start = Clock::now();
    const t::Matrix mx = t::matrix(view);
    const double matrix_ms = ms_since(start);
    start = Clock::now();
    const auto problems = t::check_isolation(view);
    const double checks_ms = ms_since(start);
    if (!problems.empty()) {
      std::fprintf(stderr, "unexpected isolation problem: %s\n", problems.front().message.c_str());
      return 1;
    }
    double naive_ms = -1;
    if (n <= naive_max) {
      start = Clock::now();
      const t::Matrix slow = t::matrix(view, {.naive = true});
      naive_ms = ms_since(start);
      if (slow.cells != mx.cells) {
        std::fprintf(stderr, "naive and class matrices differ at %d tenants\n", n);
        return 1;
      }
    }
    const double analysis_ms = view_ms + matrix_ms + checks_ms;
    char ratio[32] = "-";
    if (naive_ms >= 0) std::snprintf(ratio, sizeof ratio, "%.1fx", naive_ms / matrix_ms);
    std::printf("%8d %10.1f %10.1f %10.1f %12.1f %10.1f %8zu %10zu %12.1f %8s\n", n, render_ms, view_ms, matrix_ms,
                checks_ms, analysis_ms, mx.classes, mx.cells.size(), naive_ms, ratio);
    std::fflush(stdout);
  }
  std::printf("total_ms = view + matrix + checks (the full isolation analysis of the rendered tree); "
              "ratio = naive all-pairs matrix / class-based matrix\n");
  return 0;
}
