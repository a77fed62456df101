/*
 * test_crypto_cipher.c - the streaming AES wrapper: NIST SP 800-38A AES-128
 * ECB/CBC, CBC with PKCS#7, the McGrew-Viega GCM test cases 2-6 (AES-128;
 * case 5 has a 64-bit IV, case 6 a 480-bit IV), GCM decrypt with the tag
 * arriving split across updates, tampering, truncated tags, lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"

static const char k38a[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char p38a[] =
	"6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";
static const char ecb38a[] =
	"3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
	"43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4";
static const char cbc38a[] =
	"7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	"73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7";

static const char kgcm[] = "feffe9928665731c6d6a8f9467308308";
static const char pgcm[] =
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
static const char agcm[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

/* Run one message through c in pieces of `step` bytes (0 = one piece). */
static int run(pf_cipher *c, const uint8_t *in, size_t len, size_t step, uint8_t *out, size_t *out_len)
{
	size_t w = 0, n;
	int rc;

	if (step == 0)
		step = len ? len : 1;
	for (size_t off = 0; off < len; off += n) {
		size_t piece = len - off < step ? len - off : step;
		size_t bound = pf_cipher_update_bound(c, piece);
		rc = pf_cipher_update(c, in + off, piece, out + w, &n);
		if (rc != PF_CRYPTO_OK)
			return rc;
		assert_true(n <= bound);
		w += n;
		n = piece;
	}
	size_t fb = pf_cipher_final_bound(c);
	rc = pf_cipher_final(c, out + w, &n);
	if (rc != PF_CRYPTO_OK)
		return rc;
	assert_true(n <= fb);
	*out_len = w + n;
	return PF_CRYPTO_OK;
}

static void test_ecb_sp800_38a(void **state)
{
	uint8_t key[16], p[64], out[96];
	size_t n;
	pf_cipher *c = pf_cipher_new();
	(void)state;

	unhex(k38a, key, 16);
	unhex(p38a, p, 64);
	for (size_t step = 0; step <= 17; step += 1) {
		assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 1, key, 16, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(pf_cipher_total_bound(c, 64), 64);
		assert_int_equal(run(c, p, 64, step, out, &n), PF_CRYPTO_OK);
		assert_int_equal(n, 64);
		assert_hex_equal(out, 64, ecb38a);
	}
	uint8_t ct[64];
	unhex(ecb38a, ct, 64);
	assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 0, key, 16, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 64, 5, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 64);
	assert_memory_equal(out, p, 64);
	/* a partial block is a length error at final, in both directions */
	assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 1, key, 16, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, p, 17, 0, out, &n), PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 0, key, 16, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 31, 0, out, &n), PF_CRYPTO_BAD_LENGTH);
	/* ECB takes no IV */
	assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 1, key, 16, key, 16, NULL, 0, 0), PF_CRYPTO_ERR);
	pf_cipher_free(c);
}

static void test_cbc_sp800_38a(void **state)
{
	uint8_t key[16], iv[16], p[64], ct[64], out[96];
	size_t n;
	pf_cipher *c = pf_cipher_new();
	(void)state;

	unhex(k38a, key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex(p38a, p, 64);
	unhex(cbc38a, ct, 64);
	for (size_t step = 0; step <= 20; step += 3) {
		assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 1, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(run(c, p, 64, step, out, &n), PF_CRYPTO_OK);
		assert_int_equal(n, 64);
		assert_hex_equal(out, 64, cbc38a);
		assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 0, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(run(c, ct, 64, step, out, &n), PF_CRYPTO_OK);
		assert_int_equal(n, 64);
		assert_memory_equal(out, p, 64);
	}
	/* IV must be one block */
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 1, key, 16, iv, 12, NULL, 0, 0), PF_CRYPTO_ERR);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 1, key, 16, NULL, 16, NULL, 0, 0), PF_CRYPTO_ERR);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 1, key, 15, iv, 16, NULL, 0, 0), PF_CRYPTO_ERR);
	pf_cipher_free(c);
}

/* CBC-PAD: the SP 800-38A blocks followed by one block of padding (value 16);
 * the last block was computed with `openssl enc -aes-128-cbc` (independent path). */
static void test_cbc_pad(void **state)
{
	uint8_t key[16], iv[16], p[64], out[96], ct[96];
	size_t n, ctn;
	pf_cipher *c = pf_cipher_new();
	(void)state;

	unhex(k38a, key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex(p38a, p, 64);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 1, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(pf_cipher_total_bound(c, 64), 80);
	assert_int_equal(run(c, p, 64, 7, ct, &ctn), PF_CRYPTO_OK);
	assert_int_equal(ctn, 80);
	assert_string_equal(tohex(ct, 64), cbc38a);
	assert_hex_equal(ct + 64, 16, "8cb82807230e1321d3fae00d18cc2012");

	for (size_t step = 0; step <= 33; step += 11) {
		assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 0, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
		assert_true(pf_cipher_total_bound(c, 80) >= 64);
		assert_int_equal(run(c, ct, 80, step, out, &n), PF_CRYPTO_OK);
		assert_int_equal(n, 64);
		assert_memory_equal(out, p, 64);
	}
	/* 5 bytes pad to one block; empty input pads to one block */
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 1, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, p, 5, 0, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 16);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 1, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, p, 0, 0, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 16);
	/* bad padding: decrypting plain CBC ciphertext (last block's padding is garbage) */
	uint8_t bad[64];
	unhex(cbc38a, bad, 64);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 0, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, bad, 64, 0, out, &n), PF_CRYPTO_AUTH_FAILED);
	/* not a multiple of the block, and empty, are length errors */
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 0, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 79, 0, out, &n), PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_cipher_init(c, PF_AES_CBC_PAD, 0, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 0, 0, out, &n), PF_CRYPTO_BAD_LENGTH);
	pf_cipher_free(c);
}

typedef struct gcm_case {
	const char *name, *key, *iv, *aad, *pt;
	size_t pt_len;
	const char *ct, *tag;
} gcm_case;

static const gcm_case gcm_cases[] = {
	{ "2", "00000000000000000000000000000000", "000000000000000000000000", "",
	  "00000000000000000000000000000000", 16,
	  "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "3", kgcm, "cafebabefacedbaddecaf888", "", pgcm, 64,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "4", kgcm, "cafebabefacedbaddecaf888", agcm, pgcm, 60,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "5", kgcm, "cafebabefacedbad", agcm, pgcm, 60,
	  "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423"
	  "73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
	  "3612d2e79e3b0785561be14aaca2fccb" },
	{ "6", kgcm,
	  "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
	  "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
	  agcm, pgcm, 60,
	  "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7"
	  "01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
	  "619cc5aefffe0bfa462af43c1699d050" },
};

static void test_gcm_vectors(void **state)
{
	pf_cipher *c = pf_cipher_new();
	(void)state;

	assert_non_null(c);
	for (size_t i = 0; i < sizeof(gcm_cases) / sizeof(gcm_cases[0]); i++) {
		const gcm_case *g = &gcm_cases[i];
		uint8_t key[16], iv[64], aad[32], pt[64], ct[96], out[96];
		size_t ivn = unhex(g->iv, iv, sizeof(iv)), an = unhex(g->aad, aad, sizeof(aad));
		size_t n, ctn;
		char expect[512];

		unhex(g->key, key, 16);
		unhex(g->pt, pt, sizeof(pt));
		snprintf(expect, sizeof(expect), "%s%s", g->ct, g->tag);
		for (size_t step = 0; step <= 21; step += 7) {
			assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, ivn, aad, an, 16),
			                 PF_CRYPTO_OK);
			assert_int_equal(pf_cipher_total_bound(c, g->pt_len), g->pt_len + 16);
			assert_int_equal(run(c, pt, g->pt_len, step, ct, &ctn), PF_CRYPTO_OK);
			assert_int_equal(ctn, g->pt_len + 16);
			assert_hex_equal(ct, ctn, expect);

			/* decrypt the ciphertext||tag stream; pieces split the tag at every offset */
			for (size_t dstep = 1; dstep <= 19; dstep += 6) {
				assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 0, key, 16, iv, ivn, aad, an, 16),
				                 PF_CRYPTO_OK);
				assert_int_equal(pf_cipher_total_bound(c, ctn), g->pt_len);
				assert_int_equal(run(c, ct, ctn, dstep, out, &n), PF_CRYPTO_OK);
				assert_int_equal(n, g->pt_len);
				assert_memory_equal(out, pt, g->pt_len);
			}
		}
	}
	pf_cipher_free(c);
}

static void test_gcm_tamper_and_lengths(void **state)
{
	const gcm_case *g = &gcm_cases[2];
	uint8_t key[16], iv[12], aad[20], pt[64], ct[96], out[96];
	size_t n, ctn;
	pf_cipher *c = pf_cipher_new();
	(void)state;

	unhex(g->key, key, 16);
	unhex(g->iv, iv, 12);
	unhex(g->aad, aad, 20);
	unhex(g->pt, pt, 64);
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 12, aad, 20, 16), PF_CRYPTO_OK);
	assert_int_equal(run(c, pt, 60, 0, ct, &ctn), PF_CRYPTO_OK);

	/* flip one bit anywhere (ciphertext or tag): authentication fails */
	for (size_t pos = 0; pos < ctn; pos += 13) {
		ct[pos] ^= 0x01;
		assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 0, key, 16, iv, 12, aad, 20, 16), PF_CRYPTO_OK);
		assert_int_equal(run(c, ct, ctn, 0, out, &n), PF_CRYPTO_AUTH_FAILED);
		ct[pos] ^= 0x01;
	}
	/* different AAD fails */
	aad[0] ^= 0x80;
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 0, key, 16, iv, 12, aad, 20, 16), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, ctn, 0, out, &n), PF_CRYPTO_AUTH_FAILED);
	aad[0] ^= 0x80;
	/* shorter than the tag: length error */
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 0, key, 16, iv, 12, aad, 20, 16), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 15, 0, out, &n), PF_CRYPTO_BAD_LENGTH);

	/* truncated 12-byte tag: prefix of the full tag, and it verifies */
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 12, aad, 20, 12), PF_CRYPTO_OK);
	assert_int_equal(run(c, pt, 60, 0, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 72);
	assert_memory_equal(out, ct, 72);
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 0, key, 16, iv, 12, aad, 20, 12), PF_CRYPTO_OK);
	assert_int_equal(run(c, ct, 72, 5, out, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 60);
	assert_memory_equal(out, pt, 60);

	/* bad parameters */
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 0, NULL, 0, 16), PF_CRYPTO_ERR);
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 12, NULL, 0, 17), PF_CRYPTO_ERR);
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 12, NULL, 0, 0), PF_CRYPTO_ERR);
	assert_int_equal(pf_cipher_init(c, PF_AES_GCM, 1, key, 16, iv, 12, NULL, 5, 16), PF_CRYPTO_ERR);
	/* update after a failed init is refused */
	assert_int_equal(pf_cipher_update(c, pt, 16, out, &n), PF_CRYPTO_ERR);
	pf_cipher_free(c);
}

/* Switching modes and key sizes on one context gives correct answers each time. */
static void test_mode_switching(void **state)
{
	uint8_t key[32], iv[16], p[64], out[96];
	size_t n;
	pf_cipher *c = pf_cipher_new();
	(void)state;

	unhex(k38a, key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex(p38a, p, 64);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(pf_cipher_init(c, PF_AES_CBC, 1, key, 16, iv, 16, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(run(c, p, 64, 0, out, &n), PF_CRYPTO_OK);
		assert_hex_equal(out, 64, cbc38a);
		assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 1, key, 16, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(run(c, p, 64, 0, out, &n), PF_CRYPTO_OK);
		assert_hex_equal(out, 64, ecb38a);
		/* SP 800-38A F.1.5 ECB-AES256.Encrypt, first block */
		uint8_t k256[32];
		unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", k256, 32);
		assert_int_equal(pf_cipher_init(c, PF_AES_ECB, 1, k256, 32, NULL, 0, NULL, 0, 0), PF_CRYPTO_OK);
		assert_int_equal(run(c, p, 16, 0, out, &n), PF_CRYPTO_OK);
		assert_hex_equal(out, 16, "f3eed1bdb5d2a03c064b5a7e3db181f8");
		pf_cipher_forget_key(c);
		assert_int_equal(pf_cipher_update(c, p, 16, out, &n), PF_CRYPTO_ERR);
	}
	pf_cipher_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecb_sp800_38a),
		cmocka_unit_test(test_cbc_sp800_38a),
		cmocka_unit_test(test_cbc_pad),
		cmocka_unit_test(test_gcm_vectors),
		cmocka_unit_test(test_gcm_tamper_and_lengths),
		cmocka_unit_test(test_mode_switching),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
