// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Strimzi 0.43 kinds (kafka.strimzi.io/v1beta2): Kafka (kafka, zookeeper,
/// entityOperator, metrics), KafkaTopic, KafkaUser and KafkaConnect. Only
/// the fields the platform uses; see meta.hpp for conventions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// The label naming the Kafka cluster a KafkaTopic/KafkaUser belongs to.
inline constexpr std::string_view kStrimziClusterLabel = "strimzi.io/cluster";

/// Listener authentication (`spec.kafka.listeners[].authentication`).
struct KafkaListenerAuthentication {
  std::string type;  ///< "tls", "scram-sha-512", "oauth", "custom"
  bool operator==(const KafkaListenerAuthentication&) const = default;
};

/// One Kafka listener.
struct KafkaListener {
  std::string name;
  int port = 0;
  std::string type = "internal";  ///< "internal", "nodeport", "route", "loadbalancer", ...
  bool tls = false;
  std::optional<KafkaListenerAuthentication> authentication;
  bool operator==(const KafkaListener&) const = default;
};

/// One JBOD volume.
struct KafkaJbodVolume {
  std::optional<int> id;
  std::string type = "persistent-claim";
  std::string size;
  std::string class_;  ///< storage class (`class`)
  std::optional<bool> delete_claim;
  bool operator==(const KafkaJbodVolume&) const = default;
};

/// Broker or ZooKeeper storage.
struct KafkaStorage {
  std::string type = "persistent-claim";  ///< "ephemeral", "persistent-claim" or "jbod"
  std::string size;
  std::string class_;  ///< storage class (`class`)
  std::optional<bool> delete_claim;
  std::vector<KafkaJbodVolume> volumes;  ///< jbod only
  bool operator==(const KafkaStorage&) const = default;
};

/// `valueFrom` of a metrics configuration.
struct MetricsValueFrom {
  KeySelector config_map_key_ref;
  bool operator==(const MetricsValueFrom&) const = default;
};

/// `metricsConfig`: the JMX Prometheus exporter rules in a ConfigMap key.
struct MetricsConfig {
  std::string type = "jmxPrometheusExporter";
  MetricsValueFrom value_from;
  bool operator==(const MetricsConfig&) const = default;
};

/// `spec.kafka`.
struct KafkaClusterSpec {
  std::string version;
  int replicas = 0;
  std::vector<KafkaListener> listeners;
  ScalarMap config;
  KafkaStorage storage;
  std::optional<ResourceRequirements> resources;
  std::optional<MetricsConfig> metrics_config;
  bool operator==(const KafkaClusterSpec&) const = default;
};

/// `spec.zookeeper`.
struct ZookeeperClusterSpec {
  int replicas = 0;
  KafkaStorage storage;
  std::optional<ResourceRequirements> resources;
  std::optional<MetricsConfig> metrics_config;
  bool operator==(const ZookeeperClusterSpec&) const = default;
};

/// The topic or user operator of the entity operator.
struct EntityOperatorComponent {
  std::string watched_namespace;  ///< "" = the Kafka's namespace
  std::optional<ResourceRequirements> resources;
  bool operator==(const EntityOperatorComponent&) const = default;
};

/// `spec.entityOperator`: present components are enabled.
struct EntityOperatorSpec {
  std::optional<EntityOperatorComponent> topic_operator;
  std::optional<EntityOperatorComponent> user_operator;
  bool operator==(const EntityOperatorSpec&) const = default;
};

/// `spec.kafkaExporter`: consumer-lag and topic metrics.
struct KafkaExporterSpec {
  std::string topic_regex;
  std::string group_regex;
  bool operator==(const KafkaExporterSpec&) const = default;
};

/// Kafka `spec`.
struct KafkaSpec {
  KafkaClusterSpec kafka;
  std::optional<ZookeeperClusterSpec> zookeeper;
  std::optional<EntityOperatorSpec> entity_operator;
  std::optional<KafkaExporterSpec> kafka_exporter;
  bool operator==(const KafkaSpec&) const = default;
};

/// kafka.strimzi.io/v1beta2 Kafka.
struct Kafka {
  static constexpr std::string_view kApiVersion = "kafka.strimzi.io/v1beta2";
  static constexpr std::string_view kKind = "Kafka";
  ObjectMeta metadata;
  KafkaSpec spec;
  bool operator==(const Kafka&) const = default;
};

/// KafkaTopic `spec`.
struct KafkaTopicSpec {
  std::string topic_name;  ///< "" = metadata.name
  std::optional<int> partitions;
  std::optional<int> replicas;
  ScalarMap config;
  bool operator==(const KafkaTopicSpec&) const = default;
};

/// kafka.strimzi.io/v1beta2 KafkaTopic (labelled kStrimziClusterLabel).
struct KafkaTopic {
  static constexpr std::string_view kApiVersion = "kafka.strimzi.io/v1beta2";
  static constexpr std::string_view kKind = "KafkaTopic";
  ObjectMeta metadata;
  KafkaTopicSpec spec;
  bool operator==(const KafkaTopic&) const = default;
};

/// `resource` of an ACL rule.
struct AclResource {
  std::string type;          ///< "topic", "group", "cluster", "transactionalId"
  std::string name;
  std::string pattern_type;  ///< "literal" or "prefix"
  bool operator==(const AclResource&) const = default;
};

/// One ACL rule of a KafkaUser.
struct AclRule {
  AclResource resource;
  std::vector<std::string> operations;  ///< "Read", "Write", "Describe", ...
  std::string host;
  bool operator==(const AclRule&) const = default;
};

/// KafkaUser `spec.authentication`.
struct KafkaUserAuthentication {
  std::string type;  ///< "tls", "tls-external", "scram-sha-512"
  bool operator==(const KafkaUserAuthentication&) const = default;
};

/// KafkaUser `spec.authorization`.
struct KafkaUserAuthorization {
  std::string type = "simple";
  std::vector<AclRule> acls;
  bool operator==(const KafkaUserAuthorization&) const = default;
};

/// KafkaUser `spec`.
struct KafkaUserSpec {
  std::optional<KafkaUserAuthentication> authentication;
  std::optional<KafkaUserAuthorization> authorization;
  bool operator==(const KafkaUserSpec&) const = default;
};

/// kafka.strimzi.io/v1beta2 KafkaUser (labelled kStrimziClusterLabel).
struct KafkaUser {
  static constexpr std::string_view kApiVersion = "kafka.strimzi.io/v1beta2";
  static constexpr std::string_view kKind = "KafkaUser";
  ObjectMeta metadata;
  KafkaUserSpec spec;
  bool operator==(const KafkaUser&) const = default;
};

/// KafkaConnect `spec`.
struct KafkaConnectSpec {
  std::string version;
  int replicas = 1;
  std::string bootstrap_servers;
  std::string image;
  ScalarMap config;
  std::optional<ResourceRequirements> resources;
  std::optional<MetricsConfig> metrics_config;
  bool operator==(const KafkaConnectSpec&) const = default;
};

/// kafka.strimzi.io/v1beta2 KafkaConnect.
struct KafkaConnect {
  static constexpr std::string_view kApiVersion = "kafka.strimzi.io/v1beta2";
  static constexpr std::string_view kKind = "KafkaConnect";
  ObjectMeta metadata;
  KafkaConnectSpec spec;
  bool operator==(const KafkaConnect&) const = default;
};

}  // namespace platform::model
