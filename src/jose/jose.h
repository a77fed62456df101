/*
 * jose.h - compact JWE (RFC 7516) and JWS (RFC 7515) with keys that stay in
 * a PKCS#11 token. This library is a PKCS#11 *client*: every key operation
 * is a C_* call through the CK_FUNCTION_LIST the caller hands it, and no key
 * byte ever passes through it (docs/onem2m.md, "JOSE").
 *
 *   JWE  alg dir, A128KW, A256KW; enc A128GCM, A256GCM (RFC 7518 4.5, 4.4, 5.3)
 *        AAD = ASCII(BASE64URL(protected header)); 96-bit IV from
 *        C_GenerateRandom; 128-bit tag. dir: the token key is the CEK
 *        (CKM_AES_GCM). KW: a session CEK from C_GenerateKey, wrapped with
 *        C_WrapKey(CKM_AES_KEY_WRAP) under the KEK; decrypt with C_UnwrapKey.
 *   JWS  HS256, HS384, HS512 (CKM_SHA256_HMAC, ...); the token compares the
 *        MAC (C_Verify). "none" and every other alg are refused.
 *
 * oneM2M header parameters (seed 004): kid = Credential-Id, cty, and the
 * seed's Nonce or creationTime in "nonce" (RFC 8555's registered header
 * parameter: base64url of the bytes).
 *
 * JSON is json-c's (strict mode); base64url is OpenSSL's EVP_EncodeBlock /
 * EVP_DecodeBlock with the URL alphabet (b64url.c).
 */
#ifndef PORTFOLIO_JOSE_H
#define PORTFOLIO_JOSE_H

#include <stddef.h>
#include <stdint.h>

#include "pkcs11/portfolio.h"

enum jose_status {
	JOSE_OK = 0,
	JOSE_E_ARGS,        /* the caller's arguments are wrong */
	JOSE_E_FORMAT,      /* not a compact serialisation: segments, base64url, lengths */
	JOSE_E_HEADER,      /* protected header not a JSON object, or a member of the wrong type */
	JOSE_E_UNSUPPORTED, /* alg (including "none"), enc or their pair, crit, zip */
	JOSE_E_NO_KEY,      /* the token holds no key with that label / kid */
	JOSE_E_KEY_MISMATCH,/* the key's type or length does not fit alg / enc */
	JOSE_E_INTEGRITY,   /* authentication tag or signature invalid */
	JOSE_E_NO_WRAP,     /* the module answers CKR_FUNCTION_NOT_SUPPORTED to C_WrapKey/C_UnwrapKey */
	JOSE_E_TOKEN,       /* another PKCS#11 failure: jose_ctx.rv and .call say which */
	JOSE_E_MEMORY,
};

enum jose_alg {
	JOSE_ALG_UNSET = 0,
	JOSE_ALG_DIR,
	JOSE_ALG_A128KW,
	JOSE_ALG_A256KW,
	JOSE_ALG_HS256,
	JOSE_ALG_HS384,
	JOSE_ALG_HS512,
};

enum jose_enc {
	JOSE_ENC_UNSET = 0,
	JOSE_ENC_A128GCM,
	JOSE_ENC_A256GCM,
};

/* Where the library works: a session (logged in when the keys are private)
 * of the module. rv / call: the PKCS#11 result of the last C_* call that
 * failed, for messages. */
struct jose_ctx {
	CK_FUNCTION_LIST_PTR p11;
	CK_SESSION_HANDLE session;
	CK_RV rv;
	const char *call;
};

#define JOSE_MAX_KID 128   /* a CKA_LABEL: Credential-Id = 64 hex digits "@" TEF */
#define JOSE_MAX_CTY 64
#define JOSE_MAX_NONCE 64  /* bytes of the Nonce or creationTime */
#define JOSE_MAX_HEADER 4096 /* bytes of a protected header's JSON */

/* The protected header's parameters this library knows. kid / cty empty and
 * nonce_len 0 mean absent. */
struct jose_header {
	enum jose_alg alg;
	enum jose_enc enc; /* JWE only */
	char kid[JOSE_MAX_KID + 1];
	char cty[JOSE_MAX_CTY + 1];
	uint8_t nonce[JOSE_MAX_NONCE];
	size_t nonce_len;
};

const char *jose_strerror(int status);
/* "dir", "A128GCM", ... ; NULL for UNSET. */
const char *jose_alg_name(enum jose_alg alg);
const char *jose_enc_name(enum jose_enc enc);
/* JOSE_OK or JOSE_E_UNSUPPORTED (then *out is UNSET). "none" is unsupported. */
int jose_alg_from_name(const char *name, enum jose_alg *out);
int jose_enc_from_name(const char *name, enum jose_enc *out);

/* The token's one secret key whose CKA_LABEL is label: JOSE_E_NO_KEY when
 * there is none, JOSE_E_TOKEN when several match. */
int jose_find_key(struct jose_ctx *ctx, const char *label, CK_OBJECT_HANDLE *key);

/* Frees a buffer that held plaintext or a payload after wiping it. */
void jose_free_secret(uint8_t *buf, size_t len);

/* ---- JWE ---------------------------------------------------------------- */

/* *out: the compact serialisation, NUL-terminated, malloc'd (free()). */
int jose_jwe_encrypt(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		     const uint8_t *plaintext, size_t len, char **out);

/* Parsing touches no token: it checks the syntax, the header and the
 * lengths the algorithms fix. */
struct jose_jwe;
int jose_jwe_parse(const char *compact, size_t len, struct jose_jwe **out);
const struct jose_header *jose_jwe_header(const struct jose_jwe *jwe);
/* On success *plaintext (malloc'd; free with jose_free_secret) and *len.
 * On any failure *plaintext is NULL: nothing decrypted is released. */
int jose_jwe_decrypt(struct jose_ctx *ctx, const struct jose_jwe *jwe, CK_OBJECT_HANDLE key,
		     uint8_t **plaintext, size_t *len);
void jose_jwe_free(struct jose_jwe *jwe);

/* ---- JWS ---------------------------------------------------------------- */

int jose_jws_sign(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		  const uint8_t *payload, size_t len, char **out);

struct jose_jws;
int jose_jws_parse(const char *compact, size_t len, struct jose_jws **out);
const struct jose_header *jose_jws_header(const struct jose_jws *jws);
/* JOSE_OK when the token says the MAC is right; JOSE_E_INTEGRITY when not. */
int jose_jws_verify(struct jose_ctx *ctx, struct jose_jws *jws, CK_OBJECT_HANDLE key);
/* The payload, only once jose_jws_verify succeeded on this jws (else NULL). */
const uint8_t *jose_jws_payload(const struct jose_jws *jws, size_t *len);
void jose_jws_free(struct jose_jws *jws);

#endif
