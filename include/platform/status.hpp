// SPDX-License-Identifier: Apache-2.0
#pragma once

/// \file
/// Status, Result<T> and Error: how every libplatform call reports failure.
///
/// Expected failures (a bad spec, an unreachable broker, an HTTP 404, a
/// rejected publish) come back as values. `Result<T>::value()` on an error
/// throws `platform::Error`, the only exception type that crosses the public
/// API. All types here are plain values: copyable, thread-compatible.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "platform/export.hpp"

namespace platform {

/// What kind of failure a Status carries. Stable: the CLI maps these to exit
/// codes and the Python binding to exception classes.
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,    ///< bad input from the caller (spec, flag, URI, document)
  kNotFound,           ///< a named thing does not exist (file, topic, object)
  kAlreadyExists,      ///< a named thing exists and must not (tenant, object)
  kFailedPrecondition, ///< the system is not in a state to do this yet
  kUnavailable,        ///< a peer (broker, API server) cannot be reached now; retry
  kDeadlineExceeded,   ///< the call ran out of time
  kPermissionDenied,   ///< the peer refused the credentials or the verb
  kUnauthenticated,    ///< the peer did not accept who we are
  kAborted,            ///< a conflict or an aborted transaction; retry may work
  kResourceExhausted,  ///< a limit was hit (quota, body size, queue full)
  kDataLoss,           ///< data was lost or corrupted
  kCancelled,          ///< the caller stopped the operation
  kInternal,           ///< a bug or an impossible state in libplatform
  kUnknown,            ///< a failure no other code describes
};

/// The lower-case name of a code, e.g. "invalid_argument".
PLATFORM_EXPORT const char* to_string(StatusCode code) noexcept;

/// One located problem behind a Status: where (file:line:column, field path,
/// broker address) and what. A Status may carry many (e.g. all validation
/// errors of a document set).
struct Detail {
  std::string location;  ///< e.g. "platform.yaml:12:5" or "kafka-0.yaml#2"
  std::string path;      ///< field path, e.g. "kafka.topics[1].replicas"
  std::string message;   ///< what is wrong and what to do
  std::string rule;      ///< the rule or schema keyword that fired, if any

  bool operator==(const Detail&) const = default;
};

/// The outcome of an operation: ok, or a code with a message and details.
class PLATFORM_EXPORT Status {
 public:
  /// An ok status.
  Status() = default;
  /// A failure. `code` must not be kOk when `message` is non-empty.
  Status(StatusCode code, std::string message, std::vector<Detail> details = {});

  [[nodiscard]] bool ok() const noexcept { return code_ == StatusCode::kOk; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] StatusCode code() const noexcept { return code_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  [[nodiscard]] const std::vector<Detail>& details() const noexcept { return details_; }

  /// The message followed by one line per detail: "location: path: message [rule]".
  [[nodiscard]] std::string to_string() const;

  /// Adds a detail; returns *this for chaining.
  Status& add_detail(Detail d);

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<Detail> details_;
};

/// Shorthands for building failures.
PLATFORM_EXPORT Status invalid_argument(std::string message, std::vector<Detail> details = {});
PLATFORM_EXPORT Status not_found(std::string message);
PLATFORM_EXPORT Status unavailable(std::string message);
PLATFORM_EXPORT Status internal_error(std::string message);

/// The one exception type that crosses the public API. Thrown by
/// `Result<T>::value()` on an error and by `Status::throw_if_error`.
class PLATFORM_EXPORT Error : public std::runtime_error {
 public:
  explicit Error(Status status);
  [[nodiscard]] const Status& status() const noexcept { return status_; }
  [[nodiscard]] StatusCode code() const noexcept { return status_.code(); }

 private:
  Status status_;
};

/// Throws Error when `s` is not ok.
inline void throw_if_error(const Status& s) {
  if (!s.ok()) throw Error(s);
}

/// A value or the Status saying why there is none.
template <typename T>
class Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> is not allowed");

 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    if (std::get<1>(v_).ok()) {
      v_.template emplace<1>(StatusCode::kInternal, "Result built from an ok Status without a value");
    }
  }

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The status: ok when a value is held.
  [[nodiscard]] Status status() const { return ok() ? Status() : std::get<1>(v_); }

  /// The value; throws Error when this holds a failure.
  T& value() & {
    if (!ok()) throw Error(std::get<1>(v_));
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) throw Error(std::get<1>(v_));
    return std::get<0>(v_);
  }
  /// On a temporary the value is moved out, not referenced, so
  /// `for (auto& r : consumer.poll(timeout).value())` and
  /// `auto&& v = f().value();` hold no reference into a destroyed Result.
  T value() && {
    if (!ok()) throw Error(std::get<1>(v_));
    return std::move(std::get<0>(v_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The value, or `fallback` on failure.
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace platform

/// Evaluates `expr` (a Status); returns it from the enclosing function on error.
#define PLATFORM_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::platform::Status platform_status_ = (expr);      \
    if (!platform_status_.ok()) return platform_status_; \
  } while (false)
