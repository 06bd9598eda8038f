// Verifies JWTs against caller-supplied keys or Better Auth's jwks table and the shared secret.
#include "pg/jwt/token_verifier.hpp"

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/jwt/claims.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jwt_verify.hpp"
#include "core/jwt/token_header.hpp"
#include "core/json/strict_json.hpp"
#include "pg/core_call.hpp"
#include "pg/jwt/key_cache.hpp"
#include "pg/jwt/verified_token_cache.hpp"
#include "pg/settings.hpp"
#include "pg/table_names.hpp"

extern "C" {
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "access/xact.h"
}

namespace core = auth_ext::core;
namespace jwt = auth_ext::core::jwt;

namespace auth_ext::pg {

namespace {

// The claim policy's inputs as plain data copied out of the settings cache.
struct PolicyInput {
  int64 now;
  int64 leeway;
  bool require_exp;
  char* issuer;    // NULL: not checked
  char* audience;  // NULL: not checked
};

PolicyInput ReadPolicy() {
  PolicyInput in{};
  in.now = static_cast<int64>(timestamptz_to_time_t(GetCurrentStatementStartTimestamp()));
  in.leeway = SettingInt(Setting::kJwtLeewaySeconds);
  in.require_exp = SettingBool(Setting::kJwtRequireExp);
  const char* issuer = SettingValue(Setting::kJwtIssuer);
  in.issuer = issuer != nullptr ? pstrdup(issuer) : nullptr;
  const char* audience = SettingValue(Setting::kJwtAudience);
  in.audience = audience != nullptr ? pstrdup(audience) : nullptr;
  return in;
}

jwt::ClaimPolicy MakePolicy(const PolicyInput& in) {
  jwt::ClaimPolicy policy;
  policy.now = in.now;
  policy.leeway_seconds = in.leeway;
  policy.require_exp = in.require_exp;
  if (in.issuer != nullptr) policy.issuer = std::string(in.issuer);
  if (in.audience != nullptr) policy.audience = std::string(in.audience);
  return policy;
}

// What a verification learnt besides the payload text, as plain data for the verified-token cache.
struct Verification {
  jwt::TimeClaims times;
  bool has_sub;
  TokenProvenance provenance;
};

// The payload text of a verified token, after the optional sub check; fills facts when given.
core::Result<std::string> PayloadOf(core::Result<jwt::VerifiedJws> verified, bool require_sub,
                                    Verification* facts = nullptr) {
  if (!verified.ok()) return verified.error();
  const auto* sub = core::json::FindMember(verified.value().payload, "sub");
  auto text = sub != nullptr ? core::json::AsString(*sub) : std::nullopt;
  const bool has_sub = text && !text->empty();
  if (require_sub && !has_sub) return core::MakeError(core::ErrorKind::kInvalidToken, "token has no sub claim");
  if (facts != nullptr) {
    auto times = jwt::ReadTimeClaims(verified.value().payload);  // read before, by CheckClaims: cannot fail
    if (!times.ok()) return times.error();
    facts->times = times.value();
    facts->has_sub = has_sub;
  }
  return std::move(verified.value().payload_text);
}

// VerifyJws against one key, then the claims.
core::Result<jwt::VerifiedJws> VerifyWithKey(std::string_view token, const jwt::Key& key,
                                             const jwt::ClaimPolicy& policy, const jwt::VerifyOptions& options = {}) {
  auto verified = jwt::VerifyJws(token, key, options);
  if (!verified.ok()) return verified.error();
  AUTH_EXT_RETURN_IF_ERROR(jwt::CheckClaims(verified.value().payload, policy));
  return verified;
}

[[noreturn]] void RaiseTokenError(const char* message, const char* detail) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("%s", message),
                  detail != nullptr ? errdetail("%s", detail) : 0));
  pg_unreachable();
}

// The shared secret's key, built once per settings generation (keying HMAC costs more than using it).
struct SharedSecretKey {
  std::unique_ptr<jwt::Key> key;  // null until built, and after a settings change
  uint64 generation = 0;
};
Resident<SharedSecretKey> shared_secret_key;

// Keys NULL, alg HS256: the configured shared secret, whatever kid the token carries (Better Auth
// and other HS256 issuers may set one; it names nothing here, the secret is the only HS256 key).
CoreOutcome VerifyWithSharedSecret(std::string_view token, const PolicyInput& in, bool require_sub,
                                   Verification* facts) {
  const char* configured = SettingValue(Setting::kJwtSharedSecret);
  if (configured == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("HS256 tokens need the jwt_shared_secret setting"),
                    errhint("SELECT auth_ext.configure('jwt_shared_secret', <secret of at least 32 bytes>) as the database owner.")));
  }
  const uint64 generation = SettingsGeneration();
  if (shared_secret_key->generation != generation) shared_secret_key->key.reset();
  if (!shared_secret_key->key) {
    size_t len = strlen(configured);
    char* secret = static_cast<char*>(palloc(len + 1));
    memcpy(secret, configured, len + 1);
    CoreOutcome built = CallCoreInto(shared_secret_key->key, [&]() -> core::Result<std::unique_ptr<jwt::Key>> {
      auto key = jwt::KeyFromSecret(reinterpret_cast<const std::uint8_t*>(secret), len);
      if (!key.ok()) {
        return core::MakeError(core::ErrorKind::kNotConfigured, "the jwt_shared_secret setting is unusable",
                               key.error().message);
      }
      return std::make_unique<jwt::Key>(std::move(key.value()));
    });
    explicit_bzero(secret, len);
    pfree(secret);
    if (!built.ok) return built;
    shared_secret_key->generation = generation;
  }
  const jwt::Key* key = shared_secret_key->key.get();
  facts->provenance = TokenProvenance{jwt::TokenKeySource::kSharedSecret, InvalidOid, nullptr, 0};
  return CallCore([&]() -> core::Result<std::string> {
    jwt::VerifyOptions options;
    options.ignore_kid = true;
    return PayloadOf(VerifyWithKey(token, *key, MakePolicy(in), options), require_sub, facts);
  });
}

// Keys NULL, any other alg: the jwks table row with the token's kid.
CoreOutcome VerifyWithJwksTable(std::string_view token, const char* kid, const PolicyInput& in, bool require_sub,
                                Verification* facts) {
  Oid relid = JwksTableOid();
  if (!OidIsValid(relid)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("no Better Auth jwks table to verify tokens with"),
                    errdetail("Table \"%s\".\"%s\" does not exist.", SettingValue(Setting::kBetterAuthSchema),
                              JwksTableNames().table),
                    errhint("Enable Better Auth's jwt plugin and migrate, set better_auth_schema with "
                            "auth_ext.configure(), or pass the keys to verify_jwt(token, keys).")));
  }
  if (kid[0] == '\0') RaiseTokenError("token has no kid to find its key in the jwks table", nullptr);
  bool found = false;
  CachedJwk cached = LookupJwk(relid, kid, &found);
  if (!found) RaiseTokenError("no key matches the token's kid", nullptr);
  if (cached.problem != nullptr) RaiseTokenError("the token's key cannot be used", cached.problem);
  int64 grace = SettingInt(Setting::kJwksGracePeriodSeconds);
  if (cached.has_expires_at && in.now >= cached.expires_at + grace) {
    RaiseTokenError("the token's signing key has expired", "Its expiresAt plus the grace period has passed.");
  }
  const jwt::Key* key = cached.key;
  facts->provenance = TokenProvenance{jwt::TokenKeySource::kJwksRow, relid, kid, cached.serial};
  return CallCore([&]() -> core::Result<std::string> {
    return PayloadOf(VerifyWithKey(token, *key, MakePolicy(in)), require_sub, facts);
  });
}

// Keys given: a JWK or a JWK Set. A single JWK without a kid (exactly the publicKey Better Auth
// stores in its jwks row, whose kid is the row's id) is used whatever kid the token carries, as
// jose does; a JWK with a kid, and every key of a set, is matched by kid.
CoreOutcome VerifyWithGivenKeys(std::string_view token, const char* keys_text, const PolicyInput& in,
                                bool require_sub) {
  return CallCore([&]() -> core::Result<std::string> {
    auto parsed = core::json::ParseStrictObject(keys_text);
    if (!parsed.ok()) return parsed.error();
    const bool is_set = core::json::FindMember(parsed.value(), "keys") != nullptr;
    auto keys = is_set ? jwt::ParseJwks(parsed.value(), jwt::KeyUse::kVerify)
                    : [&]() -> core::Result<std::vector<jwt::Key>> {
                        auto key = jwt::ParseJwk(parsed.value(), jwt::KeyUse::kVerify);
                        if (!key.ok()) return key.error();
                        std::vector<jwt::Key> one;
                        one.push_back(std::move(key.value()));
                        return one;
                      }();
    if (!keys.ok()) return keys.error();
    jwt::VerifyOptions options;
    options.ignore_kid = !is_set && keys.value().front().kid.empty();
    return PayloadOf(jwt::VerifyJwt(token, keys.value(), options, MakePolicy(in)), require_sub);
  });
}

}  // namespace

Jsonb* VerifyTokenToJsonb(text* token_arg, Jsonb* keys, bool require_sub) {
  std::string_view token(VARDATA_ANY(token_arg), VARSIZE_ANY_EXHDR(token_arg));
  PolicyInput policy = ReadPolicy();
  if (keys != nullptr) {
    char* keys_text = JsonbToCString(nullptr, &keys->root, VARSIZE(keys));
    CoreOutcome out = VerifyWithGivenKeys(token, keys_text, policy, require_sub);
    if (!out.ok) RaiseCoreError(out);
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.value)));
  }
  const uint64 generation = SettingsGeneration();
  if (Jsonb* recalled = RecallVerifiedToken(token, policy.now, policy.leeway, policy.require_exp, require_sub)) {
    return recalled;
  }
  bool is_hs256 = false;
  CoreOutcome header = CallCore([&]() -> core::Result<std::string> {
    auto h = jwt::PeekTokenHeader(token, jwt::kDefaultMaxTokenBytes);
    if (!h.ok()) return h.error();
    is_hs256 = h.value().alg == "HS256";
    return std::move(h.value().kid);
  });
  if (!header.ok) RaiseCoreError(header);
  Verification facts{};
  CoreOutcome out = is_hs256 ? VerifyWithSharedSecret(token, policy, require_sub, &facts)
                             : VerifyWithJwksTable(token, header.value, policy, require_sub, &facts);
  if (!out.ok) RaiseCoreError(out);
  Jsonb* claims = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.value)));
  RememberVerifiedToken(token, generation, facts.provenance, facts.times, facts.has_sub, claims);
  return claims;
}

}  // namespace auth_ext::pg
