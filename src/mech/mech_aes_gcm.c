/*
 * mech_aes_gcm.c - CKM_AES_GCM: CK_GCM_PARAMS and its data rule (a
 * ciphertext carries at least the tag); for the message API (PKCS#11 3.0)
 * CK_GCM_MESSAGE_PARAMS, whose IV the token may generate and whose tag
 * travels apart from the ciphertext (pTag).
 */
#include "config.h"

#include "mech/mech_local.h"

#define GCM_IV_MAX 256u

/* The IV and tag rules both parameters share. */
static int gcm_lengths_ok(const void *iv, CK_ULONG iv_len, CK_ULONG tag_bits)
{
	return iv != NULL && iv_len >= 1 && iv_len <= GCM_IV_MAX && tag_bits >= 32 && tag_bits <= 128 &&
	       tag_bits % 8 == 0;
}

static void gcm_fill(const mech_desc *d, const uint8_t *iv, CK_ULONG iv_len, const uint8_t *aad,
                     size_t aad_len, CK_ULONG tag_bits, se_op_params *p)
{
	p->u.cipher.mode = (se_cipher_mode)d->variant;
	p->u.cipher.iv = iv;
	p->u.cipher.iv_len = iv_len;
	p->u.cipher.aad = aad;
	p->u.cipher.aad_len = aad_len;
	p->u.cipher.tag_len = tag_bits / 8;
	p->u.cipher.tag_out = NULL;
}

static CK_RV gcm_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	const CK_GCM_PARAMS *g = m->pParameter;

	(void)kind;
	if (g == NULL || m->ulParameterLen != sizeof(CK_GCM_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (!gcm_lengths_ok(g->pIv, g->ulIvLen, g->ulTagBits))
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->pAAD == NULL && g->ulAADLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	gcm_fill(d, g->pIv, g->ulIvLen, g->pAAD, g->ulAADLen, g->ulTagBits, p);
	return CKR_OK;
}

/* C_EncryptMessage / C_DecryptMessage: the AAD is the call's, the tag goes to
 * (encrypt) or comes from (decrypt) pTag, the IV as ivGenerator says. */
static CK_RV gcm_parse_message(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                               mech_msg_data *md, mech_op *op, se_op_params *p)
{
	const CK_GCM_MESSAGE_PARAMS *g = m->pParameter;
	CK_RV rv;

	if (g == NULL || m->ulParameterLen != sizeof(CK_GCM_MESSAGE_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (!gcm_lengths_ok(g->pIv, g->ulIvLen, g->ulTagBits) || g->pTag == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = mech_msg_make_iv(op, kind, g->ivGenerator, g->ulIvFixedBits, g->pIv, g->ulIvLen);
	if (rv != CKR_OK)
		return rv;
	gcm_fill(d, g->pIv, g->ulIvLen, md->aad, md->aad_len, g->ulTagBits, p);
	if (kind == MECH_OP_ENCRYPT)
		p->u.cipher.tag_out = g->pTag;
	else
		md->tag_in = g->pTag;
	md->tag_len = g->ulTagBits / 8;
	return CKR_OK;
}

static void gcm_keep(mech_op *op, const se_op_params *p)
{
	op->tag_len = p->u.cipher.tag_len;
}

static CK_RV gcm_check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	if (!single || op->kind == MECH_OP_ENCRYPT)
		return CKR_OK;
	return in_len >= op->tag_len ? CKR_OK : mech_len_range(op);
}

const mech_family mech_fam_aes_gcm = {
	.name = "aes-gcm",
	.se_fam = SE_FAM_CIPHER,
	.parse = gcm_parse,
	.keep = gcm_keep,
	.check_data = gcm_check_data,
	.msg_flags = CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT,
	.parse_message = gcm_parse_message,
};
