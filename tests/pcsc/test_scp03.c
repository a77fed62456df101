/*
 * test_scp03.c - SCP03 against the GlobalPlatform vectors of design.md
 * (static keys 00..0f / 10..1f / 20..2f, KVN 30, host challenge
 * b13e5f938fc108c4, card challenge 3eb51047495b249f), both ends, plus the
 * rejections: wrong card cryptogram, tampered or replayed R-MAC / C-MAC,
 * tampered ciphertext, out-of-order calls, length limits.
 *
 * The level-0x33 wrapped command/response vector (CMD1/RSP1) was computed
 * with an independent Python implementation on pyca/cryptography, written
 * from Amendment D (not from this code): it pins the C-DECRYPTION counter
 * ICV, the R-ENC ICV (0x80 || counter) and the MAC chaining.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scp03/scp03.h"
#include "scp03/scp03_internal.h"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (hex[0] != '\0' && hex[1] != '\0') {
		unsigned v;

		if (hex[0] == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static void assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t buf[512];
	size_t n = unhex(want, buf, sizeof(buf));

	assert_int_equal(len, n);
	assert_memory_equal(got, buf, n);
}

static const char *GP_KEYS =
	"30:000102030405060708090a0b0c0d0e0f:101112131415161718191a1b1c1d1e1f:202122232425262728292a2b2c2d2e2f";
static const uint8_t HOST_CHALLENGE[8] = {0xb1, 0x3e, 0x5f, 0x93, 0x8f, 0xc1, 0x08, 0xc4};
static const uint8_t CARD_CHALLENGE[8] = {0x3e, 0xb5, 0x10, 0x47, 0x49, 0x5b, 0x24, 0x9f};
static const char *INIT_UPDATE_RESPONSE =
	"00000000000000000000 300370 3eb51047495b249f 66c484c1d2ef1948 000002";
static const uint8_t AID[] = {0xA0, 0x00, 0x00, 0x06, 0x16, 0x50, 0x46};

static scp03_keys gp_keys(void)
{
	scp03_keys k;

	assert_int_equal(scp03_keys_parse(GP_KEYS, &k), SCP03_OK);
	return k;
}

/* ---- primitives ------------------------------------------------------- */

static void test_cmac_rfc4493(void **state)
{
	uint8_t key[16], msg[64], mac[16];

	(void)state;
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", msg, sizeof(msg));
	assert_int_equal(scp03_cmac2(key, NULL, 0, NULL, 0, mac), SCP03_OK);
	assert_hex(mac, 16, "bb1d6929e95937287fa37d129b756746");
	assert_int_equal(scp03_cmac2(key, msg, 16, NULL, 0, mac), SCP03_OK);
	assert_hex(mac, 16, "070a16b46b4d4144f79bdd9dd04a287c");
	/* split across the two parts at an odd boundary */
	assert_int_equal(scp03_cmac2(key, msg, 7, msg + 7, 33, mac), SCP03_OK);
	assert_hex(mac, 16, "dfa66747de9ae63030ca32611497c827");
	assert_int_equal(scp03_cmac2(key, msg, 64, NULL, 0, mac), SCP03_OK);
	assert_hex(mac, 16, "51f0bebf7e3b9d92fc49741779363cfe");
}

static void test_padding(void **state)
{
	uint8_t buf[48];
	size_t n;

	(void)state;
	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(scp03_pad(buf, 5), 16);
	assert_int_equal(buf[5], 0x80);
	assert_int_equal(buf[15], 0x00);
	assert_true(scp03_unpad(buf, 16, &n));
	assert_int_equal(n, 5);
	/* a full block gains a whole block of padding */
	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(scp03_pad(buf, 16), 32);
	assert_int_equal(buf[16], 0x80);
	assert_true(scp03_unpad(buf, 32, &n));
	assert_int_equal(n, 16);
	/* no 0x80 marker, or junk after it */
	memset(buf, 0, 16);
	assert_false(scp03_unpad(buf, 16, &n));
	buf[3] = 0x80;
	buf[9] = 0x01;
	assert_false(scp03_unpad(buf, 16, &n));
	assert_false(scp03_unpad(buf, 15, &n));
}

static void test_keys_parse(void **state)
{
	scp03_keys k;

	(void)state;
	k = gp_keys();
	assert_int_equal(k.kvn, 0x30);
	assert_int_equal(k.enc[15], 0x0f);
	assert_int_equal(k.mac[0], 0x10);
	assert_int_equal(k.dek[15], 0x2f);
	assert_int_equal(scp03_keys_parse("30:0001", &k), SCP03_ERR_ARGS);
	assert_int_equal(k.kvn, 0); /* wiped on failure */
	assert_int_equal(scp03_keys_parse("", &k), SCP03_ERR_ARGS);
	assert_int_equal(scp03_keys_parse(
		"30:000102030405060708090a0b0c0d0e0f:101112131415161718191a1b1c1d1e1f:202122232425262728292a2b2c2d2e2f:", &k),
		SCP03_ERR_ARGS);
	assert_int_equal(scp03_keys_parse(
		"3g:000102030405060708090a0b0c0d0e0f:101112131415161718191a1b1c1d1e1f:202122232425262728292a2b2c2d2e2f", &k),
		SCP03_ERR_ARGS);
	assert_int_equal(scp03_keys_parse(NULL, &k), SCP03_ERR_ARGS);
}

/* ---- the GlobalPlatform vectors ------------------------------------------ */

static void test_session_keys_vector(void **state)
{
	scp03_keys k = gp_keys();
	scp03_session s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scp03_session_derive(&s, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	assert_hex(s.s_enc, 16, "c4e87149f2114da66bb015a567d751f9");
	assert_hex(s.s_mac, 16, "8b2635556e987a6b84f43d9ffc197d3f");
	assert_hex(s.s_rmac, 16, "3f6b2ce3b3abd9a99bd4453afa54cc7b");
	assert_hex(s.card_cryptogram, 8, "66c484c1d2ef1948");
	assert_hex(s.host_cryptogram, 8, "7d5f5826a993ebc8");
	assert_int_equal(s.state, SCP03_INITIALIZED);
	scp03_session_close(&s);
	assert_int_equal(s.state, SCP03_CLOSED);
	assert_int_equal(s.s_mac[0], 0);
}

/* Host side: INITIALIZE UPDATE, check the card, EXTERNAL AUTHENTICATE (level 0x11 of the vector). */
static void test_host_handshake_vector(void **state)
{
	scp03_keys k = gp_keys();
	scp03_session s;
	uint8_t apdu[64], resp[64];
	size_t n, rn;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_hex(apdu, n, "8050300008b13e5f938fc108c400");
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	assert_int_equal(scp03_host_check_card(&s, &k, resp, rn), SCP03_OK);
	assert_hex(s.s_enc, 16, "c4e87149f2114da66bb015a567d751f9");
	assert_int_equal(scp03_host_external_authenticate(&s, 0x11, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_hex(apdu, n, "84821100107d5f5826a993ebc89eea24957fa0b3ce");
	/* not open until the card says 9000 */
	assert_int_equal(scp03_host_wrap(&s, apdu, 4, resp, sizeof(resp), &rn), SCP03_ERR_STATE);
	assert_int_equal(scp03_host_authenticated(&s, 0x9000), SCP03_OK);
	assert_int_equal(s.state, SCP03_OPEN);
	scp03_session_close(&s);
}

static void test_host_rejects_wrong_card_cryptogram(void **state)
{
	scp03_keys k = gp_keys();
	scp03_session s;
	uint8_t apdu[64], resp[64];
	size_t n, rn;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	resp[28] ^= 0x01; /* last byte of the card cryptogram */
	assert_int_equal(scp03_host_check_card(&s, &k, resp, rn), SCP03_ERR_AUTH);
	assert_int_equal(s.state, SCP03_CLOSED);
	assert_int_equal(scp03_host_external_authenticate(&s, 0x33, apdu, sizeof(apdu), &n), SCP03_ERR_STATE);

	/* a different card challenge with the old cryptogram fails too */
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	resp[13] ^= 0x80;
	assert_int_equal(scp03_host_check_card(&s, &k, resp, rn), SCP03_ERR_AUTH);

	/* wrong key version, wrong protocol, truncated */
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	resp[10] = 0x31;
	assert_int_equal(scp03_host_check_card(&s, &k, resp, rn), SCP03_ERR_KVN);
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	resp[11] = 0x02;
	assert_int_equal(scp03_host_check_card(&s, &k, resp, rn), SCP03_ERR_FORMAT);
	assert_int_equal(scp03_host_initialize_update(&s, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_int_equal(scp03_host_check_card(&s, &k, resp, 20), SCP03_ERR_FORMAT);
}

/* Card side accepts the vector's EXTERNAL AUTHENTICATE and rejects a changed one. */
static void test_card_external_authenticate_vector(void **state)
{
	scp03_keys k = gp_keys();
	scp03_session s;
	uint8_t cmd[32];
	size_t n;

	(void)state;
	memset(&s, 0, sizeof(s));
	n = unhex("84821100107d5f5826a993ebc89eea24957fa0b3ce", cmd, sizeof(cmd));
	assert_int_equal(scp03_session_derive(&s, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	assert_int_equal(scp03_card_external_authenticate(&s, SCP03_SL_C_MAC, cmd, n), SCP03_OK);
	assert_int_equal(s.state, SCP03_OPEN);
	assert_int_equal(s.level, 0x11);

	/* the applet demands 0x33: 0x11 is refused */
	assert_int_equal(scp03_session_derive(&s, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	assert_int_equal(scp03_card_external_authenticate(&s, SCP03_SL_FULL, cmd, n), SCP03_ERR_LEVEL);
	assert_int_equal(s.state, SCP03_CLOSED);

	/* a flipped C-MAC bit, a flipped host cryptogram bit */
	assert_int_equal(scp03_session_derive(&s, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	cmd[20] ^= 0x04;
	assert_int_equal(scp03_card_external_authenticate(&s, SCP03_SL_C_MAC, cmd, n), SCP03_ERR_AUTH);
	cmd[20] ^= 0x04;
	assert_int_equal(scp03_session_derive(&s, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	cmd[5] ^= 0x01;
	assert_int_equal(scp03_card_external_authenticate(&s, SCP03_SL_C_MAC, cmd, n), SCP03_ERR_AUTH);
	/* without INITIALIZE UPDATE first */
	cmd[5] ^= 0x01;
	assert_int_equal(scp03_card_external_authenticate(&s, SCP03_SL_C_MAC, cmd, n), SCP03_ERR_STATE);
}

/* ---- wrapping at level 0x33 --------------------------------------------------- */

typedef struct pair {
	scp03_session host;
	scp03_session card;
} pair;

/* Opens a host session on the vector challenges at 0x33 and a matching card session. */
static void open_pair(pair *p)
{
	scp03_keys k = gp_keys();
	uint8_t apdu[64], resp[64];
	size_t n, rn;

	memset(p, 0, sizeof(*p));
	assert_int_equal(scp03_host_initialize_update(&p->host, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	rn = unhex(INIT_UPDATE_RESPONSE, resp, sizeof(resp));
	assert_int_equal(scp03_host_check_card(&p->host, &k, resp, rn), SCP03_OK);
	assert_int_equal(scp03_host_external_authenticate(&p->host, SCP03_SL_FULL, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_hex(apdu, n, "84823300107d5f5826a993ebc84ac8390ecf27f0c8");
	assert_int_equal(scp03_session_derive(&p->card, &k, HOST_CHALLENGE, CARD_CHALLENGE), SCP03_OK);
	assert_int_equal(scp03_card_external_authenticate(&p->card, SCP03_SL_FULL, apdu, n), SCP03_OK);
	assert_int_equal(scp03_host_authenticated(&p->host, 0x9000), SCP03_OK);
}

static void test_wrap_vector_level33(void **state)
{
	pair p;
	uint8_t plain[] = {0x80, 0xE2, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05, 0x00};
	uint8_t wrapped[300], unwrapped[300], rapdu[300], data[300];
	const uint8_t answer[] = {0xa1, 0xa2, 0xa3};
	size_t n, un, rn, dn;
	uint16_t sw;

	(void)state;
	open_pair(&p);
	assert_int_equal(scp03_host_wrap(&p.host, plain, sizeof(plain), wrapped, sizeof(wrapped), &n), SCP03_OK);
	assert_hex(wrapped, n, "84e2000018b094ba96256ba065f586bf4936a1eee757d6e1640d3c4a3000");
	assert_int_equal(scp03_card_unwrap(&p.card, wrapped, n, unwrapped, sizeof(unwrapped), &un), SCP03_OK);
	assert_int_equal(un, sizeof(plain));
	assert_memory_equal(unwrapped, plain, un);
	assert_int_equal(scp03_card_wrap(&p.card, answer, sizeof(answer), 0x9000, rapdu, sizeof(rapdu), &rn), SCP03_OK);
	assert_hex(rapdu, rn, "8b9d4053b4c69130f3b130e77963a4652afb92544f513d379000");
	assert_int_equal(scp03_host_unwrap(&p.host, rapdu, rn, data, sizeof(data), &dn, &sw), SCP03_OK);
	assert_int_equal(sw, 0x9000);
	assert_int_equal(dn, sizeof(answer));
	assert_memory_equal(data, answer, dn);
	scp03_session_close(&p.host);
	scp03_session_close(&p.card);
}

/* One command / response exchange through both ends. */
static void exchange(pair *p, const uint8_t *cmd, size_t cmd_len, const uint8_t *answer, size_t answer_len,
                     uint16_t sw_in, uint8_t *rapdu, size_t *rn)
{
	uint8_t wrapped[300], unwrapped[300], data[300];
	size_t n, un, dn;
	uint16_t sw;

	assert_int_equal(scp03_host_wrap(&p->host, cmd, cmd_len, wrapped, sizeof(wrapped), &n), SCP03_OK);
	assert_int_equal(scp03_card_unwrap(&p->card, wrapped, n, unwrapped, sizeof(unwrapped), &un), SCP03_OK);
	assert_int_equal(un, cmd_len);
	assert_memory_equal(unwrapped, cmd, un);
	assert_int_equal(scp03_card_wrap(&p->card, answer, answer_len, sw_in, rapdu, 300, rn), SCP03_OK);
	assert_int_equal(scp03_host_unwrap(&p->host, rapdu, *rn, data, sizeof(data), &dn, &sw), SCP03_OK);
	assert_int_equal(sw, sw_in);
	assert_int_equal(dn, answer_len);
	if (answer_len > 0)
		assert_memory_equal(data, answer, dn);
}

static void test_round_trips_all_cases(void **state)
{
	pair p;
	uint8_t cmd[300], answer[300], rapdu[300];
	size_t rn, len;

	(void)state;
	open_pair(&p);
	memset(answer, 0x5A, sizeof(answer));
	cmd[0] = 0x80;
	cmd[1] = 0x2A;
	cmd[2] = 0x01;
	cmd[3] = 0x00;
	exchange(&p, cmd, 4, NULL, 0, 0x9000, rapdu, &rn);              /* case 1 */
	assert_int_equal(rn, 10);                                         /* MAC + SW only */
	cmd[4] = 0x00;
	exchange(&p, cmd, 5, answer, 32, 0x9000, rapdu, &rn);            /* case 2 */
	for (len = 1; len <= SCP03_MAX_PLAIN_DATA; len += 17) {         /* case 3 and 4, many lengths */
		cmd[4] = (uint8_t)len;
		memset(cmd + 5, (int)len, len);
		exchange(&p, cmd, 5 + len, NULL, 0, 0x6A80, rapdu, &rn);
		cmd[5 + len] = 0x00;
		exchange(&p, cmd, 6 + len, answer, len, 0x9000, rapdu, &rn);
	}
	cmd[4] = SCP03_MAX_PLAIN_DATA;
	exchange(&p, cmd, 5 + SCP03_MAX_PLAIN_DATA, answer, SCP03_MAX_PLAIN_DATA, 0x9000, rapdu, &rn);
	scp03_session_close(&p.host);
	scp03_session_close(&p.card);
}

static void test_length_limits(void **state)
{
	pair p;
	uint8_t cmd[300], out[300];
	size_t n;

	(void)state;
	open_pair(&p);
	memset(cmd, 0, sizeof(cmd));
	cmd[0] = 0x80;
	cmd[4] = SCP03_MAX_PLAIN_DATA + 1;
	assert_int_equal(scp03_host_wrap(&p.host, cmd, 5 + cmd[4], out, sizeof(out), &n), SCP03_ERR_LENGTH);
	assert_int_equal(scp03_card_wrap(&p.card, cmd, SCP03_MAX_PLAIN_DATA + 1, 0x9000, out, sizeof(out), &n),
	                 SCP03_ERR_LENGTH);
	/* already carries the SM bit; malformed lengths */
	cmd[0] = 0x84;
	cmd[4] = 1;
	assert_int_equal(scp03_host_wrap(&p.host, cmd, 6, out, sizeof(out), &n), SCP03_ERR_FORMAT);
	cmd[0] = 0x80;
	assert_int_equal(scp03_host_wrap(&p.host, cmd, 8, out, sizeof(out), &n), SCP03_ERR_FORMAT);
	assert_int_equal(scp03_host_wrap(&p.host, cmd, 3, out, sizeof(out), &n), SCP03_ERR_FORMAT);
	/* a too-small output buffer is an argument error, not an overflow */
	assert_int_equal(scp03_host_wrap(&p.host, cmd, 6, out, 10, &n), SCP03_ERR_ARGS);
	scp03_session_close(&p.host);
	scp03_session_close(&p.card);
}

static void test_tampered_rmac_rejected(void **state)
{
	pair p;
	uint8_t cmd[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	uint8_t wrapped[64], unwrapped[64], rapdu[64], data[64];
	const uint8_t answer[] = {1, 2, 3, 4};
	size_t n, un, rn, dn, i;
	uint16_t sw;

	(void)state;
	/* every single bit of the response, flipped, is caught */
	for (i = 0; i < 8 * 26; i++) {
		open_pair(&p);
		assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
		assert_int_equal(scp03_card_unwrap(&p.card, wrapped, n, unwrapped, sizeof(unwrapped), &un), SCP03_OK);
		assert_int_equal(scp03_card_wrap(&p.card, answer, sizeof(answer), 0x9000, rapdu, sizeof(rapdu), &rn),
		                 SCP03_OK);
		assert_int_equal(rn, 26); /* 16 cipher + 8 MAC + SW */
		rapdu[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(scp03_host_unwrap(&p.host, rapdu, rn, data, sizeof(data), &dn, &sw), SCP03_ERR_AUTH);
		assert_int_equal(dn, 0);
		assert_int_equal(p.host.state, SCP03_CLOSED);
		scp03_session_close(&p.card);
	}
	/* a stripped R-MAC (bare success status word) is not accepted either */
	open_pair(&p);
	assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
	rapdu[0] = 0x90;
	rapdu[1] = 0x00;
	assert_int_equal(scp03_host_unwrap(&p.host, rapdu, 2, data, sizeof(data), &dn, &sw), SCP03_ERR_AUTH);
	/* a bare 6982 is the card closing the channel */
	open_pair(&p);
	assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
	rapdu[0] = 0x69;
	rapdu[1] = 0x82;
	assert_int_equal(scp03_host_unwrap(&p.host, rapdu, 2, data, sizeof(data), &dn, &sw), SCP03_ERR_CLOSED);
	assert_int_equal(sw, 0x6982);
	assert_int_equal(p.host.state, SCP03_CLOSED);
	scp03_session_close(&p.card);
}

static void test_replayed_response_rejected(void **state)
{
	pair p;
	uint8_t cmd[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	uint8_t wrapped[64], unwrapped[64], first[64], data[64];
	const uint8_t answer[] = {9, 8, 7};
	size_t n, un, rn, dn;
	uint16_t sw;

	(void)state;
	open_pair(&p);
	exchange(&p, cmd, sizeof(cmd), answer, sizeof(answer), 0x9000, first, &rn);
	/* the next, identical command: the attacker answers with the old response */
	assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
	assert_int_equal(scp03_card_unwrap(&p.card, wrapped, n, unwrapped, sizeof(unwrapped), &un), SCP03_OK);
	assert_int_equal(scp03_host_unwrap(&p.host, first, rn, data, sizeof(data), &dn, &sw), SCP03_ERR_AUTH);
	assert_int_equal(p.host.state, SCP03_CLOSED);
	scp03_session_close(&p.card);
}

static void test_card_rejects_tampered_and_replayed_commands(void **state)
{
	pair p;
	uint8_t cmd[] = {0x80, 0xE2, 0x00, 0x00, 0x03, 0xAA, 0xBB, 0xCC};
	uint8_t wrapped[64], copy[64], unwrapped[64], rapdu[64];
	size_t n, un, rn, i;

	(void)state;
	for (i = 0; i < 8 * 29; i++) { /* 5 header + 16 cipher + 8 MAC */
		if (i / 8 == 4)
			continue; /* Lc: changing it is a format error, also fatal, checked below */
		open_pair(&p);
		assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
		assert_int_equal(n, 29);
		wrapped[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_not_equal(scp03_card_unwrap(&p.card, wrapped, n, unwrapped, sizeof(unwrapped), &un),
		                     SCP03_OK);
		assert_int_equal(p.card.state, SCP03_CLOSED);
		scp03_session_close(&p.host);
	}
	/* replay: the same wrapped command twice */
	open_pair(&p);
	assert_int_equal(scp03_host_wrap(&p.host, cmd, sizeof(cmd), wrapped, sizeof(wrapped), &n), SCP03_OK);
	memcpy(copy, wrapped, n);
	assert_int_equal(scp03_card_unwrap(&p.card, wrapped, n, unwrapped, sizeof(unwrapped), &un), SCP03_OK);
	assert_int_equal(scp03_card_wrap(&p.card, NULL, 0, 0x9000, rapdu, sizeof(rapdu), &rn), SCP03_OK);
	assert_int_equal(scp03_card_unwrap(&p.card, copy, n, unwrapped, sizeof(unwrapped), &un), SCP03_ERR_AUTH);
	/* and the closed card session answers nothing wrapped */
	assert_int_equal(scp03_card_wrap(&p.card, NULL, 0, 0x9000, rapdu, sizeof(rapdu), &rn), SCP03_ERR_STATE);
	/* a plain command inside an open session ends it */
	open_pair(&p);
	assert_int_equal(scp03_card_unwrap(&p.card, cmd, sizeof(cmd), unwrapped, sizeof(unwrapped), &un),
	                 SCP03_ERR_AUTH);
	assert_int_equal(p.card.state, SCP03_CLOSED);
	scp03_session_close(&p.host);
}

/* The card's INITIALIZE UPDATE: pseudo-random challenge from the sequence counter,
 * a cryptogram the host accepts, a fresh challenge every time. */
static void test_card_initialize_update(void **state)
{
	scp03_keys k = gp_keys();
	scp03_session host, card;
	uint8_t apdu[64], resp[64], first_challenge[8], context[3 + sizeof(AID)], expect[8];
	size_t n, rn;
	uint32_t seq = 1;

	(void)state;
	memset(&host, 0, sizeof(host));
	memset(&card, 0, sizeof(card));
	assert_int_equal(scp03_host_initialize_update(&host, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_int_equal(scp03_card_initialize_update(&card, &k, &seq, AID, sizeof(AID), apdu, n, resp, sizeof(resp), &rn),
	                 SCP03_OK);
	assert_int_equal(rn, 32);
	assert_int_equal(seq, 2);
	assert_hex(resp + 10, 3, "300370");
	assert_hex(resp + 29, 3, "000002");
	/* challenge = KDF(ENC, 02, 000002 || AID), 64 bits */
	context[0] = 0;
	context[1] = 0;
	context[2] = 2;
	memcpy(context + 3, AID, sizeof(AID));
	assert_int_equal(scp03_kdf(k.enc, 0x02, context, sizeof(context), 64, expect), SCP03_OK);
	assert_memory_equal(resp + 13, expect, 8);
	assert_int_equal(scp03_host_check_card(&host, &k, resp, rn), SCP03_OK);
	memcpy(first_challenge, resp + 13, 8);

	assert_int_equal(scp03_host_initialize_update(&host, 0x30, HOST_CHALLENGE, apdu, sizeof(apdu), &n), SCP03_OK);
	assert_int_equal(scp03_card_initialize_update(&card, &k, &seq, AID, sizeof(AID), apdu, n, resp, sizeof(resp), &rn),
	                 SCP03_OK);
	assert_memory_not_equal(resp + 13, first_challenge, 8);

	/* unknown key version; exhausted counter */
	apdu[2] = 0x31;
	assert_int_equal(scp03_card_initialize_update(&card, &k, &seq, AID, sizeof(AID), apdu, n, resp, sizeof(resp), &rn),
	                 SCP03_ERR_KVN);
	apdu[2] = 0x30;
	seq = 0xFFFFFF;
	assert_int_equal(scp03_card_initialize_update(&card, &k, &seq, AID, sizeof(AID), apdu, n, resp, sizeof(resp), &rn),
	                 SCP03_ERR_STATE);
	scp03_session_close(&host);
	scp03_session_close(&card);
}

static void test_dek_wrap(void **state)
{
	scp03_keys k = gp_keys();
	uint8_t key[16], enc[16], dec[16];

	(void)state;
	/* One block of CBC with a zero IV is one AES block: pinned by FIPS-197 C.1
	 * (key 000102..0f, which is the vector set's ENC key); the DEK itself only
	 * round-trips. */
	unhex("00112233445566778899aabbccddeeff", key, sizeof(key));
	assert_int_equal(scp03_dek_encrypt(k.dek, key, 16, enc), SCP03_OK);
	assert_memory_not_equal(enc, key, 16);
	assert_int_equal(scp03_dek_decrypt(k.dek, enc, 16, dec), SCP03_OK);
	assert_memory_equal(dec, key, 16);
	assert_int_equal(scp03_dek_encrypt(k.enc, key, 16, enc), SCP03_OK); /* ENC key = FIPS-197 C.1 key */
	assert_hex(enc, 16, "69c4e0d86a7b0430d8cdb78070b4c55a");
	assert_int_equal(scp03_dek_encrypt(k.dek, key, 15, enc), SCP03_ERR_ARGS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmac_rfc4493),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_keys_parse),
		cmocka_unit_test(test_session_keys_vector),
		cmocka_unit_test(test_host_handshake_vector),
		cmocka_unit_test(test_host_rejects_wrong_card_cryptogram),
		cmocka_unit_test(test_card_external_authenticate_vector),
		cmocka_unit_test(test_wrap_vector_level33),
		cmocka_unit_test(test_round_trips_all_cases),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_tampered_rmac_rejected),
		cmocka_unit_test(test_replayed_response_rejected),
		cmocka_unit_test(test_card_rejects_tampered_and_replayed_commands),
		cmocka_unit_test(test_card_initialize_update),
		cmocka_unit_test(test_dek_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
