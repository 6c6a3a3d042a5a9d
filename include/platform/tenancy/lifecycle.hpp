// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Tenant lifecycle on a spec file: add, remove and list tenants.
///
/// The spec keeps its tenants in its `tenants:` block; add and remove edit
/// only the lines of that block (one list item), so comments, key order and
/// formatting elsewhere in the file stay byte for byte. Every edit is
/// checked before it is written: the edited text must load (all spec rules)
/// and must give exactly the spec the edit means (the old one plus or minus
/// that tenant). The file is then replaced atomically (a temporary file in
/// the same directory, fsync, rename); a refused command changes nothing.
/// The text functions (`add_tenant_text`, `remove_tenant_text`) do the same
/// on strings. All functions are thread-safe; two processes editing the same
/// file at once are not coordinated (the last rename wins).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"

namespace platform::tenancy {

/// Checks a new tenant's name against `spec`: a DNS-1123 label, `user-<name>`
/// at most 63 characters, not reserved (`default`, `system`, `kube*`,
/// `openshift*`, a platform namespace's name, or a name whose namespace is a
/// platform namespace), not already a tenant. Errors: kInvalidArgument
/// (reserved or malformed, with what to do), kAlreadyExists (duplicate).
PLATFORM_EXPORT Status check_tenant_name(const spec::PlatformSpec& spec, const std::string& name);

/// Adds tenant `name` to the spec text. `sets` are the tenant's own fields,
/// Helm-style and relative to the tenant: "quota.pods=40",
/// "container.limit_cpu=1". Returns the new text.
/// Errors: as check_tenant_name(); kInvalidArgument for a spec that does not
/// load, a bad --set, or a `tenants:` block in flow style (`[...]`).
PLATFORM_EXPORT Result<std::string> add_tenant_text(std::string_view yaml, const std::string& name,
                                                    const std::vector<std::string>& sets = {},
                                                    std::string_view source_name = "<spec>");

/// Removes tenant `name` from the spec text. Errors: kNotFound when there is
/// no such tenant; kInvalidArgument as add_tenant_text().
PLATFORM_EXPORT Result<std::string> remove_tenant_text(std::string_view yaml, const std::string& name,
                                                       std::string_view source_name = "<spec>");

/// add_tenant_text() on a file, written atomically. Returns the tenant as it
/// will be rendered (tenant_defaults filled in). Errors: kNotFound when the
/// file cannot be read, kUnavailable when it cannot be written, else as
/// add_tenant_text().
PLATFORM_EXPORT Result<spec::Tenant> add_tenant(const std::filesystem::path& spec_file, const std::string& name,
                                                const std::vector<std::string>& sets = {});

/// What remove_tenant() did.
struct Removal {
  spec::Tenant tenant;                ///< the tenant removed
  std::vector<std::string> warnings;  ///< e.g. PVCs whose data goes with the namespace
};

/// remove_tenant_text() on a file, written atomically. When `manifests` is
/// given, the rendered tree is searched for the tenant's
/// PersistentVolumeClaims (and StatefulSet volumeClaimTemplates): each gives
/// a warning that deleting the namespace deletes its data. Errors as
/// add_tenant(); kNotFound when `manifests` cannot be read.
PLATFORM_EXPORT Result<Removal> remove_tenant(const std::filesystem::path& spec_file, const std::string& name,
                                              const std::optional<std::filesystem::path>& manifests = std::nullopt);

/// The spec file's tenants, defaults filled in. Errors as spec::load_spec_file().
PLATFORM_EXPORT Result<std::vector<spec::Tenant>> list_tenants(const std::filesystem::path& spec_file);

/// Tenants as a table (NAME NAMESPACE REQ-CPU REQ-MEM LIM-CPU LIM-MEM PODS
/// PVCS SERVICES), or "json" / "yaml".
PLATFORM_EXPORT std::string to_text(const std::vector<spec::Tenant>& tenants, const std::string& format = "table");

}  // namespace platform::tenancy
