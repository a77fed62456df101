/*
 * test_emu_ops.c - the emulator's operation half (emu_ops*.c) over a fake
 * item table: standard MACs and ciphers against RFC/NIST vectors, and the
 * Portfolio constructions against the worked examples of docs/mechanisms.md
 * (computed independently with the openssl CLI and Python's cryptography).
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

/* docs/mechanisms.md worked examples */
#define UC1_KEY "000102030405060708090a0b0c0d0e0f"
#define UC1_IDENTITY "HostSwV-1.2.3"
#define UC1_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define UC1_CMAC "bc63149ae113d2117da5598c57262d5b"
#define UC1_HMAC "a4620e3b69b24e6b228a1563666b7052bb2ebb46b129fbaff94d238f4ef0d6a4"
#define UC2_KEY "101112131415161718191a1b1c1d1e1f"
#define UC2_IDENTITY "ACME-Car-Model-7"
#define UC2_HASH "7a2578206ac59dc2006daf5d2f1c2e1449576090744ffb75ea9070866e347f9d"
#define UC2_GCM "000102030405060708090a0bb03659926d5e95809f397f33aa60cc3bb93f08c7" \
                "25692deddae0e6f9f598ac205c64d96b"
#define UC2_CBC "000102030405060708090a0b0c0d0e0fba626a37288fc33ab7b195bf97b01990" \
                "02a1b7821c1364b1651d6e48c1007d67"
static const uint8_t challenge[] = { 0x02, 0x34, 0x51, 0x78 };

static se_ref k_cmac, k_uc1, k_uc1_hmac, k_uc2, k_jefe, k_38a, k_gcm, r_hash, r_value, r_hash_short;
/* the UC1 key bytes as a plain key and as another encryption key; UC2's provisioned
 * hash (identity 7, with r_value); identity 9, whose SO allowed the current value */
static se_ref k_uc1_plain, k_uc1_enc, r_hash_uc2, r_free, r_free_hash;

static int setup(void **state)
{
	uint8_t b[64];
	(void)state;
	fake_reset();
	k_cmac = fake_put(SE_ITEM_AES_KEY, b, unhex("2b7e151628aed2a6abf7158809cf4f3c", b, 64));
	k_38a = k_cmac;
	k_uc1 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64)), CK_PORTFOLIO_SRV_AUTHENT,
	                    SE_USE_SIGN | SE_USE_VERIFY);
	k_uc1_hmac = fake_policy(fake_put(SE_ITEM_GENERIC_SECRET, b, unhex(UC1_KEY, b, 64)),
	                         CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_VERIFY);
	k_uc2 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC2_KEY, b, 64)), CK_PORTFOLIO_SRV_ENCRYPT,
	                    SE_USE_ENCRYPT | SE_USE_DECRYPT);
	k_uc1_plain = fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64));
	k_uc1_enc = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex(UC1_KEY, b, 64)), CK_PORTFOLIO_SRV_ENCRYPT,
	                        SE_USE_DECRYPT);
	k_jefe = fake_put(SE_ITEM_GENERIC_SECRET, "Jefe", 4);
	k_gcm = fake_put(SE_ITEM_AES_KEY, b, unhex("feffe9928665731c6d6a8f9467308308", b, 64));
	r_hash = fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC1_HASH, b, 64));
	r_value = fake_identity(fake_put(SE_ITEM_IDENTITY_VALUE, UC2_IDENTITY, strlen(UC2_IDENTITY)), 7, 0);
	r_hash_uc2 = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC2_HASH, b, 64)), 7, 0);
	r_hash_short = fake_put(SE_ITEM_IDENTITY_HASH, b, 31);
	r_free = fake_identity(fake_put(SE_ITEM_IDENTITY_VALUE, "", 0), 9, 0);
	r_free_hash = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, 32), 9, SE_IDENTITY_ENCRYPT_CURRENT);
	crypto_test_set_fixed_iv(NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	crypto_test_set_fixed_iv(NULL, 0);
	fake_reset();
	return 0;
}

static se_op_params params(CK_MECHANISM_TYPE m)
{
	se_op_params p;
	memset(&p, 0, sizeof(p));
	fake_set_mech(&p, m);
	return p;
}

/* id: an identity item (both refs name it), with the identity it belongs to */
static se_op_params pf_params(CK_MECHANISM_TYPE m, CK_ULONG source, se_ref id)
{
	se_op_params p = params(m);
	emu_item *it = emu_item_lookup(FAKE_TOKEN, id);
	p.u.pf.source = source;
	p.u.pf.identity_id = it != NULL ? it->pol.identity_id : 0;
	p.u.pf.identity_hash_ref = id;
	p.u.pf.identity_value_ref = id;
	p.u.pf.challenge = challenge;
	p.u.pf.challenge_len = sizeof(challenge);
	return p;
}

/* ENC SOURCE_TOKEN of an identity: its value and its provisioned hash */
static se_op_params enc_params(CK_MECHANISM_TYPE m, se_ref value, se_ref hash)
{
	se_op_params p = pf_params(m, CKP_PORTFOLIO_SOURCE_TOKEN, value);
	p.u.pf.identity_hash_ref = hash;
	return p;
}

/* sign in one update; returns the rv of final */
static CK_RV sign(se_op *op, const se_op_params *p, se_ref key, const void *data, size_t len,
                  uint8_t *out, size_t *out_len)
{
	size_t n = 0;
	CK_RV rv = emu_op_init(op, SE_OP_SIGN, p, key);
	if (rv != CKR_OK)
		return rv;
	rv = emu_op_update(op, data, len, NULL, &n);
	if (rv != CKR_OK)
		return rv;
	return emu_op_final(op, out, out_len);
}

static void test_cmac_sign_verify(void **state)
{
	uint8_t msg[64], out[16];
	size_t n = sizeof(out);
	se_op *op;
	se_op_params p = params(CKM_AES_CMAC);
	(void)state;

	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411", msg, 64);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	for (int i = 0; i < 3; i++) { /* restart path: same key again */
		n = sizeof(out);
		assert_int_equal(sign(op, &p, k_cmac, msg, 40, out, &n), CKR_OK);
		assert_int_equal(n, 16);
		assert_hex_equal(out, 16, "dfa66747de9ae63030ca32611497c827");
	}
	/* other key, then back */
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_uc1_plain, msg, 40, out, &n), CKR_OK);
	assert_string_not_equal(tohex(out, 16), "dfa66747de9ae63030ca32611497c827");
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_cmac, msg, 16, out, &n), CKR_OK);
	assert_hex_equal(out, 16, "070a16b46b4d4144f79bdd9dd04a287c");

	/* length query keeps the operation */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_cmac), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 0, 1), 16);
	n = 3;
	assert_int_equal(emu_op_final(op, out, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 16);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OK);
	assert_hex_equal(out, 16, "bb1d6929e95937287fa37d129b756746");

	/* verify: good, tampered, wrong length */
	uint8_t sig[16];
	unhex("070a16b46b4d4144f79bdd9dd04a287c", sig, 16);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_cmac), CKR_OK);
	assert_int_equal(emu_op_update(op, msg, 16, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 16), CKR_OK);
	sig[15] ^= 1;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_cmac), CKR_OK);
	assert_int_equal(emu_op_update(op, msg, 16, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 16), CKR_SIGNATURE_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_cmac), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 15), CKR_SIGNATURE_LEN_RANGE);
	/* the operation ended */
	assert_int_equal(emu_op_update(op, msg, 16, NULL, NULL), CKR_OPERATION_NOT_INITIALIZED);

	/* CMAC_GENERAL: 4 bytes */
	p = params(CKM_AES_CMAC_GENERAL);
	p.u.mac.mac_len = 4;
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_cmac, msg, 16, out, &n), CKR_OK);
	assert_int_equal(n, 4);
	assert_hex_equal(out, 4, "070a16b4");

	/* wrong key kinds / handles */
	p = params(CKM_AES_CMAC);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_jefe), CKR_KEY_TYPE_INCONSISTENT);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, 9999), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_cmac), CKR_MECHANISM_INVALID);
	emu_op_free(op);
}

static void test_hmac(void **state)
{
	uint8_t out[32];
	size_t n = sizeof(out);
	se_op *op;
	se_op_params p = params(CKM_SHA256_HMAC);
	(void)state;

	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	assert_int_equal(sign(op, &p, k_jefe, "what do ya want for nothing?", 28, out, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_hex_equal(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	p = params(CKM_SHA256_HMAC_GENERAL);
	p.u.mac.mac_len = 16;
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_jefe, "what do ya want for nothing?", 28, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_hex_equal(out, 16, "5bdcc146bf60754e6a042426089575c7");
	p = params(CKM_SHA_1_HMAC);
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_jefe, "what do ya want for nothing?", 28, out, &n), CKR_OK);
	assert_hex_equal(out, 20, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	p = params(CKM_SHA256_HMAC);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_cmac), CKR_KEY_TYPE_INCONSISTENT);
	emu_op_free(op);
}

static void test_aes_block_modes(void **state)
{
	uint8_t pt[64], out[96], iv[16];
	size_t n, m;
	se_op *op;
	se_op_params p = params(CKM_AES_CBC);
	(void)state;

	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 64);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	p.u.cipher.iv = iv;
	p.u.cipher.iv_len = 16;
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_38a), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 32, 1), 32);
	assert_int_equal(emu_op_output_bound(op, 20, 0), 16);
	n = 15; /* too small for 16 bytes: refused, nothing consumed */
	assert_int_equal(emu_op_update(op, pt, 20, out, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 16);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 20, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	m = sizeof(out) - n;
	assert_int_equal(emu_op_update(op, pt + 20, 12, out + n, &m), CKR_OK);
	n += m;
	m = sizeof(out) - n;
	assert_int_equal(emu_op_final(op, out + n, &m), CKR_OK);
	assert_int_equal(n + m, 32);
	assert_hex_equal(out, 32, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");

	/* a partial block at final is a data length error */
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_38a), CKR_OK);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 20, out, &n), CKR_OK);
	m = sizeof(out);
	assert_int_equal(emu_op_final(op, out, &m), CKR_DATA_LEN_RANGE);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_38a), CKR_OK);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 20, out, &n), CKR_OK);
	m = sizeof(out);
	assert_int_equal(emu_op_final(op, out, &m), CKR_ENCRYPTED_DATA_LEN_RANGE);

	/* ECB ignores any IV given */
	p = params(CKM_AES_ECB);
	p.u.cipher.iv = iv;
	p.u.cipher.iv_len = 16;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_38a), CKR_OK);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 16, out, &n), CKR_OK);
	m = 0;
	assert_int_equal(emu_op_final(op, NULL, &m), CKR_OK);
	assert_hex_equal(out, 16, "3ad77bb40d7a3660a89ecaf32466ef97");

	/* CBC_PAD round trip: 5 bytes -> 16 -> 5 */
	p = params(CKM_AES_CBC_PAD);
	p.u.cipher.iv = iv;
	p.u.cipher.iv_len = 16;
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_38a), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 5, 1), 16);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 5, out, &n), CKR_OK);
	m = sizeof(out) - n;
	assert_int_equal(emu_op_final(op, out + n, &m), CKR_OK);
	assert_int_equal(n + m, 16);
	uint8_t back[32];
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_38a), CKR_OK);
	assert_true(emu_op_output_bound(op, 16, 1) >= 5);
	n = sizeof(back);
	assert_int_equal(emu_op_update(op, out, 16, back, &n), CKR_OK);
	m = sizeof(back) - n;
	assert_int_equal(emu_op_final(op, back + n, &m), CKR_OK);
	assert_int_equal(n + m, 5);
	assert_memory_equal(back, pt, 5);
	/* wrong key kind */
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_jefe), CKR_KEY_TYPE_INCONSISTENT);
	emu_op_free(op);
}

static void test_aes_gcm(void **state)
{
	uint8_t pt[64], iv[12], aad[20], out[96], back[96];
	size_t n, m;
	se_op *op;
	se_op_params p = params(CKM_AES_GCM);
	(void)state;

	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", pt, 64);
	unhex("cafebabefacedbaddecaf888", iv, 12);
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad, 20);
	p.u.cipher.iv = iv;
	p.u.cipher.iv_len = 12;
	p.u.cipher.aad = aad;
	p.u.cipher.aad_len = 20;
	p.u.cipher.tag_len = 16;
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_gcm), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 60, 1), 76);
	n = sizeof(out);
	assert_int_equal(emu_op_update(op, pt, 60, out, &n), CKR_OK);
	m = sizeof(out) - n;
	assert_int_equal(emu_op_final(op, out + n, &m), CKR_OK);
	assert_int_equal(n + m, 76);
	assert_hex_equal(out + 60, 16, "5bc94fbc3221a5db94fae95ae7121a47");

	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_gcm), CKR_OK);
	n = sizeof(back);
	assert_int_equal(emu_op_update(op, out, 70, back, &n), CKR_OK);
	assert_int_equal(n, 54);
	m = sizeof(back) - n;
	assert_int_equal(emu_op_update(op, out + 70, 6, back + n, &m), CKR_OK);
	n += m;
	m = sizeof(back) - n;
	assert_int_equal(emu_op_final(op, back + n, &m), CKR_OK);
	assert_int_equal(n + m, 60);
	assert_memory_equal(back, pt, 60);

	out[75] ^= 0x40; /* the tag */
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_gcm), CKR_OK);
	n = sizeof(back);
	assert_int_equal(emu_op_update(op, out, 76, back, &n), CKR_OK);
	m = sizeof(back);
	assert_int_equal(emu_op_final(op, back, &m), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_gcm), CKR_OK);
	n = sizeof(back);
	assert_int_equal(emu_op_update(op, out, 10, back, &n), CKR_OK);
	m = sizeof(back);
	assert_int_equal(emu_op_final(op, back, &m), CKR_ENCRYPTED_DATA_LEN_RANGE);
	emu_op_free(op);
}

/* ---- Portfolio AUTH ---------------------------------------------------------- */

static void test_pf_auth_cmac_sources(void **state)
{
	uint8_t out[16], hash[32];
	size_t n;
	se_op *op;
	se_op_params p;
	(void)state;

	unhex(UC1_HASH, hash, 32);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	/* SOURCE_TOKEN: the provisioned hash, empty data */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, r_hash);
	for (int i = 0; i < 2; i++) {
		n = sizeof(out);
		assert_int_equal(sign(op, &p, k_uc1, NULL, 0, out, &n), CKR_OK);
		assert_int_equal(n, 16);
		assert_hex_equal(out, 16, UC1_CMAC);
	}
	/* SOURCE_DATA (verification): the identity, streamed in pieces */
	uint8_t tag[16];
	unhex(UC1_CMAC, tag, 16);
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_DATA, 0);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)"HostSw", 6, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)"V-1.2.3", 7, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_OK);
	/* SOURCE_HASH (verification): the 32 bytes, in two pieces */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_HASH, 0);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, hash, 10, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_update(op, hash + 10, 22, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_OK);
	/* SOURCE_HASH length errors: 31 bytes at final, 33 at update */
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, hash, 31, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, tag, 16), CKR_DATA_LEN_RANGE);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, hash, 32, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_update(op, hash, 1, NULL, NULL), CKR_DATA_LEN_RANGE);
	/* SOURCE_TOKEN with data */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, r_hash);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, hash, 1, NULL, NULL), CKR_DATA_LEN_RANGE);
	/* SOURCE_TOKEN naming a value item, a short hash, or nothing */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, r_value);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc1), CKR_MECHANISM_PARAM_INVALID);
	p.u.pf.identity_hash_ref = r_hash_short;
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc1), CKR_MECHANISM_PARAM_INVALID);
	p.u.pf.identity_hash_ref = 4242;
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc1), CKR_MECHANISM_PARAM_INVALID);
	/* bad source, bad challenge length */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, 7, 0);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_MECHANISM_PARAM_INVALID);
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_DATA, 0);
	p.u.pf.challenge_len = 0;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_MECHANISM_PARAM_INVALID);
	/* a different challenge gives a different signature */
	p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_TOKEN, r_hash);
	const uint8_t other[] = { 0x02, 0x34, 0x51, 0x79 };
	p.u.pf.challenge = other;
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_uc1, NULL, 0, out, &n), CKR_OK);
	assert_string_not_equal(tohex(out, 16), UC1_CMAC);
	/* the key must be an AES key of 16 or 32 bytes */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc1_hmac), CKR_KEY_TYPE_INCONSISTENT);
	emu_op_free(op);
}

static void test_pf_auth_verify(void **state)
{
	uint8_t sig[32];
	se_op *op;
	se_op_params p = pf_params(CKM_PORTFOLIO_AUTH_CMAC, CKP_PORTFOLIO_SOURCE_DATA, 0);
	(void)state;

	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	unhex(UC1_CMAC, sig, 16);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)UC1_IDENTITY, 13, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 16), CKR_OK);
	/* a cloned identity string that differs by one byte does not verify */
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)"HostSwV-1.2.4", 13, NULL, NULL), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 16), CKR_SIGNATURE_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 32), CKR_SIGNATURE_LEN_RANGE);
	/* HMAC form */
	p = pf_params(CKM_PORTFOLIO_AUTH_HMAC, CKP_PORTFOLIO_SOURCE_TOKEN, r_hash);
	unhex(UC1_HMAC, sig, 32);
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1_hmac), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 32), CKR_OK);
	sig[0] ^= 0x80;
	assert_int_equal(emu_op_init(op, SE_OP_VERIFY, &p, k_uc1_hmac), CKR_OK);
	assert_int_equal(emu_op_verify_final(op, sig, 32), CKR_SIGNATURE_INVALID);
	uint8_t out[32];
	size_t n = sizeof(out);
	assert_int_equal(sign(op, &p, k_uc1_hmac, NULL, 0, out, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_hex_equal(out, 32, UC1_HMAC);
	/* AUTH mechanisms do not encrypt */
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_uc1_hmac), CKR_MECHANISM_INVALID);
	emu_op_free(op);
}

/* ---- Portfolio ENC ----------------------------------------------------------- */

static CK_RV crypt_all(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key,
                       const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	size_t n = 0;
	CK_RV rv = emu_op_init(op, kind, p, key);
	if (rv != CKR_OK)
		return rv;
	rv = emu_op_update(op, in, len, out, &n);
	if (rv != CKR_OK)
		return rv;
	assert_int_equal(n, 0); /* Portfolio encryption releases everything at final */
	return emu_op_final(op, out, out_len);
}

static void test_pf_enc_gcm(void **state)
{
	static const uint8_t fixed_iv[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	uint8_t out[128], back[128];
	size_t n, m;
	se_op *op;
	se_op_params p = enc_params(CKM_PORTFOLIO_ENC_GCM, r_value, r_hash_uc2);
	se_op_params d = pf_params(CKM_PORTFOLIO_ENC_GCM, 0, 0);
	(void)state;

	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	crypto_test_set_fixed_iv(fixed_iv, sizeof(fixed_iv));
	/* SOURCE_TOKEN: the identity value item, which matches its provisioned hash */
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_uc2), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 0, 1), 48);
	assert_int_equal(emu_op_output_bound(op, 0, 0), 0);
	n = 47;
	assert_int_equal(emu_op_final(op, out, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 48);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OK);
	assert_hex_equal(out, n, UC2_GCM);
	n = sizeof(out);
	assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, out, &n), CKR_OK);
	assert_hex_equal(out, n, UC2_GCM);
	crypto_test_set_fixed_iv(NULL, 0);

	/* decrypt, in pieces */
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &d, k_uc2), CKR_OK);
	assert_int_equal(emu_op_output_bound(op, 48, 1), 16);
	assert_int_equal(emu_op_update(op, out, 20, back, &m), CKR_OK);
	assert_int_equal(emu_op_update(op, out + 20, 28, back, &m), CKR_OK);
	m = sizeof(back);
	assert_int_equal(emu_op_final(op, back, &m), CKR_OK);
	assert_int_equal(m, 16);
	assert_memory_equal(back, UC2_IDENTITY, 16);

	/* wrong challenge: nothing returned */
	se_op_params wrong = d;
	const uint8_t wrong_challenge[] = { 0x02 ^ 1, 0x34, 0x51, 0x78 };
	wrong.u.pf.challenge = wrong_challenge;
	memset(back, 0xAA, sizeof(back));
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &wrong, k_uc2, out, 48, back, &m),
	                 CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(m, 0);
	for (size_t i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0xAA);
	/* longer expected challenge than was used */
	wrong = d;
	const uint8_t longer[5] = { 0x02, 0x34, 0x51, 0x78, 0x00 };
	wrong.u.pf.challenge = longer;
	wrong.u.pf.challenge_len = 5;
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &wrong, k_uc2, out, 48, back, &m),
	                 CKR_ENCRYPTED_DATA_INVALID);
	/* tampered ciphertext, IV, tag */
	for (size_t pos = 0; pos < 48; pos += 11) {
		out[pos] ^= 4;
		m = sizeof(back);
		assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 48, back, &m),
		                 CKR_ENCRYPTED_DATA_INVALID);
		out[pos] ^= 4;
	}
	/* wrong key */
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc1_enc, out, 48, back, &m),
	                 CKR_ENCRYPTED_DATA_INVALID);
	/* too short to hold IV, challenge and tag */
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 31, back, &m),
	                 CKR_ENCRYPTED_DATA_LEN_RANGE);
	/* random IVs: two encryptions differ, both decrypt */
	p = enc_params(CKM_PORTFOLIO_ENC_GCM, r_free, r_free_hash);
	fake_value(r_free, "x", 1);
	uint8_t c1[64], c2[64];
	n = sizeof(c1);
	assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, c1, &n), CKR_OK);
	m = sizeof(c2);
	assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, c2, &m), CKR_OK);
	assert_int_equal(n, 33);
	assert_memory_not_equal(c1, c2, 12);
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, c2, 33, back, &m), CKR_OK);
	assert_int_equal(m, 1);
	assert_int_equal(back[0], 'x');
	/* decrypt takes no token source */
	p = enc_params(CKM_PORTFOLIO_ENC_GCM, r_value, r_hash_uc2);
	assert_int_equal(emu_op_init(op, SE_OP_DECRYPT, &p, k_uc2), CKR_MECHANISM_PARAM_INVALID);
	/* SOURCE_TOKEN must name a value item, and takes no data */
	p = pf_params(CKM_PORTFOLIO_ENC_GCM, CKP_PORTFOLIO_SOURCE_TOKEN, r_hash);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_uc2), CKR_MECHANISM_PARAM_INVALID);
	p = enc_params(CKM_PORTFOLIO_ENC_GCM, r_value, r_hash_uc2);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_uc2), CKR_OK);
	assert_int_equal(emu_op_update(op, (const uint8_t *)"x", 1, out, &n), CKR_DATA_LEN_RANGE);
	/* ENC mechanisms do not sign; the key must be AES */
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_uc2), CKR_MECHANISM_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_jefe), CKR_KEY_TYPE_INCONSISTENT);
	emu_op_free(op);
}

static void test_pf_enc_cbc(void **state)
{
	static const uint8_t fixed_iv[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t out[128], back[128];
	size_t n, m;
	se_op *op;
	se_op_params p = enc_params(CKM_PORTFOLIO_ENC_CBC, r_value, r_hash_uc2);
	se_op_params d = pf_params(CKM_PORTFOLIO_ENC_CBC, CKP_PORTFOLIO_SOURCE_DATA, 0);
	(void)state;

	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	crypto_test_set_fixed_iv(fixed_iv, sizeof(fixed_iv));
	n = sizeof(out);
	assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, out, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_hex_equal(out, n, UC2_CBC);
	crypto_test_set_fixed_iv(NULL, 0);

	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 48, back, &m), CKR_OK);
	assert_int_equal(m, 16);
	assert_memory_equal(back, UC2_IDENTITY, 16);
	/* wrong challenge */
	se_op_params wrong = d;
	const uint8_t wrong_challenge[] = { 0x02, 0x34, 0x51 ^ 0x10, 0x78 };
	wrong.u.pf.challenge = wrong_challenge;
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &wrong, k_uc2, out, 48, back, &m),
	                 CKR_ENCRYPTED_DATA_INVALID);
	/* damage the last block: padding (almost surely) or challenge breaks: one code */
	out[47] ^= 0x5a;
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 48, back, &m),
	                 CKR_ENCRYPTED_DATA_INVALID);
	out[47] ^= 0x5a;
	/* lengths: not whole blocks, or no room for a block after the IV */
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 40, back, &m),
	                 CKR_ENCRYPTED_DATA_LEN_RANGE);
	m = sizeof(back);
	assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, 16, back, &m),
	                 CKR_ENCRYPTED_DATA_LEN_RANGE);
	/* every identity length 0..40 round-trips (padding boundaries) */
	p = enc_params(CKM_PORTFOLIO_ENC_CBC, r_free, r_free_hash);
	for (size_t len = 0; len <= 40; len++) {
		uint8_t data[40];
		memset(data, (int)len, sizeof(data));
		fake_value(r_free, data, len);
		n = sizeof(out);
		assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, out, &n), CKR_OK);
		assert_int_equal(n, 16 + ((len + 4) / 16 + 1) * 16);
		m = sizeof(back);
		assert_int_equal(crypt_all(op, SE_OP_DECRYPT, &d, k_uc2, out, n, back, &m), CKR_OK);
		assert_int_equal(m, len);
		assert_memory_equal(back, data, len);
	}
	emu_op_free(op);
}

static void test_pf_enc_limits(void **state)
{
	static uint8_t big[EMU_PF_MAX_DATA + 1];
	uint8_t *out = malloc(EMU_PF_MAX_DATA + 200);
	size_t n;
	se_op *op;
	se_op_params p = enc_params(CKM_PORTFOLIO_ENC_GCM, r_free, r_free_hash);
	(void)state;

	assert_non_null(out);
	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	fake_value(r_free, big, EMU_PF_MAX_DATA);
	n = EMU_PF_MAX_DATA + 200;
	assert_int_equal(crypt_all(op, SE_OP_ENCRYPT, &p, k_uc2, NULL, 0, out, &n), CKR_OK);
	assert_int_equal(n, EMU_PF_MAX_DATA + 12 + 4 + 16);
	fake_value(r_free, big, EMU_PF_MAX_DATA + 1);
	assert_int_equal(emu_op_init(op, SE_OP_ENCRYPT, &p, k_uc2), CKR_DATA_LEN_RANGE);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	emu_op_free(op);
	free(out);
}

static void test_abort_and_misuse(void **state)
{
	uint8_t out[16];
	size_t n = sizeof(out);
	se_op *op;
	se_op_params p = params(CKM_AES_CMAC);
	(void)state;

	assert_int_equal(emu_op_new(FAKE_TOKEN, &op), CKR_OK);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_cmac), CKR_OK);
	emu_op_abort(op);
	assert_int_equal(emu_op_final(op, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* after an abort the key is re-loaded and results are right */
	n = sizeof(out);
	assert_int_equal(sign(op, &p, k_cmac, NULL, 0, out, &n), CKR_OK);
	assert_hex_equal(out, 16, "bb1d6929e95937287fa37d129b756746");
	p = params(CKM_SHA256);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, &p, k_cmac), CKR_MECHANISM_INVALID);
	assert_int_equal(emu_op_init(op, SE_OP_SIGN, NULL, k_cmac), CKR_ARGUMENTS_BAD);
	assert_int_equal(emu_op_new(FAKE_TOKEN, NULL), CKR_ARGUMENTS_BAD);
	emu_op_free(op);
	emu_op_free(NULL);
	emu_op_abort(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cmac_sign_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aes_block_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aes_gcm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_auth_cmac_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_auth_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_enc_gcm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_enc_cbc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf_enc_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_and_misuse, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
