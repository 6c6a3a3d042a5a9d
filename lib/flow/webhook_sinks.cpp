// SPDX-License-Identifier: Apache-2.0
#include "flow/webhook_sinks.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "flow/runtime.hpp"
#include "platform/amqp/publisher.hpp"
#include "platform/kafka/producer.hpp"

namespace platform::flow::internal_webhook {

bool transient(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
    case StatusCode::kCancelled:
    case StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

namespace {

// Logs readiness changes once per change, not per message.
void set_ready(std::atomic<bool>& ready, bool now, const std::function<void(std::string_view)>& log,
               const std::string& what, const Status& why) {
  if (ready.exchange(now) == now || !log) return;
  log(now ? what + " is taking messages again" : what + " is not taking messages: " + why.message());
}

}  // namespace

// ---------------------------------------------------------------- Kafka

struct KafkaSink::Impl {
  std::function<void(std::string_view)> log;
  std::atomic<bool> ready{true};
  // The readiness probe: while no acknowledgement came for a while, ask the
  // cluster for metadata, so /readyz follows the broker even when idle.
  std::atomic<std::int64_t> last_ack_ns{0};
  std::mutex probe_mu;
  std::condition_variable probe_cv;
  bool probe_stop = false;
  std::thread prober;

  ~Impl() {
    {
      std::lock_guard lock(probe_mu);
      probe_stop = true;
    }
    probe_cv.notify_all();
    if (prober.joinable()) prober.join();
  }

  void probe_loop(std::chrono::milliseconds every) {
    std::unique_lock lock(probe_mu);
    while (!probe_cv.wait_for(lock, every, [&] { return probe_stop; })) {
      const auto since_ack = std::chrono::steady_clock::now().time_since_epoch() -
                             std::chrono::nanoseconds(last_ack_ns.load(std::memory_order_relaxed));
      if (since_ack < every) continue;  // acknowledgements are flowing: ready is current
      lock.unlock();
      Status s = producer->ping(every);
      lock.lock();
      if (probe_stop) break;
      set_ready(ready, s.ok(), log, "Kafka", s);
    }
  }
  // Pending completions by tag: send_tagged() avoids a per-message callback
  // allocation inside the producer; the slot's std::function holds only a
  // shared_ptr, which fits its small-object buffer.
  std::mutex mu;
  std::vector<OutcomeCallback> slots;
  std::vector<std::uint64_t> free;
  std::optional<kafka::Producer> producer;  // last: destroyed first, after its callbacks ran

  std::uint64_t park(OutcomeCallback done) {
    std::lock_guard lock(mu);
    if (!free.empty()) {
      std::uint64_t tag = free.back();
      free.pop_back();
      slots[tag] = std::move(done);
      return tag;
    }
    slots.push_back(std::move(done));
    return slots.size() - 1;
  }

  OutcomeCallback take(std::uint64_t tag) {
    std::lock_guard lock(mu);
    OutcomeCallback done = std::move(slots[tag]);
    slots[tag] = nullptr;
    free.push_back(tag);
    return done;
  }

  void on_delivery(const kafka::DeliveryReport& r) {
    OutcomeCallback done = take(r.tag);
    if (r.status.ok()) {
      last_ack_ns.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
      set_ready(ready, true, log, "Kafka", r.status);
    } else if (transient(r.status)) {
      set_ready(ready, false, log, "Kafka", r.status);
    }
    Outcome o;
    o.status = r.status;
    o.topic = r.topic;
    o.partition = r.partition;
    o.offset = r.offset;
    if (done) done(std::move(o));
  }
};

KafkaSink::KafkaSink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaSink::~KafkaSink() = default;

Result<std::unique_ptr<KafkaSink>> KafkaSink::create(Options options) {
  auto impl = std::make_unique<Impl>();
  impl->log = options.log;
  Impl* raw = impl.get();
  kafka::ProducerOptions po;
  po.bootstrap_servers = options.bootstrap_servers;
  po.client_id = "platform-webhook";
  // Batching by Nagle's rule: one produce request in flight per broker, and
  // what arrives meanwhile goes out together when it is answered (5 in
  // flight: a request per message, whose wakeups cost more CPU than the HTTP
  // side). The linger is 200 us, not 0: with linger 0 librdkafka 2.0.2's
  // broker thread polls without sleeping while its request is in flight and
  // messages wait (perf: a third of a core). 200 rather than 50 us: under
  // load the batches grow and the broker and embedded-cluster threads spend
  // ~2 us less CPU per request (7.4-8.4 vs 9.1-10.4 us, /proc per-thread
  // times), 41k -> 45k req/s on the mean of five alternating pairs
  // (bench/webhook's load; 100, 300, 500 us were no better than 50).
  // poll() counts in milliseconds, so a lone request waits ~1 ms for
  // company either way (p50 1.2 ms at one connection with 50 or 200 us).
  // spec.kafka.properties overrides both.
  po.linger_ms = 0.2;
  po.extra = options.extra;
  po.extra.emplace("max.in.flight.requests.per.connection", "1");
  po.delivery_timeout = options.ack_timeout;
  // Never block an HTTP I/O thread: a full local queue is a 503.
  po.block_when_full = false;
  po.delivery_executor = std::move(options.executor);
  po.close_timeout = std::max(options.ack_timeout, std::chrono::milliseconds(1000));
  po.on_delivery = [raw](const kafka::DeliveryReport& r) { raw->on_delivery(r); };
  if (options.log) {
    po.log = [log = options.log](kafka::LogLevel level, std::string_view line) {
      if (level <= kafka::LogLevel::kWarning) log("kafka: " + std::string(line));
    };
  }
  // Back within a second of the brokers: librdkafka's reconnect backoff
  // grows to 10 s by default, so after an outage /readyz (one metadata
  // answer) could say ready while the partition leaders stay unreachable.
  po.extra.emplace("reconnect.backoff.max.ms", "1000");
  auto producer = kafka::Producer::create(std::move(po));
  if (!producer.ok()) return producer.status();
  impl->producer.emplace(std::move(*producer));
  for (const std::string& topic : options.topics) (void)impl->producer->ping(internal::kWarmUp, topic);
  impl->prober = std::thread([raw, every = options.probe_interval] { raw->probe_loop(every); });
  return std::unique_ptr<KafkaSink>(new KafkaSink(std::move(impl)));
}

void KafkaSink::send(const std::string& topic, const Message& message, OutcomeCallback done) {
  std::uint64_t tag = impl_->park(std::move(done));
  Status s = impl_->producer->send_tagged(topic, message, tag);
  if (s.ok()) return;
  OutcomeCallback cb = impl_->take(tag);
  Outcome o;
  o.status = std::move(s);
  o.topic = topic;
  cb(std::move(o));
}

bool KafkaSink::ready() const { return impl_->ready.load(); }
const std::string& KafkaSink::bootstrap_servers() const { return impl_->producer->bootstrap_servers(); }
Status KafkaSink::flush(std::chrono::milliseconds timeout) { return impl_->producer->flush(timeout); }

// ---------------------------------------------------------------- RabbitMQ

struct RabbitSink::Impl {
  struct Job {
    std::string exchange;
    std::string routing_key;
    Message message;
    amqp::Properties properties;
    OutcomeCallback done;
    std::chrono::steady_clock::time_point deadline;
    bool settled = false;

    void settle(Status status) {
      if (settled) return;
      settled = true;
      Outcome o;
      o.status = std::move(status);
      o.exchange = exchange;
      o.routing_key = routing_key;
      if (done) done(std::move(o));
    }
  };

  Options options;
  std::atomic<bool> ready{true};
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Job>> queue;  // guarded by mu
  bool closing = false;                    // guarded by mu
  std::size_t busy = 0;                    // queued + unsettled, guarded by mu
  std::condition_variable idle;
  std::atomic<bool> cut_off{false};  // close(): answer whatever is left 503
  std::thread thread;

  // Publisher-thread state.
  std::optional<amqp::Publisher> publisher;
  std::vector<std::shared_ptr<Job>> unsettled;
  std::chrono::steady_clock::time_point next_connect{};

  void finished(std::size_t n) {
    std::lock_guard lock(mu);
    busy -= n;
    if (busy == 0) idle.notify_all();
  }

  // Drops the connection; what it had not confirmed is answered 503. (Those
  // messages may still have reached the broker: at-least-once, see docs.)
  void drop(const Status& why) {
    publisher.reset();
    set_ready(ready, false, options.log, "RabbitMQ", why);
    std::size_t n = 0;
    for (auto& job : unsettled) {
      if (!job->settled) ++n;
      job->settle(unavailable("RabbitMQ connection lost before the broker confirmed the message: " + why.message()));
    }
    unsettled.clear();
    finished(n);
    next_connect = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  }

  bool connect() {
    if (publisher) return true;
    if (std::chrono::steady_clock::now() < next_connect) return false;
    amqp::PublisherOptions po;
    po.connection = options.connection;
    // Surface an outage as 503 quickly instead of retrying inside a call.
    po.connection.reconnect.max_attempts = 1;
    po.connection.reconnect.max_backoff = std::chrono::milliseconds(200);
    po.connection.connect_timeout = std::min(po.connection.connect_timeout, options.ack_timeout);
    po.publish_timeout = options.ack_timeout;
    auto p = amqp::Publisher::open(std::move(po));
    if (!p.ok()) {
      set_ready(ready, false, options.log, "RabbitMQ", p.status());
      next_connect = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
      return false;
    }
    publisher.emplace(std::move(*p));
    set_ready(ready, true, options.log, "RabbitMQ", {});
    return true;
  }

  void publish(const std::shared_ptr<Job>& job) {
    if (!connect()) {
      job->settle(unavailable("RabbitMQ at " + amqp::describe(options.connection) + " is not reachable"));
      finished(1);
      return;
    }
    std::weak_ptr<Job> weak = job;
    auto ticket = publisher->publish(
        job->exchange, job->routing_key, job->message, job->properties, /*mandatory=*/true,
        [this, weak](const amqp::Confirmation& c) {
          auto j = weak.lock();
          if (!j || j->settled) return;
          Status s = c.status;
          if (c.outcome == amqp::PublishOutcome::kNacked) {
            s = Status(StatusCode::kResourceExhausted, "RabbitMQ refused the message (nack): " + c.status.message());
          } else if (c.outcome == amqp::PublishOutcome::kConfirmed) {
            set_ready(ready, true, options.log, "RabbitMQ", {});
          }
          j->settle(s);
          finished(1);
        });
    if (!ticket.ok()) {
      job->settle(unavailable("RabbitMQ publish failed: " + ticket.status().message()));
      finished(1);
      drop(ticket.status());
      return;
    }
    unsettled.push_back(job);
  }

  void expire() {
    auto now = std::chrono::steady_clock::now();
    std::size_t n = 0;
    std::erase_if(unsettled, [&](const std::shared_ptr<Job>& j) {
      if (j->settled) return true;
      if (cut_off) {
        j->settle(unavailable("the webhook shut down before RabbitMQ confirmed the message"));
      } else if (now < j->deadline) {
        return false;
      } else {
        j->settle(Status(StatusCode::kDeadlineExceeded, "RabbitMQ did not confirm the message in time"));
      }
      ++n;
      return true;
    });
    finished(n);
  }

  void run() {
    connect();  // so readiness reflects the broker from the start
    for (;;) {
      std::deque<std::shared_ptr<Job>> batch;
      {
        std::unique_lock lock(mu);
        auto wait = unsettled.empty() ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(1);
        cv.wait_for(lock, wait, [&] { return !queue.empty() || (closing && busy == 0); });
        if (closing && busy == 0 && queue.empty()) return;
        batch.swap(queue);
      }
      for (auto& job : batch) {
        if (cut_off) {
          job->settle(unavailable("the webhook shut down before the message was sent"));
          finished(1);
        } else {
          publish(job);
        }
      }
      if (publisher) {
        if (Status s = publisher->poll(); !s.ok()) drop(s);
      }
      expire();
    }
  }
};

RabbitSink::RabbitSink(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

RabbitSink::~RabbitSink() { close(std::chrono::milliseconds(0)); }

void RabbitSink::send(const std::string& exchange, const std::string& routing_key, Message message,
                      std::string content_type, std::string message_id, OutcomeCallback done) {
  auto job = std::make_shared<Impl::Job>();
  job->exchange = exchange;
  job->routing_key = routing_key;
  job->message = std::move(message);
  if (!content_type.empty()) job->properties.content_type = std::move(content_type);
  if (!message_id.empty()) job->properties.message_id = std::move(message_id);
  job->done = std::move(done);
  job->deadline = std::chrono::steady_clock::now() + impl_->options.ack_timeout;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->closing) {
      job->settle(unavailable("the webhook is shutting down"));
      return;
    }
    impl_->queue.push_back(std::move(job));
    ++impl_->busy;
  }
  impl_->cv.notify_one();
}

bool RabbitSink::ready() const { return impl_->ready.load(); }

void RabbitSink::close(std::chrono::milliseconds timeout) {
  if (!impl_->thread.joinable()) return;
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait_for(lock, timeout, [&] { return impl_->busy == 0; });
    impl_->closing = true;
  }
  impl_->cut_off = true;
  impl_->cv.notify_one();
  impl_->thread.join();
  impl_->publisher.reset();
}

}  // namespace platform::flow::internal_webhook
