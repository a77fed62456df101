/*
 * vcard_applet.c - the applet's front door: SELECT, the SCP03 handshake, the
 * secure-messaging wrapper around every other command, and the two read-only
 * commands (GET LAYOUT, GET CHALLENGE). docs/apdu.md is the specification.
 */
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"
#include "vcard/vcard.h"
#include "util/secure.h"

#define SW_OK                 0x9000
#define SW_WRONG_LENGTH       0x6700
#define SW_SECURITY           0x6982
#define SW_SM_INCORRECT       0x6988
#define SW_CONDITIONS         0x6985
#define SW_AUTH_FAILED        0x6300
#define SW_NOT_FOUND          0x6A82
#define SW_WRONG_P1P2         0x6A86
#define SW_REF_NOT_FOUND      0x6A88
#define SW_INS_UNSUPPORTED    0x6D00
#define SW_CLA_UNSUPPORTED    0x6E00

int vcard_applet_init(vcard_applet *a, const scp03_keys *keys, const uint8_t *aid, size_t aid_len,
                      uint16_t instance_id)
{
	if (a == NULL || keys == NULL || aid == NULL || aid_len < 5 || aid_len > sizeof(a->aid))
		return -1;
	memset(a, 0, sizeof(*a));
	a->keys = *keys;
	memcpy(a->aid, aid, aid_len);
	a->aid_len = aid_len;
	a->instance_id = instance_id;
	a->seq = 0;
	memset(a->label, ' ', sizeof(a->label));
	if (pf_random(a->salt, sizeof(a->salt)) != PF_CRYPTO_OK || pf_random(a->card_id, sizeof(a->card_id)) != PF_CRYPTO_OK) {
		vcard_applet_wipe(a);
		return -1;
	}
	return 0;
}

int vcard_applet_erase(vcard_applet *a)
{
	scp03_keys keys = a->keys;
	uint8_t aid[sizeof(a->aid)];
	size_t aid_len = a->aid_len;
	uint16_t instance_id = a->instance_id;
	uint32_t seq = a->seq;
	uint8_t card_id[sizeof(a->card_id)];
	memcpy(card_id, a->card_id, sizeof(card_id));
	int rc;

	memcpy(aid, a->aid, sizeof(aid));
	rc = vcard_applet_init(a, &keys, aid, aid_len, instance_id);
	a->seq = seq; /* the SCP03 counter never goes back, or card challenges would repeat */
	memcpy(a->card_id, card_id, sizeof(card_id)); /* the chip is the same chip */
	pf_wipe(&keys, sizeof(keys));
	return rc;
}

void vcard_applet_wipe(vcard_applet *a)
{
	if (a != NULL)
		pf_wipe(a, sizeof(*a));
}

void vcard_applet_reset(vcard_applet *a)
{
	a->selected = 0;
	a->user_logged = 0;
	a->so_logged = 0;
	scp03_session_close(&a->sm);
}

const uint8_t *vcard_data(const uint8_t *apdu, size_t len, size_t *n)
{
	*n = 0;
	if (len < 6 || apdu[4] == 0 || (size_t)apdu[4] + 5 > len)
		return NULL;
	*n = apdu[4];
	return apdu + 5;
}

vcard_item *vcard_item_get(vcard_applet *a, uint8_t id)
{
	if (id == 0 || id > VCARD_MAX_ITEMS || !a->items[id - 1].used)
		return NULL;
	return &a->items[id - 1];
}

vcard_item *vcard_logged_item(vcard_applet *a, uint8_t id, vcard_resp *r)
{
	vcard_item *it = vcard_item_get(a, id);

	if (!a->so_logged && !a->user_logged)
		r->sw = SW_SECURITY;
	else if (it == NULL)
		r->sw = SW_REF_NOT_FOUND;
	return r->sw == SW_OK ? it : NULL;
}

static void put_sw(uint8_t *out, size_t *out_len, uint16_t sw)
{
	out[0] = (uint8_t)(sw >> 8);
	out[1] = (uint8_t)sw;
	*out_len = 2;
}

static void do_select(vcard_applet *a, const uint8_t *cmd, size_t len, uint8_t *out, size_t *out_len)
{
	size_t n;
	const uint8_t *aid = vcard_data(cmd, len, &n);

	vcard_applet_reset(a);
	if (cmd[2] != 0x04 || cmd[3] != 0x00) {
		put_sw(out, out_len, SW_WRONG_P1P2);
		return;
	}
	if (aid == NULL || n != a->aid_len || memcmp(aid, a->aid, n) != 0) {
		put_sw(out, out_len, SW_NOT_FOUND);
		return;
	}
	a->selected = 1;
	out[0] = VCARD_VERSION;
	out[1] = VCARD_MAX_ITEMS;
	out[2] = a->keys.kvn;
	out[3] = 0x90;
	out[4] = 0x00;
	*out_len = 5;
}

static uint16_t sw_of_handshake(scp03_status st)
{
	switch (st) {
	case SCP03_OK: return SW_OK;
	case SCP03_ERR_KVN: return SW_REF_NOT_FOUND;
	case SCP03_ERR_FORMAT: return SW_WRONG_LENGTH;
	case SCP03_ERR_AUTH: return SW_AUTH_FAILED;
	case SCP03_ERR_LEVEL: return SW_SECURITY;
	case SCP03_ERR_STATE: return SW_CONDITIONS;
	default: return 0x6F00;
	}
}

/* Runs a plain command that arrived inside the channel. */
static void dispatch(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	r->len = 0;
	r->sw = SW_OK;
	if (apdu[0] != 0x80) {
		r->sw = SW_CLA_UNSUPPORTED;
		return;
	}
	switch (apdu[1]) {
	case 0xCA: vcard_cmd_layout(a, apdu, len, r); break;
	case 0x84: vcard_cmd_challenge(a, apdu, len, r); break;
	case 0x20: vcard_cmd_verify(a, apdu, len, r); break;
	case 0x24: vcard_cmd_change_pin(a, apdu, len, r); break;
	case 0x2E: vcard_cmd_init_token(a, apdu, len, r); break;
	case 0x2C: vcard_cmd_init_pin(a, apdu, len, r); break;
	case 0xD8: vcard_cmd_put(a, apdu, len, r); break;
	case 0x46: vcard_cmd_generate(a, apdu, len, r); break;
	case 0xB0: vcard_cmd_read(a, apdu, len, r); break;
	case 0xE4: vcard_cmd_delete(a, apdu, len, r); break;
	case 0x70: vcard_cmd_sign(a, apdu, len, r); break;
	case 0x72: vcard_cmd_encrypt(a, apdu, len, r); break;
	case 0x74: vcard_cmd_div_verify(a, apdu, len, r); break;
	case 0xDA: vcard_cmd_restrict(a, apdu, len, r); break;
	default: r->sw = SW_INS_UNSUPPORTED; break;
	}
	if (r->sw != SW_OK) /* errors carry no data: nothing half-computed leaves the card */
		r->len = 0;
}

void vcard_applet_process(vcard_applet *a, const uint8_t *cmd, size_t cmd_len, uint8_t *out, size_t *out_len)
{
	uint8_t plain[SCP03_MAX_APDU];
	size_t plain_len = 0;
	vcard_resp r;
	scp03_status st;

	if (cmd_len < 4 || cmd_len > SCP03_MAX_APDU) {
		put_sw(out, out_len, SW_WRONG_LENGTH);
		return;
	}
	if (cmd[0] == 0x00 && cmd[1] == 0xA4) {
		do_select(a, cmd, cmd_len, out, out_len);
		return;
	}
	if (!a->selected) {
		put_sw(out, out_len, SW_NOT_FOUND);
		return;
	}
	if (cmd[0] == 0x80 && cmd[1] == 0x50) {
		/* A new handshake ends the old channel and its login. */
		a->user_logged = 0;
		a->so_logged = 0;
		st = scp03_card_initialize_update(&a->sm, &a->keys, &a->seq, a->aid, a->aid_len, cmd, cmd_len,
		                                  out, SCP03_MAX_RAPDU - 2, out_len);
		if (st != SCP03_OK) {
			put_sw(out, out_len, sw_of_handshake(st));
			return;
		}
		out[(*out_len)++] = 0x90;
		out[(*out_len)++] = 0x00;
		return;
	}
	if (cmd[0] == 0x84 && cmd[1] == 0x82) {
		st = scp03_card_external_authenticate(&a->sm, SCP03_SL_FULL, cmd, cmd_len);
		put_sw(out, out_len, sw_of_handshake(st));
		return;
	}
	if (a->sm.state != SCP03_OPEN) {
		put_sw(out, out_len, SW_SECURITY);
		return;
	}
	st = scp03_card_unwrap(&a->sm, cmd, cmd_len, plain, sizeof(plain), &plain_len);
	if (st != SCP03_OK) {
		/* The channel is closed (scp03_card_unwrap did it); so is the login. */
		a->user_logged = 0;
		a->so_logged = 0;
		put_sw(out, out_len, st == SCP03_ERR_AUTH && (cmd[0] & 0x04) == 0 ? SW_SECURITY : SW_SM_INCORRECT);
		return;
	}
	dispatch(a, plain, plain_len, &r);
	pf_wipe(plain, sizeof(plain));
	st = scp03_card_wrap(&a->sm, r.data, r.len, r.sw, out, SCP03_MAX_RAPDU, out_len);
	pf_wipe(&r, sizeof(r));
	if (st != SCP03_OK) {
		scp03_session_close(&a->sm);
		put_sw(out, out_len, 0x6F00);
	}
}

/* ---- GET LAYOUT, GET CHALLENGE -------------------------------------------- */

void vcard_cmd_layout(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	uint8_t *p = r->data;
	unsigned id;

	(void)len;
	if (apdu[2] == 0x00) {
		char serial[17];
		uint8_t state = 0;

		state |= a->initialized ? 0x01 : 0;
		state |= a->user.set ? 0x02 : 0;
		state |= a->user_logged ? 0x04 : 0;
		state |= a->so_logged ? 0x08 : 0;
		*p++ = (uint8_t)(a->instance_id >> 8);
		*p++ = (uint8_t)a->instance_id;
		*p++ = state;
		*p++ = a->user.tries;
		*p++ = a->so.tries;
		memcpy(p, a->label, 32);
		p += 32;
		/* The serial number: the card's own random identity in hex, so two
		 * cards (and the stores that use them) can be told apart. */
		for (size_t i = 0; i < sizeof(a->card_id); i++)
			snprintf(serial + 2 * i, 3, "%02x", a->card_id[i]);
		memcpy(p, serial, 16);
		p += 16;
		r->len = (size_t)(p - r->data);
		return;
	}
	if (apdu[2] == 0x02) {
		vcard_cmd_policy(a, apdu, len, r);
		return;
	}
	if (apdu[2] != 0x01) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	*p++ = 0; /* next: filled in if the page is full */
	for (id = apdu[3] == 0 ? 1 : apdu[3]; id <= VCARD_MAX_ITEMS; id++) {
		const vcard_item *it = &a->items[id - 1];

		if (!it->used)
			continue;
		if (p + 5 > r->data + 1 + 40 * 5) {
			r->data[0] = (uint8_t)id;
			break;
		}
		*p++ = (uint8_t)id;
		*p++ = it->kind;
		*p++ = it->flags;
		*p++ = 0;
		*p++ = it->len;
	}
	r->len = (size_t)(p - r->data);
}

void vcard_cmd_challenge(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n = len == 5 ? apdu[4] : 0;

	(void)a;
	if (n == 0 || n > VCARD_MAX_RESP) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	if (pf_random(r->data, n) != PF_CRYPTO_OK) {
		r->sw = 0x6F00;
		return;
	}
	r->len = n;
}
