/*
 * emu_items.c - the emulator's items: a hash table ref -> emu_item held in
 * clear while the token is logged in, and their sealed rows in the store.
 *
 * Memory and store change in an order that keeps them consistent on failure:
 * a new item is sealed and written before it enters the table; a replaced
 * value is written before the old one is freed; a deleted item leaves the
 * store before it leaves memory.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secure.h"

#define EMU_IDENTITY_MAX_LEN 4096
#define EMU_GENERIC_MAX_LEN  512
#define EMU_ITEM_FLAGS (SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE | SE_ITEM_READABLE)

typedef struct emu_node {
	emu_item item; /* first: emu_item_lookup hands out &node->item, which stays put */
	struct emu_node *next;
} emu_node;

int emu_item_kind_valid(se_item_kind kind)
{
	return kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET ||
	       kind == SE_ITEM_IDENTITY_VALUE || kind == SE_ITEM_IDENTITY_HASH;
}

int emu_item_len_valid(se_item_kind kind, size_t len)
{
	switch (kind) {
	case SE_ITEM_AES_KEY:
		return len == 16 || len == 24 || len == 32;
	case SE_ITEM_GENERIC_SECRET:
		return len >= 1 && len <= EMU_GENERIC_MAX_LEN;
	case SE_ITEM_IDENTITY_VALUE:
		return len <= EMU_IDENTITY_MAX_LEN;
	case SE_ITEM_IDENTITY_HASH:
		return len == 32;
	}
	return 0;
}

static int is_key(se_item_kind kind)
{
	return kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET;
}

/* ---- the table ---------------------------------------------------------------- */

static size_t bucket_of(const se_token *t, se_ref ref)
{
	uint64_t h = ref * 0x9E3779B97F4A7C15ull; /* Fibonacci hashing: refs are sequential */
	return (size_t)(h >> 32) & (t->nbuckets - 1);
}

static CK_RV table_grow(se_token *t)
{
	size_t n = t->nbuckets ? t->nbuckets * 2 : 16;
	emu_node **b = calloc(n, sizeof(*b));
	if (b == NULL)
		return CKR_HOST_MEMORY;
	emu_node **old = t->buckets;
	size_t oldn = t->nbuckets;
	t->buckets = b;
	t->nbuckets = n;
	for (size_t i = 0; i < oldn; i++) {
		emu_node *x = old[i];
		while (x != NULL) {
			emu_node *next = x->next;
			size_t k = bucket_of(t, x->item.ref);
			x->next = b[k];
			b[k] = x;
			x = next;
		}
	}
	free(old);
	return CKR_OK;
}

static CK_RV table_insert(se_token *t, emu_node *n)
{
	if (t->nitems + 1 > t->nbuckets) {
		CK_RV rv = table_grow(t);
		if (rv != CKR_OK)
			return rv;
	}
	size_t k = bucket_of(t, n->item.ref);
	n->next = t->buckets[k];
	t->buckets[k] = n;
	t->nitems++;
	return CKR_OK;
}

static emu_node *table_unlink(se_token *t, se_ref ref)
{
	if (t->nbuckets == 0)
		return NULL;
	emu_node **pp = &t->buckets[bucket_of(t, ref)];
	for (; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->item.ref == ref) {
			emu_node *n = *pp;
			*pp = n->next;
			t->nitems--;
			return n;
		}
	}
	return NULL;
}

emu_item *emu_item_lookup(se_token *t, se_ref ref)
{
	if (t == NULL || !t->logged_in || ref == 0 || t->nbuckets == 0)
		return NULL;
	for (emu_node *n = t->buckets[bucket_of(t, ref)]; n != NULL; n = n->next)
		if (n->item.ref == ref)
			return &n->item;
	return NULL;
}

static void node_free(emu_node *n)
{
	if (n == NULL)
		return;
	if (n->item.cache != NULL)
		emu_key_cache_free(&n->item);
	pf_free_secret(n->item.value, n->item.len);
	pf_wipe(n, sizeof(*n));
	free(n);
}

void emu_items_drop(se_token *t)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		emu_node *n = t->buckets[i];
		while (n != NULL) {
			emu_node *next = n->next;
			node_free(n);
			n = next;
		}
		t->buckets[i] = NULL;
	}
	t->nitems = 0;
}

/* A node holding a copy of value, with its key cache built. */
static CK_RV node_new(se_ref ref, se_item_kind kind, unsigned flags, const uint8_t *value,
                      size_t len, emu_node **out)
{
	emu_node *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return CKR_HOST_MEMORY;
	n->item.value = malloc(len ? len : 1);
	if (n->item.value == NULL) {
		free(n);
		return CKR_HOST_MEMORY;
	}
	if (len > 0)
		memcpy(n->item.value, value, len);
	n->item.len = len;
	n->item.ref = ref;
	n->item.kind = kind;
	n->item.flags = flags;
	if (is_key(kind)) {
		CK_RV rv = emu_key_cache_build(&n->item);
		if (rv != CKR_OK) {
			node_free(n);
			return rv;
		}
	}
	*out = n;
	return CKR_OK;
}

/* ---- login: load the sealed rows ------------------------------------------------ */

static CK_RV load_row(void *ctx, uint64_t ref, const uint8_t *row, size_t len)
{
	se_token *t = ctx;
	emu_item clear;
	CK_RV rv = emu_item_unseal(t->token_key, t->iid, ref, row, len, &clear);
	if (rv != CKR_OK) {
		PF_ERROR("emulator: instance %lu: secret row %llu does not unseal (tampered or moved)",
		         (unsigned long)t->iid, (unsigned long long)ref);
		return rv;
	}
	emu_node *n = NULL;
	rv = node_new(ref, clear.kind, clear.flags, clear.value, clear.len, &n);
	pf_free_secret(clear.value, clear.len);
	if (rv != CKR_OK)
		return rv;
	if (emu_item_lookup(t, ref) != NULL) {
		node_free(n);
		return CKR_DEVICE_ERROR;
	}
	rv = table_insert(t, n);
	if (rv != CKR_OK)
		node_free(n);
	return rv;
}

CK_RV emu_items_load(se_token *t)
{
	CK_RV rv = store_secret_foreach(t->st, t->iid, load_row, t);
	if (rv != CKR_OK)
		emu_items_drop(t);
	return rv;
}

/* ---- refresh: rows other processes wrote ------------------------------------------- */

typedef struct refresh_ctx {
	se_token *t;
	se_ref *seen;
	size_t n, cap;
} refresh_ctx;

static CK_RV refresh_row(void *ctx, uint64_t ref, const uint8_t *row, size_t len)
{
	refresh_ctx *c = ctx;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		se_ref *grown = realloc(c->seen, cap * sizeof *grown);
		if (grown == NULL)
			return CKR_HOST_MEMORY;
		c->seen = grown;
		c->cap = cap;
	}
	c->seen[c->n++] = ref;
	if (emu_item_lookup(c->t, ref) != NULL)
		return CKR_OK; /* already unlocked (rows are written once, or replaced by new refs) */
	return load_row(c->t, ref, row, len);
}

static int cmp_ref(const void *a, const void *b)
{
	se_ref x = *(const se_ref *)a, y = *(const se_ref *)b;
	return x < y ? -1 : x > y;
}

CK_RV emu_items_refresh(se_token *t)
{
	if (t == NULL || !t->logged_in)
		return CKR_OK;
	/* Rows sealed under another life of the instance do not unseal: refuse
	 * before trying, with the same code writes get. */
	CK_RV rv = emu_check_same_life(t);
	if (rv != CKR_OK)
		return rv;
	refresh_ctx c = {.t = t};
	rv = store_secret_foreach(t->st, t->iid, refresh_row, &c);
	if (rv == CKR_OK) {
		/* An instance without secret rows (none yet, or all destroyed) leaves
		 * c.seen NULL, which qsort and bsearch must not get even with n = 0. */
		if (c.n > 0)
			qsort(c.seen, c.n, sizeof *c.seen, cmp_ref);
		for (size_t i = 0; i < t->nbuckets; i++) {
			emu_node **pp = &t->buckets[i];
			while (*pp != NULL) {
				emu_node *n = *pp;
				if ((n->item.flags & SE_ITEM_PERSISTENT) &&
				    (c.n == 0 || bsearch(&n->item.ref, c.seen, c.n, sizeof *c.seen, cmp_ref) == NULL)) {
					*pp = n->next;
					t->nitems--;
					node_free(n);
				} else {
					pp = &n->next;
				}
			}
		}
	}
	free(c.seen);
	return rv;
}

/* ---- writes ------------------------------------------------------------------------- */

CK_RV emu_persist_row(se_token *t, se_ref ref, const uint8_t *row, size_t row_len,
                      const uint8_t *fp, CK_ULONG *owner_iid)
{
	CK_RV rv = store_begin(t->st);
	if (rv != CKR_OK)
		return rv;
	rv = emu_check_same_life(t);
	if (rv == CKR_OK)
		rv = store_secret_put(t->st, t->iid, ref, row, row_len, fp, owner_iid);
	if (rv == CKR_OK)
		rv = store_commit(t->st);
	else
		store_rollback(t->st);
	return rv;
}

static CK_RV check_token(se_token *t)
{
	if (t == NULL)
		return CKR_ARGUMENTS_BAD;
	return t->logged_in ? CKR_OK : CKR_USER_NOT_LOGGED_IN;
}

static CK_RV item_add(se_token *t, se_item_kind kind, const uint8_t *value, size_t len,
                      unsigned flags, se_ref *out)
{
	uint64_t ref = 0;
	CK_RV rv = store_next_id(t->st, &ref);
	if (rv != CKR_OK)
		return rv;
	emu_node *n = NULL;
	rv = node_new(ref, kind, flags, value, len, &n);
	if (rv != CKR_OK)
		return rv;

	uint8_t *row = NULL;
	size_t row_len = 0;
	int persistent = (flags & SE_ITEM_PERSISTENT) != 0;
	if (persistent && (rv = emu_item_seal(t->token_key, t->iid, &n->item, &row, &row_len)) != CKR_OK)
		goto fail;
	if (flags & SE_ITEM_EXCLUSIVE) {
		uint8_t fp[32];
		rv = emu_pepper(t);
		if (rv == CKR_OK)
			rv = emu_fingerprint(t->pepper, kind, value, len, fp);
		if (rv == CKR_OK)
			rv = emu_exclusive_claim(t, ref, fp, persistent, row, row_len);
		pf_wipe(fp, sizeof(fp));
	} else if (persistent) {
		rv = emu_persist_row(t, ref, row, row_len, NULL, NULL);
	}
	if (rv != CKR_OK)
		goto fail;
	rv = table_insert(t, n);
	if (rv != CKR_OK) {
		/* undo what was recorded: the row and any session claim */
		if (persistent)
			(void)store_secret_delete(t->st, t->iid, ref);
		emu_exclusive_release(t, ref);
		goto fail;
	}
	store_free(row, row_len);
	*out = ref;
	return CKR_OK;
fail:
	store_free(row, row_len);
	node_free(n);
	return rv;
}

CK_RV emu_item_put(se_token *t, se_item_kind kind, const uint8_t *value, size_t len,
                   unsigned flags, se_ref *out)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (out == NULL || (value == NULL && len != 0) || (flags & ~EMU_ITEM_FLAGS) != 0)
		return CKR_ARGUMENTS_BAD;
	if (!emu_item_kind_valid(kind) || !emu_item_len_valid(kind, len))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return item_add(t, kind, value, len, flags, out);
}

CK_RV emu_item_generate(se_token *t, se_item_kind kind, size_t len, unsigned flags, se_ref *out)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (out == NULL || (flags & ~EMU_ITEM_FLAGS) != 0 || !is_key(kind))
		return CKR_ARGUMENTS_BAD;
	if (!emu_item_len_valid(kind, len))
		return CKR_KEY_SIZE_RANGE;
	uint8_t value[EMU_GENERIC_MAX_LEN];
	if (RAND_bytes(value, (int)len) != 1)
		return CKR_FUNCTION_FAILED;
	rv = item_add(t, kind, value, len, flags, out);
	pf_wipe(value, sizeof(value));
	return rv;
}

CK_RV emu_item_replace(se_token *t, se_ref ref, const uint8_t *value, size_t len)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (value == NULL && len != 0)
		return CKR_ARGUMENTS_BAD;
	emu_item *it = emu_item_lookup(t, ref);
	if (it == NULL)
		return CKR_OBJECT_HANDLE_INVALID;
	/* Only the Identity string is rewritable (an LwM2M WRITE); keys and hashes are
	 * fixed for life, so a rewrite can never clone or swap key material. */
	if (it->kind != SE_ITEM_IDENTITY_VALUE || (it->flags & SE_ITEM_EXCLUSIVE))
		return CKR_ATTRIBUTE_READ_ONLY;
	if (!emu_item_len_valid(it->kind, len))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	uint8_t *copy = malloc(len ? len : 1);
	if (copy == NULL)
		return CKR_HOST_MEMORY;
	if (len > 0)
		memcpy(copy, value, len);
	if (it->flags & SE_ITEM_PERSISTENT) {
		emu_item next = *it;
		next.value = copy;
		next.len = len;
		uint8_t *row = NULL;
		size_t row_len = 0;
		rv = emu_item_seal(t->token_key, t->iid, &next, &row, &row_len);
		if (rv == CKR_OK)
			rv = emu_persist_row(t, ref, row, row_len, NULL, NULL); /* an upsert: atomic */
		store_free(row, row_len);
		if (rv != CKR_OK) {
			pf_free_secret(copy, len);
			return rv;
		}
	}
	pf_free_secret(it->value, it->len);
	it->value = copy;
	it->len = len;
	return CKR_OK;
}

CK_RV emu_item_read(se_token *t, se_ref ref, uint8_t *out, size_t *len)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (len == NULL)
		return CKR_ARGUMENTS_BAD;
	emu_item *it = emu_item_lookup(t, ref);
	if (it == NULL)
		return CKR_OBJECT_HANDLE_INVALID;
	/* An Identity hash is never readable, whatever flags it was given. */
	if (!(it->flags & SE_ITEM_READABLE) || it->kind == SE_ITEM_IDENTITY_HASH)
		return CKR_ATTRIBUTE_SENSITIVE;
	if (out == NULL) {
		*len = it->len;
		return CKR_OK;
	}
	if (*len < it->len) {
		*len = it->len;
		return CKR_BUFFER_TOO_SMALL;
	}
	if (it->len > 0)
		memcpy(out, it->value, it->len);
	*len = it->len;
	return CKR_OK;
}

CK_RV emu_item_delete(se_token *t, se_ref ref)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	emu_item *it = emu_item_lookup(t, ref);
	if (it == NULL)
		return CKR_OBJECT_HANDLE_INVALID;
	if (it->flags & SE_ITEM_PERSISTENT) {
		rv = store_secret_delete(t->st, t->iid, ref);
		if (rv != CKR_OK)
			return rv;
	}
	emu_exclusive_release(t, ref);
	node_free(table_unlink(t, ref));
	return CKR_OK;
}

CK_RV emu_item_length(se_token *t, se_ref ref, size_t *len)
{
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (len == NULL)
		return CKR_ARGUMENTS_BAD;
	emu_item *it = emu_item_lookup(t, ref);
	if (it == NULL)
		return CKR_OBJECT_HANDLE_INVALID;
	*len = it->len;
	return CKR_OK;
}
