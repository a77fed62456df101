/*
 * vcard_crypto.c - PORTFOLIO SIGN / VERIFY and PORTFOLIO ENCRYPT / DECRYPT:
 * the Portfolio mechanisms of include/pkcs11/portfolio.h computed on the card
 * through src/crypto (OpenSSL EVP). One APDU each; nothing is kept between commands. Each
 * command first asks the key's policy (vcard_policy.c) whether it may run.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "vcard/vcard.h"
#include "vcard/vcard_sw.h"
#include "util/bytes.h"
#include "util/secure.h"

#define HASH_LEN 32u
#define GCM_IV_LEN 12u
#define GCM_TAG_LEN 16u
#define CBC_IV_LEN 16u

int vcard_portfolio_mac(const vcard_item *key, const uint8_t *hash, const uint8_t *chal, size_t chal_len,
                        uint8_t *out, size_t *out_len)
{
	pf_mac_alg alg = key->kind == VCARD_KIND_AES ? PF_MAC_CMAC_AES : PF_MAC_HMAC_SHA256;
	pf_mac *m = pf_mac_new(alg, key->len);
	int ok;

	*out_len = pf_mac_alg_size(alg);
	ok = m != NULL && pf_mac_set_key(m, key->value, key->len) == PF_CRYPTO_OK &&
	     pf_mac_update(m, hash, HASH_LEN) == PF_CRYPTO_OK && pf_mac_update(m, chal, chal_len) == PF_CRYPTO_OK &&
	     pf_mac_final(m, out, *out_len) == PF_CRYPTO_OK;
	pf_mac_free(m);
	return ok;
}

/* The key item of a PORTFOLIO command, if the login, its kind and its policy
 * allow the operation (service VCARD_SERVICE_*, use one VCARD_USE_* bit). */
static uint16_t portfolio_key(vcard_applet *a, uint8_t item, uint8_t service, uint8_t use, const vcard_item **out)
{
	const vcard_item *key = vcard_item_get(a, item);
	int kind_ok;

	*out = NULL;
	if (!a->user_logged)
		return SW_SECURITY;
	if (key == NULL)
		return SW_REF_NOT_FOUND;
	kind_ok = key->kind == VCARD_KIND_AES || (service == VCARD_SERVICE_AUTH && key->kind == VCARD_KIND_SECRET);
	if (!kind_ok)
		return SW_CONDITIONS;
	*out = key;
	return vcard_policy_key(key, service, use);
}

/* The hash a signature covers: a provisioned Identity hash item named with the
 * identity it must belong to (identity-id(4) item(1)), or, to verify only, the
 * hash itself (32 bytes). Advances *d / *n past it. */
static uint16_t sign_hash(vcard_applet *a, int hash_given, const uint8_t **d, size_t *n, const uint8_t **hash)
{
	const vcard_item *id;
	uint16_t sw;

	if (*d == NULL || *n < (hash_given ? HASH_LEN : 5u))
		return SW_BAD_DATA;
	if (hash_given) {
		*hash = *d;
		*d += HASH_LEN;
		*n -= HASH_LEN;
		return SW_OK;
	}
	if ((sw = vcard_policy_identity(a, (*d)[4], VCARD_KIND_ID_HASH, pf_get_be32(*d), &id)) != SW_OK)
		return sw;
	*hash = id->value;
	*d += 5;
	*n -= 5;
	return SW_OK;
}

void vcard_cmd_sign(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n, chal_len, sig_len = 0, rest;
	const uint8_t *d = vcard_data(apdu, len, &n), *hash = NULL, *chal;
	const vcard_item *key;
	int hash_given = (apdu[3] & 0x01) != 0, verify = (apdu[3] & 0x80) != 0;
	uint8_t mac[32];

	if ((apdu[3] & ~0x81) != 0) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	r->sw = portfolio_key(a, apdu[2], VCARD_SERVICE_AUTH, verify ? VCARD_USE_VERIFY : VCARD_USE_SIGN, &key);
	if (r->sw != SW_OK)
		return;
	/* A signing key signs only what the SO provisioned: never a hash from the host. */
	if (hash_given && !verify) {
		r->sw = VCARD_SW_SOURCE;
		return;
	}
	if ((r->sw = sign_hash(a, hash_given, &d, &n, &hash)) != SW_OK)
		return;
	chal_len = n > 0 ? d[0] : 0;
	if (chal_len < 1 || chal_len > 64 || chal_len + 1 > n) {
		r->sw = SW_BAD_DATA;
		return;
	}
	chal = d + 1;
	rest = n - 1 - chal_len;
	if (!verify && rest != 0) {
		r->sw = SW_BAD_DATA;
		return;
	}
	if (!vcard_portfolio_mac(key, hash, chal, chal_len, mac, &sig_len)) {
		r->sw = SW_INTERNAL;
		return;
	}
	if (verify) {
		if (rest != sig_len)
			r->sw = SW_WRONG_LENGTH;
		else if (!pf_ct_equal(mac, chal + chal_len, sig_len))
			r->sw = SW_VERIFY_FAILED;
	} else {
		memcpy(r->data, mac, sig_len);
		r->len = sig_len;
	}
	pf_wipe(mac, sizeof(mac));
}

/* Encrypts p1 || p2 with key under mode GCM / CBC (PKCS#7 padding); writes IV || C [|| tag]. */
static int encrypt(const vcard_item *key, int gcm, const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2,
                   uint8_t *out, size_t *out_len)
{
	pf_cipher *c = pf_cipher_new();
	size_t iv_len = gcm ? GCM_IV_LEN : CBC_IV_LEN, l1 = 0, l2 = 0, l3 = 0;
	int ok = c != NULL && pf_random(out, iv_len) == PF_CRYPTO_OK &&
	         pf_cipher_init(c, gcm ? PF_AES_GCM : PF_AES_CBC_PAD, 1, key->value, key->len, out, iv_len,
	                        NULL, 0, gcm ? GCM_TAG_LEN : 0) == PF_CRYPTO_OK &&
	         (n1 == 0 || pf_cipher_update(c, p1, n1, out + iv_len, &l1) == PF_CRYPTO_OK) &&
	         pf_cipher_update(c, p2, n2, out + iv_len + l1, &l2) == PF_CRYPTO_OK &&
	         pf_cipher_final(c, out + iv_len + l1 + l2, &l3) == PF_CRYPTO_OK; /* GCM: the tag */

	*out_len = iv_len + l1 + l2 + l3;
	pf_cipher_free(c);
	return ok;
}

/* Decrypts IV || C [|| tag]; 1 with the plaintext in out, 0 on any failure (tag, padding). */
static int decrypt(const vcard_item *key, int gcm, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	size_t iv_len = gcm ? GCM_IV_LEN : CBC_IV_LEN, l1 = 0, l2 = 0;

	if (in_len < iv_len + (gcm ? GCM_TAG_LEN : CBC_IV_LEN) ||
	    (!gcm && (in_len - iv_len) % 16 != 0))
		return 0;
	/* C and the tag go in together: pf_cipher holds the last GCM_TAG_LEN bytes back as the tag. */
	pf_cipher *c = pf_cipher_new();
	int ok = c != NULL &&
	         pf_cipher_init(c, gcm ? PF_AES_GCM : PF_AES_CBC_PAD, 0, key->value, key->len, in, iv_len,
	                        NULL, 0, gcm ? GCM_TAG_LEN : 0) == PF_CRYPTO_OK &&
	         pf_cipher_update(c, in + iv_len, in_len - iv_len, out, &l1) == PF_CRYPTO_OK &&
	         pf_cipher_final(c, out + l1, &l2) == PF_CRYPTO_OK;

	*out_len = l1 + l2;
	if (!ok)
		pf_wipe(out, in_len - iv_len - (gcm ? GCM_TAG_LEN : 0));
	pf_cipher_free(c);
	return ok;
}

/* The plaintext of an encryption from the token: the Identity value item named
 * with its identity, and that identity's provisioned hash item (00: none).
 * body: identity-id(4) value-item(1) hash-item(1). The value is encrypted only
 * while it is the provisioned one, unless the SO flagged the identity. */
static uint16_t identity_plaintext(vcard_applet *a, const uint8_t *body, size_t body_len, const vcard_item **value)
{
	const vcard_item *hash = NULL;
	uint32_t id;
	uint16_t sw;

	*value = NULL;
	if (body_len != 6)
		return SW_BAD_DATA;
	id = pf_get_be32(body);
	if ((sw = vcard_policy_identity(a, body[4], VCARD_KIND_ID_VALUE, id, value)) != SW_OK)
		return sw;
	if (body[5] != 0 && (sw = vcard_policy_identity(a, body[5], VCARD_KIND_ID_HASH, id, &hash)) != SW_OK)
		return sw;
	return vcard_policy_current(*value, hash);
}

void vcard_cmd_encrypt(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	uint8_t plain[256];
	size_t n, chal_len, body_len, plain_len = 0, out_len = 0;
	const uint8_t *d = vcard_data(apdu, len, &n), *chal, *body;
	const vcard_item *key, *value;
	uint8_t mode = apdu[3] & 0x7F;
	int from_identity = (apdu[3] & 0x80) != 0, gcm = mode == 0 || mode == 1, dec = mode & 1;

	if (mode > 3 || (from_identity && dec)) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	r->sw = portfolio_key(a, apdu[2], VCARD_SERVICE_ENC, dec ? VCARD_USE_DECRYPT : VCARD_USE_ENCRYPT, &key);
	if (r->sw != SW_OK)
		return;
	/* An encrypting key encrypts only an Identity value held here: never host data. */
	if (!dec && !from_identity) {
		r->sw = VCARD_SW_SOURCE;
		return;
	}
	if (d == NULL || n < 2 || (chal_len = d[0]) < 1 || chal_len > 64 || chal_len + 1 > n) {
		r->sw = SW_BAD_DATA;
		return;
	}
	chal = d + 1;
	body = chal + chal_len;
	body_len = n - 1 - chal_len;
	if (!dec) {
		if ((r->sw = identity_plaintext(a, body, body_len, &value)) != SW_OK)
			return;
		if (value->len + chal_len > (gcm ? 211u : 207u))
			r->sw = SW_WRONG_LENGTH;
		else if (!encrypt(key, gcm, value->value, value->len, chal, chal_len, r->data, &out_len))
			r->sw = SW_INTERNAL;
		else
			r->len = out_len;
		return;
	}
	/* Decrypt: the tag (or padding) and the challenge suffix must both hold; one answer for all failures. */
	if (body_len > sizeof(plain) || !decrypt(key, gcm, body, body_len, plain, &plain_len) ||
	    plain_len < chal_len || !pf_ct_equal(plain + plain_len - chal_len, chal, chal_len)) {
		r->sw = SW_BAD_DATA;
	} else {
		memcpy(r->data, plain, plain_len - chal_len);
		r->len = plain_len - chal_len;
	}
	pf_wipe(plain, sizeof(plain));
}
