// SPDX-License-Identifier: Apache-2.0
// Fuzz target: raw bytes into the webhook's HTTP server (Beast's parser, the
// router, the content-type, JSON, Idempotency-Key, HMAC signature and bearer
// token checks, 100-continue, chunked bodies, pipelining), over a real TCP
// connection to a real platform::flow::Webhook started once per process.
// Every route is a dry run, so no broker is needed and nothing is sent.
//
// Properties, per input: the server answers with well-formed HTTP status
// lines (never a 5xx but /readyz's 503: no broker is reachable) or closes the
// connection, within a bounded time; and it keeps serving other clients
// (a /healthz probe every 64 inputs must get 200). PLATFORM_FUZZ_VERBOSE=1
// prints each reply.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "platform/flow/webhook.hpp"

namespace {

namespace flow = platform::flow;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_webhook_http: %s\n", what.c_str());
  std::abort();
}

std::unique_ptr<flow::Webhook> start_server() {
  ::setenv("PLATFORM_FUZZ_HMAC", "fuzz-secret", 1);
  ::setenv("PLATFORM_FUZZ_TOKEN", "fuzz-token", 1);
  flow::WebhookOptions o;
  o.name = "fuzz";
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 1;
  o.body_limit = 4096;
  o.header_limit = 2048;
  o.header_timeout = std::chrono::milliseconds(500);
  o.body_timeout = std::chrono::milliseconds(500);
  // Never contacted: every route is a dry run.
  o.kafka_bootstrap_servers = "127.0.0.1:9";
  o.log = [](std::string_view) {};
  flow::WebhookRoute plain{.path = "/webhooks/orders", .to = "kafka:events?key=json:/id", .dry_run = true};
  plain.content_types = {"application/json"};
  flow::WebhookRoute signed_route{.path = "/webhooks/signed", .to = "kafka:events", .dry_run = true};
  signed_route.auth.hmac_secret_env = "PLATFORM_FUZZ_HMAC";
  signed_route.validate_json = true;
  flow::WebhookRoute token_route{.path = "/webhooks/token", .method = "PUT", .to = "kafka:events?key=header:X-Key",
                                 .dry_run = true};
  token_route.auth.bearer_token_env = "PLATFORM_FUZZ_TOKEN";
  o.routes = {plain, signed_route, token_route};
  auto hook = flow::Webhook::start(std::move(o));
  if (!hook.ok()) fail("cannot start the webhook: " + hook.status().to_string());
  return std::make_unique<flow::Webhook>(std::move(*hook));
}

flow::Webhook& server() {
  static std::unique_ptr<flow::Webhook> hook = start_server();
  return *hook;
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Close with RST: thousands of connections a second would otherwise fill
  // the loopback with TIME_WAIT entries and run out of ephemeral ports.
  linger no_linger{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
  for (int attempt = 0; ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0; ++attempt) {
    if (attempt == 50) fail(std::string("connect: ") + std::strerror(errno));
    ::usleep(20000);
  }
  return fd;
}

// Writes `bytes` (the server may close early: EPIPE is fine), half-closes,
// and reads until the server closes. False when it neither answers nor
// closes within the limit.
bool exchange(std::uint16_t port, std::string_view bytes, std::string& reply) {
  int fd = connect_to(port);
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  char buf[8192];
  bool closed = false;
  for (int waited_ms = 0; waited_ms < 5000;) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, 100);
    if (r == 0) {
      waited_ms += 100;
      continue;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.size() > (1u << 20)) break;
  }
  ::close(fd);
  return closed;
}

// Walks the responses in the reply (status line, headers, Content-Length
// body; bodies echo request bytes, so "HTTP/1." is only looked for where a
// response starts): each is 1xx-4xx, or 503 from /readyz.
void check_statuses(const std::string& reply) {
  std::size_t at = 0;
  while (at < reply.size()) {
    if (reply.compare(at, 7, "HTTP/1.") != 0 || at + 12 > reply.size()) {
      fail("no status line where a response should start:\n" + reply.substr(0, 2000));
    }
    const std::string code = reply.substr(at + 9, 3);
    const std::size_t head_end = reply.find("\r\n\r\n", at);
    if (head_end == std::string::npos) fail("response headers never end:\n" + reply.substr(0, 2000));
    std::size_t length = 0;
    const std::string head = reply.substr(at, head_end - at);
    for (const char* name : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
      auto h = head.find(name);
      if (h != std::string::npos) length = std::strtoul(head.c_str() + h + std::strlen(name), nullptr, 10);
    }
    const std::size_t next = head_end + 4 + (code[0] == '1' ? 0 : length);
    const std::string body = reply.substr(head_end + 4, next - head_end - 4);
    // 503 only from /readyz (the dry-run routes' Kafka is never reachable).
    const bool readyz = code == "503" && body.find("not ready") != std::string::npos;
    if ((code[0] < '1' || code[0] > '4') && !readyz) fail("status " + code + " in reply:\n" + reply.substr(0, 2000));
    at = next;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  flow::Webhook& hook = server();
  const std::uint16_t port = hook.port();
  std::string reply;
  if (!exchange(port, std::string_view(reinterpret_cast<const char*>(data), size), reply)) {
    fail("the server neither answered nor closed within 5 s");
  }
  static const bool verbose = std::getenv("PLATFORM_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "--- reply:\n%s\n", reply.substr(0, 600).c_str());
  check_statuses(reply);
  // The server keeps serving: a probe every 64 inputs (and on the first).
  static unsigned inputs = 0;
  if (inputs++ % 64 != 0) return 0;
  std::string health;
  if (!exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", health) ||
      health.rfind("HTTP/1.1 200", 0) != 0) {
    fail("the server stopped serving: /healthz answered:\n" + health);
  }
  return 0;
}
