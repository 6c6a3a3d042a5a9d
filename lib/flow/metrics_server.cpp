// SPDX-License-Identifier: Apache-2.0
// The Prometheus endpoint of a flow: one thread, blocking POSIX sockets,
// one request per connection. Enough for a scraper every few seconds.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "platform/flow/flow_file.hpp"

namespace platform::flow {

struct MetricsServer::Impl {
  int fd = -1;
  int port = 0;
  std::function<std::string()> body;
  std::atomic<bool> stop{false};
  std::thread thread;

  ~Impl() {
    stop = true;
    if (thread.joinable()) thread.join();
    if (fd >= 0) ::close(fd);
  }

  void serve() {
    while (!stop.load()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int c = ::accept(fd, nullptr, nullptr);
      if (c < 0) continue;
      timeval tv{1, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      char buf[2048];
      std::string request;
      while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      std::string response;
      if (request.rfind("GET ", 0) == 0) {
        std::string text = body();
        response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: " +
                   std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
      } else {
        response = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      }
      std::size_t sent = 0;
      while (sent < response.size()) {
        ssize_t n = ::send(c, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(c);
    }
  }
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsServer::MetricsServer(MetricsServer&&) noexcept = default;
MetricsServer& MetricsServer::operator=(MetricsServer&&) noexcept = default;
MetricsServer::~MetricsServer() = default;

Result<MetricsServer> MetricsServer::start(int port, std::function<std::string()> body) {
  if (port < 0 || port > 65535) return invalid_argument("metrics port " + std::to_string(port) + " is out of range");
  auto impl = std::make_unique<Impl>();
  impl->body = std::move(body);
  impl->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl->fd < 0) return unavailable(std::string("metrics endpoint: socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(impl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(impl->fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(impl->fd, 16) != 0) {
    return unavailable("metrics endpoint: cannot listen on port " + std::to_string(port) + ": " +
                       std::strerror(errno) + "; choose another spec.metrics.port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(impl->fd, reinterpret_cast<sockaddr*>(&addr), &len);
  impl->port = ntohs(addr.sin_port);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->serve(); });
  return MetricsServer(std::move(impl));
}

int MetricsServer::port() const { return impl_->port; }

}  // namespace platform::flow
