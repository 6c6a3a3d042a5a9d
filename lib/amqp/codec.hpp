// SPDX-License-Identifier: Apache-2.0
#pragma once

// Properties and field tables <-> rabbitmq-c structs. Every AMQP field type
// maps to its own FieldKind, so decode(encode(x)) == x.

#include <amqp.h>
#include <amqp_framing.h>

#include <deque>
#include <vector>

#include "platform/amqp/properties.hpp"

namespace platform::internal {

/// Builds rabbitmq-c views of Properties / FieldTables. The views point into
/// the encoded object and into the encoder's storage: both must outlive the
/// rabbitmq-c call. Reuse one encoder per client to avoid allocations.
class AmqpEncoder {
 public:
  /// A view of `props` valid until the next encode call or `props` changes.
  const amqp_basic_properties_t* encode(const amqp::Properties& props);
  /// A view of `table`, same lifetime rules.
  amqp_table_t encode(const amqp::FieldTable& table);

 private:
  amqp_table_t table(const amqp::FieldTable& table);
  void value(const amqp::FieldValue& in, amqp_field_value_t& out);

  amqp_basic_properties_t props_{};
  // Entry arrays never move once filled (deque keeps elements in place).
  std::deque<std::vector<amqp_table_entry_t>> tables_;
  std::deque<std::vector<amqp_field_value_t>> arrays_;
  std::size_t tables_used_ = 0;
  std::size_t arrays_used_ = 0;
};

/// A copy of rabbitmq-c's decoded properties.
amqp::Properties decode_properties(const amqp_basic_properties_t& props);
/// A copy of a decoded field table.
amqp::FieldTable decode_table(const amqp_table_t& table);

}  // namespace platform::internal
