// SPDX-License-Identifier: Apache-2.0
#pragma once

// The schemas the library ships (schemas/, embedded at build time), looked up
// by apiVersion and kind. Each schema file is parsed and compiled on first
// use, once, under a std::call_once; the compiled schemas then live for the
// rest of the process and are shared read-only by every thread.

#include <string>
#include <string_view>
#include <vector>

#include "platform/status.hpp"
#include "validate/schema.hpp"

namespace platform::internal {

/// What the catalog knows about an apiVersion/kind.
struct SchemaLookup {
  enum class Kind { kFound, kWrongVersion, kKnownSafe, kUnknown };
  Kind result = Kind::kUnknown;
  const SchemaNode* schema = nullptr;  // for kFound
  std::string source;                   // "crds/strimzi-0.43.0/Kafka.yaml" (kFound, kWrongVersion)
  std::vector<std::string> served;      // apiVersions with a schema for this kind (kWrongVersion)
};

/// Finds the schema of `api_version`/`kind`. Errors: kInternal when a bundled
/// schema does not compile (a build defect, not the user's).
Result<SchemaLookup> find_schema(std::string_view api_version, std::string_view kind);

/// One entry per apiVersion/kind with a schema.
struct CatalogEntry {
  std::string api_version;
  std::string kind;
  std::string source;
};
std::vector<CatalogEntry> catalog_entries();

}  // namespace platform::internal
