// SPDX-License-Identifier: Apache-2.0
#include "platform/render/tenant.hpp"

#include "render/builder.hpp"

// Model objects are built as aggregates from their metadata; the other
// members start empty on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace platform::render {

std::string tenant_namespace(const spec::Tenant& tenant) { return "user-" + tenant.name; }

// The tenancy area fills in the rest of a tenant's directory (quota, limit
// range, network policies, RBAC, IntegrationPlatform) here.
std::vector<Manifest> render_tenant(const spec::PlatformSpec& spec, const spec::Tenant& tenant) {
  const std::string ns = tenant_namespace(tenant);
  const std::string dir = "tenants/" + ns;
  const int wave = spec.argocd.waves.tenants;
  const char* c = "tenants";
  std::vector<Manifest> out;

  model::Namespace namespace_{detail::meta(spec, ns, "", c, wave)};
  namespace_.metadata.labels["platform.libplatform.io/tenant"] = tenant.name;
  out.push_back(detail::manifest(dir, c, wave, std::move(namespace_)));

  auto app = detail::application(spec, "tenant-" + tenant.name, c, wave, ns, detail::git_source(spec, dir));
  out.push_back(Manifest{"tenants/" + ns + ".yaml", c, wave, std::move(app)});
  return out;
}

}  // namespace platform::render
