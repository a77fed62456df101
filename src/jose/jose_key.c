/*
 * jose_key.c - naming and checking token keys. The library reads only a
 * key's class, type and length (never CKA_VALUE): whether a key may encrypt,
 * sign or wrap is the token's decision, made again at every C_*Init.
 */
#include "jose/jose_local.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

int jose_token_fail(struct jose_ctx *ctx, const char *call, CK_RV rv)
{
	ctx->rv = rv;
	ctx->call = call;
	if (rv == CKR_HOST_MEMORY)
		return JOSE_E_MEMORY;
	return JOSE_E_TOKEN;
}

void jose_free_secret(uint8_t *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

int jose_find_key(struct jose_ctx *ctx, const char *label, CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_LABEL, (void *)label, 0 },
	};
	CK_OBJECT_HANDLE found[2];
	CK_ULONG n = 0;
	CK_RV rv;

	if (ctx == NULL || ctx->p11 == NULL || label == NULL || key == NULL || label[0] == '\0')
		return JOSE_E_ARGS;
	tmpl[1].ulValueLen = strlen(label);
	rv = ctx->p11->C_FindObjectsInit(ctx->session, tmpl, 2);
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_FindObjectsInit", rv);
	rv = ctx->p11->C_FindObjects(ctx->session, found, 2, &n);
	(void)ctx->p11->C_FindObjectsFinal(ctx->session);
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_FindObjects", rv);
	if (n == 0)
		return JOSE_E_NO_KEY;
	if (n > 1) /* a kid must name one key: never guess */
		return jose_token_fail(ctx, "C_FindObjects (label names several keys)", CKR_GENERAL_ERROR);
	*key = found[0];
	return JOSE_OK;
}

int jose_key_check(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, CK_KEY_TYPE type, CK_ULONG len,
		   int at_least)
{
	CK_OBJECT_CLASS cls = 0;
	CK_KEY_TYPE kt = 0;
	CK_ULONG vlen = 0;
	CK_ATTRIBUTE a[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_VALUE_LEN, &vlen, sizeof(vlen) },
	};
	CK_RV rv = ctx->p11->C_GetAttributeValue(ctx->session, key, a, 3);

	if (rv == CKR_OBJECT_HANDLE_INVALID)
		return JOSE_E_NO_KEY;
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_GetAttributeValue", rv);
	if (cls != CKO_SECRET_KEY || kt != type)
		return JOSE_E_KEY_MISMATCH;
	if (at_least ? vlen < len : vlen != len)
		return JOSE_E_KEY_MISMATCH;
	return JOSE_OK;
}
