/*
 * test_p11_message_alloc.c - a message of a message-based operation allocates
 * nothing after the first (PKCS#11 3.0 C_VerifyMessage, C_SignMessage,
 * C_EncryptMessage, C_DecryptMessage), through the whole module: the entry
 * points, the core, the mech layer and the emulator.
 *
 * Counts every allocation OpenSSL makes (CRYPTO_set_mem_functions, installed
 * before OpenSSL allocates anything) and every malloc/calloc/realloc of the
 * module's own objects linked into this test (-Wl,--wrap), as
 * test_emu_ops_alloc does for the emulator alone. The server loop of issue
 * 10: one C_MessageVerifyInit with a Portfolio AUTH_CMAC key, then a
 * parameter (challenge) per answer; a wrong signature among them.
 */
#include "config.h"
#include "core_test_util.h"

#include <openssl/crypto.h>

#include "test_crypto_util.h"

#include "alloc_count.h"

#define ROUNDS 50

static const uint8_t K[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	                       0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };

/* Counting starts after round 0 (contexts are made at a session's first use). */
static void count_from(int round)
{
	if (round == 1) {
		allocs = 0;
		counting = 1;
	}
}

static void test_verify_message_does_not_allocate(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_FALSE);
	uint8_t chal[4] = { 0 }, hash[32] = { 0 }, sig[16] = { 0 };
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_HASH, 0, chal, sizeof chal };
	CK_MECHANISM auth = { CKM_PORTFOLIO_AUTH_CMAC, NULL, 0 };
	(void)state;

	assert_int_equal(C_MessageVerifyInit(s, &auth, k), CKR_OK);
	for (int i = 0; i < ROUNDS; i++) {
		count_from(i);
		chal[0] = (uint8_t)i;
		/* (nobody signed these: every answer is a wrong one, the costly path) */
		assert_int_equal(C_VerifyMessage(s, &pp, sizeof pp, hash, sizeof hash, sig, sizeof sig),
		                 CKR_SIGNATURE_INVALID);
	}
	counting = 0;
	assert_int_equal(allocs, 0);
	assert_int_equal(C_MessageVerifyFinal(s), CKR_OK);
}

static void test_sign_message_does_not_allocate(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, (CK_ULONG)-1, 0, CK_TRUE);
	uint8_t data[16] = { 0 }, sig[16];
	CK_MECHANISM cmac = { CKM_AES_CMAC, NULL, 0 };
	CK_ULONG n;
	(void)state;

	assert_int_equal(C_MessageSignInit(s, &cmac, k), CKR_OK);
	for (int i = 0; i < ROUNDS; i++) {
		count_from(i);
		n = sizeof sig;
		assert_int_equal(C_SignMessage(s, NULL, 0, data, sizeof data, sig, &n), CKR_OK);
	}
	counting = 0;
	assert_int_equal(allocs, 0);
	assert_int_equal(C_MessageSignFinal(s), CKR_OK);
}

/* GCM with a generated IV, then the decryption of each message. */
static void test_gcm_message_does_not_allocate(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = { { CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &kt, sizeof kt },
		             { CKA_VALUE, (void *)K, sizeof K }, { CKA_ENCRYPT, &tr, 1 }, { CKA_DECRYPT, &tr, 1 } };
	uint8_t iv[12] = { 0 }, tag[16], aad[8] = { 0 }, pt[64] = { 0 }, ct[64], out[64];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 32, CKG_GENERATE_COUNTER, tag, 128 };
	CK_MECHANISM gcm = { CKM_AES_GCM, NULL, 0 };
	CK_ULONG n;
	(void)state;

	assert_int_equal(f->C_CreateObject(s, t, 5, &k), CKR_OK);
	assert_int_equal(C_MessageEncryptInit(s, &gcm, k), CKR_OK);
	assert_int_equal(C_MessageDecryptInit(s, &gcm, k), CKR_OK);
	for (int i = 0; i < ROUNDS; i++) {
		count_from(i);
		n = sizeof ct;
		assert_int_equal(C_EncryptMessage(s, &p, sizeof p, aad, sizeof aad, pt, sizeof pt, ct, &n), CKR_OK);
		n = sizeof out;
		assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, sizeof aad, ct, sizeof ct, out, &n), CKR_OK);
	}
	counting = 0;
	assert_int_equal(allocs, 0);
	assert_memory_equal(out, pt, sizeof pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verify_message_does_not_allocate, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sign_message_does_not_allocate, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_gcm_message_does_not_allocate, ct_setup, ct_teardown),
	};
	if (!alloc_count_install())
		return 99; /* OpenSSL allocated already: this test cannot count */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
