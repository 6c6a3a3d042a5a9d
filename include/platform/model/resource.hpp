// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Resource: any kind of the typed model, with apiVersion/kind/metadata
/// access, and its serialization (`to_yaml`, `to_json`, `from_yaml`).
/// Output is kubectl-style: keys apiVersion, kind, metadata, then the rest
/// in the Kubernetes order; unset optional fields are not written.
/// All functions are thread-safe (no shared state).

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "platform/export.hpp"
#include "platform/model/argocd.hpp"
#include "platform/model/camel_k.hpp"
#include "platform/model/core.hpp"
#include "platform/model/kustomize.hpp"
#include "platform/model/meta.hpp"
#include "platform/model/network_policy.hpp"
#include "platform/model/rabbitmq.hpp"
#include "platform/model/rbac.hpp"
#include "platform/model/strimzi.hpp"
#include "platform/status.hpp"

namespace platform::model {

/// Every kind of the model. The order is the order of `kind_rank()`'s
/// default tie-break and never changes meaning.
using AnyResource = std::variant<Namespace, ConfigMap, Secret, Service, ServiceAccount, PersistentVolumeClaim,
                                 Deployment, StatefulSet, ResourceQuota, LimitRange, NetworkPolicy, Role,
                                 RoleBinding, ClusterRole, ClusterRoleBinding, Kafka, KafkaTopic, KafkaUser,
                                 KafkaConnect, RabbitmqCluster, IntegrationPlatform, Integration, Application,
                                 AppProject, Kustomization, KindCluster>;

/// One object of any kind of the model.
struct Resource {
  AnyResource value;

  Resource() = default;
  /// Wraps any model kind.
  template <typename T>
    requires std::is_constructible_v<AnyResource, T&&> && (!std::is_same_v<std::decay_t<T>, Resource>)
  Resource(T&& v) : value(std::forward<T>(v)) {}  // NOLINT: implicit by design

  /// "v1", "apps/v1", "kafka.strimzi.io/v1beta2"...
  [[nodiscard]] std::string_view api_version() const {
    return std::visit([](const auto& r) { return std::decay_t<decltype(r)>::kApiVersion; }, value);
  }
  /// "Namespace", "Kafka"...
  [[nodiscard]] std::string_view kind() const {
    return std::visit([](const auto& r) { return std::decay_t<decltype(r)>::kKind; }, value);
  }
  /// The object's metadata.
  [[nodiscard]] const ObjectMeta& metadata() const {
    return std::visit([](const auto& r) -> const ObjectMeta& { return r.metadata; }, value);
  }
  /// The object's metadata, writable.
  ObjectMeta& metadata() {
    return std::visit([](auto& r) -> ObjectMeta& { return r.metadata; }, value);
  }
  /// The held kind, or nullptr.
  template <typename T>
  [[nodiscard]] const T* get_if() const { return std::get_if<T>(&value); }
  /// The held kind, or nullptr.
  template <typename T>
  T* get_if() { return std::get_if<T>(&value); }

  bool operator==(const Resource&) const = default;
};

/// The resource as one YAML document (no leading "---").
PLATFORM_EXPORT std::string to_yaml(const Resource& resource);

/// The resource as compact JSON.
PLATFORM_EXPORT std::string to_json(const Resource& resource);

/// A multi-document YAML stream ("---" between documents).
PLATFORM_EXPORT std::string to_yaml_stream(const std::vector<Resource>& resources);

/// A JSON `List` (`{"apiVersion":"v1","kind":"List","items":[...]}`),
/// indented by 2 when `pretty`.
PLATFORM_EXPORT std::string to_json_list(const std::vector<Resource>& resources, bool pretty = true);

/// Reads one resource from a single YAML (or JSON) document.
/// Errors (kInvalidArgument, with a Detail per problem naming
/// "source:line:column" and the field path): YAML syntax, an apiVersion/kind
/// the model does not know, a field of the wrong type, an unknown field
/// (strict, as the API server's field validation). `status` and server-set
/// metadata (uid, resourceVersion, creationTimestamp...) are ignored.
PLATFORM_EXPORT Result<Resource> from_yaml(std::string_view yaml, std::string_view source_name = "<input>");

/// Reads every document of a multi-document YAML stream; errors as from_yaml.
PLATFORM_EXPORT Result<std::vector<Resource>> from_yaml_stream(std::string_view yaml,
                                                               std::string_view source_name = "<input>");

/// Normalises JSON text into the FreeForm form from_yaml produces (compact,
/// key order kept). Errors: kInvalidArgument when `json` is not JSON.
PLATFORM_EXPORT Result<FreeForm> free_form(std::string_view json);

/// True when the model knows `api_version` + `kind`.
PLATFORM_EXPORT bool is_known_kind(std::string_view api_version, std::string_view kind);

}  // namespace platform::model
