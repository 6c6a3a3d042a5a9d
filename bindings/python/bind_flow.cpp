// SPDX-License-Identifier: Apache-2.0
// platform::flow: Processor and Transformer (with Python callables or compiled
// declarative transforms), the two bridges, flow files and metrics.
//
// run() releases the GIL for the whole run; a Python process function takes
// it back for each input (on run()'s thread, one input at a time). An
// exception it raises is that input's error: retried per the error policy
// (ValueError, and so libplatform.InvalidArgument, is permanent: no retries),
// then dead-lettered; with no dead letter the run stops and run() re-raises
// the Python exception itself. KeyboardInterrupt (checked at each progress
// tick) stops the run cleanly and is re-raised.
#include <pybind11/chrono.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "platform/flow/bridge.hpp"
#include "platform/flow/common.hpp"
#include "platform/flow/flow_file.hpp"
#include "platform/flow/processor.hpp"
#include "platform/flow/transformer.hpp"

namespace platform::python {

namespace {

using namespace platform::flow;
using Millis = std::chrono::milliseconds;

// A declarative transform compiled to C++ (no GIL when a flow runs it).
struct CompiledTransform {
  TransformSpec spec;
  ProcessFunction function;
};

TransformSpec transform_from_python(const py::handle& value) {
  if (py::isinstance<CompiledTransform>(value)) return value.cast<const CompiledTransform&>().spec;
  if (py::isinstance<py::str>(value)) return parse_transform(value.cast<std::string>(), "<transform>").value();
  if (py::isinstance<py::dict>(value)) {
    const auto text = py::module_::import("json").attr("dumps")(value).cast<std::string>();
    return parse_transform(text, "<transform>").value();
  }
  throw py::type_error("a transform is a dict, YAML/JSON text or a CompiledTransform");
}

// The exception a Python process function raised last (GIL held to touch it).
struct PythonFailure {
  std::optional<py::error_already_set> error;
  std::string text;  // "TypeName: message", as the flow's status carries it
};

Message message_from_python(const py::handle& item, const Message& input) {
  if (py::isinstance<Message>(item)) return item.cast<Message>();
  return Message{.key = input.key, .payload = to_bytes(item), .headers = {}, .timestamp_ms = std::nullopt};
}

// A Python callable as a ProcessFunction: returns None (filter), a Message,
// bytes/str (the payload, keyed like the input) or a list of those.
ProcessFunction python_process(const py::object& callable, const std::shared_ptr<PythonFailure>& failure) {
  auto fn = share_callable(callable.cast<py::function>());
  return [fn, failure](const Message& input) -> Result<std::vector<Message>> {
    py::gil_scoped_acquire gil;
    try {
      const py::object out = (*fn)(input);
      std::vector<Message> outputs;
      if (out.is_none()) return outputs;
      if (py::isinstance<py::list>(out) || py::isinstance<py::tuple>(out)) {
        outputs.reserve(py::len(out));
        for (const py::handle item : out) outputs.push_back(message_from_python(item, input));
      } else {
        outputs.push_back(message_from_python(out, input));
      }
      return outputs;
    } catch (py::error_already_set& e) {
      const bool permanent = e.matches(PyExc_ValueError);
      failure->text = std::string(py::str(e.type().attr("__name__"))) + ": " + std::string(py::str(e.value()));
      failure->error = std::move(e);
      return Status(permanent ? StatusCode::kInvalidArgument : StatusCode::kUnknown,
                    "Python process function raised " + failure->text);
    }
  };
}

// Accepts a Python callable or a CompiledTransform (run in C++, no GIL).
ProcessFunction process_from_python(const py::object& process, const std::shared_ptr<PythonFailure>& failure) {
  if (process.is_none()) return {};
  if (py::isinstance<CompiledTransform>(process)) return process.cast<const CompiledTransform&>().function;
  if (!PyCallable_Check(process.ptr())) throw py::type_error("process must be callable or a CompiledTransform");
  return python_process(process, failure);
}

Guarantee guarantee_from(const std::string& text) {
  if (text == "at-least-once") return Guarantee::kAtLeastOnce;
  if (text == "exactly-once") return Guarantee::kExactlyOnce;
  throw Error(invalid_argument("guarantee '" + text + "': use 'at-least-once' or 'exactly-once'"));
}

// The Python owner of a flow: the flow, the slot for the progress callback's
// exceptions and the process function's last exception.
template <class T>
struct PyFlow : Client<T> {
  std::shared_ptr<PythonFailure> failure = std::make_shared<PythonFailure>();
};

template <class T>
void run_flow(PyFlow<T>& self, Millis duration, std::uint64_t max_messages, const py::object& on_progress,
              Millis progress_interval) {
  T& flow = self.get();
  std::shared_ptr<py::function> progress;
  if (!on_progress.is_none()) progress = share_callable(on_progress.cast<py::function>());
  RunOptions options{.duration = duration, .max_messages = max_messages, .on_progress = {},
                     .progress_interval = progress_interval};
  auto errors = self.errors;
  options.on_progress = [&flow, progress, errors](const MetricsSnapshot& snapshot) {
    py::gil_scoped_acquire gil;
    errors->guard([&] {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (progress) (*progress)(snapshot);
    });
    if (errors->error) flow.stop();
  };
  self.failure->error.reset();
  const Status status = without_gil(*self.errors, [&] { return flow.run(options); });
  if (status.ok()) return;
  if (self.failure->error && status.message().find(self.failure->text) != std::string::npos) {
    py::error_already_set e = std::move(*self.failure->error);
    self.failure->error.reset();
    throw e;
  }
  throw Error(status);
}

template <class T>
void bind_runnable(py::class_<PyFlow<T>>& cls) {
  cls.def("run", &run_flow<T>, py::arg("duration") = Millis(0), py::arg("max_messages") = 0,
          py::arg("on_progress") = py::none(), py::arg("progress_interval") = Millis(1000),
          "Runs the flow (without the GIL) until stop(), `duration` (timedelta or seconds; 0 = no limit), "
          "`max_messages` inputs done (0 = no limit) or an error; then waits for in-flight outputs, commits what is "
          "done and returns. on_progress(FlowMetrics) is called every progress_interval. Ctrl-C stops it cleanly "
          "and re-raises KeyboardInterrupt. Raises the error that stopped it: the Python exception of the process "
          "function when an input exhausted its attempts with no dead letter, else the library's error.")
      .def(
          "stop", [](PyFlow<T>& self) { self.get().stop(); },
          "Asks run() to return (from any thread, e.g. a threading.Timer).")
      .def_property_readonly("metrics", [](PyFlow<T>& self) { return self.get().metrics(); },
                             "FlowMetrics now (safe while run() runs in another thread).")
      .def("close", &PyFlow<T>::close, "Releases the clients. Further calls raise FailedPrecondition.")
      .def("__enter__", [](PyFlow<T>& self) -> PyFlow<T>& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](PyFlow<T>& self, const py::args&) { self.close(); });
}

ProcessorOptions processor_options(const std::string& group_id, const std::vector<std::string>& inputs,
                                   const std::string& output, const std::string& name,
                                   const std::string& bootstrap_servers, const std::string& guarantee,
                                   const ErrorPolicy& errors, std::size_t max_in_flight,
                                   const kafka::SecurityOptions& security) {
  ProcessorOptions options;
  options.name = name;
  options.bootstrap_servers = bootstrap_servers;
  options.security = security;
  options.group_id = group_id;
  options.inputs = inputs;
  options.output = output;
  options.guarantee = guarantee_from(guarantee);
  options.errors = errors;
  options.max_in_flight = max_in_flight;
  return options;
}

constexpr const char* kProcessDoc =
    "`process(message) -> None | Message | bytes | str | list`: None filters the input out, bytes/str become the "
    "payload of one output keyed like the input. It runs on run()'s thread with the GIL, one input at a time, in "
    "offset order per partition. A raised exception is the input's error: retried per `errors` (ValueError is "
    "permanent: no retries), then dead-lettered; with no dead letter the run stops and run() re-raises it. "
    "A CompiledTransform as `process` runs in C++ without the GIL.";

// Bench helpers: the floor a Python callback cannot go below, measured in C++.
double gil_round_trips(std::size_t n) {
  py::gil_scoped_release nogil;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    py::gil_scoped_acquire gil;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double python_calls(const py::function& fn, const Message& message, std::size_t n) {
  py::gil_scoped_release nogil;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    py::gil_scoped_acquire gil;
    fn(message);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void bind_flow(py::module_& m) {
  py::class_<ErrorPolicy>(m, "FlowErrorPolicy",
                          "Poison messages: max_attempts tries with exponential backoff (timedelta or seconds), then "
                          "the input goes to dead_letter ('kafka:TOPIC' or 'rabbitmq:EXCHANGE?routingKey=RK') with "
                          "platform.dlq.* headers. dead_letter '' = the flow stops with the error.")
      .def(py::init(&from_kwargs<ErrorPolicy>))
      .def_readwrite("max_attempts", &ErrorPolicy::max_attempts)
      .def_readwrite("backoff", &ErrorPolicy::backoff)
      .def_readwrite("max_backoff", &ErrorPolicy::max_backoff)
      .def_readwrite("dead_letter", &ErrorPolicy::dead_letter)
      .def("__repr__", [](const ErrorPolicy& e) {
        return "FlowErrorPolicy(max_attempts=" + std::to_string(e.max_attempts) + ", dead_letter='" + e.dead_letter +
               "')";
      });

  py::class_<MetricsSnapshot>(m, "FlowMetrics",
                              "Counters of one flow since run() started. Displays as a table in Jupyter.")
      .def_readonly("flow", &MetricsSnapshot::flow)
      .def_readonly("messages_in", &MetricsSnapshot::in, "Inputs received (redeliveries included).")
      .def_readonly("messages_out", &MetricsSnapshot::out, "Outputs acknowledged by the destination.")
      .def_readonly("done", &MetricsSnapshot::done, "Inputs fully handled (outputs acked, filtered or dead-lettered).")
      .def_readonly("filtered", &MetricsSnapshot::filtered)
      .def_readonly("retried", &MetricsSnapshot::retried)
      .def_readonly("dead_lettered", &MetricsSnapshot::dead_lettered)
      .def_readonly("in_flight", &MetricsSnapshot::in_flight)
      .def_readonly("lag", &MetricsSnapshot::lag, "Messages waiting in the source; -1 = not known yet.")
      .def_readonly("latency_count", &MetricsSnapshot::latency_count)
      .def_readonly("latency_sum_seconds", &MetricsSnapshot::latency_sum_seconds)
      .def_property_readonly(
          "latency_buckets",
          [](const MetricsSnapshot& s) {
            std::vector<std::pair<double, std::uint64_t>> out;
            for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) out.emplace_back(kLatencyBuckets[i], s.latency_buckets[i]);
            return out;
          },
          "Cumulative [(upper bound in seconds, count)] of the delivery latency.")
      .def_readonly("elapsed_seconds", &MetricsSnapshot::elapsed_seconds)
      .def_property_readonly(
          "rate", [](const MetricsSnapshot& s) { return s.elapsed_seconds > 0 ? s.done / s.elapsed_seconds : 0.0; },
          "Inputs done per second since the start.")
      .def("to_prometheus", &to_prometheus, "The Prometheus text exposition format.")
      .def("__str__", &progress_line)
      .def("__repr__", [](const MetricsSnapshot& s) { return "FlowMetrics(" + progress_line(s) + ")"; });

  py::class_<CompiledTransform>(m, "CompiledTransform",
                                "A declarative transform compiled to C++: call it on a Message to get its outputs, "
                                "or give it to a Processor as `process` (runs without the GIL).")
      .def(py::init([](const py::object& spec) {
             CompiledTransform t{transform_from_python(spec), {}};
             t.function = compile(t.spec).value();
             return t;
           }),
           py::arg("spec"),
           "Compiles a transform: a dict or YAML/JSON text, e.g. {'filter': [{'field': 'type', 'equals': "
           "'order.created'}], 'map': {'orderId': 'order.id'}, 'set': {'command': 'ship'}, 'key': 'orderId'}. "
           "Raises InvalidArgument naming the bad key.")
      .def(
          "__call__",
          [](const CompiledTransform& t, const Message& input) { return t.function(input).value(); },
          py::arg("message"),
          "The outputs for one input (an empty list when filtered). Raises InvalidArgument for a payload that is not "
          "a JSON object.");

  using PyProcessor = PyFlow<Processor>;
  py::class_<PyProcessor> processor(
      m, "Processor",
      "Consume Kafka, call `process`, produce to Kafka, at least once by default: an input's offset is committed "
      "only after all its outputs were acknowledged (acks=all). Exactly-once uses Kafka transactions.");
  processor.def(py::init([](const std::string& group_id, const std::vector<std::string>& inputs,
                            const std::string& output, const py::object& process, const std::string& name,
                            const std::string& bootstrap_servers, const std::string& guarantee,
                            const ErrorPolicy& errors, std::size_t max_in_flight,
                            const kafka::SecurityOptions& security) {
                  auto self = std::make_unique<PyProcessor>();
                  auto options = processor_options(group_id, inputs, output, name, bootstrap_servers, guarantee,
                                                   errors, max_in_flight, security);
                  options.process = process_from_python(process, self->failure);
                  py::gil_scoped_release nogil;
                  self->client.emplace(Processor::create(std::move(options)).value());
                  return self;
                }),
                py::arg("group_id"), py::arg("inputs"), py::arg("output"), py::arg("process"), py::kw_only(),
                py::arg("name") = "processor", py::arg("bootstrap_servers") = "",
                py::arg("guarantee") = "at-least-once", py::arg("errors") = ErrorPolicy{},
                py::arg("max_in_flight") = ProcessorOptions{}.max_in_flight, py::arg("security") = kafka::SecurityOptions{},
                (std::string("Creates the processor and connects (bootstrap_servers '' = the process-wide embedded "
                             "cluster). ") + kProcessDoc + " Raises InvalidArgument naming a missing or bad option.")
                    .c_str());
  bind_runnable(processor);

  using PyTransformer = PyFlow<Transformer>;
  py::class_<PyTransformer> transformer(
      m, "Transformer",
      "Events -> commands, Kafka to Kafka: a declarative transform over JSON payloads (filter, map, rename, drop, "
      "set, key), or a Python `process` function. The guarantees of Processor.");
  transformer.def(py::init([](const std::string& group_id, const std::vector<std::string>& inputs,
                              const std::string& output, const py::object& transform, const py::object& process,
                              const std::string& name, const std::string& bootstrap_servers,
                              const std::string& guarantee, const ErrorPolicy& errors, std::size_t max_in_flight,
                              const kafka::SecurityOptions& security) {
                    auto self = std::make_unique<PyTransformer>();
                    TransformerOptions options{processor_options(group_id, inputs, output, name, bootstrap_servers,
                                                                 guarantee, errors, max_in_flight, security),
                                               {}};
                    if (!transform.is_none()) options.transform = transform_from_python(transform);
                    options.processor.process = process_from_python(process, self->failure);
                    if (transform.is_none() && !options.processor.process) {
                      throw Error(invalid_argument("give the Transformer a `transform` (dict or text) or a `process` "
                                                   "function"));
                    }
                    py::gil_scoped_release nogil;
                    self->client.emplace(Transformer::create(std::move(options)).value());
                    return self;
                  }),
                  py::arg("group_id"), py::arg("inputs"), py::arg("output"), py::arg("transform") = py::none(),
                  py::kw_only(), py::arg("process") = py::none(), py::arg("name") = "transformer",
                  py::arg("bootstrap_servers") = "", py::arg("guarantee") = "at-least-once",
                  py::arg("errors") = ErrorPolicy{}, py::arg("max_in_flight") = ProcessorOptions{}.max_in_flight,
                  py::arg("security") = kafka::SecurityOptions{},
                  (std::string("Creates the transformer. `transform` is a dict or YAML/JSON text (see "
                               "CompiledTransform); `process`, when given, is used instead. ") +
                   kProcessDoc)
                      .c_str());
  bind_runnable(transformer);

  using PyKafkaToRabbit = PyFlow<KafkaToRabbitBridge>;
  py::class_<PyKafkaToRabbit> k2r(m, "KafkaToRabbitBridge",
                                  "Kafka topics -> a RabbitMQ exchange, at least once: an offset is committed only "
                                  "after the broker confirmed the message. Headers are mapped as docs/flows.md says.");
  k2r.def(py::init([](const std::string& group_id, const std::vector<std::string>& topics,
                      const amqp::ConnectionOptions& rabbitmq, const std::string& exchange,
                      const std::string& routing_key, const std::string& queue, bool declare,
                      std::uint32_t confirm_window, const ErrorPolicy& errors, const std::string& bootstrap_servers,
                      const std::string& name, const kafka::SecurityOptions& security, bool kafka_metadata,
                      std::uint32_t connections) {
            auto self = std::make_unique<PyKafkaToRabbit>();
            KafkaToRabbitOptions options{.name = name, .bootstrap_servers = bootstrap_servers, .security = security,
                                         .group_id = group_id, .topics = topics, .rabbitmq = rabbitmq,
                                         .exchange = exchange, .routing_key = routing_key, .queue = queue,
                                         .declare = declare, .confirm_window = confirm_window,
                                         .connections = connections, .kafka_metadata = kafka_metadata,
                                         .errors = errors};
            py::gil_scoped_release nogil;
            self->client.emplace(KafkaToRabbitBridge::create(std::move(options)).value());
            return self;
          }),
          py::arg("group_id"), py::arg("topics"), py::kw_only(), py::arg("rabbitmq") = amqp::ConnectionOptions{},
          py::arg("exchange") = "", py::arg("routing_key") = "", py::arg("queue") = "", py::arg("declare") = true,
          py::arg("confirm_window") = 1000, py::arg("errors") = ErrorPolicy{}, py::arg("bootstrap_servers") = "",
          py::arg("name") = "kafka-to-rabbitmq", py::arg("security") = kafka::SecurityOptions{},
          py::arg("kafka_metadata") = true, py::arg("connections") = 2,
          "Connects both sides and declares `queue` (quorum; bound to a named exchange with routing_key or '#'). "
          "routing_key '' = per message: the amqp.routing-key header, else the Kafka key. kafka_metadata=False "
          "leaves out the kafka.key / kafka.timestamp headers (the record's own headers still cross). "
          "connections: RabbitMQ connections to publish on (1-16), a Kafka partition always on the same one.");
  bind_runnable(k2r);

  using PyRabbitToKafka = PyFlow<RabbitToKafkaBridge>;
  py::class_<PyRabbitToKafka> r2k(m, "RabbitToKafkaBridge",
                                  "A RabbitMQ queue -> a Kafka topic, at least once: a delivery is acked only after "
                                  "Kafka acknowledged the record.");
  r2k.def(py::init([](const std::string& queue, const std::string& topic, const amqp::ConnectionOptions& rabbitmq,
                      bool declare, std::uint16_t prefetch, const std::string& key_source, const ErrorPolicy& errors,
                      const std::string& bootstrap_servers, const std::string& name,
                      const kafka::SecurityOptions& security) {
            auto self = std::make_unique<PyRabbitToKafka>();
            RabbitToKafkaOptions options{.name = name, .rabbitmq = rabbitmq, .queue = queue, .declare = declare,
                                         .prefetch = prefetch, .bootstrap_servers = bootstrap_servers,
                                         .security = security, .topic = topic, .errors = errors};
            if (key_source == "message_id") options.key_source = KeySource::kMessageId;
            else if (key_source != "routing_key") {
              throw Error(invalid_argument("key_source '" + key_source + "': use 'routing_key' or 'message_id'"));
            }
            py::gil_scoped_release nogil;
            self->client.emplace(RabbitToKafkaBridge::create(std::move(options)).value());
            return self;
          }),
          py::arg("queue"), py::arg("topic"), py::kw_only(), py::arg("rabbitmq") = amqp::ConnectionOptions{},
          py::arg("declare") = true, py::arg("prefetch") = 5000, py::arg("key_source") = "routing_key",
          py::arg("errors") = ErrorPolicy{}, py::arg("bootstrap_servers") = "", py::arg("name") = "rabbitmq-to-kafka",
          py::arg("security") = kafka::SecurityOptions{},
          "Connects both sides and declares `queue` (quorum) if missing. The Kafka key is the routing key, or "
          "properties.message_id with key_source='message_id'.");
  bind_runnable(r2k);

  py::class_<FlowFile>(m, "FlowFile", "A checked flow file (apiVersion libplatform.io/v1, kind Flow).")
      .def_readonly("source", &FlowFile::source)
      .def_readonly("name", &FlowFile::name)
      .def_readonly("namespace", &FlowFile::namespace_)
      .def_property_readonly("pattern", [](const FlowFile& f) { return std::string(to_string(f.pattern)); },
                             "process, transform, bridge or webhook.")
      .def_property_readonly("from_", [](const FlowFile& f) { return f.from.to_string(); }, "The source endpoint URI.")
      .def_property_readonly("to", [](const FlowFile& f) { return f.to.to_string(); }, "The destination endpoint URI.")
      .def_property_readonly("guarantee", [](const FlowFile& f) { return std::string(to_string(f.guarantee)); })
      .def_readonly("errors", &FlowFile::errors)
      .def_readonly("metrics_port", &FlowFile::metrics_port)
      .def_readonly("kafka_bootstrap", &FlowFile::kafka_bootstrap)
      .def(
          "render_integration",
          [](const FlowFile& f, const std::string& ns) { return render_integration(f, ns).value(); },
          py::arg("namespace"), "The Camel K Integration running this flow in `namespace`, as YAML.")
      .def("__repr__", [](const FlowFile& f) {
        return "FlowFile('" + f.name + "', " + to_string(f.pattern) + ", '" + f.from.to_string() + "' -> '" +
               f.to.to_string() + "')";
      });
  m.def(
      "load_flow_file", [](const std::filesystem::path& path) { return load_flow_file(path).value(); },
      py::arg("path"), py::call_guard<py::gil_scoped_release>(),
      "Reads and checks a flow file. Raises NotFound, or InvalidArgument with file:line:column and the field.");
  m.def(
      "parse_flow_file",
      [](const std::string& text, const std::string& source_name) { return parse_flow_file(text, source_name).value(); },
      py::arg("text"), py::arg("source_name") = "<flow>", "The same from text.");

  using PyFlowRunner = PyFlow<Flow>;
  py::class_<PyFlowRunner> flow(m, "Flow",
                                "A flow file made runnable: the transformer, processor or bridge it describes. Serves "
                                "its Prometheus metrics port (spec.metrics.port) while it runs.");
  flow.def(py::init([](const py::object& file, const py::object& process) {
             auto self = std::make_unique<PyFlowRunner>();
             const FlowFile f = py::isinstance<FlowFile>(file) ? file.cast<FlowFile>()
                                                                : load_flow_file(file.cast<std::filesystem::path>()).value();
             auto fn = process_from_python(process, self->failure);
             py::gil_scoped_release nogil;
             self->client.emplace(Flow::create(f, std::move(fn)).value());
             return self;
           }),
           py::arg("file"), py::arg("process") = py::none(),
           (std::string("Creates the flow of a FlowFile or a path. `process` is the user code of `pattern: process` "
                        "(default: inputs copied through the file's transform). ") +
            kProcessDoc + " Raises FailedPrecondition for `pattern: webhook`.")
               .c_str())
      .def_property_readonly("metrics_port", [](PyFlowRunner& self) { return self.get().metrics_port(); },
                             "The Prometheus port; 0 = none.");
  bind_runnable(flow);

  m.def("_bench_gil_round_trips", &gil_round_trips, py::arg("n"),
        "Seconds for n bare GIL acquire/release round trips from C++ (benchmark baseline).");
  m.def("_bench_python_calls", &python_calls, py::arg("function"), py::arg("message"), py::arg("n"),
        "Seconds for n calls function(message) from C++, each taking the GIL (benchmark baseline).");
}

}  // namespace platform::python
