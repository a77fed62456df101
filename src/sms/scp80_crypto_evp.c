/*
 * scp80_crypto_evp.c - scp80_crypto over src/crypto: AES-CMAC and AES-CBC
 * with a zero IV, on scp80_evp_key handles. The contexts are made once and
 * re-keyed per call (no allocation after the first call per key length).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "sms/scp80_crypto_evp.h"
#include "util/secure.h"
#include "util/sizes.h"

typedef struct evp_ctx {
	pf_mac *mac;                /* remade when the key length changes */
	pf_cipher *cipher;
} evp_ctx;

static bool key_ok(const scp80_evp_key *k)
{
	return k != NULL && pf_aes_key_len_ok(k->len);
}

static int evp_cmac(void *ctx, const void *key, const scp80_span *parts, size_t n_parts, uint8_t *mac,
                    size_t mac_len)
{
	evp_ctx *e = ctx;
	const scp80_evp_key *k = key;

	if (!key_ok(k) || mac_len == 0 || mac_len > 16)
		return -1;
	if (e->mac == NULL || !pf_mac_fits(e->mac, PF_MAC_CMAC_AES, k->len)) {
		pf_mac_free(e->mac);
		e->mac = pf_mac_new(PF_MAC_CMAC_AES, k->len);
		if (e->mac == NULL)
			return -1;
	}
	int rc = pf_mac_set_key(e->mac, k->bytes, k->len);
	for (size_t i = 0; rc == PF_CRYPTO_OK && i < n_parts; i++)
		rc = pf_mac_update(e->mac, parts[i].p, parts[i].n);
	if (rc == PF_CRYPTO_OK)
		rc = pf_mac_final(e->mac, mac, mac_len);
	pf_mac_forget_key(e->mac);
	return rc == PF_CRYPTO_OK ? 0 : -1;
}

static int evp_cbc(void *ctx, const void *key, uint8_t *buf, size_t len, int encrypt)
{
	static const uint8_t zero_iv[PF_AES_BLOCK];
	evp_ctx *e = ctx;
	const scp80_evp_key *k = key;
	size_t n = 0, tail = 0;

	if (!key_ok(k) || len % PF_AES_BLOCK != 0 || (buf == NULL && len != 0))
		return -1;
	int rc = pf_cipher_init(e->cipher, PF_AES_CBC, encrypt, k->bytes, k->len, zero_iv, sizeof zero_iv,
	                        NULL, 0, 0);
	if (rc == PF_CRYPTO_OK)
		rc = pf_cipher_update(e->cipher, buf, len, buf, &n);
	if (rc == PF_CRYPTO_OK)
		rc = pf_cipher_final(e->cipher, buf + n, &tail);
	pf_cipher_forget_key(e->cipher);
	return rc == PF_CRYPTO_OK && n + tail == len ? 0 : -1;
}

static int evp_cbc_encrypt(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	return evp_cbc(ctx, key, buf, len, 1);
}

static int evp_cbc_decrypt(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	return evp_cbc(ctx, key, buf, len, 0);
}

static const scp80_crypto_ops evp_ops = {evp_cmac, evp_cbc_encrypt, evp_cbc_decrypt};

int scp80_evp_open(scp80_crypto *out)
{
	evp_ctx *e = calloc(1, sizeof *e);
	if (e == NULL || (e->cipher = pf_cipher_new()) == NULL) {
		free(e);
		return -1;
	}
	out->ops = &evp_ops;
	out->ctx = e;
	return 0;
}

void scp80_evp_close(scp80_crypto *c)
{
	if (c == NULL || c->ctx == NULL)
		return;
	evp_ctx *e = c->ctx;
	pf_mac_free(e->mac);
	pf_cipher_free(e->cipher);
	free(e);
	c->ctx = NULL;
	c->ops = NULL;
}

int scp80_evp_key_set(scp80_evp_key *k, const uint8_t *bytes, size_t len)
{
	if (k == NULL || bytes == NULL || !pf_aes_key_len_ok(len))
		return -1;
	memset(k, 0, sizeof *k);
	memcpy(k->bytes, bytes, len);
	k->len = len;
	return 0;
}

void scp80_evp_key_wipe(scp80_evp_key *k)
{
	pf_wipe(k, sizeof *k);
}
