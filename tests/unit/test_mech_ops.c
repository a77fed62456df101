/*
 * test_mech_ops.c - the PKCS#11 operation rules of src/mech, end to end
 * through the emulator's op half (emu_ops*.c) over a fake item table:
 * length queries, termination rules, parameter and key checks, the service
 * rule, and the Portfolio mechanisms against the docs/mechanisms.md examples.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "mech/mech.h"
#include "test_crypto_util.h"
#include "test_emu_ops_fake.h"

#define UC1_CMAC "bc63149ae113d2117da5598c57262d5b"
#define UC1_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define UC2_HASH "7a2578206ac59dc2006daf5d2f1c2e1449576090744ffb75ea9070866e347f9d"
#define UC2_GCM "000102030405060708090a0bb03659926d5e95809f397f33aa60cc3bb93f08c7" \
                "25692deddae0e6f9f598ac205c64d96b"

static const se_backend test_be = {
	.name = "emu-ops-only",
	.op_new = emu_op_new,
	.op_free = emu_op_free,
	.op_init = emu_op_init,
	.op_update = emu_op_update,
	.op_final = emu_op_final,
	.op_verify_final = emu_op_verify_final,
	.op_output_bound = emu_op_output_bound,
	.op_abort = emu_op_abort,
};

static se_ref r_aes, r_uc1, r_uc2, r_hmac, r_hash, r_value, r_hash7;
static mech_op op;

/* Identity 3 has a provisioned hash (Use Case 1), identity 7 a value and its
 * hash (Use Case 2); anything else is unknown. */
static CK_RV resolve(void *ctx, CK_ULONG id, se_ref *hash, se_ref *value)
{
	(void)ctx;
	if (id != 3 && id != 7)
		return CKR_MECHANISM_PARAM_INVALID;
	*hash = id == 3 ? r_hash : r_hash7;
	*value = id == 3 ? 0 : r_value;
	return CKR_OK;
}
static const mech_identity_resolver resolver = { NULL, resolve };

static mech_key key_of(se_ref ref, CK_KEY_TYPE type, CK_ULONG len)
{
	mech_key k;
	memset(&k, 0, sizeof(k));
	k.cls = CKO_SECRET_KEY;
	k.type = type;
	k.value_len = len;
	k.can_encrypt = k.can_decrypt = k.can_sign = k.can_verify = CK_TRUE;
	k.ref = ref;
	return k;
}

static mech_key service_key(mech_key k, CK_ULONG service)
{
	k.has_service = CK_TRUE;
	k.service = service;
	return k;
}

static int setup(void **state)
{
	uint8_t b[64];
	(void)state;
	fake_reset();
	r_aes = fake_put(SE_ITEM_AES_KEY, b, unhex("2b7e151628aed2a6abf7158809cf4f3c", b, 64));
	r_uc1 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex("000102030405060708090a0b0c0d0e0f", b, 64)),
	                    CK_PORTFOLIO_SRV_AUTHENT, SE_USE_SIGN | SE_USE_VERIFY);
	r_uc2 = fake_policy(fake_put(SE_ITEM_AES_KEY, b, unhex("101112131415161718191a1b1c1d1e1f", b, 64)),
	                    CK_PORTFOLIO_SRV_ENCRYPT, SE_USE_ENCRYPT | SE_USE_DECRYPT);
	r_hmac = fake_put(SE_ITEM_GENERIC_SECRET, "Jefe", 4);
	r_hash = fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC1_HASH, b, 64));
	r_value = fake_identity(fake_put(SE_ITEM_IDENTITY_VALUE, "ACME-Car-Model-7", 16), 7, 0);
	r_hash7 = fake_identity(fake_put(SE_ITEM_IDENTITY_HASH, b, unhex(UC2_HASH, b, 64)), 7, 0);
	memset(&op, 0, sizeof(op));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mech_op_release(&op);
	crypto_test_set_fixed_iv(NULL, 0);
	fake_reset();
	return 0;
}

static CK_RV init(mech_op_kind kind, CK_MECHANISM_TYPE type, void *param, CK_ULONG plen,
                  const mech_key *key)
{
	CK_MECHANISM m = { type, param, plen };
	return mech_op_init(&op, kind, &m, key, &test_be, FAKE_TOKEN, &resolver);
}

static void test_digest(void **state)
{
	uint8_t out[64];
	CK_ULONG n;
	(void)state;

	assert_int_equal(init(MECH_OP_DIGEST, CKM_SHA256, NULL, 0, NULL), CKR_OK);
	assert_int_equal(init(MECH_OP_DIGEST, CKM_SHA256, NULL, 0, NULL), CKR_OPERATION_ACTIVE);
	assert_int_equal(mech_op_single(&op, MECH_OP_DIGEST, (const uint8_t *)"abc", 3, NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	n = 31;
	assert_int_equal(mech_op_single(&op, MECH_OP_DIGEST, (const uint8_t *)"abc", 3, out, &n),
	                 CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 32);
	assert_int_equal(mech_op_single(&op, MECH_OP_DIGEST, (const uint8_t *)"abc", 3, out, &n), CKR_OK);
	assert_hex_equal(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(mech_op_single(&op, MECH_OP_DIGEST, (const uint8_t *)"abc", 3, out, &n),
	                 CKR_OPERATION_NOT_INITIALIZED);

	/* multi-part; single-part after update refused, and like every error it
	 * ends the operation (PKCS#11 3.0 section 5) */
	assert_int_equal(init(MECH_OP_DIGEST, CKM_SHA512, NULL, 0, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_DIGEST, (const uint8_t *)"a", 1, NULL, NULL), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DIGEST, (const uint8_t *)"bc", 2, out, &n),
	                 CKR_OPERATION_ACTIVE);
	assert_false(op.active);
	assert_int_equal(mech_op_update(&op, MECH_OP_DIGEST, (const uint8_t *)"bc", 2, NULL, NULL),
	                 CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(init(MECH_OP_DIGEST, CKM_SHA512, NULL, 0, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_DIGEST, (const uint8_t *)"a", 1, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_DIGEST, (const uint8_t *)"bc", 2, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_final(&op, MECH_OP_DIGEST, NULL, &n), CKR_OK);
	assert_int_equal(n, 64);
	assert_int_equal(mech_op_final(&op, MECH_OP_DIGEST, out, &n), CKR_OK);
	assert_hex_equal(out, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	                          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	/* parameters and wrong uses */
	CK_ULONG junk = 1;
	assert_int_equal(init(MECH_OP_DIGEST, CKM_SHA_1, &junk, sizeof(junk), NULL),
	                 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_DIGEST, CKM_AES_CMAC, NULL, 0, NULL), CKR_MECHANISM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_SHA256, NULL, 0, NULL), CKR_MECHANISM_INVALID);
	assert_int_equal(init(MECH_OP_DIGEST, 0x7fffffffUL, NULL, 0, NULL), CKR_MECHANISM_INVALID);
	assert_int_equal(mech_op_update(&op, MECH_OP_DIGEST, out, 1, NULL, NULL),
	                 CKR_OPERATION_NOT_INITIALIZED);
}

static void test_cmac_rules(void **state)
{
	uint8_t msg[64], out[16], one[16];
	CK_ULONG n;
	mech_key k = key_of(r_aes, CKK_AES, 16);
	(void)state;

	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411", msg, 64);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, msg, 40, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	n = 8;
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, msg, 40, out, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 16);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, msg, 40, out, &n), CKR_OK);
	assert_hex_equal(out, 16, "dfa66747de9ae63030ca32611497c827");
	memcpy(one, out, 16);

	/* multi-part equals single-part */
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	for (int i = 0; i < 40; i += 8)
		assert_int_equal(mech_op_update(&op, MECH_OP_SIGN, msg + i, 8, NULL, NULL), CKR_OK);
	n = 0;
	assert_int_equal(mech_op_final(&op, MECH_OP_SIGN, out, &n), CKR_BUFFER_TOO_SMALL);
	n = 16;
	assert_int_equal(mech_op_final(&op, MECH_OP_SIGN, out, &n), CKR_OK);
	assert_memory_equal(out, one, 16);

	/* verify: good, tampered, wrong length; multi-part verify */
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 16), CKR_OK);
	one[3] ^= 1;
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 16), CKR_SIGNATURE_INVALID);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 16), CKR_OPERATION_NOT_INITIALIZED);
	one[3] ^= 1;
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 15), CKR_SIGNATURE_LEN_RANGE);
	assert_false(op.active);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, msg, 20, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 16), CKR_OPERATION_ACTIVE);
	assert_false(op.active); /* the error ended it */
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, msg, 20, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, msg + 20, 20, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_verify_final(&op, one, 16), CKR_OK);

	/* CMAC_GENERAL */
	CK_ULONG len = 4;
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC_GENERAL, &len, sizeof(len), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, msg, 40, NULL, &n), CKR_OK);
	assert_int_equal(n, 4);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, msg, 40, out, &n), CKR_OK);
	assert_hex_equal(out, 4, "dfa66747");
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC_GENERAL, &len, sizeof(len), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 16), CKR_SIGNATURE_LEN_RANGE);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC_GENERAL, &len, sizeof(len), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, msg, 40, one, 4), CKR_OK);
	len = 0;
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC_GENERAL, &len, sizeof(len), &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	len = 17;
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC_GENERAL, &len, sizeof(len), &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC_GENERAL, &len, 4, &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC_GENERAL, NULL, 0, &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, &len, sizeof(len), &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	/* kind mismatch */
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_final(&op, MECH_OP_ENCRYPT, out, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_true(op.active);
	mech_op_abort(&op);
	assert_false(op.active);
}

static void test_hmac_rules(void **state)
{
	uint8_t out[32];
	CK_ULONG n = sizeof(out), len = 10;
	mech_key k = key_of(r_hmac, CKK_GENERIC_SECRET, 4);
	(void)state;

	assert_int_equal(init(MECH_OP_SIGN, CKM_SHA256_HMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, (const uint8_t *)"what do ya want for nothing?",
	                                28, out, &n), CKR_OK);
	assert_hex_equal(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	assert_int_equal(init(MECH_OP_SIGN, CKM_SHA256_HMAC_GENERAL, &len, sizeof(len), &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, (const uint8_t *)"what do ya want for nothing?",
	                                28, out, &n), CKR_OK);
	assert_int_equal(n, 10);
	assert_hex_equal(out, 10, "5bdcc146bf60754e6a04");
	len = 33;
	assert_int_equal(init(MECH_OP_SIGN, CKM_SHA256_HMAC_GENERAL, &len, sizeof(len), &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_SHA384_HMAC, NULL, 0, &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, (const uint8_t *)"x", 1, NULL, &n), CKR_OK);
	assert_int_equal(n, 48);
	mech_op_abort(&op);
}

static void test_key_checks(void **state)
{
	mech_key k = key_of(r_aes, CKK_AES, 16);
	mech_key bad;
	CK_BYTE iv[16] = { 0 };
	(void)state;

	bad = k;
	bad.type = CKK_GENERIC_SECRET;
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_TYPE_INCONSISTENT);
	bad = k;
	bad.cls = CKO_DATA;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_ECB, NULL, 0, &bad), CKR_KEY_TYPE_INCONSISTENT);
	bad = k;
	bad.value_len = 20;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, iv, 16, &bad), CKR_KEY_SIZE_RANGE);
	bad = k;
	bad.can_encrypt = CK_FALSE;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, iv, 16, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_CBC, iv, 16, &bad), CKR_OK);
	mech_op_abort(&op);
	bad = k;
	bad.can_sign = CK_FALSE;
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = k;
	bad.can_verify = CK_FALSE;
	assert_int_equal(init(MECH_OP_VERIFY, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, NULL), CKR_KEY_HANDLE_INVALID);
	/* the service rule: keyset keys never serve standard mechanisms ... */
	bad = service_key(k, CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = service_key(k, CK_PORTFOLIO_SRV_ENCRYPT);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_ECB, NULL, 0, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* ... and Portfolio mechanisms need a key of their own service */
	CK_BYTE ch[4] = { 2, 0x34, 0x51, 0x78 };
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_DATA, 0, ch, 4 };
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = service_key(k, CK_PORTFOLIO_SRV_ENCRYPT);
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &bad),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = service_key(key_of(r_uc2, CKK_AES, 16), CK_PORTFOLIO_SRV_ENCRYPT);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &bad), CKR_OK);
	mech_op_abort(&op);
	/* the row may say what it likes: the item's sealed policy decides (r_aes has no service) */
	bad = service_key(k, CK_PORTFOLIO_SRV_ENCRYPT);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &bad),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = key_of(r_uc1, CKK_AES, 16);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_FUNCTION_NOT_PERMITTED);
	bad = service_key(k, CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &bad),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* AUTH_CMAC: AES-128 or AES-256 only; AUTH_HMAC: generic secret >= 16 bytes */
	bad = service_key(key_of(r_aes, CKK_AES, 24), CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &bad),
	                 CKR_KEY_SIZE_RANGE);
	bad = service_key(key_of(r_hmac, CKK_GENERIC_SECRET, 4), CK_PORTFOLIO_SRV_AUTHENT);
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_HMAC, &pp, sizeof(pp), &bad),
	                 CKR_KEY_SIZE_RANGE);
	/* the backend notices a key item of the wrong kind even if attributes lie */
	bad = key_of(r_hmac, CKK_AES, 16);
	assert_int_equal(init(MECH_OP_SIGN, CKM_AES_CMAC, NULL, 0, &bad), CKR_KEY_TYPE_INCONSISTENT);
	assert_false(op.active);
}

static void test_aes_rules(void **state)
{
	mech_key k = key_of(r_aes, CKK_AES, 16);
	uint8_t iv[16], pt[64], ct[96], out[96];
	CK_ULONG n, m;
	(void)state;

	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", pt, 64);
	/* ECB/CBC: whole blocks only */
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_ECB, NULL, 0, &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 17, out, &n), CKR_DATA_LEN_RANGE);
	assert_false(op.active);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_CBC, iv, 16, &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, pt, 15, out, &n), CKR_ENCRYPTED_DATA_LEN_RANGE);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, iv, 16, &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_ENCRYPT, pt, 17, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_int_equal(mech_op_update(&op, MECH_OP_ENCRYPT, pt, 17, out, &n), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_final(&op, MECH_OP_ENCRYPT, out, &n), CKR_DATA_LEN_RANGE);
	/* CBC: IV length */
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, iv, 8, &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, NULL, 0, &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_ECB, iv, 16, &k), CKR_MECHANISM_PARAM_INVALID);
	/* CBC single-part KAT, length query */
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC, iv, 16, &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 32, NULL, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 32, ct, &n), CKR_OK);
	assert_hex_equal(ct, 32, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
	/* CBC_PAD round trip, multi-part decrypt equals single-part */
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_CBC_PAD, iv, 16, &k), CKR_OK);
	n = sizeof(ct);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 21, ct, &n), CKR_OK);
	assert_int_equal(n, 32);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_CBC_PAD, iv, 16, &k), CKR_OK);
	m = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 32, out, &m), CKR_OK);
	assert_int_equal(m, 21);
	assert_memory_equal(out, pt, 21);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_CBC_PAD, iv, 16, &k), CKR_OK);
	CK_ULONG got = 0;
	for (int i = 0; i < 32; i += 8) {
		m = sizeof(out) - got;
		assert_int_equal(mech_op_update(&op, MECH_OP_DECRYPT, ct + i, 8, out + got, &m), CKR_OK);
		got += m;
	}
	m = sizeof(out) - got;
	assert_int_equal(mech_op_final(&op, MECH_OP_DECRYPT, out + got, &m), CKR_OK);
	assert_int_equal(got + m, 21);
	assert_memory_equal(out, pt, 21);
	/* decrypt of a 0-length CBC_PAD message */
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_CBC_PAD, iv, 16, &k), CKR_OK);
	m = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 0, out, &m), CKR_ENCRYPTED_DATA_LEN_RANGE);
}

static void test_gcm_rules(void **state)
{
	mech_key k = key_of(r_aes, CKK_AES, 16);
	uint8_t iv[12] = { 1 }, aad[4] = { 9, 9, 9, 9 }, pt[40], ct[64], out[64];
	CK_GCM_PARAMS g = { iv, 12, 96, aad, 4, 128 };
	CK_ULONG n, m;
	(void)state;

	memset(pt, 0x41, sizeof(pt));
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &g, sizeof(g), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 40, NULL, &n), CKR_OK);
	assert_int_equal(n, 56);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 40, ct, &n), CKR_OK);
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_GCM, &g, sizeof(g), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 56, NULL, &m), CKR_OK);
	assert_int_equal(m, 40);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 56, out, &m), CKR_OK);
	assert_memory_equal(out, pt, 40);
	/* tampered: error, operation over, no plaintext left in the buffer */
	ct[5] ^= 1;
	memset(out, 0, sizeof(out));
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_GCM, &g, sizeof(g), &k), CKR_OK);
	m = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 56, out, &m), CKR_ENCRYPTED_DATA_INVALID);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
	assert_false(op.active);
	/* shorter than the tag */
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_AES_GCM, &g, sizeof(g), &k), CKR_OK);
	m = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, ct, 15, out, &m), CKR_ENCRYPTED_DATA_LEN_RANGE);
	/* parameter checks */
	CK_GCM_PARAMS b = g;
	b.ulTagBits = 24;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.ulTagBits = 136;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.ulTagBits = 100;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b = g;
	b.ulIvLen = 0;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.ulIvLen = 257;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b = g;
	b.pAAD = NULL;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &g, sizeof(g) - 1, &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, NULL, 0, &k), CKR_MECHANISM_PARAM_INVALID);
	/* 32-bit tag, 1-byte IV work */
	b = g;
	b.ulTagBits = 32;
	b.ulIvLen = 1;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_AES_GCM, &b, sizeof(b), &k), CKR_OK);
	n = sizeof(ct);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, pt, 40, ct, &n), CKR_OK);
	assert_int_equal(n, 44);
}

static void test_portfolio_auth(void **state)
{
	mech_key k = service_key(key_of(r_uc1, CKK_AES, 16), CK_PORTFOLIO_SRV_AUTHENT);
	CK_BYTE ch[4] = { 0x02, 0x34, 0x51, 0x78 };
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_TOKEN, 3, ch, 4 };
	uint8_t out[32], hash[32];
	CK_ULONG n;
	(void)state;

	unhex(UC1_HASH, hash, 32);
	/* Use Case 1 through the whole layer: SOURCE_TOKEN, identity 3 */
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, NULL, 0, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, NULL, 0, out, &n), CKR_OK);
	assert_hex_equal(out, 16, UC1_CMAC);
	/* token source takes no data */
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_SIGN, hash, 1, out, &n), CKR_DATA_LEN_RANGE);
	/* unknown identity */
	pp.ulIdentityId = 4;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k),
	                 CKR_MECHANISM_PARAM_INVALID);
	/* a device key signs no caller data or hash (issue 8 item 1) */
	pp.ulSource = CKP_PORTFOLIO_SOURCE_DATA;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	pp.ulSource = CKP_PORTFOLIO_SOURCE_HASH;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_false(op.active);
	/* server side: verify with SOURCE_DATA, multi-part */
	pp.ulSource = CKP_PORTFOLIO_SOURCE_DATA;
	uint8_t sig[16];
	unhex(UC1_CMAC, sig, 16);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, (const uint8_t *)"HostSwV-", 8, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, (const uint8_t *)"1.2.3", 5, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_verify_final(&op, sig, 16), CKR_OK);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, (const uint8_t *)"HostSwV-1.2.3", 13, sig, 16), CKR_OK);
	sig[0] ^= 1;
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, (const uint8_t *)"HostSwV-1.2.3", 13, sig, 16),
	                 CKR_SIGNATURE_INVALID);
	/* SOURCE_HASH (verification): exactly 32 bytes */
	sig[0] ^= 1;
	pp.ulSource = CKP_PORTFOLIO_SOURCE_HASH;
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, hash, 32, sig, 16), CKR_OK);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_verify(&op, hash, 31, sig, 16), CKR_DATA_LEN_RANGE);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, hash, 20, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_verify_final(&op, sig, 16), CKR_DATA_LEN_RANGE);
	assert_int_equal(init(MECH_OP_VERIFY, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, hash, 20, NULL, NULL), CKR_OK);
	assert_int_equal(mech_op_update(&op, MECH_OP_VERIFY, hash, 13, NULL, NULL), CKR_DATA_LEN_RANGE);
}

static void test_portfolio_params(void **state)
{
	mech_key k = service_key(key_of(r_uc1, CKK_AES, 16), CK_PORTFOLIO_SRV_AUTHENT);
	CK_BYTE ch[4] = { 0x02, 0x34, 0x51, 0x78 };
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_TOKEN, 3, ch, 4 };
	(void)state;

	CK_BYTE big[65] = { 0 };
	CK_PORTFOLIO_PARAMS b = pp;
	b.ulChallengeLen = 0;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.pChallenge = big;
	b.ulChallengeLen = 65;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.ulChallengeLen = 64;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_OK);
	mech_op_abort(&op);
	b = pp;
	b.pChallenge = NULL;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b = pp;
	b.ulSource = 0;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	b.ulSource = 9;
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &b, sizeof(b), &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp) - 1, &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_SIGN, CKM_PORTFOLIO_AUTH_CMAC, NULL, 0, &k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp), &k), CKR_MECHANISM_INVALID);
	/* no resolver: SOURCE_TOKEN cannot work */
	CK_MECHANISM m = { CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof(pp) };
	pp.ulSource = CKP_PORTFOLIO_SOURCE_TOKEN;
	pp.ulIdentityId = 3;
	assert_int_equal(mech_op_init(&op, MECH_OP_SIGN, &m, &k, &test_be, FAKE_TOKEN, NULL),
	                 CKR_MECHANISM_PARAM_INVALID);
}

static void test_portfolio_enc(void **state)
{
	static const uint8_t fixed[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	mech_key k = service_key(key_of(r_uc2, CKK_AES, 16), CK_PORTFOLIO_SRV_ENCRYPT);
	CK_BYTE ch[4] = { 0x02, 0x34, 0x51, 0x78 };
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_TOKEN, 7, ch, 4 };
	uint8_t out[64], back[64];
	CK_ULONG n, m;
	(void)state;

	/* Use Case 2: SOURCE_TOKEN encrypts identity 7's value */
	crypto_test_set_fixed_iv(fixed, sizeof(fixed));
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, NULL, 0, NULL, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, NULL, 0, out, &n), CKR_OK);
	assert_hex_equal(out, n, UC2_GCM);
	crypto_test_set_fixed_iv(NULL, 0);
	/* token source: data must be empty */
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_single(&op, MECH_OP_ENCRYPT, back, 1, out + 48, &n), CKR_DATA_LEN_RANGE);
	/* hash source is not for encryption; a device key encrypts no caller data */
	pp.ulSource = CKP_PORTFOLIO_SOURCE_HASH;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_MECHANISM_PARAM_INVALID);
	pp.ulSource = CKP_PORTFOLIO_SOURCE_DATA;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* decrypt: source 0 or DATA */
	pp.ulSource = 0;
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_OK);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, out, 48, NULL, &m), CKR_OK);
	assert_int_equal(m, 16);
	m = 15;
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, out, 48, back, &m), CKR_BUFFER_TOO_SMALL);
	m = sizeof(back);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, out, 48, back, &m), CKR_OK);
	assert_int_equal(m, 16);
	assert_memory_equal(back, "ACME-Car-Model-7", 16);
	pp.ulSource = CKP_PORTFOLIO_SOURCE_TOKEN;
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_MECHANISM_PARAM_INVALID);
	/* wrong expected challenge */
	pp.ulSource = CKP_PORTFOLIO_SOURCE_DATA;
	ch[3] = 0x79;
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_GCM, &pp, sizeof(pp), &k), CKR_OK);
	m = sizeof(back);
	assert_int_equal(mech_op_single(&op, MECH_OP_DECRYPT, out, 48, back, &m), CKR_ENCRYPTED_DATA_INVALID);
	ch[3] = 0x78;
	/* CBC form, SOURCE_TOKEN, then multi-part decryption */
	pp.ulSource = CKP_PORTFOLIO_SOURCE_TOKEN;
	assert_int_equal(init(MECH_OP_ENCRYPT, CKM_PORTFOLIO_ENC_CBC, &pp, sizeof(pp), &k), CKR_OK);
	n = sizeof(out);
	assert_int_equal(mech_op_update(&op, MECH_OP_ENCRYPT, NULL, 0, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(mech_op_final(&op, MECH_OP_ENCRYPT, NULL, &n), CKR_OK);
	assert_int_equal(n, 48);
	assert_int_equal(mech_op_final(&op, MECH_OP_ENCRYPT, out, &n), CKR_OK);
	pp.ulSource = CKP_PORTFOLIO_SOURCE_DATA;
	assert_int_equal(init(MECH_OP_DECRYPT, CKM_PORTFOLIO_ENC_CBC, &pp, sizeof(pp), &k), CKR_OK);
	m = sizeof(back);
	assert_int_equal(mech_op_update(&op, MECH_OP_DECRYPT, out, 30, back, &m), CKR_OK);
	assert_int_equal(m, 0);
	m = sizeof(back);
	assert_int_equal(mech_op_update(&op, MECH_OP_DECRYPT, out + 30, 18, back, &m), CKR_OK);
	m = sizeof(back);
	assert_int_equal(mech_op_final(&op, MECH_OP_DECRYPT, back, &m), CKR_OK);
	assert_int_equal(m, 16);
	assert_memory_equal(back, "ACME-Car-Model-7", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmac_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hmac_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aes_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcm_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_auth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_enc, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
