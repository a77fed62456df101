/*
 * mech_div.c - the diversified families: CKM_PORTFOLIO_DIV_AUTH_CMAC and
 * _AUTH_HMAC (C_VerifyInit / C_Verify) and CKM_PORTFOLIO_DIV_ENC_GCM
 * (C_DecryptInit / C_Decrypt): a device's Portfolio answer checked with a
 * master alone (docs/mechanisms.md 10.2). CK_PORTFOLIO_DIV_PARAMS is the
 * device (D, I, n, as for CKM_PORTFOLIO_DIVERSIFY), the device key's length
 * and the answer's CK_PORTFOLIO_PARAMS (the Portfolio rules, shared with
 * mech_portfolio.c); the row's variant is the device mechanism's se_pf_alg.
 *
 * parse keeps nothing between operations: the message API may call it again
 * for every message, with a new parameter on the same key. The secure
 * component derives, computes and decides (emu_div.c, emu_policy.c).
 */
#include "config.h"

#include "mech/mech_local.h"

static CK_RV div_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m, se_op_params *p)
{
	const CK_PORTFOLIO_DIV_PARAMS *dp = m->pParameter;
	se_div_params *div = &p->u.div;

	if (dp == NULL || m->ulParameterLen != sizeof(CK_PORTFOLIO_DIV_PARAMS) ||
	    mech_div_device_check(&dp->device) != CKR_OK)
		return CKR_MECHANISM_PARAM_INVALID;
	/* a server holds no device identity (and a master no keyset) */
	if (dp->op.ulSource == CKP_PORTFOLIO_SOURCE_TOKEN || dp->ulDeviceKeyLen < 16 ||
	    dp->ulDeviceKeyLen > CK_PORTFOLIO_MAX_DIV_KEY)
		return CKR_MECHANISM_PARAM_INVALID;
	CK_RV rv = mech_pf_parse_op(&dp->op, (se_pf_alg)d->variant, kind, &div->pf);
	if (rv != CKR_OK)
		return rv;
	div->device_id = dp->device.pDeviceId;
	div->device_id_len = dp->device.ulDeviceIdLen;
	div->instance = dp->device.ulInstance;
	div->key_index = dp->device.ulKeyIndex;
	div->key_len = dp->ulDeviceKeyLen;
	return CKR_OK;
}

static void div_keep(mech_op *op, const se_op_params *p)
{
	op->mac_len = op->desc->out_len;
	op->source = p->u.div.pf.source;
}

const mech_family mech_fam_div_auth = {
	.name = "portfolio-div-auth",
	.se_fam = SE_FAM_DIV_AUTH,
	.parse = div_parse,
	.keep = div_keep,
	.check_data = mech_pf_check_data,
	.check_final = mech_pf_auth_check_final,
	/* The server's one-Init-many-devices call: each message names its device. */
	.msg_flags = CKF_MESSAGE_VERIFY,
};

const mech_family mech_fam_div_enc = {
	.name = "portfolio-div-enc",
	.se_fam = SE_FAM_DIV_ENC,
	.parse = div_parse,
	.keep = div_keep,
	.check_data = mech_pf_check_data,
	.msg_flags = CKF_MESSAGE_DECRYPT,
};
