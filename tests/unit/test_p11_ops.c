/* test_p11_ops.c - cryptographic entry points through the function list:
 * state rules (with any mech layer), and with the real mech layer the RFC 4493
 * vector, a Portfolio signature from a provisioned identity, and four threads
 * signing at once. */
#include "config.h"
#include "core_test_util.h"

#include <openssl/evp.h>
#include <pthread.h>

static const uint8_t K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                              0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t M16[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
static const uint8_t T16[16] = {0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c};

static void test_operation_state_rules(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, (CK_ULONG)-1, 0, CK_TRUE);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)M16, 16, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_SignInit(s, NULL, k), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SignInit(s, &m, 0xdeadbeef), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(f->C_SignInit(s ^ 0x1000, &m, k), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)M16, 16, out, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Sign(s, NULL, 16, out, &n), CKR_ARGUMENTS_BAD);
	if (!ct_have_mech())
		return;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OPERATION_ACTIVE);
	/* logout ends operations */
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)M16, 16, out, &n), CKR_OPERATION_NOT_INITIALIZED);
}

static void test_cmac_known_answer(void **state)
{
	if (!ct_have_mech())
		skip();
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, (CK_ULONG)-1, 0, CK_TRUE);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t out[16];
	CK_ULONG n = 0;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)M16, 16, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)M16, 16, out, &n), CKR_OK);
	assert_memory_equal(out, T16, 16);
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)M16, 16, out, 16), CKR_OK);
	out[0] ^= 1;
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)M16, 16, out, 16), CKR_SIGNATURE_INVALID);
	/* digest: FIPS 180 "abc" */
	static const uint8_t abc256[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	                                   0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	                                   0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	CK_MECHANISM dm = {CKM_SHA256, NULL, 0};
	uint8_t d[32];
	n = sizeof d;
	assert_int_equal(f->C_DigestInit(s, &dm), CKR_OK);
	assert_int_equal(f->C_DigestUpdate(s, (CK_BYTE_PTR) "ab", 2), CKR_OK);
	assert_int_equal(f->C_DigestUpdate(s, (CK_BYTE_PTR) "c", 1), CKR_OK);
	assert_int_equal(f->C_DigestFinal(s, d, &n), CKR_OK);
	assert_memory_equal(d, abc256, 32);
}

/* Handles of private objects die at logout (PKCS#11): after a new login the
 * object is found again by its attributes. */
static CK_OBJECT_HANDLE find_again(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE type, const void *val, CK_ULONG len)
{
	CK_OBJECT_HANDLE h = ct_find(s, type, val, len);
	assert_int_not_equal(h, CK_INVALID_HANDLE);
	return h;
}

static void test_identity_hash_survives_rewrite(void **state)
{
	if (!ct_have_mech())
		skip();
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_OK);
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 3;
	CK_BBOOL yes = CK_TRUE;
	const char *ident = "urn:imei:490154203237518";
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                    {CKA_VALUE, (void *)ident, strlen(ident)}, {CKA_TOKEN, &yes, 1}};
	CK_OBJECT_HANDLE hi;
	assert_int_equal(f->C_CreateObject(s, t, 4, &hi), CKR_OK);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE);
	CK_ULONG kidx = 0;
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	hi = find_again(s, CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id);
	k = find_again(s, CKA_PORTFOLIO_KEY_INDEX, &kidx, sizeof kidx);

	uint8_t chal[4] = {0x02, 0x34, 0x51, 0x78};
	CK_PORTFOLIO_PARAMS p = {CKP_PORTFOLIO_SOURCE_TOKEN, 3, chal, sizeof chal};
	CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &p, sizeof p};
	uint8_t sig1[16], sig2[16], expect[16];
	CK_ULONG n = sizeof sig1;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Sign(s, NULL, 0, sig1, &n), CKR_OK);
	/* expected: AES-CMAC_K(SHA-256(identity) || challenge), computed here with OpenSSL */
	uint8_t msg[36];
	unsigned int hl = 32;
	EVP_Digest(ident, strlen(ident), msg, &hl, EVP_sha256(), NULL);
	memcpy(msg + 32, chal, 4);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *mc = EVP_MAC_CTX_new(mac);
	OSSL_PARAM prm[] = {OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0), OSSL_PARAM_construct_end()};
	size_t ol = 0;
	assert_int_equal(EVP_MAC_init(mc, K, 16, prm), 1);
	EVP_MAC_update(mc, msg, sizeof msg);
	EVP_MAC_final(mc, expect, &ol, sizeof expect);
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(mac);
	assert_memory_equal(sig1, expect, 16);

	/* The user rewrites the identity value: the signature (over the provisioned hash) stays. */
	CK_ATTRIBUTE nv = {CKA_VALUE, "urn:imei:clone", 14};
	assert_int_equal(f->C_SetAttributeValue(s, hi, &nv, 1), CKR_OK);
	n = sizeof sig2;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Sign(s, NULL, 0, sig2, &n), CKR_OK);
	assert_memory_equal(sig1, sig2, 16);
	/* unknown identity */
	p.ulIdentityId = 77;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_MECHANISM_PARAM_INVALID);
}

typedef struct worker {
	CK_SLOT_ID slot;
	CK_OBJECT_HANDLE key;
	int failures;
} worker;

static void *sign_loop(void *arg)
{
	worker *w = arg;
	CK_SESSION_HANDLE s;
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	if (f->C_OpenSession(w->slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < 2000; i++) {
		uint8_t out[16];
		CK_ULONG n = sizeof out;
		if (f->C_SignInit(s, &m, w->key) != CKR_OK || f->C_Sign(s, (CK_BYTE_PTR)M16, 16, out, &n) != CKR_OK ||
		    n != 16 || memcmp(out, T16, 16) != 0)
			w->failures++;
	}
	f->C_CloseSession(s);
	return NULL;
}

static void test_threads_sign(void **state)
{
	if (!ct_have_mech())
		skip();
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K, 16, (CK_ULONG)-1, 0, CK_TRUE);
	pthread_t th[4];
	worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){slot, k, 0};
		assert_int_equal(pthread_create(&th[i], NULL, sign_loop, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operation_state_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cmac_known_answer, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_identity_hash_survives_rewrite, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_threads_sign, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
