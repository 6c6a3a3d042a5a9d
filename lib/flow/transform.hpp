// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "flow/yaml_check.hpp"
#include "platform/flow/transformer.hpp"

namespace platform::internal {

/// The transform section at `pointer` of a document.
Result<flow::TransformSpec> transform_from_json(const DocContext& ctx, const Json& value, const std::string& pointer);

}  // namespace platform::internal
