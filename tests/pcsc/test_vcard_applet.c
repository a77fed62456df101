/*
 * test_vcard_applet.c - the virtual card's applet driven in process through
 * the host side of SCP03: provisioning, PINs, and the Portfolio mechanisms
 * against known answers (RFC 4493 AES-CMAC, RFC 4231 HMAC-SHA256), plus the
 * status words of docs/apdu.md for the failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "scp03/scp03.h"
#include "scp03/scp03_internal.h"
#include "vcard/vcard.h"

static const uint8_t AID[] = {0xA0, 0x00, 0x00, 0x06, 0x16, 0x50, 0x46};
static const char *KEYS =
	"30:000102030405060708090a0b0c0d0e0f:101112131415161718191a1b1c1d1e1f:202122232425262728292a2b2c2d2e2f";

typedef struct rig {
	vcard_applet card;
	scp03_keys keys;
	scp03_session host;
} rig;

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] != '\0' && hex[1] != '\0') {
		unsigned v;

		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static uint16_t raw(rig *r, const uint8_t *cmd, size_t len, uint8_t *out, size_t *out_len)
{
	uint8_t resp[SCP03_MAX_RAPDU];
	size_t n;

	vcard_applet_process(&r->card, cmd, len, resp, &n);
	assert_true(n >= 2);
	if (out != NULL) {
		memcpy(out, resp, n - 2);
		*out_len = n - 2;
	}
	return (uint16_t)(resp[n - 2] << 8 | resp[n - 1]);
}

static void open_channel(rig *r)
{
	uint8_t cmd[64], resp[64];
	size_t n, rn;
	const uint8_t hc[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	cmd[0] = 0x00; cmd[1] = 0xA4; cmd[2] = 0x04; cmd[3] = 0x00; cmd[4] = sizeof(AID);
	memcpy(cmd + 5, AID, sizeof(AID));
	cmd[5 + sizeof(AID)] = 0x00;
	assert_int_equal(raw(r, cmd, 6 + sizeof(AID), resp, &rn), 0x9000);
	assert_int_equal(rn, 3);
	assert_int_equal(resp[2], 0x30);
	assert_int_equal(scp03_host_initialize_update(&r->host, 0x30, hc, cmd, sizeof(cmd), &n), SCP03_OK);
	assert_int_equal(raw(r, cmd, n, resp, &rn), 0x9000);
	assert_int_equal(scp03_host_check_card(&r->host, &r->keys, resp, rn), SCP03_OK);
	assert_int_equal(scp03_host_external_authenticate(&r->host, SCP03_SL_FULL, cmd, sizeof(cmd), &n), SCP03_OK);
	assert_int_equal(scp03_host_authenticated(&r->host, raw(r, cmd, n, NULL, NULL)), SCP03_OK);
}

/* One protected exchange: plain APDU in, plain data + SW out. */
static uint16_t tx(rig *r, const uint8_t *apdu, size_t len, uint8_t *data, size_t *data_len)
{
	uint8_t wrapped[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU], plain[SCP03_MAX_RAPDU];
	size_t n, rn, pn;
	uint16_t sw;

	assert_int_equal(scp03_host_wrap(&r->host, apdu, len, wrapped, sizeof(wrapped), &n), SCP03_OK);
	vcard_applet_process(&r->card, wrapped, n, resp, &rn);
	assert_int_equal(scp03_host_unwrap(&r->host, resp, rn, plain, sizeof(plain), &pn, &sw), SCP03_OK);
	if (data != NULL) {
		memcpy(data, plain, pn);
		*data_len = pn;
	}
	return sw;
}

static uint16_t cmd(rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le,
                    uint8_t *out, size_t *out_len)
{
	uint8_t apdu[SCP03_MAX_APDU];
	size_t n = scp03_plain_apdu(apdu, ins, p1, p2, d, dn, le);

	return tx(r, apdu, n, out, out_len);
}

/* A policy block of PUT / GENERATE ITEM (docs/apdu.md, "Item policy"). */
typedef struct pol {
	uint8_t b[VCARD_POLICY_LEN];
} pol;

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static pol key_pol(uint8_t service, uint8_t usage, uint32_t index)
{
	pol p = {{service, usage}};

	be32(p.b + 2, index);
	return p;
}

static pol id_pol(uint32_t identity, uint8_t flags)
{
	pol p = {{VCARD_SERVICE_NONE, 0}};

	be32(p.b + 6, identity);
	p.b[10] = flags;
	return p;
}

#define AUTH_KEY key_pol(VCARD_SERVICE_AUTH, VCARD_USE_SIGN | VCARD_USE_VERIFY, 0)
#define ENC_KEY  key_pol(VCARD_SERVICE_ENC, VCARD_USE_ENCRYPT | VCARD_USE_DECRYPT, 0)
#define REWRITE  ((pol){{0}}) /* the block of an Identity value rewrite: the item keeps its policy */

/* PUT ITEM into slot p1 (0: a new one). */
static uint16_t put_at(rig *r, uint8_t p1, uint8_t kind, uint8_t flags, pol p, const uint8_t *value, size_t len,
                       uint8_t *id)
{
	uint8_t data[2 + VCARD_POLICY_LEN + 160], out[8], *v = data + 2 + VCARD_POLICY_LEN;
	size_t padded, on = 0;
	uint16_t sw;

	data[0] = flags;
	data[1] = (uint8_t)len;
	memcpy(data + 2, p.b, VCARD_POLICY_LEN);
	memcpy(v, value, len);
	padded = scp03_pad(v, len);
	assert_int_equal(scp03_dek_encrypt(r->keys.dek, v, padded, v), SCP03_OK);
	sw = cmd(r, 0xD8, p1, kind, data, 2 + VCARD_POLICY_LEN + padded, 1, out, &on);
	if (sw == 0x9000) {
		assert_int_equal(on, 1);
		*id = out[0];
	}
	return sw;
}

static uint16_t put_item(rig *r, uint8_t kind, uint8_t flags, pol p, const uint8_t *value, size_t len, uint8_t *id)
{
	return put_at(r, 0, kind, flags, p, value, len, id);
}

static uint16_t verify_pin(rig *r, uint8_t who, const char *pin)
{
	return cmd(r, 0x20, 0, who, (const uint8_t *)pin, strlen(pin), 0, NULL, NULL);
}

/* A card with a token, SO PIN "so-pin", user PIN "1234", user logged in. */
static int setup(void **state)
{
	static rig r;
	uint8_t data[64];

	memset(&r, 0, sizeof(r));
	assert_int_equal(scp03_keys_parse(KEYS, &r.keys), SCP03_OK);
	assert_int_equal(vcard_applet_init(&r.card, &r.keys, AID, sizeof(AID), 7), 0);
	open_channel(&r);
	data[0] = 6;
	memcpy(data + 1, "so-pin", 6);
	memset(data + 7, ' ', 32);
	memcpy(data + 7, "vcard", 5);
	assert_int_equal(cmd(&r, 0x2E, 0, 0, data, 39, 0, NULL, NULL), 0x9000);
	assert_int_equal(verify_pin(&r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(cmd(&r, 0x2C, 0, 0x81, (const uint8_t *)"1234", 4, 0, NULL, NULL), 0x9000);
	assert_int_equal(verify_pin(&r, 0x81, "1234"), 0x9000);
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	rig *r = *state;

	vcard_applet_wipe(&r->card);
	scp03_session_close(&r->host);
	return 0;
}

static void test_layout(void **state)
{
	rig *r = *state;
	uint8_t out[256], key[16] = {0};
	size_t n;
	uint8_t id;

	assert_int_equal(cmd(r, 0xCA, 0, 0, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(n, 53);
	assert_int_equal(out[1], 7);
	assert_int_equal(out[2], 0x01 | 0x02 | 0x04);
	assert_int_equal(out[3], 3);
	assert_memory_equal(out + 5, "vcard", 5);
	/* the serial: the card's random identity in hex, another card's differs */
	char want[17];
	for (int i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", r->card.card_id[i]);
	assert_memory_equal(out + 37, want, 16);
	vcard_applet other;
	assert_int_equal(vcard_applet_init(&other, &r->keys, AID, sizeof(AID), 7), 0);
	assert_memory_not_equal(other.card_id, r->card.card_id, 8);
	vcard_applet_wipe(&other);
	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, key, 16, &id), 0x9000);
	assert_int_equal(cmd(r, 0xCA, 1, 0, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(n, 6);
	assert_int_equal(out[0], 0);        /* complete */
	assert_int_equal(out[1], id);
	assert_int_equal(out[2], 1);        /* AES */
	assert_int_equal(out[3], 0x03);     /* persistent | exclusive */
	assert_int_equal(out[5], 16);
	/* P1 = 02: the item's policy, as put */
	assert_int_equal(cmd(r, 0xCA, 2, id, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(n, VCARD_POLICY_LEN);
	assert_memory_equal(out, AUTH_KEY.b, VCARD_POLICY_LEN);
	assert_int_equal(cmd(r, 0xCA, 2, 31, NULL, 0, 1, out, &n), 0x6A88);
	assert_int_equal(cmd(r, 0xCA, 3, 0, NULL, 0, 1, out, &n), 0x6A86);
}

/* SIGHUP's blank card: no token, no items, no login; same keys (a new
 * channel opens), and the SCP03 counter carries on instead of starting over. */
static void test_erase(void **state)
{
	rig *r = *state;
	uint8_t out[256], key[16] = {0};
	size_t n;
	uint8_t id;
	uint32_t seq;

	assert_int_equal(put_item(r, 1, 0x03, AUTH_KEY, key, 16, &id), 0x9000);
	seq = r->card.seq;
	assert_true(seq > 0);
	assert_int_equal(vcard_applet_erase(&r->card), 0);
	assert_int_equal(r->card.seq, seq);
	assert_int_equal(r->card.initialized, 0);
	assert_null(vcard_item_get(&r->card, id));
	scp03_session_close(&r->host);
	open_channel(r);
	assert_int_equal(cmd(r, 0xCA, 0, 0, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(n, 53);
	assert_int_equal(out[2], 0);        /* no token, no user PIN */
	char want[17];
	for (int i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", r->card.card_id[i]);
	assert_memory_equal(out + 37, want, 16); /* the same chip: the same serial */
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x6984);
	assert_true(r->card.seq > seq);
}

/* Provisions identity `identity`: its hash SHA-256(value) (or `hash` when not
 * NULL) by the SO with identity flags `flags`, its value; the user is logged in
 * again after. */
static void provision(rig *r, uint32_t identity, const char *value, const uint8_t *hash, uint8_t flags, uint8_t *vid,
                      uint8_t *hid)
{
	uint8_t digest[32];
	unsigned dn = 0;

	assert_int_equal(EVP_Digest(value, strlen(value), digest, &dn, EVP_sha256(), NULL), 1);
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(put_item(r, 4, 0, id_pol(identity, flags), hash != NULL ? hash : digest, 32, hid), 0x9000);
	assert_int_equal(put_item(r, 3, 0, id_pol(identity, 0), (const uint8_t *)value, strlen(value), vid), 0x9000);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000);
}

/* PORTFOLIO SIGN (or VERIFY, p2 0x80) naming hash item hid of identity `identity`. */
static uint16_t sign_item(rig *r, uint8_t kid, uint8_t p2, uint32_t identity, uint8_t hid, const uint8_t *chal,
                          size_t chal_len, const uint8_t *sig, size_t sig_len, uint8_t *out, size_t *n)
{
	uint8_t d[5 + 1 + 64 + 32];

	be32(d, identity);
	d[4] = hid;
	d[5] = (uint8_t)chal_len;
	memcpy(d + 6, chal, chal_len);
	if (sig_len > 0)
		memcpy(d + 6 + chal_len, sig, sig_len);
	return cmd(r, 0x70, kid, p2, d, 6 + chal_len + sig_len, !(p2 & 0x80), out, n);
}

/* PORTFOLIO ENCRYPT (GCM p2 0x80, CBC 0x82) of identity `identity`'s value item vid, hash item hid. */
static uint16_t enc_item(rig *r, uint8_t kid, uint8_t p2, uint32_t identity, uint8_t vid, uint8_t hid,
                         uint8_t *out, size_t *n)
{
	uint8_t d[1 + 4 + 6] = {4, 'C', 'H', 'A', 'L'};

	be32(d + 5, identity);
	d[9] = vid;
	d[10] = hid;
	return cmd(r, 0x72, kid, p2, d, sizeof(d), 1, out, n);
}

static void test_sign_cmac_rfc4493(void **state)
{
	rig *r = *state;
	uint8_t key[16], m[64], data[128], out[64], want[16];
	size_t n;
	uint8_t kid, hid;

	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", m, sizeof(m));
	unhex("51f0bebf7e3b9d92fc49741779363cfe", want, sizeof(want));
	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, key, 16, &kid), 0x9000);
	/* M[0..32) is the provisioned "hash" of identity 3, M[32..64) the challenge -> RFC 4493 len 64 */
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(put_item(r, 4, 0, id_pol(3, 0), m, 32, &hid), 0x9000);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000);
	assert_int_equal(sign_item(r, kid, 0x00, 3, hid, m + 32, 32, NULL, 0, out, &n), 0x9000);
	assert_int_equal(n, 16);
	assert_memory_equal(out, want, 16);
	/* verify on the card: good, then one bit off, then short */
	assert_int_equal(sign_item(r, kid, 0x80, 3, hid, m + 32, 32, want, 16, NULL, NULL), 0x9000);
	want[15] ^= 1;
	assert_int_equal(sign_item(r, kid, 0x80, 3, hid, m + 32, 32, want, 16, NULL, NULL), 0x6300);
	assert_int_equal(sign_item(r, kid, 0x80, 3, hid, m + 32, 32, want, 15, NULL, NULL), 0x6700);
	/* verify with the hash in the data (server side) */
	want[15] ^= 1;
	memcpy(data, m, 64);
	memmove(data + 33, data + 32, 32);
	data[32] = 32;
	memcpy(data + 65, want, 16);
	assert_int_equal(cmd(r, 0x70, kid, 0x81, data, 81, 0, NULL, NULL), 0x9000);
	/* the hash is never readable; unknown item; wrong kind as identity; bad challenge length */
	assert_int_equal(cmd(r, 0xB0, hid, 0, NULL, 0, 1, out, &n), 0x6986);
	assert_int_equal(sign_item(r, kid, 0x00, 3, 30, m + 32, 32, NULL, 0, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(sign_item(r, kid, 0x00, 0, kid, m + 32, 32, NULL, 0, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(sign_item(r, 30, 0x00, 3, hid, m + 32, 32, NULL, 0, out, &n), 0x6A88); /* the key */
	assert_int_equal(sign_item(r, kid, 0x00, 3, hid, m + 32, 0, NULL, 0, out, &n), 0x6A80);
}

static void test_sign_hmac_rfc4231(void **state)
{
	rig *r = *state;
	uint8_t key[25], hash[32], chal[18], out[64], want[32];
	size_t n;
	uint8_t kid, hid;

	/* RFC 4231 test case 4: key 01..19, data cd x 50 = hash (cd x 32) || challenge (cd x 18) */
	unhex("0102030405060708090a0b0c0d0e0f10111213141516171819", key, sizeof(key));
	assert_int_equal(put_item(r, 2, 0, AUTH_KEY, key, 25, &kid), 0x9000);
	memset(hash, 0xcd, sizeof(hash));
	memset(chal, 0xcd, sizeof(chal));
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(put_item(r, 4, 0, id_pol(0, 0), hash, 32, &hid), 0x9000);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000);
	assert_int_equal(sign_item(r, kid, 0x00, 0, hid, chal, sizeof(chal), NULL, 0, out, &n), 0x9000);
	assert_int_equal(n, 32);
	unhex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", want, sizeof(want));
	assert_memory_equal(out, want, 32);
}

static void test_encrypt_gcm_and_cbc(void **state)
{
	rig *r = *state;
	uint8_t key[16], data[240], out[256], back[256], plain[256];
	size_t n, bn;
	uint8_t kid, vid, hid;
	int l1 = 0, l2 = 0;
	EVP_CIPHER_CTX *ctx;

	memset(key, 0x42, sizeof(key));
	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, key, 16, &kid), 0x9000);
	provision(r, 5, "hello", NULL, 0, &vid, &hid);
	assert_int_equal(enc_item(r, kid, 0x80, 5, vid, hid, out, &n), 0x9000);
	assert_int_equal(n, 12 + 9 + 16);
	/* an independent GCM decryption (EVP directly) recovers value || challenge */
	ctx = EVP_CIPHER_CTX_new();
	assert_int_equal(EVP_DecryptInit_ex2(ctx, EVP_aes_128_gcm(), key, out, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, out + 21), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, plain, &l1, out + 12, 9), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, plain + l1, &l2), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_memory_equal(plain, "helloCHAL", 9);
	/* and the card decrypts it back to the value, checking the challenge */
	data[0] = 4;
	memcpy(data + 1, "CHAL", 4);
	memcpy(data + 5, out, n);
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x9000);
	assert_int_equal(bn, 5);
	assert_memory_equal(back, "hello", 5);
	data[1] = 'X'; /* another challenge */
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x6A80);
	data[1] = 'C';
	data[5 + n - 1] ^= 1; /* tag */
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x6A80);

	/* CBC from another identity's value item */
	provision(r, 6, "urn:imei:1", NULL, 0, &vid, &hid);
	assert_int_equal(enc_item(r, kid, 0x82, 6, vid, hid, out, &n), 0x9000);
	assert_int_equal(n, 16 + 16);
	memcpy(data + 5, out, n);
	assert_int_equal(cmd(r, 0x72, kid, 0x03, data, 5 + n, 1, back, &bn), 0x9000);
	assert_int_equal(bn, 10);
	assert_memory_equal(back, "urn:imei:1", 10);
	/* the identity value is readable */
	assert_int_equal(cmd(r, 0xB0, vid, 0, NULL, 0, 1, back, &bn), 0x9000);
	assert_memory_equal(back, "urn:imei:1", 10);
}

static void test_pins_and_login(void **state)
{
	rig *r = *state;
	uint8_t out[64], key[16] = {1};
	size_t n;
	uint8_t id;

	assert_int_equal(verify_pin(r, 0x81, "0000"), 0x63C2);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000); /* resets the counter */
	assert_int_equal(cmd(r, 0x20, 0xFF, 0, NULL, 0, 0, NULL, NULL), 0x9000); /* logout */
	assert_int_equal(put_item(r, 1, 0, AUTH_KEY, key, 16, &id), 0x6982);
	assert_int_equal(cmd(r, 0x84, 0, 0, NULL, 0, 1, out, &n), 0x6700); /* Le 00 is not a length here */
	/* change the user PIN, then block it */
	{
		uint8_t d[16] = {4, '1', '2', '3', '4', '5', '6', '7', '8'};

		assert_int_equal(cmd(r, 0x24, 0, 0x81, d, 9, 0, NULL, NULL), 0x9000);
	}
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x63C2);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x63C1);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x6983);
	assert_int_equal(verify_pin(r, 0x81, "5678"), 0x6983); /* blocked even for the right PIN */
	/* the SO resets it */
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(cmd(r, 0x2C, 0, 0x81, (const uint8_t *)"4321", 4, 0, NULL, NULL), 0x9000);
	assert_int_equal(verify_pin(r, 0x81, "4321"), 0x9000);
	/* exclusivity: the same key value twice as exclusive */
	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, key, 16, &id), 0x9000);
	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, key, 16, &id), 0x6A89); /* whatever the service */
	assert_int_equal(put_item(r, 1, 0x00, AUTH_KEY, key, 16, &id), 0x9000); /* a non-exclusive copy is fine */
	assert_int_equal(put_item(r, 1, 0x00, AUTH_KEY, key, 15, &id), 0x6A80); /* AES length */
	assert_int_equal(put_item(r, 4, 0x00, id_pol(1, 0), key, 16, &id), 0x6982); /* hashes: SO only */
	assert_int_equal(cmd(r, 0xE4, id, 0, NULL, 0, 0, NULL, NULL), 0x9000);
	assert_int_equal(cmd(r, 0xE4, id, 0, NULL, 0, 0, NULL, NULL), 0x6A88);
}

/* Secure messaging on the card: plain commands and tampered ones close the channel. */
static void test_channel_rules(void **state)
{
	rig *r = *state;
	uint8_t apdu[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	uint8_t wrapped[64], resp[64], plain[64];
	size_t n, rn, pn;
	uint16_t sw;

	assert_int_equal(raw(r, apdu, sizeof(apdu), NULL, NULL), 0x6982); /* plain inside the channel */
	assert_int_equal(r->card.sm.state, SCP03_CLOSED);
	assert_int_equal(r->card.user_logged, 0);
	scp03_session_close(&r->host);
	open_channel(r);
	assert_int_equal(scp03_host_wrap(&r->host, apdu, sizeof(apdu), wrapped, sizeof(wrapped), &n), SCP03_OK);
	wrapped[n - 2] ^= 1; /* C-MAC */
	vcard_applet_process(&r->card, wrapped, n, resp, &rn);
	assert_int_equal(rn, 2);
	assert_int_equal(scp03_host_unwrap(&r->host, resp, rn, plain, sizeof(plain), &pn, &sw), SCP03_ERR_CLOSED);
	assert_int_equal(sw, 0x6988);
	/* a channel at a lower level than 0x33 is refused */
	{
		uint8_t c[64];
		const uint8_t hc[8] = {8, 7, 6, 5, 4, 3, 2, 1};

		assert_int_equal(scp03_host_initialize_update(&r->host, 0x30, hc, c, sizeof(c), &n), SCP03_OK);
		assert_int_equal(raw(r, c, n, resp, &rn), 0x9000);
		assert_int_equal(scp03_host_check_card(&r->host, &r->keys, resp, rn), SCP03_OK);
		assert_int_equal(scp03_host_external_authenticate(&r->host, 0x13, c, sizeof(c), &n), SCP03_OK);
		assert_int_equal(raw(r, c, n, NULL, NULL), 0x6982);
		/* wrong key version */
		assert_int_equal(scp03_host_initialize_update(&r->host, 0x31, hc, c, sizeof(c), &n), SCP03_OK);
		assert_int_equal(raw(r, c, n, NULL, NULL), 0x6A88);
	}
}

/* ---- item policy (docs/apdu.md, "Item policy"): every refusal -------------- */

/* SELECT answers version 02: an old host sees a card that enforces policies. */
static void test_policy_version(void **state)
{
	rig *r = *state;
	uint8_t sel[5 + sizeof(AID) + 1] = {0x00, 0xA4, 0x04, 0x00, sizeof(AID)}, out[16];
	size_t n;

	memcpy(sel + 5, AID, sizeof(AID));
	assert_int_equal(raw(r, sel, sizeof(sel), out, &n), 0x9000);
	assert_int_equal(out[0], 0x02);
}

/* PUT / GENERATE: a malformed or inconsistent block is refused, nothing stored. */
static void test_policy_put_checks(void **state)
{
	rig *r = *state;
	uint8_t key[16] = {7}, hash[32], out[16], gen[2 + VCARD_POLICY_LEN] = {0, 16};
	size_t n;
	uint8_t id;
	pol p;

	assert_int_equal(put_item(r, 1, 0, key_pol(0x02, VCARD_USE_SIGN, 0), key, 16, &id), 0x6A80); /* service */
	assert_int_equal(put_item(r, 1, 0, key_pol(VCARD_SERVICE_AUTH, 0x10, 0), key, 16, &id), 0x6A80); /* usage */
	p = AUTH_KEY;
	be32(p.b + 6, 3); /* a key bound to an identity */
	assert_int_equal(put_item(r, 1, 0, p, key, 16, &id), 0x6A80);
	p = id_pol(3, 0);
	p.b[1] = VCARD_USE_SIGN; /* an identity value that "signs" */
	assert_int_equal(put_item(r, 3, 0, p, (const uint8_t *)"x", 1, &id), 0x6A80);
	assert_int_equal(put_item(r, 1, 0, key_pol(VCARD_SERVICE_NONE, 0, 4), key, 16, &id), 0x6A80); /* index, no keyset */
	/* identity flags: known bits only, and only on the hash item, which only the SO puts */
	assert_int_equal(put_item(r, 4, 0, id_pol(3, VCARD_IDENTITY_ENCRYPT_CURRENT), key, 16, &id), 0x6982);
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	memset(hash, 0x5a, sizeof(hash));
	assert_int_equal(put_item(r, 4, 0, id_pol(3, 0x02), hash, 32, &id), 0x6A80);
	assert_int_equal(put_item(r, 3, 0, id_pol(3, VCARD_IDENTITY_ENCRYPT_CURRENT), (const uint8_t *)"x", 1, &id),
	                 0x6A80);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000);
	/* GENERATE carries the block too, checked the same way */
	memcpy(gen + 2, key_pol(VCARD_SERVICE_ENC, VCARD_USE_DECRYPT, 9).b, VCARD_POLICY_LEN);
	assert_int_equal(cmd(r, 0x46, 0, 1, gen, 2, 1, out, &n), 0x6700); /* the old form */
	assert_int_equal(cmd(r, 0x46, 0, 1, gen, sizeof(gen), 1, out, &n), 0x9000);
	id = out[0];
	assert_int_equal(cmd(r, 0xCA, 2, id, NULL, 0, 1, out, &n), 0x9000);
	assert_memory_equal(out, gen + 2, VCARD_POLICY_LEN);
	gen[2 + 6] = 1; /* identity id on a key */
	assert_int_equal(cmd(r, 0x46, 0, 1, gen, sizeof(gen), 1, out, &n), 0x6A80);
	/* the old PUT form (no block) is refused */
	{
		uint8_t d[2 + 16] = {0, 16};

		memcpy(d + 2, key, 16);
		d[2 + 15] = 0x80; /* any 16 bytes: the length is what gives it away */
		assert_int_equal(cmd(r, 0xD8, 0, 1, d, sizeof(d), 1, out, &n), 0x6700);
	}
	assert_null(vcard_item_get(&r->card, (uint8_t)(id + 1)));
}

/* Per-key service: PORTFOLIO SIGN needs an AUTH key, PORTFOLIO ENCRYPT an ENC key,
 * a plain key (no service) neither. Old applet: any AES key did both. */
static void test_policy_service(void **state)
{
	rig *r = *state;
	uint8_t k1[16], k2[16], k3[16], out[128];
	const uint8_t chal[4] = "CHAL";
	size_t n;
	uint8_t auth, enc, plain, vid, hid;

	memset(k1, 1, 16);
	memset(k2, 2, 16);
	memset(k3, 3, 16);
	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, k1, 16, &auth), 0x9000);
	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, k2, 16, &enc), 0x9000);
	assert_int_equal(put_item(r, 1, 0x00, key_pol(VCARD_SERVICE_NONE, VCARD_USE_ALL, 0), k3, 16, &plain), 0x9000);
	provision(r, 1, "urn:dev:1", NULL, 0, &vid, &hid);
	assert_int_equal(sign_item(r, auth, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), 0x9000);
	assert_int_equal(enc_item(r, enc, 0x80, 1, vid, hid, out, &n), 0x9000);
	/* the AUTH key does not encrypt, the ENC key does not sign, the plain key does neither */
	assert_int_equal(enc_item(r, auth, 0x80, 1, vid, hid, out, &n), VCARD_SW_SERVICE);
	assert_int_equal(sign_item(r, enc, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), VCARD_SW_SERVICE);
	assert_int_equal(sign_item(r, enc, 0x80, 1, hid, chal, 4, out, 16, NULL, NULL), VCARD_SW_SERVICE);
	assert_int_equal(sign_item(r, plain, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), VCARD_SW_SERVICE);
	assert_int_equal(enc_item(r, plain, 0x82, 1, vid, hid, out, &n), VCARD_SW_SERVICE);
	{
		uint8_t d[5 + 44] = {4, 'C', 'H', 'A', 'L'};

		assert_int_equal(cmd(r, 0x72, auth, 0x01, d, sizeof(d), 1, out, &n), VCARD_SW_SERVICE);
	}
}

/* Usage: a verify-only key never signs, a decrypt-only key never encrypts, and
 * the other way round. Old applet: a verify-only key signed. */
static void test_policy_usage(void **state)
{
	rig *r = *state;
	uint8_t k[16], sig[16], out[128], d[5 + 64] = {4, 'C', 'H', 'A', 'L'};
	const uint8_t chal[4] = "CHAL";
	size_t n, ctn;
	uint8_t signer, verifier, encrypter, decrypter, vid, hid;

	memset(k, 0x11, 16);
	assert_int_equal(put_item(r, 1, 0x02, key_pol(VCARD_SERVICE_AUTH, VCARD_USE_SIGN, 1), k, 16, &signer), 0x9000);
	/* the server's verify-only copy of the same key (not exclusive) */
	assert_int_equal(put_item(r, 1, 0x00, key_pol(VCARD_SERVICE_AUTH, VCARD_USE_VERIFY, 1), k, 16, &verifier),
	                 0x9000);
	memset(k, 0x22, 16);
	assert_int_equal(put_item(r, 1, 0x02, key_pol(VCARD_SERVICE_ENC, VCARD_USE_ENCRYPT, 1), k, 16, &encrypter),
	                 0x9000);
	assert_int_equal(put_item(r, 1, 0x00, key_pol(VCARD_SERVICE_ENC, VCARD_USE_DECRYPT, 1), k, 16, &decrypter),
	                 0x9000);
	provision(r, 2, "urn:dev:2", NULL, 0, &vid, &hid);

	assert_int_equal(sign_item(r, signer, 0x00, 2, hid, chal, 4, NULL, 0, sig, &n), 0x9000);
	assert_int_equal(sign_item(r, verifier, 0x80, 2, hid, chal, 4, sig, 16, NULL, NULL), 0x9000);
	assert_int_equal(sign_item(r, verifier, 0x00, 2, hid, chal, 4, NULL, 0, out, &n), VCARD_SW_USAGE);
	assert_int_equal(sign_item(r, signer, 0x80, 2, hid, chal, 4, sig, 16, NULL, NULL), VCARD_SW_USAGE);

	assert_int_equal(enc_item(r, encrypter, 0x80, 2, vid, hid, out, &ctn), 0x9000);
	memcpy(d + 5, out, ctn);
	assert_int_equal(cmd(r, 0x72, decrypter, 0x01, d, 5 + ctn, 1, out, &n), 0x9000);
	assert_memory_equal(out, "urn:dev:2", 9);
	assert_int_equal(enc_item(r, decrypter, 0x80, 2, vid, hid, out, &n), VCARD_SW_USAGE);
	assert_int_equal(cmd(r, 0x72, encrypter, 0x01, d, 5 + ctn, 1, out, &n), VCARD_SW_USAGE);
}

/* Source: a signing key signs only a provisioned hash item, never a hash in the
 * data; an encrypting key encrypts only an Identity value item, never data.
 * Verify and decrypt (the server side) still take data. Old applet: both
 * signed / encrypted whatever the host sent. */
static void test_policy_source(void **state)
{
	rig *r = *state;
	uint8_t k[16] = {0x33}, d[32 + 1 + 4 + 16], out[128];
	size_t n;
	uint8_t auth, enc, vid, hid;

	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, k, 16, &auth), 0x9000);
	k[0] = 0x44;
	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, k, 16, &enc), 0x9000);
	provision(r, 4, "urn:dev:4", NULL, 0, &vid, &hid);
	/* any 32 bytes as "the hash" + a challenge */
	memset(d, 0xab, 32);
	d[32] = 4;
	memcpy(d + 33, "CHAL", 4);
	assert_int_equal(cmd(r, 0x70, auth, 0x01, d, 37, 1, out, &n), VCARD_SW_SOURCE);
	assert_int_equal(r->card.items[auth - 1].used, 1); /* nothing else changed */
	/* the same hash as the provisioned one is no exception: the source decides */
	assert_int_equal(sign_item(r, auth, 0x00, 4, hid, (const uint8_t *)"CHAL", 4, NULL, 0, out, &n), 0x9000);
	memcpy(d + 37, out, 16);
	memcpy(d, r->card.items[hid - 1].value, 32);
	assert_int_equal(cmd(r, 0x70, auth, 0x01, d, 37, 1, out, &n), VCARD_SW_SOURCE);
	assert_int_equal(cmd(r, 0x70, auth, 0x81, d, 53, 0, NULL, NULL), 0x9000); /* verify: fine */
	/* encrypt data from the host: refused, whatever the mode */
	{
		uint8_t e[5 + 9] = {4, 'C', 'H', 'A', 'L', 'u', 'r', 'n', ':', 'd', 'e', 'v', ':', '4'};

		assert_int_equal(cmd(r, 0x72, enc, 0x00, e, sizeof(e), 1, out, &n), VCARD_SW_SOURCE);
		assert_int_equal(cmd(r, 0x72, enc, 0x02, e, sizeof(e), 1, out, &n), VCARD_SW_SOURCE);
	}
}

/* Identity binding: the named items must belong to the identity asked for, so
 * a host pointing Identity 3 at Identity 2's hash (or value) is refused. */
static void test_policy_identity_binding(void **state)
{
	rig *r = *state;
	uint8_t k[16] = {0x55}, out[128];
	const uint8_t chal[4] = "CHAL";
	size_t n;
	uint8_t auth, enc, v2, h2, v3, h3;

	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, k, 16, &auth), 0x9000);
	k[0] = 0x66;
	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, k, 16, &enc), 0x9000);
	provision(r, 2, "urn:dev:two", NULL, 0, &v2, &h2);
	provision(r, 3, "urn:dev:three", NULL, 0, &v3, &h3);
	assert_int_equal(sign_item(r, auth, 0x00, 3, h3, chal, 4, NULL, 0, out, &n), 0x9000);
	assert_int_equal(sign_item(r, auth, 0x00, 3, h2, chal, 4, NULL, 0, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(sign_item(r, auth, 0x80, 3, h2, chal, 4, out, 16, NULL, NULL), VCARD_SW_IDENTITY);
	assert_int_equal(enc_item(r, enc, 0x80, 3, v3, h3, out, &n), 0x9000);
	assert_int_equal(enc_item(r, enc, 0x80, 3, v3, h2, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(enc_item(r, enc, 0x80, 3, v2, h3, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(enc_item(r, enc, 0x80, 3, v2, h2, out, &n), VCARD_SW_IDENTITY);
	/* items of the wrong kind, or none, are not the identity's either */
	assert_int_equal(enc_item(r, enc, 0x80, 3, h3, v3, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(sign_item(r, auth, 0x00, 3, v3, chal, 4, NULL, 0, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(enc_item(r, enc, 0x80, 3, 31, h3, out, &n), VCARD_SW_IDENTITY);
	assert_int_equal(enc_item(r, enc, 0x80, 3, v3, 31, out, &n), VCARD_SW_IDENTITY);
}

/* ENC encrypts an Identity value only while SHA-256(value) is the provisioned
 * hash, unless the SO flagged the identity "encrypt current". Old applet:
 * encrypted whatever value the item held. */
static void test_policy_encrypt_current(void **state)
{
	rig *r = *state;
	uint8_t k[16] = {0x77}, out[128], same;
	size_t n;
	uint8_t enc, vid, hid, cvid, chid, lone;

	assert_int_equal(put_item(r, 1, 0x02, ENC_KEY, k, 16, &enc), 0x9000);
	provision(r, 7, "urn:dev:seven", NULL, 0, &vid, &hid);
	assert_int_equal(enc_item(r, enc, 0x80, 7, vid, hid, out, &n), 0x9000);
	/* an LwM2M WRITE of /16/x/0/7 by the user: the value no longer matches */
	assert_int_equal(put_at(r, vid, 3, 0, REWRITE, (const uint8_t *)"urn:evil", 8, &same), 0x9000);
	assert_int_equal(same, vid);
	assert_int_equal(enc_item(r, enc, 0x80, 7, vid, hid, out, &n), VCARD_SW_NOT_CURRENT);
	assert_int_equal(enc_item(r, enc, 0x80, 7, vid, 0, out, &n), VCARD_SW_NOT_CURRENT); /* hiding the hash */
	/* writing the provisioned value back makes it current again */
	assert_int_equal(put_at(r, vid, 3, 0, REWRITE, (const uint8_t *)"urn:dev:seven", 13, &same), 0x9000);
	assert_int_equal(enc_item(r, enc, 0x80, 7, vid, hid, out, &n), 0x9000);
	/* a value with no provisioned hash at all (created by the user) */
	assert_int_equal(put_item(r, 3, 0, id_pol(9, 0), (const uint8_t *)"urn:dev:nine", 12, &lone), 0x9000);
	assert_int_equal(enc_item(r, enc, 0x80, 9, lone, 0, out, &n), VCARD_SW_NOT_CURRENT);
	/* the SO's "encrypt current" identity: a changed value is still encrypted */
	provision(r, 8, "urn:dev:eight", NULL, VCARD_IDENTITY_ENCRYPT_CURRENT, &cvid, &chid);
	assert_int_equal(put_at(r, cvid, 3, 0, REWRITE, (const uint8_t *)"urn:dev:8b", 10, &same), 0x9000);
	assert_int_equal(enc_item(r, enc, 0x80, 8, cvid, chid, out, &n), 0x9000);
	/* ... but not without its hash item, which carries the flag */
	assert_int_equal(enc_item(r, enc, 0x80, 8, cvid, 0, out, &n), VCARD_SW_NOT_CURRENT);
	/* the rewrite kept the value's binding (the block must be zero); the flag is the hash's */
	assert_int_equal(cmd(r, 0xCA, 2, cvid, NULL, 0, 1, out, &n), 0x9000);
	assert_memory_equal(out, id_pol(8, 0).b, VCARD_POLICY_LEN);
	assert_int_equal(cmd(r, 0xCA, 2, chid, NULL, 0, 1, out, &n), 0x9000);
	assert_memory_equal(out, id_pol(8, VCARD_IDENTITY_ENCRYPT_CURRENT).b, VCARD_POLICY_LEN);
	assert_int_equal(put_at(r, vid, 3, 0, id_pol(8, 0), (const uint8_t *)"urn:x", 5, &same), 0x6A80);
}

/* RESTRICT ITEM: usage only shrinks, and what was taken away stays away. */
static void test_policy_restrict(void **state)
{
	rig *r = *state;
	uint8_t k[16] = {0x88}, out[128], u;
	const uint8_t chal[4] = "CHAL";
	size_t n;
	uint8_t auth, vid, hid;

	assert_int_equal(put_item(r, 1, 0x02, AUTH_KEY, k, 16, &auth), 0x9000);
	provision(r, 1, "urn:dev:1", NULL, 0, &vid, &hid);
	assert_int_equal(sign_item(r, auth, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), 0x9000);
	u = VCARD_USE_VERIFY; /* CKA_SIGN -> FALSE */
	assert_int_equal(cmd(r, 0xDA, auth, 0, &u, 1, 0, NULL, NULL), 0x9000);
	assert_int_equal(sign_item(r, auth, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), VCARD_SW_USAGE);
	u = VCARD_USE_SIGN | VCARD_USE_VERIFY; /* and back: no */
	assert_int_equal(cmd(r, 0xDA, auth, 0, &u, 1, 0, NULL, NULL), VCARD_SW_USAGE_GROWS);
	u = VCARD_USE_ENCRYPT;
	assert_int_equal(cmd(r, 0xDA, auth, 0, &u, 1, 0, NULL, NULL), VCARD_SW_USAGE_GROWS);
	assert_int_equal(cmd(r, 0xCA, 2, auth, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(out[1], VCARD_USE_VERIFY);
	u = 0;
	assert_int_equal(cmd(r, 0xDA, auth, 0, &u, 1, 0, NULL, NULL), 0x9000);
	assert_int_equal(sign_item(r, auth, 0x80, 1, hid, chal, 4, out, 16, NULL, NULL), VCARD_SW_USAGE);
	assert_int_equal(cmd(r, 0xDA, 30, 0, &u, 1, 0, NULL, NULL), 0x6A88);
	assert_int_equal(cmd(r, 0xDA, auth, 0, NULL, 0, 0, NULL, NULL), 0x6700);
	assert_int_equal(cmd(r, 0x20, 0xFF, 0, NULL, 0, 0, NULL, NULL), 0x9000); /* logout */
	assert_int_equal(cmd(r, 0xDA, auth, 0, &u, 1, 0, NULL, NULL), 0x6982);
}

/* ---- PORTFOLIO DIV VERIFY: a device's AUTH_CMAC checked with a master ------- */

/* The known answers of tests/unit/test_p11_div.c (openssl-CLI computed there):
 * master 00..0f, identity hash of "HostSwV-1.2.3", challenge 02345178. */
#define DIV_DEVICE "urn:imei:490154203237518"
#define DIV_DEVICE2 "urn:imei:490154203237519"
#define DIV_ID_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define DIV_SIG_CMAC "0d1786ea88c687b268b1d708ad95b586"
#define DIV_SIG_CMAC_DEV2 "8b16931cf3e500c10ba4aa31819f56d4"
#define DIV_SIG_HMAC_N3 "4e529643c38c22a813a42aced75b494b165bed0db1313d5f38e884a6896d54bc"
static const uint8_t DIV_MASTER[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t DIV_CHAL[4] = {0x02, 0x34, 0x51, 0x78};
#define MASTER_POL(service) key_pol(service, VCARD_USE_MASTER, 0)

/* One device's request (docs/apdu.md, PORTFOLIO DIV VERIFY). */
typedef struct div_req {
	const char *device;
	size_t device_len;
	uint32_t instance, index;
	uint8_t key_len;
	const char *sig_hex;
	size_t sig_len;
	uint8_t p2; /* 00 AES-CMAC, 01 HMAC-SHA256 */
} div_req;

static uint16_t div_verify(rig *r, uint8_t master, const div_req *q)
{
	uint8_t d[300], sig[32];
	size_t n = 0;

	unhex(q->sig_hex, sig, sizeof(sig));
	d[n++] = (uint8_t)q->device_len;
	memcpy(d + n, q->device, q->device_len);
	n += q->device_len;
	be32(d + n, q->instance);
	be32(d + n + 4, q->index);
	n += 8;
	d[n++] = q->key_len;
	n += unhex(DIV_ID_HASH, d + n, 32);
	d[n++] = sizeof(DIV_CHAL);
	memcpy(d + n, DIV_CHAL, sizeof(DIV_CHAL));
	n += sizeof(DIV_CHAL);
	memcpy(d + n, sig, q->sig_len);
	return cmd(r, 0x74, master, q->p2, d, n + q->sig_len, 0, NULL, NULL);
}

static div_req dev_req(const char *device, uint32_t index, const char *sig_hex)
{
	div_req q = {device, strlen(device), 1, index, 16, sig_hex, 16, 0x00};

	return q;
}

static void test_div_verify_known_answers(void **state)
{
	rig *r = *state;
	uint8_t m;
	char long_id[VCARD_DIV_MAX_DEVICE_ID + 2];
	div_req q;

	assert_int_equal(put_item(r, 1, 0x02, MASTER_POL(VCARD_SERVICE_AUTH), DIV_MASTER, 16, &m), 0x9000);
	q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);
	assert_int_equal(div_verify(r, m, &q), 0x9000);
	q = dev_req(DIV_DEVICE2, 1, DIV_SIG_CMAC_DEV2);
	assert_int_equal(div_verify(r, m, &q), 0x9000);
	/* another device's, another index's, one bit off: the card says invalid */
	q = dev_req(DIV_DEVICE2, 1, DIV_SIG_CMAC);
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q = dev_req(DIV_DEVICE, 2, DIV_SIG_CMAC);
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q = dev_req(DIV_DEVICE, 1, "0d1786ea88c687b268b1d708ad95b587");
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);
	q.instance = 2;
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q.instance = 1;
	q.key_len = 32; /* an AES-256 device key is another key */
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	/* malformed: short signature, device key length, empty or too long device id */
	q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);
	q.sig_len = 15;
	assert_int_equal(div_verify(r, m, &q), 0x6700);
	q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);
	q.key_len = 24;
	assert_int_equal(div_verify(r, m, &q), 0x6A80);
	q.key_len = 16;
	q.device_len = 0;
	assert_int_equal(div_verify(r, m, &q), 0x6A80);
	memset(long_id, 'd', sizeof(long_id));
	q.device = long_id;
	q.device_len = VCARD_DIV_MAX_DEVICE_ID;
	assert_int_equal(div_verify(r, m, &q), 0x6300); /* the largest fits one APDU and is computed */
	q.device_len = VCARD_DIV_MAX_DEVICE_ID + 1;
	assert_int_equal(div_verify(r, m, &q), 0x6A80);
	assert_int_equal(cmd(r, 0x74, m, 0x02, DIV_CHAL, 4, 0, NULL, NULL), 0x6A86);
	assert_int_equal(cmd(r, 0x20, 0xFF, 0, NULL, 0, 0, NULL, NULL), 0x9000); /* logout */
	q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);
	assert_int_equal(div_verify(r, m, &q), 0x6982);
}

/* P2 01: the device key a 32-byte generic secret, n = 3, HMAC-SHA256 (test_p11_div.c). */
static void test_div_verify_hmac(void **state)
{
	rig *r = *state;
	uint8_t m;
	char long_id[VCARD_DIV_MAX_DEVICE_ID_HMAC + 1];
	div_req q = {DIV_DEVICE, strlen(DIV_DEVICE), 1, 3, 32, DIV_SIG_HMAC_N3, 32, 0x01};

	assert_int_equal(put_item(r, 1, 0x02, MASTER_POL(VCARD_SERVICE_AUTH), DIV_MASTER, 16, &m), 0x9000);
	assert_int_equal(div_verify(r, m, &q), 0x9000);
	q.key_len = 16; /* another device key */
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q.key_len = 65;
	assert_int_equal(div_verify(r, m, &q), 0x6A80);
	q.key_len = 32;
	q.sig_len = 16; /* a CMAC-sized signature */
	assert_int_equal(div_verify(r, m, &q), 0x6700);
	q.p2 = 0x00; /* the same answer read as AES-CMAC: the signature is too long */
	q.sig_len = 32;
	assert_int_equal(div_verify(r, m, &q), 0x6700);
	q.p2 = 0x01;
	memset(long_id, 'd', sizeof(long_id));
	q.device = long_id;
	q.device_len = VCARD_DIV_MAX_DEVICE_ID_HMAC;
	assert_int_equal(div_verify(r, m, &q), 0x6300);
	q.device_len = VCARD_DIV_MAX_DEVICE_ID_HMAC + 1;
	assert_int_equal(div_verify(r, m, &q), 0x6A80);
	q.p2 = 0x02;
	assert_int_equal(div_verify(r, m, &q), 0x6A86);
}

/* A master does DIV VERIFY and nothing else, and only a master does it: the
 * applet's own refusals, APDU by APDU. */
static void test_div_master_policy(void **state)
{
	rig *r = *state;
	uint8_t m, m_enc, m_rd, key, vid, hid, out[128], u;
	const uint8_t chal[4] = "CHAL";
	size_t n;
	div_req q = dev_req(DIV_DEVICE, 1, DIV_SIG_CMAC);

	memset(out, 0, sizeof out); /* also the (all-zero) signature a master is asked to verify */
	/* the block: master alone, AES, AUTH or ENC, no index */
	assert_int_equal(put_item(r, 1, 0, key_pol(VCARD_SERVICE_AUTH, VCARD_USE_MASTER | VCARD_USE_VERIFY, 0),
	                          DIV_MASTER, 16, &m), 0x6A80);
	assert_int_equal(put_item(r, 2, 0, MASTER_POL(VCARD_SERVICE_AUTH), DIV_MASTER, 16, &m), 0x6A80);
	assert_int_equal(put_item(r, 1, 0, key_pol(VCARD_SERVICE_AUTH, VCARD_USE_MASTER, 1), DIV_MASTER, 16, &m),
	                 0x6A80);
	assert_int_equal(put_item(r, 1, 0, MASTER_POL(VCARD_SERVICE_NONE), DIV_MASTER, 16, &m), 0x6A80);
	assert_int_equal(put_item(r, 1, 0, MASTER_POL(VCARD_SERVICE_AUTH), DIV_MASTER, 16, &m), 0x9000);
	assert_int_equal(put_item(r, 1, 0x04, MASTER_POL(VCARD_SERVICE_AUTH), DIV_MASTER, 16, &m_rd), 0x9000);
	assert_int_equal(put_item(r, 1, 0, MASTER_POL(VCARD_SERVICE_ENC), DIV_MASTER, 16, &m_enc), 0x9000);
	provision(r, 1, "urn:dev:1", NULL, 0, &vid, &hid);
	/* a master never signs, verifies, encrypts or leaves the card */
	assert_int_equal(sign_item(r, m, 0x00, 1, hid, chal, 4, NULL, 0, out, &n), VCARD_SW_USAGE);
	assert_int_equal(sign_item(r, m, 0x80, 1, hid, chal, 4, out, 16, NULL, NULL), VCARD_SW_USAGE);
	assert_int_equal(enc_item(r, m_enc, 0x80, 1, vid, hid, out, &n), VCARD_SW_USAGE);
	assert_int_equal(cmd(r, 0xB0, m, 0, NULL, 0, 1, out, &n), 0x6986);
	assert_int_equal(cmd(r, 0xB0, m_rd, 0, NULL, 0, 1, out, &n), 0x6986); /* readable flag or not */
	assert_int_equal(div_verify(r, m_rd, &q), 0x9000);
	/* an ENC master gives ENC device keys: no AUTH verify */
	assert_int_equal(div_verify(r, m_enc, &q), VCARD_SW_SERVICE);
	/* only a master derives: a device or server key with the same value, an identity item */
	assert_int_equal(put_item(r, 1, 0, AUTH_KEY, DIV_MASTER, 16, &key), 0x9000);
	assert_int_equal(div_verify(r, key, &q), VCARD_SW_USAGE);
	assert_int_equal(div_verify(r, hid, &q), 0x6985);
	assert_int_equal(div_verify(r, 30, &q), 0x6A88);
	/* and no item becomes one: usage never grows */
	u = VCARD_USE_MASTER;
	assert_int_equal(cmd(r, 0xDA, key, 0, &u, 1, 0, NULL, NULL), VCARD_SW_USAGE_GROWS);
	u = 0; /* a master may lose its use */
	assert_int_equal(cmd(r, 0xDA, m, 0, &u, 1, 0, NULL, NULL), 0x9000);
	assert_int_equal(div_verify(r, m, &q), VCARD_SW_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_cmac_rfc4493, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_hmac_rfc4231, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypt_gcm_and_cbc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pins_and_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_put_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_identity_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_encrypt_current, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_restrict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_div_verify_known_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_div_verify_hmac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_div_master_policy, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
