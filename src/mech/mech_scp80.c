/*
 * mech_scp80.c - the SMS binding's vendor mechanisms (CKM_PORTFOLIO_SCP80_WRAP
 * on C_Encrypt, CKM_PORTFOLIO_SCP80_UNWRAP and _POR_UNWRAP on C_Decrypt):
 * their parameter and the report written back into it. The packet work itself is done by the
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

static CK_RV scp80_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                         se_op_params *p)
{
	const CK_PORTFOLIO_SCP80_PARAMS *pp = m->pParameter;

	if (pp == NULL || m->ulParameterLen != sizeof(CK_PORTFOLIO_SCP80_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (pp->ulPoRDataLen > CK_PORTFOLIO_SCP80_MAX_POR_DATA ||
	    (pp->pPoRData == NULL && pp->ulPoRDataLen != 0))
		return CKR_MECHANISM_PARAM_INVALID;
	/* only UNWRAP answers a packet with a PoR: WRAP sends one, POR_UNWRAP reads one */
	if ((kind != MECH_OP_DECRYPT || d->variant != SE_SCP80_UNWRAP) &&
	    (pp->ulPoRDataLen != 0 || pp->pPoR != NULL))
		return CKR_MECHANISM_PARAM_INVALID;
	/* room for any PoR, so the report never has to truncate one */
	if (pp->pPoR != NULL && pp->ulPoRLen < CK_PORTFOLIO_SCP80_MAX_POR)
		return CKR_MECHANISM_PARAM_INVALID;
	p->u.scp80.op = (se_scp80_op)d->variant;
	p->u.scp80.por_data = pp->pPoRData;
	p->u.scp80.por_data_len = pp->ulPoRDataLen;
	return CKR_OK;
}

/* After the backend's op_final, accepted or not: the PoR, status and counter
 * written back into the caller's parameter (kept in op->report_param). */
static void scp80_report(mech_op *op)
{
	CK_PORTFOLIO_SCP80_PARAMS *pp = op->report_param;
	se_scp80_result r;

	if (pp == NULL)
		return;
	op->report_param = NULL; /* once per operation */
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

/* The packet is protected or opened whole at final: the component buffers it
 * and bounds it (one byte over the longest packet is still taken, so that an
 * oversized command gets its status-06 PoR); no data rule here. */
const mech_family mech_fam_scp80 = {
	.name = "scp80",
	.se_fam = SE_FAM_SCP80,
	.parse = scp80_parse,
	.report = scp80_report,
};
