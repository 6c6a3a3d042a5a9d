// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// A small Kubernetes API client: kubeconfig loading, one reused HTTPS
/// connection (libcurl, HTTP/2 when the server offers it), retries with
/// backoff, and API errors mapped once into Status values that say who was
/// refused what. Bearer tokens never appear in logs or error messages.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::k8s {

/// How to reach and authenticate to one API server. Usually filled by
/// `load_client_options`; every field can be set by hand.
struct ClientOptions {
  std::string server;             ///< e.g. "https://127.0.0.1:6443" (no trailing slash)
  std::string context;            ///< kubeconfig context name (for messages)
  std::string user;               ///< kubeconfig user name (for messages; never a secret)
  std::string default_namespace = "default";  ///< the context's namespace

  std::string certificate_authority_pem;  ///< CA bundle (from -data or a file)
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;            ///< SNI / verification name, when set

  std::string token;       ///< bearer token (secret: never printed)
  std::string token_file;  ///< bearer token file, re-read on 401 (service accounts rotate it)
  std::string client_certificate_pem;  ///< client certificate (from -data or a file)
  std::string client_key_pem;          ///< client key (secret: never printed)

  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  ///< per attempt; watches use their own
  int max_attempts = 6;                                ///< first try plus retries (429, 5xx, connection errors)
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{10'000};
  std::string user_agent = "platformctl/0.1";

  /// Verbosity: 0 quiet, 1 one line per request, 2 headers and bodies,
  /// 3 libcurl's connection trace. Authorization is always redacted.
  int verbosity = 0;
  /// Where log lines go (stderr when empty).
  std::function<void(std::string_view line)> log;
  /// How to wait between retries (tests replace it; std::this_thread::sleep_for when empty).
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// Which kubeconfig and context to use. Empty fields follow kubectl: the
/// `KUBECONFIG` list (files merged, first definition of a name wins), else
/// `~/.kube/config`, else in-cluster service-account credentials; the
/// current-context unless `context` is set.
struct KubeconfigSelection {
  std::string kubeconfig;  ///< --kubeconfig: this one file only
  std::string context;     ///< --context
};

/// Reads kubeconfig (see KubeconfigSelection) into ClientOptions. Errors:
/// kNotFound (no kubeconfig and not in a cluster, unknown context),
/// kInvalidArgument (unreadable file, a context naming a missing cluster or
/// user, bad base64), each naming the file and entry.
PLATFORM_EXPORT Result<ClientOptions> load_client_options(const KubeconfigSelection& selection = {});

/// In-cluster credentials: KUBERNETES_SERVICE_HOST/PORT and the service
/// account's token, CA and namespace under `service_account_dir`.
PLATFORM_EXPORT Result<ClientOptions> in_cluster_client_options(
    std::string_view service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

/// One HTTP request to the API server; `target` is path plus query.
struct HttpRequest {
  std::string method = "GET";
  std::string target;  ///< e.g. "/api/v1/namespaces/kafka?fieldManager=platformctl"
  std::vector<std::pair<std::string, std::string>> headers;  ///< never Authorization: the transport adds it
  std::string body;
  std::chrono::milliseconds timeout{0};  ///< 0: ClientOptions::request_timeout
  std::string what;  ///< what the request is about, for messages: "KafkaTopic kafka/orders"
};

/// What came back.
struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-case
  std::string body;

  /// The first header named `name` (lower-case), or "".
  [[nodiscard]] std::string header(std::string_view name) const;
};

/// The seam between the client and the network. The libcurl implementation
/// is made by `make_curl_transport`; tests can provide their own.
/// Implementations need not be thread-safe; a Client calls one at a time.
class PLATFORM_EXPORT Transport {
 public:
  virtual ~Transport() = default;
  /// Sends one request; any HTTP status is a response. A Status only for
  /// failures below HTTP (connect, TLS, timeout): kUnavailable or kDeadlineExceeded.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  /// Sends a request whose response body is a stream (watch): `on_data` gets
  /// each chunk as it arrives and returns false to stop. Returns the status
  /// line and headers with an empty body.
  virtual Result<HttpResponse> stream(const HttpRequest& request,
                                      const std::function<bool(std::string_view chunk)>& on_data) = 0;
};

/// The libcurl transport: one easy handle, kept alive across requests.
PLATFORM_EXPORT Result<std::unique_ptr<Transport>> make_curl_transport(const ClientOptions& options);

/// An API client: retries, error mapping, request log. Move-only; not
/// thread-safe (one connection): use one Client per thread.
class PLATFORM_EXPORT Client {
 public:
  /// A client over libcurl. Errors: kInvalidArgument for a malformed server URL.
  static Result<Client> create(ClientOptions options);
  /// A client over any transport (tests fake the network with this).
  Client(ClientOptions options, std::shared_ptr<Transport> transport);
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  /// Sends `request`, retrying 429 (after Retry-After), 500/502/503/504 and
  /// connection failures with exponential backoff up to max_attempts. A 2xx
  /// response is returned; anything else becomes a Status via status_from_http.
  Result<HttpResponse> send(const HttpRequest& request);

  /// Opens a watch (`request.target` has watch=1) and calls `on_event` with
  /// each line (one JSON watch event) until it returns false or the server
  /// ends the stream. Errors as for send (no retries once events flowed).
  Status watch(const HttpRequest& request, const std::function<bool(std::string_view event)>& on_event);

  /// The options the client was made with.
  [[nodiscard]] const ClientOptions& options() const;
  /// Requests sent so far, retries included.
  [[nodiscard]] std::size_t requests_sent() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Maps a non-2xx API response to a Status, once for the whole library:
/// 401 (kUnauthenticated) and 403 (kPermissionDenied) name the user, context
/// and verb; 404 on a type the server does not serve says which operator
/// provides it; 409 lists the conflicting fields and their managers as
/// details; 400/422 list the invalid fields; 429 kResourceExhausted; 5xx kUnavailable.
PLATFORM_EXPORT Status status_from_http(const HttpRequest& request, const HttpResponse& response,
                                        const ClientOptions& options);

}  // namespace platform::k8s
