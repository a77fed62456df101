/*
 * test_emu_manifest.c - per-row rollback by someone who can write the store
 * (attacker (c) of docs/security.md): each sealed row alone is authentic, so
 * before the sealed manifest an older copy of a row, or a destroyed item's row
 * put back, was loaded again. Each attack test below failed on the code
 * before emu_manifest.c; the multi-process and crash tests show that honest
 * writers never trip the manifest.
 */
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

#include "test_emu_token_support.h"
#include "util/secure.h"

static const uint8_t key_a[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t key_b[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const se_item_policy auth_key = {.service = CK_PORTFOLIO_SRV_AUTHENT, .key_index = 0,
                                        .usage = SE_USE_SIGN | SE_USE_VERIFY};

typedef struct copy {
	uint8_t *row;
	size_t len;
} copy;

static se_token *logged_in(emu_fixture *f, CK_ULONG iid, CK_USER_TYPE who)
{
	se_token *t = NULL;
	assert_int_equal(emu_open(NULL, f->st, iid, &t), CKR_OK);
	const char *pin = who == CKU_SO ? TEST_SO_PIN : TEST_USER_PIN;
	assert_int_equal(emu_login(t, who, PIN(pin)), CKR_OK);
	return t;
}

/* What the attacker keeps of a row while it is still the old version. */
static copy keep(emu_fixture *f, CK_ULONG iid, se_ref ref)
{
	copy c = {0};
	assert_int_equal(store_secret_get(f->st, iid, ref, &c.row, &c.len), CKR_OK);
	assert_non_null(c.row);
	return c;
}

static void put_back(emu_fixture *f, CK_ULONG iid, se_ref ref, copy *c)
{
	assert_int_equal(store_secret_put(f->st, iid, ref, c->row, c->len, NULL, NULL), CKR_OK);
	store_free(c->row, c->len);
	c->row = NULL;
}

/* A key's row from before its usage was reduced: refused, the rest stays. */
static void test_restricted_key_row_replayed(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref k = 0, other = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, key_a, 16, SE_ITEM_PERSISTENT, &auth_key, &k), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, key_b, 16, SE_ITEM_PERSISTENT, NULL, &other), CKR_OK);
	copy old = keep(f, 1, k);
	assert_int_equal(emu_item_restrict(t, k, SE_USE_VERIFY), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);

	put_back(f, 1, k, &old);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_item_policy pol;
	if (emu_item_policy(t, k, &pol) == CKR_OK) /* the old code: SIGN is back */
		assert_int_equal(pol.usage & SE_USE_SIGN, 0);
	assert_null(emu_item_lookup(t, k));
	assert_non_null(emu_item_lookup(t, other));
	emu_close(t);
}

/* An Identity's older value, and a destroyed Identity's hash put back. */
static void test_identity_rows_replayed(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 2, 1);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	const se_item_policy id3 = {.service = SE_SERVICE_NONE, .identity_id = 3};
	uint8_t hash[32];
	memset(hash, 0x33, sizeof hash);
	se_ref value = 0, h = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, (const uint8_t *)"urn:imei:1", 10,
	                              SE_ITEM_PERSISTENT | SE_ITEM_READABLE, &id3, &value), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, hash, 32, SE_ITEM_PERSISTENT, &id3, &h), CKR_OK);
	copy old_value = keep(f, 2, value), old_hash = keep(f, 2, h);
	assert_int_equal(emu_item_replace(t, value, (const uint8_t *)"urn:imei:2", 10), CKR_OK);
	assert_int_equal(emu_item_delete(t, h), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);

	put_back(f, 2, value, &old_value);
	put_back(f, 2, h, &old_hash);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	assert_null(emu_item_lookup(t, h));
	uint8_t got[16];
	size_t n = sizeof got;
	if (emu_item_read(t, value, got, &n) == CKR_OK) /* the old code: "urn:imei:1" */
		assert_memory_equal(got, "urn:imei:2", 10);
	assert_null(emu_item_lookup(t, value));
	emu_close(t);
}

/* A destroyed key's row put back: refused at the next login, and at the
 * refresh of a process that stays logged in. */
static void test_destroyed_key_put_back(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 3, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_token *watcher = logged_in(f, 3, CKU_USER);
	se_ref k = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, key_a, 16, SE_ITEM_PERSISTENT, &auth_key, &k), CKR_OK);
	copy old = keep(f, 3, k);
	assert_int_equal(emu_item_delete(t, k), CKR_OK);
	assert_int_equal(emu_items_refresh(watcher), CKR_OK);
	assert_null(emu_item_lookup(watcher, k));

	put_back(f, 3, k, &old);
	assert_int_equal(emu_items_refresh(watcher), CKR_OK);
	assert_null(emu_item_lookup(watcher, k));
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_null(emu_item_lookup(t, k));
	emu_close(watcher);
	emu_close(t);
}

/* A manifest that does not open refuses the login (fail closed): nothing
 * tells which rows are live. The SO's re-initialisation still works. */
static void test_tampered_manifest_refuses_login(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 4, 1);
	uint8_t *rec = NULL;
	size_t len = 0;
	assert_int_equal(store_meta_get(f->st, "emu.manifest.4", &rec, &len), CKR_OK);
	assert_non_null(rec);
	rec[len - 1] ^= 1;
	assert_int_equal(store_meta_put(f->st, "emu.manifest.4", rec, len), CKR_OK);
	store_free(rec, len);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_DEVICE_ERROR);
	char label[32];
	emu_test_label(label, "again");
	assert_int_equal(emu_init_token(t, PIN(TEST_SO_PIN), label), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	emu_close(t);
}

/* ---- honest writers never trip it -------------------------------------------- */

/* Every row of the store loads: the manifest lists exactly them. */
static void all_rows_load(emu_fixture *f, se_token *t, CK_ULONG iid, size_t expect)
{
	size_t rows = 0;
	for (se_ref ref = 1; ref < 4096; ref++) {
		uint8_t *row = NULL;
		size_t len = 0;
		assert_int_equal(store_secret_get(f->st, iid, ref, &row, &len), CKR_OK);
		if (row != NULL) {
			assert_non_null(emu_item_lookup(t, ref));
			rows++;
		}
		store_free(row, len);
	}
	assert_int_equal(rows, expect);
}

#define WRITERS 2
#define ROUNDS 30

/* A child: its own store handle and token; adds keys and deletes every other one. */
static void writer(emu_fixture *f, CK_ULONG iid)
{
	store *st = NULL;
	se_token *t = emu_test_child_token(f, iid, &st);
	if (t == NULL)
		_exit(3);
	for (int i = 0; i < ROUNDS; i++) {
		se_ref r = 0;
		if (emu_item_generate(t, SE_ITEM_AES_KEY, 16, SE_ITEM_PERSISTENT, NULL, &r) != CKR_OK)
			_exit(4);
		if (i % 2 == 1 && emu_item_delete(t, r) != CKR_OK)
			_exit(5);
		if (emu_items_refresh(t) != CKR_OK) /* sees the other writer's rows */
			_exit(6);
	}
	emu_close(t);
	store_close(st);
	_exit(0);
}

static void test_concurrent_writers_never_trip(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 5, 1);
	pid_t pid[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			store_forget_after_fork(f->st);
			writer(f, 5);
		}
	}
	for (int i = 0; i < WRITERS; i++) {
		int status = 0;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	all_rows_load(f, t, 5, WRITERS * ROUNDS / 2);
	emu_close(t);
}

/* A process that dies inside its write transaction (row written, manifest
 * written, no commit): both are rolled back together; nothing trips. */
static void test_crash_mid_write_never_trips(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 6, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref kept = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, key_a, 16, SE_ITEM_PERSISTENT, NULL, &kept), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		store_forget_after_fork(f->st);
		store *st = NULL;
		se_token *c = emu_test_child_token(f, 6, &st);
		se_ref r = 0;
		if (c == NULL || store_begin(st) != CKR_OK ||
		    emu_item_put(c, SE_ITEM_AES_KEY, key_b, 16, SE_ITEM_PERSISTENT, NULL, &r) != CKR_OK ||
		    emu_item_delete(c, kept) != CKR_OK)
			_exit(2);
		_exit(0); /* dies holding the transaction: no commit */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_non_null(emu_item_lookup(t, kept));
	all_rows_load(f, t, 6, 1);
	emu_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_restricted_key_row_replayed, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_identity_rows_replayed, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_destroyed_key_put_back, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tampered_manifest_refuses_login, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers_never_trip, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_crash_mid_write_never_trips, emu_fixture_setup, emu_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
