/*
 * object_sync.h - bringing a token's objects up to date with the store after
 * another process changed some of them (object_sync.c), and the counters that
 * tell a test how it was done.
 */
#ifndef PORTFOLIO_CORE_OBJECT_SYNC_H
#define PORTFOLIO_CORE_OBJECT_SYNC_H

#include "core/core.h"

/* A store_row_cb (object.c): one object record read from the store, checked
 * (decoding, record rules, policy agreement, duplicates) and inserted, or
 * left out alone with a log line. ctx is the token. */
CK_RV core_object_load_row(void *ctx, uint64_t id, const uint8_t *data, size_t len);

/* Apply the object and secret rows changed since tok->log_seq: each changed
 * object is dropped and its current row loaded through core_object_load_row;
 * an object whose item row changed is checked against its item's policy
 * again. *caught_up = 0 (nothing changed) when the log no longer reaches back
 * to tok->log_seq or the index cannot say which object holds an item: the
 * caller reloads everything. Token lock exclusive; the backend refreshed. */
CK_RV core_token_catch_up(core_token *tok, int *caught_up);

/* How refreshes were done in this process (all tokens). */
typedef struct core_sync_stats {
	uint64_t full_loads;      /* core_token_load_objects: every record read */
	uint64_t catch_ups;       /* core_token_catch_up that applied the log */
	uint64_t rows_applied;    /* changed or deleted object rows those applied */
	uint64_t items_rechecked; /* objects checked again because their item changed */
} core_sync_stats;
void core_sync_count_full_load(void);
#ifdef PORTFOLIO_TEST_HOOKS
/* Test builds only (configure --enable-test-hooks). */
void core_sync_stats_get(core_sync_stats *out);
#endif

#endif
