// SPDX-License-Identifier: Apache-2.0
// ProducerOptions::delivery_executor: reports run on the caller's event loop
// instead of the producer's delivery thread, and flush() / the destructor
// still deliver every report when that loop is not running.
#define BOOST_TEST_MODULE kafka_delivery_executor
#include "kafka_test_util.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>

using namespace kafka_test;

namespace {

/// A minimal event loop: one thread running posted tasks in order.
class Loop {
 public:
  Loop() : thread_([this] { run(); }) {}
  ~Loop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
      ++posted_;
    }
    cv_.notify_one();
  }
  [[nodiscard]] std::thread::id id() const { return thread_.get_id(); }
  std::size_t posted() {
    std::lock_guard lock(mu_);
    return posted_;
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::size_t posted_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the rest is built
};

/// Counts reports and remembers the threads they ran on.
struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::size_t count = 0;
  std::size_t failed = 0;
  std::set<std::thread::id> threads;
  std::map<std::int32_t, std::int64_t> last_offset;  // per partition
  bool in_order = true;
  kafka::DeliveryCallback callback() {
    return [this](const kafka::DeliveryReport& r) {
      std::lock_guard lock(mu);
      ++count;
      failed += r.status.ok() ? 0 : 1;
      threads.insert(std::this_thread::get_id());
      auto [it, fresh] = last_offset.emplace(r.partition, r.offset);
      if (!fresh) {
        in_order = in_order && r.offset > it->second;
        it->second = r.offset;
      }
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::seconds limit) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, limit, [&] { return count >= n; });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(reports_run_on_the_loop_thread_without_a_flush) {
  auto cluster = start_cluster();
  Loop loop;
  Seen seen;
  auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                           .linger_ms = 1,
                                           .block_when_full = false,
                                           .on_delivery = seen.callback(),
                                           .delivery_executor = [&loop](std::function<void()> task) {
                                             loop.post(std::move(task));
                                           }});
  BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
  constexpr std::size_t kCount = 5000;
  for (std::size_t i = 0; i < kCount; ++i) {
    BOOST_REQUIRE(producer->send("events", {.key = "k" + std::to_string(i % 13), .payload = std::to_string(i)}).ok());
  }
  // No flush(): the loop alone must deliver every report.
  BOOST_REQUIRE_MESSAGE(seen.wait_for(kCount, 30s), "reports delivered: " << seen.count << " of " << kCount);
  std::lock_guard lock(seen.mu);
  BOOST_CHECK_EQUAL(seen.count, kCount);
  BOOST_CHECK_EQUAL(seen.failed, 0u);
  BOOST_CHECK(seen.in_order);
  BOOST_REQUIRE_EQUAL(seen.threads.size(), 1u);
  BOOST_CHECK(*seen.threads.begin() == loop.id());
  // Reports come in batches: far fewer tasks than reports.
  BOOST_TEST_MESSAGE("tasks posted for " << kCount << " reports: " << loop.posted());
  BOOST_CHECK_LT(loop.posted(), kCount / 2);
  BOOST_CHECK_EQUAL(producer->outstanding(), 0);
}

BOOST_AUTO_TEST_CASE(flush_and_the_destructor_deliver_while_the_loop_is_stopped) {
  auto cluster = start_cluster();
  // An executor whose loop never runs: the tasks pile up here.
  std::mutex parked_mu;
  std::vector<std::function<void()>> parked;
  Seen seen;
  {
    auto producer = kafka::Producer::create({.bootstrap_servers = cluster.bootstrap_servers(),
                                             .block_when_full = false,
                                             .on_delivery = seen.callback(),
                                             .delivery_executor = [&](std::function<void()> task) {
                                               std::lock_guard lock(parked_mu);
                                               parked.push_back(std::move(task));
                                             }});
    BOOST_REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
    for (int i = 0; i < 100; ++i) BOOST_REQUIRE(producer->send("events", {.payload = std::to_string(i)}).ok());
    const auto flushed = producer->flush(10s);
    BOOST_REQUIRE_MESSAGE(flushed.ok(), flushed.to_string());
    {
      std::lock_guard lock(seen.mu);
      BOOST_CHECK_EQUAL(seen.count, 100u);  // flush() ran them itself
      BOOST_CHECK(seen.threads == std::set<std::thread::id>{std::this_thread::get_id()});
    }
    {
      std::lock_guard lock(parked_mu);
      BOOST_CHECK(!parked.empty());  // the producer did ask the executor
    }
    for (int i = 0; i < 50; ++i) BOOST_REQUIRE(producer->send("events", {.payload = std::to_string(i)}).ok());
  }  // the destructor delivers the last 50
  {
    std::lock_guard lock(seen.mu);
    BOOST_CHECK_EQUAL(seen.count, 150u);
    BOOST_CHECK_EQUAL(seen.failed, 0u);
  }
  // Tasks that run after the producer is gone do nothing (and touch nothing
  // freed: the sanitizer build checks that).
  std::vector<std::function<void()>> late;
  {
    std::lock_guard lock(parked_mu);
    late.swap(parked);
  }
  for (auto& task : late) task();
  std::lock_guard lock(seen.mu);
  BOOST_CHECK_EQUAL(seen.count, 150u);
}

BOOST_AUTO_TEST_CASE(a_callback_on_the_loop_may_send_but_not_flush) {
  auto cluster = start_cluster();
  Loop loop;
  Seen seen;
  std::optional<kafka::Producer> producer;
  std::atomic<int> resent{0};
  platform::Status flush_from_callback;
  auto created = kafka::Producer::create(
      {.bootstrap_servers = cluster.bootstrap_servers(),
       .block_when_full = false,
       .delivery_executor = [&loop](std::function<void()> task) { loop.post(std::move(task)); }});
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  producer.emplace(std::move(*created));
  auto done = seen.callback();
  for (int i = 0; i < 20; ++i) {
    BOOST_REQUIRE(producer->send("events", {.payload = "first"}, [&, done](const kafka::DeliveryReport& r) {
      done(r);
      if (resent.fetch_add(1) == 0) flush_from_callback = producer->flush(1s);
      BOOST_CHECK(producer->send("events", {.payload = "second"}, done).ok());
    }).ok());
  }
  BOOST_REQUIRE_MESSAGE(seen.wait_for(40, 30s), "reports delivered: " << seen.count << " of 40");
  BOOST_CHECK_EQUAL(static_cast<int>(flush_from_callback.code()),
                    static_cast<int>(platform::StatusCode::kFailedPrecondition));
  std::lock_guard lock(seen.mu);
  BOOST_CHECK_EQUAL(seen.failed, 0u);
  BOOST_CHECK(seen.threads == std::set<std::thread::id>{loop.id()});
}
