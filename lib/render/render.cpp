// SPDX-License-Identifier: Apache-2.0
#include "platform/render/render.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "internal/yaml_json.hpp"
#include "platform/render/tenant.hpp"
#include "platform/tenancy/tenant.hpp"
#include "render/builder.hpp"
#include "render/config_files.hpp"
#include "platform/k8s/health.hpp"

// Model objects are built as aggregates from their metadata; the other
// members start empty on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace platform::render {
namespace {

using namespace model;
using detail::manifest;
using detail::meta;

// Upstream operator sources, pinned by the spec's versions (operators.md §2).
constexpr const char* kStrimziChartRepo = "quay.io/strimzi-helm";  // OCI, no scheme in Argo CD
constexpr const char* kStrimziChart = "strimzi-kafka-operator";
constexpr const char* kRabbitmqOperatorRepo = "https://github.com/rabbitmq/cluster-operator";
constexpr const char* kRabbitmqOperatorPath = "config/installation";
constexpr const char* kCamelKChartRepo = "https://apache.github.io/camel-k/charts";
constexpr const char* kCamelKChart = "camel-k";

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Strimzi `config` values keep their YAML type: numbers and booleans are not strings.
Scalar to_scalar(const std::string& s) {
  if (s == "true") return true;
  if (s == "false") return false;
  std::int64_t i = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return i;
  return s;
}

ScalarMap to_scalars(const std::map<std::string, std::string>& m) {
  ScalarMap out;
  for (const auto& [k, v] : m) out[k] = to_scalar(v);
  return out;
}

FreeForm json_value(const internal::Json& j) { return FreeForm{j.dump()}; }

class Renderer {
 public:
  Renderer(const spec::PlatformSpec& spec, const RenderOptions& options) : s_(spec), o_(options) {}

  RenderedTree run() {
    argocd();
    namespaces();
    operators();
    kafka();
    rabbitmq();
    camel_k();
    backstage();
    tenants();
    kind_cluster();
    return std::move(tree_);
  }

 private:
  const spec::SyncWaves& waves() const { return s_.argocd.waves; }
  int namespaces_wave() const { return waves().operators - 1; }

  void add(Manifest m) { tree_.manifests.push_back(std::move(m)); }

  // Tenant NetworkPolicies admit traffic from namespaces with this role label.
  Namespace platform_namespace(const std::string& ns, const std::string& component, int wave) const {
    Namespace n{meta(s_, ns, "", component, wave)};
    n.metadata.labels[std::string(tenancy::kRoleLabel)] = std::string(tenancy::kRolePlatform);
    return n;
  }

  // A component deployed from a directory of this tree.
  void local_component(const std::string& name, int wave, const std::string& ns, const std::string& dir) {
    tree_.components.push_back(Component{name, wave, name, ns, dir, "git " + join({s_.source.path, dir}, "/")});
    auto app = detail::application(s_, name, name, wave, ns, detail::git_source(s_, dir));
    add(manifest("apps", name, wave, std::move(app)));
  }

  void argocd() {
    const std::string ns = s_.namespaces.argocd;
    const int wave = namespaces_wave();
    const char* c = "argocd";
    add(manifest("argocd", c, wave, platform_namespace(ns, c, wave)));

    ConfigMap cm{meta(s_, "argocd-cm", ns, c, wave)};
    cm.metadata.labels["app.kubernetes.io/name"] = "argocd-cm";
    cm.metadata.labels["app.kubernetes.io/part-of"] = "argocd";  // Argo CD only watches its own ConfigMaps
    // Strimzi copies labels onto the objects it creates; label tracking would
    // make Argo CD prune them (strimzi#5690). Set before any app is onboarded.
    cm.data["application.resourceTrackingMethod"] = "annotation";
    // The same rule table decides readiness in platformctl apply, so Argo CD
    // and a direct apply agree on when a wave is healthy.
    for (auto& [key, lua] : k8s::argocd_health_customizations()) cm.data[key] = lua;
    add(manifest("argocd", c, wave, std::move(cm)));

    ConfigMap rbac{meta(s_, "argocd-rbac-cm", ns, c, wave)};
    rbac.metadata.labels["app.kubernetes.io/name"] = "argocd-rbac-cm";
    rbac.metadata.labels["app.kubernetes.io/part-of"] = "argocd";
    const std::string& p = s_.argocd.project;
    rbac.data["policy.default"] = s_.argocd.rbac_default_policy;
    rbac.data["policy.csv"] = "p, role:platform-admin, applications, *, " + p + "/*, allow\n" +
                              "p, role:platform-admin, projects, get, " + p + ", allow\n" +
                              "p, role:platform-admin, repositories, get, *, allow\n" +
                              "p, role:platform-viewer, applications, get, " + p + "/*, allow\n" +
                              "g, platform-admins, role:platform-admin\n" + "g, platform-viewers, role:platform-viewer\n";
    rbac.data["scopes"] = "[groups]";
    add(manifest("argocd", c, wave, std::move(rbac)));

    AppProject project{meta(s_, p, ns, c, wave)};
    project.spec.description = "The " + s_.name + " platform: operators, messaging, integration, portal and tenants";
    project.spec.source_repos = {s_.source.repo_url, kStrimziChartRepo, kRabbitmqOperatorRepo, kCamelKChartRepo};
    for (const std::string& dest : {s_.namespaces.argocd, s_.namespaces.operators, s_.namespaces.kafka,
                                    s_.namespaces.rabbitmq, s_.namespaces.camelk, s_.namespaces.backstage,
                                    std::string("user-*")}) {
      project.spec.destinations.push_back({detail::kInCluster, "", dest});
    }
    // Operators install CRDs, ClusterRoles and webhooks; the portal a ClusterRole.
    project.spec.cluster_resource_whitelist = {{"*", "*"}};
    project.spec.namespace_resource_whitelist = {{"*", "*"}};
    add(manifest("argocd", c, wave, std::move(project)));

    auto root = detail::application(s_, s_.name + "-root", c, wave, ns, detail::git_source(s_, "apps"));
    add(manifest("argocd", c, wave, std::move(root)));
    tree_.components.push_back(
        Component{c, wave, s_.name + "-root", ns, "argocd", "kubectl apply -k (bootstrap, once)"});
  }

  void namespaces() {
    const int wave = namespaces_wave();
    const char* c = "namespaces";
    for (const std::string& ns : {s_.namespaces.operators, s_.namespaces.kafka, s_.namespaces.rabbitmq,
                                  s_.namespaces.camelk, s_.namespaces.backstage}) {
      Namespace n = platform_namespace(ns, c, wave);
      // Credentials are never rendered: the Secret is created outside Git
      // (sealed, Vault, or by hand), and validate knows it from this mark.
      if (ns == s_.namespaces.backstage) {
        n.metadata.annotations["libplatform/external-secrets"] = s_.backstage.credentials_secret;
      }
      add(manifest("namespaces", c, wave, std::move(n)));
    }
    local_component(c, wave, s_.namespaces.operators, "namespaces");
  }

  void operator_app(const std::string& name, ApplicationSource source, const std::string& description) {
    const int wave = waves().operators;
    // Camel K's CRDs exceed the 256 KiB last-applied annotation of client-side
    // apply; server-side apply for every operator keeps them alike.
    auto app = detail::application(s_, name, name, wave, s_.namespaces.operators, std::move(source),
                                   {"ServerSideApply=true"});
    add(manifest("apps", name, wave, std::move(app)));
    tree_.components.push_back(Component{name, wave, name, s_.namespaces.operators, "", description});
  }

  void operators() {
    const auto& ops = s_.operators;
    {
      ApplicationSource src;
      src.repo_url = kStrimziChartRepo;
      src.chart = kStrimziChart;
      src.target_revision = ops.strimzi.version;
      internal::Json values = internal::Json::object();
      // The chart adds its own namespace; listing it again duplicates RoleBindings.
      internal::Json watched = internal::Json::array();
      for (const auto& ns : ops.strimzi.watch_namespaces) {
        if (ns != s_.namespaces.operators) watched.push_back(ns);
      }
      values["watchNamespaces"] = watched;
      values["watchAnyNamespace"] = ops.strimzi.watch_all;
      src.helm = HelmSource{"strimzi", json_value(values), {}};
      operator_app("strimzi-operator", std::move(src),
                   "helm oci://" + std::string(kStrimziChartRepo) + "/" + kStrimziChart + " " + ops.strimzi.version);
    }
    {
      ApplicationSource src;
      src.repo_url = kRabbitmqOperatorRepo;
      src.path = kRabbitmqOperatorPath;
      src.target_revision = "v" + ops.rabbitmq.version;
      KustomizeSource k;
      k.namespace_ = s_.namespaces.operators;
      if (!ops.rabbitmq.watch_all) {
        const std::string scope = join(ops.rabbitmq.watch_namespaces, ",");
        KustomizePatch patch;
        patch.patch = "- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n"
                      "    name: OPERATOR_SCOPE_NAMESPACE\n    value: \"" + scope + "\"\n";
        patch.target = KustomizePatchTarget{"apps", "v1", "Deployment", "", "",
                                            "app.kubernetes.io/name=rabbitmq-cluster-operator"};
        k.patches.push_back(std::move(patch));
      }
      src.kustomize = std::move(k);
      operator_app("rabbitmq-operator", std::move(src),
                   "git " + std::string(kRabbitmqOperatorRepo) + "/" + kRabbitmqOperatorPath + " v" +
                       ops.rabbitmq.version);
    }
    {
      ApplicationSource src;
      src.repo_url = kCamelKChartRepo;
      src.chart = kCamelKChart;
      src.target_revision = ops.camel_k.version;
      internal::Json values = internal::Json::object();
      // The chart compares operator.global with the *string* "false".
      values["operator"] = {{"global", ops.camel_k.watch_all ? "true" : "false"}, {"operatorId", "camel-k"}};
      src.helm = HelmSource{"camel-k", json_value(values), {}};
      operator_app("camel-k-operator", std::move(src),
                   "helm " + std::string(kCamelKChartRepo) + "/" + kCamelKChart + " " + ops.camel_k.version);
    }
  }

  void kafka() {
    const auto& k = s_.kafka;
    const std::string ns = s_.namespaces.kafka;
    const int wave = waves().infrastructure;
    const char* c = "kafka";
    const std::string metrics_cm = k.name + "-metrics";
    if (k.metrics) {
      ConfigMap cm{meta(s_, metrics_cm, ns, c, wave)};
      cm.data["kafka-metrics-config.yml"] = detail::kafka_metrics_rules();
      cm.data["zookeeper-metrics-config.yml"] = detail::zookeeper_metrics_rules();
      add(manifest(c, c, wave, std::move(cm)));
    }
    Kafka kafka{meta(s_, k.name, ns, c, wave)};
    auto& ks = kafka.spec.kafka;
    ks.version = k.version;
    ks.replicas = k.brokers;
    for (const auto& l : k.listeners) {
      KafkaListener listener{l.name, l.port, l.type, l.tls, {}};
      if (k.sasl_plain && !l.tls) listener.authentication = KafkaListenerAuthentication{"scram-sha-512"};
      ks.listeners.push_back(std::move(listener));
    }
    ks.config = to_scalars(k.config);
    ks.storage = KafkaStorage{"jbod", "", "", {}, {KafkaJbodVolume{0, "persistent-claim", k.storage_size,
                                                                   s_.storage_class, false}}};
    ZookeeperClusterSpec zk{k.zookeeper_replicas,
                            KafkaStorage{"persistent-claim", k.zookeeper_storage_size, s_.storage_class, false, {}},
                            {},
                            {}};
    if (k.metrics) {
      ks.metrics_config = MetricsConfig{"jmxPrometheusExporter", {{metrics_cm, "kafka-metrics-config.yml", {}}}};
      zk.metrics_config = MetricsConfig{"jmxPrometheusExporter", {{metrics_cm, "zookeeper-metrics-config.yml", {}}}};
      kafka.spec.kafka_exporter = KafkaExporterSpec{".*", ".*"};
    }
    kafka.spec.zookeeper = std::move(zk);
    kafka.spec.entity_operator = EntityOperatorSpec{EntityOperatorComponent{}, EntityOperatorComponent{}};
    add(manifest(c, c, wave, std::move(kafka)));
    for (const auto& t : k.topics) {
      KafkaTopic topic{meta(s_, t.name, ns, c, wave)};
      topic.metadata.labels[std::string(kStrimziClusterLabel)] = k.name;
      topic.spec.partitions = t.partitions;
      topic.spec.replicas = t.replicas;
      topic.spec.config = to_scalars(t.config);
      add(manifest(c, c, wave, std::move(topic)));
    }
    local_component(c, wave, ns, c);
  }

  void rabbitmq() {
    const auto& r = s_.rabbitmq;
    const std::string ns = s_.namespaces.rabbitmq;
    const int wave = waves().infrastructure;
    const char* c = "rabbitmq";
    RabbitmqCluster cluster{meta(s_, r.name, ns, c, wave)};
    cluster.spec.replicas = r.replicas;
    cluster.spec.persistence = RabbitmqPersistence{s_.storage_class, r.storage_size};
    cluster.spec.rabbitmq = RabbitmqConfig{r.plugins, detail::rabbitmq_additional_config(r), "", ""};
    add(manifest(c, c, wave, std::move(cluster)));
    local_component(c, wave, ns, c);
  }

  void camel_k() {
    const auto& ck = s_.camel_k;
    const std::string ns = s_.namespaces.camelk;
    const int wave = waves().infrastructure;
    const char* c = "camelk";
    ConfigMap settings{meta(s_, ck.maven_settings_configmap, ns, c, wave)};
    settings.data[ck.maven_settings_key] = detail::maven_settings_xml(ck);
    add(manifest(c, c, wave, std::move(settings)));

    add(manifest(c, c, wave, detail::integration_platform(s_, meta(s_, "camel-k", ns, c, wave), ck.integration_resources)));
    local_component(c, wave, ns, c);
  }

  void backstage() {
    const auto& b = s_.backstage;
    const std::string ns = s_.namespaces.backstage;
    const int wave = waves().applications;
    const char* c = "backstage";
    const std::string db = "backstage-postgres";
    const std::string creds = b.credentials_secret;
    auto secret_env = [&](const char* name, const char* key) {
      return EnvVar{name, "", EnvVarSource{{}, KeySelector{creds, key, {}}, {}}};
    };

    add(manifest(c, c, wave, ServiceAccount{meta(s_, "backstage", ns, c, wave), {}}));
    // Read-only view for the Kubernetes plugin: workloads and the platform's
    // custom resources; never Secrets.
    ClusterRole role{meta(s_, "backstage-read-only", "", c, wave)};
    const std::vector<std::string> read{"get", "list", "watch"};
    role.rules = {
        {{""}, {"pods", "pods/log", "services", "configmaps", "namespaces", "limitranges", "resourcequotas",
                "persistentvolumeclaims", "events"}, {}, read, {}},
        {{"apps"}, {"deployments", "replicasets", "statefulsets", "daemonsets"}, {}, read, {}},
        {{"batch"}, {"jobs", "cronjobs"}, {}, read, {}},
        {{"autoscaling"}, {"horizontalpodautoscalers"}, {}, read, {}},
        {{"networking.k8s.io"}, {"ingresses", "networkpolicies"}, {}, read, {}},
        {{"metrics.k8s.io"}, {"pods"}, {}, read, {}},
        {{"kafka.strimzi.io", "rabbitmq.com", "camel.apache.org"}, {"*"}, {}, read, {}},
        {{"argoproj.io"}, {"applications", "appprojects"}, {}, read, {}},
    };
    add(manifest(c, c, wave, std::move(role)));
    add(manifest(c, c, wave,
                 ClusterRoleBinding{meta(s_, "backstage-read-only", "", c, wave),
                                    {{"ServiceAccount", "backstage", ns, ""}},
                                    {"rbac.authorization.k8s.io", "ClusterRole", "backstage-read-only"}}));

    ConfigMap config{meta(s_, "backstage-app-config", ns, c, wave)};
    config.data["app-config.yaml"] = detail::backstage_app_config(s_);
    add(manifest(c, c, wave, std::move(config)));

    // PostgreSQL: one StatefulSet with its PVC, credentials from the Secret.
    const StringMap db_labels{{"app.kubernetes.io/name", db}};
    Service db_svc{meta(s_, db, ns, c, wave)};
    db_svc.spec = {"", "None", db_labels, {{"postgres", "", 5432, IntOrString("postgres"), {}}}};
    add(manifest(c, c, wave, std::move(db_svc)));
    StatefulSet pg{meta(s_, db, ns, c, wave)};
    pg.spec.service_name = db;
    pg.spec.replicas = 1;
    pg.spec.selector.match_labels = db_labels;
    pg.spec.template_.metadata.labels = db_labels;
    Container pgc;
    pgc.name = "postgres";
    pgc.image = "postgres:" + b.postgres_version;
    pgc.ports = {{"postgres", 5432, ""}};
    pgc.env = {secret_env("POSTGRES_USER", "postgres-user"), secret_env("POSTGRES_PASSWORD", "postgres-password"),
               EnvVar{"PGDATA", "/var/lib/postgresql/data/pgdata", {}}};
    pgc.resources = {{{"cpu", "100m"}, {"memory", "256Mi"}}, {{"memory", "1Gi"}}};
    pgc.volume_mounts = {{"data", "/var/lib/postgresql/data", "", {}}};
    pgc.readiness_probe = Probe{{}, {}, ExecAction{{"sh", "-c", "pg_isready -U \"$POSTGRES_USER\""}}, 5, 10, 5, 6};
    pgc.liveness_probe = Probe{{}, TcpSocketAction{"postgres"}, {}, 30, 20, 5, 6};
    pg.spec.template_.spec.containers = {std::move(pgc)};
    PersistentVolumeClaim data;
    data.metadata.name = "data";
    data.spec.access_modes = {"ReadWriteOnce"};
    data.spec.storage_class_name = s_.storage_class;
    data.spec.resources.requests = {{"storage", b.postgres_storage_size}};
    pg.spec.volume_claim_templates = {std::move(data)};
    add(manifest(c, c, wave, std::move(pg)));

    const StringMap app_labels{{"app.kubernetes.io/name", "backstage"}};
    Deployment d{meta(s_, "backstage", ns, c, wave)};
    d.spec.replicas = b.replicas;
    d.spec.selector.match_labels = app_labels;
    d.spec.template_.metadata.labels = app_labels;
    d.spec.template_.spec.service_account_name = "backstage";
    Container bc;
    bc.name = "backstage";
    bc.image = b.image;
    bc.args = {"--config", "app-config.yaml", "--config", "/etc/backstage/app-config.yaml"};
    bc.ports = {{"http", b.port, ""}};
    bc.env = {EnvVar{"POSTGRES_HOST", db, {}},
              EnvVar{"POSTGRES_PORT", "5432", {}},
              secret_env("POSTGRES_USER", "postgres-user"),
              secret_env("POSTGRES_PASSWORD", "postgres-password"),
              secret_env("AUTH_USERNAME", "auth-username"),
              secret_env("AUTH_PASSWORD", "auth-password")};
    bc.resources = {{{"cpu", "250m"}, {"memory", "512Mi"}}, {{"memory", "1Gi"}}};
    bc.volume_mounts = {{"app-config", "/etc/backstage", "", true}};
    bc.readiness_probe = Probe{HttpGetAction{"/.backstage/health/v1/readiness", "http", ""}, {}, {}, 30, 10, 5, 6};
    bc.liveness_probe = Probe{HttpGetAction{"/.backstage/health/v1/liveness", "http", ""}, {}, {}, 60, 20, 5, 6};
    d.spec.template_.spec.containers = {std::move(bc)};
    d.spec.template_.spec.volumes = {Volume{"app-config", ConfigMapVolumeSource{"backstage-app-config", {}}, {}, {}, {}}};
    add(manifest(c, c, wave, std::move(d)));

    Service svc{meta(s_, "backstage", ns, c, wave)};
    svc.spec.selector = app_labels;
    ServicePort port{"http", "", b.port, IntOrString("http"), {}};
    // The kind config maps a node port to the portal's port: expose it there.
    for (const auto& pm : s_.kind.port_mappings) {
      if (pm.host_port == b.port) {
        svc.spec.type = "NodePort";
        port.node_port = pm.container_port;
      }
    }
    svc.spec.ports = {port};
    add(manifest(c, c, wave, std::move(svc)));
    local_component(c, wave, ns, c);
  }

  void tenants() {
    const int wave = waves().tenants;
    tree_.components.push_back(Component{"tenants", wave, "tenants", s_.namespaces.argocd, "tenants",
                                         "git " + join({s_.source.path, "tenants"}, "/") + " (" +
                                             std::to_string(o_.tenants ? s_.tenants.size() : 0) + " tenants)"});
    auto app = detail::application(s_, "tenants", "tenants", wave, s_.namespaces.argocd,
                                   detail::git_source(s_, "tenants"));
    add(manifest("apps", "tenants", wave, std::move(app)));
    if (!o_.tenants) return;
    for (const auto& t : s_.tenants) {
      for (Manifest& m : render_tenant(s_, t)) add(std::move(m));
    }
  }

  void kind_cluster() {
    KindCluster kc;
    kc.name = s_.kind.name;
    KindNode cp{"control-plane", "", {}};
    for (const auto& pm : s_.kind.port_mappings) cp.extra_port_mappings.push_back({pm.container_port, pm.host_port, "", ""});
    for (int i = 0; i < s_.kind.control_planes; ++i) kc.nodes.push_back(i == 0 ? cp : KindNode{"control-plane", "", {}});
    for (int i = 0; i < s_.kind.workers; ++i) kc.nodes.push_back(KindNode{"worker", "", {}});
    add(Manifest{"kind-cluster.yaml", "kind", 0, std::move(kc)});
  }

  const spec::PlatformSpec& s_;
  const RenderOptions& o_;
  RenderedTree tree_;
};

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// One kustomization.yaml per directory listing its cluster documents; the
// root lists the bootstrap directory. Subdirectories are never listed
// (tenants/ lists tenant Applications, not tenant directories), so no
// kustomization ever grows with the number of tenants' files.
void add_kustomizations(RenderedTree& tree) {
  std::map<std::string, Kustomization> by_dir;
  std::map<std::string, std::pair<std::string, int>> owner;  // dir -> component, wave
  for (const Manifest& m : tree.manifests) {
    if (!m.in_cluster()) continue;
    const std::string dir = dir_of(m.path);
    by_dir[dir].resources.push_back(m.path.substr(dir.empty() ? 0 : dir.size() + 1));
    owner.emplace(dir, std::make_pair(m.component, m.wave));
  }
  for (const Component& c : tree.components) {
    if (!c.directory.empty()) {
      by_dir[c.directory];
      owner.emplace(c.directory, std::make_pair(c.name, c.wave));
    }
  }
  by_dir[""].resources.push_back("argocd");
  owner.emplace("", std::make_pair("argocd", 0));
  for (auto& [dir, k] : by_dir) {
    std::sort(k.resources.begin(), k.resources.end());
    const auto& [component, wave] = owner[dir];
    tree.manifests.push_back(Manifest{dir.empty() ? "kustomization.yaml" : dir + "/kustomization.yaml", component,
                                      wave, std::move(k)});
  }
}

}  // namespace

Result<RenderedTree> render(const spec::PlatformSpec& spec, const RenderOptions& options) {
  if (options.tenants) {
    std::vector<Detail> bad;
    for (std::size_t i = 0; i < spec.tenants.size(); ++i) {
      const std::string ns = tenant_namespace(spec.tenants[i]);
      if (!is_dns_label(ns)) {
        bad.push_back({"", "tenants[" + std::to_string(i) + "].name",
                       "namespace \"" + ns + "\" is not a DNS label (lower-case letters, digits and '-', at most 63)",
                       "dns-label"});
      }
    }
    if (!bad.empty()) return invalid_argument("cannot render: invalid tenant names", std::move(bad));
  }
  RenderedTree tree = Renderer(spec, options).run();
  add_kustomizations(tree);
  std::sort(tree.manifests.begin(), tree.manifests.end(),
            [](const Manifest& a, const Manifest& b) { return a.path < b.path; });
  std::vector<Detail> clashes;
  for (std::size_t i = 1; i < tree.manifests.size(); ++i) {
    if (tree.manifests[i].path == tree.manifests[i - 1].path) {
      clashes.push_back({tree.manifests[i].path, tree.manifests[i].component,
                         "two resources render to the same file (duplicate name in the spec?)", "unique-path"});
    }
  }
  if (!clashes.empty()) return invalid_argument("cannot render: duplicate resources", std::move(clashes));
  std::stable_sort(tree.components.begin(), tree.components.end(),
                   [](const Component& a, const Component& b) { return a.wave < b.wave; });
  return tree;
}

}  // namespace platform::render
