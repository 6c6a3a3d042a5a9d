// SPDX-License-Identifier: Apache-2.0
#pragma once

// The two visitors every model type is described to: JsonWriter turns a
// value into ordered JSON (kubectl key order, unset fields omitted) and
// JsonReader fills a value from JSON, strictly (unknown fields and wrong
// types are errors with their field path and source location). A type takes
// part by having a `describe(V& v, T& t)` overload found by ADL that calls
// `v("jsonKey", t.field)` once per field, in output order.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "internal/yaml_json.hpp"
#include "platform/model/meta.hpp"

namespace platform::model::serde {

using internal::Json;

/// Whether a field is written when it holds its empty value.
enum class Field { kOmitEmpty, kAlways };

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};
template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};

class JsonWriter;

template <typename T>
concept Described = requires(JsonWriter& w, T& t) { describe(w, t); };

class JsonWriter {
 public:
  explicit JsonWriter(Json& out) : out_(out) {}

  template <typename T>
  void operator()(const char* key, const T& value, Field field = Field::kOmitEmpty) {
    if constexpr (is_optional<T>::value) {
      if (!value) return;
      out_[key] = write(*value);
    } else {
      Json j = write(value);
      if (field == Field::kOmitEmpty && omitted(value, j)) return;
      out_[key] = std::move(j);
    }
  }
  void ignore(const char*) {}

  template <typename T>
  static Json write(const T& value) {
    if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_same_v<T, int> ||
                  std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
      return Json(value);
    } else if constexpr (std::is_same_v<T, IntOrString>) {
      return value.is_int() ? Json(value.as_int()) : Json(value.as_string());
    } else if constexpr (std::is_same_v<T, Scalar>) {
      return std::visit([](const auto& s) { return Json(s); }, value);
    } else if constexpr (std::is_same_v<T, FreeForm>) {
      if (value.json.empty()) return Json();
      return Json::parse(value.json, nullptr, /*allow_exceptions=*/false);
    } else if constexpr (is_optional<T>::value) {
      return value ? write(*value) : Json();
    } else if constexpr (is_vector<T>::value) {
      Json arr = Json::array();
      for (const auto& item : value) arr.push_back(write(item));
      return arr;
    } else if constexpr (std::is_same_v<T, StringMap> || std::is_same_v<T, ScalarMap>) {
      Json obj = Json::object();
      for (const auto& [k, v] : value) obj[k] = write(v);
      return obj;
    } else {
      static_assert(Described<T>, "no describe() for this model type");
      Json obj = Json::object();
      JsonWriter w(obj);
      describe(w, const_cast<T&>(value));  // the writer only reads
      return obj;
    }
  }

 private:
  template <typename T>
  static bool omitted(const T& value, const Json& j) {
    if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, IntOrString> || std::is_same_v<T, Scalar>) {
      return false;
    } else if constexpr (std::is_same_v<T, std::string>) {
      return value.empty();
    } else {
      return j.is_null() || ((j.is_object() || j.is_array()) && j.empty());
    }
  }

  Json& out_;
};

/// Shared state of one document being read.
struct ReadContext {
  const internal::YamlDocument* document = nullptr;
  internal::YamlParseOptions options;
  std::vector<Detail> errors;

  void error(const std::string& path, const std::string& pointer, std::string message) {
    std::string where = document ? internal::location(options, document->mark_of(pointer)) : options.source_name;
    errors.push_back(Detail{std::move(where), path, std::move(message), "model"});
  }
};

inline std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
inline std::string child_pointer(const std::string& pointer, std::string_view key) {
  std::string out = pointer + "/";
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

inline const char* type_name(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    default: return "null";
  }
}

class JsonReader {
 public:
  JsonReader(const Json& object, std::string path, std::string pointer, ReadContext& ctx)
      : obj_(object), path_(std::move(path)), pointer_(std::move(pointer)), ctx_(ctx) {}

  template <typename T>
  void operator()(const char* key, T& field, Field = Field::kOmitEmpty) {
    seen_.emplace_back(key);
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return;
    read(*it, field, child_path(path_, key), child_pointer(pointer_, key), ctx_);
  }
  void ignore(const char* key) { seen_.emplace_back(key); }

  /// Reports every key of the object no describe() call consumed.
  void finish() {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
      if (std::find(seen_.begin(), seen_.end(), it.key()) != seen_.end()) continue;
      std::string known;
      for (const auto& k : seen_) known += (known.empty() ? "" : ", ") + k;
      ctx_.error(child_path(path_, it.key()), child_pointer(pointer_, it.key()),
                 "unknown field \"" + it.key() + "\"" + (known.empty() ? "" : " (known here: " + known + ")"));
    }
  }

  template <typename T>
  static void read(const Json& j, T& out, const std::string& path, const std::string& pointer, ReadContext& ctx) {
    auto wrong = [&](const char* expected) {
      ctx.error(path, pointer, std::string("expected ") + expected + ", found " + type_name(j));
    };
    if constexpr (std::is_same_v<T, std::string>) {
      if (!j.is_string()) return wrong("a string");
      out = j.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) return wrong("a boolean");
      out = j.get<bool>();
    } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>) {
      if (!j.is_number_integer()) return wrong("an integer");
      out = j.get<T>();
    } else if constexpr (std::is_same_v<T, double>) {
      if (!j.is_number()) return wrong("a number");
      out = j.get<double>();
    } else if constexpr (std::is_same_v<T, IntOrString>) {
      if (j.is_number_integer()) out = IntOrString(j.get<std::int64_t>());
      else if (j.is_string()) out = IntOrString(j.get<std::string>());
      else wrong("an integer or a string");
    } else if constexpr (std::is_same_v<T, Scalar>) {
      if (j.is_string()) out = j.get<std::string>();
      else if (j.is_boolean()) out = j.get<bool>();
      else if (j.is_number_integer()) out = j.get<std::int64_t>();
      else if (j.is_number_float()) out = j.get<double>();
      else wrong("a string, number or boolean");
    } else if constexpr (std::is_same_v<T, FreeForm>) {
      out.json = j.dump();
    } else if constexpr (is_optional<T>::value) {
      out.emplace();
      read(j, *out, path, pointer, ctx);
    } else if constexpr (is_vector<T>::value) {
      if (!j.is_array()) return wrong("a list");
      out.clear();
      out.resize(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        read(j[i], out[i], path + "[" + std::to_string(i) + "]", pointer + "/" + std::to_string(i), ctx);
      }
    } else if constexpr (std::is_same_v<T, StringMap> || std::is_same_v<T, ScalarMap>) {
      if (!j.is_object()) return wrong("a map");
      out.clear();
      for (auto it = j.begin(); it != j.end(); ++it) {
        read(it.value(), out[it.key()], child_path(path, it.key()), child_pointer(pointer, it.key()), ctx);
      }
    } else {
      static_assert(Described<T>, "no describe() for this model type");
      if (!j.is_object()) return wrong("an object");
      JsonReader r(j, path, pointer, ctx);
      describe(r, out);
      r.finish();
    }
  }

 private:
  const Json& obj_;
  std::string path_;
  std::string pointer_;
  ReadContext& ctx_;
  std::vector<std::string> seen_;
};

}  // namespace platform::model::serde
