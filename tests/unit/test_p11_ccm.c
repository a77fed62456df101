/* test_p11_ccm.c - CKM_AES_CCM through the function list (the worked example
 * of docs/architecture.md, "Adding a mechanism"): the NIST SP 800-38C
 * Appendix C examples C.1-C.3 single- and multi-part, the data-length rules
 * that follow from ulDataLen, a damaged message refused with nothing
 * released, and the CK_CCM_PARAMS checks. */
#include "config.h"
#include "core_test_util.h"

#include "test_crypto_util.h"

#include "kat_ccm.h"

typedef struct kat_bytes {
	uint8_t nonce[13], aad[20], plain[24], ct[32];
	CK_CCM_PARAMS params;
	CK_MECHANISM mech;
	CK_ULONG plain_len, ct_len;
} kat_bytes;

static void load(const ccm_kat *k, kat_bytes *b)
{
	b->params.ulNonceLen = unhex(k->nonce, b->nonce, sizeof b->nonce);
	b->params.ulAADLen = unhex(k->aad, b->aad, sizeof b->aad);
	b->plain_len = unhex(k->plain, b->plain, sizeof b->plain);
	b->ct_len = unhex(k->cipher_tag, b->ct, sizeof b->ct);
	b->params.pNonce = b->nonce;
	b->params.pAAD = b->aad;
	b->params.ulMACLen = k->tag_len;
	b->params.ulDataLen = b->plain_len;
	b->mech.mechanism = CKM_AES_CCM;
	b->mech.pParameter = &b->params;
	b->mech.ulParameterLen = sizeof b->params;
}

/* The key of SP 800-38C Appendix C, a plain AES key (no keyset). */
static CK_OBJECT_HANDLE crypt_key(CK_SESSION_HANDLE s)
{
	static const uint8_t K[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
		                       0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f };
	return ct_plain_aes_key(s, K, sizeof K);
}

static void test_info(void **state)
{
	CK_MECHANISM_INFO info;
	CK_SLOT_ID slot;
	(void)state;
	ct_ready_token(&slot);
	assert_int_equal(f->C_GetMechanismInfo(slot, CKM_AES_CCM, &info), CKR_OK);
	assert_int_equal(info.flags, CKF_ENCRYPT | CKF_DECRYPT | CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT);
	assert_int_equal(info.ulMinKeySize, 16);
	assert_int_equal(info.ulMaxKeySize, 32);
}

static void test_sp800_38c_single_part(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = crypt_key(s);
	(void)state;
	for (size_t i = 0; i < sizeof ccm_kats / sizeof *ccm_kats; i++) {
		kat_bytes b;
		uint8_t out[64];
		CK_ULONG n = 0;
		load(&ccm_kats[i], &b);
		assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
		assert_int_equal(f->C_Encrypt(s, b.plain, b.plain_len, NULL, &n), CKR_OK);
		assert_int_equal(n, b.ct_len); /* the length query keeps the operation */
		assert_int_equal(f->C_Encrypt(s, b.plain, b.plain_len, out, &n), CKR_OK);
		assert_int_equal(n, b.ct_len);
		assert_memory_equal(out, b.ct, b.ct_len);

		n = sizeof out;
		assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
		assert_int_equal(f->C_Decrypt(s, b.ct, b.ct_len, out, &n), CKR_OK);
		assert_int_equal(n, b.plain_len);
		assert_memory_equal(out, b.plain, b.plain_len);
	}
}

/* PKCS#11 3.0: multi-part CCM is allowed; the length was fixed up front, the
 * updates only collect, final writes the whole answer. */
static void test_sp800_38c_multi_part(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = crypt_key(s);
	kat_bytes b;
	uint8_t out[64];
	CK_ULONG n;
	(void)state;

	load(&ccm_kats[2], &b);
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, b.plain, 10, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	n = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, b.plain + 10, 14, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	n = sizeof out;
	assert_int_equal(f->C_EncryptFinal(s, out, &n), CKR_OK);
	assert_int_equal(n, b.ct_len);
	assert_memory_equal(out, b.ct, b.ct_len);

	assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_DecryptUpdate(s, b.ct, 31, out, &n), CKR_OK);
	assert_int_equal(n, 0); /* nothing before the tag is checked */
	n = sizeof out;
	assert_int_equal(f->C_DecryptUpdate(s, b.ct + 31, 1, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	n = sizeof out;
	assert_int_equal(f->C_DecryptFinal(s, out, &n), CKR_OK);
	assert_int_equal(n, b.plain_len);
	assert_memory_equal(out, b.plain, b.plain_len);
}

static void test_length_rules(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = crypt_key(s);
	kat_bytes b;
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	(void)state;

	load(&ccm_kats[1], &b);
	/* not ulDataLen bytes: refused, and the operation ends */
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	assert_int_equal(f->C_Encrypt(s, b.plain, 15, out, &n), CKR_DATA_LEN_RANGE);
	assert_int_equal(f->C_Encrypt(s, b.plain, 16, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, b.ct, b.ct_len - 1, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	/* more than announced, across updates */
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, b.plain, 10, out, &n), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, b.plain, 7, out, &n), CKR_DATA_LEN_RANGE);
	/* fewer than announced, at final */
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_EncryptUpdate(s, b.plain, 10, out, &n), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_EncryptFinal(s, out, &n), CKR_DATA_LEN_RANGE);
	/* an empty message is a MAC over the AAD: it round-trips */
	b.params.ulDataLen = 0;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Encrypt(s, NULL, 0, out, &n), CKR_OK);
	assert_int_equal(n, 6);
	uint8_t tag[6];
	memcpy(tag, out, 6);
	assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, tag, 6, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	tag[5] ^= 1;
	assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_Decrypt(s, tag, 6, out, &n), CKR_ENCRYPTED_DATA_INVALID);
}

/* Tag, ciphertext or AAD damaged: one code, and no plaintext in the buffer. */
static void test_damage_releases_nothing(void **state)
{
	static const uint8_t zero[64];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = crypt_key(s);
	kat_bytes b;
	uint8_t out[64];
	CK_ULONG n;
	(void)state;

	load(&ccm_kats[2], &b);
	for (size_t i = 0; i < 3; i++) {
		size_t at = i == 0 ? b.ct_len - 1 : 0;
		if (i < 2)
			b.ct[at] ^= 0x40;
		else
			b.aad[0] ^= 0x40;
		memset(out, 0, sizeof out);
		n = sizeof out;
		assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_OK);
		assert_int_equal(f->C_Decrypt(s, b.ct, b.ct_len, out, &n), CKR_ENCRYPTED_DATA_INVALID);
		assert_memory_equal(out, zero, sizeof out);
		load(&ccm_kats[2], &b);
	}
}

static void test_param_checks(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = crypt_key(s);
	kat_bytes b;
	(void)state;

	load(&ccm_kats[0], &b);
	const CK_ULONG bad_nonce[] = { 0, 6, 14 }, bad_mac[] = { 0, 2, 3, 5, 17, 18 };
	for (size_t i = 0; i < sizeof bad_nonce / sizeof *bad_nonce; i++) {
		load(&ccm_kats[0], &b);
		b.params.ulNonceLen = bad_nonce[i];
		assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	}
	for (size_t i = 0; i < sizeof bad_mac / sizeof *bad_mac; i++) {
		load(&ccm_kats[0], &b);
		b.params.ulMACLen = bad_mac[i];
		assert_int_equal(f->C_DecryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	}
	load(&ccm_kats[0], &b);
	b.params.pNonce = NULL;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	load(&ccm_kats[0], &b);
	b.params.pAAD = NULL;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	load(&ccm_kats[0], &b);
	b.mech.ulParameterLen = sizeof b.params - 1;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	b.mech.pParameter = NULL;
	b.mech.ulParameterLen = 0;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	/* a 13-byte nonce leaves two length bytes: 65,536 does not fit, 65,535 does */
	load(&ccm_kats[2], &b);
	b.params.ulNonceLen = 13;
	b.params.ulDataLen = 65536;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_MECHANISM_PARAM_INVALID);
	b.params.ulDataLen = 65535;
	assert_int_equal(f->C_EncryptInit(s, &b.mech, k), CKR_OK);
	/* CCM encrypts: no signing with it */
	load(&ccm_kats[0], &b);
	assert_int_equal(f->C_SignInit(s, &b.mech, k), CKR_MECHANISM_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sp800_38c_single_part, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sp800_38c_multi_part, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_length_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_damage_releases_nothing, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_param_checks, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
