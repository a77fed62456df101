/*
 * test_rel_sync.c - another process changes one of N objects; this process
 * sees exactly that change, by reading only the changed rows (issue 10,
 * "cross-process changes"). Asserted through the refresh counters of test
 * builds, never through timing:
 *   - a label renamed, an object created, an object destroyed by process B:
 *     process A's next call finds the new state, with no full reload of the
 *     core's records (core_sync_stats) and no full read of the sealed rows
 *     (emu_refresh_stats), and only the changed rows read;
 *   - the new key signs in A (its sealed row was loaded through the manifest);
 *   - a record edited at rest (a sign-only key's CKA_ENCRYPT turned on,
 *     written through the store like any writer) is refused by the catch-up,
 *     alone, as a full load refuses it; the other objects stay.
 */
#include "config.h"
#include "rel_util.h"

#include <sys/wait.h>

#ifdef PORTFOLIO_TEST_HOOKS
#include "core/attr_codec.h"
#include "core/object_sync.h"
#include "se/emu/emu_token.h"
#include "store/store.h"

#define N 40

static CK_SLOT_ID slot;

static void label_of(int i, char *buf, size_t n) { snprintf(buf, n, "obj-%d", i); }

static CK_OBJECT_HANDLE key(CK_SESSION_HANDLE s, const char *label, CK_ULONG service, CK_ULONG index)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	uint8_t v[16] = {0};
	/* distinct per label: keyset keys are exclusive, a repeated value is refused */
	for (size_t i = 0; label[i] != '\0'; i++)
		v[i % 16] = (uint8_t)(v[i % 16] * 31 + (uint8_t)label[i] + i);
	v[15] ^= 0x5a;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes}, {CKA_VALUE, v, 16}, {CKA_SIGN, &yes, sizeof yes},
		{CKA_ENCRYPT, &no, sizeof no}, {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CHECK_RV(C_CreateObject(s, t, service == (CK_ULONG)-1 ? 8 : 10, &h), CKR_OK);
	return h;
}

static CK_OBJECT_HANDLE by_label(CK_SESSION_HANDLE s, const char *label)
{
	CK_ATTRIBUTE q = {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
	return rel_find_one(s, &q, 1);
}

/* Process B: log in, do one thing, leave. */
typedef void (*child_fn)(CK_SESSION_HANDLE s);

static void in_other_process(child_fn fn)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		fn(rel_session(slot, CKU_USER, REL_USER_PIN));
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void rename_7(CK_SESSION_HANDLE s)
{
	CK_ATTRIBUTE l = {CKA_LABEL, "renamed", 7};
	CHECK_RV(C_SetAttributeValue(s, by_label(s, "obj-7"), &l, 1), CKR_OK);
}

static void create_new(CK_SESSION_HANDLE s) { key(s, "new-key", (CK_ULONG)-1, 0); }

static void destroy_9(CK_SESSION_HANDLE s) { CHECK_RV(C_DestroyObject(s, by_label(s, "obj-9")), CKR_OK); }

typedef struct counts {
	core_sync_stats core;
	emu_refresh_stats emu;
} counts;

static counts now_counts(void)
{
	counts c;
	core_sync_stats_get(&c.core);
	emu_refresh_stats_get(&c.emu);
	return c;
}

/* Since before: one catch-up of the core that reloaded `records` object rows,
 * one of the emulator that read `secret_rows` sealed rows and opened `pages`
 * pages of the sealed manifest, no full reload. */
static void expect_catch_up(const counts *before, uint64_t records, uint64_t secret_rows, uint64_t pages)
{
	counts c = now_counts();
	fprintf(stderr, "full loads +%llu, catch-ups +%llu, records +%llu; sealed: full +%llu, changed +%llu, rows +%llu, pages +%llu\n",
	        (unsigned long long)(c.core.full_loads - before->core.full_loads),
	        (unsigned long long)(c.core.catch_ups - before->core.catch_ups),
	        (unsigned long long)(c.core.rows_applied - before->core.rows_applied),
	        (unsigned long long)(c.emu.full - before->emu.full),
	        (unsigned long long)(c.emu.changed - before->emu.changed),
	        (unsigned long long)(c.emu.rows - before->emu.rows),
	        (unsigned long long)(c.emu.pages - before->emu.pages));
	CHECK(c.core.full_loads == before->core.full_loads);
	CHECK(c.core.catch_ups == before->core.catch_ups + 1);
	CHECK(c.core.rows_applied == before->core.rows_applied + records);
	CHECK(c.emu.full == before->emu.full);
	CHECK(c.emu.changed == before->emu.changed + 1);
	CHECK(c.emu.rows == before->emu.rows + secret_rows);
	CHECK(c.emu.pages == before->emu.pages + pages);
}

static void sign_ok(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	uint8_t sig[16];
	rel_cmac_sign(s, k, rel_cmac_msg, sig);
}

/* The record of the object labelled label, with CKA_ENCRYPT turned on (its
 * sealed item's usage still says sign only), written back as any writer could. */
typedef struct edit_ctx {
	CK_ULONG iid;
	const char *label;
	store *st;
	int done;
} edit_ctx;

static int has_label(const core_attr *a, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].type == CKA_LABEL)
			return a[i].len == strlen(label) && memcmp(a[i].val, label, a[i].len) == 0;
	return 0;
}

static CK_RV widen_if_labelled(void *ctx, uint64_t oid, const uint8_t *data, size_t len)
{
	edit_ctx *e = ctx;
	core_attr *a = NULL;
	size_t n = 0;
	se_ref vref, href;
	CHECK_RV(attr_codec_decode(data, len, &a, &n, &vref, &href), CKR_OK);
	if (has_label(a, n, e->label)) {
		for (size_t i = 0; i < n; i++)
			if (a[i].type == CKA_ENCRYPT && a[i].len == 1)
				a[i].val[0] = CK_TRUE;
		uint8_t *rec = NULL;
		size_t rec_len = 0;
		CHECK_RV(attr_codec_encode(a, n, vref, href, &rec, &rec_len), CKR_OK);
		CHECK_RV(store_object_put(e->st, e->iid, oid, rec, rec_len), CKR_OK);
		free(rec);
		e->done = 1;
	}
	core_attrs_free(a, n);
	return CKR_OK;
}

static void widen_usage_at_rest(const char *label)
{
	char *path = rel_path("store.db");
	edit_ctx e = {.label = label};
	CHECK_RV(store_open(path, &e.st), CKR_OK);
	CK_ULONG *iids = NULL;
	size_t n = 0;
	CHECK_RV(store_instance_list(e.st, &iids, &n), CKR_OK);
	CHECK(n == 1);
	e.iid = iids[0];
	CHECK_RV(store_object_foreach(e.st, e.iid, widen_if_labelled, &e), CKR_OK);
	CHECK(e.done);
	free(iids);
	store_close(e.st);
	free(path);
}

int main(void)
{
	rel_setup(NULL, NULL);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("sync");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	char label[32];
	for (int i = 0; i < N; i++) {
		label_of(i, label, sizeof label);
		key(s, label, (CK_ULONG)-1, 0);
	}
	CK_OBJECT_HANDLE h7 = by_label(s, "obj-7");
	CHECK(h7 != CK_INVALID_HANDLE);

	/* Our own writes above were followed: nothing is re-read for them. */
	counts before = now_counts();
	in_other_process(rename_7);
	CHECK(by_label(s, "renamed") == h7);
	CHECK(by_label(s, "obj-7") == CK_INVALID_HANDLE);
	expect_catch_up(&before, 1, 0, 0);
	sign_ok(s, h7);

	before = now_counts();
	in_other_process(create_new);
	CK_OBJECT_HANDLE hn = by_label(s, "new-key");
	CHECK(hn != CK_INVALID_HANDLE);
	expect_catch_up(&before, 1, 1, 1); /* the new row's page alone */
	sign_ok(s, hn);

	before = now_counts();
	CK_OBJECT_HANDLE h9 = by_label(s, "obj-9");
	in_other_process(destroy_9);
	CHECK(by_label(s, "obj-9") == CK_INVALID_HANDLE);
	expect_catch_up(&before, 1, 1, 0); /* a deletion needs no verdict */
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	CHECK_RV(C_SignInit(s, &m, h9), CKR_KEY_HANDLE_INVALID);

	/* Every object but obj-9 is there, and no other was touched. */
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE all = {CKA_CLASS, &cls, sizeof cls};
	CHECK(rel_count(s, &all, 1) == N);

	/* A record edited at rest: refused by the catch-up, alone. */
	CK_OBJECT_HANDLE h12 = by_label(s, "obj-12");
	CHECK(h12 != CK_INVALID_HANDLE);
	sign_ok(s, h12);
	before = now_counts();
	widen_usage_at_rest("obj-12");
	CHECK(by_label(s, "obj-12") == CK_INVALID_HANDLE);
	CHECK_RV(C_SignInit(s, &m, h12), CKR_KEY_HANDLE_INVALID);
	expect_catch_up(&before, 1, 0, 0);
	CHECK(rel_count(s, &all, 1) == N - 1);
	sign_ok(s, by_label(s, "obj-13"));

	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return 0;
}
#else
int main(void)
{
	return 77; /* the counters exist in test builds only */
}
#endif
