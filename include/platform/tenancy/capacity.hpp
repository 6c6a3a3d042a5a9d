// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Tenant capacity: how many integrations at the LimitRange's container
/// defaults fit a tenant's ResourceQuota, which resource binds, and what in
/// the quota and limits cannot work. With the seed's numbers:
/// min(4 / 200m, 8Gi / 256Mi, 8 / 500m, 16Gi / 512Mi, 20 pods) = 16, bound
/// by limits.cpu. An integration is one pod with one container that sets no
/// resources of its own (so it gets the LimitRange defaults). Arithmetic is
/// exact (platform/model/quantity.hpp). All functions are thread-safe.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/export.hpp"
#include "platform/model/core.hpp"
#include "platform/render/render.hpp"
#include "platform/status.hpp"

namespace platform::tenancy {

/// One quota line and what it allows.
struct CapacityLine {
  std::string resource;        ///< quota key, e.g. "limits.cpu"
  std::string hard;            ///< the quota, as written ("8")
  std::string per_integration; ///< what one integration uses ("500m"); "" when it uses none
  std::int64_t fits = -1;      ///< integrations this line allows; -1 when it does not limit them
  bool operator==(const CapacityLine&) const = default;
};

/// What fits in one tenant namespace.
struct Capacity {
  std::string namespace_;
  std::int64_t integrations = 0;      ///< integrations that fit (min over the lines)
  std::vector<std::string> binding;   ///< the quota keys that give the minimum
  std::vector<CapacityLine> lines;    ///< every quota key, in quota order
  std::vector<std::string> warnings;  ///< nothing fits; a quota without a default request/limit
  bool operator==(const Capacity&) const = default;
};

/// Capacity from a quota and a limit range (their Container item's
/// `defaultRequest` and `default`; a missing defaultRequest falls back to
/// `default`, as the API server does). Errors: kInvalidArgument for a value
/// that is not a quantity (naming the field).
PLATFORM_EXPORT Result<Capacity> capacity(const model::ResourceQuota& quota, const model::LimitRange& limits);

/// Capacity of tenant `name` (namespace user-<name>) in a rendered tree.
/// Errors: kNotFound when the tree has no ResourceQuota for that namespace
/// (the LimitRange may be absent: then nothing has defaults).
PLATFORM_EXPORT Result<Capacity> capacity(const render::RenderedTree& tree, const std::string& name);

/// Capacity of tenant `name` in a directory written by `platformctl render
/// --out`. Errors: kNotFound (no directory, no quota), kInvalidArgument (a
/// file that does not parse).
PLATFORM_EXPORT Result<Capacity> load_capacity(const std::filesystem::path& dir, const std::string& name);

/// A human-readable report (table + warnings), or "json" / "yaml".
PLATFORM_EXPORT std::string to_text(const Capacity& capacity, const std::string& format = "table");

}  // namespace platform::tenancy
