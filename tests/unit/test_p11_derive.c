/* test_p11_derive.c - C_DeriveKey with the standard mechanisms (issue 10,
 * items 1 and 6): SP 800-108 counter and feedback mode against NIST CAVP
 * vectors (design.md's two and three of kbkdfvs, the same ones
 * test_crypto_kbkdf runs on the engine), HKDF against RFC 5869 A.1-A.3, each
 * read back from a derived key made extractable and non-sensitive; the
 * attributes a derived key inherits (PKCS#11 3.0 4.10.1); and the bad input
 * of issue 10 item 6 and issue 12 item 6 (an expired base key); the oneM2M
 * chain of docs/onem2m.md by C_DeriveKey only, with CKM_PORTFOLIO_ONEM2M_CONF
 * for T(2), against the worked example. */
#include "config.h"
#include "core_test_util.h"
#include "test_crypto_util.h"

static CK_SESSION_HANDLE S;

static int setup(void **state)
{
	int rc = ct_setup(state);
	if (rc == 0)
		S = ct_ready_token(NULL);
	return rc;
}

/* A session key that may (or may not) derive; no other use, so that equal
 * key material in two tests never meets the device-key exclusivity rule. */
static CK_OBJECT_HANDLE base_key(CK_KEY_TYPE kt, const uint8_t *val, CK_ULONG len, CK_BBOOL derive,
                                 const CK_ATTRIBUTE *extra, CK_ULONG n_extra)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[12] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE, (void *)val, len},
		{CKA_DERIVE, &derive, 1},      {CKA_SIGN, &no, 1},             {CKA_ENCRYPT, &no, 1},
	};
	CK_ULONG n = 6;
	for (CK_ULONG i = 0; i < n_extra && n < 12; i++)
		t[n++] = extra[i];
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(S, t, n, &h), CKR_OK);
	return h;
}

static CK_OBJECT_HANDLE hex_key(CK_KEY_TYPE kt, const char *hex)
{
	uint8_t v[512];
	size_t n = unhex(hex, v, sizeof v);
	return base_key(kt, v, n, CK_TRUE, NULL, 0);
}

/* C_DeriveKey of a readable generic secret (len 0: no CKA_VALUE_LEN). */
static CK_RV derive(CK_MECHANISM *m, CK_OBJECT_HANDLE base, CK_ULONG len, CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_SENSITIVE, &no, 1},
		{CKA_EXTRACTABLE, &tr, 1},     {CKA_SIGN, &no, 1},             {CKA_ENCRYPT, &no, 1},
		{CKA_DERIVE, &tr, 1},          {CKA_VALUE_LEN, &len, sizeof len},
	};
	return f->C_DeriveKey(S, m, base, t, len != 0 ? 8 : 7, out);
}

static void assert_value(CK_OBJECT_HANDLE h, const char *hex)
{
	uint8_t v[512];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(S, h, &a, 1), CKR_OK);
	assert_hex_equal(v, a.ulValueLen, hex);
}

static void derive_expect(CK_MECHANISM *m, CK_OBJECT_HANDLE base, CK_ULONG len, const char *hex)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(derive(m, base, len, &h), CKR_OK);
	assert_value(h, hex);
	assert_int_equal(f->C_DestroyObject(S, h), CKR_OK);
}

/* ---- SP 800-108 ----------------------------------------------------------- */

static CK_SP800_108_COUNTER_FORMAT ctr32 = {CK_FALSE, 32}, ctr8 = {CK_FALSE, 8};

/* Counter mode, [i]_r || fixed (CAVP BEFORE_FIXED, [L] folded into fixed). */
static void counter_vector(CK_MECHANISM_TYPE prf, CK_KEY_TYPE kt, CK_SP800_108_COUNTER_FORMAT *cf,
                           const char *ki, const char *fixed, const char *ko)
{
	uint8_t fx[128];
	CK_PRF_DATA_PARAM dp[] = {
		{CK_SP800_108_ITERATION_VARIABLE, cf, sizeof *cf},
		{CK_SP800_108_BYTE_ARRAY, fx, (CK_ULONG)unhex(fixed, fx, sizeof fx)},
	};
	CK_SP800_108_KDF_PARAMS kp = {prf, 2, dp, 0, NULL};
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	derive_expect(&m, hex_key(kt, ki), (CK_ULONG)strlen(ko) / 2, ko);
}

static void test_counter_cavp(void **state)
{
	(void)state;
	/* design.md, CAVP KDFCTR_gen.rsp CMAC_AES128 BEFORE_FIXED, r = 32 and r = 8 */
	counter_vector(CKM_AES_CMAC, CKK_AES, &ctr32, "c10b152e8c97b77e18704e0f0bd38305",
	               "98cd4cbbbebe15d17dc86e6dbad800a2dcbd64f7c7ad0e78e9cf94ffdba89d03e97eadf6c4f7b806caf52aa3"
	               "8f09d0eb71d71f497bcc6906b48d36c4",
	               "26faf61908ad9ee881b8305c221db53f");
	counter_vector(CKM_AES_CMAC, CKK_AES, &ctr8, "dff1e50ac0b69dc40f1051d46c2b069c",
	               "c16e6e02c5a3dcc8d78b9ac1306877761310455b4e41469951d9e6c2245a064b33fd8c3b01203a7824485bf0"
	               "a64060c4648b707d2607935699316ea5",
	               "8be8f0869b3c0ba97b71863d1b9f7813");
	/* KDFCTR_gen.rsp HMAC_SHA256 BEFORE_FIXED r=32 L=320 COUNT=30 */
	counter_vector(CKM_SHA256_HMAC, CKK_GENERIC_SECRET, &ctr32,
	               "c4bedbddb66493e7c7259a3bbbc25f8c7e0ca7fe284d92d431d9cd99a0d214ac",
	               "1c69c54766791e315c2cc5c47ecd3ffab87d0d273dd920e70955814c220eacace6a5946542da3dfe24ff626b"
	               "4897898cafb7db83bdff3c14fa46fd4b",
	               "1da47638d6c9c4d04d74d4640bbd42ab814d9e8cc22f4326695239f96b0693f12d0dd1152cf44430");
}

/* FeedbackModeNOzeroiv HMAC_SHA256 AFTER_ITER r=8 L=2400 COUNT=30:
 * K(i-1) || [i]_8 || fixed, 300 bytes (ten PRF blocks). */
static void test_feedback_cavp(void **state)
{
	(void)state;
	uint8_t iv[32], fx[64];
	CK_ULONG iv_len = (CK_ULONG)unhex("ee6510121a6bf418d7cda1473327ed2c01e8437c0d0cfe3b49d015ed06065005", iv,
	                                  sizeof iv);
	CK_PRF_DATA_PARAM dp[] = {
		{CK_SP800_108_ITERATION_VARIABLE, NULL, 0},
		{CK_SP800_108_OPTIONAL_COUNTER, &ctr8, sizeof ctr8},
		{CK_SP800_108_BYTE_ARRAY, fx,
		 (CK_ULONG)unhex("1a4ea4217f760cdb4232331e9a47bc43486a3ae3c5a17c190571f6329cabe96d3dc8c3bf10421de04e"
		                 "fb71b4e341653e02a926", fx, sizeof fx)},
	};
	CK_SP800_108_FEEDBACK_KDF_PARAMS fp = {CKM_SHA256_HMAC, 3, dp, iv_len, iv, 0, NULL};
	CK_MECHANISM m = {CKM_SP800_108_FEEDBACK_KDF, &fp, sizeof fp};
	derive_expect(&m, hex_key(CKK_GENERIC_SECRET, "636be8acb567534aa8776888c0c8320e7a0c436ca8d1cefd92b8f8b24cf17ba6"),
	              300,
	              "ac2b5236c76b3031c0170c272a151fd23620177e50231f2e5ff8b974e74660599b157a3e898d2ad9a6cefff5"
	              "1073342557b271655502ca8ff8af595f3fe1fb801d86cc931d151a4bf94c08ca84cdc3953e9041f1fe12cc01"
	              "2ed4702ee73a601d6495965e0d5869e285bab461ea3e2975642cef945f6c289637e4be914c5ca2debbf3777d"
	              "4697326534e73b072d1684b92809d6e4cd78f0da04127bb833806c592d3400f3dab61a8839d092ff16ddc293"
	              "7f613b6934e7ef15792d13a5f2f3cc5757b1ea556692ae46f4c9d38f00da821eeb7253be9cb9b744ee419412"
	              "c3f3881df51ea6bdc0fb87d4978ff9d153fc420cbb8d989ae3d239494e0bb25659d48b4966cc5d8d7727f03b"
	              "646152a0e5aa29aab6ffbfc90cb86e975a332e3d7f7216aa84883a930a5c210aee8083f8");
}

/* ---- HKDF (RFC 5869 A.1-A.3, SHA-256) -------------------------------------- */

static const char A1_IKM[] = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
static const char A1_PRK[] = "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5";
static const char A1_OKM[] = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
static uint8_t a1_salt[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static uint8_t a1_info[] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9};

static void test_hkdf_rfc5869(void **state)
{
	(void)state;
	uint8_t ramp_salt[80], ramp_info[80], ramp_ikm[80];
	for (int i = 0; i < 80; i++) {
		ramp_ikm[i] = (uint8_t)i;
		ramp_salt[i] = (uint8_t)(0x60 + i);
		ramp_info[i] = (uint8_t)(0xb0 + i);
	}
	/* A.1: salt as data */
	CK_HKDF_PARAMS hp = {CK_TRUE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_DATA, a1_salt, sizeof a1_salt,
	                     CK_INVALID_HANDLE, a1_info, sizeof a1_info};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &hp, sizeof hp};
	derive_expect(&m, hex_key(CKK_GENERIC_SECRET, A1_IKM), 42, A1_OKM);
	/* A.2: the salt is a key (CKF_HKDF_SALT_KEY), read inside the component */
	CK_OBJECT_HANDLE salt_key = base_key(CKK_GENERIC_SECRET, ramp_salt, 80, CK_TRUE, NULL, 0);
	CK_HKDF_PARAMS h2 = {CK_TRUE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_KEY, NULL, 0, salt_key, ramp_info, 80};
	m.pParameter = &h2;
	derive_expect(&m, base_key(CKK_GENERIC_SECRET, ramp_ikm, 80, CK_TRUE, NULL, 0), 82,
	              "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c6"
	              "5e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
	/* A.3: no salt (HashLen zeros), no info */
	CK_HKDF_PARAMS h3 = {CK_TRUE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_NULL, NULL, 0, CK_INVALID_HANDLE, NULL, 0};
	m.pParameter = &h3;
	derive_expect(&m, hex_key(CKK_GENERIC_SECRET, A1_IKM), 42,
	              "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

/* A.1 in two steps: extract only (the PRK, HashLen bytes without CKA_VALUE_LEN),
 * then expand only from the PRK key: the oneM2M chain's shape (issue 12). */
static void test_hkdf_extract_then_expand(void **state)
{
	(void)state;
	CK_HKDF_PARAMS ex = {CK_TRUE, CK_FALSE, CKM_SHA256, CKF_HKDF_SALT_DATA, a1_salt, sizeof a1_salt,
	                     CK_INVALID_HANDLE, NULL, 0};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &ex, sizeof ex};
	CK_OBJECT_HANDLE prk = CK_INVALID_HANDLE;
	assert_int_equal(derive(&m, hex_key(CKK_GENERIC_SECRET, A1_IKM), 0, &prk), CKR_OK);
	assert_value(prk, A1_PRK);
	CK_HKDF_PARAMS xp = {CK_FALSE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_NULL, NULL, 0, CK_INVALID_HANDLE,
	                     a1_info, sizeof a1_info};
	m.pParameter = &xp;
	derive_expect(&m, prk, 42, A1_OKM);
}

/* ---- attributes ------------------------------------------------------------ */

static CK_BBOOL get_bool(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	CK_BBOOL v = 0xff;
	CK_ATTRIBUTE a = {t, &v, 1};
	assert_int_equal(f->C_GetAttributeValue(S, h, &a, 1), CKR_OK);
	return v;
}

static CK_SP800_108_KDF_PARAMS simple_kp(CK_PRF_DATA_PARAM *dp)
{
	dp[0] = (CK_PRF_DATA_PARAM){CK_SP800_108_ITERATION_VARIABLE, &ctr32, sizeof ctr32};
	dp[1] = (CK_PRF_DATA_PARAM){CK_SP800_108_BYTE_ARRAY, (void *)"label", 5};
	return (CK_SP800_108_KDF_PARAMS){CKM_AES_CMAC, 2, dp, 0, NULL};
}

/* PKCS#11 3.0 4.10.1: ALWAYS_SENSITIVE / NEVER_EXTRACTABLE from the base key. */
static void test_inherited_attributes(void **state)
{
	(void)state;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE aes = CKK_AES;
	CK_ULONG len = 16;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE gt[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_DERIVE, &tr, 1}, {CKA_SIGN, &no, 1},
	                     {CKA_ENCRYPT, &no, 1}};
	CK_OBJECT_HANDLE generated, imported = hex_key(CKK_AES, "000102030405060708090a0b0c0d0e0f");
	assert_int_equal(f->C_GenerateKey(S, &gen, gt, 4, &generated), CKR_OK);
	CK_PRF_DATA_PARAM dp[2];
	CK_SP800_108_KDF_PARAMS kp = simple_kp(dp);
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
	                    {CKA_VALUE_LEN, &len, sizeof len}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}};
	CK_OBJECT_HANDLE a, b;
	assert_int_equal(f->C_DeriveKey(S, &m, generated, t, 5, &a), CKR_OK);
	assert_int_equal(get_bool(a, CKA_ALWAYS_SENSITIVE), CK_TRUE);
	assert_int_equal(get_bool(a, CKA_NEVER_EXTRACTABLE), CK_TRUE);
	assert_int_equal(get_bool(a, CKA_LOCAL), CK_FALSE);
	assert_int_equal(f->C_DeriveKey(S, &m, imported, t, 5, &b), CKR_OK);
	assert_int_equal(get_bool(b, CKA_ALWAYS_SENSITIVE), CK_FALSE);
	assert_int_equal(get_bool(b, CKA_NEVER_EXTRACTABLE), CK_FALSE);
	/* a sensitive derived key is not readable */
	uint8_t v[16];
	CK_ATTRIBUTE va = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(S, a, &va, 1), CKR_ATTRIBUTE_SENSITIVE);
}

/* ---- bad input --------------------------------------------------------------- */

static CK_ULONG count_keys(void)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE q = {CKA_CLASS, &cls, sizeof cls};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(S, &q, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(S, h, 256, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(S), CKR_OK);
	return n;
}

static void expect_refused(CK_MECHANISM *m, CK_OBJECT_HANDLE base, CK_ULONG len, CK_RV want)
{
	CK_ULONG before = count_keys();
	CK_OBJECT_HANDLE h = 0x5a5a;
	assert_int_equal(derive(m, base, len, &h), want);
	assert_int_equal(count_keys(), before); /* nothing made */
}

/* The parameter one byte short, then none: both refused; m is restored. */
static void expect_bad_param_size(CK_MECHANISM *m, CK_OBJECT_HANDLE base, CK_ULONG len)
{
	CK_MECHANISM bad = *m;
	bad.ulParameterLen = m->ulParameterLen - 1;
	expect_refused(&bad, base, len, CKR_MECHANISM_PARAM_INVALID);
	bad.pParameter = NULL;
	bad.ulParameterLen = 0;
	expect_refused(&bad, base, len, CKR_MECHANISM_PARAM_INVALID);
}

static void test_bad_kdf_params(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = hex_key(CKK_AES, "101112131415161718191a1b1c1d1e1f");
	CK_SP800_108_COUNTER_FORMAT w12 = {CK_FALSE, 12};
	CK_SP800_108_DKM_LENGTH_FORMAT dkm0 = {CK_SP800_108_DKM_LENGTH_SUM_OF_KEYS, CK_FALSE, 0};
	CK_PRF_DATA_PARAM dp[3];
	CK_SP800_108_KDF_PARAMS kp = simple_kp(dp);
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	/* no iteration variable */
	dp[0] = (CK_PRF_DATA_PARAM){CK_SP800_108_BYTE_ARRAY, (void *)"x", 1};
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	/* a counter of 12 bits */
	dp[0] = (CK_PRF_DATA_PARAM){CK_SP800_108_ITERATION_VARIABLE, &w12, sizeof w12};
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	/* a DKM length of 0 bits */
	dp[0] = (CK_PRF_DATA_PARAM){CK_SP800_108_ITERATION_VARIABLE, &ctr32, sizeof ctr32};
	dp[2] = (CK_PRF_DATA_PARAM){CK_SP800_108_DKM_LENGTH, &dkm0, sizeof dkm0};
	kp.ulNumberOfDataParams = 3;
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	/* a DKM length parameter without its format */
	dp[2] = (CK_PRF_DATA_PARAM){CK_SP800_108_DKM_LENGTH, NULL, 0};
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	kp.ulNumberOfDataParams = 2;
	/* additional derived keys (not offered), an unknown PRF, a short parameter */
	CK_OBJECT_HANDLE extra = 0;
	CK_DERIVED_KEY dk = {NULL, 0, &extra};
	kp.ulAdditionalDerivedKeys = 1;
	kp.pAdditionalDerivedKeys = &dk;
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	kp.ulAdditionalDerivedKeys = 0;
	kp.prfType = CKM_SHA_1_HMAC;
	expect_refused(&m, k, 16, CKR_MECHANISM_PARAM_INVALID);
	kp.prfType = CKM_AES_CMAC;
	expect_bad_param_size(&m, k, 16);
	/* HMAC PRF with an AES key */
	kp.prfType = CKM_SHA256_HMAC;
	expect_refused(&m, k, 16, CKR_KEY_TYPE_INCONSISTENT);
}

static void test_bad_hkdf_params(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = hex_key(CKK_GENERIC_SECRET, A1_IKM);
	CK_HKDF_PARAMS hp = {CK_FALSE, CK_FALSE, CKM_SHA256, CKF_HKDF_SALT_NULL, NULL, 0, CK_INVALID_HANDLE, NULL, 0};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &hp, sizeof hp};
	expect_refused(&m, k, 32, CKR_MECHANISM_PARAM_INVALID); /* neither extract nor expand */
	hp.bExtract = hp.bExpand = CK_TRUE;
	hp.prfHashMechanism = CKM_SHA_1;
	expect_refused(&m, k, 32, CKR_MECHANISM_PARAM_INVALID);
	hp.prfHashMechanism = CKM_SHA256;
	hp.ulSaltType = CKF_HKDF_SALT_DATA; /* without data */
	expect_refused(&m, k, 32, CKR_MECHANISM_PARAM_INVALID);
	hp.ulSaltType = CKF_HKDF_SALT_NULL | CKF_HKDF_SALT_DATA;
	expect_refused(&m, k, 32, CKR_MECHANISM_PARAM_INVALID);
	hp.ulSaltType = CKF_HKDF_SALT_KEY;
	hp.hSaltKey = 0x7777; /* no such key */
	expect_refused(&m, k, 32, CKR_MECHANISM_PARAM_INVALID);
	/* a salt key that may not derive: the component refuses it */
	hp.hSaltKey = base_key(CKK_GENERIC_SECRET, a1_salt, sizeof a1_salt, CK_FALSE, NULL, 0);
	expect_refused(&m, k, 32, CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* one that may derive but has expired: refused like an expired base key */
	CK_DATE past = {{'2', '0', '0', '0'}, {'0', '1'}, {'0', '1'}};
	CK_ATTRIBUTE expired = {CKA_END_DATE, &past, sizeof past};
	hp.hSaltKey = base_key(CKK_GENERIC_SECRET, a1_info, sizeof a1_info, CK_TRUE, &expired, 1);
	expect_refused(&m, k, 32, CKR_KEY_FUNCTION_NOT_PERMITTED);
	hp.ulSaltType = CKF_HKDF_SALT_NULL;
	expect_refused(&m, k, 255 * 32 + 1, CKR_ATTRIBUTE_VALUE_INVALID); /* over 512 bytes: no such key */
}

/* CKR_TEMPLATE_INCOMPLETE without CKA_VALUE_LEN where the mechanism fixes no
 * length; CKR_KEY_FUNCTION_NOT_PERMITTED for a base key without CKA_DERIVE. */
static void test_base_and_template(void **state)
{
	(void)state;
	CK_PRF_DATA_PARAM dp[2];
	CK_SP800_108_KDF_PARAMS kp = simple_kp(dp);
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	uint8_t v[16] = {0x21};
	CK_OBJECT_HANDLE no_derive = base_key(CKK_AES, v, 16, CK_FALSE, NULL, 0);
	expect_refused(&m, no_derive, 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_OBJECT_HANDLE k = hex_key(CKK_AES, "202122232425262728292a2b2c2d2e2f");
	expect_refused(&m, k, 0, CKR_TEMPLATE_INCOMPLETE);
	expect_refused(&m, 0x12345, 16, CKR_KEY_HANDLE_INVALID);
	CK_MECHANISM not_kdf = {CKM_AES_CMAC, NULL, 0};
	expect_refused(&not_kdf, k, 16, CKR_MECHANISM_INVALID);
	/* CKA_DERIVE cannot be turned on later: the component keeps the usage it sealed */
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE on = {CKA_DERIVE, &tr, 1};
	assert_int_equal(f->C_SetAttributeValue(S, no_derive, &on, 1), CKR_ATTRIBUTE_READ_ONLY);
	expect_refused(&m, no_derive, 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* and turned off, it is off in the component too */
	CK_BBOOL fa = CK_FALSE;
	CK_ATTRIBUTE off = {CKA_DERIVE, &fa, 1};
	assert_int_equal(f->C_SetAttributeValue(S, k, &off, 1), CKR_OK);
	expect_refused(&m, k, 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
}

/* Issue 12 item 6: a derivation with an expired (or not yet valid) key is refused. */
static void test_dates(void **state)
{
	(void)state;
	CK_DATE past = {{'2', '0', '0', '0'}, {'0', '1'}, {'0', '1'}};
	CK_DATE future = {{'2', '9', '9', '9'}, {'1', '2'}, {'3', '1'}};
	CK_PRF_DATA_PARAM dp[2];
	CK_SP800_108_KDF_PARAMS kp = simple_kp(dp);
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, &kp, sizeof kp};
	uint8_t v[16] = {0x31, 0x32};
	CK_ATTRIBUTE expired = {CKA_END_DATE, &past, sizeof past};
	CK_ATTRIBUTE not_yet = {CKA_START_DATE, &future, sizeof future};
	CK_ATTRIBUTE valid[] = {{CKA_START_DATE, &past, sizeof past}, {CKA_END_DATE, &future, sizeof future}};
	expect_refused(&m, base_key(CKK_AES, v, 16, CK_TRUE, &expired, 1), 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
	v[0]++;
	expect_refused(&m, base_key(CKK_AES, v, 16, CK_TRUE, &not_yet, 1), 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
	v[0]++;
	CK_OBJECT_HANDLE ok = base_key(CKK_AES, v, 16, CK_TRUE, valid, 2), h;
	assert_int_equal(derive(&m, ok, 16, &h), CKR_OK);
	/* expiring later (C_SetAttributeValue) ends it */
	assert_int_equal(f->C_SetAttributeValue(S, ok, &expired, 1), CKR_OK);
	expect_refused(&m, ok, 16, CKR_KEY_FUNCTION_NOT_PERMITTED);
}

/* ---- oneM2M (docs/onem2m.md, the worked example; KAT test_crypto_onem2m) ---- */

static const char M2M_KE[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char M2M_MASTER[] = "e923d7ce41cdafb9ff36e7d38e640888600785351ef83c5adb8ea0c403881a5d";
static const char M2M_T1[] = "267ad7b104a6c5d03e31524edfd55eea1746cd3dd6105fdf4b035fcf7b26acf2";
static const char M2M_T2[] = "cc200199b7d9a5832792b77feeca70f3728afbe6f5a7ab4a0e19d468d9e01b61";
static uint8_t m2m_salt[] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
                             0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf};
static uint8_t m2m_nonce[] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
static char m2m_container[] = "Container-x";
static char m2m_auth_label[] = "Data Authenticity and Integrity";

/* Steps 4-5: one HMAC as SP 800-108 feedback mode, empty IV, no counter. */
static void m2m_container_key(CK_OBJECT_HANDLE parent, char *label, const char *want)
{
	CK_PRF_DATA_PARAM dp[] = {
		{CK_SP800_108_ITERATION_VARIABLE, NULL, 0},
		{CK_SP800_108_BYTE_ARRAY, label, (CK_ULONG)strlen(label)},
		{CK_SP800_108_BYTE_ARRAY, m2m_container, (CK_ULONG)strlen(m2m_container)},
		{CK_SP800_108_BYTE_ARRAY, m2m_nonce, sizeof m2m_nonce},
	};
	CK_SP800_108_FEEDBACK_KDF_PARAMS fp = {CKM_SHA256_HMAC, 4, dp, 0, NULL, 0, NULL};
	CK_MECHANISM m = {CKM_SP800_108_FEEDBACK_KDF, &fp, sizeof fp};
	derive_expect(&m, parent, 32, want);
}

/* T(2) = K_conf from K_master (base) and T(1) (handle); len 0: no CKA_VALUE_LEN. */
static CK_RV m2m_conf(CK_MECHANISM_TYPE hash, CK_OBJECT_HANDLE master, CK_OBJECT_HANDLE t1, CK_ULONG len,
                      CK_OBJECT_HANDLE *out)
{
	CK_PORTFOLIO_ONEM2M_CONF_PARAMS op = {hash, t1};
	CK_MECHANISM m = {CKM_PORTFOLIO_ONEM2M_CONF, &op, sizeof op};
	return derive(&m, master, len, out);
}

/* The whole chain by C_DeriveKey from Ke, every key read back. */
static void test_onem2m_chain(void **state)
{
	(void)state;
	CK_HKDF_PARAMS ex = {CK_TRUE, CK_FALSE, CKM_SHA256, CKF_HKDF_SALT_DATA, m2m_salt, sizeof m2m_salt,
	                     CK_INVALID_HANDLE, NULL, 0};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &ex, sizeof ex};
	CK_OBJECT_HANDLE master = CK_INVALID_HANDLE, t1 = CK_INVALID_HANDLE, t2 = CK_INVALID_HANDLE;
	assert_int_equal(derive(&m, hex_key(CKK_GENERIC_SECRET, M2M_KE), 0, &master), CKR_OK);
	assert_value(master, M2M_MASTER);
	CK_HKDF_PARAMS xp = {CK_FALSE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_NULL, NULL, 0, CK_INVALID_HANDLE,
	                     (CK_BYTE_PTR)m2m_auth_label, (CK_ULONG)strlen(m2m_auth_label)};
	m.pParameter = &xp;
	assert_int_equal(derive(&m, master, 32, &t1), CKR_OK);
	assert_value(t1, M2M_T1);
	assert_int_equal(m2m_conf(CKM_SHA256, master, t1, 0, &t2), CKR_OK);
	assert_value(t2, M2M_T2);
	m2m_container_key(t1, m2m_auth_label, "b98648fe7730e4717571b0fa9d41e60d7b8563f34c2bdfb1d96dbdd3cbe34002");
	m2m_container_key(t2, "Data Confidentiality",
	                  "68243f816a5e65634a018cad368abcbddeddd1e63dadea972937203b46547db7");
	/* CKA_VALUE_LEN, when given, must be the hash length the mechanism fixes */
	CK_OBJECT_HANDLE h;
	assert_int_equal(m2m_conf(CKM_SHA256, master, t1, 32, &h), CKR_OK);
	assert_value(h, M2M_T2);
}

/* T(2) with SHA-512 (test_chain_sha512's K_master, T(1), T(2)). */
static void test_onem2m_conf_sha512(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE t2 = CK_INVALID_HANDLE,
	                 master = hex_key(CKK_GENERIC_SECRET,
	                                  "fdc1028541736208cea4c28d6ab540ea51876a964286850e1f414782387b3aab"
	                                  "8e8386e9507fd129bab00ae62145249ff8cc5ce3be9060ad271624c3bda0f4e1"),
	                 t1 = hex_key(CKK_GENERIC_SECRET,
	                              "4b9944ae16bc0807afc1bc4f7f11d26f738e05e45101c2255f76a1872cd6d676"
	                              "2daf193ca2780aaab2d649d0466c317cb411e766ce13529f5dec651ab0db4818");
	assert_int_equal(m2m_conf(CKM_SHA512, master, t1, 0, &t2), CKR_OK);
	assert_value(t2, "d5a2a6e1e6587ea19eebdd6d9c15f56aeb8577f7199f6f626a4fc7df3ac665bd"
	                 "218b89ac66edcaa0ce928d8f5fe3c297e0f1d6b873d4d4d447cf1f34ca0a247a");
}

static void expect_conf_refused(CK_MECHANISM_TYPE hash, CK_OBJECT_HANDLE master, CK_OBJECT_HANDLE t1,
                                CK_RV want)
{
	CK_PORTFOLIO_ONEM2M_CONF_PARAMS op = {hash, t1};
	CK_MECHANISM m = {CKM_PORTFOLIO_ONEM2M_CONF, &op, sizeof op};
	expect_refused(&m, master, 0, want);
}

/* Bad input: each refused with its code, no key made. */
static void test_onem2m_conf_bad(void **state)
{
	(void)state;
	CK_DATE past = {{'2', '0', '0', '0'}, {'0', '1'}, {'0', '1'}};
	CK_ATTRIBUTE expired = {CKA_END_DATE, &past, sizeof past};
	uint8_t v[32] = {0x41};
	CK_OBJECT_HANDLE master = hex_key(CKK_GENERIC_SECRET, M2M_MASTER), t1 = hex_key(CKK_GENERIC_SECRET, M2M_T1);
	expect_conf_refused(CKM_SHA256, master, CK_INVALID_HANDLE, CKR_MECHANISM_PARAM_INVALID);
	expect_conf_refused(CKM_SHA256, master, 0x7777, CKR_MECHANISM_PARAM_INVALID); /* no such key */
	/* T(1) without CKA_DERIVE: the component refuses it from its sealed policy */
	CK_OBJECT_HANDLE no_derive = base_key(CKK_GENERIC_SECRET, v, 32, CK_FALSE, NULL, 0);
	expect_conf_refused(CKM_SHA256, master, no_derive, CKR_KEY_FUNCTION_NOT_PERMITTED);
	v[0]++;
	CK_OBJECT_HANDLE old = base_key(CKK_GENERIC_SECRET, v, 32, CK_TRUE, &expired, 1);
	expect_conf_refused(CKM_SHA256, master, old, CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a hash HKDF does not take; one whose length the keys do not have */
	expect_conf_refused(CKM_SHA_1, master, t1, CKR_MECHANISM_PARAM_INVALID);
	expect_conf_refused(CKM_SHA256_HMAC, master, t1, CKR_MECHANISM_PARAM_INVALID);
	expect_conf_refused(CKM_SHA384, master, t1, CKR_KEY_SIZE_RANGE);
	/* T(1) an AES key; K_master an AES key */
	v[0]++;
	CK_OBJECT_HANDLE aes = base_key(CKK_AES, v, 32, CK_TRUE, NULL, 0);
	expect_conf_refused(CKM_SHA256, master, aes, CKR_KEY_TYPE_INCONSISTENT);
	expect_conf_refused(CKM_SHA256, aes, t1, CKR_KEY_TYPE_INCONSISTENT);
	/* a parameter of the wrong size, none, a CKA_VALUE_LEN other than HashLen */
	CK_PORTFOLIO_ONEM2M_CONF_PARAMS op = {CKM_SHA256, t1};
	CK_MECHANISM m = {CKM_PORTFOLIO_ONEM2M_CONF, &op, sizeof op};
	expect_bad_param_size(&m, master, 0);
	expect_refused(&m, master, 16, CKR_TEMPLATE_INCONSISTENT);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	/* and the good parameter works with these keys */
	assert_int_equal(derive(&m, master, 0, &h), CKR_OK);
	assert_value(h, M2M_T2);
}

static void test_mechanism_info(void **state)
{
	(void)state;
	static const CK_MECHANISM_TYPE kdfs[] = {CKM_SP800_108_COUNTER_KDF, CKM_SP800_108_FEEDBACK_KDF,
	                                         CKM_HKDF_DERIVE, CKM_PORTFOLIO_DIVERSIFY,
	                                         CKM_PORTFOLIO_ONEM2M_CONF};
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	assert_int_equal(f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (size_t i = 0; i < sizeof kdfs / sizeof kdfs[0]; i++) {
		CK_MECHANISM_INFO info;
		assert_int_equal(f->C_GetMechanismInfo(slots[0], kdfs[i], &info), CKR_OK);
		assert_int_equal(info.flags, CKF_DERIVE);
	}
	/* a derive mechanism is no signing mechanism */
	CK_MECHANISM m = {CKM_SP800_108_COUNTER_KDF, NULL, 0};
	CK_OBJECT_HANDLE k = hex_key(CKK_AES, "303132333435363738393a3b3c3d3e3f");
	assert_int_equal(f->C_SignInit(S, &m, k), CKR_MECHANISM_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_cavp),
		cmocka_unit_test(test_feedback_cavp),
		cmocka_unit_test(test_hkdf_rfc5869),
		cmocka_unit_test(test_hkdf_extract_then_expand),
		cmocka_unit_test(test_inherited_attributes),
		cmocka_unit_test(test_bad_kdf_params),
		cmocka_unit_test(test_bad_hkdf_params),
		cmocka_unit_test(test_base_and_template),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_onem2m_chain),
		cmocka_unit_test(test_onem2m_conf_sha512),
		cmocka_unit_test(test_onem2m_conf_bad),
		cmocka_unit_test(test_mechanism_info),
	};
	return cmocka_run_group_tests(tests, setup, ct_teardown);
}
