// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the Kafka header <-> AMQP property mapping. The input is cut
// into a Kafka message (key, payload, headers with any names and bytes) and
// into one typed-header text; properties checked: K->R->K gives the message
// back exactly (header_mapping.hpp promises it), and a decoded typed value
// encodes back to something that decodes equal.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "platform/flow/header_mapping.hpp"

namespace {

// Splits the input at 0xFF bytes: key, payload, then name/value pairs.
platform::Message message_from(std::string_view in) {
  platform::Message m;
  std::size_t field = 0;
  std::string current, name;
  auto flush = [&] {
    if (field == 0) m.key = current;
    else if (field == 1) m.payload = current;
    else if (field % 2 == 0) name = current;
    else m.headers.push_back({name, current});
    current.clear();
    ++field;
  };
  for (char c : in) {
    if (static_cast<unsigned char>(c) == 0xFF) flush();
    else current += c;
  }
  flush();
  if (!m.payload.empty() && (static_cast<unsigned char>(m.payload[0]) & 1) != 0) {
    m.timestamp_ms = static_cast<std::int64_t>(m.payload.size()) * 1000;
  }
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace flow = platform::flow;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const platform::Message m = message_from(in);
  for (auto source : {flow::KeySource::kRoutingKey, flow::KeySource::kMessageId}) {
    flow::AmqpMessage amqp = flow::kafka_to_amqp(m, source);
    if (!(flow::amqp_to_kafka(amqp, source) == m)) std::abort();
  }
  auto value = flow::decode_field_value(in);
  if (value.ok()) {
    auto again = flow::decode_field_value(flow::encode_field_value(*value));
    if (!again.ok()) std::abort();
  }
  return 0;
}
