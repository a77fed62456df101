/* test_mech_op_rules.c - the operation rules (review regression tests),
 * through the function list: single-part vs multi-part equivalence on
 * SP 800-38A / SP 800-38D vectors, length queries that keep the operation,
 * output never written past *pulLen, failed decryptions that leave no
 * plaintext, one error code for every padding failure, termination rules. */
#include "config.h"
#include "core_test_util.h"

#include <openssl/evp.h>

/* SP 800-38A F.2.1 CBC-AES128. */
static const uint8_t K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                              0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t IV[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                               0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t P32[32] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e,
                                0x11, 0x73, 0x93, 0x17, 0x2a, 0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03,
                                0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51};
static const uint8_t C32[32] = {0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e,
                                0x9b, 0x12, 0xe9, 0x19, 0x7d, 0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72,
                                0x19, 0xee, 0x95, 0xdb, 0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2};
/* SP 800-38D test case 2: K = 0^128, IV = 0^96, P = 0^128. */
static const uint8_t GCM_C[16] = {0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92,
                                  0xf3, 0x28, 0xc2, 0xb9, 0x71, 0xb2, 0xfe, 0x78};
static const uint8_t GCM_T[16] = {0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec, 0x13, 0xbd,
                                  0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf};

static CK_OBJECT_HANDLE key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG service)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ULONG idx = 1;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},  {CKA_VALUE, (void *)val, 16},
		{CKA_ENCRYPT, &tr, 1},         {CKA_DECRYPT, &tr, 1},            {CKA_SIGN, &tr, 1},
		{CKA_VERIFY, &tr, 1},          {CKA_PORTFOLIO_SERVICE, &service, sizeof service},
		{CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, service == (CK_ULONG)-1 ? 7 : 9, &h), CKR_OK);
	return h;
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void test_cbc_single_multi_and_queries(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, K, (CK_ULONG)-1);
	CK_MECHANISM m = {CKM_AES_CBC, (void *)IV, 16};
	uint8_t out[64];
	CK_ULONG n = 0;

	/* single part: a length query, then a too-small buffer (untouched), then the real call */
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	memset(out, 0xEE, sizeof out);
	n = 31;
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, out, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 32);
	assert_true(all_bytes(out, sizeof out, 0xEE));
	n = 32;
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, out, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_memory_equal(out, C32, 32);
	assert_true(all_bytes(out + 32, sizeof out - 32, 0xEE)); /* nothing past *pulLen */
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, out, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* multi part in odd pieces gives the same bytes */
	CK_ULONG w = 0, part;
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_OK);
	part = 0;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32, 7, NULL, &part), CKR_OK);
	assert_int_equal(part, 0);
	part = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32, 7, out, &part), CKR_OK);
	w += part;
	part = 0;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32 + 7, 20, NULL, &part), CKR_OK);
	assert_int_equal(part, 16);
	part = 15;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32 + 7, 20, out + w, &part), CKR_BUFFER_TOO_SMALL);
	part = sizeof out - w;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32 + 7, 20, out + w, &part), CKR_OK);
	w += part;
	part = sizeof out - w;
	assert_int_equal(f->C_EncryptUpdate(s, (CK_BYTE_PTR)P32 + 27, 5, out + w, &part), CKR_OK);
	w += part;
	part = sizeof out - w;
	assert_int_equal(f->C_EncryptFinal(s, out + w, &part), CKR_OK);
	w += part;
	assert_int_equal(w, 32);
	assert_memory_equal(out, C32, 32);

	/* a partial block is a length error and ends the operation */
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 31, out, &n), CKR_DATA_LEN_RANGE);
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, out, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* decrypt back, single part */
	assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, (CK_BYTE_PTR)C32, 32, out, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_memory_equal(out, P32, 32);
}

/* CBC-PAD: every padding failure is the same code, and leaves no plaintext. */
static void test_cbc_pad_failures_one_code(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, K, (CK_ULONG)-1);
	CK_MECHANISM pad = {CKM_AES_CBC_PAD, (void *)IV, 16};
	/* Last plaintext blocks with bad PKCS#7 padding: 00, 11, inconsistent. */
	uint8_t last[3][16];
	memset(last[0], 0x41, 16);
	last[0][15] = 0x00;
	memset(last[1], 0x41, 16);
	last[1][15] = 0x11;
	memset(last[2], 0x41, 16);
	last[2][15] = 0x03;
	last[2][14] = 0x03;
	last[2][13] = 0x02;
	for (int i = 0; i < 3; i++) {
		uint8_t pt[32], ct[32];
		memcpy(pt, P32, 16);
		memcpy(pt + 16, last[i], 16);
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int l1 = 0, l2 = 0;
		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, K, IV), 1);
		EVP_CIPHER_CTX_set_padding(c, 0);
		assert_int_equal(EVP_EncryptUpdate(c, ct, &l1, pt, 32), 1);
		assert_int_equal(EVP_EncryptFinal_ex(c, ct + l1, &l2), 1);
		EVP_CIPHER_CTX_free(c);
		uint8_t out[48];
		CK_ULONG n = sizeof out;
		assert_int_equal(f->C_DecryptInit(s, &pad, k), CKR_OK);
		assert_int_equal(f->C_Decrypt(s, ct, 32, out, &n), CKR_ENCRYPTED_DATA_INVALID);
		for (size_t j = 0; j + 16 <= sizeof out; j++)
			assert_memory_not_equal(out + j, P32, 16); /* the good first block is not left behind */
		/* multi-part: the same code at final */
		CK_ULONG w = sizeof out;
		assert_int_equal(f->C_DecryptInit(s, &pad, k), CKR_OK);
		assert_int_equal(f->C_DecryptUpdate(s, ct, 32, out, &w), CKR_OK);
		CK_ULONG fin = sizeof out - w;
		assert_int_equal(f->C_DecryptFinal(s, out + w, &fin), CKR_ENCRYPTED_DATA_INVALID);
		assert_int_equal(f->C_DecryptFinal(s, out + w, &fin), CKR_OPERATION_NOT_INITIALIZED);
	}
	/* a ciphertext that is not whole blocks is a length error, not a padding one */
	uint8_t out[48];
	CK_ULONG n = sizeof out;
	assert_int_equal(f->C_DecryptInit(s, &pad, k), CKR_OK);
	assert_int_equal(f->C_Decrypt(s, (CK_BYTE_PTR)C32, 31, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
}

/* GCM: single part on the SP 800-38D vector; a wrong tag leaves no plaintext. */
static void test_gcm_tag_and_no_plaintext_on_failure(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	static const uint8_t zero[16] = {0};
	uint8_t iv[12] = {0};
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, zero, (CK_ULONG)-1);
	CK_GCM_PARAMS gp = {iv, sizeof iv, 96, NULL, 0, 128};
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof gp};
	uint8_t out[48], ct[32];
	CK_ULONG n = 0;
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)zero, 16, NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	n = sizeof ct;
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)zero, 16, ct, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_memory_equal(ct, GCM_C, 16);
	assert_memory_equal(ct + 16, GCM_T, 16);

	/* good tag */
	assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
	n = 0;
	assert_int_equal(f->C_Decrypt(s, ct, 32, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	memset(out, 0xEE, sizeof out);
	assert_int_equal(f->C_Decrypt(s, ct, 32, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_memory_equal(out, zero, 16);
	assert_true(all_bytes(out + 16, sizeof out - 16, 0xEE));

	/* bad tag: no plaintext (all zero here) may be left where it was written */
	ct[31] ^= 1;
	assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
	memset(out, 0xEE, sizeof out);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, ct, 32, out, &n), CKR_ENCRYPTED_DATA_INVALID);
	/* (P = 0^128 cannot tell a wipe from plaintext: test_gcm_failed_decrypt_wipes checks that) */
	assert_int_equal(f->C_Decrypt(s, ct, 32, out, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* ciphertext shorter than the tag */
	assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, ct, 15, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);

	/* bad parameters */
	CK_GCM_PARAMS bad = gp;
	bad.ulTagBits = 136;
	CK_MECHANISM mb = {CKM_AES_GCM, &bad, sizeof bad};
	assert_int_equal(f->C_EncryptInit(s, &mb, k), CKR_MECHANISM_PARAM_INVALID);
	bad = gp;
	bad.pIv = NULL;
	assert_int_equal(f->C_EncryptInit(s, &mb, k), CKR_MECHANISM_PARAM_INVALID);
	CK_MECHANISM short_param = {CKM_AES_GCM, &gp, sizeof gp - 1};
	assert_int_equal(f->C_EncryptInit(s, &short_param, k), CKR_MECHANISM_PARAM_INVALID);
}

/* A failed single-part GCM decryption of a non-zero plaintext leaves none of it. */
static void test_gcm_failed_decrypt_wipes(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	uint8_t iv[12] = {1, 2, 3};
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, K, (CK_ULONG)-1);
	CK_GCM_PARAMS gp = {iv, sizeof iv, 96, NULL, 0, 96};
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof gp};
	uint8_t ct[64], out[64];
	CK_ULONG n = sizeof ct;
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Encrypt(s, (CK_BYTE_PTR)P32, 32, ct, &n), CKR_OK);
	assert_int_equal(n, 32 + 12);
	ct[40] ^= 0x80;
	assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
	memset(out, 0xEE, sizeof out);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, ct, 44, out, &n), CKR_ENCRYPTED_DATA_INVALID);
	for (size_t j = 0; j + 16 <= sizeof out; j++) {
		assert_memory_not_equal(out + j, P32, 16);
		assert_memory_not_equal(out + j, P32 + 16, 16);
	}
}

/* MAC verify: wrong length and wrong value both end the operation. */
static void test_verify_rules(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, K, (CK_ULONG)-1);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t tag[16];
	CK_ULONG n = sizeof tag;
	assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
	n = 8;
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)P32, 16, tag, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 16);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR)P32, 16, tag, &n), CKR_OK);
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)P32, 16, tag, 15), CKR_SIGNATURE_LEN_RANGE);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)P32, 16, tag, 16), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_VerifyUpdate(s, (CK_BYTE_PTR)P32, 10), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)P32, 16, tag, 16), CKR_OPERATION_ACTIVE);
	/* ... and that error ended the operation (PKCS#11 3.0 section 5) */
	assert_int_equal(f->C_VerifyUpdate(s, (CK_BYTE_PTR)P32, 10), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_VerifyUpdate(s, (CK_BYTE_PTR)P32, 10), CKR_OK);
	assert_int_equal(f->C_VerifyUpdate(s, (CK_BYTE_PTR)P32 + 10, 6), CKR_OK);
	assert_int_equal(f->C_VerifyFinal(s, tag, 16), CKR_OK);
	tag[15] ^= 1;
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)P32, 16, tag, 16), CKR_SIGNATURE_INVALID);
	assert_int_equal(f->C_VerifyFinal(s, tag, 16), CKR_OPERATION_NOT_INITIALIZED);
	/* verify with a NULL signature and length 0: a length error, not a crash */
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	CK_RV rv = f->C_Verify(s, (CK_BYTE_PTR)P32, 16, NULL, 0);
	assert_true(rv == CKR_SIGNATURE_LEN_RANGE || rv == CKR_ARGUMENTS_BAD);
}

/*
 * CKM_PORTFOLIO_ENC_CBC decryption: bad padding (several kinds) and a wrong
 * challenge all answer CKR_ENCRYPTED_DATA_INVALID and leave no plaintext.
 */
static void test_portfolio_cbc_one_code(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = key(s, K, CK_PORTFOLIO_SRV_ENCRYPT);
	uint8_t challenge[4] = {0x02, 0x34, 0x51, 0x78};
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_DATA, 0, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_ENC_CBC, &pp, sizeof pp};
	/* plaintext = 16 data bytes || challenge (4) || padding, crafted by hand */
	uint8_t body[4][32];
	for (int i = 0; i < 4; i++) {
		memcpy(body[i], P32, 16);
		memcpy(body[i] + 16, challenge, 4);
		memset(body[i] + 20, 12, 12); /* good padding */
	}
	body[0][31] = 0;                  /* pad 0 */
	body[1][31] = 17;                 /* pad > 16 */
	body[2][25] = 11;                 /* inconsistent */
	body[3][16] ^= 1;                 /* good padding, wrong challenge */
	for (int i = 0; i < 4; i++) {
		uint8_t msg[48];
		memcpy(msg, IV, 16);
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int l1 = 0, l2 = 0;
		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, K, IV), 1);
		EVP_CIPHER_CTX_set_padding(c, 0);
		assert_int_equal(EVP_EncryptUpdate(c, msg + 16, &l1, body[i], 32), 1);
		assert_int_equal(EVP_EncryptFinal_ex(c, msg + 16 + l1, &l2), 1);
		EVP_CIPHER_CTX_free(c);
		uint8_t out[64];
		memset(out, 0xEE, sizeof out);
		CK_ULONG n = sizeof out;
		assert_int_equal(f->C_DecryptInit(s, &m, k), CKR_OK);
		assert_int_equal(f->C_Decrypt(s, msg, 48, out, &n), CKR_ENCRYPTED_DATA_INVALID);
		for (size_t j = 0; j + 16 <= sizeof out; j++)
			assert_memory_not_equal(out + j, P32, 16);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cbc_single_multi_and_queries, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cbc_pad_failures_one_code, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_gcm_tag_and_no_plaintext_on_failure, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_gcm_failed_decrypt_wipes, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_verify_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_cbc_one_code, ct_setup_enc_cbc, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
