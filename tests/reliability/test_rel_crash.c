/*
 * test_rel_crash.c - crash safety under SIGKILL.
 *
 * A writer process imports keys, rewrites an Identity (value and label in one
 * C_SetAttributeValue) and changes the user PIN, in a fixed rotation, and is
 * SIGKILLed at a random moment. After every kill a fresh verifier process
 * opens the store and checks:
 *   - SQLite's integrity and foreign-key checks pass (store_check);
 *   - the module initialises and one of the two possible user PINs (before or
 *     after the interrupted change) logs in - never neither;
 *   - every key whose import returned CKR_OK is there with its exact value; at
 *     most the one import in flight may be there too; nothing else;
 *   - the Identity's value and label are the same version (never a mix), and
 *     that version is the last acknowledged one or the one in flight.
 * The writer reports each step's start and acknowledgement in shared memory
 * before and after the call, so "returned CKR_OK" is exact.
 *
 * REL_CRASH_KILLS sets the number of kills (default 200).
 */
#include "config.h"
#include "rel_util.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "store/store.h"

typedef struct shared {
	volatile long started;  /* step number the writer is in (0: none yet) */
	volatile long acked;    /* last step whose call returned CKR_OK */
	volatile int ready;     /* writer initialised and logged in */
} shared;

/* What the verifier established, and so what the next writer starts from. */
typedef struct state {
	long step;              /* last step applied */
	long pin_version;       /* the user PIN is pin(pin_version) */
	long ident_version;     /* value and label are version ident_version */
	uint8_t keys[4096];     /* keys[k] = 1: the key of step k exists */
} state;

static shared *sh;
static CK_SLOT_ID slot;

enum { OP_KEY, OP_IDENT, OP_PIN };
static int op_of(long step) { return (int)(step % 3); }

static void pin_of(long v, char out[32]) { snprintf(out, 32, "crash-pin-%ld", v); }

static void key_of(long step, uint8_t k[16])
{
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)(step * 131 + i * 7 + (step >> 8) * 3);
	k[0] = (uint8_t)step;
	k[1] = (uint8_t)(step >> 8);
}

static CK_SESSION_HANDLE login(long pin_version, CK_RV *rv_out)
{
	char pin[32];
	pin_of(pin_version, pin);
	CK_SESSION_HANDLE s;
	CHECK_RV(C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	*rv_out = C_Login(s, CKU_USER, REL_P(pin));
	return s;
}

static CK_OBJECT_HANDLE identity(CK_SESSION_HANDLE s)
{
	CK_ULONG id = 1;
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id};
	return rel_find_one(s, &q, 1);
}

/* ---- the writer ------------------------------------------------------------ */

static void writer(const state *st)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_RV rv;
	long pin_version = st->pin_version;
	CK_SESSION_HANDLE s = login(pin_version, &rv);
	CHECK_RV(rv, CKR_OK);
	CK_OBJECT_HANDLE ih = identity(s);
	CHECK(ih != CK_INVALID_HANDLE);
	sh->ready = 1;
	for (long step = st->step + 1;; step++) {
		sh->started = step;
		switch (op_of(step)) {
		case OP_KEY: {
			uint8_t k[16];
			key_of(step, k);
			char id[16];
			int idl = snprintf(id, sizeof id, "k%ld", step);
			rel_aes_key(s, k, 16, CK_TRUE, CK_FALSE, CK_TRUE, id, (CK_ULONG)idl);
			break;
		}
		case OP_IDENT: {
			char v[32];
			int n = snprintf(v, sizeof v, "ident-%ld", step);
			CK_ATTRIBUTE t[] = {{CKA_VALUE, v, (CK_ULONG)n}, {CKA_LABEL, v, (CK_ULONG)n}};
			CHECK_RV(C_SetAttributeValue(s, ih, t, 2), CKR_OK);
			break;
		}
		default: {
			char old[32], neu[32];
			pin_of(pin_version, old);
			pin_of(step, neu);
			CHECK_RV(C_SetPIN(s, REL_P(old), REL_P(neu)), CKR_OK);
			pin_version = step;
			break;
		}
		}
		sh->acked = step;
	}
}

/* ---- the verifier ---------------------------------------------------------------- */

static void verify(state *st, long started, long acked)
{
	/* 1. The file is sound. */
	char *db = rel_path("store.db");
	store *raw;
	CHECK_RV(store_open(db, &raw), CKR_OK);
	CHECK_RV(store_check(raw), CKR_OK);
	store_close(raw);
	free(db);

	/* The step in flight, if any, may or may not have happened. */
	long pending = started > acked ? started : 0;
	CHECK(acked >= st->step);

	CHECK_RV(C_Initialize(NULL), CKR_OK);
	/* 2. The PIN: after the last acknowledged change, or after the pending one. */
	long want_pin = st->pin_version;
	for (long k = st->step + 1; k <= acked; k++)
		if (op_of(k) == OP_PIN)
			want_pin = k;
	CK_RV rv;
	CK_SESSION_HANDLE s = login(want_pin, &rv);
	if (rv != CKR_OK) {
		CHECK(rv == CKR_PIN_INCORRECT && pending != 0 && op_of(pending) == OP_PIN);
		CHECK_RV(C_CloseSession(s), CKR_OK);
		s = login(pending, &rv);
		CHECK_RV(rv, CKR_OK);
		want_pin = pending;
	}
	st->pin_version = want_pin;

	/* 3. Keys: exactly the acknowledged ones, plus maybe the pending one. */
	for (long k = st->step + 1; k <= acked; k++)
		if (op_of(k) == OP_KEY)
			st->keys[k] = 1;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE all = {CKA_CLASS, &cls, sizeof cls};
	CK_OBJECT_HANDLE found[4096];
	CK_ULONG n = 0;
	CHECK_RV(C_FindObjectsInit(s, &all, 1), CKR_OK);
	CHECK_RV(C_FindObjects(s, found, 4096, &n), CKR_OK);
	CHECK_RV(C_FindObjectsFinal(s), CKR_OK);
	int pending_key_seen = 0;
	CK_ULONG expected = 0;
	for (long k = 1; k < 4096; k++)
		expected += st->keys[k];
	for (CK_ULONG i = 0; i < n; i++) {
		char id[16];
		uint8_t val[16], want[16];
		CK_ATTRIBUTE a[] = {{CKA_ID, id, sizeof id - 1}, {CKA_VALUE, val, sizeof val}};
		CHECK_RV(C_GetAttributeValue(s, found[i], a, 2), CKR_OK);
		id[a[0].ulValueLen] = '\0';
		long k = strtol(id + 1, NULL, 10);
		CHECK(id[0] == 'k' && k > 0 && k < 4096);
		key_of(k, want);
		CHECK(a[1].ulValueLen == 16 && memcmp(val, want, 16) == 0);
		if (!st->keys[k]) {
			/* Only the import in flight may be there unacknowledged. */
			CHECK(k == pending && op_of(k) == OP_KEY && !pending_key_seen);
			pending_key_seen = 1;
			st->keys[k] = 1;
		}
	}
	CHECK(n == expected + (CK_ULONG)pending_key_seen);

	/* 4. The identity: value and label of one version, not older than acknowledged. */
	long want_ident = st->ident_version;
	for (long k = st->step + 1; k <= acked; k++)
		if (op_of(k) == OP_IDENT)
			want_ident = k;
	CK_OBJECT_HANDLE ih = identity(s);
	CHECK(ih != CK_INVALID_HANDLE);
	char v[64], l[64];
	CK_ATTRIBUTE ia[] = {{CKA_VALUE, v, sizeof v - 1}, {CKA_LABEL, l, sizeof l - 1}};
	CHECK_RV(C_GetAttributeValue(s, ih, ia, 2), CKR_OK);
	v[ia[0].ulValueLen] = '\0';
	l[ia[1].ulValueLen] = '\0';
	if (strcmp(v, l) != 0) {
		fprintf(stderr, "identity torn: value '%s', label '%s'\n", v, l);
		CHECK(!"identity value and label from different writes");
	}
	long have = strtol(v + 6, NULL, 10);
	CHECK(have == want_ident || (have == pending && op_of(pending) == OP_IDENT));
	st->ident_version = have;

	st->step = acked;
	if (pending != 0 && (st->pin_version == pending || st->ident_version == pending || pending_key_seen))
		st->step = pending; /* the step in flight was applied: the next writer goes on after it */
	CHECK_RV(C_Finalize(NULL), CKR_OK);
}

static void run_in_child(void (*fn)(state *), state *st)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn(st);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "child failed (status 0x%x)\n", status);
		exit(1);
	}
}

static state *st_shared;

static void setup_token(state *st)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("crash");
	CK_SESSION_HANDLE so = rel_session(slot, CKU_SO, REL_SO_PIN);
	CK_OBJECT_CLASS idc = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 1;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &idc, sizeof idc}, {CKA_TOKEN, &tr, 1}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                    {CKA_VALUE, "ident-0", 7}, {CKA_LABEL, "ident-0", 7}};
	CK_OBJECT_HANDLE h;
	CHECK_RV(C_CreateObject(so, t, 5, &h), CKR_OK);
	char pin[32];
	pin_of(0, pin);
	CHECK_RV(C_InitPIN(so, REL_P(pin)), CKR_OK);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	st->step = 0;
	st->pin_version = 0;
	st->ident_version = 0;
}

static void verify_child(state *st)
{
	verify(st, sh->started, sh->acked);
}

int main(void)
{
	rel_setup(NULL, "16");
	int kills = getenv("REL_CRASH_KILLS") ? atoi(getenv("REL_CRASH_KILLS")) : 200;
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	st_shared = mmap(NULL, sizeof *st_shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED && st_shared != MAP_FAILED);
	memset(st_shared, 0, sizeof *st_shared);
	/* The slot id is the same in every process: instance ids come from the store. */
	run_in_child(setup_token, st_shared);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_first_token();
	CHECK_RV(C_Finalize(NULL), CKR_OK);

	srand((unsigned)getpid());
	long mid_step = 0, total_steps = 0;
	double t0 = rel_now_ms();
	for (int round = 0; round < kills; round++) {
		sh->started = sh->acked = st_shared->step;
		sh->ready = 0;
		long before = st_shared->step;
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			writer(st_shared);
			_exit(0);
		}
		/* Mostly kill during the writes; sometimes during start-up. */
		if (rand() % 10 != 0) {
			while (!sh->ready) {
				int status;
				if (waitpid(pid, &status, WNOHANG) == pid) {
					fprintf(stderr, "writer died before it was ready (status 0x%x)\n", status);
					exit(1);
				}
				usleep(100);
			}
		}
		usleep((useconds_t)(rand() % 20000));
		kill(pid, SIGKILL);
		int status;
		CHECK(waitpid(pid, &status, 0) == pid);
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
			fprintf(stderr, "writer ended by itself (status 0x%x): a write failed\n", status);
			exit(1);
		}
		if (sh->started > sh->acked)
			mid_step++;
		run_in_child(verify_child, st_shared);
		total_steps += st_shared->step - before;
		if (st_shared->step > 4000) {
			fprintf(stderr, "test ran past its key table\n");
			exit(1);
		}
	}
	printf("ok - %d SIGKILLs (%ld inside a write step), %ld steps applied, state verified after each, %.1f s\n",
	       kills, mid_step, total_steps, (rel_now_ms() - t0) / 1000);
	return 0;
}
