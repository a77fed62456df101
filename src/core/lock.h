/*
 * lock.h - the module's locks, built either on pthreads or on the mutex
 * callbacks an application hands to C_Initialize.
 *
 * A core_lock is a read/write lock. With application callbacks only, the
 * standard gives us plain mutexes, so a core_lock then degrades to a mutex
 * (shared and exclusive acquisitions are the same). Every lock of the module
 * is created through one core_lock_env, chosen once at C_Initialize.
 */
#ifndef PORTFOLIO_CORE_LOCK_H
#define PORTFOLIO_CORE_LOCK_H

#include <pthread.h>
#include "pkcs11/pkcs11.h"

typedef struct core_lock_env {
	int use_app;              /* 1: the application's callbacks, 0: pthreads */
	CK_CREATEMUTEX create;
	CK_DESTROYMUTEX destroy;
	CK_LOCKMUTEX lock;
	CK_UNLOCKMUTEX unlock;
} core_lock_env;

typedef struct core_lock {
	int use_app;
	int ready;
	pthread_rwlock_t rw;      /* pthreads mode */
	void *app;                /* application mode: the application's mutex */
	const core_lock_env *env;
} core_lock;

/* Chooses pthreads or callbacks from CK_C_INITIALIZE_ARGS (already validated). */
void core_lock_env_setup(core_lock_env *env, const CK_C_INITIALIZE_ARGS *args);

CK_RV core_lock_init(core_lock *l, const core_lock_env *env);
void core_lock_destroy(core_lock *l);
void core_lock_shared(core_lock *l);
void core_lock_exclusive(core_lock *l);
void core_unlock(core_lock *l);

#endif
