// SPDX-License-Identifier: Apache-2.0
#pragma once

// The field list of every model type, in kubectl output order, described
// once for both serde::JsonWriter and serde::JsonReader (see serde.hpp).
// Top-level kinds describe everything after apiVersion/kind.

#include "model/serde.hpp"
#include "platform/model/resource.hpp"

namespace platform::model {

using serde::Field;

// ---- meta.hpp
template <class V> void describe(V& v, ObjectMeta& m) {
  v("name", m.name);
  v("namespace", m.namespace_);
  v("labels", m.labels);
  v("annotations", m.annotations);
  v("finalizers", m.finalizers);
  // Set by the API server; read back from live objects, never written.
  for (const char* k : {"uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "managedFields", "selfLink", "ownerReferences",
                        "generateName"}) {
    v.ignore(k);
  }
}
template <class V> void describe(V& v, LabelSelectorRequirement& r) {
  v("key", r.key);
  v("operator", r.operator_);
  v("values", r.values);
}
template <class V> void describe(V& v, LabelSelector& s) {
  v("matchLabels", s.match_labels);
  v("matchExpressions", s.match_expressions);
}
template <class V> void describe(V& v, KeySelector& k) {
  v("name", k.name);
  v("key", k.key);
  v("optional", k.optional);
}
template <class V> void describe(V& v, LocalObjectReference& r) { v("name", r.name); }
template <class V> void describe(V& v, ResourceRequirements& r) {
  v("requests", r.requests);
  v("limits", r.limits);
}

// ---- core.hpp
template <class V> void describe(V& v, Namespace& n) { v("metadata", n.metadata, Field::kAlways); }
template <class V> void describe(V& v, ConfigMap& c) {
  v("metadata", c.metadata, Field::kAlways);
  v("data", c.data);
}
template <class V> void describe(V& v, Secret& s) {
  v("metadata", s.metadata, Field::kAlways);
  v("type", s.type);
  v("data", s.data);
  v("stringData", s.string_data);
}
template <class V> void describe(V& v, ServicePort& p) {
  v("name", p.name);
  v("protocol", p.protocol);
  v("port", p.port);
  v("targetPort", p.target_port);
  v("nodePort", p.node_port);
}
template <class V> void describe(V& v, ServiceSpec& s) {
  v("type", s.type);
  v("clusterIP", s.cluster_ip);
  v("selector", s.selector);
  v("ports", s.ports);
}
template <class V> void describe(V& v, Service& s) {
  v("metadata", s.metadata, Field::kAlways);
  v("spec", s.spec, Field::kAlways);
}
template <class V> void describe(V& v, ServiceAccount& s) {
  v("metadata", s.metadata, Field::kAlways);
  v("automountServiceAccountToken", s.automount_service_account_token);
}
template <class V> void describe(V& v, PersistentVolumeClaimSpec& s) {
  v("accessModes", s.access_modes);
  v("storageClassName", s.storage_class_name);
  v("volumeMode", s.volume_mode);
  v("resources", s.resources);
}
template <class V> void describe(V& v, PersistentVolumeClaim& p) {
  v.ignore("apiVersion");  // present in volumeClaimTemplates read back from a cluster
  v.ignore("kind");
  v("metadata", p.metadata, Field::kAlways);
  v("spec", p.spec, Field::kAlways);
}
template <class V> void describe(V& v, ObjectFieldSelector& f) { v("fieldPath", f.field_path); }
template <class V> void describe(V& v, EnvVarSource& s) {
  v("configMapKeyRef", s.config_map_key_ref);
  v("secretKeyRef", s.secret_key_ref);
  v("fieldRef", s.field_ref);
}
template <class V> void describe(V& v, EnvVar& e) {
  v("name", e.name);
  v("value", e.value);
  v("valueFrom", e.value_from);
}
template <class V> void describe(V& v, EnvFromSource& e) {
  v("prefix", e.prefix);
  v("configMapRef", e.config_map_ref);
  v("secretRef", e.secret_ref);
}
template <class V> void describe(V& v, ContainerPort& p) {
  v("name", p.name);
  v("containerPort", p.container_port);
  v("protocol", p.protocol);
}
template <class V> void describe(V& v, VolumeMount& m) {
  v("name", m.name);
  v("mountPath", m.mount_path);
  v("subPath", m.sub_path);
  v("readOnly", m.read_only);
}
template <class V> void describe(V& v, HttpGetAction& a) {
  v("path", a.path);
  v("port", a.port);
  v("scheme", a.scheme);
}
template <class V> void describe(V& v, TcpSocketAction& a) { v("port", a.port); }
template <class V> void describe(V& v, ExecAction& a) { v("command", a.command); }
template <class V> void describe(V& v, Probe& p) {
  v("httpGet", p.http_get);
  v("tcpSocket", p.tcp_socket);
  v("exec", p.exec);
  v("initialDelaySeconds", p.initial_delay_seconds);
  v("periodSeconds", p.period_seconds);
  v("timeoutSeconds", p.timeout_seconds);
  v("failureThreshold", p.failure_threshold);
}
template <class V> void describe(V& v, Container& c) {
  v("name", c.name);
  v("image", c.image);
  v("imagePullPolicy", c.image_pull_policy);
  v("command", c.command);
  v("args", c.args);
  v("ports", c.ports);
  v("envFrom", c.env_from);
  v("env", c.env);
  v("resources", c.resources);
  v("volumeMounts", c.volume_mounts);
  v("livenessProbe", c.liveness_probe);
  v("readinessProbe", c.readiness_probe);
  v("startupProbe", c.startup_probe);
}
template <class V> void describe(V& v, ConfigMapVolumeSource& s) {
  v("name", s.name);
  v("optional", s.optional);
}
template <class V> void describe(V& v, SecretVolumeSource& s) {
  v("secretName", s.secret_name);
  v("optional", s.optional);
}
template <class V> void describe(V& v, PvcVolumeSource& s) {
  v("claimName", s.claim_name);
  v("readOnly", s.read_only);
}
template <class V> void describe(V& v, EmptyDirVolumeSource& s) {
  v("medium", s.medium);
  v("sizeLimit", s.size_limit);
}
template <class V> void describe(V& v, Volume& vol) {
  v("name", vol.name);
  v("configMap", vol.config_map);
  v("secret", vol.secret);
  v("persistentVolumeClaim", vol.persistent_volume_claim);
  v("emptyDir", vol.empty_dir);
}
template <class V> void describe(V& v, PodSecurityContext& s) {
  v("runAsUser", s.run_as_user);
  v("runAsGroup", s.run_as_group);
  v("fsGroup", s.fs_group);
  v("runAsNonRoot", s.run_as_non_root);
}
template <class V> void describe(V& v, PodSpec& s) {
  v("serviceAccountName", s.service_account_name);
  v("automountServiceAccountToken", s.automount_service_account_token);
  v("securityContext", s.security_context);
  v("initContainers", s.init_containers);
  v("containers", s.containers, Field::kAlways);
  v("volumes", s.volumes);
  v("nodeSelector", s.node_selector);
  v("terminationGracePeriodSeconds", s.termination_grace_period_seconds);
}
template <class V> void describe(V& v, PodTemplateSpec& t) {
  v("metadata", t.metadata);
  v("spec", t.spec, Field::kAlways);
}
// `strategy` is an object in the API; the model keeps only its type.
struct DeploymentStrategy {
  std::string type;
};
template <class V> void describe(V& v, DeploymentStrategy& s) { v("type", s.type); }
template <class V> void describe(V& v, DeploymentSpec& s) {
  v("replicas", s.replicas);
  v("selector", s.selector, Field::kAlways);
  if constexpr (std::is_same_v<V, serde::JsonWriter>) {
    DeploymentStrategy strategy{s.strategy_type};
    v("strategy", strategy);
  } else {
    std::optional<DeploymentStrategy> strategy;
    v("strategy", strategy);
    if (strategy) s.strategy_type = strategy->type;
  }
  v("template", s.template_, Field::kAlways);
}
template <class V> void describe(V& v, Deployment& d) {
  v("metadata", d.metadata, Field::kAlways);
  v("spec", d.spec, Field::kAlways);
}
template <class V> void describe(V& v, StatefulSetSpec& s) {
  v("serviceName", s.service_name);
  v("replicas", s.replicas);
  v("selector", s.selector, Field::kAlways);
  v("template", s.template_, Field::kAlways);
  v("volumeClaimTemplates", s.volume_claim_templates);
}
template <class V> void describe(V& v, StatefulSet& s) {
  v("metadata", s.metadata, Field::kAlways);
  v("spec", s.spec, Field::kAlways);
}
template <class V> void describe(V& v, ResourceQuotaSpec& s) { v("hard", s.hard); }
template <class V> void describe(V& v, ResourceQuota& q) {
  v("metadata", q.metadata, Field::kAlways);
  v("spec", q.spec, Field::kAlways);
}
template <class V> void describe(V& v, LimitRangeItem& i) {
  v("type", i.type);
  v("default", i.default_);
  v("defaultRequest", i.default_request);
  v("max", i.max);
  v("min", i.min);
  v("maxLimitRequestRatio", i.max_limit_request_ratio);
}
template <class V> void describe(V& v, LimitRangeSpec& s) { v("limits", s.limits, Field::kAlways); }
template <class V> void describe(V& v, LimitRange& l) {
  v("metadata", l.metadata, Field::kAlways);
  v("spec", l.spec, Field::kAlways);
}

// ---- network_policy.hpp
template <class V> void describe(V& v, IpBlock& b) {
  v("cidr", b.cidr);
  v("except", b.except);
}
template <class V> void describe(V& v, NetworkPolicyPeer& p) {
  v("podSelector", p.pod_selector);
  v("namespaceSelector", p.namespace_selector);
  v("ipBlock", p.ip_block);
}
template <class V> void describe(V& v, NetworkPolicyPort& p) {
  v("protocol", p.protocol);
  v("port", p.port);
  v("endPort", p.end_port);
}
template <class V> void describe(V& v, NetworkPolicyIngressRule& r) {
  v("from", r.from);
  v("ports", r.ports);
}
template <class V> void describe(V& v, NetworkPolicyEgressRule& r) {
  v("to", r.to);
  v("ports", r.ports);
}
template <class V> void describe(V& v, NetworkPolicySpec& s) {
  v("podSelector", s.pod_selector, Field::kAlways);
  v("policyTypes", s.policy_types);
  v("ingress", s.ingress);
  v("egress", s.egress);
}
template <class V> void describe(V& v, NetworkPolicy& n) {
  v("metadata", n.metadata, Field::kAlways);
  v("spec", n.spec, Field::kAlways);
}

// ---- rbac.hpp
template <class V> void describe(V& v, PolicyRule& r) {
  v("apiGroups", r.api_groups);
  v("resources", r.resources);
  v("resourceNames", r.resource_names);
  v("verbs", r.verbs, Field::kAlways);
  v("nonResourceURLs", r.non_resource_urls);
}
template <class V> void describe(V& v, Role& r) {
  v("metadata", r.metadata, Field::kAlways);
  v("rules", r.rules);
}
template <class V> void describe(V& v, ClusterRole& r) {
  v("metadata", r.metadata, Field::kAlways);
  v("rules", r.rules);
}
template <class V> void describe(V& v, Subject& s) {
  v("kind", s.kind);
  v("apiGroup", s.api_group);
  v("name", s.name);
  v("namespace", s.namespace_);
}
template <class V> void describe(V& v, RoleRef& r) {
  v("apiGroup", r.api_group);
  v("kind", r.kind);
  v("name", r.name);
}
template <class V> void describe(V& v, RoleBinding& b) {
  v("metadata", b.metadata, Field::kAlways);
  v("subjects", b.subjects);
  v("roleRef", b.role_ref, Field::kAlways);
}
template <class V> void describe(V& v, ClusterRoleBinding& b) {
  v("metadata", b.metadata, Field::kAlways);
  v("subjects", b.subjects);
  v("roleRef", b.role_ref, Field::kAlways);
}

// ---- strimzi.hpp
template <class V> void describe(V& v, KafkaListenerAuthentication& a) { v("type", a.type); }
template <class V> void describe(V& v, KafkaListener& l) {
  v("name", l.name);
  v("port", l.port);
  v("type", l.type);
  v("tls", l.tls);
  v("authentication", l.authentication);
}
template <class V> void describe(V& v, KafkaJbodVolume& s) {
  v("id", s.id);
  v("type", s.type);
  v("size", s.size);
  v("class", s.class_);
  v("deleteClaim", s.delete_claim);
}
template <class V> void describe(V& v, KafkaStorage& s) {
  v("type", s.type);
  v("size", s.size);
  v("class", s.class_);
  v("deleteClaim", s.delete_claim);
  v("volumes", s.volumes);
}
template <class V> void describe(V& v, MetricsValueFrom& m) { v("configMapKeyRef", m.config_map_key_ref, Field::kAlways); }
template <class V> void describe(V& v, MetricsConfig& m) {
  v("type", m.type);
  v("valueFrom", m.value_from, Field::kAlways);
}
template <class V> void describe(V& v, KafkaClusterSpec& s) {
  v("version", s.version);
  v("replicas", s.replicas);
  v("listeners", s.listeners, Field::kAlways);
  v("config", s.config);
  v("storage", s.storage, Field::kAlways);
  v("resources", s.resources);
  v("metricsConfig", s.metrics_config);
}
template <class V> void describe(V& v, ZookeeperClusterSpec& s) {
  v("replicas", s.replicas);
  v("storage", s.storage, Field::kAlways);
  v("resources", s.resources);
  v("metricsConfig", s.metrics_config);
}
template <class V> void describe(V& v, EntityOperatorComponent& c) {
  v("watchedNamespace", c.watched_namespace);
  v("resources", c.resources);
}
template <class V> void describe(V& v, EntityOperatorSpec& s) {
  v("topicOperator", s.topic_operator);
  v("userOperator", s.user_operator);
}
template <class V> void describe(V& v, KafkaExporterSpec& s) {
  v("topicRegex", s.topic_regex);
  v("groupRegex", s.group_regex);
}
template <class V> void describe(V& v, KafkaSpec& s) {
  v("kafka", s.kafka, Field::kAlways);
  v("zookeeper", s.zookeeper);
  v("entityOperator", s.entity_operator);
  v("kafkaExporter", s.kafka_exporter);
}
template <class V> void describe(V& v, Kafka& k) {
  v("metadata", k.metadata, Field::kAlways);
  v("spec", k.spec, Field::kAlways);
}
template <class V> void describe(V& v, KafkaTopicSpec& s) {
  v("topicName", s.topic_name);
  v("partitions", s.partitions);
  v("replicas", s.replicas);
  v("config", s.config);
}
template <class V> void describe(V& v, KafkaTopic& t) {
  v("metadata", t.metadata, Field::kAlways);
  v("spec", t.spec, Field::kAlways);
}
template <class V> void describe(V& v, AclResource& r) {
  v("type", r.type);
  v("name", r.name);
  v("patternType", r.pattern_type);
}
template <class V> void describe(V& v, AclRule& r) {
  v("resource", r.resource, Field::kAlways);
  v("operations", r.operations);
  v("host", r.host);
}
template <class V> void describe(V& v, KafkaUserAuthentication& a) { v("type", a.type); }
template <class V> void describe(V& v, KafkaUserAuthorization& a) {
  v("type", a.type);
  v("acls", a.acls, Field::kAlways);
}
template <class V> void describe(V& v, KafkaUserSpec& s) {
  v("authentication", s.authentication);
  v("authorization", s.authorization);
}
template <class V> void describe(V& v, KafkaUser& u) {
  v("metadata", u.metadata, Field::kAlways);
  v("spec", u.spec, Field::kAlways);
}
template <class V> void describe(V& v, KafkaConnectSpec& s) {
  v("version", s.version);
  v("replicas", s.replicas);
  v("bootstrapServers", s.bootstrap_servers);
  v("image", s.image);
  v("config", s.config);
  v("resources", s.resources);
  v("metricsConfig", s.metrics_config);
}
template <class V> void describe(V& v, KafkaConnect& c) {
  v("metadata", c.metadata, Field::kAlways);
  v("spec", c.spec, Field::kAlways);
}

// ---- rabbitmq.hpp
template <class V> void describe(V& v, RabbitmqPersistence& p) {
  v("storageClassName", p.storage_class_name);
  v("storage", p.storage);
}
template <class V> void describe(V& v, RabbitmqConfig& c) {
  v("additionalPlugins", c.additional_plugins);
  v("additionalConfig", c.additional_config);
  v("advancedConfig", c.advanced_config);
  v("envConfig", c.env_config);
}
template <class V> void describe(V& v, RabbitmqService& s) {
  v("type", s.type);
  v("annotations", s.annotations);
}
template <class V> void describe(V& v, RabbitmqClusterSpec& s) {
  v("replicas", s.replicas);
  v("image", s.image);
  v("service", s.service);
  v("persistence", s.persistence);
  v("resources", s.resources);
  v("rabbitmq", s.rabbitmq);
}
template <class V> void describe(V& v, RabbitmqCluster& r) {
  v("metadata", r.metadata, Field::kAlways);
  v("spec", r.spec, Field::kAlways);
}

// ---- camel_k.hpp
template <class V> void describe(V& v, ValueSource& s) {
  v("configMapKeyRef", s.config_map_key_ref);
  v("secretKeyRef", s.secret_key_ref);
}
template <class V> void describe(V& v, MavenSpec& m) {
  v("settings", m.settings);
  v("settingsSecurity", m.settings_security);
  v("localRepository", m.local_repository);
  v("cliOptions", m.cli_options);
  v("properties", m.properties);
  v("caSecrets", m.ca_secrets);
}
template <class V> void describe(V& v, RegistrySpec& r) {
  v("address", r.address);
  v("organization", r.organization);
  v("secret", r.secret);
  v("insecure", r.insecure);
}
template <class V> void describe(V& v, BuildConfiguration& b) {
  v("strategy", b.strategy);
  v("orderStrategy", b.order_strategy);
  v("requestCPU", b.request_cpu);
  v("requestMemory", b.request_memory);
  v("limitCPU", b.limit_cpu);
  v("limitMemory", b.limit_memory);
}
template <class V> void describe(V& v, IntegrationPlatformBuildSpec& b) {
  v("buildConfiguration", b.build_configuration);
  v("publishStrategy", b.publish_strategy);
  v("runtimeProvider", b.runtime_provider);
  v("runtimeVersion", b.runtime_version);
  v("baseImage", b.base_image);
  v("timeout", b.timeout);
  v("maxRunningBuilds", b.max_running_builds);
  v("registry", b.registry);
  v("maven", b.maven);
}
template <class V> void describe(V& v, IntegrationPlatformSpec& s) {
  v("cluster", s.cluster);
  v("profile", s.profile);
  v("build", s.build);
  v("traits", s.traits);
}
template <class V> void describe(V& v, IntegrationPlatform& p) {
  v("metadata", p.metadata, Field::kAlways);
  v("spec", p.spec, Field::kAlways);
}
template <class V> void describe(V& v, IntegrationSource& s) {
  v("name", s.name);
  v("content", s.content);
  v("language", s.language);
}
template <class V> void describe(V& v, IntegrationSpec& s) {
  v("replicas", s.replicas);
  v("profile", s.profile);
  v("serviceAccountName", s.service_account_name);
  v("dependencies", s.dependencies);
  v("flows", s.flows);
  v("sources", s.sources);
  v("traits", s.traits);
}
template <class V> void describe(V& v, Integration& i) {
  v("metadata", i.metadata, Field::kAlways);
  v("spec", i.spec, Field::kAlways);
}

// ---- argocd.hpp
template <class V> void describe(V& v, HelmSource& h) {
  v("releaseName", h.release_name);
  v("valuesObject", h.values_object);
  v("skipCrds", h.skip_crds);
}
template <class V> void describe(V& v, KustomizePatchTarget& t) {
  v("group", t.group);
  v("version", t.version);
  v("kind", t.kind);
  v("name", t.name);
  v("namespace", t.namespace_);
  v("labelSelector", t.label_selector);
}
template <class V> void describe(V& v, KustomizePatch& p) {
  v("patch", p.patch);
  v("target", p.target);
}
template <class V> void describe(V& v, KustomizeSource& k) {
  v("namespace", k.namespace_);
  v("patches", k.patches);
}
template <class V> void describe(V& v, DirectorySource& d) {
  v("recurse", d.recurse);
  v("include", d.include);
  v("exclude", d.exclude);
}
template <class V> void describe(V& v, ApplicationSource& s) {
  v("repoURL", s.repo_url);
  v("path", s.path);
  v("targetRevision", s.target_revision);
  v("chart", s.chart);
  v("helm", s.helm);
  v("kustomize", s.kustomize);
  v("directory", s.directory);
}
template <class V> void describe(V& v, ApplicationDestination& d) {
  v("server", d.server);
  v("name", d.name);
  v("namespace", d.namespace_);
}
template <class V> void describe(V& v, AutomatedSync& a) {
  v("prune", a.prune);
  v("selfHeal", a.self_heal);
  v("allowEmpty", a.allow_empty);
}
template <class V> void describe(V& v, RetryBackoff& b) {
  v("duration", b.duration);
  v("factor", b.factor);
  v("maxDuration", b.max_duration);
}
template <class V> void describe(V& v, RetryStrategy& r) {
  v("limit", r.limit);
  v("backoff", r.backoff);
}
template <class V> void describe(V& v, SyncPolicy& s) {
  v("automated", s.automated);
  v("syncOptions", s.sync_options);
  v("retry", s.retry);
}
template <class V> void describe(V& v, ApplicationSpec& s) {
  v("project", s.project);
  v("source", s.source);
  v("destination", s.destination, Field::kAlways);
  v("syncPolicy", s.sync_policy);
}
template <class V> void describe(V& v, Application& a) {
  v("metadata", a.metadata, Field::kAlways);
  v("spec", a.spec, Field::kAlways);
}
template <class V> void describe(V& v, GroupKind& g) {
  v("group", g.group, Field::kAlways);  // "" is the core group and must be written
  v("kind", g.kind);
}
template <class V> void describe(V& v, AppProjectSpec& s) {
  v("description", s.description);
  v("sourceRepos", s.source_repos);
  v("destinations", s.destinations);
  v("clusterResourceWhitelist", s.cluster_resource_whitelist);
  v("namespaceResourceWhitelist", s.namespace_resource_whitelist);
}
template <class V> void describe(V& v, AppProject& p) {
  v("metadata", p.metadata, Field::kAlways);
  v("spec", p.spec, Field::kAlways);
}

// ---- kustomize.hpp
template <class V> void describe(V& v, KustomizationLabels& l) {
  v("pairs", l.pairs);
  v("includeSelectors", l.include_selectors);
}
template <class V> void describe(V& v, Kustomization& k) {
  v("metadata", k.metadata);
  v("namespace", k.namespace_);
  v("resources", k.resources);
  v("components", k.components);
  v("labels", k.labels);
  v("commonAnnotations", k.common_annotations);
}
template <class V> void describe(V& v, KindPortMapping& p) {
  v("containerPort", p.container_port);
  v("hostPort", p.host_port);
  v("listenAddress", p.listen_address);
  v("protocol", p.protocol);
}
template <class V> void describe(V& v, KindNode& n) {
  v("role", n.role);
  v("image", n.image);
  v("extraPortMappings", n.extra_port_mappings);
}
template <class V> void describe(V& v, KindCluster& c) {
  v("metadata", c.metadata);
  v("name", c.name);
  v("nodes", c.nodes);
}

}  // namespace platform::model
