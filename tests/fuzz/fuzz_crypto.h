/*
 * fuzz_crypto.h - what a key would answer, computed with OpenSSL directly (not
 * through the module's src/crypto): the oracles of the policy harnesses
 * recompute a signature or open a ciphertext with every key they know, to
 * tell which key produced an answer.
 */
#ifndef PORTFOLIO_FUZZ_CRYPTO_H
#define PORTFOLIO_FUZZ_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz_input.h"

#define FZ_MAX_MAC 32

enum { FZ_AES_ECB, FZ_AES_GCM, FZ_AES_CBC };

/* AES-CMAC (cmac, AES keys of 16/24/32 bytes) or HMAC-SHA256 (any key) of
 * msg into out; its length, 0 if the key cannot. */
static inline size_t fz_mac(int cmac, const uint8_t *key, size_t key_len, const uint8_t *msg, size_t n,
                            uint8_t out[FZ_MAX_MAC])
{
	static const char *const cbc[3] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
	size_t len = 0;
	if (cmac && key_len != 16 && key_len != 24 && key_len != 32)
		return 0;
	if (EVP_Q_mac(NULL, cmac ? "CMAC" : "HMAC", NULL, cmac ? cbc[(key_len - 16) / 8] : "SHA256", NULL, key,
	              key_len, msg, n, out, FZ_MAX_MAC, &len) == NULL)
		return 0;
	return len;
}

/* Does c open to want under an AES key? ECB: one block, no IV; GCM: IV(12) ||
 * C || tag(16), no AAD; CBC: IV(16) || C, PKCS#7. */
static inline int fz_aes_opens_to(int mode, const uint8_t *key, size_t key_len, const uint8_t *c, size_t n,
                                  const uint8_t *want, size_t want_len)
{
	static const char *const names[3][3] = {{"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"},
	                                        {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"},
	                                        {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"}};
	size_t iv_len = mode == FZ_AES_ECB ? 0 : mode == FZ_AES_GCM ? 12 : 16, tag = mode == FZ_AES_GCM ? 16 : 0;
	uint8_t out[512 + 32];
	int l1 = 0, l2 = 0, ok;
	if ((key_len != 16 && key_len != 24 && key_len != 32) || n < iv_len + tag || n - iv_len - tag > 512)
		return 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	FZ_CHECK(ctx != NULL);
	ok = EVP_DecryptInit_ex(ctx, EVP_get_cipherbyname(names[mode][(key_len - 16) / 8]), NULL, key,
	                        iv_len ? c : NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(ctx, mode == FZ_AES_CBC) == 1 &&
	     EVP_DecryptUpdate(ctx, out, &l1, c + iv_len, (int)(n - iv_len - tag)) == 1 &&
	     (mode != FZ_AES_GCM ||
	      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int)tag, (void *)(c + n - tag)) == 1) &&
	     EVP_DecryptFinal_ex(ctx, out + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok && (size_t)(l1 + l2) == want_len && memcmp(out, want, want_len) == 0;
}

/* AES-GCM of msg under key with an all-zero IV: IV(12) || C || tag(16) into out; its length. */
static inline size_t fz_aes_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t n,
                                     uint8_t *out)
{
	static const char *const gcm[3] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
	int l = 0;
	memset(out, 0, 12);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	FZ_CHECK(ctx != NULL);
	FZ_CHECK(EVP_EncryptInit_ex(ctx, EVP_get_cipherbyname(gcm[(key_len - 16) / 8]), NULL, key, out) == 1 &&
	         EVP_EncryptUpdate(ctx, out + 12, &l, msg, (int)n) == 1 &&
	         EVP_EncryptFinal_ex(ctx, out + 12 + l, &l) == 1 &&
	         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + n) == 1);
	EVP_CIPHER_CTX_free(ctx);
	return 12 + n + 16;
}

#endif
