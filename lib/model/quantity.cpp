// SPDX-License-Identifier: Apache-2.0
#include "platform/model/quantity.hpp"

#include <algorithm>
#include <limits>

namespace platform::model {
namespace {

using i128 = __int128;

// 2^96 nano-units (~7.9e19 units) is far beyond any real quantity and keeps
// every product below in range of __int128 (max ~1.7e38).
constexpr i128 kMax = static_cast<i128>(1) << 96;
constexpr i128 kNano = 1000000000;

Status bad(std::string_view text, const std::string& why) {
  return invalid_argument("invalid quantity '" + std::string(text) + "': " + why +
                          "; use a Kubernetes quantity such as 500m, 2, 256Mi, 8Gi or 1e3");
}

std::int64_t saturate(i128 v) {
  if (v > std::numeric_limits<std::int64_t>::max()) return std::numeric_limits<std::int64_t>::max();
  if (v < std::numeric_limits<std::int64_t>::min()) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

// Ceiling division for a positive divisor.
i128 ceil_div(i128 a, i128 b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

std::string to_decimal(i128 v) {
  if (v == 0) return "0";
  std::string s;
  bool neg = v < 0;
  if (neg) v = -v;
  while (v > 0) {
    s += static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  }
  if (neg) s += '-';
  std::reverse(s.begin(), s.end());
  return s;
}

}  // namespace

Result<Quantity> Quantity::parse(std::string_view text) {
  std::string_view s = text;
  if (s.empty()) return bad(text, "it is empty");
  bool neg = false;
  if (s.front() == '+' || s.front() == '-') {
    neg = s.front() == '-';
    s.remove_prefix(1);
  }
  // Digits: mantissa as an integer plus the count of fraction digits.
  i128 mantissa = 0;
  int fraction_digits = 0;
  bool any_digit = false;
  bool dot = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    if (mantissa > kMax) return bad(text, "it is too large");
    mantissa = mantissa * 10 + (c - '0');
    if (dot) ++fraction_digits;
  }
  if (!any_digit) return bad(text, "it does not start with a number");
  std::string_view suffix = s.substr(i);
  // value = mantissa * 10^dec * 2^bin / 10^fraction_digits, in units.
  int dec = 0;
  int bin = 0;
  if (suffix.empty()) {
  } else if (suffix == "Ki") bin = 10;
  else if (suffix == "Mi") bin = 20;
  else if (suffix == "Gi") bin = 30;
  else if (suffix == "Ti") bin = 40;
  else if (suffix == "Pi") bin = 50;
  else if (suffix == "Ei") bin = 60;
  else if (suffix == "n") dec = -9;
  else if (suffix == "u") dec = -6;
  else if (suffix == "m") dec = -3;
  else if (suffix == "k") dec = 3;
  else if (suffix == "M") dec = 6;
  else if (suffix == "G") dec = 9;
  else if (suffix == "T") dec = 12;
  else if (suffix == "P") dec = 15;
  else if (suffix == "E") dec = 18;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view e = suffix.substr(1);
    bool eneg = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      eneg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 3 || !std::all_of(e.begin(), e.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad(text, "the exponent '" + std::string(suffix) + "' is not a whole number");
    }
    dec = std::stoi(std::string(e)) * (eneg ? -1 : 1);
  } else {
    return bad(text, "unknown suffix '" + std::string(suffix) + "'");
  }
  // Work in nano-units: multiply by 10^(9 + dec - fraction_digits) and 2^bin.
  int pow10 = 9 + dec - fraction_digits;
  i128 v = mantissa;
  for (int k = 0; k < bin; ++k) {
    v *= 2;
    if (v > kMax) return bad(text, "it is too large");
  }
  for (int k = 0; k < pow10; ++k) {
    v *= 10;
    if (v > kMax) return bad(text, "it is too large");
  }
  if (pow10 < 0) {
    i128 div = 1;
    for (int k = 0; k < -pow10; ++k) {
      div *= 10;
      if (div > kMax) {  // far below a nano-unit: rounds up to 1n (or 0)
        v = v == 0 ? 0 : 1;
        div = 1;
        break;
      }
    }
    v = ceil_div(v, div);
  }
  Quantity q;
  q.nanos_ = neg ? -v : v;
  return q;
}

Quantity Quantity::from_units(std::int64_t units) {
  Quantity q;
  q.nanos_ = static_cast<i128>(units) * kNano;
  return q;
}

Quantity Quantity::from_milli(std::int64_t milli) {
  Quantity q;
  q.nanos_ = static_cast<i128>(milli) * 1000000;
  return q;
}

std::int64_t Quantity::milli() const { return saturate(ceil_div(nanos_, 1000000)); }

std::int64_t Quantity::units() const { return saturate(ceil_div(nanos_, kNano)); }

std::int64_t Quantity::fits(const Quantity& divisor) const {
  if (nanos_ <= 0 || divisor.nanos_ <= 0) return 0;
  return saturate(nanos_ / divisor.nanos_);
}

std::string Quantity::to_string() const {
  i128 v = nanos_;
  if (v == 0) return "0";
  if (v % kNano == 0) {
    i128 units = v / kNano;
    i128 mag = units < 0 ? -units : units;
    static constexpr const char* kBin[] = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int k = 0; k < 6; ++k) {
      i128 base = static_cast<i128>(1) << (60 - 10 * k);
      if (mag >= base && mag % base == 0) return to_decimal(units / base) + kBin[k];
    }
    return to_decimal(units);
  }
  if (v % 1000000 == 0) return to_decimal(v / 1000000) + "m";
  if (v % 1000 == 0) return to_decimal(v / 1000) + "u";
  return to_decimal(v) + "n";
}

Quantity Quantity::operator+(const Quantity& o) const {
  Quantity q;
  q.nanos_ = nanos_ + o.nanos_;
  return q;
}

Quantity Quantity::operator-(const Quantity& o) const {
  Quantity q;
  q.nanos_ = nanos_ - o.nanos_;
  return q;
}

Quantity Quantity::operator*(std::int64_t n) const {
  Quantity q;
  q.nanos_ = nanos_ * n;
  return q;
}

}  // namespace platform::model
