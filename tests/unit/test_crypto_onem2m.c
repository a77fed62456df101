/*
 * test_crypto_onem2m.c - the oneM2M data-security key chain (seed 004) as a
 * known answer. The expected values were computed from the seed's formulas
 * with python3-cryptography's HMAC and SHA-256/512 and, for SHA-256, again
 * with `openssl kdf ... HKDF` / `openssl mac HMAC` / `openssl dgst`; never
 * with this code. docs/onem2m.md shows the same example step by step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/onem2m.h"
#include "test_crypto_util.h"

static uint8_t ke[32], salt[16];
static const uint8_t container[] = "Container-x"; /* 11 bytes; the NUL is not used */
static const uint8_t nonce[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const char key_id[] = "K_AE1_Container-x_data_conf-Id";

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < 32; i++)
		ke[i] = (uint8_t)i;            /* Ke   = 00 01 .. 1f */
	for (int i = 0; i < 16; i++)
		salt[i] = (uint8_t)(0xa0 + i); /* Salt = a0 a1 .. af */
	return 0;
}

static pf_onem2m_input example(pf_md_alg md)
{
	return (pf_onem2m_input){ .md = md, .ke = ke, .ke_len = sizeof(ke), .salt = salt,
	                          .salt_len = sizeof(salt), .container = container,
	                          .container_len = sizeof(container) - 1, .nonce = nonce,
	                          .nonce_len = sizeof(nonce) };
}

static void test_chain_sha256(void **state)
{
	pf_onem2m_input in = example(PF_MD_SHA256);
	pf_onem2m_keys k;
	char cid[128];
	(void)state;

	assert_int_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_OK);
	assert_int_equal(k.len, 32);
	assert_hex_equal(k.master, 32, "e923d7ce41cdafb9ff36e7d38e640888600785351ef83c5adb8ea0c403881a5d");
	assert_hex_equal(k.auth, 32, "267ad7b104a6c5d03e31524edfd55eea1746cd3dd6105fdf4b035fcf7b26acf2");
	assert_hex_equal(k.conf, 32, "cc200199b7d9a5832792b77feeca70f3728afbe6f5a7ab4a0e19d468d9e01b61");
	assert_hex_equal(k.container_auth, 32,
	                 "b98648fe7730e4717571b0fa9d41e60d7b8563f34c2bdfb1d96dbdd3cbe34002");
	assert_hex_equal(k.container_conf, 32,
	                 "68243f816a5e65634a018cad368abcbddeddd1e63dadea972937203b46547db7");
	pf_onem2m_keys_wipe(&k);

	assert_int_equal(pf_onem2m_credential_id(PF_MD_SHA256, key_id, "TEF.com", cid, sizeof(cid)),
	                 PF_CRYPTO_OK);
	assert_string_equal(cid, "0e3ad5d24202ddfce48831d31217ecb96c08bafefd736a874b7b69dff0baa40e@TEF.com");
}

static void test_chain_sha512(void **state)
{
	pf_onem2m_input in = example(PF_MD_SHA512);
	pf_onem2m_keys k;
	(void)state;

	assert_int_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_OK);
	assert_int_equal(k.len, 64);
	assert_hex_equal(k.master, 64, "fdc1028541736208cea4c28d6ab540ea51876a964286850e1f414782387b3aab"
	                               "8e8386e9507fd129bab00ae62145249ff8cc5ce3be9060ad271624c3bda0f4e1");
	assert_hex_equal(k.auth, 64, "4b9944ae16bc0807afc1bc4f7f11d26f738e05e45101c2255f76a1872cd6d676"
	                             "2daf193ca2780aaab2d649d0466c317cb411e766ce13529f5dec651ab0db4818");
	assert_hex_equal(k.conf, 64, "d5a2a6e1e6587ea19eebdd6d9c15f56aeb8577f7199f6f626a4fc7df3ac665bd"
	                             "218b89ac66edcaa0ce928d8f5fe3c297e0f1d6b873d4d4d447cf1f34ca0a247a");
	assert_hex_equal(k.container_auth, 64,
	                 "92784d15a8bbcc0656aaef4ef01d0cd4930731218646428d498954f1078f5a4d"
	                 "fb5d721bb2dd433da2eb4ef638d24be89b1b840b72f57c29bc2948b47dcb7dd2");
	assert_hex_equal(k.container_conf, 64,
	                 "f8ed3e6f0c96c92bd55b950a4449ef4259de7ed0fe00ddfb9d03a9a82f3446d7"
	                 "e9e1bed404f6abdfbdaaa1d8718a2bd4b37ee3a5bd78ccca563abf1a379587bd");
	pf_onem2m_keys_wipe(&k);
}

/* The steps one by one give the same keys as the chain (the later token
 * mechanisms call them one at a time, with keys held in the token). */
static void test_steps_match_chain(void **state)
{
	pf_onem2m_input in = example(PF_MD_SHA256);
	pf_onem2m_keys k;
	uint8_t m[32], a[32], c[32], ca[32], cc[32];
	(void)state;

	assert_int_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_master(PF_MD_SHA256, ke, sizeof(ke), salt, sizeof(salt), m), PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_auth(PF_MD_SHA256, m, a), PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_conf(PF_MD_SHA256, m, a, c), PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_container_key(PF_MD_SHA256, PF_ONEM2M_AUTH, a, container, 11, nonce, 8, ca),
	                 PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_container_key(PF_MD_SHA256, PF_ONEM2M_CONF, c, container, 11, nonce, 8, cc),
	                 PF_CRYPTO_OK);
	assert_memory_equal(m, k.master, 32);
	assert_memory_equal(a, k.auth, 32);
	assert_memory_equal(c, k.conf, 32);
	assert_memory_equal(ca, k.container_auth, 32);
	assert_memory_equal(cc, k.container_conf, 32);
	pf_onem2m_keys_wipe(&k);
}

static void test_bad_input(void **state)
{
	static const pf_onem2m_keys zero;
	pf_onem2m_input in = example(PF_MD_SHA256);
	pf_onem2m_keys k;
	uint8_t key[32] = { 0 }, out[32];
	char cid[76];
	(void)state;

	/* digests the chain does not use: refused, and nothing is left behind */
	for (int md = PF_MD_SHA1; md <= PF_MD_COUNT; md++) {
		if (md == PF_MD_SHA256 || md == PF_MD_SHA384 || md == PF_MD_SHA512)
			continue;
		in = example(md);
		memset(&k, 0xa5, sizeof(k));
		assert_int_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_BAD_PARAM);
		assert_memory_equal(&k, &zero, sizeof(k));
	}
	/* an empty container or nonce, an unknown purpose */
	in = example(PF_MD_SHA256);
	in.container_len = 0;
	memset(&k, 0xa5, sizeof(k));
	assert_int_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_BAD_PARAM);
	assert_memory_equal(&k, &zero, sizeof(k));
	assert_int_equal(pf_onem2m_container_key(PF_MD_SHA256, PF_ONEM2M_AUTH, key, container, 11, NULL, 0, out),
	                 PF_CRYPTO_BAD_PARAM);
	assert_int_equal(pf_onem2m_container_key(PF_MD_SHA256, 2, key, container, 11, nonce, 8, out),
	                 PF_CRYPTO_BAD_PARAM);
	/* no Ke, no T(1) to chain, no parent key */
	in = example(PF_MD_SHA256);
	in.ke = NULL;
	assert_int_not_equal(pf_onem2m_derive(&in, &k), PF_CRYPTO_OK);
	assert_int_equal(pf_onem2m_conf(PF_MD_SHA256, key, NULL, out), PF_CRYPTO_ERR);
	assert_int_equal(pf_onem2m_container_key(PF_MD_SHA256, PF_ONEM2M_AUTH, NULL, container, 11, nonce, 8,
	                                         out), PF_CRYPTO_ERR);
	/* Credential-Id: 64 hex + "@TEF.com" + NUL = 73 bytes */
	assert_int_equal(pf_onem2m_credential_id(PF_MD_SHA256, key_id, "TEF.com", cid, 72), PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_onem2m_credential_id(PF_MD_SHA256, key_id, "TEF.com", cid, 73), PF_CRYPTO_OK);
	assert_int_equal(strlen(cid), 72);
	assert_int_equal(pf_onem2m_credential_id(PF_MD_SHA256, NULL, "TEF.com", cid, sizeof(cid)), PF_CRYPTO_ERR);
	assert_int_equal(pf_onem2m_derive(NULL, &k), PF_CRYPTO_ERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_sha256),
		cmocka_unit_test(test_chain_sha512),
		cmocka_unit_test(test_steps_match_chain),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
