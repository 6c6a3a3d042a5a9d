// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// platform::flow::Transformer: events -> commands, Kafka to Kafka, either
/// declarative (a TransformSpec over JSON payloads) or user code. Same
/// guarantees as Processor (it is one, with the transform as its function).
///
/// ```cpp
/// flow::TransformSpec spec;
/// spec.filter = {{.field = "type", .op = flow::ConditionOp::kEquals, .values = {R"("order.created")"}}};
/// spec.map = {{"orderId", "order.id"}, {"customer", "order.customer"}};
/// spec.set = {{"command", R"("ship")"}};
/// spec.key = "orderId";
/// auto t = flow::Transformer::create({.processor = {.group_id = "shipper", .inputs = {"events"},
///                                                   .output = "commands"},
///                                     .transform = spec}).value();
/// t.run();
/// ```
///
/// Order of the steps for one input (a JSON object): `filter` (all conditions
/// must hold, else the input is skipped, committed, counted as filtered);
/// `map` (when given, the output is a new object with only these fields:
/// target path <- source path; missing sources are left out); else the input
/// object; then `rename`, `drop`, `set`; finally `key` (the output key from a
/// field of the output; default: the input's key). Paths are dotted
/// (`order.id`). A payload that is not a JSON object is a permanent error
/// (kInvalidArgument): it goes to the dead-letter destination at once.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "platform/export.hpp"
#include "platform/flow/processor.hpp"
#include "platform/status.hpp"

namespace platform::flow {

/// How a filter condition compares.
enum class ConditionOp : std::uint8_t { kEquals, kNotEquals, kIn, kExists, kMissing };

/// One filter condition on a field of the input.
struct Condition {
  std::string field;  ///< dotted path
  ConditionOp op = ConditionOp::kEquals;
  std::vector<std::string> values;  ///< JSON texts (one for equals/notEquals, the set for in)
  bool operator==(const Condition&) const = default;
};

/// A declarative transformation of JSON payloads.
struct TransformSpec {
  std::vector<Condition> filter;
  std::vector<std::pair<std::string, std::string>> map;     ///< (target path, source path)
  std::vector<std::pair<std::string, std::string>> rename;  ///< (from path, to path)
  std::vector<std::string> drop;                            ///< paths to remove
  std::vector<std::pair<std::string, std::string>> set;     ///< (path, JSON text of the value)
  std::string key;                                          ///< output key field; "" = the input's key
  bool operator==(const TransformSpec&) const = default;
};

/// Parses a transform given as YAML or JSON text (the flow file's
/// `spec.transform` section), e.g.
/// `{filter: [{field: type, equals: order.created}], map: {orderId: order.id}}`.
/// kInvalidArgument names the bad key (with a did-you-mean) and its location.
PLATFORM_EXPORT Result<TransformSpec> parse_transform(std::string_view text, std::string_view source_name = "<transform>");

/// The spec as a process function (thread-safe, no shared state).
/// kInvalidArgument for an invalid path or JSON value in the spec.
PLATFORM_EXPORT Result<ProcessFunction> compile(const TransformSpec& spec);

/// How to create a Transformer.
struct TransformerOptions {
  /// Kafka, topics, group, guarantee, errors. When `processor.process` is set
  /// it is used (user code) and `transform` is ignored.
  ProcessorOptions processor;
  TransformSpec transform;
};

/// A Processor whose function is a transform. Move-only.
class PLATFORM_EXPORT Transformer {
 public:
  /// Compiles the spec, then as Processor::create().
  static Result<Transformer> create(TransformerOptions options);
  /// See Processor::run().
  Status run(const RunOptions& options = {}) { return processor_.run(options); }
  /// See Processor::stop().
  void stop() { processor_.stop(); }
  /// See Processor::metrics().
  [[nodiscard]] MetricsSnapshot metrics() const { return processor_.metrics(); }

 private:
  explicit Transformer(Processor p) : processor_(std::move(p)) {}
  Processor processor_;
};

}  // namespace platform::flow
