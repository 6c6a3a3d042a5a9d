// SPDX-License-Identifier: Apache-2.0
#include "platform/k8s/resources.hpp"

namespace platform::k8s {
namespace {

constexpr std::string_view kStrimzi = "the Strimzi operator 0.43 (wave 0)";
constexpr std::string_view kRabbit = "the RabbitMQ cluster operator 2.10 (wave 0)";
constexpr std::string_view kRabbitTopology = "the RabbitMQ messaging topology operator (wave 0)";
constexpr std::string_view kCamel = "the Camel K operator 2.5 (wave 0)";
constexpr std::string_view kArgo = "Argo CD 2.13 (wave 0)";

}  // namespace

std::string ResourceType::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string ResourceType::group_version_path() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

std::string ResourceType::collection_path(std::string_view ns) const {
  std::string p = group_version_path();
  if (namespaced) {
    p += "/namespaces/";
    p += ns;
  }
  p += "/";
  p += plural;
  return p;
}

std::string ResourceType::object_path(std::string_view ns, std::string_view name) const {
  std::string p = collection_path(ns);
  p += "/";
  p += name;
  return p;
}

const std::vector<ResourceType>& platform_resource_types() {
  static const std::vector<ResourceType> types = [] {
    std::vector<ResourceType> t;
    auto add = [&t](std::string_view g, std::string_view v, std::string_view k, std::string_view p, bool ns,
                    std::string_view by = {}) {
      t.push_back({std::string(g), std::string(v), std::string(k), std::string(p), ns, std::string(by)});
    };
    add("", "v1", "Namespace", "namespaces", false);
    add("", "v1", "ConfigMap", "configmaps", true);
    add("", "v1", "Secret", "secrets", true);
    add("", "v1", "Service", "services", true);
    add("", "v1", "ServiceAccount", "serviceaccounts", true);
    add("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true);
    add("", "v1", "ResourceQuota", "resourcequotas", true);
    add("", "v1", "LimitRange", "limitranges", true);
    add("", "v1", "Pod", "pods", true);
    add("apps", "v1", "Deployment", "deployments", true);
    add("apps", "v1", "StatefulSet", "statefulsets", true);
    add("apps", "v1", "DaemonSet", "daemonsets", true);
    add("batch", "v1", "Job", "jobs", true);
    add("batch", "v1", "CronJob", "cronjobs", true);
    add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true);
    add("rbac.authorization.k8s.io", "v1", "Role", "roles", true);
    add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);
    add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);
    add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);
    add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true);
    add("networking.k8s.io", "v1", "Ingress", "ingresses", true);
    add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false);
    for (auto [k, p] : {std::pair{"Kafka", "kafkas"}, {"KafkaTopic", "kafkatopics"}, {"KafkaUser", "kafkausers"},
                        {"KafkaConnect", "kafkaconnects"}, {"KafkaConnector", "kafkaconnectors"},
                        {"KafkaNodePool", "kafkanodepools"}, {"KafkaBridge", "kafkabridges"},
                        {"KafkaMirrorMaker2", "kafkamirrormaker2s"}, {"KafkaRebalance", "kafkarebalances"}}) {
      add("kafka.strimzi.io", "v1beta2", k, p, true, kStrimzi);
    }
    add("rabbitmq.com", "v1beta1", "RabbitmqCluster", "rabbitmqclusters", true, kRabbit);
    for (auto [k, p] : {std::pair{"Queue", "queues"}, {"Exchange", "exchanges"}, {"Binding", "bindings"},
                        {"User", "users"}, {"Vhost", "vhosts"}, {"Permission", "permissions"},
                        {"Policy", "policies"}}) {
      add("rabbitmq.com", "v1beta1", k, p, true, kRabbitTopology);
    }
    for (auto [k, p] : {std::pair{"Integration", "integrations"}, {"IntegrationPlatform", "integrationplatforms"},
                        {"IntegrationKit", "integrationkits"}, {"IntegrationProfile", "integrationprofiles"},
                        {"Kamelet", "kamelets"}, {"Pipe", "pipes"}, {"Build", "builds"}}) {
      add("camel.apache.org", "v1", k, p, true, kCamel);
    }
    add("argoproj.io", "v1alpha1", "Application", "applications", true, kArgo);
    add("argoproj.io", "v1alpha1", "AppProject", "appprojects", true, kArgo);
    add("argoproj.io", "v1alpha1", "ApplicationSet", "applicationsets", true, kArgo);
    return t;
  }();
  return types;
}

const ResourceType* find_resource_type(std::string_view api_version, std::string_view kind) {
  for (const auto& t : platform_resource_types()) {
    if (t.kind == kind && t.api_version() == api_version) return &t;
  }
  return nullptr;
}

std::string provider_of_group(std::string_view group) {
  for (const auto& t : platform_resource_types()) {
    if (t.group == group && !t.provided_by.empty()) {
      // The cluster operator provides RabbitmqCluster; the topology operator the rest.
      if (group == "rabbitmq.com") return "the RabbitMQ cluster and messaging topology operators (wave 0)";
      return t.provided_by;
    }
  }
  return {};
}

}  // namespace platform::k8s
