// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// AMQP 0-9-1 message properties and the typed headers table, as plain values.
///
/// The field table keeps every AMQP field type apart (a signed 8-bit integer
/// stays one, a byte array is not a string), so a table read from a delivery
/// and published again is byte-for-byte the same on the wire. That is what a
/// round-trip-safe Kafka header <-> AMQP mapping needs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "platform/export.hpp"

namespace platform::amqp {

struct FieldEntry;
class FieldValue;

/// An AMQP field table: ordered (name, value) entries. Names should be unique;
/// the order is kept as given.
using FieldTable = std::vector<FieldEntry>;
/// An AMQP field array ('A'): values of any type, mixed.
using FieldArray = std::vector<FieldValue>;

/// AMQP decimal ('D'): `value` / 10^`scale`.
struct Decimal {
  std::uint8_t scale = 0;
  std::uint32_t value = 0;
  bool operator==(const Decimal&) const = default;
};

/// AMQP timestamp ('T'): seconds since the epoch. A type of its own so that it
/// does not turn into an integer on a round trip.
struct Timestamp {
  std::uint64_t seconds = 0;
  bool operator==(const Timestamp&) const = default;
};

/// AMQP byte array ('x'): opaque bytes, distinct from a long string ('S').
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

/// The kind of a FieldValue; the AMQP type letter is given for each.
enum class FieldKind : std::uint8_t {
  kVoid,       ///< 'V' no value
  kBool,       ///< 't'
  kInt8,       ///< 'b'
  kUInt8,      ///< 'B'
  kInt16,      ///< 's'
  kUInt16,     ///< 'u'
  kInt32,      ///< 'I'
  kUInt32,     ///< 'i'
  kInt64,      ///< 'l'
  kFloat,      ///< 'f'
  kDouble,     ///< 'd'
  kDecimal,    ///< 'D'
  kString,     ///< 'S' long string (bytes; UTF-8 by convention)
  kBytes,      ///< 'x' byte array
  kTimestamp,  ///< 'T'
  kArray,      ///< 'A'
  kTable,      ///< 'F'
};

/// One typed value of an AMQP field table or array. A plain value type.
///
/// Built from the C++ type that matches the AMQP type: `FieldValue(true)`,
/// `FieldValue(std::int8_t{-3})`, `FieldValue(std::string("x"))`,
/// `FieldValue("x")` (a long string), `FieldValue(Bytes{"\x01"})`,
/// `FieldValue(Timestamp{1700000000})`, `FieldValue(FieldTable{...})`.
class FieldValue {
 public:
  /// The alternatives, in FieldKind order.
  using Variant = std::variant<std::monostate, bool, std::int8_t, std::uint8_t, std::int16_t,
                               std::uint16_t, std::int32_t, std::uint32_t, std::int64_t, float,
                               double, Decimal, std::string, Bytes, Timestamp, FieldArray,
                               FieldTable>;

  /// A void value ('V').
  FieldValue() = default;
  /// Any of the alternatives; a string literal becomes a long string.
  template <typename T>
    requires(!std::is_same_v<std::remove_cvref_t<T>, FieldValue> &&
             std::is_constructible_v<Variant, T>)
  FieldValue(T&& v) : v_(std::forward<T>(v)) {}  // NOLINT: implicit by design

  /// Which AMQP type this is.
  [[nodiscard]] FieldKind kind() const noexcept { return static_cast<FieldKind>(v_.index()); }
  /// The stored alternative.
  [[nodiscard]] const Variant& get() const noexcept { return v_; }
  /// The value as T, or nullptr when it holds another type.
  template <typename T>
  [[nodiscard]] const T* get_if() const noexcept {
    return std::get_if<T>(&v_);
  }
  /// Any integer kind (8..64 bits, signed or not) as int64; nullopt otherwise.
  [[nodiscard]] PLATFORM_EXPORT std::optional<std::int64_t> as_int() const noexcept;
  /// A long string or a byte array as its bytes; nullopt otherwise.
  [[nodiscard]] PLATFORM_EXPORT std::optional<std::string_view> as_bytes() const noexcept;

  PLATFORM_EXPORT bool operator==(const FieldValue& other) const;

 private:
  Variant v_;
};

/// One named entry of a FieldTable.
struct FieldEntry {
  std::string name;
  FieldValue value;
  bool operator==(const FieldEntry&) const = default;
};

/// The first entry named `name` in `table`, or nullptr.
PLATFORM_EXPORT const FieldValue* find_field(const FieldTable& table, std::string_view name) noexcept;

/// The basic-class properties of a message (AMQP 0-9-1 "basic" content
/// header). Unset optionals are not sent. A plain value type.
struct Properties {
  std::optional<std::string> content_type;      ///< e.g. "application/json"
  std::optional<std::string> content_encoding;  ///< e.g. "gzip"
  FieldTable headers;                           ///< typed application headers
  /// 2 = persistent (the default: survives a broker restart on a durable
  /// queue), 1 = transient. Unset on a delivery means the sender did not say.
  std::optional<std::uint8_t> delivery_mode = 2;
  std::optional<std::uint8_t> priority;         ///< 0..9 (queue must support it)
  std::optional<std::string> correlation_id;
  std::optional<std::string> reply_to;
  std::optional<std::string> expiration;        ///< per-message TTL in ms, as text
  std::optional<std::string> message_id;
  std::optional<std::uint64_t> timestamp;       ///< seconds since the epoch
  std::optional<std::string> type;
  std::optional<std::string> user_id;           ///< checked by the broker against the login
  std::optional<std::string> app_id;
  std::optional<std::string> cluster_id;        ///< deprecated in 0-9-1; kept for fidelity

  bool operator==(const Properties&) const = default;
};

}  // namespace platform::amqp
