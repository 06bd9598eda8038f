// Better Auth's session credentials (docs/better-auth-compatibility.md §3, §7): the bare session
// token, or the signed cookie value "<token>.<base64(HMAC-SHA256(secret, token))>", URL-encoded or
// not, optionally behind "Bearer " or "better-auth.session_token=".
#pragma once

#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace auth_ext::core::session {

// The signature Better Auth (better-call) appends: standard padded base64 of
// HMAC-SHA256(key = secret bytes, message = token), 44 characters.
Result<std::string> SignSessionToken(std::string_view token, std::string_view secret);

// Whether value has the shape of a session token Better Auth generates (createSession:
// generateId(32), 32 characters of [A-Za-z0-9]), the only values auth_ext signs with the secret.
// Better Auth's other signed cookies hold "true" (dont_remember), "2fa-..." (two_factor),
// "<token>!<id>" (trust_device), "<token>:..." (admin_session) or JSON (oauth_popup); a signed
// state cookie is meaningful only with the verification row Better Auth writes for its own state.
bool IsSessionTokenShape(std::string_view value);

// The session token a credential carries. A bare token (no '.') is returned as is, as Better Auth's
// bearer plugin accepts it. A signed value is checked in constant time against secret: an empty
// string is returned when the signature does not match (no session), kNotConfigured when a
// signature is present but no secret is configured (secret empty).
Result<std::string> SessionTokenFromCredential(std::string_view credential, std::string_view secret);

}  // namespace auth_ext::core::session
