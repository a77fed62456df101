/*
 * login.c - login state and PINs. The login state belongs to the token and
 * is shared by every session of the application (PKCS#11 section 5.6).
 */
#include "config.h"
#include "core/core.h"
#include "util/log.h"

static int has_ro_session(const core_token *tok)
{
	return tok->n_sessions > tok->n_rw_sessions;
}

CK_RV core_login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const uint8_t *pin, CK_ULONG len)
{
	core_session *s;
	se_token_info ti;
	if (who != CKU_SO && who != CKU_USER && who != CKU_CONTEXT_SPECIFIC)
		return CKR_USER_TYPE_INVALID;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	if (who == CKU_CONTEXT_SPECIFIC) {
		/* No key of this module has CKA_ALWAYS_AUTHENTICATE. */
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else if (tok->login == who) {
		rv = CKR_USER_ALREADY_LOGGED_IN;
	} else if (tok->login != CORE_NOT_LOGGED_IN) {
		rv = CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	} else if (who == CKU_SO && has_ro_session(tok)) {
		rv = CKR_SESSION_READ_ONLY_EXISTS;
	} else if ((rv = tok->be->token_info(tok->se, &ti)) != CKR_OK) {
		/* rv says why */
	} else if (who == CKU_USER && (!ti.initialized || !ti.user_pin_set)) {
		rv = CKR_USER_PIN_NOT_INITIALIZED;
	} else {
		rv = tok->be->login(tok->se, who, pin, len);
		if (rv == CKR_OK) {
			tok->login = who;
			/* Items another process added are now loadable; pick up their records.
			 * Then hold every row against its items' authenticated policy. */
			(void)core_token_refresh(tok);
			core_token_check_policies(tok);
		}
	}
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_logout(CK_SESSION_HANDLE h)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_LOGIN, &s);
	if (rv != CKR_OK)
		return rv;
	rv = core_token_logout(s->tok);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_token_logout(core_token *tok)
{
	/* Operations may hold keys that are about to be wiped; private session
	 * objects of the application go away (PKCS#11 C_Logout). */
	core_abort_token_operations(tok);
	core_destroy_session_objects(tok, 0);
	CK_RV rv = tok->be->logout(tok->se);
	tok->login = CORE_NOT_LOGGED_IN;
	core_token_new_login_epoch(tok);
	return rv;
}

CK_RV core_init_pin(CK_SESSION_HANDLE h, const uint8_t *pin, CK_ULONG len)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_RW | CORE_NEED_SO, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	if (len < CORE_MIN_PIN || len > CORE_MAX_PIN)
		rv = CKR_PIN_LEN_RANGE;
	else
		rv = tok->be->init_pin(tok->se, pin, len);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_set_pin(CK_SESSION_HANDLE h, const uint8_t *old_pin, CK_ULONG old_len,
                   const uint8_t *new_pin, CK_ULONG new_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_RW, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	/* The SO changes the SO PIN; anybody else (user or public session) the user PIN. */
	CK_USER_TYPE who = tok->login == CKU_SO ? CKU_SO : CKU_USER;
	if (new_len < CORE_MIN_PIN || new_len > CORE_MAX_PIN)
		rv = CKR_PIN_LEN_RANGE;
	else
		rv = tok->be->set_pin(tok->se, who, old_pin, old_len, new_pin, new_len);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}
