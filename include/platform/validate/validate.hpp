// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Offline validation of Kubernetes manifests: every document is checked
/// against the schema of its apiVersion/kind (the upstream CRD
/// `openAPIV3Schema` for Strimzi, RabbitMQ, Camel K and Argo CD, a bundled
/// strict subset for core kinds and Kustomization), then the whole document
/// set against the platform rules no schema can express (topic replicas <=
/// brokers, references that must exist, sync-wave order, ...).
///
/// The schemas are embedded in the library: no file is read but the input.
/// Every function here is thread-safe; schemas are parsed once, on first use.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::validate {

/// How bad a finding is. Only errors make a Report invalid.
enum class Severity : unsigned char {
  kError,
  kWarning,
};

/// "error" or "warning".
PLATFORM_EXPORT const char* to_string(Severity severity) noexcept;

/// One problem found in one document.
struct Finding {
  Severity severity = Severity::kError;
  std::string file;        ///< source name as given ("manifests/kafka/kafka.yaml", "<stdin>")
  std::size_t document = 0;  ///< 0-based index of the document in its file
  std::string kind;        ///< the document's kind ("" when it has none)
  std::string name;        ///< metadata.name ("" when it has none)
  std::string path;        ///< field path, e.g. "spec.kafka.replicas" ("" = the whole document)
  int line = 0;            ///< 1-based line in the file (0 = unknown)
  int column = 0;          ///< 1-based column in the file (0 = unknown)
  std::string rule;        ///< the rule or schema keyword, e.g. "schema/required", "topic-replicas"
  std::string message;     ///< what is wrong and what to do

  bool operator==(const Finding&) const = default;
};

/// The outcome of validating a set of files.
struct Report {
  std::vector<Finding> findings;  ///< in file order, then document order
  std::size_t files = 0;          ///< files read
  std::size_t documents = 0;      ///< documents checked
  std::size_t unchecked = 0;      ///< documents of a known-safe kind without a bundled schema

  /// Number of findings with Severity::kError.
  [[nodiscard]] PLATFORM_EXPORT std::size_t error_count() const noexcept;
  /// True when there is no error (warnings allowed).
  [[nodiscard]] bool valid() const noexcept { return error_count() == 0; }
  /// Ok when valid; otherwise kFailedPrecondition with one Detail per error
  /// (location "file:line:column", path, message, rule).
  [[nodiscard]] PLATFORM_EXPORT Status status() const;
  /// "validated N documents in M files: ok" or "...: K errors".
  [[nodiscard]] PLATFORM_EXPORT std::string summary() const;
};

/// What to check.
struct Options {
  bool schemas = true;  ///< check each document against its schema
  bool rules = true;    ///< check the platform rules over the whole set
  /// Rule names to skip (see rules()); schema checks cannot be skipped by name.
  std::vector<std::string> skip_rules;
  /// Documents of a kind without a schema that is not known-safe: error (true)
  /// or warning (false).
  bool unknown_kinds_are_errors = true;
};

/// One input: a name used in findings and the YAML text.
struct Source {
  std::string name;  ///< e.g. a file path, or "<stdin>"
  std::string text;  ///< one or more YAML documents
};

/// Validates in-memory sources as one document set (references between
/// sources resolve). A file named kustomization.yaml/.yml or Kustomization is
/// checked as a Kustomization.
/// Errors: kInvalidArgument when a source is not parseable YAML (with its
/// location). Invalid documents are not an error: see Report::valid().
PLATFORM_EXPORT Result<Report> validate_sources(const std::vector<Source>& sources, const Options& options = {});

/// Validates a file, or a directory walked recursively for *.yaml / *.yml
/// (in sorted path order). Errors: kNotFound when the path does not exist or
/// cannot be read, kInvalidArgument as validate_sources().
PLATFORM_EXPORT Result<Report> validate_path(const std::filesystem::path& path, const Options& options = {});

/// The findings one per line, kubectl-style
/// ("file:line:column: error: Kind name: field.path: message [rule]"),
/// then the summary line.
PLATFORM_EXPORT std::string to_text(const Report& report);

/// The report as a JSON object: valid, files, documents, unchecked, errors,
/// findings (each with severity, file, document, kind, name, path, line,
/// column, rule, message) and summary.
PLATFORM_EXPORT std::string to_json(const Report& report);

/// A platform rule, for listings and documentation.
struct RuleInfo {
  std::string name;         ///< e.g. "topic-replicas"
  std::string description;  ///< one sentence
};

/// Every platform rule, in the order they run.
PLATFORM_EXPORT std::vector<RuleInfo> rules();

/// A kind with a bundled schema.
struct SchemaInfo {
  std::string api_version;  ///< e.g. "kafka.strimzi.io/v1beta2"
  std::string kind;         ///< e.g. "Kafka"
  std::string source;       ///< e.g. "schemas/crds/strimzi-0.43.0/Kafka.yaml"
};

/// Every apiVersion/kind with a bundled schema.
PLATFORM_EXPORT std::vector<SchemaInfo> schemas();

}  // namespace platform::validate
