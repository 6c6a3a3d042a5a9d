// SPDX-License-Identifier: Apache-2.0
#pragma once

// The NetworkPolicy evaluator behind platform/tenancy/isolation.hpp: port
// sets, addresses, selectors, one-side evaluation and namespace classes.

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "platform/tenancy/isolation.hpp"

namespace platform::tenancy::internal {

PortSet all_ports();
PortSet unite(PortSet a, const PortSet& b);
PortSet intersect(const PortSet& a, const PortSet& b);
/// "" and "TCP" -> TCP; case-insensitive; nullopt for anything else.
std::optional<Protocol> parse_protocol(std::string_view s);

/// An IPv6 address; IPv4 as ::ffff:a.b.c.d.
struct Address {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
};
struct Cidr {
  Address base;
  int prefix = 0;  // in IPv6 bits (IPv4 prefixes + 96)
  [[nodiscard]] bool contains(const Address& a) const;
};
std::optional<Address> parse_address(std::string_view text);
std::optional<Cidr> parse_cidr(std::string_view text);

/// Kubernetes label selector semantics; an empty selector matches all.
bool matches(const model::LabelSelector& s, const model::StringMap& labels);

/// Namespaces no selector of the view can tell apart.
struct Classes {
  std::vector<std::vector<std::size_t>> members;  // class -> namespace indexes (ascending)
  std::vector<std::size_t> of_namespace;          // namespace index -> class
};
Classes compute_classes(const NetworkView& view);

/// Evaluates flows over one view (which must outlive it).
class Analyzer {
 public:
  explicit Analyzer(const NetworkView& view);

  /// One end: a pod of a namespace, or an external address.
  struct Side {
    const NamespaceInfo* ns = nullptr;
    const Pod* pod = nullptr;
    const Address* address = nullptr;
  };
  struct Match {
    const model::NetworkPolicy* policy = nullptr;
    std::size_t rule = 0;
    PortSet ports;
  };
  struct SideResult {
    bool isolated = false;
    PortSet ports;                                   // what this side allows
    std::vector<const model::NetworkPolicy*> selecting;  // policies isolating this side
    std::vector<Match> matches;                      // rules whose peers match the other side
  };

  /// What `self`'s policies allow for traffic to (egress) or from (ingress) `other`.
  [[nodiscard]] SideResult evaluate(bool egress, const Side& self, const Side& other) const;
  /// Egress of `from` intersected with ingress of `to`.
  [[nodiscard]] PortSet pod_ports(const Side& from, const Side& to) const;
  /// Union over every pod pair.
  [[nodiscard]] PortSet namespace_ports(const NamespaceInfo& from, const NamespaceInfo& to) const;
  [[nodiscard]] PortSet external_ports(const NamespaceInfo& from, const Address& a) const;
  [[nodiscard]] const NamespaceInfo* find_namespace(std::string_view name) const;

 private:
  struct Block {
    const model::IpBlock* source = nullptr;
    Cidr cidr;
    std::vector<Cidr> except;
    bool valid = true;
  };
  struct Compiled {
    const model::NetworkPolicy* policy = nullptr;
    bool ingress = false;
    bool egress = false;
    std::vector<Block> cidrs;
  };
  static Block compile_block(const model::IpBlock& b);
  [[nodiscard]] const std::vector<Compiled>& policies_of(const std::string& ns) const;
  [[nodiscard]] bool block_matches(const Compiled& c, const model::IpBlock& b, const Address& a) const;
  [[nodiscard]] bool peer_matches(const Compiled& c, const model::NetworkPolicyPeer& peer, const Side& other) const;
  static PortSet rule_ports(const std::vector<model::NetworkPolicyPort>& ports, const Pod* destination);

  const NetworkView& view_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::unordered_map<std::string, std::vector<Compiled>> policies_;
};

}  // namespace platform::tenancy::internal

#include "internal/yaml_json.hpp"

namespace platform::tenancy::internal {

/// Adds one document (Namespace, NetworkPolicy, a workload, a v1 List) to
/// the view; other kinds are skipped. `document` (may be null) locates
/// errors. Errors: kInvalidArgument for a NetworkPolicy the model refuses.
Status add_document(NetworkView& view, const platform::internal::Json& doc,
                    const platform::internal::YamlDocument* document,
                    const platform::internal::YamlParseOptions& options);

/// Defaults every policy's namespace and adds the implicit namespaces.
void finish_view(NetworkView& view);

}  // namespace platform::tenancy::internal
