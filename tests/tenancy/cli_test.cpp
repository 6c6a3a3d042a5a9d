// SPDX-License-Identifier: Apache-2.0
// platformctl tenant / policy as a user runs them: add, render, validate,
// matrix, can-reach (exit 0 yes / 1 no), capacity, remove.
#define BOOST_TEST_MODULE tenancy_cli
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

#include "cli_run.hpp"

namespace {

using platform_test::Run;

Run platformctl(const std::string& args) { return platform_test::run_command(std::string(PLATFORMCTL_PATH) + " " + args); }

struct Dir {
  fs::path path = fs::temp_directory_path() / ("tenancy_cli_" + std::to_string(::getpid()));
  Dir() { fs::remove_all(path); fs::create_directories(path); }
  ~Dir() { std::error_code ec; fs::remove_all(path, ec); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(onboard_render_analyse_offboard) {
  Dir d;
  const std::string spec = (d.path / "platform.yaml").string();
  const std::string out = (d.path / "manifests").string();
  std::ofstream(spec) << "# my platform\nprofile: dev\n";

  BOOST_TEST(platformctl("tenant add alice --spec " + spec).exit_code == 0);
  auto team = platformctl("tenant add data-team --spec " + spec + " --set quota.pods=40");
  BOOST_TEST(team.exit_code == 0, team.out);
  auto dup = platformctl("tenant add alice --spec " + spec);
  BOOST_TEST(dup.exit_code == 2);
  BOOST_TEST(dup.out.find("already exists") != std::string::npos, dup.out);
  BOOST_TEST(platformctl("tenant add Bad_Name --spec " + spec).exit_code == 2);

  auto list = platformctl("tenant list --spec " + spec);
  BOOST_TEST(list.exit_code == 0);
  BOOST_TEST(list.out.find("data-team  user-data-team") != std::string::npos, list.out);
  auto json = platformctl("tenant list --spec " + spec + " -o json");
  BOOST_TEST(json.out.find("\"pods\": 40") != std::string::npos, json.out);

  auto render = platformctl("render --spec " + spec + " --out " + out);
  BOOST_REQUIRE_MESSAGE(render.exit_code == 0, render.out);
  auto valid = platformctl("validate " + out);
  BOOST_TEST(valid.exit_code == 0, valid.out);

  auto kafka = platformctl("policy can-reach " + out + " --from user-alice --to kafka:9092");
  BOOST_TEST(kafka.exit_code == 0, kafka.out);
  BOOST_TEST(kafka.out.find("allow-egress-kafka egress[0]") != std::string::npos, kafka.out);
  auto dns = platformctl("policy can-reach " + out + " --from user-alice --to kube-system:53/udp");
  BOOST_TEST(dns.exit_code == 0, dns.out);
  auto bob = platformctl("policy can-reach " + out + " --from user-alice --to user-data-team:8080");
  BOOST_TEST(bob.exit_code == 1, bob.out);
  BOOST_TEST(bob.out.find("denied by egress and ingress") != std::string::npos, bob.out);
  auto bad = platformctl("policy can-reach " + out + " --from user-alice --to kafka");
  BOOST_TEST(bad.exit_code == 2, bad.out);
  auto none = platformctl("policy can-reach " + out + " --from user-zed --to kafka:9092");
  BOOST_TEST(none.exit_code == 2, none.out);

  auto mx = platformctl("policy matrix " + out);
  BOOST_TEST(mx.exit_code == 0);
  BOOST_TEST(mx.out.find("user-alice      kafka           TCP 9092-9093") != std::string::npos, mx.out);
  BOOST_TEST(mx.out.find("user-alice      user-data-team") == std::string::npos, mx.out);

  auto cap = platformctl("tenant capacity " + out + " alice");
  BOOST_TEST(cap.exit_code == 0);
  BOOST_TEST(cap.out.find("16 integrations fit") != std::string::npos, cap.out);
  BOOST_TEST(cap.out.find("bound by limits.cpu") != std::string::npos, cap.out);

  // A leak written into the tree (alice admits every namespace, data-team
  // may send anywhere): validate fails with the isolation rule.
  const std::string wave = "  annotations: {argocd.argoproj.io/sync-wave: \"3\"}\n";
  std::ofstream(fs::path(out) / "tenants/user-alice/networkpolicy-leak.yaml")
      << "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: leak\n  namespace: user-alice\n" << wave
      << "spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n";
  std::ofstream(fs::path(out) / "tenants/user-data-team/networkpolicy-leak.yaml")
      << "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: leak\n  namespace: user-data-team\n" << wave
      << "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {}\n";
  auto leak = platformctl("validate " + out);
  BOOST_TEST(leak.exit_code == 1, leak.out);
  BOOST_TEST(leak.out.find("[tenant-isolation]") != std::string::npos, leak.out);
  auto reach = platformctl("policy can-reach " + out + " --from user-data-team --to user-alice:8080");
  BOOST_TEST(reach.exit_code == 0, reach.out);
  BOOST_TEST(reach.out.find("user-alice/leak ingress[0]") != std::string::npos, reach.out);

  auto rm = platformctl("tenant remove alice --spec " + spec + " --manifests " + out);
  BOOST_TEST(rm.exit_code == 0, rm.out);
  std::ifstream in(spec);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(text.find("# my platform") == 0u);
  BOOST_TEST(text.find("alice") == std::string::npos, text);
  BOOST_TEST(platformctl("tenant remove alice --spec " + spec).exit_code == 2);
}
