// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>

#include "command.hpp"

namespace platformctl {
namespace {
std::map<std::string, Registrar>& registry() {
  static std::map<std::string, Registrar> r;  // ordered: help lists areas stably
  return r;
}
int g_exit_code = kExitOk;
}  // namespace

bool register_commands(const char* area, Registrar r) {
  registry().emplace(area, std::move(r));
  return true;
}

void set_exit_code(int code) { g_exit_code = code; }

}  // namespace platformctl

int main(int argc, char** argv) {
  using namespace platformctl;
  CLI::App app{"platformctl: describe, check, deploy and use the event-driven platform", "platformctl"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand, as in kubectl
  GlobalOptions global;
  app.add_option("-o,--output", global.output, "Output format: yaml, json or table")
      ->check(CLI::IsMember({"yaml", "json", "table", "wide", "name"}));
  app.add_option("--kubeconfig", global.kubeconfig, "Path to the kubeconfig file");
  app.add_option("--context", global.context, "The kubeconfig context to use");
  app.add_flag("-v,--verbose", global.verbosity, "More output (repeatable); secrets are never printed");
  for (auto& [area, add] : registry()) add(app, global);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  } catch (const platform::Error& e) {
    return report(e.status());
  }
  return g_exit_code;
}
