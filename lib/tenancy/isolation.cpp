// SPDX-License-Identifier: Apache-2.0
#include "platform/tenancy/isolation.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "internal/yaml_json.hpp"
#include "model/json.hpp"
#include "platform/tenancy/tenant.hpp"
#include "tenancy/files.hpp"
#include "tenancy/network.hpp"

namespace platform::tenancy {

using model::LabelSelector;
using model::NetworkPolicy;
using model::NetworkPolicyPeer;
using model::NetworkPolicyPort;

const char* to_string(Protocol protocol) noexcept {
  switch (protocol) {
    case Protocol::kTcp: return "TCP";
    case Protocol::kUdp: return "UDP";
    case Protocol::kSctp: return "SCTP";
  }
  return "TCP";
}

// ---- PortSet ----------------------------------------------------------------

namespace internal_ports {

void normalize(PortSet& s) {
  auto& r = s.ranges;
  std::sort(r.begin(), r.end(), [](const PortRange& a, const PortRange& b) {
    return std::tie(a.protocol, a.first, a.last) < std::tie(b.protocol, b.first, b.last);
  });
  std::vector<PortRange> out;
  for (const PortRange& x : r) {
    if (!out.empty() && out.back().protocol == x.protocol && x.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, x.last);
    } else {
      out.push_back(x);
    }
  }
  r = std::move(out);
}

}  // namespace internal_ports

bool PortSet::contains(Protocol protocol, int port) const {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const PortRange& r) { return r.protocol == protocol && r.first <= port && port <= r.last; });
}

bool PortSet::is_all() const {
  return ranges.size() == 3 && std::all_of(ranges.begin(), ranges.end(), [](const PortRange& r) {
           return r.first == 1 && r.last == 65535;
         });
}

std::string PortSet::to_string() const {
  if (ranges.empty()) return "none";
  if (is_all()) return "all";
  std::string out;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const PortRange& r = ranges[i];
    const bool first_of_protocol = i == 0 || ranges[i - 1].protocol != r.protocol;
    if (first_of_protocol) out += std::string(out.empty() ? "" : "; ") + tenancy::to_string(r.protocol) + " ";
    else out += ",";
    if (r.first == 1 && r.last == 65535) out += "all";
    else if (r.first == r.last) out += std::to_string(r.first);
    else out += std::to_string(r.first) + "-" + std::to_string(r.last);
  }
  return out;
}

namespace internal {

PortSet all_ports() {
  return PortSet{{{Protocol::kTcp, 1, 65535}, {Protocol::kUdp, 1, 65535}, {Protocol::kSctp, 1, 65535}}};
}

PortSet unite(PortSet a, const PortSet& b) {
  if (b.empty()) return a;
  a.ranges.insert(a.ranges.end(), b.ranges.begin(), b.ranges.end());
  internal_ports::normalize(a);
  return a;
}

PortSet intersect(const PortSet& a, const PortSet& b) {
  PortSet out;
  for (const PortRange& x : a.ranges) {
    for (const PortRange& y : b.ranges) {
      if (x.protocol != y.protocol) continue;
      int lo = std::max(x.first, y.first);
      int hi = std::min(x.last, y.last);
      if (lo <= hi) out.ranges.push_back({x.protocol, lo, hi});
    }
  }
  internal_ports::normalize(out);
  return out;
}

std::optional<Protocol> parse_protocol(std::string_view s) {
  std::string u;
  for (char c : s) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u.empty() || u == "TCP") return Protocol::kTcp;
  if (u == "UDP") return Protocol::kUdp;
  if (u == "SCTP") return Protocol::kSctp;
  return std::nullopt;
}

// ---- addresses --------------------------------------------------------------

std::optional<Address> parse_address(std::string_view text) {
  Address a{};
  std::string s(text);
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &v4, 4);
    a.v4 = true;
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    return a;
  }
  return std::nullopt;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto addr = parse_address(text.substr(0, slash));
  if (!addr) return std::nullopt;
  std::string_view bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int prefix = std::stoi(std::string(bits));
  if (prefix > (addr->v4 ? 32 : 128)) return std::nullopt;
  return Cidr{*addr, addr->v4 ? prefix + 96 : prefix};
}

bool Cidr::contains(const Address& a) const {
  int bits = prefix;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((a.bytes[static_cast<std::size_t>(i)] & mask) != (base.bytes[static_cast<std::size_t>(i)] & mask)) return false;
  }
  return true;
}

// ---- selectors --------------------------------------------------------------

bool matches(const LabelSelector& s, const model::StringMap& labels) {
  for (const auto& [k, v] : s.match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& e : s.match_expressions) {
    auto it = labels.find(e.key);
    const bool has = it != labels.end();
    const bool in = has && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
    if (e.operator_ == "In" && !in) return false;
    if (e.operator_ == "NotIn" && in) return false;
    if (e.operator_ == "Exists" && !has) return false;
    if (e.operator_ == "DoesNotExist" && has) return false;
  }
  return true;
}

// ---- evaluation -------------------------------------------------------------

Analyzer::Analyzer(const NetworkView& view) : view_(view) {
  for (std::size_t i = 0; i < view.namespaces.size(); ++i) by_name_.emplace(view.namespaces[i].name, i);
  for (const NetworkPolicy& p : view.policies) {
    Compiled c;
    c.policy = &p;
    const auto& types = p.spec.policy_types;
    if (types.empty()) {
      c.ingress = true;
      c.egress = !p.spec.egress.empty();
    } else {
      c.ingress = std::find(types.begin(), types.end(), "Ingress") != types.end();
      c.egress = std::find(types.begin(), types.end(), "Egress") != types.end();
    }
    for (const auto& r : p.spec.egress) {
      for (const auto& peer : r.to) {
        if (peer.ip_block) c.cidrs.push_back(compile_block(*peer.ip_block));
      }
    }
    for (const auto& r : p.spec.ingress) {
      for (const auto& peer : r.from) {
        if (peer.ip_block) c.cidrs.push_back(compile_block(*peer.ip_block));
      }
    }
    policies_[p.metadata.namespace_].push_back(std::move(c));
  }
}

Analyzer::Block Analyzer::compile_block(const model::IpBlock& b) {
  Block out;
  out.source = &b;
  if (auto c = parse_cidr(b.cidr)) out.cidr = *c;
  else out.valid = false;
  for (const auto& e : b.except) {
    if (auto c = parse_cidr(e)) out.except.push_back(*c);
  }
  return out;
}

const NamespaceInfo* Analyzer::find_namespace(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &view_.namespaces[it->second];
}

const std::vector<Analyzer::Compiled>& Analyzer::policies_of(const std::string& ns) const {
  static const std::vector<Compiled> kNone;
  auto it = policies_.find(ns);
  return it == policies_.end() ? kNone : it->second;
}

bool Analyzer::block_matches(const Compiled& c, const model::IpBlock& b, const Address& a) const {
  for (const Block& blk : c.cidrs) {
    if (blk.source != &b) continue;
    if (!blk.valid || !blk.cidr.contains(a)) return false;
    return std::none_of(blk.except.begin(), blk.except.end(), [&](const Cidr& e) { return e.contains(a); });
  }
  return false;
}

bool Analyzer::peer_matches(const Compiled& c, const NetworkPolicyPeer& peer, const Side& other) const {
  if (peer.ip_block) return other.address != nullptr && block_matches(c, *peer.ip_block, *other.address);
  if (other.address != nullptr) return false;
  if (peer.namespace_selector) {
    if (!matches(*peer.namespace_selector, other.ns->labels)) return false;
  } else if (other.ns->name != c.policy->metadata.namespace_) {
    return false;  // podSelector alone: pods of the policy's own namespace
  }
  return !peer.pod_selector || matches(*peer.pod_selector, other.pod->labels);
}

PortSet Analyzer::rule_ports(const std::vector<NetworkPolicyPort>& ports, const Pod* destination) {
  if (ports.empty()) return all_ports();
  PortSet out;
  for (const NetworkPolicyPort& p : ports) {
    const Protocol proto = parse_protocol(p.protocol).value_or(Protocol::kTcp);
    if (!p.port) {
      out.ranges.push_back({proto, 1, 65535});
    } else if (p.port->is_int()) {
      const int first = static_cast<int>(p.port->as_int());
      const int last = p.end_port && *p.end_port >= first ? *p.end_port : first;
      out.ranges.push_back({proto, first, last});
    } else if (destination != nullptr) {
      // A named port is the destination pod's container port of that name and protocol.
      for (const auto& cp : destination->ports) {
        if (cp.name == p.port->as_string() && parse_protocol(cp.protocol).value_or(Protocol::kTcp) == proto) {
          out.ranges.push_back({proto, cp.container_port, cp.container_port});
        }
      }
    }
  }
  internal_ports::normalize(out);
  return out;
}

Analyzer::SideResult Analyzer::evaluate(bool egress, const Side& self, const Side& other) const {
  SideResult out;
  const Pod* destination = egress ? other.pod : self.pod;
  for (const Compiled& c : policies_of(self.ns->name)) {
    if (!(egress ? c.egress : c.ingress)) continue;
    if (!matches(c.policy->spec.pod_selector, self.pod->labels)) continue;
    out.isolated = true;
    out.selecting.push_back(c.policy);
    const std::size_t n = egress ? c.policy->spec.egress.size() : c.policy->spec.ingress.size();
    for (std::size_t i = 0; i < n; ++i) {
      const auto& peers = egress ? c.policy->spec.egress[i].to : c.policy->spec.ingress[i].from;
      const auto& ports = egress ? c.policy->spec.egress[i].ports : c.policy->spec.ingress[i].ports;
      bool peer_ok = peers.empty() ||
                     std::any_of(peers.begin(), peers.end(), [&](const NetworkPolicyPeer& p) { return peer_matches(c, p, other); });
      if (!peer_ok) continue;
      PortSet ps = rule_ports(ports, destination);
      out.ports = unite(std::move(out.ports), ps);
      out.matches.push_back({c.policy, i, std::move(ps)});
    }
  }
  if (!out.isolated) out.ports = all_ports();
  return out;
}

PortSet Analyzer::pod_ports(const Side& from, const Side& to) const {
  PortSet e = from.address ? all_ports() : evaluate(true, from, to).ports;
  if (e.empty()) return e;
  PortSet i = to.address ? all_ports() : evaluate(false, to, from).ports;
  return intersect(e, i);
}

PortSet Analyzer::namespace_ports(const NamespaceInfo& from, const NamespaceInfo& to) const {
  PortSet out;
  for (const Pod& p : from.pods) {
    for (const Pod& q : to.pods) out = unite(std::move(out), pod_ports({&from, &p, nullptr}, {&to, &q, nullptr}));
  }
  return out;
}

PortSet Analyzer::external_ports(const NamespaceInfo& from, const Address& a) const {
  PortSet out;
  for (const Pod& p : from.pods) out = unite(std::move(out), pod_ports({&from, &p, nullptr}, {nullptr, nullptr, &a}));
  return out;
}

// ---- equivalence classes ----------------------------------------------------

namespace {

void append_selector(std::string& key, const LabelSelector& s) {
  for (const auto& [k, v] : s.match_labels) key += k + "=" + v + ",";
  key += "|";
  for (const auto& e : s.match_expressions) {
    key += e.key + " " + e.operator_ + " ";
    for (const auto& v : e.values) key += v + ",";
    key += ";";
  }
}

// What makes two namespaces' policies the same, wherever they live.
std::string policy_key(const NetworkPolicy& p) {
  std::string key = p.metadata.name + "#";
  append_selector(key, p.spec.pod_selector);
  for (const auto& t : p.spec.policy_types) key += t + ",";
  auto peers = [&](const std::vector<NetworkPolicyPeer>& v) {
    for (const auto& peer : v) {
      key += "P";
      if (peer.pod_selector) append_selector(key, *peer.pod_selector);
      key += "/";
      if (peer.namespace_selector) append_selector(key, *peer.namespace_selector);
      key += "/";
      if (peer.ip_block) {
        key += peer.ip_block->cidr + "-";
        for (const auto& e : peer.ip_block->except) key += e + ",";
      }
    }
  };
  auto ports = [&](const std::vector<NetworkPolicyPort>& v) {
    for (const auto& p : v) {
      key += "p" + p.protocol + ":";
      if (p.port) key += p.port->is_int() ? std::to_string(p.port->as_int()) : "n" + p.port->as_string();
      if (p.end_port) key += "-" + std::to_string(*p.end_port);
    }
  };
  for (const auto& r : p.spec.ingress) { key += "I"; peers(r.from); ports(r.ports); }
  for (const auto& r : p.spec.egress) { key += "E"; peers(r.to); ports(r.ports); }
  return key;
}

std::string pods_key(const NamespaceInfo& ns) {
  std::string key;
  for (const Pod& p : ns.pods) {
    key += p.name + "{";
    for (const auto& [k, v] : p.labels) key += k + "=" + v + ",";
    for (const auto& cp : p.ports) key += cp.name + ":" + std::to_string(cp.container_port) + "/" + cp.protocol + ",";
    key += "}";
  }
  return key;
}

}  // namespace

Classes compute_classes(const NetworkView& view) {
  // Every namespaceSelector of every peer: namespaces that match the same
  // ones cannot be told apart by any policy.
  std::vector<const LabelSelector*> selectors;
  std::set<std::string> seen;
  std::map<std::string, std::string> policies_by_ns;
  for (const NetworkPolicy& p : view.policies) {
    auto add = [&](const std::vector<NetworkPolicyPeer>& peers) {
      for (const auto& peer : peers) {
        if (!peer.namespace_selector) continue;
        std::string k;
        append_selector(k, *peer.namespace_selector);
        if (seen.insert(k).second) selectors.push_back(&*peer.namespace_selector);
      }
    };
    for (const auto& r : p.spec.ingress) add(r.from);
    for (const auto& r : p.spec.egress) add(r.to);
    policies_by_ns[p.metadata.namespace_] += policy_key(p) + "\n";
  }
  Classes out;
  out.of_namespace.resize(view.namespaces.size());
  std::unordered_map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < view.namespaces.size(); ++i) {
    const NamespaceInfo& ns = view.namespaces[i];
    std::string key;
    key.reserve(selectors.size() + 64);
    for (const LabelSelector* s : selectors) key += matches(*s, ns.labels) ? '1' : '0';
    // The role is what check_isolation() asks of a class, so it splits classes too.
    auto role = ns.labels.find(std::string(kRoleLabel));
    key += "\n" + (role == ns.labels.end() ? std::string() : role->second) + "\n";
    auto it = policies_by_ns.find(ns.name);
    if (it != policies_by_ns.end()) key += it->second;
    key += pods_key(ns);
    auto [pos, inserted] = ids.emplace(std::move(key), out.members.size());
    if (inserted) out.members.emplace_back();
    out.members[pos->second].push_back(i);
    out.of_namespace[i] = pos->second;
  }
  return out;
}

}  // namespace internal

using internal::Analyzer;

// ---- building views ---------------------------------------------------------

NamespaceInfo& add_namespace(NetworkView& view, const std::string& name, const model::StringMap& labels) {
  auto it = std::lower_bound(view.namespaces.begin(), view.namespaces.end(), name,
                             [](const NamespaceInfo& n, const std::string& s) { return n.name < s; });
  if (it != view.namespaces.end() && it->name == name) {
    for (const auto& [k, v] : labels) it->labels[k] = v;
    return *it;
  }
  NamespaceInfo ns{name, labels, {Pod{"*", {}, {}}}};
  ns.labels[std::string(kNamespaceNameLabel)] = name;
  return *view.namespaces.insert(it, std::move(ns));
}

namespace {

void add_pod(NetworkView& view, const std::string& ns, Pod pod) {
  add_namespace(view, ns).pods.push_back(std::move(pod));
}

Pod pod_of(const std::string& kind, const std::string& name, const model::PodTemplateSpec& t) {
  Pod p{kind + "/" + name, t.metadata.labels, {}};
  for (const auto& c : t.spec.containers) p.ports.insert(p.ports.end(), c.ports.begin(), c.ports.end());
  return p;
}

std::string ns_or_default(const std::string& ns) { return ns.empty() ? "default" : ns; }

void finish(NetworkView& view) {
  add_namespace(view, "kube-system");
  for (auto& p : view.policies) p.metadata.namespace_ = ns_or_default(p.metadata.namespace_);
  for (const auto& p : view.policies) add_namespace(view, p.metadata.namespace_);
}

}  // namespace

NetworkView network_view(const render::RenderedTree& tree) {
  NetworkView view;
  for (const render::Manifest& m : tree.manifests) {
    const model::Resource& r = m.resource;
    if (const auto* n = r.get_if<model::Namespace>()) {
      add_namespace(view, n->metadata.name, n->metadata.labels);
    } else if (const auto* p = r.get_if<model::NetworkPolicy>()) {
      view.policies.push_back(*p);
    } else if (const auto* d = r.get_if<model::Deployment>()) {
      add_pod(view, ns_or_default(d->metadata.namespace_), pod_of("Deployment", d->metadata.name, d->spec.template_));
    } else if (const auto* s = r.get_if<model::StatefulSet>()) {
      add_pod(view, ns_or_default(s->metadata.namespace_), pod_of("StatefulSet", s->metadata.name, s->spec.template_));
    }
  }
  finish(view);
  return view;
}

namespace {

model::StringMap string_map(const platform::internal::Json* j) {
  model::StringMap out;
  if (j == nullptr || !j->is_object()) return out;
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

const platform::internal::Json* at(const platform::internal::Json& j, std::initializer_list<const char*> path) {
  const platform::internal::Json* v = &j;
  for (const char* k : path) {
    if (!v->is_object()) return nullptr;
    auto it = v->find(k);
    if (it == v->end()) return nullptr;
    v = &*it;
  }
  return v;
}

std::string str(const platform::internal::Json* j) { return j != nullptr && j->is_string() ? j->get<std::string>() : ""; }

Pod pod_from_json(const std::string& name, const platform::internal::Json& pod_template) {
  Pod p{name, string_map(at(pod_template, {"metadata", "labels"})), {}};
  const auto* containers = at(pod_template, {"spec", "containers"});
  if (containers == nullptr || !containers->is_array()) return p;
  for (const auto& c : *containers) {
    const auto* ports = at(c, {"ports"});
    if (ports == nullptr || !ports->is_array()) continue;
    for (const auto& port : *ports) {
      const auto* number = at(port, {"containerPort"});
      p.ports.push_back({str(at(port, {"name"})), number != nullptr && number->is_number_integer() ? number->get<int>() : 0,
                         str(at(port, {"protocol"}))});
    }
  }
  return p;
}

}  // namespace

namespace internal {

Status add_document(NetworkView& view, const platform::internal::Json& doc, const platform::internal::YamlDocument* yd,
                    const platform::internal::YamlParseOptions& options) {
  if (!doc.is_object()) return {};
  const std::string kind = str(at(doc, {"kind"}));
  if (kind == "List") {
    const auto* items = at(doc, {"items"});
    if (items != nullptr && items->is_array()) {
      for (const auto& item : *items) PLATFORM_RETURN_IF_ERROR(add_document(view, item, yd, options));
    }
    return {};
  }
  const std::string name = str(at(doc, {"metadata", "name"}));
  const std::string ns = ns_or_default(str(at(doc, {"metadata", "namespace"})));
  if (kind == "Namespace") {
    add_namespace(view, name, string_map(at(doc, {"metadata", "labels"})));
  } else if (kind == "NetworkPolicy") {
    auto r = model::from_json_value(doc, yd, options);
    if (!r.ok()) return r.status();
    view.policies.push_back(*r->get_if<NetworkPolicy>());
    view.policies.back().metadata.namespace_ = ns;
  } else if (kind == "Pod") {
    add_pod(view, ns, pod_from_json("Pod/" + name, doc));
  } else if (kind == "CronJob") {
    if (const auto* t = at(doc, {"spec", "jobTemplate", "spec", "template"})) add_pod(view, ns, pod_from_json(kind + "/" + name, *t));
  } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
             kind == "Job") {
    if (const auto* t = at(doc, {"spec", "template"})) add_pod(view, ns, pod_from_json(kind + "/" + name, *t));
  }
  return {};
}

void finish_view(NetworkView& view) { finish(view); }

}  // namespace internal

Result<NetworkView> load_network_view(const std::filesystem::path& path) {
  NetworkView view;
  PLATFORM_RETURN_IF_ERROR(internal::for_each_document(
      path, [&](const std::filesystem::path&, const platform::internal::YamlDocument& d,
                const platform::internal::YamlParseOptions& options) {
        return internal::add_document(view, d.value, &d, options);
      }));
  finish(view);
  return view;
}

// ---- queries ----------------------------------------------------------------

Endpoint parse_endpoint(const std::string& text) {
  if (internal::parse_address(text)) return Endpoint{"", "", text};
  auto slash = text.find('/');
  if (slash == std::string::npos) return Endpoint{text, "", ""};
  return Endpoint{text.substr(0, slash), text.substr(slash + 1), ""};
}

namespace {

struct Resolved {
  const NamespaceInfo* ns = nullptr;
  std::vector<const Pod*> pods;
  std::optional<internal::Address> address;
};

Result<Resolved> resolve(const Analyzer& a, const Endpoint& e, const char* role) {
  Resolved r;
  if (!e.address.empty()) {
    r.address = internal::parse_address(e.address);
    if (!r.address) return invalid_argument(std::string(role) + " address '" + e.address + "' is not an IPv4 or IPv6 address");
    return r;
  }
  r.ns = a.find_namespace(e.namespace_);
  if (r.ns == nullptr) {
    return not_found(std::string(role) + " namespace '" + e.namespace_ +
                     "' is not in the rendered tree; `platformctl policy matrix DIR` lists the namespaces");
  }
  for (const Pod& p : r.ns->pods) {
    if (e.pod.empty() || p.name == e.pod) r.pods.push_back(&p);
  }
  if (r.pods.empty()) {
    std::string known;
    for (const Pod& p : r.ns->pods) known += (known.empty() ? "" : ", ") + p.name;
    return not_found(std::string(role) + " pod '" + e.pod + "' is not in namespace " + e.namespace_ + " (pods: " + known + ")");
  }
  return r;
}

std::string side_name(const Analyzer::Side& s) {
  if (s.address != nullptr) return "external address";
  return s.ns->name + "/" + s.pod->name;
}

std::string rule_ref(const NetworkPolicy& p, bool egress, std::size_t i) {
  return p.metadata.namespace_ + "/" + p.metadata.name + " " + (egress ? "egress[" : "ingress[") + std::to_string(i) + "]";
}

// Explains one side of a flow: why it allows, or the reasons it denies.
bool explain(const Analyzer& a, bool egress, const Analyzer::Side& self, const Analyzer::Side& other, Protocol proto,
             int port, std::string& allowed_by, std::vector<std::string>& reasons) {
  auto r = a.evaluate(egress, self, other);
  const char* type = egress ? "Egress" : "Ingress";
  if (!r.isolated) {
    allowed_by = side_name(self) + " is not selected by any " + type + " policy (not isolated)";
    return true;
  }
  for (const auto& m : r.matches) {
    if (m.ports.contains(proto, port)) {
      allowed_by = rule_ref(*m.policy, egress, m.rule) + " allows " + side_name(other) + " on " + m.ports.to_string();
      return true;
    }
  }
  std::string names;
  for (const auto* p : r.selecting) names += (names.empty() ? "" : ", ") + p->metadata.name;
  std::string asked = std::string(to_string(proto)) + " " + std::to_string(port);
  reasons.push_back(std::string(egress ? "egress" : "ingress") + ": " + side_name(self) + " is isolated for " + type +
                    " by " + names + " (in " + self.ns->name + ") and no rule allows " +
                    (egress ? "to " : "from ") + side_name(other) + " on " + asked);
  if (r.matches.empty()) {
    reasons.push_back(std::string("  no ") + (egress ? "egress" : "ingress") + " rule's peers match " + side_name(other));
  }
  for (const auto& m : r.matches) {
    reasons.push_back("  " + rule_ref(*m.policy, egress, m.rule) + " matches " + side_name(other) + " but allows only " +
                      m.ports.to_string());
  }
  return false;
}

// Both ends resolved to the pods (or the address) a query is about.
struct Ends {
  Resolved src, dst;
  std::vector<Analyzer::Side> sources, destinations;
};

Result<Ends> resolve_ends(const Analyzer& a, const Endpoint& from, const Endpoint& to) {
  Ends e;
  auto src = resolve(a, from, "source");
  if (!src.ok()) return src.status();
  auto dst = resolve(a, to, "destination");
  if (!dst.ok()) return dst.status();
  if (src->address && dst->address) return invalid_argument("both ends are external addresses; name a namespace on one side");
  e.src = std::move(*src);
  e.dst = std::move(*dst);
  return e;
}

// Sides point into `e`, so they are made where `e` stays put.
void add_sides(Ends& e) {
  if (e.src.address) e.sources.push_back({nullptr, nullptr, &*e.src.address});
  for (const Pod* p : e.src.pods) e.sources.push_back({e.src.ns, p, nullptr});
  if (e.dst.address) e.destinations.push_back({nullptr, nullptr, &*e.dst.address});
  for (const Pod* p : e.dst.pods) e.destinations.push_back({e.dst.ns, p, nullptr});
}

}  // namespace

Result<Verdict> can_reach(const NetworkView& view, const Endpoint& from, const Endpoint& to, Protocol protocol, int port) {
  if (port < 1 || port > 65535) return invalid_argument("port " + std::to_string(port) + " is not in 1-65535");
  Analyzer a(view);
  auto ends = resolve_ends(a, from, to);
  if (!ends.ok()) return ends.status();
  Ends& e = *ends;
  add_sides(e);
  const auto& sources = e.sources;
  const auto& destinations = e.destinations;

  std::optional<Verdict> first;
  for (const auto& s : sources) {
    for (const auto& d : destinations) {
      Verdict v;
      v.from_pod = side_name(s);
      v.to_pod = side_name(d);
      std::vector<std::string> reasons;
      bool e = s.address != nullptr || explain(a, true, s, d, protocol, port, v.egress, reasons);
      if (s.address != nullptr) v.egress = "external source: no egress policy applies";
      bool i = d.address != nullptr || explain(a, false, d, s, protocol, port, v.ingress, reasons);
      if (d.address != nullptr) v.ingress = "external destination: no ingress policy applies";
      v.allowed = e && i;
      if (v.allowed) return v;
      v.denied_by = !e && !i ? "egress and ingress" : (!e ? "egress" : "ingress");
      v.reasons = std::move(reasons);
      if (!first) first = std::move(v);
    }
  }
  return *first;
}

Result<PortSet> reachable_ports(const NetworkView& view, const Endpoint& from, const Endpoint& to) {
  Analyzer a(view);
  auto ends = resolve_ends(a, from, to);
  if (!ends.ok()) return ends.status();
  add_sides(*ends);
  PortSet out;
  for (const auto& s : ends->sources) {
    for (const auto& d : ends->destinations) out = internal::unite(std::move(out), a.pod_ports(s, d));
  }
  return out;
}

namespace {

// The matrix from one evaluation per pair of namespace classes.
void class_cells(const Analyzer& a, const NetworkView& view, const std::optional<internal::Address>& external, Matrix& m) {
  const auto& nss = view.namespaces;
  const internal::Classes classes = internal::compute_classes(view);
  m.classes = classes.members.size();
  const std::size_t k = classes.members.size();
  // Per class pair: ports between two different namespaces, and (same
  // class) within one namespace.
  std::vector<PortSet> cross(k * k), self(k), ext(k);
  for (std::size_t x = 0; x < k; ++x) {
    const auto& mx = classes.members[x];
    const NamespaceInfo& rep = nss[mx[0]];
    self[x] = a.namespace_ports(rep, rep);
    if (external) ext[x] = a.external_ports(rep, *external);
    for (std::size_t y = 0; y < k; ++y) {
      const auto& my = classes.members[y];
      if (x == y && my.size() < 2) continue;
      cross[x * k + y] = a.namespace_ports(rep, nss[x == y ? my[1] : my[0]]);
    }
  }
  for (std::size_t x = 0; x < k; ++x) {
    for (std::size_t i : classes.members[x]) {
      if (!self[x].empty()) m.cells.push_back({nss[i].name, nss[i].name, self[x]});
      if (!ext[x].empty()) m.cells.push_back({nss[i].name, "external", ext[x]});
    }
    for (std::size_t y = 0; y < k; ++y) {
      const PortSet& ps = cross[x * k + y];
      if (ps.empty()) continue;
      for (std::size_t i : classes.members[x]) {
        for (std::size_t j : classes.members[y]) {
          if (i != j) m.cells.push_back({nss[i].name, nss[j].name, ps});
        }
      }
    }
  }
}

}  // namespace

Matrix matrix(const NetworkView& view, const MatrixOptions& options) {
  Analyzer a(view);
  Matrix m;
  const auto& nss = view.namespaces;
  for (const auto& ns : nss) m.namespaces.push_back(ns.name);
  const auto external = internal::parse_address(options.external_address);
  if (options.naive) {
    for (const auto& f : nss) {
      for (const auto& t : nss) {
        PortSet ps = a.namespace_ports(f, t);
        if (!ps.empty()) m.cells.push_back({f.name, t.name, std::move(ps)});
      }
      if (external) {
        PortSet ps = a.external_ports(f, *external);
        if (!ps.empty()) m.cells.push_back({f.name, "external", std::move(ps)});
      }
    }
    m.classes = nss.size();
  } else {
    class_cells(a, view, external, m);
  }
  std::sort(m.cells.begin(), m.cells.end(), [](const Reach& p, const Reach& q) {
    return std::tie(p.from, p.to) < std::tie(q.from, q.to);
  });
  return m;
}

std::string to_text(const Matrix& m, const std::string& format) {
  platform::internal::Json j = platform::internal::Json::object();
  if (format == "json" || format == "yaml") {
    j["namespaces"] = m.namespaces;
    j["classes"] = m.classes;
    auto cells = platform::internal::Json::array();
    for (const auto& c : m.cells) cells.push_back({{"from", c.from}, {"to", c.to}, {"ports", c.ports.to_string()}});
    j["reachable"] = std::move(cells);
    return format == "json" ? j.dump(2) + "\n" : platform::internal::to_yaml(j);
  }
  std::size_t wf = 4, wt = 2;
  for (const auto& c : m.cells) {
    wf = std::max(wf, c.from.size());
    wt = std::max(wt, c.to.size());
  }
  auto pad = [](std::string s, std::size_t w) { s.resize(std::max(w, s.size()), ' '); return s; };
  std::string out = pad("FROM", wf) + "  " + pad("TO", wt) + "  PORTS\n";
  for (const auto& c : m.cells) out += pad(c.from, wf) + "  " + pad(c.to, wt) + "  " + c.ports.to_string() + "\n";
  return out;
}

std::vector<RequiredFlow> seed_required_flows() {
  return {{"kafka", Protocol::kTcp, 9092},     {"kafka", Protocol::kTcp, 9093},   {"rabbitmq", Protocol::kTcp, 5672},
          {"rabbitmq", Protocol::kTcp, 15672}, {"kube-system", Protocol::kUdp, 53}, {"kube-system", Protocol::kTcp, 53}};
}

std::vector<IsolationProblem> check_isolation(const NetworkView& view, const std::vector<RequiredFlow>& required) {
  Analyzer a(view);
  const auto& nss = view.namespaces;
  const internal::Classes classes = internal::compute_classes(view);
  auto is_tenant = [&](std::size_t cls) {
    const auto& labels = nss[classes.members[cls][0]].labels;
    auto it = labels.find(std::string(kRoleLabel));
    return it != labels.end() && it->second == kRoleTenant;
  };
  std::vector<IsolationProblem> out;
  const std::size_t k = classes.members.size();
  for (std::size_t x = 0; x < k; ++x) {
    if (!is_tenant(x)) continue;
    const auto& mx = classes.members[x];
    const NamespaceInfo& from = nss[mx[0]];
    for (std::size_t y = 0; y < k; ++y) {
      if (!is_tenant(y)) continue;
      const auto& my = classes.members[y];
      if (x == y && my.size() < 2) continue;
      const NamespaceInfo& to = nss[x == y ? my[1] : my[0]];
      PortSet ps = a.namespace_ports(from, to);
      if (ps.empty()) continue;
      const std::size_t affected = x == y ? mx.size() * (mx.size() - 1) : mx.size() * my.size();
      const PortRange& r = ps.ranges.front();
      auto v = can_reach(view, {from.name, "", ""}, {to.name, "", ""}, r.protocol, r.first);
      std::string why = v.ok() ? v->egress + "; " + v->ingress : "";
      out.push_back({IsolationProblem::Kind::kCrossTenant, from.name, to.name, affected,
                     "tenant namespace " + from.name + " can reach tenant namespace " + to.name + " on " +
                         ps.to_string() + (affected > 1 ? " (and " + std::to_string(affected - 1) + " more tenant pairs alike)" : "") +
                         ": " + why + "; tenants must only admit their own namespace and platform namespaces"});
    }
    for (const RequiredFlow& f : required) {
      if (a.find_namespace(f.namespace_) == nullptr) continue;
      auto v = can_reach(view, {from.name, "", ""}, {f.namespace_, "", ""}, f.protocol, f.port);
      if (!v.ok() || v->allowed) continue;
      std::string why;
      for (const auto& r : v->reasons) {
        const auto b = r.find_first_not_of(' ');
        why += (why.empty() ? "" : "; ") + r.substr(b == std::string::npos ? 0 : b);
      }
      out.push_back({IsolationProblem::Kind::kMissingFlow, from.name, f.namespace_, mx.size(),
                     "tenant namespace " + from.name + " cannot reach " + f.namespace_ + " on " + to_string(f.protocol) +
                         " " + std::to_string(f.port) +
                         (mx.size() > 1 ? " (nor can " + std::to_string(mx.size() - 1) + " more tenants alike)" : "") +
                         ": denied by " + v->denied_by + ": " + why});
    }
  }
  return out;
}

}  // namespace platform::tenancy
