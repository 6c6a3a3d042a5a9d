// SPDX-License-Identifier: Apache-2.0
#include "platform/tenancy/capacity.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "internal/yaml_json.hpp"
#include "model/json.hpp"
#include "platform/model/quantity.hpp"
#include "platform/tenancy/tenant.hpp"
#include "tenancy/files.hpp"

namespace platform::tenancy {
namespace {

using model::Quantity;
using platform::internal::Json;

struct Use {
  const char* what;     // "request" or "limit"
  const char* resource; // "cpu", "memory", "ephemeral-storage"
};

// What one container uses of a quota key; nullopt when it uses none.
std::optional<Use> use_of(const std::string& key) {
  static const std::vector<std::string> kResources{"cpu", "memory", "ephemeral-storage"};
  for (const auto& r : kResources) {
    if (key == r || key == "requests." + r) return Use{"request", r.c_str()};
    if (key == "limits." + r) return Use{"limit", r.c_str()};
  }
  return std::nullopt;
}

}  // namespace

Result<Capacity> capacity(const model::ResourceQuota& quota, const model::LimitRange& limits) {
  Capacity c;
  c.namespace_ = quota.metadata.namespace_;
  model::StringMap defaults, requests;
  for (const auto& item : limits.spec.limits) {
    if (item.type != "Container") continue;
    defaults = item.default_;
    requests = item.default_request;
  }
  // A LimitRange with a default limit and no default request requests the limit.
  for (const auto& [k, v] : defaults) requests.emplace(k, v);
  std::vector<Detail> bad;
  auto parse = [&](const std::string& v, const std::string& where) -> std::optional<Quantity> {
    auto q = Quantity::parse(v);
    if (!q.ok()) {
      bad.push_back({"", where, q.status().message(), "quantity"});
      return std::nullopt;
    }
    return *q;
  };
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  for (const auto& [key, hard] : quota.spec.hard) {
    CapacityLine line{key, hard, "", -1};
    auto hq = parse(hard, "ResourceQuota " + quota.metadata.name + " spec.hard." + key);
    if (!hq) continue;
    if (key == "pods" || key == "count/pods") {
      line.per_integration = "1";
      line.fits = hq->fits(Quantity::from_units(1));
    } else if (auto use = use_of(key)) {
      const model::StringMap& from = std::string(use->what) == "request" ? requests : defaults;
      auto it = from.find(use->resource);
      if (it == from.end()) {
        c.warnings.push_back("the quota sets " + key + " but the LimitRange gives containers no default " + use->what +
                             " for " + use->resource + ": every pod that does not set " + use->what + "s." +
                             use->resource + " itself is refused; add it to the LimitRange's " +
                             (std::string(use->what) == "request" ? "defaultRequest" : "default"));
      } else if (auto per = parse(it->second, "LimitRange " + limits.metadata.name + " " + use->resource)) {
        line.per_integration = it->second;
        line.fits = per->is_zero() ? -1 : hq->fits(*per);
      }
    }
    if (line.fits >= 0) best = std::min(best, line.fits);
    c.lines.push_back(std::move(line));
  }
  if (!bad.empty()) return invalid_argument("cannot compute capacity: invalid quantities", std::move(bad));
  c.integrations = best == std::numeric_limits<std::int64_t>::max() ? 0 : best;
  for (const auto& l : c.lines) {
    if (l.fits >= 0 && l.fits == c.integrations) c.binding.push_back(l.resource);
  }
  if (best != std::numeric_limits<std::int64_t>::max() && c.integrations == 0) {
    std::string which;
    for (const auto& l : c.lines) {
      if (l.fits == 0) which += (which.empty() ? "" : ", ") + l.resource + " " + l.hard + " < " + l.per_integration;
    }
    c.warnings.insert(c.warnings.begin(), "not even one integration fits: " + which +
                                              "; raise the quota or lower the container defaults");
  }
  return c;
}

namespace {

Result<Capacity> from_objects(const model::ResourceQuota* quota, const model::LimitRange* limits, const std::string& ns) {
  if (quota == nullptr) {
    return not_found("no ResourceQuota in namespace " + ns + "; is the tenant in the spec and the tree rendered with it?");
  }
  return capacity(*quota, limits != nullptr ? *limits : model::LimitRange{});
}

}  // namespace

Result<Capacity> capacity(const render::RenderedTree& tree, const std::string& name) {
  const std::string ns = std::string(kTenantNamespacePrefix) + name;
  const model::ResourceQuota* quota = nullptr;
  const model::LimitRange* limits = nullptr;
  for (const auto& m : tree.manifests) {
    if (m.resource.metadata().namespace_ != ns) continue;
    if (const auto* q = m.resource.get_if<model::ResourceQuota>()) quota = q;
    if (const auto* l = m.resource.get_if<model::LimitRange>()) limits = l;
  }
  return from_objects(quota, limits, ns);
}

Result<Capacity> load_capacity(const std::filesystem::path& dir, const std::string& name) {
  namespace fs = std::filesystem;
  const std::string ns = std::string(kTenantNamespacePrefix) + name;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found("no such manifests directory: " + dir.string());
  // A render keeps a tenant in tenants/<ns>/; any other layout is searched whole.
  const fs::path own = dir / "tenants" / ns;
  const fs::path root = fs::is_directory(own, ec) ? own : dir;
  std::optional<model::ResourceQuota> quota;
  std::optional<model::LimitRange> limits;
  PLATFORM_RETURN_IF_ERROR(internal::for_each_document(
      root, [&](const fs::path&, const platform::internal::YamlDocument& d,
                const platform::internal::YamlParseOptions& options) -> Status {
        if (!d.value.is_object()) return {};
        const std::string kind = d.value.value("kind", "");
        if (kind != "ResourceQuota" && kind != "LimitRange") return {};
        const Json meta = d.value.value("metadata", Json::object());
        if (!meta.is_object() || meta.value("namespace", "") != ns) return {};
        auto r = model::from_json_value(d.value, &d, options);
        if (!r.ok()) return r.status();
        if (const auto* q = r->get_if<model::ResourceQuota>()) quota = *q;
        if (const auto* l = r->get_if<model::LimitRange>()) limits = *l;
        return {};
      }));
  return from_objects(quota ? &*quota : nullptr, limits ? &*limits : nullptr, ns);
}

std::string to_text(const Capacity& c, const std::string& format) {
  if (format == "json" || format == "yaml") {
    Json lines = Json::array();
    for (const auto& l : c.lines) {
      Json j = {{"resource", l.resource}, {"hard", l.hard}, {"per_integration", l.per_integration}};
      j["fits"] = l.fits >= 0 ? Json(l.fits) : Json(nullptr);
      lines.push_back(std::move(j));
    }
    Json j = {{"namespace", c.namespace_}, {"integrations", c.integrations}, {"binding", c.binding},
              {"lines", lines}, {"warnings", c.warnings}};
    return format == "json" ? j.dump(2) + "\n" : platform::internal::to_yaml(j);
  }
  std::string binding;
  for (const auto& b : c.binding) binding += (binding.empty() ? "" : ", ") + b;
  std::string out = c.namespace_ + ": " + std::to_string(c.integrations) + " integrations fit at the LimitRange defaults" +
                    (binding.empty() ? "" : " (bound by " + binding + ")") + "\n";
  std::size_t w = 8;
  for (const auto& l : c.lines) w = std::max(w, l.resource.size());
  auto pad = [](std::string s, std::size_t n) { s.resize(std::max(n, s.size()), ' '); return s; };
  out += pad("RESOURCE", w) + "  " + pad("QUOTA", 8) + "  " + pad("PER-INTEGRATION", 15) + "  FITS\n";
  for (const auto& l : c.lines) {
    out += pad(l.resource, w) + "  " + pad(l.hard, 8) + "  " + pad(l.per_integration.empty() ? "-" : l.per_integration, 15) +
           "  " + (l.fits >= 0 ? std::to_string(l.fits) : "-") + "\n";
  }
  for (const auto& wmsg : c.warnings) out += "warning: " + wmsg + "\n";
  return out;
}

}  // namespace platform::tenancy
