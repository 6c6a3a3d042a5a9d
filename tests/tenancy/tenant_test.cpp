// SPDX-License-Identifier: Apache-2.0
// A rendered tenant: exact quota and limits, RBAC without wildcards, its own
// Maven settings, isolation proven by analysis, capacity from the tree.
#include <boost/test/unit_test.hpp>

#include "tenancy/print.hpp"

#include <algorithm>

#include "platform/render/render.hpp"
#include "platform/spec/load.hpp"
#include "platform/tenancy/capacity.hpp"
#include "platform/tenancy/isolation.hpp"
#include "platform/tenancy/tenant.hpp"
#include "platform/validate/validate.hpp"

namespace m = platform::model;
namespace r = platform::render;
namespace t = platform::tenancy;
using platform::spec::PlatformSpec;

namespace {

PlatformSpec spec_with(std::vector<std::string> sets) { return platform::spec::default_spec({std::move(sets)}).value(); }

PlatformSpec two_tenants() { return spec_with({"tenants[0].name=alice", "tenants[1].name=bob"}); }

template <typename T>
std::vector<const T*> all_of(const std::vector<m::Resource>& rs) {
  std::vector<const T*> out;
  for (const auto& x : rs) {
    if (const T* p = x.get_if<T>()) out.push_back(p);
  }
  return out;
}

template <typename T>
const T& one(const std::vector<m::Resource>& rs, const std::string& name = "") {
  for (const T* p : all_of<T>(rs)) {
    if (name.empty() || p->metadata.name == name) return *p;
  }
  BOOST_FAIL("missing " << T::kKind << " " << name);
  throw;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tenant)

BOOST_AUTO_TEST_CASE(namespace_quota_and_limits_are_the_seeds) {
  PlatformSpec s = two_tenants();
  auto rs = t::tenant_resources(s, s.tenants[0]);
  const auto& ns = one<m::Namespace>(rs);
  BOOST_TEST(ns.metadata.name == "user-alice");
  BOOST_TEST(ns.metadata.labels.at("platform.libplatform.io/tenant") == "alice");
  BOOST_TEST(ns.metadata.labels.at("platform.libplatform.io/role") == "tenant");
  const m::StringMap hard{{"requests.cpu", "4"}, {"requests.memory", "8Gi"}, {"limits.cpu", "8"},
                          {"limits.memory", "16Gi"}, {"persistentvolumeclaims", "10"}, {"services", "10"},
                          {"pods", "20"}};
  BOOST_TEST((one<m::ResourceQuota>(rs).spec.hard == hard));
  const auto& lr = one<m::LimitRange>(rs);
  BOOST_REQUIRE(lr.spec.limits.size() == 1u);
  BOOST_TEST(lr.spec.limits[0].type == "Container");
  BOOST_TEST((lr.spec.limits[0].default_request == m::StringMap{{"cpu", "200m"}, {"memory", "256Mi"}}));
  BOOST_TEST((lr.spec.limits[0].default_ == m::StringMap{{"cpu", "500m"}, {"memory", "512Mi"}}));
  for (const auto& x : rs) {
    BOOST_TEST(x.metadata().annotations.at("argocd.argoproj.io/sync-wave") == "3");
    if (x.kind() != "Namespace") BOOST_TEST(x.metadata().namespace_ == "user-alice");
  }
}

BOOST_AUTO_TEST_CASE(quota_override_per_tenant) {
  PlatformSpec s = spec_with({"tenants[0].name=data-team", "tenants[0].quota.pods=40"});
  auto rs = t::tenant_resources(s, s.tenants[0]);
  BOOST_TEST(one<m::ResourceQuota>(rs).spec.hard.at("pods") == "40");
  BOOST_TEST(one<m::ResourceQuota>(rs).spec.hard.at("limits.cpu") == "8");
}

BOOST_AUTO_TEST_CASE(rbac_is_crud_on_five_resources_and_nothing_more) {
  PlatformSpec s = two_tenants();
  auto rs = t::tenant_resources(s, s.tenants[0]);
  BOOST_TEST(one<m::ServiceAccount>(rs).metadata.name == "user-sa");
  const auto& role = one<m::Role>(rs);
  std::vector<std::string> granted;
  const std::vector<std::string> crud{"create", "get", "list", "watch", "update", "patch", "delete"};
  for (const auto& rule : role.rules) {
    BOOST_TEST(rule.verbs == crud);
    BOOST_TEST(rule.resource_names.empty());
    for (const auto& g : rule.api_groups) {
      BOOST_TEST(g != "*");
      for (const auto& res : rule.resources) {
        BOOST_TEST(res.find('*') == std::string::npos);
        granted.push_back((g.empty() ? "" : res + "." + g) + (g.empty() ? res : ""));
      }
    }
  }
  std::sort(granted.begin(), granted.end());
  BOOST_TEST((granted == std::vector<std::string>{"configmaps", "integrations.camel.apache.org", "pods", "secrets", "services"}));
  const auto& rb = one<m::RoleBinding>(rs);
  BOOST_TEST(rb.role_ref.kind == "Role");
  BOOST_TEST(rb.role_ref.name == role.metadata.name);
  BOOST_REQUIRE(rb.subjects.size() == 1u);
  BOOST_TEST(rb.subjects[0].name == "user-sa");
  BOOST_TEST(rb.subjects[0].namespace_ == "user-alice");
}

BOOST_AUTO_TEST_CASE(integration_platform_reads_maven_settings_from_its_own_namespace) {
  PlatformSpec s = two_tenants();
  auto rs = t::tenant_resources(s, s.tenants[0]);
  const auto& ip = one<m::IntegrationPlatform>(rs);
  BOOST_TEST(ip.metadata.namespace_ == "user-alice");
  const auto& ref = ip.spec.build.maven->settings->config_map_key_ref;
  BOOST_REQUIRE(ref.has_value());
  const auto& cm = one<m::ConfigMap>(rs, ref->name);
  BOOST_TEST(cm.metadata.namespace_ == "user-alice");
  BOOST_TEST(cm.data.at(ref->key).find("<mirrorOf>") != std::string::npos);
  // Integration resources: the LimitRange defaults.
  BOOST_TEST(ip.spec.traits.json.find("\"limitCPU\":\"500m\"") != std::string::npos, ip.spec.traits.json);
  BOOST_TEST(ip.spec.traits.json.find("\"requestMemory\":\"256Mi\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(platform_namespaces_carry_the_platform_role) {
  auto tree = r::render(PlatformSpec{}).value();
  std::size_t n = 0;
  for (const auto& mf : tree.manifests) {
    if (const auto* ns = mf.resource.get_if<m::Namespace>()) {
      BOOST_TEST(ns->metadata.labels.at("platform.libplatform.io/role") == "platform", ns->metadata.name);
      ++n;
    }
  }
  BOOST_TEST(n == 6u);  // argocd, operators, kafka, rabbitmq, camelk, backstage
}

BOOST_AUTO_TEST_CASE(rendered_tenants_are_isolated_and_reach_what_they_need) {
  auto tree = r::render(two_tenants()).value();
  auto view = t::network_view(tree);
  auto problems = t::check_isolation(view);
  for (const auto& p : problems) BOOST_ERROR(p.message);
  auto yes = [&](const char* from, const char* to, t::Protocol p, int port) {
    return t::can_reach(view, t::parse_endpoint(from), t::parse_endpoint(to), p, port).value().allowed;
  };
  BOOST_TEST(yes("user-alice", "kafka", t::Protocol::kTcp, 9092));
  BOOST_TEST(yes("user-alice", "kafka", t::Protocol::kTcp, 9093));
  BOOST_TEST(!yes("user-alice", "kafka", t::Protocol::kTcp, 9094));
  BOOST_TEST(yes("user-alice", "rabbitmq", t::Protocol::kTcp, 5672));
  BOOST_TEST(yes("user-alice", "rabbitmq", t::Protocol::kTcp, 15672));
  BOOST_TEST(yes("user-alice", "kube-system", t::Protocol::kUdp, 53));
  BOOST_TEST(yes("user-alice", "kube-system", t::Protocol::kTcp, 53));
  BOOST_TEST(yes("user-alice", "1.1.1.1", t::Protocol::kTcp, 443));
  BOOST_TEST(!yes("user-alice", "10.96.0.1", t::Protocol::kTcp, 443));
  BOOST_TEST(!yes("user-alice", "169.254.169.254", t::Protocol::kTcp, 443));
  BOOST_TEST(!yes("user-alice", "1.1.1.1", t::Protocol::kTcp, 80));
  BOOST_TEST(!yes("user-alice", "user-bob", t::Protocol::kTcp, 8080));
  BOOST_TEST(!yes("user-alice", "backstage", t::Protocol::kTcp, 7007));
  BOOST_TEST(yes("user-alice", "user-alice", t::Protocol::kTcp, 8080));
  BOOST_TEST(yes("backstage", "user-bob", t::Protocol::kTcp, 8080));
  BOOST_TEST(yes("camelk", "user-bob", t::Protocol::kTcp, 8080));

  auto v = t::can_reach(view, {"user-alice", "", ""}, {"user-bob", "", ""}, t::Protocol::kTcp, 8080).value();
  BOOST_TEST(v.denied_by == "egress and ingress");
  auto k = t::can_reach(view, {"user-alice", "", ""}, {"kafka", "", ""}, t::Protocol::kTcp, 9092).value();
  BOOST_TEST(k.egress.find("user-alice/allow-egress-kafka egress[0]") != std::string::npos, k.egress);
  BOOST_TEST(k.ingress.find("not isolated") != std::string::npos, k.ingress);

  auto mx = t::matrix(view);
  BOOST_TEST((mx.cells == t::matrix(view, {.naive = true}).cells));
  for (const auto& c : mx.cells) {
    if (c.from == "user-alice" && c.to == "kafka") BOOST_TEST(c.ports.to_string() == "TCP 9092-9093");
    if (c.from == "user-alice" && c.to == "external") BOOST_TEST(c.ports.to_string() == "TCP 443");
    BOOST_TEST(!(c.from == "user-alice" && c.to == "user-bob"));
  }
}

BOOST_AUTO_TEST_CASE(validate_passes_the_rendered_tenants_and_fails_a_leak) {
  auto tree = r::render(two_tenants()).value();
  std::vector<platform::validate::Source> sources;
  for (const auto& f : r::files(tree)) {
    if (f.path.size() > 5 && f.path.substr(f.path.size() - 5) == ".yaml") sources.push_back({f.path, f.content});
  }
  auto ok = platform::validate::validate_sources(sources).value();
  BOOST_TEST(ok.valid(), platform::validate::to_text(ok));
  const auto names = platform::validate::rules();
  BOOST_TEST(std::any_of(names.begin(), names.end(), [](const auto& x) { return x.name == "tenant-isolation"; }));
  BOOST_TEST(std::any_of(names.begin(), names.end(), [](const auto& x) { return x.name == "tenant-egress"; }));

  // bob admits every namespace and alice may send to every namespace:
  // alice reaches bob (either policy alone would not do it).
  sources.push_back({"tenants/user-bob/leak.yaml",
                     "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: leak\n  namespace: user-bob\n"
                     "spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n"});
  sources.push_back({"tenants/user-alice/leak.yaml",
                     "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: leak\n  namespace: user-alice\n"
                     "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {}\n"});
  // And drop bob's DNS policy (alice's leak lets her reach DNS anyway).
  sources.erase(std::remove_if(sources.begin(), sources.end(),
                               [](const auto& s) { return s.name == "tenants/user-bob/networkpolicy-allow-egress-dns.yaml"; }),
                sources.end());
  auto bad = platform::validate::validate_sources(sources).value();
  BOOST_TEST(!bad.valid());
  bool leak = false, dns = false;
  for (const auto& f : bad.findings) {
    if (f.rule == "tenant-isolation" && f.message.find("user-bob") != std::string::npos) leak = true;
    if (f.rule == "tenant-egress" && f.message.find("kube-system") != std::string::npos &&
        f.name == "user-bob") dns = true;
  }
  BOOST_TEST(leak, platform::validate::to_text(bad));
  BOOST_TEST(dns, platform::validate::to_text(bad));
}

BOOST_AUTO_TEST_CASE(capacity_of_the_seed_is_sixteen_bound_by_cpu_limits) {
  auto tree = r::render(two_tenants()).value();
  auto c = t::capacity(tree, "alice").value();
  BOOST_TEST(c.integrations == 16);
  BOOST_TEST((c.binding == std::vector<std::string>{"limits.cpu"}));
  BOOST_TEST(c.warnings.empty());
  for (const auto& l : c.lines) {
    if (l.resource == "requests.cpu") BOOST_TEST(l.fits == 20);
    if (l.resource == "requests.memory") BOOST_TEST(l.fits == 32);
    if (l.resource == "limits.memory") BOOST_TEST(l.fits == 32);
    if (l.resource == "pods") BOOST_TEST(l.fits == 20);
    if (l.resource == "services") BOOST_TEST(l.fits == -1);
  }
  BOOST_TEST(t::capacity(tree, "carol").status().code() == platform::StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(capacity_follows_overrides_and_warns) {
  auto pods = r::render(spec_with({"tenants[0].name=a", "tenants[0].quota.pods=10"})).value();
  auto c = t::capacity(pods, "a").value();
  BOOST_TEST(c.integrations == 10);
  BOOST_TEST((c.binding == std::vector<std::string>{"pods"}));

  auto tiny = r::render(spec_with({"tenants[0].name=a", "tenants[0].quota.limits_cpu=400m"})).value();
  auto z = t::capacity(tiny, "a").value();
  BOOST_TEST(z.integrations == 0);
  BOOST_REQUIRE(!z.warnings.empty());
  BOOST_TEST(z.warnings[0].find("not even one integration fits: limits.cpu 400m < 500m") != std::string::npos, z.warnings[0]);

  m::ResourceQuota q;
  q.metadata.namespace_ = "user-x";
  q.spec.hard = {{"requests.cpu", "4"}, {"requests.ephemeral-storage", "10Gi"}, {"pods", "20"}};
  m::LimitRange lr;
  lr.spec.limits = {{"Container", {{"cpu", "500m"}}, {}, {}, {}, {}}};  // default only: request = limit
  auto w = t::capacity(q, lr).value();
  BOOST_TEST(w.integrations == 8);  // 4 / 500m
  BOOST_REQUIRE(w.warnings.size() == 1u);
  BOOST_TEST(w.warnings[0].find("requests.ephemeral-storage") != std::string::npos, w.warnings[0]);

  q.spec.hard["limits.cpu"] = "eight";
  auto bad = t::capacity(q, lr);
  BOOST_TEST(bad.status().code() == platform::StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
