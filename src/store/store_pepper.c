/*
 * store_pepper.c - the fingerprint pepper lives outside the store.
 *
 * Exclusivity fingerprints are HMAC-SHA256(pepper, canonical key): equal keys
 * collide, and a guess can be tested only by whoever holds the pepper. If the
 * pepper sat in the database (as it did up to schema 2's first releases), a
 * copy of the store file would be enough to confirm a guessed key with one
 * HMAC and no PIN. So it is kept in a separate secret file, mode 0600
 * (default <store>.key, setting "store_key"), created at first use, and the
 * store keeps only a check value, HMAC-SHA256(pepper, "...pepper id"), which
 * tells a wrong or lost secret file from a fresh store without revealing it.
 *
 * Migration: a store that still holds the pepper in its meta table has it
 * moved out: written to the secret file (created only if absent), checked
 * equal if the file exists, then deleted from the database (secure_delete
 * zeroes it) and the WAL checkpointed and truncated. Fingerprints made before
 * (HMAC(pepper, kind || value)) cannot be recomputed without the keys, so the
 * store is marked and new device keys are also checked against that form
 * (se_legacy_fingerprint_check). docs/storage.md.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/secret_file.h"
#include "util/secure.h"

#define LEGACY_KEY "fingerprint_pepper"
#define ID_KEY "fingerprint_pepper_id"
#define LEGACY_MARK_KEY "fingerprint_legacy" /* present: fingerprints of the first construction may remain */
#define WHAT "store secret file"

static const char ID_LABEL[] = "portfolio-pkcs11 fingerprint pepper id";

static CK_RV pepper_id(const uint8_t pepper[STORE_PEPPER_LEN], uint8_t id[32])
{
	return pf_mac_oneshot(PF_MAC_HMAC_SHA256, pepper, STORE_PEPPER_LEN, ID_LABEL, sizeof ID_LABEL - 1,
	                      id, 32) == PF_CRYPTO_OK
	               ? CKR_OK
	               : CKR_FUNCTION_FAILED;
}

/* The secret file's pepper; created (from the legacy row if there is one,
 * else random) when absent. known: the store already has a pepper id, so a
 * missing file is a lost secret, not a new store. */
static CK_RV load_or_create(const char *path, const uint8_t *legacy, int known,
                            uint8_t pepper[STORE_PEPPER_LEN])
{
	size_t len = 0;
	pf_secret_rc rc = pf_secret_file_read(path, WHAT, pepper, STORE_PEPPER_LEN, &len);

	if (rc == PF_SECRET_MISSING && known && legacy == NULL) {
		PF_ERROR("%s %s is missing, but the store's fingerprints were made with it: restore it "
		         "(a new secret would let a key already held by one instance into another)",
		         WHAT, path);
		return CKR_GENERAL_ERROR;
	}
	if (rc == PF_SECRET_MISSING) {
		if (legacy != NULL)
			memcpy(pepper, legacy, STORE_PEPPER_LEN);
		else if (pf_random(pepper, STORE_PEPPER_LEN) != PF_CRYPTO_OK)
			return CKR_FUNCTION_FAILED;
		rc = pf_secret_file_create(path, WHAT, pepper, STORE_PEPPER_LEN);
		if (rc == PF_SECRET_OK)
			PF_INFO("created %s %s", WHAT, path);
		if (rc == PF_SECRET_EXISTS) /* another process was first: use its pepper */
			rc = pf_secret_file_read(path, WHAT, pepper, STORE_PEPPER_LEN, &len);
		else
			len = STORE_PEPPER_LEN;
	}
	if (rc == PF_SECRET_OK && len != STORE_PEPPER_LEN) {
		PF_ERROR("%s %s must hold exactly %u bytes", WHAT, path, (unsigned)STORE_PEPPER_LEN);
		rc = PF_SECRET_IO;
	}
	if (rc != PF_SECRET_OK)
		pf_wipe(pepper, STORE_PEPPER_LEN);
	return rc == PF_SECRET_OK ? CKR_OK : CKR_GENERAL_ERROR;
}

/* The pepper must be the one the store's fingerprints were made with. */
static CK_RV check_match(const char *path, const uint8_t pepper[STORE_PEPPER_LEN], const uint8_t *legacy,
                         const uint8_t *id, size_t id_len)
{
	uint8_t mine[32];
	CK_RV rv = pepper_id(pepper, mine);

	if (rv == CKR_OK && legacy != NULL && !pf_ct_equal(legacy, pepper, STORE_PEPPER_LEN))
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_OK && id != NULL && (id_len != sizeof mine || !pf_ct_equal(id, mine, sizeof mine)))
		rv = CKR_GENERAL_ERROR;
	if (rv == CKR_GENERAL_ERROR)
		PF_ERROR("%s %s does not belong to this store (its fingerprints were made with another "
		         "secret): refused", WHAT, path);
	pf_wipe(mine, sizeof mine);
	return rv;
}

static CK_RV delete_legacy_row(store *s)
{
	sqlite3_stmt *st = NULL;
	CK_RV rv;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM meta WHERE key = '" LEGACY_KEY "'", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_error(s, sqlite3_errcode(s->db), "prepare pepper delete");
	rv = store_run(s, st);
	sqlite3_finalize(st);
	return rv;
}

/* After the delete: secure_delete (on for every connection, store_db.c) has
 * zeroed the row in its page; a checkpoint writes that page over the old one
 * in the database and truncates the WAL, so no older frame keeps the pepper.
 * Best effort (another process may be reading): logged. */
static void scrub_file(store *s)
{
	if (sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
		PF_WARN("store: could not checkpoint after moving the pepper out (%s); the WAL keeps "
		        "an old copy until the next checkpoint", sqlite3_errmsg(s->db));
}

/* Inside the caller's transaction: reads the store's pepper state, settles
 * the secret file, records the id and drops the legacy row. */
static CK_RV attach_body(store *s, const char *path, int *migrated)
{
	uint8_t *legacy = NULL, *id = NULL;
	size_t legacy_len = 0, id_len = 0;
	CK_RV rv = store_meta_get(s, LEGACY_KEY, &legacy, &legacy_len);

	if (rv == CKR_OK)
		rv = store_meta_get(s, ID_KEY, &id, &id_len);
	if (rv == CKR_OK && legacy != NULL && legacy_len != STORE_PEPPER_LEN)
		rv = CKR_DEVICE_ERROR;
	if (rv == CKR_OK)
		rv = load_or_create(path, legacy, id != NULL, s->pepper);
	if (rv == CKR_OK)
		rv = check_match(path, s->pepper, legacy, id, id_len);
	if (rv == CKR_OK && id == NULL) {
		uint8_t mine[32];
		rv = pepper_id(s->pepper, mine);
		if (rv == CKR_OK)
			rv = store_meta_put(s, ID_KEY, mine, sizeof mine);
	}
	if (rv == CKR_OK && legacy != NULL) {
		static const uint8_t one = 1;
		rv = store_meta_put(s, LEGACY_MARK_KEY, &one, 1);
		if (rv == CKR_OK)
			rv = delete_legacy_row(s);
		*migrated = rv == CKR_OK;
	}
	if (rv == CKR_OK) {
		uint8_t *mark = NULL;
		size_t mark_len = 0;
		rv = store_meta_get(s, LEGACY_MARK_KEY, &mark, &mark_len);
		s->legacy_fingerprints = mark != NULL;
		store_free(mark, mark_len);
	}
	store_free(legacy, legacy_len);
	store_free(id, id_len);
	return rv;
}

CK_RV store_pepper_attach(store *s, const char *secret_path)
{
	int migrated = 0;
	CK_RV rv;

	if (s == NULL || secret_path == NULL || *secret_path == '\0')
		return CKR_ARGUMENTS_BAD;
	rv = store_begin(s);
	if (rv != CKR_OK)
		return rv;
	rv = attach_body(s, secret_path, &migrated);
	if (rv == CKR_OK)
		rv = store_commit(s);
	else
		store_rollback(s);
	if (rv != CKR_OK) {
		pf_wipe(s->pepper, sizeof s->pepper);
		s->have_pepper = 0;
		return rv;
	}
	s->have_pepper = 1;
	if (migrated) {
		scrub_file(s);
		PF_INFO("store: fingerprint pepper moved out of the database into %s", secret_path);
	}
	return CKR_OK;
}

int store_has_legacy_fingerprints(store *s)
{
	return s != NULL && s->legacy_fingerprints;
}

CK_RV store_pepper(store *s, uint8_t out[STORE_PEPPER_LEN])
{
	if (s == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	store_lock(s);
	int have = s->have_pepper;
	if (have)
		memcpy(out, s->pepper, STORE_PEPPER_LEN);
	store_unlock(s);
	if (!have)
		PF_ERROR("store: no secret file attached (store_pepper_attach): fingerprints unavailable");
	return have ? CKR_OK : CKR_GENERAL_ERROR;
}
