// SPDX-License-Identifier: Apache-2.0
#include "platform/status.hpp"

namespace platform {

const char* to_string(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kAborted: return "aborted";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kDataLoss: return "data_loss";
    case StatusCode::kCancelled: return "cancelled";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kUnknown: return "unknown";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message, std::vector<Detail> details)
    : code_(code), message_(std::move(message)), details_(std::move(details)) {}

Status& Status::add_detail(Detail d) {
  details_.push_back(std::move(d));
  return *this;
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out = message_;
  for (const Detail& d : details_) {
    out += "\n  ";
    if (!d.location.empty()) out += d.location + ": ";
    if (!d.path.empty()) out += d.path + ": ";
    out += d.message;
    if (!d.rule.empty()) out += " [" + d.rule + "]";
  }
  return out;
}

Status invalid_argument(std::string message, std::vector<Detail> details) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::move(details));
}
Status not_found(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status unavailable(std::string message) { return Status(StatusCode::kUnavailable, std::move(message)); }
Status internal_error(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

Error::Error(Status status) : std::runtime_error(status.to_string()), status_(std::move(status)) {}

}  // namespace platform
