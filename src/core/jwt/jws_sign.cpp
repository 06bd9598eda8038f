// JWT signing: header and payload serialization, base64url, and the signature primitive.
#include "core/jwt/jws_sign.hpp"

#include <new>

#include "core/encoding/base64url.hpp"
#include "core/jwt/signature.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

Result<std::string> SignTextUnguarded(std::string_view payload_text, const Key& key, std::optional<Algorithm> requested) {
  Result<Algorithm> alg = ResolveAlgorithm(key, requested);
  if (!alg.ok()) return alg.error();

  nlohmann::json header = nlohmann::json::object();
  header["alg"] = std::string(AlgorithmName(alg.value()));
  if (!key.kid.empty()) header["kid"] = key.kid;

  std::string token = encoding::Base64UrlEncode(header.dump());
  token += '.';
  token += encoding::Base64UrlEncode(payload_text);

  Result<std::vector<std::uint8_t>> signature = CreateSignature(alg.value(), key, token);
  if (!signature.ok()) return signature.error();
  token += '.';
  token += encoding::Base64UrlEncode(signature.value().data(), signature.value().size());
  return token;
}

}  // namespace

Result<std::string> SignJwt(const nlohmann::json& claims_object, const Key& key, std::optional<Algorithm> alg) {
  // The claims serialized, then the one signing path (SignJwsText, which guards the rest).
  if (!claims_object.is_object()) return MakeError(ErrorKind::kInvalidArgument, "jwt claims must be a json object");
  std::string payload_text;
  try {
    payload_text = claims_object.dump();
  } catch (const nlohmann::json::type_error&) {
    return MakeError(ErrorKind::kInvalidArgument, "jwt claims contain invalid utf-8");
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while signing a token");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while signing a token");
  }
  return SignJwsText(payload_text, key, alg);
}

Result<std::string> SignJwsText(std::string_view payload_text, const Key& key, std::optional<Algorithm> alg) {
  try {
    return SignTextUnguarded(payload_text, key, alg);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while signing a token");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while signing a token");
  }
}

}  // namespace auth_ext::core::jwt
