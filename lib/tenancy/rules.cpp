// SPDX-License-Identifier: Apache-2.0
// The tenancy promises as validate rules: `platformctl validate` fails when a
// tenant can reach another tenant, or cannot reach what every tenant needs.
#include "platform/tenancy/isolation.hpp"
#include "platform/tenancy/tenant.hpp"
#include "tenancy/network.hpp"
#include "validate/rules.hpp"

namespace platform::tenancy {
namespace {

using platform::internal::Document;
using platform::internal::DocumentSet;
using platform::internal::RuleReporter;

NetworkView view_of(const DocumentSet& set) {
  NetworkView view;
  platform::internal::YamlParseOptions options;
  for (const Document& d : set.documents()) {
    if (d.kustomization || d.value == nullptr) continue;
    if (d.kind != "Namespace" && d.kind != "NetworkPolicy" && d.kind != "Deployment" && d.kind != "StatefulSet" &&
        d.kind != "DaemonSet" && d.kind != "ReplicaSet" && d.kind != "Job" && d.kind != "CronJob" && d.kind != "Pod") {
      continue;
    }
    platform::internal::Json doc = *d.value;
    // The effective namespace (a kustomization may set it) wins.
    if (d.kind != "Namespace" && !d.namespace_.empty()) doc["metadata"]["namespace"] = d.namespace_;
    // A malformed policy is the schema check's finding, not this rule's.
    (void)internal::add_document(view, doc, nullptr, options);
  }
  internal::finish_view(view);
  return view;
}

bool has_tenants(const DocumentSet& set) {
  for (const Document* d : set.of_kind("Namespace")) {
    if (d->label(kRoleLabel) == kRoleTenant) return true;
  }
  return false;
}

// The tenant's Namespace document, else any document of the namespace.
const Document* anchor(const DocumentSet& set, const std::string& ns) {
  if (const Document* d = set.find("Namespace", "", ns)) return d;
  for (const Document& d : set.documents()) {
    if (d.namespace_ == ns) return &d;
  }
  return set.documents().empty() ? nullptr : &set.documents().front();
}

void check(const DocumentSet& set, RuleReporter& out, IsolationProblem::Kind kind) {
  if (!has_tenants(set)) return;
  const NetworkView view = view_of(set);
  for (const IsolationProblem& p : check_isolation(view)) {
    if (p.kind != kind) continue;
    if (const Document* d = anchor(set, p.from)) out.error(*d, "", p.message);
  }
}

const bool kCrossTenant = platform::internal::register_rule(
    {"tenant-isolation",
     "No tenant namespace (label platform.libplatform.io/role=tenant) can reach another tenant namespace on any port, "
     "by the NetworkPolicies evaluated with Kubernetes semantics.",
     [](const DocumentSet& set, RuleReporter& out) { check(set, out, IsolationProblem::Kind::kCrossTenant); }});

const bool kRequired = platform::internal::register_rule(
    {"tenant-egress",
     "Every tenant namespace can reach Kafka (kafka, TCP 9092 and 9093), RabbitMQ (rabbitmq, TCP 5672 and 15672) and "
     "DNS (kube-system, UDP and TCP 53), for the namespaces present in the set (kube-system always).",
     [](const DocumentSet& set, RuleReporter& out) { check(set, out, IsolationProblem::Kind::kMissingFlow); }});

}  // namespace
}  // namespace platform::tenancy
