/*
 * test_mech_registry.c - the mechanism list, C_GetMechanismInfo contents and
 * key-generation checks, and which family object each row points at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mech/mech_local.h"

static const CK_MECHANISM_TYPE expected[] = {
	CKM_AES_KEY_GEN, CKM_GENERIC_SECRET_KEY_GEN, CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD,
	CKM_AES_GCM, CKM_AES_CCM, CKM_AES_CMAC, CKM_AES_CMAC_GENERAL, CKM_SHA_1, CKM_SHA224, CKM_SHA256,
	CKM_SHA384, CKM_SHA512, CKM_SHA_1_HMAC, CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL,
	CKM_SHA384_HMAC, CKM_SHA512_HMAC, CKM_PORTFOLIO_AUTH_CMAC, CKM_PORTFOLIO_AUTH_HMAC,
	CKM_PORTFOLIO_ENC_GCM, CKM_PORTFOLIO_ENC_CBC,
	CKM_SP800_108_COUNTER_KDF, CKM_SP800_108_FEEDBACK_KDF, CKM_HKDF_DERIVE, CKM_PORTFOLIO_DIVERSIFY,
	CKM_PORTFOLIO_ONEM2M_CONF,
	CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_KWP, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND,
	CKM_PORTFOLIO_SCP80_WRAP, CKM_PORTFOLIO_SCP80_UNWRAP, CKM_PORTFOLIO_SCP80_POR_UNWRAP,
	CKM_PORTFOLIO_DIV_AUTH_CMAC, CKM_PORTFOLIO_DIV_AUTH_HMAC, CKM_PORTFOLIO_DIV_ENC_GCM,
};

static void test_list(void **state)
{
	size_t n = sizeof(expected) / sizeof(expected[0]);
	(void)state;

	assert_int_equal(mech_count(), n);
	for (size_t i = 0; i < n; i++) {
		int found = 0;
		for (size_t j = 0; j < mech_count(); j++)
			found += mech_type_at(j) == expected[i];
		assert_int_equal(found, 1);
	}
	assert_int_equal(mech_type_at(n), CK_UNAVAILABLE_INFORMATION);
}

static void expect_info(CK_MECHANISM_TYPE t, CK_ULONG min, CK_ULONG max, CK_FLAGS flags)
{
	CK_MECHANISM_INFO info;
	assert_int_equal(mech_get_info(t, &info), CKR_OK);
	assert_int_equal(info.ulMinKeySize, min);
	assert_int_equal(info.ulMaxKeySize, max);
	assert_int_equal(info.flags, flags);
}

#define MSG_CRYPT (CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT)
#define MSG_MAC (CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY)

static void test_info(void **state)
{
	CK_MECHANISM_INFO info;
	(void)state;

	expect_info(CKM_AES_KEY_GEN, 16, 32, CKF_GENERATE);
	expect_info(CKM_GENERIC_SECRET_KEY_GEN, 1, 512, CKF_GENERATE);
	expect_info(CKM_AES_ECB, 16, 32, CKF_ENCRYPT | CKF_DECRYPT);
	expect_info(CKM_AES_GCM, 16, 32, CKF_ENCRYPT | CKF_DECRYPT | MSG_CRYPT);
	expect_info(CKM_AES_CCM, 16, 32, CKF_ENCRYPT | CKF_DECRYPT | MSG_CRYPT);
	expect_info(CKM_AES_CMAC, 16, 32, CKF_SIGN | CKF_VERIFY | MSG_MAC);
	expect_info(CKM_SHA256, 0, 0, CKF_DIGEST);
	expect_info(CKM_SHA256_HMAC_GENERAL, 1, 512, CKF_SIGN | CKF_VERIFY | MSG_MAC);
	expect_info(CKM_PORTFOLIO_AUTH_CMAC, 16, 32, CKF_SIGN | CKF_VERIFY | MSG_MAC);
	expect_info(CKM_PORTFOLIO_AUTH_HMAC, 16, 512, CKF_SIGN | CKF_VERIFY | MSG_MAC);
	expect_info(CKM_PORTFOLIO_ENC_GCM, 16, 32, CKF_ENCRYPT | CKF_DECRYPT | MSG_CRYPT);
	expect_info(CKM_PORTFOLIO_ENC_CBC, 16, 32, CKF_ENCRYPT | CKF_DECRYPT | MSG_CRYPT);
	/* no message-based operation: the SMS binding (its parameter reports), the block modes */
	expect_info(CKM_PORTFOLIO_SCP80_WRAP, 16, 32, CKF_ENCRYPT);
	expect_info(CKM_AES_CBC, 16, 32, CKF_ENCRYPT | CKF_DECRYPT);
	assert_int_equal(mech_get_info(CKM_RSA_PKCS, &info), CKR_MECHANISM_INVALID);
	assert_int_equal(mech_get_info(CKM_AES_ECB, NULL), CKR_ARGUMENTS_BAD);
}

static void test_keygen(void **state)
{
	CK_MECHANISM aes = { CKM_AES_KEY_GEN, NULL, 0 };
	CK_MECHANISM gen = { CKM_GENERIC_SECRET_KEY_GEN, NULL, 0 };
	CK_MECHANISM ecb = { CKM_AES_ECB, NULL, 0 };
	CK_BYTE junk[4] = { 0 };
	CK_MECHANISM aes_param = { CKM_AES_KEY_GEN, junk, sizeof(junk) };
	se_item_kind kind = 0;
	(void)state;

	for (CK_ULONG len = 16; len <= 32; len += 8) {
		assert_int_equal(mech_keygen_check(&aes, CKK_AES, len, &kind), CKR_OK);
		assert_int_equal(kind, SE_ITEM_AES_KEY);
	}
	assert_int_equal(mech_keygen_check(&aes, CK_UNAVAILABLE_INFORMATION, 32, &kind), CKR_OK);
	assert_int_equal(mech_keygen_check(&aes, CKK_AES, 17, &kind), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mech_keygen_check(&aes, CKK_AES, 0, &kind), CKR_TEMPLATE_INCOMPLETE);
	assert_int_equal(mech_keygen_check(&aes, CKK_GENERIC_SECRET, 16, &kind), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(mech_keygen_check(&aes_param, CKK_AES, 16, &kind), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(mech_keygen_check(&gen, CKK_GENERIC_SECRET, 1, &kind), CKR_OK);
	assert_int_equal(kind, SE_ITEM_GENERIC_SECRET);
	assert_int_equal(mech_keygen_check(&gen, CKK_GENERIC_SECRET, 512, &kind), CKR_OK);
	assert_int_equal(mech_keygen_check(&gen, CKK_GENERIC_SECRET, 513, &kind), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mech_keygen_check(&gen, CKK_AES, 16, &kind), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(mech_keygen_check(&ecb, CKK_AES, 16, &kind), CKR_MECHANISM_INVALID);
	assert_int_equal(mech_keygen_check(NULL, CKK_AES, 16, &kind), CKR_ARGUMENTS_BAD);
}

static void expect_family(CK_MECHANISM_TYPE t, const mech_family *fam, unsigned variant)
{
	const mech_desc *d = mech_find(t);

	assert_non_null(d);
	assert_ptr_equal(d->fam, fam);
	assert_int_equal(d->variant, variant);
}

/* Rows that start a streaming operation name a backend family (or run here);
 * the others (generate, derive, wrap) have families with no op hooks. */
static void test_families(void **state)
{
	const CK_FLAGS streaming = CKF_ENCRYPT | CKF_DECRYPT | CKF_SIGN | CKF_VERIFY | CKF_DIGEST;
	(void)state;

	for (size_t i = 0; i < mech_count(); i++) {
		const mech_desc *d = mech_find(mech_type_at(i));
		assert_non_null(d);
		assert_non_null(d->fam);
		if ((d->flags & streaming) != 0) {
			assert_true(d->fam->se_fam != SE_FAM_NONE || d->fam->run != NULL);
		} else {
			assert_int_equal(d->fam->se_fam, SE_FAM_NONE);
			assert_null(d->fam->parse);
			assert_null(d->fam->report);
		}
	}
	expect_family(CKM_SP800_108_COUNTER_KDF, &mech_fam_derive, 0);
	expect_family(CKM_HKDF_DERIVE, &mech_fam_derive, 0);
	expect_family(CKM_PORTFOLIO_DIVERSIFY, &mech_fam_derive, 0);
	expect_family(CKM_PORTFOLIO_ONEM2M_CONF, &mech_fam_derive, 0);
	expect_family(CKM_AES_KEY_WRAP, &mech_fam_wrap, 0);
	expect_family(CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, &mech_fam_wrap, 0);
	/* SCP80 is a backend family whose parameter carries output fields */
	expect_family(CKM_PORTFOLIO_SCP80_WRAP, &mech_fam_scp80, SE_SCP80_WRAP);
	expect_family(CKM_PORTFOLIO_SCP80_UNWRAP, &mech_fam_scp80, SE_SCP80_UNWRAP);
	expect_family(CKM_PORTFOLIO_SCP80_POR_UNWRAP, &mech_fam_scp80, SE_SCP80_POR_UNWRAP);
	assert_int_equal(mech_fam_scp80.se_fam, SE_FAM_SCP80);
	/* the diversified rows take a master of their service, verify or decrypt only */
	expect_family(CKM_PORTFOLIO_DIV_AUTH_CMAC, &mech_fam_div_auth, SE_PF_AUTH_CMAC);
	expect_family(CKM_PORTFOLIO_DIV_AUTH_HMAC, &mech_fam_div_auth, SE_PF_AUTH_HMAC);
	expect_family(CKM_PORTFOLIO_DIV_ENC_GCM, &mech_fam_div_enc, SE_PF_ENC_GCM);
	assert_int_equal(mech_find(CKM_PORTFOLIO_DIV_AUTH_CMAC)->flags, CKF_VERIFY);
	assert_int_equal(mech_find(CKM_PORTFOLIO_DIV_ENC_GCM)->flags, CKF_DECRYPT);
	assert_true(MECH_IS_MASTER_ROW(mech_find(CKM_PORTFOLIO_DIV_ENC_GCM)));
	assert_int_equal(MECH_MASTER_SERVICE(mech_find(CKM_PORTFOLIO_DIV_ENC_GCM)), CK_PORTFOLIO_SRV_ENCRYPT);
	/* and make no key size a keyset key may have (AES-192 AUTH stays refused) */
	assert_false(mech_service_key_fits(CK_PORTFOLIO_SRV_AUTHENT, CKK_AES, 24));
	assert_non_null(mech_fam_scp80.parse);
	assert_non_null(mech_fam_scp80.report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_keygen),
		cmocka_unit_test(test_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
