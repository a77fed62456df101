/*
 * jose_local.h - what the files of src/jose share: the base64url codec, the
 * protected header's JSON, the split of a compact serialisation, the key
 * checks and the algorithm table.
 */
#ifndef PORTFOLIO_JOSE_LOCAL_H
#define PORTFOLIO_JOSE_LOCAL_H

#include "jose/jose.h"

/* ---- b64url.c: RFC 7515 2 / RFC 4648 5, no padding ---------------------- */

/* Characters b64url_encode writes for n bytes (without the NUL). */
size_t b64url_encoded_len(size_t n);
/* Writes b64url_encoded_len(n) characters and a NUL to out. Returns 0, or -1
 * when n is too large for the encoder. */
int b64url_encode(const uint8_t *in, size_t n, char *out);
/* Upper bound of the bytes len characters decode to. */
size_t b64url_decoded_max(size_t len);
/* Decodes exactly len characters of the URL alphabet, canonical only (no
 * padding, no whitespace, unused bits zero). Returns the byte count, or -1. */
long b64url_decode(const char *in, size_t len, uint8_t *out);
/* The same into a malloc'd buffer (at least one byte). JOSE_OK,
 * JOSE_E_FORMAT or JOSE_E_MEMORY. */
int b64url_decode_alloc(const char *in, size_t len, uint8_t **out, size_t *out_len);

/* ---- jose_alg.c ---------------------------------------------------------- */

enum jose_kind { JOSE_KIND_JWE, JOSE_KIND_JWS };

struct jose_alg_info {
	enum jose_alg alg;
	const char *name;
	enum jose_kind kind;
	CK_MECHANISM_TYPE mech;   /* HMAC or key wrap; 0 for dir */
	CK_KEY_TYPE key_type;     /* of the key the caller names */
	CK_ULONG key_len;         /* its length; for HMAC the minimum (RFC 7518 3.2) */
};

struct jose_enc_info {
	enum jose_enc enc;
	const char *name;
	CK_ULONG cek_len;
};

const struct jose_alg_info *jose_alg_info(enum jose_alg alg);
const struct jose_enc_info *jose_enc_info(enum jose_enc enc);

/* ---- jose_header.c --------------------------------------------------------- */

/* The JSON of h (alg, enc when kind is JWE, kid, cty, nonce), base64url
 * encoded, into a malloc'd NUL-terminated string. */
int jose_header_encode(const struct jose_header *h, enum jose_kind kind, char **b64);
/* Parses a protected header's JSON (len bytes, not NUL-terminated) into h.
 * JOSE_E_HEADER when it is not a JSON object or a member has the wrong type
 * or size; JOSE_E_UNSUPPORTED for an alg / enc this library does not do, a
 * JWE alg in a JWS or the reverse, crit or zip. */
int jose_header_parse(const char *json, size_t len, enum jose_kind kind, struct jose_header *h);

/* ---- jose_compact.c -------------------------------------------------------- */

#define JOSE_MAX_SEGMENTS 5

struct jose_segments {
	const char *seg[JOSE_MAX_SEGMENTS];
	size_t len[JOSE_MAX_SEGMENTS];
};

/* Splits compact (len characters) at '.' into exactly n segments pointing
 * into it: JOSE_E_FORMAT otherwise. */
int jose_split(const char *compact, size_t len, size_t n, struct jose_segments *s);
/* Decodes the first segment and parses the header (jose_header_parse). */
int jose_parse_protected(const struct jose_segments *s, enum jose_kind kind, struct jose_header *h);
/* Joins the base64url of each part with '.', into a malloc'd string. */
int jose_join(const uint8_t *const part[], const size_t part_len[], size_t n, const char *first_b64,
	      char **out);

/* ---- jose_key.c ---------------------------------------------------------- */

/* Records a failed C_* call in ctx and returns the status it means. */
int jose_token_fail(struct jose_ctx *ctx, const char *call, CK_RV rv);
/* JOSE_OK when key is a secret key of the given type and length (exact, or
 * at least when at_least). JOSE_E_KEY_MISMATCH otherwise. */
int jose_key_check(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, CK_KEY_TYPE type, CK_ULONG len,
		   int at_least);

/* ---- jwe_cek.c: the content encryption key -------------------------------- */

/* The CEK for h: the key itself (dir, *ek_len 0), or a new session key
 * wrapped under key into ek (KW; *cek is then the caller's to destroy). */
int jwe_cek_make(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		 CK_OBJECT_HANDLE *cek, uint8_t *ek, size_t *ek_len);
/* The CEK back: key itself (dir) or C_UnwrapKey of ek under key (KW). */
int jwe_cek_open(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		 const uint8_t *ek, size_t ek_len, CK_OBJECT_HANDLE *cek);
/* Destroys a session CEK made by the two above (not the dir key). */
void jwe_cek_release(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, CK_OBJECT_HANDLE cek);

#define JWE_IV_LEN 12  /* RFC 7518 5.3: 96 bits */
#define JWE_TAG_LEN 16 /* 128 bits */
#define JWE_MAX_EK 40  /* A256KW: 32-byte CEK + 8 */

#endif
