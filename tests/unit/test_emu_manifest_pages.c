/*
 * test_emu_manifest_pages.c - the manifest in pages (format 2,
 * emu_manifest_page.c) keeps every property of the single record: someone
 * who can write the store (attacker (c) of docs/security.md) puts back an
 * older page with its rows, removes a page, swaps two pages, brings a page of
 * another instance, or puts back the root alone: each is refused like a
 * manifest that does not open. A format-1 record (one list, built here as the
 * code before pages wrote it) still works and is converted; and a refresh
 * after another process's creation opens one page, not all (test builds'
 * counters, never timing).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "test_emu_token_support.h"
#include "util/bytes.h"

static const se_item_policy auth_key = {.service = CK_PORTFOLIO_SRV_AUTHENT, .key_index = 0,
                                        .usage = SE_USE_SIGN | SE_USE_VERIFY};

typedef struct copy {
	uint8_t *rec;
	size_t len;
} copy;

static void root_of(CK_ULONG iid, char name[64]) { snprintf(name, 64, "emu.manifest.%lu", (unsigned long)iid); }

static void page_of(CK_ULONG iid, se_ref ref, char name[64])
{
	snprintf(name, 64, "emu.manifest.%lu.%llu", (unsigned long)iid,
	         (unsigned long long)(ref >> EMU_MANIFEST_PAGE_SHIFT));
}

static copy meta_keep(emu_fixture *f, const char *name)
{
	copy c = {0};
	assert_int_equal(store_meta_get(f->st, name, &c.rec, &c.len), CKR_OK);
	assert_non_null(c.rec);
	return c;
}

static void meta_put_back(emu_fixture *f, const char *name, copy *c)
{
	assert_int_equal(store_meta_put(f->st, name, c->rec, c->len), CKR_OK);
	store_free(c->rec, c->len);
	c->rec = NULL;
}

/* The next item lands on a page of its own: refs come from store_next_id. */
static void next_page(emu_fixture *f)
{
	for (unsigned i = 0; i < (1u << EMU_MANIFEST_PAGE_SHIFT); i++) {
		uint64_t id;
		assert_int_equal(store_next_id(f->st, &id), CKR_OK);
	}
}

static se_ref new_key(se_token *t, uint8_t seed)
{
	uint8_t v[16];
	memset(v, seed, sizeof v);
	se_ref r = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, v, 16, SE_ITEM_PERSISTENT, &auth_key, &r), CKR_OK);
	return r;
}

/* Instance iid, logged in as user, holding one key on each of `pages` pages. */
static se_token *token_with_pages(emu_fixture *f, CK_ULONG iid, size_t pages, se_ref *refs)
{
	se_token *t = emu_test_token(f, iid, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	for (size_t i = 0; i < pages; i++) {
		if (i > 0)
			next_page(f);
		refs[i] = new_key(t, (uint8_t)(iid * 16 + i));
	}
	return t;
}

static void relogin_refused(se_token *t)
{
	if (t->logged_in)
		assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_DEVICE_ERROR);
}

/* A key's page and row from before its usage was reduced, put back together:
 * each alone is authentic, but the root names the newer page. Refused at the
 * refresh of a process that stays logged in (its key keeps the reduced usage)
 * and at the next login. */
static void test_older_page_with_its_rows_refused(void **state)
{
	emu_fixture *f = *state;
	se_ref k[2];
	se_token *t = token_with_pages(f, 1, 2, k);
	se_token *watcher = NULL;
	assert_int_equal(emu_open(NULL, f->st, 1, &watcher), CKR_OK);
	assert_int_equal(emu_login(watcher, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	char name[64];
	page_of(1, k[0], name);
	copy page = meta_keep(f, name), row = {0};
	assert_int_equal(store_secret_get(f->st, 1, k[0], &row.rec, &row.len), CKR_OK);
	assert_int_equal(emu_item_restrict(t, k[0], SE_USE_VERIFY), CKR_OK);
	assert_int_equal(emu_items_refresh(watcher), CKR_OK);

	meta_put_back(f, name, &page);
	assert_int_equal(store_secret_put(f->st, 1, k[0], row.rec, row.len, NULL, NULL), CKR_OK);
	store_free(row.rec, row.len);
	assert_int_equal(emu_items_refresh(watcher), CKR_DEVICE_ERROR);
	se_item_policy pol;
	assert_int_equal(emu_item_policy(watcher, k[0], &pol), CKR_OK);
	assert_int_equal(pol.usage & SE_USE_SIGN, 0);
	relogin_refused(t);
	emu_close(watcher);
	emu_close(t);
}

/* What the attacker does to instance iid, which holds one key on each of two
 * pages (k), between a logout and the next login. */
typedef void (*attack_fn)(emu_fixture *f, CK_ULONG iid, se_token *t, const se_ref k[2]);

static void refused_after(void **state, CK_ULONG iid, attack_fn attack)
{
	emu_fixture *f = *state;
	se_ref k[2];
	se_token *t = token_with_pages(f, iid, 2, k);
	attack(f, iid, t, k);
	relogin_refused(t);
	emu_close(t);
}

/* A page the root lists, removed (with or without its rows). */
static void remove_page(emu_fixture *f, CK_ULONG iid, se_token *t, const se_ref k[2])
{
	(void)t;
	char name[64];
	page_of(iid, k[1], name);
	assert_int_equal(store_meta_delete(f->st, name), CKR_OK);
}

/* Two pages' records exchanged: each is genuine, at the wrong page number. */
static void swap_pages(emu_fixture *f, CK_ULONG iid, se_token *t, const se_ref k[2])
{
	(void)t;
	char a[64], b[64];
	page_of(iid, k[0], a);
	page_of(iid, k[1], b);
	copy pa = meta_keep(f, a), pb = meta_keep(f, b);
	meta_put_back(f, a, &pb);
	meta_put_back(f, b, &pa);
}

/* A page of another instance, of the same page number, brought in. */
static void bring_other_instance_page(emu_fixture *f, CK_ULONG iid, se_token *t, const se_ref k[2])
{
	(void)t;
	se_token *u = emu_test_token(f, iid + 100, 1);
	assert_int_equal(emu_login(u, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref theirs_ref = new_key(u, 0x42);
	assert_int_equal(k[1] >> EMU_MANIFEST_PAGE_SHIFT, theirs_ref >> EMU_MANIFEST_PAGE_SHIFT);
	char mine[64], theirs[64];
	page_of(iid, k[1], mine);
	page_of(iid + 100, theirs_ref, theirs);
	copy c = meta_keep(f, theirs);
	meta_put_back(f, mine, &c);
	emu_close(u);
}

/* An older root put back alone: it names page records no longer there. */
static void put_back_root_alone(emu_fixture *f, CK_ULONG iid, se_token *t, const se_ref k[2])
{
	(void)k;
	char name[64];
	root_of(iid, name);
	copy root = meta_keep(f, name);
	(void)new_key(t, 0x66);
	meta_put_back(f, name, &root);
}

static void test_page_removed_refused(void **state) { refused_after(state, 2, remove_page); }
static void test_pages_swapped_refused(void **state) { refused_after(state, 3, swap_pages); }
static void test_page_of_other_instance_refused(void **state)
{
	refused_after(state, 4, bring_other_instance_page);
}
static void test_root_put_back_alone_refused(void **state) { refused_after(state, 6, put_back_root_alone); }

/* ---- format 1 ------------------------------------------------------------------ */

typedef struct list {
	const se_token *t;
	pf_mac *mac;
	uint8_t *body;
	size_t n;
} list;

/* One (ref, tag) entry as format 1 listed it: tag = HMAC(K_manifest, iid || ref || row)[0..16). */
static CK_RV list_row(void *ctx, uint64_t ref, const uint8_t *row, size_t len)
{
	list *l = ctx;
	uint8_t head[16];
	pf_put_be64(head, (uint64_t)l->t->iid);
	pf_put_be64(head + 8, ref);
	l->body = realloc(l->body, (l->n + 1) * 24);
	assert_non_null(l->body);
	pf_put_be64(l->body + l->n * 24, ref);
	assert_int_equal(pf_mac_restart(l->mac), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(l->mac, head, 16), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(l->mac, row, len), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_final(l->mac, l->body + l->n * 24 + 8, 16), PF_CRYPTO_OK);
	l->n++;
	return CKR_OK;
}

/* The format-1 manifest of t's rows now, in place of its root (pages removed):
 * "PFMF" || 01 || iid || count as AAD, format || nonce || count || entries || tag. */
static void write_format_1(emu_fixture *f, se_token *t)
{
	list l = {.t = t, .mac = pf_mac_new(PF_MAC_HMAC_SHA256, EMU_MANIFEST_KEY_LEN)};
	assert_non_null(l.mac);
	assert_int_equal(pf_mac_set_key(l.mac, t->manifest_key, EMU_MANIFEST_KEY_LEN), PF_CRYPTO_OK);
	assert_int_equal(store_secret_foreach(f->st, t->iid, list_row, &l), CKR_OK);
	size_t len = 21 + l.n * 24 + 16;
	uint8_t *rec = calloc(1, len), aad[21];
	assert_non_null(rec);
	rec[0] = 1;
	assert_int_equal(pf_random(rec + 1, EMU_NONCE_LEN), PF_CRYPTO_OK);
	pf_put_be64(rec + 13, l.n);
	memcpy(aad, "PFMF", 4);
	aad[4] = 1;
	pf_put_be64(aad + 5, t->iid);
	pf_put_be64(aad + 13, l.n);
	assert_int_equal(emu_gcm_seal(t->token_key, rec + 1, aad, sizeof aad, l.body, l.n * 24, rec + 21,
	                              rec + 21 + l.n * 24), CKR_OK);
	char name[64];
	for (size_t i = 0; i < l.n; i++) {
		page_of(t->iid, pf_get_be64(l.body + i * 24), name);
		assert_int_equal(store_meta_delete(f->st, name), CKR_OK);
	}
	root_of(t->iid, name);
	assert_int_equal(store_meta_put(f->st, name, rec, len), CKR_OK);
	pf_mac_free(l.mac);
	free(l.body);
	free(rec);
}

static int root_format(emu_fixture *f, CK_ULONG iid)
{
	char name[64];
	root_of(iid, name);
	copy c = meta_keep(f, name);
	int format = c.rec[0];
	store_free(c.rec, c.len);
	return format;
}

/* A format-1 manifest: rows load and a stale row is refused through it; the
 * first write seals it again as pages; so does a login. */
static void test_format_1_read_and_converted(void **state)
{
	emu_fixture *f = *state;
	se_ref k[3];
	se_token *t = token_with_pages(f, 7, 3, k);
	copy old = {0};
	assert_int_equal(store_secret_get(f->st, 7, k[2], &old.rec, &old.len), CKR_OK);
	assert_int_equal(emu_item_restrict(t, k[2], SE_USE_VERIFY), CKR_OK);
	write_format_1(f, t);
	assert_int_equal(root_format(f, 7), 1);
	se_ref added = new_key(t, 0x77); /* the first write converts */
	assert_int_equal(root_format(f, 7), 2);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	write_format_1(f, t);
	assert_int_equal(store_secret_put(f->st, 7, k[2], old.rec, old.len, NULL, NULL), CKR_OK);
	store_free(old.rec, old.len);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK); /* so does a login */
	assert_int_equal(root_format(f, 7), 2);
	assert_non_null(emu_item_lookup(t, k[0]));
	assert_non_null(emu_item_lookup(t, k[1]));
	assert_non_null(emu_item_lookup(t, added));
	assert_null(emu_item_lookup(t, k[2])); /* the older row, refused through format 1 */
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_null(emu_item_lookup(t, k[2]));
	assert_non_null(emu_item_lookup(t, added));
	emu_close(t);
}

/* ---- cost ------------------------------------------------------------------------ */

#ifdef PORTFOLIO_TEST_HOOKS
/* Another process creates a key; our refresh opens the root and that key's
 * page, not the four others. */
static void test_refresh_opens_one_page(void **state)
{
	emu_fixture *f = *state;
	se_ref k[5];
	se_token *t = token_with_pages(f, 8, 5, k);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		store_forget_after_fork(f->st);
		store *st = NULL;
		se_token *c = emu_test_child_token(f, 8, &st);
		se_ref r = 0;
		if (c == NULL || emu_item_generate(c, SE_ITEM_AES_KEY, 16, SE_ITEM_PERSISTENT, NULL, &r) != CKR_OK)
			_exit(2);
		emu_close(c);
		store_close(st);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	emu_refresh_stats before, after;
	emu_refresh_stats_get(&before);
	size_t held = t->nitems;
	assert_int_equal(emu_items_refresh(t), CKR_OK);
	emu_refresh_stats_get(&after);
	assert_int_equal(t->nitems, held + 1);
	assert_int_equal(after.changed, before.changed + 1);
	assert_int_equal(after.full, before.full);
	assert_int_equal(after.pages, before.pages + 1);
	emu_close(t);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_older_page_with_its_rows_refused, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_page_removed_refused, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pages_swapped_refused, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_page_of_other_instance_refused, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_root_put_back_alone_refused, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_format_1_read_and_converted, emu_fixture_setup, emu_fixture_teardown),
#ifdef PORTFOLIO_TEST_HOOKS
		cmocka_unit_test_setup_teardown(test_refresh_opens_one_page, emu_fixture_setup, emu_fixture_teardown),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
