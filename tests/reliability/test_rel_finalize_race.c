/*
 * test_rel_finalize_race.c - C_Finalize while other threads are inside calls.
 *
 * Each round: C_Initialize, one logged-in session per worker, the workers
 * sign (RFC 4493 example), read token info and search in a loop; after a
 * short random delay the main thread calls C_Finalize. Every call must return
 * CKR_OK (with a right result) or CKR_CRYPTOKI_NOT_INITIALIZED, and each
 * worker must end up seeing the latter. Before C_Finalize waited for the
 * calls in flight, a call that had passed the "initialised?" check used the
 * freed module (use after free under ASan, SIGSEGV in a plain build). Run
 * under ASan and ThreadSanitizer by scripts/test-sanitizers.sh.
 */
#include "config.h"
#include "rel_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define WORKERS 6
#define ROUNDS 150

static const uint8_t RFC_K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t RFC_M[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                  0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
static const uint8_t RFC_T[16] = {0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                  0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c};

typedef struct worker {
	pthread_t th;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	long ok;
} worker;

static CK_SLOT_ID slot;
static pthread_barrier_t start;
static atomic_long n_bad;

/* CKR_OK: go on; CKR_CRYPTOKI_NOT_INITIALIZED: finalised, stop; else: a failure. */
static int verdict(const char *what, CK_RV rv)
{
	if (rv == CKR_OK)
		return 1;
	if (rv != CKR_CRYPTOKI_NOT_INITIALIZED) {
		fprintf(stderr, "%s = 0x%lx during C_Finalize\n", what, (unsigned long)rv);
		atomic_fetch_add(&n_bad, 1);
	}
	return 0;
}

static int one_pass(worker *w)
{
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	if (!verdict("C_SignInit", C_SignInit(w->s, &m, w->key)))
		return 0;
	if (!verdict("C_Sign", C_Sign(w->s, (CK_BYTE_PTR)RFC_M, 16, sig, &sl)))
		return 0;
	if (sl != 16 || memcmp(sig, RFC_T, 16) != 0) {
		fprintf(stderr, "wrong signature during C_Finalize\n");
		atomic_fetch_add(&n_bad, 1);
		return 0;
	}
	CK_TOKEN_INFO ti;
	if (!verdict("C_GetTokenInfo", C_GetTokenInfo(slot, &ti)))
		return 0;
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;
	if (!verdict("C_FindObjectsInit", C_FindObjectsInit(w->s, NULL, 0)) ||
	    !verdict("C_FindObjects", C_FindObjects(w->s, found, 4, &n)) ||
	    !verdict("C_FindObjectsFinal", C_FindObjectsFinal(w->s)))
		return 0;
	w->ok++;
	return 1;
}

static void *work(void *arg)
{
	worker *w = arg;
	pthread_barrier_wait(&start);
	while (one_pass(w))
		;
	return NULL;
}

static void round_once(worker *ws, unsigned delay_us)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_ATTRIBUTE q = {CKA_ID, "fin", 3};
	for (int i = 0; i < WORKERS; i++) {
		ws[i].s = rel_session(slot, i == 0 ? CKU_USER : (CK_USER_TYPE)-1, REL_USER_PIN);
		ws[i].key = rel_find_one(ws[i].s, &q, 1);
		CHECK(ws[i].key != CK_INVALID_HANDLE);
		CHECK(pthread_create(&ws[i].th, NULL, work, &ws[i]) == 0);
	}
	pthread_barrier_wait(&start);
	struct timespec ts = {0, (long)delay_us * 1000};
	nanosleep(&ts, NULL);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	/* Nothing is left to use: every later call says so. */
	CHECK_RV(C_GetTokenInfo(slot, &(CK_TOKEN_INFO){0}), CKR_CRYPTOKI_NOT_INITIALIZED);
	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_join(ws[i].th, NULL) == 0);
}

int main(void)
{
	rel_setup(NULL, NULL);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("finalize");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	rel_aes_key(s, RFC_K, 16, CK_TRUE, CK_TRUE, CK_FALSE, "fin", 3);
	CHECK_RV(C_Finalize(NULL), CKR_OK);

	CHECK(pthread_barrier_init(&start, NULL, WORKERS + 1) == 0);
	worker ws[WORKERS];
	memset(ws, 0, sizeof ws);
	srand((unsigned)getpid());
	for (int r = 0; r < ROUNDS; r++)
		round_once(ws, (unsigned)(rand() % 3000));
	long ok = 0;
	for (int i = 0; i < WORKERS; i++)
		ok += ws[i].ok;
	CHECK(atomic_load(&n_bad) == 0);
	printf("ok - %d rounds of C_Finalize racing %d threads (%ld passes completed, every other "
	       "call CKR_CRYPTOKI_NOT_INITIALIZED)\n", ROUNDS, WORKERS, ok);
	return 0;
}
