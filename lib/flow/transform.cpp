// SPDX-License-Identifier: Apache-2.0
#include "flow/transform.hpp"

#include "flow/json_object.hpp"
#include "flow/yaml_check.hpp"
#include "platform/flow/transformer.hpp"

namespace platform::internal {

namespace {
using flow::Condition;
using flow::ConditionOp;

Result<std::vector<std::pair<std::string, std::string>>> string_pairs(const DocContext& ctx, const Json& v,
                                                                       const std::string& pointer, bool json_values) {
  if (!v.is_object()) return ctx.error(pointer, "must be a mapping (e.g. {target: source})");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, value] : v.items()) {
    if (json_values) {
      out.emplace_back(k, value.dump());
    } else {
      if (!value.is_string()) return ctx.error(pointer + "/" + k, "must be a field path (a string)");
      out.emplace_back(k, value.get<std::string>());
    }
  }
  return out;
}

}  // namespace

Result<flow::TransformSpec> transform_from_json(const DocContext& ctx, const Json& v, const std::string& pointer) {
  PLATFORM_RETURN_IF_ERROR(ctx.check_keys(v, pointer, {"filter", "map", "rename", "drop", "set", "key"}));
  flow::TransformSpec spec;
  if (v.contains("filter")) {
    const Json& f = v["filter"];
    std::vector<Json> items;
    if (f.is_array()) {
      for (const Json& i : f) items.push_back(i);
    } else {
      items.push_back(f);
    }
    for (std::size_t n = 0; n < items.size(); ++n) {
      const std::string p = pointer + "/filter" + (f.is_array() ? "/" + std::to_string(n) : "");
      const Json& c = items[n];
      PLATFORM_RETURN_IF_ERROR(ctx.check_keys(c, p, {"field", "equals", "notEquals", "in", "exists"}));
      if (!c.contains("field") || !c["field"].is_string()) return ctx.error(p, "needs 'field' (a dotted path)");
      Condition cond;
      cond.field = c["field"].get<std::string>();
      int ops = 0;
      if (c.contains("equals")) {
        ++ops;
        cond.op = ConditionOp::kEquals;
        cond.values = {c["equals"].dump()};
      }
      if (c.contains("notEquals")) {
        ++ops;
        cond.op = ConditionOp::kNotEquals;
        cond.values = {c["notEquals"].dump()};
      }
      if (c.contains("in")) {
        ++ops;
        if (!c["in"].is_array()) return ctx.error(p + "/in", "must be a list of values");
        cond.op = ConditionOp::kIn;
        for (const Json& x : c["in"]) cond.values.push_back(x.dump());
      }
      if (c.contains("exists")) {
        ++ops;
        if (!c["exists"].is_boolean()) return ctx.error(p + "/exists", "must be true or false");
        cond.op = c["exists"].get<bool>() ? ConditionOp::kExists : ConditionOp::kMissing;
      }
      if (ops != 1) return ctx.error(p, "needs exactly one of equals, notEquals, in, exists");
      spec.filter.push_back(std::move(cond));
    }
  }
  if (v.contains("map")) {
    auto m = string_pairs(ctx, v["map"], pointer + "/map", false);
    if (!m.ok()) return m.status();
    spec.map = std::move(*m);
  }
  if (v.contains("rename")) {
    auto m = string_pairs(ctx, v["rename"], pointer + "/rename", false);
    if (!m.ok()) return m.status();
    spec.rename = std::move(*m);
  }
  if (v.contains("set")) {
    auto m = string_pairs(ctx, v["set"], pointer + "/set", true);
    if (!m.ok()) return m.status();
    spec.set = std::move(*m);
  }
  if (v.contains("drop")) {
    const Json& d = v["drop"];
    if (!d.is_array()) return ctx.error(pointer + "/drop", "must be a list of field paths");
    for (std::size_t n = 0; n < d.size(); ++n) {
      if (!d[n].is_string()) return ctx.error(pointer + "/drop/" + std::to_string(n), "must be a field path");
      spec.drop.push_back(d[n].get<std::string>());
    }
  }
  if (v.contains("key")) {
    if (!v["key"].is_string()) return ctx.error(pointer + "/key", "must be a field path");
    spec.key = v["key"].get<std::string>();
  }
  return spec;
}

}  // namespace platform::internal

namespace platform::flow {

using internal::JsonNode;

Result<TransformSpec> parse_transform(std::string_view text, std::string_view source_name) {
  auto doc = internal::parse_one(text, source_name);
  if (!doc.ok()) return doc.status();
  return internal::transform_from_json(doc->context(), doc->doc.value, "");
}

namespace {

bool valid_path(const std::string& p) {
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  return p.find("..") == std::string::npos;
}

// Compares a field's value with a JSON constant (canonical text).
bool same(const JsonNode& node, const std::string& canonical) {
  if (!node.is_object && node.value_text() == canonical) return true;
  return node.canonical() == canonical;
}

// The key text for a field: strings without quotes, other values as JSON.
std::string key_text(const JsonNode& node) {
  std::string_view t = node.value_text();
  if (!node.is_object && t.size() >= 2 && t.front() == '"') {
    if (t.find('\\') == std::string_view::npos) return std::string(t.substr(1, t.size() - 2));
    try {
      return internal::Json::parse(t).get<std::string>();
    } catch (const std::exception&) {
    }
  }
  std::string out;
  node.serialize(out);
  return out;
}

}  // namespace

Result<ProcessFunction> compile(const TransformSpec& input) {
  auto spec = std::make_shared<TransformSpec>(input);
  auto bad_path = [](const std::string& where, const std::string& p) {
    return invalid_argument("transform: " + where + ": '" + p + "' is not a field path (dotted names, e.g. order.id)");
  };
  for (Condition& c : spec->filter) {
    if (!valid_path(c.field)) return bad_path("filter", c.field);
    for (std::string& v : c.values) {
      v = internal::canonical_json(v);
      if (v.empty()) return invalid_argument("transform: filter on '" + c.field + "': a value is not valid JSON");
    }
  }
  for (auto& [to, from] : spec->map) {
    if (!valid_path(to)) return bad_path("map", to);
    if (!valid_path(from)) return bad_path("map", from);
  }
  for (auto& [from, to] : spec->rename) {
    if (!valid_path(from)) return bad_path("rename", from);
    if (!valid_path(to)) return bad_path("rename", to);
  }
  for (const std::string& d : spec->drop) {
    if (!valid_path(d)) return bad_path("drop", d);
  }
  for (auto& [path, value] : spec->set) {
    if (!valid_path(path)) return bad_path("set", path);
    value = internal::canonical_json(value);
    if (value.empty()) return invalid_argument("transform: set '" + path + "': the value is not valid JSON");
  }
  if (!spec->key.empty() && !valid_path(spec->key)) return bad_path("key", spec->key);

  return ProcessFunction([spec](const Message& in) -> Result<std::vector<Message>> {
    auto parsed = internal::parse_json_object(in.payload);
    if (!parsed.ok()) return parsed.status();
    JsonNode& doc = *parsed;
    for (const Condition& c : spec->filter) {
      const JsonNode* v = internal::find_path(doc, c.field);
      bool hold = false;
      switch (c.op) {
        case ConditionOp::kExists: hold = v != nullptr; break;
        case ConditionOp::kMissing: hold = v == nullptr; break;
        case ConditionOp::kEquals: hold = v != nullptr && same(*v, c.values[0]); break;
        case ConditionOp::kNotEquals: hold = v == nullptr || !same(*v, c.values[0]); break;
        case ConditionOp::kIn:
          for (const std::string& x : c.values) hold = hold || (v != nullptr && same(*v, x));
          break;
      }
      if (!hold) return std::vector<Message>{};
    }
    JsonNode out;
    if (!spec->map.empty()) {
      out.is_object = true;
      for (const auto& [to, from] : spec->map) {
        if (const JsonNode* v = internal::find_path(doc, from)) internal::put_path(out, to, *v);
      }
    } else {
      out = std::move(doc);
    }
    for (const auto& [from, to] : spec->rename) {
      JsonNode moved;
      if (internal::take_path(out, from, &moved)) internal::put_path(out, to, std::move(moved));
    }
    for (const std::string& d : spec->drop) internal::take_path(out, d, nullptr);
    for (const auto& [path, value] : spec->set) internal::put_path(out, path, JsonNode::text(value));
    Message m;
    if (spec->key.empty()) {
      m.key = in.key;
    } else if (const JsonNode* k = internal::find_path(out, spec->key)) {
      m.key = key_text(*k);
    } else {
      m.key = in.key;
    }
    m.payload.reserve(in.payload.size() + 32);
    out.serialize(m.payload);
    m.headers = in.headers;
    std::vector<Message> result;
    result.push_back(std::move(m));
    return result;
  });
}

Result<Transformer> Transformer::create(TransformerOptions options) {
  if (!options.processor.process) {
    auto fn = compile(options.transform);
    if (!fn.ok()) return fn.status();
    options.processor.process = std::move(*fn);
  }
  auto p = Processor::create(std::move(options.processor));
  if (!p.ok()) return p.status();
  return Transformer(std::move(*p));
}

}  // namespace platform::flow
