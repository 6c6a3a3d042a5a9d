// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// What a tenant is in the cluster: the resources of its namespace
/// `user-<name>` (Namespace, ResourceQuota, LimitRange, NetworkPolicies,
/// ServiceAccount, Role, RoleBinding, the Maven settings ConfigMap and a
/// dedicated Camel K IntegrationPlatform), and the labels that tell tenant
/// namespaces from platform namespaces. The renderer's tenant hook
/// (platform/render/tenant.hpp) puts these into `tenants/user-<name>/`.
/// All functions are thread-safe (no shared state).

#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/model/resource.hpp"
#include "platform/spec/platform_spec.hpp"

namespace platform::tenancy {

/// Namespace label naming the tenant that owns a namespace (`alice`).
inline constexpr std::string_view kTenantLabel = "platform.libplatform.io/tenant";
/// Namespace label: "tenant" on tenant namespaces, "platform" on the
/// platform's own namespaces. Policies select platform namespaces by it.
inline constexpr std::string_view kRoleLabel = "platform.libplatform.io/role";
inline constexpr std::string_view kRoleTenant = "tenant";
inline constexpr std::string_view kRolePlatform = "platform";
/// The label the API server puts on every namespace (Kubernetes >= 1.21).
inline constexpr std::string_view kNamespaceNameLabel = "kubernetes.io/metadata.name";

/// Prefix of every tenant namespace.
inline constexpr std::string_view kTenantNamespacePrefix = "user-";
/// The tenant's ServiceAccount.
inline constexpr std::string_view kTenantServiceAccount = "user-sa";

/// Private address ranges the HTTPS egress rule excludes from 0.0.0.0/0:
/// RFC 1918 (10/8, 172.16/12, 192.168/16, where pod, service and node
/// addresses live), link-local 169.254/16 (cloud metadata endpoints) and
/// 100.64/10 (shared address space, used by some CNIs for pods).
PLATFORM_EXPORT const std::vector<std::string>& private_ranges();

/// The NetworkPolicy names of every tenant namespace, in the order rendered.
inline constexpr const char* kDefaultDenyPolicy = "default-deny";

/// The cluster resources of `tenant`'s namespace, in apply order (Namespace
/// first). Every object carries the sync-wave of `spec.argocd.waves.tenants`.
/// The tenant's quota and container resources are used as given (load the
/// spec with platform/spec/load.hpp so tenant_defaults are filled in).
PLATFORM_EXPORT std::vector<model::Resource> tenant_resources(const spec::PlatformSpec& spec,
                                                               const spec::Tenant& tenant);

}  // namespace platform::tenancy
