#include "config.h"
#include "core/core.h"
#include "crypto/crypto.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

core_module core_g;
_Atomic int core_live;

/* Serialises C_Initialize / C_Finalize. The atfork handlers keep it usable in
 * a child even if another thread of the parent held it at fork time. */
static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* Set by the prepare handler when it holds the global lock over the fork. */
static int fork_holds_global;

/*
 * The prepare handler also waits until no call is inside the module (the
 * global lock, exclusive): otherwise a thread of the parent could be inside
 * SQLite at the moment of the fork, holding one of SQLite's process-wide
 * mutexes, and the child's C_Initialize would block forever on that mutex in
 * sqlite3_open (found by test_rel_fork). Lock order as C_Finalize: init_mu,
 * then the global lock.
 */
static void atfork_prepare(void)
{
	pthread_mutex_lock(&init_mu);
	fork_holds_global = core_g.initialized && core_g.pid == getpid();
	if (fork_holds_global)
		core_lock_exclusive(&core_g.global);
}

static void atfork_parent(void)
{
	if (fork_holds_global)
		core_unlock(&core_g.global);
	fork_holds_global = 0;
	pthread_mutex_unlock(&init_mu);
}

/* The child's only thread is the one that forked, which holds the global lock
 * it took in prepare: it may release it (the child's C_Initialize then makes
 * a new one; an unreleased lock would be re-initialised while held). */
static void atfork_child(void)
{
	if (fork_holds_global)
		core_unlock(&core_g.global);
	fork_holds_global = 0;
	/* The child is one thread now: nothing can be in an entry point. */
	atomic_store_explicit(&core_live, 0, memory_order_relaxed);
	core_calls_forget_after_fork();
	pthread_mutex_init(&init_mu, NULL);
}

static void register_atfork(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/*
 * In a forked child the parent's state is a copy we must not use: its locks
 * may be held by threads that do not exist here, its SQLite handle belongs to
 * the parent. Drop the store handle the way the store allows, then forget
 * everything else without calling into locks or backends. The memory of the
 * parent's tables is released; backend state is abandoned (a backend's close
 * could write to the parent's database).
 */
static void **abandoned;
static size_t n_abandoned, cap_abandoned;

void core_abandon(void *p)
{
	if (p == NULL)
		return;
	if (n_abandoned == cap_abandoned) {
		size_t cap = cap_abandoned ? cap_abandoned * 2 : 16;
		void **grown = realloc(abandoned, cap * sizeof *grown);
		if (grown == NULL)
			return; /* then it is a leak for real; nothing else to do */
		abandoned = grown;
		cap_abandoned = cap;
	}
	abandoned[n_abandoned++] = p;
}

static void forget_parent_state(void)
{
	PF_DEBUG("C_Initialize in a forked child: discarding the parent's state");
	if (core_g.st != NULL)
		store_forget_after_fork(core_g.st);
	core_session_table_free(1);
	core_close_tokens(1);
	core_config_free(&core_g.cfg);
	/* The global lock's memory (shards) belongs to the parent's lock: keep it. */
	core_lock *global = malloc(sizeof *global);
	if (global != NULL) {
		memcpy(global, &core_g.global, sizeof *global);
		core_abandon(global);
	}
	memset(&core_g, 0, sizeof core_g);
}

static CK_RV check_args(const CK_C_INITIALIZE_ARGS *a)
{
	if (a == NULL)
		return CKR_OK;
	if (a->pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	int n = (a->CreateMutex != NULL) + (a->DestroyMutex != NULL) + (a->LockMutex != NULL) +
	        (a->UnlockMutex != NULL);
	if (n != 0 && n != 4)
		return CKR_ARGUMENTS_BAD;
	/* CKF_LIBRARY_CANT_CREATE_OS_THREADS is fine: the module creates no thread. */
	return CKR_OK;
}

/* PORTFOLIO_LOG wins over the file's log_level. Applied once before the file
 * is read (so its own messages obey the environment) and once after. */
static void apply_log_level(int config_read)
{
	const char *env = getenv(CORE_LOG_ENV);
	int lvl = env != NULL ? pf_log_parse_level(env) : -1;
	if (lvl < 0 && config_read)
		lvl = core_g.cfg.log_level;
	if (lvl >= 0)
		pf_log_set_level((pf_log_level)lvl);
	if (!config_read)
		return;
	pf_log_set_syslog(core_g.cfg.syslog);
	if (pf_log_set_file(core_g.cfg.log_file) != 0) /* not fatal: logs go on to stderr */
		PF_WARN("cannot open log_file %s: %s", core_g.cfg.log_file, strerror(errno));
}

static void teardown(void)
{
	core_session_table_free(0);
	core_close_tokens(0);
	if (core_g.st != NULL)
		store_close(core_g.st);
	core_g.st = NULL;
	core_lock_destroy(&core_g.global);
	core_config_free(&core_g.cfg);
	memset(&core_g, 0, sizeof core_g);
}

CK_RV core_initialize(const CK_C_INITIALIZE_ARGS *args)
{
	CK_RV rv = check_args(args);
	if (rv != CKR_OK)
		return rv;
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&init_mu);
	if (core_g.initialized && core_g.pid != getpid())
		forget_parent_state();
	if (core_g.initialized) {
		pthread_mutex_unlock(&init_mu);
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	}
	memset(&core_g, 0, sizeof core_g);
	core_lock_env_setup(&core_g.env, args);
	apply_log_level(0);
	rv = core_config_load(&core_g.cfg);
	if (rv != CKR_OK) {
		memset(&core_g, 0, sizeof core_g);
		pthread_mutex_unlock(&init_mu);
		return rv == CKR_HOST_MEMORY ? rv : CKR_GENERAL_ERROR;
	}
	apply_log_level(1);
	rv = core_lock_init_read_mostly(&core_g.global, &core_g.env);
	if (rv != CKR_OK)
		goto fail;
	if (pf_random((uint8_t *)&core_g.handle_salt, sizeof core_g.handle_salt) != PF_CRYPTO_OK) {
		rv = CKR_FUNCTION_FAILED;
		goto fail;
	}
	/* A store this user cannot reach (not installed, not in its group) gives
	 * a module without slots, not a failed C_Initialize in every program
	 * that loads p11-kit's module list. */
	if (core_config_store_usable(&core_g.cfg))
		rv = store_open(core_g.cfg.store_path, &core_g.st);
	if (rv != CKR_OK) {
		PF_ERROR("cannot open the token store %s", core_g.cfg.store_path);
		core_g.st = NULL;
		rv = rv == CKR_HOST_MEMORY ? rv : CKR_GENERAL_ERROR;
		goto fail;
	}
	/* The fingerprint pepper, from its secret file (refused if others can read
	 * it). No store (unreachable, see above): no slots, so no pepper either. */
	if (core_g.st != NULL)
		rv = store_pepper_attach(core_g.st, core_config_store_key(&core_g.cfg));
	if (rv != CKR_OK) {
		rv = rv == CKR_HOST_MEMORY ? rv : CKR_GENERAL_ERROR;
		goto fail;
	}
	rv = core_session_table_init();
	if (rv != CKR_OK)
		goto fail;
	rv = core_open_tokens();
	if (rv != CKR_OK)
		goto fail;
	core_g.next_session_object = CORE_SESSION_OBJECT_BASE;
	core_g.pid = getpid();
	core_g.initialized = 1;
	/* Last: publishes everything above to threads that then see it set. */
	atomic_store_explicit(&core_live, 1, memory_order_release);
	pthread_mutex_unlock(&init_mu);
	return CKR_OK;
fail:
	teardown();
	pthread_mutex_unlock(&init_mu);
	return rv;
}

CK_RV core_finalize(void)
{
	pthread_mutex_lock(&init_mu);
	if (core_ready() != CKR_OK) {
		pthread_mutex_unlock(&init_mu);
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	/* New calls now fail; wait for the calls in flight (inflight.c). Only then
	 * is nothing left that could use what teardown frees. */
	atomic_store_explicit(&core_live, 0, memory_order_seq_cst);
	core_calls_drain();
	core_g.initialized = 0;
	teardown();
	pthread_mutex_unlock(&init_mu);
	return CKR_OK;
}

void core_pad(CK_UTF8CHAR *dst, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l > n)
		l = n;
	memset(dst, ' ', n);
	memcpy(dst, s, l);
}
