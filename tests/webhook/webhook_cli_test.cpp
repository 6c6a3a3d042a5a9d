// SPDX-License-Identifier: Apache-2.0
// platformctl webhook serve: listens, acknowledges, and on SIGTERM exits 0
// after answering the request in flight.
#define BOOST_TEST_MODULE webhook_cli
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "webhook/webhook_test_util.hpp"

using namespace webhook_test;

BOOST_AUTO_TEST_CASE(serve_answers_and_stops_gracefully_on_sigterm) {
  int out[2];
  BOOST_REQUIRE(pipe(out) == 0);
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    const std::string file = std::string(PLATFORM_SOURCE_DIR) + "/examples/flows/webhook-to-events.yaml";
    execl(PLATFORMCTL_PATH, PLATFORMCTL_PATH, "webhook", "serve", file.c_str(), "--port", "0", "--address",
          "127.0.0.1", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[64] = {};
  BOOST_REQUIRE(std::fgets(line, sizeof line, f) != nullptr);
  const auto port = static_cast<std::uint16_t>(std::stoi(line));
  BOOST_TEST(port > 0);
  auto ok = post(port, "/webhooks/orders", R"({"id":1})");
  BOOST_TEST(ok.status == 202, ok.body);
  BOOST_TEST(ok.body.find("\"topic\":\"events\"") != std::string::npos, ok.body);
  BOOST_TEST(post(port, "/webhooks/orders", "{", {}).status == 400);
  BOOST_TEST(get(port, "/readyz").status == 200);
  kill(pid, SIGTERM);
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  std::fclose(f);
}

BOOST_AUTO_TEST_CASE(a_bad_flow_file_is_exit_code_2_with_the_location) {
  auto file = std::filesystem::temp_directory_path() / "webhook-cli-bad.yaml";
  std::ofstream(file) << "apiVersion: libplatform.io/v1\nkind: Flow\nspec:\n  pattern: webhook\n  htp: {}\n"
                         "  routes: [{path: /a, to: 'kafka:events'}]\n";
  const std::string cmd = std::string(PLATFORMCTL_PATH) + " webhook serve " + file.string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) output += buf;
  int rc = pclose(p);
  BOOST_TEST(WEXITSTATUS(rc) == 2, output);
  BOOST_TEST(output.find("webhook-cli-bad.yaml:5:") != std::string::npos, output);
  BOOST_TEST(output.find("did you mean 'http'") != std::string::npos, output);
  std::filesystem::remove(file);
}
