/*
 * Benchmark floor for bench/jwt.sh (baselines.md: "minimal C function: Ed25519 verify +
 * payload -> jsonb"): split a compact JWS, base64url-decode signature and payload, check the
 * signature with OpenSSL (HMAC-SHA256, or Ed25519 with a cached key), and return the payload
 * through jsonb_in. No header parsing, no key selection, no claim checks, no strict JSON: the
 * physical minimum an in-database verifier pays per call. Benchmark-only code.
 */
#include "postgres.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

PG_MODULE_MAGIC;

static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '-') return 62;
	if (c == '_') return 63;
	return -1;
}

/* base64url without padding into out (room for len * 3 / 4 + 3); returns the byte count. */
static int
b64url_decode(const char *in, int len, unsigned char *out)
{
	uint32 acc = 0;
	int bits = 0, n = 0;

	for (int i = 0; i < len; i++)
	{
		int v = sextet(in[i]);

		if (v < 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("bad base64url")));
		acc = (acc << 6) | (uint32) v;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			out[n++] = (unsigned char) ((acc >> bits) & 0xff);
		}
	}
	return n;
}

typedef struct Parts
{
	const char *token;
	int signing_len;		/* header.payload */
	const char *payload;
	int payload_len;
	const char *sig;
	int sig_len;
} Parts;

static Parts
split(text *t)
{
	Parts p;
	const char *s = VARDATA_ANY(t);
	int len = VARSIZE_ANY_EXHDR(t);
	const char *d1 = memchr(s, '.', len);
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (d1 + 1 - s)) : NULL;

	if (d2 == NULL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("not a JWS")));
	p.token = s;
	p.signing_len = (int) (d2 - s);
	p.payload = d1 + 1;
	p.payload_len = (int) (d2 - d1 - 1);
	p.sig = d2 + 1;
	p.sig_len = (int) (s + len - d2 - 1);
	return p;
}

static Datum
payload_jsonb(const Parts *p)
{
	char *json = palloc(p->payload_len * 3 / 4 + 4);
	int n = b64url_decode(p->payload, p->payload_len, (unsigned char *) json);

	json[n] = '\0';
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

PG_FUNCTION_INFO_V1(floor_hs256);
/* floor_hs256(token text, secret bytea) returns jsonb */
Datum
floor_hs256(PG_FUNCTION_ARGS)
{
	Parts p = split(PG_GETARG_TEXT_PP(0));
	bytea *secret = PG_GETARG_BYTEA_PP(1);
	unsigned char sig[64], mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;

	if (p.sig_len > 86 || b64url_decode(p.sig, p.sig_len, sig) != 32)
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("bad signature length")));
	if (HMAC(EVP_sha256(), VARDATA_ANY(secret), (int) VARSIZE_ANY_EXHDR(secret),
			 (const unsigned char *) p.token, p.signing_len, mac, &mac_len) == NULL ||
		mac_len != 32 || CRYPTO_memcmp(mac, sig, 32) != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("bad signature")));
	PG_RETURN_DATUM(payload_jsonb(&p));
}

PG_FUNCTION_INFO_V1(floor_eddsa);
/* floor_eddsa(token text, public_key bytea) returns jsonb; the parsed key is cached per backend. */
Datum
floor_eddsa(PG_FUNCTION_ARGS)
{
	static EVP_PKEY *cached = NULL;
	static unsigned char cached_raw[32];
	Parts p = split(PG_GETARG_TEXT_PP(0));
	bytea *raw = PG_GETARG_BYTEA_PP(1);
	unsigned char sig[96];
	EVP_MD_CTX *ctx;
	int ok;

	if (VARSIZE_ANY_EXHDR(raw) != 32)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("an Ed25519 public key is 32 bytes")));
	if (cached == NULL || memcmp(cached_raw, VARDATA_ANY(raw), 32) != 0)
	{
		if (cached != NULL)
			EVP_PKEY_free(cached);
		cached = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, (const unsigned char *) VARDATA_ANY(raw), 32);
		if (cached == NULL)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("bad Ed25519 key")));
		memcpy(cached_raw, VARDATA_ANY(raw), 32);
	}
	if (p.sig_len > 86 || b64url_decode(p.sig, p.sig_len, sig) != 64)
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("bad signature length")));
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, cached) == 1 &&
		EVP_DigestVerify(ctx, sig, 64, (const unsigned char *) p.token, p.signing_len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		ereport(ERROR, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION), errmsg("bad signature")));
	PG_RETURN_DATUM(payload_jsonb(&p));
}
