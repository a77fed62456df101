/*
 * jwe_cek.c - the content encryption key of a JWE, always a token object:
 *   dir     the key the caller names is the CEK (RFC 7518 4.5);
 *   A*KW    a fresh AES session key generated in the token, sensitive and
 *           extractable only wrapped, wrapped with C_WrapKey(CKM_AES_KEY_WRAP)
 *           under the KEK (RFC 7518 4.4); decryption unwraps it with
 *           C_UnwrapKey into a session key that can only decrypt.
 * A module without key wrap answers CKR_FUNCTION_NOT_SUPPORTED: that is
 * JOSE_E_NO_WRAP, so the caller can say so plainly.
 */
#include "jose/jose_local.h"

#include <string.h>

static int kek_check(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		     const struct jose_alg_info **a, const struct jose_enc_info **e)
{
	*a = jose_alg_info(h->alg);
	*e = jose_enc_info(h->enc);
	if (*a == NULL || (*a)->kind != JOSE_KIND_JWE || *e == NULL)
		return JOSE_E_UNSUPPORTED;
	if ((*a)->alg == JOSE_ALG_DIR) /* the key is the CEK: its length is enc's */
		return jose_key_check(ctx, key, CKK_AES, (*e)->cek_len, 0);
	return jose_key_check(ctx, key, (*a)->key_type, (*a)->key_len, 0);
}

static int wrap_fail(struct jose_ctx *ctx, const char *call, CK_RV rv)
{
	int rc = jose_token_fail(ctx, call, rv);

	return rv == CKR_FUNCTION_NOT_SUPPORTED ? JOSE_E_NO_WRAP : rc;
}

int jwe_cek_make(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		 CK_OBJECT_HANDLE *cek, uint8_t *ek, size_t *ek_len)
{
	const struct jose_alg_info *a;
	const struct jose_enc_info *e;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG len, wrapped = JWE_MAX_EK;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_TOKEN, &no, sizeof(no) },       { CKA_ENCRYPT, &yes, sizeof(yes) },
		{ CKA_DECRYPT, &no, sizeof(no) },     { CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &yes, sizeof(yes) }, { CKA_VALUE_LEN, &len, sizeof(len) },
	};
	CK_MECHANISM gen = { CKM_AES_KEY_GEN, NULL, 0 }, wrap = { CKM_AES_KEY_WRAP, NULL, 0 };
	CK_RV rv;
	int rc = kek_check(ctx, key, h, &a, &e);

	*ek_len = 0;
	*cek = CK_INVALID_HANDLE;
	if (rc != JOSE_OK)
		return rc;
	if (a->alg == JOSE_ALG_DIR) {
		*cek = key;
		return JOSE_OK;
	}
	len = e->cek_len;
	rv = ctx->p11->C_GenerateKey(ctx->session, &gen, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), cek);
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_GenerateKey", rv);
	rv = ctx->p11->C_WrapKey(ctx->session, &wrap, key, *cek, ek, &wrapped);
	if (rv == CKR_OK && wrapped != e->cek_len + 8)
		rv = CKR_GENERAL_ERROR; /* RFC 3394: n 64-bit blocks give n + 1 */
	if (rv != CKR_OK) {
		jwe_cek_release(ctx, key, *cek);
		*cek = CK_INVALID_HANDLE;
		return wrap_fail(ctx, "C_WrapKey", rv);
	}
	*ek_len = wrapped;
	return JOSE_OK;
}

int jwe_cek_open(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		 const uint8_t *ek, size_t ek_len, CK_OBJECT_HANDLE *cek)
{
	const struct jose_alg_info *a;
	const struct jose_enc_info *e;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },     { CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_TOKEN, &no, sizeof(no) },       { CKA_DECRYPT, &yes, sizeof(yes) },
		{ CKA_ENCRYPT, &no, sizeof(no) },     { CKA_SENSITIVE, &yes, sizeof(yes) },
		{ CKA_EXTRACTABLE, &no, sizeof(no) },
	};
	CK_MECHANISM unwrap = { CKM_AES_KEY_WRAP, NULL, 0 };
	CK_RV rv;
	int rc = kek_check(ctx, key, h, &a, &e);

	*cek = CK_INVALID_HANDLE;
	if (rc != JOSE_OK)
		return rc;
	if (a->alg == JOSE_ALG_DIR) {
		*cek = ek_len == 0 ? key : CK_INVALID_HANDLE;
		return ek_len == 0 ? JOSE_OK : JOSE_E_FORMAT; /* RFC 7516 5.2 step 10 */
	}
	if (ek_len != e->cek_len + 8)
		return JOSE_E_FORMAT;
	rv = ctx->p11->C_UnwrapKey(ctx->session, &unwrap, key, (CK_BYTE_PTR)ek, (CK_ULONG)ek_len, tmpl,
				   sizeof(tmpl) / sizeof(tmpl[0]), cek);
	if (rv == CKR_WRAPPED_KEY_INVALID || rv == CKR_ENCRYPTED_DATA_INVALID) {
		ctx->rv = rv;
		ctx->call = "C_UnwrapKey";
		return JOSE_E_INTEGRITY; /* RFC 3394's integrity check failed */
	}
	if (rv != CKR_OK)
		return wrap_fail(ctx, "C_UnwrapKey", rv);
	rc = jose_key_check(ctx, *cek, CKK_AES, e->cek_len, 0);
	if (rc != JOSE_OK) {
		jwe_cek_release(ctx, key, *cek);
		*cek = CK_INVALID_HANDLE;
	}
	return rc;
}

void jwe_cek_release(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, CK_OBJECT_HANDLE cek)
{
	if (cek != CK_INVALID_HANDLE && cek != key)
		(void)ctx->p11->C_DestroyObject(ctx->session, cek);
}
