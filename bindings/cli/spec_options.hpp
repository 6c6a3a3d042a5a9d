// SPDX-License-Identifier: Apache-2.0
#pragma once

// The --spec FILE / --set path=value pair that every spec-driven command takes.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "platform/spec/load.hpp"

namespace platformctl {

struct SpecOptions {
  std::string spec_file;          ///< --spec; empty = the seed's platform
  std::vector<std::string> sets;  ///< --set path=value, repeatable

  void add_to(CLI::App* cmd) {
    cmd->add_option("--spec,-f", spec_file, "Platform spec (YAML); default: the seed's platform");
    cmd->add_option("--set", sets, "Override a spec field, Helm-style: --set kafka.brokers=5 (repeatable)");
  }

  [[nodiscard]] platform::Result<platform::spec::PlatformSpec> load() const {
    platform::spec::LoadOptions options{sets};
    if (spec_file.empty()) return platform::spec::default_spec(options);
    return platform::spec::load_spec_file(spec_file, options);
  }
};

}  // namespace platformctl
