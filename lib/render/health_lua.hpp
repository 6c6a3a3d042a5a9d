// SPDX-License-Identifier: Apache-2.0
#pragma once

// The custom Argo CD health checks the platform needs (Argo CD 2.13 has no
// built-in check for these kinds), as argocd-cm keys. The one place the Lua
// lives: the apply area's health rule table replaces this later.

#include <map>
#include <string>

namespace platform::render::detail {

/// argocd-cm data key ("resource.customizations.health.<group>_<kind>") -> Lua.
std::map<std::string, std::string> argocd_health_checks();

}  // namespace platform::render::detail
