// SPDX-License-Identifier: Apache-2.0
// The demo's dashboard, summary table and self-contained HTML report.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "internal/text.hpp"
#include "platform/flow/demo.hpp"

namespace platform::flow {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pad(std::string s, std::size_t width, bool right = false) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

std::string lag_text(std::int64_t lag) { return lag < 0 ? "-" : std::to_string(lag); }

std::string ms(double v) { return v >= 100 ? fmt("%.0f", v) : fmt("%.1f", v); }

struct SummaryRow {
  std::string what, where, value;
};

// The summary's rows, shared by the text table and the HTML report.
std::vector<SummaryRow> summary_rows(const DemoReport& r) {
  std::vector<SummaryRow> rows{{"sent", "HTTP POST /webhooks/orders", std::to_string(r.sent)}};
  for (const auto& st : r.stages) rows.push_back({"delivered by " + st.name, st.route, std::to_string(st.delivered)});
  rows.push_back({"read from notifications", "records, duplicates included", std::to_string(r.received)});
  rows.push_back({"rejected", "never accepted by the webhook", std::to_string(r.rejected)});
  rows.push_back({"duplicates", "read more than once from notifications", std::to_string(r.duplicates)});
  rows.push_back({"lost", "sent, never reached notifications", std::to_string(r.lost)});
  rows.push_back({"end-to-end latency p50", "POST sent -> read from notifications", ms(r.e2e_p50_ms) + " ms"});
  rows.push_back({"end-to-end latency p99", "", ms(r.e2e_p99_ms) + " ms"});
  rows.push_back({"end-to-end latency max", "", ms(r.e2e_max_ms) + " ms"});
  return rows;
}

std::string html_escape(std::string_view s) { return internal::markup_escape(s); }

// A round upper bound for an axis: 1, 2 or 5 times a power of ten.
double nice_max(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (seconds, value)
};

// One line chart as inline SVG, with axes, ticks, grid and a legend.
std::string svg_chart(const std::string& id, const std::string& title, const std::string& unit,
                      const std::vector<Series>& series) {
  constexpr double kW = 1000, kH = 300, kLeft = 70, kRight = 20, kTop = 30, kBottom = 45;
  double tmax = 1, vmax = 0;
  for (const auto& s : series) {
    for (auto [t, v] : s.points) {
      tmax = std::max(tmax, t);
      vmax = std::max(vmax, v);
    }
  }
  vmax = nice_max(vmax * 1.05);
  tmax = std::ceil(tmax);
  auto x = [&](double t) { return kLeft + (kW - kLeft - kRight) * t / tmax; };
  auto y = [&](double v) { return kTop + (kH - kTop - kBottom) * (1 - v / vmax); };
  std::ostringstream o;
  o << "<figure class=\"chart\" id=\"" << id << "\"><figcaption>" << html_escape(title) << "</figcaption>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << kW << " " << kH << "\" width=\"" << kW
    << "\" height=\"" << kH << "\" role=\"img\" aria-label=\"" << html_escape(title) << "\">\n";
  for (int i = 0; i <= 5; ++i) {
    const double v = vmax * i / 5;
    o << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kW - kRight << "\" y1=\"" << y(v) << "\" y2=\""
      << y(v) << "\"/><text class=\"tick\" x=\"" << kLeft - 8 << "\" y=\"" << y(v) + 4
      << "\" text-anchor=\"end\">" << (vmax >= 10 ? fmt("%.0f", v) : fmt("%.1f", v)) << "</text>\n";
  }
  const int tstep = std::max(1, static_cast<int>(std::ceil(tmax / 10)));
  for (int t = 0; t <= static_cast<int>(tmax); t += tstep) {
    o << "<text class=\"tick\" x=\"" << x(t) << "\" y=\"" << kH - kBottom + 18 << "\" text-anchor=\"middle\">" << t
      << "</text>\n";
  }
  o << "<text class=\"axis\" x=\"" << (kLeft + kW - kRight) / 2 << "\" y=\"" << kH - 6
    << "\" text-anchor=\"middle\">seconds</text>\n"
    << "<text class=\"axis\" x=\"14\" y=\"" << (kTop + kH - kBottom) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 14 "
    << (kTop + kH - kBottom) / 2 << ")\">" << html_escape(unit) << "</text>\n"
    << "<line class=\"frame\" x1=\"" << kLeft << "\" x2=\"" << kLeft << "\" y1=\"" << kTop << "\" y2=\"" << kH - kBottom
    << "\"/><line class=\"frame\" x1=\"" << kLeft << "\" x2=\"" << kW - kRight << "\" y1=\"" << kH - kBottom
    << "\" y2=\"" << kH - kBottom << "\"/>\n";
  double lx = kLeft + 10;
  for (const auto& s : series) {
    o << "<polyline class=\"series\" data-series=\"" << html_escape(s.name) << "\" fill=\"none\" stroke=\"" << s.color
      << "\" stroke-width=\"2\" points=\"";
    for (auto [t, v] : s.points) o << fmt("%.1f", x(t)) << "," << fmt("%.1f", y(v)) << " ";
    o << "\"/>\n<rect x=\"" << lx << "\" y=\"8\" width=\"14\" height=\"4\" fill=\"" << s.color
      << "\"/><text class=\"legend\" x=\"" << lx + 18 << "\" y=\"14\">" << html_escape(s.name) << "</text>\n";
    lx += 18 + 8.0 * static_cast<double>(s.name.size()) + 20;
  }
  o << "</svg></figure>\n";
  return o.str();
}

constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

}  // namespace

std::string dashboard(const DemoSample& s, double rate) {
  std::ostringstream o;
  o << "platformctl demo   t=" << fmt("%.1f", s.elapsed_seconds) << " s   sent " << s.sent << " (target "
    << fmt("%.0f", rate) << " msgs/s)\n";
  o << pad("stage", 17) << pad("route", 44) << pad("delivered", 10, true) << pad("msgs/s", 9, true)
    << pad("lag", 8, true) << pad("p50 ms", 9, true) << pad("p99 ms", 9, true) << "\n";
  for (const auto& st : s.stages) {
    std::string route = st.route.size() > 42 ? st.route.substr(0, 39) + "..." : st.route;
    o << pad(st.name, 17) << pad(route, 44) << pad(std::to_string(st.delivered), 10, true)
      << pad(fmt("%.0f", st.rate), 9, true) << pad(lag_text(st.lag), 8, true) << pad(ms(st.p50_ms), 9, true)
      << pad(ms(st.p99_ms), 9, true) << "\n";
  }
  o << pad("end to end", 17) << pad("HTTP POST -> read from notifications", 44) << pad("", 35)
    << pad(ms(s.e2e_p50_ms), 9, true) << pad(ms(s.e2e_p99_ms), 9, true) << "\n";
  return o.str();
}

std::string progress_line(const DemoSample& s) {
  std::ostringstream o;
  o << "t=" << fmt("%.0f", s.elapsed_seconds) << "s sent " << s.sent;
  for (const auto& st : s.stages) {
    o << " | " << st.name << " " << st.delivered << " (" << fmt("%.0f", st.rate) << "/s";
    if (st.lag >= 0) o << ", lag " << st.lag;
    o << ")";
  }
  o << " | e2e p50 " << ms(s.e2e_p50_ms) << "ms p99 " << ms(s.e2e_p99_ms) << "ms";
  return o.str();
}

std::string summary_table(const DemoReport& r) {
  std::ostringstream o;
  o << "summary of run " << r.run_id << ": " << fmt("%.1f", r.seconds) << " s at " << fmt("%.0f", r.rate)
    << " msgs/s\n";
  auto row = [&](const std::string& what, const std::string& where, const std::string& value) {
    o << "  " << pad(what, 31) << pad(where, 46) << pad(value, 10, true) << "\n";
  };
  for (const auto& row_ : summary_rows(r)) row(row_.what, row_.where, row_.value);
  for (const auto& e : r.errors) o << "  error: " << e << "\n";
  o << "result: lost " << r.lost << ", duplicates " << r.duplicates << ", rejected " << r.rejected << ": "
    << (r.ok() ? "ok" : "FAILED") << "\n";
  return o.str();
}

std::string to_html(const DemoReport& r) {
  std::vector<Series> throughput;
  std::size_t n_stages = r.timeline.empty() ? 0 : r.timeline.front().stages.size();
  for (std::size_t i = 0; i < n_stages; ++i) {
    Series s{r.timeline.front().stages[i].name, kColors[i % std::size(kColors)], {}};
    for (const auto& sample : r.timeline) {
      if (i < sample.stages.size()) s.points.emplace_back(sample.elapsed_seconds, sample.stages[i].rate);
    }
    throughput.push_back(std::move(s));
  }
  Series p50{"end-to-end p50", kColors[0], {}}, p99{"end-to-end p99", kColors[3], {}};
  for (const auto& sample : r.timeline) {
    p50.points.emplace_back(sample.elapsed_seconds, sample.e2e_p50_ms);
    p99.points.emplace_back(sample.elapsed_seconds, sample.e2e_p99_ms);
  }

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>libplatform demo "
    << html_escape(r.run_id) << "</title>\n<style>\n"
    << "body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}\n"
    << "h1{font-size:22px;margin:0 0 4px} p.sub{color:#555;margin:0 0 16px}\n"
    << ".verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:bold;color:#fff}\n"
    << ".ok{background:#0b6e2e}.failed{background:#8b0000}\n"
    << "table{border-collapse:collapse;margin:12px 0 20px;font-size:14px}\n"
    << "td,th{border:1px solid #ccc;padding:4px 10px;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    << "figure{margin:0 0 20px} figcaption{font-weight:bold;margin-bottom:4px}\n"
    << "svg .grid{stroke:#e5e5e5} svg .frame{stroke:#444} svg text{font-size:12px;fill:#333}\n"
    << "</style></head>\n<body>\n";
  o << "<h1>libplatform demo: the four patterns at once</h1>\n<p class=\"sub\">run " << html_escape(r.run_id) << ", "
    << fmt("%.1f", r.seconds) << " s at " << fmt("%.0f", r.rate) << " msgs/s; HTTP webhook &rarr; events &rarr; "
    << "transformer &rarr; commands &rarr; bridge &rarr; RabbitMQ " << html_escape(r.queue)
    << " &rarr; bridge &rarr; notifications. " << html_escape(r.validate_summary) << ".</p>\n";
  o << "<p><span class=\"verdict " << (r.ok() ? "ok\">lost 0: ok" : "failed\">FAILED: lost " + std::to_string(r.lost))
    << "</span></p>\n";
  o << "<table id=\"summary\"><tr><th>what</th><th>where</th><th>count</th></tr>\n";
  auto row = [&](const std::string& a, const std::string& b, const std::string& c) {
    o << "<tr><td>" << html_escape(a) << "</td><td>" << html_escape(b) << "</td><td class=\"n\">" << html_escape(c)
      << "</td></tr>\n";
  };
  for (const auto& row_ : summary_rows(r)) row(row_.what, row_.where, row_.value);
  o << "</table>\n";
  for (const auto& e : r.errors) o << "<p class=\"error\">error: " << html_escape(e) << "</p>\n";
  o << svg_chart("throughput", "Throughput per stage", "messages/s", throughput);
  o << svg_chart("latency", "End-to-end latency", "ms", {p50, p99});
  // Marks each chart whose lines the browser laid out with a non-zero size
  // (what a headless-browser test reads back with --dump-dom).
  o << "<script>\n(function(){var n=0;document.querySelectorAll('figure.chart').forEach(function(f){"
       "var ok=0;f.querySelectorAll('polyline.series').forEach(function(p){var b=p.getBBox();"
       "if(b.width>0&&p.points.length>1)ok++;});f.setAttribute('data-drawn-series',String(ok));if(ok>0)n++;});"
       "document.body.setAttribute('data-charts-rendered',String(n));})();\n</script>\n";
  o << "</body></html>\n";
  return o.str();
}

}  // namespace platform::flow
