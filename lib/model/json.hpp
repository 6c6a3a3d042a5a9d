// SPDX-License-Identifier: Apache-2.0
#pragma once

// Resource <-> ordered JSON, for other areas of the library (render,
// validate) that work on JSON documents without going through text.

#include "internal/yaml_json.hpp"
#include "platform/model/resource.hpp"

namespace platform::model {

/// The resource as a kubectl-ordered JSON object.
internal::Json to_json_value(const Resource& resource);

/// Reads a resource from a JSON object; `document` (may be null) gives
/// source locations for errors.
Result<Resource> from_json_value(const internal::Json& value, const internal::YamlDocument* document,
                                 const internal::YamlParseOptions& options);

}  // namespace platform::model
