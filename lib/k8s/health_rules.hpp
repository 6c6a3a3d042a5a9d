// SPDX-License-Identifier: Apache-2.0
#pragma once

// The health rule table behind platform/k8s/health.hpp, for the apply engine,
// which already holds parsed objects.

#include <string_view>

#include "internal/yaml_json.hpp"
#include "platform/k8s/health.hpp"

namespace platform::k8s::internal {

/// Assesses a parsed object (null or {} is Missing).
Assessment assess_object(const platform::internal::Json& object);

/// The API group of an apiVersion ("apps/v1" -> "apps", "v1" -> "").
std::string_view group_of(std::string_view api_version);

}  // namespace platform::k8s::internal
