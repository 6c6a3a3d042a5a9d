// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Camel K 2.5 kinds (camel.apache.org/v1): IntegrationPlatform and
/// Integration. Flows and traits are free-form in the CRD and stay
/// free-form here (FreeForm JSON text). See meta.hpp for conventions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// The annotation that picks the Camel K operator handling a resource.
inline constexpr std::string_view kCamelOperatorIdAnnotation = "camel.apache.org/operator.id";

/// A value read from a ConfigMap or Secret key (set exactly one).
struct ValueSource {
  std::optional<KeySelector> config_map_key_ref;
  std::optional<KeySelector> secret_key_ref;
  bool operator==(const ValueSource&) const = default;
};

/// `spec.build.maven`.
struct MavenSpec {
  std::optional<ValueSource> settings;
  std::optional<ValueSource> settings_security;
  std::string local_repository;
  std::vector<std::string> cli_options;
  StringMap properties;
  std::vector<KeySelector> ca_secrets;
  bool operator==(const MavenSpec&) const = default;
};

/// `spec.build.registry`.
struct RegistrySpec {
  std::string address;  ///< "" = let the operator discover it (KEP-1755)
  std::string organization;
  std::string secret;
  std::optional<bool> insecure;
  bool operator==(const RegistrySpec&) const = default;
};

/// `spec.build.buildConfiguration`.
struct BuildConfiguration {
  std::string strategy;        ///< "pod" (Kubernetes native) or "routine"
  std::string order_strategy;  ///< "sequential", "fifo", "dependencies"
  std::string request_cpu;
  std::string request_memory;
  std::string limit_cpu;
  std::string limit_memory;
  bool operator==(const BuildConfiguration&) const = default;
};

/// IntegrationPlatform `spec.build`.
struct IntegrationPlatformBuildSpec {
  std::optional<BuildConfiguration> build_configuration;
  std::string publish_strategy;  ///< "Jib", "Spectrum", "S2I"
  std::string runtime_provider;  ///< "quarkus"
  std::string runtime_version;
  std::string base_image;
  std::string timeout;           ///< Go duration, e.g. "5m0s"
  std::optional<int> max_running_builds;
  std::optional<RegistrySpec> registry;
  std::optional<MavenSpec> maven;
  bool operator==(const IntegrationPlatformBuildSpec&) const = default;
};

/// IntegrationPlatform `spec`.
struct IntegrationPlatformSpec {
  std::string cluster;  ///< "Kubernetes" or "OpenShift"; "" = detected
  std::string profile;  ///< "Kubernetes", "Knative", "OpenShift"
  IntegrationPlatformBuildSpec build;
  FreeForm traits;  ///< default traits for every integration, keyed by trait id
  bool operator==(const IntegrationPlatformSpec&) const = default;
};

/// camel.apache.org/v1 IntegrationPlatform.
struct IntegrationPlatform {
  static constexpr std::string_view kApiVersion = "camel.apache.org/v1";
  static constexpr std::string_view kKind = "IntegrationPlatform";
  ObjectMeta metadata;
  IntegrationPlatformSpec spec;
  bool operator==(const IntegrationPlatform&) const = default;
};

/// One `spec.sources[]` item: a route file given inline.
struct IntegrationSource {
  std::string name;      ///< e.g. "Route.java"; the extension picks the language
  std::string content;
  std::string language;  ///< "" = from the name's extension
  bool operator==(const IntegrationSource&) const = default;
};

/// Integration `spec`.
struct IntegrationSpec {
  std::optional<int> replicas;
  std::string profile;
  std::string service_account_name;
  std::vector<std::string> dependencies;  ///< e.g. "camel:kafka", "mvn:g:a:v"
  std::vector<FreeForm> flows;            ///< YAML DSL items ({"from": {...}}, {"route": {...}})
  std::vector<IntegrationSource> sources;
  FreeForm traits;                        ///< keyed by trait id, fields camelCase
  bool operator==(const IntegrationSpec&) const = default;
};

/// camel.apache.org/v1 Integration.
struct Integration {
  static constexpr std::string_view kApiVersion = "camel.apache.org/v1";
  static constexpr std::string_view kKind = "Integration";
  ObjectMeta metadata;
  IntegrationSpec spec;
  bool operator==(const Integration&) const = default;
};

}  // namespace platform::model
