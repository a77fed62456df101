/*
 * se_fingerprint.h - the one fingerprint both backends record in the store's
 * unique index, so that a keyset key held by one instance (emulator or card)
 * cannot be held by another under any alias (crypto.h, "Key identity").
 */
#ifndef PORTFOLIO_SE_FINGERPRINT_H
#define PORTFOLIO_SE_FINGERPRINT_H

#include "se/se.h"
#include "store/store.h"

/* HMAC-SHA256(pepper, label || canonical key), the same for an AES and a
 * generic-secret item of the same canonical bytes. CKR_ATTRIBUTE_VALUE_INVALID
 * (logged) for an item that is not a key, or a key longer than 64 bytes (no
 * canonical form: see pf_key_canonical_len). */
CK_RV se_key_fingerprint(const uint8_t pepper[STORE_PEPPER_LEN], se_item_kind kind, const uint8_t *value,
                         size_t len, uint8_t fp[STORE_FINGERPRINT_LEN]);

/* On a store whose fingerprints may predate the canonical form
 * (store_has_legacy_fingerprints): CKR_ATTRIBUTE_VALUE_INVALID (logged) when
 * an exclusive item recorded HMAC-SHA256(pepper, kind || bytes) for any
 * AES or generic-secret alias of value (its canonical key zero-padded to
 * every length up to 64). CKR_OK at once on any other store. */
CK_RV se_legacy_fingerprint_check(struct store *st, const uint8_t pepper[STORE_PEPPER_LEN], const uint8_t *value,
                                  size_t len);

#endif
