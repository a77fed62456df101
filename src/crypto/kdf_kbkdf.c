/*
 * kdf_kbkdf.c - SP 800-108 KBKDF: the parameter rules of PKCS#11 3.0
 * (section "SP 800-108 Key Derivation") and the choice of engine.
 *
 * OpenSSL's EVP_KDF "KBKDF" computes exactly one layout per mode:
 *   counter:  PRF(K_I, [i]_32be || Label || Context [|| [L]_32be])
 *   feedback: PRF(K_I, K(i-1) || [i]_32be || Label || Context [|| [L]_32be])
 * (OpenSSL 3.0 has no counter-width parameter, always includes the
 * counter in feedback mode, and takes only an empty or one-block IV). PKCS#11 lets the caller put the counter
 * anywhere, make it 8..32 bits or little-endian, omit it in feedback mode,
 * and encode L in other widths. Those layouts go to kdf_kbkdf_mac.c, which
 * builds the PRF input from EVP_MAC calls (no hand-rolled primitive).
 */
#include "config.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "crypto/kdf_local.h"
#include "util/secure.h"

size_t pf_kbkdf_prf_size(pf_mac_alg prf)
{
	switch (prf) {
	case PF_MAC_CMAC_AES:
	case PF_MAC_HMAC_SHA256:
	case PF_MAC_HMAC_SHA384:
	case PF_MAC_HMAC_SHA512:
		return pf_mac_alg_size(prf);
	default:
		return 0; /* SHA-1/224 HMAC: not offered (issue 10 lists these four) */
	}
}

pf_md_alg pf_kbkdf_prf_md(pf_mac_alg prf)
{
	switch (prf) {
	case PF_MAC_HMAC_SHA256: return PF_MD_SHA256;
	case PF_MAC_HMAC_SHA384: return PF_MD_SHA384;
	case PF_MAC_HMAC_SHA512: return PF_MD_SHA512;
	default: return PF_MD_COUNT;
	}
}

static size_t blocks_for(size_t out_len, size_t prf_size)
{
	return (out_len + prf_size - 1) / prf_size;
}

uint64_t pf_kbkdf_dkm_bits(const pf_kbkdf_field *f, size_t prf_size, size_t out_len)
{
	if (f->dkm_method == PF_KBKDF_DKM_SUM_OF_SEGMENTS)
		return (uint64_t)blocks_for(out_len, prf_size) * prf_size * 8u;
	return (uint64_t)out_len * 8u;
}

static int counter_width_ok(unsigned w)
{
	return w == 8 || w == 16 || w == 24 || w == 32;
}

/* One field against the mode; counts iteration variables and counters. */
static int field_ok(const pf_kbkdf_params *p, const pf_kbkdf_field *f, size_t prf_size,
                    size_t out_len, unsigned *iterations, unsigned *counter_width,
                    unsigned *dkms)
{
	switch (f->type) {
	case PF_KBKDF_ITERATION:
		(*iterations)++;
		if (p->mode == PF_KBKDF_MODE_FEEDBACK)
			return f->width_bits == 0;
		*counter_width = f->width_bits;
		return counter_width_ok(f->width_bits);
	case PF_KBKDF_OPTIONAL_COUNTER:
		if (p->mode != PF_KBKDF_MODE_FEEDBACK || *counter_width != 0)
			return 0;
		*counter_width = f->width_bits;
		return counter_width_ok(f->width_bits);
	case PF_KBKDF_DKM_LENGTH:
		(*dkms)++;
		if (f->width_bits == 0 || f->width_bits > 64 || f->width_bits % 8 != 0)
			return 0;
		if (f->dkm_method != PF_KBKDF_DKM_SUM_OF_KEYS &&
		    f->dkm_method != PF_KBKDF_DKM_SUM_OF_SEGMENTS)
			return 0;
		return f->width_bits == 64 ||
		       pf_kbkdf_dkm_bits(f, prf_size, out_len) >> f->width_bits == 0;
	case PF_KBKDF_BYTES:
		return f->bytes != NULL || f->len == 0;
	default:
		return 0;
	}
}

int pf_kbkdf_check(const pf_kbkdf_params *p, size_t out_len)
{
	unsigned iterations = 0, counter_width = 0, dkms = 0;
	size_t prf_size;

	if (p == NULL || out_len == 0 || out_len > PF_KDF_MAX_OUT)
		return PF_CRYPTO_BAD_PARAM;
	prf_size = pf_kbkdf_prf_size(p->prf);
	if (prf_size == 0 || (p->mode != PF_KBKDF_MODE_COUNTER && p->mode != PF_KBKDF_MODE_FEEDBACK))
		return PF_CRYPTO_BAD_PARAM;
	if (p->fields == NULL || p->n_fields == 0 || p->n_fields > PF_KBKDF_MAX_FIELDS)
		return PF_CRYPTO_BAD_PARAM;
	if (p->mode == PF_KBKDF_MODE_FEEDBACK ? (p->iv == NULL && p->iv_len != 0)
	                                      : (p->iv != NULL || p->iv_len != 0))
		return PF_CRYPTO_BAD_PARAM;
	for (size_t i = 0; i < p->n_fields; i++)
		if (!field_ok(p, &p->fields[i], prf_size, out_len, &iterations, &counter_width, &dkms))
			return PF_CRYPTO_BAD_PARAM;
	if (iterations != 1 || dkms > 1)
		return PF_CRYPTO_BAD_PARAM;
	/* The counter must not wrap: i runs from 1 to the number of blocks. */
	if (counter_width != 0 && counter_width < 32 &&
	    blocks_for(out_len, prf_size) > ((size_t)1 << counter_width) - 1)
		return PF_CRYPTO_BAD_PARAM;
	return PF_CRYPTO_OK;
}

static int is_be32_counter(const pf_kbkdf_field *f, pf_kbkdf_field_type type)
{
	return f->type == type && f->width_bits == 32 && !f->little_endian;
}

int pf_kbkdf_evp_kdf_fits(const pf_kbkdf_params *p, size_t out_len)
{
	size_t i = 0, n = p->n_fields, arrays = 0;
	const pf_kbkdf_field *last = &p->fields[n - 1];

	if (p->mode == PF_KBKDF_MODE_COUNTER) {
		if (!is_be32_counter(&p->fields[i++], PF_KBKDF_ITERATION))
			return 0;
	} else {
		if (n < 2 || p->fields[i++].type != PF_KBKDF_ITERATION ||
		    !is_be32_counter(&p->fields[i++], PF_KBKDF_OPTIONAL_COUNTER))
			return 0;
		/* OpenSSL 3.0 refuses a seed (IV) other than empty or one PRF
		 * block ("invalid seed length"); SP 800-108 and PKCS#11 allow any. */
		if (p->iv_len != 0 && p->iv_len != pf_kbkdf_prf_size(p->prf))
			return 0;
	}
	if (last->type == PF_KBKDF_DKM_LENGTH) {
		/* OpenSSL's [L] is 32-bit big-endian out_len * 8, last. */
		if (last->width_bits != 32 || last->little_endian ||
		    pf_kbkdf_dkm_bits(last, pf_kbkdf_prf_size(p->prf), out_len) != (uint64_t)out_len * 8u)
			return 0;
		n--;
	}
	for (; i < n; i++, arrays++)
		if (p->fields[i].type != PF_KBKDF_BYTES)
			return 0;
	return arrays <= 2; /* they become OpenSSL's Label and Context */
}

/* The byte arrays of a layout that fits: at most two, Label then Context. */
static void label_and_context(const pf_kbkdf_params *p, const pf_kbkdf_field *bytes[2])
{
	size_t k = 0;

	bytes[0] = bytes[1] = NULL;
	for (size_t i = 0; i < p->n_fields && k < 2; i++)
		if (p->fields[i].type == PF_KBKDF_BYTES)
			bytes[k++] = &p->fields[i];
}

static OSSL_PARAM octets(const char *name, const uint8_t *data, size_t len)
{
	static uint8_t empty[1];

	return OSSL_PARAM_construct_octet_string(name, data != NULL ? (void *)data : empty, len);
}

int pf_kbkdf_derive_evp_kdf(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                            uint8_t *out, size_t out_len)
{
	const pf_kdf_algs *k = pf_kdf_fetch();
	const pf_alg_table *t = pf_algs();
	const pf_kbkdf_field *bytes[2];
	OSSL_PARAM params[10], *q = params;
	int use_l = p->fields[p->n_fields - 1].type == PF_KBKDF_DKM_LENGTH, no_sep = 0;
	EVP_KDF_CTX *ctx;
	int rc = PF_CRYPTO_ERR;

	if (k == NULL || t == NULL)
		return PF_CRYPTO_ERR;
	label_and_context(p, bytes);
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
	                                        p->mode == PF_KBKDF_MODE_COUNTER ? "counter" : "feedback", 0);
	if (p->prf == PF_MAC_CMAC_AES) {
		*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "CMAC", 0);
		*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_CIPHER,
		                                        (char *)t->cbc_name[pf_aes_key_index(key_len)], 0);
	} else {
		*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "HMAC", 0);
		*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		                                        (char *)t->md_name[pf_kbkdf_prf_md(p->prf)], 0);
	}
	*q++ = octets(OSSL_KDF_PARAM_KEY, key, key_len);
	if (bytes[0] != NULL)
		*q++ = octets(OSSL_KDF_PARAM_SALT, bytes[0]->bytes, bytes[0]->len);
	if (bytes[1] != NULL)
		*q++ = octets(OSSL_KDF_PARAM_INFO, bytes[1]->bytes, bytes[1]->len);
	if (p->mode == PF_KBKDF_MODE_FEEDBACK && p->iv_len != 0)
		*q++ = octets(OSSL_KDF_PARAM_SEED, p->iv, p->iv_len);
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_L, &use_l);
	/* PKCS#11 has no implicit 0x00 between Label and Context. */
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_SEPARATOR, &no_sep);
	*q = OSSL_PARAM_construct_end();

	ctx = EVP_KDF_CTX_new(k->kbkdf);
	if (ctx != NULL && EVP_KDF_derive(ctx, out, out_len, params) == 1)
		rc = PF_CRYPTO_OK;
	EVP_KDF_CTX_free(ctx); /* the provider cleanses its copy of the key */
	return rc;
}

int pf_kbkdf_derive(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                    uint8_t *out, size_t out_len)
{
	int rc = pf_kbkdf_check(p, out_len);

	if (rc != PF_CRYPTO_OK) {
		if (out != NULL && out_len <= PF_KDF_MAX_OUT)
			pf_wipe(out, out_len);
		return rc;
	}
	if (out == NULL)
		return PF_CRYPTO_ERR;
	if (key == NULL || key_len == 0 || (p->prf == PF_MAC_CMAC_AES && pf_aes_key_index(key_len) < 0))
		rc = PF_CRYPTO_ERR;
	else if (pf_kbkdf_evp_kdf_fits(p, out_len))
		rc = pf_kbkdf_derive_evp_kdf(p, key, key_len, out, out_len);
	else
		rc = pf_kbkdf_derive_evp_mac(p, key, key_len, out, out_len);
	if (rc != PF_CRYPTO_OK)
		pf_wipe(out, out_len);
	return rc;
}
