// SPDX-License-Identifier: Apache-2.0
// platformctl init / spec show / spec reference, run as a separate process the
// way a user runs them: exit codes, stdout, stderr.
#define BOOST_TEST_MODULE spec_cli
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "platform/spec/load.hpp"

// Failed comparisons print the spec as YAML.
namespace platform::spec {
std::ostream& operator<<(std::ostream& os, const PlatformSpec& s) { return os << "\n" << to_yaml(s); }
}  // namespace platform::spec

using namespace platform::spec;
namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch directory for one test, removed at the end.
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("spec_cli_test_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return dir / name;
  }
};

Run platformctl(const Scratch& scratch, const std::string& args) {
  fs::path out = scratch.dir / "stdout";
  fs::path err = scratch.dir / "stderr";
  std::string command = std::string("'") + PLATFORMCTL_PATH + "' " + args + " >'" + out.string() + "' 2>'" +
                        err.string() + "'";
  int status = std::system(command.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(init_prints_the_commented_seed_spec) {
  Scratch scratch;
  Run r = platformctl(scratch, "init");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == init_yaml());
  auto parsed = parse_spec(r.out, "init.yaml");
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.status().to_string());
  BOOST_TEST(*parsed == PlatformSpec{});
}

BOOST_AUTO_TEST_CASE(spec_show_prints_the_effective_spec) {
  Scratch scratch;
  fs::path file = scratch.write("platform.yaml", "kafka:\n  brokers: 5\ntenants:\n  - name: alice\n");
  Run yaml = platformctl(scratch, "spec show -f '" + file.string() + "' --set tenants[0].quota.pods=40");
  BOOST_TEST_REQUIRE(yaml.exit_code == 0, yaml.err);
  auto parsed = parse_spec(yaml.out);
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.status().to_string());
  BOOST_TEST(parsed->kafka.brokers == 5);
  BOOST_TEST(parsed->tenants.at(0).quota.pods == 40);
  BOOST_TEST(parsed->tenants.at(0).quota.services == 10);

  Run json = platformctl(scratch, "spec show -o json --set kafka.brokers=4");
  BOOST_TEST_REQUIRE(json.exit_code == 0, json.err);
  BOOST_TEST(json.out.front() == '{');
  BOOST_TEST(json.out.find("\"brokers\": 4") != std::string::npos);
  auto from_json = parse_spec(json.out);
  BOOST_TEST_REQUIRE(from_json.ok(), from_json.status().to_string());
  BOOST_TEST(from_json->kafka.brokers == 4);

  Run table = platformctl(scratch, "spec show -o table");
  BOOST_TEST(table.exit_code == 2);
  BOOST_TEST(table.err.find("use -o yaml or -o json") != std::string::npos, table.err);
}

BOOST_AUTO_TEST_CASE(a_bad_spec_exits_2_with_every_problem) {
  Scratch scratch;
  fs::path file = scratch.write("platform.yaml", "kafka:\n  brokers: 1\n  storage_size: 10Gb\nkafak: {}\n");
  Run r = platformctl(scratch, "spec show -f '" + file.string() + "'");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty(), "nothing is printed for a bad spec: " << r.out);
  const std::string f = file.string();
  BOOST_TEST(r.err.find(f + ": invalid platform spec") != std::string::npos, r.err);
  BOOST_TEST(r.err.find(f + ":3:17: kafka.storage_size: invalid quantity '10Gb'; use a Kubernetes quantity such as "
                            "10Gi") != std::string::npos,
             r.err);
  BOOST_TEST(r.err.find(f + ":4:1: kafak: unknown key 'kafak'; did you mean 'kafka'? [unknown-key]") !=
                 std::string::npos,
             r.err);
  BOOST_TEST(r.err.find(f + ":2:12: kafka.topics[0].replicas: topic 'events' has 2 replicas but the cluster has only "
                            "1 broker") != std::string::npos,
             r.err);
}

BOOST_AUTO_TEST_CASE(a_bad_set_exits_2_and_names_the_flag) {
  Scratch scratch;
  Run r = platformctl(scratch, "spec show --set kafka.brokers=x");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("--set kafka.brokers=x: kafka.brokers: expected an integer, got the string \"x\"") !=
                 std::string::npos,
             r.err);
}

BOOST_AUTO_TEST_CASE(a_missing_spec_file_exits_2) {
  Scratch scratch;
  Run r = platformctl(scratch, "spec show -f '" + (scratch.dir / "absent.yaml").string() + "'");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("cannot read spec file") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(spec_reference_prints_the_committed_reference) {
  Scratch scratch;
  Run r = platformctl(scratch, "spec reference");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == spec_reference_markdown());
  BOOST_TEST(r.out == slurp(fs::path(PLATFORM_SOURCE_DIR) / "docs" / "spec-reference.md"),
             "docs/spec-reference.md is out of date: run `platformctl spec reference > docs/spec-reference.md`");
}
