/*
 * test_sms_segments.c - the adapter's SMS-PP segmentation (sms_segments.c):
 * packets of every size up to the concatenation limit cut and joined back
 * in any order, and the malformed user data an attacker can send refused
 * without reading past it.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lwm2m/sms_local.h"

#define LIMIT 34168 /* 132 + 254 * 134: docs/sms.md */

static pf_sms_segment segs[PF_SMS_MAX_SEGMENTS];
static uint8_t pkt[LIMIT], back[LIMIT + 16];

static void round_trip(size_t len)
{
	size_t n = pf_sms_segments_needed(len), got = 0;
	for (size_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)(i * 31 + len);
	assert_true(n <= PF_SMS_MAX_SEGMENTS);
	assert_int_equal(pf_sms_split(pkt, len, 0x5a, segs, n), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(segs[i].len <= PF_SMS_USER_DATA);
	/* reversed order */
	for (size_t i = 0; i < n / 2; i++) {
		pf_sms_segment t = segs[i];
		segs[i] = segs[n - 1 - i];
		segs[n - 1 - i] = t;
	}
	assert_int_equal(pf_sms_join(segs, n, back, sizeof back, &got), 0);
	assert_int_equal(got, len);
	assert_memory_equal(back, pkt, len);
}

static void test_round_trips(void **state)
{
	(void)state;
	static const size_t sizes[] = {1, 16, 136, 137, 138, 265, 266, 267, 1000, LIMIT - 1, LIMIT};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		round_trip(sizes[i]);
	assert_int_equal(pf_sms_segments_needed(137), 1);
	assert_int_equal(pf_sms_segments_needed(138), 2);
	assert_int_equal(pf_sms_segments_needed(LIMIT), PF_SMS_MAX_SEGMENTS);
	assert_true(pf_sms_segments_needed(LIMIT + 1) > PF_SMS_MAX_SEGMENTS);
}

static int join(size_t n)
{
	size_t got;
	return pf_sms_join(segs, n, back, sizeof back, &got);
}

static void test_malformed(void **state)
{
	(void)state;
	memset(pkt, 7, 300);
	size_t n = pf_sms_segments_needed(300);
	assert_int_equal(pf_sms_split(pkt, 300, 1, segs, n), 0);
	assert_int_equal(join(n), 0);
	assert_int_equal(join(n - 1), -1);                 /* a part missing */
	pf_sms_segment keep = segs[1];
	segs[1] = segs[2];
	assert_int_equal(join(n), -1);                     /* a part twice */
	segs[1] = keep;
	segs[1].ud[3] ^= 1;
	assert_int_equal(join(n), -1);                     /* another reference */
	segs[1].ud[3] ^= 1;
	segs[1].ud[5] = 0;
	assert_int_equal(join(n), -1);                     /* seq 0 */
	segs[1] = keep;
	segs[0].ud[6] = 0x71;
	assert_int_equal(join(n), -1);                     /* first part not a command */
	/* single segments: UDH lengths that point past the data */
	pf_sms_segment s = {{0x02, 0x70, 0x00, 0xaa}, 4};
	segs[0] = s;
	assert_int_equal(join(1), 0);
	segs[0].ud[0] = 0x05;
	assert_int_equal(join(1), -1);                     /* UDHL past the end */
	segs[0] = s;
	segs[0].ud[2] = 0x09;
	assert_int_equal(join(1), -1);                     /* IE length past the UDH */
	segs[0] = s;
	segs[0].len = 0;
	assert_int_equal(join(1), -1);
	segs[0] = s;
	segs[0].len = PF_SMS_USER_DATA + 1;
	assert_int_equal(join(1), -1);
	segs[0] = s;
	segs[0].ud[1] = 0x71;
	assert_int_equal(join(1), -1);                     /* a PoR, not a command */
	assert_int_equal(join(0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
