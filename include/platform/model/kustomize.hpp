// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// kustomize.config.k8s.io/v1beta1 Kustomization (a `kustomization.yaml`)
/// and kind.x-k8s.io/v1alpha4 Cluster (a kind cluster config): the two
/// documents the platform writes that are not cluster objects.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// One `labels` item of a Kustomization.
struct KustomizationLabels {
  StringMap pairs;
  std::optional<bool> include_selectors;
  bool operator==(const KustomizationLabels&) const = default;
};

/// A `kustomization.yaml`. `metadata` is normally empty (then not written).
struct Kustomization {
  static constexpr std::string_view kApiVersion = "kustomize.config.k8s.io/v1beta1";
  static constexpr std::string_view kKind = "Kustomization";
  ObjectMeta metadata;
  std::string namespace_;
  std::vector<std::string> resources;  ///< files and directories, relative
  std::vector<std::string> components;
  std::vector<KustomizationLabels> labels;
  StringMap common_annotations;
  bool operator==(const Kustomization&) const = default;
};

/// A host port mapping of a kind node.
struct KindPortMapping {
  int container_port = 0;
  int host_port = 0;
  std::string listen_address;
  std::string protocol;  ///< "TCP" (""), "UDP", "SCTP"
  bool operator==(const KindPortMapping&) const = default;
};

/// A kind node.
struct KindNode {
  std::string role;  ///< "control-plane" or "worker"
  std::string image;
  std::vector<KindPortMapping> extra_port_mappings;
  bool operator==(const KindNode&) const = default;
};

/// kind.x-k8s.io/v1alpha4 Cluster: the local cluster config (`kind create
/// cluster --config`). Its name is the top-level `name`; `metadata` is unused.
struct KindCluster {
  static constexpr std::string_view kApiVersion = "kind.x-k8s.io/v1alpha4";
  static constexpr std::string_view kKind = "Cluster";
  ObjectMeta metadata;
  std::string name;
  std::vector<KindNode> nodes;
  bool operator==(const KindCluster&) const = default;
};

}  // namespace platform::model
