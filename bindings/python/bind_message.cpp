// SPDX-License-Identifier: Apache-2.0
// platform::Message, the value Kafka records and AMQP deliveries share.
// Keys, payloads and header values are bytes in Python (str is accepted and
// encoded as UTF-8).
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "platform/message.hpp"

namespace platform::python {

std::string to_bytes(const py::handle& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bytes>(value) || py::isinstance<py::bytearray>(value) ||
      py::isinstance<py::memoryview>(value)) {
    return std::string(py::bytes(py::reinterpret_borrow<py::object>(value)));
  }
  throw py::type_error("expected bytes or str, got " + std::string(py::str(value.get_type().attr("__name__"))));
}

void bind_message(py::module_& m) {
  py::class_<Message>(m, "Message",
                      "A message as every data-flow helper moves it: key, payload, ordered headers, timestamp.\n"
                      "Keys, payloads and header values are bytes; str is accepted and encoded as UTF-8.")
      .def(py::init([](const py::object& payload, const py::object& key, const py::object& headers,
                       std::optional<std::int64_t> timestamp_ms) {
             Message msg{to_bytes(key), to_bytes(payload), {}, timestamp_ms};
             for (const py::handle h : headers) {
               const auto pair = h.cast<py::tuple>();
               msg.headers.push_back({pair[0].cast<std::string>(), to_bytes(pair[1])});
             }
             return msg;
           }),
           py::arg("payload") = py::bytes(), py::arg("key") = py::bytes(), py::arg("headers") = py::list(),
           py::arg("timestamp_ms") = py::none(),
           "Message(payload, key=b'', headers=[(name, value), ...], timestamp_ms=None)")
      .def_property(
          "key", [](const Message& msg) { return py::bytes(msg.key); },
          [](Message& msg, const py::object& v) { msg.key = to_bytes(v); }, "Kafka key / AMQP routing key (bytes).")
      .def_property(
          "payload", [](const Message& msg) { return py::bytes(msg.payload); },
          [](Message& msg, const py::object& v) { msg.payload = to_bytes(v); }, "The body (bytes).")
      .def_property(
          "headers",
          [](const Message& msg) {
            py::list out;
            for (const Header& h : msg.headers) out.append(py::make_tuple(h.name, py::bytes(h.value)));
            return out;
          },
          [](Message& msg, const py::iterable& headers) {
            msg.headers.clear();
            for (const py::handle h : headers) {
              const auto pair = h.cast<py::tuple>();
              msg.headers.push_back({pair[0].cast<std::string>(), to_bytes(pair[1])});
            }
          },
          "Ordered (name, value) pairs; names may repeat, values are bytes. A copy: assign a new list to change.")
      .def_readwrite("timestamp_ms", &Message::timestamp_ms, "Creation time in ms since the epoch, or None.")
      .def(
          "header",
          [](const Message& msg, const std::string& name) -> py::object {
            const auto value = msg.header(name);
            return value ? py::object(py::bytes(value->data(), value->size())) : py::object(py::none());
          },
          py::arg("name"), "The first header named `name`, or None.")
      .def(py::self == py::self)
      .def("__repr__", [](const Message& msg) {
        return "Message(key=" + std::string(py::repr(py::bytes(msg.key))) + ", payload=" +
               std::string(py::repr(py::bytes(msg.payload))) + ", headers=" + std::to_string(msg.headers.size()) +
               ")";
      });
}

}  // namespace platform::python
