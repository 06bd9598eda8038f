// NFKC normalization of passwords with Postgres' unicode_normalize (the same tables as normalize()).
#include "pg/passwords/password_normalization.hpp"

#include <cstring>

#include "core/password/scrypt_hash.hpp"

extern "C" {
#include "common/unicode_norm.h"
}

namespace auth_ext::pg {

namespace {

void RequireUtf8Database() {
  if (GetDatabaseEncoding() != PG_UTF8) {
    ereport(ERROR,
            (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
             errmsg("auth_ext needs a UTF8 database to hash or verify passwords"),
             errdetail("The database encoding is %s; Better Auth hashes the NFKC form of the password "
                       "as UTF-8.", GetDatabaseEncodingName()),
             errhint("Create the database with ENCODING 'UTF8'.")));
  }
}

bool IsAscii(const char* data, int len) {
  for (int i = 0; i < len; ++i) {
    if (static_cast<unsigned char>(data[i]) >= 0x80) return false;
  }
  return true;
}

}  // namespace

PasswordBytes NormalizePassword(text* password) {
  RequireUtf8Database();
  const char* src = VARDATA_ANY(password);
  const int src_len = VARSIZE_ANY_EXHDR(password);
  // The size limit comes before normalization, which needs several times the input's size
  // (wide characters, then their decomposition): a longer input is refused at once, with the
  // error the hash itself gives, and the work below stays within a few tens of MB.
  if (static_cast<size_t>(src_len) > core::password::kMaxPasswordBytes) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("password is too long to hash"),
                    errdetail("At most %zu bytes are accepted.", core::password::kMaxPasswordBytes)));
  }
  PasswordBytes out{};
  if (IsAscii(src, src_len)) {  // NFKC leaves ASCII unchanged
    out.data = static_cast<char*>(palloc(src_len + 1));
    std::memcpy(out.data, src, src_len);
    out.data[src_len] = '\0';
    out.len = src_len;
    return out;
  }
  auto* wide = static_cast<pg_wchar*>(palloc((static_cast<Size>(src_len) + 1) * sizeof(pg_wchar)));
  const int chars = pg_encoding_mb2wchar_with_len(PG_UTF8, src, wide, src_len);
  wide[chars] = 0;
  pg_wchar* normalized = unicode_normalize(UNICODE_NFKC, wide);
  explicit_bzero(wide, (static_cast<Size>(chars) + 1) * sizeof(pg_wchar));
  pfree(wide);

  Size count = 0;
  while (normalized[count] != 0) ++count;
  out.data = static_cast<char*>(palloc(count * 4 + 1));
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data);
  for (Size i = 0; i < count; ++i) {
    unicode_to_utf8(normalized[i], p);
    p += pg_utf_mblen(p);
  }
  *p = '\0';
  out.len = static_cast<int>(reinterpret_cast<char*>(p) - out.data);
  explicit_bzero(normalized, count * sizeof(pg_wchar));
  pfree(normalized);
  return out;
}

void WipePassword(PasswordBytes* bytes) {
  if (bytes->data == nullptr) return;
  explicit_bzero(bytes->data, static_cast<Size>(bytes->len));
  pfree(bytes->data);
  bytes->data = nullptr;
  bytes->len = 0;
}

}  // namespace auth_ext::pg
