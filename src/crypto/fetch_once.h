/*
 * fetch_once.h - the "fetch on first use, release at C_Finalize" rule that
 * both algorithm tables follow (crypto_algs.c: ciphers, MACs, digests;
 * kdf_fetch.c: KDFs). The fast path is one acquire load; the mutex is taken
 * only to fetch or to release, and a release makes the next use fetch again.
 */
#ifndef PORTFOLIO_CRYPTO_FETCH_ONCE_H
#define PORTFOLIO_CRYPTO_FETCH_ONCE_H

#include <pthread.h>
#include <stdatomic.h>

typedef struct pf_fetch_once {
	pthread_mutex_t mu;
	atomic_int state; /* 0: not fetched; 1: fetched; -1: fetching failed (until the next release) */
} pf_fetch_once;

#define PF_FETCH_ONCE_INIT {PTHREAD_MUTEX_INITIALIZER, 0}

/* 1 if the table is fetched (fetch() runs once, under the mutex), else 0. */
static inline int pf_fetch_once_run(pf_fetch_once *o, int (*fetch)(void))
{
	int state = atomic_load_explicit(&o->state, memory_order_acquire);
	if (state == 0) {
		pthread_mutex_lock(&o->mu);
		state = atomic_load_explicit(&o->state, memory_order_relaxed);
		if (state == 0) {
			state = fetch() ? 1 : -1;
			atomic_store_explicit(&o->state, state, memory_order_release);
		}
		pthread_mutex_unlock(&o->mu);
	}
	return state == 1;
}

/* Runs release() under the mutex and forgets the fetch. */
static inline void pf_fetch_release(pf_fetch_once *o, void (*release)(void))
{
	pthread_mutex_lock(&o->mu);
	release();
	atomic_store_explicit(&o->state, 0, memory_order_release);
	pthread_mutex_unlock(&o->mu);
}

#endif
