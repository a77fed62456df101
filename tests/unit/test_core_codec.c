/* test_core_codec.c - the attribute record codec: exact bytes of a known
 * record, round trip, and rejection of every malformed shape. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/attr_codec.h"

static const uint8_t known[] = {
	'P', 'F', 1, 0,
	0, 0, 0, 0, 0, 0, 0, 7,       /* value_ref */
	0, 0, 0, 0, 0, 0, 0, 0,       /* hash_ref */
	0, 2,                         /* count */
	0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 'h', 'i',  /* CKA_LABEL "hi" */
	0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1,        /* CKA_TOKEN TRUE */
};

static void test_encode_known(void **state)
{
	CK_BBOOL t = CK_TRUE;
	core_attr a[2] = {{CKA_LABEL, 2, (uint8_t *)"hi"}, {CKA_TOKEN, 1, &t}};
	uint8_t *rec;
	size_t len;
	assert_int_equal(attr_codec_encode(a, 2, 7, 0, &rec, &len), CKR_OK);
	assert_int_equal(len, sizeof known);
	assert_memory_equal(rec, known, len);
	free(rec);
}

static void test_decode_roundtrip(void **state)
{
	core_attr *a;
	size_t n;
	se_ref v, h;
	assert_int_equal(attr_codec_decode(known, sizeof known, &a, &n, &v, &h), CKR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v, 7);
	assert_int_equal(h, 0);
	assert_int_equal(a[0].type, CKA_LABEL);
	assert_int_equal(a[0].len, 2);
	assert_memory_equal(a[0].val, "hi", 2);
	assert_int_equal(a[1].type, CKA_TOKEN);
	assert_int_equal(a[1].val[0], 1);
	core_attrs_free(a, n);
	/* empty record */
	uint8_t *rec;
	size_t len;
	assert_int_equal(attr_codec_encode(NULL, 0, 0, 5, &rec, &len), CKR_OK);
	assert_int_equal(attr_codec_decode(rec, len, &a, &n, &v, &h), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(h, 5);
	core_attrs_free(a, n);
	free(rec);
}

static void expect_bad(const uint8_t *rec, size_t len)
{
	core_attr *a = NULL;
	size_t n = 0;
	se_ref v, h;
	assert_int_equal(attr_codec_decode(rec, len, &a, &n, &v, &h), CKR_DATA_INVALID);
}

static void test_decode_rejects(void **state)
{
	uint8_t b[sizeof known + 8];
	/* every truncation */
	for (size_t l = 0; l < sizeof known; l++)
		expect_bad(known, l);
	/* trailing byte */
	memcpy(b, known, sizeof known);
	b[sizeof known] = 0;
	expect_bad(b, sizeof known + 1);
	/* magic, version, reserved */
	for (int i = 0; i < 4; i++) {
		memcpy(b, known, sizeof known);
		b[i] ^= 0x40;
		expect_bad(b, sizeof known);
	}
	/* count larger than what follows, and over the limit */
	memcpy(b, known, sizeof known);
	b[21] = 3;
	expect_bad(b, sizeof known);
	b[20] = 0xFF;
	expect_bad(b, sizeof known);
	/* a length running past the end (and a huge one) */
	memcpy(b, known, sizeof known);
	b[33] = 3;
	expect_bad(b, sizeof known);
	b[30] = 0xFF;
	expect_bad(b, sizeof known);
	/* duplicate attribute type */
	memcpy(b, known, sizeof known);
	b[43] = 3;
	b[47] = 1;
	expect_bad(b, sizeof known);
	expect_bad(NULL, 10);
}

/* A little deterministic fuzzing: random mutations must never crash and
 * either decode or be rejected cleanly. */
static void test_decode_mutations(void **state)
{
	uint8_t b[sizeof known];
	uint32_t x = 12345;
	for (int i = 0; i < 20000; i++) {
		memcpy(b, known, sizeof known);
		for (int k = 0; k < 3; k++) {
			x = x * 1103515245u + 12345u;
			b[(x >> 8) % sizeof b] = (uint8_t)(x >> 20);
		}
		x = x * 1103515245u + 12345u;
		size_t len = (x >> 8) % (sizeof b + 1);
		core_attr *a = NULL;
		size_t n = 0;
		se_ref v, h;
		CK_RV rv = attr_codec_decode(b, len, &a, &n, &v, &h);
		assert_true(rv == CKR_OK || rv == CKR_DATA_INVALID);
		if (rv == CKR_OK)
			core_attrs_free(a, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_known),
		cmocka_unit_test(test_decode_roundtrip),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_decode_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
