// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pieces every part of the renderer uses to stamp resources the same way:
// common labels, the sync-wave annotation, file names and Applications.

#include <string>
#include <vector>

#include "platform/model/resource.hpp"
#include "platform/render/render.hpp"
#include "platform/spec/platform_spec.hpp"

namespace platform::render::detail {

inline constexpr const char* kInCluster = "https://kubernetes.default.svc";

/// Metadata with the platform's labels and the sync-wave annotation.
model::ObjectMeta meta(const spec::PlatformSpec& spec, std::string name, std::string ns, const std::string& component,
                       int wave);

/// A manifest at `dir/<kind>-<name>.yaml` (lower-case kind).
Manifest manifest(const std::string& dir, const std::string& component, int wave, model::Resource resource);

/// The git source of a directory of the tree (spec.source + path).
model::ApplicationSource git_source(const spec::PlatformSpec& spec, const std::string& dir);

/// A component's Application in the Argo CD namespace, in the platform's
/// project, with the spec's automated sync policy.
model::Application application(const spec::PlatformSpec& spec, const std::string& name, const std::string& component,
                               int wave, const std::string& destination_namespace, model::ApplicationSource source,
                               std::vector<std::string> sync_options = {});

}  // namespace platform::render::detail

namespace platform::render::detail {

/// The Camel K IntegrationPlatform of `metadata`'s namespace: the spec's
/// build strategy, runtime and registry, Maven settings from the ConfigMap
/// `camel_k.maven_settings_configmap` of that same namespace, and
/// `resources` as the default container trait of every integration.
model::IntegrationPlatform integration_platform(const spec::PlatformSpec& spec, model::ObjectMeta metadata,
                                                const spec::ContainerResources& resources);

}  // namespace platform::render::detail
