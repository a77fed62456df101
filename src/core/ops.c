/*
 * ops.c - cryptographic operations, random numbers, mechanism queries.
 *
 * The hot path (C_SignInit + C_Sign) is: session table index, shared global
 * and token locks, the session mutex, one hash lookup for the key (and one for
 * the Identity when the parameter names one), then the mech layer. No
 * allocation, no storage access, no scan.
 */
#include "config.h"
#include "core/core.h"
#include "util/log.h"

#include <string.h>

/* mech_identity_resolver: Identity instance id -> its hash and value items. */
static CK_RV resolve_identity(void *ctx, CK_ULONG identity_id, se_ref *hash, se_ref *value)
{
	core_resolve_ctx *c = ctx;
	const core_object *o = htable_get(&c->tok->identities, identity_id);
	if (o == NULL || !core_object_visible(c->tok, o))
		return CKR_MECHANISM_PARAM_INVALID;
	c->uses->has_identity = 1;
	c->uses->identity_id = identity_id;
	c->uses->identity_hash_ref = *hash = o->hash_ref;
	c->uses->identity_value_ref = *value = o->value_ref;
	return CKR_OK;
}

/* Does what the operation uses still exist, as it was at its init? */
static int uses_still_valid(const core_token *tok, const core_op_uses *u)
{
	if (u->key != CK_INVALID_HANDLE) {
		const core_object *o = htable_get(&tok->objects, u->key);
		if (o == NULL || o->value_ref != u->key_ref || !core_object_visible(tok, o))
			return 0;
	}
	if (u->has_identity) {
		const core_object *o = htable_get(&tok->identities, u->identity_id);
		if (o == NULL || o->hash_ref != u->identity_hash_ref || o->value_ref != u->identity_value_ref)
			return 0;
	}
	return 1;
}

void core_check_token_operations(core_token *tok, int all_lost)
{
	for (uint32_t i = 0; i < CORE_MAX_SESSIONS; i++) {
		core_session *s = core_g.sessions[i];
		if (s == NULL || s->tok != tok)
			continue;
		for (mech_op_kind k = CORE_OP_FIRST; k <= CORE_OP_LAST; k++) {
			core_op_uses *u = core_session_uses(s, k);
			if (!core_session_op(s, k)->active || (!all_lost && uses_still_valid(tok, u)))
				continue;
			PF_WARN("instance %lu: another process destroyed the key or Identity of an "
			        "operation (or re-initialised the token); operation ended",
			        (unsigned long)tok->iid);
			mech_op_abort(core_session_op(s, k));
			u->lost = CKR_KEY_HANDLE_INVALID;
		}
	}
}

/* An operation a reload ended answers its next call with why, once. */
static CK_RV take_lost(core_session *s, mech_op_kind kind)
{
	core_op_uses *u = core_session_uses(s, kind);
	CK_RV rv = core_session_op(s, kind)->active ? CKR_OK : u->lost;
	u->lost = CKR_OK;
	return rv;
}

mech_identity_resolver core_op_resolver(core_session *s, mech_op_kind kind, core_resolve_ctx *ctx)
{
	ctx->tok = s->tok;
	ctx->uses = core_session_uses(s, kind);
	return (mech_identity_resolver){ .ctx = ctx, .resolve = resolve_identity };
}

CK_RV core_op_lost(core_session *s, mech_op_kind kind)
{
	return take_lost(s, kind);
}

/* Starts an operation of the mech layer: mech_op_init, or mech_msg_init. */
typedef CK_RV (*op_starter)(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                            const se_backend *be, se_token *tok, const mech_identity_resolver *res);

/* Inlined into both C_*Init paths with start a constant (a call more would
 * cost the signing path instructions, docs/performance.md). */
static inline __attribute__((always_inline)) CK_RV op_init_run(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m,
                                CK_OBJECT_HANDLE key, op_starter start)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	mech_op *op = core_session_op(s, kind);
	core_op_uses *uses = core_session_uses(s, kind);
	const mech_key *mk = NULL;
	if (op->active) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	if (m != NULL && !mech_offered(m->mechanism, tok->mech_opt_in)) {
		rv = CKR_MECHANISM_INVALID; /* an opt-in mechanism this slot does not enable */
		goto out;
	}
	memset(uses, 0, sizeof *uses);
	if (kind != MECH_OP_DIGEST) {
		const core_object *o = htable_get(&tok->objects, key);
		if (o == NULL) {
			/* Every key is private: without a login no handle can be valid (those of
			 * an earlier login died at its logout). */
			rv = tok->login == CORE_NOT_LOGGED_IN ? CKR_USER_NOT_LOGGED_IN : CKR_KEY_HANDLE_INVALID;
			goto out;
		}
		if (!core_object_visible(tok, o)) {
			rv = CKR_USER_NOT_LOGGED_IN;
			goto out;
		}
		if (o->cls != CKO_SECRET_KEY) {
			rv = CKR_KEY_TYPE_INCONSISTENT;
			goto out;
		}
		mk = &o->mk;
		uses->key = key;
		uses->key_ref = o->value_ref;
	}
	core_resolve_ctx rc = {.tok = tok, .uses = uses};
	mech_identity_resolver res = {.ctx = &rc, .resolve = resolve_identity};
	rv = start(op, kind, m, mk, tok->be, tok->se, &res);
out:
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

CK_RV core_op_init(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
	return op_init_run(h, kind, m, key, mech_op_init);
}

CK_RV core_msg_init(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
	return op_init_run(h, kind, m, key, mech_msg_init);
}

/* The steps of a running operation: each enters the session shared, answers
 * once for an operation a reload ended, and hands the step to the mech layer. */
typedef enum op_step { STEP_SINGLE, STEP_UPDATE, STEP_FINAL, STEP_VERIFY, STEP_VERIFY_FINAL } op_step;

/* Inlined into each entry point with step a constant: the switch folds away
 * (the signing path stays as short as before). For the verify steps out is
 * the signature and sig_len its length. */
static inline CK_RV op_step_run(CK_SESSION_HANDLE h, mech_op_kind kind, op_step step, CK_BYTE_PTR in,
                                CK_ULONG in_len, CK_BYTE_PTR out, CK_ULONG_PTR out_len, CK_ULONG sig_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	rv = take_lost(s, kind);
	if (rv == CKR_OK) {
		mech_op *op = core_session_op(s, kind);
		switch (step) {
		case STEP_SINGLE:
			rv = mech_op_single(op, kind, in, in_len, out, out_len);
			break;
		case STEP_UPDATE:
			rv = mech_op_update(op, kind, in, in_len, out, out_len);
			break;
		case STEP_FINAL:
			rv = mech_op_final(op, kind, out, out_len);
			break;
		case STEP_VERIFY:
			rv = mech_op_verify(op, in, in_len, out, sig_len);
			break;
		case STEP_VERIFY_FINAL:
			rv = mech_op_verify_final(op, out, sig_len);
			break;
		}
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

CK_RV core_op_single(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return op_step_run(h, kind, STEP_SINGLE, in, in_len, out, out_len, 0);
}

CK_RV core_op_update(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return op_step_run(h, kind, STEP_UPDATE, in, in_len, out, out_len, 0);
}

CK_RV core_op_final(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	return op_step_run(h, kind, STEP_FINAL, NULL, 0, out, out_len, 0);
}

CK_RV core_verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	return op_step_run(h, MECH_OP_VERIFY, STEP_VERIFY, in, in_len, sig, NULL, sig_len);
}

CK_RV core_verify_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	return op_step_run(h, MECH_OP_VERIFY, STEP_VERIFY_FINAL, NULL, 0, sig, NULL, sig_len);
}

CK_RV core_session_cancel(CK_SESSION_HANDLE h, CK_FLAGS flags)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	for (mech_op_kind k = CORE_OP_FIRST; k <= CORE_OP_LAST; k++) {
		mech_op *op = core_session_op(s, k);
		/* the running operation's own flag: CKF_MESSAGE_ENCRYPT for a message-based one */
		if (op->active && (flags & mech_op_kind_flag(op->kind)) != 0)
			mech_op_abort(op);
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return CKR_OK;
}

CK_RV core_generate_random(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	rv = len == 0 ? CKR_OK : s->tok->be->random(s->tok->se, out, len);
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

/* The opt-in mechanisms slot id enables (CKR_SLOT_ID_INVALID: no such slot). */
static CK_RV slot_opt_in(CK_SLOT_ID id, unsigned *enabled)
{
	core_lock_shared(&core_g.global);
	const core_token *tok = core_token_by_slot(id);
	if (tok != NULL)
		*enabled = tok->mech_opt_in;
	core_unlock(&core_g.global);
	return tok != NULL ? CKR_OK : CKR_SLOT_ID_INVALID;
}

CK_RV core_get_mechanism_list(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
	unsigned enabled = 0;
	CK_RV rv = slot_opt_in(id, &enabled);
	if (rv != CKR_OK)
		return rv;
	CK_ULONG n = (CK_ULONG)mech_list(enabled, NULL);
	if (list == NULL) {
		*count = n;
		return CKR_OK;
	}
	if (*count < n) {
		*count = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	*count = (CK_ULONG)mech_list(enabled, list);
	return CKR_OK;
}

CK_RV core_get_mechanism_info(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
	unsigned enabled = 0;
	CK_RV rv = slot_opt_in(id, &enabled);
	if (rv != CKR_OK)
		return rv;
	if (!mech_offered(type, enabled))
		return CKR_MECHANISM_INVALID;
	return mech_get_info(type, info);
}
