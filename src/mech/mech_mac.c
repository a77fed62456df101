/*
 * mech_mac.c - CKM_AES_CMAC and CKM_SHA*_HMAC (full output, no parameter)
 * and their *_GENERAL forms (CK_MAC_GENERAL_PARAMS: the output length).
 * The row's variant is the se_mac_alg, its out_len the full length.
 */
#include "config.h"

#include "mech/mech_local.h"

static CK_RV mac_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	(void)kind;
	p->u.mac.alg = (se_mac_alg)d->variant;
	p->u.mac.mac_len = d->out_len;
	return mech_no_param(m);
}

static CK_RV mac_general_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                               se_op_params *p)
{
	CK_ULONG want;

	(void)kind;
	/* CK_MAC_GENERAL_PARAMS is one CK_ULONG: the output length in bytes. */
	if (m->pParameter == NULL || m->ulParameterLen != sizeof(CK_ULONG))
		return CKR_MECHANISM_PARAM_INVALID;
	want = *(const CK_ULONG *)m->pParameter;
	if (want < 1 || want > d->out_len)
		return CKR_MECHANISM_PARAM_INVALID;
	p->u.mac.alg = (se_mac_alg)d->variant;
	p->u.mac.mac_len = want;
	return CKR_OK;
}

static void mac_keep(mech_op *op, const se_op_params *p)
{
	op->mac_len = p->u.mac.mac_len;
}

const mech_family mech_fam_mac = {
	.name = "mac",
	.se_fam = SE_FAM_MAC,
	.parse = mac_parse,
	.keep = mac_keep,
	.msg_flags = CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY,
};

const mech_family mech_fam_mac_general = {
	.name = "mac-general",
	.se_fam = SE_FAM_MAC,
	.parse = mac_general_parse,
	.keep = mac_keep,
	.msg_flags = CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY,
};
