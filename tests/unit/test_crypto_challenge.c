/*
 * test_crypto_challenge.c - the canonical challenge encoding (challenge.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/challenge.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_forms),
		cmocka_unit_test(test_decimal_forms),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
