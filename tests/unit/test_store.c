/*
 * test_store.c - src/store: round trips, replacement, cascade on instance
 * delete, store-wide fingerprint uniqueness, transactions, two handles on one
 * file, threads, fork, file mode, the shared change counters, the change log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	strcpy(f->dir, "/tmp/pf-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	assert_int_equal(store_open(f->path, &f->s), CKR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->s != NULL) {
		assert_int_equal(store_check(f->s), CKR_OK);
		store_close(f->s);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static const uint8_t blob_a[] = { 1, 2, 3, 4, 5 };
static const uint8_t blob_b[] = { 9, 8, 7 };

static void put_instance(store *s, CK_ULONG iid)
{
	assert_int_equal(store_instance_put(s, iid, blob_a, sizeof(blob_a)), CKR_OK);
}

static void test_file_mode_and_schema(void **state)
{
	fixture *f = *state;
	/* A second file created under a hostile umask is still 0600. */
	char path2[128];
	snprintf(path2, sizeof(path2), "%s/umask.db", f->dir);
	mode_t old = umask(0277);
	store *s2 = NULL;
	assert_int_equal(store_open(path2, &s2), CKR_OK);
	umask(old);
	struct stat sb;
	assert_int_equal(stat(path2, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	uint8_t *v = NULL;
	size_t len = 0;
	assert_int_equal(store_meta_get(s2, "schema_version", &v, &len), CKR_OK);
	assert_non_null(v);
	assert_int_equal(len, 1);
	assert_memory_equal(v, "1", 1);
	store_free(v, len);
	assert_int_equal(store_check(s2), CKR_OK);
	store_close(s2);
}

static void test_instance_round_trip(void **state)
{
	fixture *f = *state;
	uint8_t *b = (uint8_t *)1;
	size_t len = 99;
	assert_int_equal(store_instance_get(f->s, 7, &b, &len), CKR_OK);
	assert_null(b);
	assert_int_equal(len, 0);

	put_instance(f->s, 7);
	assert_int_equal(store_instance_get(f->s, 7, &b, &len), CKR_OK);
	assert_int_equal(len, sizeof(blob_a));
	assert_memory_equal(b, blob_a, len);
	store_free(b, len);

	assert_int_equal(store_instance_put(f->s, 7, blob_b, sizeof(blob_b)), CKR_OK);
	assert_int_equal(store_instance_get(f->s, 7, &b, &len), CKR_OK);
	assert_int_equal(len, sizeof(blob_b));
	assert_memory_equal(b, blob_b, len);
	store_free(b, len);

	put_instance(f->s, 3);
	put_instance(f->s, 12);
	CK_ULONG *iids = NULL;
	size_t n = 0;
	assert_int_equal(store_instance_list(f->s, &iids, &n), CKR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(iids[0], 3);
	assert_int_equal(iids[1], 7);
	assert_int_equal(iids[2], 12);
	free(iids);
}

typedef struct collected {
	size_t n;
	uint64_t ids[16];
	size_t lens[16];
	uint8_t first[16];
} collected;

static CK_RV collect_cb(void *ctx, uint64_t id, const uint8_t *data, size_t len)
{
	collected *c = ctx;
	if (c->n >= 16)
		return CKR_GENERAL_ERROR;
	c->ids[c->n] = id;
	c->lens[c->n] = len;
	c->first[c->n] = len ? data[0] : 0;
	c->n++;
	return CKR_OK;
}

static void test_objects(void **state)
{
	fixture *f = *state;
	/* No instance row: refused (foreign key). */
	assert_int_not_equal(store_object_put(f->s, 5, 1, blob_a, sizeof(blob_a)), CKR_OK);

	put_instance(f->s, 5);
	uint64_t g0, g1, g2, g3;
	assert_int_equal(store_generation(f->s, 5, &g0), CKR_OK);
	assert_int_equal(store_object_put(f->s, 5, 10, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_generation(f->s, 5, &g1), CKR_OK);
	assert_true(g1 != g0);
	assert_int_equal(store_object_put(f->s, 5, 11, blob_b, sizeof(blob_b)), CKR_OK);
	/* replace */
	assert_int_equal(store_object_put(f->s, 5, 10, blob_b, sizeof(blob_b)), CKR_OK);

	collected c = { 0 };
	assert_int_equal(store_object_foreach(f->s, 5, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ids[0], 10);
	assert_int_equal(c.lens[0], sizeof(blob_b));
	assert_int_equal(c.first[0], 9);
	assert_int_equal(c.ids[1], 11);

	assert_int_equal(store_generation(f->s, 5, &g2), CKR_OK);
	assert_int_equal(store_object_delete(f->s, 5, 10), CKR_OK);
	assert_int_equal(store_generation(f->s, 5, &g3), CKR_OK);
	assert_true(g3 != g2);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_object_foreach(f->s, 5, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 11);

	/* Another instance's generation did not move. */
	uint64_t other;
	assert_int_equal(store_generation(f->s, 6, &other), CKR_OK);
	assert_int_equal(other, 0);
}

static CK_RV failing_cb(void *ctx, uint64_t id, const uint8_t *data, size_t len)
{
	(*(int *)ctx)++;
	return CKR_FUNCTION_FAILED;
}

static void test_foreach_stops_on_error(void **state)
{
	fixture *f = *state;
	put_instance(f->s, 1);
	assert_int_equal(store_object_put(f->s, 1, 1, blob_a, 1), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 2, blob_a, 1), CKR_OK);
	int calls = 0;
	assert_int_equal(store_object_foreach(f->s, 1, failing_cb, &calls), CKR_FUNCTION_FAILED);
	assert_int_equal(calls, 1);
}

static void test_secrets_and_cascade(void **state)
{
	fixture *f = *state;
	put_instance(f->s, 1);
	put_instance(f->s, 2);
	assert_int_equal(store_secret_put(f->s, 1, 100, blob_a, sizeof(blob_a), NULL, NULL), CKR_OK);
	assert_int_equal(store_secret_put(f->s, 1, 101, blob_b, sizeof(blob_b), NULL, NULL), CKR_OK);
	assert_int_equal(store_secret_put(f->s, 2, 200, blob_b, sizeof(blob_b), NULL, NULL), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 300, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_object_put(f->s, 2, 301, blob_a, sizeof(blob_a)), CKR_OK);

	uint8_t *b = NULL;
	size_t len = 0;
	assert_int_equal(store_secret_get(f->s, 1, 101, &b, &len), CKR_OK);
	assert_int_equal(len, sizeof(blob_b));
	assert_memory_equal(b, blob_b, len);
	store_free(b, len);
	/* (iid, ref) is the key: ref 200 under instance 1 does not exist */
	assert_int_equal(store_secret_get(f->s, 1, 200, &b, &len), CKR_OK);
	assert_null(b);

	/* replace */
	assert_int_equal(store_secret_put(f->s, 1, 101, blob_a, sizeof(blob_a), NULL, NULL), CKR_OK);
	assert_int_equal(store_secret_get(f->s, 1, 101, &b, &len), CKR_OK);
	assert_memory_equal(b, blob_a, sizeof(blob_a));
	store_free(b, len);

	assert_int_equal(store_secret_delete(f->s, 1, 100), CKR_OK);
	collected c = { 0 };
	assert_int_equal(store_secret_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 101);

	uint64_t g_before, g_after;
	assert_int_equal(store_generation(f->s, 1, &g_before), CKR_OK);
	assert_int_equal(store_instance_delete(f->s, 1), CKR_OK);
	assert_int_equal(store_generation(f->s, 1, &g_after), CKR_OK);
	assert_true(g_after != g_before);

	assert_int_equal(store_instance_get(f->s, 1, &b, &len), CKR_OK);
	assert_null(b);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_secret_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(store_object_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 0);
	/* instance 2 untouched */
	assert_int_equal(store_secret_foreach(f->s, 2, collect_cb, &c), CKR_OK);
	assert_int_equal(store_object_foreach(f->s, 2, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 2);

	/* Re-created instance: generation keeps moving forward, never back to 0. */
	put_instance(f->s, 1);
	uint64_t g_new;
	assert_int_equal(store_generation(f->s, 1, &g_new), CKR_OK);
	assert_true(g_new >= g_after);
	assert_true(g_new != 0);
}

static void test_fingerprint_unique(void **state)
{
	fixture *f = *state;
	uint8_t fp1[STORE_FINGERPRINT_LEN], fp2[STORE_FINGERPRINT_LEN];
	memset(fp1, 0x11, sizeof(fp1));
	memset(fp2, 0x22, sizeof(fp2));
	put_instance(f->s, 4);
	put_instance(f->s, 9);

	assert_int_equal(store_secret_put(f->s, 4, 1, blob_a, sizeof(blob_a), fp1, NULL), CKR_OK);
	/* many rows without a fingerprint are fine */
	assert_int_equal(store_secret_put(f->s, 4, 2, blob_a, sizeof(blob_a), NULL, NULL), CKR_OK);
	assert_int_equal(store_secret_put(f->s, 9, 3, blob_a, sizeof(blob_a), NULL, NULL), CKR_OK);

	CK_ULONG owner = 0;
	assert_int_equal(store_secret_put(f->s, 9, 4, blob_a, sizeof(blob_a), fp1, &owner),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(owner, 4);
	/* same instance, other ref: also refused (this token included) */
	owner = 0;
	assert_int_equal(store_secret_put(f->s, 4, 5, blob_a, sizeof(blob_a), fp1, &owner),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(owner, 4);
	/* rewriting the holder's own row with its own fingerprint is fine */
	assert_int_equal(store_secret_put(f->s, 4, 1, blob_b, sizeof(blob_b), fp1, NULL), CKR_OK);
	/* the refused rows were not written */
	uint8_t *b = NULL;
	size_t len = 0;
	assert_int_equal(store_secret_get(f->s, 9, 4, &b, &len), CKR_OK);
	assert_null(b);
	/* the holder's row survived (REPLACE semantics would have deleted it) */
	assert_int_equal(store_secret_get(f->s, 4, 1, &b, &len), CKR_OK);
	assert_non_null(b);
	store_free(b, len);

	int found = 0;
	owner = 0;
	assert_int_equal(store_fingerprint_owner(f->s, fp1, &found, &owner), CKR_OK);
	assert_true(found);
	assert_int_equal(owner, 4);
	assert_int_equal(store_fingerprint_owner(f->s, fp2, &found, &owner), CKR_OK);
	assert_false(found);

	/* freed by delete */
	assert_int_equal(store_secret_delete(f->s, 4, 1), CKR_OK);
	assert_int_equal(store_secret_put(f->s, 9, 4, blob_a, sizeof(blob_a), fp1, &owner), CKR_OK);
	assert_int_equal(store_fingerprint_owner(f->s, fp1, &found, &owner), CKR_OK);
	assert_true(found);
	assert_int_equal(owner, 9);
}

static void test_transactions(void **state)
{
	fixture *f = *state;
	put_instance(f->s, 1);
	assert_int_equal(store_object_put(f->s, 1, 1, blob_a, sizeof(blob_a)), CKR_OK);
	uint64_t g0, g1;
	assert_int_equal(store_generation(f->s, 1, &g0), CKR_OK);

	/* rollback of the outer level: nothing of it remains */
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 1, blob_b, sizeof(blob_b)), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 2, blob_b, sizeof(blob_b)), CKR_OK);
	assert_int_equal(store_instance_put(f->s, 1, blob_b, sizeof(blob_b)), CKR_OK);
	store_rollback(f->s);

	collected c = { 0 };
	assert_int_equal(store_object_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.first[0], blob_a[0]);
	uint8_t *b = NULL;
	size_t len = 0;
	assert_int_equal(store_instance_get(f->s, 1, &b, &len), CKR_OK);
	assert_memory_equal(b, blob_a, sizeof(blob_a));
	store_free(b, len);
	assert_int_equal(store_generation(f->s, 1, &g1), CKR_OK);
	assert_int_equal(g1, g0);

	/* nested: the inner rollback undoes only the inner part */
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 3, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 4, blob_a, sizeof(blob_a)), CKR_OK);
	store_rollback(f->s);
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 1, 5, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_commit(f->s), CKR_OK);
	assert_int_equal(store_commit(f->s), CKR_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_object_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ids[0], 1);
	assert_int_equal(c.ids[1], 3);
	assert_int_equal(c.ids[2], 5);

	/* unbalanced commit is an error, not a crash */
	assert_int_not_equal(store_commit(f->s), CKR_OK);
	store_rollback(f->s);
}

static void test_next_id(void **state)
{
	fixture *f = *state;
	uint64_t a, b;
	assert_int_equal(store_next_id(f->s, &a), CKR_OK);
	assert_true(a >= 1);
	assert_int_equal(store_next_id(f->s, &b), CKR_OK);
	assert_true(b > a);
	/* survives reopen */
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s), CKR_OK);
	uint64_t c;
	assert_int_equal(store_next_id(f->s, &c), CKR_OK);
	assert_true(c > b);
}

static void test_two_handles(void **state)
{
	fixture *f = *state;
	store *s2 = NULL;
	assert_int_equal(store_open(f->path, &s2), CKR_OK);
	put_instance(f->s, 8);
	uint64_t g0, g1;
	assert_int_equal(store_generation(s2, 8, &g0), CKR_OK);
	assert_int_equal(store_object_put(f->s, 8, 1, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_generation(s2, 8, &g1), CKR_OK);
	assert_true(g1 != g0);

	collected c = { 0 };
	assert_int_equal(store_object_foreach(s2, 8, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);

	/* the other direction, and ids never repeat between handles */
	assert_int_equal(store_secret_put(s2, 8, 77, blob_b, sizeof(blob_b), NULL, NULL), CKR_OK);
	uint8_t *b = NULL;
	size_t len = 0;
	assert_int_equal(store_secret_get(f->s, 8, 77, &b, &len), CKR_OK);
	assert_non_null(b);
	store_free(b, len);
	uint64_t x, y;
	assert_int_equal(store_next_id(f->s, &x), CKR_OK);
	assert_int_equal(store_next_id(s2, &y), CKR_OK);
	assert_true(y > x);

	/* a transaction held open on one handle: the other's write waits, then lands */
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 8, 2, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_commit(f->s), CKR_OK);
	assert_int_equal(store_object_put(s2, 8, 3, blob_a, sizeof(blob_a)), CKR_OK);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_object_foreach(f->s, 8, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 3);
	store_close(s2);
}

#define HAMMER_ROUNDS 150

typedef struct hammer {
	store *s;
	CK_ULONG iid;
	uint64_t ids[HAMMER_ROUNDS];
	CK_RV rv;
} hammer;

static void *hammer_thread(void *arg)
{
	hammer *h = arg;
	h->rv = CKR_OK;
	for (int i = 0; i < HAMMER_ROUNDS && h->rv == CKR_OK; i++) {
		if ((h->rv = store_next_id(h->s, &h->ids[i])) != CKR_OK)
			break;
		if (i % 3 == 0) {
			if ((h->rv = store_begin(h->s)) != CKR_OK)
				break;
			h->rv = store_object_put(h->s, h->iid, h->ids[i], blob_a, sizeof(blob_a));
			if (h->rv == CKR_OK)
				h->rv = store_secret_put(h->s, h->iid, h->ids[i], blob_b, sizeof(blob_b), NULL, NULL);
			if (h->rv == CKR_OK)
				h->rv = store_commit(h->s);
			else
				store_rollback(h->s);
		} else {
			uint64_t g;
			h->rv = store_generation(h->s, h->iid, &g);
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_threads_hammer(void **state)
{
	fixture *f = *state;
	put_instance(f->s, 1);
	put_instance(f->s, 2);
	store *s2 = NULL;
	assert_int_equal(store_open(f->path, &s2), CKR_OK);
	/* two threads on one handle, one on a second handle (another connection) */
	static hammer h[3];
	h[0] = (hammer){ .s = f->s, .iid = 1 };
	h[1] = (hammer){ .s = f->s, .iid = 2 };
	h[2] = (hammer){ .s = s2, .iid = 2 };
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer_thread, &h[i]), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	static uint64_t all[3 * HAMMER_ROUNDS];
	for (int i = 0; i < 3; i++) {
		assert_int_equal(h[i].rv, CKR_OK);
		memcpy(all + i * HAMMER_ROUNDS, h[i].ids, sizeof(h[i].ids));
	}
	qsort(all, 3 * HAMMER_ROUNDS, sizeof(all[0]), cmp_u64);
	for (int i = 1; i < 3 * HAMMER_ROUNDS; i++)
		assert_true(all[i] > all[i - 1]); /* unique */
	size_t expected = 0;
	for (int i = 0; i < HAMMER_ROUNDS; i += 3)
		expected++;
	/* count instance 2 rows: two writers of HAMMER_ROUNDS/3 each */
	size_t n2 = 0;
	for (int k = 1; k < 3; k++)
		for (int i = 0; i < HAMMER_ROUNDS; i += 3) {
			uint8_t *b = NULL;
			size_t len = 0;
			assert_int_equal(store_secret_get(f->s, 2, h[k].ids[i], &b, &len), CKR_OK);
			assert_non_null(b);
			store_free(b, len);
			n2++;
		}
	assert_int_equal(n2, 2 * expected);
	assert_int_equal(store_check(s2), CKR_OK);
	store_close(s2);
}

static void test_fork_child(void **state)
{
	fixture *f = *state;
	put_instance(f->s, 1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		store_forget_after_fork(f->s);
		store *c = NULL;
		int ok = store_open(f->path, &c) == CKR_OK &&
		         store_object_put(c, 1, 42, blob_b, sizeof(blob_b)) == CKR_OK;
		store_close(c);
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent's handle still works and sees the child's commit */
	collected c = { 0 };
	assert_int_equal(store_object_foreach(f->s, 1, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], 42);
	assert_int_equal(store_object_put(f->s, 1, 43, blob_a, sizeof(blob_a)), CKR_OK);
}

static void test_meta_and_args(void **state)
{
	fixture *f = *state;
	uint8_t *v = (uint8_t *)1;
	size_t len = 5;
	assert_int_equal(store_meta_get(f->s, "absent", &v, &len), CKR_OK);
	assert_null(v);
	assert_int_equal(len, 0);
	assert_int_equal(store_meta_put(f->s, "k", blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_meta_put(f->s, "k", blob_b, sizeof(blob_b)), CKR_OK);
	assert_int_equal(store_meta_get(f->s, "k", &v, &len), CKR_OK);
	assert_int_equal(len, sizeof(blob_b));
	assert_memory_equal(v, blob_b, len);
	store_free(v, len);
	/* empty values are values, not absence */
	put_instance(f->s, 2);
	assert_int_equal(store_object_put(f->s, 2, 1, NULL, 0), CKR_OK);
	collected c = { 0 };
	assert_int_equal(store_object_foreach(f->s, 2, collect_cb, &c), CKR_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.lens[0], 0);

	assert_int_equal(store_open(NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(store_instance_put(f->s, 1, NULL, 3), CKR_ARGUMENTS_BAD);
	assert_int_equal(store_object_foreach(f->s, 1, NULL, NULL), CKR_ARGUMENTS_BAD);
	store *bad = NULL;
	assert_int_not_equal(store_open("/nonexistent-dir/x/y.db", &bad), CKR_OK);
	assert_null(bad);
}

/* The shared change counters (store_changes.c): a second handle (another
 * process, in effect) sees a committed change of an instance through its own
 * mapping, only after the commit, and never for a rollback; the counter file
 * is 0600 like the database. */
static void test_change_counters(void **state)
{
	fixture *f = *state;
	store *other = NULL;
	assert_int_equal(store_open(f->path, &other), CKR_OK);
	const _Atomic uint64_t *c3 = store_change_counter(other, 3);
	const _Atomic uint64_t *c4 = store_change_counter(other, 4);
	put_instance(f->s, 3);
	put_instance(f->s, 4);
	uint64_t before3 = atomic_load(c3), before4 = atomic_load(c4);

	/* Inside the writer's transaction: not yet. At its commit: once. */
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_put(f->s, 3, 10, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_object_put(f->s, 3, 11, blob_b, sizeof(blob_b)), CKR_OK);
	assert_int_equal(atomic_load(c3), before3);
	assert_int_equal(store_commit(f->s), CKR_OK);
	assert_int_equal(atomic_load(c3), before3 + 1);
	assert_int_equal(atomic_load(c4), before4); /* another instance: untouched */

	/* A rolled-back change is no change. */
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_delete(f->s, 3, 10), CKR_OK);
	store_rollback(f->s);
	assert_int_equal(atomic_load(c3), before3 + 1);

	/* The other handle's own writes move the first handle's view too. */
	assert_int_equal(store_object_delete(other, 3, 10), CKR_OK);
	assert_int_equal(atomic_load(store_change_counter(f->s, 3)), before3 + 2);
	/* Deleting nothing changes nothing. */
	assert_int_equal(store_object_delete(other, 3, 10), CKR_OK);
	assert_int_equal(atomic_load(c3), before3 + 2);

	/* Following our own changes: a chain of our raises is followed; another
	 * handle's raise in between breaks it; a rollback ends it. */
	uint64_t g;
	assert_int_equal(store_generation(f->s, 3, &g), CKR_OK);
	store_follow(f->s, 3, g);
	assert_int_equal(store_object_put(f->s, 3, 12, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_object_put(f->s, 3, 13, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_followed(f->s, 3), g + 2);
	assert_int_equal(store_generation(f->s, 3, &g), CKR_OK);
	assert_int_equal(store_followed(f->s, 3), g);
	assert_int_equal(store_object_delete(other, 3, 12), CKR_OK);
	assert_int_equal(store_object_put(f->s, 3, 14, blob_a, sizeof(blob_a)), CKR_OK);
	assert_int_equal(store_followed(f->s, 3), UINT64_MAX);
	assert_int_equal(store_followed(f->s, 4), UINT64_MAX); /* never followed */
	assert_int_equal(store_generation(f->s, 3, &g), CKR_OK);
	store_follow(f->s, 3, g);
	assert_int_equal(store_begin(f->s), CKR_OK);
	assert_int_equal(store_object_delete(f->s, 3, 14), CKR_OK);
	store_rollback(f->s);
	assert_int_equal(store_followed(f->s, 3), UINT64_MAX);
	store_close(other);

	char gen[128];
	snprintf(gen, sizeof(gen), "%s.gen", f->path);
	struct stat sb;
	assert_int_equal(stat(gen, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

/* ---- the change log (store_log.c): which rows of an instance changed after
 * a position, each once with its row as it is now; another instance's rows
 * never named; a log pruned past the position says so (the reader must
 * reload everything); following our own writes moves a follower only over
 * transactions whose secret rows it wrote itself. */

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

static void log_instances(store *s)
{
	put_instance(s, 1);
	put_instance(s, 2);
}

static void test_log_changed_rows_once_each(void **state)
{
	fixture *f = *state;
	log_instances(f->s);
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
static void test_log_pruned_is_incomplete(void **state)
{
	fixture *f = *state;
	log_instances(f->s);
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
static void test_log_following_own_writes(void **state)
{
	fixture *f = *state;
	log_instances(f->s);
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
		cmocka_unit_test_setup_teardown(test_log_changed_rows_once_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_pruned_is_incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_following_own_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_mode_and_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instance_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreach_stops_on_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets_and_cascade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fingerprint_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_hammer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_counters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
