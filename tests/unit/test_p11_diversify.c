/* test_p11_diversify.c - Portfolio diversification through PKCS#11 (issue 10
 * item 2): a master key (CKA_PORTFOLIO_MASTER) only derives, and only by
 * CKM_PORTFOLIO_DIVERSIFY, which gives the keyset key of device D, instance
 * I, index n. The known answer is docs/mechanisms.md's worked example,
 * computed with the openssl CLI (and python3-cryptography), never with this
 * module. Bad input of issue 10 item 6: a device id over the limit, a missing
 * or non-master key. */
#include "config.h"
#include "core_test_util.h"
#include "test_crypto_util.h"

#define DEVICE "urn:imei:490154203237518"
static const uint8_t MASTER[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
/* docs/mechanisms.md: D = DEVICE, I = 1, n = 1, AUTHENT, 16 and (n = 2, ENCRYPT) 32 bytes */
#define DEVICE_KEY_AUTH_1 "7e214f520227ef647af0ee1f8e78afd9"
#define DEVICE_KEY_ENC_2 "b6841f4298c719ba5904110cef02713f7b76b7c2fb03b4ce4655a5091f93867d"

static CK_SESSION_HANDLE S;
static CK_SLOT_ID SLOT;

static int setup(void **state)
{
	int rc = ct_setup(state);
	if (rc == 0)
		S = ct_ready_token(&SLOT);
	return rc;
}

static CK_RV make_master(CK_ULONG service, CK_BBOOL token, const CK_ATTRIBUTE *extra, CK_ULONG n_extra,
                         CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE t[8] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE, (void *)MASTER, 16},
		{CKA_PORTFOLIO_MASTER, &service, sizeof service}, {CKA_TOKEN, &token, 1},
	};
	CK_ULONG n = 5;
	for (CK_ULONG i = 0; i < n_extra && n < 8; i++)
		t[n++] = extra[i];
	return f->C_CreateObject(S, t, n, out);
}

/* The device key as a readable keyset key (service/index set by the mechanism). */
static CK_RV diversify(CK_OBJECT_HANDLE master, const char *device, CK_ULONG dev_len, CK_ULONG instance,
                       CK_ULONG index, CK_ULONG len, const CK_ATTRIBUTE *extra, CK_OBJECT_HANDLE *out)
{
	CK_PORTFOLIO_DIVERSIFY_PARAMS p = {(CK_BYTE_PTR)device, dev_len, instance, index};
	CK_MECHANISM m = {CKM_PORTFOLIO_DIVERSIFY, &p, sizeof p};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE_LEN, &len, sizeof len},
		{CKA_SENSITIVE, &no, 1},       {CKA_EXTRACTABLE, &tr, 1},      {CKA_LABEL, "dev", 3},
	};
	if (extra != NULL)
		t[5] = *extra;
	return f->C_DeriveKey(S, &m, master, t, 6, out);
}

static CK_ULONG get_ulong(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(S, h, &a, 1), CKR_OK);
	return v;
}

static void assert_value(CK_OBJECT_HANDLE h, const char *hex)
{
	uint8_t v[64];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(S, h, &a, 1), CKR_OK);
	assert_hex_equal(v, a.ulValueLen, hex);
}

static void test_worked_example(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE auth, enc, k1, k2;
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, NULL, 0, &auth), CKR_OK);
	assert_int_equal(diversify(auth, DEVICE, strlen(DEVICE), 1, 1, 16, NULL, &k1), CKR_OK);
	assert_value(k1, DEVICE_KEY_AUTH_1);
	assert_int_equal(get_ulong(k1, CKA_PORTFOLIO_SERVICE), CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(get_ulong(k1, CKA_PORTFOLIO_KEY_INDEX), 1);
	/* the same master value marked for ENCRYPT: n = 2, 32 bytes */
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE session = {CKA_TOKEN, &no, 1};
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_ENCRYPT, CK_FALSE, &session, 1, &enc), CKR_OK);
	assert_int_equal(diversify(enc, DEVICE, strlen(DEVICE), 1, 2, 32, NULL, &k2), CKR_OK);
	assert_value(k2, DEVICE_KEY_ENC_2);
	assert_int_equal(get_ulong(k2, CKA_PORTFOLIO_SERVICE), CK_PORTFOLIO_SRV_ENCRYPT);
}

/* A master only derives: no sign/verify/encrypt/decrypt, by default or asked. */
static void test_master_only_derives(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE m, k;
	CK_BBOOL tr = CK_TRUE;
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, NULL, 0, &m), CKR_OK);
	CK_MECHANISM cmac = {CKM_AES_CMAC, NULL, 0};
	assert_int_equal(f->C_SignInit(S, &cmac, m), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_VerifyInit(S, &cmac, m), CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_ATTRIBUTE sign_on = {CKA_SIGN, &tr, 1};
	assert_int_equal(f->C_SetAttributeValue(S, m, &sign_on, 1), CKR_ATTRIBUTE_READ_ONLY);
	/* creation: any other use, a keyset membership, a non-AES key, no service */
	CK_ULONG idx = 1, srv = CK_PORTFOLIO_SRV_AUTHENT;
	CK_ATTRIBUTE with_sign = {CKA_SIGN, &tr, 1};
	CK_ATTRIBUTE with_keyset[] = {{CKA_PORTFOLIO_SERVICE, &srv, sizeof srv}, {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx}};
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE readable[] = {{CKA_SENSITIVE, &no, 1}};
	CK_ATTRIBUTE no_derive = {CKA_DERIVE, &no, 1};
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, &with_sign, 1, &k), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, with_keyset, 2, &k), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, readable, 1, &k), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, &no_derive, 1, &k), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(make_master(7, CK_FALSE, NULL, 0, &k), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE kt = {CKA_KEY_TYPE, &generic, sizeof generic};
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, &kt, 1, &k), CKR_TEMPLATE_INCONSISTENT);
}

static void test_bad_input(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE m, k = 0x5a5a;
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_FALSE, NULL, 0, &m), CKR_OK);
	char long_id[CK_PORTFOLIO_MAX_DEVICE_ID + 1];
	memset(long_id, 'x', sizeof long_id);
	assert_int_equal(diversify(m, long_id, sizeof long_id, 1, 1, 16, NULL, &k), CKR_MECHANISM_PARAM_INVALID);
	/* index 5: (service, index) 1 is taken by test_worked_example's session key */
	assert_int_equal(diversify(m, long_id, CK_PORTFOLIO_MAX_DEVICE_ID, 1, 5, 16, NULL, &k), CKR_OK);
	/* a keyset slot holds one key: the factory wraps the device key out and destroys it */
	assert_int_equal(diversify(m, DEVICE, strlen(DEVICE), 1, 5, 16, NULL, &k), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(f->C_DestroyObject(S, k), CKR_OK);
	assert_int_equal(diversify(m, DEVICE, strlen(DEVICE), 1, 5, 16, NULL, &k), CKR_OK);
	assert_int_equal(f->C_DestroyObject(S, k), CKR_OK);
	assert_int_equal(diversify(m, DEVICE, 0, 1, 1, 16, NULL, &k), CKR_MECHANISM_PARAM_INVALID);
	/* a missing key; a non-master key that may derive */
	assert_int_equal(diversify(0x4242, DEVICE, strlen(DEVICE), 1, 1, 16, NULL, &k), CKR_KEY_HANDLE_INVALID);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE aes = CKK_AES;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	uint8_t v[16] = {0x55};
	CK_ATTRIBUTE pt[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &aes, sizeof aes}, {CKA_VALUE, v, 16},
	                     {CKA_DERIVE, &tr, 1}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}};
	CK_OBJECT_HANDLE plain;
	assert_int_equal(f->C_CreateObject(S, pt, 6, &plain), CKR_OK);
	assert_int_equal(diversify(plain, DEVICE, strlen(DEVICE), 1, 1, 16, NULL, &k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a master with a standard KDF */
	CK_SP800_108_COUNTER_FORMAT c32 = {CK_FALSE, 32};
	CK_PRF_DATA_PARAM dp[] = {{CK_SP800_108_ITERATION_VARIABLE, &c32, sizeof c32}};
	CK_SP800_108_KDF_PARAMS kp = {CKM_AES_CMAC, 1, dp, 0, NULL};
	CK_MECHANISM kdf = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	CK_ULONG len = 16;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &aes, sizeof aes}, {CKA_VALUE_LEN, &len, sizeof len}};
	assert_int_equal(f->C_DeriveKey(S, &kdf, m, t, 3, &k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a template naming another service or index */
	CK_ULONG enc = CK_PORTFOLIO_SRV_ENCRYPT, idx = 9;
	CK_ATTRIBUTE other_srv = {CKA_PORTFOLIO_SERVICE, &enc, sizeof enc};
	CK_ATTRIBUTE other_idx = {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx};
	assert_int_equal(diversify(m, DEVICE, strlen(DEVICE), 1, 1, 16, &other_srv, &k), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(diversify(m, DEVICE, strlen(DEVICE), 1, 1, 16, &other_idx, &k), CKR_TEMPLATE_INCONSISTENT);
	CK_MECHANISM no_param = {CKM_PORTFOLIO_DIVERSIFY, NULL, 0};
	assert_int_equal(f->C_DeriveKey(S, &no_param, m, t, 3, &k), CKR_MECHANISM_PARAM_INVALID);
}

/* A token master survives logout/login: its row agrees with its sealed policy. */
static void test_token_master_persists(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE m, k;
	static const uint8_t label[] = "fleet-master";
	CK_ATTRIBUTE lab = {CKA_LABEL, (void *)label, sizeof label - 1};
	assert_int_equal(make_master(CK_PORTFOLIO_SRV_AUTHENT, CK_TRUE, &lab, 1, &m), CKR_OK);
	assert_int_equal(f->C_Logout(S), CKR_OK);
	assert_int_equal(f->C_Login(S, CKU_USER, P(USER_PIN)), CKR_OK);
	m = ct_find(S, CKA_LABEL, label, sizeof label - 1);
	assert_int_not_equal(m, CK_INVALID_HANDLE);
	assert_int_equal(diversify(m, DEVICE, strlen(DEVICE), 1, 1, 16, NULL, &k), CKR_OK);
	assert_value(k, DEVICE_KEY_AUTH_1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_master_only_derives),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_token_master_persists),
	};
	return cmocka_run_group_tests(tests, setup, ct_teardown);
}
