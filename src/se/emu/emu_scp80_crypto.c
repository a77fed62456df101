/*
 * emu_scp80_crypto.c - the SCP80 crypto provider inside the emulator: the
 * handles src/sms passes around are the token's unlocked key items, and the
 * work is done with the operation's own OpenSSL contexts (src/crypto), so no
 * key value leaves the secure component.
 */
#include "config.h"

#include "se/emu/emu_scp80.h"
#include "util/secure.h"

static int item_cmac(void *ctx, const void *key, const scp80_span *parts, size_t n_parts,
                     uint8_t *mac, size_t mac_len)
{
	se_op *op = ctx;
	const emu_item *k = key;

	if (k == NULL || k->value == NULL || mac_len == 0 || mac_len > PF_AES_BLOCK)
		return -1;
	if (emu_ops_mac_start(op, PF_MAC_CMAC_AES, k) != CKR_OK)
		return -1;
	int rc = PF_CRYPTO_OK;
	for (size_t i = 0; rc == PF_CRYPTO_OK && i < n_parts; i++)
		rc = pf_mac_update(op->mac, parts[i].p, parts[i].n);
	if (rc == PF_CRYPTO_OK)
		rc = pf_mac_final(op->mac, mac, mac_len);
	return rc == PF_CRYPTO_OK ? 0 : -1;
}

static int item_cbc(se_op *op, const emu_item *k, uint8_t *buf, size_t len, int encrypt)
{
	static const uint8_t zero_iv[PF_AES_BLOCK];
	size_t n = 0, tail = 0;

	if (k == NULL || k->value == NULL || len % PF_AES_BLOCK != 0 || (buf == NULL && len != 0))
		return -1;
	if (op->cipher == NULL && (op->cipher = pf_cipher_new()) == NULL)
		return -1;
	if (emu_ops_cipher_start(op, PF_AES_CBC, encrypt, k, zero_iv, sizeof zero_iv, NULL, 0, 0) !=
	    PF_CRYPTO_OK)
		return -1;
	/* in place: EVP allows out == in */
	if (len != 0 && pf_cipher_update(op->cipher, buf, len, buf, &n) != PF_CRYPTO_OK)
		return -1;
	if (pf_cipher_final(op->cipher, buf + n, &tail) != PF_CRYPTO_OK)
		return -1;
	return n + tail == len ? 0 : -1;
}

static int item_cbc_encrypt(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	return item_cbc(ctx, key, buf, len, 1);
}

static int item_cbc_decrypt(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	return item_cbc(ctx, key, buf, len, 0);
}

static const scp80_crypto_ops item_ops = {
	.cmac = item_cmac,
	.cbc_encrypt = item_cbc_encrypt,
	.cbc_decrypt = item_cbc_decrypt,
};

void emu_scp80_crypto(se_op *op, scp80_crypto *out)
{
	out->ops = &item_ops;
	out->ctx = op;
}
