/*
 * mech_portfolio.c - the four CKM_PORTFOLIO_* mechanisms: CK_PORTFOLIO_PARAMS
 * and the data rules of each source (docs/mechanisms.md).
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

#include <string.h>

#include "mech/mech_local.h"

CK_RV mech_pf_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                    se_op_params *p)
{
	const CK_PORTFOLIO_PARAMS *pp = m->pParameter;

	if (pp == NULL || m->ulParameterLen != sizeof(CK_PORTFOLIO_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (pp->pChallenge == NULL || pp->ulChallengeLen < 1 ||
	    pp->ulChallengeLen > CK_PORTFOLIO_MAX_CHALLENGE)
		return CKR_MECHANISM_PARAM_INVALID;
	switch (pp->ulSource) {
	case CKP_PORTFOLIO_SOURCE_TOKEN:
	case CKP_PORTFOLIO_SOURCE_DATA:
		break;
	case CKP_PORTFOLIO_SOURCE_HASH:
		if (d->fam != MECH_FAM_PF_AUTH)
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
	if (kind == MECH_OP_DECRYPT && pp->ulSource != 0 && pp->ulSource != CKP_PORTFOLIO_SOURCE_DATA)
		return CKR_MECHANISM_PARAM_INVALID;
	/* A device key answers only about what was provisioned: it signs (AUTH) and
	 * encrypts (ENC) the token's identity, never the caller's data. Refused here
	 * early, and by the secure component whatever the caller (same code). */
	if (pp->ulSource != CKP_PORTFOLIO_SOURCE_TOKEN &&
	    ((kind == MECH_OP_SIGN && d->fam == MECH_FAM_PF_AUTH) ||
	     (kind == MECH_OP_ENCRYPT && d->fam == MECH_FAM_PF_ENC)))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	p->source = pp->ulSource;
	memcpy(p->challenge, pp->pChallenge, pp->ulChallengeLen);
	p->challenge_len = pp->ulChallengeLen;
	p->mac_len = d->out_len;
	return CKR_OK;
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

CK_RV mech_pf_check_final(const mech_op *op)
{
	if (op->desc->fam == MECH_FAM_PF_AUTH && op->source == CKP_PORTFOLIO_SOURCE_HASH &&
	    op->total_in != PF_SHA256_SIZE)
		return CKR_DATA_LEN_RANGE;
	return CKR_OK;
}
