/*
 * identities.c - a Write of the Identity resource (0), all or nothing.
 *
 * LwM2M says a Write that fails changes nothing. PKCS#11 has no
 * transaction, so the adapter gives one: it checks the whole request
 * (ids, lengths, duplicates, and for a Write-Replace that no identity with
 * a provisioned hash would be deleted) before it touches the token, then
 * applies it while it keeps an undo log (the old value of every identity it
 * rewrites or deletes, the ids it creates). If the token refuses a step,
 * the steps already done are undone in reverse order. Everything runs
 * under the instance's session lock, so no other adapter call sees a half
 * applied write.
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <stdlib.h>
#include <string.h>

/* One step done, and how to undo it. */
typedef struct undo_step {
	uint16_t riid;
	int existed;   /* 0: the step created riid; undo deletes it */
	char *old;     /* existed: the value to put back */
	size_t old_len;
} undo_step;

typedef struct write_plan {
	uint16_t *drop; /* Write-Replace: ids to delete */
	size_t n_drop;
	undo_step *done;
	size_t n_done;
} write_plan;

static void plan_free(write_plan *p)
{
	for (size_t i = 0; i < p->n_done; i++)
		free(p->done[i].old);
	free(p->done);
	free(p->drop);
	memset(p, 0, sizeof(*p));
}

static int named(const pf_obj16_identity_write *v, size_t n, uint16_t riid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].riid == riid)
			return 1;
	return 0;
}

/* The checks that need no token. */
static pf_obj16_result check_request(pf_obj16 *obj, pf_inst *in, const pf_obj16_identity_write *v, size_t n)
{
	if (v == NULL && n != 0)
		return PF_OBJ16_INTERNAL_ERROR;
	for (size_t i = 0; i < n; i++) {
		const char *what = NULL;
		if (v[i].riid == 65535)
			what = "reserved id";
		else if (v[i].value == NULL && v[i].len != 0)
			what = "no value";
		else if (v[i].len > obj->cfg.max_identity_len)
			what = "value too long";
		else if (named(v, i, v[i].riid))
			what = "id named twice";
		if (what != NULL) {
			pf_logf(obj, PF_OBJ16_LOG_WARNING, "instance %u: identity %u write refused (%s)", in->iid,
				v[i].riid, what);
			return PF_OBJ16_BAD_REQUEST;
		}
	}
	return PF_OBJ16_OK;
}

/* Under session_lock: which identities a Write-Replace deletes; *guarded
 * when one of them has a provisioned hash (or its state cannot be read). */
static CK_RV plan_drops(pf_obj16 *obj, pf_inst *in, const pf_obj16_identity_write *v, size_t n,
			write_plan *p, uint16_t *guarded, int *refused)
{
	uint16_t *ids = NULL;
	size_t count = 0;
	*refused = 0;
	CK_RV rv = pf_tok_identity_ids(obj, in, &ids, &count);
	if (rv != CKR_OK)
		return rv;
	p->drop = ids; /* reused in place: keeps the ids not named */
	for (size_t i = 0; i < count && rv == CKR_OK && !*refused; i++) {
		if (named(v, n, ids[i]))
			continue;
		CK_OBJECT_HANDLE h;
		int found = 0, provisioned = 1;
		rv = pf_tok_find_identity(obj, in, ids[i], &h, &found);
		if (rv == CKR_OK && found)
			rv = pf_tok_hash_provisioned(obj, in, h, &provisioned);
		if (rv == CKR_OK && found && provisioned) {
			*guarded = ids[i];
			*refused = 1;
		}
		if (rv == CKR_OK && found)
			p->drop[p->n_drop++] = ids[i];
	}
	return rv;
}

/* The identity's current value (NULL, found 0 when absent). */
static CK_RV current_value(pf_obj16 *obj, pf_inst *in, uint16_t riid, CK_OBJECT_HANDLE *h, int *found,
			   char **old, size_t *old_len)
{
	*old = NULL;
	*old_len = 0;
	CK_RV rv = pf_tok_find_identity(obj, in, riid, h, found);
	if (rv == CKR_OK && *found)
		rv = pf_tok_read_value(obj, in, *h, old, old_len);
	return rv;
}

static CK_RV apply_write(pf_obj16 *obj, pf_inst *in, const pf_obj16_identity_write *w, write_plan *p)
{
	undo_step *u = &p->done[p->n_done];
	CK_OBJECT_HANDLE h;
	CK_RV rv = current_value(obj, in, w->riid, &h, &u->existed, &u->old, &u->old_len);
	if (rv == CKR_OK)
		rv = pf_tok_write_identity(obj, in, w->riid, w->value, w->len);
	if (rv != CKR_OK) {
		free(u->old);
		return rv;
	}
	u->riid = w->riid;
	p->n_done++;
	return CKR_OK;
}

static CK_RV apply_drop(pf_obj16 *obj, pf_inst *in, uint16_t riid, write_plan *p)
{
	undo_step *u = &p->done[p->n_done];
	CK_OBJECT_HANDLE h;
	CK_RV rv = current_value(obj, in, riid, &h, &u->existed, &u->old, &u->old_len);
	if (rv == CKR_OK && u->existed)
		rv = pf_tok_delete(obj, in, h);
	if (rv != CKR_OK || !u->existed) {
		free(u->old);
		return rv;
	}
	/* Undo re-creates it: it had no provisioned hash (plan_drops), so a
	 * created identity with the old value is what was there. */
	u->riid = riid;
	u->existed = 1;
	p->n_done++;
	return CKR_OK;
}

/* Undoes the steps done, newest first. 0, or -1 if the token refused. */
static int roll_back(pf_obj16 *obj, pf_inst *in, write_plan *p)
{
	int ok = 1;
	for (size_t i = p->n_done; i-- > 0;) {
		undo_step *u = &p->done[i];
		CK_RV rv;
		if (u->existed) {
			rv = pf_tok_write_identity(obj, in, u->riid, u->old, u->old_len);
		} else {
			CK_OBJECT_HANDLE h;
			int found = 0;
			rv = pf_tok_find_identity(obj, in, u->riid, &h, &found);
			if (rv == CKR_OK && found)
				rv = pf_tok_delete(obj, in, h);
		}
		ok = ok && rv == CKR_OK;
	}
	return ok ? 0 : -1;
}

static pf_obj16_result token_result(CK_RV rv)
{
	if (rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_TEMPLATE_INCONSISTENT)
		return PF_OBJ16_BAD_REQUEST;
	if (rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_TOKEN_WRITE_PROTECTED || rv == CKR_SESSION_READ_ONLY)
		return PF_OBJ16_METHOD_NOT_ALLOWED;
	return PF_OBJ16_INTERNAL_ERROR;
}

/* Under session_lock, session open. */
static pf_obj16_result write_locked(pf_obj16 *obj, pf_inst *in, const pf_obj16_identity_write *v, size_t n,
				    int flags, CK_RV *rv)
{
	write_plan p;
	memset(&p, 0, sizeof(p));
	uint16_t guarded = 0;
	int refused = 0;
	*rv = CKR_OK;
	if (flags & PF_OBJ16_WRITE_REPLACE)
		*rv = plan_drops(obj, in, v, n, &p, &guarded, &refused);
	if (*rv != CKR_OK || refused || (flags & PF_OBJ16_WRITE_CHECK_ONLY)) {
		plan_free(&p);
		if (refused)
			pf_logf(obj, PF_OBJ16_LOG_WARNING,
				"instance %u: identity %u has a provisioned hash and is not deleted: write refused",
				in->iid, guarded);
		return *rv != CKR_OK ? token_result(*rv) : refused ? PF_OBJ16_METHOD_NOT_ALLOWED : PF_OBJ16_OK;
	}
	p.done = calloc(n + p.n_drop + 1, sizeof(*p.done));
	if (p.done == NULL) {
		plan_free(&p);
		*rv = CKR_HOST_MEMORY;
		return PF_OBJ16_INTERNAL_ERROR;
	}
	for (size_t i = 0; i < n && *rv == CKR_OK; i++)
		*rv = apply_write(obj, in, &v[i], &p);
	for (size_t i = 0; i < p.n_drop && *rv == CKR_OK; i++)
		*rv = apply_drop(obj, in, p.drop[i], &p);
	pf_obj16_result r = PF_OBJ16_OK;
	if (*rv != CKR_OK) {
		r = token_result(*rv);
		if (roll_back(obj, in, &p) != 0) {
			pf_inst_fail(obj, in, "instance %u: identity write failed and could not be undone", in->iid);
			r = PF_OBJ16_INTERNAL_ERROR;
		}
	}
	plan_free(&p);
	return r;
}

pf_obj16_result pf_obj16_write_identities(pf_obj16 *obj, uint16_t iid, const pf_obj16_identity_write *values,
					  size_t count, int flags)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	pf_obj16_result r = check_request(obj, in, values, count);
	if (r != PF_OBJ16_OK)
		return r;
	CK_RV rv;
	pthread_mutex_lock(&in->session_lock);
	rv = pf_tok_open(obj, in);
	if (pf_tok_retryable(rv)) {
		pf_tok_close(obj, in);
		rv = pf_tok_open(obj, in);
	}
	if (rv == CKR_OK)
		r = write_locked(obj, in, values, count, flags, &rv);
	pthread_mutex_unlock(&in->session_lock);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: writing identities failed: %s", iid, pf_ckr_name_str(rv));
		if (r == PF_OBJ16_OK)
			r = PF_OBJ16_INTERNAL_ERROR;
	}
	return r;
}
