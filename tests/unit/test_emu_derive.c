/*
 * test_emu_derive.c - the emulator decides a derivation from the base item's
 * sealed policy (src/se/emu/emu_derive.c), whatever the caller asks: the
 * backend entry is driven directly, as a caller bypassing the core and the
 * mechanism layer would.
 *   - no SE_USE_DERIVE: refused (a key made without CKA_DERIVE never derives);
 *   - a master (SE_USE_MASTER) derives by diversification only, keys of its
 *     own service, and nothing else derives by diversification;
 *   - a derived key is never a master; a master holds no other usage;
 *   - an HKDF salt key must itself be allowed to derive, and so must oneM2M's
 *     T(1) (CKM_PORTFOLIO_ONEM2M_CONF), which is read only in here.
 * Known answers: design.md's CAVP vector, and docs/mechanisms.md's
 * diversification example (computed with the openssl CLI).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "test_crypto_util.h"
#include "test_emu_token_support.h"

#define DESIGN_KI "c10b152e8c97b77e18704e0f0bd38305"
#define DESIGN_FIXED "98cd4cbbbebe15d17dc86e6dbad800a2dcbd64f7c7ad0e78e9cf94ffdba89d03e97eadf6c4f7b806caf52aa38f09d0eb71d71f497bcc6906b48d36c4"
#define DESIGN_KO "26faf61908ad9ee881b8305c221db53f"
#define MASTER "000102030405060708090a0b0c0d0e0f"
#define DEVICE "urn:imei:490154203237518"
/* docs/mechanisms.md "Diversification": D = DEVICE, I = 1, n = 1, AUTHENT */
#define DEVICE_KEY "7e214f520227ef647af0ee1f8e78afd9"

static se_token *T;
static uint8_t fixed[64];
static pf_kbkdf_field fields[2];

static int setup(void **state)
{
	if (emu_fixture_setup(state) != 0)
		return -1;
	T = emu_test_token(*state, 1, 1);
	return emu_login(T, CKU_USER, PIN(TEST_USER_PIN)) == CKR_OK ? 0 : -1;
}

static int teardown(void **state)
{
	emu_close(T);
	return emu_fixture_teardown(state);
}

static se_ref key(const char *hex, CK_ULONG service, unsigned usage)
{
	uint8_t v[64];
	se_item_policy pol = {service, 0, usage, 0, 0};
	se_ref r = 0;
	assert_int_equal(emu_item_put(T, SE_ITEM_AES_KEY, v, unhex(hex, v, sizeof v), 0, &pol, &r), CKR_OK);
	return r;
}

static se_derive_params design_kbkdf(void)
{
	se_derive_params p;
	memset(&p, 0, sizeof p);
	fields[0] = (pf_kbkdf_field){.type = PF_KBKDF_ITERATION, .width_bits = 32};
	fields[1] = (pf_kbkdf_field){.type = PF_KBKDF_BYTES, .bytes = fixed,
	                             .len = unhex(DESIGN_FIXED, fixed, sizeof fixed)};
	p.kind = SE_DERIVE_KBKDF;
	p.kbkdf = (pf_kbkdf_params){PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, fields, 2, NULL, 0};
	return p;
}

static se_derive_params diversify(const char *device, CK_ULONG instance)
{
	se_derive_params p;
	memset(&p, 0, sizeof p);
	p.kind = SE_DERIVE_PORTFOLIO;
	p.device_id = (const uint8_t *)device;
	p.device_id_len = strlen(device);
	p.instance = instance;
	return p;
}

static const se_item_policy readable_plain = {SE_SERVICE_NONE, 0, SE_USE_VERIFY, 0, 0};

static void assert_read(se_ref r, const char *hex)
{
	uint8_t v[64];
	size_t n = sizeof v;
	assert_int_equal(emu_item_read(T, r, v, &n), CKR_OK);
	assert_hex_equal(v, n, hex);
}

static void test_derive_needs_sealed_derive(void **state)
{
	(void)state;
	se_derive_params p = design_kbkdf();
	se_ref out = 0;
	se_ref no = key(DESIGN_KI, SE_SERVICE_NONE, SE_USE_SIGN | SE_USE_VERIFY);
	assert_int_equal(emu_item_derive(T, no, &p, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &readable_plain, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(out, 0);
	se_ref yes = key(DESIGN_KI, SE_SERVICE_NONE, SE_USE_DERIVE);
	assert_int_equal(emu_item_derive(T, yes, &p, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &readable_plain, &out),
	                 CKR_OK);
	assert_read(out, DESIGN_KO);
	/* usage shrinks in the component: without DERIVE, no more derivation */
	assert_int_equal(emu_item_restrict(T, yes, 0), CKR_OK);
	assert_int_equal(emu_item_derive(T, yes, &p, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &readable_plain, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* CMAC PRF needs an AES item */
	uint8_t g[16] = {1};
	se_item_policy gp = {SE_SERVICE_NONE, 0, SE_USE_DERIVE, 0, 0};
	se_ref generic = 0;
	assert_int_equal(emu_item_put(T, SE_ITEM_GENERIC_SECRET, g, 16, 0, &gp, &generic), CKR_OK);
	assert_int_equal(emu_item_derive(T, generic, &p, SE_ITEM_AES_KEY, 16, 0, &readable_plain, &out),
	                 CKR_KEY_TYPE_INCONSISTENT);
}

static void test_master_only_diversifies(void **state)
{
	(void)state;
	se_ref master = key(MASTER, CK_PORTFOLIO_SRV_AUTHENT, SE_USE_MASTER | SE_USE_DERIVE);
	se_item_policy dev = {CK_PORTFOLIO_SRV_AUTHENT, 1, SE_USE_SIGN | SE_USE_VERIFY, 0, 0};
	se_derive_params p = diversify(DEVICE, 1);
	se_ref out = 0;
	assert_int_equal(emu_item_derive(T, master, &p, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &dev, &out), CKR_OK);
	assert_read(out, DEVICE_KEY);
	/* another instance or index: another key */
	se_ref other = 0;
	p.instance = 2;
	assert_int_equal(emu_item_derive(T, master, &p, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &dev, &other), CKR_OK);
	uint8_t a[16], b[16];
	size_t na = 16, nb = 16;
	assert_int_equal(emu_item_read(T, other, b, &nb), CKR_OK);
	assert_int_equal(emu_item_read(T, out, a, &na), CKR_OK);
	assert_memory_not_equal(a, b, 16);
	/* a standard KDF from a master (its output could be chosen and read) */
	se_derive_params k = design_kbkdf();
	assert_int_equal(emu_item_derive(T, master, &k, SE_ITEM_AES_KEY, 16, SE_ITEM_READABLE, &readable_plain, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a key of another service, or of no service */
	se_item_policy enc = {CK_PORTFOLIO_SRV_ENCRYPT, 1, SE_USE_ENCRYPT, 0, 0};
	assert_int_equal(emu_item_derive(T, master, &p, SE_ITEM_AES_KEY, 16, 0, &enc, &out), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(emu_item_derive(T, master, &p, SE_ITEM_AES_KEY, 16, 0, &readable_plain, &out),
	                 CKR_TEMPLATE_INCONSISTENT);
	/* a derived master */
	se_item_policy m2 = {CK_PORTFOLIO_SRV_AUTHENT, 0, SE_USE_MASTER | SE_USE_DERIVE, 0, 0};
	assert_int_equal(emu_item_derive(T, master, &p, SE_ITEM_AES_KEY, 16, 0, &m2, &out), CKR_TEMPLATE_INCONSISTENT);
	/* diversification from a plain derive key */
	se_ref plain = key(MASTER, SE_SERVICE_NONE, SE_USE_DERIVE);
	assert_int_equal(emu_item_derive(T, plain, &p, SE_ITEM_AES_KEY, 16, 0, &dev, &out), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a device id over the limit */
	char long_id[CK_PORTFOLIO_MAX_DEVICE_ID + 2];
	memset(long_id, 'd', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	se_derive_params lp = diversify(long_id, 1);
	assert_int_equal(emu_item_derive(T, master, &lp, SE_ITEM_AES_KEY, 16, 0, &dev, &out), CKR_MECHANISM_PARAM_INVALID);
}

/* A master holds nothing but MASTER|DERIVE, names a service, is in no keyset. */
static void test_master_policy_shape(void **state)
{
	(void)state;
	uint8_t v[16] = {7};
	se_ref r = 0;
	se_item_policy bad[] = {
		{CK_PORTFOLIO_SRV_AUTHENT, 0, SE_USE_MASTER | SE_USE_DERIVE | SE_USE_SIGN, 0, 0},
		{SE_SERVICE_NONE, 0, SE_USE_MASTER | SE_USE_DERIVE, 0, 0},
		{CK_PORTFOLIO_SRV_AUTHENT, 3, SE_USE_MASTER | SE_USE_DERIVE, 0, 0},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(emu_item_put(T, SE_ITEM_AES_KEY, v, 16, 0, &bad[i], &r), CKR_ATTRIBUTE_VALUE_INVALID);
	/* and it keeps its policy across a logout (sealed with it) */
	se_item_policy good = {CK_PORTFOLIO_SRV_ENCRYPT, 0, SE_USE_MASTER | SE_USE_DERIVE, 0, 0}, back;
	assert_int_equal(emu_item_put(T, SE_ITEM_AES_KEY, v, 16, SE_ITEM_PERSISTENT, &good, &r), CKR_OK);
	assert_int_equal(emu_logout(T), CKR_OK);
	assert_int_equal(emu_login(T, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_policy(T, r, &back), CKR_OK);
	assert_int_equal(back.usage, SE_USE_MASTER | SE_USE_DERIVE);
	assert_int_equal(back.service, CK_PORTFOLIO_SRV_ENCRYPT);
}

static void test_hkdf_salt_key_needs_derive(void **state)
{
	(void)state;
	se_ref base = key("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", SE_SERVICE_NONE, SE_USE_DERIVE);
	se_ref salt = key("000102030405060708090a0b0c0d0e0f", SE_SERVICE_NONE, SE_USE_VERIFY);
	se_derive_params p;
	memset(&p, 0, sizeof p);
	p.kind = SE_DERIVE_HKDF;
	p.hkdf_mode = PF_HKDF_EXTRACT_AND_EXPAND;
	p.hkdf_md = PF_MD_SHA256;
	p.salt_key = salt;
	se_ref out = 0;
	assert_int_equal(emu_item_derive(T, base, &p, SE_ITEM_AES_KEY, 16, 0, &readable_plain, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	p.salt_key = key("000102030405060708090a0b0c0d0e0f", SE_SERVICE_NONE, SE_USE_DERIVE);
	assert_int_equal(emu_item_derive(T, base, &p, SE_ITEM_AES_KEY, 16, 0, &readable_plain, &out), CKR_OK);
}

/* oneM2M T(2) (docs/onem2m.md step 3): T(1) is read only inside the
 * component, and only if its own sealed policy lets it derive; both keys
 * generic secrets of HashLen bytes. Known answer: the worked example. */
#define M2M_MASTER "e923d7ce41cdafb9ff36e7d38e640888600785351ef83c5adb8ea0c403881a5d"
#define M2M_T1 "267ad7b104a6c5d03e31524edfd55eea1746cd3dd6105fdf4b035fcf7b26acf2"

static se_ref secret(const char *hex, unsigned usage)
{
	uint8_t v[64];
	se_item_policy pol = {SE_SERVICE_NONE, 0, usage, 0, 0};
	se_ref r = 0;
	assert_int_equal(emu_item_put(T, SE_ITEM_GENERIC_SECRET, v, unhex(hex, v, sizeof v), 0, &pol, &r), CKR_OK);
	return r;
}

static CK_RV m2m_conf(se_ref master, se_ref t1, pf_md_alg md, size_t len, se_ref *out)
{
	se_derive_params p;
	memset(&p, 0, sizeof p);
	p.kind = SE_DERIVE_ONEM2M_CONF;
	p.hkdf_md = md;
	p.prev_key = t1;
	*out = 0;
	return emu_item_derive(T, master, &p, SE_ITEM_GENERIC_SECRET, len, SE_ITEM_READABLE, &readable_plain, out);
}

static void test_onem2m_conf_previous_key(void **state)
{
	(void)state;
	se_ref master = secret(M2M_MASTER, SE_USE_DERIVE), out = 0;
	assert_int_equal(m2m_conf(master, secret(M2M_T1, SE_USE_SIGN | SE_USE_VERIFY), PF_MD_SHA256, 32, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a master (AES, of a service) only diversifies: never a T(1) */
	assert_int_equal(m2m_conf(master, key(M2M_T1, CK_PORTFOLIO_SRV_AUTHENT, SE_USE_MASTER | SE_USE_DERIVE),
	                          PF_MD_SHA256, 32, &out),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(m2m_conf(master, 0, PF_MD_SHA256, 32, &out), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(m2m_conf(master, 0x5a5a5a, PF_MD_SHA256, 32, &out), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(m2m_conf(master, key(M2M_T1, SE_SERVICE_NONE, SE_USE_DERIVE), PF_MD_SHA256, 32, &out),
	                 CKR_KEY_TYPE_INCONSISTENT);
	se_ref t1 = secret(M2M_T1, SE_USE_DERIVE);
	assert_int_equal(m2m_conf(master, t1, PF_MD_SHA384, 48, &out), CKR_KEY_SIZE_RANGE);
	assert_int_equal(m2m_conf(master, t1, PF_MD_SHA256, 16, &out), CKR_KEY_SIZE_RANGE);
	assert_int_equal(out, 0);
	assert_int_equal(m2m_conf(master, t1, PF_MD_SHA256, 32, &out), CKR_OK);
	assert_read(out, "cc200199b7d9a5832792b77feeca70f3728afbe6f5a7ab4a0e19d468d9e01b61");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_needs_sealed_derive),
		cmocka_unit_test(test_master_only_diversifies),
		cmocka_unit_test(test_master_policy_shape),
		cmocka_unit_test(test_hkdf_salt_key_needs_derive),
		cmocka_unit_test(test_onem2m_conf_previous_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
