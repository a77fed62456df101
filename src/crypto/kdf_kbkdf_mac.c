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
 * The blocks K(1)..K(n) are concatenated and cut to out_len. The PRF is a
 * pf_mac (crypto_mac.c): a one-shot derivation makes one, pf_kbkdf_derive_mac
 * uses the caller's, kept and re-keyed in place (no allocation).
 */
#include "config.h"

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

static int feed_counter(pf_mac *m, uint32_t i, const pf_kbkdf_field *f)
{
	uint8_t buf[4];
	size_t n = encode_int(i, f->width_bits, f->little_endian, buf);

	return pf_mac_update(m, buf, n) == PF_CRYPTO_OK;
}

static int feed_field(pf_mac *m, const block_input *in, const pf_kbkdf_field *f)
{
	uint8_t buf[8];
	size_t n;

	switch (f->type) {
	case PF_KBKDF_ITERATION:
		/* In counter mode the iteration variable is the counter itself. */
		if (in->p->mode == PF_KBKDF_MODE_COUNTER)
			return feed_counter(m, in->i, f);
		return pf_mac_update(m, in->prev, in->prev_len) == PF_CRYPTO_OK;
	case PF_KBKDF_OPTIONAL_COUNTER:
		return feed_counter(m, in->i, f);
	case PF_KBKDF_DKM_LENGTH:
		n = encode_int(pf_kbkdf_dkm_bits(f, in->prf_size, in->out_len), f->width_bits,
		               f->little_endian, buf);
		return pf_mac_update(m, buf, n) == PF_CRYPTO_OK;
	case PF_KBKDF_BYTES:
		return pf_mac_update(m, f->bytes, f->len) == PF_CRYPTO_OK;
	}
	return 0;
}

/* The PRF input of block i in one buffer, when it fits: one MAC update
 * instead of one per field (each is a provider call; the diversification
 * KDF has five fields). 0 when it does not fit. */
static size_t gather(const block_input *in, uint8_t *buf, size_t room)
{
	size_t n = 0;
	for (size_t f = 0; f < in->p->n_fields; f++) {
		const pf_kbkdf_field *fd = &in->p->fields[f];
		uint8_t num[8];
		const uint8_t *src = num;
		size_t len;
		if (fd->type == PF_KBKDF_BYTES) {
			src = fd->bytes;
			len = fd->len;
		} else if (fd->type == PF_KBKDF_DKM_LENGTH) {
			len = encode_int(pf_kbkdf_dkm_bits(fd, in->prf_size, in->out_len), fd->width_bits,
			                 fd->little_endian, num);
		} else if (fd->type == PF_KBKDF_OPTIONAL_COUNTER || in->p->mode == PF_KBKDF_MODE_COUNTER) {
			len = encode_int(in->i, fd->width_bits, fd->little_endian, num);
		} else {
			src = in->prev; /* feedback: K(i-1) */
			len = in->prev_len;
		}
		if (len > room - n)
			return 0;
		if (len != 0)
			memcpy(buf + n, src, len);
		n += len;
	}
	return n;
}

/* One block K(i) into block (prf_size bytes); m is started for this block. */
static int one_block(pf_mac *m, const block_input *in, uint8_t *block)
{
	uint8_t buf[256];
	size_t n = gather(in, buf, sizeof buf);
	int ok = 1;

	if (n != 0)
		ok = pf_mac_update(m, buf, n) == PF_CRYPTO_OK;
	for (size_t f = 0; ok && n == 0 && f < in->p->n_fields; f++)
		ok = feed_field(m, in, &in->p->fields[f]);
	if (in->p->mode == PF_KBKDF_MODE_FEEDBACK)
		pf_wipe(buf, n); /* K(i-1) is in it (counter mode's input is no secret) */
	return ok && pf_mac_final(m, block, in->prf_size) == PF_CRYPTO_OK;
}

/* The blocks K(1)..K(n) with m started for K(1); every later block restarts
 * m with the key it holds. */
static int derive_blocks(const pf_kbkdf_params *p, pf_mac *m, uint8_t *out, size_t out_len)
{
	uint8_t block[PF_MAC_MAX_SIZE];
	block_input in = { p, pf_kbkdf_prf_size(p->prf), out_len, 0, p->iv, p->iv_len };
	size_t done = 0;
	int ok = 1;

	while (ok && done < out_len) {
		size_t take = out_len - done < in.prf_size ? out_len - done : in.prf_size;

		in.i++;
		ok = (in.i == 1 || pf_mac_restart(m) == PF_CRYPTO_OK) && one_block(m, &in, block);
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
	return ok ? PF_CRYPTO_OK : PF_CRYPTO_ERR;
}

int pf_kbkdf_derive_evp_mac(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                            uint8_t *out, size_t out_len)
{
	pf_mac *m = pf_mac_new(p->prf, key_len);
	int rc = PF_CRYPTO_ERR;

	if (m != NULL && pf_mac_set_key(m, key, key_len) == PF_CRYPTO_OK)
		rc = derive_blocks(p, m, out, out_len);
	pf_mac_free(m); /* CMAC/HMAC cleanse their key state on free */
	return rc;
}

int pf_kbkdf_derive_mac(const pf_kbkdf_params *p, pf_mac *m, uint8_t *out, size_t out_len)
{
	int rc = pf_kbkdf_check(p, out_len);

	if (rc == PF_CRYPTO_OK && (m == NULL || out == NULL || pf_mac_get_alg(m) != p->prf))
		rc = PF_CRYPTO_ERR;
	if (rc == PF_CRYPTO_OK)
		rc = derive_blocks(p, m, out, out_len);
	if (rc != PF_CRYPTO_OK && out != NULL && out_len <= PF_KDF_MAX_OUT)
		pf_wipe(out, out_len);
	return rc;
}
