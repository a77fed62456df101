/*
 * mech_scp80.c - the SMS binding's vendor mechanisms (CKM_PORTFOLIO_SCP80_WRAP
 * on C_Encrypt, CKM_PORTFOLIO_SCP80_UNWRAP on C_Decrypt): their parameter and
 * the report written back into it. The packet work itself is done by the
 * secure component (emulator: src/se/emu/emu_scp80.c).
 *
 * The parameter carries output fields (PoR, status, counter), written when
 * C_Encrypt / C_Decrypt (or the Final) returns, accepted or not: PKCS#11 ends
 * a decryption that fails with no output, and a discarded packet still has a
 * PoR to send (TS 102 225: e.g. the unsecured PoR of status 06). Like the
 * output fields of the 3.0 message-based parameters, the structure must stay
 * valid from the Init to that call (docs/mechanisms.md).
 */
#include "config.h"

#include <string.h>

#include "mech/mech_local.h"

CK_RV mech_scp80_parse(mech_op_kind kind, const CK_MECHANISM *m, se_op_params *p)
{
	const CK_PORTFOLIO_SCP80_PARAMS *pp = m->pParameter;

	if (pp == NULL || m->ulParameterLen != sizeof(CK_PORTFOLIO_SCP80_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (pp->ulPoRDataLen > CK_PORTFOLIO_SCP80_MAX_POR_DATA ||
	    (pp->pPoRData == NULL && pp->ulPoRDataLen != 0))
		return CKR_MECHANISM_PARAM_INVALID;
	/* a command packet has no PoR to fill: only UNWRAP answers one */
	if (kind != MECH_OP_DECRYPT && (pp->ulPoRDataLen != 0 || pp->pPoR != NULL))
		return CKR_MECHANISM_PARAM_INVALID;
	/* room for any PoR, so the report never has to truncate one */
	if (pp->pPoR != NULL && pp->ulPoRLen < CK_PORTFOLIO_SCP80_MAX_POR)
		return CKR_MECHANISM_PARAM_INVALID;
	if (pp->ulPoRDataLen != 0)
		memcpy(p->por_data, pp->pPoRData, pp->ulPoRDataLen);
	p->por_data_len = pp->ulPoRDataLen;
	return CKR_OK;
}

void mech_scp80_report(mech_op *op)
{
	CK_PORTFOLIO_SCP80_PARAMS *pp = op->scp80_param;
	se_scp80_result r;

	if (pp == NULL || op->desc == NULL || op->desc->fam != MECH_FAM_SCP80)
		return;
	op->scp80_param = NULL; /* once per operation */
	if (op->be->op_scp80_result == NULL)
		return;
	memset(&r, 0, sizeof r);
	op->be->op_scp80_result(op->se, &r);
	if (!r.valid)
		return;
	pp->ulStatus = r.status;
	pp->ulCounterHigh = (CK_ULONG)(r.counter >> 32);
	pp->ulCounterLow = (CK_ULONG)(r.counter & 0xFFFFFFFFu);
	if (pp->pPoR != NULL && r.por_len != 0)
		memcpy(pp->pPoR, r.por, r.por_len);
	pp->ulPoRLen = r.por_len;
}
