// SPDX-License-Identifier: Apache-2.0
#include "platform/tenancy/lifecycle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "internal/yaml_json.hpp"
#include "platform/spec/load.hpp"
#include "platform/tenancy/tenant.hpp"
#include "tenancy/files.hpp"

namespace platform::tenancy {
namespace {

namespace fs = std::filesystem;
using platform::internal::Json;

bool is_dns_label(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::size_t indent_of(const std::string& line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  return i;
}

bool blank_or_comment(const std::string& line) {
  std::string t = trim(line);
  return t.empty() || t[0] == '#';
}

// A value with its trailing comment removed ("[]  # none" -> "[]").
std::string value_part(std::string_view after_colon) {
  std::string s(after_colon);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
      s.resize(i);
      break;
    }
  }
  return trim(s);
}

struct Text {
  std::vector<std::string> lines;
  bool trailing_newline = true;

  explicit Text(std::string_view s) {
    trailing_newline = s.empty() || s.back() == '\n';
    std::size_t start = 0;
    while (start < s.size()) {
      std::size_t nl = s.find('\n', start);
      if (nl == std::string_view::npos) nl = s.size();
      lines.emplace_back(s.substr(start, nl - start));
      start = nl + 1;
    }
  }
  [[nodiscard]] std::string str() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += lines[i];
      if (i + 1 < lines.size() || trailing_newline) out += "\n";
    }
    return out;
  }
};

// Where the `tenants:` block is in the file.
struct Block {
  bool present = false;
  std::size_t key = 0;            // the `tenants:` line
  bool empty_inline = false;      // `tenants: []` / `tenants: null` / `tenants:` with no items
  std::size_t last_content = 0;   // last item line (== key when there are none)
  std::vector<std::size_t> items; // first line of each item
  std::size_t item_indent = 2;
};

Result<Block> find_block(const Text& t, std::string_view source) {
  Block b;
  for (std::size_t i = 0; i < t.lines.size(); ++i) {
    const std::string& l = t.lines[i];
    if (l.rfind("tenants:", 0) != 0) continue;
    if (b.present) {
      return invalid_argument(std::string(source) + ":" + std::to_string(i + 1) + ": a second top-level 'tenants:' key; keep one");
    }
    b.present = true;
    b.key = i;
  }
  if (!b.present) return b;
  const std::string v = value_part(std::string_view(t.lines[b.key]).substr(8));
  if (v == "[]" || v == "null" || v == "~") {
    b.empty_inline = true;
    b.last_content = b.key;
    return b;
  }
  if (!v.empty()) {
    return invalid_argument(std::string(source) + ":" + std::to_string(b.key + 1) +
                            ": 'tenants:' is written in flow style; tenant add/remove edit a block list, so write it as\n"
                            "tenants:\n  - name: alice");
  }
  b.last_content = b.key;
  bool first = true;
  for (std::size_t i = b.key + 1; i < t.lines.size(); ++i) {
    const std::string& l = t.lines[i];
    if (blank_or_comment(l)) continue;
    const std::size_t ind = indent_of(l);
    const bool dash = l.compare(ind, 1, "-") == 0;
    if (ind == 0 && !dash) break;  // the next top-level key
    if (first) {
      if (!dash) return invalid_argument(std::string(source) + ":" + std::to_string(i + 1) + ": 'tenants:' must be a list of '- name: ...' items");
      b.item_indent = ind;
      first = false;
    }
    if (dash && ind == b.item_indent) b.items.push_back(i);
    b.last_content = i;
  }
  if (b.items.empty()) b.empty_inline = true;
  return b;
}

bool is_number(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string scalar(const std::string& v) {
  if (is_number(v) || platform::internal::is_plain_safe(v)) return v;
  return Json(v).dump();
}

// The YAML lines of a new item: "- name: x" and its quota/container fields.
Result<std::vector<std::string>> item_lines(const std::string& name, const std::vector<std::string>& sets,
                                            std::size_t indent) {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> groups;
  for (const std::string& s : sets) {
    auto eq = s.find('=');
    auto dot = s.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 || dot + 1 == eq ||
        s.find('.', dot + 1) < eq) {
      return invalid_argument("--set " + s + ": a tenant's fields are quota.<field>=<value> or container.<field>=<value>, "
                              "e.g. --set quota.pods=40 or --set container.limit_cpu=1");
    }
    const std::string group = s.substr(0, dot);
    if (group != "quota" && group != "container") {
      return invalid_argument("--set " + s + ": a tenant has 'quota' and 'container' fields, not '" + group + "'");
    }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) it = groups.insert(groups.end(), {group, {}});
    it->second.emplace_back(s.substr(dot + 1, eq - dot - 1), s.substr(eq + 1));
  }
  const std::string pad(indent, ' ');
  std::vector<std::string> out{pad + "- name: " + name};
  for (const auto& [group, fields] : groups) {
    out.push_back(pad + "  " + group + ":");
    for (const auto& [k, v] : fields) out.push_back(pad + "    " + k + ": " + scalar(v));
  }
  return out;
}

std::string item_name(const Text& t, std::size_t begin, std::size_t end, std::size_t indent) {
  std::string text;
  for (std::size_t i = begin; i < end; ++i) text += (t.lines[i].size() >= indent ? t.lines[i].substr(indent) : trim(t.lines[i])) + "\n";
  auto docs = platform::internal::parse_yaml_stream(text);
  if (!docs.ok() || docs->empty()) return "";
  const Json& v = docs->front().value;
  if (!v.is_array() || v.empty() || !v[0].is_object()) return "";
  auto it = v[0].find("name");
  return it != v[0].end() && it->is_string() ? it->get<std::string>() : "";
}

Result<spec::PlatformSpec> parse(std::string_view yaml, std::string_view source, std::vector<std::string> overrides = {}) {
  return spec::parse_spec(yaml, source, spec::LoadOptions{std::move(overrides)});
}

Status mismatch() {
  return internal_error("the edited spec does not read back as intended; the file was left unchanged "
                        "(please report this with the spec file)");
}

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return not_found("cannot read spec file " + p.string() + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A temporary file beside `p`, fsync'ed, then renamed over it: readers see
// the old file or the new one, never half of one.
Status write_atomically(const fs::path& p, const std::string& content) {
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + p.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return unavailable("cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0) (void)::fchmod(fd, st.st_mode & 07777);
  std::size_t done = 0;
  int err = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmpl.c_str(), p.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmpl.c_str());
    return unavailable("cannot write " + p.string() + ": " + std::strerror(err));
  }
  return {};
}

}  // namespace

Status check_tenant_name(const spec::PlatformSpec& spec, const std::string& name) {
  const std::string ns = std::string(kTenantNamespacePrefix) + name;
  if (!is_dns_label(name)) {
    return invalid_argument("tenant name '" + name +
                            "' is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending "
                            "with a letter or digit (e.g. data-team)");
  }
  if (ns.size() > 63) {
    return invalid_argument("tenant name '" + name + "' is " + std::to_string(name.size()) + " characters; its namespace " +
                            ns + " would exceed 63, so keep tenant names to 58");
  }
  const auto& n = spec.namespaces;
  const std::vector<std::string> platform{n.operators, n.kafka, n.rabbitmq, n.camelk, n.backstage, n.argocd};
  const bool reserved = name == "default" || name == "system" || name == "platform" || name.rfind("kube", 0) == 0 ||
                        name.rfind("openshift", 0) == 0 ||
                        std::find(platform.begin(), platform.end(), name) != platform.end() ||
                        std::find(platform.begin(), platform.end(), ns) != platform.end();
  if (reserved) {
    return invalid_argument("tenant name '" + name +
                            "' is reserved (default, system, platform, kube*, openshift* and the platform's namespace "
                            "names are); choose another name");
  }
  for (const auto& t : spec.tenants) {
    if (t.name == name) return Status(StatusCode::kAlreadyExists, "tenant '" + name + "' already exists (namespace " + ns + ")");
  }
  return {};
}

Result<std::string> add_tenant_text(std::string_view yaml, const std::string& name, const std::vector<std::string>& sets,
                                    std::string_view source_name) {
  auto old = parse(yaml, source_name);
  if (!old.ok()) return old.status();
  PLATFORM_RETURN_IF_ERROR(check_tenant_name(*old, name));
  // What the edit must mean: the old spec with the tenant appended.
  const std::string at = "tenants[" + std::to_string(old->tenants.size()) + "].";
  std::vector<std::string> overrides{at + "name=" + name};
  for (const auto& s : sets) overrides.push_back(at + s);
  auto lines = item_lines(name, sets, 2);
  if (!lines.ok()) return lines.status();
  auto expected = parse(yaml, source_name, overrides);
  if (!expected.ok()) return expected.status();

  Text t(yaml);
  auto b = find_block(t, source_name);
  if (!b.ok()) return b.status();
  std::vector<std::string> item = *item_lines(name, sets, b->present && !b->items.empty() ? b->item_indent : 2);
  if (!b->present) {
    if (!t.lines.empty() && !t.trailing_newline) t.trailing_newline = true;
    t.lines.push_back("tenants:");
    t.lines.insert(t.lines.end(), item.begin(), item.end());
    t.trailing_newline = true;
  } else {
    if (b->empty_inline) {
      // Keep a trailing comment of the key line.
      const std::string& key = t.lines[b->key];
      auto hash = key.find(" #");
      t.lines[b->key] = "tenants:" + (hash == std::string::npos ? std::string() : key.substr(hash));
    }
    t.lines.insert(t.lines.begin() + static_cast<std::ptrdiff_t>(b->last_content + 1), item.begin(), item.end());
  }
  std::string out = t.str();
  auto got = parse(out, source_name);
  if (!got.ok() || *got != *expected) return mismatch();
  return out;
}

Result<std::string> remove_tenant_text(std::string_view yaml, const std::string& name, std::string_view source_name) {
  auto old = parse(yaml, source_name);
  if (!old.ok()) return old.status();
  auto pos = std::find_if(old->tenants.begin(), old->tenants.end(), [&](const spec::Tenant& x) { return x.name == name; });
  if (pos == old->tenants.end()) {
    std::string known;
    for (const auto& x : old->tenants) known += (known.empty() ? "" : ", ") + x.name;
    return not_found("no tenant '" + name + "' in " + std::string(source_name) +
                     (known.empty() ? " (it has no tenants)" : " (tenants: " + known + ")"));
  }
  spec::PlatformSpec expected = *old;
  expected.tenants.erase(expected.tenants.begin() + (pos - old->tenants.begin()));

  Text t(yaml);
  auto b = find_block(t, source_name);
  if (!b.ok()) return b.status();
  std::optional<std::pair<std::size_t, std::size_t>> range;
  for (std::size_t k = 0; k < b->items.size(); ++k) {
    const std::size_t begin = b->items[k];
    std::size_t end = k + 1 < b->items.size() ? b->items[k + 1] : b->last_content + 1;
    // Comments and blank lines just before the next item belong to it.
    while (end > begin + 1 && blank_or_comment(t.lines[end - 1])) --end;
    if (item_name(t, begin, end, b->item_indent) == name) {
      range = {begin, end};
      break;
    }
  }
  if (!range) return mismatch();
  t.lines.erase(t.lines.begin() + static_cast<std::ptrdiff_t>(range->first),
                t.lines.begin() + static_cast<std::ptrdiff_t>(range->second));
  if (b->items.size() == 1) t.lines[b->key] = "tenants: []";
  std::string out = t.str();
  auto got = parse(out, source_name);
  if (!got.ok() || *got != expected) return mismatch();
  return out;
}

Result<spec::Tenant> add_tenant(const fs::path& spec_file, const std::string& name, const std::vector<std::string>& sets) {
  auto text = read_file(spec_file);
  if (!text.ok()) return text.status();
  auto out = add_tenant_text(*text, name, sets, spec_file.string());
  if (!out.ok()) return out.status();
  auto spec = parse(*out, spec_file.string());
  if (!spec.ok()) return spec.status();
  PLATFORM_RETURN_IF_ERROR(write_atomically(spec_file, *out));
  return spec->tenants.back();
}

namespace {

// The tenant's PVCs in a rendered tree: PersistentVolumeClaims and StatefulSet
// volumeClaimTemplates in its namespace.
Result<std::vector<std::string>> tenant_claims(const fs::path& dir, const std::string& ns) {
  std::vector<std::string> out;
  PLATFORM_RETURN_IF_ERROR(internal::for_each_document(
      dir, [&](const fs::path& f, const platform::internal::YamlDocument& d,
               const platform::internal::YamlParseOptions&) -> Status {
        const Json& v = d.value;
        if (!v.is_object()) return {};
        const std::string kind = v.value("kind", "");
        const Json meta = v.value("metadata", Json::object());
        std::string doc_ns = meta.is_object() ? meta.value("namespace", "") : "";
        if (doc_ns.empty() && f.string().find("/" + ns + "/") != std::string::npos) doc_ns = ns;
        if (doc_ns != ns) return {};
        const std::string name = meta.is_object() ? meta.value("name", "") : "";
        if (kind == "PersistentVolumeClaim") out.push_back("PersistentVolumeClaim " + name + " (" + f.string() + ")");
        if (kind == "StatefulSet" && v.contains("spec") && v["spec"].contains("volumeClaimTemplates")) {
          out.push_back("StatefulSet " + name + " volumeClaimTemplates (" + f.string() + ")");
        }
        return {};
      }));
  return out;
}

}  // namespace

Result<Removal> remove_tenant(const fs::path& spec_file, const std::string& name, const std::optional<fs::path>& manifests) {
  auto text = read_file(spec_file);
  if (!text.ok()) return text.status();
  auto old = parse(*text, spec_file.string());
  if (!old.ok()) return old.status();
  auto out = remove_tenant_text(*text, name, spec_file.string());
  if (!out.ok()) return out.status();
  Removal r;
  r.tenant = *std::find_if(old->tenants.begin(), old->tenants.end(), [&](const spec::Tenant& x) { return x.name == name; });
  if (manifests) {
    const std::string ns = std::string(kTenantNamespacePrefix) + name;
    auto claims = tenant_claims(*manifests, ns);
    if (!claims.ok()) return claims.status();
    for (const auto& c : *claims) {
      r.warnings.push_back("namespace " + ns + " has " + c +
                           ": when Argo CD prunes the namespace its volumes' data is deleted with it; back it up first");
    }
  }
  PLATFORM_RETURN_IF_ERROR(write_atomically(spec_file, *out));
  return r;
}

Result<std::vector<spec::Tenant>> list_tenants(const fs::path& spec_file) {
  auto spec = spec::load_spec_file(spec_file);
  if (!spec.ok()) return spec.status();
  return spec->tenants;
}

std::string to_text(const std::vector<spec::Tenant>& tenants, const std::string& format) {
  if (format == "json" || format == "yaml") {
    Json list = Json::array();
    for (const auto& t : tenants) {
      const auto& q = t.quota;
      const auto& c = t.container;
      list.push_back({{"name", t.name},
                      {"namespace", std::string(kTenantNamespacePrefix) + t.name},
                      {"quota", {{"requests_cpu", q.requests_cpu}, {"requests_memory", q.requests_memory},
                                 {"limits_cpu", q.limits_cpu}, {"limits_memory", q.limits_memory},
                                 {"persistentvolumeclaims", q.persistentvolumeclaims}, {"services", q.services},
                                 {"pods", q.pods}}},
                      {"container", {{"request_cpu", c.request_cpu}, {"request_memory", c.request_memory},
                                     {"limit_cpu", c.limit_cpu}, {"limit_memory", c.limit_memory}}}});
    }
    Json j = {{"tenants", list}};
    return format == "json" ? j.dump(2) + "\n" : platform::internal::to_yaml(j);
  }
  std::vector<std::vector<std::string>> rows{{"NAME", "NAMESPACE", "REQ-CPU", "REQ-MEM", "LIM-CPU", "LIM-MEM", "PODS", "PVCS", "SERVICES"}};
  for (const auto& t : tenants) {
    const auto& q = t.quota;
    rows.push_back({t.name, std::string(kTenantNamespacePrefix) + t.name, q.requests_cpu, q.requests_memory, q.limits_cpu,
                    q.limits_memory, std::to_string(q.pods), std::to_string(q.persistentvolumeclaims), std::to_string(q.services)});
  }
  std::vector<std::size_t> w(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(w[i] - r[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace platform::tenancy
