/*
 * emu_ops_ccm.c - CKM_AES_CCM in the emulator (SE_FAM_AES_CCM). CCM takes
 * the whole message in one pass, so updates only buffer (up to the length
 * fixed at init) and final computes through src/crypto (pf_aes_ccm).
 * Decryption releases nothing before the tag is checked: the plaintext goes
 * to scratch first, and only a verified one is copied out.
 */
#include "config.h"

#include <string.h>

#include "crypto/ccm.h"
#include "se/emu/emu_ops_local.h"
#include "util/secure.h"

void emu_ccm_wipe(se_op *op)
{
	pf_wipe(op->aad, op->aad_len);
	op->aad_len = 0;
	pf_wipe(op->nonce, sizeof(op->nonce));
	op->nonce_len = 0;
}

/* The input the operation takes: the plaintext, or the ciphertext and its tag. */
static size_t expected_in(const se_op *op)
{
	return op->data_len + (op->kind == SE_OP_DECRYPT ? op->tag_len : 0);
}

static CK_RV ccm_params_ok(const se_cipher_params *c)
{
	if (c->iv == NULL || c->iv_len < PF_CCM_NONCE_MIN || c->iv_len > PF_CCM_NONCE_MAX ||
	    c->tag_len < PF_CCM_TAG_MIN || c->tag_len > PF_CCM_TAG_MAX || c->tag_len % 2 != 0 ||
	    (c->aad == NULL && c->aad_len != 0))
		return CKR_MECHANISM_PARAM_INVALID;
	/* what this component buffers (docs/mechanisms.md) */
	if (c->aad_len > EMU_CCM_MAX_AAD)
		return CKR_MECHANISM_PARAM_INVALID;
	if (c->data_len > EMU_CCM_MAX_DATA)
		return CKR_DATA_LEN_RANGE;
	return CKR_OK;
}

static CK_RV ccm_init(se_op *op, const se_op_params *p, se_ref key_ref)
{
	const se_cipher_params *c = &p->u.cipher;
	emu_item *key;
	CK_RV rv = ccm_params_ok(c);

	if (rv != CKR_OK)
		return rv;
	key = emu_ops_key_item(op, key_ref, SE_ITEM_AES_KEY, &rv);
	if (key == NULL)
		return rv;
	op->aad_len = 0;
	rv = emu_ops_append(&op->aad, &op->aad_cap, &op->aad_len, c->aad, c->aad_len);
	if (rv != CKR_OK)
		return rv;
	memcpy(op->nonce, c->iv, c->iv_len);
	op->nonce_len = c->iv_len;
	op->tag_len = c->tag_len;
	op->data_len = c->data_len;
	op->tag_out = op->kind == SE_OP_ENCRYPT ? c->tag_out : NULL;
	op->key_ref = key_ref;
	op->key_serial = emu_ops_key_serial(key);
	op->buf_len = 0;
	return CKR_OK;
}

static CK_RV ccm_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	(void)out;
	if (out_len != NULL)
		*out_len = 0; /* everything is written at final */
	if (in_len > expected_in(op) - op->buf_len)
		return op->kind == SE_OP_ENCRYPT ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	return emu_ops_append(&op->buf, &op->buf_cap, &op->buf_len, in, in_len);
}

static size_t ccm_bound(const se_op *op, size_t in_len, int final)
{
	(void)in_len;
	if (!final)
		return 0;
	/* encryption: the tag follows the ciphertext, unless it goes to tag_out */
	return op->data_len + (op->kind == SE_OP_ENCRYPT && op->tag_out == NULL ? op->tag_len : 0);
}

static CK_RV ccm_final(se_op *op, uint8_t *out, size_t *out_len)
{
	int enc = op->kind == SE_OP_ENCRYPT;
	size_t need = ccm_bound(op, 0, 1), n = 0, full = op->data_len + op->tag_len;
	emu_item *key;
	CK_RV rv;

	if (op->buf_len != expected_in(op))
		return enc ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	if (out == NULL || *out_len < need) {
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	key = emu_ops_key_again(op, SE_ITEM_AES_KEY, &rv);
	if (key == NULL)
		return rv;
	rv = emu_ops_reserve(&op->scratch, &op->scratch_cap, 0, full);
	if (rv != CKR_OK)
		return rv;
	rv = emu_ops_crypto_rv(pf_aes_ccm(enc, key->value, key->len, op->nonce, op->nonce_len, op->aad,
	                                  op->aad_len, op->buf, op->buf_len, op->tag_len, op->scratch,
	                                  &n),
	                       enc);
	if (rv == CKR_OK && n != (enc ? full : need))
		rv = CKR_FUNCTION_FAILED;
	if (rv == CKR_OK) {
		if (need != 0) /* (an empty message: no scratch was needed) */
			memcpy(out, op->scratch, need);
		if (op->tag_out != NULL)
			memcpy(op->tag_out, op->scratch + need, op->tag_len);
		*out_len = need;
	} else {
		*out_len = 0;
	}
	op->tag_out = NULL;
	pf_wipe(op->scratch, full);
	emu_pf_wipe_buffers(op);
	emu_ccm_wipe(op);
	return rv;
}

const emu_fam emu_fam_aes_ccm = {
	.service = SE_SERVICE_NONE,
	.kinds = EMU_KINDS_CRYPT,
	.init = ccm_init,
	.update = ccm_update,
	.final = ccm_final,
	.output_bound = ccm_bound,
};
