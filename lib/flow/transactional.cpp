// SPDX-License-Identifier: Apache-2.0
#include "flow/transactional.hpp"

#include <map>

#include "kafka/handles.hpp"

namespace platform::internal {

using kafka::TopicPartition;

struct TransactionalLoop::State {
  TransactionalOptions options;
  FlowCounters& counters;
  std::atomic<bool>& stop;
  DeadLetterSink* dead_letter;
  ClientContext consumer_ctx;
  ClientContext producer_ctx;
  Bootstrap bootstrap;
  KafkaHandle producer;  // destroyed after the consumer (declared first)
  KafkaHandle consumer;
  bool open = false;                               // a transaction is open
  bool closed = false;                             // consumer closed
  Clock::time_point began;
  std::size_t inputs = 0;                          // inputs in the open transaction
  std::size_t outputs = 0;                         // outputs in the open transaction
  std::atomic<std::size_t> failed_outputs{0};      // delivery failures (force an abort)
  std::map<TopicPartition, std::int64_t> positions;  // next offset per partition, open transaction
  std::map<TopicPartition, std::int64_t> committed;  // next offset per partition, last commit
  std::map<TopicPartition, std::int64_t> first_seen;  // first offset read per partition

  State(TransactionalOptions o, FlowCounters& c, std::atomic<bool>& s, DeadLetterSink* d)
      : options(std::move(o)), counters(c), stop(s), dead_letter(d) {}

  Status begin() {
    if (open) return {};
    PLATFORM_RETURN_IF_ERROR(to_status(ErrorHandle(rd_kafka_begin_transaction(producer.get())), "begin_transaction"));
    open = true;
    began = Clock::now();
    return {};
  }

  PartitionListHandle list_of(const std::map<TopicPartition, std::int64_t>& m) {
    PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(m.size())));
    for (const auto& [tp, offset] : m) {
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
    }
    return list;
  }

  // Seeks every partition of the aborted transaction back to its last
  // committed position (or where this session started reading it).
  void rewind() {
    std::map<TopicPartition, std::int64_t> to;
    for (const auto& [tp, next] : positions) {
      auto c = committed.find(tp);
      to[tp] = c != committed.end() ? c->second : first_seen[tp];
    }
    positions.clear();
    if (to.empty()) return;
    auto list = list_of(to);
    ErrorHandle err(rd_kafka_seek_partitions(consumer.get(), list.get(), 10000));
    if (err) consumer_ctx.emit(kafka::LogLevel::kWarning, "rewind after abort: " + to_status(std::move(err)).message());
  }

  Status abort_and_rewind(const std::string& why) {
    counters.retried.fetch_add(inputs, std::memory_order_relaxed);
    counters.in.fetch_sub(inputs, std::memory_order_relaxed);  // they will be read again
    consumer_ctx.emit(kafka::LogLevel::kWarning, "aborting the transaction (" + why + "); rewinding " +
                                                     std::to_string(inputs) + " inputs");
    ErrorHandle err(rd_kafka_abort_transaction(producer.get(), 60000));
    open = false;
    inputs = outputs = 0;
    failed_outputs = 0;
    if (err) return to_status(std::move(err), "abort_transaction");
    rewind();
    return {};
  }

  // Commits the open transaction with its input offsets; on an abortable
  // error aborts and rewinds (ok: the inputs will be processed again).
  Status commit(bool rewind_on_abort = true) {
    if (!open) return {};
    if (inputs == 0) return {};
    for (int attempt = 0;; ++attempt) {
      ErrorHandle err;
      if (failed_outputs.load() > 0) {
        return rewind_on_abort ? abort_and_rewind("an output was not delivered") : Status{};
      }
      auto list = list_of(positions);
      std::unique_ptr<rd_kafka_consumer_group_metadata_t, void (*)(rd_kafka_consumer_group_metadata_t*)> meta(
          rd_kafka_consumer_group_metadata(consumer.get()), &rd_kafka_consumer_group_metadata_destroy);
      err.reset(rd_kafka_send_offsets_to_transaction(producer.get(), list.get(), meta.get(), 60000));
      if (!err) err.reset(rd_kafka_commit_transaction(producer.get(), 60000));
      if (!err && failed_outputs.load() == 0) {
        counters.done.fetch_add(inputs, std::memory_order_relaxed);
        counters.out.fetch_add(outputs, std::memory_order_relaxed);
        counters.latency(Clock::now() - began);
        for (const auto& [tp, next] : positions) committed[tp] = next;
        // Also store the offsets in the group the ordinary way: the same
        // values the transaction stored on a real broker (a no-op there), and
        // what makes a restart resume on the embedded cluster, which does not
        // store transactional offsets.
        rd_kafka_commit(consumer.get(), list.get(), 1);
        positions.clear();
        inputs = outputs = 0;
        open = false;
        return {};
      }
      if (!err) return rewind_on_abort ? abort_and_rewind("an output was not delivered") : Status{};
      if (rd_kafka_error_is_fatal(err.get())) {
        open = false;
        return to_status(std::move(err), "commit_transaction (fatal: the producer must be recreated)");
      }
      if (rd_kafka_error_txn_requires_abort(err.get())) {
        std::string why = rd_kafka_error_string(err.get());
        return rewind_on_abort ? abort_and_rewind(why) : Status{};
      }
      if (rd_kafka_error_is_retriable(err.get()) && attempt < 10) continue;
      return to_status(std::move(err), "commit_transaction");
    }
  }

  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions) {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      rd_kafka_assign(consumer.get(), partitions);
      return;
    }
    // Revoked (or lost): finish the open transaction first, so the next owner
    // starts after what was committed here.
    if (open) {
      if (rd_kafka_assignment_lost(consumer.get())) {
        (void)abort_and_rewind("assignment lost");
      } else {
        Status s = commit(false);
        if (!s.ok()) consumer_ctx.emit(kafka::LogLevel::kWarning, "commit on revoke: " + s.message());
        if (open) (void)abort_and_rewind("revoked");
      }
    }
    positions.clear();
    committed.clear();
    first_seen.clear();
    rd_kafka_assign(consumer.get(), nullptr);
  }

  static void rebalance_trampoline(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                                   void* opaque) {
    auto* ctx = static_cast<ClientContext*>(opaque);
    static_cast<State*>(ctx->owner)->on_rebalance(err, partitions);
  }

  static void delivery_trampoline(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* ctx = static_cast<ClientContext*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<State*>(ctx->owner)->failed_outputs.fetch_add(1);
  }

  Status produce(const Message& out) {
    HeadersHandle headers = to_rd_headers(out.headers);
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(options.output.c_str()),
          RD_KAFKA_V_KEY(out.key.data(), out.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(out.payload.data()), out.payload.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        (void)headers.release();  // owned by librdkafka now
        ++outputs;
        return {};
      }
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return to_status(err, "produce to " + options.output);
      rd_kafka_poll(producer.get(), 10);
    }
  }

  Status handle(rd_kafka_message_t* msg) {
    counters.in.fetch_add(1, std::memory_order_relaxed);
    Message in;
    to_message(*msg, in);
    TopicPartition tp{rd_kafka_topic_name(msg->rkt), msg->partition};
    first_seen.try_emplace(tp, msg->offset);
    PLATFORM_RETURN_IF_ERROR(begin());
    std::vector<Message> outs;
    Status last;
    const std::string source = "kafka:" + tp.topic + "/" + std::to_string(tp.partition) + "/" +
                               std::to_string(msg->offset);
    auto disposition = with_retries(
        options.errors, counters, stop, dead_letter, in, source,
        [&]() -> Status {
          try {
            auto r = options.process(in);
            if (!r.ok()) return r.status();
            outs = std::move(*r);
          } catch (const std::exception& e) {
            return Status(StatusCode::kUnknown, std::string("the process function threw: ") + e.what());
          }
          return {};
        },
        last);
    if (disposition == Disposition::kFailed) return last.ok() ? Status(StatusCode::kCancelled, "stopped") : last;
    if (disposition == Disposition::kDone && outs.empty()) counters.filtered.fetch_add(1, std::memory_order_relaxed);
    for (Message& out : outs) {
      propagate_trace(in, out);
      PLATFORM_RETURN_IF_ERROR(produce(out));
    }
    positions[tp] = msg->offset + 1;
    ++inputs;
    return {};
  }
};

TransactionalLoop::TransactionalLoop(std::unique_ptr<State> state) : state_(std::move(state)) {}

TransactionalLoop::~TransactionalLoop() {
  if (state_ && state_->consumer && !state_->closed) rd_kafka_consumer_close(state_->consumer.get());
}

Result<std::unique_ptr<TransactionalLoop>> TransactionalLoop::create(TransactionalOptions options,
                                                                     FlowCounters& counters, std::atomic<bool>& stop,
                                                                     DeadLetterSink* dead_letter) {
  auto s = std::make_unique<State>(std::move(options), counters, stop, dead_letter);
  const TransactionalOptions& o = s->options;
  for (ClientContext* ctx : {&s->consumer_ctx, &s->producer_ctx}) {
    ctx->log = kafka::default_log;
    ctx->secrets = secrets_of(o.security);
    ctx->owner = s.get();
  }
  auto bootstrap = resolve_bootstrap(o.bootstrap_servers, o.security, s->consumer_ctx);
  if (!bootstrap.ok()) return bootstrap.status();
  s->bootstrap = std::move(*bootstrap);

  std::vector<std::pair<std::string, std::string>> psettings{
      {"transactional.id", o.name + "-" + o.group_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {kJavaCompatiblePartitioner.first, kJavaCompatiblePartitioner.second},
      {"linger.ms", "5"},
      {"transaction.timeout.ms", "60000"},
      {"message.timeout.ms", "55000"}};
  // The settings exactly-once rests on are not the user's to change.
  auto refuse_managed = [&](const auto& managed, const std::map<std::string, std::string>& properties,
                            const char* field) -> Status {
    if (const char* key = first_key_set(managed, properties)) {
      return invalid_argument("processor '" + o.name + "': " + field + "[\"" + key +
                              "\"] is managed by the exactly-once mode; remove it, or use guarantee "
                              "at-least-once");
    }
    return {};
  };
  PLATFORM_RETURN_IF_ERROR(refuse_managed(kExactlyOnceProducerKeys, o.producer_properties, "producer_properties"));
  auto pconf = make_conf(s->producer_ctx, s->bootstrap.servers, o.name, o.security, psettings, o.producer_properties, "");
  if (!pconf.ok()) return pconf.status();
  rd_kafka_conf_set_dr_msg_cb(pconf->get(), &State::delivery_trampoline);
  auto producer = make_handle(RD_KAFKA_PRODUCER, std::move(*pconf));
  if (!producer.ok()) return producer.status();
  s->producer = std::move(*producer);
  PLATFORM_RETURN_IF_ERROR(
      to_status(ErrorHandle(rd_kafka_init_transactions(s->producer.get(), 60000)), "init_transactions"));

  std::vector<std::pair<std::string, std::string>> csettings{
      {"group.id", o.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"isolation.level", "read_committed"},
      {"queued.min.messages", "1000000"},
      {"queued.max.messages.kbytes", "65536"}};
  if (is_embedded_bootstrap(s->bootstrap.servers)) {
    csettings.emplace_back("session.timeout.ms", "6000");
    csettings.emplace_back("heartbeat.interval.ms", "500");
  }
  PLATFORM_RETURN_IF_ERROR(refuse_managed(kExactlyOnceConsumerKeys, o.consumer_properties, "consumer_properties"));
  auto cconf = make_conf(s->consumer_ctx, s->bootstrap.servers, o.name, o.security, csettings, o.consumer_properties, "");
  if (!cconf.ok()) return cconf.status();
  rd_kafka_conf_set_rebalance_cb(cconf->get(), &State::rebalance_trampoline);
  auto consumer = make_handle(RD_KAFKA_CONSUMER, std::move(*cconf));
  if (!consumer.ok()) return consumer.status();
  s->consumer = std::move(*consumer);
  rd_kafka_poll_set_consumer(s->consumer.get());
  PartitionListHandle topics(rd_kafka_topic_partition_list_new(static_cast<int>(o.inputs.size())));
  for (const std::string& t : o.inputs) rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  PLATFORM_RETURN_IF_ERROR(to_status(rd_kafka_subscribe(s->consumer.get(), topics.get()), "subscribe"));
  return std::unique_ptr<TransactionalLoop>(new TransactionalLoop(std::move(s)));
}

Status TransactionalLoop::run(const flow::RunOptions& options) {
  State& s = *state_;
  RunClock clock(options, s.counters, s.stop);
  Status error;
  while (error.ok() && !clock.should_stop()) {
    MessageHandle msg(rd_kafka_consumer_poll(s.consumer.get(), 50));
    rd_kafka_poll(s.producer.get(), 0);
    if (msg) {
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        error = s.handle(msg.get());
      } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        Status st = to_status(msg->err, "consume");
        s.consumer_ctx.emit(kafka::LogLevel::kWarning, st.message());
      }
    }
    if (!error.ok()) break;
    if (s.inputs >= s.options.transaction_messages ||
        (s.open && s.inputs > 0 && Clock::now() - s.began >= s.options.transaction_interval)) {
      error = s.commit();
    }
  }
  if (error.ok()) error = s.commit();
  else if (s.open) (void)s.abort_and_rewind("stopping after an error");
  rd_kafka_consumer_close(s.consumer.get());
  s.closed = true;
  return error;
}

}  // namespace platform::internal
