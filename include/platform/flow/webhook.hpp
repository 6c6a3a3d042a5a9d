// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::flow::Webhook: the HTTP ingress of the "webhook" flow pattern.
/// External systems POST to a route; the body goes to a Kafka topic or a
/// RabbitMQ exchange, and the sender gets 202 only once the broker has
/// acknowledged it (Kafka acks=all delivery report, RabbitMQ publisher
/// confirm). See docs/webhook.md for the status codes and what a sender should
/// do with each.
///
/// ```cpp
/// auto options = flow::load_webhook_flow("examples/flows/webhook-to-events.yaml").value();
/// options.port = 0;                                  // any free port
/// auto hook = flow::Webhook::start(options).value(); // listening
/// // curl -X POST 127.0.0.1:<hook.port()>/webhooks/orders -d '{"id":1}'
/// hook.stop(std::chrono::seconds(10));               // graceful
/// ```

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "platform/amqp/connection_options.hpp"
#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// Who may post to a route. Secrets are read once, at Webhook::start(), from
/// the named environment variable or file (one trailing newline stripped);
/// they never appear in logs, errors or describe(). Both checks compare in
/// constant time.
struct WebhookAuth {
  /// HMAC-SHA256 of the raw body, sent as `<hmac_header>: sha256=<hex>`
  /// (GitHub's X-Hub-Signature-256 style). Secret from an environment
  /// variable or a file; at most one of the two.
  std::string hmac_secret_env;
  std::string hmac_secret_file;
  std::string hmac_header = "X-Hub-Signature-256";
  /// `Authorization: Bearer <token>`. Token from an environment variable or
  /// a file; at most one of the two.
  std::string bearer_token_env;
  std::string bearer_token_file;

  /// True when any check is configured.
  [[nodiscard]] bool any() const {
    return !hmac_secret_env.empty() || !hmac_secret_file.empty() || !bearer_token_env.empty() ||
           !bearer_token_file.empty();
  }
  bool operator==(const WebhookAuth&) const = default;
};

/// One route: requests with this path and method go to `to`.
struct WebhookRoute {
  std::string path;             ///< exact path, e.g. "/webhooks/orders" (no query match)
  std::string method = "POST";  ///< one HTTP method
  /// The target endpoint URI:
  /// - `kafka:<topic>[?key=header:<Name>|json:<pointer>|<literal>]`
  /// - `rabbitmq:<exchange>[?routingKey=header:<Name>|json:<pointer>|<literal>]`
  /// Without a key the Kafka partition is chosen at random (sticky).
  std::string to;
  /// Accepted Content-Type media types (parameters such as charset ignored,
  /// case-insensitive); empty = any. Others get 415.
  std::vector<std::string> content_types;
  /// Refuse bodies that are not JSON with 400 (implied by a json: key).
  bool validate_json = false;
  WebhookAuth auth;
  /// Answer 202 without sending anything (a benchmark baseline and a smoke
  /// test of a sender's configuration). The body says "dryRun": true.
  bool dry_run = false;
  bool operator==(const WebhookRoute&) const = default;
};

/// How to run a Webhook. Checked once, at Webhook::start().
struct WebhookOptions {
  std::string name = "webhook";    ///< the flow's metadata.name (logs, metrics)
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;       ///< 0 = any free port (see Webhook::port())
  int threads = 2;                 ///< HTTP I/O threads
  std::size_t body_limit = 1u << 20;  ///< larger bodies get 413 without being read
  std::size_t header_limit = 16u << 10;  ///< request line + headers; larger get 431
  std::size_t max_connections = 1024;    ///< beyond it new connections get 503 and are closed
  /// Requests waiting for a broker's acknowledgement at once; beyond it a
  /// request gets 429 with Retry-After: 1 (nothing sent), so a stalled
  /// broker cannot make the server hold unbounded messages in memory.
  std::size_t max_pending = 10000;
  /// Time to receive a request's line and headers (also the keep-alive idle
  /// limit). A client that started a request and did not finish it in time
  /// gets 408 and the connection is closed; an idle keep-alive connection is
  /// closed without an answer.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  /// Time to receive a request's body once its headers are in (then 408).
  std::chrono::milliseconds body_timeout{std::chrono::seconds(30)};
  /// How long the broker may take to acknowledge a message before the sender
  /// gets 503 (Kafka message.timeout.ms; RabbitMQ confirm wait).
  std::chrono::milliseconds ack_timeout{std::chrono::seconds(10)};
  /// Retry-After (seconds) sent with 503.
  std::chrono::seconds retry_after{std::chrono::seconds(5)};
  /// How long an accepted Idempotency-Key is remembered.
  std::chrono::milliseconds idempotency_window{std::chrono::minutes(10)};
  /// At most this many keys are remembered (the oldest are forgotten first):
  /// memory stays bounded whatever the window.
  std::size_t idempotency_max_keys = 100000;
  /// Graceful shutdown: how long in-flight requests may take to finish.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(10)};
  /// Kafka bootstrap servers; empty = the process-wide embedded cluster.
  std::string kafka_bootstrap_servers;
  /// Raw librdkafka producer properties (e.g. linger.ms), applied last.
  std::map<std::string, std::string> kafka_extra;
  /// The RabbitMQ broker for rabbitmq: routes (default guest@127.0.0.1:5672).
  amqp::ConnectionOptions rabbitmq;
  std::vector<WebhookRoute> routes;
  /// Where the options came from, for messages ("<options>" or a file name).
  std::string source = "<options>";
  /// Log sink for start/stop lines and broker state changes; default stderr.
  /// Never receives secrets or request bodies.
  std::function<void(std::string_view line)> log;
};

/// Reads a flow file (`kind: Flow`, `spec.pattern: webhook`). Errors
/// (kInvalidArgument) name file:line:column, the field and, for unknown keys,
/// the closest known one; kNotFound when the file does not exist.
PLATFORM_EXPORT Result<WebhookOptions> load_webhook_flow(const std::string& path);

/// The same from YAML text; `source_name` is used in error locations.
PLATFORM_EXPORT Result<WebhookOptions> parse_webhook_flow(std::string_view yaml,
                                                         std::string_view source_name = "<input>");

/// Checks options without starting anything (routes, endpoints, limits,
/// secret sources exist). kInvalidArgument naming the field.
PLATFORM_EXPORT Status validate(const WebhookOptions& options);

/// Counters since start. Plain values.
struct WebhookStats {
  std::uint64_t requests = 0;        ///< requests answered
  std::uint64_t accepted = 0;        ///< 202 answers (replays included)
  std::uint64_t unavailable = 0;     ///< 503 answers
  std::uint64_t connections = 0;     ///< connections open now
  std::uint64_t in_flight = 0;       ///< requests waiting for a broker now
  std::uint64_t refused_connections = 0;  ///< over max_connections
};

/// A running HTTP ingress. Move-only.
///
/// Thread-safety: every method may be called from any thread. Requests are
/// served on `threads` I/O threads; Kafka acknowledgements are handled on
/// those I/O threads too (the producer has no delivery thread) and RabbitMQ
/// confirms on the webhook's own publisher thread (a rabbitmq-c connection
/// belongs to one thread).
/// Destroying a running Webhook is stop(options.shutdown_timeout).
class PLATFORM_EXPORT Webhook {
 public:
  /// Loads the secrets, creates the Kafka producer (empty bootstrap: the
  /// embedded cluster, logged), starts the RabbitMQ publisher thread when a
  /// route needs it, binds and starts serving. Errors: kInvalidArgument (bad
  /// options, a missing secret), kUnavailable (the port cannot be bound, the
  /// embedded cluster cannot start). An unreachable broker is not an error:
  /// requests get 503 until it is back.
  static Result<Webhook> start(WebhookOptions options);

  Webhook(Webhook&&) noexcept;
  Webhook& operator=(Webhook&&) noexcept;
  ~Webhook();

  /// The bound port (the real one when options.port was 0).
  [[nodiscard]] std::uint16_t port() const;
  /// The Kafka bootstrap servers in use ("" when no route targets Kafka).
  [[nodiscard]] std::string kafka_bootstrap_servers() const;
  /// True while every broker a route targets answered its latest send (what
  /// /readyz reports).
  [[nodiscard]] bool ready() const;
  /// Counters since start.
  [[nodiscard]] WebhookStats stats() const;
  /// The /metrics page (Prometheus text format 0.0.4).
  [[nodiscard]] std::string metrics() const;

  /// Graceful shutdown: stops accepting, lets in-flight requests finish (their
  /// broker acknowledgement included) for up to `deadline`, closes idle
  /// keep-alive connections, flushes the producers. Requests still unanswered
  /// at the deadline get 503. Idempotent. Returns kDeadlineExceeded when some
  /// had to be cut off.
  Status stop(std::chrono::milliseconds deadline);

 private:
  struct Impl;
  explicit Webhook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The single entry point for `platformctl webhook serve` and `flow run`:
/// starts a Webhook, calls `on_started` (if set) once it listens, serves until
/// SIGTERM or SIGINT arrives or `stop` is requested, then stops gracefully
/// within options.shutdown_timeout. Errors as Webhook::start() and stop().
PLATFORM_EXPORT Status run_webhook(const WebhookOptions& options, std::stop_token stop = {},
                                   const std::function<void(const Webhook&)>& on_started = {});

}  // namespace platform::flow
