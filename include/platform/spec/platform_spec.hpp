// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// PlatformSpec: the whole platform as data. Every default is the seed
/// (docs/seed/platform-architecture.md); a default-constructed PlatformSpec
/// *is* the seed's platform. Plain value types: copyable, comparable,
/// thread-compatible. Loading, overrides and checks live in
/// platform/spec/load.hpp.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace platform::spec {

/// The platform's own namespaces.
struct Namespaces {
  std::string operators = "operators";
  std::string kafka = "kafka";
  std::string rabbitmq = "rabbitmq";
  std::string camelk = "camelk";
  std::string backstage = "backstage";
  std::string argocd = "argocd";
  bool operator==(const Namespaces&) const = default;
};

/// One operator: the pinned upstream version and what it watches.
struct OperatorSpec {
  std::string version;
  /// Namespaces the operator watches, besides its own. Ignored when watch_all.
  std::vector<std::string> watch_namespaces;
  bool watch_all = false;
  bool operator==(const OperatorSpec&) const = default;
};

struct Operators {
  OperatorSpec strimzi{"0.43.0", {"kafka"}, false};
  OperatorSpec rabbitmq{"2.10.0", {"rabbitmq"}, false};
  OperatorSpec camel_k{"2.5.0", {}, true};
  bool operator==(const Operators&) const = default;
};

/// A Kafka listener (Strimzi `spec.kafka.listeners[]`).
struct KafkaListener {
  std::string name;
  int port = 0;
  bool tls = false;
  std::string type = "internal";
  bool operator==(const KafkaListener&) const = default;
};

/// A KafkaTopic.
struct KafkaTopic {
  std::string name;
  int partitions = 1;
  int replicas = 1;
  std::map<std::string, std::string> config;
  bool operator==(const KafkaTopic&) const = default;
};

struct KafkaSpec {
  std::string name = "event-cluster";
  /// Kafka version run by Strimzi 0.43.0 (its default).
  std::string version = "3.8.0";
  int brokers = 3;
  int zookeeper_replicas = 3;
  /// Persistent-claim size per broker (a Kubernetes quantity).
  std::string storage_size = "10Gi";
  std::string zookeeper_storage_size = "10Gi";
  std::vector<KafkaListener> listeners{{"plain", 9092, false, "internal"}, {"tls", 9093, true, "internal"}};
  std::vector<KafkaTopic> topics{{"events", 6, 2, {}}, {"commands", 3, 2, {}}, {"notifications", 3, 2, {}}};
  /// JMX Prometheus exporter (metrics ConfigMap rendered alongside).
  bool metrics = true;
  /// SASL/PLAIN on the plain listener (the seed: optional, off).
  bool sasl_plain = false;
  /// Broker configuration (`spec.kafka.config`): the seed's tuning knobs.
  std::map<std::string, std::string> config{
      {"compression.type", "producer"},
      {"default.replication.factor", "2"},
      {"min.insync.replicas", "1"},
      {"offsets.topic.replication.factor", "3"},
      {"transaction.state.log.replication.factor", "3"},
      {"transaction.state.log.min.isr", "2"},
  };
  bool operator==(const KafkaSpec&) const = default;
};

struct RabbitmqSpec {
  std::string name = "rabbitmq-cluster";
  int replicas = 3;
  std::string storage_size = "10Gi";
  std::vector<std::string> plugins{"rabbitmq_federation", "rabbitmq_shovel", "rabbitmq_stream"};
  int amqp_port = 5672;
  int management_port = 15672;
  int prometheus_port = 15692;
  /// Peer discovery backend: Kubernetes native.
  std::string peer_discovery = "k8s";
  /// "All queues replicated": quorum queues by default.
  std::string default_queue_type = "quorum";
  bool operator==(const RabbitmqSpec&) const = default;
};

/// Container resources (Camel K integrations, LimitRange defaults).
struct ContainerResources {
  std::string request_cpu = "200m";
  std::string request_memory = "256Mi";
  std::string limit_cpu = "500m";
  std::string limit_memory = "512Mi";
  bool operator==(const ContainerResources&) const = default;
};

struct CamelKSpec {
  /// ConfigMap holding the shared Maven settings.xml.
  std::string maven_settings_configmap = "maven-settings";
  std::string maven_settings_key = "settings.xml";
  /// Maven repository mirror written into settings.xml.
  std::string maven_mirror = "https://repo.maven.apache.org/maven2";
  /// Build strategy: "pod" (Kubernetes native) or "routine".
  std::string build_strategy = "pod";
  std::string runtime = "quarkus";
  std::vector<std::string> languages{"java", "groovy", "yaml", "xml"};
  /// Container registry; empty = the cluster-local registry.
  std::string registry_address = "";
  bool registry_insecure = true;
  /// Resources per integration.
  ContainerResources integration_resources;
  bool operator==(const CamelKSpec&) const = default;
};

struct BackstageSpec {
  std::string image = "ghcr.io/backstage/backstage:1.32.0";
  int replicas = 1;
  int port = 7007;
  std::string postgres_version = "15";
  std::string postgres_storage_size = "5Gi";
  /// Authentication provider: "basic" (configurable).
  std::string auth = "basic";
  /// Secret holding the basic-auth and database credentials (never inlined).
  std::string credentials_secret = "backstage-credentials";
  std::vector<std::string> features{"catalog", "kubernetes", "api-docs", "monitoring"};
  bool operator==(const BackstageSpec&) const = default;
};

/// Where Argo CD reads the rendered tree from.
struct GitSource {
  std::string repo_url = "https://github.com/example/platform-gitops.git";
  std::string revision = "main";
  std::string path = "manifests";
  bool operator==(const GitSource&) const = default;
};

struct SyncWaves {
  int operators = 0;
  int infrastructure = 1;  ///< Kafka, RabbitMQ, Camel K
  int applications = 2;    ///< Backstage
  int tenants = 3;
  bool operator==(const SyncWaves&) const = default;
};

struct ArgoCdSpec {
  std::string version = "v2.13.9";
  std::string project = "platform";
  bool auto_sync = true;
  bool self_heal = true;
  bool prune = true;
  /// argocd-rbac-cm `policy.default`.
  std::string rbac_default_policy = "role:readonly";
  SyncWaves waves;
  bool operator==(const ArgoCdSpec&) const = default;
};

/// A tenant namespace's ResourceQuota (the seed's numbers by default).
struct Quota {
  std::string requests_cpu = "4";
  std::string requests_memory = "8Gi";
  std::string limits_cpu = "8";
  std::string limits_memory = "16Gi";
  int persistentvolumeclaims = 10;
  int services = 10;
  int pods = 20;
  bool operator==(const Quota&) const = default;
};

/// What every tenant gets unless it overrides it.
struct TenantDefaults {
  Quota quota;
  /// LimitRange container defaults (= Camel K integration resources).
  ContainerResources container;
  bool operator==(const TenantDefaults&) const = default;
};

/// A tenant: namespace `user-<name>`.
struct Tenant {
  std::string name;
  /// Effective quota (defaults filled in from TenantDefaults when loaded).
  Quota quota;
  ContainerResources container;
  bool operator==(const Tenant&) const = default;
};

struct PortMapping {
  int container_port = 0;
  int host_port = 0;
  bool operator==(const PortMapping&) const = default;
};

/// The recommended local kind cluster.
struct KindCluster {
  std::string name = "platform";
  int control_planes = 1;
  int workers = 3;
  std::vector<PortMapping> port_mappings{{30000, 9092}, {30001, 15672}, {30002, 7007}};
  bool operator==(const KindCluster&) const = default;
};

/// The whole platform.
struct PlatformSpec {
  std::string name = "platform";
  /// "dev" (the seed's defaults, guest/guest allowed) or "production"
  /// (default credentials refused, secrets only by reference).
  std::string profile = "dev";
  std::string storage_class = "standard";
  Namespaces namespaces;
  Operators operators;
  KafkaSpec kafka;
  RabbitmqSpec rabbitmq;
  CamelKSpec camel_k;
  BackstageSpec backstage;
  ArgoCdSpec argocd;
  GitSource source;
  TenantDefaults tenant_defaults;
  std::vector<Tenant> tenants;
  KindCluster kind;
  bool operator==(const PlatformSpec&) const = default;
};

}  // namespace platform::spec
