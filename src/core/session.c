/*
 * session.c - the session table. A handle is (generation << 12 | index) mixed
 * with a per-initialisation salt: lookups are one array access and one
 * compare, and a closed handle is not reused for 2^20 openings of its index.
 */
#include "config.h"
#include "core/core.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

#define INDEX_BITS 12u
#define INDEX_MASK ((1u << INDEX_BITS) - 1u)

/* The salt only scrambles the high bits so the index stays recoverable. */
static CK_SESSION_HANDLE make_handle(uint32_t idx, uint32_t gen)
{
	uint32_t high = (gen ^ core_g.handle_salt) & 0xFFFFFu;
	if (high == 0)
		high = 1; /* never produce handle 0 (CK_INVALID_HANDLE) */
	return ((CK_SESSION_HANDLE)high << INDEX_BITS) | idx;
}

static core_session *lookup(CK_SESSION_HANDLE h)
{
	uint32_t idx = (uint32_t)(h & INDEX_MASK);
	if (h == CK_INVALID_HANDLE || h > 0xFFFFFFFFUL || idx >= CORE_MAX_SESSIONS)
		return NULL;
	core_session *s = core_g.sessions[idx];
	return s != NULL && s->handle == h ? s : NULL;
}

CK_RV core_session_table_init(void)
{
	core_g.sessions = calloc(CORE_MAX_SESSIONS, sizeof *core_g.sessions);
	core_g.session_gen = calloc(CORE_MAX_SESSIONS, sizeof *core_g.session_gen);
	if (core_g.sessions == NULL || core_g.session_gen == NULL)
		return CKR_HOST_MEMORY;
	return CKR_OK;
}

static void session_free(core_session *s, int forked)
{
	free(s->found);
	s->found = NULL;
	if (forked) {
		/* Its operations hold backend state of the parent: keep, do not release. */
		core_abandon(s);
		return;
	}
	for (mech_op_kind k = CORE_OP_FIRST; k <= CORE_OP_LAST; k++)
		mech_op_release(core_session_op(s, k));
	core_lock_destroy(&s->mu);
	free(s);
}

void core_session_table_free(int forked)
{
	if (core_g.sessions != NULL) {
		for (uint32_t i = 0; i < CORE_MAX_SESSIONS; i++) {
			core_session *s = core_g.sessions[i];
			if (s == NULL)
				continue;
			if (!forked)
				core_destroy_session_objects(s->tok, s->handle);
			session_free(s, forked);
		}
	}
	free(core_g.sessions);
	free(core_g.session_gen);
	core_g.sessions = NULL;
	core_g.session_gen = NULL;
}

CK_STATE core_session_state(const core_session *s)
{
	int rw = (s->flags & CKF_RW_SESSION) != 0;
	switch (s->tok->login) {
	case CKU_SO:
		return CKS_RW_SO_FUNCTIONS;
	case CKU_USER:
		return rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
	default:
		return rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
	}
}

CK_RV core_open_session(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out)
{
	if (!(flags & CKF_SERIAL_SESSION))
		return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
	core_lock_exclusive(&core_g.global);
	CK_RV rv = CKR_OK;
	core_token *tok = core_token_by_slot(id);
	core_session *s = NULL;
	uint32_t idx = 0;
	if (tok == NULL) {
		rv = CKR_SLOT_ID_INVALID;
		goto out;
	}
	int here = core_token_present(tok);
	core_presence_settle(); /* the poll may have seen it leave (and come back) */
	if (!here) {
		rv = CKR_TOKEN_NOT_PRESENT;
		goto out;
	}
	if (tok->login == CKU_SO && !(flags & CKF_RW_SESSION)) {
		rv = CKR_SESSION_READ_WRITE_SO_EXISTS;
		goto out;
	}
	while (idx < CORE_MAX_SESSIONS && core_g.sessions[idx] != NULL)
		idx++;
	if (idx == CORE_MAX_SESSIONS) {
		rv = CKR_SESSION_COUNT;
		goto out;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = core_mutex_init(&s->mu, &core_g.env);
	if (rv != CKR_OK) {
		free(s);
		goto out;
	}
	/* Another process may have changed the token's objects: the global lock is
	 * exclusive, so nobody else uses the token right now. */
	(void)core_token_refresh(tok);
	s->tok = tok;
	s->flags = flags & (CKF_RW_SESSION | CKF_SERIAL_SESSION);
	s->handle = make_handle(idx, ++core_g.session_gen[idx]);
	core_g.sessions[idx] = s;
	tok->n_sessions++;
	if (flags & CKF_RW_SESSION)
		tok->n_rw_sessions++;
	*out = s->handle;
out:
	core_unlock(&core_g.global);
	return rv;
}

/* Global lock exclusive. */
static void close_one(core_session *s)
{
	core_token *tok = s->tok;
	uint32_t idx = (uint32_t)(s->handle & INDEX_MASK);
	core_destroy_session_objects(tok, s->handle);
	core_g.sessions[idx] = NULL;
	tok->n_sessions--;
	if (s->flags & CKF_RW_SESSION)
		tok->n_rw_sessions--;
	/* The last session of the application ends the login (PKCS#11 5.6). */
	if (tok->n_sessions == 0 && tok->login != CORE_NOT_LOGGED_IN) {
		tok->be->logout(tok->se);
		tok->login = CORE_NOT_LOGGED_IN;
		core_token_new_login_epoch(tok);
	}
	session_free(s, 0);
}

CK_RV core_close_session(CK_SESSION_HANDLE h)
{
	core_presence_check(); /* a removed token's sessions are closed already */
	core_lock_exclusive(&core_g.global);
	core_session *s = lookup(h);
	if (s == NULL) {
		core_unlock(&core_g.global);
		return CKR_SESSION_HANDLE_INVALID;
	}
	close_one(s);
	core_unlock(&core_g.global);
	return CKR_OK;
}

void core_close_token_sessions(core_token *tok)
{
	for (uint32_t i = 0; i < CORE_MAX_SESSIONS; i++)
		if (core_g.sessions[i] != NULL && core_g.sessions[i]->tok == tok)
			close_one(core_g.sessions[i]);
}

CK_RV core_close_all_sessions(CK_SLOT_ID id)
{
	core_presence_check();
	core_lock_exclusive(&core_g.global);
	core_token *tok = core_token_by_slot(id);
	if (tok == NULL) {
		core_unlock(&core_g.global);
		return CKR_SLOT_ID_INVALID;
	}
	core_close_token_sessions(tok);
	core_unlock(&core_g.global);
	return CKR_OK;
}

CK_RV core_get_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	memset(info, 0, sizeof *info);
	info->slotID = s->tok->iid;
	info->state = core_session_state(s);
	info->flags = s->flags;
	info->ulDeviceError = 0;
	core_leave(s, CORE_TOKEN_SHARED);
	return CKR_OK;
}

/*
 * Another process changed the token since our last load (its commit moved the
 * shared counter, store_changes.c): one atomic load, no system call, when
 * nothing moved. Reloading needs the token lock exclusive, so a shared entry
 * lets its lock go, reloads, and looks again. A change that keeps coming
 * after STALE_RETRIES reloads is ordered after this call (the state it uses
 * was current a moment ago).
 */
#define STALE_RETRIES 3

static int token_stale(const core_token *tok)
{
	return atomic_load_explicit(tok->changes, memory_order_acquire) != tok->changes_seen;
}

static CK_RV enter_token_exclusive(core_token *tok)
{
	core_lock_exclusive(&tok->lock);
	if (token_stale(tok))
		(void)core_token_refresh(tok); /* management calls go on; what they touch is reloaded */
	return CKR_OK;
}

static CK_RV enter_token_shared(core_token *tok, unsigned shard)
{
	for (int tries = 0;; tries++) {
		core_lock_shared_at(&tok->lock, shard);
		if (!token_stale(tok) || tries == STALE_RETRIES)
			return CKR_OK;
		core_unlock_at(&tok->lock, shard);
		core_lock_exclusive(&tok->lock);
		CK_RV rv = token_stale(tok) ? core_token_refresh(tok) : CKR_OK;
		core_unlock(&tok->lock);
		if (rv != CKR_OK)
			return rv; /* cannot tell which keys still exist: use none */
	}
}

CK_RV core_enter_session(CK_SESSION_HANDLE h, core_lock_mode mode, core_session **out)
{
	core_presence_check();
	/* Shared locks go through the shard of the session's index: two sessions
	 * used by two threads touch different cache lines (lock.h). */
	unsigned shard = (unsigned)(h & INDEX_MASK);
	core_lock_shared_at(&core_g.global, shard);
	core_session *s = lookup(h);
	if (s == NULL) {
		core_unlock_at(&core_g.global, shard);
		return CKR_SESSION_HANDLE_INVALID;
	}
	CK_RV rv = mode != CORE_TOKEN_SHARED ? enter_token_exclusive(s->tok) : enter_token_shared(s->tok, shard);
	if (rv != CKR_OK) {
		core_unlock_at(&core_g.global, shard);
		return rv;
	}
	core_lock_exclusive(&s->mu);
	*out = s;
	return CKR_OK;
}

void core_leave(core_session *s, core_lock_mode mode)
{
	(void)mode; /* core_unlock_at knows an exclusive hold by itself */
	unsigned shard = (unsigned)(s->handle & INDEX_MASK);
	core_token *tok = s->tok;
	core_unlock(&s->mu);
	core_unlock_at(&tok->lock, shard);
	core_unlock_at(&core_g.global, shard);
}

CK_RV core_session_meets(const core_session *s, unsigned need)
{
	if ((need & CORE_NEED_RW) && !(s->flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	if ((need & CORE_NEED_LOGIN) && s->tok->login == CORE_NOT_LOGGED_IN)
		return CKR_USER_NOT_LOGGED_IN;
	if ((need & CORE_NEED_SO) && s->tok->login != CKU_SO)
		return CKR_USER_NOT_LOGGED_IN;
	return CKR_OK;
}

CK_RV core_session_check(CK_SESSION_HANDLE h)
{
	core_presence_check();
	core_lock_shared(&core_g.global);
	CK_RV rv = lookup(h) != NULL ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
	core_unlock(&core_g.global);
	return rv;
}

void core_abort_token_operations(core_token *tok)
{
	for (uint32_t i = 0; i < CORE_MAX_SESSIONS; i++) {
		core_session *s = core_g.sessions[i];
		if (s == NULL || s->tok != tok)
			continue;
		for (mech_op_kind k = CORE_OP_FIRST; k <= CORE_OP_LAST; k++)
			mech_op_abort(core_session_op(s, k));
		s->find_active = 0;
		s->n_found = s->find_pos = 0;
	}
}
