/*
 * pcsc_fingerprint.c - keysets are never shared, across backends too: a key
 * imported as EXCLUSIVE into a card must not also be held by an exclusive
 * emulator item of the same store, nor the other way round.
 *
 * The emulator enforces the rule with the store's unique index on
 * secret.fingerprint, se_key_fingerprint under the store's pepper (kept in
 * the store's secret file, src/store/store_pepper.c). The card
 * backend takes part in the same index: for each persistent exclusive item
 * it puts on a card it writes a secret row holding only a marker and that
 * fingerprint (the value itself stays on the card). Both backends call the
 * one construction, so equal (canonical) keys collide.
 * Limits: session items on a card are checked against the store but claim
 * nothing (the emulator's claims of session items are process-local).
 */
#include <string.h>

#include "se/pcsc/pcsc_fingerprint.h"
#include "se/se_fingerprint.h"
#include "util/log.h"
#include "util/secure.h"

static const uint8_t ROW_MARKER[] = {'P', 'C', 'S', 'C', '-', 'F', 'P', 0x01};

CK_RV pcsc_fingerprint(struct store *st, se_item_kind kind, const uint8_t *value, size_t len, uint8_t fp[32])
{
	uint8_t pepper[STORE_PEPPER_LEN];
	CK_RV rv = store_pepper(st, pepper);

	if (rv == CKR_OK)
		rv = se_key_fingerprint(pepper, kind, value, len, fp);
	if (rv == CKR_OK)
		rv = se_legacy_fingerprint_check(st, pepper, value, len);
	pf_wipe(pepper, sizeof(pepper));
	return rv;
}

CK_RV pcsc_fingerprint_check(struct store *st, const uint8_t fp[32])
{
	int found = 0;
	CK_ULONG owner = 0;
	CK_RV rv = store_fingerprint_owner(st, fp, &found, &owner);

	if (rv == CKR_OK && found) {
		PF_WARN("pcsc: key material already held by an exclusive item of instance %lu", (unsigned long)owner);
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	}
	return rv;
}

CK_RV pcsc_fingerprint_claim(struct store *st, CK_ULONG iid, se_ref ref, const uint8_t fp[32])
{
	CK_ULONG owner = 0;
	CK_RV rv = store_secret_put(st, iid, ref, ROW_MARKER, sizeof(ROW_MARKER), fp, &owner);

	if (rv == CKR_ATTRIBUTE_VALUE_INVALID)
		PF_WARN("pcsc: key material already held by an exclusive item of instance %lu", (unsigned long)owner);
	return rv;
}

void pcsc_fingerprint_release(struct store *st, CK_ULONG iid, se_ref ref)
{
	(void)store_secret_delete(st, iid, ref); /* no row: the item claimed nothing */
}
