// SPDX-License-Identifier: Apache-2.0
// platformctl demo: the main job on the embedded default (see
// platform/flow/demo.hpp): live dashboard, summary table, optional HTML report.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/flow/demo.hpp"
#include "spec_options.hpp"

namespace platformctl {
namespace {

struct DemoCommand {
  double duration_seconds = 10;
  double rate = 500;
  int connections = 0;
  std::string html;
  bool plain = false;
  std::string rabbitmq_host = "127.0.0.1";
  int rabbitmq_port = 5672;
  SpecOptions spec;
};

// Writes `text` to `path` via a temporary file in the same directory.
platform::Status write_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush())
      return platform::Status(platform::StatusCode::kUnavailable, "cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return platform::Status(platform::StatusCode::kUnavailable, "cannot write " + path.string() + ": " + ec.message());
  return platform::Status();
}

int run_demo_command(const DemoCommand& c) {
  if (!c.html.empty()) {
    const auto parent = std::filesystem::absolute(c.html).parent_path();
    if (!std::filesystem::is_directory(parent)) {
      std::cerr << "error: --html " << c.html << ": directory " << parent.string()
                << " does not exist; create it or choose another path\n";
      return kExitBadInput;
    }
  }
  auto spec = c.spec.load();
  if (!spec.ok()) return report(spec.status());

  platform::flow::DemoOptions options;
  options.duration = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(c.duration_seconds * 1000)));
  options.rate = c.rate;
  options.connections = c.connections;
  options.spec = std::move(*spec);
  options.rabbitmq.host = c.rabbitmq_host;
  options.rabbitmq.port = static_cast<std::uint16_t>(c.rabbitmq_port);
  if (const char* pw = std::getenv("RABBITMQ_PASSWORD")) options.rabbitmq.password = pw;
  if (const char* user = std::getenv("RABBITMQ_USERNAME")) options.rabbitmq.username = user;
  options.log = [](const std::string& line) { std::cout << line << std::endl; };

  const bool tty = !c.plain && ::isatty(STDOUT_FILENO) == 1;
  int drawn_lines = 0;
  options.on_progress = [&](const platform::flow::DemoSample& s) {
    if (!tty) {
      std::cout << platform::flow::progress_line(s) << std::endl;
      return;
    }
    const std::string board = platform::flow::dashboard(s, c.rate);
    if (drawn_lines > 0) std::cout << "\x1b[" << drawn_lines << "A\x1b[J";
    std::cout << board << std::flush;
    drawn_lines = static_cast<int>(std::count(board.begin(), board.end(), '\n'));
  };

  auto result = platform::flow::run_demo(options);
  if (!result.ok()) return report(result.status());
  std::cout << "\n" << platform::flow::summary_table(*result);
  if (!c.html.empty()) {
    if (platform::Status s = write_file(c.html, platform::flow::to_html(*result)); !s.ok()) return report(s);
    std::cout << "report written to " << c.html << "\n";
  }
  return result->ok() ? kExitOk : kExitFailure;
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("demo", [](CLI::App& app, platformctl::GlobalOptions&) {
  using namespace platformctl;
  auto c = std::make_shared<DemoCommand>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Run the main job on the embedded default: render + validate the platform, start the embedded Kafka, connect to "
      "the local RabbitMQ and push orders through webhook -> events -> transformer -> commands -> bridge -> RabbitMQ "
      "-> bridge -> notifications; exits 0 only when nothing was lost");
  cmd->add_option("--duration", c->duration_seconds, "Seconds to post orders (default 10)")
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--rate", c->rate, "Orders per second (default 500)")->check(CLI::Range(0.1, 100000.0));
  cmd->add_option("--connections", c->connections, "HTTP connections of the client (default: rate / 25, 4 to 128)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--html", c->html, "Also write a self-contained HTML report (charts of throughput and latency)");
  cmd->add_flag("--plain", c->plain, "Plain progress lines instead of the live dashboard (the default when not a terminal)");
  cmd->add_option("--rabbitmq-host", c->rabbitmq_host, "RabbitMQ host (default 127.0.0.1; user/password from "
                                                       "RABBITMQ_USERNAME/RABBITMQ_PASSWORD, default guest/guest)");
  cmd->add_option("--rabbitmq-port", c->rabbitmq_port, "RabbitMQ AMQP port (default 5672)")->check(CLI::Range(1, 65535));
  c->spec.add_to(cmd);
  cmd->callback([c] { set_exit_code(run_demo_command(*c)); });
});
