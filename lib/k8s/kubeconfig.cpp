// SPDX-License-Identifier: Apache-2.0
// kubeconfig loading with kubectl's merge rules: the KUBECONFIG list is read
// in order and the first file that defines a cluster, user or context name
// (or current-context) wins; relative paths are relative to the file that
// names them.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "internal/yaml_json.hpp"
#include "platform/k8s/client.hpp"

namespace platform::k8s {
namespace {

using platform::internal::Json;
namespace fs = std::filesystem;

struct Entry {
  Json value;
  fs::path file;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  std::vector<std::string> files;
};

Result<std::string> read_file(const fs::path& path, std::string_view what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return invalid_argument("cannot read " + std::string(what) + " '" + path.string() + "'");
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

Result<std::string> base64_decode(std::string_view in, const std::string& where) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned int buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) return invalid_argument(where + " is not valid base64");
    buf = (buf << 6) | static_cast<unsigned int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  return out;
}

Status merge_file(const fs::path& path, Merged& m) {
  auto text = read_file(path, "kubeconfig");
  if (!text.ok()) return text.status();
  platform::internal::YamlParseOptions opts;
  opts.source_name = path.string();
  auto docs = platform::internal::parse_yaml_stream(*text, opts);
  if (!docs.ok()) return docs.status();
  m.files.push_back(path.string());
  if (docs->empty()) return {};
  const Json& doc = docs->front().value;
  if (!doc.is_object()) return invalid_argument("kubeconfig '" + path.string() + "' is not a mapping");
  for (auto [section, target, inner] : {std::tuple{"clusters", &m.clusters, "cluster"},
                                        std::tuple{"users", &m.users, "user"},
                                        std::tuple{"contexts", &m.contexts, "context"}}) {
    auto it = doc.find(section);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_array()) return invalid_argument("kubeconfig '" + path.string() + "': " + section + " must be a list");
    for (const auto& e : *it) {
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
        return invalid_argument("kubeconfig '" + path.string() + "': an entry of " + section + " has no name");
      }
      std::string name = e["name"].get<std::string>();
      Json value = e.contains(inner) && e[inner].is_object() ? e[inner] : Json::object();
      target->emplace(name, Entry{std::move(value), path.parent_path()});  // first wins
    }
  }
  if (m.current_context.empty()) {
    auto it = doc.find("current-context");
    if (it != doc.end() && it->is_string()) m.current_context = it->get<std::string>();
  }
  return {};
}

std::string string_field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

fs::path resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return path.is_absolute() ? path : base / path;
}

// "<x>-data" (base64) or "<x>" (a file path relative to the kubeconfig).
Result<std::string> data_or_file(const Entry& e, const std::string& key, const std::string& where) {
  std::string data = string_field(e.value, (key + "-data").c_str());
  if (!data.empty()) return base64_decode(data, where + "." + key + "-data");
  std::string file = string_field(e.value, key.c_str());
  if (file.empty()) return std::string();
  return read_file(resolve(e.file, file), where + "." + key);
}

std::vector<std::string> split_paths(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream s(list);
  std::string item;
  while (std::getline(s, item, ':')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Result<ClientOptions> in_cluster_client_options(std::string_view service_account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return not_found(
        "no kubeconfig found (KUBECONFIG unset, ~/.kube/config missing) and not running in a cluster "
        "(KUBERNETES_SERVICE_HOST unset); pass --kubeconfig");
  }
  fs::path dir(service_account_dir);
  ClientOptions o;
  std::string h(host);
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6
  o.server = "https://" + h + ":" + port;
  o.context = "in-cluster";
  o.user = "service account";
  o.token_file = (dir / "token").string();
  auto token = read_file(dir / "token", "service account token");
  if (!token.ok()) return token.status();
  auto ca = read_file(dir / "ca.crt", "service account CA");
  if (!ca.ok()) return ca.status();
  o.certificate_authority_pem = *ca;
  auto ns = read_file(dir / "namespace", "service account namespace");
  if (ns.ok() && !ns->empty()) o.default_namespace = *ns;
  while (!o.default_namespace.empty() && std::isspace(static_cast<unsigned char>(o.default_namespace.back()))) {
    o.default_namespace.pop_back();
  }
  return o;
}

Result<ClientOptions> load_client_options(const KubeconfigSelection& selection) {
  Merged m;
  if (!selection.kubeconfig.empty()) {
    // --kubeconfig: exactly this file, which must exist.
    PLATFORM_RETURN_IF_ERROR(merge_file(selection.kubeconfig, m));
  } else {
    std::vector<std::string> candidates;
    const char* env = std::getenv("KUBECONFIG");
    if (env != nullptr && *env != '\0') {
      candidates = split_paths(env);
    } else if (const char* home = std::getenv("HOME"); home != nullptr) {
      candidates.push_back((fs::path(home) / ".kube" / "config").string());
    }
    for (const auto& c : candidates) {
      std::error_code ec;
      if (!fs::exists(c, ec)) continue;  // kubectl skips missing files in the list
      PLATFORM_RETURN_IF_ERROR(merge_file(c, m));
    }
    if (m.files.empty()) return in_cluster_client_options();
  }
  std::string files;
  for (const auto& f : m.files) files += (files.empty() ? "" : ", ") + f;
  const std::string context_name = selection.context.empty() ? m.current_context : selection.context;
  if (context_name.empty()) {
    return invalid_argument("kubeconfig (" + files + ") sets no current-context; pass --context");
  }
  auto ctx = m.contexts.find(context_name);
  if (ctx == m.contexts.end()) {
    std::string known;
    for (const auto& [n, e] : m.contexts) known += (known.empty() ? "" : ", ") + n;
    return Status(StatusCode::kNotFound, "context \"" + context_name + "\" is not in kubeconfig (" + files +
                                             "); known contexts: " + (known.empty() ? "none" : known));
  }
  ClientOptions o;
  o.context = context_name;
  const std::string cluster_name = string_field(ctx->second.value, "cluster");
  const std::string user_name = string_field(ctx->second.value, "user");
  std::string ns = string_field(ctx->second.value, "namespace");
  if (!ns.empty()) o.default_namespace = ns;
  auto cl = m.clusters.find(cluster_name);
  if (cl == m.clusters.end()) {
    return invalid_argument("context \"" + context_name + "\" names cluster \"" + cluster_name +
                            "\", which is not in kubeconfig (" + files + ")");
  }
  o.server = string_field(cl->second.value, "server");
  while (!o.server.empty() && o.server.back() == '/') o.server.pop_back();
  if (o.server.empty()) return invalid_argument("cluster \"" + cluster_name + "\" in kubeconfig has no server");
  auto skip = cl->second.value.find("insecure-skip-tls-verify");
  o.insecure_skip_tls_verify = skip != cl->second.value.end() && skip->is_boolean() && skip->get<bool>();
  o.tls_server_name = string_field(cl->second.value, "tls-server-name");
  auto ca = data_or_file(cl->second, "certificate-authority", "clusters[" + cluster_name + "]");
  if (!ca.ok()) return ca.status();
  o.certificate_authority_pem = *ca;
  if (!user_name.empty()) {
    auto us = m.users.find(user_name);
    if (us == m.users.end()) {
      return invalid_argument("context \"" + context_name + "\" names user \"" + user_name +
                              "\", which is not in kubeconfig (" + files + ")");
    }
    o.user = user_name;
    const Json& u = us->second.value;
    if (u.contains("exec") || u.contains("auth-provider")) {
      return invalid_argument("user \"" + user_name +
                              "\" in kubeconfig uses an exec or auth-provider credential plugin, which platformctl "
                              "does not run; use a token, tokenFile or client certificate for this user");
    }
    o.token = string_field(u, "token");
    std::string token_file = string_field(u, "tokenFile");
    if (!token_file.empty()) o.token_file = resolve(us->second.file, token_file).string();
    std::string where = "users[" + user_name + "]";
    auto cert = data_or_file(us->second, "client-certificate", where);
    if (!cert.ok()) return cert.status();
    auto key = data_or_file(us->second, "client-key", where);
    if (!key.ok()) return key.status();
    o.client_certificate_pem = *cert;
    o.client_key_pem = *key;
    if (o.client_certificate_pem.empty() != o.client_key_pem.empty()) {
      return invalid_argument("user \"" + user_name + "\" in kubeconfig has a client certificate without a key "
                              "(or a key without a certificate)");
    }
  }
  return o;
}

}  // namespace platform::k8s
