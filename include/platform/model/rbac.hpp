// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding,
/// ClusterRoleBinding. Plain value types; see meta.hpp for conventions.

#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// One rule of a Role or ClusterRole.
struct PolicyRule {
  std::vector<std::string> api_groups;  ///< "" is the core group
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> verbs;
  std::vector<std::string> non_resource_urls;  ///< `nonResourceURLs` (ClusterRole only)
  bool operator==(const PolicyRule&) const = default;
};

/// rbac/v1 Role (namespaced).
struct Role {
  static constexpr std::string_view kApiVersion = "rbac.authorization.k8s.io/v1";
  static constexpr std::string_view kKind = "Role";
  ObjectMeta metadata;
  std::vector<PolicyRule> rules;
  bool operator==(const Role&) const = default;
};

/// rbac/v1 ClusterRole.
struct ClusterRole {
  static constexpr std::string_view kApiVersion = "rbac.authorization.k8s.io/v1";
  static constexpr std::string_view kKind = "ClusterRole";
  ObjectMeta metadata;
  std::vector<PolicyRule> rules;
  bool operator==(const ClusterRole&) const = default;
};

/// Who a binding grants to.
struct Subject {
  std::string kind;        ///< "ServiceAccount", "User" or "Group"
  std::string name;
  std::string namespace_;  ///< ServiceAccounts only
  std::string api_group;   ///< "rbac.authorization.k8s.io" for User/Group
  bool operator==(const Subject&) const = default;
};

/// What a binding grants.
struct RoleRef {
  std::string api_group = "rbac.authorization.k8s.io";
  std::string kind;  ///< "Role" or "ClusterRole"
  std::string name;
  bool operator==(const RoleRef&) const = default;
};

/// rbac/v1 RoleBinding (namespaced).
struct RoleBinding {
  static constexpr std::string_view kApiVersion = "rbac.authorization.k8s.io/v1";
  static constexpr std::string_view kKind = "RoleBinding";
  ObjectMeta metadata;
  std::vector<Subject> subjects;
  RoleRef role_ref;
  bool operator==(const RoleBinding&) const = default;
};

/// rbac/v1 ClusterRoleBinding.
struct ClusterRoleBinding {
  static constexpr std::string_view kApiVersion = "rbac.authorization.k8s.io/v1";
  static constexpr std::string_view kKind = "ClusterRoleBinding";
  ObjectMeta metadata;
  std::vector<Subject> subjects;
  RoleRef role_ref;
  bool operator==(const ClusterRoleBinding&) const = default;
};

}  // namespace platform::model
