// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the validate tests: fixture documents, mutations, and
// finding lookups.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "internal/yaml_json.hpp"
#include "platform/validate/validate.hpp"

namespace vt {

using platform::internal::Json;
namespace v = platform::validate;

inline const std::string kManifests = std::string(PLATFORM_TEST_DATA_DIR) + "/validate/manifests";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Document `index` of a fixture file under tests/data/validate/manifests.
inline Json fixture(const std::string& file, std::size_t index = 0) {
  auto docs = platform::internal::parse_yaml_stream(read_file(kManifests + "/" + file));
  BOOST_REQUIRE(docs.ok());
  BOOST_REQUIRE_LT(index, docs->size());
  return (*docs)[index].value;
}

/// Validates documents as one YAML stream named `name`.
inline v::Report check(const std::vector<Json>& docs, const std::string& name = "test.yaml",
                       const v::Options& options = {}) {
  std::string text;
  for (const Json& d : docs) text += "---\n" + platform::internal::to_yaml(d);
  auto report = v::validate_sources({{name, text}}, options);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().to_string());
  return *report;
}

/// Schema checks only (no platform rules).
inline v::Report check_schema(const Json& doc) {
  v::Options options;
  options.rules = false;
  return check({doc}, "test.yaml", options);
}

inline std::string dump(const v::Report& r) { return v::to_text(r); }

/// True when the report has an error at `path` from `rule`.
inline bool has(const v::Report& r, const std::string& path, const std::string& rule) {
  for (const v::Finding& f : r.findings) {
    if (f.path == path && f.rule == rule && f.severity == v::Severity::kError) return true;
  }
  return false;
}

/// Sets (or, with a discarded value, removes) the field at `pointer`.
inline Json with(Json doc, const std::string& pointer, const Json& value) {
  Json::json_pointer p(pointer);
  if (value.is_discarded()) {
    doc[p.parent_pointer()].erase(p.back());
  } else {
    doc[p] = value;
  }
  return doc;
}

inline Json removed() { return Json(Json::value_t::discarded); }

}  // namespace vt
