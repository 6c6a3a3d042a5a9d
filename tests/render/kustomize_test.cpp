// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE render_kustomize
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "platform/render/render.hpp"

namespace fs = std::filesystem;
namespace r = platform::render;

namespace {

// Runs a shell command; returns its exit code and stdout.
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {-1, out};
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::map<std::string, int> kinds_in(const std::string& yaml) {
  std::map<std::string, int> out;
  std::size_t pos = 0;
  while ((pos = yaml.find("\nkind: ", pos)) != std::string::npos || (pos == 0 && yaml.rfind("kind: ", 0) == 0)) {
    pos += 7;
    out[yaml.substr(pos, yaml.find('\n', pos) - pos)]++;
  }
  if (yaml.rfind("kind: ", 0) == 0) out[yaml.substr(6, yaml.find('\n') - 6)]++;
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kubectl_kustomize_builds_every_directory_of_the_rendered_tree) {
  BOOST_REQUIRE_MESSAGE(run("kubectl version --client >/dev/null 2>&1").first == 0, "kubectl is not installed");
  const fs::path dir = fs::temp_directory_path() / ("kustomize_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string ctl = PLATFORMCTL_PATH;
  // Through the CLI, as a user does; two tenants so tenant directories exist.
  auto [rc, out] = run(ctl + " render --out " + dir.string() + " --set 'tenants[0].name=alice' --set " +
                       "'tenants[1].name=bob' 2>&1");
  BOOST_REQUIRE_MESSAGE(rc == 0, out);

  // What each directory should build to: the cluster documents rendered in it.
  platform::spec::PlatformSpec spec;
  spec.tenants = {{"alice", {}, {}}, {"bob", {}, {}}};
  auto tree = r::render(spec).value();
  std::map<std::string, std::map<std::string, int>> expected;
  for (const auto& m : tree.manifests) {
    fs::path p(m.path);
    const std::string d = p.parent_path().generic_string();
    if (p.filename() == "kustomization.yaml") expected[d];
    if (m.in_cluster()) expected[d][std::string(m.resource.kind())]++;
  }
  expected[""] = expected["argocd"];  // the root builds the bootstrap directory
  BOOST_TEST(expected.size() == 11u);  // root, argocd, apps, 5 components, tenants, 2 tenant dirs
  for (const auto& [d, kinds] : expected) {
    BOOST_TEST_CONTEXT("directory '" << d << "'") {
      auto [krc, yaml] = run("kubectl kustomize " + (dir / d).string() + " 2>&1");
      BOOST_REQUIRE_MESSAGE(krc == 0, yaml);
      BOOST_TEST((kinds_in(yaml) == kinds), yaml);
    }
  }
  BOOST_TEST(expected.at("kafka").at("KafkaTopic") == 3);
  BOOST_TEST(expected.at("apps").at("Application") == 9);
  BOOST_TEST(expected.at("tenants").at("Application") == 2);
  fs::remove_all(dir);
}
