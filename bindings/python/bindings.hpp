// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pieces of libplatform._core: one bind_<area>() per library area, each
// in bind_<area>.cpp. Lambdas in them only adapt types; a failed Result is
// unwrapped with .value(), whose platform::Error bind_core() translates into
// the libplatform exception class of its status code.

#include <pybind11/chrono.h>
#include <pybind11/pybind11.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "platform/status.hpp"

namespace pybind11::detail {

/// Durations from Python: a datetime.timedelta or a number of seconds, int or
/// float (pybind11's own caster takes only timedelta and float, so
/// `timeout=30` would be a TypeError). Every binding file includes this
/// header, so all of them see the same caster.
template <class Duration>
class seconds_or_timedelta_caster : public duration_caster<Duration> {
 public:
  bool load(handle src, bool convert) {
    if (src && PyLong_Check(src.ptr()) && !PyBool_Check(src.ptr())) {
      const double seconds = PyLong_AsDouble(src.ptr());
      if (seconds == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
      }
      this->value = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
      return true;
    }
    return duration_caster<Duration>::load(src, convert);
  }
};

/// std::chrono::milliseconds from a timedelta or seconds.
template <>
class type_caster<std::chrono::milliseconds> : public seconds_or_timedelta_caster<std::chrono::milliseconds> {};
/// std::chrono::seconds from a timedelta or seconds.
template <>
class type_caster<std::chrono::seconds> : public seconds_or_timedelta_caster<std::chrono::seconds> {};

}  // namespace pybind11::detail

namespace platform::python {

namespace py = pybind11;

void bind_core(py::module_& m);
void bind_message(py::module_& m);
void bind_spec(py::module_& m);
void bind_amqp(py::module_& m);
void bind_validate(py::module_& m);
void bind_render(py::module_& m);
void bind_kafka(py::module_& m);
void bind_flow(py::module_& m);
void bind_tenancy(py::module_& m);

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

/// T built from keyword arguments naming its attributes (TypeError for an unknown one).
template <class T>
T from_kwargs(const py::kwargs& kwargs) {
  py::object obj = py::cast(T{});
  for (const auto& [key, value] : kwargs) {
    if (!py::hasattr(obj, key)) {
      throw py::type_error(std::string(py::str(obj.get_type().attr("__name__"))) + " has no field '" +
                           std::string(py::str(key)) + "'");
    }
    py::setattr(obj, key, value);
  }
  return obj.cast<T>();
}

/// Runs a library call without the GIL, then raises what a callback raised.
template <class F>
auto without_gil(CallbackError& errors, F&& call) {
  auto result = [&] {
    py::gil_scoped_release nogil;
    return call();
  }();
  errors.raise_if_set();
  return result;
}

/// The Python-side owner of a library client: the object (closed by close(),
/// __exit__ or garbage collection, always without the GIL, since closing may
/// wait for callbacks that need it) and the slot for exceptions its callbacks
/// raise.
template <class T>
struct Client {
  std::optional<T> client;
  std::shared_ptr<CallbackError> errors = std::make_shared<CallbackError>();

  Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { close(); }

  T& get() {
    if (!client) throw Error(Status(StatusCode::kFailedPrecondition, "it is closed; open a new one"));
    return *client;
  }
  void close() {
    if (!client) return;
    py::gil_scoped_release nogil;
    client.reset();
  }
};

/// Sets the Python error for `status` (an instance of the libplatform
/// exception class of its code). Needs the GIL.
void set_python_error(const Status& status);

}  // namespace platform::python
