/*
 * vcard_policy.c - what each item may do, decided on the card: the policy
 * block of PUT / GENERATE ITEM, RESTRICT ITEM (usage only shrinks), the policy
 * read-back (GET LAYOUT P1 = 02), and the checks PORTFOLIO SIGN / ENCRYPT run
 * before they touch a key. The host's object rows are never consulted: a
 * caller holding only the user PIN cannot widen what a key does.
 */
#include <string.h>

#include "crypto/crypto.h"

#include "vcard/vcard.h"
#include "vcard/vcard_sw.h"
#include "util/bytes.h"
#include "util/secure.h"

static int is_key(uint8_t kind)
{
	return kind == VCARD_KIND_AES || kind == VCARD_KIND_SECRET;
}

uint16_t vcard_policy_parse(uint8_t kind, const uint8_t *in, vcard_policy *pol)
{
	pol->service = in[0];
	pol->usage = in[1];
	pol->key_index = pf_get_be32(in + 2);
	pol->identity_id = pf_get_be32(in + 6);
	pol->identity_flags = in[10];
	if ((pol->service != VCARD_SERVICE_AUTH && pol->service != VCARD_SERVICE_ENC &&
	     pol->service != VCARD_SERVICE_NONE) ||
	    (pol->usage & ~(VCARD_USE_ALL | VCARD_USE_MASTER)) != 0 ||
	    (pol->identity_flags & ~VCARD_IDENTITY_ENCRYPT_CURRENT) != 0)
		return SW_BAD_DATA;
	/* A master is an AES key that does nothing but give device keys of its
	 * service: no other usage, no keyset index, no identity. */
	if ((pol->usage & VCARD_USE_MASTER) != 0)
		return kind == VCARD_KIND_AES && pol->usage == VCARD_USE_MASTER && pol->key_index == 0 &&
		               pol->identity_id == 0 && pol->identity_flags == 0 &&
		               (pol->service == VCARD_SERVICE_AUTH || pol->service == VCARD_SERVICE_ENC)
		               ? SW_OK
		               : SW_BAD_DATA;
	/* A key has no identity, and no index outside a keyset; an identity item has
	 * no keyset and no usage. Identity flags live on the hash item, which only
	 * the SO puts: "encrypt the current value" is provisioning, like the hash. */
	if (is_key(kind))
		return pol->identity_id != 0 || pol->identity_flags != 0 ||
		               (pol->service == VCARD_SERVICE_NONE && pol->key_index != 0)
		               ? SW_BAD_DATA
		               : SW_OK;
	return pol->service != VCARD_SERVICE_NONE || pol->usage != 0 || pol->key_index != 0 ||
	               (kind != VCARD_KIND_ID_HASH && pol->identity_flags != 0)
	               ? SW_BAD_DATA
	               : SW_OK;
}

void vcard_policy_encode(const vcard_policy *pol, uint8_t out[VCARD_POLICY_LEN])
{
	out[0] = pol->service;
	out[1] = pol->usage;
	pf_put_be32(out + 2, pol->key_index);
	pf_put_be32(out + 6, pol->identity_id);
	out[10] = pol->identity_flags;
}

int vcard_policy_is_master(const vcard_item *it)
{
	return (it->pol.usage & VCARD_USE_MASTER) != 0;
}

uint16_t vcard_policy_key(const vcard_item *key, uint8_t service, uint8_t use)
{
	if (key->pol.service != service)
		return VCARD_SW_SERVICE;
	if ((key->pol.usage & use) == 0)
		return VCARD_SW_USAGE;
	return SW_OK;
}

uint16_t vcard_policy_identity(vcard_applet *a, uint8_t item, uint8_t kind, uint32_t id, const vcard_item **out)
{
	const vcard_item *it = vcard_item_get(a, item);

	/* Missing, of the wrong kind or another identity's: one answer, as the
	 * emulator's (the host named something that is not this identity's item). */
	*out = NULL;
	if (it == NULL || it->kind != kind || it->pol.identity_id != id)
		return VCARD_SW_IDENTITY;
	*out = it;
	return SW_OK;
}

uint16_t vcard_policy_current(const vcard_item *value, const vcard_item *hash)
{
	uint8_t digest[32];
	uint16_t sw;

	if (hash == NULL || hash->len != sizeof(digest))
		return VCARD_SW_NOT_CURRENT; /* nothing provisioned to compare with, nor a flag */
	if (hash->pol.identity_flags & VCARD_IDENTITY_ENCRYPT_CURRENT)
		return SW_OK;
	if (pf_digest_oneshot(PF_MD_SHA256, value->value, value->len, digest) != PF_CRYPTO_OK)
		return SW_INTERNAL;
	sw = pf_ct_equal(digest, hash->value, sizeof(digest)) ? SW_OK : VCARD_SW_NOT_CURRENT;
	pf_wipe(digest, sizeof(digest));
	return sw;
}

/* RESTRICT ITEM - 80 DA P1 00 01 usage: the item keeps only the usage bits given. */
void vcard_cmd_restrict(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n;
	const uint8_t *d = vcard_data(apdu, len, &n);
	vcard_item *it = vcard_logged_item(a, apdu[2], r);

	if (it == NULL)
		return;
	if (d == NULL || n != 1 || apdu[3] != 0) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	if ((d[0] & ~it->pol.usage) != 0) {
		r->sw = VCARD_SW_USAGE_GROWS;
		return;
	}
	it->pol.usage = d[0];
}

/* GET LAYOUT P1 = 02, P2 = item: the policy block (nothing secret, no login). */
void vcard_cmd_policy(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	const vcard_item *it = vcard_item_get(a, apdu[3]);

	(void)len;
	if (it == NULL) {
		r->sw = SW_REF_NOT_FOUND;
		return;
	}
	vcard_policy_encode(&it->pol, r->data);
	r->len = VCARD_POLICY_LEN;
}
