/*
 * fuzz_cardpolicy.c - the card applet's item policy (docs/apdu.md, "Item
 * policy"): a process holding the reader, the SCP03 keys and a PIN (attacker
 * (d) of docs/security.md) sends any sequence of commands inside an open
 * channel, and the card must keep the policy it was given.
 *
 * The input is a sequence of commands on vcard_rig's provisioned card (user
 * logged in; items: AUTH key sign+verify, identity 0's hash, identity 1's
 * value and hash, ENC key encrypt+decrypt). Each step: a selector byte, then
 * the fields of one of PUT ITEM (P1 0 or n, any kind, flags and policy block,
 * the value DEK-wrapped), GENERATE ITEM, RESTRICT ITEM, PORTFOLIO SIGN /
 * VERIFY, PORTFOLIO ENCRYPT / DECRYPT, READ ITEM, DELETE ITEM, VERIFY of the
 * user or SO PIN, a re-opened channel, or a command with raw P1 P2 and data.
 * Signatures to verify and ciphertexts to decrypt are made by the harness
 * with the card's own key when the input asks for it, so the success paths
 * are reached.
 *
 * The harness sees the applet's item table before and after every command
 * (the applet is a plain value) and checks, whatever the command:
 *   - an item that stays has the same kind, service, key index, identity id
 *     and identity flags; its usage never grows, and shrinks only by a
 *     RESTRICT ITEM answered 9000 that names it and asked for exactly that;
 *   - a new item's policy fits its kind (the consistency rules);
 *   - a signature (9000 to SIGN) comes from an AUTH key with sign usage, over
 *     a hash item of the named identity (never a hash in the data), and is
 *     MAC_K(hash || challenge) recomputed with OpenSSL;
 *   - a ciphertext (9000 to ENCRYPT) comes from an ENC key with encrypt
 *     usage, over the named identity's value item whose SHA-256 is its hash
 *     item (unless that hash is encrypt-current), and opens with the key to
 *     value || challenge;
 *   - VERIFY / DECRYPT answer 9000 only for a key of that service and usage;
 *   - READ answers only for a readable key that is no master, or an identity
 *     value, with its value;
 *   - DIV VERIFY answers 9000 only for a master (AES, AUTH, usage 20 alone);
 *   - every 9000 that touches an item had a login.
 */
#include "config.h"
#include "fuzz_crypto.h"
#include "fuzz_input.h"
#include "vcard_rig.h"

#include <string.h>

#include "scp03/scp03_internal.h"

#define MAX_STEPS 24
#define INS_PUT 0xD8
#define INS_GENERATE 0x46
#define INS_RESTRICT 0xDA
#define INS_SIGN 0x70
#define INS_ENCRYPT 0x72
#define INS_READ 0xB0
#define INS_DIV_VERIFY 0x74
#define INS_DELETE 0xE4
#define INS_VERIFY_PIN 0x20
#define INS_LAYOUT 0xCA

static vcard_rig_states st0;

/* One command as sent (plain, before wrapping) and its answer. */
typedef struct exchange {
	uint8_t apdu[SCP03_MAX_APDU];
	size_t len;
	uint8_t ins, p1, p2;
	const uint8_t *data;
	size_t data_len;
	uint8_t resp[SCP03_MAX_RAPDU];
	size_t resp_len;
	uint16_t sw;
} exchange;

static void exchange_send(vcard_rig *r, exchange *x, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn)
{
	x->ins = ins, x->p1 = p1, x->p2 = p2;
	x->len = scp03_plain_apdu(x->apdu, ins, p1, p2, d, dn, 1);
	x->data = dn ? x->apdu + 5 : NULL;
	x->data_len = dn;
	x->sw = vcard_rig_wrapped(r, x->apdu, x->len, x->resp, &x->resp_len);
}

/* ---- the oracle ------------------------------------------------------------------ */

static const vcard_item *item_of(const vcard_applet *a, uint8_t id)
{
	return id >= 1 && id <= VCARD_MAX_ITEMS && a->items[id - 1].used ? &a->items[id - 1] : NULL;
}

static int is_key(const vcard_item *it)
{
	return it->kind == VCARD_KIND_AES || it->kind == VCARD_KIND_SECRET;
}

/* The consistency rules of a policy block for an item of its kind. */
static int policy_fits(const vcard_item *it)
{
	const vcard_policy *p = &it->pol;
	if (is_key(it) && (p->usage & VCARD_USE_MASTER))
		return it->kind == VCARD_KIND_AES && p->usage == VCARD_USE_MASTER && p->key_index == 0 &&
		       p->identity_id == 0 && p->identity_flags == 0 &&
		       (p->service == VCARD_SERVICE_AUTH || p->service == VCARD_SERVICE_ENC);
	if (is_key(it))
		return (p->service == VCARD_SERVICE_AUTH || p->service == VCARD_SERVICE_ENC ||
		        (p->service == VCARD_SERVICE_NONE && p->key_index == 0)) &&
		       (p->usage & ~VCARD_USE_ALL) == 0 && p->identity_id == 0 && p->identity_flags == 0;
	return p->service == VCARD_SERVICE_NONE && p->usage == 0 && p->key_index == 0 &&
	       (p->identity_flags == 0 ||
	        (it->kind == VCARD_KIND_ID_HASH && p->identity_flags == VCARD_IDENTITY_ENCRYPT_CURRENT));
}

/* What may change in an item's policy: usage, by a RESTRICT of it answered 9000. */
static void check_items(const vcard_applet *before, const vcard_applet *after, const exchange *x)
{
	for (uint8_t id = 1; id <= VCARD_MAX_ITEMS; id++) {
		const vcard_item *b = item_of(before, id), *a = item_of(after, id);
		int restricted = x->ins == INS_RESTRICT && x->sw == 0x9000 && x->p1 == id;
		if (a == NULL)
			continue;
		if (b == NULL) {
			FZ_CHECK(policy_fits(a));
			continue;
		}
		FZ_CHECK(a->kind == b->kind && a->pol.service == b->pol.service && a->pol.key_index == b->pol.key_index &&
		         a->pol.identity_id == b->pol.identity_id && a->pol.identity_flags == b->pol.identity_flags);
		FZ_CHECK((a->pol.usage & ~b->pol.usage) == 0);
		FZ_CHECK(a->pol.usage == b->pol.usage ||
		         (restricted && x->data_len == 1 && a->pol.usage == x->data[0]));
	}
}

/* A key that may serve the operation (policy only). */
static int key_may(const vcard_item *k, uint8_t service, uint8_t use)
{
	return k != NULL && is_key(k) && k->pol.service == service && (k->pol.usage & use) != 0;
}

/* The identity item of that kind named for id, or NULL. */
static const vcard_item *identity_item(const vcard_applet *a, uint8_t item, uint8_t kind, uint32_t id)
{
	const vcard_item *it = item_of(a, item);
	return it != NULL && it->kind == kind && it->pol.identity_id == id ? it : NULL;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_sign(const vcard_applet *a, const exchange *x)
{
	const vcard_item *key = item_of(a, x->p1), *hash;
	uint8_t msg[32 + 64], mac[FZ_MAX_MAC];
	int verify = (x->p2 & 0x80) != 0;

	FZ_CHECK(key_may(key, VCARD_SERVICE_AUTH, verify ? VCARD_USE_VERIFY : VCARD_USE_SIGN));
	if (verify)
		return;
	/* Sign: a named hash item of that identity, never a hash in the data. */
	FZ_CHECK((x->p2 & 0x01) == 0 && x->data_len >= 6);
	hash = identity_item(a, x->data[4], VCARD_KIND_ID_HASH, be32(x->data));
	FZ_CHECK(hash != NULL && hash->len == 32);
	size_t chal_len = x->data[5];
	FZ_CHECK(chal_len >= 1 && chal_len <= 64 && x->data_len == 6 + chal_len);
	memcpy(msg, hash->value, 32);
	memcpy(msg + 32, x->data + 6, chal_len);
	size_t n = fz_mac(key->kind == VCARD_KIND_AES, key->value, key->len, msg, 32 + chal_len, mac);
	FZ_CHECK(n != 0 && x->resp_len == n && memcmp(x->resp, mac, n) == 0);
}

static void check_encrypt(const vcard_applet *a, const exchange *x)
{
	const vcard_item *key = item_of(a, x->p1), *value, *hash;
	uint8_t digest[32], want[VCARD_MAX_VALUE + 64];
	int dec = x->p2 & 1;

	FZ_CHECK(key_may(key, VCARD_SERVICE_ENC, dec ? VCARD_USE_DECRYPT : VCARD_USE_ENCRYPT));
	FZ_CHECK(key->kind == VCARD_KIND_AES);
	if (dec)
		return;
	/* Encrypt: an identity value item whose SHA-256 is its hash item's (or encrypt-current). */
	FZ_CHECK((x->p2 & 0x80) != 0 && x->data_len >= 1);
	size_t chal_len = x->data[0];
	FZ_CHECK(chal_len >= 1 && chal_len <= 64 && x->data_len == 1 + chal_len + 6);
	const uint8_t *names = x->data + 1 + chal_len;
	value = identity_item(a, names[4], VCARD_KIND_ID_VALUE, be32(names));
	hash = identity_item(a, names[5], VCARD_KIND_ID_HASH, be32(names));
	FZ_CHECK(value != NULL && hash != NULL);
	FZ_CHECK(EVP_Digest(value->value, value->len, digest, NULL, EVP_sha256(), NULL) == 1);
	FZ_CHECK((hash->len == 32 && memcmp(digest, hash->value, 32) == 0) ||
	         (hash->pol.identity_flags & VCARD_IDENTITY_ENCRYPT_CURRENT));
	memcpy(want, value->value, value->len);
	memcpy(want + value->len, x->data + 1, chal_len);
	FZ_CHECK(fz_aes_opens_to((x->p2 & 0x7f) == 0 ? FZ_AES_GCM : FZ_AES_CBC, key->value, key->len, x->resp,
	                         x->resp_len, want, value->len + chal_len));
}

static void check_read(const vcard_applet *a, const exchange *x)
{
	const vcard_item *it = item_of(a, x->p1);
	FZ_CHECK(it != NULL && it->kind != VCARD_KIND_ID_HASH && (it->pol.usage & VCARD_USE_MASTER) == 0 &&
	         (it->kind == VCARD_KIND_ID_VALUE || (it->flags & VCARD_FLAG_READABLE)));
	FZ_CHECK(x->resp_len == it->len && memcmp(x->resp, it->value, it->len) == 0);
}

/* The answer to x, given the card before and after it. */
static void check(const vcard_applet *before, const vcard_applet *after, const exchange *x)
{
	check_items(before, after, x);
	if (x->sw != 0x9000)
		return;
	switch (x->ins) {
	case INS_SIGN: check_sign(before, x); break;
	case INS_ENCRYPT: check_encrypt(before, x); break;
	case INS_READ: check_read(before, x); break;
	case INS_DIV_VERIFY: {
		const vcard_item *m = item_of(before, x->p1);
		FZ_CHECK(m != NULL && m->kind == VCARD_KIND_AES && m->pol.service == VCARD_SERVICE_AUTH &&
		         m->pol.usage == VCARD_USE_MASTER && before->user_logged);
		break;
	}
	default: break;
	}
	if (x->ins == INS_PUT || x->ins == INS_GENERATE || x->ins == INS_RESTRICT || x->ins == INS_SIGN ||
	    x->ins == INS_ENCRYPT || x->ins == INS_READ || x->ins == INS_DELETE || x->ins == INS_DIV_VERIFY)
		FZ_CHECK(before->user_logged || before->so_logged);
}

/* ---- the commands ---------------------------------------------------------------- */

static uint8_t pick_item(fz_in *in)
{
	uint8_t b = fz_u8(in);
	return b < 0xf0 ? b % 8 : b; /* mostly 0..7 (0: none), sometimes out of range */
}

static void put_step(vcard_rig *r, exchange *x, fz_in *in)
{
	static const uint8_t services[4] = {VCARD_SERVICE_AUTH, VCARD_SERVICE_ENC, VCARD_SERVICE_NONE, 0x02};
	static const uint8_t key_lens[4] = {16, 24, 32, 20};
	uint8_t p1 = fz_u8(in) & 1 ? pick_item(in) : 0, kind = 1 + fz_u8(in) % 5, flags = fz_u8(in) & 7;
	uint8_t pol[VCARD_POLICY_LEN], data[VCARD_RIG_PUT_MAX];
	uint8_t lb = fz_u8(in);
	size_t len = lb & 0x80 ? lb & 0x7f : key_lens[lb % 4];
	memcpy(pol, fz_bytes(in, sizeof pol), sizeof pol);
	pol[0] = services[pol[0] % 4];
	if (!(fz_u8(in) & 1)) /* mostly small policy fields: the consistency rules' edges */
		for (size_t i = 1; i < sizeof pol; i++)
			pol[i] = i == 1 ? pol[i] % 0x11 : i == 5 || i == 9 || i == 10 ? pol[i] % 3 : 0;
	size_t n = vcard_rig_put_data(data, flags, pol, fz_bytes(in, len), len);
	exchange_send(r, x, INS_PUT, p1, kind, data, n);
}

static void sign_step(vcard_rig *r, exchange *x, fz_in *in)
{
	uint8_t key = pick_item(in), p2 = fz_u8(in), data[255], mac[FZ_MAX_MAC];
	size_t n = 0;
	p2 = p2 < 0xf0 ? (p2 & 0x81) : p2;
	if (p2 & 0x01) {
		memcpy(data, fz_bytes(in, 32), 32);
		n = 32;
	} else {
		data[0] = data[1] = data[2] = 0;
		data[3] = fz_u8(in) % 3;
		data[4] = pick_item(in);
		n = 5;
	}
	size_t chal_len = 1 + fz_u8(in) % 64;
	data[n++] = (uint8_t)chal_len;
	memcpy(data + n, fz_bytes(in, chal_len), chal_len);
	n += chal_len;
	if (p2 & 0x80) { /* verify: the right signature with the named key, or the input's */
		const vcard_item *k = item_of(&r->card, key), *h = item_of(&r->card, data[4]);
		uint8_t msg[32 + 64];
		size_t sig_len = 0;
		if (!(fz_u8(in) & 1) && k != NULL && is_key(k) && h != NULL && h->len == 32 && !(p2 & 1)) {
			memcpy(msg, h->value, 32);
			memcpy(msg + 32, data + 6, chal_len);
			sig_len = fz_mac(k->kind == VCARD_KIND_AES, k->value, k->len, msg, 32 + chal_len, mac);
			memcpy(data + n, mac, sig_len);
		} else {
			sig_len = fz_u8(in) % 40;
			memcpy(data + n, fz_bytes(in, sig_len), sig_len);
		}
		n += sig_len;
	}
	exchange_send(r, x, INS_SIGN, key, p2, data, n);
}

static void encrypt_step(vcard_rig *r, exchange *x, fz_in *in)
{
	uint8_t key = pick_item(in), p2 = fz_u8(in), data[255];
	size_t chal_len = 1 + fz_u8(in) % 64, n;
	p2 = p2 < 0xf0 ? (p2 & 0x83) : p2;
	data[0] = (uint8_t)chal_len;
	memcpy(data + 1, fz_bytes(in, chal_len), chal_len);
	n = 1 + chal_len;
	if (!(p2 & 1)) { /* encrypt: identity id, value item, hash item */
		data[n++] = 0, data[n++] = 0, data[n++] = 0, data[n++] = fz_u8(in) % 3;
		data[n++] = pick_item(in);
		data[n++] = pick_item(in);
	} else { /* decrypt: a GCM blob made with the named key, or the input's bytes */
		const vcard_item *k = item_of(&r->card, key);
		size_t body = fz_u8(in) % 100;
		const uint8_t *plain = fz_bytes(in, body);
		if (!(fz_u8(in) & 1) && k != NULL && k->kind == VCARD_KIND_AES && 1 + 2 * chal_len + body + 28 <= 200) {
			uint8_t msg[200];
			memcpy(msg, plain, body);
			memcpy(msg + body, data + 1, chal_len);
			n += fz_aes_gcm_seal(k->value, k->len, msg, body + chal_len, data + n);
			p2 = 0x01;
		} else {
			memcpy(data + n, plain, body);
			n += body;
		}
	}
	exchange_send(r, x, INS_ENCRYPT, key, p2, data, n);
}

static void raw_step(vcard_rig *r, exchange *x, fz_in *in)
{
	static const uint8_t ins[] = {INS_PUT, INS_GENERATE, INS_RESTRICT, INS_SIGN, INS_ENCRYPT,
	                              INS_READ, INS_DELETE, INS_LAYOUT, 0x84};
	uint8_t i = ins[fz_u8(in) % sizeof ins], p1 = fz_u8(in), p2 = fz_u8(in);
	size_t n = fz_u8(in) % 200;
	exchange_send(r, x, i, p1, p2, fz_bytes(in, n), n);
}

static void step(vcard_rig *r, exchange *x, fz_in *in)
{
	uint8_t sel = fz_u8(in) % 10, b;
	switch (sel) {
	case 0: put_step(r, x, in); break;
	case 1: { /* GENERATE: kind, flags, len, policy */
		uint8_t d[2 + VCARD_POLICY_LEN];
		b = 1 + fz_u8(in) % 2;
		memcpy(d, fz_bytes(in, sizeof d), sizeof d);
		d[1] = d[1] % 40;
		exchange_send(r, x, INS_GENERATE, 0, b, d, sizeof d);
		break;
	}
	case 2: b = pick_item(in); exchange_send(r, x, INS_RESTRICT, b, 0, fz_bytes(in, 1), 1); break;
	case 3: sign_step(r, x, in); break;
	case 4: encrypt_step(r, x, in); break;
	case 5: exchange_send(r, x, INS_READ, pick_item(in), 0, NULL, 0); break;
	case 6: exchange_send(r, x, INS_DELETE, pick_item(in), 0, NULL, 0); break;
	case 7: { /* log in as the user or the SO (the right PIN, or a wrong one) */
		const char *pin = fz_u8(in) & 1 ? VCARD_RIG_SO_PIN : VCARD_RIG_USER_PIN;
		b = fz_u8(in);
		exchange_send(r, x, INS_VERIFY_PIN, 0, pin[0] == 's' ? 0x82 : 0x81, (const uint8_t *)pin,
		     b & 0x40 ? 1 : strlen(pin));
		break;
	}
	case 8: /* a new channel: logins are gone */
		x->ins = 0;
		x->sw = 0;
		vcard_rig_open_channel(r);
		break;
	default: raw_step(r, x, in); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static vcard_rig r;
	static vcard_applet before;
	fz_in in = {data, size, NULL, 0, 0};
	exchange x;

	if (!ready) {
		vcard_rig_build(&st0);
		ready = 1;
	}
	r = st0.ready;
	for (int i = 0; i < MAX_STEPS && in.n > 0; i++) {
		before = r.card;
		memset(&x, 0, sizeof x);
		step(&r, &x, &in);
		check(&before, &r.card, &x);
		fz_release(&in);
	}
	fz_release(&in);
	return 0;
}
