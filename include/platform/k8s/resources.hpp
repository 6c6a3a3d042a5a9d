// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// The resource types the platform applies: API path pieces and scope for
/// each kind, so apply needs no discovery for them. Unknown kinds are looked
/// up with discovery (`/api`, `/apis`) by the apply engine.

#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"

namespace platform::k8s {

/// One served resource type.
struct ResourceType {
  std::string group;     ///< "" for the core API
  std::string version;   ///< e.g. "v1beta2"
  std::string kind;      ///< e.g. "KafkaTopic"
  std::string plural;    ///< e.g. "kafkatopics"
  bool namespaced = true;
  std::string provided_by;  ///< who installs the type: "" (Kubernetes) or e.g. "the Strimzi operator (wave 0)"

  bool operator==(const ResourceType&) const = default;

  /// "apps/v1" or "v1".
  [[nodiscard]] std::string api_version() const;
  /// "/api/v1" or "/apis/<group>/<version>".
  [[nodiscard]] std::string group_version_path() const;
  /// The collection path: ".../namespaces/<ns>/<plural>" or ".../<plural>".
  [[nodiscard]] std::string collection_path(std::string_view ns) const;
  /// The object path: collection_path(ns) + "/" + name.
  [[nodiscard]] std::string object_path(std::string_view ns, std::string_view name) const;
};

/// The platform's kinds: core, apps, batch, policy, rbac, networking,
/// apiextensions, Strimzi, RabbitMQ, Camel K and Argo CD.
PLATFORM_EXPORT const std::vector<ResourceType>& platform_resource_types();

/// The entry for apiVersion + kind, or nullptr.
PLATFORM_EXPORT const ResourceType* find_resource_type(std::string_view api_version, std::string_view kind);

/// Who provides the API group (e.g. "the Strimzi operator (wave 0)"), or ""
/// for groups built into Kubernetes and unknown groups.
PLATFORM_EXPORT std::string provider_of_group(std::string_view group);

}  // namespace platform::k8s
