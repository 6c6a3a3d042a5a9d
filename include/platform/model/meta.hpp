// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Building blocks shared by every resource of the typed model: object
/// metadata, label selectors, int-or-string, key references, container
/// resources and free-form data. Plain value types with defaulted `==`;
/// copyable and thread-compatible. Field names are the Kubernetes ones in
/// snake_case (`namespace_` because `namespace` is a keyword). Quantities
/// ("10Gi", "500m") are strings, exactly as written in manifests.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace platform::model {

/// Labels, annotations, ConfigMap data...: string to string, sorted by key.
using StringMap = std::map<std::string, std::string>;

/// `metadata` of every object.
struct ObjectMeta {
  std::string name;
  std::string namespace_;  ///< empty for cluster-scoped objects
  StringMap labels;
  StringMap annotations;
  std::vector<std::string> finalizers;
  bool operator==(const ObjectMeta&) const = default;
};

/// A Kubernetes `IntOrString` (a port number or a named port, "25%"...).
struct IntOrString {
  std::variant<std::int64_t, std::string> value{std::int64_t{0}};

  IntOrString() = default;
  IntOrString(std::int64_t i) : value(i) {}                        // NOLINT: implicit by design
  IntOrString(int i) : value(std::int64_t{i}) {}                   // NOLINT
  IntOrString(std::string s) : value(std::move(s)) {}              // NOLINT
  IntOrString(const char* s) : value(std::string(s)) {}            // NOLINT
  /// True when this holds a number.
  [[nodiscard]] bool is_int() const { return value.index() == 0; }
  /// The number (0 when this holds a name).
  [[nodiscard]] std::int64_t as_int() const { return is_int() ? std::get<0>(value) : 0; }
  /// The name ("" when this holds a number).
  [[nodiscard]] std::string as_string() const { return is_int() ? std::string() : std::get<1>(value); }
  bool operator==(const IntOrString&) const = default;
};

/// A scalar of a free-form configuration map (Strimzi `config`): written as
/// a YAML string, integer, boolean or number.
using Scalar = std::variant<std::string, std::int64_t, bool, double>;

/// Configuration maps whose values keep their YAML type.
using ScalarMap = std::map<std::string, Scalar>;

/// Free-form data (Camel K flows and traits, Helm values): the JSON text of
/// one value. Serialization embeds it as structured YAML/JSON; `from_yaml`
/// fills it with compact JSON (`model::free_form()` makes the same form).
struct FreeForm {
  std::string json;  ///< "" means absent
  [[nodiscard]] bool empty() const { return json.empty(); }
  bool operator==(const FreeForm&) const = default;
};

/// One `matchExpressions` item of a LabelSelector.
struct LabelSelectorRequirement {
  std::string key;
  std::string operator_;  ///< "In", "NotIn", "Exists" or "DoesNotExist"
  std::vector<std::string> values;
  bool operator==(const LabelSelectorRequirement&) const = default;
};

/// A label selector. Empty (no labels, no expressions) selects everything.
struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelSelectorRequirement> match_expressions;
  /// True when it selects every object (no constraint at all).
  [[nodiscard]] bool selects_all() const { return match_labels.empty() && match_expressions.empty(); }
  bool operator==(const LabelSelector&) const = default;
};

/// `configMapKeyRef` / `secretKeyRef`: one key of a named ConfigMap or Secret.
struct KeySelector {
  std::string name;
  std::string key;
  std::optional<bool> optional;
  bool operator==(const KeySelector&) const = default;
};

/// `{name: ...}`: a reference to an object in the same namespace.
struct LocalObjectReference {
  std::string name;
  bool operator==(const LocalObjectReference&) const = default;
};

/// Container or volume resources: requests and limits by resource name.
struct ResourceRequirements {
  StringMap requests;  ///< e.g. {"cpu": "200m", "memory": "256Mi", "storage": "5Gi"}
  StringMap limits;
  bool operator==(const ResourceRequirements&) const = default;
};

}  // namespace platform::model
