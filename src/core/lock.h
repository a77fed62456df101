/*
 * lock.h - the module's locks, built either on pthreads or on the mutex
 * callbacks an application hands to C_Initialize.
 *
 * A core_lock is a read/write lock in one of three shapes, chosen at init:
 *   core_lock_init            one pthread read/write lock;
 *   core_lock_init_read_mostly  a "big-reader" lock for the locks every
 *                             signature takes shared (the global lock, the
 *                             token locks): one read/write lock per shard, each
 *                             on its own cache line; a thread always reads
 *                             through the same shard (assigned round-robin at
 *                             its first lock), a writer takes every shard in
 *                             order. Two threads signing at once then touch
 *                             different cache lines instead of bouncing one
 *                             reader count between cores; writers (open/close
 *                             session, login, object changes) pay CORE_LOCK_SHARDS
 *                             acquisitions, which they can afford;
 *   core_mutex_init           a plain pthread mutex, for locks only ever taken
 *                             exclusive (the session mutex): cheaper than a
 *                             read/write lock's write side.
 * The semantics are those of one read/write lock in every shape, so the lock
 * order of core.h holds unchanged.
 *
 * With application callbacks only, the standard gives us plain mutexes, so
 * every shape degrades to one application mutex (shared and exclusive
 * acquisitions are the same). Every lock of the module is created through one
 * core_lock_env, chosen once at C_Initialize.
 *
 * No lock is ever taken recursively (the write-preferring pthread locks would
 * deadlock on a recursive read acquisition behind a waiting writer).
 */
#ifndef PORTFOLIO_CORE_LOCK_H
#define PORTFOLIO_CORE_LOCK_H

#include <pthread.h>
#include "pkcs11/pkcs11.h"

#define CORE_LOCK_SHARDS 8u

typedef struct core_lock_env {
	int use_app;              /* 1: the application's callbacks, 0: pthreads */
	CK_CREATEMUTEX create;
	CK_DESTROYMUTEX destroy;
	CK_LOCKMUTEX lock;
	CK_UNLOCKMUTEX unlock;
} core_lock_env;

typedef enum core_lock_shape {
	CORE_LOCK_RW = 0,         /* one pthread_rwlock_t */
	CORE_LOCK_SHARDED,        /* CORE_LOCK_SHARDS pthread_rwlock_t, read-mostly */
	CORE_LOCK_MUTEX,          /* one pthread_mutex_t, exclusive use */
	CORE_LOCK_APP,            /* the application's mutex */
} core_lock_shape;

struct core_lock_shard;

typedef struct core_lock {
	core_lock_shape shape;
	int ready;
	/* CORE_LOCK_SHARDED: set by the writer once it holds every shard, cleared
	 * before it lets any go, so a core_unlock knows which side it releases.
	 * Written only under all shards exclusive, read under at least one. */
	int writer;
	pthread_rwlock_t rw;                  /* CORE_LOCK_RW */
	pthread_mutex_t mu;                   /* CORE_LOCK_MUTEX */
	struct core_lock_shard *shards;       /* CORE_LOCK_SHARDED */
	void *app;                            /* CORE_LOCK_APP: the application's mutex */
	const core_lock_env *env;
} core_lock;

/* Chooses pthreads or callbacks from CK_C_INITIALIZE_ARGS (already validated). */
void core_lock_env_setup(core_lock_env *env, const CK_C_INITIALIZE_ARGS *args);

CK_RV core_lock_init(core_lock *l, const core_lock_env *env);
CK_RV core_lock_init_read_mostly(core_lock *l, const core_lock_env *env);
CK_RV core_mutex_init(core_lock *l, const core_lock_env *env);
void core_lock_destroy(core_lock *l);
void core_lock_shared(core_lock *l);
void core_lock_exclusive(core_lock *l);
void core_unlock(core_lock *l);
/* The same, with the caller naming the shard a shared acquisition uses (any
 * number, taken modulo CORE_LOCK_SHARDS); core_unlock_at must get the number
 * its core_lock_shared_at got. The session path passes the session's table
 * index: no thread-local lookup, and sessions 0..CORE_LOCK_SHARDS-1 never share
 * a shard. An exclusive hold is released by core_unlock_at too (hint unused). */
void core_lock_shared_at(core_lock *l, unsigned hint);
void core_unlock_at(core_lock *l, unsigned hint);

#endif
