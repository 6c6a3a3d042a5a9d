// SPDX-License-Identifier: Apache-2.0
#include "platform/k8s/apply.hpp"

#include <cmath>
#include <set>
#include <thread>

#include "k8s/apply_engine.hpp"
#include "k8s/health_rules.hpp"

namespace platform::k8s {
namespace internal {

using nlohmann::json;

void progress(const ApplyOptions& options, std::string_view line, bool transient) {
  if (options.progress) options.progress(line, transient);
}

std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string namespace_of(const json& object) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return {};
  return md->value("namespace", "");
}

std::string name_of(const json& object) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return {};
  return md->value("name", "");
}

void ResourceMapper::learn_crd(const json& crd) {
  if (!crd.contains("spec") || !crd["spec"].is_object()) return;
  const json& spec = crd["spec"];
  const json names = spec.value("names", json::object());
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.is_object() || !v.value("served", true)) continue;
    ResourceType t{spec.value("group", ""), v.value("name", ""), names.value("kind", ""), names.value("plural", ""),
                   spec.value("scope", "Namespaced") == "Namespaced", provider_of_group(spec.value("group", ""))};
    learned_[t.api_version() + "|" + t.kind] = t;
  }
}

Status ResourceMapper::discover() {
  discovered_ = true;
  const std::string accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
  for (const char* root : {"/api", "/apis"}) {
    HttpRequest r;
    r.target = root;
    r.headers = {{"Accept", accept}};
    r.what = "API discovery";
    auto res = client_.send(r);
    if (!res.ok()) return res.status();
    json doc = json::parse(res->body, nullptr, false);
    if (!doc.is_object()) continue;
    if (doc.value("kind", "") == "APIGroupDiscoveryList") {
      for (const auto& g : doc.value("items", json::array())) {
        std::string group = g.contains("metadata") ? g["metadata"].value("name", "") : "";
        for (const auto& v : g.value("versions", json::array())) {
          for (const auto& rs : v.value("resources", json::array())) {
            if (!rs.contains("responseKind")) continue;
            ResourceType t{group, v.value("version", ""), rs["responseKind"].value("kind", ""), rs.value("resource", ""),
                           rs.value("scope", "Namespaced") == "Namespaced", provider_of_group(group)};
            learned_.emplace(t.api_version() + "|" + t.kind, t);
          }
        }
      }
      continue;
    }
    // Legacy discovery: list the group versions, then each one's resources.
    std::vector<std::string> gvs;
    if (doc.value("kind", "") == "APIVersions") {
      for (const auto& v : doc.value("versions", json::array())) gvs.push_back("/api/" + v.get<std::string>());
    } else if (doc.value("kind", "") == "APIGroupList") {
      for (const auto& g : doc.value("groups", json::array())) {
        for (const auto& v : g.value("versions", json::array())) gvs.push_back("/apis/" + v.value("groupVersion", ""));
      }
    }
    for (const auto& gv : gvs) {
      auto list = client_.send(internal::get_request(gv, "API discovery"));
      if (!list.ok()) continue;
      json rl = json::parse(list->body, nullptr, false);
      if (!rl.is_object()) continue;
      std::string group_version = rl.value("groupVersion", "");
      auto slash = group_version.find('/');
      std::string group = slash == std::string::npos ? "" : group_version.substr(0, slash);
      std::string version = slash == std::string::npos ? group_version : group_version.substr(slash + 1);
      for (const auto& rs : rl.value("resources", json::array())) {
        std::string plural = rs.value("name", "");
        if (plural.find('/') != std::string::npos) continue;  // subresources
        ResourceType t{group, version, rs.value("kind", ""), plural, rs.value("namespaced", true), provider_of_group(group)};
        learned_.emplace(t.api_version() + "|" + t.kind, t);
      }
    }
  }
  return {};
}

Result<ResourceType> ResourceMapper::resolve(std::string_view api_version, std::string_view kind) {
  if (const ResourceType* t = find_resource_type(api_version, kind)) return *t;
  std::string key = std::string(api_version) + "|" + std::string(kind);
  auto it = learned_.find(key);
  if (it != learned_.end()) return it->second;
  if (!discovered_) {
    PLATFORM_RETURN_IF_ERROR(discover());
    it = learned_.find(key);
    if (it != learned_.end()) return it->second;
  }
  std::string group(group_of(api_version));
  std::string provider = provider_of_group(group);
  return Status(StatusCode::kFailedPrecondition,
                "the API server does not serve kind " + std::string(kind) + " in " + std::string(api_version) +
                    (provider.empty() ? "; install its CRD first" : "; install " + provider + " first"));
}

json apply_object(const Manifest& m, const ResourceType& type, const std::string& default_namespace,
                  const ApplyOptions& options) {
  json obj = json::parse(m.json);  // std::map keys: sorted like kubectl's body
  json& md = obj["metadata"];
  if (type.namespaced && md.value("namespace", "").empty()) md["namespace"] = default_namespace;
  if (options.add_ownership_labels) {
    json& labels = md["labels"];
    if (!labels.is_object()) labels = json::object();
    if (!labels.contains(kManagedByLabel)) labels[std::string(kManagedByLabel)] = kManagedByValue;
    if (!labels.contains(kPartOfLabel)) labels[std::string(kPartOfLabel)] = options.platform_name;
  }
  return obj;
}

HttpRequest apply_request(const json& object, const ResourceType& type, const ApplyOptions& options, bool dry_run,
                          const std::string& what) {
  HttpRequest r;
  r.method = "PATCH";
  // Keys in the order kubectl sends them (Go's url.Values.Encode sorts).
  std::string query = dry_run ? "dryRun=All&" : "";
  query += "fieldManager=" + url_encode(options.field_manager) + "&fieldValidation=Strict&force=" +
           (options.force_conflicts ? "true" : "false");
  r.target = type.object_path(namespace_of(object), object["metadata"].value("name", "")) + "?" + query;
  r.headers = {{"Content-Type", "application/apply-patch+yaml"}, {"Accept", "application/json"}};
  r.body = object.dump() + "\n";
  r.what = what;
  return r;
}

std::map<std::string, Assessment> wait_settled(Client& client, const ResourceType& type, const std::string& ns,
                                               const std::vector<std::string>& names,
                                               std::chrono::steady_clock::time_point deadline,
                                               const ApplyOptions& options) {
  using clock = std::chrono::steady_clock;
  std::map<std::string, Assessment> state;
  for (const auto& n : names) state[n] = {Health::kProgressing, "not assessed yet"};
  std::size_t open = names.size();
  auto settled = [](const Assessment& a) {
    return a.health == Health::kHealthy || a.health == Health::kDegraded || a.health == Health::kMissing;
  };
  auto update = [&](const std::string& name, Assessment a) {
    auto it = state.find(name);
    if (it == state.end() || settled(it->second)) return;
    it->second = std::move(a);
    if (settled(it->second)) --open;
    progress(options,
             type.kind + " " + (ns.empty() ? name : ns + "/" + name) + ": " + std::string(to_string(it->second.health)) +
                 " " + it->second.message + " (" + std::to_string(names.size() - open) + "/" +
                 std::to_string(names.size()) + " settled)",
             true);
  };
  // One object: select it by name so the server sends only its events.
  const std::string selector =
      names.size() == 1 ? "fieldSelector=" + url_encode("metadata.name=" + names.front()) + "&" : std::string();
  const std::string what = type.plural + (ns.empty() ? "" : " in " + ns);
  bool watch_allowed = true;
  while (open > 0 && clock::now() < deadline) {
    auto list = client.send(get_request(type.collection_path(ns) + (selector.empty() ? "" : "?" + selector.substr(0, selector.size() - 1)), what));
    std::string resource_version;
    if (list.ok()) {
      json doc = json::parse(list->body, nullptr, false);
      std::set<std::string> seen;
      if (doc.is_object()) {
        resource_version = doc.contains("metadata") ? doc["metadata"].value("resourceVersion", "") : "";
        for (const auto& item : doc.value("items", json::array())) {
          std::string n = name_of(item);
          seen.insert(n);
          update(n, assess_object(item));
        }
      }
      for (const auto& n : names) {
        if (seen.count(n) == 0) update(n, {Health::kMissing, "not found after apply"});
      }
    } else {
      for (const auto& n : names) {
        if (!settled(state[n])) state[n].message = list.status().message();
      }
    }
    if (open == 0) break;
    auto remaining = std::chrono::duration_cast<std::chrono::seconds>(deadline - clock::now()).count();
    if (remaining < 1) remaining = 1;
    if (watch_allowed && !resource_version.empty()) {
      HttpRequest w = get_request(type.collection_path(ns) + "?" + selector + "resourceVersion=" +
                                      url_encode(resource_version) + "&timeoutSeconds=" + std::to_string(remaining) +
                                      "&watch=1",
                                  what);
      w.timeout = std::chrono::seconds(remaining + 5);
      Status st = client.watch(w, [&](std::string_view line) {
        json ev = json::parse(line, nullptr, false);
        if (!ev.is_object()) return true;
        const std::string type_name = ev.value("type", "");
        if (type_name == "ERROR") return false;  // e.g. 410 Gone: list again
        if (type_name == "BOOKMARK" || !ev.contains("object") || !ev["object"].contains("metadata")) return true;
        const json& obj = ev["object"];
        std::string n = obj["metadata"].value("name", "");
        if (type_name == "DELETED") {
          update(n, {Health::kMissing, "deleted while waiting"});
        } else {
          update(n, assess_object(obj));
        }
        return open > 0;
      });
      if (!st.ok()) watch_allowed = false;  // refused or broken: poll from now on
      continue;
    }
    auto left = deadline - clock::now();
    if (left <= clock::duration::zero()) break;
    std::this_thread::sleep_for(std::min<clock::duration>(options.poll_interval, left));
  }
  return state;
}

}  // namespace internal

namespace {

using nlohmann::json;

struct Stage {
  std::string label;
  std::vector<const Manifest*> items;
};

std::vector<Stage> stages_of(const std::vector<Manifest>& manifests) {
  Stage first{"namespaces and CRDs", {}};
  std::map<int, std::vector<const Manifest*>> waves;
  for (const auto& m : manifests) {
    if ((m.kind == "Namespace" && m.api_version == "v1") ||
        (m.kind == "CustomResourceDefinition" && m.api_version.rfind("apiextensions.k8s.io/", 0) == 0)) {
      first.items.push_back(&m);
    } else {
      waves[m.wave].push_back(&m);
    }
  }
  std::vector<Stage> out;
  if (!first.items.empty()) out.push_back(std::move(first));
  for (auto& [w, items] : waves) out.push_back(Stage{"wave " + std::to_string(w), std::move(items)});
  return out;
}

Status with_source(Status s, const Manifest& m) {
  s.add_detail(Detail{m.source, "", m.ref(), ""});
  return s;
}

}  // namespace

ApplyReport apply(Client& client, const std::vector<Manifest>& manifests, const ApplyOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const std::size_t requests_before = client.requests_sent();
  ApplyReport report;
  internal::ResourceMapper mapper(client);
  for (const auto& m : manifests) {
    if (m.kind == "CustomResourceDefinition") mapper.learn_crd(json::parse(m.json, nullptr, false));
  }
  const std::string default_ns = client.options().default_namespace;
  for (const Stage& stage : stages_of(manifests)) {
    internal::progress(options, stage.label + ": applying " + std::to_string(stage.items.size()) + " object(s)" +
                                    (options.dry_run ? " (server dry run)" : ""));
    struct Pending {
      ResourceType type;
      std::string ns, name, rv;
      std::size_t outcome;
    };
    std::vector<Pending> pending;
    std::size_t failures = 0;
    Status first_failure;
    for (const Manifest* m : stage.items) {
      ObjectOutcome out{m->ref(), m->wave, "failed", {}, {}};
      auto type = mapper.resolve(m->api_version, m->kind);
      if (!type.ok()) {
        out.status = with_source(type.status(), *m);
      } else {
        json obj = internal::apply_object(*m, *type, default_ns, options);
        auto res = client.send(internal::apply_request(obj, *type, options, options.dry_run, m->ref()));
        if (!res.ok()) {
          out.status = with_source(res.status(), *m);
        } else {
          out.action = res->status == 201 ? "created" : "applied";
          json live = json::parse(res->body, nullptr, false);
          out.health = internal::assess_object(live);
          if (!options.dry_run && options.wait && out.health.health != Health::kHealthy) {
            std::string rv = live.is_object() && live.contains("metadata") ? live["metadata"].value("resourceVersion", "") : "";
            pending.push_back(Pending{*type, internal::namespace_of(obj), m->name, rv, report.objects.size()});
          }
          internal::progress(options, m->ref() + " " + out.action + (options.dry_run ? " (server dry run)" : ""));
        }
      }
      if (!out.status.ok()) {
        internal::progress(options, m->ref() + " failed: " + out.status.message());
        if (failures++ == 0) first_failure = out.status;
      }
      report.objects.push_back(std::move(out));
    }
    if (failures > 0) {
      report.status = Status(first_failure.code(),
                             std::to_string(failures) + " object(s) in " + stage.label +
                                 " could not be applied; later waves were not applied. First: " + first_failure.message(),
                             first_failure.details());
      break;
    }
    if (pending.empty()) continue;
    const auto deadline = clock::now() + options.wave_timeout;
    std::vector<std::string> not_ready;
    // One LIST + WATCH per collection (kind and namespace) of the wave.
    std::map<std::string, std::vector<const Pending*>> groups;
    for (const auto& p : pending) groups[p.type.collection_path(p.ns)].push_back(&p);
    for (const auto& [collection, group] : groups) {
      std::vector<std::string> names;
      for (const Pending* p : group) names.push_back(p->name);
      auto result = internal::wait_settled(client, group.front()->type, group.front()->ns, names, deadline, options);
      for (const Pending* p : group) {
        const Assessment& a = result[p->name];
        ObjectOutcome& out = report.objects[p->outcome];
        out.health = a;
        if (a.health == Health::kHealthy) continue;
        if (a.health == Health::kDegraded || a.health == Health::kMissing) {
          out.status = Status(StatusCode::kAborted, out.ref + " is " + std::string(to_string(a.health)) + ": " + a.message);
          if (report.status.ok()) {
            report.status = Status(StatusCode::kAborted, stage.label + " failed: " + out.ref + " is " +
                                                             std::string(to_string(a.health)) + ": " + a.message +
                                                             "; later waves were not applied");
          }
          continue;
        }
        not_ready.push_back(out.ref + " (" + std::string(to_string(a.health)) + ": " + a.message + ")");
        out.status = Status(StatusCode::kDeadlineExceeded, out.ref + " not healthy in time: " + a.message);
      }
      if (!report.status.ok()) break;
    }
    if (!report.status.ok()) break;
    if (!not_ready.empty()) {
      std::string list;
      for (const auto& s : not_ready) list += (list.empty() ? "" : ", ") + s;
      report.status = Status(StatusCode::kDeadlineExceeded,
                             stage.label + " was not healthy within " + std::to_string(options.wave_timeout.count()) +
                                 " s: " + list + "; later waves were not applied (raise --timeout or check the operators)");
      break;
    }
    internal::progress(options, stage.label + ": healthy");
  }
  if (report.status.ok() && options.prune && !options.dry_run) {
    ApplyReport pruned = prune(client, manifests, options);
    for (auto& o : pruned.objects) report.objects.push_back(std::move(o));
    report.status = pruned.status;
  }
  report.requests = client.requests_sent() - requests_before;
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
  return report;
}

}  // namespace platform::k8s
