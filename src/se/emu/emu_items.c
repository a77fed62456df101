/*
 * emu_items.c - the emulator's items: a hash table ref -> emu_item held in
 * clear while the token is logged in, and their sealed rows in the store.
 *
 * Memory and store change in an order that keeps them consistent on failure:
 * a new item is sealed and written before it enters the table; a replaced
 * value is written before the old one is freed; a deleted item leaves the
 * store before it leaves memory.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>


#include "crypto/crypto.h"
#include "se/emu/emu_token.h"
#include "se/emu/emu_scp80.h"
#include "se/se_fingerprint.h"
#include "store/store.h"
#include "util/grow.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/sizes.h"

#define EMU_IDENTITY_MAX_LEN 4096
#define EMU_GENERIC_MAX_LEN  512
#define EMU_ITEM_FLAGS (SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE | SE_ITEM_READABLE)

typedef struct emu_node {
	emu_item item; /* first: emu_item_lookup hands out &node->item, which stays put */
	struct emu_node *next;
} emu_node;

static int is_key(se_item_kind kind)
{
	return kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET;
}

int emu_item_kind_valid(se_item_kind kind)
{
	return kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET ||
	       kind == SE_ITEM_IDENTITY_VALUE || kind == SE_ITEM_IDENTITY_HASH;
}

int emu_policy_fits(se_item_kind kind, const se_item_policy *pol)
{
	/* a master only derives, for the service it names, and is no keyset member;
	 * it may itself leave the component wrapped (replication to verifier nodes,
	 * docs/fleet.md), but never wraps or unwraps other keys */
	if (is_key(kind) && (pol->usage & SE_USE_MASTER) != 0)
		return (pol->usage & ~(SE_USE_MASTER | SE_USE_DERIVE | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED)) == 0 &&
		       (pol->service == CK_PORTFOLIO_SRV_AUTHENT || pol->service == CK_PORTFOLIO_SRV_ENCRYPT) &&
		       pol->key_index == 0 && pol->identity_id == 0 && pol->identity_flags == 0;
	if (kind == SE_ITEM_AES_KEY && pol->service == CK_PORTFOLIO_SRV_SMS)
		return emu_scp80_policy_fits(pol); /* SMS keyset: its parameters in key_index */
	if (is_key(kind))
		return (pol->service == SE_SERVICE_NONE || pol->service == CK_PORTFOLIO_SRV_AUTHENT ||
		        pol->service == CK_PORTFOLIO_SRV_ENCRYPT) &&
		       (pol->usage & ~(SE_USE_KEY_ALL | SE_USE_KEY_MGMT)) == 0 && pol->identity_id == 0 &&
		       pol->identity_flags == 0 &&
		       (pol->service != SE_SERVICE_NONE || pol->key_index == 0);
	/* identity items: only the identity they belong to; flags on the hash alone */
	return pol->service == SE_SERVICE_NONE && pol->key_index == 0 && pol->usage == 0 &&
	       (pol->identity_flags & ~SE_IDENTITY_FLAGS_ALL) == 0 &&
	       (pol->identity_flags == 0 || kind == SE_ITEM_IDENTITY_HASH);
}

int emu_item_len_valid(se_item_kind kind, size_t len)
{
	switch (kind) {
	case SE_ITEM_AES_KEY:
		return pf_aes_key_len_ok(len);
	case SE_ITEM_GENERIC_SECRET:
		return len >= 1 && len <= EMU_GENERIC_MAX_LEN;
	case SE_ITEM_IDENTITY_VALUE:
		return len <= EMU_IDENTITY_MAX_LEN;
	case SE_ITEM_IDENTITY_HASH:
		return len == 32;
	}
	return 0;
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

emu_item *emu_item_find(se_token *t, int (*match)(const emu_item *it, const void *ctx),
                        const void *ctx)
{
	if (t == NULL || !t->logged_in || match == NULL)
		return NULL;
	for (size_t b = 0; b < t->nbuckets; b++)
		for (emu_node *n = t->buckets[b]; n != NULL; n = n->next)
			if (match(&n->item, ctx))
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

CK_RV emu_item_digest(emu_item *it)
{
	if (it->kind != SE_ITEM_IDENTITY_VALUE)
		return CKR_OK;
	return pf_digest_oneshot(PF_MD_SHA256, it->value, it->len, it->value_sha256) == PF_CRYPTO_OK
	           ? CKR_OK
	           : CKR_FUNCTION_FAILED;
}

/* A node holding a copy of value, with its key cache (keys) or digest (identity values). */
static CK_RV node_new(se_ref ref, se_item_kind kind, unsigned flags, const se_item_policy *pol,
                      const uint8_t *value, size_t len, emu_node **out)
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
	n->item.pol = *pol;
	CK_RV rv = is_key(kind) ? emu_key_cache_build(&n->item) : emu_item_digest(&n->item);
	if (rv != CKR_OK) {
		node_free(n);
		return rv;
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
	if (rv == CKR_DEVICE_ERROR) {
		/* Left out, and only it: its object is refused by the core (no item), the
		 * rest of the token stays usable. */
		PF_ERROR("emulator: instance %lu: secret row %llu refused: it does not unseal (tampered, "
		         "moved, or of format 1)", (unsigned long)t->iid, (unsigned long long)ref);
		return CKR_OK;
	}
	if (rv != CKR_OK)
		return rv;
	emu_node *n = NULL;
	rv = node_new(ref, clear.kind, clear.flags, &clear.pol, clear.value, clear.len, &n);
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

/* Every row read gets the manifest's verdict; only a live row is loaded. */
static CK_RV login_row(void *ctx, uint64_t ref, const uint8_t *row, size_t len)
{
	emu_manifest *m = ctx;
	emu_row_verdict v;
	CK_RV rv = emu_manifest_verdict(m->token, m, ref, row, len, &v);
	return rv == CKR_OK && v == EMU_ROW_LIVE ? load_row(m->token, ref, row, len) : rv;
}

/* Reads t's manifest into m, then judges each row through it. */
typedef CK_RV (*manifest_scan_fn)(se_token *t, emu_manifest *m);

/* One transaction: one snapshot of the rows and their manifest, and a
 * manifest sealed on first use lists exactly the rows read. */
static CK_RV scan_under_manifest(se_token *t, manifest_scan_fn scan)
{
	emu_manifest m;
	CK_RV rv = emu_manifest_open(t, &m);
	if (rv == CKR_OK && (rv = store_begin(t->st)) == CKR_OK) {
		rv = scan(t, &m);
		if (rv == CKR_OK)
			rv = emu_manifest_finish(t, &m);
		if (rv == CKR_OK)
			rv = store_commit(t->st);
		else
			store_rollback(t->st);
	}
	emu_manifest_close(&m);
	return rv;
}

/* Who we are to the store's log following (store_log_follow). */
static uint64_t log_tag(const se_token *t)
{
	return (uint64_t)(uintptr_t)t;
}

/* The items reflect the change log up to its end read before the rows (in
 * the scan's transaction, so nothing comes between). */
static CK_RV log_position(se_token *t)
{
	CK_RV rv = store_change_end(t->st, &t->log_seq);
	if (rv == CKR_OK)
		store_log_follow(t->st, t->iid, log_tag(t), t->log_seq);
	return rv;
}

static CK_RV login_scan(se_token *t, emu_manifest *m)
{
	CK_RV rv = log_position(t);
	if (rv == CKR_OK)
		rv = emu_manifest_read_all(t, m);
	return rv == CKR_OK ? store_secret_foreach(t->st, t->iid, login_row, m) : rv;
}

CK_RV emu_items_load(se_token *t)
{
	CK_RV rv = scan_under_manifest(t, login_scan);
	if (rv != CKR_OK)
		emu_items_drop(t);
	return rv;
}

/* ---- refresh: rows other processes wrote ------------------------------------------- */

/* A key item already unlocked: another process may have reduced its usage
 * (item_restrict re-seals the row under the same ref). Take the smaller usage,
 * never a larger one or any other change: the item in memory was authentic
 * when loaded, and usage only shrinks. */
static CK_RV refresh_usage(se_token *t, emu_item *have, const uint8_t *row, size_t len)
{
	emu_item clear;
	if (!is_key(have->kind) || emu_item_unseal(t->token_key, t->iid, have->ref, row, len, &clear) != CKR_OK)
		return CKR_OK;
	pf_free_secret(clear.value, clear.len);
	if (clear.kind == have->kind && clear.pol.service == have->pol.service &&
	    clear.pol.key_index == have->pol.key_index && (clear.pol.usage & ~have->pol.usage) == 0)
		have->pol.usage = clear.pol.usage;
	return CKR_OK;
}

typedef struct refresh_ctx {
	se_token *t;
	emu_manifest *m;
	se_ref *seen;
	size_t n, cap;
} refresh_ctx;

static CK_RV refresh_row(void *ctx, uint64_t ref, const uint8_t *row, size_t len)
{
	refresh_ctx *c = ctx;
	emu_row_verdict v;
	CK_RV rv = emu_manifest_verdict(c->t, c->m, ref, row, len, &v);
	if (rv != CKR_OK || v == EMU_ROW_UNLISTED)
		return rv; /* not live: an item held under ref goes */
	se_ref *seen = pf_grow(c->seen, &c->cap, c->n, sizeof *seen, 64);
	if (seen == NULL)
		return CKR_HOST_MEMORY;
	c->seen = seen;
	c->seen[c->n++] = ref;
	emu_item *have = emu_item_lookup(c->t, ref);
	if (v == EMU_ROW_STALE)
		return CKR_OK; /* listed, but not these bytes: what memory holds stays, nothing is read */
	if (have != NULL)
		return refresh_usage(c->t, have, row, len);
	return load_row(c->t, ref, row, len);
}

static int cmp_ref(const void *a, const void *b)
{
	se_ref x = *(const se_ref *)a, y = *(const se_ref *)b;
	return x < y ? -1 : x > y;
}

/* Load the rows another process added, take reduced usages, forget the
 * persistent items whose rows are gone or no longer listed by the manifest. */
static CK_RV refresh_apply(se_token *t, emu_manifest *m)
{
	refresh_ctx c = {.t = t, .m = m};
	CK_RV rv = store_secret_foreach(t->st, t->iid, refresh_row, &c);
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

/* While logged in, the manifest is there (our login sealed one if need be):
 * one gone now was removed by someone who writes the store. Nothing read can
 * be trusted to be live: forget every item (fail closed). */
static CK_RV refresh_without_manifest(se_token *t)
{
	PF_ERROR("emulator: instance %lu: its sealed manifest was removed from the store; every "
	         "item forgotten until a new login", (unsigned long)t->iid);
	emu_items_drop(t);
	emu_exclusive_release(t, 0);
	return CKR_DEVICE_ERROR;
}

static _Atomic uint64_t stat_full, stat_changed, stat_rows;

#ifdef PORTFOLIO_TEST_HOOKS
void emu_refresh_stats_get(emu_refresh_stats *out)
{
	out->full = atomic_load_explicit(&stat_full, memory_order_relaxed);
	out->changed = atomic_load_explicit(&stat_changed, memory_order_relaxed);
	out->rows = atomic_load_explicit(&stat_rows, memory_order_relaxed);
	out->pages = emu_manifest_pages_opened();
}
#endif

/* One row the change log names, as it is now (NULL: deleted), judged like
 * every row of a full refresh: the manifest's verdict, then the sealed row's
 * own tag when it is loaded or its usage taken. The manifest's root is read
 * at the first row to judge, the page of each row when its turn comes. */
static CK_RV changed_row(void *ctx, unsigned kind, uint64_t ref, const uint8_t *row, size_t len)
{
	emu_manifest *m = ctx;
	se_token *t = m->token;
	(void)kind;
	atomic_fetch_add_explicit(&stat_rows, 1, memory_order_relaxed);
	emu_row_verdict v = EMU_ROW_UNLISTED;
	CK_RV rv = CKR_OK;
	if (row != NULL && !m->read && (rv = emu_manifest_read(t, m)) == CKR_OK && !m->present)
		return refresh_without_manifest(t);
	if (rv == CKR_OK && row != NULL)
		rv = emu_manifest_verdict(t, m, ref, row, len, &v);
	if (rv != CKR_OK || v == EMU_ROW_STALE)
		return rv; /* listed, but not these bytes: what memory holds stays */
	emu_item *have = emu_item_lookup(t, ref);
	if (v == EMU_ROW_UNLISTED || row == NULL) { /* gone, or not live: the item goes */
		if (have != NULL && (have->flags & SE_ITEM_PERSISTENT))
			node_free(table_unlink(t, ref));
		return CKR_OK;
	}
	return have != NULL ? refresh_usage(t, have, row, len) : load_row(t, ref, row, len);
}

/* Only the rows changed since t->log_seq (or since our own writes that
 * followed it); *done = 0 when the log no longer reaches back there. One pass
 * over the log with the rows (the write lock is held: nothing comes between
 * the log and the rows). The manifest is read only when there are rows to
 * judge: a deletion needs no verdict, and with none the items in memory stay
 * as they were loaded (authentic); a manifest removed at rest is noticed at
 * the next refresh that reads rows, or the next login. */
static CK_RV refresh_changed(se_token *t, emu_manifest *m, int *done)
{
	uint64_t seq = store_log_followed(t->st, t->iid, log_tag(t));
	if (seq < t->log_seq)
		seq = t->log_seq;
	CK_RV rv = store_changes_since(t->st, t->iid, STORE_ROW_SECRET, STORE_ROW_SECRET, &seq, done,
	                               changed_row, m);
	/* Rows not named were not read: emu_manifest_finish must not call them missing. */
	if (rv == CKR_OK && m->read)
		memset(m->seen, 1, m->n);
	if (rv == CKR_OK && *done)
		atomic_fetch_add_explicit(&stat_changed, 1, memory_order_relaxed);
	return rv;
}

static CK_RV refresh_scan(se_token *t, emu_manifest *m)
{
	/* Rows sealed under another life of the instance do not unseal: refuse
	 * before trying, with the same code writes get. */
	CK_RV rv = emu_check_same_life(t);
	uint64_t end = 0;
	if (rv == CKR_OK)
		rv = store_change_end(t->st, &end);
	int done = 0;
	if (rv == CKR_OK)
		rv = refresh_changed(t, m, &done);
	if (rv == CKR_OK && !done && (rv = emu_manifest_read_all(t, m)) == CKR_OK) {
		atomic_fetch_add_explicit(&stat_full, 1, memory_order_relaxed);
		rv = m->present ? refresh_apply(t, m) : refresh_without_manifest(t);
	}
	if (rv == CKR_OK) {
		/* The write lock is held: end is still the end. */
		t->log_seq = end;
		store_log_follow(t->st, t->iid, log_tag(t), end);
	}
	return rv;
}

CK_RV emu_items_refresh(se_token *t)
{
	if (t == NULL || !t->logged_in)
		return CKR_OK;
	return scan_under_manifest(t, refresh_scan);
}

/* ---- writes ------------------------------------------------------------------------- */

/* Every row write goes through here: the row and the manifest change together,
 * in one transaction that first checks the instance is still the life we
 * unlocked. row == NULL deletes ref's row. */
CK_RV emu_persist_row(se_token *t, se_ref ref, const uint8_t *row, size_t row_len,
                      const uint8_t *fp, CK_ULONG *owner_iid)
{
	CK_RV rv = store_begin(t->st);
	if (rv != CKR_OK)
		return rv;
	rv = emu_check_same_life(t);
	if (rv == CKR_OK) {
		store_log_writer(t->st, log_tag(t)); /* the row is ours: memory follows it */
		rv = emu_manifest_row_write(t, ref, row, row_len, fp, owner_iid);
	}
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
                      unsigned flags, const se_item_policy *pol, se_ref *out)
{
	uint64_t ref = 0;
	CK_RV rv = store_next_id(t->st, &ref);
	if (rv != CKR_OK)
		return rv;
	emu_node *n = NULL;
	rv = node_new(ref, kind, flags, pol, value, len, &n);
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
		if (rv == CKR_OK) /* a store from before the canonical form */
			rv = se_legacy_fingerprint_check(t->st, t->pepper, value, len);
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
			(void)emu_persist_row(t, ref, NULL, 0, NULL, NULL);
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

/* The policy an item is made with: pol, or none at all (NULL). A policy that
 * does not fit the kind is refused; so is an identity hash (and the flags it
 * carries) put by anybody but the SO: only provisioning decides what an
 * identity may do. */
static CK_RV policy_for(const se_token *t, se_item_kind kind, const se_item_policy *pol,
                        se_item_policy *out)
{
	static const se_item_policy none = {.service = SE_SERVICE_NONE};
	*out = pol != NULL ? *pol : none;
	if (!emu_policy_fits(kind, out))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if ((kind == SE_ITEM_IDENTITY_HASH || out->identity_flags != 0) && t->user != CKU_SO)
		return CKR_ATTRIBUTE_READ_ONLY;
	/* CKA_TRUSTED: a key others may be wrapped under only if it is TRUSTED is
	 * worth that only if the SO alone makes trusted keys (PKCS#11 3.0 4.10). */
	if ((out->usage & SE_USE_TRUSTED) && t->user != CKU_SO)
		return CKR_ATTRIBUTE_READ_ONLY;
	return CKR_OK;
}

CK_RV emu_item_put(se_token *t, se_item_kind kind, const uint8_t *value, size_t len,
                   unsigned flags, const se_item_policy *pol, se_ref *out)
{
	se_item_policy p;
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (out == NULL || (value == NULL && len != 0) || (flags & ~EMU_ITEM_FLAGS) != 0)
		return CKR_ARGUMENTS_BAD;
	if (!emu_item_kind_valid(kind) || !emu_item_len_valid(kind, len))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if ((rv = policy_for(t, kind, pol, &p)) != CKR_OK)
		return rv;
	return item_add(t, kind, value, len, flags, &p, out);
}

CK_RV emu_item_generate(se_token *t, se_item_kind kind, size_t len, unsigned flags,
                        const se_item_policy *pol, se_ref *out)
{
	se_item_policy p;
	CK_RV rv = check_token(t);
	if (rv != CKR_OK)
		return rv;
	if (out == NULL || (flags & ~EMU_ITEM_FLAGS) != 0 || !is_key(kind))
		return CKR_ARGUMENTS_BAD;
	if (!emu_item_len_valid(kind, len))
		return CKR_KEY_SIZE_RANGE;
	if ((rv = policy_for(t, kind, pol, &p)) != CKR_OK)
		return rv;
	uint8_t value[EMU_GENERIC_MAX_LEN];
	if (pf_random(value, len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	rv = item_add(t, kind, value, len, flags, &p, out);
	pf_wipe(value, sizeof(value));
	return rv;
}

/* A persistent item's row rewritten to hold next (same ref): an upsert, atomic. */
static CK_RV reseal(se_token *t, const emu_item *next)
{
	if (!(next->flags & SE_ITEM_PERSISTENT))
		return CKR_OK;
	uint8_t *row = NULL;
	size_t row_len = 0;
	CK_RV rv = emu_item_seal(t->token_key, t->iid, next, &row, &row_len);
	if (rv == CKR_OK)
		rv = emu_persist_row(t, next->ref, row, row_len, NULL, NULL);
	store_free(row, row_len);
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
	emu_item next = *it;
	next.value = copy;
	next.len = len;
	rv = emu_item_digest(&next);
	if (rv == CKR_OK)
		rv = reseal(t, &next);
	if (rv != CKR_OK) {
		pf_free_secret(copy, len);
		return rv;
	}
	pf_free_secret(it->value, it->len);
	it->value = copy;
	it->len = len;
	memcpy(it->value_sha256, next.value_sha256, sizeof it->value_sha256);
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
		rv = emu_persist_row(t, ref, NULL, 0, NULL, NULL);
		if (rv != CKR_OK)
			return rv;
	}
	emu_exclusive_release(t, ref);
	node_free(table_unlink(t, ref));
	return CKR_OK;
}

/* The item ref of a logged-in t, or NULL with *rv saying why. */
static emu_item *unlocked_item(se_token *t, se_ref ref, CK_RV *rv)
{
	emu_item *it = NULL;
	*rv = check_token(t);
	if (*rv == CKR_OK && (it = emu_item_lookup(t, ref)) == NULL)
		*rv = CKR_OBJECT_HANDLE_INVALID;
	return it;
}

CK_RV emu_item_length(se_token *t, se_ref ref, size_t *len)
{
	CK_RV rv;
	emu_item *it = unlocked_item(t, ref, &rv);
	if (it == NULL || len == NULL)
		return it == NULL ? rv : CKR_ARGUMENTS_BAD;
	*len = it->len;
	return CKR_OK;
}

CK_RV emu_item_restrict(se_token *t, se_ref ref, unsigned usage)
{
	CK_RV rv;
	emu_item *it = unlocked_item(t, ref, &rv);
	if (it == NULL)
		return rv;
	if ((usage & ~it->pol.usage) != 0)
		return CKR_ATTRIBUTE_READ_ONLY; /* usage only shrinks */
	if (usage == it->pol.usage)
		return CKR_OK;
	emu_item next = *it;
	next.pol.usage = usage;
	rv = reseal(t, &next);
	if (rv == CKR_OK)
		it->pol.usage = usage;
	return rv;
}

CK_RV emu_item_policy(se_token *t, se_ref ref, se_item_policy *out)
{
	CK_RV rv;
	emu_item *it = unlocked_item(t, ref, &rv);
	if (it == NULL || out == NULL)
		return it == NULL ? rv : CKR_ARGUMENTS_BAD;
	*out = it->pol;
	return CKR_OK;
}
