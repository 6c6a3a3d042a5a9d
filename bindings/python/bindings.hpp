// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pieces of libplatform._core: one bind_<area>() per library area, each
// in bind_<area>.cpp. Lambdas in them only adapt types; a failed Result is
// unwrapped with .value(), whose platform::Error bind_core() translates into
// the libplatform exception class of its status code.

#include <pybind11/pybind11.h>

#include "platform/status.hpp"

namespace platform::python {

namespace py = pybind11;

void bind_core(py::module_& m);
void bind_spec(py::module_& m);

/// Sets the Python error for `status` (an instance of the libplatform
/// exception class of its code). Needs the GIL.
void set_python_error(const Status& status);

/// The Status a Python exception stands for: a libplatform.Error keeps its
/// code and details; any other exception becomes kInternal naming its type
/// ("callback raised ValueError: ..."). Needs the GIL.
Status status_from_python(const py::error_already_set& error, std::string_view what);

}  // namespace platform::python
