// SPDX-License-Identifier: Apache-2.0
#include "flow/json_object.hpp"

#include <cstring>

#include "internal/yaml_json.hpp"

namespace platform::internal {
namespace {

struct Parser {
  std::string_view s;
  std::size_t i = 0;
  std::string error;
  int depth = 0;

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  }
  bool fail(const char* what) {
    if (error.empty()) error = std::string(what) + " at byte " + std::to_string(i + 1);
    return false;
  }
  // Skips a string starting at s[i] == '"'; sets `escaped` when it has '\'.
  bool skip_string(bool& escaped) {
    ++i;
    escaped = false;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        ++i;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c == '\\') {
        escaped = true;
        i += 2;
        continue;
      }
      ++i;
    }
    return fail("unterminated string");
  }
  bool skip_value() {
    ws();
    if (i >= s.size()) return fail("value expected");
    char c = s[i];
    if (c == '"') {
      bool e;
      return skip_string(e);
    }
    if (c == '{' || c == '[') {
      if (++depth > 128) return fail("nesting too deep");
      char close = c == '{' ? '}' : ']';
      ++i;
      ws();
      if (i < s.size() && s[i] == close) {
        ++i;
        --depth;
        return true;
      }
      for (;;) {
        if (c == '{') {
          ws();
          bool e;
          if (i >= s.size() || s[i] != '"' || !skip_string(e)) return fail("object key expected");
          ws();
          if (i >= s.size() || s[i] != ':') return fail("':' expected");
          ++i;
        }
        if (!skip_value()) return false;
        ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == close) {
          ++i;
          --depth;
          return true;
        }
        return fail("',' or end of container expected");
      }
    }
    std::size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '+' || s[i] == '.')) {
      ++i;
    }
    std::string_view word = s.substr(start, i - start);
    if (word == "true" || word == "false" || word == "null") return true;
    if (word.empty() || !(word[0] == '-' || std::isdigit(static_cast<unsigned char>(word[0])))) {
      return fail("value expected");
    }
    for (char d : word) {
      if (!(std::isdigit(static_cast<unsigned char>(d)) || d == '-' || d == '+' || d == '.' || d == 'e' || d == 'E')) {
        return fail("bad number");
      }
    }
    return true;
  }
  bool object(JsonNode& out) {
    out.is_object = true;
    ++i;  // '{'
    ws();
    if (i < s.size() && s[i] == '}') {
      ++i;
      return true;
    }
    for (;;) {
      ws();
      if (i >= s.size() || s[i] != '"') return fail("object key expected");
      std::size_t ks = i;
      bool escaped;
      if (!skip_string(escaped)) return false;
      std::string key;
      if (escaped) {
        try {
          key = Json::parse(s.substr(ks, i - ks)).get<std::string>();
        } catch (const std::exception&) {
          return fail("bad escape in a key");
        }
      } else {
        key.assign(s.substr(ks + 1, i - ks - 2));
      }
      ws();
      if (i >= s.size() || s[i] != ':') return fail("':' expected");
      ++i;
      ws();
      JsonNode child;
      if (i < s.size() && s[i] == '{') {
        if (++depth > 128) return fail("nesting too deep");
        if (!object(child)) return false;
        --depth;
      } else {
        std::size_t vs = i;
        if (!skip_value()) return false;
        child.raw = s.substr(vs, i - vs);
      }
      out.members.emplace_back(std::move(key), std::move(child));
      ws();
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      if (i < s.size() && s[i] == '}') {
        ++i;
        return true;
      }
      return fail("',' or '}' expected");
    }
  }
};

void write_key(std::string& out, const std::string& key) {
  bool plain = true;
  for (char c : key) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) plain = false;
  }
  if (plain) {
    out += '"';
    out += key;
    out += '"';
  } else {
    out += Json(key).dump();
  }
}

std::pair<std::string_view, std::string_view> split(std::string_view path) {
  auto dot = path.find('.');
  if (dot == std::string_view::npos) return {path, {}};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

JsonNode* find_member(JsonNode& node, std::string_view key) {
  for (auto& [k, v] : node.members) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace

void JsonNode::serialize(std::string& out) const {
  if (!is_object) {
    out.append(value_text());
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [k, v] : members) {
    if (!first) out += ',';
    first = false;
    write_key(out, k);
    out += ':';
    v.serialize(out);
  }
  out += '}';
}

std::string JsonNode::canonical() const {
  std::string text;
  serialize(text);
  return canonical_json(text);
}

std::string canonical_json(std::string_view json) {
  try {
    return Json::parse(json).dump();
  } catch (const std::exception&) {
    return {};
  }
}

Result<JsonNode> parse_json_object(std::string_view text) {
  Parser p;
  p.s = text;
  p.ws();
  if (p.i >= text.size() || text[p.i] != '{') {
    return invalid_argument("the payload is not a JSON object (the transform needs one)");
  }
  JsonNode root;
  if (!p.object(root)) return invalid_argument("the payload is not valid JSON: " + p.error);
  p.ws();
  if (p.i != text.size()) return invalid_argument("the payload has bytes after its JSON object");
  return root;
}

const JsonNode* find_path(const JsonNode& root, std::string_view path) {
  const JsonNode* node = &root;
  while (!path.empty()) {
    if (!node->is_object) return nullptr;
    auto [head, rest] = split(path);
    node = find_member(const_cast<JsonNode&>(*node), head);
    if (node == nullptr) return nullptr;
    path = rest;
  }
  return node;
}

void put_path(JsonNode& root, std::string_view path, JsonNode value) {
  JsonNode* node = &root;
  for (;;) {
    auto [head, rest] = split(path);
    JsonNode* child = find_member(*node, head);
    if (rest.empty()) {
      if (child != nullptr) {
        *child = std::move(value);
      } else {
        node->members.emplace_back(std::string(head), std::move(value));
      }
      return;
    }
    if (child == nullptr) {
      node->members.emplace_back(std::string(head), JsonNode{});
      child = &node->members.back().second;
    }
    if (!child->is_object) {
      *child = JsonNode{};
      child->is_object = true;
    }
    node = child;
    path = rest;
  }
}

bool take_path(JsonNode& root, std::string_view path, JsonNode* out) {
  JsonNode* node = &root;
  for (;;) {
    if (!node->is_object) return false;
    auto [head, rest] = split(path);
    if (rest.empty()) {
      for (auto it = node->members.begin(); it != node->members.end(); ++it) {
        if (it->first == head) {
          if (out != nullptr) *out = std::move(it->second);
          node->members.erase(it);
          return true;
        }
      }
      return false;
    }
    node = find_member(*node, head);
    if (node == nullptr) return false;
    path = rest;
  }
}

}  // namespace platform::internal
