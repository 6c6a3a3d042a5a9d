// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Network isolation analysis: what the NetworkPolicies of a rendered tree
/// allow, with Kubernetes semantics, without a cluster.
///
/// - Policies are additive. A pod selected by any policy whose policyTypes
///   include Ingress (Egress) is isolated for that direction: only what some
///   rule of those policies allows gets in (out). A pod no policy selects is
///   not isolated. policyTypes absent = Ingress, plus Egress when the policy
///   has egress rules.
/// - Traffic from pod A to pod B needs A's egress AND B's ingress.
/// - Peers: namespaceSelector (namespaces by label), podSelector alone
///   (pods of the policy's own namespace), both in one peer (pods matching
///   podSelector in namespaces matching namespaceSelector), ipBlock (CIDR
///   minus `except`; matches addresses outside the cluster only: pod-to-pod
///   traffic through an ipBlock is implementation-defined, so never counted).
///   matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
///   An empty selector matches everything; a rule with no peers matches
///   every peer, with no ports every port.
/// - Ports: protocol (TCP by default, UDP, SCTP), a number, a range up to
///   endPort, or a named port, resolved against the destination pod's
///   container ports (name and protocol).
/// - Every namespace holds the workloads the tree declares (Deployment,
///   StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod templates: their
///   labels and container ports) plus one unlabelled pod `*` standing for
///   every pod the tree does not show (operator-made brokers, a tenant's
///   integrations). Namespaces carry their labels plus
///   `kubernetes.io/metadata.name`, as the API server sets it. `kube-system`
///   is added when the tree does not declare it.
///
/// Namespace-to-namespace reachability on a port means: some pod of the
/// source can reach some pod of the destination on that port.
///
/// Scale: namespaces are grouped into classes that no selector of the tree
/// can tell apart (same matched namespaceSelectors, same policies, same
/// workloads); pairs of classes are evaluated once, so 1,000 identical
/// tenants cost about as much as one.
///
/// All functions are thread-safe (no shared state); a NetworkView is an
/// immutable value once built.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/model/core.hpp"
#include "platform/model/network_policy.hpp"
#include "platform/render/render.hpp"
#include "platform/status.hpp"

namespace platform::tenancy {

/// A transport protocol of a NetworkPolicy port.
enum class Protocol : unsigned char { kTcp, kUdp, kSctp };

/// "TCP", "UDP" or "SCTP".
PLATFORM_EXPORT const char* to_string(Protocol protocol) noexcept;

/// A pod (or a class of pods) as the analysis sees it.
struct Pod {
  std::string name;                         ///< "*" for the unlabelled pod, else "Deployment/backstage"
  model::StringMap labels;
  std::vector<model::ContainerPort> ports;  ///< named ports resolve against these
  bool operator==(const Pod&) const = default;
};

/// A namespace with its labels and pods.
struct NamespaceInfo {
  std::string name;
  model::StringMap labels;  ///< includes kubernetes.io/metadata.name
  std::vector<Pod> pods;    ///< the unlabelled pod "*" first
  bool operator==(const NamespaceInfo&) const = default;
};

/// What the analysis reads: namespaces, their pods, and every NetworkPolicy.
struct NetworkView {
  std::vector<NamespaceInfo> namespaces;        ///< sorted by name
  std::vector<model::NetworkPolicy> policies;   ///< metadata.namespace set on each
  bool operator==(const NetworkView&) const = default;
};

/// Builds the view from a rendered tree. Infallible for a tree render() made.
PLATFORM_EXPORT NetworkView network_view(const render::RenderedTree& tree);

/// Builds the view from a directory (walked for *.yaml / *.yml) or a file.
/// Documents of kinds the analysis does not use are skipped. A namespaced
/// object without metadata.namespace is taken to be in "default".
/// Errors: kNotFound when the path cannot be read; kInvalidArgument for
/// YAML that does not parse or a NetworkPolicy that is not well formed
/// (file:line:column and the field).
PLATFORM_EXPORT Result<NetworkView> load_network_view(const std::filesystem::path& path);

/// Adds a namespace, with its name label and the unlabelled pod, to `view`
/// unless it is there; returns it. For tests and what-if questions.
PLATFORM_EXPORT NamespaceInfo& add_namespace(NetworkView& view, const std::string& name,
                                             const model::StringMap& labels = {});

/// An inclusive range of ports of one protocol.
struct PortRange {
  Protocol protocol = Protocol::kTcp;
  int first = 1;
  int last = 65535;
  bool operator==(const PortRange&) const = default;
};

/// A set of ports: sorted, disjoint, merged ranges (TCP, then UDP, SCTP).
struct PortSet {
  std::vector<PortRange> ranges;
  [[nodiscard]] bool empty() const { return ranges.empty(); }
  /// True when `port` of `protocol` is in the set.
  [[nodiscard]] PLATFORM_EXPORT bool contains(Protocol protocol, int port) const;
  /// True when every port of every protocol is in the set.
  [[nodiscard]] PLATFORM_EXPORT bool is_all() const;
  /// "all", "none" or e.g. "TCP 443,5672,9092-9093; UDP 53".
  [[nodiscard]] PLATFORM_EXPORT std::string to_string() const;
  bool operator==(const PortSet&) const = default;
};

/// One end of a flow: a pod in a namespace, or an address outside the cluster.
struct Endpoint {
  std::string namespace_;  ///< "" when `address` is set
  std::string pod;         ///< a Pod::name; "" = any pod of the namespace
  std::string address;     ///< IPv4 or IPv6 address outside the cluster
  bool operator==(const Endpoint&) const = default;
};

/// Parses "user-alice", "user-alice/Deployment/web", or an address "8.8.8.8".
PLATFORM_EXPORT Endpoint parse_endpoint(const std::string& text);

/// The answer to "can `from` reach `to` on this port?".
struct Verdict {
  bool allowed = false;
  std::string from_pod;  ///< the pods the answer is about (the first allowed pair, else the first pair)
  std::string to_pod;
  /// Why the source may send: "user-alice/allow-egress-kafka egress[0] (to ..., port ...)"
  /// or "user-alice/* is not selected by any Egress policy". Empty when denied there.
  std::string egress;
  /// Why the destination may receive, the same way. Empty when denied there.
  std::string ingress;
  /// When denied: "egress", "ingress" or "egress and ingress".
  std::string denied_by;
  /// When denied: which policies isolate the side(s) that deny and why none
  /// of their rules matches (e.g. "rule ports are TCP 53, UDP 53; asked UDP 54").
  std::vector<std::string> reasons;
  bool operator==(const Verdict&) const = default;
};

/// Evaluates one flow on `port` of `protocol`. When an endpoint names a
/// namespace without a pod, every pod pair is tried and the first allowed
/// one is reported. Errors: kNotFound for an unknown namespace or pod;
/// kInvalidArgument for a bad address or port, or two external endpoints.
PLATFORM_EXPORT Result<Verdict> can_reach(const NetworkView& view, const Endpoint& from, const Endpoint& to,
                                          Protocol protocol, int port);

/// Every port `from` may use to reach `to` (some pod to some pod).
/// Errors as can_reach().
PLATFORM_EXPORT Result<PortSet> reachable_ports(const NetworkView& view, const Endpoint& from, const Endpoint& to);

/// One non-empty cell of the reachability matrix.
struct Reach {
  std::string from;  ///< namespace
  std::string to;    ///< namespace, or "external" (a public address)
  PortSet ports;
  bool operator==(const Reach&) const = default;
};

/// What matrix() computes.
struct MatrixOptions {
  /// The public address that stands for "outside the cluster".
  std::string external_address = "1.1.1.1";
  /// Evaluate every namespace pair on its own instead of once per pair of
  /// equivalence classes (the naive baseline; same result, quadratic).
  bool naive = false;
};

/// Namespace-to-namespace reachability.
struct Matrix {
  std::vector<std::string> namespaces;  ///< sorted
  std::vector<Reach> cells;             ///< only pairs with some port; sorted by from, to
  std::size_t classes = 0;              ///< equivalence classes of namespaces found
  bool operator==(const Matrix&) const = default;
};

/// The full reachability matrix of the view.
PLATFORM_EXPORT Matrix matrix(const NetworkView& view, const MatrixOptions& options = {});

/// The matrix as a table ("FROM  TO  PORTS"), or JSON/YAML with `format`
/// "json" / "yaml".
PLATFORM_EXPORT std::string to_text(const Matrix& matrix, const std::string& format = "table");

/// A flow every tenant must have.
struct RequiredFlow {
  std::string namespace_;
  Protocol protocol = Protocol::kTcp;
  int port = 0;
  bool operator==(const RequiredFlow&) const = default;
};

/// The seed's: kafka TCP 9092 and 9093, rabbitmq TCP 5672 and 15672,
/// kube-system UDP 53 and TCP 53.
PLATFORM_EXPORT std::vector<RequiredFlow> seed_required_flows();

/// One broken isolation promise.
struct IsolationProblem {
  enum class Kind : unsigned char {
    kCrossTenant,   ///< a tenant reaches another tenant
    kMissingFlow,   ///< a tenant cannot reach a required service
  } kind = Kind::kCrossTenant;
  std::string from;      ///< the tenant namespace (one example of its class)
  std::string to;
  std::size_t affected = 1;  ///< how many (from, to) namespace pairs share the problem
  std::string message;       ///< what is wrong, which policy allows or denies it, what to do
  bool operator==(const IsolationProblem&) const = default;
};

/// Checks the tenancy promises over the view: no tenant namespace
/// (label platform.libplatform.io/role=tenant) reaches another on any port,
/// and every tenant reaches each required flow whose namespace exists.
PLATFORM_EXPORT std::vector<IsolationProblem> check_isolation(const NetworkView& view,
                                                             const std::vector<RequiredFlow>& required =
                                                                 seed_required_flows());

}  // namespace platform::tenancy
