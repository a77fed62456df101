/*
 * challenge_test.c - the tool's challenge parser against the canonical
 * encoding (docs/mechanisms.md): the examples the module's own parser is
 * tested with, plus the edges of the 1..64 byte range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tool/challenge.h"

struct example {
	const char *text;
	int len;                /* -1: refused */
	const unsigned char *bytes;
};

static void check(const struct example *e)
{
	unsigned char out[TOOL_CHALLENGE_MAX];
	int n = tool_challenge_parse(e->text, out);

	if (n != e->len)
		fail_msg("\"%s\": length %d, expected %d", e->text, n, e->len);
	if (e->len > 0)
		assert_memory_equal(out, e->bytes, (size_t)e->len);
}

static void test_ts_example(void **state)
{
	/* GetAuthData argument 2 of TS Appendix B.2: seven digits, so one
	 * leading zero nibble; its decimal spelling gives the same bytes. */
	static const struct example ex[] = {
		{ "0x2345178", 4, (const unsigned char *)"\x02\x34\x51\x78" },
		{ "0X2345178", 4, (const unsigned char *)"\x02\x34\x51\x78" },
		{ "36983160", 4, (const unsigned char *)"\x02\x34\x51\x78" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		check(&ex[i]);
}

static void test_hex_keeps_leading_zeros(void **state)
{
	static const struct example ex[] = {
		{ "0x0", 1, (const unsigned char *)"\x00" },
		{ "0x00", 1, (const unsigned char *)"\x00" },
		{ "0x000", 2, (const unsigned char *)"\x00\x00" },
		{ "0x0001", 2, (const unsigned char *)"\x00\x01" },
		{ "0xabCDef", 3, (const unsigned char *)"\xab\xcd\xef" },
		{ "0xf", 1, (const unsigned char *)"\x0f" },
		{ "0x1", 1, (const unsigned char *)"\x01" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		check(&ex[i]);
}

static void test_decimal_is_minimal(void **state)
{
	static const struct example ex[] = {
		{ "0", 1, (const unsigned char *)"\x00" },
		{ "000", 1, (const unsigned char *)"\x00" },
		{ "7", 1, (const unsigned char *)"\x07" },
		{ "007", 1, (const unsigned char *)"\x07" },
		{ "255", 1, (const unsigned char *)"\xff" },
		{ "256", 2, (const unsigned char *)"\x01\x00" },
		{ "65535", 2, (const unsigned char *)"\xff\xff" },
		{ "0256", 2, (const unsigned char *)"\x01\x00" },
		{ "4294967296", 5, (const unsigned char *)"\x01\x00\x00\x00\x00" },
		/* 2^64 */
		{ "18446744073709551616", 9, (const unsigned char *)"\x01\x00\x00\x00\x00\x00\x00\x00\x00" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		check(&ex[i]);
}

static void test_length_limits(void **state)
{
	char text[200];
	unsigned char ff[64];
	unsigned char out[TOOL_CHALLENGE_MAX];
	struct example e;

	(void)state;
	memset(ff, 0xff, sizeof(ff));
	/* 128 hex digits: 64 bytes, the maximum. */
	strcpy(text, "0x");
	memset(text + 2, 'f', 128);
	text[130] = '\0';
	e = (struct example){ text, 64, ff };
	check(&e);
	/* 129 digits would need 65 bytes. */
	strcpy(text, "0x1");
	memset(text + 3, 'f', 128);
	text[131] = '\0';
	assert_int_equal(tool_challenge_parse(text, out), -1);
	/* 127 digits: 64 bytes, the first holding one nibble. */
	strcpy(text, "0x");
	memset(text + 2, 'f', 127);
	text[129] = '\0';
	assert_int_equal(tool_challenge_parse(text, out), 64);
	assert_int_equal(out[0], 0x0f);
	assert_int_equal(out[63], 0xff);
	/* 2^512 - 1 fits in 64 bytes; 2^512 does not. */
	e = (struct example){ "1340780792994259709957402499820584612747936582059239337772356144372176403007"
			      "3546976801874298166903427690031858186486050853753882811946569946433649006084095",
			      64, ff };
	check(&e);
	assert_int_equal(tool_challenge_parse("1340780792994259709957402499820584612747936582059239337772356144372176403007"
					      "3546976801874298166903427690031858186486050853753882811946569946433649006084096",
					      out), -1);
}

static void test_refused(void **state)
{
	static const char *bad[] = {
		"", "0x", "0X", "x12", "0x12g", "12a", "-1", "+1", " 1", "1 ", "0x 1", "1.5", "0b101", "0xx1",
	};
	unsigned char out[TOOL_CHALLENGE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tool_challenge_parse(bad[i], out) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(tool_challenge_parse(NULL, out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ts_example),
		cmocka_unit_test(test_hex_keeps_leading_zeros),
		cmocka_unit_test(test_decimal_is_minimal),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
