// SPDX-License-Identifier: Apache-2.0
#include "platform/kafka/producer.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "internal/message_limits.hpp"
#include "kafka/handles.hpp"

namespace platform::kafka {

using internal::to_status;

namespace {
// Which producer's delivery thread the current thread is (send() must not
// block there: the thread that would make room is the one blocked).
thread_local const void* tl_delivery_thread_of = nullptr;
}  // namespace

struct Producer::Impl {
  internal::ClientContext ctx;   // rd_kafka_opaque(); outlives the handle
  internal::Bootstrap bootstrap; // keeps the embedded cluster alive longer than the handle
  ProducerOptions options;
  internal::KafkaHandle rk;
  internal::QueueHandle events;  // the main queue: delivery reports and errors
  std::atomic<std::int64_t> outstanding{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::mutex fatal_mu;
  Status fatal;
  std::thread delivery_thread;
  // Recycled per-send callback slots: send() takes one, the delivery thread
  // gives them back once per event batch. Saves a malloc per message and,
  // above all, a free on another thread than the one that allocated.
  std::mutex slots_mu;
  std::vector<DeliveryCallback*> free_slots;
  std::vector<DeliveryCallback*> done_slots;  // delivery thread only
  // Delivery-report events whose callbacks have run, left for a sending
  // thread to destroy. Destroying one frees its messages, which the sending
  // thread allocated in send(): freed there, glibc's allocator stays on that
  // thread's fast path instead of both threads contending for the arena lock
  // (bench_kafka on_delivery: 0.77x raw before, 1.04x after, same run). The
  // delivery thread destroys them itself while a flush waits for them
  // (librdkafka counts a message as queued until it is freed), when no send
  // comes by for a poll interval, and beyond kMaxRetired messages.
  static constexpr std::size_t kMaxRetired = 10000;
  std::mutex retired_mu;
  std::vector<rd_kafka_event_t*> retired;
  std::size_t retired_messages = 0;
  std::atomic<bool> has_retired{false};
  std::atomic<int> flushing{0};

  // delivery_executor mode. The task handed to the executor holds this
  // state, not the Impl, so a task that runs after the producer is gone
  // finds impl == nullptr and does nothing.
  struct Drain {
    std::mutex mu;  // one serve at a time; guards impl
    Impl* impl = nullptr;
    std::atomic<bool> scheduled{false};
  };
  std::shared_ptr<Drain> drain;
  // Reports served per task before the rest goes back to the executor, so a
  // flood of reports does not hold the caller's event loop.
  static constexpr int kMaxEventsPerServe = 256;

  ~Impl() {
    shutdown();
    reap();
    for (DeliveryCallback* slot : free_slots) delete slot;
  }

  void retire(rd_kafka_event_t* ev, std::size_t messages) noexcept {
    bool now = false;
    {
      std::lock_guard lock(retired_mu);
      try {
        retired.push_back(ev);
      } catch (...) {
        now = true;
      }
      if (now) {
        rd_kafka_event_destroy(ev);
        return;
      }
      retired_messages += messages;
      now = retired_messages > kMaxRetired || flushing.load() > 0;
      has_retired.store(true, std::memory_order_relaxed);
    }
    if (now) reap();
  }

  void reap() noexcept {
    std::vector<rd_kafka_event_t*> batch;
    {
      std::lock_guard lock(retired_mu);
      batch.swap(retired);
      retired_messages = 0;
      has_retired.store(false, std::memory_order_relaxed);
    }
    for (rd_kafka_event_t* ev : batch) rd_kafka_event_destroy(ev);
  }

  // rd_kafka_flush while the delivery thread destroys reports at once. With
  // a delivery_executor this thread serves the waiting reports itself
  // between short flushes: the executor's loop may have stopped.
  rd_kafka_resp_err_t flush_all(int timeout_ms) noexcept {
    flushing.fetch_add(1);
    reap();
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!drain) {
      err = rd_kafka_flush(rk.get(), timeout_ms);
    } else {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
      for (;;) {
        {
          std::lock_guard lock(drain->mu);
          serve_waiting(std::numeric_limits<int>::max());
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        err = rd_kafka_flush(rk.get(), static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 5)));
        if (err != RD_KAFKA_RESP_ERR__TIMED_OUT || left.count() <= 0) break;
      }
    }
    flushing.fetch_sub(1);
    return err;
  }

  DeliveryCallback* take_slot(DeliveryCallback&& callback) {
    DeliveryCallback* slot = nullptr;
    {
      std::lock_guard lock(slots_mu);
      if (!free_slots.empty()) {
        slot = free_slots.back();
        free_slots.pop_back();
      }
    }
    if (slot == nullptr) return new DeliveryCallback(std::move(callback));
    *slot = std::move(callback);
    return slot;
  }

  void give_back(DeliveryCallback* slot) noexcept {
    if (slot == nullptr) return;
    *slot = nullptr;  // release what the callback captured, now
    try {
      done_slots.push_back(slot);
    } catch (...) {
      delete slot;
    }
  }

  void recycle_slots() noexcept {
    if (done_slots.empty()) return;
    constexpr std::size_t kMaxFree = 1 << 18;  // > queue.buffering.max.messages (100k) in flight
    {
      std::lock_guard lock(slots_mu);
      while (!done_slots.empty() && free_slots.size() < kMaxFree) {
        free_slots.push_back(done_slots.back());
        done_slots.pop_back();
      }
    }
    for (DeliveryCallback* slot : done_slots) delete slot;
    done_slots.clear();
  }

  Status produce(std::string_view topic, std::int32_t partition, const Message& message, DeliveryCallback* own,
                 std::uintptr_t opaque);

  void shutdown() noexcept {
    if (!rk) return;  // create() failed before there was anything to flush
    if (flush_all(static_cast<int>(options.close_timeout.count())) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ctx.emit(LogLevel::kWarning, "producer closing: " + std::to_string(outstanding.load()) +
                                       " message(s) not delivered within close_timeout; purging them (their "
                                       "reports carry kCancelled)");
      rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      flush_all(5000);
    }
    if (drain) {
      // Returns once no enqueue is inside on_reports_waiting (it runs under
      // the queue's lock); a task still queued on the executor is a no-op.
      rd_kafka_queue_cb_event_enable(events.get(), nullptr, nullptr);
      std::lock_guard lock(drain->mu);
      drain->impl = nullptr;
      return;
    }
    stop = true;
    rd_kafka_queue_yield(events.get());
    delivery_thread.join();
  }

  void deliver(const rd_kafka_message_t& m, DeliveryReport& report) noexcept {
    // The opaque is a callback slot, or (low bit set) a send_tagged() tag.
    const auto opaque = reinterpret_cast<std::uintptr_t>(m._private);
    DeliveryCallback* own = (opaque & 1U) != 0 ? nullptr : static_cast<DeliveryCallback*>(m._private);
    report.tag = (opaque & 1U) != 0 ? opaque >> 1 : 0;
    try {
      const DeliveryCallback& cb = own != nullptr ? *own : options.on_delivery;
      if (cb) {
        const char* topic = rd_kafka_topic_name(m.rkt);
        if (report.topic != topic) report.topic = topic;
        report.partition = m.partition;
        if (m.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          report.offset = m.offset;
          if (!report.status.ok()) report.status = Status();
        } else {
          report.offset = -1;
          report.status = to_status(m.err, "deliver to " + report.topic);
        }
        cb(report);
      }
    } catch (const std::exception& e) {
      ctx.emit(LogLevel::kError, std::string("a delivery callback threw (ignored): ") + e.what());
    } catch (...) {
      ctx.emit(LogLevel::kError, "a delivery callback threw (ignored)");
    }
    give_back(own);
  }

  void run() noexcept {
    tl_delivery_thread_of = this;
    while (!stop.load(std::memory_order_relaxed)) {
      internal::EventHandle ev(rd_kafka_queue_poll(events.get(), 200));
      if (!ev) {
        if (has_retired.load(std::memory_order_relaxed)) reap();  // no sender came by
        continue;
      }
      handle(std::move(ev), /*defer_destroy=*/true);
    }
  }

  // delivery_executor mode: librdkafka calls this from the thread that put
  // an event on the empty main queue, under that queue's lock.
  static void on_reports_waiting(rd_kafka_t* /*rk*/, void* opaque) noexcept {
    static_cast<Impl*>(opaque)->schedule();
  }

  void schedule() noexcept {
    if (drain->scheduled.exchange(true)) return;  // a task is on its way
    try {
      options.delivery_executor([d = drain] {
        std::lock_guard lock(d->mu);
        if (d->impl == nullptr) return;
        d->scheduled.store(false);
        d->impl->serve_waiting(kMaxEventsPerServe);
      });
    } catch (const std::exception& e) {
      drain->scheduled.store(false);
      ctx.emit(LogLevel::kError, std::string("delivery_executor threw: the waiting reports are delivered by the "
                                             "next flush() or the destructor: ") + e.what());
    } catch (...) {
      drain->scheduled.store(false);
      ctx.emit(LogLevel::kError, "delivery_executor threw: the waiting reports are delivered by the next flush() or the "
                                 "destructor");
    }
  }

  // Runs the callbacks of up to `max_events` waiting events on this thread
  // (drain->mu held). Reports are freed here at once: this is the loop that
  // also sends, so there is no other thread to leave them to.
  void serve_waiting(int max_events) noexcept {
    const void* outer = tl_delivery_thread_of;
    tl_delivery_thread_of = this;
    int served = 0;
    for (; served < max_events; ++served) {
      internal::EventHandle ev(rd_kafka_queue_poll(events.get(), 0));
      if (!ev) break;
      handle(std::move(ev), /*defer_destroy=*/false);
    }
    tl_delivery_thread_of = outer;
    // Stopped early with events left: the queue is not empty, so librdkafka
    // will not call on_reports_waiting again; hand the rest over ourselves.
    if (served == max_events && rd_kafka_queue_length(events.get()) > 0) schedule();
  }

  // One event from the main queue: a batch of delivery reports (callbacks
  // run, then the event is destroyed here or left to a sending thread) or
  // an error (logged; a fatal one fails the producer).
  void handle(internal::EventHandle ev, bool defer_destroy) noexcept {
    switch (rd_kafka_event_type(ev.get())) {
      case RD_KAFKA_EVENT_DR: {
        DeliveryReport report;  // reused across the batch
        std::int64_t delivered = 0;
        while (const rd_kafka_message_t* m = rd_kafka_event_message_next(ev.get())) {
          deliver(*m, report);
          ++delivered;
        }
        // Once per batch: the sending thread increments this per message,
        // and a per-message decrement here would bounce the cache line.
        outstanding.fetch_sub(delivered, std::memory_order_relaxed);
        recycle_slots();
        if (defer_destroy) retire(ev.release(), static_cast<std::size_t>(delivered));
        break;
      }
      case RD_KAFKA_EVENT_ERROR: {
        const rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get());
        const bool is_fatal = rd_kafka_event_error_is_fatal(ev.get()) != 0;
        std::string text = rd_kafka_event_error_string(ev.get());
        if (is_fatal) {
          char reason[512] = "";
          rd_kafka_fatal_error(rk.get(), reason, sizeof reason);
          std::lock_guard lock(fatal_mu);
          fatal = Status(StatusCode::kFailedPrecondition,
                         std::string("producer has a fatal error, create a new one: ") + reason);
          failed = true;
        }
        ctx.emit(is_fatal ? LogLevel::kError : LogLevel::kWarning,
                 std::string("producer ") + (is_fatal ? "fatal " : "") + "error: " + text + " (" +
                     rd_kafka_err2name(err) + ")");
        break;
      }
      default:
        break;
    }
  }
};

namespace {

// "5", "0.5": librdkafka reads linger.ms as a double.
std::string linger_text(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", ms);
  return text;
}

}  // namespace

std::string describe(const ProducerOptions& o) {
  return internal::describe_common(o.bootstrap_servers, o.client_id, o.security, o.extra) +
         " acks=" + o.acks + " idempotence=" + (o.idempotence ? "true" : "false") +
         " linger.ms=" + linger_text(o.linger_ms) +
         " delivery_timeout_ms=" + std::to_string(o.delivery_timeout.count());
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Producer::Producer(Producer&&) noexcept = default;
Producer& Producer::operator=(Producer&&) noexcept = default;
Producer::~Producer() = default;

Result<Producer> Producer::create(ProducerOptions options) {
  auto bad = [](const std::string& field, const std::string& message) {
    return invalid_argument("invalid producer options", {{"", field, message, ""}});
  };
  static const char* const kAcks[] = {"all", "-1", "1", "0"};
  if (std::find(std::begin(kAcks), std::end(kAcks), options.acks) == std::end(kAcks)) {
    return bad("acks", "'" + options.acks + "': use all, 1 or 0");
  }
  if (options.idempotence && options.acks != "all" && options.acks != "-1") {
    return bad("acks", "idempotence needs acks=all; set idempotence=false to use acks=" + options.acks);
  }
  if (!(options.linger_ms >= 0 && options.linger_ms <= 900000)) return bad("linger_ms", "use 0 to 900000 (ms, fractions allowed)");
  if (options.delivery_timeout.count() <= 0) return bad("delivery_timeout", "must be positive");
  if (options.close_timeout.count() < 0) return bad("close_timeout", "must not be negative");
  if (options.delivery_executor && options.block_when_full) {
    return bad("block_when_full", "must be false with a delivery_executor: a send() on the executor's thread "
                                  "would wait for reports that only that thread delivers");
  }

  auto impl = std::make_unique<Impl>();
  impl->ctx.log = options.log;
  impl->ctx.secrets = internal::secrets_of(options.security);
  impl->ctx.owner = impl.get();
  auto bootstrap = internal::resolve_bootstrap(options.bootstrap_servers, options.security, impl->ctx);
  if (!bootstrap.ok()) return bootstrap.status();
  impl->bootstrap = std::move(*bootstrap);

  auto conf = internal::make_conf(impl->ctx, impl->bootstrap.servers, options.client_id, options.security,
                                  {{"enable.idempotence", options.idempotence ? "true" : "false"},
                                   {"acks", options.acks},
                                   {"linger.ms", linger_text(options.linger_ms)},
                                   {internal::kJavaCompatiblePartitioner.first,
                                    internal::kJavaCompatiblePartitioner.second},
                                   {"message.timeout.ms", std::to_string(options.delivery_timeout.count())}},
                                  options.extra, "");
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_events(conf->get(), RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  auto rk = internal::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk.ok()) return rk.status();
  impl->rk = std::move(*rk);
  impl->events.reset(rd_kafka_queue_get_main(impl->rk.get()));
  impl->ctx.emit(LogLevel::kInfo, "producer created: " + describe(options));
  impl->options = std::move(options);
  Impl* raw = impl.get();
  if (impl->options.delivery_executor) {
    impl->drain = std::make_shared<Impl::Drain>();
    impl->drain->impl = raw;
    rd_kafka_queue_cb_event_enable(impl->events.get(), &Impl::on_reports_waiting, raw);
    // Anything queued before the callback was set (an early error event).
    if (rd_kafka_queue_length(impl->events.get()) > 0) raw->schedule();
  } else {
    impl->delivery_thread = std::thread([raw] { raw->run(); });
  }
  return Producer(std::move(impl));
}

Status Producer::send(std::string_view topic, const Message& message, DeliveryCallback callback) {
  return send(topic, RD_KAFKA_PARTITION_UA, message, std::move(callback));
}

Status Producer::send_tagged(std::string_view topic, const Message& message, std::uint64_t tag) {
  PLATFORM_RETURN_IF_ERROR(
      internal::check_header_count(message.headers.size(), [&] { return "send to " + std::string(topic); }));
  if (!impl_->options.on_delivery) {
    return Status(StatusCode::kFailedPrecondition, "send_tagged needs ProducerOptions::on_delivery");
  }
  if (tag >= (std::uint64_t{1} << 63)) return invalid_argument("send_tagged: tag must be below 2^63");
  return impl_->produce(topic, RD_KAFKA_PARTITION_UA, message, nullptr, (tag << 1) | 1U);
}

Status Producer::send(std::string_view topic, std::int32_t partition, const Message& message,
                      DeliveryCallback callback) {
  PLATFORM_RETURN_IF_ERROR(
      internal::check_header_count(message.headers.size(), [&] { return "send to " + std::string(topic); }));
  DeliveryCallback* own = callback ? impl_->take_slot(std::move(callback)) : nullptr;
  return impl_->produce(topic, partition, message, own, reinterpret_cast<std::uintptr_t>(own));
}

Status Producer::Impl::produce(std::string_view topic, std::int32_t partition, const Message& message,
                               DeliveryCallback* own, std::uintptr_t opaque) {
  Impl& impl = *this;
  if (impl.has_retired.load(std::memory_order_relaxed)) impl.reap();
  if (impl.failed.load(std::memory_order_relaxed)) {
    Status fatal_status;
    {
      std::lock_guard lock(impl.fatal_mu);
      fatal_status = impl.fatal;
    }
    if (own != nullptr) {
      *own = nullptr;
      std::lock_guard lock(impl.slots_mu);
      impl.free_slots.push_back(own);
    }
    return fatal_status;
  }
  const std::string topic_name(topic);
  int flags = RD_KAFKA_MSG_F_COPY;
  if (impl.options.block_when_full && tl_delivery_thread_of != &impl) flags |= RD_KAFKA_MSG_F_BLOCK;
  internal::HeadersHandle headers = internal::to_rd_headers(message.headers);

  rd_kafka_vu_t vu[8];
  std::size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vu[n++].u.cstr = topic_name.c_str();
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = partition;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = flags;
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = const_cast<char*>(message.payload.data());
  vu[n++].u.mem.size = message.payload.size();
  if (!message.key.empty()) {
    vu[n].vtype = RD_KAFKA_VTYPE_KEY;
    vu[n].u.mem.ptr = const_cast<char*>(message.key.data());
    vu[n++].u.mem.size = message.key.size();
  }
  if (headers) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vu[n++].u.headers = headers.get();
  }
  if (message.timestamp_ms) {
    vu[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vu[n++].u.i64 = *message.timestamp_ms;
  }
  vu[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vu[n++].u.ptr = reinterpret_cast<void*>(opaque);

  impl.outstanding.fetch_add(1, std::memory_order_relaxed);
  internal::ErrorHandle error(rd_kafka_produceva(impl.rk.get(), vu, n));
  if (!error) {
    (void)headers.release();  // librdkafka owns them now
    return {};
  }
  impl.outstanding.fetch_sub(1, std::memory_order_relaxed);
  if (own != nullptr) {
    *own = nullptr;
    std::lock_guard lock(impl.slots_mu);
    impl.free_slots.push_back(own);
  }
  const rd_kafka_resp_err_t err = rd_kafka_error_code(error.get());
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    return Status(StatusCode::kResourceExhausted,
                  "send to " + topic_name + ": the producer's local queue is full (queue.buffering.max.messages); "
                  "wait for deliveries (flush) and retry, or set block_when_full");
  }
  if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
    return invalid_argument("send to " + topic_name + ": message of " + std::to_string(message.payload.size()) +
                            " bytes is larger than message.max.bytes");
  }
  return to_status(std::move(error), "send to " + topic_name);
}

Status Producer::ping(std::chrono::milliseconds timeout, std::string_view topic) const {
  const int ms = static_cast<int>(std::max<std::int64_t>(timeout.count(), 1));
  rd_kafka_topic_t* rkt = topic.empty() ? nullptr : rd_kafka_topic_new(impl_->rk.get(), std::string(topic).c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(impl_->rk.get(), 0, rkt, &md, ms);
  if (rkt != nullptr) rd_kafka_topic_destroy(rkt);
  const bool answered = err == RD_KAFKA_RESP_ERR_NO_ERROR && md != nullptr && md->broker_cnt > 0;
  Status status;
  if (answered && !topic.empty()) {
    const rd_kafka_metadata_topic_t* t = md->topic_cnt == 1 ? &md->topics[0] : nullptr;
    if (t == nullptr || t->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      status = Status(StatusCode::kNotFound, "Kafka topic '" + std::string(topic) + "' does not exist at " +
                                                 impl_->bootstrap.servers);
    } else if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR || t->partition_cnt == 0) {
      status = Status(StatusCode::kUnavailable, "Kafka topic '" + std::string(topic) + "': " +
                                                    (t->err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(t->err)
                                                                                          : "no partitions"));
    } else {
      for (int i = 0; i < t->partition_cnt && status.ok(); ++i) {
        if (t->partitions[i].leader < 0) {
          status = Status(StatusCode::kUnavailable, "Kafka topic '" + std::string(topic) + "' partition " +
                                                        std::to_string(t->partitions[i].id) + " has no leader");
        }
      }
    }
  }
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  if (!answered) {
    return Status(StatusCode::kUnavailable,
                  "no Kafka broker at " + impl_->bootstrap.servers + " answered a metadata request within " +
                      std::to_string(timeout.count()) + " ms" +
                      (err != RD_KAFKA_RESP_ERR_NO_ERROR ? std::string(" (") + rd_kafka_err2str(err) + ")" : ""));
  }
  return status;
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  if (tl_delivery_thread_of == impl_.get()) {
    return Status(StatusCode::kFailedPrecondition, "flush() called from a delivery callback would wait for itself");
  }
  const rd_kafka_resp_err_t err = impl_->flush_all(static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return Status(StatusCode::kDeadlineExceeded, "flush: " + std::to_string(impl_->outstanding.load()) +
                                                     " message(s) still without a delivery report after " +
                                                     std::to_string(timeout.count()) + " ms");
  }
  return to_status(err, "flush");
}

std::int64_t Producer::outstanding() const { return impl_->outstanding.load(); }

const std::string& Producer::bootstrap_servers() const { return impl_->bootstrap.servers; }

}  // namespace platform::kafka
