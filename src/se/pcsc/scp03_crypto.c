/*
 * scp03_crypto.c - the SCP03 building blocks: CMAC, CBC, the GP key derivation,
 * padding and counters. Every primitive goes through OpenSSL EVP.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "se/pcsc/scp03_internal.h"
#include "util/secure.h"

scp03_status scp03_cmac2(const uint8_t key[SCP03_KEY_LEN], const uint8_t *a, size_t a_len,
                         const uint8_t *b, size_t b_len, uint8_t out[SCP03_BLOCK_LEN])
{
	scp03_status st = SCP03_ERR_CRYPTO;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_CMAC, NULL);
	EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	size_t out_len = 0;

	if (ctx == NULL)
		goto done;
	if (EVP_MAC_init(ctx, key, SCP03_KEY_LEN, params) != 1)
		goto done;
	if (a_len > 0 && EVP_MAC_update(ctx, a, a_len) != 1)
		goto done;
	if (b_len > 0 && EVP_MAC_update(ctx, b, b_len) != 1)
		goto done;
	if (EVP_MAC_final(ctx, out, &out_len, SCP03_BLOCK_LEN) != 1 || out_len != SCP03_BLOCK_LEN)
		goto done;
	st = SCP03_OK;
done:
	EVP_MAC_CTX_free(ctx); /* frees (and cleanses) the expanded key */
	EVP_MAC_free(mac);
	return st;
}

static scp03_status aes_run(const char *name, int encrypt, const uint8_t key[SCP03_KEY_LEN],
                            const uint8_t *iv, const uint8_t *in, size_t len, uint8_t *out)
{
	scp03_status st = SCP03_ERR_CRYPTO;
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;

	if (len % SCP03_BLOCK_LEN != 0 || len > (size_t)0x7fff0000)
		st = SCP03_ERR_ARGS;
	else if (cipher != NULL && ctx != NULL &&
	         EVP_CipherInit_ex2(ctx, cipher, key, iv, encrypt, NULL) == 1 &&
	         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	         EVP_CipherUpdate(ctx, out, &n1, in, (int)len) == 1 &&
	         EVP_CipherFinal_ex(ctx, out + n1, &n2) == 1 && (size_t)(n1 + n2) == len)
		st = SCP03_OK;
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return st;
}

scp03_status scp03_cbc(int encrypt, const uint8_t key[SCP03_KEY_LEN], const uint8_t iv[SCP03_BLOCK_LEN],
                       const uint8_t *in, size_t len, uint8_t *out)
{
	if (len == 0)
		return SCP03_OK;
	return aes_run("AES-128-CBC", encrypt, key, iv, in, len, out);
}

scp03_status scp03_icv(const scp03_session *s, int response, uint8_t icv[SCP03_BLOCK_LEN])
{
	uint8_t block[SCP03_BLOCK_LEN];
	scp03_status st;

	memcpy(block, s->counter, sizeof(block));
	if (response)
		block[0] = 0x80;
	st = aes_run("AES-128-ECB", 1, s->s_enc, NULL, block, sizeof(block), icv);
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

scp03_status scp03_dek_encrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out)
{
	static const uint8_t zero_iv[SCP03_BLOCK_LEN];

	if (dek == NULL || in == NULL || out == NULL || len == 0 || len % SCP03_BLOCK_LEN != 0)
		return SCP03_ERR_ARGS;
	return scp03_cbc(1, dek, zero_iv, in, len, out);
}

scp03_status scp03_dek_decrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out)
{
	static const uint8_t zero_iv[SCP03_BLOCK_LEN];

	if (dek == NULL || in == NULL || out == NULL || len == 0 || len % SCP03_BLOCK_LEN != 0)
		return SCP03_ERR_ARGS;
	return scp03_cbc(0, dek, zero_iv, in, len, out);
}
