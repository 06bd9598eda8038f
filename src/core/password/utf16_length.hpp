// JavaScript's String.prototype.length for a UTF-8 string: the number of UTF-16 code units, which
// is how Better Auth counts password length (before NFKC; code points above U+FFFF count 2).
#pragma once

#include <cstddef>
#include <string_view>

namespace auth_ext::core::password {

// Assumes valid UTF-8 (Postgres guarantees it for text in a UTF8 database).
std::size_t Utf16Length(std::string_view utf8);

}  // namespace auth_ext::core::password
