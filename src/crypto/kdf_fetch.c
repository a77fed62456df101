/*
 * kdf_fetch.c - fetch EVP_KDF "KBKDF" and "HKDF" once (the same reasoning as
 * crypto_algs.c: a fetch walks the provider store under locks, so never per
 * derivation). Kept apart from the cipher/MAC table so that a provider
 * without KDFs still signs and encrypts.
 */
#include "config.h"

#include <pthread.h>

#include "crypto/kdf_local.h"
#include "util/log.h"

static pf_kdf_algs kdf_table;
static int kdf_table_ok;
static pthread_once_t kdf_table_once = PTHREAD_ONCE_INIT;

static void fetch_kdfs(void)
{
	kdf_table.kbkdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	kdf_table.hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	kdf_table_ok = kdf_table.kbkdf != NULL && kdf_table.hkdf != NULL;
	if (!kdf_table_ok)
		PF_ERROR("crypto: OpenSSL lacks EVP_KDF KBKDF or HKDF");
}

const pf_kdf_algs *pf_kdf_fetch(void)
{
	if (pthread_once(&kdf_table_once, fetch_kdfs) != 0)
		return NULL;
	return kdf_table_ok ? &kdf_table : NULL;
}
