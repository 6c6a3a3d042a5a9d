// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one place that owns librdkafka handles and converts its errors. No other
// file calls a *_destroy function of librdkafka.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/kafka/common.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/message.hpp"
#include "platform/status.hpp"

namespace platform::internal {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* p) const noexcept { rd_kafka_destroy(p); }
  void operator()(rd_kafka_conf_t* p) const noexcept { rd_kafka_conf_destroy(p); }
  void operator()(rd_kafka_topic_partition_list_t* p) const noexcept { rd_kafka_topic_partition_list_destroy(p); }
  void operator()(rd_kafka_headers_t* p) const noexcept { rd_kafka_headers_destroy(p); }
  void operator()(rd_kafka_message_t* p) const noexcept { rd_kafka_message_destroy(p); }
  void operator()(rd_kafka_event_t* p) const noexcept { rd_kafka_event_destroy(p); }
  void operator()(rd_kafka_queue_t* p) const noexcept { rd_kafka_queue_destroy(p); }
  void operator()(rd_kafka_error_t* p) const noexcept { rd_kafka_error_destroy(p); }
  void operator()(rd_kafka_mock_cluster_t* p) const noexcept { rd_kafka_mock_cluster_destroy(p); }
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, RdKafkaDeleter>;
using PartitionListHandle = std::unique_ptr<rd_kafka_topic_partition_list_t, RdKafkaDeleter>;
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, RdKafkaDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, RdKafkaDeleter>;
using EventHandle = std::unique_ptr<rd_kafka_event_t, RdKafkaDeleter>;
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, RdKafkaDeleter>;
using ErrorHandle = std::unique_ptr<rd_kafka_error_t, RdKafkaDeleter>;
using MockClusterHandle = std::unique_ptr<rd_kafka_mock_cluster_t, RdKafkaDeleter>;

/// The one converter of librdkafka error codes. `context` says what was being
/// done ("produce to events", "commit offsets").
Status to_status(rd_kafka_resp_err_t err, std::string_view context = {});
/// The same for an rd_kafka_error_t (takes ownership).
Status to_status(ErrorHandle error, std::string_view context = {});

/// What every client handle's C callbacks can reach through rd_kafka_opaque():
/// lives on the heap, owned by the client's Impl, and outlives the handle.
struct ClientContext {
  platform::kafka::LogCallback log;
  std::vector<std::string> secrets;  ///< redacted from every log line
  void* owner = nullptr;             ///< the client's Impl (for typed callbacks)

  /// Logs `line` with every secret replaced by "[redacted]". noexcept.
  void emit(platform::kafka::LogLevel level, std::string_view line) const noexcept;
};

/// Replaces each occurrence of each secret in `text` with "[redacted]".
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

/// Where a client connects, and the embedded cluster it keeps alive when the
/// options named none.
struct Bootstrap {
  std::string servers;
  std::shared_ptr<platform::kafka::EmbeddedCluster> embedded;
};

/// Checks `configured` ("host:port,..."; empty = the shared embedded cluster,
/// started if needed and announced on `ctx`'s log) against `security`.
Result<Bootstrap> resolve_bootstrap(const std::string& configured, const platform::kafka::SecurityOptions& security,
                                    const ClientContext& ctx);

/// True when any address in `servers` belongs to an embedded cluster of this
/// process.
bool is_embedded_bootstrap(std::string_view servers);
/// Registers / unregisters a live embedded cluster's addresses.
void register_embedded_bootstrap(const std::string& servers);
void unregister_embedded_bootstrap(const std::string& servers);

/// Builds an rd_kafka_conf_t with the settings every client shares: the log
/// trampoline, opaque = ctx, Nagle off, client.id, bootstrap, security, then
/// `extra`. `field_prefix` names the options struct in error details.
Result<ConfHandle> make_conf(const ClientContext& ctx, const std::string& bootstrap, const std::string& client_id,
                             const platform::kafka::SecurityOptions& security,
                             const std::vector<std::pair<std::string, std::string>>& settings,
                             const std::map<std::string, std::string>& extra, std::string_view field_prefix);

/// The producers' partitioner: a keyed message goes to
/// toPositive(murmur2(key)) % partitions, the Java client's default, so a
/// key lands in the same partition whether libplatform or a Camel K
/// integration (Java) produced it, and per-key order holds across both.
/// librdkafka's own default (consistent_random, CRC32) places keys
/// elsewhere. Keyless messages: a random partition, kept for
/// sticky.partitioning.linger.ms. `extra` may still set `partitioner`.
inline constexpr std::pair<const char*, const char*> kJavaCompatiblePartitioner{"partitioner", "murmur2_random"};

/// librdkafka consumer keys a kafka::Consumer (and a flow's consumer) sets
/// itself and refuses from `extra`: it commits processed offsets only.
inline constexpr const char* kConsumerManagedKeys[] = {"group.id", "enable.auto.commit", "enable.auto.offset.store"};
/// What the exactly-once processor sets on its consumer (the consumer's
/// managed keys, and read_committed isolation) and on its transactional
/// producer: the user's properties may not set them.
inline constexpr const char* kExactlyOnceConsumerKeys[] = {"group.id", "enable.auto.commit", "enable.auto.offset.store",
                                                          "isolation.level"};
static_assert(std::string_view(kExactlyOnceConsumerKeys[0]) == kConsumerManagedKeys[0] &&
                  std::string_view(kExactlyOnceConsumerKeys[1]) == kConsumerManagedKeys[1] &&
                  std::string_view(kExactlyOnceConsumerKeys[2]) == kConsumerManagedKeys[2],
              "the exactly-once consumer keys start with the consumer's managed keys");
inline constexpr const char* kExactlyOnceProducerKeys[] = {"transactional.id", "enable.idempotence", "acks",
                                                          "transaction.timeout.ms"};

/// The first of `keys` that `properties` sets, or nullptr.
template <typename Keys>
const char* first_key_set(const Keys& keys, const std::map<std::string, std::string>& properties) {
  for (const char* key : keys) {
    if (properties.count(key) > 0) return key;
  }
  return nullptr;
}

/// Creates the handle; takes the conf only on success.
Result<KafkaHandle> make_handle(rd_kafka_type_t type, ConfHandle conf);

/// The secrets of `security`, for ClientContext::secrets.
std::vector<std::string> secrets_of(const platform::kafka::SecurityOptions& security);

/// "bootstrap=... client.id=... security=sasl_ssl user=alice password=[redacted] ..."
std::string describe_common(const std::string& bootstrap, const std::string& client_id,
                            const platform::kafka::SecurityOptions& security,
                            const std::map<std::string, std::string>& extra);

/// Copies headers into a new librdkafka header list (null when none).
HeadersHandle to_rd_headers(const std::vector<Header>& headers);
/// Copies a consumed librdkafka message into a Message.
void to_message(const rd_kafka_message_t& in, Message& out);

}  // namespace platform::internal
