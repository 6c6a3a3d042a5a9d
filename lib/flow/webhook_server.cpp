// SPDX-License-Identifier: Apache-2.0
// The webhook's HTTP/1.1 server (Boost.Beast over Asio): one strand per
// connection on a small pool of I/O threads; each request is checked before
// its body is read (route, method, size, content type, token), then after
// (signature, JSON, key), then handed to a broker sink, and answered when the
// broker's acknowledgement comes back.

#include <pthread.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>  // Boost 1.74 asio uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "flow/webhook_auth.hpp"
#include "flow/webhook_idempotency.hpp"
#include "flow/webhook_json.hpp"
#include "flow/webhook_internal.hpp"
#include "flow/webhook_sinks.hpp"
#include "platform/flow/webhook.hpp"

namespace platform::flow {
namespace {

// Answers quote request bytes (paths, header values) that need not be UTF-8:
// nlohmann's dump() would throw on an I/O thread; invalid bytes become U+FFFD.
std::string json_text(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }


namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace internal_webhook;

// What a connection's read buffer holds from the start (see Session::Session).
constexpr std::size_t kReadChunk = 8192;

// ---------------------------------------------------------------- metrics

constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};

// Counters of one route (or one of the server's own paths).
struct RouteMetrics {
  std::string path;
  std::string method;
  std::array<std::atomic<std::uint64_t>, 600> by_status{};
  std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_us{0};

  void observe(unsigned status, Clock::duration took) {
    if (status < by_status.size()) by_status[status].fetch_add(1, std::memory_order_relaxed);
    double s = std::chrono::duration<double>(took).count();
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      if (s <= kBuckets[i]) {
        buckets[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count.fetch_add(1, std::memory_order_relaxed);
    sum_us.fetch_add(static_cast<std::uint64_t>(s * 1e6), std::memory_order_relaxed);
  }
};

// ---------------------------------------------------------------- routes

struct Route {
  WebhookRoute spec;
  Target target;
  RouteSecrets secrets;
  std::vector<std::string> content_types;  // lower case
  std::string hmac_header;                 // lower case (never copied into messages)
  bool parse_json = false;                 // validate, or a json: key
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string media_type(std::string_view content_type) {
  std::string_view m = content_type.substr(0, content_type.find(';'));
  while (!m.empty() && (m.back() == ' ' || m.back() == '\t')) m.remove_suffix(1);
  while (!m.empty() && (m.front() == ' ' || m.front() == '\t')) m.remove_prefix(1);
  return lower(m);
}

bool valid_traceparent(std::string_view v) {
  // version "-" trace-id(32) "-" parent-id(16) "-" flags(2); ids not all zero.
  if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i == 2 || i == 35 || i == 52) continue;
    char c = v[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return v.substr(0, 2) != "ff" && v.substr(3, 32) != std::string(32, '0') && v.substr(36, 16) != std::string(16, '0');
}

std::string new_traceparent() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(55);  // "00-" 32 hex "-" 16 hex "-01": one allocation
  out = "00-";
  auto put = [&](int digits) {
    for (int i = 0; i < digits; i += 16) {
      std::uint64_t r = rng() | 1;
      for (int j = 0; j < 16 && i + j < digits; ++j, r >>= 4) out += kHex[r & 15];
    }
  };
  put(32);
  out += '-';
  put(16);
  out += "-01";
  return out;
}

// Request headers that describe the HTTP hop or carry credentials: not copied
// into the message.
bool hop_or_secret(std::string_view lower_name, std::string_view signature_header) {
  static constexpr std::string_view kSkip[] = {"connection", "keep-alive", "transfer-encoding", "te",
                                               "upgrade", "content-length", "host", "authorization",
                                               "proxy-authorization", "cookie", "expect", "trailer"};
  for (auto s : kSkip) {
    if (lower_name == s) return true;
  }
  return lower_name == signature_header;
}

// ---------------------------------------------------------------- server

struct Server;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Server> server);
  ~Session();
  void start();
  // Graceful shutdown: close if idle; otherwise close after the answer.
  void stop_when_idle();
  // Deadline passed: answer a request still waiting for the broker with 503.
  void cut_off();
  // Closes the socket now (pending operations end with an error).
  void close();
  // How long past ack_timeout a request waits for its broker outcome before
  // the sweep answers 503 for it.
  static constexpr std::chrono::milliseconds kAckGrace{1000};

 private:
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void process();
  void on_outcome(Outcome&& o);
  // Answers 503 for a request still waiting for its broker outcome.
  void stop_waiting(std::string why, bool close = false);
  void respond(unsigned status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {},
               bool close = false);
  void error(unsigned status, std::string message, std::vector<std::pair<std::string, std::string>> headers = {},
             bool close = false) {
    respond(status, json_text(nlohmann::json{{"error", std::move(message)}}), std::move(headers), close);
  }
  // A refusal decided from the headers alone. A body of known length (below
  // the limit) is read and discarded first so the connection stays usable;
  // a chunked one is not read: the answer closes the connection.
  void reject(unsigned status, std::string message, std::vector<std::pair<std::string, std::string>> headers = {});
  void on_written(bool close, beast::error_code ec);
  void linger_close();
  void serve_own_path(std::string_view path);
  int match_route(std::string_view path, http::verb method, std::string& allow);

  tcp::socket socket_;
  // When the current read or write must be done (steady clock, ns; 0 = no
  // limit). Checked by the server's sweep instead of a timer per operation:
  // re-arming an Asio timer three times per request costs more than the
  // request itself on a keep-alive connection.
  std::atomic<std::int64_t> deadline_{0};
  void arm(std::chrono::milliseconds limit) {
    deadline_.store((Clock::now() + limit).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void disarm() { deadline_.store(0, std::memory_order_relaxed); }

 public:
  // Called by the sweep: closes the connection if its deadline passed.
  void expire_if_late(Clock::time_point now);

 private:
  std::shared_ptr<Server> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string out_;  // the answer being written
  std::array<char, 4096> drain_{};
  std::size_t drained_ = 0;
  Clock::time_point started_{};
  RouteMetrics* metrics_ = nullptr;
  const Route* route_ = nullptr;
  std::string idempotency_key_;
  struct Deferred {
    unsigned status;
    std::string message;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  std::optional<Deferred> deferred_;
  bool reading_header_ = false;  // waiting for the next request (idle)
  bool reading_body_ = false;    // the body is being read
  bool timed_out_ = false;       // a deadline passed mid-request: answer 408, then close
  bool in_request_ = false;      // header received, not answered yet
  bool waiting_broker_ = false;  // handed to a sink, no outcome yet
  bool answered_ = false;        // the current request got its answer (cut_off may answer first)
  std::uint64_t request_id_ = 0;  // which request a late outcome belongs to
};

struct Server : std::enable_shared_from_this<Server> {
  WebhookOptions options;
  // The concurrency hint lets a single I/O thread skip the scheduler's locking.
  asio::io_context io{options.threads};
  // Keeps the I/O threads running while every connection waits for a broker
  // (no socket operation pending): acknowledgements are posted to them.
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  // The acceptor's completions run on a strand of their own, and stop()
  // closes it there: with several I/O threads an accept handler re-arming it
  // and the close would otherwise race (ThreadSanitizer saw it).
  asio::strand<asio::io_context::executor_type> accept_strand{io.get_executor()};
  tcp::acceptor acceptor{accept_strand};
  std::uint16_t bound_port = 0;  // set once, before the I/O threads start
  asio::steady_timer sweeper{io};
  std::vector<Route> routes;
  std::vector<std::unique_ptr<RouteMetrics>> metrics;  // routes, then own paths, then unmatched
  std::unique_ptr<KafkaSink> kafka;
  std::unique_ptr<RabbitSink> rabbit;
  IdempotencyCache idempotency;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> connections{0}, refused{0}, in_flight{0}, waiting{0};
  std::atomic<std::uint64_t> requests{0}, accepted{0}, unavailable_count{0};
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::mutex idle_mu;
  std::condition_variable idle_cv;
  std::string retry_after;

  explicit Server(WebhookOptions o) : options(std::move(o)), idempotency(options.idempotency_window, options.idempotency_max_keys) {
    retry_after = std::to_string(std::max<long long>(1, options.retry_after.count()));
  }

  void log(std::string_view line) const {
    if (options.log) options.log(line);
    else std::cerr << "platform.webhook: " << line << "\n";
  }

  RouteMetrics& own_metrics(std::size_t i) { return *metrics[routes.size() + i]; }
  RouteMetrics& unmatched_metrics() { return *metrics.back(); }

  bool ready() const {
    bool ok = true;
    if (kafka) ok = ok && kafka->ready();
    if (rabbit) ok = ok && rabbit->ready();
    return ok && !stopping;
  }

  void request_done() {
    if (in_flight.fetch_sub(1) == 1 && stopping) {
      std::lock_guard lock(idle_mu);
      idle_cv.notify_all();
    }
  }

  void accept() {
    // One I/O thread: handlers never run concurrently, a strand would only add cost.
    auto executor = options.threads == 1 ? asio::any_io_executor(io.get_executor())
                                         : asio::any_io_executor(asio::make_strand(io));
    acceptor.async_accept(executor, [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
        // EMFILE and friends: keep serving the connections we have.
        self->log("accept failed: " + ec.message());
      } else {
        self->admit(std::move(s));
      }
      if (self->acceptor.is_open()) self->accept();
    });
  }

  void admit(tcp::socket s) {
    beast::error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
    if (connections.load() >= options.max_connections) {
      refused.fetch_add(1);
      static const std::string kBusy = [] {
        std::string body = "{\"error\":\"too many connections: the webhook's connection limit is reached\"}\n";
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
               "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      }();
      asio::write(s, asio::buffer(kBusy.data(), kBusy.size()), ignored);
      s.shutdown(tcp::socket::shutdown_both, ignored);
      s.close(ignored);
      return;
    }
    std::make_shared<Session>(std::move(s), shared_from_this())->start();
  }

  // Header, body and write timeouts: every 100 ms, close connections whose
  // current operation is late (so a timeout fires 0-100 ms after its limit).
  void sweep() {
    sweeper.expires_after(std::chrono::milliseconds(100));
    sweeper.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      auto now = Clock::now();
      for (auto& s : self->live_sessions()) s->expire_if_late(now);
      self->sweep();
    });
  }

  std::vector<std::shared_ptr<Session>> live_sessions() {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lock(sessions_mu);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  std::string metrics_text() const;
};

Session::Session(tcp::socket socket, std::shared_ptr<Server> server)
    : socket_(std::move(socket)), server_(std::move(server)) {
  server_->connections.fetch_add(1);
  // Beast reads max(512, free capacity) bytes at a time: an empty buffer took
  // a 1 KiB request in three recv() calls (measured with strace), with room
  // for 8 KiB a request of that size arrives in one (8 MiB at 1,024 connections).
  buffer_.reserve(kReadChunk);
}

Session::~Session() {
  if (in_request_) server_->request_done();
  server_->connections.fetch_sub(1);
  std::lock_guard lock(server_->sessions_mu);
  server_->sessions.erase(this);
}

void Session::start() {
  {
    std::lock_guard lock(server_->sessions_mu);
    server_->sessions.emplace(this, weak_from_this());
  }
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void Session::expire_if_late(Clock::time_point now) {
  auto d = deadline_.load(std::memory_order_relaxed);
  if (d == 0 || now.time_since_epoch().count() < d) return;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    auto d2 = self->deadline_.load(std::memory_order_relaxed);
    if (d2 == 0 || Clock::now().time_since_epoch().count() < d2) return;  // re-armed meanwhile
    self->disarm();
    if (self->waiting_broker_) {
      // The broker client owes an outcome by ack_timeout; this answers for it
      // if it is late (a backstop: librdkafka's message timeout normally fires).
      return self->stop_waiting("no acknowledgement from the broker within ackTimeout (" +
                                std::to_string(self->server_->options.ack_timeout.count()) +
                                " ms); the message may still be stored: send it again with the same Idempotency-Key");
    }
    beast::error_code ignored;
    // A client that started a request and stalled gets 408 (the pending read
    // is cancelled; its handler answers). An idle keep-alive connection, or
    // one that does not even take its answer, is just closed.
    const bool mid_request = (self->reading_header_ && self->buffer_.size() > 0) || self->reading_body_;
    if (mid_request && !self->timed_out_) {
      self->timed_out_ = true;
      self->socket_.cancel(ignored);
      return;
    }
    self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
    self->socket_.close(ignored);
  });
}

void Session::close() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->socket_.close(ignored);
  });
}

void Session::stop_when_idle() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->reading_header_ && self->buffer_.size() == 0) {
      beast::error_code ignored;
      self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
      self->socket_.cancel(ignored);
    }
  });
}

void Session::cut_off() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stop_waiting("the webhook shut down before the broker acknowledged the message; send it again", true);
  });
}

void Session::stop_waiting(std::string why, bool close) {
  if (!waiting_broker_ || answered_) return;
  waiting_broker_ = false;
  server_->waiting.fetch_sub(1);
  if (!idempotency_key_.empty()) server_->idempotency.abandon(idempotency_key_);
  error(503, std::move(why), {{"Retry-After", server_->retry_after}}, close);
}

void Session::read_header() {
  if (server_->stopping && buffer_.size() == 0) {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
  parser_->body_limit(server_->options.body_limit);
  route_ = nullptr;
  metrics_ = nullptr;
  idempotency_key_.clear();
  deferred_.reset();
  answered_ = false;
  reading_header_ = true;
  arm(server_->options.header_timeout);
  http::async_read_header(socket_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

int Session::match_route(std::string_view path, http::verb method, std::string& allow) {
  int found = -1;
  const auto& routes = server_->routes;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes[i].spec.path != path) continue;
    if (http::string_to_verb(routes[i].spec.method) == method) return static_cast<int>(i);
    allow += (allow.empty() ? "" : ", ") + routes[i].spec.method;
    found = -2;
  }
  return found;
}

void Session::on_header(beast::error_code ec) {
  reading_header_ = false;
  if (ec == http::error::header_limit) {
    started_ = Clock::now();
    in_request_ = true;
    server_->in_flight.fetch_add(1);
    metrics_ = &server_->unmatched_metrics();
    return error(431, "request headers larger than " + std::to_string(server_->options.header_limit) + " bytes", {},
                 true);
  }
  if (ec && timed_out_) {
    started_ = Clock::now();
    in_request_ = true;
    server_->in_flight.fetch_add(1);
    metrics_ = &server_->unmatched_metrics();
    return error(408, "the request line and headers did not arrive within " +
                          std::to_string(server_->options.header_timeout.count()) + " ms",
                 {}, true);
  }
  if (ec && ec != http::error::body_limit) {
    // Closed, idle keep-alive timeout or garbage: drop the connection.
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  started_ = Clock::now();
  in_request_ = true;
  server_->in_flight.fetch_add(1);
  const auto& req = parser_->get();
  std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));  // in the parser, no copy
  if (reserved_path(path)) {
    metrics_ = &server_->own_metrics(path == "/healthz" ? 0 : path == "/readyz" ? 1 : 2);
    if (ec) return error(413, "body too large", {}, true);
    if (req.method() != http::verb::get) return reject(405, "use GET", {{"Allow", "GET"}});
    return serve_own_path(path);
  }
  std::string allow;
  int index = match_route(path, req.method(), allow);
  if (index < 0) {
    metrics_ = &server_->unmatched_metrics();
    if (ec) return error(413, "body too large", {}, true);
    if (index == -1) return reject(404, "no route for " + std::string(path));
    return reject(405, "method " + std::string(req.method_string()) + " is not allowed on " + std::string(path),
                  {{"Allow", allow}});
  }
  route_ = &server_->routes[static_cast<std::size_t>(index)];
  metrics_ = server_->metrics[static_cast<std::size_t>(index)].get();
  if (ec == http::error::body_limit) {
    return error(413, "body larger than the limit of " + std::to_string(server_->options.body_limit) + " bytes", {},
                 true);
  }
  if (!route_->content_types.empty()) {
    auto ct = req.find(http::field::content_type);
    std::string type = ct == req.end() ? "" : media_type(std::string_view(ct->value().data(), ct->value().size()));
    if (std::find(route_->content_types.begin(), route_->content_types.end(), type) == route_->content_types.end()) {
      std::string accepted;
      for (const auto& t : route_->spec.content_types) accepted += (accepted.empty() ? "" : ", ") + t;
      return reject(415, "content type '" + type + "' is not accepted here; send one of: " + accepted,
                    {{"Accept-Post", accepted}});
    }
  }
  if (!route_->secrets.bearer_token.empty()) {
    auto auth = req.find(http::field::authorization);
    if (auth == req.end()) {
      return reject(401, "this route needs Authorization: Bearer <token>", {{"WWW-Authenticate", "Bearer"}});
    }
    if (!bearer_matches(route_->secrets.bearer_token, std::string_view(auth->value().data(), auth->value().size()))) {
      return reject(403, "the bearer token is not accepted", {{"WWW-Authenticate", "Bearer error=\"invalid_token\""}});
    }
  }
  if (parser_->is_done()) return process();
  auto expect = req.find(http::field::expect);
  if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
    // curl sends this for bodies over 1 KiB and waits a second for it.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(server_->options.body_timeout);
    return asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return;
                               self->read_body();
                             });
  }
  read_body();
}

void Session::read_body() {
  // A small body usually arrives with its headers, so it is in the buffer
  // already: parse it here instead of starting an asynchronous read that
  // would complete at once through the scheduler (a composed operation, its
  // allocation and a second trip through the event loop per request).
  if (auto remaining = parser_->content_length_remaining(); remaining && buffer_.size() >= *remaining) {
    beast::error_code ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) ec = {};
    if (ec || parser_->is_done()) return on_body(ec);
  }
  reading_body_ = true;
  arm(server_->options.body_timeout);
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
  reading_body_ = false;
  if (ec && timed_out_) {
    return error(408, "the body did not arrive within " + std::to_string(server_->options.body_timeout.count()) +
                          " ms",
                 {}, true);
  }
  if (ec == http::error::body_limit) {
    return error(413, "body larger than the limit of " + std::to_string(server_->options.body_limit) + " bytes", {},
                 true);
  }
  if (ec) {
    // Closed, or too slow (the stream's timer closed the socket): nothing
    // can be answered.
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  if (deferred_) {
    Deferred d = std::move(*deferred_);
    deferred_.reset();
    return error(d.status, std::move(d.message), std::move(d.headers));
  }
  process();
}

void Session::reject(unsigned status, std::string message, std::vector<std::pair<std::string, std::string>> headers) {
  if (parser_->is_done()) return error(status, std::move(message), std::move(headers));
  if (!parser_->content_length()) return error(status, std::move(message), std::move(headers), true);
  deferred_ = Deferred{status, std::move(message), std::move(headers)};
  read_body();
}

void Session::process() {
  disarm();
  const auto& req = parser_->get();
  const std::string& body = req.body();
  const Route& route = *route_;
  if (!route.secrets.hmac_secret.empty()) {
    auto sig = req.find(route.spec.auth.hmac_header);
    if (sig == req.end()) {
      return error(401, "this route needs a " + route.spec.auth.hmac_header + ": sha256=<hex HMAC of the body> header");
    }
    if (!signature_matches(route.secrets.hmac_secret, body, std::string_view(sig->value().data(), sig->value().size()))) {
      return error(403, "the " + route.spec.auth.hmac_header + " signature does not match the body");
    }
  }
  std::string key;
  if (route.target.key.kind == KeySource::Kind::kJson) {
    switch (check_body_json(body, route.target.key.value, key)) {
      case BodyJson::kValid:
        break;
      case BodyJson::kInvalid:
        return error(400, "the body is not valid JSON");
      case BodyJson::kNoKey:
        return error(400, "the JSON body needs a string or number at " + route.target.key.value +
                              " (it is the message key)");
    }
  } else if (route.parse_json && check_body_json(body, {}, key) != BodyJson::kValid) {
    return error(400, "the body is not valid JSON");
  }
  switch (route.target.key.kind) {
    case KeySource::Kind::kNone:
    case KeySource::Kind::kJson:
      break;
    case KeySource::Kind::kLiteral:
      key = route.target.key.value;
      break;
    case KeySource::Kind::kHeader: {
      auto h = req.find(route.target.key.value);
      if (h == req.end() || h->value().empty()) {
        return error(400, "header " + route.target.key.value + " is required on this route (it is the message key)");
      }
      key = std::string(h->value());
      break;
    }
  }
  if (server_->waiting.load(std::memory_order_relaxed) >= server_->options.max_pending) {
    return error(429, "too many requests are waiting for the broker (maxPending " +
                          std::to_string(server_->options.max_pending) + "); nothing was sent, retry shortly",
                 {{"Retry-After", "1"}});
  }
  auto idem = req.find("Idempotency-Key");
  if (idem != req.end()) {
    std::string_view value(idem->value().data(), idem->value().size());
    if (value.empty() || value.size() > 255) return error(400, "Idempotency-Key must be 1 to 255 characters");
    idempotency_key_ = std::to_string(route_ - server_->routes.data()) + "\n" + std::string(value);
    auto found = server_->idempotency.begin(idempotency_key_, std::hash<std::string_view>{}(body));
    switch (found.verdict) {
      case IdempotencyCache::Verdict::kNew:
        break;
      case IdempotencyCache::Verdict::kReplay:
        idempotency_key_.clear();
        return respond(202, std::move(found.body), {{"Idempotent-Replayed", "true"}});
      case IdempotencyCache::Verdict::kInFlight:
        idempotency_key_.clear();
        return error(409, "a request with this Idempotency-Key is being processed; retry after it finished",
                     {{"Retry-After", "1"}});
      case IdempotencyCache::Verdict::kMismatch:
        idempotency_key_.clear();
        return error(422, "this Idempotency-Key was used with a different body");
    }
  }
  if (route.spec.dry_run) {
    std::string answer = R"({"status":"accepted","dryRun":true})";
    if (!idempotency_key_.empty()) server_->idempotency.complete(idempotency_key_, answer);
    return respond(202, std::move(answer));
  }

  Message m;
  m.key = std::move(key);
  m.payload = std::move(parser_->get().body());  // not needed here any more
  m.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  bool has_trace = false;
  std::string content_type;  // RabbitMQ's content_type property
  const bool to_rabbit = route.target.broker == Target::Broker::kRabbitMq;
  m.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())) + 1);
  for (const auto& f : req) {
    std::string name = lower(std::string_view(f.name_string().data(), f.name_string().size()));
    if (hop_or_secret(name, route.hmac_header)) continue;
    std::string value(f.value());
    if (name == "traceparent") {
      if (has_trace || !valid_traceparent(value)) continue;
      has_trace = true;
    }
    if (to_rabbit && name == "content-type") content_type = value;
    m.headers.push_back({std::move(name), std::move(value)});
  }
  if (!has_trace) m.headers.push_back({"traceparent", new_traceparent()});

  waiting_broker_ = true;
  server_->waiting.fetch_add(1);
  arm(server_->options.ack_timeout + kAckGrace);
  ++request_id_;
  // The outcome arrives on an I/O thread (Kafka) or the RabbitMQ sink's
  // thread; it runs here at once when that is this connection's executor
  // (one I/O thread), else hops onto it.
  auto done = [self = shared_from_this(), id = request_id_](Outcome&& o) {
    asio::dispatch(self->socket_.get_executor(), [self, id, o = std::move(o)]() mutable {
      if (id == self->request_id_) self->on_outcome(std::move(o));
    });
  };
  if (route.target.broker == Target::Broker::kKafka) {
    server_->kafka->send(route.target.name, m, std::move(done));
  } else {
    std::string message_id = idem != req.end() ? std::string(idem->value()) : std::string();
    std::string routing_key = m.key;  // not m.key itself: m is moved in the same call
    server_->rabbit->send(route.target.name, routing_key, std::move(m), std::move(content_type),
                          std::move(message_id), std::move(done));
  }
}

void Session::on_outcome(Outcome&& o) {
  if (!waiting_broker_) return;  // cut off at shutdown: already answered
  waiting_broker_ = false;
  server_->waiting.fetch_sub(1);
  if (o.status.ok()) {
    std::string text;
    if (route_->target.broker == Target::Broker::kKafka) {
      // Topic names are [a-zA-Z0-9._-]: nothing to escape, no JSON document needed.
      constexpr std::string_view kHead = R"({"status":"accepted","topic":")";
      constexpr std::string_view kPartition = R"(","partition":)";
      constexpr std::string_view kOffset = R"(,"offset":)";
      text.reserve(kHead.size() + o.topic.size() + kPartition.size() + kOffset.size() + 2 * 20 + 1);
      text.append(kHead).append(o.topic).append(kPartition).append(std::to_string(o.partition));
      text.append(kOffset).append(std::to_string(o.offset)).append("}");
    } else {
      text = json_text(nlohmann::json{{"status", "accepted"}, {"exchange", o.exchange}, {"routingKey", o.routing_key}});
    }
    if (!idempotency_key_.empty()) server_->idempotency.complete(idempotency_key_, text);
    return respond(202, std::move(text));
  }
  if (!idempotency_key_.empty()) server_->idempotency.abandon(idempotency_key_);
  const char* broker = route_->target.broker == Target::Broker::kKafka ? "Kafka" : "RabbitMQ";
  if (transient(o.status)) {
    return error(503, std::string(broker) + " did not acknowledge the message (" + o.status.message() +
                          "); nothing was accepted, send it again later",
                 {{"Retry-After", server_->retry_after}});
  }
  return error(502, std::string(broker) + " refused the message: " + o.status.message());
}

void Session::serve_own_path(std::string_view path) {
  if (path == "/healthz") return respond(200, R"({"status":"ok"})");
  if (path == "/readyz") {
    if (server_->ready()) return respond(200, R"({"status":"ready"})");
    std::string why = server_->stopping ? "shutting down" : "a broker is not taking messages";
    return respond(503, json_text(nlohmann::json{{"status", "not ready"}, {"reason", why}}),
                   {{"Retry-After", server_->retry_after}});
  }
  respond(200, server_->metrics_text(), {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}});
}

void Session::respond(unsigned status, std::string body, std::vector<std::pair<std::string, std::string>> headers,
                      bool close) {
  answered_ = true;
  const auto& req = parser_->get();
  close = close || !req.keep_alive() || server_->stopping;
  // The answer is formatted by hand into a buffer the connection reuses: no
  // per-response field allocations (Beast's fields allocate one node each).
  std::string_view content_type = "application/json";
  for (const auto& [name, value] : headers) {
    if (beast::iequals(name, "Content-Type")) content_type = value;
  }
  const bool json = content_type == "application/json";
  out_.clear();
  out_ += req.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out_ += std::to_string(status);
  out_ += ' ';
  auto reason = http::obsolete_reason(static_cast<http::status>(status));
  out_.append(reason.data(), reason.size());
  out_ += "\r\nContent-Type: ";
  out_ += content_type;
  for (const auto& [name, value] : headers) {
    if (beast::iequals(name, "Content-Type")) continue;
    out_ += "\r\n";
    out_ += name;
    out_ += ": ";
    out_ += value;
  }
  out_ += "\r\nContent-Length: ";
  out_ += std::to_string(body.size() + (json && !body.empty() ? 1 : 0));
  if (close) out_ += "\r\nConnection: close";
  else if (req.version() == 10) out_ += "\r\nConnection: keep-alive";
  out_ += "\r\n\r\n";
  out_ += body;
  if (json && !body.empty()) out_ += '\n';
  if (metrics_ != nullptr) metrics_->observe(status, Clock::now() - started_);
  server_->requests.fetch_add(1, std::memory_order_relaxed);
  if (status == 202) server_->accepted.fetch_add(1, std::memory_order_relaxed);
  if (status == 503) server_->unavailable_count.fetch_add(1, std::memory_order_relaxed);
  arm(server_->options.body_timeout);
  asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
    self->on_written(close, ec);
  });
}

void Session::on_written(bool close, beast::error_code ec) {
  if (in_request_) {
    in_request_ = false;
    server_->request_done();
  }
  if (ec) return;
  if (!close) return read_header();
  if (parser_->is_done()) {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  linger_close();
}

// The request body was not read (413, an early 4xx): closing a socket with
// unread input makes the kernel send RST, which can destroy the answer before
// the client reads it. So half-close, then discard what the client still
// sends for a short while (bounded in time and bytes), like nginx's
// lingering_close.
void Session::linger_close() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  arm(std::chrono::seconds(2));
  socket_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->drained_ += n;
    if (ec || self->drained_ > (256u << 10)) {
      beast::error_code ignored2;
      self->socket_.close(ignored2);
      return;
    }
    self->linger_close();
  });
}

std::string Server::metrics_text() const {
  std::string out;
  auto labels = [](const RouteMetrics& m) { return "route=\"" + m.path + "\",method=\"" + m.method + "\""; };
  out += "# HELP webhook_requests_total HTTP requests answered, by route and status code.\n";
  out += "# TYPE webhook_requests_total counter\n";
  for (const auto& m : metrics) {
    for (std::size_t code = 0; code < m->by_status.size(); ++code) {
      auto n = m->by_status[code].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "webhook_requests_total{" + labels(*m) + ",code=\"" + std::to_string(code) + "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP webhook_request_duration_seconds Time from the request's headers to its answer.\n";
  out += "# TYPE webhook_request_duration_seconds histogram\n";
  for (const auto& m : metrics) {
    auto count = m->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += m->buckets[i].load(std::memory_order_relaxed);
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out += "webhook_request_duration_seconds_bucket{" + labels(*m) + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "webhook_request_duration_seconds_bucket{" + labels(*m) + ",le=\"+Inf\"} " + std::to_string(count) + "\n";
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(m->sum_us.load(std::memory_order_relaxed)) / 1e6);
    out += "webhook_request_duration_seconds_sum{" + labels(*m) + "} " + sum + "\n";
    out += "webhook_request_duration_seconds_count{" + labels(*m) + "} " + std::to_string(count) + "\n";
  }
  auto gauge = [&](const char* name, const char* help, std::uint64_t v, const char* type = "gauge") {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  gauge("webhook_requests_in_flight", "Requests received and not answered yet.", in_flight.load());
  gauge("webhook_broker_pending", "Requests waiting for the broker's acknowledgement.", waiting.load());
  gauge("webhook_connections_open", "Open client connections.", connections.load());
  gauge("webhook_connections_refused_total", "Connections refused over maxConnections.", refused.load(), "counter");
  gauge("webhook_ready", "1 while every target broker takes messages.", ready() ? 1 : 0);
  gauge("webhook_idempotency_keys", "Idempotency keys remembered.", idempotency.size());
  return out;
}

}  // namespace

// ---------------------------------------------------------------- Webhook

struct Webhook::Impl {
  std::shared_ptr<Server> server;
  std::vector<std::thread> threads;
  std::shared_ptr<void> cluster_hold;
  bool stopped = false;
};

Webhook::Webhook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Webhook::Webhook(Webhook&&) noexcept = default;
Webhook& Webhook::operator=(Webhook&&) noexcept = default;
Webhook::~Webhook() {
  if (impl_ && !impl_->stopped) (void)stop(impl_->server->options.shutdown_timeout);
}

Result<Webhook> Webhook::start(WebhookOptions options) {
  if (Status s = validate(options); !s.ok()) return s;
  init_crypto();
  auto server = std::make_shared<Server>(std::move(options));
  const WebhookOptions& o = server->options;
  bool wants_kafka = false, wants_rabbit = false;
  std::vector<std::string> kafka_topics;
  for (const WebhookRoute& spec : o.routes) {
    Route r;
    r.spec = spec;
    r.target = parse_target(spec).value();
    auto secrets = load_secrets(spec.auth);
    if (!secrets.ok()) {
      return Status(secrets.status().code(), "route " + spec.method + " " + spec.path + ": " + secrets.status().message());
    }
    r.secrets = std::move(*secrets);
    for (const auto& t : spec.content_types) r.content_types.push_back(media_type(t));
    r.parse_json = spec.validate_json || r.target.key.kind == KeySource::Kind::kJson;
    r.hmac_header = lower(spec.auth.hmac_header);
    if (!spec.dry_run) {
      wants_kafka = wants_kafka || r.target.broker == Target::Broker::kKafka;
      if (r.target.broker == Target::Broker::kKafka) kafka_topics.push_back(r.target.name);
      wants_rabbit = wants_rabbit || r.target.broker == Target::Broker::kRabbitMq;
    }
    server->routes.push_back(std::move(r));
    auto m = std::make_unique<RouteMetrics>();
    m->path = spec.path;
    m->method = spec.method;
    server->metrics.push_back(std::move(m));
  }
  for (const char* own : {"/healthz", "/readyz", "/metrics"}) {
    auto m = std::make_unique<RouteMetrics>();
    m->path = own;
    m->method = "GET";
    server->metrics.push_back(std::move(m));
  }
  auto unmatched = std::make_unique<RouteMetrics>();
  unmatched->path = "";
  unmatched->method = "";
  server->metrics.push_back(std::move(unmatched));

  auto log = [weak = std::weak_ptr<Server>(server)](std::string_view line) {
    if (auto s = weak.lock()) s->log(line);
  };
  if (wants_kafka) {
    auto sink = KafkaSink::create({.bootstrap_servers = o.kafka_bootstrap_servers,
                                   .ack_timeout = o.ack_timeout,
                                   .extra = o.kafka_extra,
                                   .log = log,
                                   .topics = std::move(kafka_topics),
                                   // Reports are served on an I/O thread, which answers the
                                   // request there: no delivery thread, no hop between threads.
                                   .executor = [ex = server->io.get_executor()](std::function<void()> task) {
                                     asio::post(ex, std::move(task));
                                   }});
    if (!sink.ok()) return sink.status();
    server->kafka = std::move(*sink);
  }
  if (wants_rabbit) {
    server->rabbit = std::make_unique<RabbitSink>(
        RabbitSink::Options{.connection = o.rabbitmq, .ack_timeout = o.ack_timeout, .log = log});
  }

  beast::error_code ec;
  auto address = asio::ip::make_address(o.address, ec);
  if (ec) return invalid_argument("http.address '" + o.address + "' is not an IP address: " + ec.message());
  tcp::endpoint endpoint(address, o.port);
  server->acceptor.open(endpoint.protocol(), ec);
  if (!ec) server->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) server->acceptor.bind(endpoint, ec);
  if (!ec) server->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) server->bound_port = server->acceptor.local_endpoint(ec).port();
  if (ec) {
    return unavailable("cannot listen on " + o.address + ":" + std::to_string(o.port) + ": " + ec.message() +
                       " (is another process using the port? choose another with http.port or --port)");
  }
  server->accept();
  server->sweep();
  auto impl = std::make_unique<Impl>();
  impl->server = server;
  for (int i = 0; i < o.threads; ++i) {
    impl->threads.emplace_back([server] {
      // Stop signals are for run_webhook()'s waiter, not for I/O threads.
      sigset_t block;
      sigemptyset(&block);
      sigaddset(&block, SIGINT);
      sigaddset(&block, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &block, nullptr);
      // A handler that throws must not take the process down (std::terminate
      // on this thread): log it and keep serving; that connection is dropped.
      for (;;) {
        try {
          server->io.run();
          break;
        } catch (const std::exception& e) {
          server->log(std::string("internal error in a request handler (connection dropped): ") + e.what());
        } catch (...) {
          server->log("internal error in a request handler (connection dropped)");
        }
      }
    });
  }
  std::string line = "webhook " + o.name + " listening on " + o.address + ":" +
                     std::to_string(server->bound_port) + " with " +
                     std::to_string(server->routes.size()) + " route(s)";
  if (server->kafka) {
    line += "; Kafka " + server->kafka->bootstrap_servers() +
            (o.kafka_bootstrap_servers.empty() ? " (the embedded cluster)" : "");
  }
  if (server->rabbit) line += "; RabbitMQ " + amqp::describe(o.rabbitmq);
  server->log(line);
  return Webhook(std::move(impl));
}

std::uint16_t Webhook::port() const { return impl_->server->bound_port; }

std::string Webhook::kafka_bootstrap_servers() const {
  return impl_->server->kafka ? impl_->server->kafka->bootstrap_servers() : std::string();
}

bool Webhook::ready() const { return impl_->server->ready(); }

WebhookStats Webhook::stats() const {
  const Server& s = *impl_->server;
  return {s.requests.load(), s.accepted.load(), s.unavailable_count.load(), s.connections.load(),
          s.waiting.load(),  s.refused.load()};
}

std::string Webhook::metrics() const { return impl_->server->metrics_text(); }

Status Webhook::stop(std::chrono::milliseconds deadline) {
  if (!impl_ || impl_->stopped) return {};
  impl_->stopped = true;
  Server& s = *impl_->server;
  const auto until = Clock::now() + deadline;
  s.stopping = true;
  asio::post(s.accept_strand, [server = impl_->server] {
    beast::error_code ignored;
    server->acceptor.close(ignored);
  });
  for (auto& session : s.live_sessions()) session->stop_when_idle();
  bool cut = false;
  {
    std::unique_lock lock(s.idle_mu);
    while (s.in_flight.load() > 0 && Clock::now() < until) s.idle_cv.wait_for(lock, std::chrono::milliseconds(20));
    if (s.in_flight.load() > 0) {
      cut = true;
      lock.unlock();
      for (auto& session : s.live_sessions()) session->cut_off();
      lock.lock();
      s.idle_cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return s.in_flight.load() == 0; });
    }
  }
  // Idle keep-alive connections that raced with the first pass.
  for (auto& session : s.live_sessions()) session->stop_when_idle();
  Status flushed;
  if (s.kafka) flushed = s.kafka->flush(std::max(std::chrono::milliseconds(100),
                                                 std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now())));
  if (s.rabbit) s.rabbit->close(std::chrono::milliseconds(100));
  // Destroy the sinks here, on the caller's thread: their last callbacks hold
  // connections, which hold the server; dropping the last of those on the
  // producer's own delivery task (on an I/O thread) would destroy the producer
  // from inside one of its callbacks.
  s.kafka.reset();
  s.rabbit.reset();
  // Close every connection and let the I/O threads run out of work, so no
  // queued handler keeps a connection (and through it the server) alive.
  asio::post(s.io, [server = impl_->server] {
    server->sweeper.cancel();
    for (auto& session : server->live_sessions()) session->close();
  });
  s.work.reset();
  for (int i = 0; i < 100 && !s.io.stopped(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  s.io.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  s.log("webhook " + s.options.name + " stopped after " + std::to_string(s.requests.load()) + " request(s)");
  if (cut) return Status(StatusCode::kDeadlineExceeded, "some requests were still waiting for the broker at the "
                                                        "shutdown deadline and were answered 503");
  return flushed;
}

Status run_webhook(const WebhookOptions& options, std::stop_token stop,
                   const std::function<void(const Webhook&)>& on_started) {
  // Block the stop signals before any thread starts, so every thread
  // (librdkafka's included) inherits the mask and only sigtimedwait() below
  // receives them.
  sigset_t signals, previous;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  auto hook = Webhook::start(options);
  if (!hook.ok()) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return hook.status();
  }
  if (on_started) on_started(*hook);
  while (!stop.stop_requested()) {
    timespec tick{0, 100 * 1000 * 1000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      options.log ? options.log("signal received: stopping") : void(std::cerr << "platform.webhook: stopping\n");
      break;
    }
  }
  Status s = hook->stop(options.shutdown_timeout);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return s;
}

}  // namespace platform::flow
