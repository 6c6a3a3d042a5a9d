// SPDX-License-Identifier: Apache-2.0
// Helm-style --set: `kafka.brokers=5`, `kafka.topics[0].partitions=12`,
// `kafka.topics[name=events].partitions=12`, `camel_k.languages={java,yaml}`,
// `kafka.config.retention\.ms=1000`. Each value is typed by the field it
// reaches, so `--set kafka.version=3.8` stays the string "3.8"; a value the
// field cannot take is left as a string for decode() to refuse, so --set and
// file errors read the same.
#include <charconv>
#include <optional>
#include <cstdint>

#include "spec/codec.hpp"

namespace platform::internal::spec {
namespace {

struct Segment {
  enum class Kind { kKey, kIndex, kSelect } kind = Kind::kKey;
  std::string key;      // kKey: the key; kSelect: the item field
  std::size_t index = 0;
  std::string value;    // kSelect: the value the item field must have
};

bool parse_index(std::string_view s, std::size_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits "a.b[0].c[name=x]" into segments; "" on success, else what is wrong.
std::string parse_path(std::string_view path, std::vector<Segment>& out) {
  std::size_t i = 0;
  while (true) {
    std::string key;
    while (i < path.size() && path[i] != '.' && path[i] != '[') {
      if (path[i] == '\\' && i + 1 < path.size()) ++i;  // "\." is a dot inside a key
      key += path[i++];
    }
    if (key.empty()) return "empty key at position " + std::to_string(i + 1);
    out.push_back({Segment::Kind::kKey, std::move(key), 0, {}});
    while (i < path.size() && path[i] == '[') {
      std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return "'[' without ']'";
      std::string_view inside = path.substr(i + 1, close - i - 1);
      Segment seg;
      if (parse_index(inside, seg.index)) {
        seg.kind = Segment::Kind::kIndex;
      } else if (std::size_t eq = inside.find('='); eq != std::string_view::npos && eq > 0) {
        seg.kind = Segment::Kind::kSelect;
        seg.key = inside.substr(0, eq);
        seg.value = inside.substr(eq + 1);
      } else {
        return "'[" + std::string(inside) + "]' is neither an index like [0] nor a selector like [name=events]";
      }
      out.push_back(std::move(seg));
      i = close + 1;
    }
    if (i == path.size()) return "";
    if (path[i] != '.') return "expected '.' or '[' at position " + std::to_string(i + 1);
    ++i;
  }
}

// Where in the schema a walk has arrived: a field, or an item/value of one.
struct Position {
  const SchemaNode* node = nullptr;
  bool inside = false;  // an item of a list or a value of a map

  [[nodiscard]] std::optional<Type> type() const {
    if (node == nullptr) return std::nullopt;
    if (!inside) return node->type;
    return node->type == Type::kObjectList ? Type::kObject : Type::kString;
  }
};

Position step_key(Position at, std::string_view key) {
  auto type = at.type();
  if (type == Type::kObject) return {at.node->child(key), false};
  if (type == Type::kStringMap) return {at.node, true};
  return {};
}

Position step_item(Position at) {
  auto type = at.type();
  if (type == Type::kObjectList || type == Type::kStringList) return {at.node, true};
  return {};
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

Json typed_value(std::string_view text, std::optional<Type> type) {
  if (text == "null") return nullptr;  // as in Helm: back to the default
  bool braces = text.size() >= 2 && text.front() == '{' && text.back() == '}';
  switch (type.value_or(Type::kString)) {
    case Type::kInteger: {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && p == text.data() + text.size()) return v;
      break;
    }
    case Type::kBoolean:
      if (text == "true") return true;
      if (text == "false") return false;
      break;
    case Type::kStringList:
      if (braces) {
        Json list = Json::array();
        std::string_view inner = text.substr(1, text.size() - 2);
        if (trim(inner).empty()) return list;
        std::size_t start = 0;
        while (true) {
          std::size_t comma = inner.find(',', start);
          list.push_back(trim(inner.substr(start, comma == std::string_view::npos ? comma : comma - start)));
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
        return list;
      }
      break;
    case Type::kObjectList:
      if (text == "{}" || text == "[]") return Json::array();
      break;
    case Type::kObject:
    case Type::kStringMap:
      if (text == "{}") return Json::object();
      break;
    case Type::kString:
      break;
  }
  return std::string(text);
}

std::string json_kind(const Json& j) {
  if (j.is_object()) return "a mapping";
  if (j.is_array()) return "a list";
  return "a single value";
}

}  // namespace

void apply_overrides(Json& value, const std::vector<std::string>& overrides, std::vector<AppliedOverride>& applied,
                     std::vector<Problem>& problems) {
  for (const std::string& text : overrides) {
    const std::string location = "--set " + text;
    auto fail = [&](std::string path, std::string message) {
      problems.push_back({{}, std::move(path), std::move(message), "set-syntax", {}, location});
    };
    if (std::size_t bad = internal::invalid_utf8_at(text); bad != std::string::npos) {
      fail("", "byte " + std::to_string(bad + 1) + " is not UTF-8; pass the value as UTF-8 text");
      continue;
    }
    // The first '=' outside [...] separates path and value.
    std::size_t eq = std::string::npos;
    int depth = 0;
    for (std::size_t i = 0; i < text.size() && eq == std::string::npos; ++i) {
      if (text[i] == '\\') ++i;
      else if (text[i] == '[') ++depth;
      else if (text[i] == ']') --depth;
      else if (text[i] == '=' && depth == 0) eq = i;
    }
    if (eq == std::string::npos) {
      fail("", "expected path=value, e.g. --set kafka.brokers=5");
      continue;
    }
    std::string_view path = std::string_view(text).substr(0, eq);
    std::string_view raw = std::string_view(text).substr(eq + 1);
    std::vector<Segment> segments;
    if (std::string why = parse_path(path, segments); !why.empty()) {
      fail(std::string(path), "cannot read the path: " + why + "; write it like kafka.topics[0].partitions");
      continue;
    }
    Json* at = &value;
    Position pos{&schema(), false};
    Cursor cur;
    bool ok = true;
    for (const Segment& seg : segments) {
      if (seg.kind == Segment::Kind::kKey) {
        if (at->is_null()) *at = Json::object();
        if (!at->is_object()) {
          fail(cur.path(), "cannot set '" + seg.key + "' inside " + json_kind(*at));
          ok = false;
          break;
        }
        at = &(*at)[seg.key];
        pos = step_key(pos, seg.key);
        cur.push(seg.key);
        continue;
      }
      if (at->is_null()) *at = Json::array();
      if (!at->is_array()) {
        fail(cur.path(), "is " + json_kind(*at) + ", not a list; drop the [...]");
        ok = false;
        break;
      }
      std::size_t index = seg.index;
      if (seg.kind == Segment::Kind::kSelect) {
        index = at->size();
        std::string existing;
        for (std::size_t i = 0; i < at->size(); ++i) {
          const Json& item = (*at)[i];
          if (!item.is_object() || !item.contains(seg.key)) continue;
          const Json& field = item[seg.key];
          std::string shown = field.is_string() ? field.get<std::string>() : field.dump();
          if (shown == seg.value) {
            index = i;
            break;
          }
          existing += (existing.empty() ? "" : ", ") + shown;
        }
        if (index == at->size()) {
          fail(cur.path(), "no item has " + seg.key + "=" + seg.value +
                               (existing.empty() ? std::string("; the list is empty")
                                                 : "; the items have " + seg.key + ": " + existing));
          ok = false;
          break;
        }
      } else if (index == at->size()) {
        at->push_back(nullptr);  // [n] on a list of n items appends, as in Helm
      } else if (index > at->size()) {
        fail(cur.path(), "index " + std::to_string(index) + " is past the end of the list (" +
                             std::to_string(at->size()) + " items); use [" + std::to_string(at->size()) +
                             "] to append");
        ok = false;
        break;
      }
      at = &(*at)[index];
      pos = step_item(pos);
      cur.push(index);
    }
    if (!ok) continue;
    *at = typed_value(raw, pos.type());
    applied.push_back({location, cur.pointer()});
  }
}

}  // namespace platform::internal::spec
