/*
 * test_emu_token_support.c - fixture for the emulator token tests, and weak
 * stand-ins for the operation half (emu_ops.c, another file's job): the token
 * half only needs emu_key_cache_build / emu_key_cache_free to be called at the
 * right moments, which these count. Weak, so a build that does link the real
 * emu_ops.o never sees a duplicate symbol.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_emu_token_support.h"

int emu_test_caches_built, emu_test_caches_freed;
static int sentinel_cache;

__attribute__((weak)) CK_RV emu_key_cache_build(emu_item *it)
{
	it->cache = (struct emu_key_cache *)&sentinel_cache;
	emu_test_caches_built++;
	return CKR_OK;
}

__attribute__((weak)) void emu_key_cache_free(emu_item *it)
{
	if (it->cache != NULL)
		emu_test_caches_freed++;
	it->cache = NULL;
}

__attribute__((weak)) CK_RV emu_op_new(se_token *t, se_op **out)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
__attribute__((weak)) void emu_op_free(se_op *op)
{
}
__attribute__((weak)) CK_RV emu_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
__attribute__((weak)) CK_RV emu_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out,
                                          size_t *out_len)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
__attribute__((weak)) CK_RV emu_op_final(se_op *op, uint8_t *out, size_t *out_len)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
__attribute__((weak)) CK_RV emu_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	return CKR_FUNCTION_NOT_SUPPORTED;
}
__attribute__((weak)) size_t emu_op_output_bound(se_op *op, size_t in_len, int final)
{
	return 0;
}
__attribute__((weak)) void emu_op_abort(se_op *op)
{
}

int emu_fixture_setup(void **state)
{
	/* 2^10: about a millisecond per derivation instead of ~0.1 s. */
	setenv(EMU_TEST_SCRYPT_N_ENV, "1024", 1);
	emu_fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/pf-emu-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	assert_int_equal(store_open(f->path, &f->st), CKR_OK);
	emu_fixture_attach(f, f->st);
	*state = f;
	return 0;
}

int emu_fixture_teardown(void **state)
{
	emu_fixture *f = *state;
	if (f->st != NULL) {
		assert_int_equal(store_check(f->st), CKR_OK);
		store_close(f->st);
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

void emu_fixture_reopen(emu_fixture *f)
{
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(store_open(f->path, &f->st), CKR_OK);
	emu_fixture_attach(f, f->st);
}

void emu_fixture_attach(emu_fixture *f, store *st)
{
	char key[sizeof(f->path) + 8];
	snprintf(key, sizeof(key), "%s.key", f->path);
	assert_int_equal(store_pepper_attach(st, key), CKR_OK);
}

void emu_test_label(char out[32], const char *text)
{
	memset(out, ' ', 32);
	memcpy(out, text, strlen(text) < 32 ? strlen(text) : 32);
}

se_token *emu_test_child_token(emu_fixture *f, CK_ULONG iid, store **st)
{
	se_token *t = NULL;
	*st = NULL;
	if (store_open(f->path, st) != CKR_OK || emu_open(NULL, *st, iid, &t) != CKR_OK)
		return NULL;
	if (emu_login(t, CKU_USER, PIN(TEST_USER_PIN)) != CKR_OK) {
		emu_close(t);
		return NULL;
	}
	return t;
}

/* The last tokens emu_test_token opened. A forked child _exits without
 * closing its parent's tokens; held here they stay reachable for valgrind
 * in the child, whatever register the parent's local ended up in. */
static se_token *volatile recent_tokens[16];
static unsigned recent_next;

se_token *emu_test_token(emu_fixture *f, CK_ULONG iid, int with_user)
{
	se_token *t = NULL;
	char label[32];
	emu_test_label(label, "test token");
	assert_int_equal(emu_open(NULL, f->st, iid, &t), CKR_OK);
	assert_int_equal(emu_init_token(t, PIN(TEST_SO_PIN), label), CKR_OK);
	if (with_user) {
		assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
		assert_int_equal(emu_init_pin(t, PIN(TEST_USER_PIN)), CKR_OK);
		assert_int_equal(emu_logout(t), CKR_OK);
	}
	recent_tokens[recent_next++ % 16] = t;
	return t;
}
