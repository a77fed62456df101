/*
 * test_sms_reject.c - every malformed or wrongly protected SCP80 command is
 * refused with the TS 102 225 status its PoR carries (or a documented
 * scp80_err), leaves the stored counter as it was and hands out no data;
 * and the PoR of each failure is built the way the spec says (unsecured for
 * 06 and 09, secured as the SPI asks otherwise). Packets with a valid CC
 * come from the generator in docs/sms.md (Python `cryptography`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sms_test_util.h"

/* design.md: cipher + CC, no counter, PoR always (ciphered, CC). */
#define DESIGN_CMD "00281506192222b00011e87cceebb2d93083011ce294f93fc4d8de80da1abae8c37ca3e72ec4432e5058"
/* Counter 1, "process if higher", PoR always by SMS-SUBMIT, ciphered + CC. */
#define HIGHER_CMD "00281516392222b00011896aeec77e9ad39f273e786ef81d9dd0f1faa259cef8c0c1535b4a6c16f1177e"
/* Counter 6, "exactly one higher", PoR on error with CC. */
#define ONE_UP_CMD "0028151e0a2222b000115cde599640c42a07a2fd11d628ff6012786c237812c0f5dbdd86ddd7868ec45e"
/* Counter FFFFFFFFFE, AES-256 keys (KIC256/KID256), higher. */
#define AES256_CMD \
	"00381516091212b00011da4252e46222d1fe6fb580ffff369c1c6e3619ca711b9d130b28b28536295e16af8df99d69f1c6d191" \
	"cd0aea13dde4d6"
/* CC only, counter present (not checked), no PoR. */
#define PRESENT_CMD "001d150a002222b00011123456789a00ff47a54692bce1f800a40004023f00"
/* HIGHER_CMD's fields with PCNTR 19 over 18 bytes of data and padding, valid CC. */
#define BADPAD_CMD "00281516392222b000110bdb891f421fb65f6f1d4dc459f141c125e230cbdad70ddb6a910db0ec0113c6"
/* The generator's PoRs: 06 unsecured; 02 for HIGHER_CMD replayed, secured. */
#define POR_06 "027100000b0ab0001100000000000006"
#define POR_02 "027100001412b0001114568e430aa6c19e0a5721e0662f52cb"

#define STORED 0x42

static uint8_t pkt[SCP80_MAX_PACKET + 64];

static int setup(void **state)
{
	sms_rig *r = sms_rig_new();
	r->keyset.counter = STORED;
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	sms_rig_free(*state);
	return 0;
}

/* Refused with err/status, the counter untouched, no data, plaintext wiped. */
static void assert_refused(sms_rig *r, scp80_err got, scp80_err err, scp80_status status, uint64_t stored)
{
	assert_int_equal(got, err);
	assert_int_equal(r->rcv.err, err);
	assert_int_equal(r->rcv.status, status);
	assert_int_equal(scp80_err_status(err), status);
	assert_int_equal(r->keyset.counter, stored);
	/* Nothing to commit: what commit_counter says is the keyset's own value. */
	assert_int_equal(r->rcv.commit_counter, r->rcv.keys.counter);
	if (err > SCP80_ERR_TAR_UNKNOWN)
		assert_int_equal(r->rcv.keys.counter, stored);
	assert_null(r->rcv.data);
	assert_int_equal(r->rcv.data_len, 0);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(r->plain[i], 0);
}

static void assert_por(sms_rig *r, const char *hex)
{
	uint8_t out[256];
	size_t n;
	assert_true(scp80_por_wanted(&r->rcv));
	assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, NULL, 0, out, sizeof out, &n), SCP80_OK);
	assert_hex_equal(out, n, hex);
}

static size_t load(const char *hex)
{
	return unhex(hex, pkt, sizeof pkt);
}

static void test_truncated(void **state)
{
	sms_rig *r = *state;
	size_t full = load(DESIGN_CMD);
	for (size_t len = 0; len < full; len++) {
		scp80_err err = sms_rig_receive(r, pkt, len);
		assert_refused(r, err, SCP80_ERR_TRUNCATED, SCP80_STS_UNIDENTIFIED, STORED);
		/* Once SPI..TAR are there a PoR can be addressed: 06, unsecured. */
		assert_int_equal(r->rcv.header_read, len >= 10);
		if (len >= 10)
			assert_por(r, POR_06);
	}
}

static void test_cpl_chl_inconsistent(void **state)
{
	sms_rig *r = *state;
	size_t n = load(DESIGN_CMD);
	pkt[n] = 0;
	/* One byte more than CPL says. */
	assert_refused(r, sms_rig_receive(r, pkt, n + 1), SCP80_ERR_LENGTH, SCP80_STS_UNIDENTIFIED, STORED);
	pkt[1] = 0x27; /* CPL one short of the bytes there */
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_LENGTH, SCP80_STS_UNIDENTIFIED, STORED);
	pkt[1] = 0x29; /* CPL one more than the bytes there */
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_TRUNCATED, SCP80_STS_UNIDENTIFIED, STORED);
	pkt[1] = 0x28;
	static const uint8_t bad_chl[] = {0x00, 0x0d, 0x14, 0x16, 0x26, 0x27, 0xff};
	for (size_t i = 0; i < sizeof bad_chl; i++) {
		pkt[2] = bad_chl[i];
		assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_LENGTH, SCP80_STS_UNIDENTIFIED, STORED);
		assert_por(r, POR_06);
	}
	/* A header claiming a CC (CHL 0x15) the SPI does not ask for. */
	n = load("00150d00002222b0001100000000000000a40004023f00");
	pkt[2] = 0x15;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_LENGTH, SCP80_STS_UNIDENTIFIED, STORED);
}

static void test_unknown_tar(void **state)
{
	sms_rig *r = *state;
	size_t n = load(DESIGN_CMD);
	pkt[9] ^= 0x01; /* TAR b00010 */
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_TAR_UNKNOWN, SCP80_STS_TAR_UNKNOWN, STORED);
	assert_false(r->rcv.keys_usable);
	assert_por(r, "027100000b0ab0001000000000000009"); /* unsecured: no keyset to secure it with */
}

/* KIc (offset 5) and KID (offset 6) codings, each with the refusal it earns. */
static void test_des_and_unknown_algorithms(void **state)
{
	sms_rig *r = *state;
	static const struct { size_t off; uint8_t b; scp80_err err; scp80_status sts; } v[] = {
		{5, 0x21, SCP80_ERR_DES_REFUSED, SCP80_STS_SECURITY_LEVEL},      /* DES-CBC */
		{5, 0x25, SCP80_ERR_DES_REFUSED, SCP80_STS_SECURITY_LEVEL},      /* 3DES 2 keys */
		{5, 0x2d, SCP80_ERR_DES_REFUSED, SCP80_STS_SECURITY_LEVEL},      /* DES-ECB */
		{5, 0x29, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* 3DES 3 keys */
		{5, 0x20, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* implicit */
		{5, 0x23, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* proprietary */
		{5, 0x26, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* AES, mode 01 */
		{6, 0x21, SCP80_ERR_DES_REFUSED, SCP80_STS_SECURITY_LEVEL},      /* DES CBC-MAC */
		{6, 0x25, SCP80_ERR_DES_REFUSED, SCP80_STS_SECURITY_LEVEL},
		{6, 0x29, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},
		{6, 0x2d, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* DES family, reserved */
		{6, 0x2e, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},    /* AES, mode 11 */
		{6, 0x23, SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = load(DESIGN_CMD);
		pkt[v[i].off] = v[i].b;
		assert_refused(r, sms_rig_receive(r, pkt, n), v[i].err, v[i].sts, STORED);
		assert_false(r->rcv.keys_usable);
		uint8_t out[64];
		size_t on;
		/* Keys that cannot be used cannot secure the PoR either. */
		assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, NULL, 0, out, sizeof out, &on), SCP80_OK);
		assert_int_equal(out[5], SCP80_RSP_HEADER_MIN);
		assert_int_equal(out[on - 1], v[i].sts);
	}
	/* RC and DS integrity (command or PoR) are not implemented: 06. */
	static const uint8_t spis[][2] = {{0x05, 0x19}, {0x07, 0x19}, {0x06, 0x15}, {0x06, 0x1d}};
	for (size_t i = 0; i < 4; i++) {
		size_t n = load(DESIGN_CMD);
		pkt[3] = spis[i][0];
		pkt[4] = spis[i][1];
		pkt[2] = (spis[i][0] & 3) == 2 ? 0x15 : 0x0d; /* CHL: no CC field for RC/DS here */
		assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED, STORED);
	}
}

static void test_counter_replayed_lower_high_blocked(void **state)
{
	sms_rig *r = *state;
	size_t n = load(HIGHER_CMD);

	r->keyset.counter = 0;
	assert_int_equal(sms_rig_receive(r, pkt, n), SCP80_OK);
	assert_int_equal(r->keyset.counter, 1);
	/* The same packet again: a replay. Its PoR is secured (the keys are fine). */
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_LOW, SCP80_STS_CNTR_LOW, 1);
	assert_int_equal(r->rcv.hdr.counter, 1);
	assert_por(r, POR_02);
	/* Lower than the stored one. */
	r->keyset.counter = 5;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_LOW, SCP80_STS_CNTR_LOW, 5);
	/* Blocked: the stored counter is at its end. */
	r->keyset.counter = SCP80_COUNTER_MAX;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_BLOCKED, SCP80_STS_CNTR_BLOCKED,
	               SCP80_COUNTER_MAX);
	/* "Exactly one higher": counter 6 against 4 is too high, against 6 a replay. */
	n = load(ONE_UP_CMD);
	r->keyset.counter = 4;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_HIGH, SCP80_STS_CNTR_HIGH, 4);
	assert_true(scp80_por_wanted(&r->rcv)); /* PoR on error */
	r->keyset.counter = 6;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_LOW, SCP80_STS_CNTR_LOW, 6);
	/* "Higher" with a step limit: FFFFFFFFFE against 0 jumps too far. */
	sms_rig_keys(r, KIC256, KID256);
	n = load(AES256_CMD);
	r->keyset.counter = 0;
	r->keyset.max_step = 1000;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_COUNTER_HIGH, SCP80_STS_CNTR_HIGH, 0);
	r->keyset.counter = 0xfffffffffe - 1000;
	assert_int_equal(sms_rig_receive(r, pkt, n), SCP80_OK);
	assert_int_equal(r->keyset.counter, 0xfffffffffe);
}

static void test_wrong_cc(void **state)
{
	sms_rig *r = *state;
	const char *cmds[] = {DESIGN_CMD, HIGHER_CMD, PRESENT_CMD};
	for (size_t c = 0; c < 3; c++) {
		size_t n = load(cmds[c]);
		/* Every byte the CC covers or is: header from CPL, ciphertext or clear text. */
		for (size_t i = 3; i < n; i++) {
			if (i == 5 || i == 6 || (i >= 7 && i < 10))
				continue; /* KIc, KID, TAR: refused earlier, tested above */
			load(cmds[c]);
			pkt[i] ^= 0x01;
			r->keyset.counter = 0;
			scp80_err err = sms_rig_receive(r, pkt, n);
			if (i < 5 && err != SCP80_ERR_CC) {
				/* A flipped SPI bit may change what is asked (CHL, counter mode). */
				assert_int_not_equal(err, SCP80_OK);
				continue;
			}
			assert_refused(r, err, SCP80_ERR_CC, SCP80_STS_CC_FAILED, 0);
		}
	}
	/* The key index is covered too. */
	r->keyset.counter = STORED;
	size_t n = load(DESIGN_CMD);
	pkt[5] = 0x32;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_CC, SCP80_STS_CC_FAILED, STORED);
	/* Ciphered part not whole blocks: ciphering error. */
	n = load(DESIGN_CMD);
	pkt[1] = 0x27;
	assert_refused(r, sms_rig_receive(r, pkt, n - 1), SCP80_ERR_CIPHER, SCP80_STS_CIPHER_ERROR, STORED);
}

static void test_padding_larger_than_data(void **state)
{
	sms_rig *r = *state;
	size_t n = load(BADPAD_CMD);
	r->keyset.counter = 0;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_PADDING, SCP80_STS_CIPHER_ERROR, 0);
}

static void test_over_concatenation_limit(void **state)
{
	sms_rig *r = *state;
	/* The largest packet is still read (and then fails its CC); one more byte is not. */
	for (size_t len = SCP80_MAX_PACKET; len <= SCP80_MAX_PACKET + 1; len++) {
		static const uint8_t head[] = {0x15, 0x06, 0x19, 0x22, 0x22, 0xb0, 0x00, 0x11};
		memset(pkt, 0, len);
		pkt[0] = (uint8_t)((len - 2) >> 8);
		pkt[1] = (uint8_t)(len - 2);
		memcpy(pkt + 2, head, sizeof head);
		scp80_err err = sms_rig_receive(r, pkt, len);
		if (len == SCP80_MAX_PACKET)
			assert_refused(r, err, SCP80_ERR_CIPHER, SCP80_STS_CIPHER_ERROR, STORED);
		else
			assert_refused(r, err, SCP80_ERR_TOO_LONG, SCP80_STS_UNIDENTIFIED, STORED);
	}
	/* Over the limit whatever CPL says. */
	load(DESIGN_CMD);
	assert_refused(r, sms_rig_receive(r, pkt, SCP80_MAX_PACKET + 1), SCP80_ERR_TOO_LONG, SCP80_STS_UNIDENTIFIED,
	               STORED);
	/* A CPL announcing more than the limit, whatever arrived. */
	size_t n = load(DESIGN_CMD);
	pkt[0] = 0xff;
	pkt[1] = 0xff;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_TOO_LONG, SCP80_STS_UNIDENTIFIED, STORED);
	/* The sender refuses to build one. */
	scp80_command_params p = {.spi_bytes = {0x06, 0x19}, .kic = 0x22, .kid = 0x22, .kic_key = &r->kic,
	                          .kid_key = &r->kid};
	size_t out_len = 1;
	static uint8_t big[SCP80_MAX_PACKET];
	assert_int_equal(scp80_command_wrap(&r->crypto, &p, big, SCP80_MAX_PACKET - 16, pkt, sizeof pkt, &out_len),
	                 SCP80_ERR_TOO_LONG);
	assert_int_equal(out_len, 0);
}

static void test_security_level(void **state)
{
	sms_rig *r = *state;
	size_t n = load(PRESENT_CMD); /* CC only, counter not checked */
	r->keyset.require_cipher = true;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_SECURITY_LEVEL, SCP80_STS_SECURITY_LEVEL, STORED);
	r->keyset.require_cipher = false;
	r->keyset.require_counter_higher = true;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_SECURITY_LEVEL, SCP80_STS_SECURITY_LEVEL, STORED);
	r->keyset.require_counter_higher = false;
	n = load("00180d04012222b00011e8f79fc7c2a4bc14f92d1703cba3df1a"); /* cipher only */
	r->keyset.require_cc = true;
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_SECURITY_LEVEL, SCP80_STS_SECURITY_LEVEL, STORED);
}

/* The sending entity: a PoR that was tampered with, or that drops its CC. */
static void test_por_rejected(void **state)
{
	sms_rig *r = *state;
	static const uint8_t spi[2] = {0x16, 0x39};
	uint8_t plain[64];
	scp80_por por;
	size_t n = load(POR_02);
	for (size_t i = 0; i < n; i++) {
		load(POR_02);
		pkt[i] ^= 0x80;
		assert_int_not_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain,
		                                      &por), SCP80_OK);
		assert_null(por.data);
	}
	/* An unsecured 06 is taken as what it is: an unauthenticated failure report. */
	n = load(POR_06);
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
	                 SCP80_OK);
	assert_int_equal(por.status, SCP80_STS_UNIDENTIFIED);
	assert_false(por.secured);
	/* A PoR whose PCNTR exceeds what follows its header (no security asked). */
	static const uint8_t spi_plain[2] = {0x04, 0x01};
	n = load("027100000b0ab0001100000000000000");
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi_plain, &r->kic, &r->kid, pkt, n, plain, sizeof plain,
	                                  &por), SCP80_OK);
	pkt[14] = 0x01;
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi_plain, &r->kic, &r->kid, pkt, n, plain, sizeof plain,
	                                  &por), SCP80_ERR_PADDING);
	n = load(POR_06);
	/* An unsecured "OK" or "counter low" when the SPI asked for a CC is forged. */
	static const uint8_t forged[] = {0x00, 0x02};
	for (size_t i = 0; i < 2; i++) {
		load(POR_06);
		pkt[n - 1] = forged[i];
		assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
		                 SCP80_ERR_CC);
	}
}

/* A command whose SPI asks a PoR ciphered without CC (or with DS) but that
 * cannot be read: its unsecured 06 must still be readable by the sender
 * (found by fuzz_sms: the reader tried to decipher it). */
static void test_unsecured_por_for_any_spi(void **state)
{
	sms_rig *r = *state;
	uint8_t out[64], plain[64];
	size_t n, on;
	scp80_por por;
	static const uint8_t spis[][2] = {{0x06, 0x11}, {0x06, 0x12}, {0x06, 0x0d}, {0x06, 0x1d}, {0x06, 0x19}};
	for (size_t i = 0; i < sizeof spis / sizeof spis[0]; i++) {
		n = load(DESIGN_CMD);
		pkt[3] = spis[i][0];
		pkt[4] = spis[i][1];
		scp80_err err = sms_rig_receive(r, pkt, 20); /* truncated */
		assert_refused(r, err, SCP80_ERR_TRUNCATED, SCP80_STS_UNIDENTIFIED, STORED);
		assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, NULL, 0, out, sizeof out, &on), SCP80_OK);
		assert_hex_equal(out, on, POR_06);
		assert_int_equal(scp80_por_unwrap(&r->crypto, spis[i], &r->kic, &r->kid, out, on, plain, sizeof plain,
		                                  &por), SCP80_OK);
		assert_int_equal(por.status, SCP80_STS_UNIDENTIFIED);
		assert_false(por.secured);
		/* ... and such a PoR carries no data. */
		assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, out, 2, out, sizeof out, &on), SCP80_ERR_ARG);
	}
	(void)n;
}

static int failing_cmac(void *ctx, const void *key, const scp80_span *parts, size_t n_parts, uint8_t *mac,
                        size_t mac_len)
{
	(void)ctx, (void)key, (void)parts, (void)n_parts;
	memset(mac, 0xa5, mac_len); /* whatever it leaves must not be taken for a CC */
	return -1;
}

static int failing_cbc(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	(void)ctx, (void)key, (void)buf, (void)len;
	return -1;
}

/* A provider that fails (a token that refuses, a library error): the packet is
 * refused with 06, and its PoR goes out bare although the keys were found. */
static void test_crypto_provider_failure(void **state)
{
	sms_rig *r = *state;
	static const scp80_crypto_ops cbc_fails = {NULL, failing_cbc, failing_cbc};
	static const scp80_crypto_ops cmac_fails = {failing_cmac, NULL, NULL};
	const scp80_crypto broken[2] = {{&cbc_fails, NULL}, {&cmac_fails, NULL}};
	const char *cmds[2] = {DESIGN_CMD, PRESENT_CMD};
	for (size_t i = 0; i < 2; i++) {
		size_t n = load(cmds[i]);
		scp80_err err = scp80_command_unwrap(&broken[i], sms_rig_lookup, r, pkt, n, r->plain, sizeof r->plain,
		                                     &r->rcv);
		assert_refused(r, err, SCP80_ERR_CRYPTO, SCP80_STS_UNIDENTIFIED, STORED);
		assert_true(r->rcv.keys_usable);
	}
	size_t n = load(DESIGN_CMD);
	scp80_command_unwrap(&broken[0], sms_rig_lookup, r, pkt, n, r->plain, sizeof r->plain, &r->rcv);
	assert_por(r, POR_06);
	/* The sender's side: nothing is built. */
	uint8_t out[128];
	size_t on = 1;
	scp80_command_params p = {.spi_bytes = {0x06, 0x19}, .kic = 0x22, .kid = 0x22, .kic_key = &r->kic,
	                          .kid_key = &r->kid};
	assert_int_equal(scp80_command_wrap(&broken[1], &p, pkt, 4, out, sizeof out, &on), SCP80_ERR_CRYPTO);
	assert_int_equal(on, 0);
}

/* Buffers too small and bad arguments: documented errors, nothing written, counter kept. */
static void test_buffers_and_arguments(void **state)
{
	sms_rig *r = *state;
	size_t n = load(DESIGN_CMD), on = 1;
	uint8_t small[41], out[128];

	memset(small, 0x5a, sizeof small);
	assert_int_equal(scp80_command_unwrap(&r->crypto, sms_rig_lookup, r, pkt, n, small, sizeof small, &r->rcv),
	                 SCP80_ERR_BUFFER);
	assert_int_equal(r->rcv.status, SCP80_STS_NO_MEMORY);
	assert_int_equal(r->rcv.commit_counter, STORED);
	assert_null(r->rcv.data);
	for (size_t i = 0; i < sizeof small; i++)
		assert_int_equal(small[i], 0); /* wiped, whatever it held */
	assert_int_equal(scp80_command_unwrap(NULL, sms_rig_lookup, r, pkt, n, out, sizeof out, &r->rcv),
	                 SCP80_ERR_ARG);
	assert_int_equal(scp80_command_unwrap(&r->crypto, NULL, r, pkt, n, out, sizeof out, &r->rcv), SCP80_ERR_ARG);
	assert_int_equal(scp80_command_unwrap(&r->crypto, sms_rig_lookup, r, pkt, n, out, sizeof out, NULL),
	                 SCP80_ERR_ARG);
	assert_false(scp80_por_wanted(NULL));

	/* The PoR of the design packet needs 41 bytes. */
	assert_int_equal(sms_rig_receive(r, pkt, n), SCP80_OK);
	assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, pkt, 3, out, 40, &on), SCP80_ERR_BUFFER);
	assert_int_equal(on, 0);
	assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, NULL, 3, out, sizeof out, &on), SCP80_ERR_ARG);

	scp80_command_params p = {.spi_bytes = {0x06, 0x19}, .kic = 0x22, .kid = 0x22, .kic_key = &r->kic,
	                          .kid_key = &r->kid};
	assert_int_equal(scp80_command_wrap(&r->crypto, &p, pkt, 7, out, 41, &on), SCP80_ERR_BUFFER);
	assert_int_equal(on, 0);
	p.counter = SCP80_COUNTER_MAX + 1;
	assert_int_equal(scp80_command_wrap(&r->crypto, &p, pkt, 7, out, sizeof out, &on), SCP80_ERR_ARG);
	p.counter = 0;
	p.kid_key = NULL; /* a CC asked, no key to make it */
	assert_int_equal(scp80_command_wrap(&r->crypto, &p, pkt, 7, out, sizeof out, &on), SCP80_ERR_ALG_UNSUPPORTED);
	p.kid_key = &r->kid;
	p.kic = 0x21; /* the sender refuses DES too */
	assert_int_equal(scp80_command_wrap(&r->crypto, &p, pkt, 7, out, sizeof out, &on), SCP80_ERR_DES_REFUSED);

	/* A keyset without the key the SPI needs cannot serve the packet. */
	r->keyset.kic = NULL;
	n = load(DESIGN_CMD);
	assert_refused(r, sms_rig_receive(r, pkt, n), SCP80_ERR_ALG_UNSUPPORTED, SCP80_STS_UNIDENTIFIED,
	               r->keyset.counter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpl_chl_inconsistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_des_and_unknown_algorithms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counter_replayed_lower_high_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_cc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_padding_larger_than_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_over_concatenation_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_security_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_por_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsecured_por_for_any_spi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_provider_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffers_and_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
