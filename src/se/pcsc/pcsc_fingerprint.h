/*
 * pcsc_fingerprint.h - the card backend's part in "keysets are never shared":
 * the store-wide fingerprint index the emulator uses (pcsc_fingerprint.c).
 */
#ifndef PORTFOLIO_SE_PCSC_FINGERPRINT_H
#define PORTFOLIO_SE_PCSC_FINGERPRINT_H

#include "se/se.h"
#include "store/store.h"

/* se_key_fingerprint under the store's pepper: the emulator's construction. */
CK_RV pcsc_fingerprint(struct store *st, se_item_kind kind, const uint8_t *value, size_t len, uint8_t fp[32]);
/* CKR_ATTRIBUTE_VALUE_INVALID (logged) when an exclusive item of the store holds it. */
CK_RV pcsc_fingerprint_check(struct store *st, const uint8_t fp[32]);
/* Records that card item ref of instance iid holds it (a marker row, no value). */
CK_RV pcsc_fingerprint_claim(struct store *st, CK_ULONG iid, se_ref ref, const uint8_t fp[32]);
void pcsc_fingerprint_release(struct store *st, CK_ULONG iid, se_ref ref);

#endif
