/*
 * test_rel_finalize_race.c - C_Finalize while other threads are inside calls.
 *
 * Each round: C_Initialize, one logged-in session per worker, the workers
 * sign (RFC 4493 example), read token info and search in a loop; after a
 * short random delay the main thread calls C_Finalize. Every call must return
 * CKR_OK (with a right result) or CKR_CRYPTOKI_NOT_INITIALIZED, and each
 * worker must end up seeing the latter. Before C_Finalize waited for the
 * calls in flight, a call that had passed the "initialised?" check used the
 * freed module (use after free under ASan, SIGSEGV in a plain build, or a
 * wrong code such as CKR_SLOT_ID_INVALID). Run under ASan and
 * ThreadSanitizer by scripts/test-sanitizers.sh.
 *
 * The first part makes the race certain instead of likely: the module runs on
 * the test's mutex callbacks (CK_C_INITIALIZE_ARGS), whose LockMutex stalls
 * the worker threads for STALL_MS once C_Finalize is about to start, i.e.
 * right after they passed the "initialised?" check. DestroyMutex only marks a
 * mutex dead, so a module that locks or unlocks a mutex C_Finalize already
 * destroyed is caught by the test itself, with no real use after free.
 */
#include "config.h"
#include "rel_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define WORKERS 12
#define ROUNDS 80
#define STALLED_ROUNDS 10
#define STALL_MS 20


typedef struct worker {
	pthread_t th;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	long ok;
} worker;

static CK_SLOT_ID slot;
static pthread_barrier_t start;
static atomic_long n_bad;

/* ---- the test's mutex callbacks ---- */
typedef struct test_mutex {
	pthread_mutex_t mu;
	atomic_int dead;
} test_mutex;

#define MAX_MUTEXES 4096
static test_mutex *mutexes[MAX_MUTEXES];
static int n_mutexes;
static pthread_mutex_t mutexes_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stall;
static atomic_long n_dead_used;
static _Thread_local int is_main;

static CK_RV t_create(CK_VOID_PTR_PTR out)
{
	test_mutex *m = calloc(1, sizeof *m);
	CHECK(m != NULL && pthread_mutex_init(&m->mu, NULL) == 0);
	pthread_mutex_lock(&mutexes_mu);
	CHECK(n_mutexes < MAX_MUTEXES);
	mutexes[n_mutexes++] = m;
	pthread_mutex_unlock(&mutexes_mu);
	*out = m;
	return CKR_OK;
}

static CK_RV t_destroy(CK_VOID_PTR p)
{
	atomic_store(&((test_mutex *)p)->dead, 1); /* freed at the end of the round */
	return CKR_OK;
}

static CK_RV t_lock(CK_VOID_PTR p)
{
	test_mutex *m = p;
	if (atomic_load(&stall) && !is_main) {
		struct timespec ts = {0, STALL_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&m->dead)) {
		atomic_fetch_add(&n_dead_used, 1);
		return CKR_MUTEX_BAD;
	}
	pthread_mutex_lock(&m->mu);
	return CKR_OK;
}

static CK_RV t_unlock(CK_VOID_PTR p)
{
	test_mutex *m = p;
	if (atomic_load(&m->dead)) {
		atomic_fetch_add(&n_dead_used, 1);
		return CKR_MUTEX_BAD;
	}
	pthread_mutex_unlock(&m->mu);
	return CKR_OK;
}

static void free_mutexes(void)
{
	for (int i = 0; i < n_mutexes; i++) {
		pthread_mutex_destroy(&mutexes[i]->mu);
		free(mutexes[i]);
	}
	n_mutexes = 0;
}

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
	if (!verdict("C_Sign", C_Sign(w->s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl)))
		return 0;
	if (sl != 16 || memcmp(sig, rel_cmac_tag, 16) != 0) {
		fprintf(stderr, "wrong signature during C_Finalize\n");
		atomic_fetch_add(&n_bad, 1);
		return 0;
	}
	CK_TOKEN_INFO ti;
	if (!verdict("C_GetTokenInfo", C_GetTokenInfo(slot, &ti)))
		return 0;
	/* Short calls: most of their time is the entry itself, where the race was. */
	CK_SESSION_INFO si;
	for (int i = 0; i < 8; i++)
		if (!verdict("C_GetSessionInfo", C_GetSessionInfo(w->s, &si)) ||
		    !verdict("C_GetSlotInfo", C_GetSlotInfo(slot, &(CK_SLOT_INFO){0})))
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

static void round_once(worker *ws, unsigned delay_us, int stalled)
{
	CK_C_INITIALIZE_ARGS app = {.CreateMutex = t_create, .DestroyMutex = t_destroy,
	                            .LockMutex = t_lock, .UnlockMutex = t_unlock};
	CHECK_RV(C_Initialize(stalled ? &app : NULL), CKR_OK);
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
	atomic_store(&stall, stalled);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	/* Nothing is left to use: every later call says so. */
	CHECK_RV(C_GetTokenInfo(slot, &(CK_TOKEN_INFO){0}), CKR_CRYPTOKI_NOT_INITIALIZED);
	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_join(ws[i].th, NULL) == 0);
	atomic_store(&stall, 0);
	if (atomic_load(&n_dead_used) != 0) {
		fprintf(stderr, "the module used %ld mutexes C_Finalize had destroyed\n",
		        (long)atomic_load(&n_dead_used));
		_exit(1);
	}
	free_mutexes();
}

int main(void)
{
	rel_setup(NULL, NULL);
	CK_SESSION_HANDLE s;
	slot = rel_token_with_cmac_key("finalize", "fin", &s);
	CHECK_RV(C_Finalize(NULL), CKR_OK);

	CHECK(pthread_barrier_init(&start, NULL, WORKERS + 1) == 0);
	worker ws[WORKERS];
	memset(ws, 0, sizeof ws);
	srand((unsigned)getpid());
	is_main = 1;
	for (int r = 0; r < STALLED_ROUNDS; r++)
		round_once(ws, 1000, 1);
	for (int r = 0; r < ROUNDS; r++)
		round_once(ws, (unsigned)(rand() % 1000), 0);
	long ok = 0;
	for (int i = 0; i < WORKERS; i++)
		ok += ws[i].ok;
	CHECK(atomic_load(&n_bad) == 0);
	printf("ok - %d + %d rounds of C_Finalize racing %d threads (%ld passes completed, every other "
	       "call CKR_CRYPTOKI_NOT_INITIALIZED)\n", STALLED_ROUNDS, ROUNDS, WORKERS, ok);
	return 0;
}
