/*
 * emu_token.h - private to the token half of the emulator (emu_token.c,
 * emu_items.c, emu_instance.c, emu_seal.c, emu_fingerprint.c, emu_backend.c):
 * the token structure, the persisted instance state and its binary format,
 * and the sealing helpers. docs/storage.md describes the formats.
 */
#ifndef PORTFOLIO_SE_EMU_TOKEN_H
#define PORTFOLIO_SE_EMU_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include "se/emu/emu.h"

#define EMU_TOKEN_KEY_LEN   32 /* AES-256 token key */
#define EMU_TOKEN_ID_LEN    16 /* random per C_InitToken: tells one life of an instance from the next */
#define EMU_SALT_LEN        32
#define EMU_NONCE_LEN       12
#define EMU_TAG_LEN         16
#define EMU_PEPPER_LEN      32
#define EMU_MANIFEST_KEY_LEN 32 /* K_manifest (emu_manifest.c) */

#define EMU_PIN_MIN_LEN     4
#define EMU_PIN_MAX_LEN     64
#define EMU_PIN_MAX_TRIES   10

/* scrypt cost (RFC 7914). N = 2^15, r = 8, p = 1: 32 MiB and about a tenth of
 * a second per derivation (docs/storage.md has the measurement). */
#define EMU_SCRYPT_LOG2_N   15
#define EMU_SCRYPT_R        8
#define EMU_SCRYPT_P        1
/* Largest N a stored wrap may ask for: bounds the memory a crafted row can make
 * us spend (128 * r * N = 256 MiB). */
#define EMU_SCRYPT_MAX_LOG2_N 18
/* Test builds only (configure --enable-test-hooks, PORTFOLIO_TEST_HOOKS): N (a
 * power of two) for new wraps, so a test suite does not spend minutes in the
 * KDF. A default build ignores it (no code reads it); its use is logged. */
#define EMU_TEST_SCRYPT_N_ENV "PORTFOLIO_TEST_SCRYPT_N"

#define EMU_ROLE_SO   0
#define EMU_ROLE_USER 1

/* The token key wrapped under one PIN's KEK. */
typedef struct emu_wrap {
	uint8_t log2_n;
	uint32_t r, p;
	uint8_t salt[EMU_SALT_LEN];
	uint8_t nonce[EMU_NONCE_LEN];
	uint8_t ct[EMU_TOKEN_KEY_LEN];
	uint8_t tag[EMU_TAG_LEN];
} emu_wrap;

/* What the instance row holds, decoded. */
typedef struct emu_instance {
	int initialized;
	int user_pin_set;
	uint8_t so_failures;   /* consecutive wrong SO PINs, 0..EMU_PIN_MAX_TRIES */
	uint8_t user_failures;
	uint8_t token_id[EMU_TOKEN_ID_LEN];
	char label[32];
	emu_wrap so;           /* valid when initialized */
	emu_wrap user;         /* valid when user_pin_set */
} emu_instance;

struct emu_node; /* hash table entry, emu_items.c */

struct pf_mac;
struct se_token {
	struct store *st;
	CK_ULONG iid;
	emu_instance inst;               /* last state read from the store */

	/* While logged in: */
	int logged_in;
	CK_USER_TYPE user;
	uint8_t token_key[EMU_TOKEN_KEY_LEN];
	uint8_t login_token_id[EMU_TOKEN_ID_LEN]; /* which life of the instance we unlocked */
	uint8_t manifest_key[EMU_MANIFEST_KEY_LEN];   /* K_manifest (emu_manifest.c) */
	struct emu_node **buckets;       /* ref -> item, chained */
	size_t nbuckets;
	size_t nitems;
	/* The store's change log position the items reflect (store_change_end at
	 * login, advanced by refreshes and by our own writes when nobody wrote in
	 * between): a refresh reads only the secret rows changed after it. */
	uint64_t log_seq;

	int have_pepper;
	uint8_t pepper[EMU_PEPPER_LEN];
	/* While logged in: HMAC keyed with manifest_key, for the manifest's row
	 * tags (emu_manifest_unlock), kept rather than made at every refresh. Used
	 * under the token's exclusive lock, like the item table. */
	struct pf_mac *manifest_mac;
};

/* ---- emu_instance.c: the instance row ---------------------------------- */

/* *out is malloc'd (free with store_free / pf_free_secret). */
CK_RV emu_instance_encode(const emu_instance *in, uint8_t **out, size_t *len);
/* Any malformed input: CKR_DEVICE_ERROR, *out zeroed. Never reads past len. */
CK_RV emu_instance_decode(const uint8_t *buf, size_t len, emu_instance *out);

/* ---- emu_seal.c: KDF, wrapping, sealing, fingerprints (OpenSSL EVP) ----- */

/* KEK = scrypt(PIN, salt, N = 2^log2_n, r, p), 32 bytes. Only the cost this
 * format allows (r = 8, p = 1, log2_n 1..EMU_SCRYPT_MAX_LOG2_N). */
CK_RV emu_kek_derive(const uint8_t *pin, size_t pin_len, const uint8_t *salt, size_t salt_len,
                     unsigned log2_n, uint32_t r, uint32_t p, uint8_t kek[32]);
/* AES-256-GCM, 12-byte nonce, 16-byte tag. open: CKR_ENCRYPTED_DATA_INVALID when
 * the tag does not verify, out wiped. len < 2^31. */
CK_RV emu_gcm_seal(const uint8_t key[32], const uint8_t nonce[EMU_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                   uint8_t tag[EMU_TAG_LEN]);
CK_RV emu_gcm_open(const uint8_t key[32], const uint8_t nonce[EMU_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[EMU_TAG_LEN],
                   uint8_t *out);
/* Fill w (fresh salt, nonce, current cost) with key wrapped under PIN's KEK. */
CK_RV emu_wrap_key(CK_ULONG iid, int role, const uint8_t *pin, size_t pin_len,
                   const uint8_t key[EMU_TOKEN_KEY_LEN], emu_wrap *w);
/* CKR_PIN_INCORRECT when the tag does not verify (wrong PIN, or a tampered wrap). */
CK_RV emu_unwrap_key(CK_ULONG iid, int role, const uint8_t *pin, size_t pin_len, const emu_wrap *w,
                     uint8_t key[EMU_TOKEN_KEY_LEN]);

/* Sealed secret row for item it of instance iid; *row malloc'd. */
CK_RV emu_item_seal(const uint8_t key[EMU_TOKEN_KEY_LEN], CK_ULONG iid, const emu_item *it,
                    uint8_t **row, size_t *row_len);
/* Unseal a row read under (iid, ref): fills out->kind/flags/pol/value/len (value malloc'd).
 * Malformed, of format 1, or not authentic (wrong instance, ref, kind, flags, policy, key):
 * CKR_DEVICE_ERROR. */
CK_RV emu_item_unseal(const uint8_t key[EMU_TOKEN_KEY_LEN], CK_ULONG iid, se_ref ref,
                      const uint8_t *row, size_t row_len, emu_item *out);

/* se_key_fingerprint: HMAC-SHA256(pepper, label || canonical key). */
CK_RV emu_fingerprint(const uint8_t pepper[EMU_PEPPER_LEN], se_item_kind kind,
                      const uint8_t *value, size_t len, uint8_t fp[32]);

/* ---- emu_fingerprint.c: exclusivity of device-side key material --------- */

/* The store's pepper (from its secret file, store_pepper_attach), cached in t. */
CK_RV emu_pepper(se_token *t);
/* Claim fp for a new EXCLUSIVE item (ref) of t. Persistent: writes the sealed
 * row with the fingerprint (the store's unique index decides). Session: checks
 * the store and the session items of every token of this process, then records
 * the claim. CKR_ATTRIBUTE_VALUE_INVALID when held elsewhere. */
CK_RV emu_exclusive_claim(se_token *t, se_ref ref, const uint8_t fp[32], int persistent,
                          const uint8_t *row, size_t row_len);
/* Drop the session claims of one item (ref != 0) or of every item of t (ref == 0). */
void emu_exclusive_release(se_token *t, se_ref ref);

/* ---- emu_manifest.c: which rows are live, sealed (docs/storage.md) ------- */

#define EMU_MANIFEST_TAG_LEN 16    /* a row's tag: HMAC-SHA256 truncated */
#define EMU_MANIFEST_DIGEST_LEN 32 /* a page record's SHA-256, as the root lists it */
#define EMU_MANIFEST_PAGE_SHIFT 9  /* page of a row = ref >> 9: 512 refs */

/* One page of the manifest, as the root lists it. */
typedef struct emu_manifest_page {
	uint64_t no;
	uint8_t digest[EMU_MANIFEST_DIGEST_LEN];
	uint8_t loaded; /* its entries are in the list */
	uint8_t dirty;  /* changed: sealed again by emu_manifest_seal */
} emu_manifest_page;

/* An instance's manifest, decoded: the root's pages, the (ref, tag) entries of
 * the pages loaded so far (ascending), and which rows a scan saw. */
typedef struct emu_manifest {
	se_token *token;
	se_ref *ref;
	uint8_t (*tag)[EMU_MANIFEST_TAG_LEN];
	uint8_t *seen;
	size_t n;
	emu_manifest_page *page; /* ascending page numbers */
	size_t npages;
	int present;        /* 0: the store had none (an instance from before manifests) */
	int read;           /* emu_manifest_read ran: there is something to finish */
	int format;         /* of the record read: 1 = one list (converted when sealed), 2 = pages */
} emu_manifest;

typedef enum emu_row_verdict {
	EMU_ROW_LIVE,     /* listed, same bytes */
	EMU_ROW_STALE,    /* listed, other bytes: an older copy, or tampered */
	EMU_ROW_UNLISTED, /* not listed: a deleted row put back, or added */
} emu_row_verdict;

/* At login: K_manifest = HMAC-SHA256(token key, fixed label), and the MAC
 * context keyed with it that every row tag uses while logged in (t->manifest_mac).
 * emu_manifest_lock frees it (logout). */
CK_RV emu_manifest_unlock(se_token *t);
void emu_manifest_lock(se_token *t);
/* Start (m empty) / free everything. */
CK_RV emu_manifest_open(se_token *t, emu_manifest *m);
void emu_manifest_close(emu_manifest *m);
/* Read t's sealed root into m (present = 0 when the store has none); its pages
 * are loaded when a row of theirs is judged or written. A format-1 record (one
 * list) is read whole. A record that does not open: CKR_DEVICE_ERROR, logged. */
CK_RV emu_manifest_read(const se_token *t, emu_manifest *m);
/* The root and every page it lists (a login, a full refresh). */
CK_RV emu_manifest_read_all(const se_token *t, emu_manifest *m);
/* A fresh token: no rows, so none can be added unseen. */
CK_RV emu_manifest_write_empty(struct store *st, CK_ULONG iid,
                               const uint8_t token_key[EMU_TOKEN_KEY_LEN]);
/* The verdict on one row read (logged when not LIVE); marks it seen. Loads the
 * row's page first when the root lists it (a page that does not match the
 * root: CKR_DEVICE_ERROR, logged). Without a manifest every row is LIVE and
 * recorded (trust on first use). */
CK_RV emu_manifest_verdict(const se_token *t, emu_manifest *m, se_ref ref, const uint8_t *row,
                           size_t len, emu_row_verdict *out);
/* After a scan: log the listed rows that were not seen; without a manifest,
 * seal the one recorded; a format-1 manifest is sealed again as pages. In the
 * caller's transaction. */
CK_RV emu_manifest_finish(se_token *t, emu_manifest *m);
/* Inside the caller's transaction: put row under ref (row == NULL: delete
 * ref's row) and record the change in the sealed manifest (its root and the
 * row's page). */
CK_RV emu_manifest_row_write(se_token *t, se_ref ref, const uint8_t *row, size_t row_len,
                             const uint8_t *fp, CK_ULONG *owner_iid);

/* ---- emu_items.c --------------------------------------------------------- */

/* Write a sealed row (with its fingerprint, or NULL), or delete ref's row
 * (row == NULL), together with the manifest, in one transaction that first
 * checks the instance is still the life we unlocked. */
CK_RV emu_persist_row(se_token *t, se_ref ref, const uint8_t *row, size_t row_len,
                      const uint8_t *fp, CK_ULONG *owner_iid);

/* Login: unseal every secret row of the instance into memory. */
CK_RV emu_items_load(se_token *t);
/* Logout / close: free every item (key caches first), wipe values. */
void emu_items_drop(se_token *t);
/* While logged in: load persistent rows another process added, drop the
 * persistent items whose rows another process deleted. Session items stay.
 * Only the rows the change log names since t->log_seq, when it reaches back
 * that far; every row otherwise. */
CK_RV emu_items_refresh(se_token *t);
/* How refreshes were done in this process (all tokens). */
typedef struct emu_refresh_stats {
	uint64_t full;       /* every secret row read */
	uint64_t changed;    /* only the changed rows read */
	uint64_t rows;       /* rows read by the latter */
	uint64_t pages;      /* manifest pages opened (logins, refreshes, writes) */
} emu_refresh_stats;
#ifdef PORTFOLIO_TEST_HOOKS
/* Test builds only (configure --enable-test-hooks). */
void emu_refresh_stats_get(emu_refresh_stats *out);
uint64_t emu_manifest_pages_opened(void); /* emu_manifest_page.c */
#endif
int emu_item_kind_valid(se_item_kind kind);
int emu_item_len_valid(se_item_kind kind, size_t len);
/* A policy an item of that kind may carry (se.h): keys a service, index and usage;
 * identity items their identity id (and, the hash item, its SE_IDENTITY_* flags). */
int emu_policy_fits(se_item_kind kind, const se_item_policy *pol);

CK_RV emu_item_put(se_token *t, se_item_kind kind, const uint8_t *value, size_t len,
                   unsigned flags, const se_item_policy *pol, se_ref *out);
CK_RV emu_item_generate(se_token *t, se_item_kind kind, size_t len, unsigned flags,
                        const se_item_policy *pol, se_ref *out);
CK_RV emu_item_restrict(se_token *t, se_ref ref, unsigned usage);
/* emu_derive.c: the backend's item_derive (se.h). */
CK_RV emu_item_derive(se_token *t, se_ref base, const se_derive_params *p, se_item_kind kind,
                      size_t len, unsigned flags, const se_item_policy *pol, se_ref *out);
CK_RV emu_item_policy(se_token *t, se_ref ref, se_item_policy *out);
CK_RV emu_item_replace(se_token *t, se_ref ref, const uint8_t *value, size_t len);
CK_RV emu_item_read(se_token *t, se_ref ref, uint8_t *out, size_t *len);
CK_RV emu_item_delete(se_token *t, se_ref ref);
CK_RV emu_item_length(se_token *t, se_ref ref, size_t *len);

/* ---- emu_wrap.c: key transport (se.h item_wrap / item_unwrap) ------------ */
CK_RV emu_item_wrap(se_token *t, se_ref wrapping, CK_MECHANISM_TYPE mech, se_ref target,
                    uint8_t *out, size_t *len);
CK_RV emu_item_unwrap(se_token *t, se_ref unwrapping, CK_MECHANISM_TYPE mech, const uint8_t *blob,
                      size_t blob_len, se_unwrap_info *info, unsigned flags, const se_item_policy *pol,
                      se_ref *out);

/* ---- emu_token.c --------------------------------------------------------- */

CK_RV emu_open(const se_config *cfg, struct store *st, CK_ULONG iid, se_token **out);
void emu_close(se_token *t);
CK_RV emu_token_info(se_token *t, se_token_info *out);
CK_RV emu_init_token(se_token *t, const uint8_t *so_pin, size_t so_pin_len, const char label[32]);
CK_RV emu_init_pin(se_token *t, const uint8_t *pin, size_t pin_len);
CK_RV emu_set_pin(se_token *t, CK_USER_TYPE who, const uint8_t *old_pin, size_t old_len,
                  const uint8_t *new_pin, size_t new_len);
CK_RV emu_login(se_token *t, CK_USER_TYPE who, const uint8_t *pin, size_t pin_len);
CK_RV emu_logout(se_token *t);
CK_RV emu_random(se_token *t, uint8_t *out, size_t len);
/* Persistent writes: the instance must still be the one we unlocked (another
 * process may have re-initialised it). */
CK_RV emu_check_same_life(se_token *t);

#endif
