/*
 * crypto_mac.c - CMAC-AES and HMAC-SHA* over EVP_MAC.
 *
 * A context is made for one algorithm (and for CMAC one AES key length): the
 * block cipher / digest is named through a parameter when the context is
 * created, which makes the provider look the name up, so we do that once per
 * context and never again. After that, EVP_MAC_init with a key re-keys in
 * place and EVP_MAC_init with a NULL key restarts with the same key; for CMAC
 * neither allocates (measured on OpenSSL 3.0: 0 allocations for restart,
 * re-key, update and final).
 */
#include "config.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "util/secure.h"

struct pf_mac {
	EVP_MAC_CTX *ctx;
	pf_mac_alg alg;
	size_t key_len;   /* CMAC: the AES key length the context was made for */
	size_t size;      /* full tag length */
	int keyed;        /* a key is loaded (restart is possible) */
	int ready;        /* started and not finalised */
};

static const pf_md_alg hmac_md[PF_MAC_COUNT] = {
	PF_MD_COUNT, PF_MD_SHA1, PF_MD_SHA224, PF_MD_SHA256, PF_MD_SHA384, PF_MD_SHA512,
};

size_t pf_mac_alg_size(pf_mac_alg alg)
{
	if (alg == PF_MAC_CMAC_AES)
		return PF_AES_BLOCK;
	if ((unsigned)alg < PF_MAC_COUNT)
		return pf_md_size(hmac_md[alg]);
	return 0;
}

pf_mac *pf_mac_new(pf_mac_alg alg, size_t key_len)
{
	const pf_alg_table *t = pf_algs();
	OSSL_PARAM params[2];
	pf_mac *m;

	if (t == NULL || (unsigned)alg >= PF_MAC_COUNT)
		return NULL;
	if (alg == PF_MAC_CMAC_AES) {
		int ki = pf_aes_key_index(key_len);
		if (ki < 0)
			return NULL;
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
		                                             (char *)t->cbc_name[ki], 0);
	} else {
		key_len = 0; /* HMAC accepts any key length in one context */
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		                                             (char *)t->md_name[hmac_md[alg]], 0);
	}
	params[1] = OSSL_PARAM_construct_end();

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->ctx = EVP_MAC_CTX_new(alg == PF_MAC_CMAC_AES ? t->cmac : t->hmac);
	if (m->ctx == NULL || EVP_MAC_CTX_set_params(m->ctx, params) != 1) {
		EVP_MAC_CTX_free(m->ctx);
		free(m);
		return NULL;
	}
	m->alg = alg;
	m->key_len = key_len;
	m->size = pf_mac_alg_size(alg);
	return m;
}

void pf_mac_free(pf_mac *m)
{
	if (m == NULL)
		return;
	EVP_MAC_CTX_free(m->ctx); /* CMAC/HMAC cleanse their state on free */
	free(m);
}

int pf_mac_fits(const pf_mac *m, pf_mac_alg alg, size_t key_len)
{
	if (m == NULL || m->alg != alg)
		return 0;
	return alg != PF_MAC_CMAC_AES || m->key_len == key_len;
}

int pf_mac_set_key(pf_mac *m, const uint8_t *key, size_t key_len)
{
	if (m == NULL || key == NULL || key_len == 0)
		return PF_CRYPTO_ERR;
	if (m->alg == PF_MAC_CMAC_AES && key_len != m->key_len)
		return PF_CRYPTO_ERR;
	m->ready = 0;
	m->keyed = 0;
	if (EVP_MAC_init(m->ctx, key, key_len, NULL) != 1)
		return PF_CRYPTO_ERR;
	m->keyed = 1;
	m->ready = 1;
	return PF_CRYPTO_OK;
}

int pf_mac_restart(pf_mac *m)
{
	if (m == NULL || !m->keyed)
		return PF_CRYPTO_ERR;
	m->ready = 0;
	if (EVP_MAC_init(m->ctx, NULL, 0, NULL) != 1)
		return PF_CRYPTO_ERR;
	m->ready = 1;
	return PF_CRYPTO_OK;
}

int pf_mac_update(pf_mac *m, const void *data, size_t len)
{
	if (m == NULL || !m->ready || (data == NULL && len != 0))
		return PF_CRYPTO_ERR;
	if (len != 0 && EVP_MAC_update(m->ctx, data, len) != 1) {
		m->ready = 0;
		return PF_CRYPTO_ERR;
	}
	return PF_CRYPTO_OK;
}

int pf_mac_final(pf_mac *m, uint8_t *out, size_t out_len)
{
	uint8_t full[PF_MAC_MAX_SIZE];
	size_t n = 0;
	int rc = PF_CRYPTO_ERR;

	if (m == NULL || !m->ready || out == NULL || out_len == 0 || out_len > m->size)
		return PF_CRYPTO_ERR;
	m->ready = 0;
	if (out_len == m->size) {
		/* Straight into the caller's buffer: the common case, no copy. */
		if (EVP_MAC_final(m->ctx, out, &n, out_len) == 1 && n == out_len)
			rc = PF_CRYPTO_OK;
		return rc;
	}
	if (EVP_MAC_final(m->ctx, full, &n, sizeof(full)) == 1 && n == m->size) {
		memcpy(out, full, out_len);
		rc = PF_CRYPTO_OK;
	}
	pf_wipe(full, sizeof(full));
	return rc;
}

size_t pf_mac_size(const pf_mac *m)
{
	return m != NULL ? m->size : 0;
}

pf_mac_alg pf_mac_get_alg(const pf_mac *m)
{
	return m != NULL ? m->alg : PF_MAC_COUNT;
}

void pf_mac_forget_key(pf_mac *m)
{
	static const uint8_t zero[32];

	if (m == NULL || !m->keyed)
		return;
	/* Re-keying overwrites the key schedule and sub-keys in place. */
	if (m->alg == PF_MAC_CMAC_AES)
		(void)EVP_MAC_init(m->ctx, zero, m->key_len, NULL);
	else
		(void)EVP_MAC_init(m->ctx, zero, sizeof(zero), NULL);
	m->keyed = 0;
	m->ready = 0;
}

int pf_mac_oneshot(pf_mac_alg alg, const uint8_t *key, size_t key_len, const void *data,
                   size_t len, uint8_t *out, size_t out_len)
{
	pf_mac *m = pf_mac_new(alg, key_len);
	int rc = PF_CRYPTO_ERR;

	if (m != NULL && pf_mac_set_key(m, key, key_len) == PF_CRYPTO_OK &&
	    pf_mac_update(m, data, len) == PF_CRYPTO_OK)
		rc = pf_mac_final(m, out, out_len);
	pf_mac_free(m);
	return rc;
}
