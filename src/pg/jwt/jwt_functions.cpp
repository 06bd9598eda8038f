// SQL functions auth_ext.verify_jwt and auth_ext.sign_jwt.
#include "pg/core_call.hpp"
#include "pg/jwt/token_verifier.hpp"

#include "core/json/strict_json.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jws_sign.hpp"

namespace core = auth_ext::core;
namespace jwt = auth_ext::core::jwt;

// verify_jwt(token text, keys jsonb DEFAULT NULL) returns jsonb: the claims of a valid token.
AUTH_EXT_SQL_FUNCTION(auth_ext_verify_jwt) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  Jsonb* keys = PG_ARGISNULL(1) ? nullptr : PG_GETARG_JSONB_P(1);
  PG_RETURN_JSONB_P(auth_ext::pg::VerifyTokenToJsonb(PG_GETARG_TEXT_PP(0), keys, false));
}

// sign_jwt(claims jsonb, key jsonb) returns text: a compact JWS signed with a private JWK or an
// oct (HS256) key, with the header Better Auth writes ({"alg","kid"}, no typ).
AUTH_EXT_SQL_FUNCTION(auth_ext_sign_jwt) {
  Jsonb* claims = PG_GETARG_JSONB_P(0);
  Jsonb* key = PG_GETARG_JSONB_P(1);
  char* claims_text = JsonbToCString(nullptr, &claims->root, VARSIZE(claims));
  char* key_text = JsonbToCString(nullptr, &key->root, VARSIZE(key));
  size_t key_len = strlen(key_text);
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&]() -> core::Result<std::string> {
    auto claims_json = core::json::ParseStrict(claims_text);
    if (!claims_json.ok()) return claims_json.error();
    if (!claims_json.value().is_object()) {
      return core::MakeError(core::ErrorKind::kInvalidArgument, "claims must be a JSON object");
    }
    auto parsed_key = jwt::ParseJwkText(key_text, jwt::KeyUse::kSign);
    if (!parsed_key.ok()) return parsed_key.error();
    return jwt::SignJwt(claims_json.value(), parsed_key.value());
  });
  explicit_bzero(key_text, key_len);  // the private key's text
  pfree(key_text);
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}
