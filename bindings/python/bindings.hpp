// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pieces of libplatform._core: one bind_<area>() per library area, each
// in bind_<area>.cpp. Lambdas in them only adapt types; a failed Result is
// unwrapped with .value(), whose platform::Error bind_core() translates into
// the libplatform exception class of its status code.

#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>

#include "platform/status.hpp"

namespace platform::python {

namespace py = pybind11;

void bind_core(py::module_& m);
void bind_message(py::module_& m);
void bind_spec(py::module_& m);
void bind_amqp(py::module_& m);
void bind_validate(py::module_& m);
void bind_render(py::module_& m);

/// Bytes of a Python bytes, bytearray, memoryview or str (UTF-8); TypeError otherwise.
std::string to_bytes(const py::handle& value);

/// The first exception a Python callback raised while the library ran it.
/// Callbacks never let an exception into C++: they park it here and the
/// binding raises it once the library call has returned. Touched only with
/// the GIL held.
struct CallbackError {
  std::optional<py::error_already_set> error;

  /// Runs `f` (which calls Python); a raised exception is kept, the first one wins.
  template <class F>
  void guard(F&& f) noexcept {
    try {
      f();
    } catch (py::error_already_set& e) {
      if (!error) error = std::move(e);
    } catch (const std::exception& e) {
      if (!error) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        error.emplace();
      }
    }
  }
  /// Raises the parked exception, if any (after the library call returned).
  void raise_if_set() {
    if (error) {
      py::error_already_set e = std::move(*error);
      error.reset();
      throw e;
    }
  }
};

/// A Python callable that is safe to copy and destroy without the GIL (the
/// library copies callbacks on its own threads): the last owner takes the
/// GIL to drop the reference.
inline std::shared_ptr<py::function> share_callable(py::function f) {
  return std::shared_ptr<py::function>(new py::function(std::move(f)), [](py::function* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

/// Sets the Python error for `status` (an instance of the libplatform
/// exception class of its code). Needs the GIL.
void set_python_error(const Status& status);

}  // namespace platform::python
