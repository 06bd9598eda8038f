// Registered-claim checks with NumericDate handling and leeway.
#include "core/jwt/claims.hpp"

#include <new>
#include <string_view>

#include "core/json/strict_json.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

namespace strict = ::auth_ext::core::json;

Error InvalidToken(std::string message) { return MakeError(ErrorKind::kInvalidToken, std::move(message)); }

// A NumericDate claim: nullopt when absent, an error when present but not a number.
Result<std::optional<double>> TimeClaim(const nlohmann::json& payload, const char* name) {
  const nlohmann::json* member = strict::FindMember(payload, name);
  if (member == nullptr) return std::optional<double>();
  std::optional<double> value = strict::AsNumber(*member);
  if (!value) return InvalidToken(std::string("claim ") + name + " must be a number");
  return value;
}

Status CheckTimes(const nlohmann::json& payload, const ClaimPolicy& policy) {
  Result<TimeClaims> times = ReadTimeClaims(payload);
  if (!times.ok()) return times.error();
  const char* refusal = TimeClaimsRefusal(times.value(), policy.now, policy.leeway_seconds, policy.require_exp);
  return refusal == nullptr ? OkStatus() : Status(InvalidToken(refusal));
}

// A claim's value for a refusal message: JSON text (quoted, escaped), cut to a bounded length.
// Only iss/aud are ever shown, so an operator can see e.g. a localhost vs 127.0.0.1 mismatch.
std::string Shown(const nlohmann::json* value) {
  if (value == nullptr) return "none";
  std::string text = value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr std::size_t kMax = 200;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

Error Mismatch(const char* what, const std::string& expected, const nlohmann::json* got) {
  return InvalidToken(std::string("token ") + what + " does not match: expected " +
                      nlohmann::json(expected).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                      ", got " + Shown(got));
}

Status CheckIssuer(const nlohmann::json& payload, const std::string& issuer) {
  const nlohmann::json* iss = strict::FindMember(payload, "iss");
  if (iss == nullptr) return Mismatch("issuer", issuer, iss);
  std::optional<std::string_view> text = strict::AsString(*iss);
  if (!text) return InvalidToken("claim iss must be a string");
  if (*text != issuer) return Mismatch("issuer", issuer, iss);
  return OkStatus();
}

Status CheckAudience(const nlohmann::json& payload, const std::string& audience) {
  const nlohmann::json* aud = strict::FindMember(payload, "aud");
  if (aud == nullptr) return Mismatch("audience", audience, aud);
  if (std::optional<std::string_view> single = strict::AsString(*aud)) {
    return *single == audience ? OkStatus() : Status(Mismatch("audience", audience, aud));
  }
  if (!aud->is_array()) return InvalidToken("claim aud must be a string or an array of strings");
  bool found = false;
  for (const nlohmann::json& entry : *aud) {
    std::optional<std::string_view> text = strict::AsString(entry);
    if (!text) return InvalidToken("claim aud must be a string or an array of strings");
    if (*text == audience) found = true;
  }
  return found ? OkStatus() : Status(Mismatch("audience", audience, aud));
}

Status CheckClaimsUnguarded(const nlohmann::json& payload, const ClaimPolicy& policy) {
  if (policy.leeway_seconds < 0) return MakeError(ErrorKind::kInvalidArgument, "leeway must not be negative");
  if (!payload.is_object()) return InvalidToken("token payload is not a json object");
  AUTH_EXT_RETURN_IF_ERROR(CheckTimes(payload, policy));
  if (policy.issuer) AUTH_EXT_RETURN_IF_ERROR(CheckIssuer(payload, *policy.issuer));
  if (policy.audience) AUTH_EXT_RETURN_IF_ERROR(CheckAudience(payload, *policy.audience));
  return OkStatus();
}

}  // namespace

Result<TimeClaims> ReadTimeClaims(const nlohmann::json& payload) {
  TimeClaims times;
  Result<std::optional<double>> exp = TimeClaim(payload, "exp");
  if (!exp.ok()) return exp.error();
  Result<std::optional<double>> nbf = TimeClaim(payload, "nbf");
  if (!nbf.ok()) return nbf.error();
  Result<std::optional<double>> iat = TimeClaim(payload, "iat");
  if (!iat.ok()) return iat.error();
  times.exp = exp.value();
  times.nbf = nbf.value();
  times.iat = iat.value();
  return times;
}

const char* TimeClaimsRefusal(const TimeClaims& times, std::int64_t now_seconds, std::int64_t leeway_seconds,
                              bool require_exp) noexcept {
  // long double keeps every int64 "now" and leeway exact next to the claims' doubles.
  const long double now = static_cast<long double>(now_seconds);
  const long double leeway = static_cast<long double>(leeway_seconds);
  if (!times.exp) {
    if (require_exp) return "token has no exp claim";
  } else if (now >= static_cast<long double>(*times.exp) + leeway) {
    return "token has expired";
  }
  if (times.nbf && static_cast<long double>(*times.nbf) > now + leeway) return "token is not yet valid";
  if (times.iat && static_cast<long double>(*times.iat) > now + leeway) return "token was issued in the future";
  return nullptr;
}

Status CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy) {
  try {
    return CheckClaimsUnguarded(payload, policy);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while checking claims");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while checking claims");
  }
}

}  // namespace auth_ext::core::jwt
