// SPDX-License-Identifier: Apache-2.0
#include "platform/render/tenant.hpp"

#include "platform/tenancy/tenant.hpp"
#include "render/builder.hpp"

namespace platform::render {

std::string tenant_namespace(const spec::Tenant& tenant) {
  return std::string(tenancy::kTenantNamespacePrefix) + tenant.name;
}

std::vector<Manifest> render_tenant(const spec::PlatformSpec& spec, const spec::Tenant& tenant) {
  const std::string ns = tenant_namespace(tenant);
  const std::string dir = "tenants/" + ns;
  const int wave = spec.argocd.waves.tenants;
  const char* c = "tenants";
  std::vector<Manifest> out;
  for (model::Resource& r : tenancy::tenant_resources(spec, tenant)) {
    out.push_back(detail::manifest(dir, c, wave, std::move(r)));
  }
  auto app = detail::application(spec, "tenant-" + tenant.name, c, wave, ns, detail::git_source(spec, dir));
  out.push_back(Manifest{"tenants/" + ns + ".yaml", c, wave, std::move(app)});
  return out;
}

}  // namespace platform::render
