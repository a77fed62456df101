/*
 * object_index.c - search index of a token's objects (object_index.h).
 *
 * Three kinds of key, each a 64-bit hash of the attribute bytes exactly as
 * stored (so an object is found under the bytes object_matches compares):
 * the label, the id, and class + service + key index together. A key maps to
 * the list of objects carrying it; a hash collision only adds candidates,
 * which the caller's full template match filters out, so results are those
 * of the scan. Per object, the index remembers the keys it was filed under
 * and its position in each list, so removal needs neither the (possibly
 * already changed) attributes nor a walk of the list.
 */
#include "config.h"
#include "core/object_index.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

enum { IX_LABEL, IX_ID, IX_KEYSET, IX_KINDS };

typedef struct ix_list {
	core_object **v;
	size_t n, cap;
} ix_list;

typedef struct ix_entry {
	unsigned filed;           /* bit k: filed under key[k] at pos[k] */
	uint64_t key[IX_KINDS];
	size_t pos[IX_KINDS];
	se_ref refs[2];
} ix_entry;

struct core_object_index {
	htable lists;             /* key -> ix_list */
	htable entries;           /* object address -> ix_entry */
	htable by_ref;            /* item ref -> object */
	int broken;               /* out of memory once: searches scan */
};

/* FNV-1a over (kind, then each part as length + bytes), then a final mix. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < sizeof len; i++)
		h = (h ^ ((len >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_finish(uint64_t h)
{
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static uint64_t hash_start(unsigned kind)
{
	return (0xcbf29ce484222325ULL ^ kind) * 0x100000001b3ULL;
}

/* The parts a key is made of, as (type, bytes) pairs: from an object or a template. */
static const CK_ATTRIBUTE_TYPE kind_types[IX_KINDS][3] = {
	[IX_LABEL] = {CKA_LABEL},
	[IX_ID] = {CKA_ID},
	[IX_KEYSET] = {CKA_CLASS, CKA_PORTFOLIO_SERVICE, CKA_PORTFOLIO_KEY_INDEX},
};
static const unsigned kind_parts[IX_KINDS] = {1, 1, 3};

static int object_key(const core_object *o, unsigned kind, uint64_t *key)
{
	uint64_t h = hash_start(kind);
	for (unsigned i = 0; i < kind_parts[kind]; i++) {
		const core_attr *a = core_object_attr(o, kind_types[kind][i]);
		if (a == NULL)
			return 0;
		h = hash_bytes(h, a->val, a->len);
	}
	*key = hash_finish(h);
	return 1;
}

static int template_key(const CK_ATTRIBUTE *t, CK_ULONG n, unsigned kind, uint64_t *key)
{
	uint64_t h = hash_start(kind);
	for (unsigned i = 0; i < kind_parts[kind]; i++) {
		const CK_ATTRIBUTE *a = NULL;
		for (CK_ULONG j = 0; j < n && a == NULL; j++)
			if (t[j].type == kind_types[kind][i])
				a = &t[j];
		if (a == NULL)
			return 0;
		h = hash_bytes(h, a->pValue, a->ulValueLen);
	}
	*key = hash_finish(h);
	return 1;
}

static struct core_object_index *index_of(core_token *tok)
{
	struct core_object_index *ix = tok->index;
	if (ix != NULL)
		return ix;
	ix = calloc(1, sizeof *ix);
	if (ix != NULL && (htable_init(&ix->lists) != 0 || htable_init(&ix->entries) != 0 ||
	                   htable_init(&ix->by_ref) != 0)) {
		htable_free(&ix->lists);
		htable_free(&ix->entries);
		htable_free(&ix->by_ref);
		free(ix);
		ix = NULL;
	}
	tok->index = ix;
	return ix;
}

static void mark_broken(struct core_object_index *ix, const core_token *tok)
{
	if (!ix->broken)
		PF_WARN("instance %lu: out of memory for the search index; searches scan every object",
		        (unsigned long)tok->iid);
	ix->broken = 1;
}

static int list_append(struct core_object_index *ix, uint64_t key, core_object *o, size_t *pos)
{
	ix_list *l = htable_get(&ix->lists, key);
	if (l == NULL) {
		if ((l = calloc(1, sizeof *l)) == NULL)
			return -1;
		if (htable_put(&ix->lists, key, l) != 0) {
			free(l);
			return -1;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 2;
		core_object **v = realloc(l->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	*pos = l->n;
	l->v[l->n++] = o;
	return 0;
}

/* Swap-remove o from key's list; the object moved into its place learns its new position. */
static void list_drop(struct core_object_index *ix, uint64_t key, size_t pos)
{
	ix_list *l = htable_get(&ix->lists, key);
	if (l == NULL || pos >= l->n)
		return;
	size_t last = --l->n;
	if (pos != last) {
		core_object *moved = l->v[last];
		l->v[pos] = moved;
		ix_entry *me = htable_get(&ix->entries, (uint64_t)(uintptr_t)moved);
		for (unsigned k = 0; me != NULL && k < IX_KINDS; k++)
			if ((me->filed & (1u << k)) && me->key[k] == key && me->pos[k] == last)
				me->pos[k] = pos;
	}
	if (l->n == 0) {
		htable_remove(&ix->lists, key);
		free(l->v);
		free(l);
	}
}

void core_index_remove(core_token *tok, core_object *o)
{
	struct core_object_index *ix = tok->index;
	if (ix == NULL)
		return;
	ix_entry *e = htable_remove(&ix->entries, (uint64_t)(uintptr_t)o);
	if (e == NULL)
		return;
	for (unsigned k = 0; k < IX_KINDS; k++)
		if (e->filed & (1u << k))
			list_drop(ix, e->key[k], e->pos[k]);
	for (unsigned r = 0; r < 2; r++)
		if (e->refs[r] != 0 && htable_get(&ix->by_ref, e->refs[r]) == o)
			htable_remove(&ix->by_ref, e->refs[r]);
	free(e);
}

static int file_object(struct core_object_index *ix, core_object *o, ix_entry *e)
{
	for (unsigned k = 0; k < IX_KINDS; k++) {
		uint64_t key;
		if (!object_key(o, k, &key))
			continue;
		if (list_append(ix, key, o, &e->pos[k]) != 0)
			return -1;
		e->key[k] = key;
		e->filed |= 1u << k;
	}
	e->refs[0] = o->value_ref;
	e->refs[1] = o->hash_ref;
	for (unsigned r = 0; r < 2; r++)
		if (e->refs[r] != 0 && htable_put(&ix->by_ref, e->refs[r], o) != 0)
			return -1;
	return 0;
}

void core_index_add(core_token *tok, core_object *o)
{
	struct core_object_index *ix = index_of(tok);
	if (ix == NULL || ix->broken)
		return;
	ix_entry *e = calloc(1, sizeof *e);
	if (e == NULL || htable_put(&ix->entries, (uint64_t)(uintptr_t)o, e) != 0) {
		free(e);
		mark_broken(ix, tok);
		return;
	}
	if (file_object(ix, o, e) != 0) {
		core_index_remove(tok, o); /* what was filed goes again */
		mark_broken(ix, tok);
	}
}

void core_index_update(core_token *tok, core_object *o)
{
	core_index_remove(tok, o);
	core_index_add(tok, o);
}

int core_index_candidates(const core_token *tok, const CK_ATTRIBUTE *t, CK_ULONG n,
                          core_object *const **list, size_t *count)
{
	const struct core_object_index *ix = tok->index;
	if (ix == NULL || ix->broken)
		return 0;
	int found = 0;
	for (unsigned k = 0; k < IX_KINDS; k++) {
		uint64_t key;
		if (!template_key(t, n, k, &key))
			continue;
		const ix_list *l = htable_get(&ix->lists, key);
		size_t c = l != NULL ? l->n : 0;
		if (!found || c < *count) { /* the shortest list */
			*list = l != NULL ? l->v : NULL;
			*count = c;
		}
		found = 1;
	}
	return found;
}

static int holds_slot(const core_object *x, CK_ULONG srv, CK_ULONG idx)
{
	return x->cls == CKO_SECRET_KEY && x->mk.has_service && x->mk.service == srv && x->key_index == idx;
}

typedef struct slot_scan {
	CK_ULONG srv, idx;
	int taken;
} slot_scan;

static void scan_slot(void *ctx, uint64_t key, void *val)
{
	(void)key;
	slot_scan *c = ctx;
	c->taken |= holds_slot(val, c->srv, c->idx);
}

int core_index_keyset_taken(const core_token *tok, CK_ULONG srv, CK_ULONG idx)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_PORTFOLIO_SERVICE, &srv, sizeof srv},
	                    {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx}};
	core_object *const *cand = NULL;
	size_t n = 0;
	if (core_index_complete(tok) && core_index_candidates(tok, t, 3, &cand, &n)) {
		for (size_t i = 0; i < n; i++)
			if (holds_slot(cand[i], srv, idx))
				return 1;
		return 0;
	}
	slot_scan c = {.srv = srv, .idx = idx};
	htable_each(&tok->objects, scan_slot, &c);
	return c.taken;
}

int core_index_complete(const core_token *tok)
{
	const struct core_object_index *ix = tok->index;
	return ix != NULL ? !ix->broken : tok->objects.count == 0;
}

core_object *core_index_by_ref(const core_token *tok, se_ref ref)
{
	const struct core_object_index *ix = tok->index;
	return ix != NULL && ref != 0 ? htable_get(&ix->by_ref, ref) : NULL;
}

static void free_list(void *ctx, uint64_t key, void *val)
{
	(void)ctx;
	(void)key;
	ix_list *l = val;
	free(l->v);
	free(l);
}

static void free_entry(void *ctx, uint64_t key, void *val)
{
	(void)ctx;
	(void)key;
	free(val);
}

void core_index_free(core_token *tok)
{
	struct core_object_index *ix = tok->index;
	if (ix == NULL)
		return;
	htable_each(&ix->lists, free_list, NULL);
	htable_each(&ix->entries, free_entry, NULL);
	htable_free(&ix->lists);
	htable_free(&ix->entries);
	htable_free(&ix->by_ref);
	free(ix);
	tok->index = NULL;
}
