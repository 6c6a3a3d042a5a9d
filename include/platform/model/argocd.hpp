// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Argo CD 2.13 kinds (argoproj.io/v1alpha1): Application and AppProject.
/// See meta.hpp for conventions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// The annotation ordering resources and Applications within a sync.
inline constexpr std::string_view kSyncWaveAnnotation = "argocd.argoproj.io/sync-wave";

/// `source.helm`.
struct HelmSource {
  std::string release_name;
  FreeForm values_object;  ///< `valuesObject`: the chart values as structured data
  std::optional<bool> skip_crds;
  bool operator==(const HelmSource&) const = default;
};

/// `source.kustomize.patches[].target`.
struct KustomizePatchTarget {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_;
  std::string label_selector;
  bool operator==(const KustomizePatchTarget&) const = default;
};

/// One `source.kustomize.patches[]` item (strategic merge or JSON 6902 text).
struct KustomizePatch {
  std::string patch;
  std::optional<KustomizePatchTarget> target;
  bool operator==(const KustomizePatch&) const = default;
};

/// `source.kustomize`.
struct KustomizeSource {
  std::string namespace_;  ///< overrides every resource's namespace
  std::vector<KustomizePatch> patches;
  bool operator==(const KustomizeSource&) const = default;
};

/// `source.directory`: a plain directory of manifests.
struct DirectorySource {
  std::optional<bool> recurse;
  std::string include;
  std::string exclude;
  bool operator==(const DirectorySource&) const = default;
};

/// Where an Application's manifests come from: a git path or a Helm chart
/// (`chart` set; `repo_url` is the chart repository, without "oci://" for OCI).
struct ApplicationSource {
  std::string repo_url;
  std::string path;
  std::string target_revision;
  std::string chart;
  std::optional<HelmSource> helm;
  std::optional<KustomizeSource> kustomize;
  std::optional<DirectorySource> directory;
  bool operator==(const ApplicationSource&) const = default;
};

/// Where an Application deploys to.
struct ApplicationDestination {
  std::string server;      ///< e.g. "https://kubernetes.default.svc"
  std::string name;        ///< cluster name, alternative to server
  std::string namespace_;
  bool operator==(const ApplicationDestination&) const = default;
};

/// `syncPolicy.automated`.
struct AutomatedSync {
  bool prune = false;
  bool self_heal = false;
  std::optional<bool> allow_empty;
  bool operator==(const AutomatedSync&) const = default;
};

/// `syncPolicy.retry.backoff`.
struct RetryBackoff {
  std::string duration;      ///< e.g. "5s"
  std::optional<int> factor;
  std::string max_duration;  ///< e.g. "3m"
  bool operator==(const RetryBackoff&) const = default;
};

/// `syncPolicy.retry`.
struct RetryStrategy {
  std::optional<int> limit;
  std::optional<RetryBackoff> backoff;
  bool operator==(const RetryStrategy&) const = default;
};

/// `syncPolicy`.
struct SyncPolicy {
  std::optional<AutomatedSync> automated;
  std::vector<std::string> sync_options;  ///< e.g. "ServerSideApply=true", "CreateNamespace=true"
  std::optional<RetryStrategy> retry;
  bool operator==(const SyncPolicy&) const = default;
};

/// Application `spec`.
struct ApplicationSpec {
  std::string project = "default";
  std::optional<ApplicationSource> source;
  ApplicationDestination destination;
  std::optional<SyncPolicy> sync_policy;
  bool operator==(const ApplicationSpec&) const = default;
};

/// argoproj.io/v1alpha1 Application.
struct Application {
  static constexpr std::string_view kApiVersion = "argoproj.io/v1alpha1";
  static constexpr std::string_view kKind = "Application";
  ObjectMeta metadata;
  ApplicationSpec spec;
  bool operator==(const Application&) const = default;
};

/// A group and kind (AppProject white/black lists).
struct GroupKind {
  std::string group;  ///< "" is the core group, "*" any
  std::string kind;
  bool operator==(const GroupKind&) const = default;
};

/// AppProject `spec`.
struct AppProjectSpec {
  std::string description;
  std::vector<std::string> source_repos;
  std::vector<ApplicationDestination> destinations;
  std::vector<GroupKind> cluster_resource_whitelist;
  std::vector<GroupKind> namespace_resource_whitelist;
  bool operator==(const AppProjectSpec&) const = default;
};

/// argoproj.io/v1alpha1 AppProject.
struct AppProject {
  static constexpr std::string_view kApiVersion = "argoproj.io/v1alpha1";
  static constexpr std::string_view kKind = "AppProject";
  ObjectMeta metadata;
  AppProjectSpec spec;
  bool operator==(const AppProject&) const = default;
};

}  // namespace platform::model
