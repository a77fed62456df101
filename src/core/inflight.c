/*
 * inflight.c - counts the calls inside the module, so C_Finalize can wait for
 * them before it frees what they use.
 *
 * Every entry point (P11_READY) enters before it touches any state and leaves
 * when it returns. A call that enters after C_Finalize cleared core_live gets
 * CKR_CRYPTOKI_NOT_INITIALIZED; C_Finalize waits until the calls that entered
 * before have left. Checking core_live and then taking the global lock was
 * not enough: a thread could pass the check, C_Finalize could tear the module
 * down, and the thread then locked a destroyed lock (use after free).
 *
 * The counters are sharded like the read-mostly locks (lock.h): a thread
 * always counts on its own shard, each shard on its own 128-byte line, so two
 * threads signing at once write no shared cache line and no system call is
 * made. The handshake is Dekker's: the caller increments then reads core_live,
 * C_Finalize clears core_live then reads the counters, all sequentially
 * consistent, so at least one of them sees the other.
 */
#include "config.h"
#include "core/core.h"

#include <sched.h>
#include <time.h>

struct inflight_shard {
	_Alignas(128) _Atomic long calls;
};

static struct inflight_shard shards[CORE_LOCK_SHARDS];

CK_RV core_call_enter(core_call *c)
{
	c->shard = core_lock_thread_shard();
	atomic_fetch_add_explicit(&shards[c->shard].calls, 1, memory_order_seq_cst);
	if (!atomic_load_explicit(&core_live, memory_order_seq_cst)) {
		atomic_fetch_sub_explicit(&shards[c->shard].calls, 1, memory_order_release);
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	c->entered = 1;
	return CKR_OK;
}

void core_call_leave(core_call *c)
{
	if (c->entered)
		atomic_fetch_sub_explicit(&shards[c->shard].calls, 1, memory_order_release);
	c->entered = 0;
}

void core_calls_drain(void)
{
	/* core_live is already 0 (seq_cst store): no new call gets in. */
	for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++) {
		for (unsigned spins = 0; atomic_load_explicit(&shards[i].calls, memory_order_seq_cst) != 0;
		     spins++) {
			if (spins < 100) {
				sched_yield();
			} else {
				struct timespec ts = {0, 200000}; /* 0.2 ms: a call in flight may run a KDF */
				nanosleep(&ts, NULL);
			}
		}
	}
}

void core_calls_forget_after_fork(void)
{
	/* The child's only thread is not inside a call; the parent's other
	 * threads, whose calls were counted, do not exist here. */
	for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++)
		atomic_store_explicit(&shards[i].calls, 0, memory_order_relaxed);
}
