/*
 * test_crypto_wrap.c - AES key wrap at the crypto level: the RFC 3394
 * section 4 vectors (AES-KW, default IV) and the RFC 5649 section 6 vectors
 * (AES-KWP), both directions; a tampered blob, lengths each mode refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"

typedef struct wrap_vec {
	const char *name;
	int pad;
	const char *kek, *key, *wrapped;
} wrap_vec;

#define KEK128 "000102030405060708090A0B0C0D0E0F"
#define KEK192 "000102030405060708090A0B0C0D0E0F1011121314151617"
#define KEK256 "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"

static const wrap_vec vecs[] = {
	{ "RFC 3394 4.1", 0, KEK128, "00112233445566778899AABBCCDDEEFF",
	  "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5" },
	{ "RFC 3394 4.2", 0, KEK192, "00112233445566778899AABBCCDDEEFF",
	  "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D" },
	{ "RFC 3394 4.3", 0, KEK256, "00112233445566778899AABBCCDDEEFF",
	  "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7" },
	{ "RFC 3394 4.4", 0, KEK192, "00112233445566778899AABBCCDDEEFF0001020304050607",
	  "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2" },
	{ "RFC 3394 4.5", 0, KEK256, "00112233445566778899AABBCCDDEEFF0001020304050607",
	  "A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1" },
	{ "RFC 3394 4.6", 0, KEK256, "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
	  "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21" },
	{ "RFC 5649 6 (20 octets)", 1, "5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8",
	  "c37b7e6492584340 bed1220780894115 5068f738",
	  "138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a" },
	{ "RFC 5649 6 (7 octets)", 1, "5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8",
	  "466f7250617369", "afbeb0f07dfbf541 9200f2ccb50bb24f" },
};

typedef struct wrap_bytes {
	uint8_t kek[32], key[64], wrapped[80];
	size_t kek_len, key_len, wrapped_len;
} wrap_bytes;

static void decode(const wrap_vec *v, wrap_bytes *b)
{
	b->kek_len = unhex(v->kek, b->kek, sizeof b->kek);
	b->key_len = unhex(v->key, b->key, sizeof b->key);
	b->wrapped_len = unhex(v->wrapped, b->wrapped, sizeof b->wrapped);
}

/* Each vector one way: wrap (key -> blob) or unwrap (blob -> key). */
static void run_vectors(int wrap)
{
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		wrap_bytes b;
		uint8_t out[80];
		size_t out_len = sizeof out;
		decode(&vecs[i], &b);
		const uint8_t *in = wrap ? b.key : b.wrapped, *want = wrap ? b.wrapped : b.key;
		size_t in_len = wrap ? b.key_len : b.wrapped_len, want_len = wrap ? b.wrapped_len : b.key_len;
		int rc = wrap ? pf_aes_wrap(b.kek, b.kek_len, vecs[i].pad, in, in_len, out, &out_len)
		              : pf_aes_unwrap(b.kek, b.kek_len, vecs[i].pad, in, in_len, out, &out_len);
		assert_int_equal(rc, PF_CRYPTO_OK);
		assert_int_equal(out_len, want_len);
		assert_memory_equal(out, want, want_len);
		assert_int_equal(pf_aes_wrap_len(b.key_len, vecs[i].pad), b.wrapped_len);
	}
}

static void test_vectors_wrap(void **state)
{
	(void)state;
	run_vectors(1);
}

static void test_vectors_unwrap(void **state)
{
	(void)state;
	run_vectors(0);
}

/* Every single-bit change of every vector's blob is refused, and the output wiped. */
static void test_tampered(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		wrap_bytes b;
		decode(&vecs[i], &b);
		for (size_t bit = 0; bit < b.wrapped_len * 8; bit += 7) {
			uint8_t out[80], zero[80] = {0};
			size_t out_len = sizeof out;
			b.wrapped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(pf_aes_unwrap(b.kek, b.kek_len, vecs[i].pad, b.wrapped, b.wrapped_len, out,
			                               &out_len),
			                 PF_CRYPTO_AUTH_FAILED);
			assert_memory_equal(out, zero, b.wrapped_len - 8);
			b.wrapped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
}

/* The wrong KEK is a failed check too. */
static void test_wrong_kek(void **state)
{
	(void)state;
	wrap_bytes b;
	uint8_t out[80];
	size_t out_len = sizeof out;
	decode(&vecs[0], &b);
	b.kek[0] ^= 1;
	assert_int_equal(pf_aes_unwrap(b.kek, b.kek_len, 0, b.wrapped, b.wrapped_len, out, &out_len),
	                 PF_CRYPTO_AUTH_FAILED);
}

static void test_lengths(void **state)
{
	(void)state;
	uint8_t kek[16] = {0}, in[64] = {0}, out[80];
	size_t out_len = sizeof out;
	/* KW: whole 64-bit blocks, two or more */
	assert_int_equal(pf_aes_wrap(kek, 16, 0, in, 8, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	out_len = sizeof out;
	assert_int_equal(pf_aes_wrap(kek, 16, 0, in, 20, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	out_len = sizeof out;
	assert_int_equal(pf_aes_wrap(kek, 16, 1, in, 0, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	/* a KEK AES does not have */
	out_len = sizeof out;
	assert_int_equal(pf_aes_wrap(kek, 15, 0, in, 16, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	/* too little room */
	out_len = 23;
	assert_int_equal(pf_aes_wrap(kek, 16, 0, in, 16, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	/* blobs: KW at least 24, KWP at least 16, always whole blocks */
	out_len = sizeof out;
	assert_int_equal(pf_aes_unwrap(kek, 16, 0, in, 16, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	out_len = sizeof out;
	assert_int_equal(pf_aes_unwrap(kek, 16, 1, in, 20, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	out_len = sizeof out;
	assert_int_equal(pf_aes_unwrap(kek, 16, 1, in, 8, out, &out_len), PF_CRYPTO_BAD_LENGTH);
	assert_true(pf_aes_wrap_input_ok(16, 1, 0));
	assert_false(pf_aes_wrap_input_ok(16, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_wrap),
		cmocka_unit_test(test_vectors_unwrap),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_wrong_kek),
		cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
