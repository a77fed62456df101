/*
 * test_header_abi.c - pins include/pkcs11/pkcs11.h to the PKCS#11 3.0 ABI.
 *
 * Applications and modules built against other headers must interoperate
 * with ours, so the layout of every structure that crosses the API and the
 * position of every function-list entry are checked here against the values
 * fixed by the standard (for the LP64 Unix ABI: natural alignment, 64-bit
 * CK_ULONG). The constant checks use the numbers printed in the standard,
 * not values derived from the header itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pkcs11/pkcs11.h"
#include "pkcs11/portfolio.h"

/* Word size of the platform ABI; the layouts below are written in it. */
#define W sizeof(CK_ULONG)
#define FN sizeof(CK_C_Initialize)

/* Position of a function in a function list, counted from 0. */
#define INDEX_240(member) \
	((offsetof(CK_FUNCTION_LIST, member) - offsetof(CK_FUNCTION_LIST, C_Initialize)) / FN)
#define INDEX_30(member) \
	((offsetof(CK_FUNCTION_LIST_3_0, member) - offsetof(CK_FUNCTION_LIST_3_0, C_Initialize)) / FN)

static void test_platform_assumptions(void **state)
{
	(void)state;
	/* Linux LP64: CK_ULONG is a native word, the same width as a pointer. */
	assert_int_equal(W, sizeof(void *));
	assert_int_equal(FN, sizeof(void *));
	assert_int_equal(sizeof(CK_BYTE), 1);
	assert_int_equal(sizeof(CK_BBOOL), 1);
	assert_int_equal(sizeof(CK_VERSION), 2);
	assert_int_equal(sizeof(CK_DATE), 8);
}

static void test_function_list_2_40_order(void **state)
{
	(void)state;
	/* version (2 bytes) is padded to one pointer before the first entry */
	assert_int_equal(offsetof(CK_FUNCTION_LIST, C_Initialize), FN);
	assert_int_equal(INDEX_240(C_Initialize), 0);
	assert_int_equal(INDEX_240(C_Finalize), 1);
	assert_int_equal(INDEX_240(C_GetFunctionList), 3);
	assert_int_equal(INDEX_240(C_GetSlotList), 4);
	assert_int_equal(INDEX_240(C_InitToken), 9);
	assert_int_equal(INDEX_240(C_OpenSession), 12);
	assert_int_equal(INDEX_240(C_Login), 18);
	assert_int_equal(INDEX_240(C_CreateObject), 20);
	assert_int_equal(INDEX_240(C_FindObjectsFinal), 28);
	assert_int_equal(INDEX_240(C_EncryptInit), 29);
	assert_int_equal(INDEX_240(C_DecryptInit), 33);
	assert_int_equal(INDEX_240(C_DigestInit), 37);
	assert_int_equal(INDEX_240(C_DigestKey), 40);
	assert_int_equal(INDEX_240(C_SignInit), 42);
	assert_int_equal(INDEX_240(C_Sign), 43);
	assert_int_equal(INDEX_240(C_VerifyInit), 48);
	assert_int_equal(INDEX_240(C_VerifyFinal), 51);
	assert_int_equal(INDEX_240(C_DigestEncryptUpdate), 54);
	assert_int_equal(INDEX_240(C_DecryptVerifyUpdate), 57);
	assert_int_equal(INDEX_240(C_GenerateKey), 58);
	assert_int_equal(INDEX_240(C_DeriveKey), 62);
	assert_int_equal(INDEX_240(C_SeedRandom), 63);
	assert_int_equal(INDEX_240(C_GenerateRandom), 64);
	assert_int_equal(INDEX_240(C_GetFunctionStatus), 65);
	assert_int_equal(INDEX_240(C_CancelFunction), 66);
	assert_int_equal(INDEX_240(C_WaitForSlotEvent), 67);
	/* exactly 68 entries, nothing after C_WaitForSlotEvent */
	assert_int_equal(sizeof(CK_FUNCTION_LIST), FN * (1 + 68));
}

static void test_function_list_3_0_order(void **state)
{
	(void)state;
	/* The 3.0 table starts with the unchanged 2.40 table ... */
	assert_int_equal(INDEX_30(C_Initialize), 0);
	assert_int_equal(INDEX_30(C_Sign), 43);
	assert_int_equal(INDEX_30(C_WaitForSlotEvent), 67);
	/* ... then the 24 3.0 functions, in standard order. */
	assert_int_equal(INDEX_30(C_GetInterfaceList), 68);
	assert_int_equal(INDEX_30(C_GetInterface), 69);
	assert_int_equal(INDEX_30(C_LoginUser), 70);
	assert_int_equal(INDEX_30(C_SessionCancel), 71);
	assert_int_equal(INDEX_30(C_MessageEncryptInit), 72);
	assert_int_equal(INDEX_30(C_EncryptMessage), 73);
	assert_int_equal(INDEX_30(C_EncryptMessageBegin), 74);
	assert_int_equal(INDEX_30(C_EncryptMessageNext), 75);
	assert_int_equal(INDEX_30(C_MessageEncryptFinal), 76);
	assert_int_equal(INDEX_30(C_MessageDecryptInit), 77);
	assert_int_equal(INDEX_30(C_DecryptMessage), 78);
	assert_int_equal(INDEX_30(C_DecryptMessageBegin), 79);
	assert_int_equal(INDEX_30(C_DecryptMessageNext), 80);
	assert_int_equal(INDEX_30(C_MessageDecryptFinal), 81);
	assert_int_equal(INDEX_30(C_MessageSignInit), 82);
	assert_int_equal(INDEX_30(C_SignMessage), 83);
	assert_int_equal(INDEX_30(C_SignMessageBegin), 84);
	assert_int_equal(INDEX_30(C_SignMessageNext), 85);
	assert_int_equal(INDEX_30(C_MessageSignFinal), 86);
	assert_int_equal(INDEX_30(C_MessageVerifyInit), 87);
	assert_int_equal(INDEX_30(C_VerifyMessage), 88);
	assert_int_equal(INDEX_30(C_VerifyMessageBegin), 89);
	assert_int_equal(INDEX_30(C_VerifyMessageNext), 90);
	assert_int_equal(INDEX_30(C_MessageVerifyFinal), 91);
	assert_int_equal(sizeof(CK_FUNCTION_LIST_3_0), FN * (1 + 92));
}

static void test_info_structures(void **state)
{
	(void)state;
	/* CK_INFO: version(2) + 32 chars, then padding to a word */
	assert_int_equal(offsetof(CK_INFO, manufacturerID), 2);
	assert_int_equal(offsetof(CK_INFO, flags), 40);
	assert_int_equal(offsetof(CK_INFO, libraryDescription), 48);
	assert_int_equal(offsetof(CK_INFO, libraryVersion), 80);
	assert_int_equal(sizeof(CK_INFO), 88);

	assert_int_equal(offsetof(CK_SLOT_INFO, flags), 96);
	assert_int_equal(offsetof(CK_SLOT_INFO, hardwareVersion), 104);
	assert_int_equal(offsetof(CK_SLOT_INFO, firmwareVersion), 106);
	assert_int_equal(sizeof(CK_SLOT_INFO), 112);

	assert_int_equal(offsetof(CK_TOKEN_INFO, serialNumber), 80);
	assert_int_equal(offsetof(CK_TOKEN_INFO, flags), 96);
	assert_int_equal(offsetof(CK_TOKEN_INFO, ulMaxSessionCount), 96 + W);
	assert_int_equal(offsetof(CK_TOKEN_INFO, ulFreePrivateMemory), 96 + 10 * W);
	assert_int_equal(offsetof(CK_TOKEN_INFO, hardwareVersion), 96 + 11 * W);
	assert_int_equal(offsetof(CK_TOKEN_INFO, utcTime), 96 + 11 * W + 4);
	assert_int_equal(sizeof(CK_TOKEN_INFO), 208);

	assert_int_equal(offsetof(CK_SESSION_INFO, ulDeviceError), 3 * W);
	assert_int_equal(sizeof(CK_SESSION_INFO), 4 * W);
}

static void test_core_structures(void **state)
{
	(void)state;
	assert_int_equal(offsetof(CK_ATTRIBUTE, pValue), W);
	assert_int_equal(offsetof(CK_ATTRIBUTE, ulValueLen), 2 * W);
	assert_int_equal(sizeof(CK_ATTRIBUTE), 3 * W);

	assert_int_equal(offsetof(CK_MECHANISM, pParameter), W);
	assert_int_equal(offsetof(CK_MECHANISM, ulParameterLen), 2 * W);
	assert_int_equal(sizeof(CK_MECHANISM), 3 * W);
	assert_int_equal(sizeof(CK_MECHANISM_INFO), 3 * W);

	assert_int_equal(offsetof(CK_C_INITIALIZE_ARGS, UnlockMutex), 3 * W);
	assert_int_equal(offsetof(CK_C_INITIALIZE_ARGS, flags), 4 * W);
	assert_int_equal(offsetof(CK_C_INITIALIZE_ARGS, pReserved), 5 * W);
	assert_int_equal(sizeof(CK_C_INITIALIZE_ARGS), 6 * W);

	assert_int_equal(offsetof(CK_INTERFACE, pFunctionList), W);
	assert_int_equal(offsetof(CK_INTERFACE, flags), 2 * W);
	assert_int_equal(sizeof(CK_INTERFACE), 3 * W);
}

static void test_mechanism_parameter_structures(void **state)
{
	(void)state;
	/* 3.0 GCM layout includes ulIvBits between ulIvLen and pAAD */
	assert_int_equal(offsetof(CK_GCM_PARAMS, ulIvLen), W);
	assert_int_equal(offsetof(CK_GCM_PARAMS, ulIvBits), 2 * W);
	assert_int_equal(offsetof(CK_GCM_PARAMS, pAAD), 3 * W);
	assert_int_equal(offsetof(CK_GCM_PARAMS, ulAADLen), 4 * W);
	assert_int_equal(offsetof(CK_GCM_PARAMS, ulTagBits), 5 * W);
	assert_int_equal(sizeof(CK_GCM_PARAMS), 6 * W);

	assert_int_equal(offsetof(CK_CCM_PARAMS, pNonce), W);
	assert_int_equal(offsetof(CK_CCM_PARAMS, ulMACLen), 5 * W);
	assert_int_equal(sizeof(CK_CCM_PARAMS), 6 * W);

	assert_int_equal(offsetof(CK_AES_CTR_PARAMS, cb), W);
	assert_int_equal(sizeof(CK_AES_CTR_PARAMS), W + 16);

	assert_int_equal(offsetof(CK_AES_CBC_ENCRYPT_DATA_PARAMS, pData), 16);
	assert_int_equal(offsetof(CK_AES_CBC_ENCRYPT_DATA_PARAMS, length), 16 + W);
	assert_int_equal(sizeof(CK_AES_CBC_ENCRYPT_DATA_PARAMS), 16 + 2 * W);

	assert_int_equal(sizeof(CK_MAC_GENERAL_PARAMS), W);

	/* two CK_BBOOLs share the first word */
	assert_int_equal(offsetof(CK_HKDF_PARAMS, bExpand), 1);
	assert_int_equal(offsetof(CK_HKDF_PARAMS, prfHashMechanism), W);
	assert_int_equal(offsetof(CK_HKDF_PARAMS, hSaltKey), 5 * W);
	assert_int_equal(offsetof(CK_HKDF_PARAMS, ulInfoLen), 7 * W);
	assert_int_equal(sizeof(CK_HKDF_PARAMS), 8 * W);

	assert_int_equal(sizeof(CK_PRF_DATA_PARAM), 3 * W);
	assert_int_equal(sizeof(CK_SP800_108_COUNTER_FORMAT), 2 * W);
	assert_int_equal(sizeof(CK_SP800_108_DKM_LENGTH_FORMAT), 3 * W);
	assert_int_equal(sizeof(CK_DERIVED_KEY), 3 * W);
	assert_int_equal(offsetof(CK_SP800_108_KDF_PARAMS, pAdditionalDerivedKeys), 4 * W);
	assert_int_equal(sizeof(CK_SP800_108_KDF_PARAMS), 5 * W);
	assert_int_equal(offsetof(CK_SP800_108_FEEDBACK_KDF_PARAMS, pIV), 4 * W);
	assert_int_equal(sizeof(CK_SP800_108_FEEDBACK_KDF_PARAMS), 7 * W);

	assert_int_equal(offsetof(CK_RSA_PKCS_OAEP_PARAMS, ulSourceDataLen), 4 * W);
	assert_int_equal(sizeof(CK_RSA_PKCS_PSS_PARAMS), 3 * W);
	assert_int_equal(sizeof(CK_ECDH1_DERIVE_PARAMS), 5 * W);

	/* our vendor parameter: 3 words and a pointer, as documented */
	assert_int_equal(offsetof(CK_PORTFOLIO_PARAMS, pChallenge), 2 * W);
	assert_int_equal(offsetof(CK_PORTFOLIO_PARAMS, ulChallengeLen), 3 * W);
	assert_int_equal(sizeof(CK_PORTFOLIO_PARAMS), 4 * W);
}

static void test_return_values(void **state)
{
	(void)state;
	assert_int_equal(CKR_OK, 0x0);
	assert_int_equal(CKR_ARGUMENTS_BAD, 0x7);
	assert_int_equal(CKR_ACTION_PROHIBITED, 0x1B);
	assert_int_equal(CKR_DATA_LEN_RANGE, 0x21);
	assert_int_equal(CKR_ENCRYPTED_DATA_INVALID, 0x40);
	assert_int_equal(CKR_AEAD_DECRYPT_FAILED, 0x42);
	assert_int_equal(CKR_FUNCTION_NOT_SUPPORTED, 0x54);
	assert_int_equal(CKR_MECHANISM_PARAM_INVALID, 0x71);
	assert_int_equal(CKR_OPERATION_NOT_INITIALIZED, 0x91);
	assert_int_equal(CKR_PIN_INCORRECT, 0xA0);
	assert_int_equal(CKR_PIN_LOCKED, 0xA4);
	assert_int_equal(CKR_SESSION_HANDLE_INVALID, 0xB3);
	assert_int_equal(CKR_SIGNATURE_INVALID, 0xC0);
	assert_int_equal(CKR_TEMPLATE_INCONSISTENT, 0xD1);
	assert_int_equal(CKR_USER_NOT_LOGGED_IN, 0x101);
	assert_int_equal(CKR_BUFFER_TOO_SMALL, 0x150);
	assert_int_equal(CKR_CRYPTOKI_NOT_INITIALIZED, 0x190);
	assert_int_equal(CKR_CRYPTOKI_ALREADY_INITIALIZED, 0x191);
	assert_int_equal(CKR_EXCEEDED_MAX_ITERATIONS, 0x1B5);
	assert_int_equal(CKR_PUBLIC_KEY_INVALID, 0x1B9);
	assert_int_equal(CKR_FUNCTION_REJECTED, 0x200);
	assert_int_equal(CKR_TOKEN_RESOURCE_EXCEEDED, 0x201);
	assert_int_equal(CKR_OPERATION_CANCEL_FAILED, 0x202);
	assert_int_equal(CKR_VENDOR_DEFINED, 0x80000000UL);
}

static void test_attributes_and_classes(void **state)
{
	(void)state;
	assert_int_equal(CKA_CLASS, 0x0);
	assert_int_equal(CKA_LABEL, 0x3);
	assert_int_equal(CKA_UNIQUE_ID, 0x4);
	assert_int_equal(CKA_VALUE, 0x11);
	assert_int_equal(CKA_KEY_TYPE, 0x100);
	assert_int_equal(CKA_ID, 0x102);
	assert_int_equal(CKA_SENSITIVE, 0x103);
	assert_int_equal(CKA_SIGN, 0x108);
	assert_int_equal(CKA_VALUE_LEN, 0x161);
	assert_int_equal(CKA_EXTRACTABLE, 0x162);
	assert_int_equal(CKA_DESTROYABLE, 0x172);
	assert_int_equal(CKA_EC_POINT, 0x181);
	assert_int_equal(CKA_WRAP_TEMPLATE, 0x40000211UL);
	assert_int_equal(CKA_ALLOWED_MECHANISMS, 0x40000600UL);
	assert_int_equal(CKA_PROFILE_ID, 0x601);
	assert_int_equal(CKA_VENDOR_DEFINED, 0x80000000UL);

	assert_int_equal(CKO_SECRET_KEY, 4);
	assert_int_equal(CKO_PROFILE, 9);
	assert_int_equal(CKK_GENERIC_SECRET, 0x10);
	assert_int_equal(CKK_AES, 0x1F);
	assert_int_equal(CKK_HKDF, 0x42);
	assert_int_equal(CKP_AUTHENTICATION_TOKEN, 3);
	assert_int_equal(CKU_CONTEXT_SPECIFIC, 2);
	assert_int_equal(CKS_RW_SO_FUNCTIONS, 4);
	assert_int_equal(CK_UNAVAILABLE_INFORMATION, (CK_ULONG)-1);
	assert_int_equal(CK_INVALID_HANDLE, 0);
	assert_int_equal(CRYPTOKI_VERSION_MAJOR, 3);
	assert_int_equal(CRYPTOKI_VERSION_MINOR, 0);
}

static void test_mechanisms(void **state)
{
	(void)state;
	assert_int_equal(CKM_RSA_PKCS, 0x1);
	assert_int_equal(CKM_SHA_1, 0x220);
	assert_int_equal(CKM_SHA256, 0x250);
	assert_int_equal(CKM_SHA256_HMAC, 0x251);
	assert_int_equal(CKM_SHA256_HMAC_GENERAL, 0x252);
	assert_int_equal(CKM_SHA224, 0x255);
	assert_int_equal(CKM_SHA384_HMAC, 0x261);
	assert_int_equal(CKM_SHA512, 0x270);
	assert_int_equal(CKM_GENERIC_SECRET_KEY_GEN, 0x350);
	assert_int_equal(CKM_SP800_108_COUNTER_KDF, 0x3AC);
	assert_int_equal(CKM_EC_KEY_PAIR_GEN, 0x1040);
	assert_int_equal(CKM_ECDSA_SHA256, 0x1044);
	assert_int_equal(CKM_AES_KEY_GEN, 0x1080);
	assert_int_equal(CKM_AES_ECB, 0x1081);
	assert_int_equal(CKM_AES_CBC, 0x1082);
	assert_int_equal(CKM_AES_CBC_PAD, 0x1085);
	assert_int_equal(CKM_AES_CTR, 0x1086);
	assert_int_equal(CKM_AES_GCM, 0x1087);
	assert_int_equal(CKM_AES_CCM, 0x1088);
	assert_int_equal(CKM_AES_CMAC, 0x108A);
	assert_int_equal(CKM_AES_CMAC_GENERAL, 0x108B);
	assert_int_equal(CKM_AES_CBC_ENCRYPT_DATA, 0x1105);
	assert_int_equal(CKM_AES_KEY_WRAP, 0x2109);
	assert_int_equal(CKM_AES_KEY_WRAP_PAD, 0x210A);
	assert_int_equal(CKM_HKDF_DERIVE, 0x402A);
	assert_int_equal(CKM_HKDF_DATA, 0x402B);
	assert_int_equal(CKM_VENDOR_DEFINED, 0x80000000UL);
	/* vendor mechanisms must live in the vendor range */
	assert_true((CKM_PORTFOLIO_AUTH_CMAC & CKM_VENDOR_DEFINED) != 0);
	assert_int_equal(CKM_PORTFOLIO_AUTH_CMAC, 0xD04F0001UL);
}

static void test_flags(void **state)
{
	(void)state;
	assert_int_equal(CKF_TOKEN_PRESENT, 0x1);
	assert_int_equal(CKF_HW_SLOT, 0x4);
	assert_int_equal(CKF_RNG, 0x1);
	assert_int_equal(CKF_LOGIN_REQUIRED, 0x4);
	assert_int_equal(CKF_USER_PIN_INITIALIZED, 0x8);
	assert_int_equal(CKF_TOKEN_INITIALIZED, 0x400);
	assert_int_equal(CKF_USER_PIN_LOCKED, 0x40000);
	assert_int_equal(CKF_SO_PIN_LOCKED, 0x400000);
	assert_int_equal(CKF_RW_SESSION, 0x2);
	assert_int_equal(CKF_SERIAL_SESSION, 0x4);
	assert_int_equal(CKF_OS_LOCKING_OK, 0x2);
	assert_int_equal(CKF_LIBRARY_CANT_CREATE_OS_THREADS, 0x1);
	assert_int_equal(CKF_ENCRYPT, 0x100);
	assert_int_equal(CKF_SIGN, 0x800);
	assert_int_equal(CKF_VERIFY, 0x2000);
	assert_int_equal(CKF_GENERATE, 0x8000);
	assert_int_equal(CKF_DERIVE, 0x80000);
	assert_int_equal(CKF_MESSAGE_ENCRYPT, 0x2);
	assert_int_equal(CKF_INTERFACE_FORK_SAFE, 0x1);
	assert_int_equal(CKF_HKDF_SALT_KEY, 0x4);
	assert_int_equal(CKG_MGF1_SHA256, 0x2);
	assert_int_equal(CKD_SHA256_KDF, 0x6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platform_assumptions),
		cmocka_unit_test(test_function_list_2_40_order),
		cmocka_unit_test(test_function_list_3_0_order),
		cmocka_unit_test(test_info_structures),
		cmocka_unit_test(test_core_structures),
		cmocka_unit_test(test_mechanism_parameter_structures),
		cmocka_unit_test(test_return_values),
		cmocka_unit_test(test_attributes_and_classes),
		cmocka_unit_test(test_mechanisms),
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests_name("header_abi", tests, NULL, NULL);
}
