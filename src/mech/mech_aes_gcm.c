/*
 * mech_aes_gcm.c - CKM_AES_GCM: CK_GCM_PARAMS and its data rule (a
 * ciphertext carries at least the tag).
 */
#include "config.h"

#include "mech/mech_local.h"

static CK_RV gcm_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	const CK_GCM_PARAMS *g = m->pParameter;

	(void)kind;
	if (g == NULL || m->ulParameterLen != sizeof(CK_GCM_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->pIv == NULL || g->ulIvLen < 1 || g->ulIvLen > 256)
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->pAAD == NULL && g->ulAADLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->ulTagBits < 32 || g->ulTagBits > 128 || g->ulTagBits % 8 != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	p->u.cipher.mode = (se_cipher_mode)d->variant;
	p->u.cipher.iv = g->pIv;
	p->u.cipher.iv_len = g->ulIvLen;
	p->u.cipher.aad = g->pAAD;
	p->u.cipher.aad_len = g->ulAADLen;
	p->u.cipher.tag_len = g->ulTagBits / 8;
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
};
