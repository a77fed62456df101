/* names.c - names of the PKCS#11 constants the listings show. */
#include "tool/names.h"

#include <stddef.h>

struct name {
	CK_ULONG value;
	const char *text;
};

#define N(x) { x, #x }

static const struct name mechanisms[] = {
	N(CKM_PORTFOLIO_AUTH_CMAC),
	N(CKM_PORTFOLIO_AUTH_HMAC),
	N(CKM_PORTFOLIO_ENC_GCM),
	N(CKM_PORTFOLIO_ENC_CBC),
	N(CKM_PORTFOLIO_DIVERSIFY),
	N(CKM_PORTFOLIO_ONEM2M_CONF),
	N(CKM_PORTFOLIO_DIV_AUTH_CMAC),
	N(CKM_PORTFOLIO_DIV_AUTH_HMAC),
	N(CKM_PORTFOLIO_DIV_ENC_GCM),
	N(CKM_SP800_108_COUNTER_KDF),
	N(CKM_SP800_108_FEEDBACK_KDF),
	N(CKM_HKDF_DERIVE),
	N(CKM_PORTFOLIO_SCP80_WRAP),
	N(CKM_PORTFOLIO_SCP80_UNWRAP),
	N(CKM_PORTFOLIO_SCP80_POR_UNWRAP),
	N(CKM_AES_KEY_GEN),
	N(CKM_GENERIC_SECRET_KEY_GEN),
	N(CKM_AES_ECB),
	N(CKM_AES_CBC),
	N(CKM_AES_CBC_PAD),
	N(CKM_AES_CTR),
	N(CKM_AES_GCM),
	N(CKM_AES_CCM),
	N(CKM_AES_CMAC),
	N(CKM_AES_CMAC_GENERAL),
	N(CKM_SHA_1),
	N(CKM_SHA_1_HMAC),
	N(CKM_SHA_1_HMAC_GENERAL),
	N(CKM_SHA224),
	N(CKM_SHA224_HMAC),
	N(CKM_SHA224_HMAC_GENERAL),
	N(CKM_SHA256),
	N(CKM_SHA256_HMAC),
	N(CKM_SHA256_HMAC_GENERAL),
	N(CKM_SHA384),
	N(CKM_SHA384_HMAC),
	N(CKM_SHA384_HMAC_GENERAL),
	N(CKM_SHA512),
	N(CKM_SHA512_HMAC),
	N(CKM_SHA512_HMAC_GENERAL),
	N(CKM_AES_KEY_WRAP),
	N(CKM_AES_KEY_WRAP_KWP),
	N(CKM_PORTFOLIO_AES_KEY_WRAP_BOUND),
};

static const struct name classes[] = {
	N(CKO_DATA),
	N(CKO_SECRET_KEY),
	N(CKO_PUBLIC_KEY),
	N(CKO_PRIVATE_KEY),
	N(CKO_CERTIFICATE),
	N(CKO_PORTFOLIO_IDENTITY),
};

static const struct name key_types[] = {
	N(CKK_AES),
	N(CKK_GENERIC_SECRET),
};

static const char *lookup(const struct name *table, size_t count, CK_ULONG value)
{
	for (size_t i = 0; i < count; i++)
		if (table[i].value == value)
			return table[i].text;
	return NULL;
}

const char *mechanism_name(CK_MECHANISM_TYPE m)
{
	return lookup(mechanisms, sizeof(mechanisms) / sizeof(mechanisms[0]), m);
}

const char *class_name(CK_OBJECT_CLASS c)
{
	return lookup(classes, sizeof(classes) / sizeof(classes[0]), c);
}

const char *key_type_name(CK_KEY_TYPE k)
{
	return lookup(key_types, sizeof(key_types) / sizeof(key_types[0]), k);
}
