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

/* mech_identity_resolver: Identity instance id -> its hash and value items. */
static CK_RV resolve_identity(void *ctx, CK_ULONG identity_id, se_ref *hash, se_ref *value)
{
	core_token *tok = ctx;
	const core_object *o = htable_get(&tok->identities, identity_id);
	if (o == NULL || !core_object_visible(tok, o))
		return CKR_MECHANISM_PARAM_INVALID;
	*hash = o->hash_ref;
	*value = o->value_ref;
	return CKR_OK;
}

CK_RV core_op_init(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	mech_op *op = &s->ops[kind - 1];
	const mech_key *mk = NULL;
	if (op->active) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	if (m != NULL && !mech_offered(m->mechanism, tok->mech_opt_in)) {
		rv = CKR_MECHANISM_INVALID; /* an opt-in mechanism this slot does not enable */
		goto out;
	}
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
	}
	mech_identity_resolver res = {.ctx = tok, .resolve = resolve_identity};
	rv = mech_op_init(op, kind, m, mk, tok->be, tok->se, &res);
out:
	core_leave(s, 0);
	return rv;
}

CK_RV core_op_single(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mech_op_single(&s->ops[kind - 1], kind, in, in_len, out, out_len);
	core_leave(s, 0);
	return rv;
}

CK_RV core_op_update(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mech_op_update(&s->ops[kind - 1], kind, in, in_len, out, out_len);
	core_leave(s, 0);
	return rv;
}

CK_RV core_op_final(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mech_op_final(&s->ops[kind - 1], kind, out, out_len);
	core_leave(s, 0);
	return rv;
}

CK_RV core_verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mech_op_verify(&s->ops[MECH_OP_VERIFY - 1], in, in_len, sig, sig_len);
	core_leave(s, 0);
	return rv;
}

CK_RV core_verify_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = mech_op_verify_final(&s->ops[MECH_OP_VERIFY - 1], sig, sig_len);
	core_leave(s, 0);
	return rv;
}

CK_RV core_session_cancel(CK_SESSION_HANDLE h, CK_FLAGS flags)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	for (mech_op_kind k = MECH_OP_ENCRYPT; k <= MECH_OP_DIGEST; k++)
		if ((flags & mech_op_kind_flag(k)) != 0 && s->ops[k - 1].active)
			mech_op_abort(&s->ops[k - 1]);
	core_leave(s, 0);
	return CKR_OK;
}

CK_RV core_generate_random(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len)
{
	core_session *s;
	CK_RV rv = core_enter(h, 0, &s);
	if (rv != CKR_OK)
		return rv;
	rv = len == 0 ? CKR_OK : s->tok->be->random(s->tok->se, out, len);
	core_leave(s, 0);
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
