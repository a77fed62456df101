/*
 * store_rows.c - the row operations of store.h: ids, generations, instances,
 * objects, secrets, meta. Every write runs in a transaction of its own (nested
 * into the caller's, if one is open).
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/log.h"

/* Run body(s, ctx) inside a (possibly nested) transaction. */
typedef CK_RV (*store_txn_body)(store *s, void *ctx);

static CK_RV store_in_txn(store *s, store_txn_body body, void *ctx)
{
	CK_RV rv = store_begin(s);
	if (rv != CKR_OK)
		return rv;
	rv = body(s, ctx);
	if (rv == CKR_OK)
		rv = store_commit(s);
	else
		store_rollback(s);
	return rv;
}

CK_RV store_bump_generation(store *s, CK_ULONG iid)
{
	sqlite3_stmt *st = store_stmt(s, ST_GEN_BUMP);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
	CK_RV rv = store_run(s, st);
	if (rv != CKR_OK)
		return rv;
	store_changes_note(s, iid);
	uint64_t gen;
	rv = store_generation(s, iid, &gen);
	if (rv == CKR_OK)
		store_follow_raised(s, iid, gen);
	return rv;
}

/* ---- ids ---------------------------------------------------------------- */

static CK_RV next_id_body(store *s, void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, ST_ID_BUMP);
	CK_RV rv = st ? store_run(s, st) : CKR_DEVICE_ERROR;
	if (rv != CKR_OK)
		return rv;
	if ((st = store_stmt(s, ST_ID_GET)) == NULL)
		return CKR_DEVICE_ERROR;
	int rc = store_step(s, st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_error(s, rc, "next id");
	}
	sqlite3_int64 v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (v < 1)
		return CKR_DEVICE_ERROR;
	*(uint64_t *)ctx = (uint64_t)v;
	return CKR_OK;
}

CK_RV store_next_id(store *s, uint64_t *out)
{
	if (s == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	uint64_t v = 0;
	CK_RV rv = store_in_txn(s, next_id_body, &v);
	if (rv == CKR_OK)
		*out = v;
	return rv;
}

CK_RV store_generation(store *s, CK_ULONG iid, uint64_t *gen)
{
	if (s == NULL || gen == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	CK_RV rv = CKR_DEVICE_ERROR;
	sqlite3_stmt *st = store_stmt(s, ST_GEN_GET);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
		int rc = store_step(s, st);
		if (rc == SQLITE_ROW) {
			*gen = (uint64_t)sqlite3_column_int64(st, 0);
			rv = CKR_OK;
		} else if (rc == SQLITE_DONE) {
			*gen = 0; /* never written */
			rv = CKR_OK;
		} else {
			rv = store_error(s, rc, "generation");
		}
		sqlite3_reset(st);
	}
	store_unlock(s);
	return rv;
}

/* ---- one-row reads ------------------------------------------------------ */

/* Bind up to two integer keys (and optional text key), fetch column 0 as a copy.
 * Absent row: *out = NULL, *len = 0, CKR_OK. */
static CK_RV store_get_blob(store *s, store_stmt_id id, const char *text_key, sqlite3_int64 k1,
                            sqlite3_int64 k2, int nkeys, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	store_lock(s);
	CK_RV rv = CKR_DEVICE_ERROR;
	sqlite3_stmt *st = store_stmt(s, id);
	if (st != NULL) {
		if (text_key != NULL)
			sqlite3_bind_text(st, 1, text_key, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 1, k1);
		if (nkeys > 1)
			sqlite3_bind_int64(st, 2, k2);
		int rc = store_step(s, st);
		if (rc == SQLITE_ROW)
			rv = store_column_copy(st, 0, out, len);
		else if (rc == SQLITE_DONE)
			rv = CKR_OK;
		else
			rv = store_error(s, rc, "read");
		sqlite3_reset(st);
	}
	store_unlock(s);
	return rv;
}

/* ---- instances ------------------------------------------------------------ */

struct put_args {
	CK_ULONG iid;
	uint64_t id;
	const uint8_t *data;
	size_t len;
	const uint8_t *fingerprint;
	CK_ULONG *owner;
	const char *key;
};

static CK_RV instance_put_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	sqlite3_stmt *st = store_stmt(s, ST_INST_PUT);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->iid);
	sqlite3_bind_blob64(st, 2, a->data ? (const void *)a->data : (const void *)"", a->len, SQLITE_STATIC);
	return store_run(s, st);
}

CK_RV store_instance_put(store *s, CK_ULONG iid, const uint8_t *blob, size_t len)
{
	if (s == NULL || (blob == NULL && len != 0))
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .iid = iid, .data = blob, .len = len };
	return store_in_txn(s, instance_put_body, &a);
}

CK_RV store_instance_get(store *s, CK_ULONG iid, uint8_t **blob, size_t *len)
{
	if (s == NULL || blob == NULL || len == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_get_blob(s, ST_INST_GET, NULL, (sqlite3_int64)iid, 0, 1, blob, len);
}

CK_RV store_instance_list(store *s, CK_ULONG **iids, size_t *count)
{
	if (s == NULL || iids == NULL || count == NULL)
		return CKR_ARGUMENTS_BAD;
	*iids = NULL;
	*count = 0;
	CK_ULONG *arr = NULL;
	size_t n = 0, cap = 0;
	CK_RV rv = CKR_OK;
	store_lock(s);
	sqlite3_stmt *st = store_stmt(s, ST_INST_LIST);
	if (st == NULL) {
		rv = CKR_DEVICE_ERROR;
		goto out;
	}
	for (;;) {
		int rc = store_step(s, st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			rv = store_error(s, rc, "list instances");
			break;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			CK_ULONG *grown = realloc(arr, ncap * sizeof(*arr));
			if (grown == NULL) {
				rv = CKR_HOST_MEMORY;
				break;
			}
			arr = grown;
			cap = ncap;
		}
		arr[n++] = (CK_ULONG)sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
out:
	store_unlock(s);
	if (rv != CKR_OK) {
		free(arr);
		return rv;
	}
	*iids = arr;
	*count = n;
	return CKR_OK;
}

static CK_RV instance_delete_body(store *s, void *ctx)
{
	CK_ULONG iid = *(CK_ULONG *)ctx;
	store_log_secret_written(s);
	/* The foreign keys cascade too; deleting the children explicitly keeps the
	 * guarantee even on a connection where foreign keys were left off. */
	static const store_stmt_id order[] = { ST_INST_DEL_SECRETS, ST_INST_DEL_OBJECTS, ST_INST_DEL };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		sqlite3_stmt *st = store_stmt(s, order[i]);
		if (st == NULL)
			return CKR_DEVICE_ERROR;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
		CK_RV rv = store_run(s, st);
		if (rv != CKR_OK)
			return rv;
	}
	return store_bump_generation(s, iid);
}

CK_RV store_instance_delete(store *s, CK_ULONG iid)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_in_txn(s, instance_delete_body, &iid);
}

/* ---- objects ------------------------------------------------------------- */

static CK_RV store_map_constraint(store *s, int rc, CK_ULONG iid)
{
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
		PF_ERROR("store: instance %lu has no instance row", (unsigned long)iid);
		return CKR_GENERAL_ERROR;
	}
	return store_error(s, rc, "write");
}

static CK_RV object_put_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	sqlite3_stmt *st = store_stmt(s, ST_OBJ_PUT);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->iid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->id);
	sqlite3_bind_blob64(st, 3, a->data ? (const void *)a->data : (const void *)"", a->len, SQLITE_STATIC);
	int rc = store_step(s, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_map_constraint(s, rc, a->iid);
	return store_bump_generation(s, a->iid);
}

CK_RV store_object_put(store *s, CK_ULONG iid, uint64_t oid, const uint8_t *rec, size_t len)
{
	if (s == NULL || (rec == NULL && len != 0))
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .iid = iid, .id = oid, .data = rec, .len = len };
	return store_in_txn(s, object_put_body, &a);
}

static CK_RV row_delete_body(store *s, store_stmt_id id, CK_ULONG iid, uint64_t key)
{
	sqlite3_stmt *st = store_stmt(s, id);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)key);
	CK_RV rv = store_run(s, st);
	if (rv != CKR_OK)
		return rv;
	if (sqlite3_changes(s->db) == 0)
		return CKR_OK; /* nothing changed: no generation bump */
	return store_bump_generation(s, iid);
}

static CK_RV object_delete_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	return row_delete_body(s, ST_OBJ_DEL, a->iid, a->id);
}

CK_RV store_object_delete(store *s, CK_ULONG iid, uint64_t oid)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .iid = iid, .id = oid };
	return store_in_txn(s, object_delete_body, &a);
}

/* Rows are copied out under the lock (one statement: one consistent snapshot),
 * then handed to the callback with the lock released, so a callback may call
 * the store again without disturbing a running statement. */
typedef struct store_row {
	uint64_t id;
	uint8_t *data;
	size_t len;
} store_row;

static CK_RV store_foreach(store *s, store_stmt_id id, CK_ULONG iid, store_row_cb cb, void *ctx)
{
	store_row *rows = NULL;
	size_t n = 0, cap = 0;
	CK_RV rv = CKR_OK;
	store_lock(s);
	sqlite3_stmt *st = store_stmt(s, id);
	if (st == NULL) {
		rv = CKR_DEVICE_ERROR;
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)iid);
		for (;;) {
			int rc = store_step(s, st);
			if (rc == SQLITE_DONE)
				break;
			if (rc != SQLITE_ROW) {
				rv = store_error(s, rc, "list rows");
				break;
			}
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				store_row *grown = realloc(rows, ncap * sizeof(*rows));
				if (grown == NULL) {
					rv = CKR_HOST_MEMORY;
					break;
				}
				rows = grown;
				cap = ncap;
			}
			rows[n].id = (uint64_t)sqlite3_column_int64(st, 0);
			rv = store_column_copy(st, 1, &rows[n].data, &rows[n].len);
			if (rv != CKR_OK)
				break;
			n++;
		}
		sqlite3_reset(st);
	}
	store_unlock(s);

	for (size_t i = 0; i < n; i++) {
		if (rv == CKR_OK)
			rv = cb(ctx, rows[i].id, rows[i].data, rows[i].len);
		store_free(rows[i].data, rows[i].len);
	}
	free(rows);
	return rv;
}

CK_RV store_object_foreach(store *s, CK_ULONG iid, store_row_cb cb, void *ctx)
{
	if (s == NULL || cb == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_foreach(s, ST_OBJ_LIST, iid, cb, ctx);
}

/* ---- secrets ------------------------------------------------------------- */

/* Who else holds this fingerprint (any row but (iid, ref) itself)? */
static CK_RV fingerprint_other_owner(store *s, const uint8_t *fp, CK_ULONG iid, uint64_t ref,
                                     int *found, CK_ULONG *owner)
{
	sqlite3_stmt *st = store_stmt(s, ST_FP_OWNER_OTHER);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_blob(st, 1, fp, STORE_FINGERPRINT_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)iid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)ref);
	int rc = store_step(s, st);
	CK_RV rv = CKR_OK;
	*found = 0;
	if (rc == SQLITE_ROW) {
		*found = 1;
		*owner = (CK_ULONG)sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		rv = store_error(s, rc, "fingerprint lookup");
	}
	sqlite3_reset(st);
	return rv;
}

static CK_RV secret_put_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	CK_RV rv;
	store_log_secret_written(s);
	if (a->fingerprint != NULL) {
		int found = 0;
		CK_ULONG owner = 0;
		rv = fingerprint_other_owner(s, a->fingerprint, a->iid, a->id, &found, &owner);
		if (rv != CKR_OK)
			return rv;
		if (found) {
			if (a->owner != NULL)
				*a->owner = owner;
			return CKR_ATTRIBUTE_VALUE_INVALID;
		}
	}
	sqlite3_stmt *st = store_stmt(s, ST_SEC_PUT);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)a->iid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->id);
	sqlite3_bind_blob64(st, 3, a->data ? (const void *)a->data : (const void *)"", a->len, SQLITE_STATIC);
	if (a->fingerprint != NULL)
		sqlite3_bind_blob(st, 4, a->fingerprint, STORE_FINGERPRINT_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	int rc = store_step(s, st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) /* the index is the last word, should the check above miss */
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (rc != SQLITE_DONE)
		return store_map_constraint(s, rc, a->iid);
	return store_bump_generation(s, a->iid);
}

CK_RV store_secret_put(store *s, CK_ULONG iid, uint64_t ref, const uint8_t *sealed, size_t len,
                       const uint8_t *fingerprint, CK_ULONG *owner_iid)
{
	if (s == NULL || (sealed == NULL && len != 0))
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .iid = iid, .id = ref, .data = sealed, .len = len,
	                      .fingerprint = fingerprint, .owner = owner_iid };
	return store_in_txn(s, secret_put_body, &a);
}

CK_RV store_secret_get(store *s, CK_ULONG iid, uint64_t ref, uint8_t **sealed, size_t *len)
{
	if (s == NULL || sealed == NULL || len == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_get_blob(s, ST_SEC_GET, NULL, (sqlite3_int64)iid, (sqlite3_int64)ref, 2, sealed, len);
}

static CK_RV secret_delete_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	store_log_secret_written(s);
	return row_delete_body(s, ST_SEC_DEL, a->iid, a->id);
}

CK_RV store_secret_delete(store *s, CK_ULONG iid, uint64_t ref)
{
	if (s == NULL)
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .iid = iid, .id = ref };
	return store_in_txn(s, secret_delete_body, &a);
}

CK_RV store_secret_foreach(store *s, CK_ULONG iid, store_row_cb cb, void *ctx)
{
	if (s == NULL || cb == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_foreach(s, ST_SEC_LIST, iid, cb, ctx);
}

CK_RV store_fingerprint_owner(store *s, const uint8_t *fingerprint, int *found, CK_ULONG *owner_iid)
{
	if (s == NULL || fingerprint == NULL || found == NULL)
		return CKR_ARGUMENTS_BAD;
	*found = 0;
	store_lock(s);
	CK_RV rv = CKR_DEVICE_ERROR;
	sqlite3_stmt *st = store_stmt(s, ST_FP_OWNER);
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, fingerprint, STORE_FINGERPRINT_LEN, SQLITE_STATIC);
		int rc = store_step(s, st);
		rv = CKR_OK;
		if (rc == SQLITE_ROW) {
			*found = 1;
			if (owner_iid != NULL)
				*owner_iid = (CK_ULONG)sqlite3_column_int64(st, 0);
		} else if (rc != SQLITE_DONE) {
			rv = store_error(s, rc, "fingerprint lookup");
		}
		sqlite3_reset(st);
	}
	store_unlock(s);
	return rv;
}

/* ---- meta ---------------------------------------------------------------- */

CK_RV store_meta_get(store *s, const char *key, uint8_t **v, size_t *len)
{
	if (s == NULL || key == NULL || v == NULL || len == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_get_blob(s, ST_META_GET, key, 0, 0, 1, v, len);
}

static CK_RV meta_put_body(store *s, void *ctx)
{
	struct put_args *a = ctx;
	sqlite3_stmt *st = store_stmt(s, ST_META_PUT);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_text(st, 1, a->key, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 2, a->data ? (const void *)a->data : (const void *)"", a->len, SQLITE_STATIC);
	return store_run(s, st);
}

CK_RV store_meta_put(store *s, const char *key, const uint8_t *v, size_t len)
{
	if (s == NULL || key == NULL || (v == NULL && len != 0))
		return CKR_ARGUMENTS_BAD;
	struct put_args a = { .key = key, .data = v, .len = len };
	return store_in_txn(s, meta_put_body, &a);
}

static CK_RV meta_delete_body(store *s, void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, ST_META_DEL);
	if (st == NULL)
		return CKR_DEVICE_ERROR;
	sqlite3_bind_text(st, 1, (const char *)ctx, -1, SQLITE_STATIC);
	return store_run(s, st);
}

CK_RV store_meta_delete(store *s, const char *key)
{
	if (s == NULL || key == NULL)
		return CKR_ARGUMENTS_BAD;
	return store_in_txn(s, meta_delete_body, (void *)key);
}
