/*
 * test_set_mech.h - what the mech layer would put in se_op_params for a
 * mechanism before its parameter (tests that call a backend's op_init
 * directly). Needs the mech layer linked (mech_find).
 */
#ifndef PORTFOLIO_TEST_SET_MECH_H
#define PORTFOLIO_TEST_SET_MECH_H

#include "mech/mech_local.h"

/* The family and its choice the mech layer would give the backend for m
 * (from the registry row), before any parameter: the rest of p is kept. */
static inline void fake_set_mech(se_op_params *p, CK_MECHANISM_TYPE m)
{
	const mech_desc *d = mech_find(m);

	p->mech = m;
	p->fam = d != NULL ? d->fam->se_fam : SE_FAM_NONE;
	if (p->fam == SE_FAM_CIPHER)
		p->u.cipher.mode = (se_cipher_mode)d->variant;
	else if (p->fam == SE_FAM_MAC)
		p->u.mac.alg = (se_mac_alg)d->variant;
	else if (p->fam == SE_FAM_PF_AUTH || p->fam == SE_FAM_PF_ENC)
		p->u.pf.alg = (se_pf_alg)d->variant;
	else if (p->fam == SE_FAM_SCP80)
		p->u.scp80.op = (se_scp80_op)d->variant;
	else if (p->fam == SE_FAM_DIV_AUTH || p->fam == SE_FAM_DIV_ENC)
		p->u.div.pf.alg = (se_pf_alg)d->variant;
}

#endif
