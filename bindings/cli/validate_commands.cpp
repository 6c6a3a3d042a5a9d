// SPDX-License-Identifier: Apache-2.0
// platformctl validate [DIR|FILE|-]: offline schema and platform-rule checks.

#include <iostream>
#include <iterator>
#include <memory>

#include "command.hpp"
#include "platform/validate/validate.hpp"

namespace {

struct ValidateArgs {
  std::string input = ".";
  std::vector<std::string> skip_rules;
  bool allow_unknown_kinds = false;
  bool list_rules = false;
  bool list_schemas = false;
};

int run_validate(const ValidateArgs& args, const platformctl::GlobalOptions& global) {
  namespace v = platform::validate;
  if (args.list_rules) {
    for (const v::RuleInfo& r : v::rules()) std::cout << r.name << "\t" << r.description << "\n";
    return platformctl::kExitOk;
  }
  if (args.list_schemas) {
    for (const v::SchemaInfo& s : v::schemas()) std::cout << s.api_version << "\t" << s.kind << "\t" << s.source << "\n";
    return platformctl::kExitOk;
  }
  v::Options options;
  options.skip_rules = args.skip_rules;
  options.unknown_kinds_are_errors = !args.allow_unknown_kinds;
  platform::Result<v::Report> report = [&]() -> platform::Result<v::Report> {
    if (args.input == "-") {
      std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      return v::validate_sources({{"<stdin>", std::move(text)}}, options);
    }
    return v::validate_path(args.input, options);
  }();
  if (!report.ok()) {
    return platformctl::report(report.status());
  }
  if (global.output == "json") {
    std::cout << v::to_json(*report);
  } else {
    // Findings go to stderr like kubectl's errors; the summary to stdout.
    std::string text = v::to_text(*report);
    std::size_t last = text.rfind('\n', text.size() - 2);
    std::string findings = last == std::string::npos ? "" : text.substr(0, last + 1);
    std::cerr << findings;
    std::cout << text.substr(findings.size());
  }
  return report->valid() ? platformctl::kExitOk : platformctl::kExitFailure;
}

}  // namespace

PLATFORMCTL_COMMANDS("validate", [](CLI::App& app, platformctl::GlobalOptions& global) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check manifests offline: each document against its schema (upstream CRDs, core kinds), then the platform "
      "rules. Exit 0 valid, 1 invalid, 2 unreadable input");
  cmd->add_option("input", args->input, "A manifest file, a directory (walked for *.yaml, *.yml) or - for stdin")
      ->capture_default_str();
  cmd->add_option("--skip-rule", args->skip_rules, "Do not run this platform rule (repeatable; see --list-rules)");
  cmd->add_flag("--allow-unknown-kinds", args->allow_unknown_kinds,
                "Report kinds without a schema as warnings instead of errors");
  cmd->add_flag("--list-rules", args->list_rules, "Print the platform rules and exit");
  cmd->add_flag("--list-schemas", args->list_schemas, "Print the apiVersions/kinds with a bundled schema and exit");
  cmd->callback([args, &global] { platformctl::set_exit_code(run_validate(*args, global)); });
});
