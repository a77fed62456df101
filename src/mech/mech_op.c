/*
 * mech_op.c - starting operations (all the checks of mech.h) and the
 * PKCS#11 calling rules shared by every family:
 *   - out == NULL: CKR_OK with the needed length; too small: CKR_BUFFER_TOO_SMALL
 *     with the needed length; both keep the operation;
 *   - every other error ends it (PKCS#11 3.0 section 5: CKR_ARGUMENTS_BAD and
 *     CKR_OPERATION_ACTIVE included); so does a successful single-part call or
 *     final;
 *   - a single-part call after an update is CKR_OPERATION_ACTIVE, and ends the
 *     multi-part operation like any other error;
 *   - pointer arguments are checked first, so a bad one is CKR_ARGUMENTS_BAD
 *     whether or not an operation is running.
 * Keyed work goes through the backend table; digests through src/crypto.
 */
#include "config.h"

#include <string.h>

#include "mech/mech_local.h"
#include "util/secure.h"
#include "util/sizes.h"

CK_FLAGS mech_op_kind_flag(mech_op_kind kind)
{
	switch (kind) {
	case MECH_OP_ENCRYPT: return CKF_ENCRYPT;
	case MECH_OP_DECRYPT: return CKF_DECRYPT;
	case MECH_OP_SIGN: return CKF_SIGN;
	case MECH_OP_VERIFY: return CKF_VERIFY;
	case MECH_OP_DIGEST: return CKF_DIGEST;
	}
	return 0;
}

static se_op_kind se_kind_of(mech_op_kind kind)
{
	switch (kind) {
	case MECH_OP_ENCRYPT: return SE_OP_ENCRYPT;
	case MECH_OP_DECRYPT: return SE_OP_DECRYPT;
	case MECH_OP_SIGN: return SE_OP_SIGN;
	default: return SE_OP_VERIFY;
	}
}

int mech_key_size_ok(const mech_desc *d, CK_ULONG len)
{
	if (len < d->min_key || len > d->max_key)
		return 0;
	if (d->key_type == CKK_AES && !pf_aes_key_len_ok(len))
		return 0;
	/* the Portfolio CMAC signature is specified for AES-128 and AES-256 only */
	return !(d->type == CKM_PORTFOLIO_AUTH_CMAC && len == 24);
}

static CK_RV check_key(const mech_desc *d, mech_op_kind kind, const mech_key *key)
{
	CK_BBOOL allowed;

	if (key == NULL)
		return CKR_KEY_HANDLE_INVALID;
	if (key->cls != CKO_SECRET_KEY || key->type != d->key_type)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (!mech_key_size_ok(d, key->value_len))
		return CKR_KEY_SIZE_RANGE;
	switch (kind) {
	case MECH_OP_ENCRYPT: allowed = key->can_encrypt; break;
	case MECH_OP_DECRYPT: allowed = key->can_decrypt; break;
	case MECH_OP_SIGN: allowed = key->can_sign; break;
	default: allowed = key->can_verify; break;
	}
	if (!allowed)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	/* Keysets serve their service only; standard mechanisms never touch them. */
	if (d->service == MECH_NO_SERVICE) {
		if (key->has_service)
			return CKR_KEY_FUNCTION_NOT_PERMITTED;
	} else if (!key->has_service || key->service != (CK_ULONG)d->service) {
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	}
	return CKR_OK;
}

/* End the operation after an error: the backend drops (and wipes) its state. */
static CK_RV fail(mech_op *op, CK_RV rv)
{
	op->active = 0;
	op->multipart_started = 0;
	if (op->se != NULL && op->be != NULL && op->kind != MECH_OP_DIGEST)
		op->be->op_abort(op->se);
	return rv;
}

/* A bad argument found before the state check: it ends the operation of this
 * kind if one is running (the call was made on it), and is reported either way. */
static CK_RV refuse(mech_op *op, mech_op_kind kind, CK_RV rv)
{
	return op->active && op->kind == kind ? fail(op, rv) : rv;
}

/* End the operation after success: the backend already finished. */
static CK_RV done(mech_op *op)
{
	op->active = 0;
	op->multipart_started = 0;
	return CKR_OK;
}

CK_RV mech_op_init(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                   const se_backend *be, se_token *tok, const mech_identity_resolver *res)
{
	const mech_desc *d;
	se_op_params p;
	CK_RV rv;

	if (op == NULL || m == NULL)
		return CKR_ARGUMENTS_BAD;
	if (op->active)
		return CKR_OPERATION_ACTIVE;
	/* A session signs with the same mechanism again and again: the row of its
	 * last operation saves the registry scan. */
	d = op->desc != NULL && op->desc->type == m->mechanism ? op->desc : mech_find(m->mechanism);
	if (d == NULL || (d->flags & mech_op_kind_flag(kind)) == 0)
		return CKR_MECHANISM_INVALID;

	op->kind = kind;
	op->mech = d->type;
	op->desc = d;
	op->multipart_started = 0;
	op->total_in = 0;
	op->source = 0;
	op->tag_len = 0;
	if (kind == MECH_OP_DIGEST) {
		rv = mech_digest_init(op, d, m);
		if (rv != CKR_OK)
			return rv;
		op->active = 1;
		return CKR_OK;
	}

	rv = check_key(d, kind, key);
	if (rv != CKR_OK)
		return rv;
	if (be == NULL)
		return CKR_GENERAL_ERROR;

	/* Every field but the challenge buffer, of which only challenge_len bytes
	 * are ever read (zeroing and wiping all 64 was a tenth of a signature). */
	p.mech = d->type;
	p.iv = NULL;
	p.iv_len = 0;
	p.aad = NULL;
	p.aad_len = 0;
	p.tag_len = 0;
	p.mac_len = 0;
	p.source = 0;
	p.identity_id = 0;
	p.identity_hash_ref = 0;
	p.identity_value_ref = 0;
	p.challenge_len = 0;
	p.por_data_len = 0;
	switch (d->fam) {
	case MECH_FAM_CIPHER: rv = mech_aes_parse(d, kind, m, &p); break;
	case MECH_FAM_MAC: rv = mech_mac_parse(d, m, &p); break;
	case MECH_FAM_PF_AUTH:
	case MECH_FAM_PF_ENC: rv = mech_pf_parse(d, kind, m, &p); break;
	case MECH_FAM_SCP80: rv = mech_scp80_parse(kind, m, &p); break; /* hook: SMS */
	default: rv = CKR_MECHANISM_INVALID; break;
	}
	if (rv != CKR_OK)
		return rv;
	if ((d->fam == MECH_FAM_PF_AUTH || d->fam == MECH_FAM_PF_ENC) &&
	    p.source == CKP_PORTFOLIO_SOURCE_TOKEN) {
		const CK_PORTFOLIO_PARAMS *pp = m->pParameter;
		if (res == NULL || res->resolve == NULL)
			return CKR_MECHANISM_PARAM_INVALID;
		rv = res->resolve(res->ctx, pp->ulIdentityId, &p.identity_hash_ref, &p.identity_value_ref);
		if (rv != CKR_OK)
			return rv;
		/* AUTH needs the provisioned hash, ENC the value to encrypt */
		if ((d->fam == MECH_FAM_PF_AUTH ? p.identity_hash_ref : p.identity_value_ref) == 0)
			return CKR_MECHANISM_PARAM_INVALID;
		p.identity_id = pp->ulIdentityId;
	}

	/* The session's backend op is made once and reused; a different token
	 * or backend (never expected within one session) gets a fresh one. */
	if (op->se != NULL && (op->be != be || op->tok != tok)) {
		op->be->op_free(op->se);
		op->se = NULL;
	}
	if (op->se == NULL) {
		rv = be->op_new(tok, &op->se);
		if (rv != CKR_OK) {
			op->se = NULL;
			return rv;
		}
		op->be = be;
		op->tok = tok;
	}
	rv = be->op_init(op->se, se_kind_of(kind), &p, key->ref);
	op->scp80_param = d->fam == MECH_FAM_SCP80 ? m->pParameter : NULL; /* hook: SMS */
	op->mac_len = p.mac_len;
	op->source = p.source;
	op->tag_len = p.tag_len;
	pf_wipe(p.challenge, p.challenge_len); /* the only bytes copied in */
	if (rv != CKR_OK)
		return rv;
	op->active = 1;
	return CKR_OK;
}

/* ---- data ------------------------------------------------------------------ */

static CK_RV check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	switch (op->desc->fam) {
	case MECH_FAM_CIPHER: return mech_aes_check_data(op, in_len, single);
	case MECH_FAM_PF_AUTH:
	case MECH_FAM_PF_ENC: return mech_pf_check_data(op, in_len, single);
	default: return CKR_OK;
	}
}

static CK_RV check_state(const mech_op *op, mech_op_kind kind)
{
	if (!op->active || op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	return CKR_OK;
}

/* The length-query convention: 1 if the call must return now with *rv. */
static int length_query(CK_ULONG need, const uint8_t *out, CK_ULONG *out_len, CK_RV *rv)
{
	if (out == NULL) {
		*out_len = need;
		*rv = CKR_OK;
		return 1;
	}
	if (*out_len < need) {
		*out_len = need;
		*rv = CKR_BUFFER_TOO_SMALL;
		return 1;
	}
	return 0;
}

/* A decryption that fails must not leave plaintext in the caller's buffer. */
static CK_RV fail_wipe(mech_op *op, CK_RV rv, uint8_t *out, size_t written)
{
	if (op->kind == MECH_OP_DECRYPT && out != NULL)
		pf_wipe(out, written);
	return fail(op, rv);
}

CK_RV mech_op_single(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len,
                     uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;
	size_t need, room, n1, n2;

	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if (out_len == NULL || (in == NULL && in_len != 0))
		return refuse(op, kind, CKR_ARGUMENTS_BAD);
	rv = check_state(op, kind);
	if (rv != CKR_OK)
		return rv;
	if (kind == MECH_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED; /* C_Verify is mech_op_verify */
	if (op->multipart_started)
		return fail(op, CKR_OPERATION_ACTIVE);

	if (kind == MECH_OP_DIGEST) {
		if (length_query(op->mac_len, out, out_len, &rv))
			return rv;
		rv = mech_digest_update(op, in, in_len);
		if (rv == CKR_OK)
			rv = mech_digest_final(op, out, out_len);
		return rv == CKR_OK ? done(op) : fail(op, rv);
	}

	rv = check_data(op, in_len, 1);
	if (rv != CKR_OK)
		return fail(op, rv);
	need = kind == MECH_OP_SIGN ? op->mac_len : op->be->op_output_bound(op->se, in_len, 1);
	if (length_query(need, out, out_len, &rv))
		return rv;

	room = *out_len;
	n1 = room;
	rv = op->be->op_update(op->se, in, in_len, kind == MECH_OP_SIGN ? NULL : out, &n1);
	if (rv != CKR_OK)
		return fail_wipe(op, rv, out, room);
	if (kind == MECH_OP_SIGN)
		n1 = 0;
	n2 = room - n1;
	rv = op->be->op_final(op->se, out + n1, &n2);
	mech_scp80_report(op); /* hook: SMS */
	if (rv != CKR_OK)
		return fail_wipe(op, rv, out, room);
	*out_len = n1 + n2;
	return done(op);
}

CK_RV mech_op_update(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len,
                     uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;
	size_t need, n;

	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if ((in == NULL && in_len != 0) ||
	    (out_len == NULL && (kind == MECH_OP_ENCRYPT || kind == MECH_OP_DECRYPT)))
		return refuse(op, kind, CKR_ARGUMENTS_BAD);
	rv = check_state(op, kind);
	if (rv != CKR_OK)
		return rv;

	if (kind == MECH_OP_DIGEST) {
		rv = mech_digest_update(op, in, in_len);
		if (rv != CKR_OK)
			return fail(op, rv);
		op->multipart_started = 1;
		return CKR_OK;
	}
	rv = check_data(op, in_len, 0);
	if (rv != CKR_OK)
		return fail(op, rv);
	if (kind == MECH_OP_SIGN || kind == MECH_OP_VERIFY) {
		n = 0;
		rv = op->be->op_update(op->se, in, in_len, NULL, &n);
		if (rv != CKR_OK)
			return fail(op, rv);
	} else {
		need = op->be->op_output_bound(op->se, in_len, 0);
		if (length_query(need, out, out_len, &rv))
			return rv;
		n = *out_len;
		rv = op->be->op_update(op->se, in, in_len, out, &n);
		if (rv != CKR_OK)
			return fail_wipe(op, rv, out, *out_len);
		*out_len = n;
	}
	op->total_in += in_len;
	op->multipart_started = 1;
	return CKR_OK;
}

CK_RV mech_op_final(mech_op *op, mech_op_kind kind, uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv;
	size_t need, n;

	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if (out_len == NULL)
		return refuse(op, kind, CKR_ARGUMENTS_BAD);
	rv = check_state(op, kind);
	if (rv != CKR_OK)
		return rv;
	if (kind == MECH_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED; /* C_VerifyFinal is mech_op_verify_final */
	if (kind == MECH_OP_DIGEST) {
		if (length_query(op->mac_len, out, out_len, &rv))
			return rv;
		rv = mech_digest_final(op, out, out_len);
		return rv == CKR_OK ? done(op) : fail(op, rv);
	}
	rv = mech_pf_check_final(op);
	if (rv != CKR_OK)
		return fail(op, rv);
	need = kind == MECH_OP_SIGN ? op->mac_len : op->be->op_output_bound(op->se, 0, 1);
	if (length_query(need, out, out_len, &rv))
		return rv;
	n = *out_len;
	rv = op->be->op_final(op->se, out, &n);
	mech_scp80_report(op); /* hook: SMS */
	if (rv != CKR_OK)
		return fail_wipe(op, rv, out, *out_len);
	*out_len = n;
	return done(op);
}

CK_RV mech_op_verify(mech_op *op, const uint8_t *in, CK_ULONG in_len, const uint8_t *sig,
                     CK_ULONG sig_len)
{
	CK_RV rv;
	size_t n = 0;

	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if ((in == NULL && in_len != 0) || sig == NULL)
		return refuse(op, MECH_OP_VERIFY, CKR_ARGUMENTS_BAD);
	rv = check_state(op, MECH_OP_VERIFY);
	if (rv != CKR_OK)
		return rv;
	if (op->multipart_started)
		return fail(op, CKR_OPERATION_ACTIVE);
	rv = check_data(op, in_len, 1);
	if (rv != CKR_OK)
		return fail(op, rv);
	if (sig_len != op->mac_len)
		return fail(op, CKR_SIGNATURE_LEN_RANGE);
	rv = op->be->op_update(op->se, in, in_len, NULL, &n);
	if (rv == CKR_OK)
		rv = op->be->op_verify_final(op->se, sig, sig_len);
	return rv == CKR_OK ? done(op) : fail(op, rv);
}

CK_RV mech_op_verify_final(mech_op *op, const uint8_t *sig, CK_ULONG sig_len)
{
	CK_RV rv;

	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if (sig == NULL)
		return refuse(op, MECH_OP_VERIFY, CKR_ARGUMENTS_BAD);
	rv = check_state(op, MECH_OP_VERIFY);
	if (rv != CKR_OK)
		return rv;
	rv = mech_pf_check_final(op);
	if (rv != CKR_OK)
		return fail(op, rv);
	if (sig_len != op->mac_len)
		return fail(op, CKR_SIGNATURE_LEN_RANGE);
	rv = op->be->op_verify_final(op->se, sig, sig_len);
	return rv == CKR_OK ? done(op) : fail(op, rv);
}

/* ---- ending ------------------------------------------------------------------- */

void mech_op_abort(mech_op *op)
{
	if (op == NULL)
		return;
	/* Always tell the backend, even with no operation running: at logout this
	 * is what makes it drop key schedules an earlier operation left loaded. */
	if (op->se != NULL && op->be != NULL)
		op->be->op_abort(op->se);
	op->active = 0;
	op->multipart_started = 0;
	op->total_in = 0;
}

void mech_op_release(mech_op *op)
{
	if (op == NULL)
		return;
	mech_op_abort(op);
	if (op->se != NULL && op->be != NULL)
		op->be->op_free(op->se);
	pf_digest_free(op->digest_ctx);
	memset(op, 0, sizeof(*op));
}
