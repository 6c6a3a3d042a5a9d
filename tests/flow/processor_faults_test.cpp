// SPDX-License-Identifier: Apache-2.0
// The processor (at-least-once) moves 100,000 keyed messages while a broker
// goes down, leaders move and produce requests fail: nothing is lost, per-key
// order holds for first deliveries, duplicates are counted; the group's
// committed offsets cover every input.
#define BOOST_TEST_MODULE flow_processor_faults
#include <boost/test/unit_test.hpp>

#include "test_scale.hpp"
#include "flow/flow_test_util.hpp"
#include "platform/flow/processor.hpp"

namespace flow = platform::flow;
using namespace flow_test;

BOOST_AUTO_TEST_CASE(processor_loses_nothing_under_kafka_faults) {
  const int kMessages = platform_test::scaled(100000);
  constexpr int kPartitions = 12;  // ~8,300 per partition: well inside the mock's retention
  kafka::EmbeddedClusterOptions co;
  co.topics = {{"in", kPartitions, 3, {}}, {"out", kPartitions, 3, {}}};
  auto cluster = kafka_test::start_cluster(co);
  const std::string bootstrap = cluster.bootstrap_servers();
  fill_topic(bootstrap, "in", kMessages);

  flow::ProcessorOptions o;
  o.name = "faults";
  o.bootstrap_servers = bootstrap;
  o.group_id = "processor-faults";
  o.inputs = {"in"};
  o.output = "out";
  o.process = [](const platform::Message& in) -> platform::Result<std::vector<platform::Message>> {
    return std::vector<platform::Message>{in};
  };
  auto processor = flow::Processor::create(std::move(o)).value();
  platform::Status result;
  std::thread runner([&] { result = processor.run(); });

  BOOST_REQUIRE_MESSAGE(wait_for([&] { return processor.metrics().done > kMessages / 20; }, 30s),
                        "the processor did not start");
  kafka_faults(cluster, {"in", "out"}, kPartitions);
  BOOST_TEST_REQUIRE(wait_for([&] { return processor.metrics().done >= kMessages; }, 90s),
                     "done: " << processor.metrics().done);
  processor.stop();
  runner.join();
  BOOST_TEST(result.ok(), result.to_string());
  const flow::MetricsSnapshot m = processor.metrics();
  BOOST_TEST_MESSAGE(flow::progress_line(m));
  BOOST_TEST(m.in >= static_cast<std::uint64_t>(kMessages));
  BOOST_TEST(m.out >= static_cast<std::uint64_t>(kMessages));
  BOOST_TEST(m.latency_count == m.done);

  read_topic(bootstrap, "out", kMessages).verify(kMessages, "processor");

  // Every input offset is committed (the group would not read any again).
  kafka::ConsumerOptions check;
  check.bootstrap_servers = bootstrap;
  check.group_id = "processor-faults";
  auto c = kafka::Consumer::create(std::move(check)).value();
  std::vector<kafka::TopicPartition> parts;
  for (int p = 0; p < kPartitions; ++p) parts.push_back({"in", p});
  auto committed = c.committed(parts, 10s);
  BOOST_REQUIRE_MESSAGE(committed.ok(), committed.status().to_string());
  std::int64_t sum = 0;
  for (const auto& off : *committed) sum += off.offset;
  BOOST_TEST(sum == kMessages);
}
