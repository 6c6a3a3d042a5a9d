// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Kubernetes resource quantities ("500m", "8Gi", "1.5", "2e3"), exact.
/// A Quantity holds its value as an integer number of nano-units, so
/// "500m" + "500m" == "1" and 16Gi / 512Mi == 32 with no rounding. As the
/// API server does, a value finer than one nano-unit is rounded up
/// ("0.1n" -> "1n"). Plain value type; thread-compatible.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/export.hpp"
#include "platform/status.hpp"

namespace platform::model {

/// An exact, non-negative or negative, Kubernetes quantity.
class PLATFORM_EXPORT Quantity {
 public:
  /// Zero.
  Quantity() = default;

  /// Parses a quantity: a decimal number with an optional suffix, binary
  /// (Ki Mi Gi Ti Pi Ei), decimal (n u m k M G T P E) or an exponent
  /// (e3, E-2). Errors: kInvalidArgument naming the text and the accepted
  /// forms, or when the value exceeds the range (about 1.7e29 units).
  static Result<Quantity> parse(std::string_view text);

  /// `units` whole units (cores, bytes, objects).
  static Quantity from_units(std::int64_t units);
  /// `milli` thousandths of a unit (millicores).
  static Quantity from_milli(std::int64_t milli);

  /// The value in thousandths of a unit, rounded up (Kubernetes MilliValue);
  /// saturates at the int64 range.
  [[nodiscard]] std::int64_t milli() const;
  /// The value in whole units, rounded up (Kubernetes Value); saturates.
  [[nodiscard]] std::int64_t units() const;
  /// True when the value is zero.
  [[nodiscard]] bool is_zero() const { return nanos_ == 0; }

  /// How many whole `divisor`s fit in this quantity (floor); 0 when either is
  /// not positive. Exact: Quantity("16Gi").fits("512Mi") == 32.
  [[nodiscard]] std::int64_t fits(const Quantity& divisor) const;

  /// A canonical form: the largest binary suffix that divides the value when
  /// it is a whole number of Ki, else a decimal form ("500m", "4", "1500m",
  /// "8Gi", "100n").
  [[nodiscard]] std::string to_string() const;

  Quantity operator+(const Quantity& o) const;
  Quantity operator-(const Quantity& o) const;
  /// The quantity times a whole number.
  Quantity operator*(std::int64_t n) const;

  friend bool operator==(const Quantity&, const Quantity&) = default;
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) { return a.nanos_ <=> b.nanos_; }

 private:
  __int128 nanos_ = 0;
};

}  // namespace platform::model
