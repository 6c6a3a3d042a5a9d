// SPDX-License-Identifier: Apache-2.0
#include "platform/flow/bridge.hpp"

#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "flow/runtime.hpp"
#include "platform/amqp/consumer.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/amqp/topology.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/producer.hpp"

namespace platform::flow {

using internal::Clock;
using namespace std::chrono_literals;

namespace {
constexpr auto kLagEvery = 5s;

std::string kafka_source(const kafka::Record& r) {
  return "kafka:" + r.topic + "/" + std::to_string(r.partition) + "/" + std::to_string(r.offset);
}
}  // namespace

// ---------------------------------------------------------------- Kafka -> RabbitMQ

struct KafkaToRabbitBridge::Impl {
  struct Entry {
    kafka::Record record;
    int attempts = 0;
    Clock::time_point received;
    Status last;
  };
  struct Retry {
    Clock::time_point due;
    std::uint64_t id;
  };

  KafkaToRabbitOptions options;
  internal::FlowCounters counters;
  std::atomic<bool> stop{false};
  std::unique_ptr<internal::DeadLetterSink> dead_letter;
  std::optional<amqp::Topology> topology;
  std::optional<kafka::Consumer> consumer;
  std::vector<amqp::Publisher> publishers;
  std::unordered_map<std::uint64_t, Entry> pending;
  std::deque<Retry> retries;
  std::uint64_t next_id = 0;
  Status fatal;
  Clock::time_point next_lag = Clock::now();

  explicit Impl(KafkaToRabbitOptions o) : options(std::move(o)), counters(options.name) {}

  void publish(std::uint64_t id) {
    Entry& e = pending.at(id);
    ++e.attempts;
    AmqpMessage a;
    if (options.routing_key.empty() || e.record.message.header("amqp.routing-key")) {
      a = kafka_to_amqp(e.record.message);
    } else {
      // A fixed routing key is the destination, not the message's: say so in
      // the amqp.routing-key header so the mapping keeps the Kafka key
      // (kafka.key) and a way back gives the same key.
      // The payload maps to the body unchanged: left out of the copy.
      const Message& m = e.record.message;
      Message routed{.key = m.key, .payload = {}, .headers = m.headers, .timestamp_ms = m.timestamp_ms};
      routed.headers.push_back({"amqp.routing-key", options.routing_key});
      a = kafka_to_amqp(std::move(routed));
      a.body = m.payload;
    }
    if (!options.kafka_metadata) drop_kafka_metadata(a);
    const std::string& rk = a.routing_key;
    Message body;
    body.payload = std::move(a.body);
    // One connection per partition: its records stay in offset order.
    amqp::Publisher& publisher = publishers[static_cast<std::size_t>(e.record.partition) % publishers.size()];
    auto ticket = publisher.publish(options.exchange, rk, body, a.properties,
                                     [this, id](const amqp::Confirmation& c) { settled(id, c); });
    if (!ticket.ok()) {
      // Not taken (no connection, or the window stayed full): try again soon;
      // this does not count as an attempt.
      --e.attempts;
      retries.push_back({Clock::now() + options.errors.backoff, id});
    }
  }

  void settled(std::uint64_t id, const amqp::Confirmation& c) {
    auto it = pending.find(id);
    if (it == pending.end()) return;
    Entry& e = it->second;
    if (c.outcome == amqp::PublishOutcome::kConfirmed) {
      counters.out.fetch_add(1, std::memory_order_relaxed);
      complete(it);
      return;
    }
    e.last = c.status;
    if (e.attempts < options.errors.max_attempts) {
      counters.retried.fetch_add(1, std::memory_order_relaxed);
      retries.push_back({Clock::now() + internal::backoff_for(options.errors, e.attempts + 1), id});
      return;
    }
    if (!dead_letter) {
      if (fatal.ok()) {
        fatal = Status(c.status.code(), "publishing " + kafka_source(e.record) + " to RabbitMQ failed " +
                                            std::to_string(e.attempts) + " times (" + amqp::to_string(c.outcome) +
                                            "): " + c.status.message() +
                                            "; no dead-letter destination, so the bridge stops here");
      }
      return;
    }
    Status s = dead_letter->send(e.record.message, kafka_source(e.record), e.attempts, c.status);
    if (!s.ok()) {
      if (fatal.ok()) fatal = s;
      return;
    }
    counters.dead_lettered.fetch_add(1, std::memory_order_relaxed);
    complete(it);
  }

  void complete(std::unordered_map<std::uint64_t, Entry>::iterator it) {
    consumer->mark_processed(it->second.record);
    counters.done.fetch_add(1, std::memory_order_relaxed);
    counters.latency(Clock::now() - it->second.received);
    pending.erase(it);
  }

  std::size_t unconfirmed() const {
    std::size_t n = 0;
    for (const amqp::Publisher& p : publishers) n += p.unconfirmed();
    return n;
  }

  void run_due_retries(bool all) {
    const auto now = Clock::now();
    std::size_t n = retries.size();
    for (std::size_t i = 0; i < n; ++i) {
      Retry r = retries.front();
      retries.pop_front();
      if (all || r.due <= now) {
        publish(r.id);
      } else {
        retries.push_back(r);
      }
    }
  }

  Status run(const RunOptions& run) {
    internal::RunClock clock(run, counters, stop);
    Status error;
    std::vector<kafka::Record> batch;
    while (!clock.should_stop() && fatal.ok()) {
      const bool busy = !retries.empty() || unconfirmed() > 0;
      if (Status polled = consumer->poll(batch, busy ? 1ms : 100ms, options.confirm_window); !polled.ok()) {
        error = polled;
        break;
      }
      if (!batch.empty()) {
        for (amqp::Publisher& p : publishers) p.begin_batch();  // poll() below ends it
      }
      for (kafka::Record& r : batch) {
        counters.in.fetch_add(1, std::memory_order_relaxed);
        const std::uint64_t id = next_id++;
        pending.emplace(id, Entry{std::move(r), 0, Clock::now(), {}});
        publish(id);
      }
      for (amqp::Publisher& p : publishers) (void)p.poll();
      run_due_retries(false);
      counters.sample_lag(*consumer);
    }
    // Drain: settle everything in flight (retries included) before committing.
    const auto deadline = Clock::now() + 60s + options.errors.max_backoff * options.errors.max_attempts;
    while (fatal.ok() && !pending.empty() && Clock::now() < deadline) {
      // Waits on each connection with something unconfirmed in turn: what
      // another one received meanwhile waits in its socket, not lost.
      for (amqp::Publisher& p : publishers) {
        if (p.unconfirmed() > 0) (void)p.wait_for_confirms(100ms);
      }
      run_due_retries(stop.load());
      if (!retries.empty()) std::this_thread::sleep_for(5ms);
    }
    if (error.ok()) error = fatal;
    if (error.ok() && !pending.empty()) {
      error = Status(StatusCode::kDeadlineExceeded, std::to_string(pending.size()) +
                                                        " messages were still unconfirmed by RabbitMQ at shutdown; "
                                                        "their offsets were not committed");
    }
    Status closed = consumer->close();
    if (error.ok()) error = closed;
    return error;
  }
};

KafkaToRabbitBridge::KafkaToRabbitBridge(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaToRabbitBridge::KafkaToRabbitBridge(KafkaToRabbitBridge&&) noexcept = default;
KafkaToRabbitBridge& KafkaToRabbitBridge::operator=(KafkaToRabbitBridge&&) noexcept = default;
KafkaToRabbitBridge::~KafkaToRabbitBridge() = default;

namespace {
Status declare(amqp::Topology& t, const std::string& queue, const std::string& exchange, const std::string& rk) {
  if (queue.empty()) return {};
  amqp::QueueOptions q;
  q.name = queue;
  auto declared = t.declare_queue(q);
  if (!declared.ok() && declared.status().code() != StatusCode::kFailedPrecondition) return declared.status();
  if (!exchange.empty()) PLATFORM_RETURN_IF_ERROR(t.bind_queue(queue, exchange, rk.empty() ? "#" : rk));
  return {};
}
}  // namespace

Result<KafkaToRabbitBridge> KafkaToRabbitBridge::create(KafkaToRabbitOptions options) {
  const std::string what = "bridge '" + options.name + "': ";
  if (options.group_id.empty()) return invalid_argument(what + "group_id is required");
  if (options.topics.empty()) return invalid_argument(what + "topics is required");
  if (options.errors.max_attempts < 1) return invalid_argument(what + "errors.max_attempts must be at least 1");
  if (options.connections < 1 || options.connections > 16) {
    return invalid_argument(what + "connections must be 1 to 16, not " + std::to_string(options.connections));
  }
  if (options.exchange.empty() && options.routing_key.empty() && !options.queue.empty()) {
    options.routing_key = options.queue;
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  const KafkaToRabbitOptions& o = impl->options;
  if (o.declare && !o.queue.empty()) {
    auto t = amqp::Topology::open(internal::named(o.rabbitmq, o.name + "-topology"));
    if (!t.ok()) return t.status();
    PLATFORM_RETURN_IF_ERROR(declare(*t, o.queue, o.exchange, o.routing_key));
  }
  if (!o.errors.dead_letter.empty()) {
    auto sink = internal::DeadLetterSink::open(o.errors.dead_letter, o.name, o.bootstrap_servers, o.security, o.rabbitmq);
    if (!sink.ok()) return sink.status();
    impl->dead_letter = std::move(*sink);
  }
  amqp::PublisherOptions popts;
  popts.connection = internal::named(o.rabbitmq, o.name);
  popts.confirm_window = o.confirm_window;
  for (std::uint32_t i = 0; i < o.connections; ++i) {
    auto publisher = amqp::Publisher::open(popts);
    if (!publisher.ok()) return publisher.status();
    impl->publishers.push_back(std::move(*publisher));
  }
  auto consumer =
      internal::flow_consumer(o.name, o.bootstrap_servers, o.security, o.group_id, o.topics, o.consumer_properties);
  if (!consumer.ok()) return consumer.status();
  impl->consumer.emplace(std::move(*consumer));
  return KafkaToRabbitBridge(std::move(impl));
}

Status KafkaToRabbitBridge::run(const RunOptions& options) {
  impl_->counters.start();
  return impl_->run(options);
}
void KafkaToRabbitBridge::stop() { impl_->stop.store(true); }
MetricsSnapshot KafkaToRabbitBridge::metrics() const { return impl_->counters.snapshot(); }

// ---------------------------------------------------------------- RabbitMQ -> Kafka

struct RabbitToKafkaBridge::Impl {
  struct Entry {
    std::uint64_t delivery_tag = 0;
    std::uint64_t generation = 0;
    bool done = false;
    int attempts = 0;
    Clock::time_point received;
    Message message;  // kept for retries
  };
  struct Report {
    std::uint64_t seq;
    Status status;
  };

  RabbitToKafkaOptions options;
  internal::FlowCounters counters;
  std::atomic<bool> stop{false};
  std::unique_ptr<internal::DeadLetterSink> dead_letter;
  std::optional<amqp::Topology> topology;  // declare + lag
  std::optional<amqp::Consumer> consumer;
  std::deque<Entry> pending;  // in delivery order
  std::uint64_t base_seq = 0;  // seq of pending.front()
  std::mutex mu;
  std::vector<Report> reports;  // from the delivery thread (guarded by mu)
  std::vector<Report> taken;
  std::deque<std::pair<Clock::time_point, std::uint64_t>> retries;
  Status fatal;
  Clock::time_point next_lag = Clock::now();
  std::optional<kafka::Producer> producer;  // last: destroyed (flushed) first

  explicit Impl(RabbitToKafkaOptions o) : options(std::move(o)), counters(options.name) {}

  // Where a message came from, for dead letters and errors.
  std::string source() const { return "rabbitmq:" + options.queue; }

  void on_delivery(const kafka::DeliveryReport& r) {
    std::lock_guard lock(mu);
    reports.push_back({r.tag, r.status});
  }

  void send(std::uint64_t seq) {
    Entry& e = pending[seq - base_seq];
    ++e.attempts;
    Status s = producer->send_tagged(options.topic, e.message, seq);
    if (!s.ok()) {
      // Not queued, so no report will come: treat as a failed attempt.
      std::lock_guard lock(mu);
      reports.push_back({seq, s});
    }
  }

  void handle_reports() {
    {
      std::lock_guard lock(mu);
      taken.swap(reports);
    }
    for (const Report& r : taken) {
      if (r.seq < base_seq) continue;
      Entry& e = pending[r.seq - base_seq];
      if (r.status.ok()) {
        counters.out.fetch_add(1, std::memory_order_relaxed);
        finish(e);
        continue;
      }
      if (e.attempts < options.errors.max_attempts && r.status.code() != StatusCode::kInvalidArgument) {
        counters.retried.fetch_add(1, std::memory_order_relaxed);
        retries.emplace_back(Clock::now() + internal::backoff_for(options.errors, e.attempts + 1), r.seq);
        continue;
      }
      if (!dead_letter) {
        if (fatal.ok()) {
          fatal = Status(r.status.code(), "producing " + source() + " to Kafka topic '" + options.topic +
                                              "' failed " + std::to_string(e.attempts) + " times: " +
                                              r.status.message() +
                                              "; no dead-letter destination, so the bridge stops here (not acked)");
        }
        continue;
      }
      Status s = dead_letter->send(e.message, source(), e.attempts, r.status);
      if (!s.ok()) {
        if (fatal.ok()) fatal = s;
        continue;
      }
      counters.dead_lettered.fetch_add(1, std::memory_order_relaxed);
      finish(e);
    }
    taken.clear();
    const auto now = Clock::now();
    for (std::size_t n = retries.size(); n > 0; --n) {
      auto r = retries.front();
      retries.pop_front();
      if (r.first <= now || stop.load()) {
        send(r.second);
      } else {
        retries.push_back(r);
      }
    }
    ack_prefix();
  }

  void finish(Entry& e) {
    e.done = true;
    e.message = Message{};
    counters.done.fetch_add(1, std::memory_order_relaxed);
    counters.latency(Clock::now() - e.received);
  }

  // Acks the longest done prefix: one basic.ack(multiple) per connection
  // generation in it. Tags of an earlier connection are void (the broker has
  // requeued those deliveries): the ack fails and they come again.
  void ack_prefix() {
    std::optional<std::pair<std::uint64_t, std::uint64_t>> last;  // (generation, tag)
    auto flush = [&] {
      if (last) (void)consumer->ack(last->second, true);
      last.reset();
    };
    while (!pending.empty() && pending.front().done) {
      const Entry& e = pending.front();
      if (last && last->first != e.generation) flush();
      last = std::make_pair(e.generation, e.delivery_tag);
      pending.pop_front();
      ++base_seq;
    }
    flush();
  }

  void refresh_lag() {
    if (!topology || Clock::now() < next_lag) return;
    next_lag = Clock::now() + kLagEvery;
    auto info = topology->inspect_queue(options.queue);
    if (info.ok()) counters.lag.store(info->message_count);
  }

  Status run(const RunOptions& run) {
    internal::RunClock clock(run, counters, stop);
    Status error;
    while (!clock.should_stop() && fatal.ok()) {
      // Take what has arrived (up to the prefetch), then settle. Wait on the
      // socket only when there is nothing else to do.
      const bool idle = pending.empty() && retries.empty();
      // Settle (ack) at least every 256 deliveries, so the broker's window
      // keeps moving.
      for (int i = 0; i < 256; ++i) {
        // Block on the socket when nothing is buffered (up to 2 ms while
        // reports are due, so acks are not held back): spinning here takes
        // the CPU the broker needs on a small machine.
        auto d = consumer->consume(i > 0 ? 0ms : idle ? 100ms : 2ms);
        if (!d.ok()) {
          error = d.status();
          break;
        }
        if (!d->has_value()) break;
        amqp::Delivery& delivery = **d;
        counters.in.fetch_add(1, std::memory_order_relaxed);
        Entry e;
        e.delivery_tag = delivery.delivery_tag;
        e.generation = consumer->stats().reconnections;
        e.received = Clock::now();
        e.message = amqp_to_kafka({delivery.routing_key, std::move(delivery.properties),
                                   std::move(delivery.message.payload)},
                                  options.key_source);
        pending.push_back(std::move(e));
        send(base_seq + pending.size() - 1);
      }
      if (!error.ok()) break;
      handle_reports();
      refresh_lag();
    }
    // Drain: wait for the reports of everything in flight, then ack it.
    const auto deadline = Clock::now() + 60s + options.errors.max_backoff * options.errors.max_attempts;
    while (fatal.ok() && !pending.empty() && Clock::now() < deadline) {
      std::this_thread::sleep_for(2ms);
      handle_reports();
    }
    if (error.ok()) error = fatal;
    if (error.ok() && !pending.empty()) {
      error = Status(StatusCode::kDeadlineExceeded,
                     std::to_string(pending.size()) + " deliveries had no Kafka delivery report at shutdown; "
                                                      "they were not acked and RabbitMQ will deliver them again");
    }
    (void)consumer->cancel();
    return error;
  }
};

RabbitToKafkaBridge::RabbitToKafkaBridge(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RabbitToKafkaBridge::RabbitToKafkaBridge(RabbitToKafkaBridge&&) noexcept = default;
RabbitToKafkaBridge& RabbitToKafkaBridge::operator=(RabbitToKafkaBridge&&) noexcept = default;
RabbitToKafkaBridge::~RabbitToKafkaBridge() = default;

Result<RabbitToKafkaBridge> RabbitToKafkaBridge::create(RabbitToKafkaOptions options) {
  const std::string what = "bridge '" + options.name + "': ";
  if (options.queue.empty()) return invalid_argument(what + "queue is required");
  if (options.topic.empty()) return invalid_argument(what + "topic is required");
  if (options.prefetch == 0) return invalid_argument(what + "prefetch must be at least 1");
  if (options.errors.max_attempts < 1) return invalid_argument(what + "errors.max_attempts must be at least 1");
  auto impl = std::make_unique<Impl>(std::move(options));
  const RabbitToKafkaOptions& o = impl->options;
  auto t = amqp::Topology::open(internal::named(o.rabbitmq, o.name + "-topology"));
  if (!t.ok()) return t.status();
  impl->topology.emplace(std::move(*t));
  if (o.declare) PLATFORM_RETURN_IF_ERROR(declare(*impl->topology, o.queue, "", ""));
  if (!o.errors.dead_letter.empty()) {
    auto sink = internal::DeadLetterSink::open(o.errors.dead_letter, o.name, o.bootstrap_servers, o.security, o.rabbitmq);
    if (!sink.ok()) return sink.status();
    impl->dead_letter = std::move(*sink);
  }
  Impl* raw = impl.get();
  auto producer = internal::flow_producer(o.name, o.bootstrap_servers, o.security,
                                         [raw](const kafka::DeliveryReport& r) { raw->on_delivery(r); },
                                         o.producer_properties, o.topic);  // warm before deliveries come
  if (!producer.ok()) return producer.status();
  impl->producer.emplace(std::move(*producer));
  amqp::ConsumerOptions copts;
  copts.connection = internal::named(o.rabbitmq, o.name);
  copts.queue = o.queue;
  copts.prefetch = o.prefetch;
  auto consumer = amqp::Consumer::open(std::move(copts));
  if (!consumer.ok()) return consumer.status();
  impl->consumer.emplace(std::move(*consumer));
  return RabbitToKafkaBridge(std::move(impl));
}

Status RabbitToKafkaBridge::run(const RunOptions& options) {
  impl_->counters.start();
  return impl_->run(options);
}
void RabbitToKafkaBridge::stop() { impl_->stop.store(true); }
MetricsSnapshot RabbitToKafkaBridge::metrics() const { return impl_->counters.snapshot(); }

}  // namespace platform::flow
