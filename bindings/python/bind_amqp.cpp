// SPDX-License-Identifier: Apache-2.0
// platform::amqp: RabbitMQ publisher, consumer and topology. The GIL is
// released around every call that talks to the broker; confirm callbacks take
// it back, and an exception they raise is re-raised by the call that ran them.
#include <pybind11/chrono.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <variant>

#include "bindings.hpp"
#include "platform/amqp/connection_options.hpp"
#include "platform/amqp/consumer.hpp"
#include "platform/amqp/properties.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/amqp/topology.hpp"

namespace platform::python {

namespace {

using namespace platform::amqp;
using Millis = std::chrono::milliseconds;

// AMQP field values as natural Python values: None, bool, int, float,
// decimal.Decimal, str, bytes (byte array), int seconds (timestamp), list, dict.
py::object field_to_python(const FieldValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return py::none();
        } else if constexpr (std::is_same_v<V, Decimal>) {
          return py::module_::import("decimal").attr("Decimal")(v.value).attr("scaleb")(-static_cast<int>(v.scale));
        } else if constexpr (std::is_same_v<V, Bytes>) {
          return py::bytes(v.data);
        } else if constexpr (std::is_same_v<V, Timestamp>) {
          return py::int_(v.seconds);
        } else if constexpr (std::is_same_v<V, FieldArray>) {
          py::list out;
          for (const FieldValue& item : v) out.append(field_to_python(item));
          return out;
        } else if constexpr (std::is_same_v<V, FieldTable>) {
          py::dict out;
          for (const FieldEntry& e : v) out[py::str(e.name)] = field_to_python(e.value);
          return out;
        } else {
          return py::cast(v);
        }
      },
      value.get());
}

FieldTable table_from_python(const py::dict& table);

FieldValue field_from_python(const py::handle& value) {
  if (value.is_none()) return {};
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<std::int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bytes>(value)) return Bytes{value.cast<std::string>()};
  if (py::isinstance<py::dict>(value)) return table_from_python(value.cast<py::dict>());
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    FieldArray out;
    for (const py::handle item : value) out.push_back(field_from_python(item));
    return out;
  }
  throw py::type_error("an AMQP header value must be None, bool, int, float, str, bytes, list or dict, not " +
                       std::string(py::str(value.get_type().attr("__name__"))));
}

FieldTable table_from_python(const py::dict& table) {
  FieldTable out;
  for (const auto& [name, value] : table) out.push_back({name.cast<std::string>(), field_from_python(value)});
  return out;
}

ConfirmCallback confirm_callback(const py::object& callable, const std::shared_ptr<CallbackError>& errors) {
  if (callable.is_none()) return {};
  auto fn = share_callable(callable.cast<py::function>());
  return [fn, errors](const Confirmation& confirmation) {
    py::gil_scoped_acquire gil;
    errors->guard([&] { (*fn)(confirmation); });
  };
}

template <class C>
void bind_closeable(py::class_<C>& cls) {
  cls.def("close", &C::close, "Closes the connection. Further calls raise FailedPrecondition.")
      .def("__enter__", [](C& self) -> C& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](C& self, const py::args&) { self.close(); })
      .def_property_readonly("address", [](C& self) { return self.get().address(); },
                             "amqp://user@host:port/vhost (never the password).");
}

}  // namespace

void bind_amqp(py::module_& m) {
  py::class_<TlsOptions>(m, "AmqpTls", "AMQPS settings; TLS is used when enabled is True. Files are PEM.")
      .def(py::init(&from_kwargs<TlsOptions>))
      .def_readwrite("enabled", &TlsOptions::enabled)
      .def_readwrite("ca_cert_file", &TlsOptions::ca_cert_file)
      .def_readwrite("client_cert_file", &TlsOptions::client_cert_file)
      .def_readwrite("client_key_file", &TlsOptions::client_key_file)
      .def_readwrite("verify_peer", &TlsOptions::verify_peer)
      .def_readwrite("verify_hostname", &TlsOptions::verify_hostname);
  py::class_<ReconnectPolicy>(m, "AmqpReconnect",
                              "Exponential backoff with full jitter; max_attempts=0 disables reconnection.")
      .def(py::init(&from_kwargs<ReconnectPolicy>))
      .def_readwrite("initial_backoff", &ReconnectPolicy::initial_backoff)
      .def_readwrite("max_backoff", &ReconnectPolicy::max_backoff)
      .def_readwrite("max_attempts", &ReconnectPolicy::max_attempts);
  py::class_<ConnectionOptions>(m, "AmqpConnection",
                                "How to reach one RabbitMQ broker (keyword arguments set fields). Durations accept "
                                "datetime.timedelta or seconds. The password never appears in repr() or errors.")
      .def(py::init(&from_kwargs<ConnectionOptions>))
      .def_readwrite("host", &ConnectionOptions::host)
      .def_readwrite("port", &ConnectionOptions::port)
      .def_readwrite("vhost", &ConnectionOptions::vhost)
      .def_readwrite("username", &ConnectionOptions::username)
      .def_readwrite("password", &ConnectionOptions::password)
      .def_readwrite("heartbeat", &ConnectionOptions::heartbeat)
      .def_readwrite("connect_timeout", &ConnectionOptions::connect_timeout)
      .def_readwrite("rpc_timeout", &ConnectionOptions::rpc_timeout)
      .def_readwrite("frame_max", &ConnectionOptions::frame_max)
      .def_readwrite("tls", &ConnectionOptions::tls)
      .def_readwrite("reconnect", &ConnectionOptions::reconnect)
      .def_readwrite("connection_name", &ConnectionOptions::connection_name)
      .def("__repr__", [](const ConnectionOptions& o) { return "AmqpConnection('" + describe(o) + "')"; });

  py::class_<Properties>(m, "AmqpProperties",
                         "AMQP basic properties; None = not sent. headers is a dict of typed values (a copy).")
      .def(py::init(&from_kwargs<Properties>))
      .def_readwrite("content_type", &Properties::content_type)
      .def_readwrite("content_encoding", &Properties::content_encoding)
      .def_property(
          "headers",
          [](const Properties& p) { return field_to_python(FieldValue(p.headers)); },
          [](Properties& p, const py::dict& headers) { p.headers = table_from_python(headers); })
      .def_readwrite("delivery_mode", &Properties::delivery_mode, "2 = persistent (default), 1 = transient.")
      .def_readwrite("priority", &Properties::priority)
      .def_readwrite("correlation_id", &Properties::correlation_id)
      .def_readwrite("reply_to", &Properties::reply_to)
      .def_readwrite("expiration", &Properties::expiration)
      .def_readwrite("message_id", &Properties::message_id)
      .def_readwrite("timestamp", &Properties::timestamp)
      .def_readwrite("type", &Properties::type)
      .def_readwrite("user_id", &Properties::user_id)
      .def_readwrite("app_id", &Properties::app_id);

  py::class_<Confirmation>(m, "Confirmation", "How the broker settled one published message.")
      .def_readonly("ticket", &Confirmation::ticket, "The ticket publish() returned.")
      .def_property_readonly("outcome", [](const Confirmation& c) { return to_string(c.outcome); },
                             "'confirmed', 'returned', 'nacked' or 'failed'.")
      .def_property_readonly("ok", [](const Confirmation& c) { return c.status.ok(); })
      .def_property_readonly("message", [](const Confirmation& c) { return c.status.to_string(); },
                             "Why it was not confirmed (empty when ok).")
      .def("__repr__", [](const Confirmation& c) {
        return "Confirmation(ticket=" + std::to_string(c.ticket) + ", outcome='" + to_string(c.outcome) + "')";
      });

  py::class_<PublisherStats>(m, "AmqpPublisherStats", "Publisher counters since open.")
      .def_readonly("published", &PublisherStats::published)
      .def_readonly("confirmed", &PublisherStats::confirmed)
      .def_readonly("returned", &PublisherStats::returned)
      .def_readonly("nacked", &PublisherStats::nacked)
      .def_readonly("failed", &PublisherStats::failed)
      .def_readonly("republished", &PublisherStats::republished)
      .def_readonly("reconnections", &PublisherStats::reconnections);

  using PyPublisher = Client<Publisher>;
  py::class_<PyPublisher> publisher(
      m, "AmqpPublisher",
      "Publishes to RabbitMQ with publisher confirms over a sliding window; reconnects without losing unconfirmed "
      "messages. Not thread-safe: use it from one thread. Confirm callbacks run inside publish(), poll() and "
      "wait_for_confirms(); an exception one raises is re-raised by that call. Use as a context manager.");
  publisher
      .def(py::init([](const ConnectionOptions& connection, std::uint32_t confirm_window, bool mandatory,
                       const py::object& on_confirm, Millis publish_timeout) {
             auto self = std::make_unique<PyPublisher>();
             PublisherOptions options{connection, confirm_window, mandatory,
                                      confirm_callback(on_confirm, self->errors), publish_timeout};
             py::gil_scoped_release nogil;
             self->client.emplace(Publisher::open(std::move(options)).value());
             return self;
           }),
           py::arg("connection") = ConnectionOptions{}, py::arg("confirm_window") = 1000, py::arg("mandatory") = true,
           py::arg("on_confirm") = py::none(), py::arg("publish_timeout") = Millis(30000),
           "Connects and enters confirm mode. Raises Unavailable (broker unreachable), Unauthenticated, "
           "InvalidArgument (bad options).")
      .def(
          "publish",
          [](PyPublisher& self, const std::string& exchange, const std::string& routing_key, const Message& message,
             const Properties& properties, const py::object& on_confirm) {
            auto callback = confirm_callback(on_confirm, self.errors);
            return without_gil(*self.errors, [&] {
                     return self.get().publish(exchange, routing_key, message, properties, std::move(callback));
                   })
                .value();
          },
          py::arg("exchange"), py::arg("routing_key"), py::arg("message"), py::arg("properties") = Properties{},
          py::arg("on_confirm") = py::none(),
          "Sends a Message; returns the ticket its Confirmation will carry. Blocks while the window is full.")
      .def(
          "poll", [](PyPublisher& self) { throw_if_error(without_gil(*self.errors, [&] { return self.get().poll(); })); },
          "Reads arrived confirms without blocking and runs their callbacks.")
      .def(
          "wait_for_confirms",
          [](PyPublisher& self, Millis timeout) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().wait_for_confirms(timeout); }));
          },
          py::arg("timeout") = Millis(30000),
          "Blocks until everything published is settled. Raises NotFound (returned: unroutable), "
          "ResourceExhausted (nacked), DeadlineExceeded or Unavailable.")
      .def_property_readonly("unconfirmed", [](PyPublisher& self) { return self.get().unconfirmed(); })
      .def_property_readonly("stats", [](PyPublisher& self) { return self.get().stats(); });
  bind_closeable(publisher);

  py::class_<Delivery>(m, "AmqpDelivery", "One message delivered to an AmqpConsumer.")
      .def_readonly("delivery_tag", &Delivery::delivery_tag, "Tag for ack()/nack()/reject().")
      .def_readonly("exchange", &Delivery::exchange)
      .def_readonly("routing_key", &Delivery::routing_key)
      .def_readonly("redelivered", &Delivery::redelivered, "Delivered before: it may be a duplicate.")
      .def_readonly("properties", &Delivery::properties)
      .def_readonly("message", &Delivery::message, "Payload, routing key as key, string/bytes headers, timestamp.")
      .def("__repr__", [](const Delivery& d) {
        return "AmqpDelivery(tag=" + std::to_string(d.delivery_tag) + ", routing_key='" + d.routing_key + "')";
      });

  py::class_<ConsumerStats>(m, "AmqpConsumerStats", "Consumer counters since open.")
      .def_readonly("delivered", &ConsumerStats::delivered)
      .def_readonly("redelivered", &ConsumerStats::redelivered)
      .def_readonly("acked", &ConsumerStats::acked)
      .def_readonly("reconnections", &ConsumerStats::reconnections);

  using PyConsumer = Client<Consumer>;
  py::class_<PyConsumer> consumer(
      m, "AmqpConsumer",
      "Consumes one queue with manual acks; unacked deliveries are redelivered after a connection loss. "
      "Not thread-safe: use it from one thread. Use as a context manager.");
  consumer
      .def(py::init([](const ConnectionOptions& connection, const std::string& queue, std::uint16_t prefetch,
                       const std::string& consumer_tag, bool exclusive) {
             auto self = std::make_unique<PyConsumer>();
             ConsumerOptions options{connection, queue, prefetch, consumer_tag, exclusive, {}};
             py::gil_scoped_release nogil;
             self->client.emplace(Consumer::open(std::move(options)).value());
             return self;
           }),
           py::arg("connection") = ConnectionOptions{}, py::arg("queue"), py::arg("prefetch") = 1000,
           py::arg("consumer_tag") = "", py::arg("exclusive") = false,
           "Connects and subscribes. Raises NotFound when the queue does not exist.")
      .def(
          "consume",
          [](PyConsumer& self, Millis timeout) {
            return without_gil(*self.errors, [&] { return self.get().consume(timeout); }).value();
          },
          py::arg("timeout") = Millis(1000), "The next AmqpDelivery, or None when none came within `timeout`.")
      .def(
          "ack",
          [](PyConsumer& self, std::uint64_t tag, bool multiple) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().ack(tag, multiple); }));
          },
          py::arg("delivery_tag"), py::arg("multiple") = false)
      .def(
          "nack",
          [](PyConsumer& self, std::uint64_t tag, bool multiple, bool requeue) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().nack(tag, multiple, requeue); }));
          },
          py::arg("delivery_tag"), py::arg("multiple") = false, py::arg("requeue") = true)
      .def(
          "reject",
          [](PyConsumer& self, std::uint64_t tag, bool requeue) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().reject(tag, requeue); }));
          },
          py::arg("delivery_tag"), py::arg("requeue") = false)
      .def_property_readonly("stats", [](PyConsumer& self) { return self.get().stats(); });
  bind_closeable(consumer);

  py::class_<QueueInfo>(m, "AmqpQueueInfo", "What queue.declare reports.")
      .def_readonly("name", &QueueInfo::name)
      .def_readonly("message_count", &QueueInfo::message_count, "Ready messages (not the unacked ones).")
      .def_readonly("consumer_count", &QueueInfo::consumer_count);

  using PyTopology = Client<Topology>;
  py::class_<PyTopology> topology(m, "AmqpTopology",
                                  "Declares and inspects exchanges, queues and bindings (quorum queues by default).");
  topology
      .def(py::init([](const ConnectionOptions& connection) {
             auto self = std::make_unique<PyTopology>();
             py::gil_scoped_release nogil;
             self->client.emplace(Topology::open(connection).value());
             return self;
           }),
           py::arg("connection") = ConnectionOptions{})
      .def(
          "declare_queue",
          [](PyTopology& self, const std::string& name, const std::string& type, bool durable,
             std::optional<std::int64_t> max_length, const std::string& overflow,
             std::optional<std::int64_t> message_ttl_ms, const std::string& dead_letter_exchange) {
            QueueOptions options{.name = name, .durable = durable, .dead_letter_exchange = dead_letter_exchange,
                                 .max_length = max_length, .overflow = overflow, .message_ttl_ms = message_ttl_ms};
            if (type == "classic") options.type = QueueType::kClassic;
            else if (type == "stream") options.type = QueueType::kStream;
            else if (type != "quorum") throw Error(invalid_argument("queue type '" + type + "': use quorum, classic or stream"));
            return without_gil(*self.errors, [&] { return self.get().declare_queue(options); }).value();
          },
          py::arg("name"), py::arg("type") = "quorum", py::arg("durable") = true, py::arg("max_length") = py::none(),
          py::arg("overflow") = "", py::arg("message_ttl_ms") = py::none(), py::arg("dead_letter_exchange") = "",
          "queue.declare; raises FailedPrecondition when it exists with other settings.")
      .def(
          "declare_exchange",
          [](PyTopology& self, const std::string& name, const std::string& type, bool durable) {
            const ExchangeOptions options{.name = name, .type = type, .durable = durable};
            throw_if_error(without_gil(*self.errors, [&] { return self.get().declare_exchange(options); }));
          },
          py::arg("name"), py::arg("type") = "direct", py::arg("durable") = true)
      .def(
          "bind_queue",
          [](PyTopology& self, const std::string& queue, const std::string& exchange, const std::string& key) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().bind_queue(queue, exchange, key); }));
          },
          py::arg("queue"), py::arg("exchange"), py::arg("routing_key"))
      .def(
          "inspect_queue",
          [](PyTopology& self, const std::string& queue) {
            return without_gil(*self.errors, [&] { return self.get().inspect_queue(queue); }).value();
          },
          py::arg("queue"), "Depth and consumers; raises NotFound if it does not exist.")
      .def(
          "purge_queue",
          [](PyTopology& self, const std::string& queue) {
            return without_gil(*self.errors, [&] { return self.get().purge_queue(queue); }).value();
          },
          py::arg("queue"))
      .def(
          "delete_queue",
          [](PyTopology& self, const std::string& queue) {
            return without_gil(*self.errors, [&] { return self.get().delete_queue(queue); }).value();
          },
          py::arg("queue"), "Deletes the queue (ok if absent); returns the messages deleted with it.")
      .def(
          "delete_exchange",
          [](PyTopology& self, const std::string& exchange) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().delete_exchange(exchange); }));
          },
          py::arg("exchange"));
  bind_closeable(topology);
}

}  // namespace platform::python
