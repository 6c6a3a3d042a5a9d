// SPDX-License-Identifier: Apache-2.0
#include "amqp/codec.hpp"

#include "amqp/connection.hpp"

namespace platform::internal {
namespace {

amqp::FieldValue decode_value(const amqp_field_value_t& v);

amqp::FieldArray decode_array(const amqp_array_t& a) {
  amqp::FieldArray out;
  out.reserve(static_cast<std::size_t>(a.num_entries));
  for (int i = 0; i < a.num_entries; ++i) out.push_back(decode_value(a.entries[i]));
  return out;
}

amqp::FieldValue decode_value(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_BOOLEAN: return amqp::FieldValue(v.value.boolean != 0);
    case AMQP_FIELD_KIND_I8: return amqp::FieldValue(v.value.i8);
    case AMQP_FIELD_KIND_U8: return amqp::FieldValue(v.value.u8);
    case AMQP_FIELD_KIND_I16: return amqp::FieldValue(v.value.i16);
    case AMQP_FIELD_KIND_U16: return amqp::FieldValue(v.value.u16);
    case AMQP_FIELD_KIND_I32: return amqp::FieldValue(v.value.i32);
    case AMQP_FIELD_KIND_U32: return amqp::FieldValue(v.value.u32);
    case AMQP_FIELD_KIND_I64: return amqp::FieldValue(v.value.i64);
    // 'L' is not in RabbitMQ's dialect of 0-9-1; a peer that sends it gets
    // the bits back as a signed 64-bit value.
    case AMQP_FIELD_KIND_U64: return amqp::FieldValue(static_cast<std::int64_t>(v.value.u64));
    case AMQP_FIELD_KIND_F32: return amqp::FieldValue(v.value.f32);
    case AMQP_FIELD_KIND_F64: return amqp::FieldValue(v.value.f64);
    case AMQP_FIELD_KIND_DECIMAL:
      return amqp::FieldValue(amqp::Decimal{v.value.decimal.decimals, v.value.decimal.value});
    case AMQP_FIELD_KIND_UTF8: return amqp::FieldValue(to_string(v.value.bytes));
    case AMQP_FIELD_KIND_BYTES: return amqp::FieldValue(amqp::Bytes{to_string(v.value.bytes)});
    case AMQP_FIELD_KIND_TIMESTAMP: return amqp::FieldValue(amqp::Timestamp{v.value.u64});
    case AMQP_FIELD_KIND_ARRAY: return amqp::FieldValue(decode_array(v.value.array));
    case AMQP_FIELD_KIND_TABLE: return amqp::FieldValue(decode_table(v.value.table));
    case AMQP_FIELD_KIND_VOID:
    default: return amqp::FieldValue();
  }
}

std::optional<std::string> opt_string(const amqp_basic_properties_t& p, amqp_flags_t flag,
                                      amqp_bytes_t b) {
  if ((p._flags & flag) == 0) return std::nullopt;
  return to_string(b);
}

}  // namespace

amqp::FieldTable decode_table(const amqp_table_t& table) {
  amqp::FieldTable out;
  out.reserve(static_cast<std::size_t>(table.num_entries));
  for (int i = 0; i < table.num_entries; ++i) {
    out.push_back(amqp::FieldEntry{to_string(table.entries[i].key),
                                   decode_value(table.entries[i].value)});
  }
  return out;
}

amqp::Properties decode_properties(const amqp_basic_properties_t& p) {
  amqp::Properties out;
  out.content_type = opt_string(p, AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type);
  out.content_encoding = opt_string(p, AMQP_BASIC_CONTENT_ENCODING_FLAG, p.content_encoding);
  if ((p._flags & AMQP_BASIC_HEADERS_FLAG) != 0) out.headers = decode_table(p.headers);
  out.delivery_mode = std::nullopt;
  if ((p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) != 0) out.delivery_mode = p.delivery_mode;
  if ((p._flags & AMQP_BASIC_PRIORITY_FLAG) != 0) out.priority = p.priority;
  out.correlation_id = opt_string(p, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id);
  out.reply_to = opt_string(p, AMQP_BASIC_REPLY_TO_FLAG, p.reply_to);
  out.expiration = opt_string(p, AMQP_BASIC_EXPIRATION_FLAG, p.expiration);
  out.message_id = opt_string(p, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id);
  if ((p._flags & AMQP_BASIC_TIMESTAMP_FLAG) != 0) out.timestamp = p.timestamp;
  out.type = opt_string(p, AMQP_BASIC_TYPE_FLAG, p.type);
  out.user_id = opt_string(p, AMQP_BASIC_USER_ID_FLAG, p.user_id);
  out.app_id = opt_string(p, AMQP_BASIC_APP_ID_FLAG, p.app_id);
  out.cluster_id = opt_string(p, AMQP_BASIC_CLUSTER_ID_FLAG, p.cluster_id);
  return out;
}

amqp_table_t AmqpEncoder::encode(const amqp::FieldTable& t) {
  tables_used_ = 0;
  arrays_used_ = 0;
  return table(t);
}

const amqp_basic_properties_t* AmqpEncoder::encode(const amqp::Properties& in) {
  tables_used_ = 0;
  arrays_used_ = 0;
  amqp_basic_properties_t& p = props_;
  p = amqp_basic_properties_t{};
  auto set = [&p](const std::optional<std::string>& v, amqp_flags_t flag, amqp_bytes_t& out) {
    if (v) {
      p._flags |= flag;
      out = as_bytes(*v);
    }
  };
  set(in.content_type, AMQP_BASIC_CONTENT_TYPE_FLAG, p.content_type);
  set(in.content_encoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, p.content_encoding);
  if (!in.headers.empty()) {
    p._flags |= AMQP_BASIC_HEADERS_FLAG;
    p.headers = table(in.headers);
  }
  if (in.delivery_mode) {
    p._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
    p.delivery_mode = *in.delivery_mode;
  }
  if (in.priority) {
    p._flags |= AMQP_BASIC_PRIORITY_FLAG;
    p.priority = *in.priority;
  }
  set(in.correlation_id, AMQP_BASIC_CORRELATION_ID_FLAG, p.correlation_id);
  set(in.reply_to, AMQP_BASIC_REPLY_TO_FLAG, p.reply_to);
  set(in.expiration, AMQP_BASIC_EXPIRATION_FLAG, p.expiration);
  set(in.message_id, AMQP_BASIC_MESSAGE_ID_FLAG, p.message_id);
  if (in.timestamp) {
    p._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
    p.timestamp = *in.timestamp;
  }
  set(in.type, AMQP_BASIC_TYPE_FLAG, p.type);
  set(in.user_id, AMQP_BASIC_USER_ID_FLAG, p.user_id);
  set(in.app_id, AMQP_BASIC_APP_ID_FLAG, p.app_id);
  set(in.cluster_id, AMQP_BASIC_CLUSTER_ID_FLAG, p.cluster_id);
  return &props_;
}

amqp_table_t AmqpEncoder::table(const amqp::FieldTable& t) {
  if (tables_used_ == tables_.size()) tables_.emplace_back();
  std::vector<amqp_table_entry_t>& entries = tables_[tables_used_++];
  // Sized before any nested call so the nested calls cannot move it.
  entries.assign(t.size(), amqp_table_entry_t{});
  for (std::size_t i = 0; i < t.size(); ++i) {
    entries[i].key = as_bytes(t[i].name);
    value(t[i].value, entries[i].value);
  }
  return amqp_table_t{static_cast<int>(entries.size()), entries.data()};
}

void AmqpEncoder::value(const amqp::FieldValue& in, amqp_field_value_t& out) {
  using amqp::FieldKind;
  const auto& v = in.get();
  switch (in.kind()) {
    case FieldKind::kVoid: out.kind = AMQP_FIELD_KIND_VOID; break;
    case FieldKind::kBool:
      out.kind = AMQP_FIELD_KIND_BOOLEAN;
      out.value.boolean = std::get<bool>(v) ? 1 : 0;
      break;
    case FieldKind::kInt8: out.kind = AMQP_FIELD_KIND_I8; out.value.i8 = std::get<std::int8_t>(v); break;
    case FieldKind::kUInt8: out.kind = AMQP_FIELD_KIND_U8; out.value.u8 = std::get<std::uint8_t>(v); break;
    case FieldKind::kInt16: out.kind = AMQP_FIELD_KIND_I16; out.value.i16 = std::get<std::int16_t>(v); break;
    case FieldKind::kUInt16: out.kind = AMQP_FIELD_KIND_U16; out.value.u16 = std::get<std::uint16_t>(v); break;
    case FieldKind::kInt32: out.kind = AMQP_FIELD_KIND_I32; out.value.i32 = std::get<std::int32_t>(v); break;
    case FieldKind::kUInt32: out.kind = AMQP_FIELD_KIND_U32; out.value.u32 = std::get<std::uint32_t>(v); break;
    case FieldKind::kInt64: out.kind = AMQP_FIELD_KIND_I64; out.value.i64 = std::get<std::int64_t>(v); break;
    case FieldKind::kFloat: out.kind = AMQP_FIELD_KIND_F32; out.value.f32 = std::get<float>(v); break;
    case FieldKind::kDouble: out.kind = AMQP_FIELD_KIND_F64; out.value.f64 = std::get<double>(v); break;
    case FieldKind::kDecimal: {
      const auto& d = std::get<amqp::Decimal>(v);
      out.kind = AMQP_FIELD_KIND_DECIMAL;
      out.value.decimal = amqp_decimal_t{d.scale, d.value};
      break;
    }
    case FieldKind::kString:
      out.kind = AMQP_FIELD_KIND_UTF8;
      out.value.bytes = as_bytes(std::get<std::string>(v));
      break;
    case FieldKind::kBytes:
      out.kind = AMQP_FIELD_KIND_BYTES;
      out.value.bytes = as_bytes(std::get<amqp::Bytes>(v).data);
      break;
    case FieldKind::kTimestamp:
      out.kind = AMQP_FIELD_KIND_TIMESTAMP;
      out.value.u64 = std::get<amqp::Timestamp>(v).seconds;
      break;
    case FieldKind::kArray: {
      const auto& a = std::get<amqp::FieldArray>(v);
      if (arrays_used_ == arrays_.size()) arrays_.emplace_back();
      std::vector<amqp_field_value_t>& values = arrays_[arrays_used_++];
      values.assign(a.size(), amqp_field_value_t{});
      for (std::size_t i = 0; i < a.size(); ++i) value(a[i], values[i]);
      out.kind = AMQP_FIELD_KIND_ARRAY;
      out.value.array = amqp_array_t{static_cast<int>(values.size()), values.data()};
      break;
    }
    case FieldKind::kTable:
      out.kind = AMQP_FIELD_KIND_TABLE;
      out.value.table = table(std::get<amqp::FieldTable>(v));
      break;
  }
}

}  // namespace platform::internal
