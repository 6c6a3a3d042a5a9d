// SPDX-License-Identifier: Apache-2.0
// platform::flow::run_demo's option checks and its report formats (the run
// itself is the demo_run integration test).

#define BOOST_TEST_MODULE demo
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>

#include "platform/flow/demo.hpp"

namespace flow = platform::flow;

namespace {

flow::DemoReport sample_report(std::uint64_t lost) {
  flow::DemoReport r;
  r.run_id = "t<1>";
  r.rate = 100;
  r.seconds = 3;
  r.sent = 300;
  r.unique = 300 - lost;
  r.received = r.unique + 2;
  r.duplicates = 2;
  r.lost = lost;
  r.e2e_p50_ms = 4.2;
  r.e2e_p99_ms = 17;
  for (int t = 1; t <= 3; ++t) {
    flow::DemoSample s{.elapsed_seconds = static_cast<double>(t), .sent = 100u * t};
    for (const char* name : {"webhook", "transformer", "kafka->rabbitmq", "rabbitmq->kafka", "notifications"}) {
      s.stages.push_back({.name = name, .route = "a -> b", .delivered = 100u * t, .rate = 90.0 + t, .lag = 0,
                          .p50_ms = 1, .p99_ms = 2});
    }
    s.e2e_p50_ms = 3 + t;
    s.e2e_p99_ms = 10 + t;
    r.timeline.push_back(s);
  }
  r.stages = r.timeline.back().stages;
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_options_are_refused_before_anything_starts) {
  auto rate = flow::run_demo({.rate = 0});
  BOOST_TEST((rate.status().code() == platform::StatusCode::kInvalidArgument));
  BOOST_TEST(rate.status().message().find("rate") != std::string::npos);
  auto duration = flow::run_demo({.duration = std::chrono::milliseconds(0)});
  BOOST_TEST((duration.status().code() == platform::StatusCode::kInvalidArgument));
  flow::DemoOptions no_topic;
  std::erase_if(no_topic.spec.kafka.topics, [](const auto& t) { return t.name == "notifications"; });
  auto topic = flow::run_demo(no_topic);
  BOOST_TEST((topic.status().code() == platform::StatusCode::kInvalidArgument));
  BOOST_TEST(topic.status().message().find("notifications") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(summary_says_lost_and_the_verdict) {
  const std::string ok = flow::summary_table(sample_report(0));
  BOOST_TEST(ok.find("result: lost 0, duplicates 2, rejected 0: ok") != std::string::npos, ok);
  BOOST_TEST(count(ok, "delivered by ") == 5u);
  BOOST_TEST(std::regex_search(ok, std::regex("\\n  sent +HTTP POST /webhooks/orders +300\\n")), ok);
  auto bad = sample_report(7);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(flow::summary_table(bad).find("result: lost 7, duplicates 2, rejected 0: FAILED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dashboard_has_a_row_per_stage) {
  const auto r = sample_report(0);
  const std::string board = flow::dashboard(r.timeline.back(), r.rate);
  for (const char* name : {"webhook", "transformer", "kafka->rabbitmq", "rabbitmq->kafka", "notifications", "end to end"})
    BOOST_TEST(board.find(std::string("\n") + name) != std::string::npos, name);
  const std::string line = flow::progress_line(r.timeline.back());
  BOOST_TEST(line.find("t=3s sent 300 | webhook 300 (93/s, lag 0)") == 0u, line);
}

BOOST_AUTO_TEST_CASE(html_report_is_self_contained_with_two_charts) {
  const std::string html = flow::to_html(sample_report(0));
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(count(html, "<figure class=\"chart\"") == 2u);
  BOOST_TEST(count(html, "<polyline class=\"series\"") == 7u);  // 5 stages + p50 + p99
  // Every series has one point per sample.
  std::smatch m;
  const std::string text = html;
  BOOST_TEST(std::regex_search(text, m, std::regex("data-series=\"webhook\"[^>]*points=\"([^\"]*)\"")));
  BOOST_TEST(count(m[1].str(), ",") == 3u);
  BOOST_TEST(html.find("src=\"http") == std::string::npos);
  BOOST_TEST(html.find("href=\"http") == std::string::npos);
  BOOST_TEST(html.find("t&lt;1&gt;") != std::string::npos);  // escaped run id
  BOOST_TEST(html.find("t<1>") == std::string::npos);
  BOOST_TEST(html.find("lost 0: ok") != std::string::npos);
}
