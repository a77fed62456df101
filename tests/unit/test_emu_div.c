/*
 * test_emu_div.c - the secure component decides CKM_PORTFOLIO_DIV_* (issue
 * 10 item 2 "Server"), whatever the layers above let through: called at the
 * emulator's op half directly, with sealed policies in the fake item table.
 *   - a master (SE_USE_MASTER | SE_USE_DERIVE, service s) verifies (AUTH) or
 *     decrypts (ENC) through the diversified families of its service only;
 *   - it never signs or encrypts, never takes SOURCE_TOKEN, and never runs a
 *     device family (AUTH, ENC) or a standard one;
 *   - the diversified families take nothing but a master.
 * Known answers: the openssl CLI / python3-cryptography figures of
 * test_p11_div.c (docs/mechanisms.md 10.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"
#include "test_emu_ops_fake.h"

#define DEVICE "urn:imei:490154203237518"
#define ID_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define SIG_CMAC "0d1786ea88c687b268b1d708ad95b586"
#define ENC_ANSWER "000102030405060708090a0b2f6d3b4ea0d821ecfbdea528f075c3705cd04471aea9b504023b13d51e9bd0a841"
#define MASTER_HEX "000102030405060708090a0b0c0d0e0f"
#define MASTER_USE (SE_USE_MASTER | SE_USE_DERIVE)

static const uint8_t challenge[4] = {0x02, 0x34, 0x51, 0x78};

static se_op_params div_params(CK_MECHANISM_TYPE mech, CK_ULONG index, size_t key_len, CK_ULONG source)
{
	se_op_params p;
	memset(&p, 0, sizeof p);
	fake_set_mech(&p, mech);
	p.u.div.pf.source = source;
	p.u.div.pf.challenge = challenge;
	p.u.div.pf.challenge_len = sizeof challenge;
	p.u.div.device_id = (const uint8_t *)DEVICE;
	p.u.div.device_id_len = strlen(DEVICE);
	p.u.div.instance = 1;
	p.u.div.key_index = index;
	p.u.div.key_len = key_len;
	return p;
}

static se_ref key_with(CK_ULONG service, unsigned usage)
{
	uint8_t b[16];
	return fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(MASTER_HEX, b, sizeof b)), service, usage);
}

static CK_RV verify(se_op *op, const se_op_params *p, se_ref key, const char *sig_hex)
{
	uint8_t hash[32], sig[16];
	unhex(ID_HASH, hash, 32);
	unhex(sig_hex, sig, 16);
	CK_RV rv = emu_op_init(op, SE_OP_VERIFY, p, key);
	if (rv == CKR_OK)
		rv = emu_op_update(op, hash, 32, NULL, NULL);
	return rv == CKR_OK ? emu_op_verify_final(op, sig, 16) : rv;
}

static void test_master_verifies_only(void **state)
{
	(void)state;
	se_op *op;
	fake_reset();
	se_ref m_auth = key_with(CK_PORTFOLIO_SRV_AUTHENT, MASTER_USE);
	se_ref m_enc = key_with(CK_PORTFOLIO_SRV_ENCRYPT, MASTER_USE);
	se_ref device = key_with(CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_VERIFY);
	se_ref no_derive = key_with(CK_PORTFOLIO_SRV_AUTHENT, SE_USE_MASTER);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	se_op_params p = div_params(CKM_PORTFOLIO_DIV_AUTH_CMAC, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	assert_int_equal(verify(op, &p, m_auth, SIG_CMAC), CKR_OK);
	assert_int_equal(verify(op, &p, m_auth, "0d1786ea88c687b268b1d708ad95b587"), CKR_SIGNATURE_INVALID);
	/* the master of the other service, a device key, a master that may not derive */
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, m_enc), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, device), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, no_derive), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* never as a device: sign, encrypt, SOURCE_TOKEN */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, m_auth), CKR_MECHANISM_INVALID);
	se_op_params e = div_params(CKM_PORTFOLIO_DIV_ENC_GCM, 2, 32, CKP_PORTFOLIO_SOURCE_DATA);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &e, m_enc), CKR_MECHANISM_INVALID);
	p.u.div.pf.source = CKP_PORTFOLIO_SOURCE_TOKEN;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, m_auth), CKR_MECHANISM_PARAM_INVALID);
	/* a master in a device family or a standard one */
	se_op_params a;
	memset(&a, 0, sizeof a);
	fake_set_mech(&a, CKM_PORTFOLIO_AUTH_CMAC);
	a.u.pf = (se_pf_params){SE_PF_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_HASH, 0, 0, 0, challenge, 4};
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &a, m_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	se_ref plain_master = key_with(SE_SERVICE_NONE, MASTER_USE | SE_USE_ALL);
	se_op_params c;
	memset(&c, 0, sizeof c);
	fake_set_mech(&c, CKM_AES_CMAC);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &c, plain_master), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* device key lengths the device mechanism does not take; a device id over 128 */
	p = div_params(CKM_PORTFOLIO_DIV_AUTH_CMAC, 1, 24, CKP_PORTFOLIO_SOURCE_HASH);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, m_auth), CKR_MECHANISM_PARAM_INVALID);
	p = div_params(CKM_PORTFOLIO_DIV_AUTH_CMAC, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	p.u.div.device_id_len = CK_PORTFOLIO_MAX_DEVICE_ID + 1;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, m_auth), CKR_MECHANISM_PARAM_INVALID);
	emu_op_free(op);
	fake_reset();
}

static void test_master_decrypts(void **state)
{
	(void)state;
	se_op *op;
	uint8_t in[64], out[64];
	size_t n = unhex(ENC_ANSWER, in, sizeof in), w;
	fake_reset();
	se_ref m_enc = key_with(CK_PORTFOLIO_SRV_ENCRYPT, MASTER_USE);
	se_ref m_auth = key_with(CK_PORTFOLIO_SRV_AUTHENT, MASTER_USE);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	se_op_params p = div_params(CKM_PORTFOLIO_DIV_ENC_GCM, 2, 32, 0);
	for (int round = 0; round < 2; round++) { /* the second time: the kept PRF context */
		assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, m_enc), CKR_OK);
		w = 0;
		assert_int_equal(emu_op_update(op, in, n, out, &w), CKR_OK);
		w = sizeof out;
		assert_int_equal(emu_op_final(op, out, &w), CKR_OK);
		assert_int_equal(w, 13);
		assert_memory_equal(out, "HostSwV-1.2.3", 13);
	}
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, m_auth), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a tampered answer */
	in[20] ^= 1;
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, m_enc), CKR_OK);
	w = 0;
	assert_int_equal(emu_op_update(op, in, n, out, &w), CKR_OK);
	w = sizeof out;
	assert_int_equal(emu_op_final(op, out, &w), CKR_ENCRYPTED_DATA_INVALID);
	emu_op_free(op);
	fake_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master_verifies_only),
		cmocka_unit_test(test_master_decrypts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
