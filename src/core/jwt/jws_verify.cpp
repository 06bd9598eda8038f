// Compact JWS verification: segment and size checks, strict header parsing, key selection by kid,
// the key-decided algorithm check, then the signature, then the payload.
#include "core/jwt/jws_verify.hpp"

#include <new>
#include <utility>

#include "core/encoding/base64url.hpp"
#include "core/json/strict_json.hpp"
#include "core/jwt/signature.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

using nlohmann::json;
namespace strict = ::auth_ext::core::json;

constexpr std::size_t kMaxJsonDepth = 32;

Error InvalidToken(std::string message, std::string detail = {}) {
  return MakeError(ErrorKind::kInvalidToken, std::move(message), std::move(detail));
}

// Decodes one segment; what names it in the error ("header", "payload", "signature").
Result<SecureBytes> DecodeSegment(std::string_view segment, const char* what) {
  std::optional<SecureBytes> bytes = encoding::Base64UrlDecode(segment);
  if (!bytes) return InvalidToken(std::string("token ") + what + " is not valid base64url");
  return std::move(*bytes);
}

// The payload members the verifier reads (RFC 7519 §4.1 and the sub check); the rest of the payload
// is checked as strictly but only kept as text.
const std::vector<std::string_view> kRegisteredClaims = {"exp", "nbf", "iat", "iss", "aud", "sub"};

// Parses a decoded header or payload as a strict JSON object; with keep, builds only those members.
Result<json> ParseSegmentObject(const SecureBytes& bytes, std::size_t max_bytes, const char* what,
                                const std::vector<std::string_view>* keep = nullptr) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const strict::ParseLimits limits{max_bytes, kMaxJsonDepth};
  Result<json> parsed = keep != nullptr ? strict::ParseStrictKeeping(text, *keep, limits)
                                        : strict::ParseStrict(text, limits);
  if (!parsed.ok()) {
    if (parsed.error().kind != ErrorKind::kInvalidArgument) return parsed.error();
    return InvalidToken(std::string("token ") + what + " is not valid json", parsed.error().message);
  }
  if (!parsed.value().is_object()) return InvalidToken(std::string("token ") + what + " is not a json object");
  return parsed;
}

// Chooses the key for a token: the first key with the token's kid whose expected algorithm is
// the token's, or the only key of a one-key set when the token has no kid (or ignore_kid is set).
Result<const Key*> SelectKey(const Key* keys, std::size_t key_count, const std::optional<std::string>& kid,
                             Algorithm token_alg, const VerifyOptions& options) {
  std::vector<const Key*> candidates;
  if (kid && !options.ignore_kid) {
    for (std::size_t i = 0; i < key_count; ++i) {
      if (keys[i].kid == *kid) candidates.push_back(&keys[i]);
    }
  } else if (key_count == 1) {
    candidates.push_back(&keys[0]);
  }
  if (candidates.empty()) {
    return InvalidToken("no key matches the token's kid",
                        kid && !options.ignore_kid ? ""
                        : kid ? "The token's kid is ignored and the key set does not have exactly one key."
                              : "The token has no kid and the key set does not have exactly one key.");
  }
  for (const Key* key : candidates) {
    Result<Algorithm> expected = ResolveAlgorithm(*key, options.algorithm);
    if (!expected.ok()) return expected.error();
    if (AlgorithmsEquivalent(expected.value(), token_alg) && KeyPermits(*key, token_alg)) return key;
  }
  return InvalidToken("token algorithm does not match the key");
}

Result<VerifiedJws> VerifyUnguarded(std::string_view token, const Key* keys, std::size_t key_count,
                                    const VerifyOptions& options) {
  if (token.size() > options.max_token_bytes) {
    return InvalidToken("token is too long", "The limit is " + std::to_string(options.max_token_bytes) + " bytes.");
  }
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return InvalidToken("token must have exactly three segments");
  }
  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);

  Result<SecureBytes> header_bytes = DecodeSegment(header_b64, "header");
  if (!header_bytes.ok()) return header_bytes.error();
  Result<SecureBytes> payload_bytes = DecodeSegment(payload_b64, "payload");
  if (!payload_bytes.ok()) return payload_bytes.error();
  Result<SecureBytes> signature = DecodeSegment(signature_b64, "signature");
  if (!signature.ok()) return signature.error();

  Result<json> header = ParseSegmentObject(header_bytes.value(), options.max_token_bytes, "header");
  if (!header.ok()) return header.error();

  const json* alg_member = strict::FindMember(header.value(), "alg");
  if (alg_member == nullptr) return InvalidToken("token header has no alg");
  std::optional<std::string_view> alg_name = strict::AsString(*alg_member);
  if (!alg_name) return InvalidToken("token header alg must be a string");
  Result<Algorithm> alg = ParseAlgorithm(*alg_name);
  if (!alg.ok()) return alg.error();

  // RFC 7515 §4.1.11: a recipient must refuse extensions it does not understand; we understand none.
  if (strict::FindMember(header.value(), "crit") != nullptr) return InvalidToken("unsupported critical header");

  std::optional<std::string> kid;
  if (const json* kid_member = strict::FindMember(header.value(), "kid")) {
    std::optional<std::string_view> kid_text = strict::AsString(*kid_member);
    if (!kid_text) return InvalidToken("token header kid must be a string");
    kid = std::string(*kid_text);
  }

  Result<const Key*> key = SelectKey(keys, key_count, kid, alg.value(), options);
  if (!key.ok()) return key.error();

  const std::string_view signing_input = token.substr(0, second_dot);
  AUTH_EXT_RETURN_IF_ERROR(VerifySignature(alg.value(), *key.value(), signing_input, signature.value().data(),
                                           signature.value().size()));

  Result<json> payload = ParseSegmentObject(payload_bytes.value(), options.max_token_bytes, "payload", &kRegisteredClaims);
  if (!payload.ok()) return payload.error();

  VerifiedJws out;
  out.header = std::move(header.value());
  out.payload = std::move(payload.value());
  out.payload_text.assign(payload_bytes.value().begin(), payload_bytes.value().end());
  out.algorithm = alg.value();
  out.kid = key.value()->kid;
  return out;
}

Result<VerifiedJws> VerifyGuarded(std::string_view token, const Key* keys, std::size_t key_count,
                                  const VerifyOptions& options) {
  try {
    return VerifyUnguarded(token, keys, key_count, options);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while verifying a token");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while verifying a token");
  }
}

}  // namespace

Result<VerifiedJws> VerifyJws(std::string_view token, const std::vector<Key>& keys, const VerifyOptions& options) {
  return VerifyGuarded(token, keys.data(), keys.size(), options);
}

Result<VerifiedJws> VerifyJws(std::string_view token, const Key& key, const VerifyOptions& options) {
  return VerifyGuarded(token, &key, 1, options);
}

}  // namespace auth_ext::core::jwt
