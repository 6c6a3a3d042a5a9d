// SPDX-License-Identifier: Apache-2.0
// platform::validate: offline validation of manifests with structured findings.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "platform/validate/validate.hpp"

namespace platform::python {

namespace {

namespace v = platform::validate;

v::Options validate_options(bool schemas, bool rules, std::vector<std::string> skip_rules,
                            bool unknown_kinds_are_errors) {
  return {schemas, rules, std::move(skip_rules), unknown_kinds_are_errors};
}

}  // namespace

void bind_validate(py::module_& m) {
  py::class_<v::Finding>(m, "Finding", "One problem found in one document.")
      .def_property_readonly("severity", [](const v::Finding& f) { return v::to_string(f.severity); },
                             "'error' or 'warning'.")
      .def_readonly("file", &v::Finding::file)
      .def_readonly("document", &v::Finding::document, "0-based index of the document in its file.")
      .def_readonly("kind", &v::Finding::kind)
      .def_readonly("name", &v::Finding::name)
      .def_readonly("path", &v::Finding::path, "Field path, e.g. spec.kafka.replicas ('' = the whole document).")
      .def_readonly("line", &v::Finding::line)
      .def_readonly("column", &v::Finding::column)
      .def_readonly("rule", &v::Finding::rule, "The rule or schema keyword, e.g. schema/required, topic-replicas.")
      .def_readonly("message", &v::Finding::message, "What is wrong and what to do.")
      .def("to_dict",
           [](const v::Finding& f) {
             return py::dict(py::arg("severity") = v::to_string(f.severity), py::arg("file") = f.file,
                             py::arg("document") = f.document, py::arg("kind") = f.kind, py::arg("name") = f.name,
                             py::arg("path") = f.path, py::arg("line") = f.line, py::arg("column") = f.column,
                             py::arg("rule") = f.rule, py::arg("message") = f.message);
           })
      .def("__repr__", [](const v::Finding& f) {
        return "Finding(" + f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + " " + f.kind +
               " " + f.name + " " + f.path + ": " + f.message + " [" + f.rule + "])";
      });

  py::class_<v::Report>(m, "ValidationReport",
                        "The outcome of validating a set of manifests. Displays as a table in Jupyter.")
      .def_readonly("findings", &v::Report::findings, "In file order, then document order.")
      .def_readonly("files", &v::Report::files)
      .def_readonly("documents", &v::Report::documents)
      .def_readonly("unchecked", &v::Report::unchecked, "Documents of a known-safe kind without a bundled schema.")
      .def_property_readonly("error_count", &v::Report::error_count)
      .def_property_readonly("valid", &v::Report::valid, "True when there is no error (warnings allowed).")
      .def("summary", &v::Report::summary, "'validated N documents in M files: ok' or '...: K errors'.")
      .def("to_text", [](const v::Report& r) { return v::to_text(r); }, "One kubectl-style line per finding.")
      .def("to_json", [](const v::Report& r) { return v::to_json(r); })
      .def("raise_if_invalid", [](const v::Report& r) { throw_if_error(r.status()); },
           "Raises FailedPrecondition with one detail per error (location file:line:column, path, message, rule).")
      .def("__bool__", &v::Report::valid)
      .def("__repr__", [](const v::Report& r) { return "ValidationReport('" + r.summary() + "')"; });

  m.def(
      "validate_path",
      [](const std::filesystem::path& path, bool schemas, bool rules, std::vector<std::string> skip_rules,
         bool unknown_kinds_are_errors) {
        return v::validate_path(path, validate_options(schemas, rules, std::move(skip_rules), unknown_kinds_are_errors))
            .value();
      },
      py::arg("path"), py::arg("schemas") = true, py::arg("rules") = true,
      py::arg("skip_rules") = std::vector<std::string>{}, py::arg("unknown_kinds_are_errors") = true,
      py::call_guard<py::gil_scoped_release>(),
      "Validates a YAML file or a directory of them (recursively) against the bundled schemas and the platform "
      "rules; returns a ValidationReport (invalid manifests are findings, not exceptions).\n"
      "Raises NotFound for a missing path, InvalidArgument for unparseable YAML.");
  m.def(
      "validate_sources",
      [](const std::vector<std::pair<std::string, std::string>>& sources, bool schemas, bool rules,
         std::vector<std::string> skip_rules, bool unknown_kinds_are_errors) {
        std::vector<v::Source> in;
        for (const auto& [name, text] : sources) in.push_back({name, text});
        py::gil_scoped_release nogil;
        return v::validate_sources(in, validate_options(schemas, rules, std::move(skip_rules), unknown_kinds_are_errors))
            .value();
      },
      py::arg("sources"), py::arg("schemas") = true, py::arg("rules") = true,
      py::arg("skip_rules") = std::vector<std::string>{}, py::arg("unknown_kinds_are_errors") = true,
      "Validates (name, yaml_text) pairs as one document set; errors as validate_path().");
  m.def(
      "validation_rules",
      [] {
        py::list out;
        for (const v::RuleInfo& r : v::rules()) out.append(py::dict(py::arg("name") = r.name, py::arg("description") = r.description));
        return out;
      },
      "Every platform rule, in the order they run: dicts with name and description.");
  m.def(
      "validation_schemas",
      [] {
        py::list out;
        for (const v::SchemaInfo& s : v::schemas()) {
          out.append(py::dict(py::arg("api_version") = s.api_version, py::arg("kind") = s.kind,
                              py::arg("source") = s.source));
        }
        return out;
      },
      "Every apiVersion/kind with a bundled schema.");
}

}  // namespace platform::python
