/*
 * kdf_hkdf.c - RFC 5869 HKDF through EVP_KDF "HKDF" (extract, expand, or
 * both), the primitive of CKM_HKDF_DERIVE / CKM_HKDF_DATA.
 */
#include "config.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/crypto_local.h"
#include "crypto/kdf_local.h"
#include "util/secure.h"

static const int evp_mode[] = {
	[PF_HKDF_EXTRACT_AND_EXPAND] = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND,
	[PF_HKDF_EXTRACT_ONLY] = EVP_KDF_HKDF_MODE_EXTRACT_ONLY,
	[PF_HKDF_EXPAND_ONLY] = EVP_KDF_HKDF_MODE_EXPAND_ONLY,
};

static int hkdf_args_ok(pf_hkdf_mode mode, pf_md_alg md, size_t key_len, size_t salt_len,
                        const uint8_t *salt, size_t info_len, const uint8_t *info, size_t out_len)
{
	size_t h = pf_md_size(md);

	if (md != PF_MD_SHA256 && md != PF_MD_SHA384 && md != PF_MD_SHA512)
		return 0;
	if ((unsigned)mode > PF_HKDF_EXPAND_ONLY || key_len == 0 || out_len == 0)
		return 0;
	if ((salt == NULL && salt_len != 0) || (info == NULL && info_len != 0))
		return 0;
	if (mode == PF_HKDF_EXTRACT_ONLY)
		return out_len == h;           /* the PRK is exactly HashLen */
	return out_len <= 255 * h;         /* RFC 5869 2.3: L <= 255 * HashLen */
}

int pf_hkdf(pf_hkdf_mode mode, pf_md_alg md, const uint8_t *key, size_t key_len,
            const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len,
            uint8_t *out, size_t out_len)
{
	const pf_kdf_algs *k = pf_kdf_fetch();
	const pf_alg_table *t = pf_algs();
	OSSL_PARAM params[6], *q = params;
	int evp = 0;
	EVP_KDF_CTX *ctx;
	int rc = PF_CRYPTO_ERR;

	if (!hkdf_args_ok(mode, md, key_len, salt_len, salt, info_len, info, out_len))
		return PF_CRYPTO_BAD_PARAM;
	if (k == NULL || t == NULL || key == NULL || out == NULL)
		return PF_CRYPTO_ERR;
	evp = evp_mode[mode];
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &evp);
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)t->md_name[md], 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
	/* No salt parameter = HashLen zeros, which is what HMAC makes of an empty key. */
	if (salt_len != 0 && mode != PF_HKDF_EXPAND_ONLY)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
	if (info_len != 0 && mode != PF_HKDF_EXTRACT_ONLY)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
	*q = OSSL_PARAM_construct_end();

	ctx = EVP_KDF_CTX_new(k->hkdf);
	if (ctx != NULL && EVP_KDF_derive(ctx, out, out_len, params) == 1)
		rc = PF_CRYPTO_OK;
	EVP_KDF_CTX_free(ctx); /* the provider cleanses its key and PRK */
	if (rc != PF_CRYPTO_OK)
		pf_wipe(out, out_len);
	return rc;
}
