// SPDX-License-Identifier: Apache-2.0
#include "platform/tenancy/tenant.hpp"

#include "render/builder.hpp"
#include "render/config_files.hpp"

// Model objects are built as aggregates from their metadata; the other
// members start empty on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace platform::tenancy {
namespace {

using namespace model;

NetworkPolicyPort tcp(int port) { return NetworkPolicyPort{"TCP", IntOrString(port), {}}; }
NetworkPolicyPort udp(int port) { return NetworkPolicyPort{"UDP", IntOrString(port), {}}; }

// A peer that is every pod of the namespace called `ns`, by the label the API
// server sets and no one can change.
NetworkPolicyPeer namespace_peer(const std::string& ns) {
  return NetworkPolicyPeer{{}, LabelSelector{{{std::string(kNamespaceNameLabel), ns}}, {}}, {}};
}

}  // namespace

const std::vector<std::string>& private_ranges() {
  static const std::vector<std::string> kRanges{"10.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12",
                                                "192.168.0.0/16"};
  return kRanges;
}

std::vector<Resource> tenant_resources(const spec::PlatformSpec& spec, const spec::Tenant& tenant) {
  const std::string ns = std::string(kTenantNamespacePrefix) + tenant.name;
  const int wave = spec.argocd.waves.tenants;
  const std::string c = "tenants";
  auto meta = [&](std::string name, std::string namespace_) {
    return render::detail::meta(spec, std::move(name), std::move(namespace_), c, wave);
  };
  std::vector<Resource> out;

  Namespace namespace_{meta(ns, "")};
  namespace_.metadata.labels[std::string(kTenantLabel)] = tenant.name;
  namespace_.metadata.labels[std::string(kRoleLabel)] = std::string(kRoleTenant);
  out.emplace_back(std::move(namespace_));

  const auto& q = tenant.quota;
  ResourceQuota quota{meta("tenant-quota", ns)};
  quota.spec.hard = {{"requests.cpu", q.requests_cpu},
                     {"requests.memory", q.requests_memory},
                     {"limits.cpu", q.limits_cpu},
                     {"limits.memory", q.limits_memory},
                     {"persistentvolumeclaims", std::to_string(q.persistentvolumeclaims)},
                     {"services", std::to_string(q.services)},
                     {"pods", std::to_string(q.pods)}};
  out.emplace_back(std::move(quota));

  // With a quota on requests and limits, a container without them is
  // refused; the LimitRange fills them in, so every container (and every
  // Camel K integration) gets the seed's per-integration resources.
  const auto& r = tenant.container;
  LimitRange limits{meta("tenant-limits", ns)};
  LimitRangeItem item;
  item.type = "Container";
  item.default_ = {{"cpu", r.limit_cpu}, {"memory", r.limit_memory}};
  item.default_request = {{"cpu", r.request_cpu}, {"memory", r.request_memory}};
  limits.spec.limits = {std::move(item)};
  out.emplace_back(std::move(limits));

  // NetworkPolicies are additive: one deny-all, then one policy per allowed
  // flow, each named for what it allows so `policy can-reach` reads well.
  NetworkPolicy deny{meta(kDefaultDenyPolicy, ns)};
  deny.spec.policy_types = {"Ingress", "Egress"};
  out.emplace_back(std::move(deny));

  NetworkPolicy same{meta("allow-same-namespace", ns)};
  same.spec.policy_types = {"Ingress", "Egress"};
  // A peer with only a podSelector means "pods of this namespace".
  same.spec.ingress = {{{NetworkPolicyPeer{LabelSelector{}, {}, {}}}, {}}};
  same.spec.egress = {{{NetworkPolicyPeer{LabelSelector{}, {}, {}}}, {}}};
  out.emplace_back(std::move(same));

  NetworkPolicy platform{meta("allow-from-platform", ns)};
  platform.spec.policy_types = {"Ingress"};
  platform.spec.ingress = {
      {{NetworkPolicyPeer{{}, LabelSelector{{{std::string(kRoleLabel), std::string(kRolePlatform)}}, {}}, {}}}, {}}};
  out.emplace_back(std::move(platform));

  NetworkPolicy kafka{meta("allow-egress-kafka", ns)};
  kafka.spec.policy_types = {"Egress"};
  NetworkPolicyEgressRule kafka_rule{{namespace_peer(spec.namespaces.kafka)}, {}};
  for (const auto& l : spec.kafka.listeners) kafka_rule.ports.push_back(tcp(l.port));
  kafka.spec.egress = {std::move(kafka_rule)};
  out.emplace_back(std::move(kafka));

  NetworkPolicy rabbit{meta("allow-egress-rabbitmq", ns)};
  rabbit.spec.policy_types = {"Egress"};
  rabbit.spec.egress = {{{namespace_peer(spec.namespaces.rabbitmq)},
                         {tcp(spec.rabbitmq.amqp_port), tcp(spec.rabbitmq.management_port)}}};
  out.emplace_back(std::move(rabbit));

  NetworkPolicy dns{meta("allow-egress-dns", ns)};
  dns.spec.policy_types = {"Egress"};
  dns.spec.egress = {{{namespace_peer("kube-system")}, {udp(53), tcp(53)}}};
  out.emplace_back(std::move(dns));

  NetworkPolicy https{meta("allow-egress-https", ns)};
  https.spec.policy_types = {"Egress"};
  https.spec.egress = {{{NetworkPolicyPeer{{}, {}, IpBlock{"0.0.0.0/0", private_ranges()}}}, {tcp(443)}}};
  out.emplace_back(std::move(https));

  out.emplace_back(ServiceAccount{meta(std::string(kTenantServiceAccount), ns), {}});

  Role role{meta("tenant-user", ns)};
  const std::vector<std::string> crud{"create", "get", "list", "watch", "update", "patch", "delete"};
  role.rules = {{{""}, {"pods", "services", "configmaps", "secrets"}, {}, crud, {}},
                {{"camel.apache.org"}, {"integrations"}, {}, crud, {}}};
  out.emplace_back(std::move(role));
  out.emplace_back(RoleBinding{meta("tenant-user", ns),
                               {{"ServiceAccount", std::string(kTenantServiceAccount), ns, ""}},
                               {"rbac.authorization.k8s.io", "Role", "tenant-user"}});

  // Camel K resolves the Maven settings reference in the Build's namespace
  // and a namespace-local IntegrationPlatform does not inherit them from the
  // operator's platform (operators.md §4.2): each tenant gets its own copy.
  const auto& ck = spec.camel_k;
  ConfigMap settings{meta(ck.maven_settings_configmap, ns)};
  settings.data[ck.maven_settings_key] = render::detail::maven_settings_xml(ck);
  out.emplace_back(std::move(settings));
  out.emplace_back(render::detail::integration_platform(spec, meta("camel-k", ns), r));
  return out;
}

}  // namespace platform::tenancy
