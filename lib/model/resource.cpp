// SPDX-License-Identifier: Apache-2.0
#include "platform/model/resource.hpp"

#include <utility>

#include "model/describe.hpp"
#include "model/json.hpp"

namespace platform::model {
namespace {

using internal::Json;

template <std::size_t I = 0>
bool read_kind(std::string_view api_version, std::string_view kind, const Json& value, Resource& out,
               serde::ReadContext& ctx) {
  if constexpr (I == std::variant_size_v<AnyResource>) {
    return false;
  } else {
    using T = std::variant_alternative_t<I, AnyResource>;
    if (T::kApiVersion != api_version || T::kKind != kind) return read_kind<I + 1>(api_version, kind, value, out, ctx);
    T typed;
    serde::JsonReader reader(value, "", "", ctx);
    reader.ignore("apiVersion");
    reader.ignore("kind");
    reader.ignore("status");
    describe(reader, typed);
    reader.finish();
    out = Resource(std::move(typed));
    return true;
  }
}

template <std::size_t I = 0>
bool known(std::string_view api_version, std::string_view kind) {
  if constexpr (I == std::variant_size_v<AnyResource>) {
    return false;
  } else {
    using T = std::variant_alternative_t<I, AnyResource>;
    return (T::kApiVersion == api_version && T::kKind == kind) || known<I + 1>(api_version, kind);
  }
}

}  // namespace

Json to_json_value(const Resource& resource) {
  return std::visit(
      [](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        Json out = Json::object();
        out["apiVersion"] = std::string(T::kApiVersion);
        out["kind"] = std::string(T::kKind);
        serde::JsonWriter w(out);
        describe(w, const_cast<T&>(r));  // the writer only reads
        return out;
      },
      resource.value);
}

Result<Resource> from_json_value(const Json& value, const internal::YamlDocument* document,
                                 const internal::YamlParseOptions& options) {
  serde::ReadContext ctx{document, options, {}};
  const std::string doc_name = options.source_name + "#" + std::to_string(document ? document->index + 1 : 1);
  if (!value.is_object()) {
    ctx.error("", "", std::string("expected a Kubernetes object, found ") + serde::type_name(value));
    return invalid_argument(doc_name + ": not a Kubernetes object", std::move(ctx.errors));
  }
  auto text_of = [&](const char* key) -> std::string {
    auto it = value.find(key);
    return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string api_version = text_of("apiVersion");
  std::string kind = text_of("kind");
  if (api_version.empty() || kind.empty()) {
    ctx.error(api_version.empty() ? "apiVersion" : "kind", "", "missing apiVersion or kind (both must be strings)");
    return invalid_argument(doc_name + ": not a Kubernetes object", std::move(ctx.errors));
  }
  Resource out;
  if (!read_kind(api_version, kind, value, out, ctx)) {
    ctx.error("kind", "/kind",
              "the platform model has no " + api_version + " " + kind +
                  "; known kinds are the ones in platform/model/resource.hpp");
    return invalid_argument(doc_name + ": unknown kind " + api_version + "/" + kind, std::move(ctx.errors));
  }
  if (!ctx.errors.empty()) {
    const std::size_t n = ctx.errors.size();
    return invalid_argument(doc_name + " (" + kind + " " + out.metadata().name + "): " + std::to_string(n) +
                                (n == 1 ? " problem" : " problems") + "; fix the fields named below",
                            std::move(ctx.errors));
  }
  return out;
}

std::string to_yaml(const Resource& resource) { return internal::to_yaml(to_json_value(resource)); }

std::string to_json(const Resource& resource) { return to_json_value(resource).dump(); }

std::string to_yaml_stream(const std::vector<Resource>& resources) {
  std::string out;
  for (const Resource& r : resources) {
    out += "---\n";
    internal::append_yaml(out, to_json_value(r));
  }
  return out;
}

std::string to_json_list(const std::vector<Resource>& resources, bool pretty) {
  Json list = Json::object();
  list["apiVersion"] = "v1";
  list["kind"] = "List";
  list["items"] = Json::array();
  for (const Resource& r : resources) list["items"].push_back(to_json_value(r));
  return list.dump(pretty ? 2 : -1) + (pretty ? "\n" : "");
}

Result<std::vector<Resource>> from_yaml_stream(std::string_view yaml, std::string_view source_name) {
  internal::YamlParseOptions options;
  options.source_name = std::string(source_name);
  options.record_marks = true;
  auto docs = internal::parse_yaml_stream(yaml, options);
  if (!docs.ok()) return docs.status();
  std::vector<Resource> out;
  out.reserve(docs->size());
  std::vector<Detail> details;
  std::string first_message;
  for (const internal::YamlDocument& doc : *docs) {
    auto r = from_json_value(doc.value, &doc, options);
    if (r.ok()) {
      out.push_back(std::move(*r));
      continue;
    }
    Status st = r.status();
    if (first_message.empty()) first_message = st.message();
    for (const Detail& d : st.details()) details.push_back(d);
  }
  if (!first_message.empty()) return invalid_argument(first_message, std::move(details));
  return out;
}

Result<Resource> from_yaml(std::string_view yaml, std::string_view source_name) {
  auto all = from_yaml_stream(yaml, source_name);
  if (!all.ok()) return all.status();
  if (all->size() != 1) {
    return invalid_argument(std::string(source_name) + ": expected exactly one YAML document, found " +
                            std::to_string(all->size()) + "; use from_yaml_stream for several");
  }
  return std::move((*all)[0]);
}

Result<FreeForm> free_form(std::string_view json) {
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return invalid_argument("free-form value is not valid JSON: " + std::string(json));
  return FreeForm{parsed.dump()};
}

bool is_known_kind(std::string_view api_version, std::string_view kind) { return known(api_version, kind); }

}  // namespace platform::model
