/*
 * test_crypto_kat.c - known-answer tests of the digest and MAC wrappers:
 * FIPS 180 "abc", RFC 4231 HMAC-SHA256, RFC 4493 AES-128-CMAC (all four),
 * SP 800-38B AES-256-CMAC examples; truncation; restart and re-key reuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"

static const char rfc4493_msg[] =
	"6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

static void test_sha_abc(void **state)
{
	static const struct { pf_md_alg alg; const char *hex; } v[] = {
		{ PF_MD_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ PF_MD_SHA224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
		{ PF_MD_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ PF_MD_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
		                "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7" },
		{ PF_MD_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	};
	uint8_t out[PF_MD_MAX_SIZE];
	(void)state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pf_digest_oneshot(v[i].alg, "abc", 3, out), PF_CRYPTO_OK);
		assert_hex_equal(out, pf_md_size(v[i].alg), v[i].hex);
	}
}

/* One context reused across algorithms and messages, fed byte by byte. */
static void test_sha_context_reuse_and_streaming(void **state)
{
	pf_digest *d = pf_digest_new();
	uint8_t out[PF_MD_MAX_SIZE];
	(void)state;

	assert_non_null(d);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(pf_digest_init(d, PF_MD_SHA256), PF_CRYPTO_OK);
		for (int i = 0; i < 3; i++)
			assert_int_equal(pf_digest_update(d, "abc" + i, 1), PF_CRYPTO_OK);
		assert_int_equal(pf_digest_final(d, out), PF_CRYPTO_OK);
		assert_hex_equal(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		assert_int_equal(pf_digest_init(d, PF_MD_SHA1), PF_CRYPTO_OK);
		assert_int_equal(pf_digest_update(d, "abc", 3), PF_CRYPTO_OK);
		assert_int_equal(pf_digest_final(d, out), PF_CRYPTO_OK);
		assert_hex_equal(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
	}
	/* final twice without init is refused */
	assert_int_equal(pf_digest_final(d, out), PF_CRYPTO_ERR);
	assert_int_equal(pf_digest_update(d, "x", 1), PF_CRYPTO_ERR);
	assert_int_equal(pf_digest_init(d, PF_MD_COUNT), PF_CRYPTO_ERR);
	pf_digest_free(d);
}

static void test_hmac_rfc4231(void **state)
{
	uint8_t key[20], out[32];
	(void)state;

	memset(key, 0x0b, sizeof(key));
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, key, 20, "Hi There", 8, out, 32),
	                 PF_CRYPTO_OK);
	assert_hex_equal(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, (const uint8_t *)"Jefe", 4,
	                                "what do ya want for nothing?", 28, out, 32),
	                 PF_CRYPTO_OK);
	assert_hex_equal(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* *_GENERAL truncation keeps the leftmost bytes */
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, (const uint8_t *)"Jefe", 4,
	                                "what do ya want for nothing?", 28, out, 10),
	                 PF_CRYPTO_OK);
	assert_hex_equal(out, 10, "5bdcc146bf60754e6a04");
}

/* RFC 4231 case 2 for the other HMAC digests. */
static void test_hmac_rfc4231_other_digests(void **state)
{
	static const struct { pf_mac_alg alg; const char *hex; } v[] = {
		{ PF_MAC_HMAC_SHA224, "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44" },
		{ PF_MAC_HMAC_SHA384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		                      "8e2240ca5e69e2c78b3239ecfab21649" },
		{ PF_MAC_HMAC_SHA512, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		                      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	};
	uint8_t out[64];
	(void)state;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = pf_mac_alg_size(v[i].alg);
		assert_int_equal(pf_mac_oneshot(v[i].alg, (const uint8_t *)"Jefe", 4,
		                                "what do ya want for nothing?", 28, out, n),
		                 PF_CRYPTO_OK);
		assert_hex_equal(out, n, v[i].hex);
	}
}

static void test_hmac_sha1_rfc2202(void **state)
{
	uint8_t key[20], out[20];
	(void)state;

	memset(key, 0x0b, sizeof(key));
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA1, key, 20, "Hi There", 8, out, 20),
	                 PF_CRYPTO_OK);
	assert_hex_equal(out, 20, "b617318655057264e28bc0b6fb378c8ef146be00");
}

static void test_cmac_rfc4493(void **state)
{
	static const struct { size_t len; const char *hex; } v[] = {
		{ 0, "bb1d6929e95937287fa37d129b756746" },
		{ 16, "070a16b46b4d4144f79bdd9dd04a287c" },
		{ 40, "dfa66747de9ae63030ca32611497c827" },
		{ 64, "51f0bebf7e3b9d92fc49741779363cfe" },
	};
	uint8_t key[16], msg[64], out[16];
	pf_mac *m;
	(void)state;

	unhex("2b7e151628aed2a6abf7158809cf4f3c", key, sizeof(key));
	unhex(rfc4493_msg, msg, sizeof(msg));
	m = pf_mac_new(PF_MAC_CMAC_AES, 16);
	assert_non_null(m);
	assert_int_equal(pf_mac_size(m), 16);
	for (size_t i = 0; i < 4; i++) {
		/* first round keys, the others restart with the loaded key */
		if (i == 0)
			assert_int_equal(pf_mac_set_key(m, key, 16), PF_CRYPTO_OK);
		else
			assert_int_equal(pf_mac_restart(m), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_update(m, msg, v[i].len), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_final(m, out, 16), PF_CRYPTO_OK);
		assert_hex_equal(out, 16, v[i].hex);
	}
	/* multi-part in odd pieces equals one part */
	assert_int_equal(pf_mac_restart(m), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(m, msg, 7), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(m, msg + 7, 0), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(m, msg + 7, 33), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_final(m, out, 16), PF_CRYPTO_OK);
	assert_hex_equal(out, 16, "dfa66747de9ae63030ca32611497c827");
	/* CMAC_GENERAL-style truncation */
	assert_int_equal(pf_mac_restart(m), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_update(m, msg, 16), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_final(m, out, 4), PF_CRYPTO_OK);
	assert_hex_equal(out, 4, "070a16b4");
	/* final without a restart, and oversize tags, are refused */
	assert_int_equal(pf_mac_final(m, out, 16), PF_CRYPTO_ERR);
	assert_int_equal(pf_mac_restart(m), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_final(m, out, 17), PF_CRYPTO_ERR);
	/* wrong key length for a CMAC-128 context */
	assert_int_equal(pf_mac_set_key(m, key, 32), PF_CRYPTO_ERR);
	assert_true(pf_mac_fits(m, PF_MAC_CMAC_AES, 16));
	assert_false(pf_mac_fits(m, PF_MAC_CMAC_AES, 32));
	assert_false(pf_mac_fits(m, PF_MAC_HMAC_SHA256, 16));
	/* forget_key: restart is then refused */
	assert_int_equal(pf_mac_set_key(m, key, 16), PF_CRYPTO_OK);
	pf_mac_forget_key(m);
	assert_int_equal(pf_mac_restart(m), PF_CRYPTO_ERR);
	pf_mac_free(m);
}

/* SP 800-38B, D.3 (AES-256): the same messages. */
static void test_cmac_aes256(void **state)
{
	static const struct { size_t len; const char *hex; } v[] = {
		{ 0, "028962f61b7bf89efc6b551f4667d983" },
		{ 16, "28a7023f452e8f82bd4bf28d8c37c35c" },
		{ 40, "aaf3d8f1de5640c232f5b169b9c911e6" },
		{ 64, "e1992190549f6ed5696a2c056c315410" },
	};
	uint8_t key[32], msg[64], out[16];
	(void)state;

	unhex("603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4", key, sizeof(key));
	unhex(rfc4493_msg, msg, sizeof(msg));
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(pf_mac_oneshot(PF_MAC_CMAC_AES, key, 32, msg, v[i].len, out, 16),
		                 PF_CRYPTO_OK);
		assert_hex_equal(out, 16, v[i].hex);
	}
}

/* Re-keying one context between two keys gives each key's answer. */
static void test_cmac_rekey_in_place(void **state)
{
	uint8_t k1[16], k2[16], msg[64], out[16];
	pf_mac *m = pf_mac_new(PF_MAC_CMAC_AES, 16);
	(void)state;

	assert_non_null(m);
	unhex("2b7e151628aed2a6abf7158809cf4f3c", k1, sizeof(k1));
	unhex("000102030405060708090a0b0c0d0e0f", k2, sizeof(k2));
	unhex(rfc4493_msg, msg, sizeof(msg));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pf_mac_set_key(m, k2, 16), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_update(m, msg, 16), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_final(m, out, 16), PF_CRYPTO_OK);
		assert_string_not_equal(tohex(out, 16), "070a16b46b4d4144f79bdd9dd04a287c");
		assert_int_equal(pf_mac_set_key(m, k1, 16), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_update(m, msg, 16), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_final(m, out, 16), PF_CRYPTO_OK);
		assert_hex_equal(out, 16, "070a16b46b4d4144f79bdd9dd04a287c");
	}
	pf_mac_free(m);
}

static void test_hmac_restart(void **state)
{
	uint8_t key[20], out[32];
	pf_mac *m = pf_mac_new(PF_MAC_HMAC_SHA256, 0);
	(void)state;

	assert_non_null(m);
	assert_int_equal(pf_mac_restart(m), PF_CRYPTO_ERR); /* no key yet */
	memset(key, 0x0b, sizeof(key));
	assert_int_equal(pf_mac_set_key(m, key, 20), PF_CRYPTO_OK);
	for (int i = 0; i < 3; i++) {
		if (i > 0)
			assert_int_equal(pf_mac_restart(m), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_update(m, "Hi ", 3), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_update(m, "There", 5), PF_CRYPTO_OK);
		assert_int_equal(pf_mac_final(m, out, 32), PF_CRYPTO_OK);
		assert_hex_equal(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	}
	pf_mac_free(m);
}

static void test_bad_arguments(void **state)
{
	uint8_t out[64];
	(void)state;

	assert_null(pf_mac_new(PF_MAC_CMAC_AES, 15));
	assert_null(pf_mac_new(PF_MAC_COUNT, 16));
	assert_int_equal(pf_mac_alg_size(PF_MAC_COUNT), 0);
	assert_int_equal(pf_md_size(PF_MD_COUNT), 0);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, NULL, 0, "x", 1, out, 32), PF_CRYPTO_ERR);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, (const uint8_t *)"k", 1, "x", 1, out, 0),
	                 PF_CRYPTO_ERR);
	assert_int_equal(pf_digest_oneshot(PF_MD_COUNT, "x", 1, out), PF_CRYPTO_ERR);
}

static void test_random_and_compare(void **state)
{
	uint8_t a[32], b[32];
	static const uint8_t fixed[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	(void)state;

	assert_int_equal(pf_random(a, sizeof(a)), PF_CRYPTO_OK);
	assert_int_equal(pf_random(b, sizeof(b)), PF_CRYPTO_OK);
	assert_false(pf_ct_equal_bytes(a, b, sizeof(a))); /* 2^-256 chance of a false failure */
	assert_true(pf_ct_equal_bytes(a, a, sizeof(a)));
	b[0] = a[0];
	memcpy(b, a, 31);
	b[31] = (uint8_t)(a[31] ^ 1);
	assert_false(pf_ct_equal_bytes(a, b, 32));
	assert_true(pf_ct_equal_bytes(a, b, 31));

	crypto_test_set_fixed_iv(fixed, sizeof(fixed));
	assert_int_equal(pf_random_iv(a, 12), PF_CRYPTO_OK);
	assert_memory_equal(a, fixed, 12);
	assert_int_equal(pf_random_iv(a, 16), PF_CRYPTO_OK);
	assert_int_equal(a[12], 1);
	crypto_test_set_fixed_iv(NULL, 0);
	assert_int_equal(pf_random_iv(a, 12), PF_CRYPTO_OK);
	assert_int_equal(pf_random_iv(b, 12), PF_CRYPTO_OK);
	assert_false(pf_ct_equal_bytes(a, b, 12));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha_abc),
		cmocka_unit_test(test_sha_context_reuse_and_streaming),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_rfc4231_other_digests),
		cmocka_unit_test(test_hmac_sha1_rfc2202),
		cmocka_unit_test(test_cmac_rfc4493),
		cmocka_unit_test(test_cmac_aes256),
		cmocka_unit_test(test_cmac_rekey_in_place),
		cmocka_unit_test(test_hmac_restart),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_random_and_compare),
	};
	assert_int_equal(pf_crypto_init(), PF_CRYPTO_OK);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
