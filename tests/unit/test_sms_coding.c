/*
 * test_sms_coding.c - the SCP80 codings (TS 102 225 5.1.1): SPI bits,
 * KIc/KID algorithm bytes, the counter rule as a pure function of
 * (mode, received, stored), and the refusal-to-status table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sms_test_util.h"

static void test_spi_design(void **state)
{
	(void)state;
	scp80_spi s;
	static const uint8_t spi[2] = {0x06, 0x19};
	scp80_spi_decode(spi, &s);
	assert_int_equal(s.counter, SCP80_CNTR_NONE);
	assert_true(s.ciphered);
	assert_int_equal(s.integrity, SCP80_INTEGRITY_CC);
	assert_int_equal(s.por, SCP80_POR_ALWAYS);
	assert_int_equal(s.por_integrity, SCP80_INTEGRITY_CC);
	assert_true(s.por_ciphered);
	assert_false(s.por_via_submit);

	static const uint8_t spi2[2] = {0x1e, 0x26};
	scp80_spi_decode(spi2, &s);
	assert_int_equal(s.counter, SCP80_CNTR_ONE_HIGHER);
	assert_int_equal(s.por, SCP80_POR_ON_ERROR);
	assert_int_equal(s.por_integrity, SCP80_INTEGRITY_RC);
	assert_false(s.por_ciphered);
	assert_true(s.por_via_submit);
}

/* Every defined bit survives decode + encode; reserved bits (b8-b6, b8-b7) do not. */
static void test_spi_round_trip(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 0x10000; v++) {
		uint8_t in[2] = {(uint8_t)(v >> 8), (uint8_t)v}, out[2];
		scp80_spi s;
		scp80_spi_decode(in, &s);
		scp80_spi_encode(&s, out);
		assert_int_equal(out[0], in[0] & 0x1f);
		assert_int_equal(out[1], in[1] & 0x3f);
	}
}

static void test_kic_kid(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		unsigned alg = b & 3, mode = (b >> 2) & 3;
		scp80_err kic = scp80_kic_check((uint8_t)b), kid = scp80_kid_check((uint8_t)b);
		if (alg == 2) {
			assert_int_equal(kic, mode == 0 ? SCP80_OK : SCP80_ERR_ALG_UNSUPPORTED);
			assert_int_equal(kid, mode == 0 ? SCP80_OK : SCP80_ERR_ALG_UNSUPPORTED);
		} else if (alg == 1) {
			/* Single DES and 2-key 3DES refused; 3-key 3DES not implemented. */
			assert_int_equal(kic, mode == 2 ? SCP80_ERR_ALG_UNSUPPORTED : SCP80_ERR_DES_REFUSED);
			assert_int_equal(kid, mode >= 2 ? SCP80_ERR_ALG_UNSUPPORTED : SCP80_ERR_DES_REFUSED);
		} else {
			assert_int_equal(kic, SCP80_ERR_ALG_UNSUPPORTED);
			assert_int_equal(kid, SCP80_ERR_ALG_UNSUPPORTED);
		}
		assert_int_equal(scp80_key_index((uint8_t)b), b >> 4);
	}
}

static void test_counter_rule(void **state)
{
	(void)state;
	static const struct {
		scp80_counter_mode mode;
		uint64_t received, stored, max_step;
		scp80_err err;
		uint64_t commit;
	} v[] = {
		{SCP80_CNTR_NONE, 0, 7, 0, SCP80_OK, 7},
		{SCP80_CNTR_NONE, 99, 7, 0, SCP80_OK, 7},
		{SCP80_CNTR_PRESENT, 3, 7, 0, SCP80_OK, 7},           /* not checked, not stored */
		{SCP80_CNTR_PRESENT, 8, SCP80_COUNTER_MAX, 0, SCP80_OK, SCP80_COUNTER_MAX},
		{SCP80_CNTR_HIGHER, 8, 7, 0, SCP80_OK, 8},
		{SCP80_CNTR_HIGHER, 1000, 7, 0, SCP80_OK, 1000},
		{SCP80_CNTR_HIGHER, 7, 7, 0, SCP80_ERR_COUNTER_LOW, 7},  /* replay */
		{SCP80_CNTR_HIGHER, 6, 7, 0, SCP80_ERR_COUNTER_LOW, 7},
		{SCP80_CNTR_HIGHER, 0, 0, 0, SCP80_ERR_COUNTER_LOW, 0},
		{SCP80_CNTR_HIGHER, 17, 7, 10, SCP80_OK, 17},
		{SCP80_CNTR_HIGHER, 18, 7, 10, SCP80_ERR_COUNTER_HIGH, 7},
		{SCP80_CNTR_HIGHER, SCP80_COUNTER_MAX, 7, 0, SCP80_OK, SCP80_COUNTER_MAX},
		{SCP80_CNTR_HIGHER, SCP80_COUNTER_MAX, SCP80_COUNTER_MAX, 0, SCP80_ERR_COUNTER_BLOCKED,
		 SCP80_COUNTER_MAX},
		{SCP80_CNTR_HIGHER, SCP80_COUNTER_MAX + 1, 7, 0, SCP80_ERR_ARG, 7},
		{SCP80_CNTR_ONE_HIGHER, 8, 7, 0, SCP80_OK, 8},
		{SCP80_CNTR_ONE_HIGHER, 9, 7, 0, SCP80_ERR_COUNTER_HIGH, 7},
		{SCP80_CNTR_ONE_HIGHER, 7, 7, 0, SCP80_ERR_COUNTER_LOW, 7},
		{SCP80_CNTR_ONE_HIGHER, 0, SCP80_COUNTER_MAX, 0, SCP80_ERR_COUNTER_BLOCKED, SCP80_COUNTER_MAX},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint64_t commit = 12345;
		print_message("case %zu\n", i);
		assert_int_equal(scp80_counter_check(v[i].mode, v[i].received, v[i].stored, v[i].max_step, &commit),
		                 v[i].err);
		assert_int_equal(commit, v[i].commit);
	}
	uint64_t next = 0;
	assert_int_equal(scp80_counter_next(41, &next), SCP80_OK);
	assert_int_equal(next, 42);
	assert_int_equal(scp80_counter_next(SCP80_COUNTER_MAX, &next), SCP80_ERR_COUNTER_BLOCKED);
	assert_int_equal(next, 42);
}

/* The sender's PoR record: each counter once, in any order within the
 * window; older than the window, already seen, 0 or past the maximum: refused. */
static void test_ack_window(void **state)
{
	(void)state;
	uint64_t st = 0, next = 0;
	assert_int_equal(scp80_ack_check(st, 0, &next), SCP80_ERR_ARG);
	assert_int_equal(scp80_ack_check(st, SCP80_COUNTER_MAX + 1, &next), SCP80_ERR_ARG);
	assert_int_equal(next, st);
	static const uint64_t order[] = {3, 1, 5, 2, 4};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(scp80_ack_check(st, order[i], &st), SCP80_OK);
		for (size_t j = 0; j <= i; j++) {
			assert_int_equal(scp80_ack_check(st, order[j], &next), SCP80_ERR_COUNTER_LOW);
			assert_int_equal(next, st); /* a refusal changes nothing */
		}
	}
	/* 6 and 7 never seen; jump to 5 + 1 + WINDOW: 6 is just inside, 5 is out */
	assert_int_equal(scp80_ack_check(st, 6 + SCP80_ACK_WINDOW, &st), SCP80_OK);
	assert_int_equal(scp80_ack_check(st, 5, &next), SCP80_ERR_COUNTER_LOW);
	assert_int_equal(scp80_ack_check(st, 6, &st), SCP80_OK);
	assert_int_equal(scp80_ack_check(st, 6, &next), SCP80_ERR_COUNTER_LOW);
	assert_int_equal(scp80_ack_check(st, 7, &st), SCP80_OK);
	/* far ahead: the whole window is dropped, the last counter still works */
	assert_int_equal(scp80_ack_check(st, SCP80_COUNTER_MAX, &st), SCP80_OK);
	assert_int_equal(scp80_ack_check(st, SCP80_COUNTER_MAX, &next), SCP80_ERR_COUNTER_LOW);
	assert_int_equal(scp80_ack_check(st, SCP80_COUNTER_MAX - 1, &st), SCP80_OK);
}

static void test_status_table(void **state)
{
	(void)state;
	for (int e = 0; e < SCP80_ERR_COUNT; e++) {
		assert_true(scp80_err_status((scp80_err)e) <= SCP80_STS_DATA_VIA_SUBMIT);
		assert_non_null(scp80_err_text((scp80_err)e));
		assert_true(scp80_err_text((scp80_err)e)[0] != '\0');
	}
	assert_int_equal(scp80_err_status(SCP80_OK), 0x00);
	assert_int_equal(scp80_err_status(SCP80_ERR_CC), 0x01);
	assert_int_equal(scp80_err_status(SCP80_ERR_COUNTER_LOW), 0x02);
	assert_int_equal(scp80_err_status(SCP80_ERR_COUNTER_HIGH), 0x03);
	assert_int_equal(scp80_err_status(SCP80_ERR_COUNTER_BLOCKED), 0x04);
	assert_int_equal(scp80_err_status(SCP80_ERR_CIPHER), 0x05);
	assert_int_equal(scp80_err_status(SCP80_ERR_LENGTH), 0x06);
	assert_int_equal(scp80_err_status(SCP80_ERR_BUFFER), 0x07);
	assert_int_equal(scp80_err_status(SCP80_ERR_TAR_UNKNOWN), 0x09);
	assert_int_equal(scp80_err_status(SCP80_ERR_DES_REFUSED), 0x0a);
	assert_int_equal(scp80_err_status((scp80_err)-1), 0x06);
	assert_int_equal(scp80_err_status(SCP80_ERR_COUNT), 0x06);
}

/* The EVP provider against RFC 4493 (CMAC) and SP 800-38A F.2.1 (CBC, here with a zero IV
 * the first block equals ECB: 3ad77bb40d7a3660a89ecaf32466ef97). */
static void test_evp_provider(void **state)
{
	(void)state;
	scp80_crypto c;
	scp80_evp_key k;
	uint8_t key[16], msg[16], mac[16];
	assert_int_equal(scp80_evp_open(&c), 0);
	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
	unhex("6bc1bee22e409f96e93d7e117393172a", msg, 16);
	assert_int_equal(scp80_evp_key_set(&k, key, 16), 0);
	scp80_span parts[2] = {{msg, 5}, {msg + 5, 11}};
	assert_int_equal(c.ops->cmac(c.ctx, &k, parts, 2, mac, 16), 0);
	assert_hex_equal(mac, 16, "070a16b46b4d4144f79bdd9dd04a287c");
	assert_int_equal(c.ops->cbc_encrypt(c.ctx, &k, msg, 16), 0);
	assert_hex_equal(msg, 16, "3ad77bb40d7a3660a89ecaf32466ef97");
	assert_int_equal(c.ops->cbc_decrypt(c.ctx, &k, msg, 16), 0);
	assert_hex_equal(msg, 16, "6bc1bee22e409f96e93d7e117393172a");
	assert_int_not_equal(c.ops->cbc_encrypt(c.ctx, &k, msg, 15), 0);
	assert_int_not_equal(c.ops->cmac(c.ctx, &k, parts, 2, mac, 17), 0);
	assert_int_not_equal(scp80_evp_key_set(&k, key, 8), 0);   /* single-DES-sized: no */
	scp80_evp_key_wipe(&k);
	assert_int_not_equal(c.ops->cmac(c.ctx, &k, parts, 2, mac, 8), 0); /* wiped: len 0 */
	scp80_evp_close(&c);
	assert_null(c.ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spi_design),
		cmocka_unit_test(test_spi_round_trip),
		cmocka_unit_test(test_kic_kid),
		cmocka_unit_test(test_counter_rule),
		cmocka_unit_test(test_ack_window),
		cmocka_unit_test(test_status_table),
		cmocka_unit_test(test_evp_provider),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
