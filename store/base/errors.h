// Errors: goldthread's recoverable failures are values, never exceptions.
//
// `Result<T>` is std::expected<T, Error> marked [[nodiscard]]; `Status` is Result<void>. An
// Error carries a code (which the HTTP adapter maps to a status), a message a person can act
// on, the offending input field when there is one, and for an optimistic-concurrency conflict
// the stream's current version.
//
//   Result<uint64_t> v = store.StreamVersion("demo/org");
//   if (!v) return Unexpected(v.error());
//
// To drop a result on purpose, call IgnoreError(result): it is the one greppable spelling.
// `Failure` (std::unexpected<Error>) is the type of a failed result before it becomes one.
//
// Where the standard library has no std::expected (clang 14 with libstdc++ 12, the
// -Wthread-safety build), `Expected` and `Unexpect` are a small stand-in with the same
// interface (internal/expected.h); name them, not std::expected, so both builds compile.
// Everything here is a value type; thread-safe as values are.
#ifndef GOLDTHREAD_STORE_BASE_ERRORS_H_
#define GOLDTHREAD_STORE_BASE_ERRORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <version>

#if defined(__cpp_lib_expected)
#include <expected>
#else
#include "store/base/internal/expected.h"
#endif

namespace goldthread {

#if defined(__cpp_lib_expected)
template <typename T, typename E>
using Expected = std::expected<T, E>;
template <typename E>
using Unexpect = std::unexpected<E>;
#else
template <typename T, typename E>
using Expected = base_internal::expected<T, E>;
template <typename E>
using Unexpect = base_internal::unexpected<E>;
#endif

enum class ErrorCode {
  kInvalidArgument,     // the input is malformed or out of range (HTTP 400/422)
  kNotFound,            // the thing named does not exist (404)
  kAlreadyExists,       // creating something that exists (409)
  kConflict,            // stale expected version (409 / 412 with If-Match)
  kFailedPrecondition,  // not allowed in the current state: locked period, wrong stage (409)
  kPermissionDenied,    // authenticated but not allowed (403)
  kUnauthenticated,     // no valid credentials (401)
  kResourceExhausted,   // a limit or rate was exceeded (413/429)
  kUnavailable,         // try again later: closing, locked by another process (503)
  kDataLoss,            // the store is damaged (500)
  kCancelled,           // the caller stopped waiting
  kInternal,            // a bug or an unexpected library failure (500)
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // The offending input field ("stream", "events[3].payload", "value"); empty when none.
  std::string field;
  // For kConflict: the stream's version when the conflict was found.
  std::optional<uint64_t> current_version;

  std::string ToString() const;
};

template <typename T>
class [[nodiscard]] Result : public Expected<T, Error> {
  using Base = Expected<T, Error>;

 public:
  using Base::Base;
  Result(Base e) : Base(std::move(e)) {}
};
using Status = Result<void>;
// The error of a failed result, convertible to any Result<T>.
using Failure = Unexpect<Error>;

inline Status OkStatus() { return {}; }

// The error of a failed result, as a Failure, for `return Unexpected(...)`.
inline Failure Unexpected(Error e) { return Failure(std::move(e)); }
inline Failure MakeError(ErrorCode code, std::string message, std::string field = {}) {
  return Unexpected(Error{code, std::move(message), std::move(field), std::nullopt});
}
inline Failure InvalidField(std::string field, std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}
// A stale expected version, naming stream, expected and current versions.
Failure ConflictError(std::string_view stream, std::string_view expected, uint64_t current);

// The one way to drop a result deliberately.
template <typename T>
void IgnoreError(const Result<T>&) {}

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_ERRORS_H_
