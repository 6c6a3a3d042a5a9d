// SPDX-License-Identifier: Apache-2.0
#pragma once

// How platformctl's command areas plug in. Each <area>_commands.cpp defines a
// function that adds its subcommands to the app and registers it with
// PLATFORMCTL_COMMANDS. A command parses, builds options, makes one library
// call, prints, and returns an exit code: 0 ok, 1 a problem was found (e.g.
// invalid manifests, lost messages), 2 bad input (flags, spec, file).

#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "platform/status.hpp"

namespace platformctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

/// Options every command may read (set on the root app).
struct GlobalOptions {
  std::string output = "";       ///< -o yaml|json|table ("" = the command's default)
  std::string kubeconfig;        ///< --kubeconfig
  std::string context;           ///< --context
  int verbosity = 0;             ///< -v
};

/// The exit code a failed Status maps to: 2 for bad input, 1 otherwise.
inline int exit_code(const platform::Status& s) {
  if (s.ok()) return kExitOk;
  switch (s.code()) {
    case platform::StatusCode::kInvalidArgument:
    case platform::StatusCode::kNotFound:
    case platform::StatusCode::kAlreadyExists:
      return kExitBadInput;
    default:
      return kExitFailure;
  }
}

/// Prints "error: <status>" to stderr and returns its exit code.
inline int report(const platform::Status& s) {
  if (!s.ok()) std::cerr << "error: " << s.to_string() << "\n";
  return exit_code(s);
}

/// Sets the exit code of the command that ran; a subcommand's callback calls it.
void set_exit_code(int code);

using Registrar = std::function<void(CLI::App& app, GlobalOptions& global)>;

/// Adds a registrar; called from static initialisers via PLATFORMCTL_COMMANDS.
bool register_commands(const char* area, Registrar r);

}  // namespace platformctl

#define PLATFORMCTL_CONCAT_INNER(a, b) a##b
#define PLATFORMCTL_CONCAT(a, b) PLATFORMCTL_CONCAT_INNER(a, b)
/// PLATFORMCTL_COMMANDS(area, [](CLI::App& app, GlobalOptions& g) { ... });
#define PLATFORMCTL_COMMANDS(area, fn) \
  static const bool PLATFORMCTL_CONCAT(platformctl_registered_, __LINE__) = ::platformctl::register_commands(area, fn)
