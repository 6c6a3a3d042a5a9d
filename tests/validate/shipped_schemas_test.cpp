// SPDX-License-Identifier: Apache-2.0
// The CRDs under schemas/crds/ are byte-for-byte the upstream files: each
// file's git blob id equals the one recorded in schemas/crds/SOURCES.md (the
// RabbitMQ CRD is MPL-2.0 and must stay unmodified).

#include <cstdio>
#include <filesystem>
#include <regex>

#include <boost/test/unit_test.hpp>
#include <boost/uuid/detail/sha1.hpp>

#include "fixtures.hpp"

using namespace vt;

namespace {

std::string git_blob_id(const std::string& content) {
  boost::uuids::detail::sha1 sha;
  std::string header = "blob " + std::to_string(content.size()) + std::string(1, '\0');
  sha.process_bytes(header.data(), header.size());
  sha.process_bytes(content.data(), content.size());
  boost::uuids::detail::sha1::digest_type digest;
  sha.get_digest(digest);
  char hex[41];
  for (int i = 0; i < 5; ++i) std::snprintf(hex + 8 * i, 9, "%08x", digest[i]);
  return std::string(hex, 40);
}

}  // namespace

BOOST_AUTO_TEST_CASE(crds_are_unmodified_upstream_copies) {
  const std::string root = std::string(PLATFORM_SOURCE_DIR) + "/schemas/crds/";
  std::string sources = read_file(root + "SOURCES.md");
  // | strimzi-0.43.0/Kafka.yaml | ... | <40-hex blob> | <size> | ...
  std::regex row(R"(\| ([A-Za-z0-9.\-]+/[A-Za-z]+\.yaml) \|.*\| ([0-9a-f]{40}) \| ([0-9]+) \|)");
  std::size_t checked = 0;
  for (std::sregex_iterator it(sources.begin(), sources.end(), row), end; it != end; ++it) {
    std::string file = (*it)[1];
    std::string content = read_file(root + file);
    BOOST_TEST_INFO(file);
    BOOST_TEST(content.size() == std::stoul((*it)[3]));
    BOOST_TEST(git_blob_id(content) == (*it)[2].str());
    ++checked;
  }
  BOOST_TEST(checked == 12u);
  std::size_t yaml_files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    yaml_files += e.path().extension() == ".yaml" ? 1 : 0;
  }
  BOOST_TEST(yaml_files == checked);  // every shipped CRD is listed
}
