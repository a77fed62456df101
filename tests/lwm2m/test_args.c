/*
 * test_args.c - the GetAuthData argument grammar and the challenge rule,
 * on their own (no module needed).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lwm2m/args.h"
#include "util/challenge.h"

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void expect_challenge(const char *text, const char *hex)
{
	uint8_t got[PF_CHALLENGE_MAX], want[PF_CHALLENGE_MAX];
	size_t n = 0;
	size_t wn = unhex(hex, want);
	assert_int_equal(pf_challenge_parse(text, strlen(text), got, &n), 0);
	assert_int_equal(n, wn);
	assert_memory_equal(got, want, wn);
}

static void expect_bad_challenge(const char *text)
{
	uint8_t got[PF_CHALLENGE_MAX];
	size_t n = 99;
	assert_int_equal(pf_challenge_parse(text, strlen(text), got, &n), -1);
}

static void test_challenge_examples(void **state)
{
	(void)state;
	expect_challenge("0x2345178", "02345178"); /* the TS example, odd digit count */
	expect_challenge("0X2345178", "02345178");
	expect_challenge("36983160", "02345178"); /* same value in decimal */
	expect_challenge("0x00ff", "00ff");       /* leading zero bytes kept */
	expect_challenge("0x0", "00");
	expect_challenge("0xabcDEF", "abcdef");
	expect_challenge("0", "00");
	expect_challenge("000", "00");
	expect_challenge("00042", "2a");
	expect_challenge("0x1", "01");
	expect_challenge("0x0001", "0001");
	expect_challenge("0256", "0100"); /* a value: leading zeros vanish */
	expect_challenge("255", "ff");
	expect_challenge("256", "0100");
	expect_challenge("18446744073709551616", "010000000000000000"); /* 2^64 */
}

static void test_challenge_limits(void **state)
{
	(void)state;
	char buf[200];
	/* 128 hex digits = 64 bytes: accepted; 129 digits = 65 bytes: refused. */
	strcpy(buf, "0x");
	for (int i = 0; i < 128; i++)
		buf[2 + i] = 'a';
	buf[130] = '\0';
	uint8_t out[PF_CHALLENGE_MAX];
	size_t n = 0;
	assert_int_equal(pf_challenge_parse(buf, strlen(buf), out, &n), 0);
	assert_int_equal(n, 64);
	strcat(buf, "a");
	expect_bad_challenge(buf);
	/* 2^512 - 1 fits in 64 bytes, 2^512 does not. */
	const char *max512 = "1340780792994259709957402499820584612747936582059239337772356144372176403007354697680187429"
			     "8166903427690031858186486050853753882811946569946433649006084095";
	assert_int_equal(pf_challenge_parse(max512, strlen(max512), out, &n), 0);
	assert_int_equal(n, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(out[i], 0xff);
	const char *two512 = "1340780792994259709957402499820584612747936582059239337772356144372176403007354697680187429"
			     "8166903427690031858186486050853753882811946569946433649006084096";
	expect_bad_challenge(two512);
}

static void test_challenge_refused(void **state)
{
	(void)state;
	expect_bad_challenge("");
	expect_bad_challenge("0x");
	expect_bad_challenge("0xg1");
	expect_bad_challenge("0x12 ");
	expect_bad_challenge("-1");
	expect_bad_challenge("+1");
	expect_bad_challenge("12a");
	expect_bad_challenge(" 1");
	expect_bad_challenge("x12");
	expect_bad_challenge("1.5");
}

static void test_parse_ts_example_strict(void **state)
{
	(void)state;
	const char *in = "0='0',1='3',2='0x2345178',3='0'";
	pf_exec_args a;
	char why[160];
	assert_int_equal(pf_args_parse(in, strlen(in), 0, &a, why, sizeof(why)), 0);
	assert_true(a.present[0] && a.present[1] && a.present[2] && a.present[3]);
	assert_false(a.present[4]);
	assert_string_equal(a.value[0], "0");
	assert_string_equal(a.value[1], "3");
	assert_string_equal(a.value[2], "0x2345178");
	assert_string_equal(a.value[3], "0");

	pf_getauth_request r;
	assert_int_equal(pf_getauth_from_args(&a, 0, &r, why, sizeof(why)), 0);
	assert_int_equal(r.service, 0);
	assert_int_equal(r.identity_id, 3);
	assert_int_equal(r.key_index, 0);
	assert_int_equal(r.challenge_len, 4);
	assert_memory_equal(r.challenge, "\x02\x34\x51\x78", 4);
	pf_args_clear(&a);
}

static void test_parse_valid_forms(void **state)
{
	(void)state;
	pf_exec_args a;
	char why[160];
	assert_int_equal(pf_args_parse("", 0, 0, &a, why, sizeof(why)), 0); /* empty Execute */
	for (int i = 0; i < 10; i++)
		assert_false(a.present[i]);
	pf_args_clear(&a);

	assert_int_equal(pf_args_parse("5", 1, 0, &a, why, sizeof(why)), 0);
	assert_true(a.present[5]);
	assert_null(a.value[5]);
	pf_args_clear(&a);

	const char *all = "9='x',0,4=''";
	assert_int_equal(pf_args_parse(all, strlen(all), 0, &a, why, sizeof(why)), 0);
	assert_string_equal(a.value[9], "x");
	assert_true(a.present[0]);
	assert_null(a.value[0]);
	assert_non_null(a.value[4]);
	assert_int_equal(a.value_len[4], 0);
	pf_args_clear(&a);

	/* Every CHAR of the grammar. */
	const char *chars = "7='!#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~'";
	assert_int_equal(pf_args_parse(chars, strlen(chars), 0, &a, why, sizeof(why)), 0);
	assert_string_equal(a.value[7], "!#$%&()*+,-./09:;<=>?@AZ[]^_`az{|}~");
	pf_args_clear(&a);
}

static void expect_syntax_error(const char *in, size_t len, int lenient, const char *reason)
{
	pf_exec_args a;
	char why[160] = "";
	assert_int_equal(pf_args_parse(in, len, lenient, &a, why, sizeof(why)), -1);
	assert_null(a.storage);
	assert_non_null(strstr(why, reason));
}

static void test_parse_syntax_errors(void **state)
{
	(void)state;
#define BAD(s, r) expect_syntax_error(s, sizeof(s) - 1, 0, r)
	BAD("0='0',0='1'", "argument 0 repeated");
	BAD("3,3", "argument 3 repeated");
	BAD("0='0', 1='3'", "expected an argument digit");      /* blank after comma */
	BAD(" 0='0'", "expected an argument digit");            /* leading blank */
	BAD("0='0' ", "expected ',' or end");                    /* trailing blank */
	BAD("0 ='0'", "expected ',' or end");
	BAD("0= '0'", "single quotes");
	BAD("0='0',", "trailing ','");
	BAD("0=0", "single quotes");                             /* TS example form */
	BAD("0=SRV_AUTHENT", "single quotes");
	BAD("0='a b'", "character not allowed");
	BAD("0='a\\b'", "character not allowed");
	BAD("0='a\"b'", "character not allowed");
	BAD("0='\t'", "character not allowed");
	BAD("0='\x7f'", "character not allowed");
	BAD("0='\xc3\xa9'", "character not allowed");            /* non-ASCII */
	BAD("0='abc", "unterminated quote");
	BAD("0='0'1='2'", "expected ',' or end");
	BAD("a='1'", "expected an argument digit");
	BAD("10='1'", "expected ',' or end");
	BAD(",0='1'", "expected an argument digit");
	BAD("0='1',,1='2'", "expected an argument digit");
	BAD("=", "expected an argument digit");
	BAD("0=", "single quotes");
	BAD("0='1''", "expected ',' or end");
#undef BAD
	/* An embedded NUL is not a CHAR either. */
	expect_syntax_error("0='a\0b'", 7, 0, "character not allowed");
}

static void test_parse_lenient(void **state)
{
	(void)state;
	const char *ts = "0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0";
	pf_exec_args a;
	char why[160];
	assert_int_equal(pf_args_parse(ts, strlen(ts), 1, &a, why, sizeof(why)), 0);
	pf_getauth_request r;
	assert_int_equal(pf_getauth_from_args(&a, 1, &r, why, sizeof(why)), 0);
	assert_int_equal(r.service, 0);
	assert_int_equal(r.identity_id, 3);
	assert_memory_equal(r.challenge, "\x02\x34\x51\x78", 4);
	/* The symbolic name is lenient-only. */
	assert_int_equal(pf_getauth_from_args(&a, 0, &r, why, sizeof(why)), -1);
	pf_args_clear(&a);

	const char *enc = "0=SRV_ENCRYPT, 1=2, 2=0x2345178, 3=1";
	assert_int_equal(pf_args_parse(enc, strlen(enc), 1, &a, why, sizeof(why)), 0);
	assert_int_equal(pf_getauth_from_args(&a, 1, &r, why, sizeof(why)), 0);
	assert_int_equal(r.service, 1);
	assert_int_equal(r.identity_id, 2);
	assert_int_equal(r.key_index, 1);
	pf_args_clear(&a);

	/* The strict form stays valid in lenient mode. */
	const char *strict = "0='1',1='2',2='7',3='1'";
	assert_int_equal(pf_args_parse(strict, strlen(strict), 1, &a, why, sizeof(why)), 0);
	pf_args_clear(&a);

	/* Lenient is not sloppy: repeats, trailing commas, bad chars still fail. */
	expect_syntax_error("0=1, 0=1", 8, 1, "repeated");
	expect_syntax_error("0=1, ", 5, 1, "trailing ','");
	expect_syntax_error("0=a\\b", 5, 1, "character not allowed");
	expect_syntax_error("0=, 1=2", 7, 1, "empty unquoted value");
	expect_syntax_error("0=1 2", 5, 1, "expected ',' or end");
}

static void expect_semantic_error(const char *in, const char *reason)
{
	pf_exec_args a;
	char why[160] = "";
	pf_getauth_request r;
	assert_int_equal(pf_args_parse(in, strlen(in), 0, &a, why, sizeof(why)), 0);
	if (pf_getauth_from_args(&a, 0, &r, why, sizeof(why)) != -1 || strstr(why, reason) == NULL)
		fail_msg("'%s': got '%s', want '%s'", in, why, reason);
	pf_args_clear(&a);
}

static void test_getauth_argument_errors(void **state)
{
	(void)state;
	expect_semantic_error("", "argument 0 missing");
	expect_semantic_error("1='3',2='1',3='0'", "argument 0 missing");
	expect_semantic_error("0='0',2='1',3='0'", "argument 1 missing");
	expect_semantic_error("0='0',1='3',3='0'", "argument 2 missing");
	expect_semantic_error("0='0',1='3',2='1'", "argument 3 missing");
	expect_semantic_error("0,1='3',2='1',3='0'", "argument 0 has no value");
	expect_semantic_error("0='0',1,2='1',3='0'", "argument 1 has no value");
	expect_semantic_error("0='0',1='3',2,3='0'", "argument 2 has no value");
	expect_semantic_error("0='0',1='3',2='1',3", "argument 3 has no value");
	expect_semantic_error("0='2',1='3',2='1',3='0'", "argument 0 (Service)");
	expect_semantic_error("0='',1='3',2='1',3='0'", "argument 0 (Service)");
	expect_semantic_error("0='-0',1='3',2='1',3='0'", "argument 0 (Service)");
	expect_semantic_error("0='SRV_AUTHENT',1='3',2='1',3='0'", "argument 0 (Service)");
	expect_semantic_error("0='0',1='65535',2='1',3='0'", "argument 1 (Identity");
	expect_semantic_error("0='0',1='-1',2='1',3='0'", "argument 1 (Identity");
	expect_semantic_error("0='0',1='0x1',2='1',3='0'", "argument 1 (Identity");
	expect_semantic_error("0='0',1='3',2='0x',3='0'", "argument 2 (Challenge)");
	expect_semantic_error("0='0',1='3',2='',3='0'", "argument 2 (Challenge)");
	expect_semantic_error("0='0',1='3',2='abc',3='0'", "argument 2 (Challenge)");
	expect_semantic_error("0='0',1='3',2='1',3='4294967296'", "argument 3 (Key Index)");
	expect_semantic_error("0='0',1='3',2='1',3='99999999999999999999999'", "argument 3 (Key Index)");
	expect_semantic_error("0='0',1='3',2='1',3='x'", "argument 3 (Key Index)");

	/* Limits that are fine. */
	pf_exec_args a;
	pf_getauth_request r;
	char why[160];
	const char *edge = "0='1',1='65534',2='0',3='4294967295',4,9='app'";
	assert_int_equal(pf_args_parse(edge, strlen(edge), 0, &a, why, sizeof(why)), 0);
	assert_int_equal(pf_getauth_from_args(&a, 0, &r, why, sizeof(why)), 0);
	assert_int_equal(r.identity_id, 65534);
	assert_int_equal(r.key_index, 4294967295u);
	assert_int_equal(r.challenge_len, 1);
	assert_int_equal(r.challenge[0], 0);
	pf_args_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_examples),
		cmocka_unit_test(test_challenge_limits),
		cmocka_unit_test(test_challenge_refused),
		cmocka_unit_test(test_parse_ts_example_strict),
		cmocka_unit_test(test_parse_valid_forms),
		cmocka_unit_test(test_parse_syntax_errors),
		cmocka_unit_test(test_parse_lenient),
		cmocka_unit_test(test_getauth_argument_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
