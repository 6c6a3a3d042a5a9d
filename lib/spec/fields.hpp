// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one table of PlatformSpec fields. Every operation on a spec (decoding
// YAML, encoding, --set typing, the field checks, `platformctl init`
// comments, docs/spec-reference.md) walks these `fields()` functions with its
// own visitor, so a field's key, meaning and constraints are written once.
//
// Key convention: a YAML key is the C++ member name (snake_case), nested the
// way the structs nest: `kafka.storage_size`, `source.repo_url`.

#include <climits>
#include <concepts>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "platform/spec/platform_spec.hpp"

namespace platform::internal::spec {

using namespace ::platform::spec;

/// The constraint a field's value must meet beyond its C++ type.
enum class Check : unsigned char {
  kNone,
  kCpu,            // a Kubernetes CPU quantity ("200m", "4")
  kMemory,         // a Kubernetes memory quantity ("256Mi", "8Gi"); zero allowed
  kStorage,        // a Kubernetes storage quantity, > 0 ("10Gi")
  kDnsLabel,       // RFC 1123 label: namespaces, most object names
  kDnsSubdomain,   // RFC 1123 subdomain: ConfigMap, Secret, StorageClass names
  kPort,           // 1..65535
  kChoice,         // one of `choices` (each item, for a list)
  kListenerName,   // Strimzi listener name: ^[a-z0-9]{1,11}$
  kGitUrl,         // https://, http://, ssh:// or git@host:path
};

/// One field: its YAML key, what it means, and what it must satisfy.
struct Field {
  std::string_view key;
  std::string_view doc;
  Check check = Check::kNone;
  int min = INT_MIN;
  int max = INT_MAX;
  std::initializer_list<std::string_view> choices = {};
  bool required = false;  // list items only: the item is meaningless without it
  std::string_view item = "";  // lists of objects: what one item is ("topic")
};

template <class S, class T>
concept SpecOf = std::same_as<std::remove_const_t<S>, T>;

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsMap : std::false_type {};
template <class K, class T>
struct IsMap<std::map<K, T>> : std::true_type {};

/// A member that is itself a record of fields (Kafka, Quota, ...).
template <class T>
inline constexpr bool kIsRecord = std::is_class_v<T> && !std::is_same_v<T, std::string> && !IsVector<T>::value &&
                                  !IsMap<T>::value;

template <class T>
struct IsRecordVector : std::false_type {};
template <class T>
struct IsRecordVector<std::vector<T>> : std::bool_constant<kIsRecord<T>> {};

/// What a new list item starts from before its YAML is applied: a tenant
/// starts from the spec's tenant_defaults, everything else from its type.
template <class T>
T prototype(const PlatformSpec& root) {
  if constexpr (std::is_same_v<T, Tenant>) {
    return Tenant{"", root.tenant_defaults.quota, root.tenant_defaults.container};
  } else {
    return T{};
  }
}

template <class V, SpecOf<Namespaces> S>
void fields(V& v, S& s) {
  v({.key = "operators", .doc = "Namespace the Strimzi, RabbitMQ and Camel K operators run in.", .check = Check::kDnsLabel},
    s.operators);
  v({.key = "kafka", .doc = "Namespace of the Kafka cluster, its topics and users.", .check = Check::kDnsLabel}, s.kafka);
  v({.key = "rabbitmq", .doc = "Namespace of the RabbitMQ cluster.", .check = Check::kDnsLabel}, s.rabbitmq);
  v({.key = "camelk", .doc = "Namespace of the shared Camel K IntegrationPlatform.", .check = Check::kDnsLabel}, s.camelk);
  v({.key = "backstage", .doc = "Namespace of Backstage and its PostgreSQL database.", .check = Check::kDnsLabel},
    s.backstage);
  v({.key = "argocd", .doc = "Namespace Argo CD runs in; the root Application and AppProject live here.",
     .check = Check::kDnsLabel},
    s.argocd);
}

template <class V, SpecOf<OperatorSpec> S>
void fields(V& v, S& s) {
  v({.key = "version", .doc = "Pinned upstream version; libplatform ships this version's manifests and CRD schemas."},
    s.version);
  v({.key = "watch_namespaces", .doc = "Namespaces the operator watches besides its own (ignored when watch_all is true).",
     .check = Check::kDnsLabel},
    s.watch_namespaces);
  v({.key = "watch_all", .doc = "Watch every namespace of the cluster."}, s.watch_all);
}

// Each operator's version is checked against the one libplatform ships, in
// check.cpp: the constraint differs per operator, not per field.
template <class V, SpecOf<Operators> S>
void fields(V& v, S& s) {
  v({.key = "strimzi", .doc = "Strimzi Kafka operator (Kafka, KafkaTopic, KafkaUser, KafkaConnect); version 0.43.0."},
    s.strimzi);
  v({.key = "rabbitmq", .doc = "RabbitMQ Cluster Operator (RabbitmqCluster); version 2.10.0."}, s.rabbitmq);
  v({.key = "camel_k", .doc = "Camel K operator (Integration, IntegrationPlatform); version 2.5.0, watches all namespaces."},
    s.camel_k);
}

template <class V, SpecOf<KafkaListener> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Listener name (Strimzi: 1-11 lower-case letters and digits).", .check = Check::kListenerName,
     .required = true},
    s.name);
  v({.key = "port", .doc = "Listener port (9092 or higher; 9404 and 9999 are reserved by Strimzi).", .check = Check::kPort,
     .required = true},
    s.port);
  v({.key = "tls", .doc = "Encrypt the listener with TLS."}, s.tls);
  v({.key = "type", .doc = "Strimzi listener type.", .check = Check::kChoice,
     .choices = {"internal", "cluster-ip", "nodeport", "loadbalancer", "route", "ingress"}},
    s.type);
}

template <class V, SpecOf<KafkaTopic> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Topic name, also the KafkaTopic's name.", .check = Check::kDnsSubdomain,
     .required = true},
    s.name);
  v({.key = "partitions", .doc = "Number of partitions.", .min = 1}, s.partitions);
  v({.key = "replicas", .doc = "Replication factor (at most kafka.brokers).", .min = 1}, s.replicas);
  v({.key = "config", .doc = "Topic configuration (retention.ms, cleanup.policy, ...)."}, s.config);
}

template <class V, SpecOf<KafkaSpec> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Name of the Strimzi Kafka cluster.", .check = Check::kDnsLabel}, s.name);
  v({.key = "version", .doc = "Kafka version run by Strimzi 0.43.0.", .check = Check::kChoice,
     .choices = {"3.7.0", "3.7.1", "3.8.0"}},
    s.version);
  v({.key = "brokers", .doc = "Number of Kafka brokers.", .min = 1}, s.brokers);
  v({.key = "zookeeper_replicas", .doc = "Number of ZooKeeper nodes (odd numbers keep a quorum).", .min = 1},
    s.zookeeper_replicas);
  v({.key = "storage_size", .doc = "Persistent-claim storage per broker.", .check = Check::kStorage}, s.storage_size);
  v({.key = "zookeeper_storage_size", .doc = "Persistent-claim storage per ZooKeeper node.", .check = Check::kStorage},
    s.zookeeper_storage_size);
  v({.key = "listeners", .doc = "Kafka listeners: plain 9092 without TLS and tls 9093 with TLS.", .item = "listener"},
    s.listeners);
  v({.key = "topics", .doc = "KafkaTopics created with the cluster: events 6x2, commands 3x2, notifications 3x2.",
     .item = "topic"},
    s.topics);
  v({.key = "metrics", .doc = "Expose JMX metrics through the Prometheus JMX exporter (metrics ConfigMap rendered)."},
    s.metrics);
  v({.key = "sasl_plain", .doc = "SASL/PLAIN authentication on the plain listener (optional in the seed: off)."},
    s.sasl_plain);
  v({.key = "config", .doc = "Broker configuration (Strimzi spec.kafka.config)."}, s.config);
}

template <class V, SpecOf<RabbitmqSpec> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Name of the RabbitmqCluster.", .check = Check::kDnsLabel}, s.name);
  v({.key = "replicas", .doc = "Number of RabbitMQ nodes.", .min = 1}, s.replicas);
  v({.key = "storage_size", .doc = "Persistent storage per node.", .check = Check::kStorage}, s.storage_size);
  v({.key = "plugins", .doc = "Extra RabbitMQ plugins: federation, shovel and streams."}, s.plugins);
  v({.key = "amqp_port", .doc = "AMQP 0-9-1 port.", .check = Check::kPort}, s.amqp_port);
  v({.key = "management_port", .doc = "Management UI and HTTP API port.", .check = Check::kPort}, s.management_port);
  v({.key = "prometheus_port", .doc = "Prometheus metrics port (rabbitmq_prometheus).", .check = Check::kPort},
    s.prometheus_port);
  v({.key = "peer_discovery", .doc = "Cluster peer discovery: Kubernetes native.", .check = Check::kChoice,
     .choices = {"k8s"}},
    s.peer_discovery);
  v({.key = "default_queue_type", .doc = "Default queue type; quorum queues replicate every queue.",
     .check = Check::kChoice, .choices = {"quorum", "classic", "stream"}},
    s.default_queue_type);
}

template <class V, SpecOf<ContainerResources> S>
void fields(V& v, S& s) {
  v({.key = "request_cpu", .doc = "CPU request per container.", .check = Check::kCpu}, s.request_cpu);
  v({.key = "request_memory", .doc = "Memory request per container.", .check = Check::kMemory}, s.request_memory);
  v({.key = "limit_cpu", .doc = "CPU limit per container.", .check = Check::kCpu}, s.limit_cpu);
  v({.key = "limit_memory", .doc = "Memory limit per container.", .check = Check::kMemory}, s.limit_memory);
}

template <class V, SpecOf<CamelKSpec> S>
void fields(V& v, S& s) {
  v({.key = "maven_settings_configmap", .doc = "ConfigMap holding the shared Maven settings.xml.",
     .check = Check::kDnsSubdomain},
    s.maven_settings_configmap);
  v({.key = "maven_settings_key", .doc = "Key of settings.xml in that ConfigMap."}, s.maven_settings_key);
  v({.key = "maven_mirror", .doc = "Maven repository mirror written into settings.xml."}, s.maven_mirror);
  v({.key = "build_strategy", .doc = "How integrations are built: pod (Kubernetes native) or routine (in the operator).",
     .check = Check::kChoice, .choices = {"pod", "routine"}},
    s.build_strategy);
  v({.key = "runtime", .doc = "Camel runtime.", .check = Check::kChoice, .choices = {"quarkus"}}, s.runtime);
  v({.key = "languages", .doc = "Integration languages offered."}, s.languages);
  v({.key = "registry_address", .doc = "Container registry for integration images; empty = the cluster-local registry."},
    s.registry_address);
  v({.key = "registry_insecure", .doc = "Reach the registry without TLS."}, s.registry_insecure);
  v({.key = "integration_resources", .doc = "Resources of each integration: CPU 200m/500m, memory 256Mi/512Mi."},
    s.integration_resources);
}

template <class V, SpecOf<BackstageSpec> S>
void fields(V& v, S& s) {
  v({.key = "image", .doc = "Backstage container image."}, s.image);
  v({.key = "replicas", .doc = "Backstage replicas (more than 1 needs session sharing).", .min = 1}, s.replicas);
  v({.key = "port", .doc = "Backstage HTTP port.", .check = Check::kPort}, s.port);
  v({.key = "postgres_version", .doc = "PostgreSQL major version of the Backstage database.", .check = Check::kChoice,
     .choices = {"13", "14", "15", "16"}},
    s.postgres_version);
  v({.key = "postgres_storage_size", .doc = "PersistentVolumeClaim size of the database.", .check = Check::kStorage},
    s.postgres_storage_size);
  v({.key = "auth", .doc = "Authentication provider.", .check = Check::kChoice, .choices = {"basic", "guest"}}, s.auth);
  v({.key = "credentials_secret", .doc = "Secret holding the basic-auth and database credentials (never inlined).",
     .check = Check::kDnsSubdomain},
    s.credentials_secret);
  v({.key = "features", .doc = "Backstage features: service catalog, Kubernetes plugin, API docs, resource monitoring."},
    s.features);
}

template <class V, SpecOf<GitSource> S>
void fields(V& v, S& s) {
  v({.key = "repo_url", .doc = "Git repository Argo CD syncs the rendered tree from.", .check = Check::kGitUrl},
    s.repo_url);
  v({.key = "revision", .doc = "Branch, tag or commit to sync."}, s.revision);
  v({.key = "path", .doc = "Directory of the rendered tree inside the repository."}, s.path);
}

template <class V, SpecOf<SyncWaves> S>
void fields(V& v, S& s) {
  v({.key = "operators", .doc = "Sync wave of the operators."}, s.operators);
  v({.key = "infrastructure", .doc = "Sync wave of Kafka, RabbitMQ and Camel K."}, s.infrastructure);
  v({.key = "applications", .doc = "Sync wave of Backstage."}, s.applications);
  v({.key = "tenants", .doc = "Sync wave of the tenant namespaces."}, s.tenants);
}

template <class V, SpecOf<ArgoCdSpec> S>
void fields(V& v, S& s) {
  v({.key = "version", .doc = "Argo CD version the health checks and manifests target."}, s.version);
  v({.key = "project", .doc = "AppProject of the platform's Applications.", .check = Check::kDnsSubdomain}, s.project);
  v({.key = "auto_sync", .doc = "Sync every Application automatically."}, s.auto_sync);
  v({.key = "self_heal", .doc = "Revert drift from Git automatically."}, s.self_heal);
  v({.key = "prune", .doc = "Delete resources removed from Git."}, s.prune);
  v({.key = "rbac_default_policy", .doc = "argocd-rbac-cm policy.default: the role of an authenticated user."},
    s.rbac_default_policy);
  v({.key = "waves", .doc = "Sync waves: 0 operators, 1 infrastructure, 2 applications, 3 tenants."}, s.waves);
}

template <class V, SpecOf<Quota> S>
void fields(V& v, S& s) {
  v({.key = "requests_cpu", .doc = "requests.cpu: total CPU requests.", .check = Check::kCpu}, s.requests_cpu);
  v({.key = "requests_memory", .doc = "requests.memory: total memory requests.", .check = Check::kMemory},
    s.requests_memory);
  v({.key = "limits_cpu", .doc = "limits.cpu: total CPU limits.", .check = Check::kCpu}, s.limits_cpu);
  v({.key = "limits_memory", .doc = "limits.memory: total memory limits.", .check = Check::kMemory}, s.limits_memory);
  v({.key = "persistentvolumeclaims", .doc = "Maximum number of PersistentVolumeClaims.", .min = 0},
    s.persistentvolumeclaims);
  v({.key = "services", .doc = "Maximum number of Services.", .min = 0}, s.services);
  v({.key = "pods", .doc = "Maximum number of Pods.", .min = 0}, s.pods);
}

template <class V, SpecOf<TenantDefaults> S>
void fields(V& v, S& s) {
  v({.key = "quota", .doc = "ResourceQuota of every tenant namespace unless the tenant overrides a field."}, s.quota);
  v({.key = "container", .doc = "LimitRange container defaults of every tenant unless the tenant overrides a field."},
    s.container);
}

template <class V, SpecOf<Tenant> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Tenant name; its namespace is user-<name>, so at most 58 characters.",
     .check = Check::kDnsLabel, .required = true},
    s.name);
  v({.key = "quota", .doc = "This tenant's ResourceQuota; absent fields come from tenant_defaults.quota."}, s.quota);
  v({.key = "container", .doc = "This tenant's LimitRange defaults; absent fields come from tenant_defaults.container."},
    s.container);
}

template <class V, SpecOf<PortMapping> S>
void fields(V& v, S& s) {
  v({.key = "container_port", .doc = "Port on the kind node (a NodePort of the platform's Services).",
     .check = Check::kPort, .required = true},
    s.container_port);
  v({.key = "host_port", .doc = "Port on the host.", .check = Check::kPort, .required = true}, s.host_port);
}

template <class V, SpecOf<KindCluster> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "kind cluster name.", .check = Check::kDnsLabel}, s.name);
  v({.key = "control_planes", .doc = "Control-plane nodes.", .min = 1}, s.control_planes);
  v({.key = "workers", .doc = "Worker nodes.", .min = 0}, s.workers);
  v({.key = "port_mappings", .doc = "extraPortMappings of the first control-plane node: 30000->9092 (Kafka), "
                                    "30001->15672 (RabbitMQ UI), 30002->7007 (Backstage).",
     .item = "port mapping"},
    s.port_mappings);
}

template <class V, SpecOf<PlatformSpec> S>
void fields(V& v, S& s) {
  v({.key = "name", .doc = "Name of the platform (labels, the root Application).", .check = Check::kDnsLabel}, s.name);
  v({.key = "profile",
     .doc = "dev: the seed's defaults, guest/guest allowed; production: default credentials refused, secrets only by "
            "reference.",
     .check = Check::kChoice, .choices = {"dev", "production"}},
    s.profile);
  v({.key = "storage_class", .doc = "StorageClass of every PersistentVolumeClaim (standard: kind's; change it for your "
                                    "cloud).",
     .check = Check::kDnsSubdomain},
    s.storage_class);
  v({.key = "namespaces", .doc = "The platform's namespaces."}, s.namespaces);
  v({.key = "operators", .doc = "The operators, their pinned versions and what they watch."}, s.operators);
  v({.key = "kafka", .doc = "The Strimzi Kafka cluster event-cluster."}, s.kafka);
  v({.key = "rabbitmq", .doc = "The RabbitMQ cluster rabbitmq-cluster."}, s.rabbitmq);
  v({.key = "camel_k", .doc = "The Camel K IntegrationPlatform."}, s.camel_k);
  v({.key = "backstage", .doc = "The Backstage developer portal."}, s.backstage);
  v({.key = "argocd", .doc = "Argo CD app-of-apps: auto-sync, self-heal, prune, RBAC and sync waves."}, s.argocd);
  v({.key = "source", .doc = "Where Argo CD reads the rendered GitOps tree from."}, s.source);
  v({.key = "tenant_defaults", .doc = "What every tenant gets unless its entry says otherwise."}, s.tenant_defaults);
  v({.key = "tenants", .doc = "Tenants: one namespace user-<name> each, with quota, limits, network isolation and RBAC.",
     .item = "tenant"},
    s.tenants);
  v({.key = "kind", .doc = "The recommended local kind cluster: 1 control plane, 3 workers."}, s.kind);
}

}  // namespace platform::internal::spec
