// SPDX-License-Identifier: Apache-2.0
// platformctl render: the GitOps tree (--out DIR) or one ordered stream.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/render/render.hpp"
#include "spec_options.hpp"

namespace platformctl {
namespace {

struct RenderFlags {
  SpecOptions spec;
  std::string out;
  bool summary = false;
  bool no_tenants = false;
};

void add_render_commands(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<RenderFlags>();
  CLI::App* render = app.add_subcommand(
      "render",
      "Render the platform: without --out, one YAML stream in apply order (kubectl apply --server-side -f -); "
      "-o json for a JSON List; --out DIR writes the GitOps tree");
  flags->spec.add_to(render);
  render->add_option("--out", flags->out, "Write the tree (Kustomize directories + Argo CD Applications) to DIR, "
                                          "replacing a previous render atomically");
  render->add_flag("--summary", flags->summary, "Print what was rendered per component and wave");
  render->add_flag("--no-tenants", flags->no_tenants, "Leave the spec's tenants out");
  render->callback([flags, &global] {
    if (global.output != "" && global.output != "yaml" && global.output != "json") {
      std::cerr << "error: render prints yaml or json, not " << global.output << "; use -o yaml or -o json\n";
      set_exit_code(kExitBadInput);
      return;
    }
    auto spec = flags->spec.load();
    if (!spec.ok()) {
      set_exit_code(report(spec.status()));
      return;
    }
    auto tree = platform::render::render(*spec, {.tenants = !flags->no_tenants});
    if (!tree.ok()) {
      set_exit_code(report(tree.status()));
      return;
    }
    if (!flags->out.empty()) {
      if (auto s = platform::render::write_tree(*tree, flags->out); !s.ok()) {
        set_exit_code(report(s));
        return;
      }
      if (!flags->summary) std::cerr << "rendered " << tree->manifests.size() << " files to " << flags->out << "\n";
    } else if (!flags->summary || global.output != "") {
      std::cout << (global.output == "json" ? platform::render::to_json_list(*tree)
                                            : platform::render::to_yaml_stream(*tree));
    }
    if (flags->summary) (flags->out.empty() && global.output != "" ? std::cerr : std::cout) << platform::render::summary(*tree);
  });
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("render", platformctl::add_render_commands);
