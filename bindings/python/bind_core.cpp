// SPDX-License-Identifier: Apache-2.0
// Status -> Python exceptions.
#include <string>

#include "bindings.hpp"

namespace platform::python {

namespace {

py::list details_to_python(const std::vector<Detail>& details) {
  py::list out;
  for (const Detail& d : details) {
    py::dict item;
    item["location"] = d.location;
    item["path"] = d.path;
    item["message"] = d.message;
    item["rule"] = d.rule;
    out.append(std::move(item));
  }
  return out;
}

std::vector<Detail> details_from_python(const py::handle& details) {
  std::vector<Detail> out;
  for (const py::handle d : details) {
    auto field = [&](const char* key) { return d.attr("get")(key, "").cast<std::string>(); };
    out.push_back({field("location"), field("path"), field("message"), field("rule")});
  }
  return out;
}

StatusCode code_from_name(const std::string& name) {
  for (int c = 1; c <= static_cast<int>(StatusCode::kUnknown); ++c) {
    if (name == to_string(static_cast<StatusCode>(c))) return static_cast<StatusCode>(c);
  }
  throw py::value_error("unknown status code '" + name + "'");
}

}  // namespace

void set_python_error(const Status& status) {
  try {
    py::object error = py::module_::import("libplatform._errors")
                           .attr("_from_status")(to_string(status.code()), status.message(),
                                                 details_to_python(status.details()), status.to_string());
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  } catch (py::error_already_set& e) {
    // The package itself is broken; keep the library's message anyway.
    PyErr_SetString(PyExc_RuntimeError, status.to_string().c_str());
  }
}

void bind_core(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      set_python_error(e.status());
    }
  });

  m.def(
      "_raise_status",
      [](const std::string& code, const std::string& message, const py::list& details) {
        throw_if_error(Status(code_from_name(code), message, details_from_python(details)));
      },
      py::arg("code"), py::arg("message"), py::arg("details") = py::list(),
      "Raises the exception a library Status with this code becomes (for tests).");
}

}  // namespace platform::python
