/*
 * crypto_gcm.c - AES-GCM in one call with the tag kept apart from the
 * ciphertext: the layout of the emulator's sealed rows and wrapped token keys
 * (docs/storage.md). Allocates a context per call: for sealing at rest, not
 * for the signing path (that uses pf_cipher, crypto_cipher.c).
 */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/crypto_local.h"
#include "util/secure.h"

static int gcm_run(int encrypt, const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                   const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                   uint8_t *tag, size_t tag_len)
{
	const pf_alg_table *t = pf_algs();
	int ki = pf_aes_key_index(key_len);

	if (t == NULL || ki < 0 || iv == NULL || iv_len == 0 || iv_len > 256 || tag_len == 0 ||
	    tag_len > PF_GCM_MAX_TAG || len > PF_EVP_SLICE || aad_len > PF_EVP_SLICE ||
	    (aad == NULL && aad_len != 0) || ((in == NULL || out == NULL) && len != 0))
		return PF_CRYPTO_ERR;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return PF_CRYPTO_ERR;
	size_t ivl = iv_len;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivl),
		OSSL_PARAM_construct_end(),
	};
	int outl = 0;
	int ok = EVP_CipherInit_ex2(c, t->gcm[ki], NULL, NULL, encrypt, params) == 1 &&
	         EVP_CipherInit_ex2(c, NULL, key, iv, encrypt, NULL) == 1 &&
	         (aad_len == 0 || EVP_CipherUpdate(c, NULL, &outl, aad, (int)aad_len) == 1) &&
	         (len == 0 || EVP_CipherUpdate(c, out, &outl, in, (int)len) == 1);
	if (encrypt)
		ok = ok && EVP_CipherFinal_ex(c, out + len, &outl) == 1 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, tag) == 1;
	else
		ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, tag) == 1 &&
		     EVP_CipherFinal_ex(c, out + len, &outl) == 1; /* the tag check */
	EVP_CIPHER_CTX_free(c);
	if (ok)
		return PF_CRYPTO_OK;
	pf_wipe(out, len);
	return encrypt ? PF_CRYPTO_ERR : PF_CRYPTO_AUTH_FAILED;
}

int pf_aes_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t *tag, size_t tag_len)
{
	return gcm_run(1, key, key_len, iv, iv_len, aad, aad_len, in, len, out, tag, tag_len);
}

int pf_aes_gcm_open(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                    const uint8_t *tag, size_t tag_len, uint8_t *out)
{
	uint8_t tag_copy[PF_GCM_MAX_TAG];

	if (tag == NULL || tag_len == 0 || tag_len > sizeof(tag_copy))
		return PF_CRYPTO_ERR;
	memcpy(tag_copy, tag, tag_len); /* EVP takes a non-const tag */
	return gcm_run(0, key, key_len, iv, iv_len, aad, aad_len, in, len, out, tag_copy, tag_len);
}
