// Test fixtures shared by the JWT unit tests: freshly generated keys (test-only, never used
// elsewhere) and helpers that build tokens with arbitrary header and payload text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/encoding/base64url.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/signature.hpp"

namespace auth_ext::core::jwt::testing {

inline constexpr std::string_view kEd25519PrivateJwk = R"json({"kty": "OKP", "crv": "Ed25519", "kid": "ed-1", "x": "UugSuSh_5n__SpPcsqGWrBakAc2VHbaIPAwEip8ibHc", "d": "NmQV42Cc82rM-0zckgTYzZZY1-9oTZ0q4MMDpkM2hMU"})json";
inline constexpr std::string_view kP256PrivateJwk = R"json({"kty": "EC", "crv": "P-256", "kid": "ec-P-256", "x": "fzaANwv-8WLAp6WrKCkX2_tKXTW_rBLyH5Y46YqTQ9k", "y": "iwCGOSuS4cVuIOWR4EHmO1fziPeCv2bSXeZHf3_DO98", "d": "CjXMEkI6yWlwmQbxNyW13sJWL0701tlwF4l3EVwmpB8"})json";
inline constexpr std::string_view kP521PrivateJwk = R"json({"kty": "EC", "crv": "P-521", "kid": "ec-P-521", "x": "AdbyXpszbpVqxE-TeyRsPyxzOZjylHL1hvZWJeqvlVQ0bf6_HbDdh2qZU1mOQKKxTxd5CG0Ibcf5Pxx6MKxpWWEC", "y": "AJBxthVjbCYjS_CA260Ev6YKjFKeXn5D3oahd2i9aN43am_tXrW724usb6Dmms0MsnR9cy9Dg1TLFmhC60Nxjn7G", "d": "ALAYWX6T7T6jOKp8JiPQhhS-0pH0P7u2eVcdxox5DA4aok2a9RzwqljA50MW_4a8kJyoyBV5MyIy3_AqUnaUZA9O"})json";
inline constexpr std::string_view kRsaPrivateJwk = R"json({"kty": "RSA", "kid": "rsa-1", "n": "ia7ovZU1gHGv_AgHb9ut01-1djff1MY3d5txnc3_Pk_EqXFeSUZW7B-hJ8IIkYaSgIj_tDzXvOSWFDmrAbdG5kSLpiV2sM_t6f1H7wkQ9Gknzcl5VJ8GZqmIBiz3QgQbam9aw6uO_XgnBC955k3f8xEK0oe7GOvxNpfzEBVXGsXXF51WWS2Zp0kI1lJsf5HtN35IXTrKYj4r9IBvPmkykatZEJDUqgnU7-cGiwMUViOWZgTOgqnafv2iykoLNU5V6lF6Ethlhi4-GfHtGLdJnM06O2Xpb7EhltPBbWryPOBr35WioEmQLFsOqURxB5kybOUdXmZx_AkXicy6muUDBQ", "e": "AQAB", "d": "CYjK5d4ASiMVTGmt7NQUnHpDPFWFiDGAbnry34-qqOuoiGdTtSqheFEpvXFqsHvWMf_KsqDdUQpZ-OU-xKv8GpQNQPXVMKH62A-fEfGEcrhuy4mz1OVSRye0RgvfxNA4qc0znDCJgrSgVwzb7ykzZJyogt29WhjJ_RLWqnrKgQ2vi9yqKn7mfoHFgQLL0Bg6tgIoIa4Bp-ky87z0zv84LgSvEzZnD50LozRiw1oRhiq4KOYF3b46CY5OK2lbXYMmI37_iTaR0SAXc704Hn6i5BKqmJ96QpsgmhJbKyds5MYezACIHhazdXIiKnG6a_BZ5DDjyKsFUsiKyMG0dgtFgQ", "p": "wmq2J54E8-8xQbsTy4SD2S4qfsrAoDy8RKYObShwTyin_7NyDc83L-JZaPwGlAbma6ug3b0SIfZK7OoIsHtYubD4M9G8gDX-uFOCzB0cwp2QkDyzpLWQfr0mtriBJ-fnE1hmVtCoVnCVq4l0HKmu8mVjkRmaDl3wYq4BHBk1EuE", "q": "tUupc48ecCCCM3ELLO-e2hd0pZL1UqIyab60A0EV30w709A5B2KSrqp2DrDg4wxrO-912qKm3pWT1Tx42qFfu-0_AU-2eMgr4T3QELJrDB5OK1d_bqvfNaHow8XIkCnlYfXNRTuRa0oTI80udsHTu-PsuaoxriTh67VQ6y4C2KU", "dp": "ETPuEE1cNNV6b02Fb-G25PW_zt5T8xnMsupapnAImAiJ7QdM1Un7oSIPNUnvrxN5OhfCsTw0qYqokJQY1rzjWfL902AApPuiIV9KWJNO4y2cCBdG8hEaywwjq9FhpE1R1hVhYNcvvg5SQA52lr6w-0PbbpBsYE8RoTmyYXEdkCE", "dq": "cHj6LVjy1zkzzVoqRrx53m-CzF25mIRLplLLNuGgAiI3U5bwamZ6_aV_DGorenBv7oUGppcV0y0Uw8t6ZpiK3fm3hsa_O3tjzZ8df95QjvoWIMlto2k5VvqVfy8q2FVFm1p0-KiV9OvFqAZY9xAUnZIvgJfXrmPvTN31z5GB7ok", "qi": "Oez3H8vUvg87vb37jsRP8_sGOUJgoZviNeJQ4lDKRup4IPKZ9nJ-E2x-TqjVe0v4G0XemwbQzIJUVs8DKeGOMNMMnmycZxlOF3LtnSoVC4iV9pWmIq8p1wdv4fBEE8WizS4W0s6o6XS3ZbHLqawgmte7VOcnwfmZcoiIcHCEWak"})json";
inline constexpr std::string_view kRsa1024PublicJwk = R"json({"kty": "RSA", "n": "pL00wlckm2ffBO-pJ7T-uQEQ1gsQkGLzBrLp2f83DqC0JLW2h5Q1BjMI7zaMRKuRi9e31c1zMU7h9UN_V2faJCPDZnwujwKJeJVATDIbqOltfxmWnNdXJYjMSSpLQhvjEeovDU8rjkB2jKbQiI_EDa2K0WTrfkTmNmCS8967NeU", "e": "AQAB"})json";

// A 32-byte HS256 secret as an oct JWK.
inline constexpr std::string_view kHmacJwk =
    R"json({"kty":"oct","kid":"hs-1","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})json";

// Parses a JWK that the test knows is valid.
inline Key MustParse(std::string_view jwk, KeyUse use) {
  Result<Key> key = ParseJwkText(jwk, use);
  EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message + ": " + key.error().detail);
  return key.ok() ? std::move(key.value()) : Key{};
}

// header_json "." payload_json, base64url-encoded, signed with key under alg: lets tests build
// tokens whose header or payload no well-behaved signer would produce.
inline std::string MakeToken(std::string_view header_json, std::string_view payload_json, const Key& key, Algorithm alg) {
  std::string input = encoding::Base64UrlEncode(header_json) + "." + encoding::Base64UrlEncode(payload_json);
  Result<std::vector<std::uint8_t>> sig = CreateSignature(alg, key, input);
  EXPECT_TRUE(sig.ok()) << (sig.ok() ? "" : sig.error().message);
  if (!sig.ok()) return input + ".";
  return input + "." + encoding::Base64UrlEncode(sig.value().data(), sig.value().size());
}

}  // namespace auth_ext::core::jwt::testing
