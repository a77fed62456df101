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

#include "se/pcsc/scp03.h"
#include "se/pcsc/scp03_internal.h"
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
	size_t n = 4;

	apdu[0] = 0x80; apdu[1] = ins; apdu[2] = p1; apdu[3] = p2;
	if (dn > 0) {
		apdu[n++] = (uint8_t)dn;
		memcpy(apdu + n, d, dn);
		n += dn;
	}
	if (le)
		apdu[n++] = 0x00;
	return tx(r, apdu, n, out, out_len);
}

static uint16_t put_item(rig *r, uint8_t kind, uint8_t flags, const uint8_t *value, size_t len, uint8_t *id)
{
	uint8_t data[2 + 160], out[8];
	size_t padded, on = 0;
	uint16_t sw;

	data[0] = flags;
	data[1] = (uint8_t)len;
	memcpy(data + 2, value, len);
	padded = scp03_pad(data + 2, len);
	assert_int_equal(scp03_dek_encrypt(r->keys.dek, data + 2, padded, data + 2), SCP03_OK);
	sw = cmd(r, 0xD8, 0, kind, data, 2 + padded, 1, out, &on);
	if (sw == 0x9000) {
		assert_int_equal(on, 1);
		*id = out[0];
	}
	return sw;
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
	assert_int_equal(put_item(r, 1, 0x02, key, 16, &id), 0x9000);
	assert_int_equal(cmd(r, 0xCA, 1, 0, NULL, 0, 1, out, &n), 0x9000);
	assert_int_equal(n, 6);
	assert_int_equal(out[0], 0);        /* complete */
	assert_int_equal(out[1], id);
	assert_int_equal(out[2], 1);        /* AES */
	assert_int_equal(out[3], 0x03);     /* persistent | exclusive */
	assert_int_equal(out[5], 16);
	assert_int_equal(cmd(r, 0xCA, 2, 0, NULL, 0, 1, out, &n), 0x6A86);
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

	assert_int_equal(put_item(r, 1, 0x03, key, 16, &id), 0x9000);
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
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x6984);
	assert_true(r->card.seq > seq);
}

static void test_sign_cmac_rfc4493(void **state)
{
	rig *r = *state;
	uint8_t key[16], m[64], data[128], out[64];
	size_t n;
	uint8_t kid, hid;

	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", m, sizeof(m));
	assert_int_equal(put_item(r, 1, 0x02, key, 16, &kid), 0x9000);
	/* hash given: M[0..32) is the "hash", M[32..64) the challenge -> RFC 4493 len 64 */
	memcpy(data, m, 32);
	data[32] = 32;
	memcpy(data + 33, m + 32, 32);
	assert_int_equal(cmd(r, 0x70, kid, 0x01, data, 65, 1, out, &n), 0x9000);
	assert_int_equal(n, 16);
	unhex("51f0bebf7e3b9d92fc49741779363cfe", data + 100, 16);
	assert_memory_equal(out, data + 100, 16);
	/* the same through a provisioned identity hash item: one APDU per signature */
	assert_int_equal(verify_pin(r, 0x82, "so-pin"), 0x9000);
	assert_int_equal(put_item(r, 4, 0, m, 32, &hid), 0x9000);
	assert_int_equal(verify_pin(r, 0x81, "1234"), 0x9000);
	data[0] = hid;
	data[1] = 32;
	memcpy(data + 2, m + 32, 32);
	assert_int_equal(cmd(r, 0x70, kid, 0x00, data, 34, 1, out, &n), 0x9000);
	assert_memory_equal(out, data + 100, 16);
	/* verify on the card: good, then one bit off */
	memcpy(data + 34, out, 16);
	assert_int_equal(cmd(r, 0x70, kid, 0x80, data, 50, 0, NULL, NULL), 0x9000);
	data[49] ^= 1;
	assert_int_equal(cmd(r, 0x70, kid, 0x80, data, 50, 0, NULL, NULL), 0x6300);
	assert_int_equal(cmd(r, 0x70, kid, 0x80, data, 49, 0, NULL, NULL), 0x6700);
	/* the hash is never readable; unknown item; wrong kind as identity; bad challenge length */
	assert_int_equal(cmd(r, 0xB0, hid, 0, NULL, 0, 1, out, &n), 0x6986);
	data[0] = 30;
	assert_int_equal(cmd(r, 0x70, kid, 0x00, data, 34, 1, out, &n), 0x6A88);
	data[0] = kid;
	assert_int_equal(cmd(r, 0x70, kid, 0x00, data, 34, 1, out, &n), 0x6985);
	data[0] = hid;
	data[1] = 0;
	assert_int_equal(cmd(r, 0x70, kid, 0x00, data, 34, 1, out, &n), 0x6A80);
}

static void test_sign_hmac_rfc4231(void **state)
{
	rig *r = *state;
	uint8_t key[25], data[128], out[64], want[32];
	size_t n;
	uint8_t kid;

	/* RFC 4231 test case 4: key 01..19, data cd x 50 = hash (cd x 32) || challenge (cd x 18) */
	unhex("0102030405060708090a0b0c0d0e0f10111213141516171819", key, sizeof(key));
	assert_int_equal(put_item(r, 2, 0, key, 25, &kid), 0x9000);
	memset(data, 0xcd, 32);
	data[32] = 18;
	memset(data + 33, 0xcd, 18);
	assert_int_equal(cmd(r, 0x70, kid, 0x01, data, 51, 1, out, &n), 0x9000);
	assert_int_equal(n, 32);
	unhex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", want, sizeof(want));
	assert_memory_equal(out, want, 32);
}

static void test_encrypt_gcm_and_cbc(void **state)
{
	rig *r = *state;
	uint8_t key[16], data[240], out[256], back[256], plain[256];
	size_t n, bn;
	uint8_t kid, vid;
	int l1 = 0, l2 = 0;
	EVP_CIPHER_CTX *ctx;

	memset(key, 0x42, sizeof(key));
	assert_int_equal(put_item(r, 1, 0x02, key, 16, &kid), 0x9000);
	data[0] = 4;
	memcpy(data + 1, "CHAL", 4);
	memcpy(data + 5, "hello", 5);
	assert_int_equal(cmd(r, 0x72, kid, 0x00, data, 10, 1, out, &n), 0x9000);
	assert_int_equal(n, 12 + 9 + 16);
	/* an independent GCM decryption (EVP directly) recovers data || challenge */
	ctx = EVP_CIPHER_CTX_new();
	assert_int_equal(EVP_DecryptInit_ex2(ctx, EVP_aes_128_gcm(), key, out, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, out + 21), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, plain, &l1, out + 12, 9), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, plain + l1, &l2), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_memory_equal(plain, "helloCHAL", 9);
	/* and the card decrypts it back to the data, checking the challenge */
	memcpy(data + 5, out, n);
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x9000);
	assert_int_equal(bn, 5);
	assert_memory_equal(back, "hello", 5);
	data[1] = 'X'; /* another challenge */
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x6A80);
	data[1] = 'C';
	data[5 + n - 1] ^= 1; /* tag */
	assert_int_equal(cmd(r, 0x72, kid, 0x01, data, 5 + n, 1, back, &bn), 0x6A80);

	/* CBC from an Identity value item */
	assert_int_equal(put_item(r, 3, 0, (const uint8_t *)"urn:imei:1", 10, &vid), 0x9000);
	data[5] = vid;
	assert_int_equal(cmd(r, 0x72, kid, 0x82, data, 6, 1, out, &n), 0x9000);
	assert_int_equal(n, 16 + 16);
	memcpy(data + 5, out, n);
	assert_int_equal(cmd(r, 0x72, kid, 0x03, data, 5 + n, 1, back, &bn), 0x9000);
	assert_int_equal(bn, 10);
	assert_memory_equal(back, "urn:imei:1", 10);
	/* the identity value is readable, and can be rewritten in place */
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
	assert_int_equal(put_item(r, 1, 0, key, 16, &id), 0x6982);
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
	assert_int_equal(put_item(r, 1, 0x02, key, 16, &id), 0x9000);
	assert_int_equal(put_item(r, 1, 0x02, key, 16, &id), 0x6A89);
	assert_int_equal(put_item(r, 1, 0x00, key, 16, &id), 0x9000); /* a non-exclusive copy is fine */
	assert_int_equal(put_item(r, 1, 0x00, key, 15, &id), 0x6A80); /* AES length */
	assert_int_equal(put_item(r, 4, 0x00, key, 16, &id), 0x6982); /* hashes: SO only */
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
