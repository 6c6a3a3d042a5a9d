// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Health of a live Kubernetes object: one rule table per kind, used by
/// `platformctl apply` to wait between sync waves and rendered into Argo CD's
/// `argocd-cm` as Lua health checks, so the direct path and the GitOps path
/// decide "ready" the same way.
///
/// Rules are generation-aware: an object whose controller has not yet
/// observed its latest `metadata.generation` (status.observedGeneration is
/// older) is Progressing, whatever its conditions say.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/export.hpp"

namespace platform::k8s {

/// Argo CD's health states, in its own words.
enum class Health : std::uint8_t {
  kHealthy,      ///< ready: the next wave may start
  kProgressing,  ///< not ready yet, expected to become ready
  kDegraded,     ///< failed: waiting further will not help without a change
  kSuspended,    ///< paused on purpose (e.g. a paused Deployment)
  kMissing,      ///< the object does not exist
  kUnknown,      ///< the status could not be read
};

/// "Healthy", "Progressing", "Degraded", "Suspended", "Missing" or "Unknown".
PLATFORM_EXPORT std::string_view to_string(Health health) noexcept;

/// The health of one object and why.
struct Assessment {
  Health health = Health::kUnknown;
  std::string message;  ///< e.g. "Waiting for Kafka Cluster", a condition's message

  bool operator==(const Assessment&) const = default;
};

/// Assesses one live object given as JSON or YAML (as returned by the API
/// server). An empty text, `null` or `{}` is Missing; text that does not parse
/// is Unknown. Kinds without a rule are Healthy once they exist. Thread-safe.
PLATFORM_EXPORT Assessment assess(std::string_view object_json_or_yaml);

/// True when the rule table has a specific rule for `group`/`kind` (group ""
/// for the core API). Kinds without one are Healthy as soon as they exist.
PLATFORM_EXPORT bool has_health_rule(std::string_view group, std::string_view kind);

/// The `argocd-cm` keys and Lua health scripts generated from the same rule
/// table: `resource.customizations.health.<group>_<Kind>` for the platform's
/// custom resources that Argo CD has no (or no generation-aware) built-in
/// check for: RabbitmqCluster, Camel K IntegrationPlatform and Integration,
/// Argo CD Application (for app-of-apps waves) and the Strimzi kinds. Sorted
/// by key; deterministic.
PLATFORM_EXPORT std::vector<std::pair<std::string, std::string>> argocd_health_customizations();

}  // namespace platform::k8s
