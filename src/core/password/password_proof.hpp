// Password proofs: what a standby hands the primary so that the primary can sign a user in (or
// store a new password hash) without running scrypt itself. A proof is
//   "ap1." base64url(payload) "." base64url(HMAC-SHA256(K, "ap1." base64url(payload)))
// with K = HMAC-SHA256(key = better_auth_secret, message = "auth_ext password proof v1"), so a proof
// key is never the secret Better Auth signs its cookies with. The payload is the caller's (the SQL
// layer writes and reads it as JSON: user, hash digest, time, nonce); this module only seals it
// and checks the seal, in constant time.
#pragma once

#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace auth_ext::core::password {

// The sealed proof of payload. kNotConfigured when secret is empty.
Result<std::string> SealProof(std::string_view payload, std::string_view secret);

// The payload of a proof sealed with secret. kInvalidToken for anything else: another format or
// version, a non-canonical base64url segment, a tag that does not match (compared in constant
// time), a proof over 16 KiB. kNotConfigured when secret is empty.
Result<std::string> OpenProof(std::string_view proof, std::string_view secret);

}  // namespace auth_ext::core::password
