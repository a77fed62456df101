/*
 * store_log.c - reading the change log (schema in store_db.c): what changed
 * in an instance's object and secret rows since a process last looked, so a
 * process that sees the shared counter move (store_changes.c) reloads the
 * rows another process changed, not all of them.
 *
 * The log says only which rows to look at; it is never trusted for what they
 * hold. The reader gets the rows themselves and runs on them every check a
 * full load runs (record decoding, the sealed row's tag, the manifest, the
 * policy agreement). Someone who can write the file and edits the log can at
 * most hide a change from running processes until their next login (as with
 * the .gen file) or make them read rows that did not change.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/grow.h"
#include "util/log.h"

CK_RV store_change_end(store *s, uint64_t *seq)
{
	if (s == NULL || seq == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	CK_RV rv = CKR_DEVICE_ERROR;
	sqlite3_stmt *st = store_stmt(s, ST_LOG_END);
	if (st != NULL) {
		int rc = store_step(s, st);
		if (rc == SQLITE_ROW) {
			*seq = (uint64_t)sqlite3_column_int64(st, 0);
			rv = CKR_OK;
		} else {
			rv = store_error(s, rc, "change log end");
		}
		sqlite3_reset(st);
	}
	store_unlock(s);
	return rv;
}

typedef struct log_entry {
	uint64_t seq, id;
	unsigned kind;
	int present;
	uint8_t *row;
	size_t len;
} log_entry;

typedef struct log_read {
	log_entry *e;
	size_t n, cap;
	uint64_t floor;
} log_read;

static CK_RV log_take(sqlite3_stmt *st, log_read *r)
{
	sqlite3_int64 seq = sqlite3_column_int64(st, 0);
	if (seq < 0) { /* the floor row */
		r->floor = (uint64_t)sqlite3_column_int64(st, 2);
		return CKR_OK;
	}
	log_entry *grown = pf_grow(r->e, &r->cap, r->n, sizeof *grown, 16);
	if (grown == NULL)
		return CKR_HOST_MEMORY;
	r->e = grown;
	log_entry *e = &r->e[r->n];
	e->seq = (uint64_t)seq;
	e->kind = (unsigned)sqlite3_column_int(st, 1);
	e->id = (uint64_t)sqlite3_column_int64(st, 2);
	e->present = sqlite3_column_type(st, 3) != SQLITE_NULL;
	e->row = NULL;
	e->len = 0;
	CK_RV rv = e->present ? store_column_copy(st, 3, &e->row, &e->len) : CKR_OK;
	if (rv == CKR_OK)
		r->n++;
	return rv;
}

/* The entries (and their rows) copied out under the lock, in one statement. */
static CK_RV log_read_all(store *s, CK_ULONG iid, unsigned kinds, unsigned with_rows, uint64_t after,
                          log_read *r)
{
	CK_RV rv = CKR_OK;
	store_lock(s);
	sqlite3_stmt *st = store_stmt(s, ST_LOG_SINCE);
	if (st == NULL) {
		rv = CKR_DEVICE_ERROR;
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)after);
		sqlite3_bind_int(st, 3, (int)kinds);
		sqlite3_bind_int(st, 4, (int)with_rows);
		for (;;) {
			int rc = store_step(s, st);
			if (rc == SQLITE_DONE)
				break;
			if (rc != SQLITE_ROW) {
				rv = store_error(s, rc, "change log");
				break;
			}
			if ((rv = log_take(st, r)) != CKR_OK)
				break;
		}
		sqlite3_reset(st);
	}
	store_unlock(s);
	return rv;
}

CK_RV store_changes_since(store *s, CK_ULONG iid, unsigned kinds, unsigned with_rows, uint64_t *seq,
                          int *complete, store_change_cb cb, void *ctx)
{
	if (s == NULL || seq == NULL || complete == NULL || cb == NULL || *seq > INT64_MAX)
		return CKR_ARGUMENTS_BAD;
	log_read r = {0};
	CK_RV rv = log_read_all(s, iid, kinds, with_rows, *seq, &r);
	*complete = rv == CKR_OK && r.floor <= *seq;
	for (size_t i = 0; i < r.n; i++) {
		if (rv == CKR_OK && *complete) {
			log_entry *e = &r.e[i];
			rv = cb(ctx, e->kind, e->id, e->present ? e->row : NULL, e->len);
			if (rv == CKR_OK)
				*seq = e->seq;
		}
		store_free(r.e[i].row, r.e[i].len);
	}
	free(r.e);
	return rv;
}

/* ---- following our own writes ------------------------------------------- */

void store_log_began(store *s)
{
	/* BEGIN IMMEDIATE holds the write lock: the end read now stays the end
	 * until this transaction writes. */
	s->txn_writer = 0;
	if (!s->log_ready || store_change_end(s, &s->log_at_begin) != CKR_OK)
		s->log_at_begin = UINT64_MAX;
}

/* Entries kept behind the newest, and how often the oldest go. */
#define STORE_LOG_KEEP 65536u
#define STORE_LOG_PRUNE_EVERY 1024u

/* In the transaction that crossed a multiple of STORE_LOG_PRUNE_EVERY: the
 * entries more than STORE_LOG_KEEP behind go, and the floor says so. A
 * failure only leaves them for the next time. */
static void log_prune(store *s, uint64_t end)
{
	if (end < STORE_LOG_KEEP || end / STORE_LOG_PRUNE_EVERY == s->log_at_begin / STORE_LOG_PRUNE_EVERY)
		return;
	static const store_stmt_id steps[] = {ST_LOG_PRUNE, ST_LOG_FLOOR};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st = store_stmt(s, steps[i]);
		if (st == NULL)
			return;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)(end - STORE_LOG_KEEP));
		if (store_run(s, st) != CKR_OK)
			return;
	}
}

void store_log_committing(store *s, uint64_t *end)
{
	if (s->log_at_begin == UINT64_MAX || store_change_end(s, end) != CKR_OK)
		*end = UINT64_MAX;
	else
		log_prune(s, *end);
}

void store_log_committed(store *s, uint64_t end)
{
	/* Entries in (log_at_begin, end] are this transaction's: a follower that
	 * stood at log_at_begin stands at end now, whatever instance they touch,
	 * unless the transaction wrote secret rows the follower did not write
	 * (another view of the same instance in this process holds other items). */
	if (end == UINT64_MAX || end == s->log_at_begin)
		return;
	for (unsigned i = 0; i < STORE_CHANGE_SLOTS; i++) {
		struct store_log_follow *f = &s->log_follow[i];
		if (f->seq == s->log_at_begin && (s->txn_writer == 0 || s->txn_writer == f->tag))
			f->seq = end;
	}
}

void store_log_writer(store *s, uint64_t tag)
{
	store_lock(s);
	s->log_writer = tag;
	store_unlock(s);
}

void store_log_secret_written(store *s)
{
	uint64_t tag = s->log_writer != 0 ? s->log_writer : STORE_LOG_MIXED;
	s->log_writer = 0;
	s->txn_writer = s->txn_writer == 0 || s->txn_writer == tag ? tag : STORE_LOG_MIXED;
}

void store_log_follow(store *s, CK_ULONG iid, uint64_t tag, uint64_t seq)
{
	store_lock(s);
	struct store_log_follow *f = &s->log_follow[iid % STORE_CHANGE_SLOTS];
	f->iid = iid;
	f->tag = tag;
	f->seq = seq;
	store_unlock(s);
}

uint64_t store_log_followed(store *s, CK_ULONG iid, uint64_t tag)
{
	store_lock(s);
	const struct store_log_follow *f = &s->log_follow[iid % STORE_CHANGE_SLOTS];
	uint64_t seq = f->iid == iid && f->tag == tag && f->seq != UINT64_MAX ? f->seq : 0;
	store_unlock(s);
	return seq;
}
