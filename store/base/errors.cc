#include "store/base/errors.h"

#include <fmt/format.h>

namespace goldthread {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kResourceExhausted:
      return "resource_exhausted";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDataLoss:
      return "data_loss";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Error::ToString() const {
  if (field.empty()) return fmt::format("{}: {}", ErrorCodeName(code), message);
  return fmt::format("{}: {} (field {})", ErrorCodeName(code), message, field);
}

Failure ConflictError(std::string_view stream, std::string_view expected, uint64_t current) {
  return Unexpected(Error{ErrorCode::kConflict,
                          fmt::format("stream {} is at version {}, but the append expected {}; "
                                      "read the stream again and retry",
                                      stream, current, expected),
                          "expected_version", current});
}

}  // namespace goldthread
