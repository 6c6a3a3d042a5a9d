// SPDX-License-Identifier: Apache-2.0
#pragma once

// One richly filled object of every model kind, for round-trip tests.

#include <vector>

#include "platform/model/resource.hpp"

namespace samples {
using namespace platform::model;

inline ObjectMeta meta(const char* name, const char* ns = "demo") {
  return ObjectMeta{name, ns, {{"app.kubernetes.io/name", name}}, {{"argocd.argoproj.io/sync-wave", "1"}}, {}};
}

inline NetworkPolicy network_policy() {
  NetworkPolicy np{meta("tenant-egress")};
  np.spec.pod_selector = {};
  np.spec.policy_types = {"Ingress", "Egress"};
  np.spec.ingress = {NetworkPolicyIngressRule{
      {NetworkPolicyPeer{LabelSelector{}, std::nullopt, std::nullopt},
       NetworkPolicyPeer{std::nullopt,
                         LabelSelector{{{"kubernetes.io/metadata.name", "kafka"}},
                                       {{"tier", "NotIn", {"db", "cache"}}}},
                         std::nullopt}},
      {}}};
  np.spec.egress = {
      NetworkPolicyEgressRule{{NetworkPolicyPeer{LabelSelector{{{"strimzi.io/cluster", "event-cluster"}}, {}},
                                                 LabelSelector{{{"kubernetes.io/metadata.name", "kafka"}}, {}},
                                                 std::nullopt}},
                              {NetworkPolicyPort{"TCP", 9092, std::nullopt}, NetworkPolicyPort{"TCP", 9093, 9094}}},
      NetworkPolicyEgressRule{{NetworkPolicyPeer{std::nullopt, std::nullopt, IpBlock{"0.0.0.0/0", {"10.0.0.0/8"}}}},
                              {NetworkPolicyPort{"", IntOrString("https"), std::nullopt}}},
      NetworkPolicyEgressRule{{}, {NetworkPolicyPort{"UDP", 53, std::nullopt}}},
      NetworkPolicyEgressRule{}};
  return np;
}

inline Deployment deployment() {
  Deployment d{meta("backstage")};
  d.spec.replicas = 2;
  d.spec.strategy_type = "Recreate";
  d.spec.selector.match_labels = {{"app", "backstage"}};
  d.spec.template_.metadata.labels = {{"app", "backstage"}};
  PodSpec& p = d.spec.template_.spec;
  p.service_account_name = "backstage";
  p.security_context = PodSecurityContext{1000, std::nullopt, 1000, true};
  Container c;
  c.name = "backstage";
  c.image = "ghcr.io/backstage/backstage:1.32.0";
  c.args = {"--config", "/app/app-config.yaml"};
  c.ports = {{"http", 7007, ""}};
  c.env = {EnvVar{"PLAIN", "x", std::nullopt},
           EnvVar{"PASSWORD", "", EnvVarSource{std::nullopt, KeySelector{"creds", "password", false}, std::nullopt}},
           EnvVar{"NS", "", EnvVarSource{std::nullopt, std::nullopt, ObjectFieldSelector{"metadata.namespace"}}}};
  c.env_from = {EnvFromSource{"", std::nullopt, LocalObjectReference{"creds"}}};
  c.resources = {{{"cpu", "100m"}, {"memory", "256Mi"}}, {{"memory", "1Gi"}}};
  c.volume_mounts = {{"config", "/app/app-config.yaml", "app-config.yaml", true}};
  c.readiness_probe = Probe{HttpGetAction{"/healthcheck", "http", ""}, std::nullopt, std::nullopt, 10, 10,
                            std::nullopt, 3};
  c.liveness_probe = Probe{std::nullopt, TcpSocketAction{7007}, std::nullopt, 30, std::nullopt, 5, std::nullopt};
  p.containers = {c};
  p.volumes = {Volume{"config", ConfigMapVolumeSource{"app-config", std::nullopt}, std::nullopt, std::nullopt,
                      std::nullopt},
               Volume{"tmp", std::nullopt, std::nullopt, std::nullopt, EmptyDirVolumeSource{"", "1Gi"}}};
  return d;
}

inline StatefulSet stateful_set() {
  StatefulSet s{meta("postgres")};
  s.spec.service_name = "postgres";
  s.spec.replicas = 1;
  s.spec.selector.match_labels = {{"app", "postgres"}};
  s.spec.template_.metadata.labels = {{"app", "postgres"}};
  Container c;
  c.name = "postgres";
  c.image = "postgres:15";
  c.startup_probe = Probe{std::nullopt, std::nullopt, ExecAction{{"pg_isready", "-U", "postgres"}}, std::nullopt,
                          5, std::nullopt, 30};
  s.spec.template_.spec.containers = {c};
  s.spec.template_.spec.termination_grace_period_seconds = 30;
  PersistentVolumeClaim pvc;
  pvc.metadata.name = "data";
  pvc.spec.access_modes = {"ReadWriteOnce"};
  pvc.spec.storage_class_name = "standard";
  pvc.spec.resources.requests = {{"storage", "5Gi"}};
  s.spec.volume_claim_templates = {pvc};
  return s;
}

inline Kafka kafka() {
  Kafka k{meta("event-cluster", "kafka")};
  k.spec.kafka.version = "3.8.0";
  k.spec.kafka.replicas = 3;
  k.spec.kafka.listeners = {{"plain", 9092, "internal", false, std::nullopt},
                            {"tls", 9093, "internal", true, KafkaListenerAuthentication{"tls"}}};
  k.spec.kafka.config = {{"default.replication.factor", std::int64_t{2}},
                         {"inter.broker.protocol.version", std::string("3.8")},
                         {"auto.create.topics.enable", false},
                         {"log.cleaner.min.cleanable.ratio", 0.5}};
  k.spec.kafka.storage = {"jbod", "", "", std::nullopt, {{0, "persistent-claim", "10Gi", "standard", false}}};
  k.spec.kafka.metrics_config = MetricsConfig{"jmxPrometheusExporter", {{"kafka-metrics", "kafka.yml", {}}}};
  k.spec.zookeeper = ZookeeperClusterSpec{3, {"persistent-claim", "10Gi", "standard", false, {}}, std::nullopt,
                                          MetricsConfig{"jmxPrometheusExporter", {{"kafka-metrics", "zk.yml", {}}}}};
  k.spec.entity_operator = EntityOperatorSpec{EntityOperatorComponent{}, EntityOperatorComponent{}};
  k.spec.kafka_exporter = KafkaExporterSpec{".*", ".*"};
  return k;
}

inline Application application() {
  Application a{meta("strimzi-operator", "argocd")};
  a.metadata.finalizers = {"resources-finalizer.argocd.argoproj.io"};
  a.spec.project = "platform";
  ApplicationSource src;
  src.repo_url = "quay.io/strimzi-helm";
  src.chart = "strimzi-kafka-operator";
  src.target_revision = "0.43.0";
  src.helm = HelmSource{"strimzi", free_form(R"({"watchNamespaces":["kafka"],"watchAnyNamespace":false})").value(),
                        std::nullopt};
  a.spec.source = src;
  a.spec.destination = {"https://kubernetes.default.svc", "", "operators"};
  a.spec.sync_policy = SyncPolicy{AutomatedSync{true, true, std::nullopt},
                                  {"ServerSideApply=true", "CreateNamespace=true"},
                                  RetryStrategy{5, RetryBackoff{"5s", 2, "3m"}}};
  return a;
}

inline std::vector<Resource> all() {
  std::vector<Resource> out;
  out.push_back(Namespace{meta("kafka", "")});
  out.push_back(ConfigMap{meta("cfg"), {{"a.yaml", "x: 1\ny: [2]\n"}, {"b", "plain"}}});
  out.push_back(Secret{meta("creds"), "Opaque", {{"password", "c2VjcmV0"}}, {{"user", "admin"}}});
  Service svc{meta("web")};
  svc.spec = {"NodePort", "", {{"app", "web"}}, {{"http", "TCP", 7007, IntOrString("http"), 30002}}};
  out.push_back(svc);
  out.push_back(ServiceAccount{meta("reader"), false});
  PersistentVolumeClaim pvc{meta("data")};
  pvc.spec = {{"ReadWriteOnce"}, "standard", "Filesystem", {{{"storage", "5Gi"}}, {}}};
  out.push_back(pvc);
  out.push_back(deployment());
  out.push_back(stateful_set());
  out.push_back(ResourceQuota{meta("quota"), {{{"requests.cpu", "4"}, {"pods", "20"}}}});
  out.push_back(LimitRange{meta("limits"),
                           {{{"Container", {{"cpu", "500m"}}, {{"cpu", "200m"}}, {{"cpu", "2"}}, {}, {}}}}});
  out.push_back(network_policy());
  PolicyRule rule{{"", "camel.apache.org"}, {"pods", "integrations"}, {}, {"get", "list", "create"}, {}};
  out.push_back(Role{meta("user"), {rule}});
  out.push_back(ClusterRole{meta("reader", ""), {rule, PolicyRule{{}, {}, {}, {"get"}, {"/healthz"}}}});
  out.push_back(RoleBinding{meta("user"), {{"ServiceAccount", "user-sa", "demo", ""}}, {"rbac.authorization.k8s.io", "Role", "user"}});
  out.push_back(ClusterRoleBinding{meta("reader", ""),
                                   {{"ServiceAccount", "reader", "demo", ""},
                                    {"Group", "admins", "", "rbac.authorization.k8s.io"}},
                                   {"rbac.authorization.k8s.io", "ClusterRole", "reader"}});
  out.push_back(kafka());
  out.push_back(KafkaTopic{meta("events", "kafka"), {"", 6, 2, {{"retention.ms", std::int64_t{604800000}}}}});
  KafkaUser user{meta("app", "kafka")};
  user.spec.authentication = KafkaUserAuthentication{"scram-sha-512"};
  user.spec.authorization = KafkaUserAuthorization{
      "simple", {AclRule{{"topic", "events", "literal"}, {"Read", "Describe"}, "*"}}};
  out.push_back(user);
  KafkaConnect connect{meta("connect", "kafka")};
  connect.spec = {"3.8.0", 1, "event-cluster-kafka-bootstrap:9092", "", {{"group.id", std::string("connect")}},
                  ResourceRequirements{{{"cpu", "1"}}, {}}, std::nullopt};
  out.push_back(connect);
  RabbitmqCluster rmq{meta("rabbitmq-cluster", "rabbitmq")};
  rmq.spec = {3, "", RabbitmqService{"ClusterIP", {}}, RabbitmqPersistence{"standard", "10Gi"},
              std::nullopt,
              RabbitmqConfig{{"rabbitmq_federation"}, "default_queue_type = quorum\nprometheus.tcp.port = 15692\n", "",
                             ""}};
  out.push_back(rmq);
  IntegrationPlatform ip{meta("camel-k", "camelk")};
  ip.spec.build.build_configuration = BuildConfiguration{"pod", "", "", "", "", "1Gi"};
  ip.spec.build.runtime_provider = "quarkus";
  ip.spec.build.registry = RegistrySpec{"registry:5000", "", "", true};
  ip.spec.build.maven = MavenSpec{ValueSource{KeySelector{"maven-settings", "settings.xml", {}}, std::nullopt},
                                  std::nullopt, "", {"-V"}, {{"a", "b"}}, {}};
  ip.spec.traits = free_form(R"({"container":{"limitCPU":"500m"}})").value();
  out.push_back(ip);
  Integration it{meta("bridge")};
  it.spec.replicas = 1;
  it.spec.dependencies = {"camel:kafka"};
  it.spec.flows = {free_form(R"({"from":{"uri":"kafka:events","steps":[{"to":"log:x"}]}})").value()};
  it.spec.sources = {{"Route.java", "class Route {}", ""}};
  it.spec.traits = free_form(R"({"container":{"requestCPU":"200m"}})").value();
  out.push_back(it);
  out.push_back(application());
  AppProject proj{meta("platform", "argocd")};
  proj.spec = {"the platform", {"*"}, {{"https://kubernetes.default.svc", "", "*"}}, {{"*", "*"}}, {{"", "ConfigMap"}}};
  out.push_back(proj);
  Kustomization kz;
  kz.resources = {"namespace.yaml", "kafka.yaml"};
  kz.labels = {{{{"app.kubernetes.io/part-of", "platform"}}, false}};
  out.push_back(kz);
  KindCluster kind;
  kind.name = "platform";
  kind.nodes = {{"control-plane", "", {{30000, 9092, "", ""}, {30001, 15672, "0.0.0.0", "TCP"}}}, {"worker", "", {}}};
  out.push_back(kind);
  return out;
}

}  // namespace samples
