// SPDX-License-Identifier: Apache-2.0
// platform::tenancy: tenant lifecycle on spec files, the network isolation
// analysis (network_view, can_reach, matrix, check_isolation) and capacity.
// Endpoints are written as text: "user-alice", "user-alice/Deployment/web",
// or an address outside the cluster ("8.8.8.8").
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "platform/render/render.hpp"
#include "platform/tenancy/capacity.hpp"
#include "platform/tenancy/isolation.hpp"
#include "platform/tenancy/lifecycle.hpp"

namespace platform::python {

namespace {

using namespace platform::tenancy;

Protocol protocol_from(const std::string& text) {
  if (text == "TCP" || text == "tcp") return Protocol::kTcp;
  if (text == "UDP" || text == "udp") return Protocol::kUdp;
  if (text == "SCTP" || text == "sctp") return Protocol::kSctp;
  throw Error(invalid_argument("protocol '" + text + "': use TCP, UDP or SCTP"));
}

Verdict reach(const NetworkView& view, const std::string& from, const std::string& to, int port,
              const std::string& protocol) {
  return can_reach(view, parse_endpoint(from), parse_endpoint(to), protocol_from(protocol), port).value();
}

PortSet ports(const NetworkView& view, const std::string& from, const std::string& to) {
  return reachable_ports(view, parse_endpoint(from), parse_endpoint(to)).value();
}

Matrix full_matrix(const NetworkView& view, const std::string& external_address, bool naive) {
  return matrix(view, {.external_address = external_address, .naive = naive});
}

std::vector<RequiredFlow> required_from(const std::optional<std::vector<std::tuple<std::string, std::string, int>>>& in) {
  if (!in) return seed_required_flows();
  std::vector<RequiredFlow> out;
  for (const auto& [ns, protocol, port] : *in) out.push_back({ns, protocol_from(protocol), port});
  return out;
}

constexpr const char* kEndpointDoc =
    " Endpoints are 'user-alice', 'user-alice/Deployment/web' (one pod) or an address outside the cluster "
    "('8.8.8.8').";

}  // namespace

void bind_tenancy(py::module_& m) {
  // --- lifecycle ------------------------------------------------------------
  py::class_<Removal>(m, "TenantRemoval", "What remove_tenant() did.")
      .def_readonly("tenant", &Removal::tenant, "The tenant removed.")
      .def_readonly("warnings", &Removal::warnings, "E.g. PersistentVolumeClaims whose data goes with the namespace.");
  m.def(
      "add_tenant",
      [](const std::filesystem::path& spec_file, const std::string& name, const std::vector<std::string>& sets) {
        return add_tenant(spec_file, name, sets).value();
      },
      py::arg("spec_file"), py::arg("name"), py::arg("set") = std::vector<std::string>{},
        py::call_guard<py::gil_scoped_release>(),
        "Adds tenant `name` to a spec file, editing only its `tenants:` block (comments and formatting elsewhere stay "
        "byte for byte), checked and written atomically. `set` are the tenant's own fields ('quota.pods=40'). "
        "Returns the Tenant with defaults filled in. Raises AlreadyExists, InvalidArgument (reserved or malformed "
        "name, bad --set), NotFound (no file).");
  m.def(
      "remove_tenant",
      [](const std::filesystem::path& spec_file, const std::string& name,
         const std::optional<std::filesystem::path>& manifests) {
        return remove_tenant(spec_file, name, manifests).value();
      },
      py::arg("spec_file"), py::arg("name"), py::arg("manifests") = py::none(),
      py::call_guard<py::gil_scoped_release>(),
      "Removes tenant `name` from a spec file (atomically). With `manifests` (a rendered directory), warns about the "
      "tenant's PersistentVolumeClaims. Returns a TenantRemoval. Raises NotFound when there is no such tenant.");
  m.def(
      "list_tenants", [](const std::filesystem::path& spec_file) { return list_tenants(spec_file).value(); },
      py::arg("spec_file"), py::call_guard<py::gil_scoped_release>(),
      "The spec file's tenants, defaults filled in.");
  m.def(
      "add_tenant_text",
      [](const std::string& yaml, const std::string& name, const std::vector<std::string>& sets,
         const std::string& source_name) { return add_tenant_text(yaml, name, sets, source_name).value(); },
      py::arg("yaml"), py::arg("name"), py::arg("set") = std::vector<std::string>{},
      py::arg("source_name") = "<spec>", "add_tenant() on spec text; returns the new text.");
  m.def(
      "remove_tenant_text",
      [](const std::string& yaml, const std::string& name, const std::string& source_name) {
        return remove_tenant_text(yaml, name, source_name).value();
      },
      py::arg("yaml"), py::arg("name"), py::arg("source_name") = "<spec>",
      "remove_tenant() on spec text; returns the new text.");
  m.def(
      "check_tenant_name",
      [](const spec::PlatformSpec& spec, const std::string& name) { throw_if_error(check_tenant_name(spec, name)); },
      py::arg("spec"), py::arg("name"),
      "Raises InvalidArgument (reserved or malformed, with what to do) or AlreadyExists; returns None when `name` "
      "can be a new tenant of `spec`.");
  m.def(
      "tenants_table",
      [](const std::vector<spec::Tenant>& tenants, const std::string& format) { return to_text(tenants, format); },
      py::arg("tenants"), py::arg("format") = "table", "Tenants as a table, or 'json' / 'yaml'.");

  // --- isolation ------------------------------------------------------------
  py::class_<PortSet>(m, "PortSet", "A set of ports of TCP, UDP and SCTP.")
      .def(
          "contains", [](const PortSet& p, int port, const std::string& protocol) { return p.contains(protocol_from(protocol), port); },
          py::arg("port"), py::arg("protocol") = "TCP")
      .def_property_readonly("is_all", &PortSet::is_all, "Every port of every protocol.")
      .def_property_readonly("empty", &PortSet::empty)
      .def_property_readonly(
          "ranges",
          [](const PortSet& p) {
            std::vector<std::tuple<std::string, int, int>> out;
            for (const PortRange& r : p.ranges) out.emplace_back(to_string(r.protocol), r.first, r.last);
            return out;
          },
          "[(protocol, first, last)], sorted and merged.")
      .def("__bool__", [](const PortSet& p) { return !p.empty(); })
      .def("__str__", &PortSet::to_string)
      .def("__repr__", [](const PortSet& p) { return "PortSet('" + p.to_string() + "')"; });

  py::class_<Verdict>(m, "Verdict",
                      "The answer to 'can FROM reach TO on this port?', with the reasons. True when allowed.")
      .def_readonly("allowed", &Verdict::allowed)
      .def_readonly("from_pod", &Verdict::from_pod)
      .def_readonly("to_pod", &Verdict::to_pod)
      .def_readonly("egress", &Verdict::egress, "Why the source may send ('' when denied there).")
      .def_readonly("ingress", &Verdict::ingress, "Why the destination may receive ('' when denied there).")
      .def_readonly("denied_by", &Verdict::denied_by, "'egress', 'ingress' or 'egress and ingress'; '' when allowed.")
      .def_readonly("reasons", &Verdict::reasons, "When denied: which policies isolate and why no rule matches.")
      .def("__bool__", [](const Verdict& v) { return v.allowed; })
      .def("__repr__", [](const Verdict& v) {
        return "Verdict(" + std::string(v.allowed ? "allowed" : "denied by " + v.denied_by) + ", " + v.from_pod +
               " -> " + v.to_pod + ")";
      });

  py::class_<Reach>(m, "Reach", "One non-empty cell of the reachability matrix.")
      .def_readonly("from_", &Reach::from, "Source namespace.")
      .def_readonly("to", &Reach::to, "Destination namespace, or 'external'.")
      .def_readonly("ports", &Reach::ports)
      .def("__repr__", [](const Reach& r) { return "Reach('" + r.from + "' -> '" + r.to + "', " + r.ports.to_string() + ")"; });

  py::class_<Matrix>(m, "ReachabilityMatrix",
                     "Namespace-to-namespace reachability: the cells with some port. Displays as a table in Jupyter.")
      .def_readonly("namespaces", &Matrix::namespaces)
      .def_readonly("cells", &Matrix::cells, "Sorted by from, to.")
      .def_readonly("classes", &Matrix::classes, "Equivalence classes of namespaces found.")
      .def(
          "ports",
          [](const Matrix& mx, const std::string& from, const std::string& to) {
            for (const Reach& r : mx.cells) {
              if (r.from == from && r.to == to) return r.ports;
            }
            return PortSet{};
          },
          py::arg("from_"), py::arg("to"), "The ports FROM reaches TO on (empty when none).")
      .def("to_text", [](const Matrix& mx, const std::string& format) { return to_text(mx, format); },
           py::arg("format") = "table", "A table (FROM TO PORTS), or 'json' / 'yaml'.")
      .def("__len__", [](const Matrix& mx) { return mx.cells.size(); })
      .def("__repr__", [](const Matrix& mx) {
        return "ReachabilityMatrix(" + std::to_string(mx.namespaces.size()) + " namespaces, " +
               std::to_string(mx.cells.size()) + " cells)";
      });

  py::class_<IsolationProblem>(m, "IsolationProblem", "One broken tenancy promise.")
      .def_property_readonly("kind",
                             [](const IsolationProblem& p) {
                               return p.kind == IsolationProblem::Kind::kCrossTenant ? "cross-tenant" : "missing-flow";
                             },
                             "'cross-tenant' (a tenant reaches another) or 'missing-flow' (cannot reach a service).")
      .def_readonly("from_", &IsolationProblem::from)
      .def_readonly("to", &IsolationProblem::to)
      .def_readonly("affected", &IsolationProblem::affected, "How many namespace pairs share the problem.")
      .def_readonly("message", &IsolationProblem::message, "What is wrong, which policy, what to do.")
      .def("__str__", [](const IsolationProblem& p) { return p.message; })
      .def("__repr__", [](const IsolationProblem& p) { return "IsolationProblem('" + p.from + "' -> '" + p.to + "')"; });

  py::class_<NetworkView>(m, "NetworkView",
                          "What the isolation analysis reads: namespaces with their pods, and every NetworkPolicy. "
                          "Kubernetes semantics, no cluster needed.")
      .def_property_readonly(
          "namespaces",
          [](const NetworkView& v) {
            std::vector<std::string> out;
            for (const NamespaceInfo& ns : v.namespaces) out.push_back(ns.name);
            return out;
          },
          "Namespace names, sorted.")
      .def_property_readonly(
          "policies",
          [](const NetworkView& v) {
            std::vector<std::string> out;
            for (const auto& p : v.policies) out.push_back(p.metadata.namespace_ + "/" + p.metadata.name);
            return out;
          },
          "'namespace/name' of every NetworkPolicy.")
      .def("pods",
           [](const NetworkView& v, const std::string& ns) {
             for (const NamespaceInfo& info : v.namespaces) {
               if (info.name == ns) {
                 std::vector<std::string> out;
                 for (const Pod& p : info.pods) out.push_back(p.name);
                 return out;
               }
             }
             throw Error(Status(StatusCode::kNotFound, "no namespace '" + ns + "' in the view"));
           },
           py::arg("namespace"), "The pods of a namespace ('*' stands for every pod the tree does not show).")
      .def(
          "add_namespace",
          [](NetworkView& v, const std::string& name, const model::StringMap& labels) { add_namespace(v, name, labels); },
          py::arg("name"), py::arg("labels") = model::StringMap{}, "Adds a namespace (for what-if questions).")
      .def("can_reach", &reach, py::arg("from_"), py::arg("to"), py::arg("port"), py::arg("protocol") = "TCP",
           py::call_guard<py::gil_scoped_release>(),
           (std::string("Can FROM reach TO on `port`? Returns a Verdict (allowed, egress, ingress, denied_by, "
                        "reasons). Raises NotFound (unknown namespace or pod), InvalidArgument (bad address or port).") +
            kEndpointDoc)
               .c_str())
      .def("reachable_ports", &ports, py::arg("from_"), py::arg("to"), py::call_guard<py::gil_scoped_release>(),
           "Every port FROM may use to reach TO, as a PortSet.")
      .def("matrix", &full_matrix, py::arg("external_address") = "1.1.1.1", py::arg("naive") = false,
           py::call_guard<py::gil_scoped_release>(),
           "The namespace-to-namespace ReachabilityMatrix ('external' stands for external_address).")
      .def(
          "check_isolation",
          [](const NetworkView& v, const std::optional<std::vector<std::tuple<std::string, std::string, int>>>& required) {
            const auto flows = required_from(required);
            py::gil_scoped_release nogil;
            return check_isolation(v, flows);
          },
          py::arg("required") = py::none(),
          "The broken tenancy promises (empty = isolated): no tenant reaches another on any port, and every tenant "
          "reaches each required (namespace, protocol, port); default: kafka TCP 9092/9093, rabbitmq TCP "
          "5672/15672, kube-system UDP/TCP 53.")
      .def("__repr__", [](const NetworkView& v) {
        return "NetworkView(" + std::to_string(v.namespaces.size()) + " namespaces, " +
               std::to_string(v.policies.size()) + " policies)";
      });

  m.def("network_view", &network_view, py::arg("tree"), py::call_guard<py::gil_scoped_release>(),
        "The NetworkView of a RenderedTree.");
  m.def(
      "load_network_view", [](const std::filesystem::path& path) { return load_network_view(path).value(); },
      py::arg("path"), py::call_guard<py::gil_scoped_release>(),
      "The NetworkView of a rendered directory or a YAML file. Raises NotFound, or InvalidArgument with "
      "file:line:column.");

  // --- capacity ---------------------------------------------------------------
  py::class_<CapacityLine>(m, "CapacityLine", "One quota line and what it allows.")
      .def_readonly("resource", &CapacityLine::resource, "Quota key, e.g. 'limits.cpu'.")
      .def_readonly("hard", &CapacityLine::hard)
      .def_readonly("per_integration", &CapacityLine::per_integration)
      .def_readonly("fits", &CapacityLine::fits, "Integrations this line allows; -1 when it does not limit them.")
      .def("__repr__", [](const CapacityLine& l) { return "CapacityLine('" + l.resource + "', fits=" + std::to_string(l.fits) + ")"; });
  py::class_<Capacity>(m, "Capacity",
                       "How many integrations at the LimitRange defaults fit a tenant's quota, and which quota key "
                       "binds. Displays as a table in Jupyter.")
      .def_readonly("namespace", &Capacity::namespace_)
      .def_readonly("integrations", &Capacity::integrations)
      .def_readonly("binding", &Capacity::binding, "The quota keys that give the minimum.")
      .def_readonly("lines", &Capacity::lines)
      .def_readonly("warnings", &Capacity::warnings)
      .def("to_text", [](const Capacity& c, const std::string& format) { return to_text(c, format); },
           py::arg("format") = "table")
      .def("__repr__", [](const Capacity& c) {
        return "Capacity('" + c.namespace_ + "', integrations=" + std::to_string(c.integrations) + ")";
      });
  m.def(
      "capacity",
      [](const render::RenderedTree& tree, const std::string& name) { return capacity(tree, name).value(); },
      py::arg("tree"), py::arg("tenant"), py::call_guard<py::gil_scoped_release>(),
      "Capacity of a tenant in a RenderedTree. Raises NotFound when the tree has no quota for user-<tenant>.");
  m.def(
      "load_capacity",
      [](const std::filesystem::path& dir, const std::string& name) { return load_capacity(dir, name).value(); },
      py::arg("directory"), py::arg("tenant"), py::call_guard<py::gil_scoped_release>(),
      "Capacity of a tenant in a rendered directory.");
}

}  // namespace platform::python
