// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// The tenant hook of the renderer: one tenant -> its own directory
/// (`tenants/user-<name>/`, a small Kustomize directory) plus its Argo CD
/// Application (`tenants/user-<name>.yaml`, wave 3). Each tenant is synced
/// on its own, so a platform with thousands of tenants never builds one
/// huge kustomization. Thread-safe.

#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/render/render.hpp"
#include "platform/spec/platform_spec.hpp"

namespace platform::render {

/// The namespace of a tenant: "user-<name>".
PLATFORM_EXPORT std::string tenant_namespace(const spec::Tenant& tenant);

/// The manifests of one tenant: its directory's resources
/// (platform::tenancy::tenant_resources()) and its Application. kustomization.yaml files are added by render().
PLATFORM_EXPORT std::vector<Manifest> render_tenant(const spec::PlatformSpec& spec, const spec::Tenant& tenant);

}  // namespace platform::render
