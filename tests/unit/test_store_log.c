/*
 * test_store_log.c - the store's change log (store_log.c): which rows of an
 * instance changed after a position, each once with its row as it is now;
 * another instance's rows never named; a log pruned past the position says
 * so (the reader must reload everything); following our own writes moves a
 * follower only over transactions whose secret rows it wrote itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

typedef struct fixture {
	char dir[64];
	char path[96];
	store *s;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/pf-storelog-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	assert_int_equal(store_open(f->path, &f->s), CKR_OK);
	static const uint8_t inst[] = {1};
	assert_int_equal(store_instance_put(f->s, 1, inst, 1), CKR_OK);
	assert_int_equal(store_instance_put(f->s, 2, inst, 1), CKR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	assert_int_equal(store_check(f->s), CKR_OK);
	store_close(f->s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

typedef struct seen {
	unsigned kind[16];
	uint64_t id[16];
	int present[16];
	uint8_t first[16];
	size_t n;
} seen;

static CK_RV note(void *ctx, unsigned kind, uint64_t id, const uint8_t *row, size_t len)
{
	seen *s = ctx;
	assert_true(s->n < 16);
	s->kind[s->n] = kind;
	s->id[s->n] = id;
	s->present[s->n] = row != NULL;
	s->first[s->n] = row != NULL && len > 0 ? row[0] : 0;
	s->n++;
	return CKR_OK;
}

static seen since(store *st, CK_ULONG iid, uint64_t *pos, unsigned kinds, int *complete)
{
	seen s = {.n = 0};
	assert_int_equal(store_changes_since(st, iid, kinds, STORE_ROW_OBJECT | STORE_ROW_SECRET, pos, complete,
	                                     note, &s),
	                 CKR_OK);
	return s;
}

static void test_changed_rows_once_each(void **state)
{
	fixture *f = *state;
	static const uint8_t r1[] = {0x11}, r2[] = {0x22}, r3[] = {0x33};
	uint64_t pos = 0;
	assert_int_equal(store_change_end(f->s, &pos), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 10, r1, 1), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 10, r2, 1), CKR_OK); /* written twice: named once */
	assert_int_equal(store_secret_put(f->s, 1, 20, r3, 1, NULL, NULL), CKR_OK);
	assert_int_equal(store_object_put(f->s, 2, 30, r1, 1), CKR_OK); /* another instance */
	assert_int_equal(store_object_put(f->s, 1, 11, r1, 1), CKR_OK);
	assert_int_equal(store_object_delete(f->s, 1, 11), CKR_OK);
	int complete = 0;
	uint64_t p = pos;
	seen s = since(f->s, 1, &p, STORE_ROW_OBJECT | STORE_ROW_SECRET, &complete);
	assert_true(complete);
	assert_int_equal(s.n, 3);
	assert_true(s.kind[0] == STORE_ROW_OBJECT && s.id[0] == 10 && s.present[0] && s.first[0] == 0x22);
	assert_true(s.kind[1] == STORE_ROW_SECRET && s.id[1] == 20 && s.present[1] && s.first[1] == 0x33);
	assert_true(s.kind[2] == STORE_ROW_OBJECT && s.id[2] == 11 && !s.present[2]);
	/* only one kind */
	uint64_t q = pos;
	s = since(f->s, 1, &q, STORE_ROW_SECRET, &complete);
	assert_true(complete && s.n == 1 && s.id[0] == 20);
	/* nothing after the position reached */
	s = since(f->s, 1, &p, STORE_ROW_OBJECT | STORE_ROW_SECRET, &complete);
	assert_true(complete && s.n == 0);
	uint64_t end = 0;
	assert_int_equal(store_change_end(f->s, &end), CKR_OK);
	assert_true(end > pos && p <= end);
}

/* More than the kept window in one transaction: the floor passes an old
 * position, and the reader is told to reload everything. */
static void test_pruned_log_is_incomplete(void **state)
{
	fixture *f = *state;
	static const uint8_t r[] = {1};
	uint64_t old = 0;
	assert_int_equal(store_object_put(f->s, 1, 1, r, 1), CKR_OK);
	assert_int_equal(store_change_end(f->s, &old), CKR_OK);
	assert_int_equal(store_begin(f->s), CKR_OK);
	for (uint64_t i = 0; i < 70000; i++)
		assert_int_equal(store_object_put(f->s, 2, 1000 + i % 8, r, 1), CKR_OK);
	assert_int_equal(store_commit(f->s), CKR_OK);
	int complete = 1;
	uint64_t p = old;
	seen s = since(f->s, 1, &p, STORE_ROW_OBJECT, &complete);
	assert_false(complete);
	assert_int_equal(s.n, 0);
	assert_int_equal(p, old);
	/* a position inside the window is still complete */
	assert_int_equal(store_change_end(f->s, &p), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 1, r, 1), CKR_OK);
	s = since(f->s, 1, &p, STORE_ROW_OBJECT, &complete);
	assert_true(complete && s.n == 1);
}

/* A follower moves over transactions whose secret rows it wrote, and over
 * object-only ones; not over another writer's secret row, nor over a
 * transaction that began after someone else's entries. */
static void test_following_own_writes(void **state)
{
	fixture *f = *state;
	static const uint8_t r[] = {7};
	const uint64_t me = 0x1234, other = 0x5678;
	uint64_t end = 0, now = 0;
	assert_int_equal(store_change_end(f->s, &end), CKR_OK);
	store_log_follow(f->s, 1, me, end);
	store_log_writer(f->s, me);
	assert_int_equal(store_secret_put(f->s, 1, 5, r, 1, NULL, NULL), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 6, r, 1), CKR_OK);
	assert_int_equal(store_change_end(f->s, &now), CKR_OK);
	assert_int_equal(store_log_followed(f->s, 1, me), now);
	assert_int_equal(store_log_followed(f->s, 1, other), 0);
	store_log_writer(f->s, other);
	assert_int_equal(store_secret_put(f->s, 1, 7, r, 1, NULL, NULL), CKR_OK);
	assert_int_equal(store_log_followed(f->s, 1, me), now); /* stays */
	assert_int_equal(store_secret_put(f->s, 1, 8, r, 1, NULL, NULL), CKR_OK); /* no writer named */
	assert_int_equal(store_log_followed(f->s, 1, me), now);
	/* a second handle (another process's writes) breaks the chain for good */
	assert_int_equal(store_change_end(f->s, &now), CKR_OK);
	store_log_follow(f->s, 1, me, now);
	store *peer = NULL;
	assert_int_equal(store_open(f->path, &peer), CKR_OK);
	assert_int_equal(store_object_put(peer, 1, 9, r, 1), CKR_OK);
	store_close(peer);
	store_log_writer(f->s, me);
	assert_int_equal(store_secret_put(f->s, 1, 10, r, 1, NULL, NULL), CKR_OK);
	assert_int_equal(store_log_followed(f->s, 1, me), now);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changed_rows_once_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pruned_log_is_incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_following_own_writes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
