/*
 * test_pcsc_policy.c - the host side of the card's item policy without a
 * card: se_item_policy <-> the 11-byte block of docs/apdu.md, and the PKCS#11
 * code of each policy status word (the emulator's for the same rule).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "se/pcsc/pcsc_link.h"
#include "se/pcsc/pcsc_policy.h"

extern const se_backend se_pcsc_backend; /* src/se/pcsc/pcsc_backend.c */

static void test_block_layout(void **state)
{
	se_item_policy key = {CK_PORTFOLIO_SRV_ENCRYPT, 0x01020304UL, SE_USE_ENCRYPT | SE_USE_DECRYPT, 0, 0};
	se_item_policy hash = {SE_SERVICE_NONE, 0, 0, 0x0A0B0C0DUL, SE_IDENTITY_ENCRYPT_CURRENT};
	const uint8_t want_key[PCSC_POLICY_LEN] = {0x01, 0x0C, 1, 2, 3, 4, 0, 0, 0, 0, 0};
	const uint8_t want_hash[PCSC_POLICY_LEN] = {0xFF, 0x00, 0, 0, 0, 0, 0x0A, 0x0B, 0x0C, 0x0D, 0x01};
	const uint8_t want_none[PCSC_POLICY_LEN] = {0xFF};
	uint8_t b[PCSC_POLICY_LEN];
	se_item_policy back;

	(void)state;
	assert_int_equal(pcsc_policy_encode(&key, b), CKR_OK);
	assert_memory_equal(b, want_key, sizeof(b));
	assert_true(pcsc_policy_decode(b, &back));
	assert_int_equal(back.service, key.service);
	assert_int_equal(back.key_index, key.key_index);
	assert_int_equal(back.usage, key.usage);
	assert_int_equal(back.identity_id, 0);
	assert_int_equal(back.identity_flags, 0);
	assert_int_equal(pcsc_policy_encode(&hash, b), CKR_OK);
	assert_memory_equal(b, want_hash, sizeof(b));
	assert_true(pcsc_policy_decode(b, &back));
	assert_int_equal(back.service, SE_SERVICE_NONE);
	assert_int_equal(back.identity_id, 0x0A0B0C0DUL);
	assert_int_equal(back.identity_flags, SE_IDENTITY_ENCRYPT_CURRENT);
	/* no policy at all: service none, nothing allowed */
	assert_int_equal(pcsc_policy_encode(NULL, b), CKR_OK);
	assert_memory_equal(b, want_none, sizeof(b));
}

/* What the block cannot say is refused before anything travels. */
static void test_block_refusals(void **state)
{
	se_item_policy p = {CK_PORTFOLIO_SRV_AUTHENT, 0, SE_USE_SIGN, 0, 0};
	uint8_t b[PCSC_POLICY_LEN];

	(void)state;
	p.service = 2;
	assert_int_equal(pcsc_policy_encode(&p, b), CKR_ATTRIBUTE_VALUE_INVALID);
	p.service = CK_PORTFOLIO_SRV_AUTHENT;
	p.usage = 0x10;
	assert_int_equal(pcsc_policy_encode(&p, b), CKR_ATTRIBUTE_VALUE_INVALID);
	p.usage = SE_USE_SIGN;
	p.identity_flags = 0x02;
	assert_int_equal(pcsc_policy_encode(&p, b), CKR_ATTRIBUTE_VALUE_INVALID);
	p.identity_flags = 0;
	if (sizeof(CK_ULONG) > 4) {
		p.key_index = (CK_ULONG)1 << 16 << 16;
		assert_int_equal(pcsc_policy_encode(&p, b), CKR_ATTRIBUTE_VALUE_INVALID);
		p.key_index = 0;
		p.identity_id = (CK_ULONG)1 << 16 << 16;
		assert_int_equal(pcsc_policy_encode(&p, b), CKR_ATTRIBUTE_VALUE_INVALID);
	}
	/* a card answer the applet could not hold */
	memset(b, 0, sizeof(b));
	b[0] = 0x07;
	assert_false(pcsc_policy_decode(b, &p));
	b[0] = 0x00;
	b[1] = 0x80;
	assert_false(pcsc_policy_decode(b, &p));
	b[1] = 0x00;
	b[10] = 0x04;
	assert_false(pcsc_policy_decode(b, &p));
}

/* Each policy status word maps to the emulator's code for the same rule. */
static void test_policy_status_words(void **state)
{
	(void)state;
	assert_int_equal(pcsc_sw_to_rv(0x69F1, 0, 0), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(pcsc_sw_to_rv(0x69F2, 0, 0), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(pcsc_sw_to_rv(0x69F3, 0, 0), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(pcsc_sw_to_rv(0x69F4, 0, 0), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(pcsc_sw_to_rv(0x69F5, 0, 0), CKR_ACTION_PROHIBITED);
	assert_int_equal(pcsc_sw_to_rv(0x69F6, 0, 0), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(pcsc_sw_to_rv(0x69F7, 0, 0), CKR_DEVICE_ERROR);
	/* the command-dependent ones are unchanged */
	assert_int_equal(pcsc_sw_to_rv(0x63C2, 0, 0), CKR_PIN_INCORRECT);
	assert_int_equal(pcsc_sw_to_rv(0x6700, 0, 1), CKR_SIGNATURE_LEN_RANGE);
	assert_int_equal(pcsc_sw_to_rv(0x6A80, 1, 0), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(pcsc_sw_to_rv(0x9000, 0, 0), CKR_OK);
}

/* The card has no SMS keyset (docs/sms.md): a key of service SMS cannot be
 * sealed for it (above, service 2), and the SCP80 mechanisms are refused at
 * init, before anything travels, whatever the key. */
static void test_scp80_refused(void **state)
{
	static const struct {
		se_op_kind kind;
		se_scp80_op op;
	} cases[] = {
		{SE_OP_ENCRYPT, SE_SCP80_WRAP}, {SE_OP_DECRYPT, SE_SCP80_UNWRAP}, {SE_OP_DECRYPT, SE_SCP80_POR_UNWRAP},
	};
	se_op *op = NULL;

	(void)state;
	assert_int_equal(se_pcsc_backend.op_new(NULL, &op), CKR_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		se_op_params p = {.fam = SE_FAM_SCP80, .mech = CKM_PORTFOLIO_SCP80_WRAP};
		p.u.scp80.op = cases[i].op;
		assert_int_equal(se_pcsc_backend.op_init(op, cases[i].kind, &p, 1), CKR_MECHANISM_INVALID);
	}
	se_pcsc_backend.op_free(op);
}

/* A diversification master is usage 20 on the card and nothing else: the
 * module's SE_USE_MASTER | SE_USE_DERIVE exactly, and back. */
static void test_master_block(void **state)
{
	se_item_policy m = {CK_PORTFOLIO_SRV_AUTHENT, 0, SE_USE_MASTER | SE_USE_DERIVE, 0, 0}, back;
	const uint8_t want[PCSC_POLICY_LEN] = {0x00, 0x20};
	uint8_t b[PCSC_POLICY_LEN];

	(void)state;
	assert_int_equal(pcsc_policy_encode(&m, b), CKR_OK);
	assert_memory_equal(b, want, sizeof(b));
	assert_true(pcsc_policy_decode(b, &back));
	assert_int_equal(back.usage, SE_USE_MASTER | SE_USE_DERIVE);
	assert_int_equal(back.service, CK_PORTFOLIO_SRV_AUTHENT);
	m.usage = SE_USE_MASTER; /* without DERIVE: not a master the core makes */
	assert_int_equal(pcsc_policy_encode(&m, b), CKR_ATTRIBUTE_VALUE_INVALID);
	m.usage = SE_USE_MASTER | SE_USE_DERIVE | SE_USE_VERIFY;
	assert_int_equal(pcsc_policy_encode(&m, b), CKR_ATTRIBUTE_VALUE_INVALID);
	b[1] = 0x22; /* master and verify: no item the applet holds */
	assert_false(pcsc_policy_decode(b, &back));
}

/* SE_FAM_DIV_AUTH: what one PORTFOLIO DIV VERIFY cannot carry is refused at
 * init, before anything travels (no card needed). */
static void test_div_init(void **state)
{
	static const uint8_t chal[4] = {0x02, 0x34, 0x51, 0x78};
	static const uint8_t dev[117] = {'d'};
	se_op *op = NULL;
	se_op_params p = {.fam = SE_FAM_DIV_AUTH, .mech = CKM_PORTFOLIO_DIV_AUTH_CMAC};

	(void)state;
	p.u.div.pf = (se_pf_params){.alg = SE_PF_AUTH_CMAC, .source = CKP_PORTFOLIO_SOURCE_HASH,
	                            .challenge = chal, .challenge_len = sizeof chal};
	p.u.div.device_id = dev;
	p.u.div.device_id_len = 116;
	p.u.div.instance = 1;
	p.u.div.key_index = 1;
	p.u.div.key_len = 16;
	assert_int_equal(se_pcsc_backend.op_new(NULL, &op), CKR_OK);
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_OK);
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_SIGN, &p, 1), CKR_MECHANISM_INVALID);
	p.u.div.device_id_len = 117; /* over the card's one-APDU limit */
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_MECHANISM_PARAM_INVALID);
	p.u.div.device_id_len = 116;
	p.u.div.key_len = 24;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_MECHANISM_PARAM_INVALID);
	p.u.div.key_len = 32;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_OK);
	p.u.div.pf.source = CKP_PORTFOLIO_SOURCE_TOKEN;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_MECHANISM_PARAM_INVALID);
	p.u.div.pf.source = CKP_PORTFOLIO_SOURCE_HASH;
	p.u.div.pf.alg = SE_PF_AUTH_HMAC; /* a 32-byte signature: D at most 100 */
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_MECHANISM_PARAM_INVALID);
	p.u.div.device_id_len = 100;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_OK);
	p.u.div.key_len = 64;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_OK);
	p.u.div.key_len = 65;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_VERIFY, &p, 1), CKR_MECHANISM_PARAM_INVALID);
	p.fam = SE_FAM_DIV_ENC;
	p.u.div.pf.alg = SE_PF_ENC_GCM;
	assert_int_equal(se_pcsc_backend.op_init(op, SE_OP_DECRYPT, &p, 1), CKR_MECHANISM_INVALID);
	se_pcsc_backend.op_free(op);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_layout),
		cmocka_unit_test(test_block_refusals),
		cmocka_unit_test(test_policy_status_words),
		cmocka_unit_test(test_scp80_refused),
		cmocka_unit_test(test_master_block),
		cmocka_unit_test(test_div_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
