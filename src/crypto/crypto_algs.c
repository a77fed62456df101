/*
 * crypto_algs.c - fetch every algorithm the module uses exactly once.
 *
 * EVP_*_fetch walks the provider store and takes locks; doing it per
 * operation is the classic OpenSSL 3 slowdown. We fetch into one table on
 * first use, keep the references until pf_crypto_cleanup (C_Finalize), and
 * hand out const pointers (fetch_once.h). Without the release, the fetched
 * objects outlive a dlclose of the module as leaks (valgrind: "definitely
 * lost" under EVP_MAC_fetch).
 */
#include "config.h"

#include <string.h>

#include "crypto/crypto_local.h"
#include "crypto/fetch_once.h"
#include "crypto/kdf.h"
#include "util/log.h"

static pf_alg_table table;
static pf_fetch_once table_once = PF_FETCH_ONCE_INIT;

static const char *const ecb_names[3] = { "AES-128-ECB", "AES-192-ECB", "AES-256-ECB" };
static const char *const cbc_names[3] = { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" };
static const char *const gcm_names[3] = { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" };
static const char *const md_names[PF_MD_COUNT] = { "SHA1", "SHA224", "SHA256", "SHA384", "SHA512" };

static int fetch_all(void)
{
	int ok = 1;

	for (int i = 0; i < 3; i++) {
		table.ecb[i] = EVP_CIPHER_fetch(NULL, ecb_names[i], NULL);
		table.cbc[i] = EVP_CIPHER_fetch(NULL, cbc_names[i], NULL);
		table.gcm[i] = EVP_CIPHER_fetch(NULL, gcm_names[i], NULL);
		table.cbc_name[i] = cbc_names[i];
		ok = ok && table.ecb[i] && table.cbc[i] && table.gcm[i];
	}
	table.cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	table.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ok = ok && table.cmac && table.hmac;
	for (int i = 0; i < PF_MD_COUNT; i++) {
		table.md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
		table.md_name[i] = md_names[i];
		ok = ok && table.md[i];
	}
	if (!ok)
		PF_ERROR("crypto: OpenSSL lacks a required algorithm (AES/CMAC/HMAC/SHA)");
	return ok;
}

const pf_alg_table *pf_algs(void)
{
	return pf_fetch_once_run(&table_once, fetch_all) ? &table : NULL;
}

static void release_all(void)
{
	for (int i = 0; i < 3; i++) {
		EVP_CIPHER_free(table.ecb[i]);
		EVP_CIPHER_free(table.cbc[i]);
		EVP_CIPHER_free(table.gcm[i]);
	}
	EVP_MAC_free(table.cmac);
	EVP_MAC_free(table.hmac);
	for (int i = 0; i < PF_MD_COUNT; i++)
		EVP_MD_free(table.md[i]);
	memset(&table, 0, sizeof(table));
}

void pf_crypto_cleanup(void)
{
	pf_fetch_release(&table_once, release_all);
	pf_kdf_cleanup(); /* the derivation algorithms, fetched apart (kdf_fetch.c) */
}

int pf_crypto_init(void)
{
	return pf_algs() != NULL ? PF_CRYPTO_OK : PF_CRYPTO_ERR;
}

int pf_aes_key_index(size_t key_len)
{
	switch (key_len) {
	case 16: return 0;
	case 24: return 1;
	case 32: return 2;
	default: return -1;
	}
}
