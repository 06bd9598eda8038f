// Counts UTF-16 code units of a UTF-8 string.
#include "core/password/utf16_length.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::password {

std::size_t Utf16Length(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += (c >= 0xF0) ? 2 : 1;      // 4-byte sequences are outside the BMP: a surrogate pair
  }
  return units;
}

}  // namespace auth_ext::core::password
