// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reading a rendered tree: every YAML document of a file or of a directory
// walked for *.yaml / *.yml in sorted path order.

#include <filesystem>
#include <functional>

#include "internal/yaml_json.hpp"
#include "platform/status.hpp"

namespace platform::tenancy::internal {

/// Calls `fn` for each document; stops at the first error `fn` returns.
/// kustomization.yaml files are skipped. Errors: kNotFound when `path` does
/// not exist or a file cannot be read; kInvalidArgument for YAML that does
/// not parse (with its location).
using DocumentFn = std::function<Status(const std::filesystem::path& file, const platform::internal::YamlDocument& doc,
                                        const platform::internal::YamlParseOptions& options)>;
Status for_each_document(const std::filesystem::path& path, const DocumentFn& fn);

}  // namespace platform::tenancy::internal
