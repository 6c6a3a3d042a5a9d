// SPDX-License-Identifier: Apache-2.0
#include "spec/codec.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>

namespace platform::internal::spec {

void Cursor::push(std::string_view key) {
  marks_.emplace_back(path_.size(), pointer_.size());
  if (!path_.empty()) path_ += '.';
  path_ += key;
  pointer_ += '/';
  pointer_ += escape_pointer(key);
}

void Cursor::push(std::size_t index) {
  marks_.emplace_back(path_.size(), pointer_.size());
  path_ += '[' + std::to_string(index) + ']';
  pointer_ += '/' + std::to_string(index);
}

void Cursor::pop() {
  path_.resize(marks_.back().first);
  pointer_.resize(marks_.back().second);
  marks_.pop_back();
}

std::string Cursor::path_with(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string Cursor::pointer_with(std::string_view key) const { return pointer_ + "/" + escape_pointer(key); }

std::string escape_pointer(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

template <class T>
Json encode_value(const T& m);

struct Encoder {
  Json* out;
  template <class T>
  void operator()(const Field& f, const T& m) {
    (*out)[std::string(f.key)] = encode_value(m);
  }
};

template <class T>
Json encode_value(const T& m) {
  if constexpr (kIsRecord<T>) {
    Json o = Json::object();
    Encoder e{&o};
    fields(e, m);
    return o;
  } else if constexpr (IsVector<T>::value) {
    Json a = Json::array();
    for (const auto& item : m) a.push_back(encode_value(item));
    return a;
  } else if constexpr (IsMap<T>::value) {
    Json o = Json::object();
    for (const auto& [k, v] : m) o[k] = v;
    return o;
  } else {
    return Json(m);
  }
}

// How a value the user wrote reads in an error message.
std::string describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: return "a mapping";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "the string " + j.dump();
    case Json::value_t::boolean: return std::string("the boolean ") + (j.get<bool>() ? "true" : "false");
    case Json::value_t::null: return "null";
    default: return "the number " + j.dump();
  }
}

// Scalars a string field accepts: YAML reads `postgres_version: 15` and
// `requests_cpu: 4` as numbers, and the user means the text.
bool scalar_text(const Json& j, std::string& out) {
  if (j.is_string()) {
    out = j.get<std::string>();
    return true;
  }
  if (j.is_number()) {
    out = j.dump();
    return true;
  }
  return false;
}

struct Decoder {
  const PlatformSpec* root;
  std::vector<Problem>* problems;
  Cursor cur;
  const Json* object = nullptr;
  std::vector<std::string_view> keys;

  void problem(std::string message, std::string rule) {
    problems->push_back({cur.pointer(), cur.path(), std::move(message), std::move(rule), {}, {}});
  }

  void type_error(std::string_view expected, const Json& got, std::string_view hint = "") {
    std::string message = "expected " + std::string(expected) + ", got " + describe(got);
    if (!hint.empty()) message += "; " + std::string(hint);
    problem(std::move(message), "type");
  }

  template <class T>
  void operator()(const Field& f, T& member) {
    keys.push_back(f.key);
    auto it = object->find(std::string(f.key));
    if (it == object->end() || it->is_null()) {
      if (f.required) {
        cur.push(f.key);
        problem("missing required field '" + std::string(f.key) + "'; add it to this item", "required");
        cur.pop();
      }
      return;
    }
    cur.push(f.key);
    read(*it, member);
    cur.pop();
  }

  template <class T>
  void read_record(const Json& j, T& m) {
    if (!j.is_object()) {
      type_error("a mapping", j, "write the fields as `key: value` lines indented under the key");
      return;
    }
    const Json* saved_object = object;
    std::vector<std::string_view> saved_keys = std::move(keys);
    object = &j;
    keys.clear();
    fields(*this, m);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(keys.begin(), keys.end(), it.key()) != keys.end()) continue;
      cur.push(it.key());
      std::string message = "unknown key '" + it.key() + "'";
      std::string guess = did_you_mean(it.key(), keys);
      if (!guess.empty()) {
        message += "; did you mean '" + guess + "'?";
      } else {
        message += "; valid keys here: ";
        for (std::size_t i = 0; i < keys.size(); ++i) message += (i ? ", " : "") + std::string(keys[i]);
      }
      problem(std::move(message), "unknown-key");
      cur.pop();
    }
    object = saved_object;
    keys = std::move(saved_keys);
  }

  template <class T>
  void read(const Json& j, T& m) {
    if constexpr (kIsRecord<T>) {
      read_record(j, m);
    } else if constexpr (IsRecordVector<T>::value) {
      using Item = typename T::value_type;
      if (!j.is_array()) return type_error("a list", j, "write one `- ` item per line");
      T items;
      items.reserve(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        Item item = prototype<Item>(*root);
        cur.push(i);
        read_record(j[i], item);
        cur.pop();
        items.push_back(std::move(item));
      }
      m = std::move(items);
    } else if constexpr (IsVector<T>::value) {
      if (!j.is_array()) return type_error("a list of strings", j, "write [a, b] or one `- ` item per line");
      T items;
      for (std::size_t i = 0; i < j.size(); ++i) {
        std::string text;
        cur.push(i);
        if (scalar_text(j[i], text)) items.push_back(std::move(text));
        else type_error("a string", j[i]);
        cur.pop();
      }
      m = std::move(items);
    } else if constexpr (IsMap<T>::value) {
      if (!j.is_object()) return type_error("a mapping of strings", j);
      T entries;
      for (auto it = j.begin(); it != j.end(); ++it) {
        std::string text;
        if (it->is_boolean()) text = it->get<bool>() ? "true" : "false";  // Kafka configs take "true"
        else if (!scalar_text(*it, text)) {
          cur.push(it.key());
          type_error("a string, number or boolean", *it);
          cur.pop();
          continue;
        }
        entries.emplace(it.key(), std::move(text));
      }
      m = std::move(entries);
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) return type_error("a boolean", j, "write true or false");
      m = j.get<bool>();
    } else if constexpr (std::is_same_v<T, int>) {
      if (j.is_number_integer()) {
        bool fits = j.is_number_unsigned() ? j.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX)
                                           : j.get<std::int64_t>() >= INT_MIN && j.get<std::int64_t>() <= INT_MAX;
        if (fits) {
          m = j.get<int>();
          return;
        }
        return type_error("an integer", j, "the value is out of range");
      }
      return type_error("an integer", j, j.is_string() ? "write the number without quotes" : "");
    } else {
      static_assert(std::is_same_v<T, std::string>);
      std::string text;
      if (!scalar_text(j, text)) {
        return type_error("a string", j, j.is_boolean() ? "quote it to mean the text" : "");
      }
      m = std::move(text);
    }
  }
};

std::string folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  // camelCase or kebab-case spellings of a key ("repoUrl") match outright.
  for (std::string_view c : candidates) {
    if (folded(c) == folded(word)) return std::string(c);
  }
  // A prefix ("prod" for "production") is what a hurried user types.
  if (word.size() >= 3) {
    for (std::string_view c : candidates) {
      if (folded(c).starts_with(folded(word))) return std::string(c);
    }
  }
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    std::size_t d = edit_distance(folded(word), folded(c));
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

Json encode(const PlatformSpec& spec) { return encode_value(spec); }

PlatformSpec decode(const Json& value, std::vector<Problem>& problems) {
  PlatformSpec spec;
  Decoder decoder{&spec, &problems, {}, nullptr, {}};
  decoder.read_record(value, spec);
  return spec;
}

// The schema is the field table walked once over the seed's spec.
namespace {

template <class T>
constexpr Type type_of() {
  if constexpr (kIsRecord<T>) return Type::kObject;
  else if constexpr (IsRecordVector<T>::value) return Type::kObjectList;
  else if constexpr (IsVector<T>::value) return Type::kStringList;
  else if constexpr (IsMap<T>::value) return Type::kStringMap;
  else if constexpr (std::is_same_v<T, bool>) return Type::kBoolean;
  else if constexpr (std::is_same_v<T, int>) return Type::kInteger;
  else return Type::kString;
}

struct SchemaBuilder {
  const PlatformSpec* root;
  SchemaNode* parent;

  template <class T>
  void operator()(const Field& f, const T& m) {
    SchemaNode node;
    node.key = f.key;
    node.doc = f.doc;
    node.type = type_of<T>();
    node.check = f.check;
    node.min = f.min;
    node.max = f.max;
    for (std::string_view c : f.choices) node.choices.emplace_back(c);
    node.required = f.required;
    node.item = f.item;
    node.default_value = encode_value(m);
    if constexpr (kIsRecord<T>) {
      SchemaBuilder b{root, &node};
      fields(b, m);
    } else if constexpr (IsRecordVector<T>::value) {
      const auto item = prototype<typename T::value_type>(*root);
      SchemaBuilder b{root, &node};
      fields(b, item);
    }
    parent->children.push_back(std::move(node));
  }
};

}  // namespace

const SchemaNode* SchemaNode::child(std::string_view name) const {
  for (const SchemaNode& c : children) {
    if (c.key == name) return &c;
  }
  return nullptr;
}

const SchemaNode& schema() {
  static const SchemaNode root = [] {
    const PlatformSpec seed;
    SchemaNode node;
    node.type = Type::kObject;
    node.default_value = encode_value(seed);
    SchemaBuilder b{&seed, &node};
    fields(b, seed);
    return node;
  }();
  return root;
}

}  // namespace platform::internal::spec
