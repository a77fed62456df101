/*
 * crypto_random.c - random bytes, the Portfolio IV source, constant-time compare.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "util/log.h"

/* RAND_bytes / RAND_priv_bytes take an int length: big requests in slices. */
static int random_from(int (*source)(unsigned char *, int), uint8_t *out, size_t len)
{
	if (out == NULL && len != 0)
		return PF_CRYPTO_ERR;
	while (len > 0) {
		size_t n = len > PF_EVP_SLICE ? PF_EVP_SLICE : len;
		if (source(out, (int)n) != 1)
			return PF_CRYPTO_ERR;
		out += n;
		len -= n;
	}
	return PF_CRYPTO_OK;
}

int pf_random(uint8_t *out, size_t len)
{
	return random_from(RAND_bytes, out, len);
}

int pf_random_private(uint8_t *out, size_t len)
{
	return random_from(RAND_priv_bytes, out, len);
}

/* The test hook: a fixed IV, guarded because tests may run threads. The
 * flag lets the module's path (hook never set) skip the global mutex, which
 * two threads encrypting at once would otherwise bounce between cores. */
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t fixed_iv[PF_AES_BLOCK];
static size_t fixed_len; /* 0 = random IVs (always, in the module) */
static _Atomic int fixed_active;

void crypto_test_set_fixed_iv(const uint8_t *iv, size_t len)
{
	pthread_mutex_lock(&fixed_lock);
	if (iv == NULL || len == 0) {
		fixed_len = 0;
		atomic_store_explicit(&fixed_active, 0, memory_order_release);
	} else {
		fixed_len = len > sizeof(fixed_iv) ? sizeof(fixed_iv) : len;
		memcpy(fixed_iv, iv, fixed_len);
		atomic_store_explicit(&fixed_active, 1, memory_order_release);
		PF_WARN("crypto: fixed IV installed (test hook); never in production");
	}
	pthread_mutex_unlock(&fixed_lock);
}

int pf_random_iv(uint8_t *out, size_t len)
{
	int fixed = 0;

	if (out == NULL)
		return PF_CRYPTO_ERR;
	if (!atomic_load_explicit(&fixed_active, memory_order_acquire))
		return pf_random(out, len);
	pthread_mutex_lock(&fixed_lock);
	if (fixed_len != 0) {
		for (size_t i = 0; i < len; i++)
			out[i] = fixed_iv[i % fixed_len];
		fixed = 1;
	}
	pthread_mutex_unlock(&fixed_lock);
	return fixed ? PF_CRYPTO_OK : pf_random(out, len);
}

int pf_iv_pool_take(pf_iv_pool *p, uint8_t *out, size_t len)
{
	if (p == NULL || out == NULL || len > sizeof(p->buf))
		return PF_CRYPTO_ERR;
	if (atomic_load_explicit(&fixed_active, memory_order_acquire))
		return pf_random_iv(out, len);
	if (p->avail < len) {
		if (pf_random(p->buf, sizeof(p->buf)) != PF_CRYPTO_OK) {
			pf_iv_pool_wipe(p);
			return PF_CRYPTO_ERR;
		}
		p->avail = sizeof(p->buf);
	}
	p->avail -= len; /* from the end of the unused part: each byte once */
	memcpy(out, p->buf + p->avail, len);
	return PF_CRYPTO_OK;
}

void pf_iv_pool_wipe(pf_iv_pool *p)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p->buf, sizeof(p->buf));
	p->avail = 0;
}

int pf_ct_equal_bytes(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
