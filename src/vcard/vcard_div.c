/*
 * vcard_div.c - PORTFOLIO DIV VERIFY (docs/apdu.md): a device's
 * CKM_PORTFOLIO_AUTH_CMAC or _AUTH_HMAC signature checked on the card with a
 * diversification master alone, in one APDU. The device key K(D, I, n, AUTH)
 * is derived with the KDF the emulator uses (crypto/portfolio_div.c, docs/
 * mechanisms.md section 10), MACs hash || challenge, and is wiped before the
 * answer; the comparison is constant time. Only a master (usage
 * VCARD_USE_MASTER, service AUTH) runs it, and a master runs nothing else.
 */
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/portfolio_div.h"
#include "vcard/vcard.h"
#include "vcard/vcard_sw.h"
#include "util/bytes.h"
#include "util/secure.h"

#define HASH_LEN 32u

/* The device mechanism, by P2: the device key's kind and lengths, the
 * signature's length, the longest device id a request then fits in. */
typedef struct div_alg {
	uint8_t kind;
	uint8_t key_min, key_max;
	uint8_t sig_len;
	uint8_t max_device_id;
} div_alg;

static const div_alg DIV_ALGS[] = {
	{VCARD_KIND_AES, 16, 32, 16, VCARD_DIV_MAX_DEVICE_ID},         /* 00 CKM_PORTFOLIO_AUTH_CMAC */
	{VCARD_KIND_SECRET, 16, 64, 32, VCARD_DIV_MAX_DEVICE_ID_HMAC}, /* 01 CKM_PORTFOLIO_AUTH_HMAC */
};

/* The request, parsed: pointers into the command's data. */
typedef struct div_request {
	const uint8_t *device_id;
	size_t device_id_len;
	uint32_t instance, key_index;
	size_t key_len;
	const uint8_t *hash, *chal, *sig;
	size_t chal_len, sig_len;
} div_request;

/* The master of P1, if the login, its kind and its policy allow DIV VERIFY. */
static uint16_t div_master(vcard_applet *a, uint8_t item, const vcard_item **out)
{
	const vcard_item *m = vcard_item_get(a, item);

	*out = NULL;
	if (!a->user_logged)
		return SW_SECURITY;
	if (m == NULL)
		return SW_REF_NOT_FOUND;
	if (m->kind != VCARD_KIND_AES)
		return SW_CONDITIONS;
	if (m->pol.service != VCARD_SERVICE_AUTH)
		return VCARD_SW_SERVICE;
	if (!vcard_policy_is_master(m))
		return VCARD_SW_USAGE; /* a device or server key never derives */
	*out = m;
	return SW_OK;
}

static int key_len_ok(const div_alg *alg, size_t len)
{
	if (alg->kind == VCARD_KIND_AES)
		return len == 16 || len == 32; /* the AES keys CKM_PORTFOLIO_AUTH_CMAC takes */
	return len >= alg->key_min && len <= alg->key_max;
}

/* data: D-len(1) D I(4) n(4) key-len(1) hash(32) challenge-len(1) challenge signature */
static uint16_t div_parse(const div_alg *alg, const uint8_t *d, size_t n, div_request *q)
{
	size_t dl, rest;

	if (d == NULL || n < 1 || (dl = d[0]) < 1 || dl > alg->max_device_id ||
	    n < 1 + dl + 4 + 4 + 1 + HASH_LEN + 1)
		return SW_BAD_DATA;
	q->device_id = d + 1;
	q->device_id_len = dl;
	d += 1 + dl;
	q->instance = pf_get_be32(d);
	q->key_index = pf_get_be32(d + 4);
	q->key_len = d[8];
	q->hash = d + 9;
	q->chal_len = d[9 + HASH_LEN];
	q->chal = d + 10 + HASH_LEN;
	rest = n - (1 + dl + 10 + HASH_LEN);
	if (!key_len_ok(alg, q->key_len) || q->chal_len < 1 || q->chal_len > 64 || q->chal_len > rest)
		return SW_BAD_DATA;
	q->sig = q->chal + q->chal_len;
	q->sig_len = rest - q->chal_len;
	return q->sig_len == alg->sig_len ? SW_OK : SW_WRONG_LENGTH;
}

/* The device key of q from master into dev (an item of that kind in no slot). */
static int derive_device_key(const vcard_item *master, const div_request *q, uint8_t kind, vcard_item *dev)
{
	uint8_t context[PF_DIV_CONTEXT_MAX];
	size_t context_len = pf_div_context(q->device_id, q->device_id_len, q->instance, q->key_index,
	                                    VCARD_SERVICE_AUTH, context);
	pf_mac *prf = pf_mac_new(PF_MAC_CMAC_AES, master->len);
	int ok;

	memset(dev, 0, sizeof(*dev));
	dev->kind = kind;
	dev->len = (uint8_t)q->key_len;
	ok = context_len != 0 && prf != NULL && pf_mac_set_key(prf, master->value, master->len) == PF_CRYPTO_OK &&
	     pf_div_derive(prf, context, context_len, dev->value, q->key_len) == PF_CRYPTO_OK;
	pf_mac_free(prf);
	pf_wipe(context, sizeof(context));
	return ok;
}

/* PORTFOLIO DIV VERIFY - 80 74 P1 P2 Lc data: P1 the master item; P2 the
 * device mechanism (DIV_ALGS). */
void vcard_cmd_div_verify(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r)
{
	size_t n, mac_len = 0;
	const uint8_t *d = vcard_data(apdu, len, &n);
	const vcard_item *master;
	vcard_item dev;
	div_request q;
	const div_alg *alg;
	uint8_t mac[32];
	int ok;

	if (apdu[3] >= sizeof DIV_ALGS / sizeof DIV_ALGS[0]) {
		r->sw = SW_WRONG_P1P2;
		return;
	}
	alg = &DIV_ALGS[apdu[3]];
	if ((r->sw = div_master(a, apdu[2], &master)) != SW_OK || (r->sw = div_parse(alg, d, n, &q)) != SW_OK)
		return;
	ok = derive_device_key(master, &q, alg->kind, &dev) &&
	     vcard_portfolio_mac(&dev, q.hash, q.chal, q.chal_len, mac, &mac_len) && mac_len == alg->sig_len;
	pf_wipe(&dev, sizeof(dev));
	if (!ok)
		r->sw = SW_INTERNAL;
	else if (!pf_ct_equal(mac, q.sig, alg->sig_len))
		r->sw = SW_VERIFY_FAILED;
	pf_wipe(mac, sizeof(mac));
}
