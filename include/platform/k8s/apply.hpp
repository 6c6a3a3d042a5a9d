// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Applying the rendered platform to a cluster: server-side apply exactly as
/// `kubectl apply --server-side` sends it, Namespaces and CRDs first, then
/// sync wave by sync wave, waiting for each wave to be healthy (the rule
/// table of health.hpp) before the next; plus diff, prune, tenant offboarding
/// and status.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/export.hpp"
#include "platform/k8s/client.hpp"
#include "platform/k8s/health.hpp"
#include "platform/status.hpp"

namespace platform::k8s {

/// The labels that mark an object as applied by platformctl for one
/// platform; `--prune` deletes only objects carrying both.
inline constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kManagedByValue = "platformctl";
inline constexpr std::string_view kPartOfLabel = "app.kubernetes.io/part-of";
/// Argo CD's sync-wave annotation; objects without it are in wave 0.
inline constexpr std::string_view kSyncWaveAnnotation = "argocd.argoproj.io/sync-wave";

/// One object to apply, as read from a YAML stream.
struct Manifest {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string ns;      ///< as written ("" for cluster-scoped or unset)
  int wave = 0;        ///< argocd.argoproj.io/sync-wave
  std::string source;  ///< where it came from: "file.yaml:12:1"
  std::string json;    ///< the object as JSON text

  /// "Kind namespace/name" or "Kind name".
  [[nodiscard]] std::string ref() const;
};

/// Parses a multi-document YAML (or JSON) stream. Every document needs
/// apiVersion, kind and metadata.name, and an integer sync-wave if it has
/// one; all problems are reported together (kInvalidArgument with a Detail
/// per document) and nothing is returned half-way. Empty documents and
/// kustomize `Kustomization` files are skipped.
PLATFORM_EXPORT Result<std::vector<Manifest>> parse_manifests(std::string_view yaml, std::string_view source_name);

/// Reads manifests from a file, a directory (its *.yaml, *.yml and *.json
/// files, sorted by name, not recursive) or "-" for standard input.
PLATFORM_EXPORT Result<std::vector<Manifest>> read_manifests(const std::string& path);

/// The GitOps bootstrap subset: the Argo CD install (objects in the Argo CD
/// namespace, that namespace, argoproj.io CRDs, cluster RBAC named argocd-*)
/// and the root Application named `root_application` (render names it
/// "<spec name>-root").
PLATFORM_EXPORT std::vector<Manifest> select_bootstrap(const std::vector<Manifest>& manifests,
                                                       std::string_view argocd_namespace = "argocd",
                                                       std::string_view root_application = "platform-root");

/// How to apply.
struct ApplyOptions {
  std::string field_manager = "platformctl";
  bool dry_run = false;           ///< --dry-run=server: dryRun=All, nothing stored, no waiting
  bool force_conflicts = false;   ///< force=true: take over fields other managers own
  bool wait = true;               ///< wait for each wave to be healthy before the next
  std::chrono::seconds wave_timeout{300};
  std::chrono::milliseconds poll_interval{1000};  ///< when the server refuses watches
  std::string platform_name = "platform";  ///< value of app.kubernetes.io/part-of
  bool add_ownership_labels = true;        ///< add the two labels when a manifest lacks them
  bool prune = false;           ///< delete labelled objects that are no longer rendered
  bool force = false;           ///< with prune: also delete namespaces that hold PVCs
  /// Progress lines; `transient` lines are live updates a terminal may overwrite.
  std::function<void(std::string_view line, bool transient)> progress;
};

/// What happened to one object.
struct ObjectOutcome {
  std::string ref;      ///< Manifest::ref()
  int wave = 0;
  std::string action;   ///< "created", "applied", "pruned", "failed", "skipped"
  Assessment health;    ///< the last assessment (after waiting)
  Status status;        ///< the failure, if any

  bool operator==(const ObjectOutcome&) const = default;
};

/// The outcome of an apply, prune or delete.
struct ApplyReport {
  std::vector<ObjectOutcome> objects;
  std::size_t requests = 0;                 ///< HTTP requests sent, retries included
  std::chrono::milliseconds elapsed{0};
  Status status;                            ///< ok, or the first failure that stopped the run
};

/// Applies `manifests`: Namespaces and CRDs first, then each wave in
/// ascending order; within a wave, objects in stream order. Before the next
/// wave, every object of the current one must be Healthy (watched, polled
/// where watches are refused); a Degraded object or the wave timeout stops
/// the run. Object errors within a wave are all reported; the next wave is
/// not started. Not thread-safe with respect to `client`.
PLATFORM_EXPORT ApplyReport apply(Client& client, const std::vector<Manifest>& manifests, const ApplyOptions& options);

/// One object's difference between the live state and what apply would make of it.
struct ObjectDiff {
  std::string ref;
  bool exists = false;   ///< false: apply would create it
  std::string unified;   ///< "--- live\n+++ applied\n..." lines; empty when equal
};

/// Server-side dry-run apply of each manifest compared with the live object,
/// managedFields, resourceVersion, generation, uid, timestamps and status
/// aside. Errors: the first request failure.
PLATFORM_EXPORT Result<std::vector<ObjectDiff>> diff(Client& client, const std::vector<Manifest>& manifests,
                                                     const ApplyOptions& options);

/// Deletes the objects that carry the ownership labels of
/// `options.platform_name` but are not in `manifests`, in reverse wave order,
/// namespaces last; a namespace that holds PersistentVolumeClaims is kept
/// (reported as failed) unless `options.force`.
PLATFORM_EXPORT ApplyReport prune(Client& client, const std::vector<Manifest>& manifests, const ApplyOptions& options);

/// Offboards tenant `name`: the objects in namespace `user-<name>` in
/// reverse dependency order (workloads and custom resources, then services
/// and config, then RBAC, quota and network policy), then the namespace, and
/// waits until it is gone. Refuses while PVCs exist unless `options.force`.
PLATFORM_EXPORT ApplyReport delete_tenant(Client& client, std::string_view name, const ApplyOptions& options);

/// Health of one platform object, for `status`.
struct ObjectStatus {
  std::string ref;
  int wave = 0;
  std::string component;  ///< app.kubernetes.io/name, else the namespace
  Assessment health;
};

/// Reads every object the manifests name (or, with no manifests, every
/// object carrying the ownership labels) and assesses it. Missing objects
/// are Missing.
PLATFORM_EXPORT Result<std::vector<ObjectStatus>> status(Client& client, const std::vector<Manifest>& manifests,
                                                         const ApplyOptions& options);

}  // namespace platform::k8s
