// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Flow files: a flow described in YAML, runnable locally (platformctl flow
/// run) and renderable as a Camel K Integration (platformctl flow render).
///
/// ```yaml
/// apiVersion: libplatform.io/v1
/// kind: Flow
/// metadata: {name: events-to-commands}
/// spec:
///   pattern: transform            # process | transform | bridge | webhook
///   from: kafka:events?groupId=transformer
///   to: kafka:commands
///   transform: {filter: [{field: type, equals: order.created}], map: {orderId: order.id}}
///   guarantee: at-least-once      # or exactly-once (Kafka -> Kafka only)
///   errors: {maxAttempts: 3, backoff: 100ms, deadLetter: kafka:events.dlq}
///   metrics: {port: 9464}
///   kafka: {bootstrapServers: "host:9092"}        # else $KAFKA_BOOTSTRAP_SERVERS, else embedded
///   rabbitmq: {url: "amqp://user:pass@host:5672/vhost"}   # else $RABBITMQ_URL, else guest@127.0.0.1
/// ```
/// `pattern: webhook` has `http:` and `routes:` instead of from/to; they are
/// kept as given (FlowFile::webhook) for the webhook module.
/// The reference is docs/flow-file.md.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/amqp/connection_options.hpp"
#include "platform/export.hpp"
#include "platform/flow/common.hpp"
#include "platform/flow/endpoint.hpp"
#include "platform/flow/processor.hpp"
#include "platform/flow/transformer.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// spec.pattern.
enum class Pattern : std::uint8_t { kProcess, kTransform, kBridge, kWebhook };

/// "process", "transform", "bridge", "webhook".
PLATFORM_EXPORT const char* to_string(Pattern pattern) noexcept;

/// A loaded, checked flow file.
struct FlowFile {
  std::string source;  ///< file name, for messages
  std::string name;    ///< metadata.name
  std::string namespace_;  ///< metadata.namespace ("" = none)
  Pattern pattern = Pattern::kTransform;
  Endpoint from;  ///< unset for webhook
  Endpoint to;    ///< unset for webhook
  std::optional<TransformSpec> transform;
  Guarantee guarantee = Guarantee::kAtLeastOnce;
  ErrorPolicy errors;
  std::optional<int> metrics_port;  ///< spec.metrics.port
  /// Kafka bootstrap servers: spec.kafka.bootstrapServers, else
  /// $KAFKA_BOOTSTRAP_SERVERS, else "" (the embedded cluster).
  std::string kafka_bootstrap;
  /// spec.kafka.consumer / spec.kafka.producer: raw librdkafka properties
  /// for the flow's Kafka clients (values as text).
  std::map<std::string, std::string> kafka_consumer;
  std::map<std::string, std::string> kafka_producer;
  /// RabbitMQ: spec.rabbitmq.url, else $RABBITMQ_URL, else
  /// amqp://guest:guest@127.0.0.1:5672/. The password is never printed.
  amqp::ConnectionOptions rabbitmq;
  /// pattern webhook: `{"http": ..., "routes": ...}` as JSON text, unchecked here.
  std::string webhook;
};

/// Reads and checks a flow file. kNotFound when it cannot be read;
/// kInvalidArgument with "file:line:column: path: message" for anything wrong
/// (unknown keys come with a did-you-mean).
PLATFORM_EXPORT Result<FlowFile> load_flow_file(const std::filesystem::path& path);

/// The same from text; `source_name` is used in messages.
PLATFORM_EXPORT Result<FlowFile> parse_flow_file(std::string_view text, std::string_view source_name = "<flow>");

/// "amqp://user:pass@host:port/vhost" (amqps:// for TLS) as connection
/// options. kInvalidArgument (never quoting the password) when malformed.
PLATFORM_EXPORT Result<amqp::ConnectionOptions> parse_amqp_url(std::string_view url);

/// The Camel K Integration (camel.apache.org/v1) equivalent to `flow`, as one
/// YAML document, in namespace `ns`: the route in the YAML DSL
/// (`spec.flows`), Camel `kafka:` / `spring-rabbitmq:` endpoints, the
/// transform as jq steps, the error policy as a dead letter channel, and the
/// container trait within the tenant LimitRange (200m/256Mi requests,
/// 500m/512Mi limits). kFailedPrecondition for a webhook flow; kInvalidArgument for
/// an invalid namespace.
PLATFORM_EXPORT Result<std::string> render_integration(const FlowFile& flow, std::string_view ns);

/// Any flow of a flow file, ready to run. Move-only.
/// Thread-safety: run() on one thread; stop() and metrics() from any thread.
class PLATFORM_EXPORT Flow {
 public:
  /// Creates the flow's clients. `process` is the user code for
  /// `pattern: process` (default: each input copied to the output, through the
  /// file's transform when it has one). kFailedPrecondition for `pattern: webhook`
  /// ("run by the webhook module").
  static Result<Flow> create(const FlowFile& file, ProcessFunction process = {});
  Flow(Flow&&) noexcept;
  Flow& operator=(Flow&&) noexcept;
  ~Flow();
  /// Runs the flow (see Processor::run()). Serves the metrics port while it runs.
  Status run(const RunOptions& options = {});
  void stop();
  [[nodiscard]] MetricsSnapshot metrics() const;
  /// The port the Prometheus endpoint listens on; 0 = none.
  [[nodiscard]] int metrics_port() const;

 private:
  struct Impl;
  explicit Flow(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A minimal HTTP server for Prometheus scrapes: answers every GET with
/// `body()` as text/plain; version=0.0.4. Move-only; stops when destroyed.
class PLATFORM_EXPORT MetricsServer {
 public:
  /// Listens on 0.0.0.0:`port` (0 = any free port). kUnavailable when the
  /// port is taken.
  static Result<MetricsServer> start(int port, std::function<std::string()> body);
  MetricsServer(MetricsServer&&) noexcept;
  MetricsServer& operator=(MetricsServer&&) noexcept;
  ~MetricsServer();
  /// The port actually bound.
  [[nodiscard]] int port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::flow
