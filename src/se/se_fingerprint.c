/*
 * se_fingerprint.c - one fingerprint construction for every backend
 * (se_fingerprint.h). The canonical form is decided in src/crypto.
 */
#include "config.h"

#include "crypto/crypto.h"
#include "se/se_fingerprint.h"
#include "util/log.h"

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
