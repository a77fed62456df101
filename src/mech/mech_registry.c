/*
 * mech_registry.c - every mechanism the module offers, in one table.
 * C_GetMechanismList / C_GetMechanismInfo read it; mech_op_init finds a row
 * here and follows its family.
 *
 * Key sizes are in bytes, the PKCS#11 2.40+ convention for AES and generic
 * secrets. The Portfolio rows carry the service their keys must belong to;
 * standard rows refuse keys that belong to a service.
 */
#include "config.h"

#include "mech/mech_local.h"

#define ENC_DEC (CKF_ENCRYPT | CKF_DECRYPT)
#define SIGN_VER (CKF_SIGN | CKF_VERIFY)
#define NS MECH_NO_SERVICE
#define WRAP_UNWRAP (CKF_WRAP | CKF_UNWRAP)

static const mech_desc table[] = {
	{ CKM_AES_KEY_GEN, MECH_FAM_KEYGEN, CKF_GENERATE, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_GENERIC_SECRET_KEY_GEN, MECH_FAM_KEYGEN, CKF_GENERATE, 1, 512, CKK_GENERIC_SECRET, NS, 0,
	  PF_MD_COUNT },
	{ CKM_AES_ECB, MECH_FAM_CIPHER, ENC_DEC, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_AES_CBC, MECH_FAM_CIPHER, ENC_DEC, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_AES_CBC_PAD, MECH_FAM_CIPHER, ENC_DEC, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_AES_GCM, MECH_FAM_CIPHER, ENC_DEC, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_AES_CMAC, MECH_FAM_MAC, SIGN_VER, 16, 32, CKK_AES, NS, 16, PF_MD_COUNT },
	{ CKM_AES_CMAC_GENERAL, MECH_FAM_MAC, SIGN_VER, 16, 32, CKK_AES, NS, 16, PF_MD_COUNT },
	{ CKM_SHA_1, MECH_FAM_DIGEST, CKF_DIGEST, 0, 0, 0, NS, 20, PF_MD_SHA1 },
	{ CKM_SHA224, MECH_FAM_DIGEST, CKF_DIGEST, 0, 0, 0, NS, 28, PF_MD_SHA224 },
	{ CKM_SHA256, MECH_FAM_DIGEST, CKF_DIGEST, 0, 0, 0, NS, 32, PF_MD_SHA256 },
	{ CKM_SHA384, MECH_FAM_DIGEST, CKF_DIGEST, 0, 0, 0, NS, 48, PF_MD_SHA384 },
	{ CKM_SHA512, MECH_FAM_DIGEST, CKF_DIGEST, 0, 0, 0, NS, 64, PF_MD_SHA512 },
	{ CKM_SHA_1_HMAC, MECH_FAM_MAC, SIGN_VER, 1, 512, CKK_GENERIC_SECRET, NS, 20, PF_MD_COUNT },
	{ CKM_SHA256_HMAC, MECH_FAM_MAC, SIGN_VER, 1, 512, CKK_GENERIC_SECRET, NS, 32, PF_MD_COUNT },
	{ CKM_SHA256_HMAC_GENERAL, MECH_FAM_MAC, SIGN_VER, 1, 512, CKK_GENERIC_SECRET, NS, 32,
	  PF_MD_COUNT },
	{ CKM_SHA384_HMAC, MECH_FAM_MAC, SIGN_VER, 1, 512, CKK_GENERIC_SECRET, NS, 48, PF_MD_COUNT },
	{ CKM_SHA512_HMAC, MECH_FAM_MAC, SIGN_VER, 1, 512, CKK_GENERIC_SECRET, NS, 64, PF_MD_COUNT },
	{ CKM_PORTFOLIO_AUTH_CMAC, MECH_FAM_PF_AUTH, SIGN_VER, 16, 32, CKK_AES,
	  (int)CK_PORTFOLIO_SRV_AUTHENT, 16, PF_MD_COUNT },
	{ CKM_PORTFOLIO_AUTH_HMAC, MECH_FAM_PF_AUTH, SIGN_VER, 16, 512, CKK_GENERIC_SECRET,
	  (int)CK_PORTFOLIO_SRV_AUTHENT, 32, PF_MD_COUNT },
	{ CKM_PORTFOLIO_ENC_GCM, MECH_FAM_PF_ENC, ENC_DEC, 16, 32, CKK_AES,
	  (int)CK_PORTFOLIO_SRV_ENCRYPT, 0, PF_MD_COUNT },
	{ CKM_PORTFOLIO_ENC_CBC, MECH_FAM_PF_ENC, ENC_DEC, 16, 32, CKK_AES,
	  (int)CK_PORTFOLIO_SRV_ENCRYPT, 0, PF_MD_COUNT },
	/* C_DeriveKey (mech_derive.c); key sizes: what the PRFs take */
	{ CKM_SP800_108_COUNTER_KDF, MECH_FAM_DERIVE, CKF_DERIVE, 1, 512, 0, NS, 0, PF_MD_COUNT },
	{ CKM_SP800_108_FEEDBACK_KDF, MECH_FAM_DERIVE, CKF_DERIVE, 1, 512, 0, NS, 0, PF_MD_COUNT },
	{ CKM_HKDF_DERIVE, MECH_FAM_DERIVE, CKF_DERIVE, 1, 512, 0, NS, 0, PF_MD_COUNT },
	{ CKM_PORTFOLIO_DIVERSIFY, MECH_FAM_DERIVE, CKF_DERIVE, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	/* key transport (mech_wrap.c; sizes are the wrapping key's) */
	{ CKM_AES_KEY_WRAP, MECH_FAM_WRAP, WRAP_UNWRAP, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_AES_KEY_WRAP_KWP, MECH_FAM_WRAP, WRAP_UNWRAP, 16, 32, CKK_AES, NS, 0, PF_MD_COUNT },
	{ CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, MECH_FAM_WRAP, WRAP_UNWRAP, 16, 32, CKK_AES, NS, 0,
	  PF_MD_COUNT },
	{ CKM_PORTFOLIO_SCP80_WRAP, MECH_FAM_SCP80, CKF_ENCRYPT, 16, 32, CKK_AES,
	  (int)CK_PORTFOLIO_SRV_SMS, 0, PF_MD_COUNT },
	{ CKM_PORTFOLIO_SCP80_UNWRAP, MECH_FAM_SCP80, CKF_DECRYPT, 16, 32, CKK_AES,
	  (int)CK_PORTFOLIO_SRV_SMS, 0, PF_MD_COUNT },
};

#define TABLE_SIZE (sizeof(table) / sizeof(table[0]))

/* Mechanisms a slot offers only when its configuration enables them. Kept out
 * of the main table so the check on every C_*Init is one short scan. */
static const struct {
	CK_MECHANISM_TYPE type;
	unsigned bit;
} opt_ins[] = {
	/* A decrypt-only server copy of the key is a decryption oracle, and with it
	 * anyone who can call C_Decrypt forges answers (docs/mechanisms.md 5.1). */
	{ CKM_PORTFOLIO_ENC_CBC, MECH_OPT_IN_ENC_CBC },
};

int mech_offered(CK_MECHANISM_TYPE type, unsigned enabled)
{
	for (size_t i = 0; i < sizeof opt_ins / sizeof opt_ins[0]; i++)
		if (opt_ins[i].type == type)
			return (opt_ins[i].bit & ~enabled) == 0;
	return 1;
}

size_t mech_list(unsigned enabled, CK_MECHANISM_TYPE *out)
{
	size_t n = 0;
	for (size_t i = 0; i < TABLE_SIZE; i++) {
		if (!mech_offered(table[i].type, enabled))
			continue;
		if (out != NULL)
			out[n] = table[i].type;
		n++;
	}
	return n;
}

size_t mech_count(void)
{
	return TABLE_SIZE;
}

CK_MECHANISM_TYPE mech_type_at(size_t i)
{
	return i < TABLE_SIZE ? table[i].type : CK_UNAVAILABLE_INFORMATION;
}

const mech_desc *mech_find(CK_MECHANISM_TYPE type)
{
	for (size_t i = 0; i < TABLE_SIZE; i++)
		if (table[i].type == type)
			return &table[i];
	return NULL;
}

int mech_service_key_fits(CK_ULONG service, CK_KEY_TYPE type, CK_ULONG len)
{
	for (size_t i = 0; i < TABLE_SIZE; i++)
		if (table[i].service == (int)service && table[i].key_type == type &&
		    mech_key_size_ok(&table[i], len))
			return 1;
	return 0;
}

CK_RV mech_get_info(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *out)
{
	const mech_desc *d = mech_find(type);

	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	if (d == NULL)
		return CKR_MECHANISM_INVALID;
	out->ulMinKeySize = d->min_key;
	out->ulMaxKeySize = d->max_key;
	out->flags = d->flags;
	return CKR_OK;
}
