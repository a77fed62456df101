/* test_core_index.c - C_FindObjects through the search index (object_index.c)
 * gives exactly what a full scan gives. Random sequences of creations,
 * renames (label and id), destructions, logouts and logins on token and
 * session objects of two sessions, plain and keyset keys; after each
 * step random templates over label, id, class, service, key index, token and
 * sign are searched, and compared with a scan the test makes itself: every
 * visible object (an empty template) read back attribute by attribute. */
#include "config.h"
#include "core_test_util.h"

#include <stdio.h>
#include <stdlib.h>

#define STEPS 400
#define MAX_OBJ 256

static const char *const labels[] = {"", "a", "b", "device key", "bb"};
static const char *const ids[] = {"", "1", "2", "id-3"};
#define N_LABELS (sizeof labels / sizeof labels[0])
#define N_IDS (sizeof ids / sizeof ids[0])

static unsigned rnd(unsigned n) { return (unsigned)(random() % n); }

static int cmp_h(const void *a, const void *b)
{
	CK_OBJECT_HANDLE x = *(const CK_OBJECT_HANDLE *)a, y = *(const CK_OBJECT_HANDLE *)b;
	return x < y ? -1 : x > y;
}

static size_t find_all(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_HANDLE *out)
{
	CK_ULONG got = 0;
	assert_int_equal(f->C_FindObjectsInit(s, t, n), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, out, MAX_OBJ, &got), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	qsort(out, got, sizeof *out, cmp_h);
	return got;
}

/* The scan: does object h have each attribute of t, with the same bytes? */
static int scan_matches(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++) {
		uint8_t buf[64];
		CK_ATTRIBUTE a = {t[i].type, buf, sizeof buf};
		if (f->C_GetAttributeValue(s, h, &a, 1) != CKR_OK)
			return 0;
		if (a.ulValueLen != t[i].ulValueLen || memcmp(buf, t[i].pValue, a.ulValueLen) != 0)
			return 0;
	}
	return 1;
}

static CK_OBJECT_CLASS cls_key = CKO_SECRET_KEY, cls_id = CKO_PORTFOLIO_IDENTITY;
static CK_ULONG services[] = {CK_PORTFOLIO_SRV_AUTHENT, CK_PORTFOLIO_SRV_ENCRYPT, 7};
static CK_ULONG indexes[] = {0, 1, 2, 3};
static CK_BBOOL bools[] = {CK_FALSE, CK_TRUE};

/* A random template of up to 4 attributes, indexed ones more often. */
static CK_ULONG random_template(CK_ATTRIBUTE *t)
{
	CK_ULONG n = 0, want = 1 + rnd(4);
	while (n < want) {
		switch (rnd(8)) {
		case 0: case 1: {
			const char *l = labels[rnd(N_LABELS)];
			t[n++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)l, (CK_ULONG)strlen(l)};
			break;
		}
		case 2: case 3: {
			const char *i = ids[rnd(N_IDS)];
			t[n++] = (CK_ATTRIBUTE){CKA_ID, (void *)i, (CK_ULONG)strlen(i)};
			break;
		}
		case 4:
			t[n++] = (CK_ATTRIBUTE){CKA_CLASS, rnd(4) ? &cls_key : &cls_id, sizeof cls_key};
			break;
		case 5:
			t[n++] = (CK_ATTRIBUTE){CKA_PORTFOLIO_SERVICE, &services[rnd(3)], sizeof(CK_ULONG)};
			break;
		case 6:
			t[n++] = (CK_ATTRIBUTE){CKA_PORTFOLIO_KEY_INDEX, &indexes[rnd(4)], sizeof(CK_ULONG)};
			break;
		default:
			t[n++] = (CK_ATTRIBUTE){rnd(2) ? CKA_TOKEN : CKA_SIGN, &bools[rnd(2)], 1};
			break;
		}
	}
	if (rnd(3) == 0) { /* the whole keyset triple, the third indexed key */
		t[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls_key, sizeof cls_key};
		t[1] = (CK_ATTRIBUTE){CKA_PORTFOLIO_SERVICE, &services[rnd(2)], sizeof(CK_ULONG)};
		t[2] = (CK_ATTRIBUTE){CKA_PORTFOLIO_KEY_INDEX, &indexes[rnd(4)], sizeof(CK_ULONG)};
		n = n < 3 ? 3 : n;
	}
	return n;
}

static void compare(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE all[MAX_OBJ], got[MAX_OBJ], want[MAX_OBJ];
	size_t n_all = find_all(s, NULL, 0, all);
	for (int q = 0; q < 8; q++) {
		CK_ATTRIBUTE t[8];
		CK_ULONG n = random_template(t);
		size_t n_got = find_all(s, t, n, got), n_want = 0;
		for (size_t i = 0; i < n_all; i++)
			if (scan_matches(s, all[i], t, n))
				want[n_want++] = all[i];
		assert_int_equal(n_got, n_want);
		assert_memory_equal(got, want, n_got * sizeof *got);
	}
}

static void create_random(CK_SESSION_HANDLE s, unsigned serial)
{
	uint8_t v[16] = {0};
	memcpy(v, &serial, sizeof serial);
	v[15] = 0xa5;
	const char *l = labels[rnd(N_LABELS)], *i = ids[rnd(N_IDS)];
	CK_KEY_TYPE kt = CKK_AES;
	/* every object here is private (CKA_PRIVATE FALSE is refused) */
	CK_BBOOL tok = bools[rnd(2)], priv = CK_TRUE, sign = CK_TRUE, enc = CK_FALSE;
	CK_ULONG srv = services[rnd(2)], idx = indexes[rnd(4)];
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE, v, 16},
		{CKA_TOKEN, &tok, 1}, {CKA_PRIVATE, &priv, 1}, {CKA_SIGN, &sign, 1}, {CKA_ENCRYPT, &enc, 1},
		{CKA_LABEL, (void *)l, (CK_ULONG)strlen(l)}, {CKA_ID, (void *)i, (CK_ULONG)strlen(i)},
		{CKA_PORTFOLIO_SERVICE, &srv, sizeof srv}, {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx},
	};
	CK_ULONG n = rnd(3) == 0 ? 11 : 9; /* a keyset key now and then */
	if (srv == CK_PORTFOLIO_SRV_ENCRYPT && n == 11) {
		sign = CK_FALSE;
		enc = CK_TRUE;
	}
	CK_OBJECT_HANDLE h;
	CK_RV rv = f->C_CreateObject(s, t, n, &h);
	/* a keyset slot already taken is refused; anything else must work */
	assert_true(rv == CKR_OK || (n == 11 && rv == CKR_ATTRIBUTE_VALUE_INVALID));
}

static void change_random(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE all[MAX_OBJ];
	size_t n = find_all(s, NULL, 0, all);
	if (n == 0)
		return;
	CK_OBJECT_HANDLE h = all[rnd((unsigned)n)];
	if (rnd(3) == 0) {
		assert_int_equal(f->C_DestroyObject(s, h), CKR_OK);
		return;
	}
	const char *l = labels[rnd(N_LABELS)], *i = ids[rnd(N_IDS)];
	CK_ATTRIBUTE t[] = {{CKA_LABEL, (void *)l, (CK_ULONG)strlen(l)}, {CKA_ID, (void *)i, (CK_ULONG)strlen(i)}};
	unsigned which = rnd(3); /* label, id, or both */
	assert_int_equal(f->C_SetAttributeValue(s, h, which == 1 ? &t[1] : t, which == 2 ? 2 : 1), CKR_OK);
}

static void test_index_equals_scan(void **state)
{
	(void)state;
	srandom(20261206);
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot), other = ct_session(slot, (CK_USER_TYPE)-1);
	unsigned serial = 0;
	for (int step = 0; step < STEPS; step++) {
		unsigned op = rnd(10);
		if (op < 5) {
			create_random(rnd(4) ? s : other, ++serial);
		} else if (op < 9) {
			change_random(s);
		} else if (rnd(4) == 0) {
			/* private objects leave the results at logout and come back at login */
			assert_int_equal(f->C_Logout(s), CKR_OK);
			compare(s);
			compare(other);
			assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
		}
		compare(s);
		if (step % 8 == 0)
			compare(other);
	}
	/* session objects of a closed session leave the index too */
	assert_int_equal(f->C_CloseSession(other), CKR_OK);
	compare(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index_equals_scan, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
