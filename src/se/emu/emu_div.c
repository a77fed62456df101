/*
 * emu_div.c - CKM_PORTFOLIO_DIV_AUTH_CMAC, _AUTH_HMAC (verify) and
 * _DIV_ENC_GCM (decrypt): a device's Portfolio answer checked with the
 * master alone (docs/mechanisms.md 10.2). The component derives the device
 * key K(D, I, n, s) from the master (emu_div_kdf.c, the same code as
 * C_DeriveKey(CKM_PORTFOLIO_DIVERSIFY)), hands it to the Portfolio AUTH or
 * ENC construction (emu_ops_portfolio.c) as a key that is no item, and wipes
 * it: AUTH as soon as the MAC context is keyed (op_init), ENC as soon as the
 * cipher is (final, where ENC computes). No object, no allocation after the
 * first operation of a session (the PRF context is kept in se_op.div, keyed
 * with the last master: the next operation with it is a restart).
 *
 * The MAC or cipher context keeps the device key's schedule, as it keeps that
 * of every key a session uses, until the session's next operation re-keys it
 * or an abort, C_Logout or the session's close overwrites it (emu_op_abort).
 * Overwriting it at the end of every operation as well would cost a second
 * re-key (3,600 instructions, a third of the operation: docs/performance.md)
 * and protect nothing: the master, which gives every device key, is held in
 * the same memory for as long (and its own schedule in se_op.div).
 *
 * emu_policy.c decides what the key may do: only a master of the family's
 * service, only verify / decrypt, never SOURCE_TOKEN.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "se/emu/emu_div.h"
#include "util/secure.h"
#include "util/sizes.h"

void emu_div_abort(se_op *op)
{
	if (op->div == NULL)
		return;
	pf_wipe(op->div->key, sizeof op->div->key);
	for (size_t i = 0; i < 3; i++) {
		pf_mac_forget_key(op->div->kdf[i]);
		op->div->kdf_serial[i] = 0;
	}
}

void emu_div_free(se_op *op)
{
	if (op->div == NULL)
		return;
	emu_div_abort(op);
	for (size_t i = 0; i < 3; i++)
		pf_mac_free(op->div->kdf[i]);
	pf_wipe(op->div, sizeof *op->div);
	free(op->div);
	op->div = NULL;
}

/* The device key's length the construction takes (CMAC: AES-128/256, as
 * CKM_PORTFOLIO_AUTH_CMAC; HMAC: 16..64; GCM: any AES key). */
static int key_len_ok(se_pf_alg alg, size_t len)
{
	switch (alg) {
	case SE_PF_AUTH_CMAC: return len == 16 || len == 32;
	case SE_PF_AUTH_HMAC: return len >= 16 && len <= CK_PORTFOLIO_MAX_DIV_KEY;
	case SE_PF_ENC_GCM: return pf_aes_key_len_ok(len);
	default: return 0;
	}
}

/* Both families at op_init: the parameter, the master under its sealed
 * policy, the state and the context of this device. */
static emu_item *div_begin(se_op *op, const se_div_params *p, se_ref key_ref, CK_RV *rv)
{
	if (p->pf.source == CKP_PORTFOLIO_SOURCE_TOKEN || !key_len_ok(p->pf.alg, p->key_len)) {
		*rv = CKR_MECHANISM_PARAM_INVALID; /* the server holds no device identity */
		return NULL;
	}
	op->source = p->pf.source;
	emu_item *master = emu_ops_key_item(op, key_ref, SE_ITEM_AES_KEY, rv);
	if (master == NULL)
		return NULL;
	if (op->div == NULL && (op->div = calloc(1, sizeof *op->div)) == NULL) {
		*rv = CKR_HOST_MEMORY;
		return NULL;
	}
	op->div->key_len = p->key_len;
	op->div->context_len = emu_div_context(p->device_id, p->device_id_len, p->instance, p->key_index,
	                                       op->fam->service, op->div->context);
	if (op->div->context_len == 0) {
		*rv = CKR_MECHANISM_PARAM_INVALID;
		return NULL;
	}
	return master;
}

/* The device key from master into op->div->key, as the key item the
 * Portfolio construction takes (no serial: the MAC or cipher is keyed anew). */
static CK_RV device_key(se_op *op, const emu_item *master, se_item_kind kind, emu_item *dev)
{
	struct emu_div *dv = op->div;
	int k = master->len == 16 ? 0 : master->len == 24 ? 1 : master->len == 32 ? 2 : -1;

	memset(dev, 0, sizeof *dev);
	dev->kind = kind;
	dev->value = dv->key;
	dev->len = dv->key_len;
	if (k < 0)
		return CKR_KEY_SIZE_RANGE;
	return emu_div_derive(&dv->kdf[k], &dv->kdf_serial[k], master, dv->context, dv->context_len, dv->key,
	                      dv->key_len);
}

/* ---- AUTH: verify ------------------------------------------------------------ */

static CK_RV div_auth_init(se_op *op, const se_op_params *params, se_ref key_ref)
{
	const se_div_params *p = &params->u.div;
	emu_item dev;
	CK_RV rv;

	if (p->pf.alg != SE_PF_AUTH_CMAC && p->pf.alg != SE_PF_AUTH_HMAC)
		return CKR_MECHANISM_INVALID;
	emu_item *master = div_begin(op, p, key_ref, &rv);
	if (master == NULL)
		return rv;
	rv = device_key(op, master, p->pf.alg == SE_PF_AUTH_HMAC ? SE_ITEM_GENERIC_SECRET : SE_ITEM_AES_KEY,
	                &dev);
	if (rv == CKR_OK)
		rv = emu_pf_auth_start(op, &p->pf, &dev);
	pf_wipe(op->div->key, op->div->key_len); /* the MAC context holds it now */
	return rv;
}

static CK_RV div_auth_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	return emu_fam_pf_auth.update(op, in, in_len, out, out_len);
}

static CK_RV div_auth_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	return emu_fam_pf_auth.verify_final(op, sig, sig_len);
}

static CK_RV div_no_final(se_op *op, uint8_t *out, size_t *out_len)
{
	(void)op, (void)out, (void)out_len;
	return CKR_OPERATION_NOT_INITIALIZED; /* verification ends in verify_final */
}

static size_t div_auth_bound(const se_op *op, size_t in_len, int final)
{
	return emu_fam_pf_auth.output_bound(op, in_len, final);
}

/* ---- ENC: decrypt ------------------------------------------------------------ */

static CK_RV div_enc_init(se_op *op, const se_op_params *params, se_ref key_ref)
{
	const se_div_params *p = &params->u.div;
	CK_RV rv;

	if (p->pf.alg != SE_PF_ENC_GCM)
		return CKR_MECHANISM_INVALID;
	emu_item *master = div_begin(op, p, key_ref, &rv);
	if (master == NULL)
		return rv;
	/* ENC computes at final: the master is found again then (key_ref, serial) */
	return emu_pf_enc_start(op, &p->pf, key_ref, emu_ops_key_serial(master));
}

static CK_RV div_enc_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	return emu_fam_pf_enc.update(op, in, in_len, out, out_len);
}

static CK_RV div_enc_final(se_op *op, uint8_t *out, size_t *out_len)
{
	emu_item dev;
	CK_RV rv;

	if (emu_pf_enc_final_len(op, out, out_len, &rv))
		return rv;
	emu_item *master = emu_ops_key_again(op, SE_ITEM_AES_KEY, &rv);
	if (master == NULL)
		return rv;
	rv = device_key(op, master, SE_ITEM_AES_KEY, &dev);
	if (rv == CKR_OK)
		rv = emu_pf_enc_run(op, &dev, out, out_len);
	else
		emu_pf_wipe_buffers(op);
	pf_wipe(op->div->key, op->div->key_len); /* the cipher context holds it now */
	return rv;
}

static size_t div_enc_bound(const se_op *op, size_t in_len, int final)
{
	return emu_fam_pf_enc.output_bound(op, in_len, final);
}

const emu_fam emu_fam_div_auth = {
	.service = CK_PORTFOLIO_SRV_AUTHENT,
	.kinds = EMU_KIND(SE_OP_VERIFY),
	.init = div_auth_init,
	.update = div_auth_update,
	.final = div_no_final,
	.verify_final = div_auth_verify_final,
	.output_bound = div_auth_bound,
	.master = 1,
};

const emu_fam emu_fam_div_enc = {
	.service = CK_PORTFOLIO_SRV_ENCRYPT,
	.kinds = EMU_KIND(SE_OP_DECRYPT),
	.init = div_enc_init,
	.update = div_enc_update,
	.final = div_enc_final,
	.output_bound = div_enc_bound,
	.master = 1,
};
