// Converts core outcomes into Postgres errors with proper SQLSTATEs.
#include "pg/core_call.hpp"

#include "pg/errors.hpp"

extern "C" {
#include "utils/memutils.h"
}

namespace auth_ext::pg {

char* CopyToPalloc(std::string_view text) noexcept {
  if (text.size() >= MaxAllocSize) return nullptr;
  auto* buf = static_cast<char*>(palloc_extended(text.size() + 1, MCXT_ALLOC_NO_OOM));
  if (buf == nullptr) return nullptr;
  if (!text.empty()) std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return buf;
}

namespace detail {

void StoreError(CoreOutcome& out, const core::Error& error) noexcept {
  out.ok = false;
  out.kind = error.kind;
  out.message = CopyToPalloc(error.message);
  out.detail = error.detail.empty() ? nullptr : CopyToPalloc(error.detail);
  out.hint = error.hint.empty() ? nullptr : CopyToPalloc(error.hint);
  if (out.message == nullptr) out.kind = core::ErrorKind::kOutOfMemory;
}

void StoreException(CoreOutcome& out, core::ErrorKind kind, const char* message) noexcept {
  out.ok = false;
  out.kind = kind;
  out.message = const_cast<char*>(message);  // static string, never freed
  out.detail = nullptr;
  out.hint = nullptr;
}

}  // namespace detail

void RaiseCoreError(const CoreOutcome& outcome) {
  const char* message = outcome.message != nullptr ? outcome.message : "out of memory";
  ereport(ERROR, (errcode(SqlStateFor(outcome.kind)), errmsg_internal("%s", message),
                  outcome.detail != nullptr ? errdetail_internal("%s", outcome.detail) : 0,
                  outcome.hint != nullptr ? errhint("%s", outcome.hint) : 0));
  pg_unreachable();
}

text* OutcomeToText(const CoreOutcome& outcome) {
  if (!outcome.ok) RaiseCoreError(outcome);
  return cstring_to_text_with_len(outcome.value, static_cast<int>(outcome.value_len));
}

}  // namespace auth_ext::pg
