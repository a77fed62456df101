/*
 * test_emu_wrap.c - the emulator decides key transport from the policies it
 * sealed with its items, whatever the caller says (issue 10 item 3): the
 * usage bits SE_USE_WRAP / UNWRAP / EXPORT / WRAP_UNTRUSTED / TRUSTED, kept
 * across a new login, shrunk by item_restrict, and the bound blob's facts
 * (a key of no keyset may land narrower, never wider).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "test_emu_token_support.h"

static const uint8_t kek_value[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                      0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t key_value[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

static se_ref put(se_token *t, const uint8_t *v, CK_ULONG service, unsigned usage)
{
	se_item_policy pol = {.service = service, .key_index = service == SE_SERVICE_NONE ? 0 : 1, .usage = usage};
	se_ref r = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, v, 16, SE_ITEM_PERSISTENT, &pol, &r), CKR_OK);
	return r;
}

static CK_RV wrap(se_token *t, se_ref kek, CK_MECHANISM_TYPE mech, se_ref key)
{
	uint8_t out[64];
	size_t len = sizeof out;
	return emu_item_wrap(t, kek, mech, key, out, &len);
}

static void test_wrap_rules(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref kek = put(t, kek_value, SE_SERVICE_NONE, SE_USE_WRAP | SE_USE_UNWRAP);
	se_ref nowrap = put(t, kek_value, SE_SERVICE_NONE, SE_USE_ALL | SE_USE_UNWRAP | SE_USE_EXPORT);
	se_ref sealed = put(t, key_value, SE_SERVICE_NONE, SE_USE_DECRYPT | SE_USE_WRAP_UNTRUSTED);
	se_ref only_trusted = put(t, key_value, SE_SERVICE_NONE, SE_USE_DECRYPT | SE_USE_EXPORT);
	se_ref free_key = put(t, key_value, SE_SERVICE_NONE, SE_USE_DECRYPT | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED);
	se_ref keyset = put(t, key_value, CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED);

	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, sealed), CKR_KEY_UNEXTRACTABLE);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, only_trusted), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(wrap(t, nowrap, CKM_AES_KEY_WRAP, free_key), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(wrap(t, keyset, CKM_AES_KEY_WRAP, free_key), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, keyset), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP_KWP, keyset), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(wrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, keyset), CKR_OK);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, free_key), CKR_OK);
	assert_int_equal(wrap(t, kek, CKM_AES_ECB, free_key), CKR_MECHANISM_INVALID);

	/* the bits are sealed: a new login reads them back; restrict takes EXPORT away */
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_item_policy pol;
	assert_int_equal(emu_item_policy(t, free_key, &pol), CKR_OK);
	assert_int_equal(pol.usage, SE_USE_DECRYPT | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, free_key), CKR_OK);
	assert_int_equal(emu_item_restrict(t, free_key, SE_USE_DECRYPT | SE_USE_WRAP_UNTRUSTED), CKR_OK);
	assert_int_equal(wrap(t, kek, CKM_AES_KEY_WRAP, free_key), CKR_KEY_UNEXTRACTABLE);
	assert_int_equal(emu_item_restrict(t, free_key, SE_USE_DECRYPT | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED),
	                 CKR_ATTRIBUTE_READ_ONLY);
	emu_close(t);
}

static void test_trusted_is_the_sos(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	se_item_policy pol = {.service = SE_SERVICE_NONE, .usage = SE_USE_WRAP | SE_USE_TRUSTED};
	se_ref r = 0;
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, kek_value, 16, 0, &pol, &r), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, 0, &pol, &r), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, kek_value, 16, 0, &pol, &r), CKR_OK);
	se_ref only_trusted = put(t, key_value, SE_SERVICE_NONE, SE_USE_DECRYPT | SE_USE_EXPORT);
	assert_int_equal(wrap(t, r, CKM_AES_KEY_WRAP, only_trusted), CKR_OK);
	emu_close(t);
}

/* Unwrap: the UNWRAP bit; a bound blob's service, index, usage and kind are the item's. */
static void test_unwrap_rules(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref kek = put(t, kek_value, SE_SERVICE_NONE, SE_USE_WRAP | SE_USE_UNWRAP);
	se_ref wrap_only = put(t, kek_value, SE_SERVICE_NONE, SE_USE_WRAP);
	se_ref keyset = put(t, key_value, CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED);
	uint8_t blob[64];
	size_t len = sizeof blob;
	assert_int_equal(emu_item_wrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, keyset, blob, &len), CKR_OK);
	assert_int_equal(emu_item_delete(t, keyset), CKR_OK);
	se_unwrap_info info = {0};
	assert_int_equal(emu_item_unwrap(t, wrap_only, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, NULL,
	                                 NULL),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, NULL, NULL),
	                 CKR_OK);
	assert_true(info.bound);
	assert_int_equal(info.kind, SE_ITEM_AES_KEY);
	assert_int_equal(info.len, 16);
	assert_int_equal(info.pol.service, CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(info.pol.key_index, 1);
	assert_int_equal(info.pol.usage, SE_USE_SIGN);
	se_item_policy pol = info.pol;
	se_ref r = 0;
	pol.key_index = 2;
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, &pol, &r),
	                 CKR_TEMPLATE_INCONSISTENT);
	pol = info.pol;
	pol.usage = SE_USE_SIGN | SE_USE_ENCRYPT;
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, &pol, &r),
	                 CKR_TEMPLATE_INCONSISTENT);
	pol = info.pol;
	pol.usage |= SE_USE_EXPORT; /* key management is the new token's choice */
	se_unwrap_info as_generic = info;
	as_generic.kind = SE_ITEM_GENERIC_SECRET;
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &as_generic, 0, &pol, &r),
	                 CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, &pol, &r),
	                 CKR_OK);
	uint8_t v[16];
	size_t vlen = sizeof v;
	assert_int_equal(emu_item_read(t, r, v, &vlen), CKR_ATTRIBUTE_SENSITIVE); /* not READABLE */
	se_item_policy got;
	assert_int_equal(emu_item_policy(t, r, &got), CKR_OK);
	assert_int_equal(got.usage, SE_USE_SIGN | SE_USE_EXPORT);
	emu_close(t);
}

/* A bound key of no keyset (a oneM2M content key) may land narrower than it
 * left - decrypt-only - and the narrower usage is what the component seals
 * (op_init decides from it: test_emu_policy; C_EncryptInit refused end to end:
 * test_p11_wrap test_bound_narrows); a wider one is refused, bit by bit. A keyset key keeps exactly
 * its own (test_unwrap_rules). */
static void test_unwrap_narrows(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref kek = put(t, kek_value, SE_SERVICE_NONE, SE_USE_WRAP | SE_USE_UNWRAP);
	se_ref content = put(t, key_value, SE_SERVICE_NONE,
	                     SE_USE_ENCRYPT | SE_USE_DECRYPT | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED);
	uint8_t blob[64];
	size_t len = sizeof blob;
	assert_int_equal(emu_item_wrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, content, blob, &len), CKR_OK);
	se_unwrap_info info = {0};
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, NULL, NULL),
	                 CKR_OK);
	assert_int_equal(info.pol.usage, SE_USE_ENCRYPT | SE_USE_DECRYPT);
	static const unsigned wider[] = {SE_USE_DECRYPT | SE_USE_SIGN, SE_USE_DECRYPT | SE_USE_VERIFY,
	                                 SE_USE_DECRYPT | SE_USE_DERIVE, SE_USE_DECRYPT | SE_USE_MASTER};
	se_item_policy pol = info.pol;
	se_ref r = 0;
	for (size_t i = 0; i < sizeof wider / sizeof wider[0]; i++) {
		pol.usage = wider[i];
		assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info, 0, &pol, &r),
		                 CKR_TEMPLATE_INCONSISTENT);
	}
	pol.usage = SE_USE_DECRYPT;
	assert_int_equal(emu_item_unwrap(t, kek, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, blob, len, &info,
	                                 SE_ITEM_PERSISTENT, &pol, &r),
	                 CKR_OK);
	se_item_policy got;
	assert_int_equal(emu_item_policy(t, r, &got), CKR_OK);
	assert_int_equal(got.usage, SE_USE_DECRYPT);
	/* sealed: a new login reads the narrow usage back */
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_policy(t, r, &got), CKR_OK);
	assert_int_equal(got.usage, SE_USE_DECRYPT);
	emu_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrap_rules, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_trusted_is_the_sos, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unwrap_rules, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unwrap_narrows, emu_fixture_setup, emu_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
