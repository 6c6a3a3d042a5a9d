// SPDX-License-Identifier: Apache-2.0
// platformctl tenant add|remove|list|capacity and policy matrix|can-reach.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/tenancy/capacity.hpp"
#include "platform/tenancy/isolation.hpp"
#include "platform/tenancy/lifecycle.hpp"

namespace platformctl {
namespace {

namespace t = platform::tenancy;

bool format_ok(const GlobalOptions& g, const char* what) {
  if (g.output.empty() || g.output == "table" || g.output == "json" || g.output == "yaml") return true;
  std::cerr << "error: " << what << " prints table, json or yaml, not " << g.output << "; use -o table|json|yaml\n";
  set_exit_code(kExitBadInput);
  return false;
}

struct TenantFlags {
  std::string spec;
  std::string name;
  std::vector<std::string> sets;
  std::string manifests;
  std::string dir;
};

void add_tenant_commands(CLI::App& app, GlobalOptions& global) {
  CLI::App* tenant = app.add_subcommand("tenant", "Add, remove and list tenants in a spec file; a tenant's capacity");
  tenant->require_subcommand(1);

  auto add = std::make_shared<TenantFlags>();
  CLI::App* add_cmd = tenant->add_subcommand(
      "add", "Add tenant NAME (namespace user-NAME) to the spec file, editing only its tenants: block");
  add_cmd->add_option("name", add->name, "Tenant name (DNS-1123 label, at most 58 characters)")->required();
  add_cmd->add_option("--spec,-f", add->spec, "Platform spec file to edit")->required();
  add_cmd->add_option("--set", add->sets, "A field of this tenant: quota.pods=40, container.limit_cpu=1 (repeatable)");
  add_cmd->callback([add] {
    auto r = t::add_tenant(add->spec, add->name, add->sets);
    if (!r.ok()) return set_exit_code(report(r.status()));
    std::cout << "tenant " << r->name << " added to " << add->spec << " (namespace user-" << r->name
              << "); render and commit to deploy it\n";
  });

  auto rm = std::make_shared<TenantFlags>();
  CLI::App* rm_cmd = tenant->add_subcommand("remove", "Remove tenant NAME from the spec file");
  rm_cmd->add_option("name", rm->name, "Tenant name")->required();
  rm_cmd->add_option("--spec,-f", rm->spec, "Platform spec file to edit")->required();
  rm_cmd->add_option("--manifests", rm->manifests,
                     "Rendered tree to search for the tenant's PersistentVolumeClaims (warns: their data goes with the namespace)");
  rm_cmd->callback([rm] {
    std::optional<std::filesystem::path> manifests;
    if (!rm->manifests.empty()) manifests = rm->manifests;
    auto r = t::remove_tenant(rm->spec, rm->name, manifests);
    if (!r.ok()) return set_exit_code(report(r.status()));
    for (const auto& w : r->warnings) std::cerr << "warning: " << w << "\n";
    std::cout << "tenant " << rm->name << " removed from " << rm->spec
              << "; render and commit, and Argo CD deletes namespace user-" << rm->name << "\n";
  });

  auto ls = std::make_shared<TenantFlags>();
  CLI::App* ls_cmd = tenant->add_subcommand("list", "List the spec file's tenants with their quotas");
  ls_cmd->add_option("--spec,-f", ls->spec, "Platform spec file")->required();
  ls_cmd->callback([ls, &global] {
    if (!format_ok(global, "tenant list")) return;
    auto r = t::list_tenants(ls->spec);
    if (!r.ok()) return set_exit_code(report(r.status()));
    std::cout << t::to_text(*r, global.output.empty() ? "table" : global.output);
  });

  auto cap = std::make_shared<TenantFlags>();
  CLI::App* cap_cmd = tenant->add_subcommand(
      "capacity", "How many integrations at the LimitRange defaults fit tenant NAME's quota in a rendered tree DIR");
  cap_cmd->add_option("dir", cap->dir, "Rendered tree (platformctl render --out DIR)")->required();
  cap_cmd->add_option("name", cap->name, "Tenant name")->required();
  cap_cmd->callback([cap, &global] {
    if (!format_ok(global, "tenant capacity")) return;
    auto r = t::load_capacity(cap->dir, cap->name);
    if (!r.ok()) return set_exit_code(report(r.status()));
    std::cout << t::to_text(*r, global.output.empty() ? "table" : global.output);
    // Nothing fits: a problem found.
    if (r->integrations == 0) set_exit_code(kExitFailure);
  });
}

struct PolicyFlags {
  std::string dir;
  std::string from;
  std::string to;
  std::string external = "1.1.1.1";
};

// "kafka:9092", "kafka:9092/udp", "8.8.8.8:443", "[2001:db8::1]:443/tcp".
platform::Result<std::tuple<t::Endpoint, t::Protocol, int>> parse_target(const std::string& text) {
  std::string s = text;
  t::Protocol proto = t::Protocol::kTcp;
  if (auto slash = s.rfind('/'); slash != std::string::npos && s.find(':') != std::string::npos && slash > s.rfind(':')) {
    std::string p = s.substr(slash + 1);
    for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (p == "TCP") proto = t::Protocol::kTcp;
    else if (p == "UDP") proto = t::Protocol::kUdp;
    else if (p == "SCTP") proto = t::Protocol::kSctp;
    else return platform::invalid_argument("--to " + text + ": unknown protocol '" + s.substr(slash + 1) + "'; use tcp, udp or sctp");
    s.resize(slash);
  }
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return platform::invalid_argument("--to " + text + ": give a port, e.g. kafka:9092 or kafka:9092/tcp");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) port = 0;
  } catch (const std::exception&) {
    port = 0;
  }
  if (port < 1 || port > 65535) return platform::invalid_argument("--to " + text + ": the port must be a number from 1 to 65535");
  return std::tuple{t::parse_endpoint(host), proto, port};
}

void add_policy_commands(CLI::App& app, GlobalOptions& global) {
  CLI::App* policy = app.add_subcommand("policy", "Analyse the NetworkPolicies of a rendered tree (no cluster needed)");
  policy->require_subcommand(1);

  auto mx = std::make_shared<PolicyFlags>();
  CLI::App* mx_cmd = policy->add_subcommand("matrix", "Namespace-to-namespace reachability with ports");
  mx_cmd->add_option("dir", mx->dir, "Rendered tree or manifest file")->required();
  mx_cmd->add_option("--external-address", mx->external, "Address standing for outside the cluster")->capture_default_str();
  mx_cmd->callback([mx, &global] {
    if (!format_ok(global, "policy matrix")) return;
    auto view = t::load_network_view(mx->dir);
    if (!view.ok()) return set_exit_code(report(view.status()));
    std::cout << t::to_text(t::matrix(*view, {.external_address = mx->external}),
                            global.output.empty() ? "table" : global.output);
  });

  auto cr = std::make_shared<PolicyFlags>();
  CLI::App* cr_cmd = policy->add_subcommand(
      "can-reach", "Can --from reach --to? Exit 0 yes, 1 no; names the allowing rules or the denying side");
  cr_cmd->add_option("dir", cr->dir, "Rendered tree or manifest file")->required();
  cr_cmd->add_option("--from", cr->from, "Source: NAMESPACE, NAMESPACE/Kind/name, or an address")->required();
  cr_cmd->add_option("--to", cr->to, "Destination: NAMESPACE:PORT[/tcp|udp|sctp] or ADDRESS:PORT[/proto]")->required();
  cr_cmd->callback([cr] {
    auto target = parse_target(cr->to);
    if (!target.ok()) return set_exit_code(report(target.status()));
    auto view = t::load_network_view(cr->dir);
    if (!view.ok()) return set_exit_code(report(view.status()));
    const auto& [to, proto, port] = *target;
    auto v = t::can_reach(*view, t::parse_endpoint(cr->from), to, proto, port);
    if (!v.ok()) return set_exit_code(report(v.status()));
    const std::string flow = cr->from + " -> " + cr->to + " (" + t::to_string(proto) + " " + std::to_string(port) + ")";
    if (v->allowed) {
      std::cout << "yes: " << flow << "\n  egress:  " << v->egress << "\n  ingress: " << v->ingress << "\n";
      return set_exit_code(kExitOk);
    }
    std::cout << "no: " << flow << " is denied by " << v->denied_by << " (" << v->from_pod << " -> " << v->to_pod << ")\n";
    for (const auto& r : v->reasons) std::cout << "  " << r << "\n";
    if (!v->egress.empty()) std::cout << "  egress would allow: " << v->egress << "\n";
    if (!v->ingress.empty()) std::cout << "  ingress would allow: " << v->ingress << "\n";
    set_exit_code(kExitFailure);
  });
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("tenant", platformctl::add_tenant_commands);
PLATFORMCTL_COMMANDS("policy", platformctl::add_policy_commands);
