// SPDX-License-Identifier: Apache-2.0
// Whole trees: the hand-written fixture tree (shaped like the rendered
// platform) validates clean from disk.

#include <filesystem>

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "fixtures.hpp"
#include "platform/render/render.hpp"
#include "platform/spec/load.hpp"

using namespace vt;

BOOST_AUTO_TEST_SUITE(tree)

BOOST_AUTO_TEST_CASE(fixture_tree_is_valid) {
  auto r = v::validate_path(kManifests);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  BOOST_TEST(r->findings.empty(), v::to_text(*r));
  BOOST_TEST(r->files == 13u);
  BOOST_TEST(r->documents == 44u);
  BOOST_TEST(r->unchecked == 1u);  // the CustomResourceDefinition
  BOOST_TEST(r->status().ok());
  BOOST_TEST(r->summary() ==
             "validated 44 documents in 13 files: ok (1 of a kind without a bundled schema, not checked)");
}

BOOST_AUTO_TEST_CASE(kustomization_resources_must_exist) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("platform_validate_kustomize_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(kManifests + "/kafka", dir);
  auto r = v::validate_path(dir);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->findings.empty(), v::to_text(*r));
  fs::remove(dir / "topics.yaml");
  r = v::validate_path(dir);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(has(*r, "resources[1]", "kustomization-resources"), v::to_text(*r));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(unreadable_input) {
  auto r = v::validate_path(kManifests + "/does-not-exist");
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.status().code() == platform::StatusCode::kNotFound));
  r = v::validate_sources({{"broken.yaml", "a: [1, 2\nb: }"}});
  BOOST_TEST(!r.ok());
  BOOST_TEST((r.status().code() == platform::StatusCode::kInvalidArgument));
  BOOST_TEST(r.status().message().find("broken.yaml") != std::string::npos, r.status().message());
}

BOOST_AUTO_TEST_CASE(list_documents) {
  // `-o json` renders a v1 List: its items are validated one by one.
  Json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array({fixture("kafka/kafka.yaml", 0),
                                                                               with(fixture("kafka/kafka.yaml", 0), "/metadata/name", 5)})}};
  auto r = check({list});
  BOOST_TEST(r.documents == 2u);
  BOOST_TEST(has(r, "items[1].metadata.name", "schema/type"), dump(r));
}

BOOST_AUTO_TEST_SUITE_END()

// The platform's own output: what `render` produces must pass `validate`,
// for the seed and for specs that change what is rendered.
namespace {
platform::validate::Report validate_rendered(const std::vector<std::string>& overrides) {
  auto spec = platform::spec::default_spec({overrides});
  BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().to_string());
  auto tree = platform::render::render(*spec);
  BOOST_REQUIRE_MESSAGE(tree.ok(), tree.status().to_string());
  std::vector<v::Source> sources;
  for (const auto& f : platform::render::files(*tree)) {
    if (f.path.ends_with(".yaml")) sources.push_back({f.path, f.content});
  }
  auto r = v::validate_sources(sources);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return *r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(rendered_default_platform_is_valid) {
  auto r = validate_rendered({});
  BOOST_TEST(r.valid(), v::to_text(r));
  BOOST_TEST(r.documents >= 40u);
}

BOOST_AUTO_TEST_CASE(rendered_platform_with_tenants_and_more_brokers_is_valid) {
  auto r = validate_rendered({"tenants[0].name=alice", "tenants[1].name=bob", "kafka.brokers=5", "kafka.topics[0].replicas=4",
                              "kafka.sasl_plain=true"});
  BOOST_TEST(r.valid(), v::to_text(r));
}

BOOST_AUTO_TEST_CASE(committed_manifests_are_valid) {
  auto r = v::validate_path(std::string(PLATFORM_SOURCE_DIR) + "/manifests");
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  BOOST_TEST(r->valid(), v::to_text(*r));
}
