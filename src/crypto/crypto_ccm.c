/*
 * crypto_ccm.c - AES-CCM in one call (ccm.h). The EVP sequence CCM needs:
 * cipher, nonce length and tag length (with the expected tag when
 * decrypting) before the key and nonce; then the total length, the AAD, and
 * the data in a single update. Not on any hot path: each call makes and
 * frees its own context.
 */
#include "config.h"

#include <openssl/evp.h>

#include "crypto/ccm.h"
#include "crypto/crypto.h"
#include "util/secure.h"

static const uint8_t empty[1];
static const char *const ccm_names[] = { "AES-128-CCM", "AES-192-CCM", "AES-256-CCM" };

static int params_ok(size_t key_len, size_t nonce_len, size_t tag_len, size_t data_len)
{
	unsigned q = 15u - (unsigned)nonce_len;

	if (key_len != 16 && key_len != 24 && key_len != 32)
		return 0;
	if (nonce_len < PF_CCM_NONCE_MIN || nonce_len > PF_CCM_NONCE_MAX)
		return 0;
	if (tag_len < PF_CCM_TAG_MIN || tag_len > PF_CCM_TAG_MAX || tag_len % 2 != 0)
		return 0;
	/* the length field has q bytes; int is what EVP_CipherUpdate takes */
	return data_len <= (size_t)0x7fffffff && (q >= 8 || (data_len >> (8u * q)) == 0);
}

/* Cipher, lengths, expected tag (decrypt), key and nonce, total length, AAD. */
static int ccm_start(EVP_CIPHER_CTX *ctx, EVP_CIPHER *cipher, int enc, const uint8_t *key,
                     const uint8_t *nonce, size_t nonce_len, const uint8_t *tag, size_t tag_len,
                     const uint8_t *aad, size_t aad_len, size_t data_len)
{
	int n = 0;

	if (EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, enc ? NULL : (void *)tag) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)data_len) != 1)
		return 0;
	return aad_len == 0 || EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len) == 1;
}

int pf_aes_ccm(int encrypt, const uint8_t *key, size_t key_len, const uint8_t *nonce,
               size_t nonce_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
               size_t in_len, size_t tag_len, uint8_t *out, size_t *out_len)
{
	size_t data_len = encrypt ? in_len : in_len - tag_len;
	const uint8_t *tag = encrypt ? NULL : in + data_len;
	uint8_t sink[1];
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	int n = 0, ok, rc = PF_CRYPTO_ERR;

	*out_len = 0;
	if (!encrypt && in_len < tag_len)
		return PF_CRYPTO_BAD_LENGTH;
	if (out == NULL && (encrypt || data_len != 0))
		return PF_CRYPTO_ERR; /* nowhere to write */
	if (!params_ok(key_len, nonce_len, tag_len, data_len) || aad_len > (size_t)0x7fffffff ||
	    (aad == NULL && aad_len != 0) || (in == NULL && in_len != 0))
		return PF_CRYPTO_BAD_LENGTH;
	cipher = EVP_CIPHER_fetch(NULL, ccm_names[(key_len - 16) / 8], NULL);
	ctx = EVP_CIPHER_CTX_new();
	if (cipher == NULL || ctx == NULL)
		goto out;
	if (!ccm_start(ctx, cipher, encrypt, key, nonce, nonce_len, tag, tag_len, aad, aad_len,
	               data_len))
		goto out;
	/* decrypt: this one update checks the tag, and fails when it does not match.
	 * It must have a non-NULL input and output even when empty: EVP reads
	 * (in NULL, out set) as "final" and (in set, out NULL) as AAD, and would
	 * then check no tag at all. */
	ok = EVP_CipherUpdate(ctx, out != NULL ? out : sink, &n, in != NULL ? in : empty,
	                      (int)data_len) == 1 &&
	     (size_t)n == data_len;
	if (!ok) {
		pf_wipe(out, data_len);
		rc = encrypt ? PF_CRYPTO_ERR : PF_CRYPTO_AUTH_FAILED;
		goto out;
	}
	if (encrypt &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)tag_len, out + data_len) != 1)
		goto out;
	*out_len = data_len + (encrypt ? tag_len : 0);
	rc = PF_CRYPTO_OK;
out:
	EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
	EVP_CIPHER_free(cipher);
	return rc;
}
