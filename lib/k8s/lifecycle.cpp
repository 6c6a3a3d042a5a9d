// SPDX-License-Identifier: Apache-2.0
// diff, prune, tenant offboarding and status: the commands around apply.

#include <algorithm>
#include <set>
#include <thread>

#include "internal/yaml_json.hpp"
#include "k8s/apply_engine.hpp"
#include "k8s/health_rules.hpp"
#include "platform/k8s/apply.hpp"

namespace platform::k8s {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

// Fields the server owns: not part of what the user changes.
json normalized(json obj) {
  if (!obj.is_object()) return obj;
  obj.erase("status");
  if (obj.contains("metadata") && obj["metadata"].is_object()) {
    json& md = obj["metadata"];
    for (const char* k : {"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"}) {
      md.erase(k);
    }
  }
  return obj;
}

std::vector<std::string> lines_of(const json& obj) {
  std::vector<std::string> out;
  if (obj.is_null()) return out;
  std::string yaml = platform::internal::to_yaml(platform::internal::Json::parse(obj.dump()));
  std::size_t start = 0;
  while (start < yaml.size()) {
    auto nl = yaml.find('\n', start);
    if (nl == std::string::npos) nl = yaml.size();
    out.push_back(yaml.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A unified diff (3 lines of context) from an LCS edit script.
std::string unified(const std::vector<std::string>& a, const std::vector<std::string>& b, const std::string& ref) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Op {
    char tag;
    std::string text;
  };
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', a[i]});
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', a[i++]});  // removals before additions, as diff -u prints them
    } else {
      ops.push_back({'+', b[j++]});
    }
  }
  bool changed = std::any_of(ops.begin(), ops.end(), [](const Op& o) { return o.tag != ' '; });
  if (!changed) return {};
  std::string out = "--- live/" + ref + "\n+++ applied/" + ref + "\n";
  const int context = 3;
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].tag == ' ') {
      ++k;
      continue;
    }
    std::size_t begin = k >= static_cast<std::size_t>(context) ? k - context : 0;
    std::size_t end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    std::size_t last_change = k;
    for (std::size_t x = k; x < ops.size(); ++x) {
      if (ops[x].tag != ' ') last_change = x;
      if (x - last_change > 2 * static_cast<std::size_t>(context)) break;
      end = x;
    }
    end = std::min(ops.size() - 1, last_change + context);
    out += "@@\n";
    for (std::size_t x = begin; x <= end; ++x) out += std::string(1, ops[x].tag) + ops[x].text + "\n";
    k = end + 1;
  }
  return out;
}

std::string key_of(const std::string& api_version, const std::string& kind, const std::string& ns,
                   const std::string& name) {
  return std::string(internal::group_of(api_version)) + "|" + kind + "|" + ns + "|" + name;
}

std::string label_selector(const ApplyOptions& options) {
  return std::string(kManagedByLabel) + "=" + std::string(kManagedByValue) + "," + std::string(kPartOfLabel) + "=" +
         options.platform_name;
}

int wave_of(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return 0;
  auto ann = md->find("annotations");
  if (ann == md->end() || !ann->is_object()) return 0;
  try {
    return std::stoi(ann->value(std::string(kSyncWaveAnnotation), "0"));
  } catch (...) {
    return 0;
  }
}

struct Live {
  ResourceType type;
  json object;
  std::string ns, name;
  int wave = 0;
  std::string ref() const { return type.kind + " " + (ns.empty() ? name : ns + "/" + name); }
};

// Every object of the platform's kinds carrying the ownership labels. Types
// the server does not serve are skipped.
Result<std::vector<Live>> list_owned(Client& client, const ApplyOptions& options) {
  std::vector<Live> out;
  for (const auto& t : platform_resource_types()) {
    HttpRequest r;
    r.target = (t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version) + "/" + t.plural +
               "?labelSelector=" + internal::url_encode(label_selector(options));
    r.what = t.plural;
    auto res = client.send(r);
    if (!res.ok()) {
      if (res.status().code() == StatusCode::kFailedPrecondition || res.status().code() == StatusCode::kNotFound) continue;
      return res.status();
    }
    json list = json::parse(res->body, nullptr, false);
    if (!list.is_object()) continue;
    for (const auto& item : list.value("items", json::array())) {
      Live l{t, item, internal::namespace_of(item), internal::name_of(item), wave_of(item)};
      out.push_back(std::move(l));
    }
  }
  return out;
}

// Names of the PVCs in a namespace.
Result<std::vector<std::string>> pvcs_in(Client& client, const std::string& ns) {
  HttpRequest r;
  r.target = "/api/v1/namespaces/" + ns + "/persistentvolumeclaims";
  r.what = "PersistentVolumeClaims in " + ns;
  auto res = client.send(r);
  if (!res.ok()) return res.status();
  std::vector<std::string> names;
  json list = json::parse(res->body, nullptr, false);
  if (list.is_object()) {
    for (const auto& item : list.value("items", json::array())) names.push_back(internal::name_of(item));
  }
  return names;
}

Status delete_object(Client& client, const ResourceType& type, const std::string& ns, const std::string& name,
                     const std::string& what) {
  HttpRequest r;
  r.method = "DELETE";
  r.target = type.object_path(ns, name);
  r.headers = {{"Content-Type", "application/json"}};
  r.body = "{\"propagationPolicy\":\"Background\"}\n";
  r.what = what;
  auto res = client.send(r);
  if (!res.ok() && res.status().code() != StatusCode::kNotFound) return res.status();
  return {};
}

std::string pvc_refusal(const std::string& ns, const std::vector<std::string>& pvcs) {
  std::string names;
  for (const auto& p : pvcs) names += (names.empty() ? "" : ", ") + p;
  return "namespace " + ns + " holds " + std::to_string(pvcs.size()) + " PersistentVolumeClaim(s) (" + names +
         "); deleting it would delete their data. Back them up, then pass --force";
}

}  // namespace

Result<std::vector<ObjectDiff>> diff(Client& client, const std::vector<Manifest>& manifests, const ApplyOptions& options) {
  internal::ResourceMapper mapper(client);
  for (const auto& m : manifests) {
    if (m.kind == "CustomResourceDefinition") mapper.learn_crd(json::parse(m.json, nullptr, false));
  }
  std::vector<ObjectDiff> out;
  for (const auto& m : manifests) {
    auto type = mapper.resolve(m.api_version, m.kind);
    if (!type.ok()) return type.status();
    json obj = internal::apply_object(m, *type, client.options().default_namespace, options);
    const std::string ns = internal::namespace_of(obj);
    ObjectDiff d;
    d.ref = m.ref();
    json live;
    auto got = client.send(internal::get_request(type->object_path(ns, m.name), m.ref()));
    if (got.ok()) {
      live = json::parse(got->body, nullptr, false);
      d.exists = true;
    } else if (got.status().code() != StatusCode::kNotFound) {
      return got.status();
    }
    auto merged = client.send(internal::apply_request(obj, *type, options, true, m.ref()));
    if (!merged.ok()) return merged.status();
    json after = json::parse(merged->body, nullptr, false);
    d.unified = unified(lines_of(normalized(live)), lines_of(normalized(after)), d.ref);
    out.push_back(std::move(d));
  }
  return out;
}

ApplyReport prune(Client& client, const std::vector<Manifest>& manifests, const ApplyOptions& options) {
  const auto start = clock_type::now();
  const std::size_t before = client.requests_sent();
  ApplyReport report;
  std::set<std::string> rendered;
  const std::string default_ns = client.options().default_namespace;
  for (const auto& m : manifests) {
    const ResourceType* t = find_resource_type(m.api_version, m.kind);
    std::string ns = m.ns.empty() && (t == nullptr || t->namespaced) ? default_ns : m.ns;
    if (t != nullptr && !t->namespaced) ns.clear();
    rendered.insert(key_of(m.api_version, m.kind, ns, m.name));
  }
  auto owned = list_owned(client, options);
  if (!owned.ok()) {
    report.status = owned.status();
    return report;
  }
  std::vector<Live> victims;
  for (auto& l : *owned) {
    if (rendered.count(key_of(l.type.api_version(), l.type.kind, l.ns, l.name)) == 0) victims.push_back(std::move(l));
  }
  // Reverse wave order; CRDs after the custom resources; namespaces last.
  auto rank = [](const Live& l) {
    if (l.type.kind == "Namespace") return 2;
    if (l.type.kind == "CustomResourceDefinition") return 1;
    return 0;
  };
  std::stable_sort(victims.begin(), victims.end(), [&](const Live& a, const Live& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a.wave > b.wave;
  });
  for (const auto& v : victims) {
    ObjectOutcome out{v.ref(), v.wave, "pruned", {Health::kMissing, "deleted"}, {}};
    if (v.type.kind == "Namespace" && !options.force) {
      auto pvcs = pvcs_in(client, v.name);
      if (!pvcs.ok()) {
        out.status = pvcs.status();
      } else if (!pvcs->empty()) {
        out.status = Status(StatusCode::kFailedPrecondition, pvc_refusal(v.name, *pvcs));
      }
    }
    if (out.status.ok() && !options.dry_run) out.status = delete_object(client, v.type, v.ns, v.name, v.ref());
    if (!out.status.ok()) {
      out.action = "failed";
      if (report.status.ok()) report.status = out.status;
    }
    internal::progress(options, out.ref + (out.status.ok() ? " pruned" : " not pruned: " + out.status.message()));
    report.objects.push_back(std::move(out));
  }
  report.requests = client.requests_sent() - before;
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
  return report;
}

ApplyReport delete_tenant(Client& client, std::string_view name, const ApplyOptions& options) {
  const auto start = clock_type::now();
  const std::size_t before = client.requests_sent();
  ApplyReport report;
  const std::string ns = "user-" + std::string(name);
  auto finish = [&]() -> ApplyReport {
    report.requests = client.requests_sent() - before;
    report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
    return report;
  };
  const ResourceType* ns_type = find_resource_type("v1", "Namespace");
  auto got = client.send(internal::get_request(ns_type->object_path("", ns), "Namespace " + ns));
  if (!got.ok()) {
    report.status = got.status().code() == StatusCode::kNotFound
                        ? Status(StatusCode::kNotFound, "tenant " + std::string(name) + " has no namespace " + ns)
                        : got.status();
    return finish();
  }
  auto pvcs = pvcs_in(client, ns);
  if (!pvcs.ok()) {
    report.status = pvcs.status();
    return finish();
  }
  if (!pvcs->empty() && !options.force) {
    report.status = Status(StatusCode::kFailedPrecondition, pvc_refusal(ns, *pvcs));
    return finish();
  }
  // Reverse of onboarding: what runs, then what it uses, then who may act, then the fences.
  const std::vector<std::vector<std::string>> order = {
      {"Integration", "Pipe", "IntegrationKit", "Build", "KafkaConnector", "KafkaConnect", "KafkaTopic", "KafkaUser",
       "Queue", "Exchange", "Binding", "Permission", "Policy", "User", "Vhost", "Deployment", "StatefulSet", "CronJob",
       "Job"},
      {"IntegrationPlatform", "IntegrationProfile", "Kamelet", "Service", "Ingress", "ConfigMap", "Secret",
       "PersistentVolumeClaim"},
      {"RoleBinding", "Role", "ServiceAccount"},
      {"NetworkPolicy", "LimitRange", "ResourceQuota"}};
  for (const auto& group : order) {
    for (const auto& kind : group) {
      for (const auto& t : platform_resource_types()) {
        if (t.kind != kind || !t.namespaced) continue;
        auto list = client.send(internal::get_request(t.collection_path(ns), t.plural + " in " + ns));
        if (!list.ok()) {
          if (list.status().code() == StatusCode::kFailedPrecondition || list.status().code() == StatusCode::kNotFound) continue;
          report.status = list.status();
          return finish();
        }
        json items = json::parse(list->body, nullptr, false);
        if (!items.is_object()) continue;
        for (const auto& item : items.value("items", json::array())) {
          std::string n = internal::name_of(item);
          ObjectOutcome out{t.kind + " " + ns + "/" + n, wave_of(item), "deleted", {Health::kMissing, "deleted"}, {}};
          if (!options.dry_run) out.status = delete_object(client, t, ns, n, out.ref);
          if (!out.status.ok()) {
            out.action = "failed";
            report.status = out.status;
          }
          internal::progress(options, out.ref + " " + out.action);
          report.objects.push_back(std::move(out));
          if (!report.status.ok()) return finish();
        }
      }
    }
  }
  ObjectOutcome nso{"Namespace " + ns, 0, "deleted", {Health::kMissing, "deleted"}, {}};
  if (!options.dry_run) {
    nso.status = delete_object(client, *ns_type, "", ns, nso.ref);
    if (nso.status.ok() && options.wait) {
      // Gone when the GET says 404; the namespace controller empties it first.
      auto deadline = clock_type::now() + options.wave_timeout;
      bool gone = false;
      std::string phase;
      while (!gone) {
        auto live = client.send(internal::get_request(ns_type->object_path("", ns), nso.ref));
        if (!live.ok() && live.status().code() == StatusCode::kNotFound) {
          gone = true;
          break;
        }
        if (live.ok()) {
          json obj = json::parse(live->body, nullptr, false);
          phase = obj.is_object() && obj.contains("status") ? obj["status"].value("phase", "") : "";
          internal::progress(options, "waiting for " + nso.ref + " to go (" + phase + ")", true);
        }
        if (clock_type::now() >= deadline) break;
        std::this_thread::sleep_for(options.poll_interval);
      }
      if (!gone) {
        nso.status = Status(StatusCode::kDeadlineExceeded, "namespace " + ns + " still exists after " +
                                                               std::to_string(options.wave_timeout.count()) +
                                                               " s (phase " + phase + "); check finalizers");
      }
    }
  }
  if (!nso.status.ok()) {
    nso.action = "failed";
    report.status = nso.status;
  }
  internal::progress(options, nso.ref + " " + nso.action);
  report.objects.push_back(std::move(nso));
  return finish();
}

Result<std::vector<ObjectStatus>> status(Client& client, const std::vector<Manifest>& manifests,
                                         const ApplyOptions& options) {
  std::vector<ObjectStatus> out;
  auto component_of = [](const json& obj, const std::string& ns) {
    if (obj.is_object() && obj.contains("metadata") && obj["metadata"].contains("labels")) {
      const json& labels = obj["metadata"]["labels"];
      for (const char* k : {"app.kubernetes.io/name", "app.kubernetes.io/component"}) {
        if (labels.contains(k) && labels[k].is_string()) return labels[k].get<std::string>();
      }
    }
    return ns.empty() ? std::string("cluster") : ns;
  };
  if (manifests.empty()) {
    auto owned = list_owned(client, options);
    if (!owned.ok()) return owned.status();
    for (const auto& l : *owned) {
      out.push_back({l.ref(), l.wave, component_of(l.object, l.ns), internal::assess_object(l.object)});
    }
  } else {
    internal::ResourceMapper mapper(client);
    for (const auto& m : manifests) {
      if (m.kind == "CustomResourceDefinition") mapper.learn_crd(json::parse(m.json, nullptr, false));
    }
    for (const auto& m : manifests) {
      json desired = json::parse(m.json, nullptr, false);
      auto type = mapper.resolve(m.api_version, m.kind);
      if (!type.ok()) {
        out.push_back({m.ref(), m.wave, component_of(desired, m.ns), {Health::kMissing, type.status().message()}});
        continue;
      }
      std::string ns = type->namespaced ? (m.ns.empty() ? client.options().default_namespace : m.ns) : "";
      auto got = client.send(internal::get_request(type->object_path(ns, m.name), m.ref()));
      if (!got.ok()) {
        if (got.status().code() != StatusCode::kNotFound) return got.status();
        out.push_back({m.ref(), m.wave, component_of(desired, ns), {Health::kMissing, "not found"}});
        continue;
      }
      json live = json::parse(got->body, nullptr, false);
      out.push_back({m.ref(), m.wave, component_of(live, ns), internal::assess_object(live)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ObjectStatus& a, const ObjectStatus& b) { return a.wave < b.wave; });
  return out;
}

}  // namespace platform::k8s
