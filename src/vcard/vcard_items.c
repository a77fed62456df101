/*
 * vcard_items.c - the item table: PUT ITEM (values arrive encrypted under the
 * DEK), GENERATE ITEM, READ ITEM, DELETE ITEM. Each item is stored with
 * its policy (vcard_policy.c), which only RESTRICT ITEM changes afterwards.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "vcard/vcard.h"
#include "scp03/scp03.h"
#include "util/secure.h"
#include "util/sizes.h"

#define SW_WRONG_LENGTH  0x6700
#define SW_SECURITY      0x6982
#define SW_CONDITIONS    0x6985
#define SW_NOT_ALLOWED   0x6986
#define SW_BAD_DATA      0x6A80
#define SW_NO_MEMORY     0x6A84
#define SW_WRONG_P1P2    0x6A86
#define SW_REF_NOT_FOUND 0x6A88
#define SW_EXISTS        0x6A89

static int length_ok(uint8_t kind, size_t len)
{
	switch (kind) {
	case VCARD_KIND_AES: return pf_aes_key_len_ok(len);
	case VCARD_KIND_SECRET: return len >= 1 && len <= VCARD_MAX_VALUE;
	case VCARD_KIND_ID_VALUE: return len >= 1 && len <= VCARD_MAX_VALUE;
	case VCARD_KIND_ID_HASH: return len == 32;
	default: return 0;
	}
}

/* Who may write or delete an item of this kind: the SO alone provisions hashes. */
static uint16_t may_change(const vcard_applet *a, uint8_t kind)
{
	if (kind == VCARD_KIND_ID_HASH)
		return a->so_logged ? 0x9000 : SW_SECURITY;
	return a->so_logged || a->user_logged ? 0x9000 : SW_SECURITY;
}

/* Keysets are never shared: the same value twice among exclusive items is refused. */
static int duplicate(const vcard_applet *a, const uint8_t *value, size_t len, const vcard_item *except)
{
	unsigned i;
	int found = 0;

	for (i = 0; i < VCARD_MAX_ITEMS; i++) {
		const vcard_item *it = &a->items[i];

		if (it->used && it != except && (it->flags & VCARD_FLAG_EXCLUSIVE) && it->len == len)
			found |= pf_ct_equal(it->value, value, len);
	}
	return found;
}

static uint8_t free_slot(const vcard_applet *a)
{
	unsigned i;

	for (i = 0; i < VCARD_MAX_ITEMS; i++)
		if (!a->items[i].used)
			return (uint8_t)(i + 1);
	return 0;
}

/* Stores value into slot id (new or replaced) with its policy and answers the id. */
static void store(vcard_applet *a, uint8_t id, uint8_t kind, uint8_t flags, const vcard_policy *pol,
                  const uint8_t *value, size_t len, vcard_resp *r)
{
	vcard_item *it = &a->items[id - 1];
	vcard_policy keep = *pol; /* pol may point into the slot being rewritten */

	pf_wipe(it, sizeof(*it));
	it->used = 1;
	it->kind = kind;
	it->flags = (uint8_t)(flags | VCARD_FLAG_PERSISTENT);
	it->len = (uint8_t)len;
	it->pol = keep;
	memcpy(it->value, value, len);
	r->data[0] = id;
	r->len = 1;
}

static int flags_ok(uint8_t flags)
{
	return (flags & ~(VCARD_FLAG_PERSISTENT | VCARD_FLAG_EXCLUSIVE | VCARD_FLAG_READABLE)) == 0;
}

/* Where a PUT goes and with which policy. A new item takes the block as sent;
 * a rewrite (P1 = n, Identity values only) keeps the item's policy and must send
 * an all-zero block, so a user rewriting a value cannot re-bind or re-flag it. */
static uint16_t put_target(vcard_applet *a, uint8_t *id, uint8_t kind, const uint8_t *block, vcard_policy *pol)
{
	static const uint8_t zero[VCARD_POLICY_LEN];
	const vcard_item *old;

	if (*id == 0) {
		if ((*id = free_slot(a)) == 0)
			return SW_NO_MEMORY;
		return vcard_policy_parse(kind, block, pol);
	}
	old = vcard_item_get(a, *id);
	if (old == NULL)
		return SW_REF_NOT_FOUND;
	if (old->kind != VCARD_KIND_ID_VALUE || kind != VCARD_KIND_ID_VALUE)
		return SW_CONDITIONS; /* only an Identity value is ever rewritten */
	if (memcmp(block, zero, sizeof(zero)) != 0)
		return SW_BAD_DATA;
	*pol = old->pol;
	return 0x9000;
}

/* PUT ITEM - data: flags(1) len(1) policy(11) DEK-encrypted value. */
void vcard_cmd_put(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	uint8_t clear[VCARD_MAX_VALUE + SCP03_BLOCK_LEN];
	size_t n, enc_len, clear_len;
	const uint8_t *d = vcard_data(apdu, len, &n);
	uint8_t kind = apdu[3], id = apdu[2];
	vcard_policy pol;

	if (kind < VCARD_KIND_AES || kind > VCARD_KIND_ID_HASH) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	if ((r->sw = may_change(a, kind)) != 0x9000)
		return;
	if (d == NULL || n < 2 + VCARD_POLICY_LEN + SCP03_BLOCK_LEN) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	enc_len = n - 2 - VCARD_POLICY_LEN;
	if (!flags_ok(d[0]) || enc_len % SCP03_BLOCK_LEN != 0 || enc_len > sizeof(clear) || !length_ok(kind, d[1])) {
		r->sw = SW_BAD_DATA;
		return;
	}
	if (scp03_dek_decrypt(a->keys.dek, d + 2 + VCARD_POLICY_LEN, enc_len, clear) != SCP03_OK ||
	    !scp03_unpad(clear, enc_len, &clear_len) || clear_len != d[1]) {
		pf_wipe(clear, sizeof(clear));
		r->sw = SW_BAD_DATA;
		return;
	}
	r->sw = put_target(a, &id, kind, d + 2, &pol);
	if (r->sw == 0x9000 && (d[0] & VCARD_FLAG_EXCLUSIVE) &&
	    duplicate(a, clear, clear_len, vcard_item_get(a, id)))
		r->sw = SW_EXISTS;
	if (r->sw == 0x9000)
		store(a, id, kind, d[0], &pol, clear, clear_len, r);
	pf_wipe(clear, sizeof(clear));
}

void vcard_cmd_generate(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	uint8_t value[VCARD_MAX_VALUE];
	size_t n;
	const uint8_t *d = vcard_data(apdu, len, &n);
	uint8_t kind = apdu[3], id;
	vcard_policy pol;

	if (apdu[2] != 0 || (kind != VCARD_KIND_AES && kind != VCARD_KIND_SECRET)) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	if ((r->sw = may_change(a, kind)) != 0x9000)
		return;
	if (d == NULL || n != 2 + VCARD_POLICY_LEN) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	if (!flags_ok(d[0]) || !length_ok(kind, d[1])) {
		r->sw = SW_BAD_DATA;
		return;
	}
	if ((r->sw = vcard_policy_parse(kind, d + 2, &pol)) != 0x9000)
		return;
	if ((id = free_slot(a)) == 0) {
		r->sw = SW_NO_MEMORY;
		return;
	}
	if (pf_random_private(value, d[1]) != PF_CRYPTO_OK) {
		r->sw = 0x6F00;
		return;
	}
	store(a, id, kind, d[0], &pol, value, d[1], r);
	pf_wipe(value, sizeof(value));
}

void vcard_cmd_read(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	const vcard_item *it = vcard_logged_item(a, apdu[2], r);

	(void)len;
	if (it == NULL)
		return;
	/* a master gives every device key of its fleet: never out, readable flag or not */
	if (it->kind == VCARD_KIND_ID_HASH || vcard_policy_is_master(it) ||
	    (it->kind != VCARD_KIND_ID_VALUE && !(it->flags & VCARD_FLAG_READABLE))) {
		r->sw = SW_NOT_ALLOWED;
		return;
	}
	memcpy(r->data, it->value, it->len);
	r->len = it->len;
}

void vcard_cmd_delete(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	vcard_item *it = vcard_item_get(a, apdu[2]);

	(void)len;
	if (it == NULL) {
		r->sw = a->so_logged || a->user_logged ? SW_REF_NOT_FOUND : SW_SECURITY;
		return;
	}
	if ((r->sw = may_change(a, it->kind)) != 0x9000)
		return;
	pf_wipe(it, sizeof(*it));
}
