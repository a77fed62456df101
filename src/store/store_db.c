/*
 * store_db.c - the SQLite connection behind a store handle: opening (file mode,
 * pragmas, schema), the statement cache, the busy-retry policy, transactions,
 * the integrity check and the fork rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "util/log.h"
#include "util/secure.h"

#define STORE_SCHEMA_VERSION "1"

/* SQLite's own busy handler waits this long per statement... */
#define STORE_BUSY_TIMEOUT_MS 2000
/* ...and we retry on top of it, so a long checkpoint or a slow peer process
 * never turns into an error seen by the application. The bound only exists
 * so that a peer that holds the write lock forever (a hung process) ends in a
 * logged CKR_DEVICE_ERROR instead of a hang: 60 tries is about two minutes. */
#define STORE_BUSY_RETRIES 60

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT nested",
	[ST_RELEASE] = "RELEASE nested",
	[ST_ROLLBACK_TO] = "ROLLBACK TO nested",
	[ST_ID_BUMP] = "UPDATE counter SET value = value + 1 WHERE name = 'next_id'",
	[ST_ID_GET] = "SELECT value FROM counter WHERE name = 'next_id'",
	[ST_GEN_BUMP] = "INSERT INTO generation(iid, gen) VALUES(?1, 1) "
	                "ON CONFLICT(iid) DO UPDATE SET gen = gen + 1",
	[ST_GEN_GET] = "SELECT gen FROM generation WHERE iid = ?1",
	[ST_INST_PUT] = "INSERT INTO instance(iid, blob) VALUES(?1, ?2) "
	                "ON CONFLICT(iid) DO UPDATE SET blob = excluded.blob",
	[ST_INST_GET] = "SELECT blob FROM instance WHERE iid = ?1",
	[ST_INST_LIST] = "SELECT iid FROM instance ORDER BY iid",
	[ST_INST_DEL] = "DELETE FROM instance WHERE iid = ?1",
	[ST_INST_DEL_OBJECTS] = "DELETE FROM object WHERE iid = ?1",
	[ST_INST_DEL_SECRETS] = "DELETE FROM secret WHERE iid = ?1",
	[ST_OBJ_PUT] = "INSERT INTO object(iid, oid, rec) VALUES(?1, ?2, ?3) "
	               "ON CONFLICT(iid, oid) DO UPDATE SET rec = excluded.rec",
	[ST_OBJ_DEL] = "DELETE FROM object WHERE iid = ?1 AND oid = ?2",
	[ST_OBJ_LIST] = "SELECT oid, rec FROM object WHERE iid = ?1 ORDER BY oid",
	/* An upsert, never INSERT OR REPLACE: REPLACE would resolve a clash on the
	 * fingerprint index by deleting the other instance's row. */
	[ST_SEC_PUT] = "INSERT INTO secret(iid, ref, sealed, fingerprint) VALUES(?1, ?2, ?3, ?4) "
	               "ON CONFLICT(iid, ref) DO UPDATE SET sealed = excluded.sealed, "
	               "fingerprint = excluded.fingerprint",
	[ST_SEC_GET] = "SELECT sealed FROM secret WHERE iid = ?1 AND ref = ?2",
	[ST_SEC_DEL] = "DELETE FROM secret WHERE iid = ?1 AND ref = ?2",
	[ST_SEC_LIST] = "SELECT ref, sealed FROM secret WHERE iid = ?1 ORDER BY ref",
	[ST_FP_OWNER] = "SELECT iid FROM secret WHERE fingerprint = ?1",
	[ST_FP_OWNER_OTHER] = "SELECT iid FROM secret WHERE fingerprint = ?1 AND NOT (iid = ?2 AND ref = ?3)",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_PUT] = "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_META_DEL] = "DELETE FROM meta WHERE key = ?1",
	/* The floor first (seq -1), then the rows of iid of the kinds in ?3 with
	 * entries after ?2, once each (at their newest entry), with the row as it
	 * is now (NULL: gone, or a kind not in ?4): one statement, one snapshot of
	 * log, floor and rows (store_log.c). The entries after ?2 are the newest
	 * of the table: a range of its rowid, whatever the instance. */
	[ST_LOG_SINCE] = "SELECT -1, 0, value, NULL FROM counter WHERE name = 'change_log_floor' "
	                 "UNION ALL "
	                 "SELECT l.seq, l.kind, l.id, CASE "
	                 "WHEN l.kind = 1 AND (?4 & 1) != 0 THEN "
	                 "(SELECT rec FROM object o WHERE o.iid = ?1 AND o.oid = l.id) "
	                 "WHEN l.kind = 2 AND (?4 & 2) != 0 THEN "
	                 "(SELECT sealed FROM secret x WHERE x.iid = ?1 AND x.ref = l.id) END "
	                 "FROM (SELECT max(seq) AS seq, kind, id FROM change_log "
	                 "WHERE seq > ?2 AND iid = ?1 AND (kind & ?3) != 0 GROUP BY kind, id) l "
	                 "ORDER BY 1",
	[ST_LOG_PRUNE] = "DELETE FROM change_log WHERE seq <= ?1",
	[ST_LOG_FLOOR] = "UPDATE counter SET value = max(value, ?1) WHERE name = 'change_log_floor'",
	[ST_LOG_END] = "SELECT coalesce(max(seq), 0) FROM change_log",
};

/* Insert and delete of table's rows, and updates (the new key; the old one
 * too should a key ever change), each append an entry: one append to a rowid
 * table, the cheapest write SQLite has (an entry per write, not per row:
 * readers take the newest entry of each row, and pruning bounds the table). */
#define CHANGE_LOG_ENTRY(row, kind, col) \
	"INSERT INTO change_log(iid, kind, id) VALUES(" row ".iid, " kind ", " row "." col ");"
#define CHANGE_LOG_TRIGGERS(table, kind, col) \
	"CREATE TRIGGER IF NOT EXISTS " table "_logged_insert AFTER INSERT ON " table " BEGIN " \
	CHANGE_LOG_ENTRY("NEW", kind, col) " END;" \
	"CREATE TRIGGER IF NOT EXISTS " table "_logged_update AFTER UPDATE ON " table " BEGIN " \
	CHANGE_LOG_ENTRY("NEW", kind, col) " END;" \
	"CREATE TRIGGER IF NOT EXISTS " table "_logged_rekey AFTER UPDATE ON " table \
	" WHEN OLD.iid != NEW.iid OR OLD." col " != NEW." col " BEGIN " CHANGE_LOG_ENTRY("OLD", kind, col) " END;" \
	"CREATE TRIGGER IF NOT EXISTS " table "_logged_delete AFTER DELETE ON " table " BEGIN " \
	CHANGE_LOG_ENTRY("OLD", kind, col) " END;"

/* Run once per open, inside BEGIN IMMEDIATE, so two processes creating the
 * same new file do not race. Every statement is idempotent. */
static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS meta ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS counter ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  value INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO counter(name, value) VALUES('next_id', 0);"
	"CREATE TABLE IF NOT EXISTS instance ("
	"  iid INTEGER PRIMARY KEY NOT NULL,"
	"  blob BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS object ("
	"  iid INTEGER NOT NULL REFERENCES instance(iid) ON DELETE CASCADE,"
	"  oid INTEGER NOT NULL,"
	"  rec BLOB NOT NULL,"
	"  PRIMARY KEY (iid, oid));"
	"CREATE TABLE IF NOT EXISTS secret ("
	"  iid INTEGER NOT NULL REFERENCES instance(iid) ON DELETE CASCADE,"
	"  ref INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  fingerprint BLOB CHECK (fingerprint IS NULL OR length(fingerprint) = 32),"
	"  PRIMARY KEY (iid, ref));"
	/* NULLs are distinct in a UNIQUE index: only fingerprinted rows clash. */
	"CREATE UNIQUE INDEX IF NOT EXISTS secret_fingerprint ON secret(fingerprint);"
	/* Not tied to instance rows: a deleted then re-created instance must never
	 * see its generation go back to a value a cache may remember. */
	"CREATE TABLE IF NOT EXISTS generation ("
	"  iid INTEGER PRIMARY KEY NOT NULL,"
	"  gen INTEGER NOT NULL);"
	/* The change log (store_log.c, docs/storage.md): an entry for every write
	 * or delete of an object or secret row, numbered upwards, so a process
	 * can read only what changed since the last entry it saw. Triggers write
	 * it, so every writer of the file keeps it (any version of this module,
	 * or a tool). Entries at or below the floor may be pruned (store_log.c):
	 * a reader that saw nothing since then reloads everything. */
	"CREATE TABLE IF NOT EXISTS change_log ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  iid INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL," /* 1 object, 2 secret */
	"  id INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO counter(name, value) VALUES('change_log_floor', 0);"
	CHANGE_LOG_TRIGGERS("object", "1", "oid")
	CHANGE_LOG_TRIGGERS("secret", "2", "ref")
	"INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', CAST('" STORE_SCHEMA_VERSION
	"' AS BLOB));";

void store_lock(store *s)
{
	pthread_mutex_lock(&s->mu);
}

void store_unlock(store *s)
{
	pthread_mutex_unlock(&s->mu);
}

CK_RV store_error(store *s, int rc, const char *what)
{
	/* sqlite3_errmsg never contains bound values, so this cannot leak data. */
	PF_ERROR("store: %s: %s (%d)", what, s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), rc);
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return CKR_HOST_MEMORY;
	case SQLITE_FULL:
		return CKR_DEVICE_MEMORY;
	default:
		return CKR_DEVICE_ERROR;
	}
}

static void store_backoff(int attempt)
{
	/* 1, 2, 4 ... 64 ms, then 64 ms: on top of SQLite's own busy wait. */
	long ms = attempt < 6 ? 1L << attempt : 64L;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int store_is_busy(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

int store_step(store *s, sqlite3_stmt *st)
{
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = sqlite3_step(st);
		if (!store_is_busy(rc) || attempt >= STORE_BUSY_RETRIES)
			break;
		sqlite3_reset(st); /* keeps the bindings */
		store_backoff(attempt);
	}
	if (store_is_busy(rc))
		PF_ERROR("store: database still busy after %d retries", STORE_BUSY_RETRIES);
	return rc;
}

sqlite3_stmt *store_stmt(store *s, store_stmt_id id)
{
	if (s->stmt[id] == NULL) {
		int rc;
		for (int attempt = 0;; attempt++) {
			rc = sqlite3_prepare_v3(s->db, store_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
			                        &s->stmt[id], NULL);
			if (!store_is_busy(rc) || attempt >= STORE_BUSY_RETRIES)
				break;
			store_backoff(attempt);
		}
		if (rc != SQLITE_OK) {
			store_error(s, rc, "prepare");
			s->stmt[id] = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(s->stmt[id]);
		sqlite3_clear_bindings(s->stmt[id]);
	}
	return s->stmt[id];
}

CK_RV store_run(store *s, sqlite3_stmt *st)
{
	int rc = store_step(s, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(s, rc, "step");
	return CKR_OK;
}

/* For pragmas and the schema (not cached: run once per open). */
static CK_RV store_exec(store *s, const char *sql)
{
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (!store_is_busy(rc) || attempt >= STORE_BUSY_RETRIES)
			break;
		store_backoff(attempt);
	}
	return rc == SQLITE_OK ? CKR_OK : store_error(s, rc, "exec");
}

CK_RV store_column_copy(sqlite3_stmt *st, int col, uint8_t **out, size_t *len)
{
	const void *p = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);
	uint8_t *copy = malloc(n > 0 ? (size_t)n : 1);
	if (copy == NULL)
		return CKR_HOST_MEMORY;
	if (n > 0)
		memcpy(copy, p, (size_t)n);
	*out = copy;
	*len = (size_t)n;
	return CKR_OK;
}

/* Create the file ourselves, mode 0600 whatever the umask, before SQLite opens
 * it: SQLite gives the -wal and -shm files the mode of the database file. Our
 * descriptor is closed before sqlite3_open: closing a second descriptor of a
 * file SQLite has open would drop SQLite's POSIX locks on it. */
static CK_RV store_create_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return CKR_OK;
		PF_ERROR("store: cannot create the database file: %s", strerror(errno));
		return CKR_DEVICE_ERROR;
	}
	int rc = fchmod(fd, 0600); /* a umask such as 0277 would have removed owner write */
	close(fd);
	if (rc != 0) {
		PF_ERROR("store: cannot set the mode of the database file: %s", strerror(errno));
		return CKR_DEVICE_ERROR;
	}
	return CKR_OK;
}

static CK_RV store_check_schema_version(store *s)
{
	uint8_t *v = NULL;
	size_t len = 0;
	CK_RV rv = store_meta_get(s, "schema_version", &v, &len);
	if (rv != CKR_OK)
		return rv;
	if (v == NULL || len != strlen(STORE_SCHEMA_VERSION) ||
	    memcmp(v, STORE_SCHEMA_VERSION, len) != 0) {
		PF_ERROR("store: unsupported schema version (this build reads version %s)",
		         STORE_SCHEMA_VERSION);
		rv = CKR_DEVICE_ERROR;
	}
	store_free(v, len);
	return rv;
}

static CK_RV store_setup(store *s)
{
	CK_RV rv;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	/* WAL: readers never block the writer and a crash mid-commit leaves the
	 * previous state. synchronous=FULL: a commit is on disk when it returns, so
	 * a PIN failure counter cannot be lost by pulling the plug afterwards. */
	if ((rv = store_exec(s, "PRAGMA journal_mode = WAL")) != CKR_OK ||
	    (rv = store_exec(s, "PRAGMA synchronous = FULL")) != CKR_OK ||
	    (rv = store_exec(s, "PRAGMA foreign_keys = ON")) != CKR_OK ||
	    (rv = store_exec(s, "PRAGMA secure_delete = ON")) != CKR_OK)
		return rv;
	/* journal_mode is persistent but may silently stay on the old mode (e.g. a
	 * file system without shared memory): make sure it did switch. */
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_error(s, rc, "journal mode");
	rc = store_step(s, st);
	int wal = rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL &&
	          strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (!wal) {
		PF_ERROR("store: the database could not be switched to WAL journaling");
		return CKR_DEVICE_ERROR;
	}

	if ((rv = store_begin(s)) != CKR_OK)
		return rv;
	rv = store_exec(s, store_schema);
	if (rv == CKR_OK)
		rv = store_commit(s);
	else
		store_rollback(s);
	s->log_ready = rv == CKR_OK;
	if (rv == CKR_OK)
		rv = store_check_schema_version(s);
	return rv;
}

CK_RV store_open(const char *path, store **out)
{
	if (path == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	CK_RV rv = store_create_file(path);
	if (rv != CKR_OK)
		return rv;

	store *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < STORE_CHANGE_SLOTS; i++)
		s->follow[i].gen = s->log_follow[i].seq = UINT64_MAX;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	int err = pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err != 0) {
		free(s);
		return CKR_GENERAL_ERROR;
	}

	int rc = sqlite3_open_v2(path, &s->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
	                         NULL);
	if (rc != SQLITE_OK) {
		rv = store_error(s, rc, "open");
		store_close(s);
		return rv;
	}
	rv = store_setup(s);
	if (rv == CKR_OK)
		rv = store_changes_open(s, path);
	if (rv != CKR_OK) {
		store_close(s);
		return rv;
	}
	*out = s;
	return CKR_OK;
}

void store_close(store *s)
{
	if (s == NULL)
		return;
	if (s->depth > 0) {
		PF_WARN("store: closed with a transaction open; rolling it back");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	store_changes_close(s);
	pthread_mutex_destroy(&s->mu);
	pf_free_secret(s, sizeof *s); /* holds the pepper */
}

/*
 * In a forked child the connection is deliberately leaked: no finalize, no
 * close. SQLite keeps per-process bookkeeping of the POSIX locks it believes
 * it holds; fork() copies that bookkeeping but not the locks (fcntl locks are
 * not inherited). A close in the child may then checkpoint the WAL, truncate
 * or unlink the -wal file, or otherwise act as if it held locks that really
 * belong to the parent, which SQLite documents as a way to corrupt the
 * database. Leaking a few kilobytes in the child is the safe price. The mutex
 * is not destroyed either: another parent thread may have held it at fork().
 */
/* The parent's connections a forked child abandoned. Kept on purpose: closing
 * one could release or checkpoint what belongs to the parent. Recorded here so
 * the memory stays reachable (leak checkers then tell a deliberate abandon from
 * a real leak); a chain of forks deeper than this simply stops recording. */
static sqlite3 *volatile abandoned[8]; /* volatile: written, never read - keep the stores */
static size_t n_abandoned;

void store_forget_after_fork(store *s)
{
	if (s == NULL)
		return;
	if (n_abandoned < sizeof abandoned / sizeof abandoned[0])
		abandoned[n_abandoned++] = s->db;
	/* Free only our own memory; s->db and s->stmt[] stay allocated, unused.
	 * The change counter mapping is the child's own: unmapping it touches
	 * nothing of the parent's. */
	store_changes_close(s);
	free(s);
}

/*
 * Transactions. store_begin takes the store mutex and keeps it until the
 * matching commit/rollback, so another thread's single call cannot slip into
 * this thread's transaction. The outer level is BEGIN IMMEDIATE (take the
 * write lock now: no deadlock-prone read-to-write upgrade later); inner levels
 * are savepoints, so an inner rollback undoes only its own part and the outer
 * caller still decides. Only the outer commit makes anything durable.
 */
CK_RV store_begin(store *s)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	sqlite3_stmt *st = store_stmt(s, s->depth == 0 ? ST_BEGIN : ST_SAVEPOINT);
	CK_RV rv = st ? store_run(s, st) : CKR_DEVICE_ERROR;
	if (rv != CKR_OK) {
		store_unlock(s);
		return rv;
	}
	if (s->depth == 0)
		store_log_began(s);
	s->depth++;
	return CKR_OK; /* the mutex stays held */
}

CK_RV store_commit(store *s)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	if (s->depth == 0) {
		store_unlock(s);
		PF_ERROR("store: commit without a transaction");
		return CKR_GENERAL_ERROR;
	}
	CK_RV rv;
	if (s->depth > 1) {
		sqlite3_stmt *st = store_stmt(s, ST_RELEASE);
		rv = st ? store_run(s, st) : CKR_DEVICE_ERROR;
	} else {
		uint64_t log_end;
		store_log_committing(s, &log_end);
		sqlite3_stmt *st = store_stmt(s, ST_COMMIT);
		rv = st ? store_run(s, st) : CKR_DEVICE_ERROR;
		if (rv == CKR_OK)
			store_log_committed(s, log_end);
		/* A failed COMMIT (disk full, I/O error) may leave the transaction
		 * open: end it so the connection is usable again. */
		if (rv != CKR_OK && !sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		if (rv != CKR_OK)
			store_follow_break_pending(s);
		/* Only now may other processes hear of it (store_changes.c). */
		store_changes_publish(s, rv == CKR_OK);
	}
	s->depth--;
	store_unlock(s); /* this call */
	store_unlock(s); /* the matching store_begin */
	return rv;
}

void store_rollback(store *s)
{
	if (s == NULL)
		return;
	store_lock(s);
	if (s->depth == 0) {
		store_unlock(s);
		PF_ERROR("store: rollback without a transaction");
		return;
	}
	store_follow_break_pending(s);
	if (s->depth > 1) {
		sqlite3_stmt *st = store_stmt(s, ST_ROLLBACK_TO);
		if (st != NULL && store_run(s, st) == CKR_OK && (st = store_stmt(s, ST_RELEASE)) != NULL)
			store_run(s, st);
	} else {
		if (!sqlite3_get_autocommit(s->db)) {
			sqlite3_stmt *st = store_stmt(s, ST_ROLLBACK);
			if (st != NULL)
				store_run(s, st);
		}
		store_changes_publish(s, 0);
	}
	s->depth--;
	store_unlock(s);
	store_unlock(s);
}

CK_RV store_check(store *s)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	CK_RV rv = CKR_OK;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rv = store_error(s, rc, "integrity check");
		goto out;
	}
	rc = store_step(s, st);
	if (rc != SQLITE_ROW) {
		rv = store_error(s, rc, "integrity check");
	} else {
		const unsigned char *txt = sqlite3_column_text(st, 0);
		if (txt == NULL || strcmp((const char *)txt, "ok") != 0) {
			PF_ERROR("store: integrity check failed: %s", txt ? (const char *)txt : "?");
			rv = CKR_DEVICE_ERROR;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rv != CKR_OK)
		goto out;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		rv = store_error(s, rc, "foreign key check");
		goto out;
	}
	rc = store_step(s, st);
	if (rc == SQLITE_ROW) {
		PF_ERROR("store: foreign key check failed (rows without their instance)");
		rv = CKR_DEVICE_ERROR;
	} else if (rc != SQLITE_DONE) {
		rv = store_error(s, rc, "foreign key check");
	}
	sqlite3_finalize(st);
out:
	store_unlock(s);
	return rv;
}

void store_free(void *p, size_t len)
{
	pf_free_secret(p, len);
}
