// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// RabbitMQ cluster operator 2.10 kind (rabbitmq.com/v1beta1):
/// RabbitmqCluster. See meta.hpp for conventions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/model/meta.hpp"

namespace platform::model {

/// `spec.persistence`.
struct RabbitmqPersistence {
  std::string storage_class_name;
  std::string storage;  ///< quantity per replica
  bool operator==(const RabbitmqPersistence&) const = default;
};

/// `spec.rabbitmq`: plugins and configuration files.
struct RabbitmqConfig {
  std::vector<std::string> additional_plugins;
  std::string additional_config;  ///< rabbitmq.conf lines (sysctl format)
  std::string advanced_config;    ///< advanced.config (Erlang terms)
  std::string env_config;         ///< rabbitmq-env.conf
  bool operator==(const RabbitmqConfig&) const = default;
};

/// `spec.service`.
struct RabbitmqService {
  std::string type;  ///< "ClusterIP" (""), "NodePort", "LoadBalancer"
  StringMap annotations;
  bool operator==(const RabbitmqService&) const = default;
};

/// RabbitmqCluster `spec`.
struct RabbitmqClusterSpec {
  std::optional<int> replicas;
  std::string image;  ///< "" = the operator's default image
  std::optional<RabbitmqService> service;
  std::optional<RabbitmqPersistence> persistence;
  std::optional<ResourceRequirements> resources;
  std::optional<RabbitmqConfig> rabbitmq;
  bool operator==(const RabbitmqClusterSpec&) const = default;
};

/// rabbitmq.com/v1beta1 RabbitmqCluster.
struct RabbitmqCluster {
  static constexpr std::string_view kApiVersion = "rabbitmq.com/v1beta1";
  static constexpr std::string_view kKind = "RabbitmqCluster";
  ObjectMeta metadata;
  RabbitmqClusterSpec spec;
  bool operator==(const RabbitmqCluster&) const = default;
};

}  // namespace platform::model
