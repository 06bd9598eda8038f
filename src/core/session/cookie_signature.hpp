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

// The session token a credential carries. A bare token (no '.') is returned as is, as Better Auth's
// bearer plugin accepts it. A signed value is checked in constant time against secret: an empty
// string is returned when the signature does not match (no session), kNotConfigured when a
// signature is present but no secret is configured (secret empty).
Result<std::string> SessionTokenFromCredential(std::string_view credential, std::string_view secret);

}  // namespace auth_ext::core::session
