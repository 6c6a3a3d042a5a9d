// SPDX-License-Identifier: Apache-2.0
// platform::render: the spec rendered to the GitOps tree, to a directory or
// to plain objects (dicts, as kubectl would read them).
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "platform/model/resource.hpp"
#include "platform/render/render.hpp"
#include "platform/render/tenant.hpp"

namespace platform::python {

namespace {

py::object json_loads(const std::string& text) { return py::module_::import("json").attr("loads")(text); }

}  // namespace

void bind_render(py::module_& m) {
  using render::Component;
  using render::Manifest;
  using render::RenderedTree;

  py::class_<Component>(m, "Component", "One component: what its Argo CD Application deploys, from where.")
      .def_readonly("name", &Component::name)
      .def_readonly("wave", &Component::wave, "Its Argo CD sync wave.")
      .def_readonly("application", &Component::application, "The Application's name.")
      .def_readonly("namespace", &Component::namespace_, "Destination namespace.")
      .def_readonly("directory", &Component::directory, "Its directory in the tree; '' for upstream sources.")
      .def_readonly("source", &Component::source)
      .def("__repr__", [](const Component& c) { return "Component('" + c.name + "', wave=" + std::to_string(c.wave) + ")"; });

  py::class_<Manifest>(m, "Manifest", "One file of the rendered tree holding one Kubernetes document.")
      .def_readonly("path", &Manifest::path, "Relative path, e.g. kafka/kafka-event-cluster.yaml.")
      .def_readonly("component", &Manifest::component)
      .def_readonly("wave", &Manifest::wave)
      .def_property_readonly("in_cluster", &Manifest::in_cluster,
                             "False for documents that are not cluster objects (kustomization.yaml, the kind config).")
      .def_property_readonly("api_version", [](const Manifest& mf) { return std::string(mf.resource.api_version()); })
      .def_property_readonly("kind", [](const Manifest& mf) { return std::string(mf.resource.kind()); })
      .def_property_readonly("name", [](const Manifest& mf) { return mf.resource.metadata().name; })
      .def_property_readonly("namespace", [](const Manifest& mf) { return mf.resource.metadata().namespace_; })
      .def("to_dict", [](const Manifest& mf) { return json_loads(model::to_json(mf.resource)); },
           "The object as a dict (apiVersion, kind, metadata, spec...).")
      .def("to_yaml", [](const Manifest& mf) { return model::to_yaml(mf.resource); })
      .def("__repr__", [](const Manifest& mf) {
        return "Manifest('" + mf.path + "', " + std::string(mf.resource.kind()) + ")";
      });

  py::class_<RenderedTree>(m, "RenderedTree",
                           "The rendered platform: components and every manifest in path order. Displays as a table "
                           "in Jupyter; write() puts it in a directory, objects() gives plain dicts.")
      .def_readonly("components", &RenderedTree::components, "In wave order.")
      .def_readonly("manifests", &RenderedTree::manifests, "Sorted by path.")
      .def(
          "objects",
          [](const RenderedTree& tree) { return json_loads(render::to_json_list(tree)).attr("__getitem__")("items"); },
          "The cluster objects in apply order (Namespaces first, then by wave and kind) as dicts.")
      .def("to_yaml", [](const RenderedTree& tree) { return render::to_yaml_stream(tree); },
           "The cluster objects in apply order as one multi-document YAML stream (kubectl apply -f -).")
      .def("to_json", [](const RenderedTree& tree) { return render::to_json_list(tree); }, "The objects as a JSON List.")
      .def(
          "files",
          [](const RenderedTree& tree) {
            py::dict out;
            for (const render::File& f : render::files(tree)) out[py::str(f.path)] = f.content;
            return out;
          },
          "Every file of the tree: {relative path: content}.")
      .def(
          "write",
          [](const RenderedTree& tree, const std::filesystem::path& dir) { throw_if_error(render::write_tree(tree, dir)); },
          py::arg("directory"), py::call_guard<py::gil_scoped_release>(),
          "Writes the tree to `directory` atomically (all or nothing). Raises FailedPrecondition when it exists and "
          "is neither empty nor a previous render, Unavailable when writing fails.")
      .def("summary", [](const RenderedTree& tree) { return render::summary(tree); },
           "What was rendered per component and wave, as text.")
      .def("__len__", [](const RenderedTree& tree) { return tree.manifests.size(); })
      .def("__repr__", [](const RenderedTree& tree) {
        return "RenderedTree(" + std::to_string(tree.components.size()) + " components, " +
               std::to_string(tree.manifests.size()) + " manifests)";
      });

  m.def(
      "render",
      [](const spec::PlatformSpec& spec, bool tenants) { return render::render(spec, {.tenants = tenants}).value(); },
      py::arg("spec") = spec::PlatformSpec{}, py::arg("tenants") = true, py::call_guard<py::gil_scoped_release>(),
      "Renders a PlatformSpec (default: the seed's) to the GitOps tree: Kustomize directories plus the Argo CD "
      "app-of-apps. Deterministic. Raises InvalidArgument when it cannot be rendered (e.g. duplicate tenants).");
  m.def("tenant_namespace", &render::tenant_namespace, py::arg("tenant"), "The namespace of a tenant: user-<name>.");
}

}  // namespace platform::python
