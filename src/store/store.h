/*
 * store.h - persistent token storage (one SQLite database per configuration).
 *
 * The store keeps bytes; it never interprets them and never sees a secret in
 * clear. Three kinds of rows:
 *   instance  one per Portfolio instance: the secure-component emulator's token
 *             state (PIN-wrapped token keys, counters, label), an opaque blob;
 *   object    one per token object: the core's attribute record (no secrets);
 *   secret    one per secure-component item: sealed (AES-GCM) by the emulator,
 *             with an optional fingerprint that must be unique store-wide
 *             (keysets are never shared between instances).
 * Every write is a transaction (WAL journal): a crash leaves the old or the new
 * state. SQLITE_BUSY from another process is retried inside, never surfaced.
 *
 * Thread safety: one store handle may be used from many threads (it has its own
 * mutex). After fork() the child must not touch the parent's handle except through
 * store_forget_after_fork(), then open a new one.
 */
#ifndef PORTFOLIO_STORE_H
#define PORTFOLIO_STORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "pkcs11/pkcs11.h"

typedef struct store store;

#define STORE_FINGERPRINT_LEN 32

CK_RV store_open(const char *path, store **out);  /* creates the file and schema if absent */
void store_close(store *s);
/* In a forked child: drop the handle without closing the parent's file locks. */
void store_forget_after_fork(store *s);

/* Group several writes in one transaction (nesting is counted: only the outer
 * begin/commit act). Single calls below are transactions on their own. */
CK_RV store_begin(store *s);
CK_RV store_commit(store *s);
void store_rollback(store *s);

/* A number never handed out before in this store (object handles, item refs). >= 1. */
CK_RV store_next_id(store *s, uint64_t *out);

/* Instances. get: *blob = NULL, *len = 0 when the instance does not exist.
 * Returned buffers are freed with store_free. */
CK_RV store_instance_put(store *s, CK_ULONG iid, const uint8_t *blob, size_t len);
CK_RV store_instance_get(store *s, CK_ULONG iid, uint8_t **blob, size_t *len);
CK_RV store_instance_list(store *s, CK_ULONG **iids, size_t *count); /* ascending; free() the array */
CK_RV store_instance_delete(store *s, CK_ULONG iid); /* with all its objects and secrets */

/* Objects (core attribute records). put inserts or replaces atomically. */
CK_RV store_object_put(store *s, CK_ULONG iid, uint64_t oid, const uint8_t *rec, size_t len);
CK_RV store_object_delete(store *s, CK_ULONG iid, uint64_t oid);
typedef CK_RV (*store_row_cb)(void *ctx, uint64_t id, const uint8_t *data, size_t len);
CK_RV store_object_foreach(store *s, CK_ULONG iid, store_row_cb cb, void *ctx);
/* A number that changes whenever any process commits a change to objects or
 * secrets of iid, so a process can tell its cache is stale without reloading. */
CK_RV store_generation(store *s, CK_ULONG iid, uint64_t *gen);
/* The same news without a database read: a counter in shared memory that any
 * process's committed change to iid raises (after its commit). Read it with an
 * acquire load before reading the store; it may also move for other instances
 * (ids share STORE_CHANGE_SLOTS counters) and is only a hint: a moved counter
 * means "check store_generation", an unmoved one means nothing for security.
 * Valid while the handle is open. */
#define STORE_CHANGE_SLOTS 512u
const _Atomic uint64_t *store_change_counter(store *s, CK_ULONG iid);
/* Telling our own writes from other processes': store_follow says "my view of
 * iid is generation gen"; every later raise of iid's generation through this
 * handle moves the followed value along if it starts from it, and breaks the
 * chain otherwise (someone else wrote in between). store_followed returns the
 * end of an unbroken chain, or UINT64_MAX. When it equals store_generation,
 * every change since gen was made through this handle and a cache kept in step
 * with them need not reload. */
void store_follow(store *s, CK_ULONG iid, uint64_t gen);
uint64_t store_followed(store *s, CK_ULONG iid);
/* The change log (store_log.c): which rows of an instance changed since a
 * process last looked, so it reloads those alone. Every write or delete of an
 * object or secret row gives that row's entry a new sequence number, higher
 * than any before (triggers in the schema do it, in the writer's transaction).
 * store_change_end: the highest number handed out so far (0: none). A reader
 * takes it before reading everything, and later asks for what came after. */
#define STORE_ROW_OBJECT 1u
#define STORE_ROW_SECRET 2u
CK_RV store_change_end(store *s, uint64_t *seq);
/* Row kinds changed after *seq: cb(kind, id, row, len) for each, oldest first,
 * with the row as it is now (row NULL: deleted; always NULL for a kind not in
 * with_rows). *seq moves to the newest entry seen. *complete = 0 (and no
 * callback) when the log was pruned past *seq: the caller must reload
 * everything. Log and rows are read in one snapshot. */
/* Following our own writes in the log. A follower (a nonzero tag, e.g. the
 * address of the view of iid that keeps items in memory) says "my view of iid
 * reflects the log up to seq" with store_log_follow. Each transaction then
 * committed through this handle that starts where the position is moves it
 * to the transaction's end, if every secret row it wrote was written by the
 * follower: store_log_writer(tag) right before a secret row write names the
 * writer; a secret write without one counts as someone else's. A transaction
 * that finds other entries after the position leaves it. store_log_followed:
 * the position now (0 when iid is not followed by tag). */
void store_log_follow(store *s, CK_ULONG iid, uint64_t tag, uint64_t seq);
uint64_t store_log_followed(store *s, CK_ULONG iid, uint64_t tag);
void store_log_writer(store *s, uint64_t tag);
typedef CK_RV (*store_change_cb)(void *ctx, unsigned kind, uint64_t id, const uint8_t *row, size_t len);
CK_RV store_changes_since(store *s, CK_ULONG iid, unsigned kinds, unsigned with_rows, uint64_t *seq,
                          int *complete, store_change_cb cb, void *ctx);

/* Secrets (sealed secure-component items). fingerprint may be NULL; if given and
 * already held by any row of the store: CKR_ATTRIBUTE_VALUE_INVALID and *owner_iid
 * (if not NULL) says which instance holds it. */
CK_RV store_secret_put(store *s, CK_ULONG iid, uint64_t ref, const uint8_t *sealed, size_t len,
                       const uint8_t *fingerprint, CK_ULONG *owner_iid);
CK_RV store_secret_get(store *s, CK_ULONG iid, uint64_t ref, uint8_t **sealed, size_t *len);
CK_RV store_secret_delete(store *s, CK_ULONG iid, uint64_t ref);
CK_RV store_secret_foreach(store *s, CK_ULONG iid, store_row_cb cb, void *ctx);
CK_RV store_fingerprint_owner(store *s, const uint8_t *fingerprint, int *found, CK_ULONG *owner_iid);

/* The exclusivity-fingerprint pepper, kept outside the database in a secret
 * file (store_pepper.c, docs/storage.md). attach: reads secret_path (refused,
 * logged, when group or others may access it), or creates it (mode 0600) when
 * absent, moving a pepper still held by the database out of it. Call once
 * after store_open; store_pepper fails (logged) until it succeeded. */
#define STORE_PEPPER_LEN 32
CK_RV store_pepper_attach(store *s, const char *secret_path);
CK_RV store_pepper(store *s, uint8_t out[STORE_PEPPER_LEN]);
/* 1 when the store's pepper was moved out of the database: its fingerprints
 * may then still be of the first construction (se_legacy_fingerprint_check). */
int store_has_legacy_fingerprints(store *s);

/* Store-wide settings (e.g. the pepper's check value). get: *v = NULL when absent. */
CK_RV store_meta_get(store *s, const char *key, uint8_t **v, size_t *len);
CK_RV store_meta_put(store *s, const char *key, const uint8_t *v, size_t len);
/* Removes key's value (none there: CKR_OK). */
CK_RV store_meta_delete(store *s, const char *key);

/* Run SQLite's integrity check and foreign key check: CKR_OK when the file is
 * sound, CKR_DEVICE_ERROR (logged) when not. For tests and the CLI's check. */
CK_RV store_check(store *s);

/* Zeroize then free a buffer returned by the store. */
void store_free(void *p, size_t len);

#endif /* PORTFOLIO_STORE_H */
