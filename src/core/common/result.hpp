// Result<T>: the value of a core operation, or an Error with a kind the Postgres layer maps to a
// SQLSTATE. Core code reports expected failures through Result, never through exceptions.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace auth_ext::core {

// What went wrong, independent of Postgres. src/pg/errors.cpp maps each kind to a SQLSTATE.
enum class ErrorKind {
  kInvalidArgument,   // a caller-supplied argument is unusable (22023)
  kMalformedData,     // stored data (a password hash, a key row) is not in the expected format (22P02)
  kInvalidToken,      // a token is not valid: bad format, signature, claims, expiry (28000)
  kNotConfigured,     // a required setting or secret is missing (55000)
  kCryptoFailure,     // OpenSSL reported an unexpected failure (39000)
  kOutOfMemory,       // allocation failed (53200)
  kInternal,          // a bug: an invariant did not hold (XX000)
};

struct Error {
  ErrorKind kind;
  std::string message;  // lower case, no trailing period; never contains secrets or tokens
  std::string detail;   // optional
  std::string hint;     // optional
};

inline Error MakeError(ErrorKind kind, std::string message, std::string detail = {},
                       std::string hint = {}) {
  return Error{kind, std::move(message), std::move(detail), std::move(hint)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const Error& error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace auth_ext::core

// Propagates an error from an expression returning Result<...>: RETURN_IF_ERROR(x).
#define AUTH_EXT_RETURN_IF_ERROR(expr)            \
  do {                                            \
    auto auth_ext_status_ = (expr);               \
    if (!auth_ext_status_.ok()) return auth_ext_status_.error(); \
  } while (0)
