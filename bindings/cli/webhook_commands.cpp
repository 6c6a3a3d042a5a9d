// SPDX-License-Identifier: Apache-2.0
// platformctl webhook serve FILE: the HTTP ingress of a webhook flow.

#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/flow/webhook.hpp"

namespace platformctl {
namespace {

struct ServeOptions {
  std::string file;
  int port = -1;  // -1 = the file's
  std::string address;
  std::string bootstrap;
};

int run_serve(const ServeOptions& o) {
  auto options = platform::flow::load_webhook_flow(o.file);
  if (!options.ok()) return report(options.status());
  if (o.port >= 0) options->port = static_cast<std::uint16_t>(o.port);
  if (!o.address.empty()) options->address = o.address;
  if (!o.bootstrap.empty()) options->kafka_bootstrap_servers = o.bootstrap;
  platform::Status s = platform::flow::run_webhook(*options, {}, [](const platform::flow::Webhook& hook) {
    // First stdout line: the port, for scripts (the log line goes to stderr).
    std::cout << hook.port() << std::endl;
  });
  return report(s);
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("webhook", [](CLI::App& app, platformctl::GlobalOptions&) {
  using namespace platformctl;
  auto* webhook = app.add_subcommand("webhook", "HTTP webhook ingress: POSTs to Kafka or RabbitMQ, 202 once acknowledged");
  webhook->require_subcommand(1);
  auto serve = std::make_shared<ServeOptions>();
  auto* cmd = webhook->add_subcommand(
      "serve", "Serve a webhook flow file until SIGTERM/SIGINT (then finish in-flight requests and exit); the first "
               "line printed is the port");
  cmd->add_option("file", serve->file, "Flow file (kind: Flow, spec.pattern: webhook)")->required();
  cmd->add_option("--port", serve->port, "Listen on this port instead of the file's http.port (0 = any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--address", serve->address, "Listen on this address instead of the file's http.address");
  cmd->add_option("-b,--bootstrap-servers", serve->bootstrap,
                  "Kafka bootstrap servers (default: the file's spec.kafka.bootstrapServers, else the embedded cluster)")
      ->envname("KAFKA_BOOTSTRAP_SERVERS");
  cmd->callback([serve] { set_exit_code(run_serve(*serve)); });
});
