/*
 * emu_ops_std.c - the emulator's standard families: AES block modes and GCM
 * (SE_FAM_CIPHER, streamed through one pf_cipher) and CMAC / HMAC
 * (SE_FAM_MAC, through the session's kept pf_mac, emu_ops_mac_start).
 */
#include "config.h"

#include "se/emu/emu_ops_local.h"
#include "util/secure.h"

/* se_cipher_mode -> the crypto layer's mode. */
static const struct {
	int ok;
	pf_aes_mode mode;
	int has_iv;
} cipher_modes[] = {
	[SE_AES_ECB] = { 1, PF_AES_ECB, 0 },
	[SE_AES_CBC] = { 1, PF_AES_CBC, 1 },
	[SE_AES_CBC_PAD] = { 1, PF_AES_CBC_PAD, 1 },
	[SE_AES_GCM] = { 1, PF_AES_GCM, 1 },
};

static CK_RV cipher_init(se_op *op, const se_op_params *p, se_ref key)
{
	const se_cipher_params *c = &p->u.cipher;
	unsigned m = (unsigned)c->mode;
	pf_aes_mode mode;
	CK_RV rv;
	emu_item *it;

	if (m >= sizeof cipher_modes / sizeof *cipher_modes || !cipher_modes[m].ok)
		return CKR_MECHANISM_INVALID;
	mode = cipher_modes[m].mode;
	it = emu_ops_key_item(op, key, SE_ITEM_AES_KEY, &rv);
	if (it == NULL)
		return rv;
	if (op->cipher == NULL && (op->cipher = pf_cipher_new()) == NULL)
		return CKR_HOST_MEMORY;
	if (emu_ops_cipher_start(op, mode, op->kind == SE_OP_ENCRYPT, it,
	                         cipher_modes[m].has_iv ? c->iv : NULL,
	                         cipher_modes[m].has_iv ? c->iv_len : 0, c->aad, c->aad_len,
	                         mode == PF_AES_GCM ? c->tag_len : 0) != PF_CRYPTO_OK)
		return CKR_MECHANISM_PARAM_INVALID; /* the mech layer validated; belt and braces */
	op->alg = mode;
	op->tag_out = mode == PF_AES_GCM && op->kind == SE_OP_ENCRYPT ? c->tag_out : NULL;
	return CKR_OK;
}

static size_t cipher_bound(const se_op *op, size_t in_len, int final)
{
	/* final = 1: everything the operation still writes if in_len more bytes
	 * come and then final (the single-part length; with in_len = 0 simply
	 * what final writes). */
	if (!final)
		return pf_cipher_update_bound(op->cipher, in_len);
	/* with tag_out, GCM's final writes nothing to out: its tag goes there */
	return op->tag_out != NULL ? pf_cipher_update_bound(op->cipher, in_len)
	                           : pf_cipher_total_bound(op->cipher, in_len);
}

static CK_RV cipher_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out,
                           size_t *out_len)
{
	size_t need = pf_cipher_update_bound(op->cipher, in_len), n = 0;
	CK_RV rv;

	if (out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	if (need > 0 && (out == NULL || *out_len < need)) {
		/* the mech layer sizes buffers from output_bound; never overflow */
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	rv = emu_ops_crypto_rv(pf_cipher_update(op->cipher, in, in_len, out, &n),
	                       op->kind == SE_OP_ENCRYPT);
	*out_len = rv == CKR_OK ? n : 0;
	return rv;
}

static CK_RV cipher_final(se_op *op, uint8_t *out, size_t *out_len)
{
	size_t need = pf_cipher_final_bound(op->cipher), n = 0;
	CK_RV rv;

	if (op->tag_out != NULL) {
		/* GCM encryption writes only its tag at final: to tag_out */
		rv = emu_ops_crypto_rv(pf_cipher_final(op->cipher, op->tag_out, &n), 1);
		op->tag_out = NULL;
		*out_len = 0;
		return rv;
	}

	if (need > 0 && (out == NULL || *out_len < need)) {
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	rv = emu_ops_crypto_rv(pf_cipher_final(op->cipher, out, &n), op->kind == SE_OP_ENCRYPT);
	*out_len = rv == CKR_OK ? n : 0;
	return rv;
}

const emu_fam emu_fam_cipher = {
	.service = SE_SERVICE_NONE,
	.kinds = EMU_KINDS_CRYPT,
	.init = cipher_init,
	.update = cipher_update,
	.final = cipher_final,
	.output_bound = cipher_bound,
};

/* ---- MACs ------------------------------------------------------------------ */

/* se_mac_alg -> the crypto layer's algorithm (0: none). */
static const pf_mac_alg mac_algs[] = {
	[SE_MAC_CMAC_AES] = PF_MAC_CMAC_AES,
	[SE_MAC_HMAC_SHA1] = PF_MAC_HMAC_SHA1,
	[SE_MAC_HMAC_SHA256] = PF_MAC_HMAC_SHA256,
	[SE_MAC_HMAC_SHA384] = PF_MAC_HMAC_SHA384,
	[SE_MAC_HMAC_SHA512] = PF_MAC_HMAC_SHA512,
};

static CK_RV mac_init(se_op *op, const se_op_params *p, se_ref key)
{
	unsigned a = (unsigned)p->u.mac.alg;
	pf_mac_alg alg;
	CK_RV rv;
	emu_item *it;

	if (a == 0 || a >= sizeof mac_algs / sizeof *mac_algs)
		return CKR_MECHANISM_INVALID;
	alg = mac_algs[a];
	it = emu_ops_key_item(op, key, alg == PF_MAC_CMAC_AES ? SE_ITEM_AES_KEY : SE_ITEM_GENERIC_SECRET,
	                      &rv);
	if (it == NULL)
		return rv;
	if (p->u.mac.mac_len > pf_mac_alg_size(alg))
		return CKR_MECHANISM_PARAM_INVALID;
	op->alg = alg;
	op->mac_len = p->u.mac.mac_len != 0 ? p->u.mac.mac_len : pf_mac_alg_size(alg);
	return emu_ops_mac_start(op, alg, it);
}

static size_t mac_bound(const se_op *op, size_t in_len, int final)
{
	(void)in_len;
	return final && op->kind == SE_OP_SIGN ? op->mac_len : 0;
}

static CK_RV mac_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	(void)out;
	if (out_len != NULL)
		*out_len = 0;
	return pf_mac_update(op->mac, in, in_len) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
}

static CK_RV mac_final(se_op *op, uint8_t *out, size_t *out_len)
{
	CK_RV rv;

	if (out == NULL || *out_len < op->mac_len) {
		*out_len = op->mac_len;
		return CKR_BUFFER_TOO_SMALL;
	}
	rv = pf_mac_final(op->mac, out, op->mac_len) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
	*out_len = rv == CKR_OK ? op->mac_len : 0;
	return rv;
}

static CK_RV mac_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	uint8_t mac[PF_MAC_MAX_SIZE];
	CK_RV rv;

	if (sig_len != op->mac_len)
		rv = CKR_SIGNATURE_LEN_RANGE;
	else if (pf_mac_final(op->mac, mac, op->mac_len) != PF_CRYPTO_OK)
		rv = CKR_FUNCTION_FAILED;
	else
		rv = pf_ct_equal(mac, sig, op->mac_len) ? CKR_OK : CKR_SIGNATURE_INVALID;
	pf_wipe(mac, sizeof(mac));
	return rv;
}

const emu_fam emu_fam_mac = {
	.service = SE_SERVICE_NONE,
	.kinds = EMU_KINDS_MAC,
	.init = mac_init,
	.update = mac_update,
	.final = mac_final,
	.verify_final = mac_verify_final,
	.output_bound = mac_bound,
};
