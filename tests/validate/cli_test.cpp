// SPDX-License-Identifier: Apache-2.0
// platformctl validate: exit codes 0 (valid), 1 (invalid), 2 (unreadable),
// the summary line, -o json, and stdin.

#define BOOST_TEST_MODULE validate_cli
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <sys/wait.h>

#include "cli_run.hpp"

namespace {

const std::string kManifests = std::string(PLATFORM_TEST_DATA_DIR) + "/validate/manifests";

using platform_test::Run;

Run platformctl(const std::string& args) { return platform_test::run_command(std::string(PLATFORMCTL_PATH) + " " + args); }

std::string temp_file(const std::string& name, const std::string& text) {
  // Per process: test binaries of parallel runs share /tmp.
  auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_tree_exits_0) {
  Run r = platformctl("validate " + kManifests);
  BOOST_TEST(r.exit_code == 0, r.out);
  BOOST_TEST(r.out.find("validated 44 documents in 13 files: ok") == 0u, r.out);
}

BOOST_AUTO_TEST_CASE(invalid_file_exits_1) {
  std::string bad = temp_file("platform_validate_bad.yaml",
                              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\ndatum: {}\n");
  Run r = platformctl("validate " + bad);
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(r.out.find("platform_validate_bad.yaml:7:8: error: ConfigMap x: datum: unknown field \"datum\"") !=
                 std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("validated 1 document in 1 file: 1 error") != std::string::npos, r.out);
  r = platformctl("validate -o json " + bad);
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.out.find("\"rule\": \"schema/unknown-field\"") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("\"valid\": false") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(unreadable_input_exits_2) {
  Run r = platformctl("validate /nonexistent/manifests");
  BOOST_TEST(r.exit_code == 2, r.out);
  BOOST_TEST(r.out.find("does not exist") != std::string::npos, r.out);
  std::string broken = temp_file("platform_validate_broken.yaml", "a: [1, 2\nb: }\n");
  r = platformctl("validate " + broken);
  BOOST_TEST(r.exit_code == 2, r.out);
}

BOOST_AUTO_TEST_CASE(stdin_input) {
  Run r = platformctl("validate - < " + kManifests + "/kafka/topics.yaml");
  // topics alone name a Kafka that is not in the input
  BOOST_TEST(r.exit_code == 1, r.out);
  BOOST_TEST(r.out.find("<stdin>:") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("[kafka-cluster-label]") != std::string::npos, r.out);
  r = platformctl("validate - < " + kManifests + "/rabbitmq/rabbitmq.yaml");
  BOOST_TEST(r.exit_code == 0, r.out);
}
