// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::kafka::EmbeddedCluster: an in-process Kafka cluster (librdkafka's
/// mock cluster) with the platform's topics, for examples, notebooks and
/// tests. Any Kafka client (kcat, another process) can use its
/// bootstrap_servers() while the object lives.
///
/// Limits (librdkafka 2.0.2's mock; guard your tests against them):
/// - Retention: each partition keeps only its last ~100,000 message batches
///   or 5 MiB; older data is silently dropped (the low watermark moves). Keep
///   backlogs under ~40,000 x 100 B per partition.
/// - Plaintext only: no TLS, no SASL. Clients created with TLS/SASL options
///   against it fail at create() with kFailedPrecondition.
/// - Transactions are a protocol state machine only: no commit/abort markers,
///   read_committed sees aborted records, and offsets sent with a transaction
///   are not stored. Exactly-once cannot be proven against it.
/// - Replication is metadata only: broker_down() does not move leaders; call
///   set_leader() yourself.
/// - The first rebalance of a consumer group takes ~3 s (hard-coded).
/// - One thread serves all brokers; listeners bind 127.0.0.1 on random ports.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"

namespace platform::kafka {

/// Kafka protocol APIs the mock serves, for fault injection.
enum class KafkaApi : std::int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kApiVersions = 18,
  kInitProducerId = 22,
  kAddPartitionsToTxn = 24,
  kAddOffsetsToTxn = 25,
  kEndTxn = 26,
  kTxnOffsetCommit = 28,
};

/// Errors a mock broker can answer with (Kafka protocol error codes), plus
/// kTransport: the broker drops the connection instead of answering.
enum class BrokerError : std::int16_t {
  kTransport = -195,
  kUnknownTopicOrPartition = 3,
  kLeaderNotAvailable = 5,
  kNotLeaderForPartition = 6,
  kRequestTimedOut = 7,
  kBrokerNotAvailable = 8,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kNotEnoughReplicas = 19,
  kNotEnoughReplicasAfterAppend = 20,
  kRebalanceInProgress = 27,
  kTopicAuthorizationFailed = 29,
};

/// Which coordinator move_coordinator() moves.
enum class CoordinatorType : std::uint8_t { kGroup, kTransaction };

/// How to start an EmbeddedCluster.
struct EmbeddedClusterOptions {
  /// Number of brokers (ids 1..brokers), 1 to 32.
  int brokers = 3;
  /// Topics created at start; default: the seed's (events 6 partitions,
  /// commands 3, notifications 3, replicas 2). Other topics are created
  /// on first use by producers (4 partitions).
  std::vector<spec::KafkaTopic> topics = spec::KafkaSpec{}.topics;
};

/// An in-process mock Kafka cluster. Move-only; destroying it stops the
/// brokers (clients still connected then see the brokers as down).
/// Thread-safety: every method may be called from any thread.
class PLATFORM_EXPORT EmbeddedCluster {
 public:
  /// Starts the brokers and creates the topics. Errors: kInvalidArgument
  /// (broker count out of range, a topic with no partitions, more replicas
  /// than brokers, an invalid topic name), kInternal when the mock fails.
  static Result<EmbeddedCluster> start(const EmbeddedClusterOptions& options = {});

  /// Starts a cluster with the spec's broker count and topics.
  static Result<EmbeddedCluster> start(const spec::PlatformSpec& spec);

  /// The process-wide default cluster (seed topics, 3 brokers), started on
  /// first use and stopped when the last holder releases it. Producers and
  /// consumers created with empty bootstrap_servers hold it. Thread-safe.
  static Result<std::shared_ptr<EmbeddedCluster>> shared();

  EmbeddedCluster(EmbeddedCluster&&) noexcept;
  EmbeddedCluster& operator=(EmbeddedCluster&&) noexcept;
  ~EmbeddedCluster();

  /// "127.0.0.1:port,127.0.0.1:port,..." for any Kafka client.
  [[nodiscard]] const std::string& bootstrap_servers() const;
  /// Number of brokers.
  [[nodiscard]] int brokers() const;

  /// Creates a topic. Errors: kInvalidArgument (bad counts or name).
  Status create_topic(const std::string& name, int partitions, int replicas = 1);

  /// Broker `id` drops its connections and refuses new ones. Leaders do not
  /// move (use set_leader()). Errors: kNotFound for an unknown id.
  Status broker_down(std::int32_t id);
  /// Broker `id` accepts connections again.
  Status broker_up(std::int32_t id);
  /// Makes `broker` the leader of the partition; -1 = no leader.
  /// Errors: kNotFound (unknown topic or partition).
  Status set_leader(const std::string& topic, std::int32_t partition, std::int32_t broker);
  /// The next errors.size() requests of `api` (to any broker) fail with these
  /// errors, in order.
  void push_request_errors(KafkaApi api, const std::vector<BrokerError>& errors);
  /// Forgets errors pushed for `api` that have not fired yet.
  void clear_request_errors(KafkaApi api);
  /// Adds `rtt` round-trip latency to broker `id`'s responses.
  Status set_rtt(std::int32_t id, std::chrono::milliseconds rtt);
  /// Makes `broker` the coordinator of group (or transactional id) `key`.
  Status move_coordinator(CoordinatorType type, const std::string& key, std::int32_t broker);

 private:
  struct Impl;
  explicit EmbeddedCluster(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace platform::kafka
