// SPDX-License-Identifier: Apache-2.0
// What the field table says about itself: spec_fields(), the commented
// default spec of `platformctl init`, and docs/spec-reference.md.
#include <algorithm>
#include <climits>

#include "platform/spec/load.hpp"
#include "spec/codec.hpp"

namespace platform::internal::spec {

std::string full_doc(const SchemaNode& node) {
  std::string doc = node.doc;
  switch (node.check) {
    case Check::kDnsLabel: doc += " A DNS-1123 label (a-z, 0-9, '-'; at most 63)."; break;
    case Check::kDnsSubdomain: doc += " A DNS-1123 subdomain (a-z, 0-9, '-', '.')."; break;
    case Check::kCpu: doc += " A Kubernetes CPU quantity (500m is half a core)."; break;
    case Check::kMemory:
    case Check::kStorage: doc += " A Kubernetes quantity (Mi, Gi, Ti)."; break;
    case Check::kPort: doc += " 1 to 65535."; break;
    case Check::kChoice:
      if (node.choices.size() == 1) {
        doc += " Only " + node.choices.front() + " is supported.";
      } else {
        doc += " One of: ";
        for (std::size_t i = 0; i < node.choices.size(); ++i) doc += (i ? ", " : "") + node.choices[i];
        doc += ".";
      }
      break;
    default: break;
  }
  if (node.min != INT_MIN) doc += " At least " + std::to_string(node.min) + ".";
  if (node.required) doc += " Required.";
  return doc;
}

std::string type_name(const SchemaNode& node) {
  switch (node.type) {
    case Type::kString:
      return node.check == Check::kCpu || node.check == Check::kMemory || node.check == Check::kStorage ? "quantity"
                                                                                                        : "string";
    case Type::kInteger: return node.check == Check::kPort ? "port" : "integer";
    case Type::kBoolean: return "boolean";
    case Type::kStringList: return "list of strings";
    case Type::kStringMap: return "map of strings";
    case Type::kObject: return "object";
    case Type::kObjectList: return "list of " + node.item + "s";
  }
  return "object";
}

std::string flow_yaml(const Json& value) {
  if (value.is_object()) {
    std::string out = "{";
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it != value.begin()) out += ", ";
      out += flow_yaml(Json(it.key())) + ": " + flow_yaml(it.value());
    }
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + flow_yaml(value[i]);
    return out + "]";
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    // A JSON string is a valid YAML double-quoted scalar.
    if (!is_plain_safe(s) || s.find_first_of(",[]{}") != std::string::npos) return value.dump();
    return s;
  }
  return value.dump();
}

namespace {

platform::spec::FieldInfo field_info(const SchemaNode& f, std::string path) {
  std::string def = f.type == Type::kObject || f.required ? "" : flow_yaml(f.default_value);
  return {std::move(path), type_name(f), std::move(def), full_doc(f)};
}

void flatten(const SchemaNode& node, const std::string& prefix, std::vector<platform::spec::FieldInfo>& out) {
  for (const SchemaNode& f : node.children) {
    std::string path = prefix.empty() ? f.key : prefix + "." + f.key;
    out.push_back(field_info(f, path));
    if (f.type == Type::kObject) flatten(f, path, out);
    if (f.type == Type::kObjectList) flatten(f, path + "[]", out);
  }
}

// Word-wraps `text` into "# " comment lines at `indent`.
void append_comment(std::string& out, std::string_view text, int indent, std::string_view hanging = "") {
  constexpr std::size_t kWidth = 100;
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t pos = std::min(text.find_first_not_of(' '), text.size());
  std::string line = pad + "#" + std::string(pos, ' ');  // keeps the text's own indentation
  bool first_word = true;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    if (!first_word && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = pad + "#" + std::string(hanging);
      first_word = true;
    }
    line += " ";
    line += word;
    first_word = false;
  }
  out += line + "\n";
}

void append_indented(std::string& out, std::string_view yaml, int indent) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t pos = 0;
  while (pos < yaml.size()) {
    std::size_t nl = yaml.find('\n', pos);
    if (nl == std::string_view::npos) nl = yaml.size();
    out += pad;
    out += yaml.substr(pos, nl - pos);
    out += '\n';
    pos = nl + 1;
  }
}

void append_commented_fields(std::string& out, const SchemaNode& node, const Json& value, int indent) {
  for (const SchemaNode& f : node.children) {
    const Json& v = value.at(f.key);
    if (indent == 0) out += '\n';
    append_comment(out, full_doc(f), indent);
    if (f.type == Type::kObject) {
      out += std::string(static_cast<std::size_t>(indent), ' ') + f.key + ":\n";
      append_commented_fields(out, f, v, indent + 2);
      continue;
    }
    if (f.type == Type::kObjectList) {
      append_comment(out, "Each " + f.item + ":", indent);
      for (const SchemaNode& c : f.children) {
        append_comment(out, "  " + c.key + ": " + full_doc(c), indent, "     ");
      }
      if (v.empty() && f.key == "tenants") {
        append_comment(out, "For example (quota and container fields absent here come from tenant_defaults):",
                       indent);
        append_comment(out, "  - name: alice", indent);
        append_comment(out, "    quota:", indent);
        append_comment(out, "      pods: 40", indent);
      }
    }
    Json one = Json::object();
    one[f.key] = v;
    append_indented(out, to_yaml(one), indent);
  }
}

std::string escape_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";  // "user-<name>" is not an HTML tag
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

void append_table(std::string& out, const std::vector<platform::spec::FieldInfo>& rows) {
  out += "| Field | Type | Default | Description |\n|---|---|---|---|\n";
  for (const auto& f : rows) {
    out += "| `" + f.path + "` | " + escape_cell(f.type) + " | " +
           (f.default_value.empty() ? std::string() : "`" + escape_cell(f.default_value) + "`") + " | " +
           escape_cell(f.description) + " |\n";
  }
}

}  // namespace

}  // namespace platform::internal::spec

namespace platform::spec {

using internal::spec::schema;
using internal::spec::SchemaNode;
using internal::spec::Type;

std::vector<FieldInfo> spec_fields() {
  std::vector<FieldInfo> out;
  internal::spec::flatten(schema(), "", out);
  return out;
}

std::string init_yaml() {
  std::string out =
      "# The platform spec: the seed's event-driven platform on Kubernetes (written by `platformctl init`).\n"
      "# Every key is optional: a key left out keeps the default shown here. Keys are snake_case and nest\n"
      "# like the platform (kafka.brokers, kafka.topics, tenants). Override any field on the command line\n"
      "# with --set path=value, e.g. --set kafka.brokers=5. See docs/spec.md and docs/spec-reference.md.\n";
  internal::spec::append_commented_fields(out, schema(), schema().default_value, 0);
  return out;
}

std::string spec_reference_markdown() {
  std::string out =
      "# Platform spec reference\n\n"
      "<!-- Generated by `platformctl spec reference` from lib/spec/fields.hpp; do not edit by hand.\n"
      "     tests/spec/spec_test.cpp fails when this file and the code disagree. -->\n\n"
      "Every field of a platform spec, its type, its default (the seed's platform) and its meaning.\n"
      "How to write a spec, override fields and read errors: [spec.md](spec.md).\n"
      "Keys are snake_case; a key left out keeps its default. `[]` in a path stands for each item of a\n"
      "list; an item field's default is what a new item gets when it leaves the field out.\n";
  std::vector<FieldInfo> top;
  for (const SchemaNode& f : schema().children) {
    if (f.type != Type::kObject && f.type != Type::kObjectList) {
      top.push_back(internal::spec::field_info(f, f.key));
    }
  }
  out += "\n## Top level\n\n";
  internal::spec::append_table(out, top);
  for (const SchemaNode& f : schema().children) {
    if (f.type != Type::kObject && f.type != Type::kObjectList) continue;
    out += "\n## `" + f.key + "`\n\n" + internal::spec::escape_cell(internal::spec::full_doc(f)) + "\n\n";
    SchemaNode section;
    section.children.push_back(f);
    std::vector<FieldInfo> rows;
    internal::spec::flatten(section, "", rows);
    if (f.type == Type::kObject) rows.erase(rows.begin());  // the heading says it
    internal::spec::append_table(out, rows);
  }
  return out;
}

}  // namespace platform::spec
