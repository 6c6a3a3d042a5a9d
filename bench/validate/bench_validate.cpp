// SPDX-License-Identifier: Apache-2.0
// Validating a generated set of ~1,000 platform documents, against the
// baseline of only parsing the same YAML (what validation cannot avoid).
//
//   ninja -C build bench_validate && build/bench/validate/bench_validate [documents]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "internal/yaml_json.hpp"
#include "platform/validate/validate.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace v = platform::validate;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fixture tree (44 documents) plus generated tenants of ten documents
// each (a copy of tests/data/validate/manifests/tenants/alice.yaml with
// another name) and topics, until `target` documents.
std::vector<v::Source> generate(std::size_t target, std::size_t* documents) {
  const std::string root = std::string(PLATFORM_TEST_DATA_DIR) + "/validate/manifests/";
  std::vector<v::Source> sources;
  for (const char* f : {"apps/applications.yaml", "apps/namespaces.yaml", "apps/project.yaml", "apps/root.yaml",
                        "backstage/backstage.yaml", "camelk/camelk.yaml", "kafka/kafka.yaml", "kafka/topics.yaml",
                        "operators/strimzi.yaml", "rabbitmq/rabbitmq.yaml", "tenants/alice.yaml"}) {
    sources.push_back({"manifests/" + std::string(f), read(root + f)});
  }
  std::size_t count = 42;
  const std::string tenant = read(root + "tenants/alice.yaml");
  for (std::size_t i = 0; count + 9 <= target; ++i) {
    std::string text = tenant;
    std::string name = "t" + std::to_string(i);
    for (std::size_t at; (at = text.find("alice")) != std::string::npos;) text.replace(at, 5, name);
    sources.push_back({"manifests/tenants/" + name + ".yaml", text});
    count += 9;
  }
  std::string topics;
  for (; count < target; ++count) {
    topics += "---\napiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata:\n  name: topic-" +
              std::to_string(count) +
              "\n  namespace: kafka\n  labels:\n    strimzi.io/cluster: event-cluster\nspec:\n  partitions: 3\n"
              "  replicas: 2\n";
  }
  sources.push_back({"manifests/kafka/generated-topics.yaml", topics});
  *documents = count;
  return sources;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::size_t target = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  std::size_t documents = 0;
  std::vector<v::Source> sources = generate(target, &documents);
  std::size_t bytes = 0;
  for (const auto& s : sources) bytes += s.text.size();

  // First call: includes parsing and compiling every schema the set uses.
  auto t0 = Clock::now();
  auto first = v::validate_sources(sources);
  double cold = seconds_since(t0);
  if (!first.ok() || !first->valid()) {
    std::fprintf(stderr, "generated set is not valid:\n%s\n",
                 first.ok() ? v::to_text(*first).c_str() : first.status().to_string().c_str());
    return 1;
  }

  const int kRounds = 5;
  std::vector<double> validate_s, parse_s;
  for (int round = 0; round < kRounds; ++round) {
    t0 = Clock::now();
    auto r = v::validate_sources(sources);
    validate_s.push_back(seconds_since(t0));
    t0 = Clock::now();
    std::size_t parsed = 0;
    for (const auto& s : sources) parsed += platform::internal::parse_yaml_stream(s.text)->size();
    parse_s.push_back(seconds_since(t0));
    if (!r.ok() || parsed == 0) return 1;
  }
  std::sort(validate_s.begin(), validate_s.end());
  std::sort(parse_s.begin(), parse_s.end());
  double v_med = validate_s[kRounds / 2], p_med = parse_s[kRounds / 2];
  std::printf("documents: %zu in %zu files, %.1f KiB\n", documents, sources.size(), bytes / 1024.0);
  std::printf("first validation (schemas parsed and compiled): %.3f s\n", cold);
  std::printf("validate (parse + schemas + rules), median of %d: %.4f s = %.0f docs/s\n", kRounds, v_med,
              documents / v_med);
  std::printf("baseline: parse only, median of %d:              %.4f s = %.0f docs/s\n", kRounds, p_med,
              documents / p_med);
  std::printf("validate / parse-only time ratio: %.2f\n", v_med / p_med);
  return 0;
}
