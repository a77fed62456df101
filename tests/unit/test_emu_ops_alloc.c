/*
 * test_emu_ops_alloc.c - the device signing path allocates nothing.
 *
 * Counts every allocation OpenSSL makes (CRYPTO_set_mem_functions, installed
 * before OpenSSL allocates anything) and every malloc/calloc/realloc made by
 * the module's own objects linked into this test (-Wl,--wrap), while
 * CKM_AES_CMAC and CKM_PORTFOLIO_AUTH_CMAC (the token source: the only one a
 * device key signs) sign repeatedly through the emulator's op half, after one
 * warm-up signature, and SOURCE_HASH verifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <openssl/crypto.h>

#include "crypto/crypto.h"
#include "test_crypto_util.h"
#include "test_emu_ops_fake.h"

#include "alloc_count.h"

static const uint8_t challenge[4] = { 0x02, 0x34, 0x51, 0x78 };

static void sign_many(se_op *op, const se_op_params *p, se_ref key, const uint8_t *data, size_t len,
                      const char *expect)
{
	uint8_t out[16];
	size_t n;

	for (int i = 0; i < 101; i++) {
		if (i == 1)
			counting = 1; /* the first round may create contexts */
		n = 0;
		assert_int_equal(emu_op_init(op, SE_OP_SIGN, p, key), CKR_OK);
		assert_int_equal(emu_op_update(op, data, len, NULL, &n), CKR_OK);
		n = sizeof(out);
		assert_int_equal(emu_op_final(op, out, &n), CKR_OK);
		assert_hex_equal(out, 16, expect);
	}
	counting = 0;
}

static void test_signing_does_not_allocate(void **state)
{
	uint8_t b[64], hash[32];
	se_ref k_rfc, k_uc1, k_uc1b, r_hash;
	se_op *op;
	se_op_params p;
	(void)state;

	fake_reset();
	k_rfc = fake_put(SE_ITEM_AES_KEY, b, unhex("2b7e151628aed2a6abf7158809cf4f3c", b, 64));
	k_uc1 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex("000102030405060708090a0b0c0d0e0f", b, 64)),
	                    CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_VERIFY);
	k_uc1b = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex("2b7e151628aed2a6abf7158809cf4f3c", b, 64)),
	                     CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_VERIFY);
	unhex("38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185", hash, 32);
	r_hash = fake_put(SE_ITEM_IDENTITY_HASH, hash, 32);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);

	memset(&p, 0, sizeof(p));
	fake_set_mech(&p, CKM_AES_CMAC);
	unhex("6bc1bee22e409f96e93d7e117393172a", b, 16);
	allocs = 0;
	sign_many(op, &p, k_rfc, b, 16, "070a16b46b4d4144f79bdd9dd04a287c");
	assert_int_equal(allocs, 0);

	fake_set_mech(&p, CKM_PORTFOLIO_AUTH_CMAC);
	p.u.pf.source = CKP_PORTFOLIO_SOURCE_TOKEN;
	p.u.pf.identity_hash_ref = r_hash;
	p.u.pf.identity_id = 3; /* fake_put's identity */
	p.u.pf.challenge = challenge;
	p.u.pf.challenge_len = 4;
	allocs = 0;
	sign_many(op, &p, k_uc1, NULL, 0, "bc63149ae113d2117da5598c57262d5b");
	assert_int_equal(allocs, 0);

	/* alternating keys re-keys in place: still nothing */
	allocs = 0;
	counting = 1;
	for (int i = 0; i < 20; i++) {
		uint8_t out[16];
		size_t n = sizeof(out);
		assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, (i & 1) ? k_uc1 : k_uc1b), CKR_OK);
		n = sizeof(out);
		assert_int_equal(emu_op_final(op, out, &n), CKR_OK);
	}
	counting = 0;
	assert_int_equal(allocs, 0);

	/* SOURCE_HASH verification (the server side): nothing either */
	uint8_t tag[16];
	unhex("bc63149ae113d2117da5598c57262d5b", tag, 16);
	p.u.pf.source = CKP_PORTFOLIO_SOURCE_HASH;
	allocs = 0;
	for (int i = 0; i < 21; i++) {
		counting = i > 0;
		assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
		assert_int_equal(emu_op_update(op, hash, 32, NULL, NULL), CKR_OK);
		assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_OK);
	}
	counting = 0;
	assert_int_equal(allocs, 0);

	/* control: SOURCE_DATA re-creates OpenSSL's SHA-256 context (documented),
	 * which proves the counter sees OpenSSL's allocations */
	p.u.pf.source = CKP_PORTFOLIO_SOURCE_DATA;
	allocs = 0;
	counting = 1;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)"HostSwV-1.2.3", 13, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_OK);
	counting = 0;
	assert_true(allocs > 0);

	emu_op_free(op);
	fake_reset();
}

/* CKM_PORTFOLIO_DIV_*: the device key derived inside the op (KDF context kept
 * in the session's op, re-keyed or restarted), for a new device every time,
 * masters of two lengths alternating: nothing after the first operation with
 * each (the device keys of one length; another length remakes the op's MAC
 * context, as for every family). */
static void test_diversified_does_not_allocate(void **state)
{
	uint8_t b[64], hash[32], tag[16], answer[64], out[64];
	char device[32];
	se_op *op;
	se_op_params p;
	(void)state;

	fake_reset();
	memset(b, 0, sizeof b); /* m2 takes 32 bytes of it */
	unhex("000102030405060708090a0b0c0d0e0f", b, 64);
	se_ref m1 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, 16), CK_PORTFOLIO_SRV_AUTHENT, SE_USE_MASTER | SE_USE_DERIVE);
	se_ref m2 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, 32), CK_PORTFOLIO_SRV_AUTHENT, SE_USE_MASTER | SE_USE_DERIVE);
	se_ref m_enc = fake_policy(fake_put(SE_ITEM_AES_KEY, b, 16), CK_PORTFOLIO_SRV_ENCRYPT, SE_USE_MASTER | SE_USE_DERIVE);
	unhex("38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185", hash, 32);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	memset(&p, 0, sizeof(p));
	fake_set_mech(&p, CKM_PORTFOLIO_DIV_AUTH_CMAC);
	p.u.div.pf.source = CKP_PORTFOLIO_SOURCE_HASH;
	p.u.div.pf.challenge = challenge;
	p.u.div.pf.challenge_len = 4;
	p.u.div.device_id = (const uint8_t *)device;
	p.u.div.key_len = 16;
	memset(tag, 0, sizeof tag);
	allocs = 0;
	for (int i = 0; i < 41; i++) {
		counting = i > 0 && i != 20; /* the first of each master length makes its PRF context */
		p.u.div.device_id_len = (size_t)snprintf(device, sizeof device, "urn:dev:%d", i);
		assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, i < 20 ? m1 : ((i & 1) ? m1 : m2)), CKR_OK);
		assert_int_equal(emu_op_update(op, hash, 32, NULL, NULL), CKR_OK);
		assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_SIGNATURE_INVALID);
	}
	counting = 0;
	assert_int_equal(allocs, 0);

	/* decryption of a device's GCM answer (docs/mechanisms.md 10.2's example) */
	size_t n = unhex("000102030405060708090a0b2f6d3b4ea0d821ecfbdea528f075c3705cd04471aea9b504023b13d51e9bd0a841",
	                 answer, sizeof answer);
	fake_set_mech(&p, CKM_PORTFOLIO_DIV_ENC_GCM);
	p.u.div.pf.source = 0;
	p.u.div.device_id = (const uint8_t *)"urn:imei:490154203237518";
	p.u.div.device_id_len = 24;
	p.u.div.instance = 1;
	p.u.div.key_index = 2;
	p.u.div.key_len = 32;
	allocs = 0;
	for (int i = 0; i < 21; i++) {
		size_t w = 0;
		counting = i > 0; /* the first makes the buffers and the cipher context */
		assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, m_enc), CKR_OK);
		assert_int_equal(emu_op_update(op, answer, n, out, &w), CKR_OK);
		w = sizeof out;
		assert_int_equal(emu_op_final(op, out, &w), CKR_OK);
		assert_int_equal(w, 13);
	}
	counting = 0;
	assert_int_equal(allocs, 0);
	emu_op_free(op);
	fake_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signing_does_not_allocate),
		cmocka_unit_test(test_diversified_does_not_allocate),
	};
	if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free))
		return 99; /* OpenSSL allocated already: this test cannot count */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
