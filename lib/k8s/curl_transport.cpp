// SPDX-License-Identifier: Apache-2.0
// The libcurl transport: one easy handle per Client, so the connection (and
// the TLS session) is reused across requests.

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "k8s/curl_handles.hpp"
#include "platform/k8s/client.hpp"

namespace platform::internal {

Status to_status(CURLcode code, const char* detail, const std::string& server) {
  std::string what = (detail != nullptr && *detail != '\0') ? std::string(detail) : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OK:
      return {};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return {StatusCode::kUnavailable,
              "cannot reach the API server at " + server + ": " + what +
                  " (is the cluster running and the kubeconfig server address right?)"};
    case CURLE_OPERATION_TIMEDOUT:
      return {StatusCode::kDeadlineExceeded, "the API server at " + server + " did not answer in time: " + what};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return {StatusCode::kFailedPrecondition,
              "TLS verification of the API server at " + server + " failed: " + what +
                  " (set certificate-authority or certificate-authority-data for the cluster in kubeconfig)"};
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return {StatusCode::kInvalidArgument,
              "the client certificate or key from kubeconfig was not accepted by libcurl: " + what};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {StatusCode::kInvalidArgument, "bad API server URL '" + server + "': " + what};
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
      return {StatusCode::kCancelled, "the request to " + server + " was stopped"};
    case CURLE_OUT_OF_MEMORY:
      return {StatusCode::kResourceExhausted, "out of memory talking to " + server};
    default:
      return {StatusCode::kUnknown, "request to " + server + " failed: " + what};
  }
}

}  // namespace platform::internal

namespace platform::k8s {
namespace {

using platform::internal::CurlEasy;
using platform::internal::CurlSlist;

struct Transfer {
  HttpResponse* response = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  const ClientOptions* options = nullptr;
};

size_t on_body(char* data, size_t size, size_t n, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  try {
    if (t->on_data != nullptr && *t->on_data) {
      // A watch: hand chunks over only for a successful status; an error body is kept.
      if (t->response->status >= 200 && t->response->status < 300) {
        return (*t->on_data)(std::string_view(data, len)) ? len : 0;
      }
    }
    t->response->body.append(data, len);
    return len;
  } catch (...) {
    return 0;
  }
}

size_t on_header(char* data, size_t size, size_t n, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  try {
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.substr(0, 5) == "HTTP/") {
      // A new status line (after 100 Continue): start over.
      t->response->headers.clear();
      auto sp = line.find(' ');
      if (sp != std::string_view::npos) t->response->status = std::strtol(std::string(line.substr(sp + 1, 3)).c_str(), nullptr, 10);
      return len;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return len;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    t->response->headers.emplace_back(std::move(name), std::string(value));
    return len;
  } catch (...) {
    return 0;
  }
}

void emit(const ClientOptions& o, std::string_view line) {
  if (o.log) {
    o.log(line);
  } else {
    std::cerr << line << "\n";
  }
}

// libcurl's trace at verbosity 3, with the Authorization header redacted:
// the bearer token must never reach a log.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) noexcept {
  auto* t = static_cast<Transfer*>(user);
  try {
    if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN) return 0;
    std::istringstream in(std::string(data, size));
    std::string line;
    const char* prefix = type == CURLINFO_TEXT ? "* " : (type == CURLINFO_HEADER_OUT ? "> " : "< ");
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::string lower = line.substr(0, 14);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower.rfind("authorization:", 0) == 0) line = line.substr(0, 14) + " <redacted>";
      emit(*t->options, std::string(prefix) + line);
    }
  } catch (...) {
  }
  return 0;
}

class CurlTransport final : public Transport {
 public:
  CurlTransport(ClientOptions options, CurlEasy easy) : options_(std::move(options)), easy_(std::move(easy)) {
    token_ = options_.token;
  }

  Result<HttpResponse> send(const HttpRequest& request) override { return perform(request, nullptr); }

  Result<HttpResponse> stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& on_data) override {
    return perform(request, &on_data);
  }

 private:
  std::string current_token() {
    if (!options_.token_file.empty()) {
      // Service-account tokens rotate: read the file for every connection setup.
      std::ifstream f(options_.token_file);
      std::string t((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
      if (!t.empty()) return t;
    }
    return token_;
  }

  Result<HttpResponse> perform(const HttpRequest& request, const std::function<bool(std::string_view)>* on_data) {
    CURL* h = easy_.get();
    // reset keeps the connection cache, so the connection is still reused.
    curl_easy_reset(h);
    HttpResponse response;
    Transfer transfer{&response, on_data, &options_};
    std::string url = options_.server + request.target;
    errbuf_[0] = '\0';
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    auto timeout = request.timeout.count() > 0 ? request.timeout : options_.request_timeout;
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    if (options_.verbosity >= 3) {
      curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
      curl_easy_setopt(h, CURLOPT_DEBUGDATA, &transfer);
      curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    }
    // TLS
    curl_blob ca{};
    if (!options_.certificate_authority_pem.empty()) {
      ca = {const_cast<char*>(options_.certificate_authority_pem.data()), options_.certificate_authority_pem.size(),
            CURL_BLOB_NOCOPY};
      curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
    }
    if (options_.insecure_skip_tls_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_blob cert{};
    curl_blob key{};
    if (!options_.client_certificate_pem.empty()) {
      cert = {const_cast<char*>(options_.client_certificate_pem.data()), options_.client_certificate_pem.size(),
              CURL_BLOB_NOCOPY};
      curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
      curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    }
    if (!options_.client_key_pem.empty()) {
      key = {const_cast<char*>(options_.client_key_pem.data()), options_.client_key_pem.size(), CURL_BLOB_NOCOPY};
      curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
      curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    // Like kubectl, a bearer token goes only over TLS, never in clear text.
    std::string token = current_token();
    const bool tls = options_.server.rfind("https://", 0) == 0;
    if (!token.empty() && tls) {
      curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token.c_str());
    }
    // Headers
    CurlSlist headers;
    bool has_accept = false;
    for (const auto& [name, value] : request.headers) {
      std::string line = name + ": " + value;
      if (!platform::internal::append(headers, line.c_str())) return internal_error("out of memory building headers");
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower == "accept") has_accept = true;
    }
    if (!has_accept) platform::internal::append(headers, "Accept: application/json");
    // No "Expect: 100-continue" round trip before larger bodies.
    platform::internal::append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET" || !request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      return platform::internal::to_status(rc, errbuf_, options_.server);
    }
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    response.status = code;
    return response;
  }

  ClientOptions options_;
  CurlEasy easy_;
  std::string token_;
  char errbuf_[CURL_ERROR_SIZE] = {};
};

}  // namespace

Result<std::unique_ptr<Transport>> make_curl_transport(const ClientOptions& options) {
  if (options.server.rfind("https://", 0) != 0 && options.server.rfind("http://", 0) != 0) {
    return invalid_argument("the API server address '" + options.server +
                            "' must start with https:// (or http:// for a local test server)");
  }
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) return internal_error("libcurl could not be initialised");
  CurlEasy easy(curl_easy_init());
  if (!easy) return internal_error("libcurl could not create a handle");
  return std::unique_ptr<Transport>(new CurlTransport(options, std::move(easy)));
}

}  // namespace platform::k8s
