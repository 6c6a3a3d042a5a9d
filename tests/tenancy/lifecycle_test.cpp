// SPDX-License-Identifier: Apache-2.0
// tenant add/remove edit only the tenants: block; refusals change nothing.
#include <boost/test/unit_test.hpp>

#include "tenancy/print.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "platform/spec/load.hpp"
#include "platform/tenancy/lifecycle.hpp"

namespace fs = std::filesystem;
namespace t = platform::tenancy;
using platform::StatusCode;

namespace {

const char* kSpec =
    "# Our platform. Keep this comment.\n"
    "kafka:\n"
    "  brokers: 3   # three brokers\n"
    "\n"
    "tenants:\n"
    "  # the first team\n"
    "  - name: alice\n"
    "    quota: {pods: 30}\n"
    "  - name: bob\n"
    "\n"
    "# Storage after tenants.\n"
    "storage_class: fast\n";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempFile {
  fs::path dir = fs::temp_directory_path() / ("tenancy_lifecycle_" + std::to_string(::getpid()));
  fs::path path = dir / "platform.yaml";
  explicit TempFile(const std::string& content) {
    fs::create_directories(dir);
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::error_code ec; fs::remove_all(dir, ec); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(add_appends_an_item_and_keeps_everything_else) {
  auto out = t::add_tenant_text(kSpec, "data-team", {"quota.pods=40", "container.limit_cpu=1"}).value();
  const std::string expected =
      "# Our platform. Keep this comment.\n"
      "kafka:\n"
      "  brokers: 3   # three brokers\n"
      "\n"
      "tenants:\n"
      "  # the first team\n"
      "  - name: alice\n"
      "    quota: {pods: 30}\n"
      "  - name: bob\n"
      "  - name: data-team\n"
      "    quota:\n"
      "      pods: 40\n"
      "    container:\n"
      "      limit_cpu: 1\n"
      "\n"
      "# Storage after tenants.\n"
      "storage_class: fast\n";
  BOOST_TEST(out == expected);
  auto spec = platform::spec::parse_spec(out).value();
  BOOST_REQUIRE(spec.tenants.size() == 3u);
  BOOST_TEST(spec.tenants[2].quota.pods == 40);
  BOOST_TEST(spec.tenants[2].quota.limits_cpu == "8");
  BOOST_TEST(spec.tenants[2].container.limit_cpu == "1");
}

BOOST_AUTO_TEST_CASE(add_creates_the_block_or_fills_an_empty_one) {
  auto none = t::add_tenant_text("kafka:\n  brokers: 3\n", "alice").value();
  BOOST_TEST(none == "kafka:\n  brokers: 3\ntenants:\n  - name: alice\n");
  auto empty = t::add_tenant_text("tenants: []  # none yet\nstorage_class: x\n", "alice").value();
  BOOST_TEST(empty == "tenants: # none yet\n  - name: alice\nstorage_class: x\n");
  auto flush = t::add_tenant_text("tenants:\n- name: a\nprofile: dev\n", "b").value();
  BOOST_TEST(flush == "tenants:\n- name: a\n- name: b\nprofile: dev\n");
  auto from_empty = t::add_tenant_text("", "alice").value();
  BOOST_TEST(from_empty == "tenants:\n  - name: alice\n");
}

BOOST_AUTO_TEST_CASE(remove_takes_out_one_item) {
  auto out = t::remove_tenant_text(kSpec, "alice").value();
  BOOST_TEST(out ==
             "# Our platform. Keep this comment.\n"
             "kafka:\n"
             "  brokers: 3   # three brokers\n"
             "\n"
             "tenants:\n"
             "  # the first team\n"
             "  - name: bob\n"
             "\n"
             "# Storage after tenants.\n"
             "storage_class: fast\n");
  auto last = t::remove_tenant_text(t::remove_tenant_text(kSpec, "bob").value(), "alice").value();
  BOOST_TEST(last.find("tenants: []\n") != std::string::npos, last);
  BOOST_TEST(last.find("storage_class: fast") != std::string::npos);
  BOOST_TEST(platform::spec::parse_spec(last).value().tenants.empty());
}

BOOST_AUTO_TEST_CASE(names_are_validated) {
  struct Bad {
    const char* name;
    StatusCode code;
    const char* says;
  };
  for (const Bad& b : {Bad{"Alice", StatusCode::kInvalidArgument, "DNS-1123"},
                       Bad{"-a", StatusCode::kInvalidArgument, "DNS-1123"},
                       Bad{"a_b", StatusCode::kInvalidArgument, "DNS-1123"},
                       Bad{"", StatusCode::kInvalidArgument, "DNS-1123"},
                       Bad{"a23456789012345678901234567890123456789012345678901234567890", StatusCode::kInvalidArgument, "58"},
                       Bad{"default", StatusCode::kInvalidArgument, "reserved"},
                       Bad{"kube-system", StatusCode::kInvalidArgument, "reserved"},
                       Bad{"kafka", StatusCode::kInvalidArgument, "reserved"},
                       Bad{"alice", StatusCode::kAlreadyExists, "already exists"}}) {
    auto r = t::add_tenant_text(kSpec, b.name);
    BOOST_TEST_CONTEXT(b.name) {
      BOOST_TEST((r.status().code() == b.code));
      BOOST_TEST(r.status().message().find(b.says) != std::string::npos, r.status().message());
    }
  }
  // 58 characters is the longest: user-<58> is 63.
  BOOST_TEST(t::add_tenant_text(kSpec, std::string(58, 'a')).ok());
}

BOOST_AUTO_TEST_CASE(bad_sets_and_shapes_are_refused) {
  BOOST_TEST(t::add_tenant_text(kSpec, "c", {"pods=40"}).status().message().find("quota.<field>") != std::string::npos);
  BOOST_TEST(t::add_tenant_text(kSpec, "c", {"owner.name=x"}).status().message().find("'owner'") != std::string::npos);
  auto q = t::add_tenant_text(kSpec, "c", {"quota.limits_memory=16GB"});
  BOOST_TEST(q.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(q.status().to_string().find("quantity") != std::string::npos, q.status().to_string());
  auto flow = t::add_tenant_text("tenants: [{name: a}]\n", "b");
  BOOST_TEST(flow.status().message().find("flow style") != std::string::npos);
  auto missing = t::remove_tenant_text(kSpec, "carol");
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
  BOOST_TEST(missing.status().message().find("alice, bob") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(files_change_atomically_or_not_at_all) {
  TempFile f(kSpec);
  auto added = t::add_tenant(f.path, "carol", {"quota.pods=40"}).value();
  BOOST_TEST(added.name == "carol");
  BOOST_TEST(added.quota.pods == 40);
  BOOST_TEST(added.quota.requests_memory == "8Gi");
  const std::string after_add = slurp(f.path);
  BOOST_TEST(after_add.find("# Storage after tenants.") != std::string::npos);

  // Refused: the file is byte-identical and no temporary file is left.
  BOOST_TEST(t::add_tenant(f.path, "carol").status().code() == StatusCode::kAlreadyExists);
  BOOST_TEST(t::add_tenant(f.path, "x", {"quota.pods=many"}).status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(slurp(f.path) == after_add);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(f.dir)) { (void)e; ++entries; }
  BOOST_TEST(entries == 1u);

  auto names = t::list_tenants(f.path).value();
  BOOST_TEST(names.size() == 3u);
  BOOST_TEST(t::to_text(names).find("carol  user-carol") != std::string::npos, t::to_text(names));

  // Removing with a rendered tree that shows a PVC warns.
  fs::create_directories(f.dir / "manifests/tenants/user-carol");
  std::ofstream(f.dir / "manifests/tenants/user-carol/pvc.yaml")
      << "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: user-carol\n";
  auto removed = t::remove_tenant(f.path, "carol", f.dir / "manifests").value();
  BOOST_REQUIRE(removed.warnings.size() == 1u);
  BOOST_TEST(removed.warnings[0].find("PersistentVolumeClaim data") != std::string::npos);
  BOOST_TEST(slurp(f.path) == std::string(kSpec));
  auto quiet = t::remove_tenant(f.path, "bob", f.dir / "manifests").value();
  BOOST_TEST(quiet.warnings.empty());
  BOOST_TEST(t::add_tenant(f.dir / "nope.yaml", "x").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()
