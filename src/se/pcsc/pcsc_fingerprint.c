/*
 * pcsc_fingerprint.c - keysets are never shared, across backends too: a key
 * imported as EXCLUSIVE into a card must not also be held by an exclusive
 * emulator item of the same store, nor the other way round.
 *
 * The emulator enforces the rule with the store's unique index on
 * secret.fingerprint, HMAC-SHA256(pepper, kind || value) under the store's
 * 32-byte "fingerprint_pepper" (src/se/emu/emu_fingerprint.c). The card
 * backend takes part in the same index: for each persistent exclusive item
 * it puts on a card it writes a secret row holding only a marker and that
 * fingerprint (the value itself stays on the card). The construction must
 * stay byte for byte the emulator's, or equal keys would not collide.
 * Limits: session items on a card are checked against the store but claim
 * nothing (the emulator's claims of session items are process-local).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "se/pcsc/pcsc_fingerprint.h"
#include "util/log.h"
#include "util/secure.h"

#define PEPPER_META_KEY "fingerprint_pepper"
#define PEPPER_LEN 32u

static const uint8_t ROW_MARKER[] = {'P', 'C', 'S', 'C', '-', 'F', 'P', 0x01};

/* Reads the store's pepper, creating it if no backend did yet (one transaction,
 * so two processes agree on one pepper). */
static CK_RV pepper(struct store *st, uint8_t out[PEPPER_LEN])
{
	uint8_t *v = NULL;
	size_t len = 0;
	CK_RV rv = store_begin(st);

	if (rv != CKR_OK)
		return rv;
	rv = store_meta_get(st, PEPPER_META_KEY, &v, &len);
	if (rv == CKR_OK && v == NULL) {
		if (RAND_bytes(out, PEPPER_LEN) != 1)
			rv = CKR_FUNCTION_FAILED;
		else
			rv = store_meta_put(st, PEPPER_META_KEY, out, PEPPER_LEN);
	} else if (rv == CKR_OK) {
		if (len == PEPPER_LEN)
			memcpy(out, v, PEPPER_LEN);
		else
			rv = CKR_DEVICE_ERROR;
	}
	store_free(v, len);
	if (rv == CKR_OK)
		rv = store_commit(st);
	else
		store_rollback(st);
	if (rv != CKR_OK)
		pf_wipe(out, PEPPER_LEN);
	return rv;
}

CK_RV pcsc_fingerprint(struct store *st, se_item_kind kind, const uint8_t *value, size_t len, uint8_t fp[32])
{
	uint8_t key[PEPPER_LEN];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	uint8_t k = (uint8_t)kind;
	size_t outl = 0;
	int ok;
	CK_RV rv = pepper(st, key);

	if (rv != CKR_OK)
		return rv;
	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	ok = ctx != NULL && EVP_MAC_init(ctx, key, PEPPER_LEN, params) == 1 && EVP_MAC_update(ctx, &k, 1) == 1 &&
	     EVP_MAC_update(ctx, value, len) == 1 && EVP_MAC_final(ctx, fp, &outl, 32) == 1 && outl == 32;
	EVP_MAC_CTX_free(ctx);
	pf_wipe(key, sizeof(key));
	return ok ? CKR_OK : CKR_FUNCTION_FAILED;
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
