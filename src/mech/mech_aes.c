/*
 * mech_aes.c - CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD, CKM_AES_GCM:
 * parameters and the data-length rules of the standard.
 */
#include "config.h"

#include "mech/mech_local.h"

CK_RV mech_no_param(const CK_MECHANISM *m)
{
	return m->ulParameterLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
}

static CK_RV parse_gcm(const CK_MECHANISM *m, se_op_params *p)
{
	const CK_GCM_PARAMS *g = m->pParameter;

	if (g == NULL || m->ulParameterLen != sizeof(CK_GCM_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->pIv == NULL || g->ulIvLen < 1 || g->ulIvLen > 256)
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->pAAD == NULL && g->ulAADLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	if (g->ulTagBits < 32 || g->ulTagBits > 128 || g->ulTagBits % 8 != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	p->iv = g->pIv;
	p->iv_len = g->ulIvLen;
	p->aad = g->pAAD;
	p->aad_len = g->ulAADLen;
	p->tag_len = g->ulTagBits / 8;
	return CKR_OK;
}

CK_RV mech_aes_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                     se_op_params *p)
{
	(void)kind;
	switch (d->type) {
	case CKM_AES_ECB:
		return mech_no_param(m);
	case CKM_AES_CBC:
	case CKM_AES_CBC_PAD:
		if (m->pParameter == NULL || m->ulParameterLen != PF_AES_BLOCK)
			return CKR_MECHANISM_PARAM_INVALID;
		p->iv = m->pParameter;
		p->iv_len = PF_AES_BLOCK;
		return CKR_OK;
	case CKM_AES_GCM:
		return parse_gcm(m, p);
	default:
		return CKR_MECHANISM_INVALID;
	}
}

CK_RV mech_aes_check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	int enc = op->kind == MECH_OP_ENCRYPT;
	CK_RV len_rv = enc ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;

	if (!single)
		return CKR_OK; /* partial blocks are fine until final; the backend checks there */
	switch (op->mech) {
	case CKM_AES_ECB:
	case CKM_AES_CBC:
		return in_len % PF_AES_BLOCK == 0 ? CKR_OK : len_rv;
	case CKM_AES_CBC_PAD:
		if (enc)
			return CKR_OK;
		return (in_len != 0 && in_len % PF_AES_BLOCK == 0) ? CKR_OK : len_rv;
	case CKM_AES_GCM:
		return (enc || in_len >= op->tag_len) ? CKR_OK : len_rv;
	default:
		return CKR_OK;
	}
}
