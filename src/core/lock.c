#include "config.h"
#include "core/lock.h"
#include "util/log.h"

#include <string.h>

void core_lock_env_setup(core_lock_env *env, const CK_C_INITIALIZE_ARGS *args)
{
	memset(env, 0, sizeof *env);
	/* Callbacks only (no CKF_OS_LOCKING_OK): the application wants its own locks.
	 * With both, the standard lets us pick; pthreads give real shared locks. */
	if (args != NULL && args->CreateMutex != NULL && !(args->flags & CKF_OS_LOCKING_OK)) {
		env->use_app = 1;
		env->create = args->CreateMutex;
		env->destroy = args->DestroyMutex;
		env->lock = args->LockMutex;
		env->unlock = args->UnlockMutex;
	}
}

CK_RV core_lock_init(core_lock *l, const core_lock_env *env)
{
	memset(l, 0, sizeof *l);
	l->env = env;
	l->use_app = env->use_app;
	if (l->use_app) {
		if (env->create(&l->app) != CKR_OK || l->app == NULL)
			return CKR_CANT_LOCK;
	} else {
		pthread_rwlockattr_t attr;
		pthread_rwlockattr_init(&attr);
		/* Writers (close session, login, create object) must not starve behind
		 * a steady stream of signers. No lock is ever taken recursively. */
		pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		int e = pthread_rwlock_init(&l->rw, &attr);
		pthread_rwlockattr_destroy(&attr);
		if (e != 0)
			return CKR_HOST_MEMORY;
	}
	l->ready = 1;
	return CKR_OK;
}

void core_lock_destroy(core_lock *l)
{
	if (!l->ready)
		return;
	if (l->use_app)
		l->env->destroy(l->app);
	else
		pthread_rwlock_destroy(&l->rw);
	l->ready = 0;
}

void core_lock_shared(core_lock *l)
{
	if (l->use_app) {
		if (l->env->lock(l->app) != CKR_OK)
			PF_ERROR("application LockMutex failed");
	} else {
		pthread_rwlock_rdlock(&l->rw);
	}
}

void core_lock_exclusive(core_lock *l)
{
	if (l->use_app) {
		if (l->env->lock(l->app) != CKR_OK)
			PF_ERROR("application LockMutex failed");
	} else {
		pthread_rwlock_wrlock(&l->rw);
	}
}

void core_unlock(core_lock *l)
{
	if (l->use_app)
		l->env->unlock(l->app);
	else
		pthread_rwlock_unlock(&l->rw);
}
