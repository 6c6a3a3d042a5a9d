// SPDX-License-Identifier: Apache-2.0
#include "platform/flow/header_mapping.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

namespace platform::flow {
namespace {

using amqp::FieldKind;
using amqp::FieldValue;

constexpr std::string_view kAmqpPrefix = "amqp.";
constexpr std::string_view kTypedPrefix = "amqp.typed.";
constexpr std::string_view kKafkaOriginal = "kafka.original";
constexpr std::string_view kAmqpOriginal = "amqp.original";
constexpr std::string_view kMagic = "PLFM1";
constexpr char kLetters[] = "VtbBsuIilfdDSxTAF";  // FieldKind order

// ---- binary writer / reader (big endian, u32 lengths) ---------------------

struct Writer {
  std::string out;
  void u8(std::uint8_t v) { out += static_cast<char>(v); }
  void u64(std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (i * 8)) & 0xff);
  }
  void u32(std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (i * 8)) & 0xff);
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out.append(s);
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  std::uint64_t uint(int bytes) {
    if (in.size() < static_cast<std::size_t>(bytes)) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    in.remove_prefix(bytes);
    return v;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint(4)); }
  std::uint64_t u64() { return uint(8); }
  std::string str() {
    std::uint32_t n = u32();
    if (!ok || in.size() < n) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
};

void write_value(Writer& w, const FieldValue& v);
void write_table(Writer& w, const amqp::FieldTable& t) {
  w.u32(static_cast<std::uint32_t>(t.size()));
  for (const auto& e : t) {
    w.str(e.name);
    write_value(w, e.value);
  }
}

template <typename T>
std::uint64_t bits(T v) {
  if constexpr (std::is_same_v<T, float>) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    return b;
  } else if constexpr (std::is_same_v<T, double>) {
    std::uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
  } else {
    return static_cast<std::uint64_t>(v);
  }
}

void write_value(Writer& w, const FieldValue& v) {
  w.u8(static_cast<std::uint8_t>(kLetters[static_cast<int>(v.kind())]));
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, bool>) {
          w.u8(x ? 1 : 0);
        } else if constexpr (std::is_same_v<T, amqp::Decimal>) {
          w.u8(x.scale);
          w.u32(x.value);
        } else if constexpr (std::is_same_v<T, std::string>) {
          w.str(x);
        } else if constexpr (std::is_same_v<T, amqp::Bytes>) {
          w.str(x.data);
        } else if constexpr (std::is_same_v<T, amqp::Timestamp>) {
          w.u64(x.seconds);
        } else if constexpr (std::is_same_v<T, amqp::FieldArray>) {
          w.u32(static_cast<std::uint32_t>(x.size()));
          for (const auto& e : x) write_value(w, e);
        } else if constexpr (std::is_same_v<T, amqp::FieldTable>) {
          write_table(w, x);
        } else {
          w.u64(bits(x));
        }
      },
      v.get());
}

template <typename T>
T from_bits(std::uint64_t b) {
  if constexpr (std::is_same_v<T, float>) {
    auto u = static_cast<std::uint32_t>(b);
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  } else if constexpr (std::is_same_v<T, double>) {
    double d;
    std::memcpy(&d, &b, 8);
    return d;
  } else {
    return static_cast<T>(b);
  }
}

std::optional<FieldValue> read_value(Reader& r, int depth);
std::optional<amqp::FieldTable> read_table(Reader& r, int depth) {
  std::uint32_t n = r.u32();
  amqp::FieldTable t;
  for (std::uint32_t i = 0; r.ok && i < n; ++i) {
    std::string name = r.str();
    auto v = read_value(r, depth + 1);
    if (!v) return std::nullopt;
    t.push_back({std::move(name), std::move(*v)});
  }
  if (!r.ok) return std::nullopt;
  return t;
}

std::optional<FieldValue> read_value(Reader& r, int depth) {
  if (depth > 64) return std::nullopt;
  char letter = static_cast<char>(r.u8());
  if (!r.ok) return std::nullopt;
  const char* at = std::strchr(kLetters, letter);
  if (at == nullptr || letter == 0) return std::nullopt;
  switch (static_cast<FieldKind>(at - kLetters)) {
    case FieldKind::kVoid: return FieldValue();
    case FieldKind::kBool: {
      auto b = r.u8();
      if (b > 1) return std::nullopt;
      return FieldValue(b == 1);
    }
    case FieldKind::kInt8: return FieldValue(from_bits<std::int8_t>(r.u64()));
    case FieldKind::kUInt8: return FieldValue(from_bits<std::uint8_t>(r.u64()));
    case FieldKind::kInt16: return FieldValue(from_bits<std::int16_t>(r.u64()));
    case FieldKind::kUInt16: return FieldValue(from_bits<std::uint16_t>(r.u64()));
    case FieldKind::kInt32: return FieldValue(from_bits<std::int32_t>(r.u64()));
    case FieldKind::kUInt32: return FieldValue(from_bits<std::uint32_t>(r.u64()));
    case FieldKind::kInt64: return FieldValue(from_bits<std::int64_t>(r.u64()));
    case FieldKind::kFloat: return FieldValue(from_bits<float>(r.u64()));
    case FieldKind::kDouble: return FieldValue(from_bits<double>(r.u64()));
    case FieldKind::kDecimal: {
      amqp::Decimal d;
      d.scale = r.u8();
      d.value = r.u32();
      return FieldValue(d);
    }
    case FieldKind::kString: return FieldValue(r.str());
    case FieldKind::kBytes: return FieldValue(amqp::Bytes{r.str()});
    case FieldKind::kTimestamp: return FieldValue(amqp::Timestamp{r.u64()});
    case FieldKind::kArray: {
      std::uint32_t n = r.u32();
      amqp::FieldArray a;
      for (std::uint32_t i = 0; r.ok && i < n; ++i) {
        auto v = read_value(r, depth + 1);
        if (!v) return std::nullopt;
        a.push_back(std::move(*v));
      }
      if (!r.ok) return std::nullopt;
      return FieldValue(std::move(a));
    }
    case FieldKind::kTable: {
      auto t = read_table(r, depth);
      if (!t) return std::nullopt;
      return FieldValue(std::move(*t));
    }
  }
  return std::nullopt;
}

// ---- the 13 non-table properties, in their wire order ----------------------

using amqp::Properties;
struct TextProp {
  std::string_view name;
  std::optional<std::string> Properties::*member;
};
constexpr std::array<TextProp, 10> kTextProps{{
    {"content-type", &Properties::content_type},
    {"content-encoding", &Properties::content_encoding},
    {"correlation-id", &Properties::correlation_id},
    {"reply-to", &Properties::reply_to},
    {"expiration", &Properties::expiration},
    {"message-id", &Properties::message_id},
    {"type", &Properties::type},
    {"user-id", &Properties::user_id},
    {"app-id", &Properties::app_id},
    {"cluster-id", &Properties::cluster_id},
}};

template <typename T>
std::optional<T> parse_uint(std::string_view s) {
  T v{};
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Sets the property `suffix` names from `value`; false when `suffix` is not a
// property, the property is already set, or the value does not parse.
bool set_property(Properties& p, std::string_view suffix, const std::string& value, bool& mode_set) {
  for (const TextProp& t : kTextProps) {
    if (t.name == suffix) {
      if ((p.*t.member).has_value()) return false;
      p.*t.member = value;
      return true;
    }
  }
  if (suffix == "delivery-mode") {
    auto v = parse_uint<std::uint8_t>(value);
    if (mode_set || !v) return false;
    p.delivery_mode = *v;
    mode_set = true;
    return true;
  }
  if (suffix == "priority") {
    auto v = parse_uint<std::uint8_t>(value);
    if (p.priority || !v) return false;
    p.priority = *v;
    return true;
  }
  if (suffix == "timestamp") {
    auto v = parse_uint<std::uint64_t>(value);
    if (p.timestamp || !v) return false;
    p.timestamp = *v;
    return true;
  }
  return false;
}

std::string key_of(const AmqpMessage& a, KeySource source) {
  if (source == KeySource::kMessageId && a.properties.message_id) return *a.properties.message_id;
  return a.routing_key;
}

AmqpMessage naive_k2r(const Message& m, KeySource source) {
  AmqpMessage a;
  a.body = m.payload;
  a.properties.delivery_mode.reset();
  bool mode_set = false;
  std::optional<std::string> routing_key;
  for (const Header& h : m.headers) {
    std::string_view name = h.name;
    if (name.starts_with(kAmqpPrefix)) {
      std::string_view suffix = name.substr(kAmqpPrefix.size());
      if (set_property(a.properties, suffix, h.value, mode_set)) continue;
      if (suffix == "routing-key" && !routing_key) {
        routing_key = h.value;
        continue;
      }
      if (name.starts_with(kTypedPrefix)) {
        auto v = decode_field_value(h.value);
        if (v.ok() && v->kind() != FieldKind::kString) {
          a.properties.headers.push_back({std::string(name.substr(kTypedPrefix.size())), std::move(*v)});
          continue;
        }
      }
    }
    a.properties.headers.push_back({h.name, FieldValue(h.value)});
  }
  if (!mode_set) a.properties.delivery_mode = 2;
  a.routing_key = routing_key ? *routing_key : m.key;
  if (m.key != key_of(a, source)) a.properties.headers.push_back({std::string(kKafkaKeyHeader), FieldValue(amqp::Bytes{m.key})});
  if (m.timestamp_ms) {
    a.properties.headers.push_back({std::string(kKafkaTimestampHeader), FieldValue(std::int64_t{*m.timestamp_ms})});
  }
  return a;
}

Message naive_r2k(const AmqpMessage& a, KeySource source) {
  Message m;
  m.payload = a.body;
  const Properties& p = a.properties;
  auto add = [&m](std::string_view suffix, std::string value) {
    m.headers.push_back({std::string(kAmqpPrefix) + std::string(suffix), std::move(value)});
  };
  for (const TextProp& t : kTextProps) {
    if ((p.*t.member).has_value()) add(t.name, *(p.*t.member));
  }
  if (p.delivery_mode && *p.delivery_mode != 2) add("delivery-mode", std::to_string(*p.delivery_mode));
  if (p.priority) add("priority", std::to_string(*p.priority));
  if (p.timestamp) add("timestamp", std::to_string(*p.timestamp));
  std::optional<std::string> key;
  for (const amqp::FieldEntry& e : p.headers) {
    if (!key && e.name == kKafkaKeyHeader && e.value.kind() == FieldKind::kBytes) {
      key = e.value.get_if<amqp::Bytes>()->data;
      continue;
    }
    if (!m.timestamp_ms && e.name == kKafkaTimestampHeader && e.value.kind() == FieldKind::kInt64) {
      m.timestamp_ms = *e.value.get_if<std::int64_t>();
      continue;
    }
    if (const auto* s = e.value.get_if<std::string>()) {
      m.headers.push_back({e.name, *s});
    } else {
      m.headers.push_back({std::string(kTypedPrefix) + e.name, encode_field_value(e.value)});
    }
  }
  m.key = key ? *key : key_of(a, source);
  if (m.key != a.routing_key) add("routing-key", a.routing_key);
  return m;
}

// Full copies, for the cases the table cannot carry.
std::string encode_message(const Message& m) {
  Writer w;
  w.out.append(kMagic);
  w.str(m.key);
  w.u8(m.timestamp_ms ? 1 : 0);
  w.u64(static_cast<std::uint64_t>(m.timestamp_ms.value_or(0)));
  w.u32(static_cast<std::uint32_t>(m.headers.size()));
  for (const Header& h : m.headers) {
    w.str(h.name);
    w.str(h.value);
  }
  return std::move(w.out);
}

std::optional<Message> decode_message(std::string_view s, const std::string& payload) {
  if (!s.starts_with(kMagic)) return std::nullopt;
  Reader r{s.substr(kMagic.size())};
  Message m;
  m.payload = payload;
  m.key = r.str();
  bool has_ts = r.u8() == 1;
  auto ts = static_cast<std::int64_t>(r.u64());
  if (has_ts) m.timestamp_ms = ts;
  std::uint32_t n = r.u32();
  for (std::uint32_t i = 0; r.ok && i < n; ++i) {
    std::string name = r.str();
    std::string value = r.str();
    m.headers.push_back({std::move(name), std::move(value)});
  }
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return m;
}

template <typename T>
void opt(Writer& w, const std::optional<T>& v) {
  w.u8(v ? 1 : 0);
  if (v) {
    if constexpr (std::is_same_v<T, std::string>) {
      w.str(*v);
    } else {
      w.u64(static_cast<std::uint64_t>(*v));
    }
  }
}

template <typename T>
void read_opt(Reader& r, std::optional<T>& v) {
  std::uint8_t present = r.u8();
  if (present == 0) {
    v.reset();
    return;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    v = r.str();
  } else {
    v = static_cast<T>(r.u64());
  }
}

std::string encode_amqp(const AmqpMessage& a) {
  Writer w;
  w.out.append(kMagic);
  w.str(a.routing_key);
  const Properties& p = a.properties;
  for (const TextProp& t : kTextProps) opt(w, p.*t.member);
  opt(w, p.delivery_mode);
  opt(w, p.priority);
  opt(w, p.timestamp);
  write_table(w, p.headers);
  return std::move(w.out);
}

std::optional<AmqpMessage> decode_amqp(std::string_view s, const std::string& body) {
  if (!s.starts_with(kMagic)) return std::nullopt;
  Reader r{s.substr(kMagic.size())};
  AmqpMessage a;
  a.body = body;
  a.routing_key = r.str();
  Properties& p = a.properties;
  for (const TextProp& t : kTextProps) read_opt(r, p.*t.member);
  read_opt(r, p.delivery_mode);
  read_opt(r, p.priority);
  read_opt(r, p.timestamp);
  auto table = read_table(r, 0);
  if (!table || !r.ok || !r.in.empty()) return std::nullopt;
  p.headers = std::move(*table);
  return a;
}

template <typename T>
std::string number_text(T v) {
  std::array<char, 64> buf{};
  auto [p, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), p);
}

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string encode_field_value(const FieldValue& value) {
  std::string out(1, kLetters[static_cast<int>(value.kind())]);
  out += ':';
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, amqp::Decimal>) {
          out += std::to_string(x.scale) + ":" + std::to_string(x.value);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += x;
        } else if constexpr (std::is_same_v<T, amqp::Bytes>) {
          out += x.data;
        } else if constexpr (std::is_same_v<T, amqp::Timestamp>) {
          out += std::to_string(x.seconds);
        } else if constexpr (std::is_same_v<T, amqp::FieldArray> || std::is_same_v<T, amqp::FieldTable>) {
          Writer w;
          write_value(w, value);
          out += w.out.substr(1);  // without the letter, already written
        } else if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
          out += std::to_string(static_cast<int>(x));
        } else {
          out += number_text(x);
        }
      },
      value.get());
  return out;
}

Result<FieldValue> decode_field_value(std::string_view text) {
  auto bad = [&] {
    return invalid_argument("'" + std::string(text.substr(0, 40)) +
                            "' is not a typed AMQP value (expected a type letter, ':', then the value, e.g. I:42)");
  };
  if (text.size() < 2 || text[1] != ':' || text[0] == 0) return bad();
  const char* at = std::strchr(kLetters, text[0]);
  if (at == nullptr) return bad();
  std::string_view v = text.substr(2);
  auto kind = static_cast<FieldKind>(at - kLetters);
  auto integer = [&]<typename T>(T) -> Result<FieldValue> {
    if constexpr (sizeof(T) == 1) {
      auto n = parse_number<int>(v);
      if (!n || *n < std::numeric_limits<T>::min() || *n > std::numeric_limits<T>::max()) return bad();
      if (number_text(*n) != v) return bad();
      return FieldValue(static_cast<T>(*n));
    } else {
      auto n = parse_number<T>(v);
      if (!n || number_text(*n) != v) return bad();
      return FieldValue(*n);
    }
  };
  switch (kind) {
    case FieldKind::kVoid:
      if (!v.empty()) return bad();
      return FieldValue();
    case FieldKind::kBool:
      if (v == "true") return FieldValue(true);
      if (v == "false") return FieldValue(false);
      return bad();
    case FieldKind::kInt8: return integer(std::int8_t{});
    case FieldKind::kUInt8: return integer(std::uint8_t{});
    case FieldKind::kInt16: return integer(std::int16_t{});
    case FieldKind::kUInt16: return integer(std::uint16_t{});
    case FieldKind::kInt32: return integer(std::int32_t{});
    case FieldKind::kUInt32: return integer(std::uint32_t{});
    case FieldKind::kInt64: return integer(std::int64_t{});
    case FieldKind::kFloat: {
      auto f = parse_number<float>(v);
      if (!f) return bad();
      return FieldValue(*f);
    }
    case FieldKind::kDouble: {
      auto d = parse_number<double>(v);
      if (!d) return bad();
      return FieldValue(*d);
    }
    case FieldKind::kDecimal: {
      auto colon = v.find(':');
      if (colon == std::string_view::npos) return bad();
      auto scale = parse_uint<std::uint8_t>(v.substr(0, colon));
      auto value = parse_uint<std::uint32_t>(v.substr(colon + 1));
      if ((!scale && v.substr(0, colon) != "0") || (!value && v.substr(colon + 1) != "0")) return bad();
      return FieldValue(amqp::Decimal{scale.value_or(0), value.value_or(0)});
    }
    case FieldKind::kString: return FieldValue(std::string(v));
    case FieldKind::kBytes: return FieldValue(amqp::Bytes{std::string(v)});
    case FieldKind::kTimestamp: {
      auto s = parse_number<std::uint64_t>(v);
      if (!s || number_text(*s) != v) return bad();
      return FieldValue(amqp::Timestamp{*s});
    }
    case FieldKind::kArray:
    case FieldKind::kTable: {
      std::string wire(1, text[0]);
      wire.append(v);
      Reader r{wire};
      auto value = read_value(r, 0);
      if (!value || !r.in.empty()) return bad();
      return std::move(*value);
    }
  }
  return bad();
}

// The body (payload) maps unchanged in both directions, so each direction
// converts and round-trip-checks the rest of the message alone (its body
// empty) and puts the body back after: no copy of it for the check, and the
// check compares whole messages, whatever fields they grow.
namespace {

AmqpMessage kafka_to_amqp_rest(const Message& rest, KeySource key_source) {
  // The fallback copy is always the last header.
  if (!rest.headers.empty() && rest.headers.back().name == kAmqpOriginal) {
    if (auto a = decode_amqp(rest.headers.back().value, rest.payload)) return std::move(*a);
  }
  AmqpMessage a = naive_k2r(rest, key_source);
  if (naive_r2k(a, key_source) != rest) {
    a.properties.headers.push_back({std::string(kKafkaOriginal), FieldValue(amqp::Bytes{encode_message(rest)})});
  }
  return a;
}

Message amqp_to_kafka_rest(const AmqpMessage& rest, KeySource key_source) {
  // The fallback copy is always the last entry.
  const amqp::FieldTable& table = rest.properties.headers;
  if (!table.empty() && table.back().name == kKafkaOriginal) {
    if (const auto* b = table.back().value.get_if<amqp::Bytes>()) {
      if (auto m = decode_message(b->data, rest.body)) return std::move(*m);
    }
  }
  Message m = naive_r2k(rest, key_source);
  if (naive_k2r(m, key_source) != rest) m.headers.push_back({std::string(kAmqpOriginal), encode_amqp(rest)});
  return m;
}

// Moves the body out of `in` (member InBody), converts the rest and moves the
// body into the result (member OutBody).
template <auto InBody, auto OutBody, typename In, typename Convert>
auto convert_without_body(In in, KeySource key_source, Convert convert) {
  std::string body = std::move(in.*InBody);
  (in.*InBody).clear();
  auto out = convert(in, key_source);
  out.*OutBody = std::move(body);
  return out;
}

}  // namespace

void drop_kafka_metadata(AmqpMessage& message) {
  std::erase_if(message.properties.headers, [](const amqp::FieldEntry& h) {
    return h.name == kKafkaKeyHeader || h.name == kKafkaTimestampHeader;
  });
}

AmqpMessage kafka_to_amqp(Message message, KeySource key_source) {
  return convert_without_body<&Message::payload, &AmqpMessage::body>(std::move(message), key_source,
                                                                     kafka_to_amqp_rest);
}

Message amqp_to_kafka(AmqpMessage message, KeySource key_source) {
  return convert_without_body<&AmqpMessage::body, &Message::payload>(std::move(message), key_source,
                                                                     amqp_to_kafka_rest);
}

}  // namespace platform::flow
