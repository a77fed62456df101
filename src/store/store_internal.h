/*
 * store_internal.h - what the files of src/store share: the handle, the cached
 * statements, and the helpers that run a statement with the busy-retry policy.
 * Nothing outside src/store includes this file.
 */
#ifndef PORTFOLIO_STORE_INTERNAL_H
#define PORTFOLIO_STORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include "store/store.h"

/* Every statement the store runs, prepared once per handle on first use. */
typedef enum store_stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_ID_BUMP,
	ST_ID_GET,
	ST_GEN_BUMP,
	ST_GEN_GET,
	ST_INST_PUT,
	ST_INST_GET,
	ST_INST_LIST,
	ST_INST_DEL,
	ST_INST_DEL_OBJECTS,
	ST_INST_DEL_SECRETS,
	ST_OBJ_PUT,
	ST_OBJ_DEL,
	ST_OBJ_LIST,
	ST_SEC_PUT,
	ST_SEC_GET,
	ST_SEC_DEL,
	ST_SEC_LIST,
	ST_FP_OWNER,
	ST_FP_OWNER_OTHER,
	ST_META_GET,
	ST_META_PUT,
	ST_META_DEL,
	ST_LOG_SINCE,
	ST_LOG_END,
	ST_LOG_PRUNE,
	ST_LOG_FLOOR,
	ST_COUNT
} store_stmt_id;

struct store {
	sqlite3 *db;
	pthread_mutex_t mu;      /* recursive: held from store_begin to the matching commit */
	unsigned depth;          /* transaction nesting; 0 = none open */
	sqlite3_stmt *stmt[ST_COUNT];
	_Atomic uint64_t *changes;   /* the mapped "<store>.gen" (store_changes.c) */
	uint64_t pending[STORE_CHANGE_SLOTS / 64]; /* counters to add to at the outer commit */
	struct store_follow {
		CK_ULONG iid;
		uint64_t gen;        /* UINT64_MAX: not followed or chain broken */
	} follow[STORE_CHANGE_SLOTS]; /* by iid modulo the size (store_follow) */
	int log_ready;           /* the schema (with the change log) exists */
	uint64_t log_at_begin;   /* store_change_end when the outer transaction began; UINT64_MAX: unknown */
	uint64_t log_writer;     /* tag for the next secret write (store_log_writer), 0: none */
	uint64_t txn_writer;     /* secret rows of this transaction: 0 none, a tag, STORE_LOG_MIXED */
	struct store_log_follow {
		CK_ULONG iid;
		uint64_t tag;
		uint64_t seq;        /* UINT64_MAX: not followed */
	} log_follow[STORE_CHANGE_SLOTS]; /* by iid modulo the size (store_log_follow) */
	int have_pepper;         /* store_pepper_attach succeeded (store_pepper.c) */
	int legacy_fingerprints; /* the pepper came from the database: old fingerprints may remain */
	uint8_t pepper[STORE_PEPPER_LEN];
};

/* The store's lock. Recursive, so a single call may run inside a caller's
 * store_begin()/store_commit() on the same thread. */
void store_lock(store *s);
void store_unlock(store *s);

/* The cached statement, reset and with bindings cleared; NULL (logged) on failure. */
sqlite3_stmt *store_stmt(store *s, store_stmt_id id);
/* sqlite3_step with the retry policy for SQLITE_BUSY / SQLITE_LOCKED. */
int store_step(store *s, sqlite3_stmt *st);
/* Step a statement that returns no rows; then reset it. */
CK_RV store_run(store *s, sqlite3_stmt *st);
/* Map an SQLite result code to a PKCS#11 one, logging the reason. */
CK_RV store_error(store *s, int rc, const char *what);

/* The shared change counters (store_changes.c). open/close with the handle;
 * note marks iid changed by the open transaction; publish (store mutex held,
 * at the end of the outermost transaction) adds 1 to each noted counter if
 * the transaction committed, and forgets the notes either way. */
CK_RV store_changes_open(store *s, const char *db_path);
void store_changes_close(store *s);
void store_changes_note(store *s, CK_ULONG iid);
void store_changes_publish(store *s, int committed);
/* After raising iid's generation to gen (inside the transaction). */
void store_follow_raised(store *s, CK_ULONG iid, uint64_t gen);
/* At any rollback: the follows of the instances this transaction raised end. */
void store_follow_break_pending(store *s);

/* The outer transaction began / is about to commit (store_log.c): the log
 * position it starts from, and at commit the followers it moves. */
void store_log_began(store *s);
void store_log_committing(store *s, uint64_t *end);
void store_log_committed(store *s, uint64_t end);
/* A secret row is written or deleted in the open transaction (store_rows.c). */
#define STORE_LOG_MIXED UINT64_MAX
void store_log_secret_written(store *s);

/* Raise the generation counter of iid (inside the caller's transaction). */
CK_RV store_bump_generation(store *s, CK_ULONG iid);

/* A malloc'd copy of a blob column (never NULL on success, even for 0 bytes). */
CK_RV store_column_copy(sqlite3_stmt *st, int col, uint8_t **out, size_t *len);

#endif
