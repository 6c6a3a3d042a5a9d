// SPDX-License-Identifier: Apache-2.0
#pragma once

// The files under schemas/, embedded at build time (see CMakeLists.txt here).

#include <span>
#include <string_view>

namespace platform::internal {

struct EmbeddedSchemaFile {
  std::string_view path;  // relative to schemas/, e.g. "crds/strimzi-0.43.0/Kafka.yaml"
  std::string_view text;  // the file's bytes
};

/// Every embedded schema file, sorted by path.
std::span<const EmbeddedSchemaFile> embedded_schema_files();

}  // namespace platform::internal
