/*
 * test_emu_scp80.c - the SMS keyset's policy decided inside the emulator,
 * whatever the mechanism layer lets through: called on the backend table
 * directly (no src/mech in between), a KIc or KID refuses the generic
 * AES mechanisms, the SCP80 mechanisms refuse a KIc or a plain key (and
 * POR_UNWRAP the wrong direction and PoR data), and a
 * keyset whose coding names DES cannot be made.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "test_emu_token_support.h"
#include "test_set_mech.h"

static const uint8_t kic_v[16] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t kid_v[16] = {0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static se_ref sms_item(se_token *t, const uint8_t *v, CK_ULONG slot, uint8_t kic_byte, CK_RV want)
{
	se_item_policy pol = {CK_PORTFOLIO_SRV_SMS,
	                      CK_PORTFOLIO_SMS_INDEX(slot, kic_byte, 0x22, 0x1639, 0xb00011), SE_USE_ALL, 0, 0};
	se_ref r = 0;
	assert_int_equal(se_emulator_backend.item_put(t, SE_ITEM_AES_KEY, v, 16, 0, &pol, &r), want);
	return r;
}

static CK_RV init(se_op *op, CK_MECHANISM_TYPE m, se_op_kind kind, se_ref key)
{
	static const uint8_t iv[16];
	se_op_params p;
	memset(&p, 0, sizeof p);
	fake_set_mech(&p, m);
	if (p.fam == SE_FAM_CIPHER) {
		p.u.cipher.iv = iv;
		p.u.cipher.iv_len = sizeof iv;
	}
	CK_RV rv = se_emulator_backend.op_init(op, kind, &p, key);
	se_emulator_backend.op_abort(op);
	return rv;
}

static void test_sms_keys_serve_scp80_only(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	se_op *op = NULL;
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	se_ref kic = sms_item(t, kic_v, CK_PORTFOLIO_SMS_SLOT_KIC, 0x22, CKR_OK);
	se_ref kid = sms_item(t, kid_v, CK_PORTFOLIO_SMS_SLOT_KID, 0x22, CKR_OK);
	assert_int_equal(se_emulator_backend.op_new(t, &op), CKR_OK);
	/* generic mechanisms: no CBC, ECB or CMAC oracle on KIc or KID */
	assert_int_equal(init(op, CKM_AES_CBC, SE_OP_DECRYPT, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(op, CKM_AES_CBC, SE_OP_ENCRYPT, kid), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(op, CKM_AES_ECB, SE_OP_DECRYPT, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(op, CKM_AES_CMAC, SE_OP_SIGN, kid), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* SCP80: the KID key only, and only in the direction of the mechanism */
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_UNWRAP, SE_OP_DECRYPT, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_UNWRAP, SE_OP_ENCRYPT, kid), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_UNWRAP, SE_OP_DECRYPT, kid), CKR_OK);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_WRAP, SE_OP_ENCRYPT, kid), CKR_OK);
	/* POR_UNWRAP: the sender's decryption of a PoR, on the KID; it carries no
	 * PoR data of its own, whatever the layer above let through */
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_POR_UNWRAP, SE_OP_DECRYPT, kid), CKR_OK);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_POR_UNWRAP, SE_OP_ENCRYPT, kid), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_POR_UNWRAP, SE_OP_DECRYPT, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	se_op_params pd;
	memset(&pd, 0, sizeof pd);
	fake_set_mech(&pd, CKM_PORTFOLIO_SCP80_POR_UNWRAP);
	pd.u.scp80.por_data = kid_v;
	pd.u.scp80.por_data_len = 2;
	assert_int_equal(se_emulator_backend.op_init(op, SE_OP_DECRYPT, &pd, kid), CKR_MECHANISM_PARAM_INVALID);
	se_emulator_backend.op_abort(op);
	/* a plain key is no SMS key */
	se_ref plain = 0;
	assert_int_equal(se_emulator_backend.item_put(t, SE_ITEM_AES_KEY, (const uint8_t *)"0123456789abcdef", 16,
	                                              0, NULL, &plain),
	                 CKR_OK);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_UNWRAP, SE_OP_DECRYPT, plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a KID whose KIc is gone cannot work */
	assert_int_equal(se_emulator_backend.item_delete(t, kic), CKR_OK);
	assert_int_equal(init(op, CKM_PORTFOLIO_SCP80_UNWRAP, SE_OP_DECRYPT, kid), CKR_KEY_HANDLE_INVALID);
	se_emulator_backend.op_free(op);
	emu_close(t);
}

static void test_des_keyset_cannot_be_made(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	sms_item(t, kic_v, CK_PORTFOLIO_SMS_SLOT_KIC, 0x21, CKR_ATTRIBUTE_VALUE_INVALID); /* single DES */
	sms_item(t, kic_v, CK_PORTFOLIO_SMS_SLOT_KIC, 0x25, CKR_ATTRIBUTE_VALUE_INVALID); /* 2-key 3DES */
	sms_item(t, kic_v, 3, 0x22, CKR_ATTRIBUTE_VALUE_INVALID);                         /* no such slot */
	emu_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sms_keys_serve_scp80_only, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_des_keyset_cannot_be_made, emu_fixture_setup,
		                                emu_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
