// SPDX-License-Identifier: Apache-2.0
#include "validate/schema.hpp"
#include "internal/text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>

namespace platform::internal {

namespace {

enum TypeBit : std::uint8_t {
  kObject = 1,
  kArray = 2,
  kString = 4,
  kInteger = 8,
  kNumber = 16,
  kBoolean = 32,
};

enum class Format : std::uint8_t { kNone, kInt32, kInt64, kDateTime, kByte };

}  // namespace

class SchemaNode {
 public:
  std::uint8_t types = 0;  // 0: any type
  bool nullable = false;
  bool preserve_unknown = false;
  bool int_or_string = false;
  bool embedded_resource = false;
  bool closed = false;  // unknown fields are errors
  std::vector<std::pair<std::string, const SchemaNode*>> properties;  // sorted by name
  std::vector<std::string> required;
  const SchemaNode* additional = nullptr;
  const SchemaNode* items = nullptr;
  std::vector<Json> enum_values;
  std::shared_ptr<const std::regex> pattern;
  std::string pattern_text;
  std::optional<double> minimum, maximum;
  bool exclusive_minimum = false, exclusive_maximum = false;
  std::optional<std::uint64_t> min_length, max_length, min_items, max_items, min_properties, max_properties;
  Format format = Format::kNone;
  std::string list_type;  // x-kubernetes-list-type: atomic, set, map
  std::vector<std::string> list_map_keys;
  std::vector<const SchemaNode*> one_of, any_of, all_of;
  const SchemaNode* not_schema = nullptr;
  std::string ref;  // "$ref" target name, resolved into ref_target
  const SchemaNode* ref_target = nullptr;

  const SchemaNode* property(std::string_view name) const {
    auto it = std::lower_bound(properties.begin(), properties.end(), name,
                               [](const auto& p, std::string_view n) { return p.first < n; });
    return it != properties.end() && it->first == name ? it->second : nullptr;
  }
};

// Compiling a std::regex costs about a millisecond; the CRDs repeat the same
// few patterns (the quantity pattern appears dozens of times), so each
// distinct pattern is compiled once per process.
std::shared_ptr<const std::regex> compiled_pattern(const std::string& text) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const std::regex>, std::less<>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(text);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const std::regex> re;
  try {
    re = std::make_shared<const std::regex>(text, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error&) {
    return nullptr;
  }
  cache.emplace(text, re);
  return re;
}

struct SchemaArena::Impl {
  std::deque<SchemaNode> nodes;
  std::vector<SchemaNode*> refs;

  Status fail(std::string_view where, const std::string& path, const std::string& what) {
    return internal_error(std::string(where) + ": schema at '" + path + "': " + what);
  }

  Result<std::uint8_t> type_bits(const std::string& t) {
    if (t == "object") return std::uint8_t{kObject};
    if (t == "array") return std::uint8_t{kArray};
    if (t == "string") return std::uint8_t{kString};
    if (t == "integer") return std::uint8_t{kInteger};
    if (t == "number") return std::uint8_t{kNumber};
    if (t == "boolean") return std::uint8_t{kBoolean};
    return invalid_argument("unknown type '" + t + "'");
  }

  Result<const SchemaNode*> compile(const Json& s, std::string_view where, const std::string& path, bool in_branch) {
    if (!s.is_object()) return fail(where, path, "a schema must be an object");
    SchemaNode& n = nodes.emplace_back();
    auto count = [&](const char* key) -> Result<std::optional<std::uint64_t>> {
      auto it = s.find(key);
      if (it == s.end()) return std::optional<std::uint64_t>{};
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
        return fail(where, path, std::string(key) + " must be a non-negative integer");
      }
      return std::optional<std::uint64_t>(it->get<std::uint64_t>());
    };
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      if (key == "type") {
        if (!v.is_string()) return fail(where, path, "type must be a string");
        auto bits = type_bits(v.get<std::string>());
        if (!bits.ok()) return fail(where, path, bits.status().message());
        n.types = *bits;
        if (n.types == kNumber) n.types |= kInteger;
      } else if (key == "nullable") {
        n.nullable = v.is_boolean() && v.get<bool>();
      } else if (key == "x-kubernetes-preserve-unknown-fields") {
        n.preserve_unknown = v.is_boolean() && v.get<bool>();
      } else if (key == "x-kubernetes-int-or-string") {
        n.int_or_string = v.is_boolean() && v.get<bool>();
      } else if (key == "x-kubernetes-embedded-resource") {
        n.embedded_resource = v.is_boolean() && v.get<bool>();
      } else if (key == "x-kubernetes-list-type") {
        if (v.is_string()) n.list_type = v.get<std::string>();
      } else if (key == "x-kubernetes-list-map-keys") {
        if (!v.is_array()) return fail(where, path, "x-kubernetes-list-map-keys must be a list");
        for (const Json& k : v) n.list_map_keys.push_back(k.get<std::string>());
      } else if (key == "properties") {
        if (!v.is_object()) return fail(where, path, "properties must be a mapping");
        for (auto p = v.begin(); p != v.end(); ++p) {
          auto child = compile(p.value(), where, path + "." + p.key(), in_branch);
          if (!child.ok()) return child.status();
          n.properties.emplace_back(p.key(), *child);
        }
        std::sort(n.properties.begin(), n.properties.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
      } else if (key == "additionalProperties") {
        if (v.is_boolean()) {
          if (!v.get<bool>()) n.closed = true;
          else n.preserve_unknown = true;
        } else {
          auto child = compile(v, where, path + "[*]", in_branch);
          if (!child.ok()) return child.status();
          n.additional = *child;
        }
      } else if (key == "items") {
        auto child = compile(v, where, path + "[]", in_branch);
        if (!child.ok()) return child.status();
        n.items = *child;
      } else if (key == "required") {
        if (!v.is_array()) return fail(where, path, "required must be a list");
        for (const Json& r : v) n.required.push_back(r.get<std::string>());
      } else if (key == "enum") {
        if (!v.is_array()) return fail(where, path, "enum must be a list");
        n.enum_values.assign(v.begin(), v.end());
      } else if (key == "pattern") {
        if (!v.is_string()) return fail(where, path, "pattern must be a string");
        n.pattern_text = v.get<std::string>();
        n.pattern = compiled_pattern(n.pattern_text);
        if (n.pattern == nullptr) return fail(where, path, "pattern '" + n.pattern_text + "' does not compile");
      } else if (key == "minimum" || key == "maximum") {
        if (!v.is_number()) return fail(where, path, key + " must be a number");
        (key == "minimum" ? n.minimum : n.maximum) = v.get<double>();
      } else if (key == "exclusiveMinimum") {
        n.exclusive_minimum = v.is_boolean() && v.get<bool>();
      } else if (key == "exclusiveMaximum") {
        n.exclusive_maximum = v.is_boolean() && v.get<bool>();
      } else if (key == "format") {
        std::string f = v.is_string() ? v.get<std::string>() : "";
        n.format = f == "int32" ? Format::kInt32 : f == "int64" ? Format::kInt64
                 : f == "date-time" ? Format::kDateTime : f == "byte" ? Format::kByte : Format::kNone;
      } else if (key == "oneOf" || key == "anyOf" || key == "allOf") {
        if (!v.is_array()) return fail(where, path, key + " must be a list");
        auto& list = key == "oneOf" ? n.one_of : key == "anyOf" ? n.any_of : n.all_of;
        for (const Json& b : v) {
          auto child = compile(b, where, path + "(" + key + ")", true);
          if (!child.ok()) return child.status();
          list.push_back(*child);
        }
      } else if (key == "not") {
        auto child = compile(v, where, path + "(not)", true);
        if (!child.ok()) return child.status();
        n.not_schema = *child;
      } else if (key == "$ref") {
        std::string r = v.get<std::string>();
        constexpr std::string_view kPrefix = "#/definitions/";
        if (r.rfind(kPrefix, 0) != 0) return fail(where, path, "$ref must start with #/definitions/");
        n.ref = r.substr(kPrefix.size());
        refs.push_back(&n);
      }
      // description, default, example, title, x-kubernetes-map-type and
      // other annotations do not constrain values.
    }
    for (const char* key : {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}) {
      auto c = count(key);
      if (!c.ok()) return c.status();
      std::string_view k = key;
      auto& slot = k == "minLength" ? n.min_length : k == "maxLength" ? n.max_length
                 : k == "minItems" ? n.min_items : k == "maxItems" ? n.max_items
                 : k == "minProperties" ? n.min_properties : n.max_properties;
      slot = *c;
    }
    // Strict field validation: what the structural schema does not declare
    // would be pruned, and the API server reports pruned fields as unknown.
    // Value-validation branches only constrain; they never declare fields.
    // A bare `type: object` (only nested `metadata` in these CRDs) stays open.
    if (!in_branch && !n.preserve_unknown && n.additional == nullptr && n.ref.empty() &&
        !n.properties.empty()) {
      n.closed = true;
    }
    return &n;
  }
};

SchemaArena::SchemaArena() : impl_(std::make_unique<Impl>()) {}
SchemaArena::~SchemaArena() = default;

Result<const SchemaNode*> SchemaArena::compile(const Json& schema, std::string_view where) {
  return impl_->compile(schema, where, "", false);
}

Status SchemaArena::resolve_refs(const SchemaDefinitions& definitions) {
  for (SchemaNode* n : impl_->refs) {
    auto it = definitions.find(n->ref);
    if (it == definitions.end()) return internal_error("schema $ref to unknown definition '" + n->ref + "'");
    n->ref_target = it->second;
  }
  impl_->refs.clear();
  return {};
}

void SchemaArena::set_metadata(const SchemaNode* root, const SchemaNode* metadata) {
  // The arena owns every node; the const in the handle only keeps validators
  // from changing a schema.
  auto* node = const_cast<SchemaNode*>(root);
  for (auto& [name, child] : node->properties) {
    if (name == "metadata") {
      child = metadata;
      return;
    }
  }
  node->properties.emplace_back("metadata", metadata);
  std::sort(node->properties.begin(), node->properties.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

namespace {

bool is_identifier(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '$' || c == '@';
  });
}

std::string type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

std::string type_list(std::uint8_t bits) {
  std::string out;
  auto add = [&](std::uint8_t bit, const char* name) {
    if (!(bits & bit)) return;
    if (!out.empty()) out += " or ";
    out += name;
  };
  add(kObject, "object");
  add(kArray, "array");
  add(kString, "string");
  if (bits & kNumber) add(kNumber, "number");
  else add(kInteger, "integer");
  add(kBoolean, "boolean");
  return out;
}

bool type_matches(std::uint8_t bits, const Json& v) {
  if (v.is_object()) return bits & kObject;
  if (v.is_array()) return bits & kArray;
  if (v.is_string()) return bits & kString;
  if (v.is_boolean()) return bits & kBoolean;
  if (v.is_number_integer()) return bits & (kInteger | kNumber);
  if (v.is_number()) return bits & kNumber;
  return false;
}

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool valid_date_time(const std::string& s) {
  static const std::regex kDateTime(
      R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  return std::regex_match(s, kDateTime);
}

bool valid_base64(const std::string& s) {
  static const std::regex kBase64(R"(^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$)");
  return std::regex_match(s, kBase64);
}

// JSON pointer escaping (RFC 6901): "~" -> "~0", "/" -> "~1".
void append_escaped(std::string& out, std::string_view key) {
  std::size_t start = 0;
  for (std::size_t at; (at = key.find_first_of("~/", start)) != std::string_view::npos; start = at + 1) {
    out.append(key.substr(start, at - start));
    out += key[at] == '~' ? "~0" : "~1";
  }
  out.append(key.substr(start));
}

std::string short_json(const Json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// A did-you-mean for an unknown field: the declared field it most likely is.
std::string suggestion(const SchemaNode& s, const std::string& key) {
  std::vector<std::string_view> names;
  names.reserve(s.properties.size());
  for (const auto& [name, _] : s.properties) names.push_back(name);
  std::string best = internal::did_you_mean(key, names);
  return best.empty() ? "" : "; did you mean \"" + best + "\"?";
}

// Walks a value and its schema together. `ptr` is the JSON pointer of the
// value being checked; it grows and shrinks in place so that a valid document
// costs no string allocation per field.
struct Walker {
  std::vector<SchemaError>& errors;
  std::string& ptr;
  bool hide_values = false;  // a Secret's values never reach a message

  std::string shown(const Json& v) const { return hide_values ? std::string("(value not shown)") : short_json(v); }
  std::string quoted(const std::string& v) const { return hide_values ? std::string("the value") : "\"" + v + "\""; }

  void error(const char* keyword, std::string message) { errors.push_back({ptr, keyword, std::move(message)}); }

  struct Push {
    std::string& p;
    std::size_t len;
    Push(std::string& ptr, std::string_view key) : p(ptr), len(ptr.size()) {
      p += '/';
      append_escaped(p, key);
    }
    Push(std::string& ptr, std::size_t index) : p(ptr), len(ptr.size()) {
      p += '/';
      p += std::to_string(index);
    }
    ~Push() { p.resize(len); }
  };

  bool matches(const SchemaNode& schema, const Json& value, std::vector<SchemaError>* out = nullptr) {
    std::vector<SchemaError> tmp;
    Walker w{out ? *out : tmp, ptr, hide_values};
    std::size_t before = w.errors.size();
    w.check(schema, value);
    return w.errors.size() == before;
  }

  void check(const SchemaNode& s0, const Json& value) {
    const SchemaNode* sp = &s0;
    while (sp->ref_target != nullptr) sp = sp->ref_target;
    const SchemaNode& s = *sp;
    // A null in a field that is not nullable is pruned by the API server,
    // which is the same as leaving the field out.
    if (value.is_null()) return;

    if (s.int_or_string) {
      if (!value.is_number_integer() && !value.is_string()) {
        error("type", "must be an integer or a string (int-or-string), got " + type_name(value));
        return;
      }
    } else if (s.types != 0 && !type_matches(s.types, value)) {
      error("type", "must be " + type_list(s.types) + ", got " + type_name(value) + " " + shown(value));
      return;
    }

    if (!s.enum_values.empty() &&
        std::find(s.enum_values.begin(), s.enum_values.end(), value) == s.enum_values.end()) {
      std::string allowed;
      for (const Json& e : s.enum_values) allowed += (allowed.empty() ? "" : ", ") + e.dump();
      error("enum", "unsupported value " + shown(value) + "; allowed: " + allowed);
    }

    if (value.is_string()) check_string(s, value.get_ref<const std::string&>());
    else if (value.is_number()) check_number(s, value);
    else if (value.is_object()) check_object(s, value);
    else if (value.is_array()) check_array(s, value);

    for (const SchemaNode* b : s.all_of) check(*b, value);
    if (!s.any_of.empty()) {
      std::vector<SchemaError> first;
      bool any = false;
      for (const SchemaNode* b : s.any_of) {
        std::vector<SchemaError> attempt;
        if (matches(*b, value, &attempt)) {
          any = true;
          break;
        }
        if (first.empty()) first = std::move(attempt);
      }
      if (!any) {
        error("anyOf", "must match at least one of " + std::to_string(s.any_of.size()) + " alternatives" +
                           (first.empty() ? "" : " (the first fails: " + first.front().message + ")"));
      }
    }
    if (!s.one_of.empty()) {
      std::size_t count = 0;
      for (const SchemaNode* b : s.one_of) count += matches(*b, value) ? 1 : 0;
      if (count != 1) {
        error("oneOf", "must match exactly one of " + std::to_string(s.one_of.size()) + " alternatives, matches " +
                           std::to_string(count));
      }
    }
    if (s.not_schema != nullptr && matches(*s.not_schema, value)) {
      error("not", "must not match the schema given under 'not'");
    }
  }

  void check_string(const SchemaNode& s, const std::string& v) {
    if (s.min_length || s.max_length) {
      std::size_t len = utf8_length(v);
      if (s.min_length && len < *s.min_length) {
        error("minLength", "must be at least " + std::to_string(*s.min_length) + " characters long");
      }
      if (s.max_length && len > *s.max_length) {
        error("maxLength", "must be at most " + std::to_string(*s.max_length) + " characters long");
      }
    }
    if (s.pattern && !std::regex_search(v, *s.pattern)) {
      error("pattern", quoted(v) + " does not match the pattern " + s.pattern_text);
    }
    if (s.format == Format::kDateTime && !valid_date_time(v)) {
      error("format", quoted(v) + " is not an RFC 3339 date-time");
    } else if (s.format == Format::kByte && !valid_base64(v)) {
      error("format", "must be base64-encoded bytes");
    }
  }

  void check_number(const SchemaNode& s, const Json& value) {
    double d = value.get<double>();
    if (s.minimum && (d < *s.minimum || (s.exclusive_minimum && d == *s.minimum))) {
      error("minimum", shown(value) + " is below the minimum " + Json(*s.minimum).dump() +
                           (s.exclusive_minimum ? " (exclusive)" : ""));
    }
    if (s.maximum && (d > *s.maximum || (s.exclusive_maximum && d == *s.maximum))) {
      error("maximum", shown(value) + " is above the maximum " + Json(*s.maximum).dump() +
                           (s.exclusive_maximum ? " (exclusive)" : ""));
    }
    if (s.format == Format::kInt32 && value.is_number_integer()) {
      bool in_range = value.is_number_unsigned()
                          ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())
                          : value.get<std::int64_t>() >= std::numeric_limits<std::int32_t>::min() &&
                                value.get<std::int64_t>() <= std::numeric_limits<std::int32_t>::max();
      if (!in_range) error("format", shown(value) + " does not fit a 32-bit integer (int32)");
    }
  }

  void check_object(const SchemaNode& s, const Json& value) {
    for (const std::string& r : s.required) {
      auto it = value.find(r);
      if (it == value.end() || it->is_null()) {
        Push p(ptr, r);
        error("required", "required field \"" + r + "\" is missing");
      }
    }
    if (s.min_properties && value.size() < *s.min_properties) {
      error("minProperties", "must have at least " + std::to_string(*s.min_properties) + " fields");
    }
    if (s.max_properties && value.size() > *s.max_properties) {
      error("maxProperties", "must have at most " + std::to_string(*s.max_properties) + " fields");
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      const SchemaNode* child = s.property(key);
      if (child == nullptr) child = s.additional;
      if (child != nullptr) {
        Push p(ptr, key);
        check(*child, it.value());
      } else if (s.closed && !(s.embedded_resource && (key == "apiVersion" || key == "kind" || key == "metadata"))) {
        Push p(ptr, key);
        error("unknown-field", "unknown field \"" + key + "\"" + suggestion(s, key));
      }
    }
  }

  void check_array(const SchemaNode& s, const Json& value) {
    if (s.min_items && value.size() < *s.min_items) {
      error("minItems", "must have at least " + std::to_string(*s.min_items) + " items");
    }
    if (s.max_items && value.size() > *s.max_items) {
      error("maxItems", "must have at most " + std::to_string(*s.max_items) + " items");
    }
    if (s.items != nullptr) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        Push p(ptr, i);
        check(*s.items, value[i]);
      }
    }
    if (s.list_type == "set" || (s.list_type == "map" && !s.list_map_keys.empty())) {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < value.size(); ++i) {
        std::string key;
        if (s.list_type == "set") {
          key = value[i].dump();
        } else {
          if (!value[i].is_object()) continue;
          Json k = Json::object();
          for (const std::string& name : s.list_map_keys) k[name] = value[i].value(name, Json());
          key = k.dump();
        }
        if (!seen.insert(key).second) {
          Push p(ptr, i);
          error("x-kubernetes-list-type", "duplicate entry " + shown(Json::parse(key)) + " in a list of type " +
                                               s.list_type + (s.list_type == "map" ? " (keys must be unique)" : ""));
        }
      }
    }
  }
};

}  // namespace

std::string pointer_escape(std::string_view key) {
  std::string out;
  append_escaped(out, key);
  return out;
}

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < pointer.size()) {
    std::size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string token(pointer.substr(pos + 1, next - pos - 1));
    for (std::size_t at = 0; (at = token.find('~', at)) != std::string::npos && at + 1 < token.size(); ++at) {
      token.replace(at, 2, token[at + 1] == '1' ? "/" : "~");
    }
    out.push_back(std::move(token));
    pos = next;
  }
  return out;
}

std::string field_path(std::string_view pointer) {
  std::string out;
  for (const std::string& token : pointer_tokens(pointer)) {
    bool index = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) out += "[" + token + "]";
    else if (is_identifier(token)) out += (out.empty() ? "" : ".") + token;
    else out += "[\"" + token + "\"]";
  }
  return out;
}

void validate_value(const SchemaNode& schema, const Json& value, std::vector<SchemaError>& errors, std::string pointer,
                    bool hide_values) {
  Walker{errors, pointer, hide_values}.check(schema, value);
}

}  // namespace platform::internal
