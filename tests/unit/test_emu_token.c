/*
 * test_emu_token.c - the emulator token's life: C_InitToken, logins, PIN
 * changes, retry counters (persisted, locking, unblocking), re-initialisation.
 */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "test_emu_token_support.h"

static CK_FLAGS flags_of(se_token *t)
{
	se_token_info info;
	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	return info.pin_flags;
}

static void test_lifecycle(void **state)
{
	emu_fixture *f = *state;
	se_token *t = NULL;
	assert_int_equal(emu_open(NULL, f->st, 3, &t), CKR_OK);

	se_token_info info;
	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	assert_false(info.initialized);
	assert_false(info.user_pin_set);
	assert_memory_equal(info.serial, "OBJ16-3         ", 16);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_USER_PIN_NOT_INITIALIZED);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_TOKEN_NOT_RECOGNIZED);

	char label[32];
	emu_test_label(label, "my device");
	assert_int_equal(emu_init_token(t, PIN("123"), label), CKR_PIN_LEN_RANGE);
	char long_pin[66];
	memset(long_pin, 'x', 65);
	long_pin[65] = 0;
	assert_int_equal(emu_init_token(t, PIN(long_pin), label), CKR_PIN_LEN_RANGE);
	long_pin[64] = 0; /* 64 is allowed */
	assert_int_equal(emu_init_token(t, PIN(long_pin), label), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(long_pin)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_init_token(t, PIN(long_pin), label), CKR_OK); /* re-init, new SO PIN below */
	emu_close(t);

	/* a fresh one, the normal way */
	t = NULL;
	assert_int_equal(emu_open(NULL, f->st, 4, &t), CKR_OK);
	assert_int_equal(emu_init_token(t, PIN(TEST_SO_PIN), label), CKR_OK);
	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	assert_true(info.initialized);
	assert_false(info.user_pin_set);
	assert_memory_equal(info.label, label, 32);
	assert_int_equal(info.pin_flags, 0);

	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_USER_PIN_NOT_INITIALIZED);
	assert_int_equal(emu_init_pin(t, PIN(TEST_USER_PIN)), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_login(t, CKU_SO, PIN("wrong-pin")), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_SO, PIN("ab")), CKR_PIN_LEN_RANGE);
	assert_int_equal(emu_login(t, 77, PIN(TEST_SO_PIN)), CKR_USER_TYPE_INVALID);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_USER_ALREADY_LOGGED_IN);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	assert_int_equal(emu_init_pin(t, PIN("12")), CKR_PIN_LEN_RANGE);
	assert_int_equal(emu_init_pin(t, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_USER_NOT_LOGGED_IN);

	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	assert_true(info.user_pin_set);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	/* user may not init a PIN */
	assert_int_equal(emu_init_pin(t, PIN("other-pin")), CKR_USER_NOT_LOGGED_IN);
	/* context-specific re-authentication checks the logged-in user's PIN */
	assert_int_equal(emu_login(t, CKU_CONTEXT_SPECIFIC, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_login(t, CKU_CONTEXT_SPECIFIC, PIN(TEST_SO_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_CONTEXT_SPECIFIC, PIN(TEST_USER_PIN)), CKR_USER_NOT_LOGGED_IN);

	/* the SO PIN does not open the user role and vice versa */
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_SO_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_USER_PIN)), CKR_PIN_INCORRECT);
	/* a success resets the counters */
	assert_int_not_equal(flags_of(t), 0);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(flags_of(t), 0);

	/* survives close and a store reopen */
	emu_close(t);
	emu_fixture_reopen(f);
	assert_int_equal(emu_open(NULL, f->st, 4, &t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	emu_close(t); /* closing while logged in is fine */
}

static void test_user_pin_counter_locks_and_so_unblocks(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 5, 1);
	/* a second view of the same token through a second store handle */
	store *st2 = NULL;
	assert_int_equal(store_open(f->path, &st2), CKR_OK);
	se_token *other = NULL;
	assert_int_equal(emu_open(NULL, st2, 5, &other), CKR_OK);

	for (int i = 1; i <= 10; i++) {
		assert_int_equal(emu_login(t, CKU_USER, PIN("not-the-pin")), CKR_PIN_INCORRECT);
		/* counted on disk, visible to another connection right away */
		CK_FLAGS fl = flags_of(other);
		if (i < 9)
			assert_int_equal(fl, CKF_USER_PIN_COUNT_LOW);
		else if (i == 9)
			assert_int_equal(fl, CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY);
		else
			assert_int_equal(fl, CKF_USER_PIN_LOCKED);
	}
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_PIN_LOCKED);
	assert_int_equal(emu_login(t, CKU_USER, PIN("not-the-pin")), CKR_PIN_LOCKED);
	assert_int_equal(emu_set_pin(t, CKU_USER, PIN(TEST_USER_PIN), PIN("new-user-pin")), CKR_PIN_LOCKED);

	/* a locked PIN stays locked across close/reopen */
	emu_close(t);
	emu_close(other);
	store_close(st2);
	emu_fixture_reopen(f);
	assert_int_equal(emu_open(NULL, f->st, 5, &t), CKR_OK);
	assert_int_equal(flags_of(t), CKF_USER_PIN_LOCKED);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_PIN_LOCKED);

	/* the SO is unaffected, and C_InitPIN unblocks */
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	assert_int_equal(emu_init_pin(t, PIN("fresh-user-pin")), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(flags_of(t), 0);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_USER, PIN("fresh-user-pin")), CKR_OK);
	assert_int_equal(flags_of(t), 0);
	emu_close(t);
}

static void test_counter_survives_reopen_midway(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 6, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(emu_login(t, CKU_USER, PIN("bad-guess")), CKR_PIN_INCORRECT);
	emu_close(t);
	emu_fixture_reopen(f);
	assert_int_equal(emu_open(NULL, f->st, 6, &t), CKR_OK);
	for (int i = 0; i < 5; i++)
		assert_int_equal(emu_login(t, CKU_USER, PIN("bad-guess")), CKR_PIN_INCORRECT);
	/* 9 so far, across two "processes": the final try */
	assert_true(flags_of(t) & CKF_USER_PIN_FINAL_TRY);
	assert_int_equal(emu_login(t, CKU_USER, PIN("bad-guess")), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_PIN_LOCKED);
	emu_close(t);
}

static void test_so_pin_locks(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 7, 1);
	char label[32];
	emu_test_label(label, "again");
	assert_int_equal(emu_login(t, CKU_SO, PIN("bad-so-pin")), CKR_PIN_INCORRECT);
	assert_int_equal(flags_of(t), CKF_SO_PIN_COUNT_LOW);
	/* a wrong SO PIN on re-initialisation counts too */
	for (int i = 2; i <= 10; i++)
		assert_int_equal(emu_init_token(t, PIN("bad-so-pin"), label), CKR_PIN_INCORRECT);
	assert_int_equal(flags_of(t), CKF_SO_PIN_LOCKED);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_PIN_LOCKED);
	assert_int_equal(emu_init_token(t, PIN(TEST_SO_PIN), label), CKR_PIN_LOCKED);
	/* the user is unaffected */
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	emu_close(t);
}

static void test_set_pin(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 8, 1);
	assert_int_equal(emu_set_pin(t, CKU_USER, PIN("wrong-old"), PIN("new-user")), CKR_PIN_INCORRECT);
	assert_int_equal(emu_set_pin(t, CKU_USER, PIN(TEST_USER_PIN), PIN("abc")), CKR_PIN_LEN_RANGE);
	assert_int_equal(emu_set_pin(t, 9, PIN(TEST_USER_PIN), PIN("new-user")), CKR_USER_TYPE_INVALID);
	assert_int_equal(emu_set_pin(t, CKU_USER, PIN(TEST_USER_PIN), PIN("new-user")), CKR_OK);
	assert_int_equal(flags_of(t), 0); /* the success reset the earlier failure */
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_USER, PIN("new-user")), CKR_OK);
	/* changing the PIN keeps the items: same token key */
	se_ref r = 0;
	static const uint8_t id[] = "urn:dev:1";
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, id, sizeof(id),
	                              SE_ITEM_PERSISTENT | SE_ITEM_READABLE, NULL, &r), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);

	assert_int_equal(emu_set_pin(t, CKU_SO, PIN(TEST_SO_PIN), PIN("new-so-pin")), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(emu_login(t, CKU_SO, PIN("new-so-pin")), CKR_OK);
	size_t len = 0;
	assert_int_equal(emu_item_length(t, r, &len), CKR_OK);
	assert_int_equal(len, sizeof(id));
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN("new-user")), CKR_OK);
	uint8_t buf[32];
	len = sizeof(buf);
	assert_int_equal(emu_item_read(t, r, buf, &len), CKR_OK);
	assert_memory_equal(buf, id, sizeof(id));
	emu_close(t);
}

typedef struct counter {
	int n;
} counter;

static CK_RV count_cb(void *ctx, uint64_t id, const uint8_t *data, size_t len)
{
	((counter *)ctx)->n++;
	return CKR_OK;
}

static void test_reinit_wipes(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 9, 1);
	se_token *neighbour = emu_test_token(f, 10, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_login(neighbour, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref a = 0, b = 0, n = 0;
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE, NULL, &a), CKR_OK);
	assert_int_equal(emu_item_generate(t, SE_ITEM_GENERIC_SECRET, 32, SE_ITEM_PERSISTENT, NULL, &b), CKR_OK);
	assert_int_equal(emu_item_generate(neighbour, SE_ITEM_AES_KEY, 32, SE_ITEM_PERSISTENT, NULL, &n), CKR_OK);
	static const uint8_t rec[] = { 1, 2, 3 };
	assert_int_equal(store_object_put(f->st, 9, 1000, rec, sizeof(rec)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	uint64_t g0, g1;
	assert_int_equal(store_generation(f->st, 9, &g0), CKR_OK);

	char label[32];
	emu_test_label(label, "second life");
	assert_int_equal(emu_init_token(t, PIN("wrong-so"), label), CKR_PIN_INCORRECT);
	counter c = { 0 };
	assert_int_equal(store_secret_foreach(f->st, 9, count_cb, &c), CKR_OK);
	assert_int_equal(c.n, 2); /* nothing lost to a wrong PIN */

	assert_int_equal(emu_init_token(t, PIN(TEST_SO_PIN), label), CKR_OK);
	c.n = 0;
	assert_int_equal(store_secret_foreach(f->st, 9, count_cb, &c), CKR_OK);
	assert_int_equal(store_object_foreach(f->st, 9, count_cb, &c), CKR_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_generation(f->st, 9, &g1), CKR_OK);
	assert_true(g1 != g0);
	se_token_info info;
	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	assert_true(info.initialized);
	assert_false(info.user_pin_set);
	assert_memory_equal(info.label, label, 32);
	/* old user PIN is gone with the old token key */
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_USER_PIN_NOT_INITIALIZED);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	size_t len;
	assert_int_equal(emu_item_length(t, a, &len), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(emu_item_length(t, b, &len), CKR_OBJECT_HANDLE_INVALID);

	/* the neighbour kept everything */
	assert_int_equal(emu_item_length(neighbour, n, &len), CKR_OK);
	c.n = 0;
	assert_int_equal(store_secret_foreach(f->st, 10, count_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	emu_close(t);
	emu_close(neighbour);
}

static void test_reinit_by_other_process_detected(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 11, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	/* another "process" re-initialises the same instance */
	store *st2 = NULL;
	assert_int_equal(store_open(f->path, &st2), CKR_OK);
	se_token *t2 = NULL;
	assert_int_equal(emu_open(NULL, st2, 11, &t2), CKR_OK);
	char label[32];
	emu_test_label(label, "taken over");
	assert_int_equal(emu_init_token(t2, PIN(TEST_SO_PIN), label), CKR_OK);
	/* a persistent write under the stale token key is refused, not written */
	se_ref r = 0;
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, SE_ITEM_PERSISTENT, NULL, &r), CKR_DEVICE_REMOVED);
	counter c = { 0 };
	assert_int_equal(store_secret_foreach(f->st, 11, count_cb, &c), CKR_OK);
	assert_int_equal(c.n, 0);
	emu_close(t2);
	store_close(st2);
	emu_close(t);
}

static void test_registry(void **state)
{
	assert_ptr_equal(se_backend_find("emulator"), &se_emulator_backend);
#ifdef HAVE_PCSC
	assert_non_null(se_backend_find("pcsc"));
	assert_string_equal(se_backend_find("pcsc")->name, "pcsc");
#else
	assert_null(se_backend_find("pcsc"));
#endif
	assert_null(se_backend_find("nope"));
	assert_null(se_backend_find(NULL));
	const se_backend *b = &se_emulator_backend;
	assert_string_equal(b->name, "emulator");
	assert_non_null(b->open);
	assert_non_null(b->close);
	assert_non_null(b->token_info);
	assert_non_null(b->init_token);
	assert_non_null(b->init_pin);
	assert_non_null(b->set_pin);
	assert_non_null(b->login);
	assert_non_null(b->logout);
	assert_non_null(b->item_put);
	assert_non_null(b->item_generate);
	assert_non_null(b->item_replace);
	assert_non_null(b->item_read);
	assert_non_null(b->item_delete);
	assert_non_null(b->item_length);
	assert_non_null(b->op_new);
	assert_non_null(b->op_free);
	assert_non_null(b->op_init);
	assert_non_null(b->op_update);
	assert_non_null(b->op_final);
	assert_non_null(b->op_verify_final);
	assert_non_null(b->op_output_bound);
	assert_non_null(b->op_abort);
	assert_non_null(b->random);
	uint8_t r1[32] = { 0 }, r2[32] = { 0 };
	assert_int_equal(b->random(NULL, r1, sizeof(r1)), CKR_OK);
	assert_int_equal(b->random(NULL, r2, sizeof(r2)), CKR_OK);
	assert_memory_not_equal(r1, r2, sizeof(r1));
	assert_int_equal(b->random(NULL, NULL, 4), CKR_ARGUMENTS_BAD);
}

/* The serial: 16 hex digits of the instance's random token id, stable across a
 * reopen, distinct between instances and between two lives of one instance. */
static void serial_of(se_token *t, char out[17])
{
	se_token_info info;
	assert_int_equal(emu_token_info(t, &info), CKR_OK);
	memcpy(out, info.serial, 16);
	out[16] = 0;
}

static void test_serial_unique_and_stable(void **state)
{
	emu_fixture *f = *state;
	se_token *a = emu_test_token(f, 7, 0), *b = emu_test_token(f, 8, 0);
	char sa[17], sb[17], again[17];
	serial_of(a, sa);
	serial_of(b, sb);
	assert_int_equal(strspn(sa, "0123456789abcdef"), 16);
	assert_string_not_equal(sa, sb);
	char want[17];
	for (int i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", a->inst.token_id[i]);
	assert_string_equal(sa, want);
	emu_close(a);
	emu_close(b);
	a = NULL;
	emu_fixture_reopen(f);
	assert_int_equal(emu_open(NULL, f->st, 7, &a), CKR_OK);
	serial_of(a, again);
	assert_string_equal(again, sa);
	/* a new life of the instance is a new token */
	char label[32];
	emu_test_label(label, "again");
	assert_int_equal(emu_init_token(a, PIN(TEST_SO_PIN), label), CKR_OK);
	serial_of(a, again);
	assert_string_not_equal(again, sa);
	emu_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_user_pin_counter_locks_and_so_unblocks, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_counter_survives_reopen_midway, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_so_pin_locks, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_set_pin, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reinit_wipes, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reinit_by_other_process_detected, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_serial_unique_and_stable, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
