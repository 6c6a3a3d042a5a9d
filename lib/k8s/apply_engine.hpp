// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pieces shared by apply, diff, prune, delete and status.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/k8s/apply.hpp"
#include "platform/k8s/resources.hpp"

namespace platform::k8s::internal {

/// Kind -> path pieces: the static table first, then CRDs seen in the stream,
/// then discovery (/api, /apis), fetched once.
class ResourceMapper {
 public:
  explicit ResourceMapper(Client& client) : client_(client) {}
  Result<ResourceType> resolve(std::string_view api_version, std::string_view kind);
  /// Learns the kinds a CRD (in the stream) defines.
  void learn_crd(const nlohmann::json& crd);

 private:
  Status discover();
  Client& client_;
  std::map<std::string, ResourceType> learned_;  // "apiVersion|Kind"
  bool discovered_ = false;
};

/// The object as kubectl sends it: keys sorted, the namespace filled in for
/// namespaced kinds, the ownership labels added when asked.
nlohmann::json apply_object(const Manifest& m, const ResourceType& type, const std::string& default_namespace,
                            const ApplyOptions& options);

/// The apply PATCH for an object (query keys in kubectl's order).
HttpRequest apply_request(const nlohmann::json& object, const ResourceType& type, const ApplyOptions& options,
                          bool dry_run, const std::string& what);

/// The namespace an object goes to ("" for cluster-scoped kinds).
std::string namespace_of(const nlohmann::json& object);

/// metadata.name, or "" when the object has none.
std::string name_of(const nlohmann::json& object);

/// Percent-encodes a query value.
std::string url_encode(std::string_view s);

/// Waits until every named object of one collection (`type` in `ns`) is
/// Healthy, Degraded or Missing, or the deadline passes: a LIST (for the
/// current state and a resourceVersion), then a WATCH from it, re-listing
/// when the stream ends; polling by LIST when the server refuses watches.
/// One LIST and one WATCH serve a whole wave of the same kind. Returns the
/// last assessment per name.
std::map<std::string, Assessment> wait_settled(Client& client, const ResourceType& type, const std::string& ns,
                                               const std::vector<std::string>& names,
                                               std::chrono::steady_clock::time_point deadline,
                                               const ApplyOptions& options);

/// A GET of `target`; `what` names the object in messages.
inline HttpRequest get_request(std::string target, std::string what) {
  HttpRequest r;
  r.target = std::move(target);
  r.what = std::move(what);
  return r;
}

/// Sends `line` to options.progress if set.
void progress(const ApplyOptions& options, std::string_view line, bool transient = false);

}  // namespace platform::k8s::internal
