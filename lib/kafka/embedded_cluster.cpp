// SPDX-License-Identifier: Apache-2.0
#include "platform/kafka/embedded_cluster.hpp"

#include <mutex>
#include <set>

#include "kafka/handles.hpp"

namespace platform::kafka {

using internal::to_status;

struct EmbeddedCluster::Impl {
  internal::ClientContext ctx;
  internal::KafkaHandle rk;            // owns the mock; must outlive it
  internal::MockClusterHandle mock;    // destroyed first (declared last)
  std::string bootstrap;
  int brokers = 0;

  ~Impl() {
    if (!bootstrap.empty()) internal::unregister_embedded_bootstrap(bootstrap);
  }
};

namespace {

std::string check_topic_name(const std::string& name) {
  if (name.empty()) return "topic name is empty";
  if (name.size() > 249) return "topic name '" + name + "' is longer than 249 characters";
  if (name == "." || name == "..") return "topic name '" + name + "' is not allowed";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return "topic name '" + name + "' has '" + std::string(1, c) + "': use letters, digits, '.', '_', '-'";
  }
  return {};
}

Status check_topic(const std::string& name, int partitions, int replicas, int brokers, const std::string& path) {
  if (std::string e = check_topic_name(name); !e.empty()) return invalid_argument("invalid topic", {{"", path, e, ""}});
  if (partitions < 1 || partitions > 10000) {
    return invalid_argument("invalid topic", {{"", path + ".partitions",
                                               "topic '" + name + "' has " + std::to_string(partitions) +
                                                   " partitions: use 1 to 10000", ""}});
  }
  if (replicas < 1 || replicas > brokers) {
    return invalid_argument("invalid topic", {{"", path + ".replicas",
                                               "topic '" + name + "' wants " + std::to_string(replicas) +
                                                   " replicas but the embedded cluster has " +
                                                   std::to_string(brokers) + " brokers: use 1 to " +
                                                   std::to_string(brokers) + " or start more brokers",
                                               ""}});
  }
  return {};
}

// Drop the mock handle's routine chatter (it has no bootstrap servers of its
// own); keep errors.
void quiet_log(LogLevel level, std::string_view line) {
  if (level <= LogLevel::kError) default_log(level, line);
}

}  // namespace

EmbeddedCluster::EmbeddedCluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmbeddedCluster::EmbeddedCluster(EmbeddedCluster&&) noexcept = default;
EmbeddedCluster& EmbeddedCluster::operator=(EmbeddedCluster&&) noexcept = default;
EmbeddedCluster::~EmbeddedCluster() = default;

Result<EmbeddedCluster> EmbeddedCluster::start(const EmbeddedClusterOptions& options) {
  if (options.brokers < 1 || options.brokers > 32) {
    return invalid_argument("invalid embedded cluster options",
                            {{"", "brokers", "broker count " + std::to_string(options.brokers) + ": use 1 to 32", ""}});
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < options.topics.size(); ++i) {
    const spec::KafkaTopic& t = options.topics[i];
    const std::string path = "topics[" + std::to_string(i) + "]";
    PLATFORM_RETURN_IF_ERROR(check_topic(t.name, t.partitions, t.replicas, options.brokers, path));
    if (!names.insert(t.name).second) {
      return invalid_argument("invalid topic", {{"", path + ".name", "topic '" + t.name + "' is listed twice", ""}});
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->ctx.log = &quiet_log;
  impl->brokers = options.brokers;
  // K1: accepted mock connections inherit socket options from this handle;
  // without Nagle off, pipelined small responses wait ~40 ms for delayed ACKs.
  auto conf = internal::make_conf(impl->ctx, "", "platform-embedded-kafka", {}, {{"socket.nagle.disable", "true"}},
                                  {}, "");
  if (!conf.ok()) return conf.status();
  auto rk = internal::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk.ok()) return internal_error("embedded Kafka: " + rk.status().message());
  impl->rk = std::move(*rk);
  impl->mock.reset(rd_kafka_mock_cluster_new(impl->rk.get(), options.brokers));
  if (!impl->mock) return internal_error("embedded Kafka: rd_kafka_mock_cluster_new failed (see the log)");
  impl->bootstrap = rd_kafka_mock_cluster_bootstraps(impl->mock.get());
  internal::register_embedded_bootstrap(impl->bootstrap);
  EmbeddedCluster cluster(std::move(impl));
  for (const spec::KafkaTopic& t : options.topics) {
    PLATFORM_RETURN_IF_ERROR(cluster.create_topic(t.name, t.partitions, t.replicas));
  }
  return cluster;
}

Result<EmbeddedCluster> EmbeddedCluster::start(const spec::PlatformSpec& spec) {
  return start(EmbeddedClusterOptions{spec.kafka.brokers, spec.kafka.topics});
}

Result<std::shared_ptr<EmbeddedCluster>> EmbeddedCluster::shared() {
  static std::mutex mu;
  static std::weak_ptr<EmbeddedCluster> current;
  std::lock_guard lock(mu);
  if (auto alive = current.lock()) return alive;
  auto started = start();
  if (!started.ok()) {
    return Status(StatusCode::kUnavailable, "cannot start the embedded Kafka cluster: " + started.status().message());
  }
  auto cluster = std::make_shared<EmbeddedCluster>(std::move(*started));
  current = cluster;
  return cluster;
}

const std::string& EmbeddedCluster::bootstrap_servers() const { return impl_->bootstrap; }
int EmbeddedCluster::brokers() const { return impl_->brokers; }

Status EmbeddedCluster::create_topic(const std::string& name, int partitions, int replicas) {
  PLATFORM_RETURN_IF_ERROR(check_topic(name, partitions, replicas, impl_->brokers, "topic"));
  return to_status(rd_kafka_mock_topic_create(impl_->mock.get(), name.c_str(), partitions, replicas),
                   "embedded Kafka: create topic " + name);
}

namespace {
Status check_broker(int id, int brokers) {
  if (id >= 1 && id <= brokers) return {};
  return Status(StatusCode::kNotFound, "embedded Kafka has no broker " + std::to_string(id) + ": ids are 1 to " +
                                           std::to_string(brokers));
}
}  // namespace

Status EmbeddedCluster::broker_down(std::int32_t id) {
  PLATFORM_RETURN_IF_ERROR(check_broker(id, impl_->brokers));
  return to_status(rd_kafka_mock_broker_set_down(impl_->mock.get(), id), "embedded Kafka: broker down");
}

Status EmbeddedCluster::broker_up(std::int32_t id) {
  PLATFORM_RETURN_IF_ERROR(check_broker(id, impl_->brokers));
  return to_status(rd_kafka_mock_broker_set_up(impl_->mock.get(), id), "embedded Kafka: broker up");
}

Status EmbeddedCluster::set_leader(const std::string& topic, std::int32_t partition, std::int32_t broker) {
  if (broker != -1) PLATFORM_RETURN_IF_ERROR(check_broker(broker, impl_->brokers));
  return to_status(rd_kafka_mock_partition_set_leader(impl_->mock.get(), topic.c_str(), partition, broker),
                   "embedded Kafka: set leader of " + topic + "[" + std::to_string(partition) + "]");
}

void EmbeddedCluster::push_request_errors(KafkaApi api, const std::vector<BrokerError>& errors) {
  if (errors.empty()) return;
  std::vector<rd_kafka_resp_err_t> codes;
  codes.reserve(errors.size());
  for (BrokerError e : errors) codes.push_back(static_cast<rd_kafka_resp_err_t>(e));
  rd_kafka_mock_push_request_errors_array(impl_->mock.get(), static_cast<std::int16_t>(api), codes.size(),
                                          codes.data());
}

void EmbeddedCluster::clear_request_errors(KafkaApi api) {
  rd_kafka_mock_clear_request_errors(impl_->mock.get(), static_cast<std::int16_t>(api));
}

Status EmbeddedCluster::set_rtt(std::int32_t id, std::chrono::milliseconds rtt) {
  PLATFORM_RETURN_IF_ERROR(check_broker(id, impl_->brokers));
  return to_status(rd_kafka_mock_broker_set_rtt(impl_->mock.get(), id, static_cast<int>(rtt.count())),
                   "embedded Kafka: set rtt");
}

Status EmbeddedCluster::move_coordinator(CoordinatorType type, const std::string& key, std::int32_t broker) {
  PLATFORM_RETURN_IF_ERROR(check_broker(broker, impl_->brokers));
  const char* kind = type == CoordinatorType::kGroup ? "group" : "transaction";
  return to_status(rd_kafka_mock_coordinator_set(impl_->mock.get(), kind, key.c_str(), broker),
                   "embedded Kafka: move coordinator");
}

}  // namespace platform::kafka
