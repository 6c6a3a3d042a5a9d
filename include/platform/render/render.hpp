// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Rendering: PlatformSpec -> typed resources -> the GitOps tree (Kustomize
/// directories plus the Argo CD app-of-apps) or one ordered stream.
///
/// The tree (paths relative to the output directory; see docs/render.md):
///   kustomization.yaml        the root = the Argo CD bootstrap (argocd/)
///   argocd/                   argocd-cm, argocd-rbac-cm, AppProject, root Application
///   apps/                     one Application per component (synced by the root)
///   namespaces/ kafka/ rabbitmq/ camelk/ backstage/   component directories
///   tenants/                  one Application per tenant; tenants/<ns>/ each tenant
///   kind-cluster.yaml         the local kind cluster config (not a cluster object)
///
/// Everything is deterministic: the same spec gives byte-identical output.
/// All functions are thread-safe (no shared state).

#include <filesystem>
#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/model/resource.hpp"
#include "platform/spec/platform_spec.hpp"
#include "platform/status.hpp"

namespace platform::render {

/// What render() does besides the defaults.
struct RenderOptions {
  /// Render the spec's tenants (wave 3). Off: only the tenants directory.
  bool tenants = true;
};

/// One file of the tree holding one document.
struct Manifest {
  std::string path;       ///< relative, '/'-separated, e.g. "kafka/kafka-event-cluster.yaml"
  std::string component;  ///< e.g. "kafka", "tenants"
  int wave = 0;           ///< its argocd.argoproj.io/sync-wave
  model::Resource resource;
  /// False for documents that are not cluster objects (kustomization.yaml,
  /// the kind config): they are in the tree but not in the apply stream.
  [[nodiscard]] bool in_cluster() const {
    return !resource.get_if<model::Kustomization>() && !resource.get_if<model::KindCluster>();
  }
  bool operator==(const Manifest&) const = default;
};

/// One component: what its Argo CD Application deploys, from where.
struct Component {
  std::string name;         ///< e.g. "strimzi-operator", "kafka"
  int wave = 0;
  std::string application;  ///< the Application's name
  std::string namespace_;   ///< destination namespace
  std::string directory;    ///< its directory in the tree; "" for upstream sources
  std::string source;       ///< human-readable source, e.g. "helm quay.io/strimzi-helm/strimzi-kafka-operator 0.43.0"
  bool operator==(const Component&) const = default;
};

/// The rendered platform: components and every manifest, in path order.
struct RenderedTree {
  std::vector<Component> components;  ///< in wave order
  std::vector<Manifest> manifests;    ///< sorted by path; paths are unique
  bool operator==(const RenderedTree&) const = default;
};

/// A file to write: path relative to the tree root, and its bytes.
struct File {
  std::string path;
  std::string content;
  bool operator==(const File&) const = default;
};

/// Renders the platform. Errors: kInvalidArgument when the spec cannot be
/// rendered (two resources would land in the same file, e.g. duplicate
/// tenant names; a tenant name that is not a DNS label). The spec is not
/// otherwise re-checked: load it with platform/spec/load.hpp first.
PLATFORM_EXPORT Result<RenderedTree> render(const spec::PlatformSpec& spec, const RenderOptions& options = {});

/// The cluster manifests in apply order: Namespaces first, then by sync
/// wave, then kinds before the kinds that need them (RBAC and config before
/// workloads, Applications that install operators before custom resources).
PLATFORM_EXPORT std::vector<const Manifest*> apply_order(const RenderedTree& tree);

/// apply_order() as one multi-document YAML stream.
PLATFORM_EXPORT std::string to_yaml_stream(const RenderedTree& tree);

/// apply_order() as a JSON `List`.
PLATFORM_EXPORT std::string to_json_list(const RenderedTree& tree);

/// Every file of the tree with its content, in path order (includes the
/// `.platform-render` marker write_tree uses to recognise a previous render).
PLATFORM_EXPORT std::vector<File> files(const RenderedTree& tree);

/// Writes the tree to `dir` atomically: everything is written to a temporary
/// directory beside `dir`, which then replaces `dir` in one rename
/// (renameat2 RENAME_EXCHANGE when `dir` exists). On failure `dir` is left as
/// it was. Errors: kFailedPrecondition when `dir` exists, is not empty and is
/// not a previous render (no `.platform-render` marker), or is a file;
/// kUnavailable (with the OS error) when writing fails.
PLATFORM_EXPORT Status write_tree(const RenderedTree& tree, const std::filesystem::path& dir);

/// A table of what was rendered per component and wave (`--summary`).
PLATFORM_EXPORT std::string summary(const RenderedTree& tree);

/// The marker file write_tree puts at the root of every tree it writes.
inline constexpr const char* kRenderMarker = ".platform-render";

}  // namespace platform::render
