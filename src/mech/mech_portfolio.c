/*
 * mech_portfolio.c - the Portfolio families: AUTH (CKM_PORTFOLIO_AUTH_CMAC,
 * _HMAC) and ENC (CKM_PORTFOLIO_ENC_GCM, _CBC). CK_PORTFOLIO_PARAMS and the
 * data rules of each source (docs/mechanisms.md). The row's variant is the
 * se_pf_alg.
 *
 *   AUTH  SOURCE_TOKEN  data empty; the token's provisioned identity hash
 *         SOURCE_DATA   data = the Identity value, hashed by the mechanism (verify only)
 *         SOURCE_HASH   data = exactly 32 bytes, SHA-256(Identity) (verify only)
 *   ENC   SOURCE_TOKEN  data empty; the plaintext is the token's Identity value
 *         SOURCE_DATA   (decrypt only: a device key encrypts no caller data)
 *   DEC   data = IV || ciphertext (|| tag); source 0 or SOURCE_DATA; the
 *         challenge is the one expected inside
 */
#include "config.h"

#include "mech/mech_local.h"

/* Which sources the operation kind takes (auth: the AUTH family). */
static CK_RV check_source(CK_ULONG source, mech_op_kind kind, int auth)
{
	switch (source) {
	case CKP_PORTFOLIO_SOURCE_TOKEN:
	case CKP_PORTFOLIO_SOURCE_DATA:
		break;
	case CKP_PORTFOLIO_SOURCE_HASH:
		if (!auth)
			return CKR_MECHANISM_PARAM_INVALID;
		break;
	case 0:
		/* "no source" only makes sense where none is used: decryption */
		if (kind != MECH_OP_DECRYPT)
			return CKR_MECHANISM_PARAM_INVALID;
		break;
	default:
		return CKR_MECHANISM_PARAM_INVALID;
	}
	if (kind == MECH_OP_DECRYPT && source != 0 && source != CKP_PORTFOLIO_SOURCE_DATA)
		return CKR_MECHANISM_PARAM_INVALID;
	/* A device key answers only about what was provisioned: it signs (AUTH) and
	 * encrypts (ENC) the token's identity, never the caller's data. Refused here
	 * early, and by the secure component whatever the caller. */
	if (source != CKP_PORTFOLIO_SOURCE_TOKEN &&
	    ((kind == MECH_OP_SIGN && auth) || (kind == MECH_OP_ENCRYPT && !auth)))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

/* (inline in pf_parse: it is on every C_SignInit) */
static inline CK_RV parse_op(const CK_PORTFOLIO_PARAMS *pp, se_pf_alg alg, mech_op_kind kind, se_pf_params *out)
{
	if (pp->pChallenge == NULL || pp->ulChallengeLen < 1 ||
	    pp->ulChallengeLen > CK_PORTFOLIO_MAX_CHALLENGE)
		return CKR_MECHANISM_PARAM_INVALID;
	CK_RV rv = check_source(pp->ulSource, kind, alg == SE_PF_AUTH_CMAC || alg == SE_PF_AUTH_HMAC);
	if (rv != CKR_OK)
		return rv;
	out->alg = alg;
	out->source = pp->ulSource;
	out->identity_id = 0;
	out->identity_hash_ref = 0;
	out->identity_value_ref = 0;
	/* borrowed for op_init, which copies it: no copy and wipe here */
	out->challenge = pp->pChallenge;
	out->challenge_len = pp->ulChallengeLen;
	return CKR_OK;
}

CK_RV mech_pf_parse_op(const CK_PORTFOLIO_PARAMS *pp, se_pf_alg alg, mech_op_kind kind, se_pf_params *out)
{
	return parse_op(pp, alg, kind, out);
}

static CK_RV pf_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                      se_op_params *p)
{
	if (m->pParameter == NULL || m->ulParameterLen != sizeof(CK_PORTFOLIO_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	return parse_op(m->pParameter, (se_pf_alg)d->variant, kind, &p->u.pf);
}

/* SOURCE_TOKEN: the identity the caller names, as the component's items. */
static CK_RV pf_bind(const mech_desc *d, const CK_MECHANISM *m, const mech_identity_resolver *res,
                     se_op_params *p)
{
	const CK_PORTFOLIO_PARAMS *pp = m->pParameter;
	se_pf_params *pf = &p->u.pf;
	CK_RV rv;

	if (pf->source != CKP_PORTFOLIO_SOURCE_TOKEN)
		return CKR_OK;
	if (res == NULL || res->resolve == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = res->resolve(res->ctx, pp->ulIdentityId, &pf->identity_hash_ref, &pf->identity_value_ref);
	if (rv != CKR_OK)
		return rv;
	/* AUTH needs the provisioned hash, ENC the value to encrypt */
	if ((d->fam == &mech_fam_pf_auth ? pf->identity_hash_ref : pf->identity_value_ref) == 0)
		return CKR_MECHANISM_PARAM_INVALID;
	pf->identity_id = pp->ulIdentityId;
	return CKR_OK;
}

static void pf_keep(mech_op *op, const se_op_params *p)
{
	op->mac_len = op->desc->out_len;
	op->source = p->u.pf.source;
}

CK_RV mech_pf_check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	if (op->kind == MECH_OP_DECRYPT)
		return CKR_OK;
	switch (op->source) {
	case CKP_PORTFOLIO_SOURCE_TOKEN:
		return in_len == 0 ? CKR_OK : CKR_DATA_LEN_RANGE;
	case CKP_PORTFOLIO_SOURCE_HASH:
		if (single)
			return in_len == PF_SHA256_SIZE ? CKR_OK : CKR_DATA_LEN_RANGE;
		return in_len <= PF_SHA256_SIZE - op->total_in ? CKR_OK : CKR_DATA_LEN_RANGE;
	default:
		return CKR_OK;
	}
}

CK_RV mech_pf_auth_check_final(const mech_op *op)
{
	if (op->source == CKP_PORTFOLIO_SOURCE_HASH && op->total_in != PF_SHA256_SIZE)
		return CKR_DATA_LEN_RANGE;
	return CKR_OK;
}

/* The Portfolio CMAC signature is specified for AES-128 and AES-256 only. */
static int auth_key_rule(const mech_desc *d, CK_ULONG len)
{
	return !(d->key_type == CKK_AES && len == 24);
}

const mech_family mech_fam_pf_auth = {
	.name = "portfolio-auth",
	.se_fam = SE_FAM_PF_AUTH,
	/* per message: a CK_PORTFOLIO_PARAMS, through pf_parse and pf_bind as at C_*Init */
	.msg_flags = CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY,
	.parse = pf_parse,
	.bind = pf_bind,
	.keep = pf_keep,
	.check_data = mech_pf_check_data,
	.check_final = mech_pf_auth_check_final,
	.key_rule = auth_key_rule,
};

const mech_family mech_fam_pf_enc = {
	.name = "portfolio-enc",
	.se_fam = SE_FAM_PF_ENC,
	.msg_flags = CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT,
	.parse = pf_parse,
	.bind = pf_bind,
	.keep = pf_keep,
	.check_data = mech_pf_check_data,
};
