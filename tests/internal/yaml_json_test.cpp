// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE internal
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include "internal/yaml_json.hpp"

using platform::internal::Json;
using platform::internal::parse_yaml_stream;
using platform::internal::to_yaml;

BOOST_AUTO_TEST_CASE(strings_that_look_like_other_types_round_trip_as_strings) {
  Json doc = Json::object();
  const char* tricky[] = {"true", "yes", "no", "on", "off", "null", "~", "10", "0.5", "1e3", "0x1F", "",
                          " lead", "trail ", "a: b", "x #y", "- item", "{x}", "[1]", "*ref", "&a", "!tag",
                          "it's", "say \"hi\"", "back\\slash", "tab\there", "10Gi", "500m", "3.8",
                          "multi\nline\n", "two\n\nblank\n\n", "no-final\nnewline", "@at", "%pct", "12:30"};
  int i = 0;
  for (const char* s : tricky) doc["k" + std::to_string(i++)] = s;
  std::string yaml = to_yaml(doc);
  auto parsed = parse_yaml_stream(yaml);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string() + "\n" + yaml);
  BOOST_REQUIRE_EQUAL(parsed->size(), 1u);
  BOOST_TEST((*parsed)[0].value == doc, yaml);
}

BOOST_AUTO_TEST_CASE(plain_scalars_follow_the_core_schema) {
  auto parsed = parse_yaml_stream("a: 3\nb: true\nc: 1.5\nd: null\ne: \"3\"\nf: 10Gi\ng: -7\n");
  BOOST_REQUIRE(parsed.ok());
  const Json& v = (*parsed)[0].value;
  BOOST_TEST(v["a"] == 3);
  BOOST_TEST(v["b"] == true);
  BOOST_TEST(v["c"] == 1.5);
  BOOST_TEST(v["d"].is_null());
  BOOST_TEST(v["e"] == "3");
  BOOST_TEST(v["f"] == "10Gi");
  BOOST_TEST(v["g"] == -7);
}

BOOST_AUTO_TEST_CASE(nested_structures_emit_kubectl_style_and_round_trip) {
  Json doc = Json::parse(R"({"apiVersion":"v1","kind":"List","items":[{"a":{"b":[1,2,{"c":[]}]},"d":{}},[3,[4]]],"e":[]})");
  std::string yaml = to_yaml(doc);
  BOOST_TEST(yaml.find("items:\n- a:\n    b:\n    - 1\n") != std::string::npos, yaml);
  auto parsed = parse_yaml_stream(yaml);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
  BOOST_TEST((*parsed)[0].value == doc, yaml);
}

BOOST_AUTO_TEST_CASE(errors_name_source_line_and_column) {
  platform::internal::YamlParseOptions opt;
  opt.source_name = "spec.yaml";
  auto dup = parse_yaml_stream("a: 1\nb: 2\na: 3\n", opt);
  BOOST_REQUIRE(!dup.ok());
  BOOST_TEST(dup.status().message().find("spec.yaml:3:1: duplicate key 'a'") != std::string::npos,
             dup.status().message());
  auto bad = parse_yaml_stream("a: [1, 2\nb: 3\n", opt);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().rfind("spec.yaml:", 0) == 0, bad.status().message());
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_not_crashed) {
  std::string deep(500, '[');
  deep += std::string(500, ']');
  auto r = parse_yaml_stream(deep);
  BOOST_TEST(!r.ok());
}

BOOST_AUTO_TEST_CASE(marks_locate_fields_for_error_messages) {
  platform::internal::YamlParseOptions opt;
  opt.record_marks = true;
  auto r = parse_yaml_stream("---\nkafka:\n  brokers: three\n", opt);
  BOOST_REQUIRE(r.ok());
  auto m = (*r)[0].mark_of("/kafka/brokers");
  BOOST_TEST(m.line == 3);
  BOOST_TEST(m.column == 12);
  auto parent = (*r)[0].mark_of("/kafka/missing");
  BOOST_TEST(parent.line == 3);  // the mapping under kafka starts at line 3
}

BOOST_AUTO_TEST_CASE(multi_document_streams_keep_indices) {
  auto r = parse_yaml_stream("a: 1\n---\n---\nb: 2\n");
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE_EQUAL(r->size(), 2u);
  BOOST_TEST((*r)[1].index == 2u);
}

// Found by fuzz_kubeconfig: yaml-cpp 0.7's LoadAll() loops forever (and
// allocates without bound) on input whose first token starts no document,
// e.g. a lone ',' (jbeder/yaml-cpp#1040). Each is refused at once.
BOOST_AUTO_TEST_CASE(input_that_makes_yaml_cpp_loop_forever_is_refused) {
  std::ifstream in(std::string(PLATFORM_TEST_DATA_DIR) +
                       "/fuzz/kubeconfig/timeout-f6f73d479f9fbc8627c1430b632c7ae4b4bdc7ea",
                   std::ios::binary);
  BOOST_REQUIRE(in.good());
  const std::string crash((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const std::string& text : {crash, std::string(","), std::string("a: 1\n---\n,\n")}) {
    auto r = parse_yaml_stream(text);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.status().code() == platform::StatusCode::kInvalidArgument));
    BOOST_TEST(r.status().message().find("invalid YAML") != std::string::npos, r.status().message());
  }
  // Ordinary streams, empty documents included, are unaffected.
  BOOST_TEST(parse_yaml_stream("---\n---\na: 1\n---\n").ok());
  BOOST_TEST(parse_yaml_stream("").ok());
}

BOOST_AUTO_TEST_CASE(scalars_that_decode_to_bytes_not_utf8_are_refused) {
  // Valid UTF-8 input for which yaml-cpp 0.7 hands back a scalar holding
  // bytes that are not UTF-8 (found by fuzz_validate); any later JSON dump
  // would throw. It is refused at conversion, with its location.
  std::ifstream in(std::string(PLATFORM_TEST_DATA_DIR) + "/fuzz/validate/escape-not-utf8", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST_REQUIRE(platform::internal::invalid_utf8_at(text) == std::string_view::npos);
  auto bad = parse_yaml_stream(text, {.source_name = "f.yaml"});
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().rfind("f.yaml:", 0) == 0, bad.status().message());
  BOOST_TEST(bad.status().message().find("not UTF-8") != std::string::npos, bad.status().message());
  auto good = parse_yaml_stream("b: \"x\\x85y \u00e9\"\n", {.source_name = "f.yaml"});
  BOOST_TEST_REQUIRE(good.ok(), good.status().to_string());
}
