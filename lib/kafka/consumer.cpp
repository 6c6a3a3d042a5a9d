// SPDX-License-Identifier: Apache-2.0
#include "platform/kafka/consumer.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>

#include "kafka/handles.hpp"

namespace platform::kafka {

using internal::to_status;

namespace detail {

// The processed-offset bookkeeping of one assigned partition. Records carry a
// shared_ptr to it, so marking is safe from any thread and after a revoke
// (the cursor is then dead and the mark is ignored).
struct PartitionCursor {
  std::mutex mu;
  bool live = true;
  // Offsets returned by poll() and not yet part of the watermark, in order,
  // with their processed flag. Offsets need not be consecutive (transaction
  // markers and compaction leave gaps), so contiguity is over returned records.
  std::deque<std::pair<std::int64_t, bool>> pending;
  std::int64_t watermark = -1;  // next offset to commit; -1 = nothing processed yet
  std::int64_t committed = -1;   // last watermark the coordinator confirmed (poll thread only)
  std::int64_t committing = -1;  // watermark of an async commit in flight (poll thread only)
  std::int64_t next_fetch = -1;  // the offset after the last one poll() returned (poll thread only)

  void returned(std::int64_t offset) {
    next_fetch = offset + 1;
    std::lock_guard lock(mu);
    // A rewind (re-fetch) returns offsets again: forget the later ones.
    while (!pending.empty() && pending.back().first >= offset) pending.pop_back();
    pending.emplace_back(offset, false);
  }

  void mark(std::int64_t offset) {
    std::lock_guard lock(mu);
    if (!live || pending.empty()) return;
    auto it = pending.begin();
    if (it->first != offset) {
      it = std::lower_bound(pending.begin(), pending.end(), offset,
                            [](const auto& entry, std::int64_t o) { return entry.first < o; });
      if (it == pending.end() || it->first != offset) return;
    }
    it->second = true;
    while (!pending.empty() && pending.front().second) {
      watermark = std::max(watermark, pending.front().first + 1);
      pending.pop_front();
    }
  }

  std::int64_t committable() {
    std::lock_guard lock(mu);
    return watermark;
  }
};

}  // namespace detail

using detail::PartitionCursor;

// The consumer's state, at namespace scope so the C trampolines can reach it.
struct ConsumerState {
  internal::ClientContext ctx;
  internal::Bootstrap bootstrap;
  ConsumerOptions options;
  internal::KafkaHandle rk;
  // Poll-thread state: the assigned partitions' cursors.
  std::map<TopicPartition, std::shared_ptr<PartitionCursor>> cursors;
  std::string last_topic;
  std::int32_t last_partition = -1;
  std::shared_ptr<PartitionCursor> last_cursor;
  std::chrono::steady_clock::time_point last_commit = std::chrono::steady_clock::now();
  bool closed = false;
  // The prefetch stall of librdkafka 2.0.2 (confluentinc/librdkafka#2879,
  // fixed in 2.3.0 by fetch.queue.backoff.ms): once the local queue reaches
  // queued.min.messages or queued.max.messages.kbytes, each broker thread
  // stops fetching and looks again only when something wakes it, at the
  // latest after 1 s; the application drains the queue long before. When
  // poll() finds the queue empty after returning a cap's worth of records
  // since it last found it empty, it seeks every partition it has read to
  // the offset after the last record it returned: nothing is skipped or
  // repeated, and the seek wakes the fetchers at once. Transformer, 200k
  // records, 16 MiB prefetch: ~196k msgs/s with the stall; docs/kafka.md has
  // the figures with the wake-up.
  internal::QueueHandle queue;  // the consumer queue (declared after rk: released first)
  double cap_messages = 0;      // the effective queued.min.messages (options or extra)
  double cap_bytes = 0;         // the effective queued.max.messages.kbytes, in bytes
  // Records and payload bytes poll() returned since it last found the queue
  // empty. The queue never held more than that at once, so below both caps
  // the fetchers cannot have stopped; at or above one they may have.
  double burst_messages = 0;
  double burst_bytes = 0;
  std::uint64_t wakeups = 0;

  bool may_have_stalled() const { return burst_messages >= cap_messages || burst_bytes >= cap_bytes; }

  // The queue is empty: wake the fetchers if they may have stopped.
  void on_drained() {
    if (may_have_stalled()) wake_fetchers();
    burst_messages = 0;
    burst_bytes = 0;
  }

  void wake_fetchers() {
    internal::PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(cursors.size())));
    for (auto& [tp, c] : cursors) {
      if (c->next_fetch < 0) continue;  // nothing read yet: its fetch start is librdkafka's own
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = c->next_fetch;
    }
    if (list->cnt == 0) return;
    ++wakeups;
    internal::ErrorHandle error(rd_kafka_seek_partitions(rk.get(), list.get(), 0));  // async: no result
  }

  ~ConsumerState() {
    if (rk && !closed) (void)close();
  }

  std::shared_ptr<PartitionCursor>& cursor_for(const TopicPartition& tp) {
    auto& c = cursors[tp];
    if (!c) c = std::make_shared<PartitionCursor>();
    return c;
  }

  // Commits every cursor (or those in `only`) whose watermark moved. An async
  // commit skips partitions whose watermark is already on its way; a sync one
  // sends anything the coordinator has not confirmed.
  Status commit_moved(const std::vector<TopicPartition>* only, bool async) {
    internal::PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(cursors.size())));
    std::vector<std::pair<PartitionCursor*, std::int64_t>> sent;
    auto add = [&](const TopicPartition& tp, PartitionCursor& c) {
      const std::int64_t w = c.committable();
      if (w < 0 || w == c.committed || (async && w == c.committing)) return;
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = w;
      sent.emplace_back(&c, w);
    };
    if (only != nullptr) {
      for (const TopicPartition& tp : *only) {
        if (auto it = cursors.find(tp); it != cursors.end()) add(tp, *it->second);
      }
    } else {
      for (auto& [tp, c] : cursors) add(tp, *c);
    }
    if (sent.empty()) return {};
    if (async) {
      for (auto& [c, w] : sent) c->committing = w;
      // The result arrives in on_commit_result(), inside a later poll().
      return to_status(rd_kafka_commit(rk.get(), list.get(), 1), "commit processed offsets");
    }
    PLATFORM_RETURN_IF_ERROR(to_status(rd_kafka_commit(rk.get(), list.get(), 0), "commit processed offsets"));
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return to_status(list->elems[i].err, std::string("commit offset of ") + list->elems[i].topic + "[" +
                                                 std::to_string(list->elems[i].partition) + "]");
      }
      sent[i].first->committed = sent[i].second;
    }
    return {};
  }

  // Results of async commits (sync ones are handled by their caller).
  void on_commit_result(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t* offsets) noexcept {
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      ctx.emit(LogLevel::kWarning, "offset commit failed, will retry: " + to_status(err).message());
    }
    if (offsets == nullptr) return;
    for (int i = 0; i < offsets->cnt; ++i) {
      const auto& e = offsets->elems[i];
      auto it = cursors.find({e.topic, e.partition});
      if (it == cursors.end()) continue;
      PartitionCursor& c = *it->second;
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR && e.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        c.committed = std::max(c.committed, e.offset);
      }
      if (c.committing == e.offset) c.committing = -1;
    }
  }

  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) noexcept {
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk.get()), "COOPERATIVE") == 0;
    Rebalance event;
    for (int i = 0; i < partitions->cnt; ++i) {
      event.partitions.push_back({partitions->elems[i].topic, partitions->elems[i].partition});
    }
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      event.assigned = true;
      for (const TopicPartition& tp : event.partitions) {
        auto& c = cursors[tp];
        if (c) {
          std::lock_guard lock(c->mu);
          c->live = false;
        }
        c = std::make_shared<PartitionCursor>();
      }
      if (cooperative) {
        (void)to_status(internal::ErrorHandle(rd_kafka_incremental_assign(rk.get(), partitions)));
      } else {
        rd_kafka_assign(rk.get(), partitions);
      }
    } else {
      // Revoke: commit what was processed, synchronously, before the partitions
      // go to another member; never when the assignment was lost (another
      // member may own them already).
      if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !rd_kafka_assignment_lost(rk.get())) {
        Status s = commit_moved(&event.partitions, false);
        if (!s.ok()) ctx.emit(LogLevel::kWarning, "commit on revoke failed (the next owner re-reads): " + s.message());
      }
      for (const TopicPartition& tp : event.partitions) {
        if (auto it = cursors.find(tp); it != cursors.end()) {
          // Keep the cursor alive until its lock is released: erasing the
          // map's reference may free it (and its mutex) while locked.
          const std::shared_ptr<PartitionCursor> cursor = std::move(it->second);
          cursors.erase(it);
          std::lock_guard lock(cursor->mu);
          cursor->live = false;
        }
      }
      last_cursor.reset();
      last_partition = -1;
      if (cooperative) {
        (void)to_status(internal::ErrorHandle(rd_kafka_incremental_unassign(rk.get(), partitions)));
      } else {
        rd_kafka_assign(rk.get(), nullptr);
      }
    }
    if (options.on_rebalance) {
      try {
        options.on_rebalance(event);
      } catch (...) {
        ctx.emit(LogLevel::kError, "on_rebalance threw (ignored)");
      }
    }
  }

  Status pause_or_resume(const std::vector<TopicPartition>& partitions, bool pause);

  Status close() {
    if (closed) return {};
    Status s = commit_moved(nullptr, false);
    const rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk.get());
    closed = true;
    cursors.clear();
    last_cursor.reset();
    if (!s.ok()) return s;
    return to_status(err, "close consumer");
  }
};

struct Consumer::Impl : ConsumerState {};

namespace {

extern "C" void rebalance_trampoline(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                     void* opaque) noexcept {
  auto* ctx = static_cast<internal::ClientContext*>(opaque);
  auto* impl = ctx != nullptr ? static_cast<ConsumerState*>(ctx->owner) : nullptr;
  if (impl == nullptr || !impl->rk) {
    rd_kafka_assign(rk, nullptr);  // during create: nothing to track yet
    return;
  }
  impl->on_rebalance(err, parts);
}

extern "C" void commit_trampoline(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets,
                                  void* opaque) noexcept {
  auto* ctx = static_cast<internal::ClientContext*>(opaque);
  if (ctx != nullptr && ctx->owner != nullptr) static_cast<ConsumerState*>(ctx->owner)->on_commit_result(err, offsets);
}

internal::PartitionListHandle to_list(const std::vector<TopicPartition>& partitions) {
  internal::PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

Status list_errors(const rd_kafka_topic_partition_list_t* list, const std::string& what) {
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return to_status(list->elems[i].err, what + " " + list->elems[i].topic + "[" +
                                               std::to_string(list->elems[i].partition) + "]");
    }
  }
  return {};
}

}  // namespace

std::string describe(const ConsumerOptions& o) {
  std::string topics;
  for (const std::string& t : o.topics) topics += (topics.empty() ? "" : ",") + t;
  return internal::describe_common(o.bootstrap_servers, o.client_id, o.security, o.extra) + " group.id=" + o.group_id +
         " topics=" + topics + " auto.offset.reset=" + o.auto_offset_reset +
         " commit=" + (o.commit_mode == CommitMode::kAutoMarked ? "auto-marked" : "manual");
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&&) noexcept = default;
Consumer::~Consumer() = default;

Result<Consumer> Consumer::create(ConsumerOptions options) {
  auto bad = [](const std::string& field, const std::string& message) {
    return invalid_argument("invalid consumer options", {{"", field, message, ""}});
  };
  if (options.group_id.empty()) return bad("group_id", "a consumer needs a group id (e.g. \"orders-service\")");
  if (options.auto_offset_reset != "earliest" && options.auto_offset_reset != "latest") {
    return bad("auto_offset_reset", "'" + options.auto_offset_reset + "': use earliest or latest");
  }
  if (options.auto_commit_interval.count() <= 0) return bad("auto_commit_interval", "must be positive");
  if (options.queued_min_messages < 1) return bad("queued_min_messages", "must be at least 1");
  if (options.queued_max_kbytes < 1) return bad("queued_max_kbytes", "must be at least 1");
  if (const char* managed = internal::first_key_set(internal::kConsumerManagedKeys, options.extra)) {
    return bad(std::string("extra[\"") + managed + "\"]",
               "managed by the consumer (it commits processed offsets only): use group_id / commit_mode instead");
  }
  for (const std::string& t : options.topics) {
    if (t.empty()) return bad("topics", "a topic name is empty");
  }

  auto impl = std::make_unique<Impl>();
  impl->ctx.log = options.log;
  impl->ctx.secrets = internal::secrets_of(options.security);
  auto bootstrap = internal::resolve_bootstrap(options.bootstrap_servers, options.security, impl->ctx);
  if (!bootstrap.ok()) return bootstrap.status();
  impl->bootstrap = std::move(*bootstrap);

  std::vector<std::pair<std::string, std::string>> settings{
      {"group.id", options.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      {"auto.offset.reset", options.auto_offset_reset},
      {"queued.min.messages", std::to_string(options.queued_min_messages)},
      {"queued.max.messages.kbytes", std::to_string(options.queued_max_kbytes)}};
  // The mock coordinator waits session.timeout.ms - 1 s for members that left
  // or stopped heart-beating before it rebalances; members notice a rebalance
  // only at their next heartbeat. Short defaults keep group changes against
  // the embedded cluster in seconds (extra still wins).
  if (internal::is_embedded_bootstrap(impl->bootstrap.servers)) {
    settings.emplace_back("session.timeout.ms", "6000");
    settings.emplace_back("heartbeat.interval.ms", "500");
  }
  auto conf = internal::make_conf(impl->ctx, impl->bootstrap.servers, options.client_id, options.security, settings,
                                  options.extra, "");
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_rebalance_cb(conf->get(), &rebalance_trampoline);
  rd_kafka_conf_set_offset_commit_cb(conf->get(), &commit_trampoline);
  auto rk = internal::make_handle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!rk.ok()) return rk.status();
  impl->rk = std::move(*rk);
  impl->ctx.owner = static_cast<ConsumerState*>(impl.get());
  rd_kafka_poll_set_consumer(impl->rk.get());
  impl->queue.reset(rd_kafka_queue_get_consumer(impl->rk.get()));
  // The caps in force (extra may have set them).
  auto conf_number = [&](const char* key, double fallback) {
    char value[64];
    std::size_t size = sizeof value;
    if (rd_kafka_conf_get(rd_kafka_conf(impl->rk.get()), key, value, &size) != RD_KAFKA_CONF_OK) return fallback;
    char* end = nullptr;
    const double v = std::strtod(value, &end);
    return end != value ? v : fallback;
  };
  impl->cap_messages = conf_number("queued.min.messages", options.queued_min_messages);
  impl->cap_bytes = 1024.0 * conf_number("queued.max.messages.kbytes", options.queued_max_kbytes);
  impl->ctx.emit(LogLevel::kInfo, "consumer created: " + describe(options));
  const std::vector<std::string> topics = options.topics;
  impl->options = std::move(options);
  Consumer consumer(std::move(impl));
  if (!topics.empty()) PLATFORM_RETURN_IF_ERROR(consumer.subscribe(topics));
  return consumer;
}

Status Consumer::subscribe(const std::vector<std::string>& topics) {
  if (impl_->closed) return Status(StatusCode::kFailedPrecondition, "subscribe: the consumer is closed");
  if (topics.empty()) return invalid_argument("subscribe: no topics given");
  internal::PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  return to_status(rd_kafka_subscribe(impl_->rk.get(), list.get()), "subscribe");
}

Result<std::vector<Record>> Consumer::poll(std::chrono::milliseconds timeout, std::size_t max_records) {
  std::vector<Record> out;
  PLATFORM_RETURN_IF_ERROR(poll(out, timeout, max_records));
  return out;
}

Status Consumer::poll(std::vector<Record>& out, std::chrono::milliseconds timeout, std::size_t max_records) {
  Impl& impl = *impl_;
  std::size_t n = 0;  // records filled; out[n..] are buffers to reuse
  // On every return: `out` holds exactly the n records filled.
  struct Trim {
    std::vector<Record>& out;
    std::size_t& n;
    ~Trim() { out.resize(n); }
  } trim{out, n};
  if (impl.closed) return Status(StatusCode::kFailedPrecondition, "poll: the consumer is closed");
  if (impl.options.commit_mode == CommitMode::kAutoMarked) {
    const auto now = std::chrono::steady_clock::now();
    if (now - impl.last_commit >= impl.options.auto_commit_interval) {
      impl.last_commit = now;
      Status s = impl.commit_moved(nullptr, true);
      if (!s.ok()) impl.ctx.emit(LogLevel::kWarning, s.message());
    }
  }
  int wait_ms = static_cast<int>(timeout.count());
  if (impl.may_have_stalled() && rd_kafka_queue_length(impl.queue.get()) == 0) impl.on_drained();
  Status error;
  while (n < max_records) {
    internal::MessageHandle m(rd_kafka_consumer_poll(impl.rk.get(), wait_ms));
    wait_ms = 0;
    if (!m) {
      impl.on_drained();
      break;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      std::string where = m->rkt != nullptr ? std::string(rd_kafka_topic_name(m->rkt)) : std::string("consumer");
      Status s = to_status(m->err, where + ": " + std::string(rd_kafka_message_errstr(m.get())));
      char reason[512];
      if (m->err == RD_KAFKA_RESP_ERR__FATAL &&
          rd_kafka_fatal_error(impl.rk.get(), reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return Status(StatusCode::kFailedPrecondition, std::string("consumer fatal error: ") + reason);
      }
      if (s.code() == StatusCode::kNotFound || s.code() == StatusCode::kPermissionDenied ||
          s.code() == StatusCode::kUnauthenticated) {
        error = s;
        break;
      }
      impl.ctx.emit(LogLevel::kWarning, "consumer: " + s.message() + " (retrying)");
      continue;
    }
    const char* topic = rd_kafka_topic_name(m->rkt);
    if (!impl.last_cursor || m->partition != impl.last_partition || impl.last_topic != topic) {
      impl.last_topic = topic;
      impl.last_partition = m->partition;
      impl.last_cursor = impl.cursor_for({impl.last_topic, m->partition});
    }
    Record& r = n < out.size() ? out[n] : out.emplace_back();
    ++n;
    r.topic = impl.last_topic;
    r.partition = m->partition;
    r.offset = m->offset;
    internal::to_message(*m, r.message);
    impl.burst_messages += 1;
    impl.burst_bytes += static_cast<double>(m->len);  // what librdkafka counts against the byte cap
    impl.last_cursor->returned(m->offset);
    if (r.cursor_ != impl.last_cursor) r.cursor_ = impl.last_cursor;
  }
  if (!error.ok() && n == 0) return error;
  if (!error.ok()) impl.ctx.emit(LogLevel::kWarning, error.message());
  return {};
}

void Consumer::mark_processed(const Record& record) {
  if (record.cursor_) record.cursor_->mark(record.offset);
}

Status Consumer::commit() {
  if (impl_->closed) return Status(StatusCode::kFailedPrecondition, "commit: the consumer is closed");
  impl_->last_commit = std::chrono::steady_clock::now();
  return impl_->commit_moved(nullptr, false);
}

Status ConsumerState::pause_or_resume(const std::vector<TopicPartition>& partitions, bool pause) {
  const char* what = pause ? "pause" : "resume";
  for (const TopicPartition& tp : partitions) {
    if (cursors.count(tp) == 0) {
      return invalid_argument(std::string(what) + ": " + tp.topic + "[" + std::to_string(tp.partition) +
                              "] is not assigned to this consumer");
    }
  }
  auto list = to_list(partitions);
  const rd_kafka_resp_err_t err =
      pause ? rd_kafka_pause_partitions(rk.get(), list.get()) : rd_kafka_resume_partitions(rk.get(), list.get());
  PLATFORM_RETURN_IF_ERROR(to_status(err, what));
  return list_errors(list.get(), what);
}

Status Consumer::pause(const std::vector<TopicPartition>& partitions) {
  return impl_->pause_or_resume(partitions, true);
}

Status Consumer::resume(const std::vector<TopicPartition>& partitions) {
  return impl_->pause_or_resume(partitions, false);
}

Result<std::vector<TopicPartition>> Consumer::assignment() const {
  if (impl_->closed) return Status(StatusCode::kFailedPrecondition, "assignment: the consumer is closed");
  rd_kafka_topic_partition_list_t* raw = nullptr;
  PLATFORM_RETURN_IF_ERROR(to_status(rd_kafka_assignment(impl_->rk.get(), &raw), "assignment"));
  internal::PartitionListHandle list(raw);
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

std::uint64_t Consumer::fetch_wakeups() const { return impl_->wakeups; }

std::int64_t Consumer::lag() const {
  if (impl_->closed) return -1;
  std::int64_t total = -1;
  for (const auto& [tp, cursor] : impl_->cursors) {
    std::int64_t low = -1;
    std::int64_t high = -1;
    if (rd_kafka_get_watermark_offsets(impl_->rk.get(), tp.topic.c_str(), tp.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;  // no fetch response for it yet
    }
    std::int64_t from = cursor->committable();
    if (from < 0) {
      internal::PartitionListHandle one(rd_kafka_topic_partition_list_new(1));
      rd_kafka_topic_partition_list_add(one.get(), tp.topic.c_str(), tp.partition);
      if (rd_kafka_position(impl_->rk.get(), one.get()) == RD_KAFKA_RESP_ERR_NO_ERROR) from = one->elems[0].offset;
      if (from < 0) from = low;
    }
    total = std::max<std::int64_t>(total, 0) + std::max<std::int64_t>(high - from, 0);
  }
  return total;
}

Result<std::vector<CommittedOffset>> Consumer::committed(const std::vector<TopicPartition>& partitions,
                                                         std::chrono::milliseconds timeout) const {
  if (impl_->closed) return Status(StatusCode::kFailedPrecondition, "committed: the consumer is closed");
  auto list = to_list(partitions);
  PLATFORM_RETURN_IF_ERROR(
      to_status(rd_kafka_committed(impl_->rk.get(), list.get(), static_cast<int>(timeout.count())), "committed"));
  PLATFORM_RETURN_IF_ERROR(list_errors(list.get(), "committed offset of"));
  std::vector<CommittedOffset> out;
  for (int i = 0; i < list->cnt; ++i) {
    const std::int64_t o = list->elems[i].offset;
    out.push_back({{list->elems[i].topic, list->elems[i].partition}, o >= 0 ? o : -1});
  }
  return out;
}

Status Consumer::close() { return impl_->close(); }

const std::string& Consumer::bootstrap_servers() const { return impl_->bootstrap.servers; }

}  // namespace platform::kafka
