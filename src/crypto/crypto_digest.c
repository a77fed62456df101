/*
 * crypto_digest.c - SHA-1 and SHA-2 digests over EVP_MD_CTX.
 */
#include "config.h"

#include <stdlib.h>

#include "crypto/crypto_local.h"

struct pf_digest {
	EVP_MD_CTX *ctx;
	pf_md_alg alg;
	int ready; /* initialised and not yet finalised */
};

static const size_t md_sizes[PF_MD_COUNT] = { 20, 28, 32, 48, 64 };

size_t pf_md_size(pf_md_alg alg)
{
	return (unsigned)alg < PF_MD_COUNT ? md_sizes[alg] : 0;
}

pf_digest *pf_digest_new(void)
{
	if (pf_algs() == NULL)
		return NULL;
	pf_digest *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void pf_digest_free(pf_digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx); /* resets (and so wipes) the provider state */
	free(d);
}

int pf_digest_init(pf_digest *d, pf_md_alg alg)
{
	const pf_alg_table *t = pf_algs();

	if (d == NULL || t == NULL || (unsigned)alg >= PF_MD_COUNT)
		return PF_CRYPTO_ERR;
	d->ready = 0;
	if (EVP_DigestInit_ex2(d->ctx, t->md[alg], NULL) != 1)
		return PF_CRYPTO_ERR;
	d->alg = alg;
	d->ready = 1;
	return PF_CRYPTO_OK;
}

int pf_digest_update(pf_digest *d, const void *data, size_t len)
{
	if (d == NULL || !d->ready || (data == NULL && len != 0))
		return PF_CRYPTO_ERR;
	if (len != 0 && EVP_DigestUpdate(d->ctx, data, len) != 1)
		return PF_CRYPTO_ERR;
	return PF_CRYPTO_OK;
}

int pf_digest_final(pf_digest *d, uint8_t *out)
{
	unsigned int n = 0;

	if (d == NULL || !d->ready || out == NULL)
		return PF_CRYPTO_ERR;
	d->ready = 0;
	if (EVP_DigestFinal_ex(d->ctx, out, &n) != 1 || n != md_sizes[d->alg])
		return PF_CRYPTO_ERR;
	return PF_CRYPTO_OK;
}

size_t pf_digest_size(const pf_digest *d)
{
	return d != NULL ? pf_md_size(d->alg) : 0;
}

int pf_digest_oneshot(pf_md_alg alg, const void *data, size_t len, uint8_t *out)
{
	pf_digest *d = pf_digest_new();
	int rc = PF_CRYPTO_ERR;

	if (d != NULL && pf_digest_init(d, alg) == PF_CRYPTO_OK &&
	    pf_digest_update(d, data, len) == PF_CRYPTO_OK)
		rc = pf_digest_final(d, out);
	pf_digest_free(d);
	return rc;
}
