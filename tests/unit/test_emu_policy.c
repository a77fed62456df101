/*
 * test_emu_policy.c - the emulator decides at op_init from each item's sealed
 * policy (se.h, src/se/emu/emu_policy.c), whatever the caller asks:
 *   - usage and service of the key;
 *   - a device key signs (AUTH) and encrypts (ENC) only SOURCE_TOKEN;
 *   - SOURCE_TOKEN items must belong to the identity named;
 *   - ENC encrypts an identity value only while it matches the provisioned
 *     hash, unless the SO marked the identity ENCRYPT_CURRENT.
 * The operation half is driven directly, as a caller bypassing src/mech would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"
#include "test_emu_ops_fake.h"
#include "se/emu/emu_ops_local.h"

#define UC1_KEY "000102030405060708090a0b0c0d0e0f"
#define UC1_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define UC1_CMAC "bc63149ae113d2117da5598c57262d5b"
#define UC2_KEY "101112131415161718191a1b1c1d1e1f"
#define UC2_IDENTITY "ACME-Car-Model-7"
#define UC2_HASH "7a2578206ac59dc2006daf5d2f1c2e1449576090744ffb75ea9070866e347f9d"
static const uint8_t challenge[] = { 0x02, 0x34, 0x51, 0x78 };

/* device keys (sign / encrypt), a verify-only server copy, a plain key; identity 3
 * (UC1 hash), identity 7 (UC2 value and hash), identity 2 (another hash) */
static se_ref k_auth, k_auth_hmac, k_enc, k_verify_only, k_plain, r_hash3, r_value7, r_hash7, r_hash2;
static se_op *op;

static int setup(void **state)
{
	uint8_t b[64];
	(void)state;
	fake_reset();
	k_auth = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64)), CK_PORTFOLIO_SRV_AUTHENT,
	                     SE_USE_SIGN | SE_USE_VERIFY);
	k_auth_hmac = fake_policy(fake_put(SE_ITEM_GENERIC_SECRET, b, unhex(UC1_KEY, b, 64)),
	                          CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN);
	k_enc = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC2_KEY, b, 64)), CK_PORTFOLIO_SRV_ENCRYPT,
	                    SE_USE_ENCRYPT | SE_USE_DECRYPT);
	k_verify_only = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64)),
	                            CK_PORTFOLIO_SRV_AUTHENT, SE_USE_VERIFY);
	k_plain = fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64));
	r_hash3 = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC1_HASH, b, 64)), 3, 0);
	r_value7 = fake_identity(fake_put(SE_ITEM_IDENTITY_VALUE, UC2_IDENTITY, 16), 7, 0);
	r_hash7 = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC2_HASH, b, 64)), 7, 0);
	r_hash2 = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC2_HASH, b, 64)), 2, 0);
	return emu_op_new(FAKE_TOKEN, &op) == CKR_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	emu_op_free(op);
	fake_reset();
	return 0;
}

static se_op_params pf(CK_MECHANISM_TYPE m, CK_ULONG source, CK_ULONG id, se_ref hash, se_ref value)
{
	se_op_params p;
	memset(&p, 0, sizeof(p));
	fake_set_mech(&p, m);
	p.u.pf.source = source;
	p.u.pf.identity_id = id;
	p.u.pf.identity_hash_ref = hash;
	p.u.pf.identity_value_ref = value;
	p.u.pf.challenge = challenge;
	p.u.pf.challenge_len = sizeof(challenge);
	return p;
}

static se_op_params plain(CK_MECHANISM_TYPE m)
{
	se_op_params p = pf(m, 0, 0, 0, 0);
	p.u.pf.challenge_len = 0; /* standard mechanisms take none */
	return p;
}

/* Issue 8 item 1: no signature over a caller's identity string or hash. */
static void test_device_key_signs_only_token(void **state)
{
	(void)state;
	se_op_params data = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_DATA, 0, 0, 0);
	se_op_params hash = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_HASH, 0, 0, 0);
	se_op_params token = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, 3, r_hash3, 0);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &data, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &hash, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	fake_set_mech(&data, CKM_PORTFOLIO_AUTH_HMAC);
	fake_set_mech(&hash, CKM_PORTFOLIO_AUTH_HMAC);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &data, k_auth_hmac), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &hash, k_auth_hmac), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* nothing of a refused operation is left running */
	uint8_t out[32];
	size_t n = sizeof(out);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* the provisioned hash signs; data and hashes still verify (server side) */
	n = sizeof(out);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &token, k_auth), CKR_OK);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OK);
	assert_hex_equal(out, 16, UC1_CMAC);
	fake_set_mech(&hash, CKM_PORTFOLIO_AUTH_CMAC);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &hash, k_auth), CKR_OK);
	uint8_t h[32];
	unhex(UC1_HASH, h, 32);
	assert_int_equal(emu_op_update(op, h, 32, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, out, 16), CKR_OK);
}

/* Issue 8 item 1: no encryption of caller data with a device key. */
static void test_device_key_encrypts_only_token(void **state)
{
	(void)state;
	se_op_params data = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_DATA, 0, 0, 0);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &data, k_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	fake_set_mech(&data, CKM_PORTFOLIO_ENC_CBC);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &data, k_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* decryption of data stays (server side) */
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &data, k_enc), CKR_OK);
	emu_op_abort(op);
}

/* The sealed usage and service decide, not the mechanism the caller picks. */
static void test_usage_and_service(void **state)
{
	(void)state;
	se_op_params token = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, 3, r_hash3, 0);
	se_op_params cmac = plain(CKM_AES_CMAC);
	se_op_params gcm = plain(CKM_AES_ECB);
	/* a verify-only server copy does not sign */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &token, k_verify_only), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &token, k_verify_only), CKR_OK);
	emu_op_abort(op);
	/* a keyset key is no generic CMAC or AES oracle ... */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &cmac, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &cmac, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &gcm, k_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* ... nor serves the other service ... */
	se_op_params dec = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_DATA, 0, 0, 0);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &dec, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &token, k_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* ... and a plain key serves no Portfolio mechanism */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &token, k_plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &cmac, k_plain), CKR_OK);
	emu_op_abort(op);
	/* usage bits, one by one */
	fake_policy(k_plain, SE_SERVICE_NONE, SE_USE_ALL & ~SE_USE_SIGN);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &cmac, k_plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	fake_policy(k_plain, SE_SERVICE_NONE, SE_USE_ALL & ~SE_USE_ENCRYPT);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &gcm, k_plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	fake_policy(k_plain, SE_SERVICE_NONE, SE_USE_ALL & ~SE_USE_DECRYPT);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &gcm, k_plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	fake_policy(k_plain, SE_SERVICE_NONE, SE_USE_ALL & ~SE_USE_VERIFY);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &cmac, k_plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
}

/* SOURCE_TOKEN items must carry the identity the caller names. */
static void test_identity_binding(void **state)
{
	(void)state;
	/* Identity 3 pointed at identity 2's hash */
	se_op_params p = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, 3, r_hash2, 0);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_auth), CKR_MECHANISM_PARAM_INVALID);
	p = pf(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, 2, r_hash3, 0);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_auth), CKR_MECHANISM_PARAM_INVALID);
	/* ENC: value of 7 with the hash of 2, or named as identity 2 */
	p = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_TOKEN, 7, r_hash2, r_value7);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_MECHANISM_PARAM_INVALID);
	p = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_TOKEN, 2, r_hash2, r_value7);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_MECHANISM_PARAM_INVALID);
	p = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_TOKEN, 7, r_hash7, r_value7);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_OK);
	emu_op_abort(op);
}

static CK_RV encrypt_decrypt(const se_op_params *p, uint8_t *back, size_t *back_len)
{
	uint8_t out[128];
	size_t n = sizeof(out);
	CK_RV rv = emu_op_init(op, SE_OP_ENCRYPT, p, k_enc);
	if (rv != CKR_OK)
		return rv;
	if ((rv = emu_op_final(op, out, &n)) != CKR_OK)
		return rv;
	se_op_params d = pf(p->mech, 0, 0, 0, 0);
	if ((rv = emu_op_init(op, SE_OP_DECRYPT, &d, k_enc)) != CKR_OK)
		return rv;
	size_t ignored = 0;
	if ((rv = emu_op_update(op, out, n, NULL, &ignored)) != CKR_OK)
		return rv;
	return emu_op_final(op, back, back_len);
}

/* Issue 8 item 2: ENC encrypts the provisioned identity, not whatever was written since. */
static void test_enc_bound_to_provisioning(void **state)
{
	(void)state;
	uint8_t back[64];
	size_t m = sizeof(back);
	se_op_params p = pf(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_TOKEN, 7, r_hash7, r_value7);
	assert_int_equal(encrypt_decrypt(&p, back, &m), CKR_OK);
	assert_memory_equal(back, UC2_IDENTITY, 16);
	/* an LwM2M WRITE changed the value: refused, and nothing is released */
	fake_value(r_value7, "ACME-Car-Model-8", 16);
	m = sizeof(back);
	assert_int_equal(encrypt_decrypt(&p, back, &m), CKR_ACTION_PROHIBITED);
	fake_value(r_value7, "ACME-Car-Model-7 ", 17);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_ACTION_PROHIBITED);
	/* no hash provisioned: nothing to bind the value to */
	p.u.pf.identity_hash_ref = 0;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_ACTION_PROHIBITED);
	/* the SO's choice: encrypt the current value */
	fake_identity(r_hash7, 7, SE_IDENTITY_ENCRYPT_CURRENT);
	p.u.pf.identity_hash_ref = r_hash7;
	m = sizeof(back);
	assert_int_equal(encrypt_decrypt(&p, back, &m), CKR_OK);
	assert_int_equal(m, 17);
	assert_memory_equal(back, "ACME-Car-Model-7 ", 17);
	/* CBC follows the same rule */
	fake_identity(r_hash7, 7, 0);
	fake_set_mech(&p, CKM_PORTFOLIO_ENC_CBC);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_ACTION_PROHIBITED);
	fake_value(r_value7, UC2_IDENTITY, 16);
	m = sizeof(back);
	assert_int_equal(encrypt_decrypt(&p, back, &m), CKR_OK);
	assert_memory_equal(back, UC2_IDENTITY, 16);
}

/* CKM_AES_CCM (SE_FAM_AES_CCM) decides like every family: a plain key with the
 * usage asked for; keyset keys and a key without the usage are refused by the
 * emulator itself, whatever the caller's parameters say. */
static void test_ccm_policy(void **state)
{
	static const uint8_t nonce[7] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16 };
	se_op_params p;
	uint8_t b[64];
	(void)state;
	memset(&p, 0, sizeof(p));
	p.fam = SE_FAM_AES_CCM;
	p.mech = CKM_AES_CCM;
	p.u.cipher.iv = nonce;
	p.u.cipher.iv_len = sizeof nonce;
	p.u.cipher.tag_len = 4;
	p.u.cipher.data_len = 4;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	se_ref k_dec_only = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC2_KEY, b, 64)),
	                                SE_SERVICE_NONE, SE_USE_DECRYPT);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_dec_only), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_plain), CKR_MECHANISM_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_plain), CKR_OK);
	emu_op_abort(op);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_dec_only), CKR_OK);
	emu_op_abort(op);
	/* what the mech layer would never send is still refused here */
	p.u.cipher.tag_len = 5;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_plain), CKR_MECHANISM_PARAM_INVALID);
	p.u.cipher.tag_len = 4;
	p.u.cipher.iv_len = 14;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_plain), CKR_MECHANISM_PARAM_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_key_signs_only_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_key_encrypts_only_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_and_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enc_bound_to_provisioning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ccm_policy, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
