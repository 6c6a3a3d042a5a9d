// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::flow::run_demo: the main job on the embedded default, the four
/// data-flow patterns running at once on one machine (`platformctl demo`).
///
/// ```
/// HTTP client --POST /webhooks/orders--> Webhook --> kafka:events
///   --> Transformer (order.created -> ship-order) --> kafka:commands
///   --> KafkaToRabbitBridge --> RabbitMQ quorum queue demo-<run>.commands
///   --> RabbitToKafkaBridge --> kafka:notifications --> checking consumer
/// ```
///
/// It renders and validates the platform spec first (an invalid platform
/// stops it before anything starts), starts an EmbeddedCluster with the spec's
/// brokers and topics, connects to RabbitMQ, sends one warm-up order through
/// the whole chain (so consumer-group joins are not measured), then posts
/// orders at a fixed rate for the duration, waits until every accepted order
/// reached `notifications` (or the drain timeout), stops every stage
/// gracefully and deletes its queue. Queue and group names carry a per-run id,
/// so runs against one RabbitMQ do not interfere.
///
/// ```cpp
/// auto report = flow::run_demo({.duration = std::chrono::seconds(5), .rate = 200}).value();
/// std::cout << flow::summary_table(report);
/// return report.ok() ? 0 : 1;
/// ```

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "platform/amqp/connection_options.hpp"
#include "platform/export.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// One stage of the chain at one moment. Plain value.
struct DemoStage {
  std::string name;            ///< "webhook", "transformer", "kafka->rabbitmq", "rabbitmq->kafka", "notifications"
  std::string route;           ///< what it moves, e.g. "events -> commands"
  std::uint64_t delivered = 0; ///< messages it has passed on (acknowledged downstream)
  double rate = 0;             ///< msgs/s over the last interval
  std::int64_t lag = -1;       ///< messages waiting in its source; -1 = not known
  double p50_ms = 0;           ///< its own latency percentiles (input -> output acknowledged)
  double p99_ms = 0;
  bool operator==(const DemoStage&) const = default;
};

/// The whole chain at one moment (one dashboard refresh, one report sample).
struct DemoSample {
  double elapsed_seconds = 0;   ///< since the measured run began
  std::uint64_t sent = 0;       ///< orders posted so far
  std::vector<DemoStage> stages;
  double e2e_p50_ms = 0;        ///< end-to-end latency of orders delivered in this interval
  double e2e_p99_ms = 0;
  bool operator==(const DemoSample&) const = default;
};

/// How to run the demo. Checked once, by run_demo().
struct DemoOptions {
  std::chrono::milliseconds duration{std::chrono::seconds(10)};  ///< how long orders are posted, > 0
  double rate = 500;              ///< orders per second, > 0 and <= 100000
  /// Concurrent HTTP connections of the client; 0 = derived from the rate.
  int connections = 0;
  /// The platform rendered, validated and whose Kafka (brokers, topics) runs.
  spec::PlatformSpec spec;
  amqp::ConnectionOptions rabbitmq;  ///< default guest@127.0.0.1:5672
  /// How long to wait, after the last order, for every order to arrive.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(30)};
  /// How long the warm-up order may take (consumer groups joining).
  std::chrono::milliseconds warmup_timeout{std::chrono::seconds(30)};
  /// Called about every `progress_interval` on run_demo()'s thread.
  std::function<void(const DemoSample&)> on_progress;
  std::chrono::milliseconds progress_interval{std::chrono::seconds(1)};
  /// Status lines ("rendered ...", "validated ...", "kafka ..."); default: none.
  std::function<void(const std::string&)> log;
  /// Appended to queue and group names; "" = generated (time and pid).
  std::string run_id;
};

/// What the demo measured. Plain value.
struct DemoReport {
  std::string run_id;
  std::string render_summary;     ///< what was rendered (components, documents)
  std::string validate_summary;   ///< "validated N documents in M files: ok"
  std::string kafka_bootstrap;    ///< the embedded cluster's address
  std::string queue;              ///< the RabbitMQ queue used (deleted at the end)
  double rate = 0;                ///< requested orders/s
  double seconds = 0;             ///< how long orders were posted
  std::uint64_t sent = 0;         ///< orders the client posted (each until 202 or given up)
  std::uint64_t rejected = 0;     ///< orders never accepted (no 202 after retries)
  std::vector<DemoStage> stages;  ///< final counts per stage, in chain order
  std::uint64_t received = 0;     ///< records read from notifications (duplicates included)
  std::uint64_t unique = 0;       ///< distinct orders read from notifications
  std::uint64_t duplicates = 0;   ///< received - unique
  std::uint64_t lost = 0;         ///< orders sent that never reached notifications
  double e2e_p50_ms = 0;          ///< end to end: POST sent -> read from notifications
  double e2e_p99_ms = 0;
  double e2e_max_ms = 0;
  std::vector<DemoSample> timeline;  ///< one sample per progress interval
  std::vector<std::string> errors;   ///< stage failures, if any
  /// True when nothing was lost or rejected and no stage failed.
  [[nodiscard]] bool ok() const { return lost == 0 && rejected == 0 && errors.empty(); }
};

/// Runs the demo (see the file comment). Blocks for about duration + a few
/// seconds. Errors: kInvalidArgument (bad options), kFailedPrecondition (the
/// rendered platform is invalid), kUnavailable (RabbitMQ unreachable, the
/// webhook cannot bind, the warm-up order did not arrive). Lost messages are
/// not an error: see DemoReport::ok().
PLATFORM_EXPORT Result<DemoReport> run_demo(const DemoOptions& options);

/// The dashboard: one row per stage (delivered, msgs/s, lag, p50, p99) and
/// the end-to-end line, for a terminal redrawn in place.
PLATFORM_EXPORT std::string dashboard(const DemoSample& sample, double rate);

/// One plain line for logs (non-terminal output):
/// "t=3s sent 1500 webhook 1500 (500/s) ... e2e p50 4.1ms p99 12ms".
PLATFORM_EXPORT std::string progress_line(const DemoSample& sample);

/// The final summary table: sent, delivered at every stage, duplicates,
/// lost, end-to-end p50/p99; its last line is "lost N" .
PLATFORM_EXPORT std::string summary_table(const DemoReport& report);

/// A self-contained one-page HTML report (no external resources): the
/// summary, and inline-SVG charts of per-stage throughput and end-to-end
/// latency (p50, p99) over time.
PLATFORM_EXPORT std::string to_html(const DemoReport& report);

}  // namespace platform::flow
