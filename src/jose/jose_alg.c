/*
 * jose_alg.c - the algorithms this library does (RFC 7518), one table row
 * each: name, JWE or JWS, the PKCS#11 mechanism, and the key the caller must
 * name. Anything not in a table, "none" first of all, is unsupported.
 */
#include "jose/jose_local.h"

#include <string.h>

static const struct jose_alg_info algs[] = {
	{ JOSE_ALG_DIR, "dir", JOSE_KIND_JWE, 0, CKK_AES, 0 },
	{ JOSE_ALG_A128KW, "A128KW", JOSE_KIND_JWE, CKM_AES_KEY_WRAP, CKK_AES, 16 },
	{ JOSE_ALG_A256KW, "A256KW", JOSE_KIND_JWE, CKM_AES_KEY_WRAP, CKK_AES, 32 },
	/* RFC 7518 3.2: an HMAC key at least as long as the hash output */
	{ JOSE_ALG_HS256, "HS256", JOSE_KIND_JWS, CKM_SHA256_HMAC, CKK_GENERIC_SECRET, 32 },
	{ JOSE_ALG_HS384, "HS384", JOSE_KIND_JWS, CKM_SHA384_HMAC, CKK_GENERIC_SECRET, 48 },
	{ JOSE_ALG_HS512, "HS512", JOSE_KIND_JWS, CKM_SHA512_HMAC, CKK_GENERIC_SECRET, 64 },
};

static const struct jose_enc_info encs[] = {
	{ JOSE_ENC_A128GCM, "A128GCM", 16 },
	{ JOSE_ENC_A256GCM, "A256GCM", 32 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct jose_alg_info *jose_alg_info(enum jose_alg alg)
{
	for (size_t i = 0; i < N(algs); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

const struct jose_enc_info *jose_enc_info(enum jose_enc enc)
{
	for (size_t i = 0; i < N(encs); i++)
		if (encs[i].enc == enc)
			return &encs[i];
	return NULL;
}

const char *jose_alg_name(enum jose_alg alg)
{
	const struct jose_alg_info *a = jose_alg_info(alg);

	return a != NULL ? a->name : NULL;
}

const char *jose_enc_name(enum jose_enc enc)
{
	const struct jose_enc_info *e = jose_enc_info(enc);

	return e != NULL ? e->name : NULL;
}

/* Names are case-sensitive (RFC 7515 4.1.1): "HS256", never "hs256". */
int jose_alg_from_name(const char *name, enum jose_alg *out)
{
	*out = JOSE_ALG_UNSET;
	for (size_t i = 0; name != NULL && i < N(algs); i++)
		if (strcmp(algs[i].name, name) == 0) {
			*out = algs[i].alg;
			return JOSE_OK;
		}
	return JOSE_E_UNSUPPORTED;
}

int jose_enc_from_name(const char *name, enum jose_enc *out)
{
	*out = JOSE_ENC_UNSET;
	for (size_t i = 0; name != NULL && i < N(encs); i++)
		if (strcmp(encs[i].name, name) == 0) {
			*out = encs[i].enc;
			return JOSE_OK;
		}
	return JOSE_E_UNSUPPORTED;
}

static const char *const status_text[] = {
	[JOSE_OK] = "success",
	[JOSE_E_ARGS] = "invalid arguments",
	[JOSE_E_FORMAT] = "not a compact serialisation (segments, base64url or lengths)",
	[JOSE_E_HEADER] = "the protected header is not a valid JSON object",
	[JOSE_E_UNSUPPORTED] = "algorithm, encryption or header parameter not supported",
	[JOSE_E_NO_KEY] = "the token holds no key with that label (kid)",
	[JOSE_E_KEY_MISMATCH] = "the key does not fit the algorithm (type or length)",
	[JOSE_E_INTEGRITY] = "authentication tag or signature invalid",
	[JOSE_E_NO_WRAP] = "the module does not support C_WrapKey/C_UnwrapKey (AES key wrap)",
	[JOSE_E_TOKEN] = "the token refused an operation",
	[JOSE_E_MEMORY] = "out of memory",
};

const char *jose_strerror(int status)
{
	if (status < 0 || (size_t)status >= N(status_text) || status_text[status] == NULL)
		return "unknown error";
	return status_text[status];
}
