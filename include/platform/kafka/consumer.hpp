// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::kafka::Consumer: a consumer-group member that commits only what
/// the application marked processed.
///
/// The committed offset of a partition is always the *contiguous watermark*
/// of processed records + 1: with records 10..14 polled and 10, 11 and 13
/// marked, the group's committed offset is 12, so after a crash or a
/// rebalance the next owner resumes at 12 (13 is processed again: at least
/// once, never lost). Nothing that was not marked is ever committed.
///
/// ```cpp
/// auto consumer = kafka::Consumer::create({.group_id = "g1", .topics = {"events"}}).value();
/// while (running) {
///   for (kafka::Record& r : consumer.poll(std::chrono::milliseconds(100)).value()) {
///     handle(r.message);
///     consumer.mark_processed(r);
///   }
/// }
/// ```

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/kafka/common.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::kafka {

namespace detail {
struct PartitionCursor;
}  // namespace detail

/// One consumed record. A copyable value; it stays valid after the consumer
/// is gone (marking it then does nothing).
struct PLATFORM_EXPORT Record {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  Message message;  ///< key, payload, headers (in order) and timestamp

 private:
  friend class Consumer;
  std::shared_ptr<detail::PartitionCursor> cursor_;
};

/// What the consumer does with marked offsets.
enum class CommitMode : std::uint8_t {
  /// poll() commits the processed watermarks asynchronously every
  /// auto_commit_interval; revoke and close commit them synchronously.
  kAutoMarked,
  /// Only commit() (and revoke/close) commit.
  kManual,
};

/// A rebalance as the application sees it, after the consumer handled it.
struct Rebalance {
  bool assigned = false;  ///< true: `partitions` were assigned; false: revoked (or lost)
  std::vector<TopicPartition> partitions;
};

/// How to create a Consumer. Checked once, at create().
struct ConsumerOptions {
  /// "host:port[,...]"; empty = the process-wide embedded cluster.
  std::string bootstrap_servers;
  /// The consumer group (required).
  std::string group_id;
  /// Topics to subscribe to at creation; may be empty (call subscribe()).
  std::vector<std::string> topics;
  std::string client_id = "platform-consumer";
  /// Where a group with no committed offset starts: "earliest" (default, so a
  /// new group loses nothing) or "latest".
  std::string auto_offset_reset = "earliest";
  CommitMode commit_mode = CommitMode::kAutoMarked;
  std::chrono::milliseconds auto_commit_interval{std::chrono::seconds(1)};
  /// Prefetch: queued.min.messages, the record-count cap (all partitions).
  int queued_min_messages = 1000000;
  /// queued.max.messages.kbytes: the prefetch memory cap (all partitions).
  /// librdkafka 2.0.2 stops fetching when the queue reaches either cap and
  /// looks again only up to 1 s later (confluentinc/librdkafka#2879); poll()
  /// wakes the fetchers as soon as it has drained the queue (see
  /// fetch_wakeups()), so a small cap costs no throughput.
  int queued_max_kbytes = 65536;
  SecurityOptions security;
  /// Called on the poll() thread after each assignment or revocation was
  /// handled (revoked offsets already committed).
  std::function<void(const Rebalance&)> on_rebalance;
  /// Log sink; default: default_log.
  LogCallback log;
  /// Raw librdkafka properties, applied last. enable.auto.commit and
  /// enable.auto.offset.store are managed by the consumer and refused here.
  std::map<std::string, std::string> extra;
};

/// One line describing the options, secrets shown as "[redacted]".
PLATFORM_EXPORT std::string describe(const ConsumerOptions& options);

/// A committed offset (the next offset the group will read).
struct CommittedOffset {
  TopicPartition partition;
  std::int64_t offset = -1;  ///< -1 = none committed
  bool operator==(const CommittedOffset&) const = default;
};

/// A Kafka consumer-group member. Move-only.
///
/// Thread-safety: poll(), commit(), subscribe(), pause(), resume(),
/// assignment(), committed() and close() belong to one thread at a time (the
/// poll thread); the rebalance callback runs inside poll() or close() on that
/// thread. mark_processed() is thread-safe and may be called from any thread,
/// e.g. a Producer's delivery thread (commit after delivery).
///
/// Rebalances: on revoke the consumer synchronously commits the processed
/// watermark of each revoked partition, then forgets it; records of a revoked
/// partition marked later are ignored (their new owner reads them again).
/// The eager (range) assignor is the default: the cooperative one has known
/// 2.0.2 bugs. No batch-consume API is used.
class PLATFORM_EXPORT Consumer {
 public:
  /// Creates the consumer and subscribes to options.topics. Errors:
  /// kInvalidArgument (missing group_id, bad option, a managed key in extra),
  /// kFailedPrecondition (TLS/SASL against the embedded cluster),
  /// kUnavailable (embedded cluster could not start).
  static Result<Consumer> create(ConsumerOptions options);

  Consumer(Consumer&&) noexcept;
  Consumer& operator=(Consumer&&) noexcept;
  /// Closes (see close()) if not closed yet. Never throws.
  ~Consumer();

  /// Replaces the subscription.
  Status subscribe(const std::vector<std::string>& topics);

  /// Waits up to `timeout` for records, returns at most `max_records` (maybe
  /// none). Runs rebalances and, in kAutoMarked mode, periodic commits.
  /// Transient broker errors are logged and retried internally; errors
  /// returned: kFailedPrecondition (closed, or a fatal error), kNotFound
  /// (subscribed topic does not exist), kPermissionDenied.
  Result<std::vector<Record>> poll(std::chrono::milliseconds timeout, std::size_t max_records = 1000);

  /// The same into `batch`, which is overwritten (it holds exactly what
  /// arrived, maybe nothing) and whose records' buffers are reused: once
  /// they have grown, polling allocates nothing per record. The fastest way
  /// to consume: keep one batch per polling loop.
  ///   std::vector<kafka::Record> batch;
  ///   while (consumer.poll(batch, 100ms).ok()) for (auto& r : batch) ...
  Status poll(std::vector<Record>& batch, std::chrono::milliseconds timeout, std::size_t max_records = 1000);

  /// Marks `record` processed. Thread-safe, cheap. Records of one partition
  /// may be marked in any order; the committable offset only advances over a
  /// contiguous run of processed records.
  void mark_processed(const Record& record);

  /// Synchronously commits every partition's processed watermark that moved
  /// since the last commit. Ok when there was nothing to commit.
  Status commit();

  /// Stops fetching these partitions (backpressure) until resume(); records
  /// already returned stay valid. Errors: kInvalidArgument if not assigned.
  Status pause(const std::vector<TopicPartition>& partitions);
  /// Resumes fetching from the next unreturned record.
  Status resume(const std::vector<TopicPartition>& partitions);

  /// The partitions assigned now.
  [[nodiscard]] Result<std::vector<TopicPartition>> assignment() const;

  /// Messages in the assigned partitions that this consumer has not
  /// processed yet: per partition the high watermark (as of the last fetch
  /// response) minus the processed watermark (or, before anything was
  /// processed there, the fetch position), summed. No network round trip;
  /// -1 while no assigned partition's high watermark is known yet. Call it
  /// from the thread that polls.
  [[nodiscard]] std::int64_t lag() const;

  /// How often poll() woke librdkafka's fetchers: it found the prefetch
  /// queue empty after returning a cap's worth of records or bytes since it
  /// last found it empty (each partition it has read is sought to the offset
  /// after the last record poll() returned, which neither skips nor repeats a
  /// record). Call it from the thread that polls.
  [[nodiscard]] std::uint64_t fetch_wakeups() const;

  /// The group's committed offsets for `partitions`, read from the
  /// coordinator.
  [[nodiscard]] Result<std::vector<CommittedOffset>> committed(const std::vector<TopicPartition>& partitions,
                                                               std::chrono::milliseconds timeout) const;

  /// Commits the processed watermarks, leaves the group (the revoke path
  /// runs), and releases the connection. Further calls fail with
  /// kFailedPrecondition; close() twice is ok.
  Status close();

  /// The bootstrap servers actually used.
  [[nodiscard]] const std::string& bootstrap_servers() const;

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::kafka
