/*
 * vcard_pins.c - the two PINs of the token: VERIFY, CHANGE REFERENCE DATA,
 * INITIALIZE TOKEN, RESET RETRY COUNTER. PINs are kept as salted SHA-256 and
 * compared in constant time; every wrong try is counted before the answer.
 */
#include <string.h>

#include "crypto/crypto.h"

#include "vcard/vcard.h"
#include "util/secure.h"

#define SW_OK            0x9000
#define SW_WRONG_LENGTH  0x6700
#define SW_SECURITY      0x6982
#define SW_BLOCKED       0x6983
#define SW_PIN_NOT_SET   0x6984
#define SW_BAD_DATA      0x6A80
#define SW_WRONG_P1P2    0x6A86

static int pin_hash(const vcard_applet *a, uint8_t role, const uint8_t *pin, size_t len, uint8_t out[32])
{
	pf_digest *d = pf_digest_new();
	int ok = d != NULL && pf_digest_init(d, PF_MD_SHA256) == PF_CRYPTO_OK &&
	         pf_digest_update(d, a->salt, sizeof(a->salt)) == PF_CRYPTO_OK &&
	         pf_digest_update(d, &role, 1) == PF_CRYPTO_OK &&
	         pf_digest_update(d, pin, len) == PF_CRYPTO_OK &&
	         pf_digest_final(d, out) == PF_CRYPTO_OK;

	pf_digest_free(d);
	return ok;
}

static int pin_len_ok(size_t n)
{
	return n >= 1 && n <= VCARD_MAX_PIN;
}

static int pin_set(vcard_applet *a, vcard_pin *p, uint8_t role, const uint8_t *pin, size_t len)
{
	if (!pin_hash(a, role, pin, len, p->hash))
		return 0;
	p->set = 1;
	p->tries = VCARD_PIN_TRIES;
	return 1;
}

/* Checks a PIN, counting the try first; returns the status word. */
static uint16_t pin_check(vcard_applet *a, vcard_pin *p, uint8_t role, const uint8_t *pin, size_t len)
{
	uint8_t h[32];
	int ok;

	if (!p->set)
		return SW_PIN_NOT_SET;
	if (p->tries == 0)
		return SW_BLOCKED;
	p->tries--; /* counted before the comparison: a power cut cannot save a try */
	if (!pin_hash(a, role, pin, len, h))
		return 0x6F00;
	ok = pf_ct_equal(h, p->hash, sizeof(h));
	pf_wipe(h, sizeof(h));
	if (!ok)
		return p->tries == 0 ? SW_BLOCKED : (uint16_t)(0x63C0 | p->tries);
	p->tries = VCARD_PIN_TRIES;
	return SW_OK;
}

static vcard_pin *pin_of(vcard_applet *a, uint8_t p2)
{
	return p2 == 0x81 ? &a->user : p2 == 0x82 ? &a->so : NULL;
}

void vcard_cmd_verify(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n;
	const uint8_t *pin = vcard_data(apdu, len, &n);
	vcard_pin *p;

	if (apdu[2] == 0xFF) {
		a->user_logged = 0;
		a->so_logged = 0;
		return;
	}
	p = pin_of(a, apdu[3]);
	if (apdu[2] != 0x00 || p == NULL) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	if (pin == NULL || !pin_len_ok(n)) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	r->sw = pin_check(a, p, apdu[3], pin, n);
	if (r->sw == SW_OK) {
		/* one role at a time, as in PKCS#11 */
		a->user_logged = apdu[3] == 0x81;
		a->so_logged = apdu[3] == 0x82;
	}
}

void vcard_cmd_change_pin(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n, old_len;
	const uint8_t *d = vcard_data(apdu, len, &n);
	vcard_pin *p = pin_of(a, apdu[3]);

	if (apdu[2] != 0x00 || p == NULL) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	if (d == NULL || n < 1 || (old_len = d[0]) + 1 > n || !pin_len_ok(old_len) ||
	    !pin_len_ok(n - 1 - old_len)) {
		r->sw = SW_BAD_DATA;
		return;
	}
	r->sw = pin_check(a, p, apdu[3], d + 1, old_len);
	if (r->sw == SW_OK && !pin_set(a, p, apdu[3], d + 1 + old_len, n - 1 - old_len))
		r->sw = 0x6F00;
}

void vcard_cmd_init_token(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n, so_len;
	const uint8_t *d = vcard_data(apdu, len, &n);

	if (d == NULL || n < 1 || (so_len = d[0]) + 1 + 32 != n || !pin_len_ok(so_len)) {
		r->sw = SW_BAD_DATA;
		return;
	}
	if (a->initialized) {
		r->sw = pin_check(a, &a->so, 0x82, d + 1, so_len);
		if (r->sw != SW_OK)
			return;
	}
	/* (Re)initialisation erases the token: items, user PIN, login. */
	pf_wipe(a->items, sizeof(a->items));
	pf_wipe(&a->user, sizeof(a->user));
	a->user_logged = 0;
	a->so_logged = 0;
	if (!pin_set(a, &a->so, 0x82, d + 1, so_len)) {
		r->sw = 0x6F00;
		return;
	}
	memcpy(a->label, d + 1 + so_len, 32);
	a->initialized = 1;
}

void vcard_cmd_init_pin(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n;
	const uint8_t *pin = vcard_data(apdu, len, &n);

	if (apdu[2] != 0x00 || apdu[3] != 0x81) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	if (!a->so_logged) {
		r->sw = SW_SECURITY;
		return;
	}
	if (pin == NULL || !pin_len_ok(n)) {
		r->sw = SW_WRONG_LENGTH;
		return;
	}
	if (!pin_set(a, &a->user, 0x81, pin, n))
		r->sw = 0x6F00;
}
