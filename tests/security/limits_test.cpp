// SPDX-License-Identifier: Apache-2.0
// Bounded memory under hostile input: each case runs in a forked child that
// measures its own peak resident memory (getrusage ru_maxrss) against its
// resident memory just before the call, and must come back with a clear
// refusal: no crash, no unbounded growth.
#define BOOST_TEST_MODULE security_limits
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include "internal/yaml_json.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/kafka/producer.hpp"
#include "platform/message.hpp"
#include "platform/spec/load.hpp"

namespace {

using namespace std::chrono_literals;

struct Outcome {
  bool exited = false;   // the child exited normally (no signal, no sanitizer abort)
  long growth_kib = -1;  // peak RSS during the call minus RSS before it
  std::string message;   // what the call returned (a Status as text)
};

long rss_kib() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

// Runs setup() then call() in a child process; returns call()'s text and how
// far the child's peak resident memory rose above its resident memory after
// setup().
Outcome measure(const std::function<void()>& setup, const std::function<std::string()>& call) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    setup();
    const long before = rss_kib();
    std::string message = call();
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    std::string out = std::to_string(u.ru_maxrss - before) + "\n" + message;
    (void)!::write(fds[1], out.data(), out.size());
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Outcome o;
  o.exited = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (auto nl = text.find('\n'); nl != std::string::npos) {
    o.growth_kib = std::stol(text.substr(0, nl));
    o.message = text.substr(nl + 1);
  }
  BOOST_TEST_MESSAGE("peak growth " << o.growth_kib << " KiB: " << o.message.substr(0, 300));
  return o;
}

// "code: message" of a failed call, "ok" otherwise.
std::string outcome(const platform::Status& s) {
  return s.ok() ? std::string("ok") : std::string(platform::to_string(s.code())) + ": " + s.to_string();
}

std::string parse(const std::string& text) {
  auto docs = platform::internal::parse_yaml_stream(text);
  return docs.ok() ? std::string("ok") : docs.status().to_string();
}

constexpr long kMiB = 1024;

}  // namespace

BOOST_AUTO_TEST_CASE(deeply_nested_yaml_is_refused_before_the_parser_runs_out_of_stack) {
  const int depth = 100000;
  const std::pair<const char*, std::function<std::string()>> inputs[] = {
      {"flow sequences", [] { return std::string(depth, '[') + std::string(depth, ']'); }},
      {"flow mappings",
       [] {
         std::string s;
         for (int i = 0; i < depth; ++i) s += "{a: ";
         return s + "1" + std::string(depth, '}');
       }},
      {"block sequences",
       [] {
         std::string s;
         for (int i = 0; i < depth; ++i) s += "- ";
         return s + "x\n";
       }},
      {"block mappings",
       [] {
         std::string s;
         for (int i = 0; i < 3000; ++i) s += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
         return s;
       }},
      {"unclosed", [] { return std::string(depth, '['); }},
  };
  for (const auto& [name, make] : inputs) {
    std::string text;
    Outcome o = measure([&] { text = make(); }, [&] { return parse(text); });
    BOOST_TEST(o.exited, name);
    BOOST_TEST(o.message.find("nested deeper than 128 levels") != std::string::npos, name << ": " << o.message);
    BOOST_TEST(o.growth_kib < 64 * kMiB, name);
  }
  // Within the limit, nesting parses.
  BOOST_TEST(parse(std::string(100, '[') + std::string(100, ']')) == "ok");
}

BOOST_AUTO_TEST_CASE(aliases_that_expand_exponentially_are_refused) {
  // "Billion laughs": nine levels of ten aliases each would be 10^9 nodes.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  Outcome o = measure([] {}, [&] { return parse(text); });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("aliases expand to more than") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 256 * kMiB);
  // A few aliases are fine.
  BOOST_TEST(parse("base: &b {cpu: 1}\nx: *b\ny: *b\n") == "ok");
}

BOOST_AUTO_TEST_CASE(yaml_beyond_the_size_limit_is_refused_without_parsing) {
  std::string text;
  Outcome o = measure([&] { text.assign((64u << 20) + 1, 'a'); }, [&] { return parse(text); });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("exceeds the limit of 67108864 bytes") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 16 * kMiB);
}

BOOST_AUTO_TEST_CASE(a_million_tenants_are_refused_without_allocating_them) {
  namespace spec = platform::spec;
  // --set with a huge index: nothing is appended.
  Outcome o = measure([] {}, [] {
    auto s = spec::default_spec({.overrides = {"tenants[1000000].name=x"}});
    return s.ok() ? std::string("ok") : s.status().to_string();
  });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("past the end of the list") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 16 * kMiB);

  // A spec file with a million tenants is refused by its size...
  std::string text;
  o = measure(
      [&] {
        text = "tenants:\n";
        for (int i = 0; i < 1000000; ++i) text += "- name: t" + std::to_string(i) + "\n";
      },
      [&] {
        auto s = spec::parse_spec(text, "huge.yaml");
        return s.ok() ? std::string("ok") : s.status().to_string();
      });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("exceeds the limit of 4194304 bytes") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 16 * kMiB);

  // ... and one with one tenant more than the limit by the list limit.
  o = measure(
      [&] {
        text = "tenants:\n";
        for (std::size_t i = 0; i <= spec::kMaxListItems; ++i) text += "- name: t" + std::to_string(i) + "\n";
      },
      [&] {
        auto s = spec::parse_spec(text, "many.yaml");
        return s.ok() ? std::string("ok") : s.status().to_string();
      });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("has 10001 items; a spec holds at most 10000") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 128 * kMiB);
}

// A message with 100,000 headers, sent by `send`: refused before anything is
// copied, in a child that grows by less than 32 MiB.
void expect_header_refusal(const std::function<std::string(const platform::Message&)>& send) {
  platform::Message m;
  Outcome o = measure(
      [&] {
        m.payload = "x";
        for (int i = 0; i < 100000; ++i) m.headers.push_back({"h" + std::to_string(i), "v"});
      },
      [&] { return send(m); });
  BOOST_TEST(o.exited);
  BOOST_TEST(o.message.find("invalid_argument") != std::string::npos, o.message);
  BOOST_TEST(o.message.find("100000 headers; at most 1000") != std::string::npos, o.message);
  BOOST_TEST(o.growth_kib < 32 * kMiB);
}

BOOST_AUTO_TEST_CASE(a_kafka_message_with_100000_headers_is_refused) {
  expect_header_refusal([](const platform::Message& m) {
    // Nothing listens there: the refusal must come before any network.
    auto producer = platform::kafka::Producer::create(
        {.bootstrap_servers = "127.0.0.1:1", .close_timeout = 0ms, .log = [](auto, auto) {}});
    if (!producer.ok()) return producer.status().to_string();
    return outcome(producer->send("events", m));
  });
}

BOOST_AUTO_TEST_CASE(an_amqp_message_with_100000_headers_is_refused) {
  expect_header_refusal([](const platform::Message& m) {
    auto publisher = platform::amqp::Publisher::open({});  // the local RabbitMQ, guest/guest
    if (!publisher.ok()) return publisher.status().to_string();
    auto r = publisher->publish("", "platform-limits-test", m);
    return r.ok() ? std::string("ok") : outcome(r.status());
  });
}
