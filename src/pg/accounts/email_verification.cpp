// Better Auth's email verification tokens (HS256 JWTs signed with better_auth_secret, as its
// createEmailVerificationToken makes them and its /verify-email checks them), for the SQL functions
// auth_ext.create_email_verification_token and auth_ext.verify_email (sql/src/58_email_verification.sql).
#include "pg/core_call.hpp"

#include "pg/accounts/session_credential.hpp"

#include "core/jwt/better_auth_token.hpp"

extern "C" {
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace {

constexpr const char* kPurpose = "email verification tokens";

// Seconds since the epoch, now (jose reads Date.now() for iat and for its checks).
int64 NowSeconds() { return static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp())); }

}  // namespace

// _sign_email_verification_token(email text, user_id text, expires_in integer, update_to text,
// request_type text) returns text: Better Auth's createEmailVerificationToken(secret, email,
// update_to, expires_in, {requestType, userId}): payload {"email", "updateTo" (when not NULL),
// "requestType" (when not NULL), "userId", "iat", "exp"} in that order (email as given: the caller
// lowercases it), header {"alg":"HS256"}, signed with better_auth_secret. NULL when email, user_id
// or expires_in is NULL. Internal (owner only): it signs any email.
AUTH_EXT_SQL_FUNCTION(auth_ext_sign_email_verification_token) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2)) PG_RETURN_NULL();
  text* email_text = PG_GETARG_TEXT_PP(0);
  text* user_id_text = PG_GETARG_TEXT_PP(1);
  int32 expires_in = PG_GETARG_INT32(2);
  text* update_to_text = PG_ARGISNULL(3) ? nullptr : PG_GETARG_TEXT_PP(3);
  text* request_type_text = PG_ARGISNULL(4) ? nullptr : PG_GETARG_TEXT_PP(4);
  char* secret = auth_ext::pg::CopyBetterAuthSecret(kPurpose);
  size_t secret_len = strlen(secret);
  const int64 iat = NowSeconds();
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&] {
    namespace jwt = auth_ext::core::jwt;
    auto text_of = [](text* t) { return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)); };
    std::vector<jwt::StringClaim> claims = {{"email", text_of(email_text)}};
    if (update_to_text != nullptr) claims.push_back({"updateTo", text_of(update_to_text)});
    if (request_type_text != nullptr) claims.push_back({"requestType", text_of(request_type_text)});
    claims.push_back({"userId", text_of(user_id_text)});
    return jwt::SignBetterAuthToken(claims, iat, iat + expires_in, std::string_view(secret, secret_len));
  });
  auth_ext::pg::ForgetSecret(secret);
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}

// _verify_email_token(token text) returns jsonb: Better Auth's jwtVerify(token, secret,
// {algorithms: ["HS256"]}) with better_auth_secret: {"claims": <the payload>} when valid,
// {"error": "TOKEN_EXPIRED"} when only expired (jose's JWTExpired), {"error": "INVALID_TOKEN"}
// for everything else. 55000 when better_auth_secret is not set. Internal (owner only).
AUTH_EXT_SQL_FUNCTION(auth_ext_verify_email_token) {
  text* token_text = PG_GETARG_TEXT_PP(0);
  char* secret = auth_ext::pg::CopyBetterAuthSecret(kPurpose);
  size_t secret_len = strlen(secret);
  const int64 now = NowSeconds();
  std::string_view token(VARDATA_ANY(token_text), VARSIZE_ANY_EXHDR(token_text));
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&]() -> auth_ext::core::Result<std::string> {
    namespace jwt = auth_ext::core::jwt;
    auth_ext::core::Result<jwt::VerifiedBetterAuthToken> verified =
        jwt::VerifyBetterAuthToken(token, std::string_view(secret, secret_len), now);
    if (!verified.ok()) {
      if (verified.error().kind != auth_ext::core::ErrorKind::kInvalidToken) return verified.error();
      return std::string(R"({"error":"INVALID_TOKEN"})");
    }
    if (verified.value().verdict == jwt::BetterAuthTokenVerdict::kExpired) return std::string(R"({"error":"TOKEN_EXPIRED"})");
    return R"({"claims":)" + verified.value().payload_text + "}";
  });
  auth_ext::pg::ForgetSecret(secret);
  if (!out.ok) auth_ext::pg::RaiseCoreError(out);
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.value)));
}
