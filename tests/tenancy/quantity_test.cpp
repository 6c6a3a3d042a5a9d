// SPDX-License-Identifier: Apache-2.0
#include <boost/test/unit_test.hpp>

#include "platform/model/quantity.hpp"

using platform::model::Quantity;

namespace {
Quantity q(const char* s) { return Quantity::parse(s).value(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(quantity)

BOOST_AUTO_TEST_CASE(parses_every_suffix_exactly) {
  BOOST_TEST(q("500m").milli() == 500);
  BOOST_TEST(q("4").milli() == 4000);
  BOOST_TEST(q("1.5").milli() == 1500);
  BOOST_TEST(q("0.1").milli() == 100);
  BOOST_TEST(q(".5").milli() == 500);
  BOOST_TEST(q("256Mi").units() == 256LL * 1024 * 1024);
  BOOST_TEST(q("8Gi").units() == 8LL << 30);
  BOOST_TEST(q("1.5Gi").units() == 3LL << 29);
  BOOST_TEST(q("2k").units() == 2000);
  BOOST_TEST(q("1M").units() == 1000000);
  BOOST_TEST(q("1e3").units() == 1000);
  BOOST_TEST(q("1E-3").milli() == 1);
  BOOST_TEST(q("250u").milli() == 1);  // rounded up, as Kubernetes MilliValue
  BOOST_TEST((q("100n") < q("1u")));
  BOOST_TEST(q("+3").units() == 3);
  BOOST_TEST(q("1Ei").units() == (1LL << 60));
  BOOST_TEST((q("1000m") == q("1")));
  BOOST_TEST((q("1024Mi") == q("1Gi")));
  BOOST_TEST((q("1G") < q("1Gi")));
}

BOOST_AUTO_TEST_CASE(divides_exactly) {
  BOOST_TEST(q("8").fits(q("500m")) == 16);
  BOOST_TEST(q("16Gi").fits(q("512Mi")) == 32);
  BOOST_TEST(q("4").fits(q("200m")) == 20);
  BOOST_TEST(q("8Gi").fits(q("256Mi")) == 32);
  BOOST_TEST(q("1").fits(q("300m")) == 3);
  BOOST_TEST(q("100m").fits(q("500m")) == 0);
  BOOST_TEST(q("1").fits(q("0")) == 0);
  BOOST_TEST(((q("500m") + q("500m")) == q("1")));
  BOOST_TEST(((q("512Mi") * 32) == q("16Gi")));
}

BOOST_AUTO_TEST_CASE(prints_a_canonical_form) {
  BOOST_TEST(q("500m").to_string() == "500m");
  BOOST_TEST(q("4").to_string() == "4");
  BOOST_TEST(q("8192Mi").to_string() == "8Gi");
  BOOST_TEST(q("1.5").to_string() == "1500m");
  BOOST_TEST(q("0").to_string() == "0");
  BOOST_TEST(q("100n").to_string() == "100n");
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_quantity) {
  for (const char* bad : {"", "Gi", "10Gb", "10 Gi", "1.2.3", "abc", "1e", "1e1000", "99999999999999999999999999999999Ei"}) {
    auto r = Quantity::parse(bad);
    BOOST_TEST(!r.ok(), bad);
    if (!r.ok()) {
      BOOST_TEST(r.status().message().find("invalid quantity") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
