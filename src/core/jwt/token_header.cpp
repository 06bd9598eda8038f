// Reads "alg" and "kid" from a compact JWS's protected header.
#include "core/jwt/token_header.hpp"

#include "core/encoding/base64url.hpp"
#include "core/json/strict_json.hpp"
#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

Result<TokenHeader> PeekTokenHeader(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) {
    return MakeError(ErrorKind::kInvalidToken, "token is too long");
  }
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) {
    return MakeError(ErrorKind::kInvalidToken, "token must have exactly three segments");
  }
  auto bytes = encoding::Base64UrlDecode(token.substr(0, dot));
  if (!bytes) {
    return MakeError(ErrorKind::kInvalidToken, "token header is not valid base64url");
  }
  auto header = json::ParseStrictObject(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!header.ok()) {
    return MakeError(ErrorKind::kInvalidToken, "token header is not a json object",
                     header.error().message);
  }
  TokenHeader out;
  if (const auto* alg = json::FindMember(header.value(), "alg")) {
    auto text = json::AsString(*alg);
    if (!text) return MakeError(ErrorKind::kInvalidToken, "token header alg must be a string");
    out.alg = std::string(*text);
  }
  if (const auto* kid = json::FindMember(header.value(), "kid")) {
    auto text = json::AsString(*kid);
    if (!text) return MakeError(ErrorKind::kInvalidToken, "token header kid must be a string");
    out.kid = std::string(*text);
  }
  return out;
}

}  // namespace auth_ext::core::jwt
