// Byte buffers and helpers for secret material: wiped with OPENSSL_cleanse when released, and
// compared in constant time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/crypto.h>

namespace auth_ext::core {

// std::allocator that wipes memory before giving it back.
template <typename T>
struct CleansingAllocator {
  using value_type = T;
  CleansingAllocator() noexcept = default;
  template <typename U>
  CleansingAllocator(const CleansingAllocator<U>&) noexcept {}  // NOLINT
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    OPENSSL_cleanse(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const CleansingAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const CleansingAllocator<U>&) const noexcept { return false; }
};

using SecureBytes = std::vector<std::uint8_t, CleansingAllocator<std::uint8_t>>;
using SecureString = std::basic_string<char, std::char_traits<char>, CleansingAllocator<char>>;

// True when a and b have equal length and content; the time taken depends only on the lengths.
inline bool ConstantTimeEquals(const void* a, std::size_t a_len, const void* b, std::size_t b_len) {
  if (a_len != b_len) return false;
  if (a_len == 0) return true;
  return CRYPTO_memcmp(a, b, a_len) == 0;
}

inline bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return ConstantTimeEquals(a.data(), a.size(), b.data(), b.size());
}

}  // namespace auth_ext::core
