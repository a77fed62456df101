/*
 * se_fingerprint.c - one fingerprint construction for every backend
 * (se_fingerprint.h). The canonical form is decided in src/crypto.
 */
#include "config.h"

#include <string.h>

#include "crypto/crypto.h"
#include "se/se_fingerprint.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/sizes.h"

CK_RV se_key_fingerprint(const uint8_t pepper[STORE_PEPPER_LEN], se_item_kind kind, const uint8_t *value,
                         size_t len, uint8_t fp[STORE_FINGERPRINT_LEN])
{
	if (kind != SE_ITEM_AES_KEY && kind != SE_ITEM_GENERIC_SECRET) {
		PF_WARN("secure component: only keys can be exclusive");
		return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	switch (pf_key_fingerprint(pepper, STORE_PEPPER_LEN, value, len, fp)) {
	case PF_CRYPTO_OK:
		return CKR_OK;
	case PF_CRYPTO_BAD_LENGTH:
		/* Longer keys are hashed by HMAC, differently per hash: no one form
		 * catches every alias, so a keyset key may not be that long. */
		PF_WARN("secure component: a device (keyset) key is at most %d bytes, not %zu",
		        PF_KEY_CANONICAL_MAX, len);
		return CKR_ATTRIBUTE_VALUE_INVALID;
	default:
		return CKR_FUNCTION_FAILED;
	}
}

/* The first construction: HMAC-SHA256(pepper, kind || value). */
static int legacy_fingerprint(pf_mac *m, uint8_t kind, const uint8_t *value, size_t len,
                              uint8_t fp[STORE_FINGERPRINT_LEN])
{
	return pf_mac_restart(m) == PF_CRYPTO_OK && pf_mac_update(m, &kind, 1) == PF_CRYPTO_OK &&
	       pf_mac_update(m, value, len) == PF_CRYPTO_OK &&
	       pf_mac_final(m, fp, STORE_FINGERPRINT_LEN) == PF_CRYPTO_OK;
}

/* Is any legacy alias of padded[0..n) (as the kinds it could have been) held? */
static CK_RV legacy_lookup(struct store *st, pf_mac *m, const uint8_t *padded, size_t n)
{
	static const uint8_t kinds[] = {SE_ITEM_AES_KEY, SE_ITEM_GENERIC_SECRET};
	uint8_t fp[STORE_FINGERPRINT_LEN];
	CK_RV rv = CKR_OK;

	for (size_t i = 0; i < sizeof kinds && rv == CKR_OK; i++) {
		int found = 0;
		CK_ULONG owner = 0;
		if (kinds[i] == SE_ITEM_AES_KEY && !pf_aes_key_len_ok(n))
			continue;
		if (!legacy_fingerprint(m, kinds[i], padded, n, fp))
			rv = CKR_FUNCTION_FAILED;
		if (rv == CKR_OK)
			rv = store_fingerprint_owner(st, fp, &found, &owner);
		if (rv == CKR_OK && found) {
			PF_WARN("secure component: key material already held by an exclusive item of instance %lu",
			        (unsigned long)owner);
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
		}
	}
	pf_wipe(fp, sizeof fp);
	return rv;
}

CK_RV se_legacy_fingerprint_check(struct store *st, const uint8_t pepper[STORE_PEPPER_LEN], const uint8_t *value,
                                  size_t len)
{
	uint8_t padded[PF_KEY_CANONICAL_MAX] = {0};
	size_t canon = 0;

	if (!store_has_legacy_fingerprints(st))
		return CKR_OK;
	if (pf_key_canonical_len(value, len, &canon) != PF_CRYPTO_OK)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	pf_mac *m = pf_mac_new(PF_MAC_HMAC_SHA256, STORE_PEPPER_LEN);
	CK_RV rv = m != NULL && pf_mac_set_key(m, pepper, STORE_PEPPER_LEN) == PF_CRYPTO_OK ? CKR_OK
	                                                                                   : CKR_FUNCTION_FAILED;
	memcpy(padded, value, canon);
	for (size_t n = canon > 0 ? canon : 1; n <= PF_KEY_CANONICAL_MAX && rv == CKR_OK; n++)
		rv = legacy_lookup(st, m, padded, n);
	pf_mac_free(m);
	pf_wipe(padded, sizeof padded);
	return rv;
}
