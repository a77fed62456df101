/*
 * kdf_fetch.c - fetch EVP_KDF "KBKDF" and "HKDF" once (the same reasoning as
 * crypto_algs.c: a fetch walks the provider store under locks, so never per
 * derivation) and release them on pf_kdf_cleanup, so that nothing fetched
 * outlives an unload of the module. Kept apart from the cipher/MAC table so
 * that a provider without KDFs still signs and encrypts (fetch_once.h).
 */
#include "config.h"

#include "crypto/fetch_once.h"
#include "crypto/kdf_local.h"
#include "util/log.h"

static pf_kdf_algs kdf_table;
static pf_fetch_once kdf_once = PF_FETCH_ONCE_INIT;

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
	return pf_fetch_once_run(&kdf_once, fetch_kdfs) ? &kdf_table : NULL;
}

static void release_kdfs(void)
{
	EVP_KDF_free(kdf_table.kbkdf);
	EVP_KDF_free(kdf_table.hkdf);
	kdf_table.kbkdf = kdf_table.hkdf = NULL;
}

void pf_kdf_cleanup(void)
{
	pf_fetch_release(&kdf_once, release_kdfs);
}
