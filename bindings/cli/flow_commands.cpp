// SPDX-License-Identifier: Apache-2.0
// platformctl flow run | render | check.

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "command.hpp"
#include "platform/flow/flow_file.hpp"
#include "platform/flow/webhook.hpp"
#include "platform/validate/validate.hpp"

namespace platformctl {
namespace {

namespace flow = platform::flow;

struct RunOptions {
  std::string file;
  double duration = 0;
  std::uint64_t max = 0;
  bool quiet = false;
};

struct RenderOptions {
  std::string file;
  std::string ns;
};

int run_flow(const RunOptions& o) {
  auto file = flow::load_flow_file(o.file);
  if (!file.ok()) return report(file.status());
  if (file->pattern == flow::Pattern::kWebhook) {
    // The webhook serves until SIGTERM/SIGINT itself (graceful stop).
    auto options = flow::load_webhook_flow(o.file);
    if (!options.ok()) return report(options.status());
    return report(flow::run_webhook(*options, {}, [](const flow::Webhook& hook) {
      std::cout << hook.port() << std::endl;  // first line: the port, for scripts
    }));
  }
  // Block the stop signals before any client starts a thread, so that only
  // the signal thread below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  auto created = flow::Flow::create(*file);
  if (!created.ok()) return report(created.status());
  flow::Flow& f = *created;

  std::thread signals([&f, stop] {
    int sig = 0;
    sigwait(&stop, &sig);
    f.stop();
  });
  const bool tty = isatty(STDOUT_FILENO) == 1 && !o.quiet;
  flow::RunOptions run;
  run.duration = std::chrono::milliseconds(static_cast<std::int64_t>(o.duration * 1000));
  run.max_messages = o.max;
  if (tty) {
    run.on_progress = [](const flow::MetricsSnapshot& m) {
      std::cout << "\r\033[K" << flow::progress_line(m) << std::flush;
    };
  }
  std::cerr << "flow " << file->name << " (" << flow::to_string(file->pattern) << ", "
            << flow::to_string(file->guarantee) << "): " << file->from.to_string() << " -> " << file->to.to_string()
            << "; Ctrl-C stops it\n";
  platform::Status s = f.run(run);
  if (tty) std::cout << "\r\033[K";
  std::cout << flow::progress_line(f.metrics()) << std::endl;
  // Wake the signal thread if it is still waiting.
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  return report(s);
}

int render_flow(const RenderOptions& o) {
  auto file = flow::load_flow_file(o.file);
  if (!file.ok()) return report(file.status());
  auto yaml = flow::render_integration(*file, o.ns);
  if (!yaml.ok()) return report(yaml.status());
  std::cout << *yaml;
  return kExitOk;
}

int check_flow(const std::string& path) {
  auto file = flow::load_flow_file(path);
  if (!file.ok()) return report(file.status());
  if (file->pattern != flow::Pattern::kWebhook) {
    auto yaml = flow::render_integration(*file, file->namespace_.empty() ? "default" : file->namespace_);
    if (!yaml.ok()) return report(yaml.status());
    auto checked = platform::validate::validate_sources({{file->name + ".integration.yaml", *yaml}});
    if (!checked.ok()) return report(checked.status());
    if (!checked->valid()) {
      std::cerr << platform::validate::to_text(*checked);
      return kExitFailure;
    }
  }
  std::cout << path << ": ok (" << flow::to_string(file->pattern) << ", " << flow::to_string(file->guarantee)
            << ")\n";
  return kExitOk;
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("flow", [](CLI::App& app, platformctl::GlobalOptions&) {
  using namespace platformctl;
  auto* cmd = app.add_subcommand("flow", "Data flows from flow files (process, transform, bridge)");
  cmd->require_subcommand(1);

  auto run = std::make_shared<RunOptions>();
  auto* run_cmd = cmd->add_subcommand("run", "Run a flow until SIGINT/SIGTERM (or --duration / --max)");
  run_cmd->add_option("file", run->file, "Flow file (YAML)")->required();
  run_cmd->add_option("--duration", run->duration, "Stop after this many seconds")->check(CLI::NonNegativeNumber);
  run_cmd->add_option("--max", run->max, "Stop after this many input messages are done");
  run_cmd->add_flag("-q,--quiet", run->quiet, "No live progress line");
  run_cmd->callback([run] { set_exit_code(run_flow(*run)); });

  auto render = std::make_shared<RenderOptions>();
  auto* render_cmd = cmd->add_subcommand("render", "Print the equivalent Camel K Integration");
  render_cmd->add_option("file", render->file, "Flow file (YAML)")->required();
  render_cmd->add_option("-n,--namespace", render->ns, "Target namespace (a tenant's, e.g. user-alice)")->required();
  render_cmd->callback([render] { set_exit_code(render_flow(*render)); });

  auto check = std::make_shared<std::string>();
  auto* check_cmd = cmd->add_subcommand("check", "Check a flow file (and its Camel K rendering against the CRD)");
  check_cmd->add_option("file", *check, "Flow file (YAML)")->required();
  check_cmd->callback([check] { set_exit_code(check_flow(*check)); });
});
