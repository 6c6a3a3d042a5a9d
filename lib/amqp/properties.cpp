// SPDX-License-Identifier: Apache-2.0
#include "platform/amqp/properties.hpp"

namespace platform::amqp {

bool FieldValue::operator==(const FieldValue& other) const { return v_ == other.v_; }

std::optional<std::int64_t> FieldValue::as_int() const noexcept {
  return std::visit(
      [](const auto& x) -> std::optional<std::int64_t> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          return static_cast<std::int64_t>(x);
        } else {
          return std::nullopt;
        }
      },
      v_);
}

std::optional<std::string_view> FieldValue::as_bytes() const noexcept {
  if (const auto* s = std::get_if<std::string>(&v_)) return std::string_view(*s);
  if (const auto* b = std::get_if<Bytes>(&v_)) return std::string_view(b->data);
  return std::nullopt;
}

const FieldValue* find_field(const FieldTable& table, std::string_view name) noexcept {
  for (const FieldEntry& e : table) {
    if (e.name == name) return &e.value;
  }
  return nullptr;
}

}  // namespace platform::amqp
