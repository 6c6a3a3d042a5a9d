// SPDX-License-Identifier: Apache-2.0
#pragma once

// The exactly-once consume-process-produce loop on Kafka transactions
// (librdkafka's examples/transactions.c as a library piece).

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "flow/runtime.hpp"
#include "platform/flow/processor.hpp"

namespace platform::internal {

struct TransactionalOptions {
  std::string name;
  std::string bootstrap_servers;
  kafka::SecurityOptions security;
  std::string group_id;
  std::vector<std::string> inputs;
  std::string output;
  std::map<std::string, std::string> consumer_properties;
  std::map<std::string, std::string> producer_properties;
  flow::ProcessFunction process;
  flow::ErrorPolicy errors;
  std::size_t transaction_messages = 1000;
  std::chrono::milliseconds transaction_interval{100};
};

class TransactionalLoop {
 public:
  static Result<std::unique_ptr<TransactionalLoop>> create(TransactionalOptions options, FlowCounters& counters,
                                                           std::atomic<bool>& stop, DeadLetterSink* dead_letter);
  ~TransactionalLoop();
  Status run(const flow::RunOptions& options);

  struct State;

 private:
  explicit TransactionalLoop(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace platform::internal
