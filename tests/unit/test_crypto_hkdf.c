/*
 * test_crypto_hkdf.c - RFC 5869 HKDF: test cases 1-3 (SHA-256) in each mode
 * (extract and expand, extract only = the PRK, expand only from the PRK),
 * SHA-384/512 answers computed with python3-cryptography's HKDF, and the
 * parameter rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/kdf.h"
#include "test_crypto_util.h"

typedef struct hkdf_vec {
	const char *name;
	pf_md_alg md;
	const char *ikm, *salt, *info, *prk, *okm;
} hkdf_vec;

static const hkdf_vec vecs[] = {
	{ "RFC 5869 A.1", PF_MD_SHA256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
	  "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865" },
	{ "RFC 5869 A.2", PF_MD_SHA256,
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f",
	  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
	  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
	  "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
	  "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
	{ "RFC 5869 A.3 (empty salt and info)", PF_MD_SHA256,
	  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
	  "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8" },
	/* python3-cryptography: HMAC(salt, ikm) and HKDF(SHA512, 100, salt, info),
	 * ikm = 20..3f, salt = "portfolio-hkdf-salt", info = "portfolio-hkdf-info" */
	{ "cryptography SHA-512", PF_MD_SHA512,
	  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
	  "706f7274666f6c696f2d686b64662d73616c74", "706f7274666f6c696f2d686b64662d696e666f",
	  "f16b1d89a9fa2a8393624b36e0be4c1bf893327f952a0d7ef8933259a86a93c3"
	  "3965c8c09e98100feb95e48a4fce6eb11160d5b641804de2ebdc4005a1370794",
	  "54c469613a06926c34d87f3542cc08073f15bcce2eb910c1b4409c917d28eec3"
	  "fbbf9abed1037fbec3f6793da065bcf585aa004c250b77d71c1b2cee6a3ad203"
	  "a741ecd6129c57fa491527b1e22780d7884496bff45d731f57ebbb475eb70592"
	  "dcc3b548" },
};

typedef struct hkdf_bytes {
	uint8_t ikm[80], salt[80], info[80], prk[64], okm[128];
	size_t ikm_len, salt_len, info_len, prk_len, okm_len;
} hkdf_bytes;

static void decode(const hkdf_vec *v, hkdf_bytes *b)
{
	b->ikm_len = unhex(v->ikm, b->ikm, sizeof(b->ikm));
	b->salt_len = unhex(v->salt, b->salt, sizeof(b->salt));
	b->info_len = unhex(v->info, b->info, sizeof(b->info));
	b->prk_len = unhex(v->prk, b->prk, sizeof(b->prk));
	b->okm_len = unhex(v->okm, b->okm, sizeof(b->okm));
}

static void test_vectors_each_mode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		hkdf_bytes b;
		uint8_t out[128];

		decode(&vecs[i], &b);
		assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, vecs[i].md, b.ikm, b.ikm_len,
		                         b.salt_len ? b.salt : NULL, b.salt_len, b.info_len ? b.info : NULL,
		                         b.info_len, out, b.okm_len), PF_CRYPTO_OK);
		assert_hex_equal(out, b.okm_len, vecs[i].okm);
		assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_ONLY, vecs[i].md, b.ikm, b.ikm_len,
		                         b.salt_len ? b.salt : NULL, b.salt_len, NULL, 0, out, b.prk_len),
		                 PF_CRYPTO_OK);
		assert_memory_equal(out, b.prk, b.prk_len);
		assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, vecs[i].md, b.prk, b.prk_len, NULL, 0,
		                         b.info_len ? b.info : NULL, b.info_len, out, b.okm_len),
		                 PF_CRYPTO_OK);
		assert_memory_equal(out, b.okm, b.okm_len);
	}
}

/* SHA-384 through the same path (python3-cryptography HKDF(SHA384, 60, ...),
 * the inputs of the SHA-512 vector). */
static void test_sha384(void **state)
{
	hkdf_bytes b;
	uint8_t out[60];
	(void)state;

	decode(&vecs[3], &b);
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, PF_MD_SHA384, b.ikm, b.ikm_len, b.salt,
	                         b.salt_len, b.info, b.info_len, out, sizeof(out)), PF_CRYPTO_OK);
	assert_hex_equal(out, sizeof(out), "7c909bd3a7ea9e81c613de46233b0df513ce4a5eb4e9ef901614ed6f1fa5d243"
	                                   "e84fa4092bbf1e8747764f7ed5ebe55cd73785374c5277cdf0641dd9");
}

static void test_bad_parameters(void **state)
{
	static const uint8_t key[32] = { 7 };
	uint8_t out[64 * 255 + 1];
	(void)state;

	/* digests other than SHA-256/384/512 */
	for (int md = PF_MD_SHA1; md <= PF_MD_COUNT; md++) {
		int ok = md == PF_MD_SHA256 || md == PF_MD_SHA384 || md == PF_MD_SHA512;
		assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, md, key, 32, NULL, 0, NULL, 0, out, 32),
		                 ok ? PF_CRYPTO_OK : PF_CRYPTO_BAD_PARAM);
	}
	/* extract only yields exactly the PRK */
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_ONLY, PF_MD_SHA256, key, 32, NULL, 0, NULL, 0, out, 31),
	                 PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_ONLY, PF_MD_SHA256, key, 32, NULL, 0, NULL, 0, out, 33),
	                 PF_CRYPTO_BAD_PARAM);
	/* expansion: 1 .. 255 * HashLen */
	assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, PF_MD_SHA512, key, 32, NULL, 0, NULL, 0, out,
	                         64 * 255), PF_CRYPTO_OK);
	assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, PF_MD_SHA512, key, 32, NULL, 0, NULL, 0, out,
	                         64 * 255 + 1), PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, PF_MD_SHA256, key, 32, NULL, 0, NULL, 0, out, 0),
	                 PF_CRYPTO_BAD_PARAM);
	/* an empty key, lengths without buffers, an unknown mode */
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, PF_MD_SHA256, key, 0, NULL, 0, NULL, 0, out,
	                         32), PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, PF_MD_SHA256, key, 32, NULL, 4, NULL, 0, out,
	                         32), PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, PF_MD_SHA256, key, 32, NULL, 0, NULL, 4, out,
	                         32), PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(3, PF_MD_SHA256, key, 32, NULL, 0, NULL, 0, out, 32), PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, PF_MD_SHA256, NULL, 32, NULL, 0, NULL, 0, out, 32),
	                 PF_CRYPTO_ERR);
	assert_int_equal(pf_hkdf(PF_HKDF_EXPAND_ONLY, PF_MD_SHA256, key, 32, NULL, 0, NULL, 0, NULL, 32),
	                 PF_CRYPTO_ERR);
}

/* The fetched KDFs can be released (C_Finalize) and are fetched again on
 * the next derivation, with the same answers; releasing twice is harmless. */
static void test_cleanup_and_refetch(void **state)
{
	hkdf_bytes b;
	uint8_t out[64];
	(void)state;

	decode(&vecs[0], &b);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(pf_hkdf(PF_HKDF_EXTRACT_AND_EXPAND, PF_MD_SHA256, b.ikm, b.ikm_len, b.salt,
		                         b.salt_len, b.info, b.info_len, out, b.okm_len), PF_CRYPTO_OK);
		assert_memory_equal(out, b.okm, b.okm_len);
		pf_kdf_cleanup();
		if (round == 1)
			pf_kdf_cleanup();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_each_mode),
		cmocka_unit_test(test_sha384),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_cleanup_and_refetch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
