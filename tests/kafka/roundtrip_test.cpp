// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE kafka_roundtrip
#include "kafka_test_util.hpp"

#include <set>

using namespace kafka_test;
using platform::Header;
using platform::Message;

namespace {

Message make_message(int i) {
  Message m;
  m.key = "key-" + std::to_string(i % 17);
  m.payload = "{\"seq\":" + std::to_string(i) + "}";
  m.headers = {{"traceparent", "00-" + std::to_string(i) + "-01"},
               {"bin", std::string("\0\x01\xff", 3)},
               {"dup", "a"},
               {"dup", "b"}};
  m.timestamp_ms = 1700000000000 + i;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(keyed_messages_with_headers_come_back_exactly_in_partition_order) {
  auto cluster = start_cluster();
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()});
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());

  constexpr int kCount = 2000;
  Reports reports;
  std::vector<Message> sent;
  for (int i = 0; i < kCount; ++i) {
    sent.push_back(make_message(i));
    BOOST_REQUIRE(producer->send("events", sent.back(), reports.callback()).ok());
  }
  BOOST_REQUIRE(producer->flush(30s).ok());
  BOOST_CHECK_EQUAL(producer->outstanding(), 0);
  BOOST_REQUIRE_EQUAL(reports.all.size(), static_cast<std::size_t>(kCount));
  BOOST_CHECK_EQUAL(reports.failures(), 0u);

  // Every report names the topic, a partition of events (6) and a unique offset.
  std::set<std::pair<int, std::int64_t>> placed;
  for (const auto& r : reports.all) {
    BOOST_CHECK_EQUAL(r.topic, "events");
    BOOST_CHECK(r.partition >= 0 && r.partition < 6);
    BOOST_CHECK(r.offset >= 0);
    placed.insert({r.partition, r.offset});
  }
  BOOST_CHECK_EQUAL(placed.size(), static_cast<std::size_t>(kCount));

  auto consumer = kafka::Consumer::create(
      {.bootstrap_servers = cluster.bootstrap_servers(), .group_id = "roundtrip", .topics = {"events"}});
  BOOST_REQUIRE_MESSAGE(consumer.ok(), consumer.status().to_string());
  auto records = consume(*consumer, kCount);
  BOOST_REQUIRE_EQUAL(records.size(), static_cast<std::size_t>(kCount));

  // Each record is exactly one sent message (payload names it), at the
  // partition and offset its delivery report gave.
  std::map<std::pair<int, std::int64_t>, int> seq_at;
  std::set<int> seen;
  std::map<int, std::int64_t> last_offset;
  std::map<std::string, int> last_seq_of_key;
  std::map<std::string, int> partition_of_key;
  for (const auto& r : records) {
    const int seq = std::stoi(r.message.payload.substr(7));
    BOOST_REQUIRE(seq >= 0 && seq < kCount);
    BOOST_CHECK(seen.insert(seq).second);
    BOOST_CHECK(r.message == sent[seq]);
    BOOST_CHECK(placed.count({r.partition, r.offset}) == 1);
    // Per-partition order: offsets increase and so does the send order of each key.
    if (last_offset.count(r.partition)) BOOST_CHECK(r.offset > last_offset[r.partition]);
    last_offset[r.partition] = r.offset;
    if (last_seq_of_key.count(r.message.key)) BOOST_CHECK(seq > last_seq_of_key[r.message.key]);
    last_seq_of_key[r.message.key] = seq;
    // Same key, same partition.
    auto [it, fresh] = partition_of_key.emplace(r.message.key, r.partition);
    BOOST_CHECK_EQUAL(it->second, r.partition);
  }
  BOOST_CHECK_EQUAL(seen.size(), static_cast<std::size_t>(kCount));
  BOOST_CHECK(consumer->close().ok());
}

BOOST_AUTO_TEST_CASE(a_key_goes_to_the_partition_the_java_client_picks) {
  // Java's murmur2 of each key (Kafka's Utils.murmur2; the same vectors
  // librdkafka checks its murmur2 against). The Java client's default
  // partitioner puts a keyed record at toPositive(hash) % partitions; a Camel K
  // integration producing the same key must land in the same partition, or
  // per-key order breaks between the two.
  const std::vector<std::pair<std::string, std::uint32_t>> java_murmur2 = {
      {"kafka", 0xd067cf64}, {"giberish123456789", 0x8f552b0c}, {"1234", 0x9fc97b14}, {"234", 0xe7c009ca},
      {"34", 0x873930da},    {"4", 0x5a4b5ca1},                 {"PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1c}};
  auto cluster = start_cluster();
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()});
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
  std::mutex mu;
  std::map<std::string, int> partition_of;
  for (const auto& [key, hash] : java_murmur2) {
    Message m;
    m.key = key;
    m.payload = key;
    BOOST_REQUIRE(producer
                      ->send("events", m,
                             [&, key = key](const kafka::DeliveryReport& r) {
                               std::lock_guard lock(mu);
                               partition_of[key] = r.status.ok() ? r.partition : -2;
                             })
                      .ok());
  }
  BOOST_REQUIRE(producer->flush(30s).ok());
  std::lock_guard lock(mu);
  BOOST_REQUIRE_EQUAL(partition_of.size(), java_murmur2.size());
  for (const auto& [key, hash] : java_murmur2) {
    BOOST_TEST_CONTEXT("key " << key) {
      BOOST_CHECK_EQUAL(partition_of.at(key), static_cast<int>((hash & 0x7fffffffU) % 6));  // events: 6 partitions
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_bootstrap_uses_the_shared_embedded_cluster_and_says_so) {
  std::mutex mu;
  std::vector<std::string> lines;
  auto log = [&](kafka::LogLevel, std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  };
  auto producer = kafka::Producer::create({.log = log});
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
  auto shared = kafka::EmbeddedCluster::shared();
  BOOST_REQUIRE(shared.ok());
  BOOST_CHECK_EQUAL(producer->bootstrap_servers(), (*shared)->bootstrap_servers());
  bool announced = false;
  {
    std::lock_guard lock(mu);
    for (const auto& l : lines) announced |= l.find("embedded Kafka cluster") != std::string::npos;
  }
  BOOST_CHECK(announced);

  // The seed's topics exist there: a report for commands' partition 2 is ok.
  Reports reports;
  BOOST_REQUIRE(producer->send("commands", 2, {.key = "k", .payload = "v"}, reports.callback()).ok());
  BOOST_REQUIRE(producer->flush(10s).ok());
  BOOST_REQUIRE_EQUAL(reports.all.size(), 1u);
  BOOST_CHECK(reports.all[0].status.ok());
  BOOST_CHECK_EQUAL(reports.all[0].partition, 2);

  // A send to a partition that does not exist is refused at once, with no report.
  platform::Status refused = producer->send("commands", 7, {.payload = "v"}, reports.callback());
  BOOST_TEST_MESSAGE(refused.to_string());
  BOOST_CHECK_EQUAL(static_cast<int>(refused.code()), static_cast<int>(platform::StatusCode::kNotFound));
  BOOST_REQUIRE(producer->flush(10s).ok());
  BOOST_CHECK_EQUAL(reports.all.size(), 1u);
}

BOOST_AUTO_TEST_CASE(mark_processed_from_the_delivery_thread) {
  // Commit after delivery: a record is marked from the producer's callback.
  auto cluster = start_cluster({.brokers = 1, .topics = {{"in", 1, 1, {}}, {"out", 1, 1, {}}}});
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  for (int i = 0; i < 50; ++i) BOOST_REQUIRE(producer.send("in", {.payload = std::to_string(i)}).ok());
  BOOST_REQUIRE(producer.flush(10s).ok());

  auto consumer = kafka::Consumer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                           .group_id = "forwarder",
                                           .topics = {"in"},
                                           .commit_mode = kafka::CommitMode::kManual})
                      .value();
  auto records = consume(consumer, 50, 30s, /*mark=*/false);
  BOOST_REQUIRE_EQUAL(records.size(), 50u);
  for (const auto& r : records) {
    // Forward the first 30 only; mark each when its output is acknowledged.
    if (r.offset >= 30) break;
    BOOST_REQUIRE(producer.send("out", r.message, [&consumer, r](const kafka::DeliveryReport& d) {
      if (d.status.ok()) consumer.mark_processed(r);
    }).ok());
  }
  BOOST_REQUIRE(producer.flush(10s).ok());
  BOOST_REQUIRE(consumer.commit().ok());
  auto committed = consumer.committed({{"in", 0}}, 10s);
  BOOST_REQUIRE_MESSAGE(committed.ok(), committed.status().to_string());
  BOOST_CHECK_EQUAL(committed->at(0).offset, 30);
}

BOOST_AUTO_TEST_CASE(send_tagged_reports_carry_the_tag) {
  auto cluster = start_cluster({.brokers = 1, .topics = {{"t", 2, 1, {}}}});
  Reports reports;
  auto producer =
      kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers(), .on_delivery = reports.callback()})
          .value();
  for (std::uint64_t tag = 1; tag <= 100; ++tag) {
    BOOST_REQUIRE(producer.send_tagged("t", {.payload = std::to_string(tag)}, tag).ok());
  }
  BOOST_REQUIRE(producer.flush(10s).ok());
  std::set<std::uint64_t> tags;
  for (const auto& r : reports.all) {
    BOOST_CHECK(r.status.ok());
    tags.insert(r.tag);
  }
  BOOST_CHECK_EQUAL(tags.size(), 100u);
  BOOST_CHECK_EQUAL(*tags.begin(), 1u);
  BOOST_CHECK_EQUAL(*tags.rbegin(), 100u);
  auto plain = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers()}).value();
  BOOST_CHECK(!plain.send_tagged("t", {.payload = "x"}, 1).ok());  // needs on_delivery
}

BOOST_AUTO_TEST_CASE(polling_into_a_reused_batch_keeps_no_stale_field) {
  auto cluster = start_cluster();
  const std::string bootstrap = cluster.bootstrap_servers();
  auto producer = kafka::Producer::create({.bootstrap_servers = bootstrap}).value();
  // Alternate full messages (key, headers, a long payload) and bare ones
  // (no key, no headers, empty payload), all to one partition, so reused
  // records see both in turn.
  constexpr int kCount = 3000;
  for (int i = 0; i < kCount; ++i) {
    Message m;
    if (i % 2 == 0) {
      m = make_message(i);
      m.payload += std::string(200, 'p');
    }
    BOOST_REQUIRE(producer.send("events", 0, m).ok());
  }
  BOOST_REQUIRE(producer.flush(30s).ok());

  auto consumer =
      kafka::Consumer::create({.bootstrap_servers = bootstrap, .group_id = "reuse", .topics = {"events"}}).value();
  std::vector<kafka::Record> batch;
  std::int64_t next = 0;
  int polls = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (next < kCount && std::chrono::steady_clock::now() < deadline) {
    // Small batches: buffers of one parity are reused by the other.
    BOOST_REQUIRE(consumer.poll(batch, 100ms, 7).ok());
    ++polls;
    for (const kafka::Record& r : batch) {
      BOOST_REQUIRE_EQUAL(r.offset, next);
      const int i = static_cast<int>(r.offset);
      if (i % 2 == 0) {
        Message want = make_message(i);
        want.payload += std::string(200, 'p');
        BOOST_TEST(r.message.key == want.key);
        BOOST_TEST(r.message.payload == want.payload);
        BOOST_TEST(r.message.headers.size() == want.headers.size());
      } else {
        BOOST_TEST(r.message.key.empty(), "offset " << i << " kept key " << r.message.key);
        BOOST_TEST(r.message.payload.empty(), "offset " << i << " kept a payload");
        BOOST_TEST(r.message.headers.empty(), "offset " << i << " kept headers");
      }
      consumer.mark_processed(r);
      ++next;
    }
  }
  BOOST_TEST(next == kCount);
  BOOST_TEST(polls > 1);
  // A poll that gets nothing leaves the batch empty, not holding old records.
  BOOST_REQUIRE(consumer.poll(batch, 50ms).ok());
  BOOST_TEST(batch.empty());
  BOOST_TEST(consumer.close().ok());
}
