/*
 * test_challenge.c - the canonical challenge encoding (util/challenge.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/bn.h>

#include "util/challenge.h"
#include "test_crypto_util.h"

static void expect_ok(const char *text, const char *hex)
{
	uint8_t out[PF_CHALLENGE_MAX];
	size_t n = 99;

	assert_int_equal(pf_challenge_parse(text, strlen(text), out, &n), 0);
	assert_hex_equal(out, n, hex);
}

static void expect_bad(const char *text, size_t len)
{
	uint8_t out[PF_CHALLENGE_MAX];
	size_t n = 99;

	assert_int_equal(pf_challenge_parse(text, len, out, &n), -1);
	assert_int_equal(n, 0);
}

static void test_hex_forms(void **state)
{
	(void)state;
	expect_ok("0x2345178", "02345178"); /* the TS example: odd count, leading nibble */
	expect_ok("0X2345178", "02345178");
	expect_ok("0xABcdef", "abcdef");
	expect_ok("0x0001", "0001");        /* leading zero bytes are kept */
	expect_ok("0x0", "00");
	expect_ok("0x00", "00");
	expect_ok("0x1", "01");
}

static void test_decimal_forms(void **state)
{
	(void)state;
	expect_ok("0", "00");
	expect_ok("00", "00");
	expect_ok("1", "01");
	expect_ok("255", "ff");
	expect_ok("256", "0100");
	expect_ok("0256", "0100");          /* value, not text: leading zeros vanish */
	expect_ok("36983160", "02345178");  /* 0x2345178 in decimal */
	expect_ok("18446744073709551616", "010000000000000000"); /* 2^64 */
}

static void test_limits(void **state)
{
	char text[300];
	uint8_t out[PF_CHALLENGE_MAX];
	size_t n;
	(void)state;

	/* 128 hex digits = 64 bytes: accepted; 129 digits = 65 bytes: refused */
	strcpy(text, "0x");
	memset(text + 2, 'f', 128);
	text[130] = '\0';
	assert_int_equal(pf_challenge_parse(text, 130, out, &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[63], 0xff);
	text[130] = '1';
	expect_bad(text, 131);

	/* 2^512 - 1 fits in 64 bytes; 2^512 does not */
	const char *max512 =
		"13407807929942597099574024998205846127479365820592393377723561443721764030073"
		"546976801874298166903427690031858186486050853753882811946569946433649006084095";
	const char *pow512 =
		"13407807929942597099574024998205846127479365820592393377723561443721764030073"
		"546976801874298166903427690031858186486050853753882811946569946433649006084096";
	assert_int_equal(pf_challenge_parse(max512, strlen(max512), out, &n), 0);
	assert_int_equal(n, 64);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(out[i], 0xff);
	expect_bad(pow512, strlen(pow512));

	/* many leading zeros are still a small value */
	memset(text, '0', 250);
	text[250] = '7';
	assert_int_equal(pf_challenge_parse(text, 251, out, &n), 0);
	assert_hex_equal(out, n, "07");
}

static void test_invalid(void **state)
{
	uint8_t out[PF_CHALLENGE_MAX];
	size_t n;
	(void)state;

	expect_bad("", 0);
	expect_bad("0x", 2);
	expect_bad("0X", 2);
	expect_bad("-1", 2);
	expect_bad("+1", 2);
	expect_bad(" 1", 2);
	expect_bad("1 ", 2);
	expect_bad("12a", 3);
	expect_bad("0x12g4", 6);
	expect_bad("0x 12", 5);
	expect_bad("x12", 3);
	expect_bad("1\0" "2", 3);          /* an embedded NUL is not a digit */
	expect_bad("0x2345178", 8 + 2);    /* length beyond the text's NUL */
	assert_int_equal(pf_challenge_parse(NULL, 1, out, &n), -1);
	assert_int_equal(pf_challenge_parse("1", 1, out, NULL), -1);
	assert_int_equal(pf_challenge_parse("1", 1, NULL, &n), -1);
}

/* An independent model of the rule, on OpenSSL's BIGNUM: the value of the
 * digits, laid out as (digits + 1) / 2 bytes for hex (leading zeros kept) or
 * minimally for decimal, and refused beyond 64 bytes. Returns the length or -1. */
static int model_parse(const char *t, size_t len, uint8_t out[PF_CHALLENGE_MAX])
{
	int hex = len >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
	const char *d = hex ? t + 2 : t;
	size_t n = hex ? len - 2 : len;
	char buf[256];
	BIGNUM *bn = NULL;
	int bytes;

	if (n == 0 || n >= sizeof(buf) || strspn(d, hex ? "0123456789abcdefABCDEF" : "0123456789") < n)
		return -1;
	memcpy(buf, d, n);
	buf[n] = '\0';
	if ((hex ? BN_hex2bn(&bn, buf) : BN_dec2bn(&bn, buf)) != (int)n)
		return -1;
	bytes = hex ? (int)(n + 1) / 2 : BN_is_zero(bn) ? 1 : BN_num_bytes(bn);
	if (bytes > PF_CHALLENGE_MAX || BN_bn2binpad(bn, out, bytes) != bytes)
		bytes = -1;
	BN_free(bn);
	return bytes;
}

/* Many generated texts (hex and decimal, around both size limits, with stray
 * characters) give what the model gives: the parser that replaced the three
 * copies of main keeps their one rule. */
static void test_matches_bignum_model(void **state)
{
	static const char hexd[] = "0123456789abcdefABCDEF", stray[] = "xX -+g0";
	uint64_t x = 0x9E3779B97F4A7C15u;
	char t[200];
	(void)state;

	for (int it = 0; it < 200000; it++) {
		uint8_t got[PF_CHALLENGE_MAX], want[PF_CHALLENGE_MAX];
		size_t len = 0, n, got_len = 99;
		int hex, w;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		hex = (int)(x & 1);
		n = (size_t)(x >> 8) % 4 == 0 ? (hex ? 126 : 152) + (size_t)(x >> 16) % 6 : (size_t)(x >> 24) % 170;
		if (hex) {
			t[len++] = '0';
			t[len++] = x & 2 ? 'x' : 'X';
		}
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (x % 200 == 0)
				t[len++] = stray[(x >> 8) % (sizeof(stray) - 1)];
			else
				t[len++] = hex ? hexd[(x >> 8) % 22] : (char)('0' + (x >> 8) % 10);
		}
		t[len] = '\0';
		w = model_parse(t, len, want);
		if (pf_challenge_parse(t, len, got, &got_len) != 0) {
			if (w != -1)
				fail_msg("refused \"%s\", the model accepts it", t);
			assert_int_equal(got_len, 0);
			continue;
		}
		if (w < 0 || got_len != (size_t)w || memcmp(got, want, got_len) != 0)
			fail_msg("\"%s\" differs from the model", t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_forms),
		cmocka_unit_test(test_decimal_forms),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_matches_bignum_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
