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
#include "mech/mech_msg.h"
#include "util/secure.h"
#include "util/sizes.h"

/* The steps of mech_op_init that the message path shares (check_key,
 * build_params, backend_op): inlined into both callers as they were into
 * mech_op_init alone, whose signing-path instruction count
 * (docs/performance.md) a call each would raise by 53. */
#define MECH_SHARED_STEP static inline __attribute__((always_inline))

/* Indexed by mech_op_kind. */
static const CK_FLAGS kind_flags[] = {
	[MECH_OP_ENCRYPT] = CKF_ENCRYPT, [MECH_OP_DECRYPT] = CKF_DECRYPT, [MECH_OP_SIGN] = CKF_SIGN,
	[MECH_OP_VERIFY] = CKF_VERIFY,   [MECH_OP_DIGEST] = CKF_DIGEST,
	[MECH_OP_MSG_ENCRYPT] = CKF_MESSAGE_ENCRYPT, [MECH_OP_MSG_DECRYPT] = CKF_MESSAGE_DECRYPT,
	[MECH_OP_MSG_SIGN] = CKF_MESSAGE_SIGN,       [MECH_OP_MSG_VERIFY] = CKF_MESSAGE_VERIFY,
};

CK_FLAGS mech_op_kind_flag(mech_op_kind kind)
{
	return (unsigned)kind < sizeof kind_flags / sizeof *kind_flags ? kind_flags[kind] : 0;
}

/* The backend's kinds are the keyed mech kinds with the same numbers. */
_Static_assert((int)SE_OP_ENCRYPT == (int)MECH_OP_ENCRYPT && (int)SE_OP_DECRYPT == (int)MECH_OP_DECRYPT &&
                   (int)SE_OP_SIGN == (int)MECH_OP_SIGN && (int)SE_OP_VERIFY == (int)MECH_OP_VERIFY,
               "se_op_kind and mech_op_kind agree");

int mech_key_size_ok(const mech_desc *d, CK_ULONG len)
{
	if (len < d->min_key || len > d->max_key)
		return 0;
	if (d->key_type == CKK_AES && !pf_aes_key_len_ok(len))
		return 0;
	return d->fam->key_rule == NULL || d->fam->key_rule(d, len);
}

static CK_BBOOL key_allows(const mech_key *key, mech_op_kind kind)
{
	switch (kind) {
	case MECH_OP_ENCRYPT: return key->can_encrypt;
	case MECH_OP_DECRYPT: return key->can_decrypt;
	case MECH_OP_SIGN: return key->can_sign;
	default: return key->can_verify;
	}
}

MECH_SHARED_STEP CK_RV check_key(const mech_desc *d, mech_op_kind kind, const mech_key *key)
{
	if (key == NULL)
		return CKR_KEY_HANDLE_INVALID;
	if (key->cls != CKO_SECRET_KEY || key->type != d->key_type)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (!mech_key_size_ok(d, key->value_len))
		return CKR_KEY_SIZE_RANGE;
	/* A master (it has no usage flag but DERIVE) serves the diversified rows
	 * of its service, and nothing else */
	if (MECH_IS_MASTER_ROW(d) || key->is_master)
		return MECH_IS_MASTER_ROW(d) && key->is_master && !key->has_service &&
		               key->master_service == MECH_MASTER_SERVICE(d)
		           ? CKR_OK
		           : CKR_KEY_FUNCTION_NOT_PERMITTED;
	if (!key_allows(key, kind))
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

/* What the length rules of one operation kept from the last. */
static inline void reset_lengths(mech_op *op)
{
	op->multipart_started = 0;
	op->total_in = 0;
	op->source = 0;
	op->tag_len = 0;
	op->expect_len = 0;
}

/* The registry row for m, if it offers kind. A session signs with the same
 * mechanism again and again: the row of its last operation saves the scan. */
static const mech_desc *find_for(const mech_op *op, const CK_MECHANISM *m, mech_op_kind kind)
{
	const mech_desc *d = op->desc != NULL && op->desc->type == m->mechanism ? op->desc
	                                                                        : mech_find(m->mechanism);

	return d != NULL && (d->flags & mech_op_kind_flag(kind)) != 0 ? d : NULL;
}

/* Digests: no key, no backend; the family runs here. */
static CK_RV start_local(mech_op *op, const mech_desc *d, const CK_MECHANISM *m)
{
	CK_RV rv;

	if (d->fam->run == NULL || d->fam->run->init == NULL)
		return CKR_MECHANISM_INVALID;
	rv = mech_no_param(m); /* families run here take no parameter */
	if (rv == CKR_OK)
		rv = d->fam->run->init(op, d);
	if (rv == CKR_OK)
		op->active = 1;
	return rv;
}

/* The family's parameters for the backend, references resolved. */
MECH_SHARED_STEP CK_RV build_params(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                                  const mech_identity_resolver *res, se_op_params *p)
{
	CK_RV rv;

	if (d->fam->se_fam == SE_FAM_NONE)
		return CKR_MECHANISM_INVALID;
	p->fam = d->fam->se_fam;
	p->mech = d->type;
	rv = d->fam->parse != NULL ? d->fam->parse(d, kind, m, p) : mech_no_param(m);
	if (rv == CKR_OK && d->fam->bind != NULL)
		rv = d->fam->bind(d, m, res, p);
	return rv;
}

/* The session's backend op is made once and reused; a different token or
 * backend (never expected within one session) gets a fresh one. */
MECH_SHARED_STEP CK_RV backend_op(mech_op *op, const se_backend *be, se_token *tok)
{
	CK_RV rv;

	if (op->se != NULL && (op->be != be || op->tok != tok)) {
		op->be->op_free(op->se);
		op->se = NULL;
	}
	if (op->se != NULL)
		return CKR_OK;
	rv = be->op_new(tok, &op->se);
	if (rv != CKR_OK) {
		op->se = NULL;
		return rv;
	}
	op->be = be;
	op->tok = tok;
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
	d = find_for(op, m, kind);
	if (d == NULL)
		return CKR_MECHANISM_INVALID;
	op->kind = kind;
	op->mech = d->type;
	op->desc = d;
	reset_lengths(op);
	if (kind == MECH_OP_DIGEST)
		return start_local(op, d, m);

	rv = check_key(d, kind, key);
	if (rv != CKR_OK)
		return rv;
	if (be == NULL)
		return CKR_GENERAL_ERROR;
	rv = build_params(d, kind, m, res, &p);
	if (rv == CKR_OK)
		rv = backend_op(op, be, tok);
	if (rv == CKR_OK)
		rv = be->op_init(op->se, (se_op_kind)kind, &p, key->ref);
	if (rv != CKR_OK)
		return rv;
	if (d->fam->keep != NULL)
		d->fam->keep(op, &p);
	op->report_param = d->fam->report != NULL ? m->pParameter : NULL;
	op->active = 1;
	return CKR_OK;
}

/* ---- message-based operations (PKCS#11 3.0; the per-message runs: mech_msg.c) ---- */

CK_RV mech_msg_init(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                    const se_backend *be, se_token *tok, const mech_identity_resolver *res)
{
	const mech_desc *d;
	CK_RV rv;

	(void)res; /* every message binds what its own parameter names */
	if (op == NULL || m == NULL)
		return CKR_ARGUMENTS_BAD;
	if (op->active)
		return CKR_OPERATION_ACTIVE;
	d = mech_find(m->mechanism);
	if (d == NULL || (mech_msg_flags(d) & mech_op_kind_flag((mech_op_kind)(kind + MECH_OP_MSG))) == 0)
		return CKR_MECHANISM_INVALID;
	/* The parameter comes with each message (C_EncryptMessage...), none here. */
	if (m->pParameter != NULL || m->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = check_key(d, kind, key);
	if (rv == CKR_OK && be == NULL)
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK)
		rv = backend_op(op, be, tok);
	if (rv != CKR_OK)
		return rv;
	op->kind = (mech_op_kind)(kind + MECH_OP_MSG);
	op->mech = d->type;
	op->desc = d;
	op->msg_key = *key;
	op->msg_counter = 0;
	op->msg_counter_spent = 0;
	op->report_param = NULL;
	reset_lengths(op);
	op->active = 1;
	return CKR_OK;
}

CK_RV mech_op_start_message(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, mech_msg_data *md,
                            const mech_identity_resolver *res)
{
	const mech_desc *d = op->desc;
	se_op_params p;
	CK_RV rv;

	reset_lengths(op);
	if (d->fam->parse_message == NULL) {
		rv = build_params(d, kind, m, res, &p);
	} else {
		p.fam = d->fam->se_fam;
		p.mech = d->type;
		rv = d->fam->parse_message(d, kind, m, md, op, &p);
	}
	if (rv == CKR_OK)
		rv = op->be->op_init(op->se, (se_op_kind)kind, &p, op->msg_key.ref);
	if (rv != CKR_OK)
		return rv;
	op->kind = kind;
	op->active = 1;
	if (d->fam->keep != NULL)
		d->fam->keep(op, &p);
	return CKR_OK;
}

/* ---- data ------------------------------------------------------------------ */

static CK_RV check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	const mech_family *f = op->desc->fam;

	return f->check_data != NULL ? f->check_data(op, in_len, single) : CKR_OK;
}

static CK_RV check_final(const mech_op *op)
{
	const mech_family *f = op->desc->fam;

	return f->check_final != NULL ? f->check_final(op) : CKR_OK;
}

/* After the backend's op_final, whatever it returned (mech_family.report). */
static void report(mech_op *op)
{
	if (op->desc->fam->report != NULL)
		op->desc->fam->report(op);
}

static CK_RV check_state(const mech_op *op, mech_op_kind kind)
{
	if (!op->active || op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	return CKR_OK;
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
		if (mech_length_query(op->mac_len, out, out_len, &rv))
			return rv;
		rv = op->desc->fam->run->update(op, in, in_len);
		if (rv == CKR_OK)
			rv = op->desc->fam->run->final(op, out, out_len);
		return rv == CKR_OK ? done(op) : fail(op, rv);
	}

	rv = check_data(op, in_len, 1);
	if (rv != CKR_OK)
		return fail(op, rv);
	need = kind == MECH_OP_SIGN ? op->mac_len : op->be->op_output_bound(op->se, in_len, 1);
	if (mech_length_query(need, out, out_len, &rv))
		return rv;

	room = *out_len;
	n1 = 0;
	if (in_len != 0) { /* (a signature of the token's identity has no data) */
		n1 = room;
		rv = op->be->op_update(op->se, in, in_len, kind == MECH_OP_SIGN ? NULL : out, &n1);
		if (rv != CKR_OK)
			return fail_wipe(op, rv, out, room);
		if (kind == MECH_OP_SIGN)
			n1 = 0;
	}
	n2 = room - n1;
	rv = op->be->op_final(op->se, out + n1, &n2);
	report(op);
	if (rv != CKR_OK)
		return fail_wipe(op, rv, out, room);
	*out_len = n1 + n2;
	return done(op);
}

/* A message's decryption whose tag comes apart from the ciphertext (GCM, CCM
 * through C_DecryptMessage): the backend takes it as the last input bytes, as
 * C_Decrypt's input ends with it. Lengths as mech_op_single; out has room for
 * in_len bytes (the caller's length query). */
CK_RV mech_op_single_tagged(mech_op *op, const uint8_t *in, CK_ULONG in_len, const uint8_t *tag,
                            size_t tag_len, uint8_t *out, CK_ULONG *out_len)
{
	size_t room = *out_len, n1 = 0, n2, n3;
	CK_RV rv = check_data(op, in_len + tag_len, 1);

	if (rv != CKR_OK)
		return fail(op, rv);
	if (op->be->op_output_bound(op->se, in_len + tag_len, 1) > room)
		return fail(op, CKR_GENERAL_ERROR); /* plaintext longer than its ciphertext: never */
	if (in_len != 0) {
		n1 = room;
		rv = op->be->op_update(op->se, in, in_len, out, &n1);
	}
	n2 = room - n1;
	if (rv == CKR_OK)
		rv = op->be->op_update(op->se, tag, tag_len, out + n1, &n2);
	n3 = room - n1 - n2;
	if (rv == CKR_OK)
		rv = op->be->op_final(op->se, out + n1 + n2, &n3);
	if (rv != CKR_OK)
		return fail_wipe(op, rv, out, room);
	*out_len = n1 + n2 + n3;
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
		rv = op->desc->fam->run->update(op, in, in_len);
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
		if (mech_length_query(need, out, out_len, &rv))
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
		if (mech_length_query(op->mac_len, out, out_len, &rv))
			return rv;
		rv = op->desc->fam->run->final(op, out, out_len);
		return rv == CKR_OK ? done(op) : fail(op, rv);
	}
	rv = check_final(op);
	if (rv != CKR_OK)
		return fail(op, rv);
	need = kind == MECH_OP_SIGN ? op->mac_len : op->be->op_output_bound(op->se, 0, 1);
	if (mech_length_query(need, out, out_len, &rv))
		return rv;
	n = *out_len;
	rv = op->be->op_final(op->se, out, &n);
	report(op);
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
	rv = check_final(op);
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
