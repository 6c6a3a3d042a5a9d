// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Loading a PlatformSpec from YAML, Helm-style `--set` overrides, the
/// platform rules a spec must satisfy, and the commented default spec.
/// All functions are thread-safe (no shared state).

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"

namespace platform::spec {

/// The most items any list of a spec may hold (tenants, kafka.topics, ...):
/// Kubernetes is tested up to 10,000 namespaces per cluster, and a tenant is
/// a namespace. A longer list is refused (kInvalidArgument, rule
/// "list-limit") before its items are decoded, so memory stays bounded by the
/// input's size.
inline constexpr std::size_t kMaxListItems = 10000;

/// The largest spec text parse_spec() reads (4 MiB; the seed's spec is ~5 KiB
/// and 10,000 tenants take ~2 MiB). Longer text is refused
/// (kResourceExhausted) before the YAML parser sees it: yaml-cpp keeps ~100
/// bytes per node.
inline constexpr std::size_t kMaxSpecBytes = 4u << 20;

/// How to load a spec.
struct LoadOptions {
  /// Helm-style overrides applied after the file, in order:
  /// "kafka.brokers=5", "kafka.topics[0].partitions=12", "tenants[0].quota.pods=40".
  std::vector<std::string> overrides;
};

/// The seed's platform (a default-constructed PlatformSpec) with `options`'
/// overrides applied and checked.
/// Errors: kInvalidArgument for a bad override (unknown path with a
/// did-you-mean, wrong type, invalid quantity) or a rule the result breaks.
PLATFORM_EXPORT Result<PlatformSpec> default_spec(const LoadOptions& options = {});

/// Parses a spec from YAML text. Keys absent from the text keep their seed
/// defaults. `source_name` is used in error locations ("platform.yaml:12:5").
/// Errors: kInvalidArgument with one Detail per problem (location, field path,
/// what to do): unknown key (did-you-mean), wrong type, invalid quantity,
/// invalid Kubernetes name, and every rule of check_spec().
PLATFORM_EXPORT Result<PlatformSpec> parse_spec(std::string_view yaml, std::string_view source_name = "<spec>",
                                                const LoadOptions& options = {});

/// Reads and parses a spec file. Errors: kNotFound when it cannot be read,
/// otherwise as parse_spec().
PLATFORM_EXPORT Result<PlatformSpec> load_spec_file(const std::filesystem::path& path,
                                                    const LoadOptions& options = {});

/// The platform rules no type can express: topic replicas <= brokers,
/// partitions >= 1, unique topic and tenant names, valid Kubernetes names and
/// quantities, ports in range, known operator versions... Returns every
/// problem found, not just the first.
PLATFORM_EXPORT Status check_spec(const PlatformSpec& spec);

/// The spec as YAML, keys as the seed names them (`kafka.brokers`, ...).
/// Every field is written, so parse_spec(to_yaml(s)) == s.
PLATFORM_EXPORT std::string to_yaml(const PlatformSpec& spec);

/// The spec as JSON (two-space indent), the same keys as to_yaml().
PLATFORM_EXPORT std::string to_json(const PlatformSpec& spec);

/// The seed's spec as YAML with every field commented (`platformctl init`).
PLATFORM_EXPORT std::string init_yaml();

/// One field of the spec, for references and completion.
struct FieldInfo {
  std::string path;           ///< e.g. "kafka.topics[].partitions"
  std::string type;           ///< "string", "integer", "boolean", "quantity", "list", ...
  std::string default_value;  ///< as YAML, "" when none
  std::string description;
};

/// Every field of the spec, in document order (drives docs/spec-reference.md).
PLATFORM_EXPORT std::vector<FieldInfo> spec_fields();

/// docs/spec-reference.md: every field of spec_fields() as Markdown tables
/// (`platformctl spec reference`).
PLATFORM_EXPORT std::string spec_reference_markdown();

}  // namespace platform::spec
