// SPDX-License-Identifier: Apache-2.0
#include "fake_apiserver.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <queue>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "k8s/api_path.hpp"

namespace platform::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
namespace fs = std::filesystem;

int run_command(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (output != nullptr) *output = out;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::map<std::string, std::string> RecordedRequest::params() const {
  std::map<std::string, std::string> out;
  std::stringstream s(query);
  std::string item;
  while (std::getline(s, item, '&')) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
  }
  return out;
}

namespace {

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_pointer(const std::string& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '~' && i + 1 < key.size()) {
      out += key[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += key[i];
    }
  }
  return out;
}

bool excluded_leaf(const std::string& p) {
  return p == "/apiVersion" || p == "/kind" || p == "/metadata/name" || p == "/metadata/namespace" ||
         p.rfind("/status", 0) == 0 || p.rfind("/metadata/managedFields", 0) == 0 ||
         p == "/metadata/resourceVersion" || p == "/metadata/uid" || p == "/metadata/generation" ||
         p == "/metadata/creationTimestamp";
}

void collect_leaves(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
  if (j.is_object() && !j.empty()) {
    for (auto it = j.begin(); it != j.end(); ++it) collect_leaves(*it, prefix + "/" + escape_pointer(it.key()), out);
    return;
  }
  if (!excluded_leaf(prefix) && !prefix.empty()) out[prefix] = j;
}

// Removes the value at `pointer` and then parents left empty.
void erase_pointer(json& root, const std::string& pointer) {
  auto slash = pointer.rfind('/');
  if (slash == std::string::npos) return;
  std::string parent = pointer.substr(0, slash);
  std::string key = unescape_pointer(pointer.substr(slash + 1));
  json::json_pointer pp(parent);
  if (!root.contains(pp)) return;
  json& obj = root[pp];
  if (obj.is_object()) obj.erase(key);
  if (obj.is_object() && obj.empty() && !parent.empty()) erase_pointer(root, parent);
}

json strip_for_generation(json o) {
  o.erase("status");
  o.erase("metadata");
  return o;
}

json status_body(int code, const std::string& reason, const std::string& message, json details = nullptr) {
  json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
            {"message", message}, {"reason", reason}, {"code", code}};
  if (!details.is_null()) s["details"] = details;
  return s;
}

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  bool drop = false;
};

Response json_response(int status, const json& body) { return {status, body.dump(), "application/json", {}, false}; }

struct StoredObject {
  json obj;
  std::map<std::string, std::set<std::string>> owners;  // leaf pointer -> managers
  std::map<std::string, std::string> operation;         // manager -> Apply | Update
};

struct Event {
  std::uint64_t rv;
  std::string type;
  std::string type_key;  // group/version/plural
  std::string ns;
  std::string name;
  json object;
};

struct FaultRule {
  std::string method, path_contains;
  Fault fault;
  int remaining;
};

struct Timer {
  std::chrono::steady_clock::time_point at;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

}  // namespace

struct FakeApiServer::Impl {
  Options options;
  std::string dir;
  std::string cert, key;
  asio::io_context io;
  std::unique_ptr<ssl::context> tls;
  std::unique_ptr<tcp::acceptor> acceptor;
  int port = 0;
  std::thread accept_thread;
  std::thread timer_thread;
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;
  std::condition_variable events_cv;
  std::vector<ServedType> types;
  std::map<std::string, StoredObject> objects;  // canonical object path -> object
  std::vector<Event> events;
  std::uint64_t rv = 100;
  std::uint64_t uid = 0;
  std::vector<FaultRule> faults;
  std::map<std::string, std::vector<StatusStep>> controllers;
  std::vector<RecordedRequest> log;

  std::mutex sessions_mu;
  std::vector<std::thread> sessions;
  std::vector<int> session_fds;

  std::mutex timer_mu;
  std::condition_variable timer_cv;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::uint64_t timer_seq = 0;

  // --- types ---------------------------------------------------------------

  const ServedType* find_type(const std::string& group, const std::string& version, const std::string& plural) const {
    for (const auto& t : types) {
      if (t.group == group && t.version == version && t.plural == plural) return &t;
    }
    return nullptr;
  }
  const ServedType* find_kind(const std::string& api_version, const std::string& kind) const {
    for (const auto& t : types) {
      std::string av = t.group.empty() ? t.version : t.group + "/" + t.version;
      if (av == api_version && t.kind == kind) return &t;
    }
    return nullptr;
  }
  static std::string type_key(const ServedType& t) { return t.group + "/" + t.version + "/" + t.plural; }
  static std::string gv_path(const ServedType& t) {
    return t.group.empty() ? "/api/" + t.version : "/apis/" + t.group + "/" + t.version;
  }
  static std::string object_path(const ServedType& t, const std::string& ns, const std::string& name) {
    return gv_path(t) + (t.namespaced ? "/namespaces/" + ns : "") + "/" + t.plural + "/" + name;
  }

  void add_type(ServedType t) {
    for (auto& e : types) {
      if (e.group == t.group && e.version == t.version && e.plural == t.plural) return;
    }
    types.push_back(std::move(t));
  }

  // --- events and timers ---------------------------------------------------

  void emit(const std::string& type, const ServedType& t, const json& obj) {
    const json& md = obj["metadata"];
    events.push_back(Event{rv, type, type_key(t), md.value("namespace", ""), md.value("name", ""), obj});
    events_cv.notify_all();
  }

  void schedule(std::chrono::milliseconds after, std::function<void()> fn) {
    std::lock_guard<std::mutex> l(timer_mu);
    timers.push(Timer{std::chrono::steady_clock::now() + after, timer_seq++, std::move(fn)});
    timer_cv.notify_all();
  }

  void timer_loop() {
    std::unique_lock<std::mutex> l(timer_mu);
    while (!stopping) {
      if (timers.empty()) {
        timer_cv.wait(l);
        continue;
      }
      auto at = timers.top().at;
      if (std::chrono::steady_clock::now() < at) {
        timer_cv.wait_until(l, at);
        continue;
      }
      auto fn = timers.top().fn;
      timers.pop();
      l.unlock();
      fn();
      l.lock();
    }
  }

  void set_status_later(const std::string& path, const ServedType& t, std::chrono::milliseconds after,
                        std::function<json(const json&)> status) {
    schedule(after, [this, path, t, status] {
      std::lock_guard<std::mutex> l(mu);
      auto it = objects.find(path);
      if (it == objects.end()) return;
      it->second.obj["status"] = status(it->second.obj);
      it->second.obj["metadata"]["resourceVersion"] = std::to_string(++rv);
      emit("MODIFIED", t, it->second.obj);
    });
  }

  // Default controllers: built-in workloads and the platform's CRs become ready.
  static json ready_status_for(const json& o) {
    const std::string kind = o.value("kind", "");
    long long gen = o["metadata"].value("generation", 1LL);
    if (kind == "Deployment" || kind == "StatefulSet") {
      long long r = o.contains("spec") ? o["spec"].value("replicas", 1LL) : 1LL;
      return {{"observedGeneration", gen}, {"replicas", r}, {"updatedReplicas", r}, {"readyReplicas", r},
              {"availableReplicas", r}, {"currentRevision", "r1"}, {"updateRevision", "r1"}};
    }
    if (kind == "RabbitmqCluster") {
      return {{"observedGeneration", gen},
              {"conditions", json::array({{{"type", "AllReplicasReady"}, {"status", "True"}},
                                          {{"type", "ClusterAvailable"}, {"status", "True"}}})}};
    }
    if (kind == "IntegrationPlatform") return {{"observedGeneration", gen}, {"phase", "Ready"}};
    if (kind == "Application") return {{"health", {{"status", "Healthy"}}}, {"sync", {{"status", "Synced"}}}};
    return {{"observedGeneration", gen}, {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}};
  }

  void run_controllers(const std::string& path, const ServedType& t, const json& obj) {
    auto it = controllers.find(t.kind);
    if (it != controllers.end()) {
      for (const auto& step : it->second) set_status_later(path, t, step.after, step.status);
      return;
    }
    if (!options.default_controllers) return;
    static const std::set<std::string> kinds = {"Deployment",   "StatefulSet",  "Kafka", "KafkaTopic",
                                                "KafkaUser",    "KafkaConnect", "RabbitmqCluster",
                                                "Integration",  "IntegrationPlatform", "Application"};
    if (kinds.count(t.kind) != 0) set_status_later(path, t, std::chrono::milliseconds(0), &ready_status_for);
    (void)obj;
  }

  // --- handlers ------------------------------------------------------------

  static json managed_fields(const StoredObject& so, const std::string& api_version) {
    std::map<std::string, json> per;
    for (const auto& [p, ms] : so.owners) {
      for (const auto& m : ms) {
        json& root = per[m];
        if (root.is_null()) root = json::object();
        json* cur = &root;
        std::stringstream s(p.substr(1));
        std::string part;
        while (std::getline(s, part, '/')) cur = &(*cur)["f:" + unescape_pointer(part)];
        if (cur->is_null()) *cur = json::object();
      }
    }
    json out = json::array();
    for (auto& [m, f] : per) {
      auto op = so.operation.find(m);
      out.push_back({{"manager", m},
                     {"operation", op == so.operation.end() ? "Apply" : op->second},
                     {"apiVersion", api_version},
                     {"fieldsType", "FieldsV1"},
                     {"fieldsV1", f}});
    }
    return out;
  }

  static json with_managed_fields(const StoredObject& so) {
    json o = so.obj;
    o["metadata"]["managedFields"] = managed_fields(so, so.obj.value("apiVersion", ""));
    return o;
  }

  Response apply(const ServedType& t, const platform::k8s::internal::ApiPath& p, const RecordedRequest& rq) {
    auto params = rq.params();
    auto ct = rq.headers.find("content-type");
    if (ct == rq.headers.end() || ct->second != "application/apply-patch+yaml") {
      return json_response(415, status_body(415, "UnsupportedMediaType", "the body of the request was in an unknown format"));
    }
    std::string manager = params["fieldManager"];
    if (manager.empty()) {
      return json_response(400, status_body(400, "BadRequest", "fieldManager is required for apply requests"));
    }
    const bool force = params["force"] == "true";
    const bool dry = params["dryRun"] == "All";
    json body = json::parse(rq.body, nullptr, false);
    if (!body.is_object()) return json_response(400, status_body(400, "BadRequest", "error decoding patch: not a JSON object"));
    if (body.value("kind", "") != t.kind) {
      return json_response(400, status_body(400, "BadRequest", "kind of the body does not match the path"));
    }
    std::string name = body["metadata"].value("name", "");
    std::string ns = body["metadata"].value("namespace", "");
    if (name != p.name || (t.namespaced && ns != p.ns && !ns.empty())) {
      return json_response(400, status_body(400, "BadRequest", "the name or namespace of the object does not match the URL"));
    }
    if (t.namespaced && ns.empty()) body["metadata"]["namespace"] = p.ns;
    std::lock_guard<std::mutex> l(mu);
    if (t.namespaced && objects.count("/api/v1/namespaces/" + p.ns) == 0) {
      return json_response(404, status_body(404, "NotFound", "namespaces \"" + p.ns + "\" not found",
                                            {{"name", p.ns}, {"kind", "namespaces"}}));
    }
    const std::string path = object_path(t, p.ns, p.name);
    std::map<std::string, json> applied;
    collect_leaves(body, "", applied);
    auto existing = objects.find(path);
    const bool create = existing == objects.end();
    StoredObject so = create ? StoredObject{} : existing->second;
    json causes = json::array();
    for (const auto& [ptr, value] : applied) {
      auto o = so.owners.find(ptr);
      if (o == so.owners.end()) continue;
      json::json_pointer jp(ptr);
      const bool same = so.obj.contains(jp) && so.obj[jp] == value;
      for (const auto& m : o->second) {
        if (m == manager || same) continue;
        std::string field = ptr;
        std::replace(field.begin(), field.end(), '/', '.');
        causes.push_back({{"reason", "FieldManagerConflict"},
                          {"message", "conflict with \"" + m + "\"" +
                                          (so.operation[m] == "Update" ? " using " + so.obj.value("apiVersion", "") : "")},
                          {"field", unescape_pointer(field)}});
      }
    }
    if (!causes.empty() && !force) {
      std::string msg = "Apply failed with " + std::to_string(causes.size()) + " conflict" +
                        (causes.size() == 1 ? "" : "s") + ":";
      for (const auto& c : causes) msg += " " + c["message"].get<std::string>() + ": " + c["field"].get<std::string>();
      return json_response(409, status_body(409, "Conflict", msg, {{"name", p.name}, {"kind", t.plural}, {"causes", causes}}));
    }
    const json before = create ? json() : strip_for_generation(so.obj);
    if (create) {
      so.obj = json::object();
      so.obj["apiVersion"] = body["apiVersion"];
      so.obj["kind"] = t.kind;
      so.obj["metadata"] = {{"name", p.name}};
      if (t.namespaced) so.obj["metadata"]["namespace"] = p.ns;
      so.obj["metadata"]["uid"] = "uid-" + std::to_string(++uid);
      so.obj["metadata"]["creationTimestamp"] = "2026-11-26T00:00:00Z";
      so.obj["metadata"]["generation"] = 1;
    }
    for (auto it = so.owners.begin(); it != so.owners.end();) {
      if (it->second.count(manager) != 0 && applied.count(it->first) == 0) {
        it->second.erase(manager);
        if (it->second.empty()) {
          erase_pointer(so.obj, it->first);
          it = so.owners.erase(it);
          continue;
        }
      }
      ++it;
    }
    for (const auto& [ptr, value] : applied) {
      so.obj[json::json_pointer(ptr)] = value;
      if (force) so.owners[ptr].clear();
      so.owners[ptr].insert(manager);
    }
    so.operation[manager] = "Apply";
    if (!create && strip_for_generation(so.obj) != before) {
      so.obj["metadata"]["generation"] = so.obj["metadata"].value("generation", 1) + 1;
    }
    const bool changed = create || strip_for_generation(so.obj) != before ||
                         so.obj["metadata"] != existing->second.obj["metadata"];
    if (t.kind == "Namespace" && create) so.obj["status"] = {{"phase", "Active"}};
    if (t.kind == "CustomResourceDefinition") {
      so.obj["status"] = {{"conditions", json::array({{{"type", "NamesAccepted"}, {"status", "True"}},
                                                      {{"type", "Established"}, {"status", "True"}}})}};
    }
    if (dry) return json_response(create ? 201 : 200, with_managed_fields(so));
    if (changed) so.obj["metadata"]["resourceVersion"] = std::to_string(++rv);
    objects[path] = so;
    if (changed) emit(create ? "ADDED" : "MODIFIED", t, so.obj);
    if (t.kind == "CustomResourceDefinition") serve_crd(so.obj);
    if (create || strip_for_generation(so.obj) != before) run_controllers(path, t, so.obj);
    return json_response(create ? 201 : 200, with_managed_fields(so));
  }

  void serve_crd(const json& crd) {
    const json& spec = crd["spec"];
    for (const auto& v : spec.value("versions", json::array())) {
      if (!v.value("served", true)) continue;
      add_type(ServedType{spec.value("group", ""), v.value("name", ""), spec["names"].value("kind", ""),
                          spec["names"].value("plural", ""), spec.value("scope", "Namespaced") == "Namespaced"});
    }
  }

  static bool label_match(const json& obj, const std::string& selector) {
    if (selector.empty()) return true;
    const json labels = obj["metadata"].value("labels", json::object());
    std::stringstream s(selector);
    std::string term;
    while (std::getline(s, term, ',')) {
      auto eq = term.find('=');
      if (eq == std::string::npos) {
        if (!labels.contains(term)) return false;
        continue;
      }
      std::string k = term.substr(0, eq);
      std::string v = term.substr(eq + 1);
      if (!v.empty() && v.front() == '=') v.erase(0, 1);
      if (!labels.contains(k) || labels[k] != v) return false;
    }
    return true;
  }

  static std::string url_decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  }

  Response list(const ServedType& t, const platform::k8s::internal::ApiPath& p, const RecordedRequest& rq) {
    auto params = rq.params();
    std::string labels = url_decode(params["labelSelector"]);
    std::string fields = url_decode(params["fieldSelector"]);
    std::string name_filter;
    if (fields.rfind("metadata.name=", 0) == 0) name_filter = fields.substr(14);
    std::lock_guard<std::mutex> l(mu);
    json items = json::array();
    for (const auto& [path, so] : objects) {
      if (so.obj.value("kind", "") != t.kind || so.obj.value("apiVersion", "") != (t.group.empty() ? t.version : t.group + "/" + t.version)) continue;
      if (!p.ns.empty() && so.obj["metadata"].value("namespace", "") != p.ns) continue;
      if (!name_filter.empty() && so.obj["metadata"].value("name", "") != name_filter) continue;
      if (!label_match(so.obj, labels)) continue;
      items.push_back(with_managed_fields(so));
    }
    return json_response(200, {{"kind", t.kind + "List"},
                               {"apiVersion", t.group.empty() ? t.version : t.group + "/" + t.version},
                               {"metadata", {{"resourceVersion", std::to_string(rv)}}},
                               {"items", items}});
  }

  Response remove(const ServedType& t, const platform::k8s::internal::ApiPath& p) {
    std::lock_guard<std::mutex> l(mu);
    const std::string path = object_path(t, p.ns, p.name);
    auto it = objects.find(path);
    if (it == objects.end()) {
      return json_response(404, status_body(404, "NotFound", t.plural + " \"" + p.name + "\" not found",
                                            {{"name", p.name}, {"kind", t.plural}}));
    }
    json obj = it->second.obj;
    objects.erase(it);
    ++rv;
    emit("DELETED", t, obj);
    if (t.kind == "Namespace") {
      for (auto o = objects.begin(); o != objects.end();) {
        if (o->second.obj["metadata"].value("namespace", "") == p.name) {
          const ServedType* ot = find_kind(o->second.obj.value("apiVersion", ""), o->second.obj.value("kind", ""));
          json gone = o->second.obj;
          o = objects.erase(o);
          ++rv;
          if (ot != nullptr) emit("DELETED", *ot, gone);
        } else {
          ++o;
        }
      }
    }
    return json_response(200, {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Success"},
                               {"details", {{"name", p.name}, {"kind", t.plural}}}});
  }

  json discovery(bool core) const {
    std::map<std::string, std::map<std::string, json>> groups;  // group -> version -> resources
    for (const auto& t : types) {
      if (t.group.empty() != core) continue;
      groups[t.group][t.version].push_back({{"resource", t.plural},
                                            {"responseKind", {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}},
                                            {"scope", t.namespaced ? "Namespaced" : "Cluster"},
                                            {"verbs", {"create", "delete", "get", "list", "patch", "update", "watch"}}});
    }
    json items = json::array();
    for (auto& [g, versions] : groups) {
      json vs = json::array();
      for (auto& [v, res] : versions) vs.push_back({{"version", v}, {"resources", res}});
      items.push_back({{"metadata", {{"name", g}}}, {"versions", vs}});
    }
    return {{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "apidiscovery.k8s.io/v2"}, {"metadata", json::object()},
            {"items", items}};
  }

  json openapi_index() const {
    json paths = json::object();
    for (const auto& t : types) {
      std::string key = gv_path(t).substr(1);
      paths[key] = {{"serverRelativeURL", "/openapi/v3/" + key}};
    }
    return {{"paths", paths}};
  }

  json openapi_gv(const std::string& gv) const {
    json paths = json::object();
    for (const auto& t : types) {
      if (gv_path(t) != gv) continue;
      std::string p = gv + (t.namespaced ? "/namespaces/{namespace}" : "") + "/" + t.plural + "/{name}";
      paths[p] = {{"patch",
                   {{"x-kubernetes-group-version-kind", {{"group", t.group}, {"version", t.version}, {"kind", t.kind}}},
                    {"parameters", json::array({{{"name", "fieldValidation"}, {"in", "query"}},
                                                {{"name", "dryRun"}, {"in", "query"}},
                                                {{"name", "force"}, {"in", "query"}}})}}}};
    }
    return {{"openapi", "3.0.0"}, {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}}, {"paths", paths}};
  }

  std::optional<Fault> take_fault(const RecordedRequest& rq) {
    std::lock_guard<std::mutex> l(mu);
    for (auto& f : faults) {
      if (f.remaining <= 0) continue;
      if (!f.method.empty() && f.method != rq.method) continue;
      if ((rq.path + "?" + rq.query).find(f.path_contains) == std::string::npos) continue;
      --f.remaining;
      return f.fault;
    }
    return std::nullopt;
  }

  Response route(const RecordedRequest& rq) {
    if (!options.token.empty()) {
      auto a = rq.headers.find("authorization");
      if (a == rq.headers.end() || a->second != "Bearer " + options.token) {
        return json_response(401, status_body(401, "Unauthorized", "Unauthorized"));
      }
    }
    if (auto f = take_fault(rq)) {
      if (f->delay.count() > 0) std::this_thread::sleep_for(f->delay);
      if (f->drop) return Response{0, "", "", {}, true};
      if (f->status != 0) {
        Response r = json_response(f->status, status_body(f->status, f->status == 429 ? "TooManyRequests" : "InternalError",
                                                          f->status == 429 ? "too many requests" : "injected failure"));
        if (!f->retry_after.empty()) r.headers.emplace_back("Retry-After", f->retry_after);
        return r;
      }
    }
    const std::string accept_v2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    if (rq.method == "GET" && (rq.path == "/api" || rq.path == "/apis")) {
      std::lock_guard<std::mutex> l(mu);
      return {200, discovery(rq.path == "/api").dump(), accept_v2, {}, false};
    }
    if (rq.method == "GET" && rq.path == "/version") {
      return json_response(200, {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0"}});
    }
    if (rq.method == "GET" && rq.path == "/openapi/v3") {
      std::lock_guard<std::mutex> l(mu);
      return json_response(200, openapi_index());
    }
    if (rq.method == "GET" && rq.path.rfind("/openapi/v3/", 0) == 0) {
      std::lock_guard<std::mutex> l(mu);
      return json_response(200, openapi_gv(rq.path.substr(11)));
    }
    platform::k8s::internal::ApiPath p = platform::k8s::internal::parse_api_path(rq.path);
    const ServedType* t = nullptr;
    {
      std::lock_guard<std::mutex> l(mu);
      t = find_type(p.group, p.version, p.plural);
    }
    if (t == nullptr) return {404, "404 page not found\n", "text/plain; charset=utf-8", {}, false};
    const ServedType type = *t;  // types only grow; copy for use without the lock
    if (!p.name.empty()) {
      if (rq.method == "PATCH") return apply(type, p, rq);
      if (rq.method == "DELETE") return remove(type, p);
      if (rq.method == "GET") {
        std::lock_guard<std::mutex> l(mu);
        auto it = objects.find(object_path(type, p.ns, p.name));
        if (it == objects.end()) {
          return json_response(404, status_body(404, "NotFound", type.plural + " \"" + p.name + "\" not found",
                                                {{"name", p.name}, {"kind", type.plural}}));
        }
        return json_response(200, with_managed_fields(it->second));
      }
      return json_response(405, status_body(405, "MethodNotAllowed", "method not allowed"));
    }
    if (rq.method == "GET") return list(type, p, rq);
    return json_response(405, status_body(405, "MethodNotAllowed", "method not allowed"));
  }

  // --- sessions ------------------------------------------------------------

  template <class Stream>
  void write_raw(Stream& s, const std::string& data, beast::error_code& ec) {
    asio::write(s, asio::buffer(data), ec);
  }

  template <class Stream>
  void watch(Stream& s, const RecordedRequest& rq) {
    auto params = rq.params();
    platform::k8s::internal::ApiPath p = platform::k8s::internal::parse_api_path(rq.path);
    std::string key = p.group + "/" + p.version + "/" + p.plural;
    std::string fields = url_decode(params["fieldSelector"]);
    std::string name_filter = fields.rfind("metadata.name=", 0) == 0 ? fields.substr(14) : "";
    std::string labels = url_decode(params["labelSelector"]);
    std::uint64_t from = params.count("resourceVersion") ? std::stoull("0" + params["resourceVersion"]) : 0;
    int timeout_s = params.count("timeoutSeconds") ? std::stoi("0" + params["timeoutSeconds"]) : 30;
    beast::error_code ec;
    // The connection ends with the stream: say so, so the client never reuses it.
    write_raw(s,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
              "Connection: close\r\n\r\n",
              ec);
    if (ec) return;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    std::size_t next = 0;
    std::unique_lock<std::mutex> l(mu);
    while (!stopping) {
      std::string out;
      for (; next < events.size(); ++next) {
        const Event& e = events[next];
        if (e.rv <= from || e.type_key != key) continue;
        if (!p.ns.empty() && e.ns != p.ns) continue;
        if (!name_filter.empty() && e.name != name_filter) continue;
        if (!label_match(e.object, labels)) continue;
        json ev = {{"type", e.type}, {"object", e.object}};
        std::string line = ev.dump() + "\n";
        char hex[32];
        std::snprintf(hex, sizeof hex, "%zx\r\n", line.size());
        out += hex + line + "\r\n";
      }
      if (!out.empty()) {
        l.unlock();
        write_raw(s, out, ec);
        l.lock();
        if (ec) return;
      }
      // `stopping` is part of the predicate: a stop signalled while this
      // thread was writing (lock released) is not missed.
      if (!events_cv.wait_until(l, deadline, [&] { return stopping || next < events.size(); })) break;
    }
    l.unlock();
    write_raw(s, "0\r\n\r\n", ec);
  }

  template <class Stream>
  void session(Stream& s) {
    beast::flat_buffer buf;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64u << 20);
      beast::error_code ec;
      http::read(s, buf, parser, ec);
      if (ec) return;
      auto req = parser.release();
      RecordedRequest rq;
      rq.method = std::string(req.method_string());
      std::string target(req.target());
      auto q = target.find('?');
      rq.path = target.substr(0, q);
      rq.query = q == std::string::npos ? "" : target.substr(q + 1);
      for (const auto& f : req) {
        std::string n(f.name_string());
        std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
        rq.headers[n] = std::string(f.value());
      }
      rq.body = req.body();
      auto params = rq.params();
      if (rq.method == "GET" && (params["watch"] == "1" || params["watch"] == "true")) {
        rq.status = 200;
        {
          std::lock_guard<std::mutex> l(mu);
          log.push_back(rq);
        }
        auto f = take_fault(rq);
        if (f && f->drop) return;
        if (!f || f->status == 0) {
          watch(s, rq);
          return;
        }
        http::response<http::string_body> res{static_cast<http::status>(f->status), req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = status_body(f->status, "Forbidden", "watch refused by the test").dump();
        res.prepare_payload();
        http::write(s, res, ec);
        if (ec) return;
        continue;
      }
      Response r = route(rq);
      rq.status = r.status;
      {
        std::lock_guard<std::mutex> l(mu);
        log.push_back(rq);
      }
      if (r.drop) return;
      http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
      res.set(http::field::content_type, r.content_type);
      for (const auto& [n, v] : r.headers) res.set(n, v);
      res.keep_alive(req.keep_alive());
      res.body() = std::move(r.body);
      res.prepare_payload();
      http::write(s, res, ec);
      if (ec || !res.keep_alive()) return;
    }
  }

  // Forgets a session's socket before it is closed, so the destructor never
  // shuts down a descriptor number the process has reused since.
  void session_ended(int fd) {
    std::lock_guard<std::mutex> l(sessions_mu);
    session_fds.erase(std::remove(session_fds.begin(), session_fds.end(), fd), session_fds.end());
  }

  void handle(tcp::socket sock) {
    struct Forget {  // declared after the socket's owner: runs before the close
      Impl* self;
      int fd;
      ~Forget() { self->session_ended(fd); }
    };
    const int fd = sock.native_handle();
    sock.set_option(tcp::no_delay(true));
    if (tls) {
      ssl::stream<tcp::socket> s(std::move(sock), *tls);
      Forget forget{this, fd};
      beast::error_code ec;
      s.handshake(ssl::stream_base::server, ec);
      if (ec) return;
      session(s);
      s.shutdown(ec);
    } else {
      Forget forget{this, fd};
      session(sock);
    }
  }

  void accept_loop() {
    while (!stopping) {
      beast::error_code ec;
      tcp::socket sock(io);
      acceptor->accept(sock, ec);
      if (ec || stopping) return;
      int fd = sock.native_handle();
      std::lock_guard<std::mutex> l(sessions_mu);
      session_fds.push_back(fd);
      sessions.emplace_back([this, s = std::move(sock)]() mutable { handle(std::move(s)); });
    }
  }
};

FakeApiServer::FakeApiServer(Options options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.options = options;
  char tmpl[] = "/tmp/fake_apiserver_XXXXXX";
  m.dir = mkdtemp(tmpl);
  for (auto [g, v, k, p, ns] : std::vector<std::tuple<const char*, const char*, const char*, const char*, bool>>{
           {"", "v1", "Namespace", "namespaces", false},
           {"", "v1", "ConfigMap", "configmaps", true},
           {"", "v1", "Secret", "secrets", true},
           {"", "v1", "Service", "services", true},
           {"", "v1", "ServiceAccount", "serviceaccounts", true},
           {"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true},
           {"", "v1", "ResourceQuota", "resourcequotas", true},
           {"", "v1", "LimitRange", "limitranges", true},
           {"apps", "v1", "Deployment", "deployments", true},
           {"apps", "v1", "StatefulSet", "statefulsets", true},
           {"rbac.authorization.k8s.io", "v1", "Role", "roles", true},
           {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true},
           {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false},
           {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false},
           {"networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true},
           {"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false},
       }) {
    m.add_type(ServedType{g, v, k, p, ns});
  }
  if (options.serve_platform_crds) {
    for (auto [k, p] : std::vector<std::pair<const char*, const char*>>{
             {"Kafka", "kafkas"}, {"KafkaTopic", "kafkatopics"}, {"KafkaUser", "kafkausers"}, {"KafkaConnect", "kafkaconnects"}}) {
      m.add_type(ServedType{"kafka.strimzi.io", "v1beta2", k, p, true});
    }
    m.add_type(ServedType{"rabbitmq.com", "v1beta1", "RabbitmqCluster", "rabbitmqclusters", true});
    m.add_type(ServedType{"camel.apache.org", "v1", "Integration", "integrations", true});
    m.add_type(ServedType{"camel.apache.org", "v1", "IntegrationPlatform", "integrationplatforms", true});
    m.add_type(ServedType{"argoproj.io", "v1alpha1", "Application", "applications", true});
    m.add_type(ServedType{"argoproj.io", "v1alpha1", "AppProject", "appprojects", true});
  }
  if (options.tls) {
    m.cert = m.dir + "/cert.pem";
    m.key = m.dir + "/key.pem";
    std::string out;
    int rc = run_command("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + m.key +
                             " -out " + m.cert + " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1",
                         &out);
    if (rc != 0) throw std::runtime_error("openssl failed: " + out);
    m.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    m.tls->use_certificate_chain_file(m.cert);
    m.tls->use_private_key_file(m.key, ssl::context::pem);
  }
  m.acceptor = std::make_unique<tcp::acceptor>(m.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  m.port = m.acceptor->local_endpoint().port();
  m.accept_thread = std::thread([&m] { m.accept_loop(); });
  m.timer_thread = std::thread([&m] { m.timer_loop(); });
}

FakeApiServer::~FakeApiServer() {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> l(m.mu);  // watch streams test `stopping` under mu
    m.stopping = true;
    m.events_cv.notify_all();
  }
  // A thread that does not stop is a bug here: fail with a message instead
  // of hanging the test until ctest's timeout.
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> l(done_mu);
    if (!done_cv.wait_for(l, std::chrono::seconds(30), [&] { return done; })) {
      std::fprintf(stderr, "FakeApiServer: a server thread did not stop within 30 s of shutdown\n");
      std::abort();
    }
  });
  ::shutdown(m.acceptor->native_handle(), SHUT_RDWR);
  {
    std::lock_guard<std::mutex> l(m.timer_mu);
    m.timer_cv.notify_all();
  }
  m.accept_thread.join();
  m.timer_thread.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard<std::mutex> l(m.sessions_mu);
    for (int fd : m.session_fds) ::shutdown(fd, SHUT_RDWR);
    sessions.swap(m.sessions);
  }
  for (auto& t : sessions) t.join();
  {
    std::lock_guard<std::mutex> l(done_mu);
    done = true;
  }
  done_cv.notify_all();
  watchdog.join();
  std::error_code ec;
  fs::remove_all(m.dir, ec);
}

std::string FakeApiServer::url() const {
  return std::string(impl_->options.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(impl_->port);
}
int FakeApiServer::port() const { return impl_->port; }
const std::string& FakeApiServer::ca_file() const { return impl_->cert; }
const std::string& FakeApiServer::work_dir() const { return impl_->dir; }

std::string FakeApiServer::write_kubeconfig(const std::string& token, const std::string& context) const {
  std::string path = impl_->dir + "/kubeconfig-" + context;
  std::ofstream f(path);
  f << "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: " << url() << "\n";
  if (impl_->options.tls) f << "    certificate-authority: " << impl_->cert << "\n";
  f << "users:\n- name: tester\n  user:\n    token: " << token << "\n";
  f << "contexts:\n- name: " << context << "\n  context:\n    cluster: fake\n    user: tester\n";
  f << "current-context: " << context << "\n";
  return path;
}

void FakeApiServer::serve(ServedType type) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->add_type(std::move(type));
}

void FakeApiServer::inject(std::string method, std::string path_contains, Fault fault, int count) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->faults.push_back(FaultRule{std::move(method), std::move(path_contains), fault, count});
}

void FakeApiServer::on_apply(std::string kind, std::vector<StatusStep> steps) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->controllers[std::move(kind)] = std::move(steps);
}

void FakeApiServer::set_field(const std::string& object_path, const std::string& pointer, json value,
                              const std::string& manager) {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->objects.find(object_path);
  if (it == impl_->objects.end()) throw std::runtime_error("set_field: no object " + object_path);
  it->second.obj[json::json_pointer(pointer)] = std::move(value);
  it->second.owners[pointer] = {manager};
  it->second.operation[manager] = "Update";
  it->second.obj["metadata"]["resourceVersion"] = std::to_string(++impl_->rv);
}

void FakeApiServer::put(const std::string& object_path, json object) {
  std::lock_guard<std::mutex> l(impl_->mu);
  object["metadata"]["resourceVersion"] = std::to_string(++impl_->rv);
  object["metadata"]["uid"] = "uid-" + std::to_string(++impl_->uid);
  StoredObject so;
  so.obj = std::move(object);
  impl_->objects[object_path] = std::move(so);
}

std::optional<json> FakeApiServer::get(const std::string& object_path) const {
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->objects.find(object_path);
  if (it == impl_->objects.end()) return std::nullopt;
  return it->second.obj;
}

std::vector<RecordedRequest> FakeApiServer::requests() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->log;
}

void FakeApiServer::clear_requests() {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->log.clear();
}

std::size_t FakeApiServer::object_count() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->objects.size();
}

}  // namespace platform::testing
