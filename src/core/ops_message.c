/*
 * ops_message.c - the message-based operations of PKCS#11 3.0 on a session
 * (C_EncryptMessage ... C_MessageVerifyFinal; C_Message*Init is core_msg_init
 * in ops.c, beside core_op_init, whose key lookup it shares). A message-based
 * operation occupies its kind's slot of the session, so everything that ends
 * operations (logout, close, a reload that lost the key, C_SessionCancel)
 * ends it too. Each message enters the session as C_Sign does: shared locks,
 * the session mutex, no allocation, no storage.
 */
#include "config.h"
#include "core/core.h"

/* One message (a != NULL) or the Final (a == NULL) of the operation of kind. */
static CK_RV msg_step(CK_SESSION_HANDLE h, mech_op_kind kind, const mech_msg_args *a)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	rv = core_op_lost(s, kind);
	if (rv == CKR_OK && a == NULL) {
		rv = mech_msg_final(core_session_op(s, kind), kind);
	} else if (rv == CKR_OK) {
		core_resolve_ctx rc;
		mech_identity_resolver res = core_op_resolver(s, kind, &rc);
		rv = mech_msg_run(core_session_op(s, kind), kind, a, &res);
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

CK_RV core_msg_run(CK_SESSION_HANDLE h, mech_op_kind kind, const mech_msg_args *a)
{
	return a != NULL ? msg_step(h, kind, a) : CKR_ARGUMENTS_BAD;
}

CK_RV core_msg_final(CK_SESSION_HANDLE h, mech_op_kind kind)
{
	return msg_step(h, kind, NULL);
}
