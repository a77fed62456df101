/*
 * crypto_random.c - random bytes, the Portfolio IV source, constant-time compare.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "util/log.h"

int pf_random(uint8_t *out, size_t len)
{
	if (out == NULL && len != 0)
		return PF_CRYPTO_ERR;
	while (len > 0) {
		size_t n = len > PF_EVP_SLICE ? PF_EVP_SLICE : len;
		if (RAND_bytes(out, (int)n) != 1)
			return PF_CRYPTO_ERR;
		out += n;
		len -= n;
	}
	return PF_CRYPTO_OK;
}

/* The test hook: a fixed IV, guarded because tests may run threads. */
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t fixed_iv[PF_AES_BLOCK];
static size_t fixed_len; /* 0 = random IVs (always, in the module) */

void crypto_test_set_fixed_iv(const uint8_t *iv, size_t len)
{
	pthread_mutex_lock(&fixed_lock);
	if (iv == NULL || len == 0) {
		fixed_len = 0;
	} else {
		fixed_len = len > sizeof(fixed_iv) ? sizeof(fixed_iv) : len;
		memcpy(fixed_iv, iv, fixed_len);
		PF_WARN("crypto: fixed IV installed (test hook); never in production");
	}
	pthread_mutex_unlock(&fixed_lock);
}

int pf_random_iv(uint8_t *out, size_t len)
{
	int fixed = 0;

	if (out == NULL)
		return PF_CRYPTO_ERR;
	pthread_mutex_lock(&fixed_lock);
	if (fixed_len != 0) {
		for (size_t i = 0; i < len; i++)
			out[i] = fixed_iv[i % fixed_len];
		fixed = 1;
	}
	pthread_mutex_unlock(&fixed_lock);
	return fixed ? PF_CRYPTO_OK : pf_random(out, len);
}

int pf_ct_equal_bytes(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
