/*
 * crypto_wrap.c - AES key wrap: RFC 3394 (AES-KW, the default IV
 * A6A6A6A6A6A6A6A6) and RFC 5649 (AES-KWP, with padding), through OpenSSL's
 * "AES-<bits>-WRAP" and "AES-<bits>-WRAP-PAD" ciphers.
 *
 * Key management is not a hot path: the cipher is fetched per call and
 * released at once, so nothing here outlives the call (no table to release
 * at C_Finalize).
 */
#include "config.h"

#include <openssl/evp.h>

#include "crypto/crypto.h"

/* "AES-128-WRAP" ... "AES-256-WRAP-PAD", or NULL for a key size AES lacks. */
static const char *wrap_name(size_t kek_len, int pad)
{
	static const char *const names[3][2] = {
		{"AES-128-WRAP", "AES-128-WRAP-PAD"},
		{"AES-192-WRAP", "AES-192-WRAP-PAD"},
		{"AES-256-WRAP", "AES-256-WRAP-PAD"},
	};
	if (kek_len != 16 && kek_len != 24 && kek_len != 32)
		return NULL;
	return names[(kek_len - 16) / 8][pad ? 1 : 0];
}

size_t pf_aes_wrap_len(size_t key_len, int pad)
{
	if (pad)
		return ((key_len + 7) / 8) * 8 + 8;
	return key_len + 8;
}

int pf_aes_wrap_input_ok(size_t in_len, int pad, int wrapping)
{
	if (wrapping) /* KW: whole 64-bit blocks, at least two; KWP: 1 byte and up */
		return pad ? in_len >= 1 && in_len <= PF_AES_WRAP_MAX : in_len >= 16 && in_len % 8 == 0 &&
		                                                            in_len <= PF_AES_WRAP_MAX;
	/* a wrapped blob: whole blocks; KW at least 3 (two of key), KWP at least 2 */
	return in_len % 8 == 0 && in_len >= (pad ? 16u : 24u) && in_len <= PF_AES_WRAP_MAX + 16;
}

/* One wrap or unwrap; *out_len in: room (checked by the callers), out: written. */
static int wrap_run(const uint8_t *kek, size_t kek_len, int pad, int enc, const uint8_t *in,
                    size_t in_len, uint8_t *out, size_t *out_len)
{
	const char *name = wrap_name(kek_len, pad);
	if (name == NULL || !pf_aes_wrap_input_ok(in_len, pad, enc))
		return PF_CRYPTO_BAD_LENGTH;
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int rc = PF_CRYPTO_ERR, n = 0, fin = 0;
	if (c != NULL && ctx != NULL && EVP_CipherInit_ex2(ctx, c, kek, NULL, enc, NULL) == 1) {
		/* Unwrap checks the integrity value (and KWP's length and padding) here. */
		if (EVP_CipherUpdate(ctx, out, &n, in, (int)in_len) != 1 || n < 0)
			rc = enc ? PF_CRYPTO_ERR : PF_CRYPTO_AUTH_FAILED;
		else if (EVP_CipherFinal_ex(ctx, out + n, &fin) != 1)
			rc = enc ? PF_CRYPTO_ERR : PF_CRYPTO_AUTH_FAILED;
		else {
			*out_len = (size_t)n + (size_t)fin;
			rc = PF_CRYPTO_OK;
		}
	}
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return rc;
}

int pf_aes_wrap(const uint8_t *kek, size_t kek_len, int pad, const uint8_t *in, size_t in_len,
                uint8_t *out, size_t *out_len)
{
	if (out_len == NULL || *out_len < pf_aes_wrap_len(in_len, pad))
		return PF_CRYPTO_BAD_LENGTH;
	return wrap_run(kek, kek_len, pad, 1, in, in_len, out, out_len);
}

int pf_aes_unwrap(const uint8_t *kek, size_t kek_len, int pad, const uint8_t *in, size_t in_len,
                  uint8_t *out, size_t *out_len)
{
	/* the key is at most the blob less its 8-byte integrity block */
	if (out_len == NULL || in_len < 8 || *out_len < in_len - 8)
		return PF_CRYPTO_BAD_LENGTH;
	int rc = wrap_run(kek, kek_len, pad, 0, in, in_len, out, out_len);
	if (rc != PF_CRYPTO_OK)
		OPENSSL_cleanse(out, in_len - 8); /* nothing of a refused blob stays */
	return rc;
}
