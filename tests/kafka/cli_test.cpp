// SPDX-License-Identifier: Apache-2.0
// platformctl kafka up / produce / consume, with kcat as the outside client.
#define BOOST_TEST_MODULE kafka_cli
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command, capturing stdout (stderr goes to the test log).
Run run(const std::string& command) {
  Run r;
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `platformctl kafka up` in the background; the first stdout line is the
// bootstrap string.
struct KafkaUp {
  pid_t pid = -1;
  std::string bootstrap;

  explicit KafkaUp(const std::string& args) {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl(PLATFORMCTL_PATH, PLATFORMCTL_PATH, "kafka", "up", args.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    char c = 0;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') bootstrap.push_back(c);
    ::close(fds[0]);
  }

  int stop() {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ~KafkaUp() {
    if (pid > 0) stop();
  }
};

const std::string kCtl = PLATFORMCTL_PATH;

}  // namespace

BOOST_AUTO_TEST_CASE(kafka_up_serves_kcat_and_platformctl_until_sigterm) {
  KafkaUp up("--brokers=2");
  BOOST_TEST_MESSAGE("bootstrap: " << up.bootstrap);
  BOOST_REQUIRE_MESSAGE(up.bootstrap.rfind("127.0.0.1:", 0) == 0, "first line is not a bootstrap string");
  BOOST_CHECK_EQUAL(std::count(up.bootstrap.begin(), up.bootstrap.end(), ','), 1);  // two brokers
  const std::string b = " -b " + up.bootstrap;

  // The seed's topics exist with their partition counts.
  Run meta = run("kcat -m 10 -L -t events" + b);
  BOOST_REQUIRE_EQUAL(meta.exit_code, 0);
  BOOST_CHECK(meta.out.find("topic \"events\" with 6 partitions") != std::string::npos);
  BOOST_CHECK(run("kcat -m 10 -L -t commands" + b).out.find("with 3 partitions") != std::string::npos);

  // kcat writes, platformctl reads (JSON), in order per key.
  BOOST_REQUIRE_EQUAL(run("printf 'one\\ntwo\\nthree\\n' | kcat -P -t commands -k same" + b).exit_code, 0);
  // platformctl writes with a header, kcat reads it back with its key and header.
  Run produced = run(kCtl + " produce notifications --key k9 --header trace=t-1 hello" + b);
  BOOST_REQUIRE_EQUAL(produced.exit_code, 0);
  BOOST_CHECK(produced.out.rfind("notifications/", 0) == 0);
  Run read_back = run("kcat -C -t notifications -o beginning -c 1 -e -q -f '%k|%h|%s\\n'" + b);
  BOOST_CHECK_EQUAL(read_back.out, "k9|trace=t-1|hello\n");

  Run consumed = run(kCtl + " consume commands --from-beginning --max 3 -o json" + b);
  BOOST_REQUIRE_EQUAL(consumed.exit_code, 0);
  BOOST_TEST_MESSAGE(consumed.out);
  const auto one = consumed.out.find("\"value\":\"one\"");
  const auto two = consumed.out.find("\"value\":\"two\"");
  const auto three = consumed.out.find("\"value\":\"three\"");
  BOOST_CHECK(one != std::string::npos && two != std::string::npos && three != std::string::npos);
  BOOST_CHECK(one < two && two < three);
  BOOST_CHECK(consumed.out.find("\"key\":\"same\"") != std::string::npos);

  // Values from stdin, one message per line; a group that commits what it printed.
  BOOST_REQUIRE_EQUAL(run("printf 'a\\nb\\n' | " + kCtl + " produce events - -p 0" + b).exit_code, 0);
  Run first = run(kCtl + " consume events --from-beginning --group readers --max 1" + b);
  BOOST_CHECK_EQUAL(first.out, "a\n");
  Run second = run(kCtl + " consume events --group readers --max 1" + b);
  BOOST_CHECK_EQUAL(second.out, "b\n");  // resumed after the committed "a"

  BOOST_CHECK_EQUAL(up.stop(), 0);
}

BOOST_AUTO_TEST_CASE(produce_and_consume_refuse_bad_input) {
  BOOST_CHECK_EQUAL(run("env -u KAFKA_BOOTSTRAP_SERVERS " + kCtl + " produce events x").exit_code, 2);
  BOOST_CHECK_EQUAL(run("env -u KAFKA_BOOTSTRAP_SERVERS " + kCtl + " consume events --max 1").exit_code, 2);
  BOOST_CHECK_EQUAL(run(kCtl + " produce events x -b 127.0.0.1:1 --header novalue").exit_code, 2);
  BOOST_CHECK_EQUAL(run(kCtl + " produce events x -b not-a-server").exit_code, 2);
  BOOST_CHECK_EQUAL(run(kCtl + " kafka up --brokers 0").exit_code, 2);
  BOOST_CHECK_EQUAL(run(kCtl + " kafka up --set kafka.topics[0].partitions=0").exit_code, 2);
}

BOOST_AUTO_TEST_CASE(kafka_up_takes_topics_from_the_spec) {
  KafkaUp up("--set=kafka.topics[0].partitions=12");
  BOOST_REQUIRE(up.bootstrap.rfind("127.0.0.1:", 0) == 0);
  Run meta = run("kcat -m 10 -L -t events -b " + up.bootstrap);
  BOOST_CHECK(meta.out.find("topic \"events\" with 12 partitions") != std::string::npos);
  BOOST_CHECK_EQUAL(up.stop(), 0);
}
