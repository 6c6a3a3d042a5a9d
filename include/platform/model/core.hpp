// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Core Kubernetes kinds (v1, apps/v1) the platform renders: Namespace,
/// ConfigMap, Secret, Service, ServiceAccount, PersistentVolumeClaim,
/// Deployment, StatefulSet, ResourceQuota and LimitRange, with the pod
/// template fields the platform uses. Each kind has `kApiVersion` and
/// `kKind`. Plain value types; see meta.hpp for conventions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// v1 Namespace.
struct Namespace {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "Namespace";
  ObjectMeta metadata;
  bool operator==(const Namespace&) const = default;
};

/// v1 ConfigMap.
struct ConfigMap {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "ConfigMap";
  ObjectMeta metadata;
  StringMap data;
  bool operator==(const ConfigMap&) const = default;
};

/// v1 Secret. The platform renders credentials only as references; Secrets
/// it renders carry no default passwords.
struct Secret {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "Secret";
  ObjectMeta metadata;
  std::string type;        ///< e.g. "Opaque"; "" = unset
  StringMap data;          ///< base64 values
  StringMap string_data;   ///< plain values (`stringData`)
  bool operator==(const Secret&) const = default;
};

/// One port of a Service.
struct ServicePort {
  std::string name;
  std::string protocol;  ///< "" = TCP
  int port = 0;
  std::optional<IntOrString> target_port;
  std::optional<int> node_port;
  bool operator==(const ServicePort&) const = default;
};

/// Service `spec`.
struct ServiceSpec {
  std::string type;        ///< "ClusterIP" (""), "NodePort", "LoadBalancer"
  std::string cluster_ip;  ///< "None" for a headless Service
  StringMap selector;
  std::vector<ServicePort> ports;
  bool operator==(const ServiceSpec&) const = default;
};

/// v1 Service.
struct Service {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "Service";
  ObjectMeta metadata;
  ServiceSpec spec;
  bool operator==(const Service&) const = default;
};

/// v1 ServiceAccount.
struct ServiceAccount {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "ServiceAccount";
  ObjectMeta metadata;
  std::optional<bool> automount_service_account_token;
  bool operator==(const ServiceAccount&) const = default;
};

/// PersistentVolumeClaim `spec`.
struct PersistentVolumeClaimSpec {
  std::vector<std::string> access_modes;  ///< e.g. {"ReadWriteOnce"}
  std::string storage_class_name;
  std::string volume_mode;
  ResourceRequirements resources;  ///< requests["storage"]
  bool operator==(const PersistentVolumeClaimSpec&) const = default;
};

/// v1 PersistentVolumeClaim (also the StatefulSet `volumeClaimTemplates` item).
struct PersistentVolumeClaim {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "PersistentVolumeClaim";
  ObjectMeta metadata;
  PersistentVolumeClaimSpec spec;
  bool operator==(const PersistentVolumeClaim&) const = default;
};

/// `fieldRef` of an env var (downward API).
struct ObjectFieldSelector {
  std::string field_path;  ///< e.g. "metadata.namespace"
  bool operator==(const ObjectFieldSelector&) const = default;
};

/// `valueFrom` of an env var.
struct EnvVarSource {
  std::optional<KeySelector> config_map_key_ref;
  std::optional<KeySelector> secret_key_ref;
  std::optional<ObjectFieldSelector> field_ref;
  bool operator==(const EnvVarSource&) const = default;
};

/// A container env var: a literal `value` or a `value_from` reference.
struct EnvVar {
  std::string name;
  std::string value;
  std::optional<EnvVarSource> value_from;
  bool operator==(const EnvVar&) const = default;
};

/// `envFrom` item: all keys of a ConfigMap or Secret.
struct EnvFromSource {
  std::string prefix;
  std::optional<LocalObjectReference> config_map_ref;
  std::optional<LocalObjectReference> secret_ref;
  bool operator==(const EnvFromSource&) const = default;
};

/// A container port.
struct ContainerPort {
  std::string name;
  int container_port = 0;
  std::string protocol;  ///< "" = TCP
  bool operator==(const ContainerPort&) const = default;
};

/// A volume mount.
struct VolumeMount {
  std::string name;
  std::string mount_path;
  std::string sub_path;
  std::optional<bool> read_only;
  bool operator==(const VolumeMount&) const = default;
};

/// `httpGet` probe action.
struct HttpGetAction {
  std::string path;
  IntOrString port;
  std::string scheme;  ///< "" = HTTP
  bool operator==(const HttpGetAction&) const = default;
};

/// `tcpSocket` probe action.
struct TcpSocketAction {
  IntOrString port;
  bool operator==(const TcpSocketAction&) const = default;
};

/// `exec` probe action.
struct ExecAction {
  std::vector<std::string> command;
  bool operator==(const ExecAction&) const = default;
};

/// A liveness, readiness or startup probe: one action plus timings.
struct Probe {
  std::optional<HttpGetAction> http_get;
  std::optional<TcpSocketAction> tcp_socket;
  std::optional<ExecAction> exec;
  std::optional<int> initial_delay_seconds;
  std::optional<int> period_seconds;
  std::optional<int> timeout_seconds;
  std::optional<int> failure_threshold;
  bool operator==(const Probe&) const = default;
};

/// A container of a pod template.
struct Container {
  std::string name;
  std::string image;
  std::string image_pull_policy;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<ContainerPort> ports;
  std::vector<EnvFromSource> env_from;
  std::vector<EnvVar> env;
  ResourceRequirements resources;
  std::vector<VolumeMount> volume_mounts;
  std::optional<Probe> liveness_probe;
  std::optional<Probe> readiness_probe;
  std::optional<Probe> startup_probe;
  bool operator==(const Container&) const = default;
};

/// `configMap` volume source.
struct ConfigMapVolumeSource {
  std::string name;
  std::optional<bool> optional;
  bool operator==(const ConfigMapVolumeSource&) const = default;
};

/// `secret` volume source.
struct SecretVolumeSource {
  std::string secret_name;
  std::optional<bool> optional;
  bool operator==(const SecretVolumeSource&) const = default;
};

/// `persistentVolumeClaim` volume source.
struct PvcVolumeSource {
  std::string claim_name;
  std::optional<bool> read_only;
  bool operator==(const PvcVolumeSource&) const = default;
};

/// `emptyDir` volume source.
struct EmptyDirVolumeSource {
  std::string medium;      ///< "" or "Memory"
  std::string size_limit;  ///< quantity, "" = unlimited
  bool operator==(const EmptyDirVolumeSource&) const = default;
};

/// A pod volume: a name and one source.
struct Volume {
  std::string name;
  std::optional<ConfigMapVolumeSource> config_map;
  std::optional<SecretVolumeSource> secret;
  std::optional<PvcVolumeSource> persistent_volume_claim;
  std::optional<EmptyDirVolumeSource> empty_dir;
  bool operator==(const Volume&) const = default;
};

/// Pod-level security context (the fields the platform sets).
struct PodSecurityContext {
  std::optional<std::int64_t> run_as_user;
  std::optional<std::int64_t> run_as_group;
  std::optional<std::int64_t> fs_group;
  std::optional<bool> run_as_non_root;
  bool operator==(const PodSecurityContext&) const = default;
};

/// Pod `spec`.
struct PodSpec {
  std::string service_account_name;
  std::optional<bool> automount_service_account_token;
  std::optional<PodSecurityContext> security_context;
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::vector<Volume> volumes;
  StringMap node_selector;
  std::optional<int> termination_grace_period_seconds;
  bool operator==(const PodSpec&) const = default;
};

/// A pod template (Deployment, StatefulSet).
struct PodTemplateSpec {
  ObjectMeta metadata;
  PodSpec spec;
  bool operator==(const PodTemplateSpec&) const = default;
};

/// Deployment `spec`.
struct DeploymentSpec {
  std::optional<int> replicas;
  LabelSelector selector;
  PodTemplateSpec template_;
  std::string strategy_type;  ///< `strategy.type`: "RollingUpdate" or "Recreate"; "" = unset
  bool operator==(const DeploymentSpec&) const = default;
};

/// apps/v1 Deployment.
struct Deployment {
  static constexpr std::string_view kApiVersion = "apps/v1";
  static constexpr std::string_view kKind = "Deployment";
  ObjectMeta metadata;
  DeploymentSpec spec;
  bool operator==(const Deployment&) const = default;
};

/// StatefulSet `spec`.
struct StatefulSetSpec {
  std::string service_name;
  std::optional<int> replicas;
  LabelSelector selector;
  PodTemplateSpec template_;
  std::vector<PersistentVolumeClaim> volume_claim_templates;  ///< apiVersion/kind are not written
  bool operator==(const StatefulSetSpec&) const = default;
};

/// apps/v1 StatefulSet.
struct StatefulSet {
  static constexpr std::string_view kApiVersion = "apps/v1";
  static constexpr std::string_view kKind = "StatefulSet";
  ObjectMeta metadata;
  StatefulSetSpec spec;
  bool operator==(const StatefulSet&) const = default;
};

/// ResourceQuota `spec`.
struct ResourceQuotaSpec {
  StringMap hard;  ///< e.g. {"requests.cpu": "4", "pods": "20"}
  bool operator==(const ResourceQuotaSpec&) const = default;
};

/// v1 ResourceQuota.
struct ResourceQuota {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "ResourceQuota";
  ObjectMeta metadata;
  ResourceQuotaSpec spec;
  bool operator==(const ResourceQuota&) const = default;
};

/// One `limits` item of a LimitRange.
struct LimitRangeItem {
  std::string type;  ///< "Container", "Pod" or "PersistentVolumeClaim"
  StringMap default_;          ///< `default`: limits applied when a container sets none
  StringMap default_request;   ///< `defaultRequest`
  StringMap max;
  StringMap min;
  StringMap max_limit_request_ratio;
  bool operator==(const LimitRangeItem&) const = default;
};

/// LimitRange `spec`.
struct LimitRangeSpec {
  std::vector<LimitRangeItem> limits;
  bool operator==(const LimitRangeSpec&) const = default;
};

/// v1 LimitRange.
struct LimitRange {
  static constexpr std::string_view kApiVersion = "v1";
  static constexpr std::string_view kKind = "LimitRange";
  ObjectMeta metadata;
  LimitRangeSpec spec;
  bool operator==(const LimitRange&) const = default;
};

}  // namespace platform::model
