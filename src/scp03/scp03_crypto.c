/*
 * scp03_crypto.c - the SCP03 building blocks: CMAC, CBC, the GP key derivation,
 * padding and counters. Every primitive goes through src/crypto (OpenSSL EVP).
 */
#include <string.h>

#include "crypto/crypto.h"
#include "scp03/scp03_internal.h"
#include "util/secure.h"

scp03_status scp03_cmac2(const uint8_t key[SCP03_KEY_LEN], const uint8_t *a, size_t a_len,
                         const uint8_t *b, size_t b_len, uint8_t out[SCP03_BLOCK_LEN])
{
	pf_mac *m = pf_mac_new(PF_MAC_CMAC_AES, SCP03_KEY_LEN);
	int ok = m != NULL && pf_mac_set_key(m, key, SCP03_KEY_LEN) == PF_CRYPTO_OK &&
	         (a_len == 0 || pf_mac_update(m, a, a_len) == PF_CRYPTO_OK) &&
	         (b_len == 0 || pf_mac_update(m, b, b_len) == PF_CRYPTO_OK) &&
	         pf_mac_final(m, out, SCP03_BLOCK_LEN) == PF_CRYPTO_OK;

	pf_mac_free(m); /* frees (and cleanses) the expanded key */
	return ok ? SCP03_OK : SCP03_ERR_CRYPTO;
}

static scp03_status aes_run(pf_aes_mode mode, int encrypt, const uint8_t key[SCP03_KEY_LEN],
                            const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	if (len % SCP03_BLOCK_LEN != 0 || len > (size_t)0x7fff0000)
		return SCP03_ERR_ARGS;
	pf_cipher *c = pf_cipher_new();
	size_t n1 = 0, n2 = 0;
	int ok = c != NULL &&
	         pf_cipher_init(c, mode, encrypt, key, SCP03_KEY_LEN, iv, iv != NULL ? SCP03_BLOCK_LEN : 0,
	                        NULL, 0, 0) == PF_CRYPTO_OK &&
	         pf_cipher_update(c, in, len, out, &n1) == PF_CRYPTO_OK &&
	         pf_cipher_final(c, out + n1, &n2) == PF_CRYPTO_OK && n1 + n2 == len;

	pf_cipher_free(c);
	return ok ? SCP03_OK : SCP03_ERR_CRYPTO;
}

scp03_status scp03_cbc(int encrypt, const uint8_t key[SCP03_KEY_LEN], const uint8_t iv[SCP03_BLOCK_LEN],
                       const uint8_t *in, size_t len, uint8_t *out)
{
	if (len == 0)
		return SCP03_OK;
	return aes_run(PF_AES_CBC, encrypt, key, iv, in, len, out);
}

scp03_status scp03_icv(const scp03_session *s, int response, uint8_t icv[SCP03_BLOCK_LEN])
{
	uint8_t block[SCP03_BLOCK_LEN];
	scp03_status st;

	memcpy(block, s->counter, sizeof(block));
	if (response)
		block[0] = 0x80;
	st = aes_run(PF_AES_ECB, 1, s->s_enc, NULL, block, sizeof(block), icv);
	pf_wipe(block, sizeof(block));
	return st;
}

scp03_status scp03_kdf(const uint8_t key[SCP03_KEY_LEN], uint8_t constant, const uint8_t *context,
                       size_t context_len, unsigned out_bits, uint8_t *out)
{
	/* label (11 zero bytes, constant) || separator || L || i; context follows */
	uint8_t fixed[16];
	uint8_t block[SCP03_BLOCK_LEN];
	size_t out_len = out_bits / 8, done = 0;
	unsigned i;

	if (key == NULL || out == NULL || (context == NULL && context_len > 0) ||
	    out_bits == 0 || out_bits % 8 != 0 || out_bits > 512)
		return SCP03_ERR_ARGS;
	memset(fixed, 0, sizeof(fixed));
	fixed[11] = constant;
	fixed[12] = 0x00;
	fixed[13] = (uint8_t)(out_bits >> 8);
	fixed[14] = (uint8_t)out_bits;
	for (i = 1; done < out_len; i++) {
		size_t take = out_len - done < SCP03_BLOCK_LEN ? out_len - done : SCP03_BLOCK_LEN;

		fixed[15] = (uint8_t)i;
		if (scp03_cmac2(key, fixed, sizeof(fixed), context, context_len, block) != SCP03_OK) {
			pf_wipe(out, done);
			return SCP03_ERR_CRYPTO;
		}
		memcpy(out + done, block, take);
		done += take;
	}
	pf_wipe(block, sizeof(block));
	return SCP03_OK;
}

size_t scp03_pad(uint8_t *buf, size_t len)
{
	size_t padded = (len / SCP03_BLOCK_LEN + 1) * SCP03_BLOCK_LEN;

	buf[len] = 0x80;
	memset(buf + len + 1, 0, padded - len - 1);
	return padded;
}

int scp03_unpad(const uint8_t *buf, size_t len, size_t *out_len)
{
	size_t i;

	if (len == 0 || len % SCP03_BLOCK_LEN != 0)
		return 0;
	/* The padding is at most one block: look only there. */
	for (i = len; i > len - SCP03_BLOCK_LEN; i--) {
		if (buf[i - 1] == 0x80) {
			*out_len = i - 1;
			return 1;
		}
		if (buf[i - 1] != 0x00)
			return 0;
	}
	return 0;
}

void scp03_counter_increment(scp03_session *s)
{
	int i;

	for (i = SCP03_BLOCK_LEN - 1; i >= 0; i--)
		if (++s->counter[i] != 0)
			break;
}

int scp03_apdu_parse(const uint8_t *buf, size_t len, scp03_apdu *out)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < 4)
		return 0;
	memcpy(out->header, buf, 4);
	if (len == 4)
		return 1;                       /* case 1 */
	if (len == 5) {
		out->has_le = 1;                /* case 2 */
		out->le = buf[4];
		return 1;
	}
	out->lc = buf[4];
	if (out->lc == 0)
		return 0;                       /* extended length: not supported */
	out->data = buf + 5;
	if (len == 5 + out->lc)
		return 1;                       /* case 3 */
	if (len == 6 + out->lc) {
		out->has_le = 1;                /* case 4 */
		out->le = buf[len - 1];
		return 1;
	}
	return 0;
}

static scp03_status dek_run(int encrypt, const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                            uint8_t *out)
{
	static const uint8_t zero_iv[SCP03_BLOCK_LEN];

	if (dek == NULL || in == NULL || out == NULL || len == 0 || len % SCP03_BLOCK_LEN != 0)
		return SCP03_ERR_ARGS;
	return scp03_cbc(encrypt, dek, zero_iv, in, len, out);
}

scp03_status scp03_dek_encrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out)
{
	return dek_run(1, dek, in, len, out);
}

scp03_status scp03_dek_decrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out)
{
	return dek_run(0, dek, in, len, out);
}
