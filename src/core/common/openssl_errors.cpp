// Drains OpenSSL's per-thread error queue into a short description.
#include "core/common/openssl_ptr.hpp"

#include <openssl/err.h>

#include "core/common/cpp_only.hpp"

namespace auth_ext::core {

std::string DrainOpenSslErrors() {
  std::string first;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    if (first.empty()) {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof buf);
      first = buf;
    }
  }
  return first;
}

}  // namespace auth_ext::core
