// Password text as Better Auth hashes it: NFKC-normalized UTF-8, using Postgres' own normalizer.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// A palloc'd password buffer; WipePassword zeroes and frees it.
struct PasswordBytes {
  char* data;
  int len;
};

// NFKC form of a text argument, as UTF-8. Raises 22023 for an argument over 1 MiB (checked before
// normalizing, so memory stays bounded) and 0A000 in a database whose encoding is not UTF8.
PasswordBytes NormalizePassword(text* password);

// Zeroes and frees a buffer made by NormalizePassword.
void WipePassword(PasswordBytes* bytes);

}  // namespace auth_ext::pg
