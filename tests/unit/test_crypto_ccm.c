/*
 * test_crypto_ccm.c - AES-CCM through src/crypto (pf_aes_ccm): the NIST
 * SP 800-38C Appendix C examples C.1-C.3 both ways, a damaged tag or
 * ciphertext refused with nothing released, and the parameters CCM cannot
 * take refused before any computation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/ccm.h"
#include "crypto/crypto.h"
#include "test_crypto_util.h"

/* SP 800-38C Appendix C: one key for all examples. */
#define K "404142434445464748494a4b4c4d4e4f"

typedef struct ccm_vector {
	const char *name, *nonce, *aad, *plain, *cipher_tag;
	size_t tag_len;
} ccm_vector;

static const ccm_vector vectors[] = {
	{ "C.1", "10111213141516", "0001020304050607", "20212223", "7162015b4dac255d", 4 },
	{ "C.2", "1011121314151617", "000102030405060708090a0b0c0d0e0f",
	  "202122232425262728292a2b2c2d2e2f", "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd", 6 },
	{ "C.3", "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
	  "202122232425262728292a2b2c2d2e2f3031323334353637",
	  "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951", 8 },
};

typedef struct ccm_case {
	uint8_t key[16], nonce[13], aad[20], plain[24], ct[32];
	size_t nonce_len, aad_len, plain_len, ct_len;
} ccm_case;

static void load(const ccm_vector *v, ccm_case *c)
{
	unhex(K, c->key, sizeof c->key);
	c->nonce_len = unhex(v->nonce, c->nonce, sizeof c->nonce);
	c->aad_len = unhex(v->aad, c->aad, sizeof c->aad);
	c->plain_len = unhex(v->plain, c->plain, sizeof c->plain);
	c->ct_len = unhex(v->cipher_tag, c->ct, sizeof c->ct);
}

/* Each example one way: plaintext -> ciphertext || tag, or back. */
static void check_vectors(int encrypt)
{
	for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
		ccm_case c;
		uint8_t out[64];
		size_t n = 0;
		load(&vectors[i], &c);
		const uint8_t *in = encrypt ? c.plain : c.ct, *want = encrypt ? c.ct : c.plain;
		size_t in_len = encrypt ? c.plain_len : c.ct_len, want_len = encrypt ? c.ct_len : c.plain_len;
		assert_int_equal(pf_aes_ccm(encrypt, c.key, 16, c.nonce, c.nonce_len, c.aad, c.aad_len, in,
		                            in_len, vectors[i].tag_len, out, &n),
		                 PF_CRYPTO_OK);
		assert_int_equal(n, want_len);
		assert_memory_equal(out, want, want_len);
	}
}

static void test_sp800_38c_encrypt(void **state)
{
	(void)state;
	check_vectors(1);
}

static void test_sp800_38c_decrypt(void **state)
{
	(void)state;
	check_vectors(0);
}

/* Any damage (tag, ciphertext, AAD, nonce) is one refusal, and nothing is released. */
static void test_damage_refused(void **state)
{
	static const uint8_t zero[64];
	ccm_case c;
	uint8_t out[64];
	size_t n = 99;
	(void)state;

	load(&vectors[2], &c);
	for (size_t i = 0; i < c.ct_len; i++) {
		c.ct[i] ^= 0x01;
		memset(out, 0, sizeof out);
		assert_int_equal(pf_aes_ccm(0, c.key, 16, c.nonce, c.nonce_len, c.aad, c.aad_len, c.ct,
		                            c.ct_len, 8, out, &n),
		                 PF_CRYPTO_AUTH_FAILED);
		assert_int_equal(n, 0);
		assert_memory_equal(out, zero, sizeof out);
		c.ct[i] ^= 0x01;
	}
	c.aad[0] ^= 0x80;
	assert_int_equal(pf_aes_ccm(0, c.key, 16, c.nonce, c.nonce_len, c.aad, c.aad_len, c.ct, c.ct_len,
	                            8, out, &n),
	                 PF_CRYPTO_AUTH_FAILED);
	c.aad[0] ^= 0x80;
	/* the same tag read with a shorter length is another MAC: refused */
	assert_int_equal(pf_aes_ccm(0, c.key, 16, c.nonce, c.nonce_len, c.aad, c.aad_len, c.ct,
	                            c.ct_len - 2, 6, out, &n),
	                 PF_CRYPTO_AUTH_FAILED);
}

static void test_bad_parameters(void **state)
{
	ccm_case c;
	uint8_t out[64], big_out[16];
	size_t n;
	(void)state;

	load(&vectors[0], &c);
	/* nonce 6 and 14 bytes, tags 2, 5 and 18 bytes, a 20-byte key, a ciphertext
	 * shorter than its tag */
	assert_int_equal(pf_aes_ccm(1, c.key, 16, c.nonce, 6, NULL, 0, c.plain, 4, 4, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(1, c.key, 16, out, 14, NULL, 0, c.plain, 4, 4, out + 16, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(1, c.key, 16, c.nonce, 7, NULL, 0, c.plain, 4, 2, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(1, c.key, 16, c.nonce, 7, NULL, 0, c.plain, 4, 5, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(1, c.key, 16, c.nonce, 7, NULL, 0, c.plain, 4, 18, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(1, c.key, 20, c.nonce, 7, NULL, 0, c.plain, 4, 4, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_aes_ccm(0, c.key, 16, c.nonce, 7, NULL, 0, c.ct, 3, 4, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	/* a 13-byte nonce leaves 2 length bytes: 65,536 bytes do not fit */
	uint8_t *big = calloc(65536, 1);
	assert_non_null(big);
	uint8_t nonce13[13] = { 0 };
	assert_int_equal(pf_aes_ccm(1, c.key, 16, nonce13, 13, NULL, 0, big, 65536, 4, big_out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
	free(big);
	/* AAD pointer missing with a length */
	assert_int_equal(pf_aes_ccm(1, c.key, 16, c.nonce, 7, NULL, 8, c.plain, 4, 4, out, &n),
	                 PF_CRYPTO_BAD_LENGTH);
}

/* Empty plaintext and AES-256: round trip (CCM with Plen = 0 is a MAC over the AAD). */
static void test_round_trips(void **state)
{
	uint8_t key[32], nonce[12] = { 1, 2, 3 }, aad[5] = { 9 }, out[32], back[32];
	size_t n = 0, m = 0;
	(void)state;

	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)i;
	assert_int_equal(pf_aes_ccm(1, key, 32, nonce, 12, aad, 5, NULL, 0, 16, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 16);
	assert_int_equal(pf_aes_ccm(0, key, 32, nonce, 12, aad, 5, out, 16, 16, back, &m), PF_CRYPTO_OK);
	assert_int_equal(m, 0);
	/* with no plaintext the tag is all there is: still checked, with or without
	 * an output buffer (EVP would take (in, NULL) for more AAD and check nothing) */
	assert_int_equal(pf_aes_ccm(0, key, 32, nonce, 12, aad, 5, out, 16, 16, NULL, &m), PF_CRYPTO_OK);
	out[15] ^= 1;
	assert_int_equal(pf_aes_ccm(0, key, 32, nonce, 12, aad, 5, out, 16, 16, back, &m),
	                 PF_CRYPTO_AUTH_FAILED);
	assert_int_equal(pf_aes_ccm(0, key, 32, nonce, 12, aad, 5, out, 16, 16, NULL, &m),
	                 PF_CRYPTO_AUTH_FAILED);
	const uint8_t msg[] = "portfolio";
	assert_int_equal(pf_aes_ccm(1, key, 24, nonce, 12, NULL, 0, msg, 9, 10, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 19);
	assert_int_equal(pf_aes_ccm(0, key, 24, nonce, 12, NULL, 0, out, 19, 10, back, &m), PF_CRYPTO_OK);
	assert_int_equal(m, 9);
	assert_memory_equal(back, msg, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sp800_38c_encrypt),
		cmocka_unit_test(test_sp800_38c_decrypt),
		cmocka_unit_test(test_damage_refused),
		cmocka_unit_test(test_bad_parameters),
		cmocka_unit_test(test_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
