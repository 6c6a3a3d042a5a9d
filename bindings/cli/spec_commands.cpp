// SPDX-License-Identifier: Apache-2.0
// platformctl init | spec reference | spec show: the platform spec.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/spec/load.hpp"
#include "spec_options.hpp"

namespace platformctl {
namespace {

void add_spec_commands(CLI::App& app, GlobalOptions& global) {
  CLI::App* init = app.add_subcommand(
      "init", "Print the seed's platform spec with every field commented: platformctl init > platform.yaml");
  init->callback([] { std::cout << platform::spec::init_yaml(); });

  CLI::App* spec = app.add_subcommand("spec", "Read, check and document platform specs");
  spec->require_subcommand(1);

  CLI::App* reference =
      spec->add_subcommand("reference", "Print every spec field with its type, default and meaning (Markdown)");
  reference->callback([] { std::cout << platform::spec::spec_reference_markdown(); });

  auto options = std::make_shared<SpecOptions>();
  CLI::App* show = spec->add_subcommand(
      "show", "Print the effective spec (the file or the seed, with --set applied) after checking it; -o yaml|json");
  options->add_to(show);
  show->callback([options, &global] {
    if (global.output != "" && global.output != "yaml" && global.output != "json") {
      std::cerr << "error: spec show prints yaml or json, not " << global.output << "; use -o yaml or -o json\n";
      set_exit_code(kExitBadInput);
      return;
    }
    auto spec = options->load();
    if (!spec.ok()) {
      set_exit_code(report(spec.status()));
      return;
    }
    std::cout << (global.output == "json" ? platform::spec::to_json(*spec) : platform::spec::to_yaml(*spec));
  });
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("spec", platformctl::add_spec_commands);
