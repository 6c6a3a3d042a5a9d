// SPDX-License-Identifier: Apache-2.0
// platform::spec: PlatformSpec and its parts as Python classes whose
// attributes, docstrings and keyword constructors come from the spec's one
// field table (lib/spec/fields.hpp), so Python names are the YAML keys.
#include <pybind11/operators.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <string>
#include <type_traits>
#include <vector>

#include "bindings.hpp"
#include "platform/spec/load.hpp"
#include "spec/fields.hpp"

namespace platform::python {

namespace {

namespace table = platform::internal::spec;
using table::Field;

// The member of `self` the table names `key` (keys come from the same table).
template <class M, class T>
M* find_member(T& self, std::string_view key) {
  M* found = nullptr;
  auto visit = [&](const Field& f, auto& m) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(m)>, M>) {
      if (f.key == key) found = &m;
    }
  };
  table::fields(visit, self);
  return found;
}

template <class T>
py::dict record_to_dict(const T& record) {
  py::dict out;
  auto visit = [&](const Field& f, const auto& m) {
    using M = std::remove_cvref_t<decltype(m)>;
    const py::str key(f.key.data(), f.key.size());
    if constexpr (table::kIsRecord<M>) {
      out[key] = record_to_dict(m);
    } else if constexpr (table::IsRecordVector<M>::value) {
      py::list items;
      for (const auto& item : m) items.append(record_to_dict(item));
      out[key] = std::move(items);
    } else {
      out[key] = py::cast(m);
    }
  };
  table::fields(visit, record);
  return out;
}

// Sets field `key` of `record` from a Python value; false when there is no such field.
template <class T>
bool assign(T& record, std::string_view key, const py::handle& value) {
  bool done = false;
  auto visit = [&](const Field& f, auto& m) {
    if (f.key == key) {
      m = value.cast<std::remove_cvref_t<decltype(m)>>();
      done = true;
    }
  };
  table::fields(visit, record);
  return done;
}

// One record type: a property per field of the table, a keyword constructor,
// ==, to_dict() and a repr listing the fields.
template <class T>
py::class_<T> bind_record(py::module_& m, const char* name, const char* doc) {
  py::class_<T> cls(m, name, doc);
  py::list keys;
  auto add_property = [&](const Field& f, const auto& proto_member) {
    using M = std::remove_cvref_t<decltype(proto_member)>;
    const std::string key(f.key);
    keys.append(key);
    cls.def_property(
        key.c_str(), [key](T& self) -> M& { return *find_member<M>(self, key); },
        [key](T& self, const M& value) { *find_member<M>(self, key) = value; }, py::return_value_policy::reference_internal,
        f.doc.data());
  };
  const T proto{};
  table::fields(add_property, proto);
  cls.attr("_fields") = py::tuple(keys);
  cls.def(py::init([name = std::string(name)](const py::kwargs& kwargs) {
            T record{};
            for (const auto& [key, value] : kwargs) {
              const auto k = std::string(py::str(key));
              if (!assign(record, k, value)) throw py::type_error(name + " has no field '" + k + "'");
            }
            return record;
          }),
          (std::string("A ") + name + "; keyword arguments set fields, the others keep their defaults.").c_str())
      .def(py::self == py::self)
      .def("__copy__", [](const T& self) { return T(self); })
      .def("__deepcopy__", [](const T& self, const py::dict&) { return T(self); }, py::arg("memo"))
      .def("to_dict", &record_to_dict<T>, "The fields as plain dicts and lists, keys as in the spec's YAML.")
      .def("__repr__", [name = std::string(name)](const T& self) {
        std::string out = name + "(";
        const char* sep = "";
        for (const auto& [key, value] : record_to_dict(self)) {
          out += sep + std::string(py::str(key)) + "=" + std::string(py::repr(value));
          sep = ", ";
        }
        return out + ")";
      });
  return cls;
}

spec::LoadOptions load_options(std::vector<std::string> overrides) { return {.overrides = std::move(overrides)}; }

}  // namespace

void bind_spec(py::module_& m) {
  bind_record<spec::Namespaces>(m, "Namespaces", "The platform's own namespaces.");
  bind_record<spec::OperatorSpec>(m, "OperatorSpec", "One operator: its pinned version and what it watches.");
  bind_record<spec::Operators>(m, "Operators", "The Strimzi, RabbitMQ and Camel K operators.");
  bind_record<spec::KafkaListener>(m, "KafkaListener", "A Kafka listener (Strimzi spec.kafka.listeners[]).");
  bind_record<spec::KafkaTopic>(m, "KafkaTopic", "A KafkaTopic: name, partitions, replicas, config.");
  bind_record<spec::KafkaSpec>(m, "KafkaSpec", "The Strimzi Kafka cluster.");
  bind_record<spec::RabbitmqSpec>(m, "RabbitmqSpec", "The RabbitMQ cluster.");
  bind_record<spec::ContainerResources>(m, "ContainerResources", "Container CPU and memory requests and limits.");
  bind_record<spec::CamelKSpec>(m, "CamelKSpec", "The Camel K IntegrationPlatform.");
  bind_record<spec::BackstageSpec>(m, "BackstageSpec", "The Backstage developer portal.");
  bind_record<spec::GitSource>(m, "GitSource", "Where Argo CD reads the rendered tree from.");
  bind_record<spec::SyncWaves>(m, "SyncWaves", "Argo CD sync waves of each layer.");
  bind_record<spec::ArgoCdSpec>(m, "ArgoCdSpec", "Argo CD: sync policy, RBAC and sync waves.");
  bind_record<spec::Quota>(m, "Quota", "A tenant namespace's ResourceQuota.");
  bind_record<spec::TenantDefaults>(m, "TenantDefaults", "What every tenant gets unless it overrides it.");
  bind_record<spec::Tenant>(m, "Tenant", "A tenant: namespace user-<name> with its quota and limits.");
  bind_record<spec::PortMapping>(m, "PortMapping", "A kind extraPortMapping.");
  bind_record<spec::KindCluster>(m, "KindCluster", "The recommended local kind cluster.");
  bind_record<spec::PlatformSpec>(m, "PlatformSpec",
                                  "The whole platform as data. PlatformSpec() is the seed's platform; attributes are "
                                  "the YAML keys (spec.kafka.brokers). Lists and maps read as copies: assign a "
                                  "whole new list to change one.")
      .def("to_yaml", [](const spec::PlatformSpec& s) { return spec::to_yaml(s); },
           "The spec as YAML; load_spec()/parse_spec() read it back unchanged.")
      .def("to_json", [](const spec::PlatformSpec& s) { return spec::to_json(s); }, "The spec as JSON.")
      .def("check", [](const spec::PlatformSpec& s) { throw_if_error(spec::check_spec(s)); },
           "Checks the platform rules (replicas <= brokers, unique names, valid quantities...). "
           "Raises InvalidArgument listing every problem in .details.");

  m.def(
      "default_spec", [](std::vector<std::string> set) { return spec::default_spec(load_options(std::move(set))).value(); },
      py::arg("set") = std::vector<std::string>{},
      "The seed's platform with Helm-style overrides applied, e.g. set=['kafka.brokers=5'].\n"
      "Raises InvalidArgument for a bad override (unknown path, wrong type) or a broken rule.");
  m.def(
      "load_spec",
      [](const std::filesystem::path& path, std::vector<std::string> set) {
        return spec::load_spec_file(path, load_options(std::move(set))).value();
      },
      py::arg("path"), py::arg("set") = std::vector<std::string>{}, py::call_guard<py::gil_scoped_release>(),
      "Reads a platform.yaml; keys it leaves out keep the seed's defaults; `set` overrides are applied after it.\n"
      "Raises NotFound when the file cannot be read, InvalidArgument with one detail per problem "
      "(location file:line:column, field path, what to do).");
  m.def(
      "parse_spec",
      [](const std::string& yaml, const std::string& source_name, std::vector<std::string> set) {
        return spec::parse_spec(yaml, source_name, load_options(std::move(set))).value();
      },
      py::arg("yaml"), py::arg("source_name") = "<spec>", py::arg("set") = std::vector<std::string>{},
      py::call_guard<py::gil_scoped_release>(),
      "Parses a spec from YAML text; errors as load_spec(), located in `source_name`.");
  m.def("init_yaml", &spec::init_yaml, "The seed's spec as YAML with every field commented (platformctl init).");
  m.def(
      "spec_fields",
      [] {
        py::list out;
        for (const spec::FieldInfo& f : spec::spec_fields()) {
          out.append(py::dict(py::arg("path") = f.path, py::arg("type") = f.type,
                              py::arg("default") = f.default_value, py::arg("description") = f.description));
        }
        return out;
      },
      "Every field of the spec in document order: dicts with path, type, default and description.");
}

}  // namespace platform::python
