/*
 * crypto_keyid.c - the canonical form of a key and its peppered fingerprint,
 * by which the secure components tell that two keysets hold the same key
 * (crypto.h, "Key identity").
 */
#include "config.h"

#include <string.h>

#include "crypto/crypto_local.h"

/* Domain separation from every other use of the pepper; "v2" because the
 * first fingerprints hashed the item kind and the raw bytes. */
static const char FINGERPRINT_LABEL[] = "portfolio key fingerprint v2";

int pf_key_canonical_len(const uint8_t *key, size_t len, size_t *canon_len)
{
	if ((key == NULL && len != 0) || canon_len == NULL)
		return PF_CRYPTO_ERR;
	if (len > PF_KEY_CANONICAL_MAX)
		return PF_CRYPTO_BAD_LENGTH;
	while (len > 0 && key[len - 1] == 0)
		len--;
	*canon_len = len;
	return PF_CRYPTO_OK;
}

int pf_key_fingerprint(const uint8_t *pepper, size_t pepper_len, const uint8_t *key, size_t len,
                       uint8_t fp[PF_KEY_FINGERPRINT_LEN])
{
	size_t canon = 0;
	int rc = pf_key_canonical_len(key, len, &canon);

	if (rc != PF_CRYPTO_OK)
		return rc;
	pf_mac *m = pf_mac_new(PF_MAC_HMAC_SHA256, pepper_len);
	if (m == NULL)
		return PF_CRYPTO_ERR;
	rc = pf_mac_set_key(m, pepper, pepper_len);
	if (rc == PF_CRYPTO_OK)
		rc = pf_mac_update(m, FINGERPRINT_LABEL, sizeof FINGERPRINT_LABEL - 1);
	if (rc == PF_CRYPTO_OK && canon > 0)
		rc = pf_mac_update(m, key, canon);
	if (rc == PF_CRYPTO_OK)
		rc = pf_mac_final(m, fp, PF_KEY_FINGERPRINT_LEN);
	pf_mac_free(m);
	return rc;
}
