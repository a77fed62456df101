/*
 * kdf_kbkdf_mac.c - SP 800-108 for the layouts OpenSSL's EVP_KDF "KBKDF"
 * cannot express (see kdf_kbkdf.c): a counter after or inside the fixed
 * data, a counter of 8, 16 or 24 bits or little-endian, feedback mode
 * without a counter, an [L] of another width or position, more than two
 * byte arrays. The PRF is EVP_MAC (CMAC or HMAC) and only the PRF input is
 * assembled here, field by field in the caller's order, exactly as
 * SP 800-108 section 4 defines K(i) = PRF(K_I, <fields>):
 *   ITERATION         counter mode: [i]_r; feedback mode: K(i-1), K(0) = IV
 *   OPTIONAL_COUNTER  [i]_r (feedback mode)
 *   DKM_LENGTH        [L]_w
 *   BYTES             verbatim
 * The blocks K(1)..K(n) are concatenated and cut to out_len.
 */
#include "config.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "crypto/kdf_local.h"
#include "util/secure.h"

/* value in width_bits / 8 bytes, big- or little-endian. */
static size_t encode_int(uint64_t value, unsigned width_bits, int little_endian, uint8_t *buf)
{
	size_t n = width_bits / 8;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)(value >> (8 * i));
		buf[little_endian ? i : n - 1 - i] = b;
	}
	return n;
}

typedef struct block_input {
	const pf_kbkdf_params *p;
	size_t prf_size, out_len;
	uint32_t i;              /* the counter value of this block, from 1 */
	const uint8_t *prev;     /* K(i-1): the IV for i = 1 */
	size_t prev_len;
} block_input;

static int feed_counter(EVP_MAC_CTX *ctx, uint32_t i, const pf_kbkdf_field *f)
{
	uint8_t buf[4];
	size_t n = encode_int(i, f->width_bits, f->little_endian, buf);

	return EVP_MAC_update(ctx, buf, n) == 1;
}

static int feed_field(EVP_MAC_CTX *ctx, const block_input *in, const pf_kbkdf_field *f)
{
	uint8_t buf[8];
	size_t n;

	switch (f->type) {
	case PF_KBKDF_ITERATION:
		/* In counter mode the iteration variable is the counter itself. */
		if (in->p->mode == PF_KBKDF_MODE_COUNTER)
			return feed_counter(ctx, in->i, f);
		return in->prev_len == 0 || EVP_MAC_update(ctx, in->prev, in->prev_len) == 1;
	case PF_KBKDF_OPTIONAL_COUNTER:
		return feed_counter(ctx, in->i, f);
	case PF_KBKDF_DKM_LENGTH:
		n = encode_int(pf_kbkdf_dkm_bits(f, in->prf_size, in->out_len), f->width_bits,
		               f->little_endian, buf);
		return EVP_MAC_update(ctx, buf, n) == 1;
	case PF_KBKDF_BYTES:
		return f->len == 0 || EVP_MAC_update(ctx, f->bytes, f->len) == 1;
	}
	return 0;
}

/* One block K(i) into block (prf_size bytes); the key stays loaded in ctx. */
static int one_block(EVP_MAC_CTX *ctx, const block_input *in, uint8_t *block)
{
	size_t got = 0;

	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1)
		return 0;
	for (size_t f = 0; f < in->p->n_fields; f++)
		if (!feed_field(ctx, in, &in->p->fields[f]))
			return 0;
	return EVP_MAC_final(ctx, block, &got, in->prf_size) == 1 && got == in->prf_size;
}

static EVP_MAC_CTX *keyed_prf(pf_mac_alg prf, const uint8_t *key, size_t key_len)
{
	const pf_alg_table *t = pf_algs();
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;

	if (t == NULL)
		return NULL;
	if (prf == PF_MAC_CMAC_AES)
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
		                                             (char *)t->cbc_name[pf_aes_key_index(key_len)], 0);
	else
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		                                             (char *)t->md_name[pf_kbkdf_prf_md(prf)], 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(prf == PF_MAC_CMAC_AES ? t->cmac : t->hmac);
	if (ctx != NULL && EVP_MAC_init(ctx, key, key_len, params) == 1)
		return ctx;
	EVP_MAC_CTX_free(ctx);
	return NULL;
}

int pf_kbkdf_derive_evp_mac(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                            uint8_t *out, size_t out_len)
{
	uint8_t block[PF_MAC_MAX_SIZE];
	block_input in = { p, pf_kbkdf_prf_size(p->prf), out_len, 0, p->iv, p->iv_len };
	EVP_MAC_CTX *ctx = keyed_prf(p->prf, key, key_len);
	size_t done = 0;
	int ok = ctx != NULL;

	while (ok && done < out_len) {
		size_t take = out_len - done < in.prf_size ? out_len - done : in.prf_size;

		in.i++;
		ok = one_block(ctx, &in, block);
		if (ok) {
			memcpy(out + done, block, take);
			done += take;
			/* K(i) feeds K(i+1) whole, even when out keeps only a part. It
			 * is read from block before one_block overwrites it. */
			in.prev = block;
			in.prev_len = in.prf_size;
		}
	}
	pf_wipe(block, sizeof(block));
	EVP_MAC_CTX_free(ctx); /* CMAC/HMAC cleanse their key state on free */
	return ok ? PF_CRYPTO_OK : PF_CRYPTO_ERR;
}
