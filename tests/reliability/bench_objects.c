/*
 * bench_objects.c - lookups with many objects in one token (default 10,000):
 * how long creating them takes, and then C_FindObjects by CKA_ID, a
 * C_GetAttributeValue, a sign with a handle, and the first search after
 * another process added an object (which this process catches up with; the
 * median of 9 rounds).
 * A measurement, not a test: it prints figures (docs/security.md has them).
 *   bench_objects [N]       store in $TMPDIR (default /dev/shm when present)
 */
#include "config.h"
#include "rel_util.h"

#include <sys/wait.h>

static double per_call_us(double ms, int n) { return ms * 1000.0 / n; }

#define ADD_ROUNDS 9

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A child process adds key "late<round>"; the time of our first search for it (ms). */
static double first_search_after_add(CK_SLOT_ID slot, CK_SESSION_HANDLE s, int round)
{
	char id[16];
	int l = snprintf(id, sizeof id, "late%d", round);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CK_SESSION_HANDLE cs = rel_session(slot, CKU_USER, REL_USER_PIN);
		uint8_t v[16] = {0xee, 0xdd, 0xcc, 1, 2, 3, (uint8_t)round};
		rel_aes_key(cs, v, 16, CK_TRUE, CK_TRUE, CK_FALSE, id, (CK_ULONG)l);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CK_ATTRIBUTE q = {CKA_ID, id, (CK_ULONG)l};
	double t0 = rel_now_ms();
	CHECK(rel_find_one(s, &q, 1) != CK_INVALID_HANDLE);
	return rel_now_ms() - t0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
	rel_setup(NULL, NULL);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SLOT_ID slot = rel_init_token("bench");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	double t0 = rel_now_ms();
	for (int i = 0; i < n; i++) {
		uint8_t v[16];
		char id[16];
		for (int k = 0; k < 16; k++)
			v[k] = (uint8_t)(i * 31 + k * 7);
		v[0] = (uint8_t)i;
		v[1] = (uint8_t)(i >> 8);
		v[2] = (uint8_t)(i >> 16);
		int l = snprintf(id, sizeof id, "o%d", i);
		rel_aes_key(s, v, 16, CK_TRUE, CK_TRUE, CK_FALSE, id, (CK_ULONG)l);
	}
	double create_ms = rel_now_ms() - t0;
	printf("objects: %d token keys created in %.1f s (%.0f us each; store in %s)\n", n, create_ms / 1000,
	       per_call_us(create_ms, n), rel_dir());

	int rounds = 200;
	CK_OBJECT_HANDLE h = 0;
	t0 = rel_now_ms();
	for (int r = 0; r < rounds; r++) {
		char id[16];
		int l = snprintf(id, sizeof id, "o%d", (r * 7919) % n);
		CK_ATTRIBUTE q = {CKA_ID, id, (CK_ULONG)l};
		h = rel_find_one(s, &q, 1);
		CHECK(h != CK_INVALID_HANDLE);
	}
	double find_ms = rel_now_ms() - t0;
	printf("C_FindObjectsInit/FindObjects/Final by CKA_ID among %d: %.0f us per search\n", n,
	       per_call_us(find_ms, rounds));

	CK_BBOOL sens;
	CK_ATTRIBUTE a = {CKA_SENSITIVE, &sens, 1};
	t0 = rel_now_ms();
	for (int r = 0; r < 10000; r++)
		CHECK_RV(C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	printf("C_GetAttributeValue by handle among %d: %.2f us per call\n", n, per_call_us(rel_now_ms() - t0, 10000));

	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	t0 = rel_now_ms();
	for (int r = 0; r < 10000; r++) {
		CK_ULONG sl = sizeof sig;
		CHECK_RV(C_SignInit(s, &m, h), CKR_OK);
		CHECK_RV(C_Sign(s, (CK_BYTE_PTR) "0123456789abcdef", 16, sig, &sl), CKR_OK);
	}
	printf("C_SignInit+C_Sign (AES-CMAC, 16 bytes) among %d: %.2f us per signature\n", n,
	       per_call_us(rel_now_ms() - t0, 10000));

	/* Another process adds one object; our next search sees it. Several
	 * rounds: one figure on a shared machine is mostly its noise. */
	double took[ADD_ROUNDS];
	for (int r = 0; r < ADD_ROUNDS; r++)
		took[r] = first_search_after_add(slot, s, r);
	qsort(took, ADD_ROUNDS, sizeof took[0], cmp_double);
	printf("first search after another process added an object (among %d): %.2f ms median of %d "
	       "(min %.2f, max %.2f)\n", n + 1, took[ADD_ROUNDS / 2], ADD_ROUNDS, took[0], took[ADD_ROUNDS - 1]);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return 0;
}
