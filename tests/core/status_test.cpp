// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "platform/status.hpp"

using platform::Result;
using platform::Status;
using platform::StatusCode;
BOOST_TEST_DONT_PRINT_LOG_VALUE(platform::StatusCode)

BOOST_AUTO_TEST_CASE(ok_status_reads_ok) {
  Status s;
  BOOST_TEST(s.ok());
  BOOST_TEST(s.to_string() == "ok");
}

BOOST_AUTO_TEST_CASE(failure_lists_every_detail_with_its_location) {
  Status s = platform::invalid_argument("spec is invalid");
  s.add_detail({"platform.yaml:3:5", "kafka.brokers", "expected an integer, got 'three'", "type"});
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.code() == StatusCode::kInvalidArgument);
  BOOST_TEST(s.to_string() ==
             "spec is invalid\n  platform.yaml:3:5: kafka.brokers: expected an integer, got 'three' [type]");
}

BOOST_AUTO_TEST_CASE(result_value_on_error_throws_platform_error) {
  Result<int> r = platform::not_found("topic 'x' not found");
  BOOST_TEST(!r.ok());
  BOOST_CHECK_THROW(r.value(), platform::Error);
  try {
    (void)r.value();
  } catch (const platform::Error& e) {
    BOOST_TEST(e.code() == StatusCode::kNotFound);
    BOOST_TEST(std::string(e.what()) == "topic 'x' not found");
  }
  BOOST_TEST(r.value_or(7) == 7);
}

BOOST_AUTO_TEST_CASE(result_built_from_ok_status_is_an_internal_error) {
  Result<int> r = Status();
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().code() == StatusCode::kInternal);
}

BOOST_AUTO_TEST_CASE(result_holds_move_only_values) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  BOOST_TEST(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  BOOST_TEST(*p == 5);
}

namespace {
Result<std::vector<std::string>> words() { return std::vector<std::string>{"alpha", std::string(100, 'b')}; }
}  // namespace

BOOST_AUTO_TEST_CASE(the_value_of_a_temporary_result_outlives_it) {
  // A range-for over f().value() binds the range to what value() returns;
  // were it a reference into the temporary Result, the loop would read freed
  // memory (AddressSanitizer reports it in the sanitizer run).
  static_assert(std::is_same_v<decltype(words().value()), std::vector<std::string>>);
  static_assert(std::is_same_v<decltype(*words()), std::vector<std::string>>);
  std::size_t letters = 0;
  for (const std::string& w : words().value()) letters += w.size();
  BOOST_TEST(letters == 105u);
  auto&& held = words().value();
  BOOST_TEST(held.back() == std::string(100, 'b'));
}
