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
 * The counters are sharded like the read-mostly locks (lock.h), each shard
 * on its own 128-byte line, the shard chosen from the caller's stack address
 * (core_call_shard), so two threads signing at once write different cache
 * lines, and no system call is made. Entering and leaving are inline in
 * core.h. The handshake is Dekker's: the caller increments then reads core_live,
 * C_Finalize clears core_live then reads the counters, all sequentially
 * consistent, so at least one of them sees the other.
 */
#include "config.h"
#include "core/core.h"

#include <sched.h>
#include <time.h>

struct core_inflight_shard core_inflight[CORE_LOCK_SHARDS];

void core_calls_drain(void)
{
	/* core_live is already 0 (seq_cst store): no new call gets in. */
	for (unsigned i = 0; i < CORE_LOCK_SHARDS; i++) {
		for (unsigned spins = 0; atomic_load_explicit(&core_inflight[i].calls, memory_order_seq_cst) != 0;
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
		atomic_store_explicit(&core_inflight[i].calls, 0, memory_order_relaxed);
}
