/*
 * mech_mac.c - CKM_AES_CMAC(_GENERAL) and CKM_SHA*_HMAC(_GENERAL): the
 * output length, full or as the *_GENERAL parameter asks.
 */
#include "config.h"

#include "mech/mech_local.h"

CK_RV mech_mac_parse(const mech_desc *d, const CK_MECHANISM *m, se_op_params *p)
{
	CK_ULONG want;

	if (d->type != CKM_AES_CMAC_GENERAL && d->type != CKM_SHA256_HMAC_GENERAL) {
		p->mac_len = d->out_len;
		return mech_no_param(m);
	}
	/* CK_MAC_GENERAL_PARAMS is one CK_ULONG: the output length in bytes. */
	if (m->pParameter == NULL || m->ulParameterLen != sizeof(CK_ULONG))
		return CKR_MECHANISM_PARAM_INVALID;
	want = *(const CK_ULONG *)m->pParameter;
	if (want < 1 || want > d->out_len)
		return CKR_MECHANISM_PARAM_INVALID;
	p->mac_len = want;
	return CKR_OK;
}
