/*
 * object_sync.c - catching up with another process's changes row by row.
 *
 * The store's change log (store_log.c) names the object and secret rows
 * written or deleted since the position the token's tables reflect. Each
 * changed object is dropped and, if its row still exists, loaded again
 * through the same function a full load uses, so every check of a full load
 * applies to it: the record must decode and describe an object this module
 * makes, agree with the authenticated policy of its items (which the backend,
 * refreshed first, has re-read through its own checks: sealed row tag and
 * manifest), and not collide with another object's handle or Identity. All
 * drops come before all loads, so an Identity moved from one object to
 * another in the same batch is judged as a full load would judge it. An
 * object whose item row changed while its own row did not (nothing this
 * module writes: an edit at rest) is checked against its item again and
 * refused when it no longer agrees.
 */
#include "config.h"
#include "core/object_index.h"
#include "core/object_sync.h"
#include "util/grow.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

static _Atomic uint64_t stat_full, stat_catch_ups, stat_rows, stat_rechecked;

void core_sync_count_full_load(void)
{
	atomic_fetch_add_explicit(&stat_full, 1, memory_order_relaxed);
}

#ifdef PORTFOLIO_TEST_HOOKS
void core_sync_stats_get(core_sync_stats *out)
{
	out->full_loads = atomic_load_explicit(&stat_full, memory_order_relaxed);
	out->catch_ups = atomic_load_explicit(&stat_catch_ups, memory_order_relaxed);
	out->rows_applied = atomic_load_explicit(&stat_rows, memory_order_relaxed);
	out->items_rechecked = atomic_load_explicit(&stat_rechecked, memory_order_relaxed);
}
#endif

typedef struct changed_row {
	unsigned kind;
	uint64_t id;
	uint8_t *row;   /* objects: the record now, NULL when deleted */
	size_t len;
} changed_row;

typedef struct changes {
	changed_row *v;
	size_t n, cap;
} changes;

static CK_RV collect_change(void *ctx, unsigned kind, uint64_t id, const uint8_t *row, size_t len)
{
	changes *c = ctx;
	changed_row *v = pf_grow(c->v, &c->cap, c->n, sizeof *v, 8);
	if (v == NULL)
		return CKR_HOST_MEMORY;
	c->v = v;
	changed_row *r = &c->v[c->n];
	r->kind = kind;
	r->id = id;
	r->row = NULL;
	r->len = len;
	if (row != NULL) {
		if ((r->row = malloc(len ? len : 1)) == NULL)
			return CKR_HOST_MEMORY;
		memcpy(r->row, row, len);
	}
	c->n++;
	return CKR_OK;
}

static core_object *token_object(core_token *tok, uint64_t oid)
{
	for (int priv = 0; priv < 2; priv++) {
		core_object *o = htable_get(&tok->objects, core_object_handle(tok, oid, (CK_BBOOL)priv));
		if (o != NULL && o->on_token && o->oid == oid)
			return o;
	}
	return NULL;
}

static void drop_token_object(core_token *tok, uint64_t oid)
{
	core_object *o = token_object(tok, oid);
	if (o != NULL) {
		core_object_unlink(tok, o);
		core_object_free(o);
	}
}

/* An item row changed under an object whose record did not: check it again.
 * 1 when it was refused. */
static int recheck_item_owner(core_token *tok, se_ref ref)
{
	core_object *o = core_index_by_ref(tok, ref);
	if (o == NULL || !o->on_token)
		return 0;
	atomic_fetch_add_explicit(&stat_rechecked, 1, memory_order_relaxed);
	if (core_object_policy_ok(tok, o))
		return 0;
	core_object_policy_refused(tok, o);
	core_object_unlink(tok, o);
	core_object_free(o);
	return 1;
}

/* *refused: some changed row was left out. It may be a row tampered with, or
 * one that came in a commit after the backend's refresh, whose item the
 * backend holds only at the next refresh (which that commit's counter raise
 * brings): the caller then reads the same entries again next time. */
static CK_RV apply(core_token *tok, const changes *c, int *refused)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].kind == STORE_ROW_OBJECT) {
			drop_token_object(tok, c->v[i].id);
			atomic_fetch_add_explicit(&stat_rows, 1, memory_order_relaxed);
		}
	}
	CK_RV rv = CKR_OK;
	for (size_t i = 0; i < c->n && rv == CKR_OK; i++) {
		const changed_row *r = &c->v[i];
		if (r->kind == STORE_ROW_OBJECT && r->row != NULL) {
			rv = core_object_load_row(tok, r->id, r->row, r->len);
			*refused |= rv == CKR_OK && token_object(tok, r->id) == NULL;
		}
	}
	for (size_t i = 0; i < c->n && rv == CKR_OK; i++)
		if (c->v[i].kind == STORE_ROW_SECRET)
			*refused |= recheck_item_owner(tok, c->v[i].id);
	return rv;
}

CK_RV core_token_catch_up(core_token *tok, int *caught_up)
{
	*caught_up = 0;
	/* Without a whole index, an item's object cannot be found: reload. */
	if (!core_index_complete(tok))
		return CKR_OK;
	changes c = {0};
	uint64_t seq = tok->log_seq;
	int complete = 0;
	CK_RV rv = store_changes_since(core_g.st, tok->iid, STORE_ROW_OBJECT | STORE_ROW_SECRET,
	                               STORE_ROW_OBJECT, &seq, &complete, collect_change, &c);
	if (rv == CKR_OK && complete) {
		int refused = 0;
		rv = apply(tok, &c, &refused);
		if (rv == CKR_OK) {
			if (!refused)
				tok->log_seq = seq;
			*caught_up = 1;
			atomic_fetch_add_explicit(&stat_catch_ups, 1, memory_order_relaxed);
		}
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].row);
	free(c.v);
	/* A failure half way leaves the tables between two states: the caller
	 * reloads everything. */
	return rv;
}
