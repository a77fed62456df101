#include "config.h"
#include "core/lock.h"
#include "util/log.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One shard per 128 bytes: two cache lines, so neither a neighbouring shard
 * nor the adjacent-line prefetcher pairs two threads' reader counts. */
#define SHARD_ALIGN 128

struct core_lock_shard {
	_Alignas(SHARD_ALIGN) pthread_rwlock_t rw;
};

/* The shard a thread reads through, + 1 (0: not chosen yet). Threads take
 * shards round-robin, so up to CORE_LOCK_SHARDS threads share none. */
static _Atomic unsigned next_shard;
static _Thread_local unsigned thread_shard_1;

static unsigned thread_shard(void)
{
	unsigned s = thread_shard_1;
	if (s == 0) {
		s = atomic_fetch_add_explicit(&next_shard, 1, memory_order_relaxed) % CORE_LOCK_SHARDS + 1;
		thread_shard_1 = s;
	}
	return s - 1;
}

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

static int rwlock_init(pthread_rwlock_t *rw)
{
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	/* Writers (close session, login, create object) must not starve behind
	 * a steady stream of signers. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	int e = pthread_rwlock_init(rw, &attr);
	pthread_rwlockattr_destroy(&attr);
	return e;
}

static CK_RV lock_init(core_lock *l, const core_lock_env *env, core_lock_shape shape)
{
	memset(l, 0, sizeof *l);
	l->env = env;
	l->shape = env->use_app ? CORE_LOCK_APP : shape;
	switch (l->shape) {
	case CORE_LOCK_APP:
		if (env->create(&l->app) != CKR_OK || l->app == NULL)
			return CKR_CANT_LOCK;
		break;
	case CORE_LOCK_RW:
		if (rwlock_init(&l->rw) != 0)
			return CKR_HOST_MEMORY;
		break;
	case CORE_LOCK_MUTEX:
		if (pthread_mutex_init(&l->mu, NULL) != 0)
			return CKR_HOST_MEMORY;
		break;
	case CORE_LOCK_SHARDED:
		l->shards = aligned_alloc(SHARD_ALIGN, CORE_LOCK_SHARDS * sizeof *l->shards);
		if (l->shards == NULL)
			return CKR_HOST_MEMORY;
		for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++) {
			if (rwlock_init(&l->shards[i].rw) != 0) {
				while (i-- > 0)
					pthread_rwlock_destroy(&l->shards[i].rw);
				free(l->shards);
				l->shards = NULL;
				return CKR_HOST_MEMORY;
			}
		}
		break;
	}
	l->ready = 1;
	return CKR_OK;
}

CK_RV core_lock_init(core_lock *l, const core_lock_env *env)
{
	return lock_init(l, env, CORE_LOCK_RW);
}

CK_RV core_lock_init_read_mostly(core_lock *l, const core_lock_env *env)
{
	return lock_init(l, env, CORE_LOCK_SHARDED);
}

CK_RV core_mutex_init(core_lock *l, const core_lock_env *env)
{
	return lock_init(l, env, CORE_LOCK_MUTEX);
}

void core_lock_destroy(core_lock *l)
{
	if (!l->ready)
		return;
	switch (l->shape) {
	case CORE_LOCK_APP:
		l->env->destroy(l->app);
		break;
	case CORE_LOCK_RW:
		pthread_rwlock_destroy(&l->rw);
		break;
	case CORE_LOCK_MUTEX:
		pthread_mutex_destroy(&l->mu);
		break;
	case CORE_LOCK_SHARDED:
		for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++)
			pthread_rwlock_destroy(&l->shards[i].rw);
		free(l->shards);
		l->shards = NULL;
		break;
	}
	l->ready = 0;
}

static void app_lock(core_lock *l)
{
	if (l->env->lock(l->app) != CKR_OK)
		PF_ERROR("application LockMutex failed");
}

void core_lock_shared_at(core_lock *l, unsigned hint)
{
	switch (l->shape) {
	case CORE_LOCK_APP: app_lock(l); break;
	case CORE_LOCK_RW: pthread_rwlock_rdlock(&l->rw); break;
	case CORE_LOCK_MUTEX: pthread_mutex_lock(&l->mu); break;
	case CORE_LOCK_SHARDED: pthread_rwlock_rdlock(&l->shards[hint % CORE_LOCK_SHARDS].rw); break;
	}
}

void core_lock_shared(core_lock *l)
{
	core_lock_shared_at(l, l->shape == CORE_LOCK_SHARDED ? thread_shard() : 0);
}

void core_lock_exclusive(core_lock *l)
{
	switch (l->shape) {
	case CORE_LOCK_APP: app_lock(l); break;
	case CORE_LOCK_RW: pthread_rwlock_wrlock(&l->rw); break;
	case CORE_LOCK_MUTEX: pthread_mutex_lock(&l->mu); break;
	case CORE_LOCK_SHARDED:
		/* Always in index order, so two writers cannot deadlock. */
		for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++)
			pthread_rwlock_wrlock(&l->shards[i].rw);
		l->writer = 1;
		break;
	}
}

void core_unlock_at(core_lock *l, unsigned hint)
{
	switch (l->shape) {
	case CORE_LOCK_APP: l->env->unlock(l->app); break;
	case CORE_LOCK_RW: pthread_rwlock_unlock(&l->rw); break;
	case CORE_LOCK_MUTEX: pthread_mutex_unlock(&l->mu); break;
	case CORE_LOCK_SHARDED:
		if (l->writer) {
			l->writer = 0;
			for (unsigned i = CORE_LOCK_SHARDS; i-- > 0;)
				pthread_rwlock_unlock(&l->shards[i].rw);
		} else {
			pthread_rwlock_unlock(&l->shards[hint % CORE_LOCK_SHARDS].rw);
		}
		break;
	}
}

void core_unlock(core_lock *l)
{
	/* writer is stable here: a holder of any side reads it (see lock.h) */
	core_unlock_at(l, l->shape == CORE_LOCK_SHARDED && !l->writer ? thread_shard() : 0);
}
