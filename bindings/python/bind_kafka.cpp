// SPDX-License-Identifier: Apache-2.0
// platform::kafka: the embedded cluster (a context manager), the producer and
// the consumer. The GIL is released around every call that can block (start,
// poll, flush, commit, close); delivery and rebalance callbacks take it back,
// and an exception one raises is re-raised by the next producer/consumer call.
#include <pybind11/chrono.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "platform/kafka/common.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/kafka/producer.hpp"

namespace platform::python {

namespace {

using namespace platform::kafka;
using Millis = std::chrono::milliseconds;
using PartitionTuple = std::pair<std::string, std::int32_t>;

std::vector<TopicPartition> to_partitions(const std::vector<PartitionTuple>& in) {
  std::vector<TopicPartition> out;
  out.reserve(in.size());
  for (const auto& [topic, partition] : in) out.push_back({topic, partition});
  return out;
}

std::vector<PartitionTuple> from_partitions(const std::vector<TopicPartition>& in) {
  std::vector<PartitionTuple> out;
  out.reserve(in.size());
  for (const TopicPartition& tp : in) out.emplace_back(tp.topic, tp.partition);
  return out;
}

// The delivery report of one send, filled on the producer's delivery thread;
// waited for from Python without the GIL.
struct Delivery {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<DeliveryReport> report;

  void set(const DeliveryReport& r) {
    {
      std::lock_guard lock(mutex);
      report = r;
    }
    cv.notify_all();
  }
  std::optional<DeliveryReport> get() {
    std::lock_guard lock(mutex);
    return report;
  }
  // Waits up to `timeout` (None = forever) for the report, without the GIL.
  std::optional<DeliveryReport> wait(std::optional<Millis> timeout) {
    py::gil_scoped_release nogil;
    std::unique_lock lock(mutex);
    if (timeout) cv.wait_for(lock, *timeout, [&] { return report.has_value(); });
    else cv.wait(lock, [&] { return report.has_value(); });
    return report;
  }
};

// The Python producer: the client, the callback error slot, and the
// default delivery callable.
struct PyProducer : Client<Producer> {
  std::shared_ptr<py::function> on_delivery;
};

// A Python callable as a delivery callback (run on the delivery thread).
DeliveryCallback python_delivery(const std::shared_ptr<py::function>& fn, const std::shared_ptr<CallbackError>& errors,
                                 std::shared_ptr<Delivery> delivery) {
  return [fn, errors, delivery = std::move(delivery)](const DeliveryReport& report) {
    delivery->set(report);
    if (!fn) return;
    py::gil_scoped_acquire gil;
    errors->guard([&] { (*fn)(report); });
  };
}

struct PyConsumer : Client<Consumer> {};

}  // namespace

void bind_kafka(py::module_& m) {
  py::enum_<KafkaApi>(m, "KafkaApi", "Kafka protocol APIs the embedded cluster can fail on purpose.")
      .value("PRODUCE", KafkaApi::kProduce)
      .value("FETCH", KafkaApi::kFetch)
      .value("LIST_OFFSETS", KafkaApi::kListOffsets)
      .value("METADATA", KafkaApi::kMetadata)
      .value("OFFSET_COMMIT", KafkaApi::kOffsetCommit)
      .value("OFFSET_FETCH", KafkaApi::kOffsetFetch)
      .value("FIND_COORDINATOR", KafkaApi::kFindCoordinator)
      .value("JOIN_GROUP", KafkaApi::kJoinGroup)
      .value("HEARTBEAT", KafkaApi::kHeartbeat)
      .value("LEAVE_GROUP", KafkaApi::kLeaveGroup)
      .value("SYNC_GROUP", KafkaApi::kSyncGroup)
      .value("API_VERSIONS", KafkaApi::kApiVersions)
      .value("INIT_PRODUCER_ID", KafkaApi::kInitProducerId)
      .value("ADD_PARTITIONS_TO_TXN", KafkaApi::kAddPartitionsToTxn)
      .value("ADD_OFFSETS_TO_TXN", KafkaApi::kAddOffsetsToTxn)
      .value("END_TXN", KafkaApi::kEndTxn)
      .value("TXN_OFFSET_COMMIT", KafkaApi::kTxnOffsetCommit);
  py::enum_<BrokerError>(m, "BrokerError",
                         "Errors an embedded broker can answer with; TRANSPORT drops the connection instead.")
      .value("TRANSPORT", BrokerError::kTransport)
      .value("UNKNOWN_TOPIC_OR_PARTITION", BrokerError::kUnknownTopicOrPartition)
      .value("LEADER_NOT_AVAILABLE", BrokerError::kLeaderNotAvailable)
      .value("NOT_LEADER_FOR_PARTITION", BrokerError::kNotLeaderForPartition)
      .value("REQUEST_TIMED_OUT", BrokerError::kRequestTimedOut)
      .value("BROKER_NOT_AVAILABLE", BrokerError::kBrokerNotAvailable)
      .value("COORDINATOR_LOAD_IN_PROGRESS", BrokerError::kCoordinatorLoadInProgress)
      .value("COORDINATOR_NOT_AVAILABLE", BrokerError::kCoordinatorNotAvailable)
      .value("NOT_COORDINATOR", BrokerError::kNotCoordinator)
      .value("NOT_ENOUGH_REPLICAS", BrokerError::kNotEnoughReplicas)
      .value("NOT_ENOUGH_REPLICAS_AFTER_APPEND", BrokerError::kNotEnoughReplicasAfterAppend)
      .value("REBALANCE_IN_PROGRESS", BrokerError::kRebalanceInProgress)
      .value("TOPIC_AUTHORIZATION_FAILED", BrokerError::kTopicAuthorizationFailed);

  // --- embedded cluster -----------------------------------------------------
  using PyCluster = Client<EmbeddedCluster>;
  py::class_<PyCluster>(
      m, "EmbeddedKafka",
      "An in-process Kafka cluster (librdkafka's mock) with the platform's topics: events (6 partitions), commands "
      "(3), notifications (3). Any Kafka client can use bootstrap_servers while it runs. Use as a context manager:\n\n"
      "    with libplatform.EmbeddedKafka(brokers=3) as kafka:\n"
      "        producer = libplatform.KafkaProducer(kafka.bootstrap_servers)\n\n"
      "Limits of the mock: plaintext only, ~100,000 batches retained per partition, replication is metadata only "
      "(broker_down() does not move leaders), the first rebalance of a group takes ~3 s.")
      .def(py::init([](int brokers, const std::optional<std::vector<spec::KafkaTopic>>& topics,
                       const std::optional<spec::PlatformSpec>& spec) {
             auto self = std::make_unique<PyCluster>();
             EmbeddedClusterOptions options{.brokers = brokers};
             if (topics) options.topics = *topics;
             py::gil_scoped_release nogil;
             self->client.emplace((spec ? EmbeddedCluster::start(*spec) : EmbeddedCluster::start(options)).value());
             return self;
           }),
           py::arg("brokers") = 3, py::arg("topics") = py::none(), py::arg("spec") = py::none(),
           "Starts the brokers (ids 1..brokers) and creates `topics` (default: the spec's seed topics). With `spec`, "
           "its broker count and topics are used. Raises InvalidArgument (broker count not 1-32, a topic with no "
           "partitions or more replicas than brokers, a bad topic name).")
      .def("__enter__", [](PyCluster& self) -> PyCluster& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](PyCluster& self, const py::args&) { self.close(); })
      .def("close", &PyCluster::close,
           "Stops the brokers (connected clients then see them as down). Further calls raise FailedPrecondition.")
      .def_property_readonly("bootstrap_servers", [](PyCluster& self) { return self.get().bootstrap_servers(); },
                             "'127.0.0.1:port,...' for any Kafka client.")
      .def_property_readonly("brokers", [](PyCluster& self) { return self.get().brokers(); }, "Number of brokers.")
      .def(
          "create_topic",
          [](PyCluster& self, const std::string& name, int partitions, int replicas) {
            throw_if_error(self.get().create_topic(name, partitions, replicas));
          },
          py::arg("name"), py::arg("partitions"), py::arg("replicas") = 1,
          "Creates a topic (others are created with 4 partitions on first produce).")
      .def(
          "broker_down", [](PyCluster& self, std::int32_t id) { throw_if_error(self.get().broker_down(id)); },
          py::arg("broker"), "Broker `broker` drops its connections and refuses new ones; raises NotFound.")
      .def(
          "broker_up", [](PyCluster& self, std::int32_t id) { throw_if_error(self.get().broker_up(id)); },
          py::arg("broker"), "Broker `broker` accepts connections again.")
      .def(
          "set_leader",
          [](PyCluster& self, const std::string& topic, std::int32_t partition, std::int32_t broker) {
            throw_if_error(self.get().set_leader(topic, partition, broker));
          },
          py::arg("topic"), py::arg("partition"), py::arg("broker"),
          "Makes `broker` the partition's leader (-1 = no leader). Raises NotFound.")
      .def(
          "push_request_errors",
          [](PyCluster& self, KafkaApi api, const std::vector<BrokerError>& errors) {
            self.get().push_request_errors(api, errors);
          },
          py::arg("api"), py::arg("errors"), "The next len(errors) requests of `api` fail with these, in order.")
      .def(
          "clear_request_errors", [](PyCluster& self, KafkaApi api) { self.get().clear_request_errors(api); },
          py::arg("api"), "Forgets pushed errors of `api` that have not fired.")
      .def(
          "set_rtt",
          [](PyCluster& self, std::int32_t id, Millis rtt) { throw_if_error(self.get().set_rtt(id, rtt)); },
          py::arg("broker"), py::arg("rtt"), "Adds round-trip latency (timedelta or seconds) to a broker.")
      .def(
          "move_coordinator",
          [](PyCluster& self, const std::string& key, std::int32_t broker, bool transaction) {
            throw_if_error(self.get().move_coordinator(
                transaction ? CoordinatorType::kTransaction : CoordinatorType::kGroup, key, broker));
          },
          py::arg("key"), py::arg("broker"), py::arg("transaction") = false,
          "Makes `broker` the coordinator of group `key` (or of transactional id `key`).")
      .def("__repr__", [](PyCluster& self) {
        return self.client ? "EmbeddedKafka('" + self.client->bootstrap_servers() + "')"
                           : std::string("EmbeddedKafka(closed)");
      });

  // --- producer ---------------------------------------------------------------
  py::class_<SecurityOptions>(m, "KafkaSecurity",
                              "TLS (listener 9093) and SASL/PLAIN settings; empty = plaintext. Secrets never print.")
      .def(py::init(&from_kwargs<SecurityOptions>))
      .def_readwrite("protocol", &SecurityOptions::protocol, "plaintext, ssl, sasl_plaintext, sasl_ssl; '' = derived.")
      .def_readwrite("ssl_ca_location", &SecurityOptions::ssl_ca_location)
      .def_readwrite("ssl_certificate_location", &SecurityOptions::ssl_certificate_location)
      .def_readwrite("ssl_key_location", &SecurityOptions::ssl_key_location)
      .def_readwrite("ssl_key_password", &SecurityOptions::ssl_key_password)
      .def_readwrite("sasl_username", &SecurityOptions::sasl_username)
      .def_readwrite("sasl_password", &SecurityOptions::sasl_password)
      .def_property_readonly("effective_protocol", &SecurityOptions::effective_protocol)
      .def("__repr__", [](const SecurityOptions& s) { return "KafkaSecurity('" + s.effective_protocol() + "')"; });

  py::class_<DeliveryReport>(m, "DeliveryReport", "The outcome of one send: where it landed, or why it failed.")
      .def_readonly("topic", &DeliveryReport::topic)
      .def_readonly("partition", &DeliveryReport::partition, "-1 when it never reached a partition.")
      .def_readonly("offset", &DeliveryReport::offset, "-1 on failure.")
      .def_property_readonly("ok", [](const DeliveryReport& r) { return r.status.ok(); },
                             "True when the broker acknowledged it (acks=all).")
      .def_property_readonly("code", [](const DeliveryReport& r) { return std::string(to_string(r.status.code())); },
                             "'ok', or the status code: deadline_exceeded, cancelled, not_found, ...")
      .def_property_readonly("error", [](const DeliveryReport& r) { return r.status.ok() ? "" : r.status.to_string(); },
                             "Why it failed ('' when ok).")
      .def(
          "raise_if_failed", [](const DeliveryReport& r) { throw_if_error(r.status); },
          "Raises the libplatform error of a failed delivery.")
      .def("__bool__", [](const DeliveryReport& r) { return r.status.ok(); })
      .def("__repr__", [](const DeliveryReport& r) {
        return "DeliveryReport('" + r.topic + "', partition=" + std::to_string(r.partition) +
               ", offset=" + std::to_string(r.offset) + (r.status.ok() ? "" : ", error='" + r.status.to_string() + "'") +
               ")";
      });

  py::class_<Delivery, std::shared_ptr<Delivery>>(
      m, "KafkaDelivery", "The pending delivery of one send(); like a future. Its report arrives on flush() at the latest.")
      .def_property_readonly("done", [](Delivery& d) { return d.get().has_value(); }, "True once the report arrived.")
      .def_property_readonly("report", [](Delivery& d) { return d.get(); }, "The DeliveryReport, or None yet.")
      .def(
          "result",
          [](Delivery& d, std::optional<Millis> timeout) {
            const auto report = d.wait(timeout);
            if (!report) {
              throw Error(Status(StatusCode::kDeadlineExceeded, "no delivery report within the timeout"));
            }
            throw_if_error(report->status);
            return *report;
          },
          py::arg("timeout") = py::none(),
          "Waits (without the GIL) for the report and returns it; raises its error when the delivery failed, "
          "DeadlineExceeded when none came within `timeout` (None = wait forever).")
      .def("__repr__", [](Delivery& d) {
        const auto r = d.get();
        return r ? "KafkaDelivery(" + std::string(r->status.ok() ? "ok" : "failed") + ", partition=" +
                       std::to_string(r->partition) + ", offset=" + std::to_string(r->offset) + ")"
                 : std::string("KafkaDelivery(pending)");
      });

  py::class_<PyProducer>(
      m, "KafkaProducer",
      "Asynchronous, idempotent (acks=all) Kafka sends with one delivery report per message. send() returns a "
      "KafkaDelivery; on_delivery callables run on the producer's delivery thread with the GIL taken, and an "
      "exception one raises is re-raised by the next send() or flush(). Use as a context manager (closing waits "
      "for outstanding reports up to close_timeout).")
      .def(py::init([](const std::string& bootstrap_servers, const std::string& client_id, bool idempotence,
                       const std::string& acks, double linger_ms, Millis delivery_timeout, bool block_when_full,
                       Millis close_timeout, const SecurityOptions& security, const py::object& on_delivery,
                       const std::map<std::string, std::string>& extra) {
             auto self = std::make_unique<PyProducer>();
             if (!on_delivery.is_none()) self->on_delivery = share_callable(on_delivery.cast<py::function>());
             ProducerOptions options;
             options.bootstrap_servers = bootstrap_servers;
             options.client_id = client_id;
             options.idempotence = idempotence;
             options.acks = acks;
             options.linger_ms = linger_ms;
             options.delivery_timeout = delivery_timeout;
             options.block_when_full = block_when_full;
             options.close_timeout = close_timeout;
             options.security = security;
             options.extra = extra;
             py::gil_scoped_release nogil;
             self->client.emplace(Producer::create(std::move(options)).value());
             return self;
           }),
           py::arg("bootstrap_servers") = "", py::kw_only(), py::arg("client_id") = "platform-producer",
           py::arg("idempotence") = true, py::arg("acks") = "all", py::arg("linger_ms") = 5.0,
           py::arg("delivery_timeout") = Millis(300000), py::arg("block_when_full") = true,
           py::arg("close_timeout") = Millis(30000), py::arg("security") = SecurityOptions{},
           py::arg("on_delivery") = py::none(), py::arg("extra") = std::map<std::string, std::string>{},
           "Creates the producer. bootstrap_servers '' = the process-wide embedded cluster. on_delivery(report) is "
           "called for every send without a callback of its own. Raises InvalidArgument for a bad option (naming "
           "it), FailedPrecondition for TLS/SASL against the embedded cluster.")
      .def(
          "send",
          [](PyProducer& self, const std::string& topic, const py::object& message, const py::object& key,
             const py::object& headers, std::optional<std::int32_t> partition, const py::object& on_delivery) {
            Message msg;
            if (py::isinstance<Message>(message)) {
              msg = message.cast<Message>();
            } else {
              msg.payload = to_bytes(message);
            }
            if (!key.is_none()) msg.key = to_bytes(key);
            if (!headers.is_none()) {
              msg.headers.clear();
              for (const py::handle h : headers) {
                const auto pair = h.cast<py::tuple>();
                msg.headers.push_back({pair[0].cast<std::string>(), to_bytes(pair[1])});
              }
            }
            auto fn = on_delivery.is_none() ? self.on_delivery : share_callable(on_delivery.cast<py::function>());
            auto delivery = std::make_shared<Delivery>();
            auto callback = python_delivery(fn, self.errors, delivery);
            self.errors->raise_if_set();
            throw_if_error(without_gil(*self.errors, [&] {
              return partition ? self.get().send(topic, *partition, msg, std::move(callback))
                               : self.get().send(topic, msg, std::move(callback));
            }));
            return delivery;
          },
          py::arg("topic"), py::arg("message"), py::kw_only(), py::arg("key") = py::none(),
          py::arg("headers") = py::none(), py::arg("partition") = py::none(), py::arg("on_delivery") = py::none(),
          "Queues a Message (or bytes/str payload) for `topic`; key= and headers=[(name, value)] override the "
          "message's. The partition is chosen by hashing the key unless `partition` is given. Returns a "
          "KafkaDelivery. Blocks (without the GIL) only while the local queue is full. Raises ResourceExhausted, "
          "InvalidArgument (too large) or FailedPrecondition (fatal producer error).")
      .def(
          "flush",
          [](PyProducer& self, Millis timeout) {
            throw_if_error(without_gil(*self.errors, [&] { return self.get().flush(timeout); }));
          },
          py::arg("timeout") = Millis(30000),
          "Waits (without the GIL) until every report of earlier sends was delivered and its callback returned; "
          "raises DeadlineExceeded with the number outstanding, or what a callback raised.")
      .def_property_readonly("outstanding", [](PyProducer& self) { return self.get().outstanding(); },
                             "Sends whose report has not arrived yet.")
      .def_property_readonly("bootstrap_servers", [](PyProducer& self) { return self.get().bootstrap_servers(); })
      .def("close", &PyProducer::close,
           "Waits up to close_timeout for outstanding reports, then purges (their reports say 'cancelled').")
      .def("__enter__", [](PyProducer& self) -> PyProducer& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](PyProducer& self, const py::args&) {
        self.close();
        self.errors->raise_if_set();
      });

  // --- consumer ---------------------------------------------------------------
  py::class_<Record>(m, "KafkaRecord", "One consumed record; mark it processed with KafkaConsumer.mark_processed().")
      .def_readonly("topic", &Record::topic)
      .def_readonly("partition", &Record::partition)
      .def_readonly("offset", &Record::offset)
      .def_readonly("message", &Record::message, "key, payload, headers, timestamp_ms.")
      .def_property_readonly("key", [](const Record& r) { return py::bytes(r.message.key); })
      .def_property_readonly("payload", [](const Record& r) { return py::bytes(r.message.payload); })
      .def_property_readonly("headers",
                             [](const Record& r) {
                               // Keep the Message object alive: an attr accessor alone would dangle.
                               const py::object message = py::cast(r.message);
                               return py::object(message.attr("headers"));
                             })
      .def("__repr__", [](const Record& r) {
        return "KafkaRecord('" + r.topic + "', partition=" + std::to_string(r.partition) +
               ", offset=" + std::to_string(r.offset) + ", key=" + std::string(py::repr(py::bytes(r.message.key))) +
               ")";
      });

  py::class_<PyConsumer>(
      m, "KafkaConsumer",
      "A consumer-group member that commits only what you marked processed: the committed offset of a partition "
      "is the contiguous watermark of processed records + 1 (at least once, never lost). Not thread-safe (one "
      "thread polls), except mark_processed(). on_rebalance(assigned: bool, partitions) runs inside poll() with "
      "the GIL; an exception it raises is re-raised by that poll(). Use as a context manager.")
      .def(py::init([](const std::string& group_id, const std::vector<std::string>& topics,
                       const std::string& bootstrap_servers, const std::string& client_id,
                       const std::string& auto_offset_reset, const std::string& commit_mode,
                       Millis auto_commit_interval, const SecurityOptions& security, const py::object& on_rebalance,
                       const std::map<std::string, std::string>& extra) {
             auto self = std::make_unique<PyConsumer>();
             ConsumerOptions options;
             options.bootstrap_servers = bootstrap_servers;
             options.group_id = group_id;
             options.topics = topics;
             options.client_id = client_id;
             options.auto_offset_reset = auto_offset_reset;
             options.auto_commit_interval = auto_commit_interval;
             options.security = security;
             options.extra = extra;
             if (commit_mode == "manual") options.commit_mode = CommitMode::kManual;
             else if (commit_mode != "auto") {
               throw Error(invalid_argument("commit_mode '" + commit_mode + "': use 'auto' or 'manual'"));
             }
             if (!on_rebalance.is_none()) {
               auto fn = share_callable(on_rebalance.cast<py::function>());
               options.on_rebalance = [fn, errors = self->errors](const Rebalance& r) {
                 py::gil_scoped_acquire gil;
                 errors->guard([&] { (*fn)(r.assigned, from_partitions(r.partitions)); });
               };
             }
             py::gil_scoped_release nogil;
             self->client.emplace(Consumer::create(std::move(options)).value());
             return self;
           }),
           py::arg("group_id"), py::arg("topics") = std::vector<std::string>{}, py::kw_only(),
           py::arg("bootstrap_servers") = "", py::arg("client_id") = "platform-consumer",
           py::arg("auto_offset_reset") = "earliest", py::arg("commit_mode") = "auto",
           py::arg("auto_commit_interval") = Millis(1000), py::arg("security") = SecurityOptions{},
           py::arg("on_rebalance") = py::none(), py::arg("extra") = std::map<std::string, std::string>{},
           "Creates the consumer and subscribes to `topics`. commit_mode 'auto' commits the processed watermarks "
           "every auto_commit_interval inside poll(); 'manual' only on commit() (and revoke/close). Raises "
           "InvalidArgument (no group_id, a bad option).")
      .def(
          "poll",
          [](PyConsumer& self, Millis timeout, std::size_t max_records) {
            return without_gil(*self.errors, [&] { return self.get().poll(timeout, max_records); }).value();
          },
          py::arg("timeout") = Millis(1000), py::arg("max_records") = 1000,
          "Waits (without the GIL) up to `timeout` for records; returns a list of at most max_records KafkaRecord "
          "(maybe empty). Raises NotFound for a subscribed topic that does not exist.")
      .def(
          "mark_processed", [](PyConsumer& self, const Record& r) { self.get().mark_processed(r); }, py::arg("record"),
          "Marks a record processed (any order; the committable offset moves over contiguous runs).")
      .def(
          "commit", [](PyConsumer& self) { throw_if_error(without_gil(*self.errors, [&] { return self.get().commit(); })); },
          "Synchronously commits the processed watermarks that moved.")
      .def(
          "subscribe",
          [](PyConsumer& self, const std::vector<std::string>& topics) {
            throw_if_error(self.get().subscribe(topics));
          },
          py::arg("topics"), "Replaces the subscription.")
      .def(
          "pause",
          [](PyConsumer& self, const std::vector<PartitionTuple>& partitions) {
            throw_if_error(self.get().pause(to_partitions(partitions)));
          },
          py::arg("partitions"), "Stops fetching these [(topic, partition)] until resume(); raises InvalidArgument if one is not assigned.")
      .def(
          "resume",
          [](PyConsumer& self, const std::vector<PartitionTuple>& partitions) {
            throw_if_error(self.get().resume(to_partitions(partitions)));
          },
          py::arg("partitions"), "Resumes fetching from the next unreturned record.")
      .def(
          "assignment", [](PyConsumer& self) { return from_partitions(self.get().assignment().value()); },
          "The assigned partitions as [(topic, partition)].")
      .def(
          "committed",
          [](PyConsumer& self, const std::vector<PartitionTuple>& partitions, Millis timeout) {
            const auto offsets =
                without_gil(*self.errors, [&] { return self.get().committed(to_partitions(partitions), timeout); })
                    .value();
            py::dict out;
            for (const CommittedOffset& c : offsets) {
              out[py::make_tuple(c.partition.topic, c.partition.partition)] = c.offset;
            }
            return out;
          },
          py::arg("partitions"), py::arg("timeout") = Millis(10000),
          "The group's committed offsets {(topic, partition): next offset to read, -1 = none}.")
      .def_property_readonly("bootstrap_servers", [](PyConsumer& self) { return self.get().bootstrap_servers(); })
      .def(
          "close",
          [](PyConsumer& self) {
            if (self.client) throw_if_error(without_gil(*self.errors, [&] { return self.client->close(); }));
            self.close();
          },
          "Commits the processed watermarks, leaves the group, releases the connection.")
      .def("__enter__", [](PyConsumer& self) -> PyConsumer& { return self; }, py::return_value_policy::reference)
      .def("__exit__", [](PyConsumer& self, const py::args&) {
        if (self.client) throw_if_error(without_gil(*self.errors, [&] { return self.client->close(); }));
        self.close();
      });
}

}  // namespace platform::python
