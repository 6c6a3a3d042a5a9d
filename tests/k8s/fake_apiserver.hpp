// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small Kubernetes API server for tests and benchmarks, on loopback, with
// TLS (a self-signed certificate made with openssl at start). It serves
// aggregated discovery and a minimal OpenAPI v3 (enough for kubectl 1.32's
// `apply --server-side`), server-side apply with field ownership (409 when
// another manager owns a field with a different value and force is off),
// dry runs, GET/LIST with label and field selectors, watch streams, DELETE,
// CRDs that start serving their kind when applied, scripted status changes
// over time, and injected faults (429 + Retry-After, 500, dropped
// connections, slow answers). Every request is recorded.
//
// It is test scaffolding: enough semantics to test a client, not a real
// apiserver (lists are atomic, no defaulting, no admission).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace platform::testing {

using json = nlohmann::json;

struct RecordedRequest {
  std::string method;
  std::string path;   // without query
  std::string query;  // raw
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int status = 0;

  /// Query parameters sorted by key.
  std::map<std::string, std::string> params() const;
};

struct Fault {
  int status = 0;                 // answer with this status (0: none)
  std::string retry_after;        // Retry-After header value
  bool drop = false;              // close the connection without an answer
  std::chrono::milliseconds delay{0};  // wait before answering (then answer normally)
};

struct ServedType {
  std::string group, version, kind, plural;
  bool namespaced = true;
};

/// One scripted status change: `after` the object was applied, its status
/// becomes `status(object)`.
struct StatusStep {
  std::chrono::milliseconds after{0};
  std::function<json(const json& object)> status;
};

class FakeApiServer {
 public:
  struct Options {
    bool tls = true;
    std::string token;       // when set, requests must carry "Authorization: Bearer <token>"
    bool serve_platform_crds = false;  // serve Strimzi/RabbitMQ/Camel K/Argo kinds without their CRDs
    bool default_controllers = true;   // Deployments/StatefulSets/CRs become ready at once
  };

  explicit FakeApiServer(Options options);
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  std::string url() const;
  int port() const;
  const std::string& ca_file() const;
  const std::string& work_dir() const;

  /// Writes a kubeconfig for this server (token user, CA file) and returns its path.
  std::string write_kubeconfig(const std::string& token, const std::string& context = "test") const;

  void serve(ServedType type);
  /// The next `count` requests whose method matches (empty: any) and whose
  /// path (with "?query") contains `path_contains` get `fault`.
  void inject(std::string method, std::string path_contains, Fault fault, int count = 1);
  /// Scripted status for objects of `kind` after each apply that creates or changes them.
  void on_apply(std::string kind, std::vector<StatusStep> steps);
  /// Sets a field as another manager would with an Update (for conflicts).
  void set_field(const std::string& object_path, const std::string& pointer, json value, const std::string& manager);
  /// Creates an object directly (e.g. a PVC made by a StatefulSet).
  void put(const std::string& object_path, json object);

  std::optional<json> get(const std::string& object_path) const;
  std::vector<RecordedRequest> requests() const;
  void clear_requests();
  std::size_t object_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs a command through /bin/sh, returns its exit code and output (stdout+stderr).
int run_command(const std::string& command, std::string* output = nullptr);

}  // namespace platform::testing
