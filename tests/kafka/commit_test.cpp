// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE kafka_commit
#include "kafka_test_util.hpp"

#include <set>

using namespace kafka_test;

namespace {

void fill(kafka::Producer& producer, const std::string& topic, int partitions, int per_partition, int start = 0) {
  for (int p = 0; p < partitions; ++p) {
    for (int i = start; i < start + per_partition; ++i) {
      BOOST_REQUIRE(producer.send(topic, p, {.key = "p" + std::to_string(p), .payload = std::to_string(i)}).ok());
    }
  }
  BOOST_REQUIRE(producer.flush(20s).ok());
}

std::int64_t committed_offset(kafka::Consumer& c, const std::string& topic, int partition) {
  auto r = c.committed({{topic, partition}}, 10s);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return r->at(0).offset;
}

}  // namespace

BOOST_AUTO_TEST_CASE(only_processed_offsets_are_committed_and_a_new_member_resumes_at_the_first_unprocessed) {
  auto cluster = start_cluster({.brokers = 1, .topics = {{"orders", 1, 1, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  fill(producer, "orders", 1, 100);

  {
    auto a = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                      .group_id = "billing",
                                      .topics = {"orders"},
                                      .commit_mode = kafka::CommitMode::kManual})
                 .value();
    auto records = consume(a, 100, 30s, /*mark=*/false);
    BOOST_REQUIRE_EQUAL(records.size(), 100u);
    // Process 0..39 and 41..59 out of order; 40 fails and stays unprocessed.
    for (int i = 59; i >= 0; --i) {
      if (i != 40) a.mark_processed(records[i]);
    }
    BOOST_CHECK_EQUAL(committed_offset(a, "orders", 0), -1);  // nothing committed before commit()
    BOOST_REQUIRE(a.commit().ok());
    BOOST_CHECK_EQUAL(committed_offset(a, "orders", 0), 40);
    BOOST_REQUIRE(a.close().ok());  // close commits the watermark again: still 40
  }
  auto b = kafka::Consumer::create(
               {.bootstrap_servers = cluster.bootstrap_servers(), .group_id = "billing", .topics = {"orders"}})
               .value();
  BOOST_CHECK_EQUAL(committed_offset(b, "orders", 0), 40);
  auto again = consume(b, 60);
  BOOST_REQUIRE_EQUAL(again.size(), 60u);
  BOOST_CHECK_EQUAL(again.front().offset, 40);
  BOOST_CHECK_EQUAL(again.front().message.payload, "40");
  BOOST_CHECK_EQUAL(again.back().offset, 99);
  BOOST_REQUIRE(b.close().ok());
}

BOOST_AUTO_TEST_CASE(a_member_leaves_and_the_other_resumes_at_its_processed_watermark) {
  auto cluster = start_cluster({.brokers = 3, .topics = {{"jobs", 4, 2, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  fill(producer, "jobs", 4, 50);

  std::vector<kafka::Rebalance> a_events;
  std::vector<kafka::Rebalance> b_events;
  const std::map<std::string, std::string> fast{};
  auto a = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                    .group_id = "workers",
                                    .topics = {"jobs"},
                                    .commit_mode = kafka::CommitMode::kManual,
                                    .on_rebalance = [&](const kafka::Rebalance& r) { a_events.push_back(r); },
                                    .extra = fast})
               .value();
  auto b = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                    .group_id = "workers",
                                    .topics = {"jobs"},
                                    .commit_mode = kafka::CommitMode::kManual,
                                    .on_rebalance = [&](const kafka::Rebalance& r) { b_events.push_back(r); },
                                    .extra = fast})
               .value();

  // Poll both until the group is stable with two partitions each and each
  // member has read its partitions to the end.
  std::map<kafka::TopicPartition, std::vector<kafka::Record>> of_a, of_b;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  auto settled = [&] {
    auto aa = a.assignment().value();
    auto ba = b.assignment().value();
    if (aa.size() != 2 || ba.size() != 2) return false;
    for (const auto& tp : aa) if (of_a[tp].empty() || of_a[tp].back().offset != 49) return false;
    for (const auto& tp : ba) if (of_b[tp].empty() || of_b[tp].back().offset != 49) return false;
    return true;
  };
  while (!settled() && std::chrono::steady_clock::now() < deadline) {
    for (auto& r : must_poll(a, 50ms)) of_a[{r.topic, r.partition}].push_back(r);
    for (auto& r : must_poll(b, 50ms)) of_b[{r.topic, r.partition}].push_back(r);
  }
  BOOST_REQUIRE_MESSAGE(settled(), "the group did not settle with 2+2 partitions");
  const auto a_parts = a.assignment().value();
  const auto b_parts = b.assignment().value();

  // A processes offsets 0..19 and 30 of its partitions (not 20..29); B all of its own.
  for (const auto& tp : a_parts) {
    for (const auto& r : of_a[tp]) {
      if (r.offset < 20 || r.offset == 30) a.mark_processed(r);
    }
  }
  for (const auto& tp : b_parts) {
    for (const auto& r : of_b[tp]) b.mark_processed(r);
  }
  BOOST_REQUIRE(b.commit().ok());
  // A leaves without calling commit(): close (the revoke path) commits its watermark.
  BOOST_REQUIRE(a.close().ok());
  BOOST_REQUIRE(!a_events.empty());
  BOOST_CHECK(!a_events.back().assigned);  // the last thing A saw was its revoke

  for (const auto& tp : a_parts) {
    BOOST_CHECK_EQUAL(committed_offset(b, tp.topic, tp.partition), 20);  // not 31, not 50
  }
  for (const auto& tp : b_parts) BOOST_CHECK_EQUAL(committed_offset(b, tp.topic, tp.partition), 50);

  // B takes A's partitions over and resumes at 20: nothing processed is lost,
  // nothing unprocessed was skipped.
  std::map<kafka::TopicPartition, std::vector<std::int64_t>> taken;
  const auto deadline2 = std::chrono::steady_clock::now() + 40s;
  auto done = [&] {
    for (const auto& tp : a_parts) if (taken[tp].size() < 30) return false;
    return true;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline2) {
    for (auto& r : must_poll(b, 100ms)) {
      kafka::TopicPartition tp{r.topic, r.partition};
      if (std::find(a_parts.begin(), a_parts.end(), tp) != a_parts.end()) taken[tp].push_back(r.offset);
      b.mark_processed(r);
    }
  }
  BOOST_REQUIRE(done());
  for (const auto& tp : a_parts) {
    BOOST_CHECK_EQUAL(taken[tp].front(), 20);
    BOOST_CHECK_EQUAL(taken[tp].size(), 30u);
    BOOST_CHECK_EQUAL(taken[tp].back(), 49);
  }
  BOOST_REQUIRE(b.commit().ok());
  for (int p = 0; p < 4; ++p) BOOST_CHECK_EQUAL(committed_offset(b, "jobs", p), 50);
  BOOST_REQUIRE(b.close().ok());
}

BOOST_AUTO_TEST_CASE(pause_stops_a_partition_and_resume_continues_without_gap_or_duplicate) {
  auto cluster = start_cluster({.brokers = 1, .topics = {{"feed", 2, 1, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  fill(producer, "feed", 2, 100);
  auto c = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                    .group_id = "slow",
                                    .topics = {"feed"},
                                    .extra = {{"fetch.wait.max.ms", "50"}}})
               .value();

  std::map<int, std::vector<std::int64_t>> got;
  auto take = [&](std::chrono::milliseconds t) {
    for (auto& r : must_poll(c, t, 10)) {
      got[r.partition].push_back(r.offset);
      c.mark_processed(r);
    }
  };
  // Read a little of each partition, then pause partition 0.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while ((got[0].empty() || got[1].empty()) && std::chrono::steady_clock::now() < deadline) take(100ms);
  BOOST_REQUIRE(!got[0].empty() && !got[1].empty());
  BOOST_REQUIRE(c.pause({{"feed", 0}}).ok());
  const std::size_t p0_at_pause = got[0].size();

  fill(producer, "feed", 2, 50, 100);
  const auto deadline2 = std::chrono::steady_clock::now() + 30s;
  while (got[1].size() < 150 && std::chrono::steady_clock::now() < deadline2) take(100ms);
  BOOST_REQUIRE_EQUAL(got[1].size(), 150u);
  BOOST_CHECK_EQUAL(got[0].size(), p0_at_pause);  // nothing from the paused partition

  BOOST_REQUIRE(c.resume({{"feed", 0}}).ok());
  const auto deadline3 = std::chrono::steady_clock::now() + 30s;
  while (got[0].size() < 150 && std::chrono::steady_clock::now() < deadline3) take(100ms);
  BOOST_REQUIRE_EQUAL(got[0].size(), 150u);
  for (std::size_t i = 0; i < got[0].size(); ++i) BOOST_CHECK_EQUAL(got[0][i], static_cast<std::int64_t>(i));

  BOOST_CHECK_EQUAL(static_cast<int>(c.pause({{"feed", 9}}).code()),
                    static_cast<int>(platform::StatusCode::kInvalidArgument));
  BOOST_REQUIRE(c.close().ok());
}

// librdkafka 2.0.2 stops fetching once the prefetch queue reaches its cap and
// looks again only up to a second later; poll() wakes it by seeking to where
// it stands. The 1 KiB records are written in batches of 50 (the embedded
// cluster answers a fetch with one batch per partition), so every round of
// fetches overshoots the 64 KiB cap. What it asserts: the wake-ups happened,
// and they neither skipped nor repeated a record.
BOOST_AUTO_TEST_CASE(a_small_prefetch_is_refilled_at_once_and_no_record_is_skipped_or_repeated) {
  auto cluster = start_cluster({.brokers = 3, .topics = {{"stream", 4, 1, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                           .linger_ms = 1,
                                           .extra = {{"batch.num.messages", "50"}}})
                      .value();
  const int per_partition = 5000;
  for (int p = 0; p < 4; ++p) {
    for (int i = 0; i < per_partition; ++i) {
      BOOST_REQUIRE(producer.send("stream", p, {.key = "p" + std::to_string(p), .payload = std::string(1024, 'x')}).ok());
    }
  }
  BOOST_REQUIRE(producer.flush(30s).ok());
  auto c = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                    .group_id = "small-prefetch",
                                    .topics = {"stream"},
                                    .queued_max_kbytes = 64})
               .value();
  std::map<int, std::int64_t> next;  // per partition: the offset expected next
  std::size_t total = 0;
  std::vector<kafka::Record> batch;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (total < 4u * per_partition && std::chrono::steady_clock::now() < deadline) {
    BOOST_REQUIRE(c.poll(batch, 100ms, 500).ok());
    for (const kafka::Record& r : batch) {
      // In order, no gap, no repeat: exactly the next offset of its partition.
      BOOST_REQUIRE_EQUAL(r.offset, next[r.partition]);
      ++next[r.partition];
      ++total;
      c.mark_processed(r);
    }
  }
  BOOST_REQUIRE_EQUAL(total, 4u * per_partition);
  BOOST_TEST_MESSAGE("fetch wake-ups: " << c.fetch_wakeups());
  BOOST_CHECK_GT(c.fetch_wakeups(), 0u);
  BOOST_REQUIRE(c.close().ok());
}

BOOST_AUTO_TEST_CASE(lag_counts_what_is_not_processed_yet_per_assigned_partition) {
  auto cluster = start_cluster({.brokers = 1, .topics = {{"audit", 2, 1, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  fill(producer, "audit", 2, 50);  // 100 records, 50 per partition
  auto c = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                    .group_id = "auditors",
                                    .topics = {"audit"},
                                    .commit_mode = kafka::CommitMode::kManual})
               .value();
  BOOST_CHECK_EQUAL(c.lag(), -1);  // no partition assigned and fetched yet
  auto records = consume(c, 100, 30s, /*mark=*/false);
  BOOST_REQUIRE_EQUAL(records.size(), 100u);
  // Fetched, nothing processed: the position is at the end, so the lag
  // counts from the fetch position only until something is processed.
  int marked = 0;
  for (const auto& r : records) {
    if (r.partition == 0 && r.offset < 30) {
      c.mark_processed(r);
      ++marked;
    }
  }
  BOOST_REQUIRE_EQUAL(marked, 30);
  // Partition 0: 50 - 30 = 20 left; partition 1: fetched, none processed (position 50): 0.
  BOOST_CHECK_EQUAL(c.lag(), 20);
  for (const auto& r : records) c.mark_processed(r);
  BOOST_CHECK_EQUAL(c.lag(), 0);
  fill(producer, "audit", 2, 5, 50);  // 10 more arrive
  auto more = consume(c, 10, 30s, /*mark=*/false);
  BOOST_REQUIRE_EQUAL(more.size(), 10u);
  BOOST_CHECK_EQUAL(c.lag(), 10);
  BOOST_REQUIRE(c.close().ok());
  BOOST_CHECK_EQUAL(c.lag(), -1);
}
