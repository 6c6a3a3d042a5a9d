// SPDX-License-Identifier: Apache-2.0
// A table of flows with known answers under Kubernetes NetworkPolicy semantics.
#include <boost/test/unit_test.hpp>

#include "tenancy/print.hpp"

#include "platform/model/resource.hpp"
#include "platform/tenancy/isolation.hpp"
#include "platform/tenancy/tenant.hpp"

namespace m = platform::model;
namespace t = platform::tenancy;
using t::Protocol;

namespace {

const std::string kRole(t::kRoleLabel);

m::NetworkPolicy policy(const std::string& ns, const std::string& name, const std::string& spec_yaml) {
  std::string doc = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name +
                    "\n  namespace: " + ns + "\nspec:\n" + spec_yaml;
  auto r = m::from_yaml(doc);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string() + "\n" + doc);
  return *r->get_if<m::NetworkPolicy>();
}

t::NetworkView base() {
  t::NetworkView v;
  t::add_namespace(v, "kafka", {{kRole, "platform"}});
  t::add_namespace(v, "kube-system");
  t::add_namespace(v, "user-a", {{kRole, "tenant"}});
  t::add_namespace(v, "user-b", {{kRole, "tenant"}});
  auto& web = t::add_namespace(v, "web", {{kRole, "platform"}});
  web.pods.push_back({"Deployment/web", {{"app", "web"}}, {{"http", 7007, ""}, {"metrics", 9090, "UDP"}}});
  auto& b = t::add_namespace(v, "user-b");
  b.pods.push_back({"Deployment/db", {{"app", "db"}}, {}});
  auto& k = t::add_namespace(v, "kafka");
  k.pods.push_back({"StatefulSet/broker", {{"app", "x"}}, {}});
  return v;
}

const char* kDenyAll = "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
const char* kDenyIngress = "  podSelector: {}\n  policyTypes: [Ingress]\n";
const char* kDenyEgress = "  podSelector: {}\n  policyTypes: [Egress]\n";

struct Case {
  const char* what;
  std::vector<std::tuple<const char*, const char*, const char*>> policies;  // namespace, name, spec
  const char* from;
  const char* to;
  Protocol protocol;
  int port;
  bool allowed;
  const char* denied_by = "";          // when denied
  const char* mentions = "";           // a substring of the explanation
};

const std::vector<Case> kCases = {
    {"no policy: everything is open", {}, "user-a", "user-b", Protocol::kTcp, 80, true, "", "not isolated"},
    {"deny-all ingress isolates the destination", {{"user-b", "deny", kDenyIngress}}, "user-a", "user-b",
     Protocol::kTcp, 80, false, "ingress", "isolated for Ingress by deny"},
    {"deny-all egress isolates the source", {{"user-a", "deny", kDenyEgress}}, "user-a", "user-b", Protocol::kTcp,
     80, false, "egress", "isolated for Egress"},
    {"DNS over UDP 53 allowed", {{"user-a", "deny", kDenyAll},
      {"user-a", "dns", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: kube-system}\n    ports:\n    - {protocol: UDP, port: 53}\n"}},
     "user-a", "kube-system", Protocol::kUdp, 53, true, "", "user-a/dns egress[0]"},
    {"DNS over TCP 53 denied when only UDP is open", {{"user-a", "deny", kDenyAll},
      {"user-a", "dns", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: kube-system}\n    ports:\n    - {protocol: UDP, port: 53}\n"}},
     "user-a", "kube-system", Protocol::kTcp, 53, false, "egress", "allows only UDP 53"},
    {"protocol defaults to TCP", {{"user-b", "deny", kDenyIngress},
      {"user-b", "tcp", "  podSelector: {}\n  ingress:\n  - ports:\n    - port: 8080\n"}},
     "user-a", "user-b", Protocol::kUdp, 8080, false, "ingress", "TCP 8080"},
    {"an empty namespaceSelector also matches tenants", {{"user-b", "deny", kDenyIngress},
      {"user-b", "all-ns", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, true, "", "user-b/all-ns ingress[0]"},
    {"a role=platform namespaceSelector does not match tenants", {{"user-b", "deny", kDenyIngress},
      {"user-b", "platform", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {platform.libplatform.io/role: platform}\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "ingress", "no ingress rule's peers match"},
    {"a role=platform namespaceSelector matches platform namespaces", {{"user-b", "deny", kDenyIngress},
      {"user-b", "platform", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels: {platform.libplatform.io/role: platform}\n"}},
     "kafka", "user-b", Protocol::kTcp, 80, true, "", "user-b/platform ingress[0]"},
    {"an empty podSelector alone means this namespace only", {{"user-b", "deny", kDenyIngress},
      {"user-b", "same", "  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "ingress", ""},
    {"an empty podSelector admits its own namespace", {{"user-b", "deny", kDenyAll},
      {"user-b", "same", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from:\n    - podSelector: {}\n  egress:\n  - to:\n    - podSelector: {}\n"}},
     "user-b", "user-b", Protocol::kTcp, 80, true, "", "user-b/same"},
    {"ipBlock: a public address on 443", {{"user-a", "deny", kDenyEgress},
      {"user-a", "https", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}\n    ports:\n    - port: 443\n"}},
     "user-a", "8.8.8.8", Protocol::kTcp, 443, true, "", "user-a/https egress[0]"},
    {"ipBlock except: a private address is cut out", {{"user-a", "deny", kDenyEgress},
      {"user-a", "https", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.0.0/16]}\n    ports:\n    - port: 443\n"}},
     "user-a", "10.1.2.3", Protocol::kTcp, 443, false, "egress", "no egress rule's peers match"},
    {"ipBlock: another port is denied", {{"user-a", "deny", kDenyEgress},
      {"user-a", "https", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0}\n    ports:\n    - port: 443\n"}},
     "user-a", "8.8.8.8", Protocol::kTcp, 80, false, "egress", "allows only TCP 443"},
    {"ipBlock 0.0.0.0/0 does not open pod-to-pod traffic", {{"user-a", "deny", kDenyEgress},
      {"user-a", "https", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0}\n"}},
     "user-a", "user-b", Protocol::kTcp, 443, false, "egress", ""},
    {"named port resolves to the pod's container port", {{"web", "deny", kDenyIngress},
      {"web", "http", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: http\n"}},
     "user-a", "web/Deployment/web", Protocol::kTcp, 7007, true, "", "web/http ingress[0]"},
    {"named port: another number is denied", {{"web", "deny", kDenyIngress},
      {"web", "http", "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports:\n    - port: http\n"}},
     "user-a", "web/Deployment/web", Protocol::kTcp, 8080, false, "ingress", "allows only TCP 7007"},
    {"named port must match the protocol too", {{"web", "deny", kDenyIngress},
      {"web", "metrics", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: metrics, protocol: TCP}\n"}},
     "user-a", "web/Deployment/web", Protocol::kUdp, 9090, false, "ingress", ""},
    {"endPort: inside the range", {{"user-b", "deny", kDenyIngress},
      {"user-b", "range", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 8000, endPort: 8100}\n"}},
     "user-a", "user-b", Protocol::kTcp, 8100, true, "", "user-b/range"},
    {"endPort: past the range", {{"user-b", "deny", kDenyIngress},
      {"user-b", "range", "  podSelector: {}\n  ingress:\n  - ports:\n    - {port: 8000, endPort: 8100}\n"}},
     "user-a", "user-b", Protocol::kTcp, 8101, false, "ingress", "TCP 8000-8100"},
    {"a policy selecting some pods leaves the others open", {{"user-b", "db-only", "  podSelector: {matchLabels: {app: db}}\n  policyTypes: [Ingress]\n"}},
     "user-a", "user-b", Protocol::kTcp, 5432, true, "", "not isolated"},
    {"a policy selecting some pods isolates those", {{"user-b", "db-only", "  podSelector: {matchLabels: {app: db}}\n  policyTypes: [Ingress]\n"}},
     "user-a", "user-b/Deployment/db", Protocol::kTcp, 5432, false, "ingress", "db-only"},
    {"namespaceSelector and podSelector in one peer: both must match", {{"user-b", "deny", kDenyIngress},
      {"user-b", "and", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {platform.libplatform.io/role: platform}}\n      podSelector: {matchLabels: {app: x}}\n"}},
     "kafka/*", "user-b", Protocol::kTcp, 80, false, "ingress", ""},
    {"namespaceSelector and podSelector in one peer: the labelled pod passes", {{"user-b", "deny", kDenyIngress},
      {"user-b", "and", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {platform.libplatform.io/role: platform}}\n      podSelector: {matchLabels: {app: x}}\n"}},
     "kafka/StatefulSet/broker", "user-b", Protocol::kTcp, 80, true, "", "user-b/and ingress[0]"},
    {"matchExpressions NotIn excludes tenants", {{"user-b", "deny", kDenyIngress},
      {"user-b", "not-tenant", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions: [{key: platform.libplatform.io/role, operator: NotIn, values: [tenant]}]\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "ingress", ""},
    {"matchExpressions NotIn matches namespaces without the label", {{"user-b", "deny", kDenyIngress},
      {"user-b", "not-tenant", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions: [{key: platform.libplatform.io/role, operator: NotIn, values: [tenant]}]\n"}},
     "kube-system", "user-b", Protocol::kTcp, 80, true, "", ""},
    {"matchExpressions DoesNotExist", {{"user-b", "deny", kDenyIngress},
      {"user-b", "unlabelled", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchExpressions: [{key: platform.libplatform.io/role, operator: DoesNotExist}]\n"}},
     "kafka", "user-b", Protocol::kTcp, 80, false, "ingress", ""},
    {"egress allowed but ingress denied", {{"user-a", "deny", kDenyEgress}, {"user-b", "deny", kDenyIngress},
      {"user-a", "to-b", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: user-b}}\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "ingress", "user-a/to-b egress[0]"},
    {"both sides deny", {{"user-a", "deny", kDenyEgress}, {"user-b", "deny", kDenyIngress}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "egress and ingress", ""},
    {"policyTypes absent + egress rules: egress is isolated", {{"user-a", "implicit", "  podSelector: {}\n  egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n"}},
     "user-a", "user-b", Protocol::kTcp, 80, false, "egress", "implicit"},
    {"policies are additive", {{"user-b", "deny", kDenyIngress},
      {"user-b", "one", "  podSelector: {}\n  ingress:\n  - ports: [{port: 1}]\n"},
      {"user-b", "two", "  podSelector: {}\n  ingress:\n  - ports: [{port: 2}]\n"}},
     "user-a", "user-b", Protocol::kTcp, 2, true, "", "user-b/two"},
    {"SCTP is its own protocol", {{"user-b", "deny", kDenyIngress},
      {"user-b", "sctp", "  podSelector: {}\n  ingress:\n  - ports: [{port: 2905, protocol: SCTP}]\n"}},
     "user-a", "user-b", Protocol::kSctp, 2905, true, "", "user-b/sctp"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(isolation)

BOOST_AUTO_TEST_CASE(table_of_flows_with_known_answers) {
  for (const Case& c : kCases) {
    BOOST_TEST_CONTEXT(c.what) {
      t::NetworkView v = base();
      for (const auto& [ns, name, spec] : c.policies) v.policies.push_back(policy(ns, name, spec));
      auto r = t::can_reach(v, t::parse_endpoint(c.from), t::parse_endpoint(c.to), c.protocol, c.port);
      BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
      BOOST_TEST(r->allowed == c.allowed);
      BOOST_TEST(r->denied_by == std::string(c.denied_by));
      std::string all = r->egress + "\n" + r->ingress;
      for (const auto& s : r->reasons) all += "\n" + s;
      BOOST_TEST(all.find(c.mentions) != std::string::npos, "'" << c.mentions << "' not in:\n" << all);
    }
  }
}

BOOST_AUTO_TEST_CASE(port_sets_print_and_test_membership) {
  t::NetworkView v = base();
  v.policies.push_back(policy("user-a", "deny", kDenyEgress));
  v.policies.push_back(policy("user-a", "k", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: 9092}, {port: 9093}, {port: 53, protocol: UDP}]\n"));
  auto ps = t::reachable_ports(v, {"user-a", "", ""}, {"kafka", "", ""}).value();
  BOOST_TEST(ps.to_string() == "TCP 9092-9093; UDP 53");
  BOOST_TEST(ps.contains(Protocol::kTcp, 9093));
  BOOST_TEST(!ps.contains(Protocol::kUdp, 9092));
  BOOST_TEST(t::reachable_ports(v, {"user-b", "", ""}, {"kafka", "", ""}).value().is_all());
}

BOOST_AUTO_TEST_CASE(unknown_endpoints_are_named) {
  t::NetworkView v = base();
  auto r = t::can_reach(v, {"user-zed", "", ""}, {"kafka", "", ""}, Protocol::kTcp, 9092);
  BOOST_TEST(r.status().code() == platform::StatusCode::kNotFound);
  BOOST_TEST(r.status().message().find("user-zed") != std::string::npos);
  auto p = t::can_reach(v, {"user-a", "Deployment/nope", ""}, {"kafka", "", ""}, Protocol::kTcp, 9092);
  BOOST_TEST(p.status().message().find("pods: *") != std::string::npos, p.status().message());
  auto port = t::can_reach(v, {"user-a", "", ""}, {"kafka", "", ""}, Protocol::kTcp, 70000);
  BOOST_TEST(port.status().code() == platform::StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(class_matrix_equals_the_naive_matrix) {
  t::NetworkView v = base();
  for (int i = 0; i < 5; ++i) t::add_namespace(v, "user-t" + std::to_string(i), {{kRole, "tenant"}});
  for (const auto& ns : v.namespaces) {
    if (ns.labels.count(kRole) && ns.labels.at(kRole) == "tenant") {
      v.policies.push_back(policy(ns.name, "deny", kDenyAll));
      v.policies.push_back(policy(ns.name, "same", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from: [{podSelector: {}}]\n  egress:\n  - to: [{podSelector: {}}]\n"));
      v.policies.push_back(policy(ns.name, "platform", "  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {platform.libplatform.io/role: platform}}}]\n"));
    }
  }
  auto fast = t::matrix(v);
  auto naive = t::matrix(v, {.naive = true});
  BOOST_TEST((fast.cells == naive.cells));
  BOOST_TEST(fast.classes < naive.classes);
  BOOST_TEST(fast.cells.size() > 0u);
}

BOOST_AUTO_TEST_CASE(check_isolation_finds_cross_tenant_and_missing_flows) {
  t::NetworkView v = base();
  // No policies at all: tenants reach each other, and DNS etc. are open.
  auto open = t::check_isolation(v);
  BOOST_TEST(open.size() >= 1u);
  BOOST_TEST((open.front().kind == t::IsolationProblem::Kind::kCrossTenant));
  // Deny everything: tenants are isolated but reach nothing they need.
  t::add_namespace(v, "user-c", {{kRole, "tenant"}});
  t::add_namespace(v, "user-d", {{kRole, "tenant"}});
  for (const char* ns : {"user-a", "user-b", "user-c", "user-d"}) v.policies.push_back(policy(ns, "deny", kDenyAll));
  auto closed = t::check_isolation(v);
  std::size_t missing = 0;
  for (const auto& p : closed) {
    BOOST_TEST((p.kind == t::IsolationProblem::Kind::kMissingFlow));
    ++missing;
  }
  // Two classes ({user-a, user-c, user-d}; user-b with its db pod), each
  // missing kafka 9092/9093 and DNS UDP/TCP 53 (no rabbitmq namespace here).
  BOOST_TEST(missing == 8u);
  BOOST_TEST(closed.front().from == "user-a");
  BOOST_TEST(closed.front().affected == 3u);
  BOOST_TEST(closed.front().message.find("denied by egress") != std::string::npos, closed.front().message);
}

BOOST_AUTO_TEST_SUITE_END()
