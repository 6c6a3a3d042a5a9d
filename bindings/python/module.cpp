// SPDX-License-Identifier: Apache-2.0
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "libplatform's C++ library; use it through the `libplatform` package (or `import platform`).";
  m.attr("__version__") = PLATFORM_VERSION_STRING;
  platform::python::bind_core(m);
  platform::python::bind_message(m);
  platform::python::bind_spec(m);
  platform::python::bind_amqp(m);
  platform::python::bind_validate(m);
  platform::python::bind_render(m);
  platform::python::bind_kafka(m);
  platform::python::bind_flow(m);
  platform::python::bind_tenancy(m);
}
