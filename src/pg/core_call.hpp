// The boundary between Postgres and the C++ core. CallCore runs a core operation inside a
// catch-everything block and copies its outcome into plain, palloc'd data; every C++ destructor has
// run before the caller looks at the outcome. Only then may the caller ereport (RaiseCoreError),
// so a longjmp never crosses a C++ frame that owns resources, and no exception reaches Postgres.
// test/boundary/check_boundary.py checks the rule in every entry point and in every function that
// calls RaiseCoreError or OutcomeToText.
#pragma once

#include "pg/postgres_headers.hpp"

#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/common/result.hpp"

namespace auth_ext::pg {

// A core result as plain data. Strings are palloc'd in CurrentMemoryContext (NUL-terminated) or NULL.
struct CoreOutcome {
  bool ok;
  core::ErrorKind kind;
  bool boolean;       // for Result<bool>
  char* value;        // for Result<std::string>
  size_t value_len;
  char* message;
  char* detail;
  char* hint;
};

// palloc that reports failure instead of raising an error (safe inside C++ scopes).
char* CopyToPalloc(std::string_view text) noexcept;

// Raises the outcome's error with its SQLSTATE. Call only from a frame that owns no C++ objects.
[[noreturn]] void RaiseCoreError(const CoreOutcome& outcome);

namespace detail {
void StoreError(CoreOutcome& out, const core::Error& error) noexcept;
void StoreException(CoreOutcome& out, core::ErrorKind kind, const char* message) noexcept;
inline void StoreValue(CoreOutcome& out, const std::string& value) noexcept {
  out.value = CopyToPalloc(value);
  out.value_len = value.size();
  if (out.value == nullptr) StoreException(out, core::ErrorKind::kOutOfMemory, "out of memory");
}
inline void StoreValue(CoreOutcome& out, bool value) noexcept { out.boolean = value; }
inline void StoreValue(CoreOutcome&, core::Ok) noexcept {}  // core::Status: success carries nothing
}  // namespace detail

// Runs fn (which returns core::Result<std::string>, core::Result<bool> or core::Status) and
// captures its outcome.
// fn must not call any Postgres function that can raise an error.
template <typename Fn>
CoreOutcome CallCore(Fn&& fn) noexcept {
  CoreOutcome out{};
  out.ok = false;
  try {
    auto result = fn();
    if (result.ok()) {
      out.ok = true;
      detail::StoreValue(out, result.value());
    } else {
      detail::StoreError(out, result.error());
    }
  } catch (const std::bad_alloc&) {
    detail::StoreException(out, core::ErrorKind::kOutOfMemory, "out of memory");
  } catch (...) {
    detail::StoreException(out, core::ErrorKind::kInternal, "unexpected internal error in auth_ext");
  }
  return out;
}

// CallCore for a core operation that builds C++ state outliving the call (a parsed key, a cache
// entry): fn returns core::Result<T> and only computes; on success the value is moved into slot
// by a move that cannot throw, and on failure slot is left as it was. This is the one way such
// state is written at the boundary (never from inside fn).
template <typename T, typename Fn>
CoreOutcome CallCoreInto(T& slot, Fn&& fn) noexcept {
  static_assert(std::is_nothrow_move_assignable_v<T>, "the slot must be replaced without throwing");
  return CallCore([&]() -> core::Status {
    auto result = fn();
    if (!result.ok()) return result.error();
    slot = std::move(result.value());
    return core::OkStatus();
  });
}

// Per-backend C++ state held for the backend's life and never destroyed at exit: static
// destructors would run after OpenSSL's own atexit cleanup. The backend's exit frees the memory.
template <typename T>
class Resident {
 public:
  Resident() : value_() {}
  ~Resident() {}
  T& operator*() noexcept { return value_; }
  T* operator->() noexcept { return &value_; }

 private:
  union {
    T value_;
  };
};

// Returns the outcome's string as text, or raises its error.
text* OutcomeToText(const CoreOutcome& outcome);

}  // namespace auth_ext::pg
