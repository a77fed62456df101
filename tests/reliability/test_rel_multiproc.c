/*
 * test_rel_multiproc.c - several processes on one store.
 *
 * 1. Visibility: a process with an open session sees a key another process
 *    created (and then destroyed) without re-initialising, and can sign with it.
 * 2. Contention: 4 processes create, destroy, find and sign on the same token
 *    for a bounded time (REL_MP_SECONDS, default 4). Every call must return
 *    CKR_OK - a busy database is retried inside the module, never surfaced.
 *    Each process checks that its own live keys are always found and that the
 *    shared key signs the RFC 4493 example. Afterwards the token holds exactly
 *    the keys whose creation returned CKR_OK and whose destruction did not,
 *    each with its value.
 */
#include "config.h"
#include "rel_util.h"

#include <sys/wait.h>

#define PROCS 4
#define MAX_KEYS 4096

/* RFC 4493, AES-128, example 2. */
static const uint8_t RFC_K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t RFC_M[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                  0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
static const uint8_t RFC_T[16] = {0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                  0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c};

static CK_SLOT_ID slot;

static void value_of(int proc, int n, uint8_t v[16])
{
	for (int i = 0; i < 16; i++)
		v[i] = (uint8_t)(proc * 59 + n * 7 + i * 13);
	v[0] = (uint8_t)proc;
	v[1] = (uint8_t)n;
	v[2] = (uint8_t)(n >> 8);
}

static int id_of(int proc, int n, char id[16]) { return snprintf(id, 16, "p%d-%d", proc, n); }

static CK_OBJECT_HANDLE find_id(CK_SESSION_HANDLE s, const char *id)
{
	CK_ATTRIBUTE q = {CKA_ID, (void *)id, (CK_ULONG)strlen(id)};
	return rel_find_one(s, &q, 1);
}

static void sign_kat(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	uint8_t sig[16];
	rel_cmac_sign(s, k, RFC_M, sig);
	CHECK(memcmp(sig, RFC_T, 16) == 0);
}

static void visibility(void)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CHECK(find_id(s, "vis") == CK_INVALID_HANDLE);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CK_SESSION_HANDLE cs = rel_session(slot, CKU_USER, REL_USER_PIN);
		uint8_t v[16];
		value_of(99, 1, v);
		rel_aes_key(cs, v, 16, CK_TRUE, CK_FALSE, CK_TRUE, "vis", 3);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CK_OBJECT_HANDLE h = find_id(s, "vis");
	CHECK(h != CK_INVALID_HANDLE);
	uint8_t v[16], want[16];
	value_of(99, 1, want);
	CK_ATTRIBUTE a = {CKA_VALUE, v, 16};
	CHECK_RV(C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	CHECK(memcmp(v, want, 16) == 0);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_SignInit(s, &m, h), CKR_OK);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)RFC_M, 16, sig, &sl), CKR_OK);
	/* And the other way: destroyed elsewhere, gone here. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CK_SESSION_HANDLE cs = rel_session(slot, CKU_USER, REL_USER_PIN);
		CHECK_RV(C_DestroyObject(cs, find_id(cs, "vis")), CKR_OK);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(find_id(s, "vis") == CK_INVALID_HANDLE);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	printf("ok - another process's create and destroy are seen without re-initialising\n");
}

static void worker(int proc, double seconds)
{
	srand((unsigned)(getpid() * 7919));
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CK_OBJECT_HANDLE shared = find_id(s, "shared");
	CHECK(shared != CK_INVALID_HANDLE);
	static uint8_t live[MAX_KEYS];
	int next = 0, n_live = 0;
	long ops[4] = {0};
	double end = rel_now_ms() + seconds * 1000;
	while (rel_now_ms() < end && next < MAX_KEYS) {
		int op = rand() % 4;
		if (op == 0 || n_live == 0) {
			uint8_t v[16];
			char id[16];
			value_of(proc, next, v);
			int l = id_of(proc, next, id);
			rel_aes_key(s, v, 16, CK_TRUE, CK_FALSE, CK_TRUE, id, (CK_ULONG)l);
			live[next++] = 1;
			n_live++;
			ops[0]++;
		} else if (op == 1) {
			int k = rand() % next;
			while (!live[k])
				k = (k + 1) % next;
			char id[16];
			id_of(proc, k, id);
			CK_OBJECT_HANDLE h = find_id(s, id);
			CHECK(h != CK_INVALID_HANDLE);
			CHECK_RV(C_DestroyObject(s, h), CKR_OK);
			live[k] = 0;
			n_live--;
			ops[1]++;
		} else if (op == 2) {
			/* Every live key of ours is found, with its value. */
			for (int k = 0; k < next; k++) {
				if (!live[k] || rand() % 4 != 0)
					continue;
				char id[16];
				id_of(proc, k, id);
				CK_OBJECT_HANDLE h = find_id(s, id);
				CHECK(h != CK_INVALID_HANDLE);
				uint8_t v[16], want[16];
				CK_ATTRIBUTE a = {CKA_VALUE, v, 16};
				CHECK_RV(C_GetAttributeValue(s, h, &a, 1), CKR_OK);
				value_of(proc, k, want);
				CHECK(memcmp(v, want, 16) == 0);
			}
			ops[2]++;
		} else {
			sign_kat(s, shared);
			ops[3]++;
		}
	}
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	/* Report the live set for the final comparison. */
	char name[32];
	snprintf(name, sizeof name, "live-%d", proc);
	char *path = rel_path(name);
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	for (int k = 0; k < next; k++)
		if (live[k])
			fprintf(fp, "%d\n", k);
	fprintf(fp, "ops %ld %ld %ld %ld\n", ops[0], ops[1], ops[2], ops[3]);
	fclose(fp);
	free(path);
}

int main(void)
{
	rel_setup(NULL, NULL);
	double seconds = getenv("REL_MP_SECONDS") ? atof(getenv("REL_MP_SECONDS")) : 4;
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("multi");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	rel_aes_key(s, RFC_K, 16, CK_TRUE, CK_TRUE, CK_FALSE, "shared", 6);
	CHECK_RV(C_Finalize(NULL), CKR_OK);

	visibility();

	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		CHECK(pids[p] >= 0);
		if (pids[p] == 0) {
			worker(p, seconds);
			_exit(0);
		}
	}
	int failed = 0;
	for (int p = 0; p < PROCS; p++) {
		int status;
		CHECK(waitpid(pids[p], &status, 0) == pids[p]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "worker %d failed (status 0x%x)\n", p, status);
			failed = 1;
		}
	}
	CHECK(!failed);

	/* The token holds exactly what the successful calls say. */
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CK_ULONG expected = 1; /* the shared key */
	long totals[4] = {0};
	for (int p = 0; p < PROCS; p++) {
		char name[32];
		snprintf(name, sizeof name, "live-%d", p);
		char *path = rel_path(name);
		FILE *fp = fopen(path, "r");
		CHECK(fp != NULL);
		char line[64];
		while (fgets(line, sizeof line, fp) != NULL) {
			long o[4];
			if (sscanf(line, "ops %ld %ld %ld %ld", &o[0], &o[1], &o[2], &o[3]) == 4) {
				for (int i = 0; i < 4; i++)
					totals[i] += o[i];
				continue;
			}
			int k = atoi(line);
			char id[16];
			id_of(p, k, id);
			CK_OBJECT_HANDLE h = find_id(s, id);
			CHECK(h != CK_INVALID_HANDLE);
			uint8_t v[16], want[16];
			CK_ATTRIBUTE a = {CKA_VALUE, v, 16};
			CHECK_RV(C_GetAttributeValue(s, h, &a, 1), CKR_OK);
			value_of(p, k, want);
			CHECK(memcmp(v, want, 16) == 0);
			expected++;
		}
		fclose(fp);
		free(path);
	}
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE all = {CKA_CLASS, &cls, sizeof cls};
	CK_ULONG have = rel_count(s, &all, 1);
	if (have != expected)
		fprintf(stderr, "token holds %lu keys, the successful calls say %lu\n", (unsigned long)have,
		        (unsigned long)expected);
	CHECK(have == expected);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	printf("ok - %d processes for %.1f s: %ld creates, %ld destroys, %ld find rounds, %ld signs, all CKR_OK; final state exact (%lu keys)\n",
	       PROCS, seconds, totals[0], totals[1], totals[2], totals[3], (unsigned long)have);
	return 0;
}
