/*
 * object.c - the in-memory object table of a token: loading from the store,
 * refreshing when another process changed it, lookups, destruction, search.
 */
#include "config.h"
#include "core/attr.h"
#include "core/attr_array.h"
#include "core/attr_codec.h"
#include "core/attr_sms.h"
#include "core/core.h"
#include "core/object_index.h"
#include "core/object_sync.h"
#include "util/log.h"
#include "util/secure.h"

#include <stdlib.h>
#include <string.h>

void core_object_free(core_object *o)
{
	if (o == NULL)
		return;
	core_attrs_free(o->attrs, o->n_attrs);
	free(o);
}

CK_OBJECT_HANDLE core_object_handle(const core_token *tok, uint64_t oid, CK_BBOOL priv)
{
	if (!priv)
		return oid;
	return oid | (((tok->login_epoch & CORE_EPOCH_MASK) + 1) << CORE_OID_BITS);
}

typedef struct rekey_ctx {
	core_object **list;
	size_t n;
} rekey_ctx;

static void collect_private_token(void *ctx, uint64_t key, void *val)
{
	(void)key;
	rekey_ctx *c = ctx;
	core_object *o = val;
	if (o->on_token && o->priv)
		c->list[c->n++] = o;
}

void core_token_new_login_epoch(core_token *tok)
{
	tok->login_epoch++;
	rekey_ctx c = {.list = malloc((tok->objects.count ? tok->objects.count : 1) * sizeof *c.list)};
	if (c.list == NULL) {
		/* Cannot rekey in place: drop the token objects and force a reload, which
		 * gives every object a handle of the new epoch. */
		core_token_free_objects(tok, 0);
		core_token_force_reload(tok);
		return;
	}
	htable_each(&tok->objects, collect_private_token, &c);
	int lost = 0;
	for (size_t i = 0; i < c.n; i++) {
		core_object *o = c.list[i];
		htable_remove(&tok->objects, o->handle);
		o->handle = core_object_handle(tok, o->oid, CK_TRUE);
		if (htable_put(&tok->objects, o->handle, o) != 0) {
			core_object_unlink(tok, o);
			core_object_free(o);
			lost = 1;
		}
	}
	free(c.list);
	if (lost)
		core_token_force_reload(tok);
}

void core_token_force_reload(core_token *tok)
{
	tok->gen = UINT64_MAX;
	/* Counters only grow: one below the current value is never seen again. */
	tok->changes_seen = atomic_load_explicit(tok->changes, memory_order_acquire) - 1;
}

const core_attr *core_object_attr(const core_object *o, CK_ATTRIBUTE_TYPE t)
{
	for (size_t i = 0; i < o->n_attrs; i++)
		if (o->attrs[i].type == t)
			return &o->attrs[i];
	return NULL;
}

void core_object_cache(core_object *o)
{
	o->cls = attr_get_ulong(o, CKA_CLASS, (CK_ULONG)-1);
	o->on_token = attr_get_bool(o, CKA_TOKEN, CK_FALSE);
	o->priv = attr_get_bool(o, CKA_PRIVATE, CK_TRUE);
	o->modifiable = attr_get_bool(o, CKA_MODIFIABLE, CK_TRUE);
	o->copyable = attr_get_bool(o, CKA_COPYABLE, CK_TRUE);
	o->destroyable = attr_get_bool(o, CKA_DESTROYABLE, CK_TRUE);
	o->sensitive = attr_get_bool(o, CKA_SENSITIVE, CK_TRUE);
	o->extractable = attr_get_bool(o, CKA_EXTRACTABLE, CK_FALSE);
	o->identity_id = attr_get_ulong(o, CKA_PORTFOLIO_IDENTITY_ID, 0);
	o->key_index = attr_get_ulong(o, CKA_PORTFOLIO_KEY_INDEX, 0);
	memset(&o->mk, 0, sizeof o->mk);
	o->mk.cls = o->cls;
	o->mk.type = attr_get_ulong(o, CKA_KEY_TYPE, (CK_ULONG)-1);
	o->mk.value_len = attr_get_ulong(o, CKA_VALUE_LEN, 0);
	o->mk.has_service = attr_has(o, CKA_PORTFOLIO_SERVICE) ? CK_TRUE : CK_FALSE;
	o->mk.service = attr_get_ulong(o, CKA_PORTFOLIO_SERVICE, 0);
	o->mk.can_encrypt = attr_get_bool(o, CKA_ENCRYPT, CK_FALSE);
	o->mk.can_decrypt = attr_get_bool(o, CKA_DECRYPT, CK_FALSE);
	o->mk.can_sign = attr_get_bool(o, CKA_SIGN, CK_FALSE);
	o->mk.can_verify = attr_get_bool(o, CKA_VERIFY, CK_FALSE);
	o->mk.ref = o->value_ref;
	o->mk.is_master = attr_has(o, CKA_PORTFOLIO_MASTER) ? CK_TRUE : CK_FALSE;
	o->mk.master_service = attr_get_ulong(o, CKA_PORTFOLIO_MASTER, 0);
}

int core_object_visible(const core_token *tok, const core_object *o)
{
	/* Private objects only while somebody is logged in. The SO sees them too:
	 * provisioning (keys, identities) is the SO's job in this module. */
	return !o->priv || tok->login != CORE_NOT_LOGGED_IN;
}

core_object *core_object_find(core_token *tok, CK_OBJECT_HANDLE h)
{
	core_object *o = htable_get(&tok->objects, h);
	return o != NULL && core_object_visible(tok, o) ? o : NULL;
}

CK_RV core_object_insert(core_token *tok, core_object *o)
{
	if (htable_put(&tok->objects, o->handle, o) != 0)
		return CKR_HOST_MEMORY;
	if (o->cls == CKO_PORTFOLIO_IDENTITY && htable_put(&tok->identities, o->identity_id, o) != 0) {
		htable_remove(&tok->objects, o->handle);
		return CKR_HOST_MEMORY;
	}
	core_index_add(tok, o);
	return CKR_OK;
}

void core_object_unlink(core_token *tok, core_object *o)
{
	htable_remove(&tok->objects, o->handle);
	if (o->cls == CKO_PORTFOLIO_IDENTITY && htable_get(&tok->identities, o->identity_id) == o)
		htable_remove(&tok->identities, o->identity_id);
	core_index_remove(tok, o);
}

CK_RV core_object_persist(core_token *tok, core_object *o)
{
	uint8_t *rec;
	size_t len;
	CK_RV rv = attr_codec_encode(o->attrs, o->n_attrs, o->value_ref, o->hash_ref, &rec, &len);
	if (rv != CKR_OK)
		return rv;
	/* Our own write moves the generation; core_token_refresh adopts it without
	 * a reload while the store says every change since our load was ours
	 * (store_followed), so other processes' changes are still picked up. */
	rv = store_object_put(core_g.st, tok->iid, o->oid, rec, len);
	free(rec);
	return rv;
}

/* A record read from the store must describe an object we could have made. */
static int record_valid(const core_object *o)
{
	unsigned cb = attr_class_bit(o->cls);
	if (cb == 0)
		return 0;
	for (size_t i = 0; i < o->n_attrs; i++) {
		const attr_def *d = attr_def_find(o->attrs[i].type, cb);
		if (d == NULL || (d->flags & (AF_SECRET | AF_COMPUTED)))
			return 0;
		if (d->kind == AK_ARRAY ? !attr_array_flat_ok(o->attrs[i].val, o->attrs[i].len) /* stored flat */
		                        : attr_check_value(d, o->attrs[i].val, o->attrs[i].len) != CKR_OK)
			return 0;
	}
	if (!o->on_token)
		return 0;
	if (cb == AC_KEY && (o->mk.type != CKK_AES && o->mk.type != CKK_GENERIC_SECRET))
		return 0;
	return 1;
}

CK_RV core_object_load_row(void *ctx, uint64_t id, const uint8_t *data, size_t len)
{
	core_token *tok = ctx;
	core_object *o = calloc(1, sizeof *o);
	if (o == NULL)
		return CKR_HOST_MEMORY;
	CK_RV rv = attr_codec_decode(data, len, &o->attrs, &o->n_attrs, &o->value_ref, &o->hash_ref);
	if (rv == CKR_HOST_MEMORY) {
		free(o);
		return rv;
	}
	o->oid = id;
	if (rv == CKR_OK) {
		core_object_cache(o);
		o->handle = core_object_handle(tok, id, o->priv);
	}
	if (rv == CKR_OK && record_valid(o) && !core_object_policy_ok(tok, o)) {
		core_object_policy_refused(tok, o); /* left out, alone */
		core_object_free(o);
		return CKR_OK;
	}
	if (rv != CKR_OK || !record_valid(o) || id == 0 || id >= CORE_OID_LIMIT ||
	    htable_get(&tok->objects, o->handle) != NULL ||
	    (o->cls == CKO_PORTFOLIO_IDENTITY && htable_get(&tok->identities, o->identity_id) != NULL)) {
		/* Skip it: one damaged row must not take the whole token down. */
		PF_ERROR("instance %lu: object %llu has an invalid record; ignored", (unsigned long)tok->iid,
		         (unsigned long long)id);
		core_object_free(o);
		return CKR_OK;
	}
	rv = core_object_insert(tok, o);
	if (rv != CKR_OK)
		core_object_free(o);
	return rv;
}

CK_RV core_token_load_objects(core_token *tok)
{
	/* The shared counter first, then the store: a change committed after this
	 * load is then always seen as a moved counter (store_changes.c). */
	uint64_t changes = atomic_load_explicit(tok->changes, memory_order_acquire);
	uint64_t gen = 0, log_end = 0;
	/* The log's end before the rows: a change after it is read again later. */
	CK_RV rv = store_change_end(core_g.st, &log_end);
	if (rv == CKR_OK)
		rv = store_generation(core_g.st, tok->iid, &gen);
	if (rv != CKR_OK)
		return rv;
	core_sync_count_full_load();
	rv = store_object_foreach(core_g.st, tok->iid, core_object_load_row, tok);
	if (rv == CKR_OK) {
		tok->gen = gen;
		tok->changes_seen = changes;
		tok->log_seq = log_end;
		store_follow(core_g.st, tok->iid, gen);
	}
	return rv;
}

typedef struct collect_ctx {
	core_object **list;
	size_t n;
	int all;
	CK_SESSION_HANDLE owner; /* session-object filter, 0 = any */
	int session_only;
} collect_ctx;

static void collect_one(void *ctx, uint64_t key, void *val)
{
	(void)key;
	collect_ctx *c = ctx;
	core_object *o = val;
	if (c->session_only) {
		if (o->on_token || (c->owner != 0 && o->owner != c->owner))
			return;
	} else if (!c->all && !o->on_token) {
		return;
	}
	c->list[c->n++] = o;
}

/* Snapshot of the matching objects (so the table may be changed while walking it). */
static core_object **collect(core_token *tok, collect_ctx *c)
{
	c->n = 0;
	c->list = malloc((tok->objects.count ? tok->objects.count : 1) * sizeof *c->list);
	if (c->list != NULL)
		htable_each(&tok->objects, collect_one, c);
	return c->list;
}

void core_token_free_objects(core_token *tok, int all)
{
	collect_ctx c = {.all = all};
	if (collect(tok, &c) == NULL)
		return;
	for (size_t i = 0; i < c.n; i++) {
		core_object_unlink(tok, c.list[i]);
		core_object_free(c.list[i]);
	}
	free(c.list);
}

void core_token_purge(core_token *tok)
{
	collect_ctx c = {.all = 1};
	if (collect(tok, &c) == NULL)
		return;
	for (size_t i = 0; i < c.n; i++) {
		if (c.list[i]->on_token)
			(void)store_object_delete(core_g.st, tok->iid, c.list[i]->oid);
		core_object_unlink(tok, c.list[i]);
		core_object_free(c.list[i]);
	}
	free(c.list);
}

void core_token_check_policies(core_token *tok)
{
	collect_ctx c = {.all = 0}; /* token objects: rows from the store */
	if (collect(tok, &c) == NULL)
		return;
	for (size_t i = 0; i < c.n; i++) {
		if (!core_object_policy_ok(tok, c.list[i])) {
			core_object_policy_refused(tok, c.list[i]);
			core_object_unlink(tok, c.list[i]);
			core_object_free(c.list[i]);
		}
	}
	free(c.list);
}

CK_RV core_token_refresh(core_token *tok)
{
	uint64_t changes = atomic_load_explicit(tok->changes, memory_order_acquire);
	uint64_t gen, log_end;
	CK_RV rv = store_change_end(core_g.st, &log_end);
	if (rv == CKR_OK)
		rv = store_generation(core_g.st, tok->iid, &gen);
	if (rv != CKR_OK)
		return rv;
	if (gen == tok->gen || (tok->gen != UINT64_MAX && gen == store_followed(core_g.st, tok->iid))) {
		/* Nothing new, or only our own writes, which the tables already hold
		 * (a counter shared with another instance may have moved too). Every
		 * log entry up to log_end, read before gen, is one of those. */
		tok->gen = gen;
		tok->changes_seen = changes;
		tok->log_seq = log_end;
		return CKR_OK;
	}
	/* Items another process created or destroyed: unlock or forget them too, so
	 * its new objects are usable here without a new login. */
	int other_life = 0, items_ok = 1;
	if (tok->login != CORE_NOT_LOGGED_IN && tok->be->refresh != NULL) {
		rv = tok->be->refresh(tok->se);
		other_life = rv == CKR_DEVICE_REMOVED;
		items_ok = rv == CKR_OK;
		if (rv != CKR_OK && !other_life)
			PF_WARN("instance %lu: secure component refresh failed", (unsigned long)tok->iid);
	}
	/* Only the rows changed since our last look, when the log still reaches
	 * back there (object_sync.c); otherwise, after a re-initialisation, or
	 * when the items could not be refreshed (every object is judged against
	 * what the component holds now), everything. */
	int caught_up = 0;
	rv = !items_ok || tok->gen == UINT64_MAX ? CKR_OK : core_token_catch_up(tok, &caught_up);
	if (rv == CKR_OK && caught_up) {
		tok->gen = gen;
		tok->changes_seen = changes;
		store_follow(core_g.st, tok->iid, gen);
	} else {
		PF_DEBUG("instance %lu: store changed, reloading objects", (unsigned long)tok->iid);
		core_token_free_objects(tok, 0);
		rv = core_token_load_objects(tok);
	}
	/* Nothing may go on using a key that is gone; after a re-initialisation by
	 * another process no key of the old token exists, nor does our login. */
	core_check_token_operations(tok, other_life);
	if (other_life) {
		PF_WARN("instance %lu: re-initialised by another process; logged out",
		        (unsigned long)tok->iid);
		(void)core_token_logout(tok);
	}
	return rv;
}

CK_RV core_object_destroy_locked(core_token *tok, core_object *o)
{
	CK_RV rv = CKR_OK;
	/* A token object's record and sealed items go in one transaction: a crash
	 * in between must not leave an orphan item (an exclusive key's fingerprint
	 * would then refuse that key material forever). */
	int tx = o->on_token;
	if (tx && (rv = store_begin(core_g.st)) != CKR_OK)
		return rv;
	if (o->on_token) {
		rv = store_object_delete(core_g.st, tok->iid, o->oid);
		if (rv != CKR_OK) {
			store_rollback(core_g.st);
			return rv;
		}
	}
	/* The record is gone: the items are unreachable; failures only leak sealed rows. */
	if (o->value_ref != 0)
		(void)tok->be->item_delete(tok->se, o->value_ref);
	if (o->hash_ref != 0)
		(void)tok->be->item_delete(tok->se, o->hash_ref);
	if (tx && (rv = store_commit(core_g.st)) != CKR_OK) {
		/* Rolled back: the object is still in the store, its items no longer in
		 * memory; it comes back whole at the next login. */
		PF_ERROR("instance %lu: object destruction not committed", (unsigned long)tok->iid);
		o->value_ref = o->hash_ref = 0;
		core_object_cache(o);
		core_index_update(tok, o);
		return rv;
	}
	core_object_unlink(tok, o);
	core_object_free(o);
	return CKR_OK;
}

void core_destroy_session_objects(core_token *tok, CK_SESSION_HANDLE owner)
{
	collect_ctx c = {.session_only = 1, .owner = owner};
	if (collect(tok, &c) == NULL)
		return;
	for (size_t i = 0; i < c.n; i++)
		(void)core_object_destroy_locked(tok, c.list[i]);
	free(c.list);
}

CK_RV core_destroy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh)
{
	core_session *s;
	core_object *o;
	CK_RV rv = core_enter_object(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, oh, &s, &o);
	if (rv != CKR_OK)
		return rv;
	if (o->on_token && !(s->flags & CKF_RW_SESSION))
		rv = CKR_SESSION_READ_ONLY;
	else if (!o->destroyable)
		rv = CKR_ACTION_PROHIBITED;
	else
		rv = core_object_destroy_locked(s->tok, o);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_get_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ULONG_PTR size)
{
	core_session *s;
	core_object *o;
	CK_RV rv = core_enter_object(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, oh, &s, &o);
	if (rv != CKR_OK)
		return rv;
	/* The record size is what the object costs in the store. */
	CK_ULONG n = 22;
	for (size_t i = 0; i < o->n_attrs; i++)
		n += 12 + o->attrs[i].len;
	*size = n;
	core_leave(s, CORE_TOKEN_SHARED);
	return CKR_OK;
}

/* ---- search ---------------------------------------------------------------- */

typedef struct find_ctx {
	core_token *tok;
	const CK_ATTRIBUTE *tmpl;
	CK_ULONG n;
	CK_OBJECT_HANDLE *out;
	size_t count;
} find_ctx;

/* CKA_VALUE matches only where the caller could read it. */
static int value_matches(core_token *tok, const core_object *o, const CK_ATTRIBUTE *a)
{
	int readable = o->cls == CKO_PORTFOLIO_IDENTITY || (!o->sensitive && o->extractable);
	if (!readable || o->value_ref == 0)
		return 0;
	size_t len = 0;
	if (tok->be->item_read(tok->se, o->value_ref, NULL, &len) != CKR_OK || len != a->ulValueLen)
		return 0;
	uint8_t *buf = malloc(len ? len : 1);
	if (buf == NULL)
		return 0;
	int eq = tok->be->item_read(tok->se, o->value_ref, buf, &len) == CKR_OK && len == a->ulValueLen &&
	         (len == 0 || memcmp(buf, a->pValue, len) == 0);
	pf_free_secret(buf, len);
	return eq;
}

static int object_matches(core_token *tok, const core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++) {
		const CK_ATTRIBUTE *a = &t[i];
		if (a->type == CKA_VALUE) {
			if (!value_matches(tok, o, a))
				return 0;
			continue;
		}
		if (a->type == CKA_PORTFOLIO_HASH_PROVISIONED && o->cls == CKO_PORTFOLIO_IDENTITY) {
			CK_BBOOL v = o->hash_ref != 0;
			if (a->ulValueLen != sizeof v || *(const CK_BBOOL *)a->pValue != v)
				return 0;
			continue;
		}
		if (attr_sms_matches(tok, o, a))
			continue; /* a view of the sealed SMS parameters, never stored */
		const core_attr *have = core_object_attr(o, a->type);
		if (have == NULL && a->ulValueLen == 0) {
			/* An unset date reads as empty (attr.c), so it matches an empty one. */
			const attr_def *d = attr_def_find(a->type, attr_class_bit(o->cls));
			if (d != NULL && d->kind == AK_DATE)
				continue;
		}
		if (have == NULL || have->len != a->ulValueLen ||
		    (have->len != 0 && memcmp(have->val, a->pValue, have->len) != 0))
			return 0;
	}
	return 1;
}

static void find_one(void *ctx, uint64_t key, void *val)
{
	(void)key;
	find_ctx *f = ctx;
	core_object *o = val;
	if (core_object_visible(f->tok, o) && object_matches(f->tok, o, f->tmpl, f->n))
		f->out[f->count++] = o->handle;
}

static int cmp_handle(const void *a, const void *b)
{
	CK_OBJECT_HANDLE x = *(const CK_OBJECT_HANDLE *)a, y = *(const CK_OBJECT_HANDLE *)b;
	return x < y ? -1 : x > y;
}

CK_RV core_find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	if (s->find_active) {
		core_leave(s, CORE_TOKEN_EXCLUSIVE);
		return CKR_OPERATION_ACTIVE;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		if (tmpl[i].pValue == NULL && tmpl[i].ulValueLen != 0) {
			core_leave(s, CORE_TOKEN_EXCLUSIVE);
			return CKR_ARGUMENTS_BAD;
		}
	}
	(void)core_token_refresh(s->tok);
	core_token *tok = s->tok;
	/* The index narrows the candidates (then the same test as the scan decides). */
	core_object *const *cand = NULL;
	size_t n_cand = 0;
	int indexed = core_index_candidates(tok, tmpl, n, &cand, &n_cand);
	size_t room = indexed ? n_cand : tok->objects.count;
	CK_OBJECT_HANDLE *out = malloc((room ? room : 1) * sizeof *out);
	if (out == NULL) {
		core_leave(s, CORE_TOKEN_EXCLUSIVE);
		return CKR_HOST_MEMORY;
	}
	find_ctx f = {.tok = tok, .tmpl = tmpl, .n = n, .out = out};
	if (indexed) {
		for (size_t i = 0; i < n_cand; i++)
			find_one(&f, 0, cand[i]);
	} else {
		htable_each(&tok->objects, find_one, &f);
	}
	qsort(out, f.count, sizeof *out, cmp_handle);
	free(s->found);
	s->found = out;
	s->n_found = f.count;
	s->find_pos = 0;
	s->find_active = 1;
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return CKR_OK;
}

CK_RV core_find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR n)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	if (!s->find_active) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		CK_ULONG k = 0;
		while (k < max && s->find_pos < s->n_found)
			out[k++] = s->found[s->find_pos++];
		*n = k;
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

CK_RV core_find_final(CK_SESSION_HANDLE h)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	if (!s->find_active) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	} else {
		free(s->found);
		s->found = NULL;
		s->n_found = s->find_pos = 0;
		s->find_active = 0;
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}
