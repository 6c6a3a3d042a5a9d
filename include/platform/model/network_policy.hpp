// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// networking.k8s.io/v1 NetworkPolicy, complete: pod selector, policy types,
/// ingress and egress rules with peers (namespaceSelector, podSelector,
/// ipBlock with except) and ports (protocol, number or name, endPort).
///
/// Semantics worth keeping in mind when evaluating a policy:
/// - an absent selector (`std::nullopt`) and an empty selector (`LabelSelector{}`)
///   differ: empty selects everything, absent constrains nothing on that side;
/// - a peer with both namespace_selector and pod_selector means "pods matching
///   pod_selector in namespaces matching namespace_selector";
/// - a rule with no peers matches every peer; a rule with no ports matches
///   every port; a policy type listed with no rules denies that direction.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// `ipBlock`: a CIDR minus some sub-ranges.
struct IpBlock {
  std::string cidr;                 ///< e.g. "0.0.0.0/0"
  std::vector<std::string> except;  ///< CIDRs inside `cidr` to exclude
  bool operator==(const IpBlock&) const = default;
};

/// One `from`/`to` item. Set exactly one of ip_block or the selectors.
struct NetworkPolicyPeer {
  std::optional<LabelSelector> pod_selector;
  std::optional<LabelSelector> namespace_selector;
  std::optional<IpBlock> ip_block;
  bool operator==(const NetworkPolicyPeer&) const = default;
};

/// One `ports` item. No port = every port of the protocol.
struct NetworkPolicyPort {
  std::string protocol;              ///< "TCP", "UDP", "SCTP"; "" = TCP
  std::optional<IntOrString> port;   ///< number or named container port
  std::optional<int> end_port;       ///< range port..end_port (numbers only)
  bool operator==(const NetworkPolicyPort&) const = default;
};

/// An ingress rule: traffic from any of `from` to any of `ports`.
struct NetworkPolicyIngressRule {
  std::vector<NetworkPolicyPeer> from;
  std::vector<NetworkPolicyPort> ports;
  bool operator==(const NetworkPolicyIngressRule&) const = default;
};

/// An egress rule: traffic to any of `to` on any of `ports`.
struct NetworkPolicyEgressRule {
  std::vector<NetworkPolicyPeer> to;
  std::vector<NetworkPolicyPort> ports;
  bool operator==(const NetworkPolicyEgressRule&) const = default;
};

/// NetworkPolicy `spec`.
struct NetworkPolicySpec {
  LabelSelector pod_selector;              ///< always written; {} = every pod of the namespace
  std::vector<std::string> policy_types;   ///< "Ingress", "Egress"
  std::vector<NetworkPolicyIngressRule> ingress;
  std::vector<NetworkPolicyEgressRule> egress;
  bool operator==(const NetworkPolicySpec&) const = default;
};

/// networking.k8s.io/v1 NetworkPolicy.
struct NetworkPolicy {
  static constexpr std::string_view kApiVersion = "networking.k8s.io/v1";
  static constexpr std::string_view kKind = "NetworkPolicy";
  ObjectMeta metadata;
  NetworkPolicySpec spec;
  bool operator==(const NetworkPolicy&) const = default;
};

}  // namespace platform::model
