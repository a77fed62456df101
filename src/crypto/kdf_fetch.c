/*
 * kdf_fetch.c - fetch EVP_KDF "KBKDF" and "HKDF" once (the same reasoning as
 * crypto_algs.c: a fetch walks the provider store under locks, so never per
 * derivation) and release them on pf_kdf_cleanup, so that nothing fetched
 * outlives an unload of the module. Kept apart from the cipher/MAC table so
 * that a provider without KDFs still signs and encrypts. The fast path is
 * one acquire load; the mutex is taken only to fetch or to release.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>

#include "crypto/kdf_local.h"
#include "util/log.h"

static pf_kdf_algs kdf_table;
static pthread_mutex_t kdf_mu = PTHREAD_MUTEX_INITIALIZER;
/* 0: not fetched; 1: fetched; -1: fetching failed (until the next cleanup). */
static atomic_int kdf_state;

static int fetch_kdfs(void)
{
	kdf_table.kbkdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	kdf_table.hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (kdf_table.kbkdf != NULL && kdf_table.hkdf != NULL)
		return 1;
	PF_ERROR("crypto: OpenSSL lacks EVP_KDF KBKDF or HKDF");
	return 0;
}

const pf_kdf_algs *pf_kdf_fetch(void)
{
	int state = atomic_load_explicit(&kdf_state, memory_order_acquire);

	if (state == 0) {
		pthread_mutex_lock(&kdf_mu);
		state = atomic_load_explicit(&kdf_state, memory_order_relaxed);
		if (state == 0) {
			state = fetch_kdfs() ? 1 : -1;
			atomic_store_explicit(&kdf_state, state, memory_order_release);
		}
		pthread_mutex_unlock(&kdf_mu);
	}
	return state == 1 ? &kdf_table : NULL;
}

void pf_kdf_cleanup(void)
{
	pthread_mutex_lock(&kdf_mu);
	EVP_KDF_free(kdf_table.kbkdf);
	EVP_KDF_free(kdf_table.hkdf);
	kdf_table.kbkdf = kdf_table.hkdf = NULL;
	atomic_store_explicit(&kdf_state, 0, memory_order_release);
	pthread_mutex_unlock(&kdf_mu);
}
