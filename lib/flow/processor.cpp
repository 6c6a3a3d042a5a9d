// SPDX-License-Identifier: Apache-2.0
#include "platform/flow/processor.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "flow/runtime.hpp"
#include "flow/transactional.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/producer.hpp"

namespace platform::flow {

using internal::Clock;
using namespace std::chrono_literals;

namespace {

// One input whose outputs are in flight.
struct Slot {
  kafka::Record record;
  std::atomic<int> remaining{0};
  std::atomic<bool> failed{false};
  Clock::time_point received;
};

}  // namespace

struct Processor::Impl {
  ProcessorOptions options;
  internal::FlowCounters counters;
  std::atomic<bool> stop{false};
  std::unique_ptr<internal::DeadLetterSink> dead_letter;
  std::unique_ptr<internal::TransactionalLoop> transactional;

  // In-flight table (at-least-once). Declared before the clients: the
  // producer's callbacks use it, so it must outlive them.
  std::unique_ptr<Slot[]> slots;
  std::mutex mu;
  std::condition_variable freed;
  std::vector<std::uint32_t> free_list;
  Status failure;  // first delivery failure (guarded by mu)
  std::atomic<bool> failed{false};
  std::optional<kafka::Consumer> consumer;
  std::optional<kafka::Producer> producer;  // last: destroyed (flushed) first

  explicit Impl(ProcessorOptions o) : options(std::move(o)), counters(options.name) {}

  void on_delivery(const kafka::DeliveryReport& r) {
    Slot& s = slots[r.tag];
    if (r.status.ok()) {
      counters.out.fetch_add(1, std::memory_order_relaxed);
    } else {
      s.failed.store(true);
      std::lock_guard lock(mu);
      if (failure.ok()) {
        failure = Status(r.status.code(), "an output of " + s.record.topic + "/" + std::to_string(s.record.partition) +
                                              "@" + std::to_string(s.record.offset) + " was not delivered to '" +
                                              options.output + "': " + r.status.message() +
                                              "; its offset (and everything after it) stays uncommitted");
      }
      failed.store(true);
    }
    if (s.remaining.fetch_sub(1) == 1) finish(static_cast<std::uint32_t>(r.tag));
  }

  void finish(std::uint32_t index) {
    Slot& s = slots[index];
    if (!s.failed.load()) {
      consumer->mark_processed(s.record);
      counters.done.fetch_add(1, std::memory_order_relaxed);
      counters.latency(Clock::now() - s.received);
    }
    std::lock_guard lock(mu);
    free_list.push_back(index);
    if (free_list.size() == 1) freed.notify_one();
  }

  std::optional<std::uint32_t> acquire() {
    std::unique_lock lock(mu);
    while (free_list.empty()) {
      if (stop.load() || failed.load()) return std::nullopt;
      freed.wait_for(lock, 50ms);
    }
    std::uint32_t i = free_list.back();
    free_list.pop_back();
    return i;
  }

  std::string source_of(const kafka::Record& r) const {
    return "kafka:" + r.topic + "/" + std::to_string(r.partition) + "/" + std::to_string(r.offset);
  }

  // Processes one record; false when the flow must stop (status in `error`).
  bool handle(kafka::Record& r, Status& error) {
    counters.in.fetch_add(1, std::memory_order_relaxed);
    const auto received = Clock::now();
    std::vector<Message> outputs;
    Status last;
    auto disposition = internal::with_retries(
        options.errors, counters, stop, dead_letter.get(), r.message, source_of(r),
        [&]() -> Status {
          try {
            auto result = options.process(r.message);
            if (!result.ok()) return result.status();
            outputs = std::move(*result);
          } catch (const std::exception& e) {
            return Status(StatusCode::kUnknown, std::string("the process function threw: ") + e.what());
          }
          return {};
        },
        last);
    if (disposition == internal::Disposition::kFailed) {
      error = last.ok() ? Status(StatusCode::kCancelled, "stopped while retrying") : last;
      return false;
    }
    if (disposition == internal::Disposition::kDeadLettered || outputs.empty()) {
      if (disposition == internal::Disposition::kDone) counters.filtered.fetch_add(1, std::memory_order_relaxed);
      consumer->mark_processed(r);
      counters.done.fetch_add(1, std::memory_order_relaxed);
      counters.latency(Clock::now() - received);
      return true;
    }
    auto index = acquire();
    if (!index) return true;  // stopping; the record stays uncommitted
    Slot& s = slots[*index];
    s.failed.store(false);
    s.received = received;
    s.remaining.store(static_cast<int>(outputs.size()));
    for (Message& out : outputs) internal::propagate_trace(r.message, out);
    r.message = Message{};  // the table keeps only the position
    s.record = std::move(r);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      Status sent = producer->send_tagged(options.output, outputs[i], *index);
      if (!sent.ok()) {
        error = Status(sent.code(), "producing to '" + options.output + "': " + sent.message());
        s.failed.store(true);
        // The reports of the outputs already queued will finish the slot.
        if (s.remaining.fetch_sub(static_cast<int>(outputs.size() - i)) == static_cast<int>(outputs.size() - i)) {
          finish(*index);
        }
        return false;
      }
    }
    return true;
  }

  Status run_at_least_once(const RunOptions& run) {
    internal::RunClock clock(run, counters, stop);
    Status error;
    std::vector<kafka::Record> batch;  // reused: its buffers are recycled poll after poll
    while (!clock.should_stop()) {
      if (failed.load()) break;
      if (Status polled = consumer->poll(batch, 100ms, 1000); !polled.ok()) {
        error = polled;
        break;
      }
      bool ok = true;
      for (kafka::Record& r : batch) {
        if (!(ok = handle(r, error))) break;
      }
      if (!ok) break;
      counters.sample_lag(*consumer);
    }
    Status flushed = producer->flush(options.errors.max_backoff + 60s);
    {
      std::lock_guard lock(mu);
      if (error.ok() && !failure.ok()) error = failure;
    }
    if (error.ok() && !flushed.ok()) error = flushed;
    Status closed = consumer->close();
    if (error.ok() && !closed.ok()) error = closed;
    return error;
  }
};

Processor::Processor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Processor::Processor(Processor&&) noexcept = default;
Processor& Processor::operator=(Processor&&) noexcept = default;
Processor::~Processor() = default;

Result<Processor> Processor::create(ProcessorOptions options) {
  if (options.group_id.empty()) return invalid_argument("processor '" + options.name + "': group_id is required");
  if (options.inputs.empty()) return invalid_argument("processor '" + options.name + "': inputs (topics) is required");
  if (options.output.empty()) return invalid_argument("processor '" + options.name + "': output (topic) is required");
  if (!options.process) return invalid_argument("processor '" + options.name + "': process (the function) is required");
  if (options.errors.max_attempts < 1) {
    return invalid_argument("processor '" + options.name + "': errors.max_attempts must be at least 1");
  }
  if (options.max_in_flight < 1 || options.max_in_flight > (1u << 24)) {
    return invalid_argument("processor '" + options.name + "': max_in_flight must be in 1..16777216");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  const ProcessorOptions& o = impl->options;
  if (!o.errors.dead_letter.empty()) {
    auto sink = internal::DeadLetterSink::open(o.errors.dead_letter, o.name, o.bootstrap_servers, o.security, o.rabbitmq);
    if (!sink.ok()) return sink.status();
    impl->dead_letter = std::move(*sink);
  }
  if (o.guarantee == Guarantee::kExactlyOnce) {
    auto loop = internal::TransactionalLoop::create(
        {.name = o.name, .bootstrap_servers = o.bootstrap_servers, .security = o.security, .group_id = o.group_id,
         .inputs = o.inputs, .output = o.output, .consumer_properties = o.consumer_properties,
         .producer_properties = o.producer_properties, .process = o.process, .errors = o.errors,
         .transaction_messages = o.transaction_messages, .transaction_interval = o.transaction_interval},
        impl->counters, impl->stop, impl->dead_letter.get());
    if (!loop.ok()) return loop.status();
    impl->transactional = std::move(*loop);
    return Processor(std::move(impl));
  }
  impl->slots = std::make_unique<Slot[]>(o.max_in_flight);
  impl->free_list.reserve(o.max_in_flight);
  for (std::size_t i = o.max_in_flight; i-- > 0;) impl->free_list.push_back(static_cast<std::uint32_t>(i));
  Impl* raw = impl.get();
  auto consumer =
      internal::flow_consumer(o.name, o.bootstrap_servers, o.security, o.group_id, o.inputs, o.consumer_properties);
  if (!consumer.ok()) return consumer.status();
  impl->consumer.emplace(std::move(*consumer));
  auto producer = internal::flow_producer(o.name, o.bootstrap_servers, o.security,
                                         [raw](const kafka::DeliveryReport& r) { raw->on_delivery(r); },
                                         o.producer_properties, o.output);
  if (!producer.ok()) return producer.status();
  impl->producer.emplace(std::move(*producer));
  return Processor(std::move(impl));
}

Status Processor::run(const RunOptions& options) {
  impl_->counters.start();
  if (impl_->transactional) return impl_->transactional->run(options);
  return impl_->run_at_least_once(options);
}

void Processor::stop() { impl_->stop.store(true); }

MetricsSnapshot Processor::metrics() const { return impl_->counters.snapshot(); }

}  // namespace platform::flow
