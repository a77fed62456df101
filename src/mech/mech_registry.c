/*
 * mech_registry.c - every mechanism the module offers, in one table.
 * C_GetMechanismList / C_GetMechanismInfo read it; mech_op_init finds a row
 * here and follows its family object (mech_local.h). A new mechanism is one
 * row here, pointing at its family.
 *
 * Key sizes are in bytes, the PKCS#11 2.40+ convention for AES and generic
 * secrets. The Portfolio rows carry the service their keys must belong to
 * (MECH_MASTER_OF: a master of that service, which no keyset key matches);
 * standard rows refuse keys that belong to a service.
 */
#include "config.h"

#include "mech/mech_local.h"

#define ENC_DEC (CKF_ENCRYPT | CKF_DECRYPT)
#define SIGN_VER (CKF_SIGN | CKF_VERIFY)
#define NS MECH_NO_SERVICE
#define AUTHENT ((int)CK_PORTFOLIO_SRV_AUTHENT)
#define ENCRYPT ((int)CK_PORTFOLIO_SRV_ENCRYPT)
#define GENSEC CKK_GENERIC_SECRET
#define SMS ((int)CK_PORTFOLIO_SRV_SMS)
#define WRAP_UNWRAP (CKF_WRAP | CKF_UNWRAP)
#define MASTER_AUTHENT MECH_MASTER_OF(CK_PORTFOLIO_SRV_AUTHENT)
#define MASTER_ENCRYPT MECH_MASTER_OF(CK_PORTFOLIO_SRV_ENCRYPT)

/* type, flags, key sizes, key type, service, family, variant, output length */
static const mech_desc table[] = {
	{ CKM_AES_KEY_GEN, CKF_GENERATE, 16, 32, CKK_AES, NS, &mech_fam_keygen, 0, 0 },
	{ CKM_GENERIC_SECRET_KEY_GEN, CKF_GENERATE, 1, 512, GENSEC, NS, &mech_fam_keygen, 0, 0 },
	{ CKM_AES_ECB, ENC_DEC, 16, 32, CKK_AES, NS, &mech_fam_aes_ecb, SE_AES_ECB, 0 },
	{ CKM_AES_CBC, ENC_DEC, 16, 32, CKK_AES, NS, &mech_fam_aes_cbc, SE_AES_CBC, 0 },
	{ CKM_AES_CBC_PAD, ENC_DEC, 16, 32, CKK_AES, NS, &mech_fam_aes_cbc_pad, SE_AES_CBC_PAD, 0 },
	{ CKM_AES_GCM, ENC_DEC, 16, 32, CKK_AES, NS, &mech_fam_aes_gcm, SE_AES_GCM, 0 },
	{ CKM_AES_CCM, ENC_DEC, 16, 32, CKK_AES, NS, &mech_fam_aes_ccm, 0, 0 },
	{ CKM_AES_CMAC, SIGN_VER, 16, 32, CKK_AES, NS, &mech_fam_mac, SE_MAC_CMAC_AES, 16 },
	{ CKM_AES_CMAC_GENERAL, SIGN_VER, 16, 32, CKK_AES, NS, &mech_fam_mac_general, SE_MAC_CMAC_AES,
	  16 },
	{ CKM_SHA_1, CKF_DIGEST, 0, 0, 0, NS, &mech_fam_digest, PF_MD_SHA1, 20 },
	{ CKM_SHA224, CKF_DIGEST, 0, 0, 0, NS, &mech_fam_digest, PF_MD_SHA224, 28 },
	{ CKM_SHA256, CKF_DIGEST, 0, 0, 0, NS, &mech_fam_digest, PF_MD_SHA256, 32 },
	{ CKM_SHA384, CKF_DIGEST, 0, 0, 0, NS, &mech_fam_digest, PF_MD_SHA384, 48 },
	{ CKM_SHA512, CKF_DIGEST, 0, 0, 0, NS, &mech_fam_digest, PF_MD_SHA512, 64 },
	{ CKM_SHA_1_HMAC, SIGN_VER, 1, 512, GENSEC, NS, &mech_fam_mac, SE_MAC_HMAC_SHA1, 20 },
	{ CKM_SHA256_HMAC, SIGN_VER, 1, 512, GENSEC, NS, &mech_fam_mac, SE_MAC_HMAC_SHA256, 32 },
	{ CKM_SHA256_HMAC_GENERAL, SIGN_VER, 1, 512, GENSEC, NS, &mech_fam_mac_general,
	  SE_MAC_HMAC_SHA256, 32 },
	{ CKM_SHA384_HMAC, SIGN_VER, 1, 512, GENSEC, NS, &mech_fam_mac, SE_MAC_HMAC_SHA384, 48 },
	{ CKM_SHA512_HMAC, SIGN_VER, 1, 512, GENSEC, NS, &mech_fam_mac, SE_MAC_HMAC_SHA512, 64 },
	{ CKM_PORTFOLIO_AUTH_CMAC, SIGN_VER, 16, 32, CKK_AES, AUTHENT, &mech_fam_pf_auth,
	  SE_PF_AUTH_CMAC, 16 },
	{ CKM_PORTFOLIO_AUTH_HMAC, SIGN_VER, 16, 512, GENSEC, AUTHENT, &mech_fam_pf_auth,
	  SE_PF_AUTH_HMAC, 32 },
	{ CKM_PORTFOLIO_ENC_GCM, ENC_DEC, 16, 32, CKK_AES, ENCRYPT, &mech_fam_pf_enc, SE_PF_ENC_GCM, 0 },
	{ CKM_PORTFOLIO_ENC_CBC, ENC_DEC, 16, 32, CKK_AES, ENCRYPT, &mech_fam_pf_enc, SE_PF_ENC_CBC, 0 },
	/* C_DeriveKey (mech_derive.c); key sizes: what the PRFs take */
	{ CKM_SP800_108_COUNTER_KDF, CKF_DERIVE, 1, 512, 0, NS, &mech_fam_derive, 0, 0 },
	{ CKM_SP800_108_FEEDBACK_KDF, CKF_DERIVE, 1, 512, 0, NS, &mech_fam_derive, 0, 0 },
	{ CKM_HKDF_DERIVE, CKF_DERIVE, 1, 512, 0, NS, &mech_fam_derive, 0, 0 },
	{ CKM_PORTFOLIO_DIVERSIFY, CKF_DERIVE, 16, 32, CKK_AES, NS, &mech_fam_derive, 0, 0 },
	{ CKM_PORTFOLIO_ONEM2M_CONF, CKF_DERIVE, 32, 64, GENSEC, NS, &mech_fam_derive, 0, 0 },
	/* key transport (mech_wrap.c; sizes are the wrapping key's) */
	{ CKM_AES_KEY_WRAP, WRAP_UNWRAP, 16, 32, CKK_AES, NS, &mech_fam_wrap, 0, 0 },
	{ CKM_AES_KEY_WRAP_KWP, WRAP_UNWRAP, 16, 32, CKK_AES, NS, &mech_fam_wrap, 0, 0 },
	{ CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, WRAP_UNWRAP, 16, 32, CKK_AES, NS, &mech_fam_wrap, 0, 0 },
	/* the SMS binding (mech_scp80.c): the key is the KID of an SMS keyset */
	{ CKM_PORTFOLIO_SCP80_WRAP, CKF_ENCRYPT, 16, 32, CKK_AES, SMS, &mech_fam_scp80, SE_SCP80_WRAP, 0 },
	{ CKM_PORTFOLIO_SCP80_UNWRAP, CKF_DECRYPT, 16, 32, CKK_AES, SMS, &mech_fam_scp80, SE_SCP80_UNWRAP,
	  0 },
	{ CKM_PORTFOLIO_SCP80_POR_UNWRAP, CKF_DECRYPT, 16, 32, CKK_AES, SMS, &mech_fam_scp80,
	  SE_SCP80_POR_UNWRAP, 0 },
	/* a device's answer checked with a master alone (mech_div.c; key sizes: the master's) */
	{ CKM_PORTFOLIO_DIV_AUTH_CMAC, CKF_VERIFY, 16, 32, CKK_AES, MASTER_AUTHENT, &mech_fam_div_auth,
	  SE_PF_AUTH_CMAC, 16 },
	{ CKM_PORTFOLIO_DIV_AUTH_HMAC, CKF_VERIFY, 16, 32, CKK_AES, MASTER_AUTHENT, &mech_fam_div_auth,
	  SE_PF_AUTH_HMAC, 32 },
	{ CKM_PORTFOLIO_DIV_ENC_GCM, CKF_DECRYPT, 16, 32, CKK_AES, MASTER_ENCRYPT, &mech_fam_div_enc,
	  SE_PF_ENC_GCM, 0 },
	/* (new rows above this line) */
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
	out->flags = d->flags | mech_msg_flags(d);
	return CKR_OK;
}
