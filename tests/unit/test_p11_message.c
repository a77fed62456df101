/* test_p11_message.c - the PKCS#11 3.0 message-based functions through the
 * module: CKM_AES_GCM (McGrew-Viega test cases 2 and 4) and CKM_AES_CCM
 * (SP 800-38C C.1-C.3) with CK_GCM_MESSAGE_PARAMS / CK_CCM_MESSAGE_PARAMS,
 * the tag apart from the ciphertext, the generated-IV modes, the session
 * states (a message operation beside the ordinary one, the wrong kind, after
 * Final, C_SessionCancel), the parameter checks, and the Portfolio AUTH
 * family through C_MessageVerifyInit / C_VerifyMessage with a per-message
 * CK_PORTFOLIO_PARAMS (the same answer as C_VerifyInit + C_Verify; a device
 * key may sign nothing through messages that C_SignInit refuses). */
#include "config.h"
#include "core_test_util.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "kat_ccm.h"
#include "test_crypto_util.h"

/* McGrew-Viega GCM test case 4 (key feffe992...): IV, AAD, plaintext, ciphertext, tag. */
static const char gcm_key[] = "feffe9928665731c6d6a8f9467308308";
static const char gcm_iv[] = "cafebabefacedbaddecaf888";
static const char gcm_aad[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
static const char gcm_plain[] = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
static const char gcm_ct[] = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";
static const char gcm_tag[] = "5bc94fbc3221a5db94fae95ae7121a47";

static CK_OBJECT_HANDLE aes_key(CK_SESSION_HANDLE s, const char *hex)
{
	uint8_t k[32];
	return ct_plain_aes_key(s, k, unhex(hex, k, sizeof k));
}

static const CK_MECHANISM gcm_mech = { CKM_AES_GCM, NULL, 0 };
static const CK_MECHANISM ccm_mech = { CKM_AES_CCM, NULL, 0 };

/* What C_GetMechanismInfo reports of the message-based kinds, per family. */
static const struct {
	CK_MECHANISM_TYPE type;
	CK_FLAGS flags;
} infos[] = {
	{ CKM_AES_GCM, CKF_ENCRYPT | CKF_DECRYPT | CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT },
	{ CKM_PORTFOLIO_AUTH_CMAC, CKF_SIGN | CKF_VERIFY | CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY },
	{ CKM_SHA256_HMAC, CKF_SIGN | CKF_VERIFY | CKF_MESSAGE_SIGN | CKF_MESSAGE_VERIFY },
	{ CKM_PORTFOLIO_SCP80_UNWRAP, CKF_DECRYPT }, /* its parameter reports: no message form */
	{ CKM_AES_ECB, CKF_ENCRYPT | CKF_DECRYPT },
};

static void test_info(void **state)
{
	CK_MECHANISM_INFO info;
	CK_SLOT_ID slot;
	(void)state;
	ct_ready_token(&slot);
	for (size_t i = 0; i < sizeof infos / sizeof *infos; i++) {
		assert_int_equal(f->C_GetMechanismInfo(slot, infos[i].type, &info), CKR_OK);
		assert_int_equal(info.flags, infos[i].flags);
	}
}

/* Test case 4 with tag_bits, several messages on one C_MessageEncryptInit. */
static void test_gcm_kat(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, gcm_key);
	uint8_t iv[12], aad[20], pt[60], ct[60], out[64], tag[16];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 0, CKG_NO_GENERATE, tag, 128 };
	CK_ULONG n;
	(void)state;

	unhex(gcm_iv, iv, sizeof iv);
	unhex(gcm_aad, aad, sizeof aad);
	unhex(gcm_plain, pt, sizeof pt);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	for (CK_ULONG bits = 128; bits >= 96; bits -= 32) {
		p.ulTagBits = bits;
		memset(tag, 0, sizeof tag);
		n = 0;
		assert_int_equal(C_EncryptMessage(s, &p, sizeof p, aad, sizeof aad, pt, sizeof pt, NULL, &n), CKR_OK);
		assert_int_equal(n, sizeof pt); /* the tag is not part of the ciphertext */
		n = sizeof out;
		assert_int_equal(C_EncryptMessage(s, &p, sizeof p, aad, sizeof aad, pt, sizeof pt, out, &n), CKR_OK);
		assert_int_equal(n, sizeof pt);
		assert_hex_equal(out, n, gcm_ct);
		assert_hex_equal(tag, 12, "5bc94fbc3221a5db94fae95a");
		if (bits == 128)
			assert_hex_equal(tag, 16, gcm_tag);
	}
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);

	/* decrypt: the ciphertext alone, the tag from pTag */
	unhex(gcm_ct, ct, sizeof ct);
	unhex(gcm_tag, tag, sizeof tag);
	p.ulTagBits = 128;
	assert_int_equal(C_MessageDecryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	n = sizeof out;
	assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, sizeof aad, ct, sizeof ct, out, &n), CKR_OK);
	assert_int_equal(n, sizeof pt);
	assert_memory_equal(out, pt, sizeof pt);
	/* a wrong tag: refused, nothing released, and the operation goes on */
	tag[15] ^= 1;
	n = sizeof out;
	assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, sizeof aad, ct, sizeof ct, out, &n),
	                 CKR_ENCRYPTED_DATA_INVALID);
	assert_true(memcmp(out, pt, 16) != 0);
	tag[15] ^= 1;
	aad[0] ^= 1; /* the AAD is authenticated */
	n = sizeof out;
	assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, sizeof aad, ct, sizeof ct, out, &n),
	                 CKR_ENCRYPTED_DATA_INVALID);
	aad[0] ^= 1;
	n = sizeof out;
	assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, sizeof aad, ct, sizeof ct, out, &n), CKR_OK);
	assert_memory_equal(out, pt, sizeof pt);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OK);
}

/* SP 800-38C C.1-C.3: the ciphertext into pCiphertext, the MAC into pMAC. */
static void test_ccm_kat(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, "404142434445464748494a4b4c4d4e4f");
	(void)state;

	for (size_t i = 0; i < sizeof ccm_kats / sizeof *ccm_kats; i++) {
		uint8_t nonce[13], aad[20], pt[24], ct_tag[32], out[32], mac[16];
		CK_ULONG nl = unhex(ccm_kats[i].nonce, nonce, sizeof nonce), al = unhex(ccm_kats[i].aad, aad, sizeof aad);
		CK_ULONG pl = unhex(ccm_kats[i].plain, pt, sizeof pt), tl = ccm_kats[i].tag_len, n = sizeof out;
		CK_CCM_MESSAGE_PARAMS p = { pl, nonce, nl, 0, CKG_NO_GENERATE, mac, tl };

		unhex(ccm_kats[i].cipher_tag, ct_tag, sizeof ct_tag);
		assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&ccm_mech, k), CKR_OK);
		assert_int_equal(C_EncryptMessage(s, &p, sizeof p, aad, al, pt, pl, out, &n), CKR_OK);
		assert_int_equal(n, pl);
		assert_memory_equal(out, ct_tag, pl);
		assert_memory_equal(mac, ct_tag + pl, tl);
		assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);

		assert_int_equal(C_MessageDecryptInit(s, (CK_MECHANISM_PTR)&ccm_mech, k), CKR_OK);
		n = sizeof out;
		assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, al, ct_tag, pl, out, &n), CKR_OK);
		assert_int_equal(n, pl);
		assert_memory_equal(out, pt, pl);
		mac[0] ^= 0x80;
		n = sizeof out;
		assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, al, ct_tag, pl, out, &n),
		                 CKR_ENCRYPTED_DATA_INVALID);
		p.ulDataLen = pl + 1; /* the plaintext must be ulDataLen bytes */
		n = sizeof out;
		assert_int_equal(C_DecryptMessage(s, &p, sizeof p, aad, al, ct_tag, pl, out, &n),
		                 CKR_ENCRYPTED_DATA_LEN_RANGE);
		assert_int_equal(C_MessageDecryptFinal(s), CKR_OK);
	}
}

/* C_MessageDecryptInit, one C_DecryptMessage that must give pt back, Final. */
static void decrypt_one(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, const CK_MECHANISM *m, void *param,
                        CK_ULONG param_len, const uint8_t *aad, CK_ULONG aad_len, const uint8_t *ct,
                        CK_ULONG len, const uint8_t *pt)
{
	uint8_t out[64];
	CK_ULONG n = sizeof out;

	assert_int_equal(C_MessageDecryptInit(s, (CK_MECHANISM_PTR)m, k), CKR_OK);
	assert_int_equal(C_DecryptMessage(s, param, param_len, (CK_BYTE_PTR)aad, aad_len, (CK_BYTE_PTR)ct, len,
	                                  out, &n),
	                 CKR_OK);
	assert_int_equal(n, len);
	assert_memory_equal(out, pt, len);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OK);
}

/* An independent check of a message the module encrypted: OpenSSL's AES-GCM
 * with the key of test case 4 and the IV and tag the module reported. */
static void evp_gcm_check(const CK_GCM_MESSAGE_PARAMS *p, const uint8_t *ct, int len, const uint8_t *pt)
{
	uint8_t key[16], out[64];
	int n = 0, m = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	unhex(gcm_key, key, sizeof key);
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)p->ulIvLen, NULL), 1);
	assert_int_equal(EVP_DecryptInit_ex(c, NULL, NULL, key, p->pIv), 1);
	assert_int_equal(EVP_DecryptUpdate(c, out, &n, ct, len), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, (int)(p->ulTagBits / 8), p->pTag), 1);
	assert_int_equal(EVP_DecryptFinal_ex(c, out + n, &m), 1);
	assert_int_equal(n + m, len);
	assert_memory_equal(out, pt, (size_t)len);
	EVP_CIPHER_CTX_free(c);
}

/* Encrypt one message of test case 4's plaintext with p; decrypt it with the
 * IV p now holds, through the module and through OpenSSL directly. */
static void round_trip(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_GCM_MESSAGE_PARAMS *p)
{
	uint8_t pt[60], ct[60];
	CK_ULONG n = sizeof ct;
	CK_GCM_MESSAGE_PARAMS d = *p;

	unhex(gcm_plain, pt, sizeof pt);
	assert_int_equal(C_EncryptMessage(s, p, sizeof *p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OK);
	evp_gcm_check(p, ct, (int)sizeof ct, pt);
	d.ivGenerator = CKG_GENERATE_COUNTER; /* decryption ignores it: the IV is the message's */
	decrypt_one(s, k, &gcm_mech, &d, sizeof d, NULL, 0, ct, sizeof ct, pt);
}

static void test_gcm_generated_ivs(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, gcm_key);
	uint8_t iv[12], tag[16], first[12], pt[4] = { 1, 2, 3, 4 }, ct[4];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 32, CKG_GENERATE_COUNTER, tag, 128 };
	CK_ULONG n;
	(void)state;

	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	/* counter: the 32 fixed bits stay, the 64 others count from 0 */
	unhex("a1a2a3a4ffffffffffffffff", iv, sizeof iv);
	n = 0;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, NULL, &n), CKR_OK);
	assert_hex_equal(iv, 12, "a1a2a3a4ffffffffffffffff"); /* a length query generates nothing */
	round_trip(s, k, &p);
	assert_hex_equal(iv, 12, "a1a2a3a40000000000000000");
	round_trip(s, k, &p);
	assert_hex_equal(iv, 12, "a1a2a3a40000000000000001");
	/* XOR: the caller's free bits XOR the same counter (now 2) */
	p.ivGenerator = CKG_GENERATE_COUNTER_XOR;
	unhex("a1a2a3a4000000000000f0f0", iv, sizeof iv);
	round_trip(s, k, &p);
	assert_hex_equal(iv, 12, "a1a2a3a4000000000000f0f2");
	/* random: the fixed part stays, the rest differs from message to message */
	p.ivGenerator = CKG_GENERATE_RANDOM;
	p.ulIvFixedBits = 0;
	round_trip(s, k, &p);
	memcpy(first, iv, sizeof iv);
	round_trip(s, k, &p);
	assert_memory_not_equal(first, iv, sizeof iv);
	p.ivGenerator = CKG_GENERATE;
	round_trip(s, k, &p);
	/* fewer than 96 random bits could repeat: refused (SP 800-38D 8.2.2) */
	p.ulIvFixedBits = 8;
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	p.ivGenerator = 7;
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);
}

/* A counter of 2 free bits gives 4 IVs, then refuses instead of wrapping; a
 * new operation starts its own counter. */
static void test_counter_never_wraps(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, gcm_key);
	uint8_t iv[12], tag[16], pt[4] = { 0 }, ct[4];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 94, CKG_GENERATE_COUNTER, tag, 128 };
	CK_ULONG n;
	char expect[25];
	(void)state;

	memset(iv, 0x55, sizeof iv);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	for (int i = 0; i < 4; i++) {
		n = sizeof ct;
		assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OK);
		snprintf(expect, sizeof expect, "5555555555555555555555%02x", 0x54 | i);
		assert_hex_equal(iv, 12, expect);
	}
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	p.ulIvFixedBits = 96; /* nothing left to generate */
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);
}

/* CCM: the nonce generated the same way (counter in the free bits). */
static void test_ccm_generated_nonce(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, "404142434445464748494a4b4c4d4e4f");
	uint8_t nonce[13], mac[8], pt[5] = "hello", ct[5];
	CK_CCM_MESSAGE_PARAMS p = { sizeof pt, nonce, sizeof nonce, 40, CKG_GENERATE_COUNTER, mac, sizeof mac };
	CK_ULONG n = sizeof ct;
	(void)state;

	memset(nonce, 0xee, sizeof nonce);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&ccm_mech, k), CKR_OK);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, pt, 2, pt, sizeof pt, ct, &n), CKR_OK);
	assert_hex_equal(nonce, 13, "eeeeeeeeee0000000000000000");
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, pt, 2, pt, sizeof pt, ct, &n), CKR_OK);
	assert_hex_equal(nonce, 13, "eeeeeeeeee0000000000000001");
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);
	decrypt_one(s, k, &ccm_mech, &p, sizeof p, pt, 2, ct, sizeof ct, pt);
}

static void test_states(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, gcm_key);
	uint8_t iv[12] = { 0 }, tag[16], pt[4] = { 0 }, ct[4];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 0, CKG_NO_GENERATE, tag, 128 };
	CK_GCM_PARAMS gp = { iv, sizeof iv, 96, NULL, 0, 128 };
	CK_MECHANISM plain = { CKM_AES_GCM, &gp, sizeof gp };
	CK_MECHANISM with_param = { CKM_AES_GCM, &p, sizeof p };
	CK_MECHANISM cbc = { CKM_AES_CBC, NULL, 0 };
	CK_ULONG n = sizeof ct;
	(void)state;

	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(C_MessageEncryptInit(s, &with_param, k), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageEncryptInit(s, &cbc, k), CKR_MECHANISM_INVALID);
	assert_int_equal(C_MessageEncryptInit(s, NULL, k), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_MessageSignInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_MECHANISM_INVALID);

	/* the ordinary encryption and the message-based one exclude each other */
	assert_int_equal(f->C_EncryptInit(s, &plain, k), CKR_OK);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OPERATION_ACTIVE);
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OPERATION_NOT_INITIALIZED);
	n = sizeof ct + 16;
	uint8_t full[20];
	assert_int_equal(f->C_Encrypt(s, pt, sizeof pt, full, &n), CKR_OK);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	assert_int_equal(f->C_EncryptInit(s, &plain, k), CKR_OPERATION_ACTIVE);
	n = sizeof full;
	assert_int_equal(f->C_Encrypt(s, pt, sizeof pt, full, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* a message operation of another kind */
	n = sizeof ct;
	assert_int_equal(C_DecryptMessage(s, &p, sizeof p, NULL, 0, ct, sizeof ct, pt, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OPERATION_NOT_INITIALIZED);
	/* a decryption of its own kind may run beside it */
	assert_int_equal(C_MessageDecryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	/* multi-part messages are not offered */
	assert_int_equal(C_EncryptMessageBegin(s, &p, sizeof p, NULL, 0), CKR_FUNCTION_NOT_SUPPORTED);
	/* C_SessionCancel: CKF_ENCRYPT names the ordinary operation, not this one */
	assert_int_equal(C_SessionCancel(s, CKF_ENCRYPT), CKR_OK);
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OK);
	assert_int_equal(C_SessionCancel(s, CKF_MESSAGE_ENCRYPT), CKR_OK);
	n = sizeof ct;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OK);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OPERATION_NOT_INITIALIZED);
	/* logout ends it like any operation */
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OPERATION_NOT_INITIALIZED);
}

static void test_bad_params(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, gcm_key);
	uint8_t iv[12] = { 0 }, tag[16], pt[4] = { 0 }, ct[4];
	CK_GCM_MESSAGE_PARAMS p = { iv, sizeof iv, 0, CKG_NO_GENERATE, tag, 128 };
	CK_GCM_MESSAGE_PARAMS bad;
	CK_ULONG n = sizeof ct;
	(void)state;

	/* NULL pointers the standard requires: CKR_ARGUMENTS_BAD, running or not */
	assert_int_equal(C_EncryptMessage(s, NULL, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_MessageEncryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 3, pt, sizeof pt, ct, &n), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, NULL, 4, ct, &n), CKR_ARGUMENTS_BAD);
	/* a parameter that is missing, short or wrong */
	assert_int_equal(C_EncryptMessage(s, NULL, 0, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p - 1, NULL, 0, pt, sizeof pt, ct, &n),
	                 CKR_MECHANISM_PARAM_INVALID);
	bad = p;
	bad.ulTagBits = 136;
	assert_int_equal(C_EncryptMessage(s, &bad, sizeof bad, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	bad.ulTagBits = 100;
	assert_int_equal(C_EncryptMessage(s, &bad, sizeof bad, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	bad = p;
	bad.pTag = NULL;
	assert_int_equal(C_EncryptMessage(s, &bad, sizeof bad, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	bad = p;
	bad.ulIvLen = 0;
	assert_int_equal(C_EncryptMessage(s, &bad, sizeof bad, NULL, 0, pt, sizeof pt, ct, &n), CKR_MECHANISM_PARAM_INVALID);
	/* too small a buffer: the length, and nothing lost */
	n = 2;
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, sizeof pt);
	assert_int_equal(C_EncryptMessage(s, &p, sizeof p, NULL, 0, pt, sizeof pt, ct, &n), CKR_OK);
	assert_int_equal(C_MessageEncryptFinal(s), CKR_OK);
	/* a ciphertext shorter than nothing is fine for GCM; a short tag length is not */
	assert_int_equal(C_MessageDecryptInit(s, (CK_MECHANISM_PTR)&gcm_mech, k), CKR_OK);
	bad = p;
	bad.ulTagBits = 24;
	n = sizeof ct;
	assert_int_equal(C_DecryptMessage(s, &bad, sizeof bad, NULL, 0, ct, sizeof ct, pt, &n), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageDecryptFinal(s), CKR_OK);
}

/* ---- the Portfolio AUTH family through messages ---- */

static const uint8_t pf_key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	                            0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
static const char identity[] = "urn:imei:490154203237518";

/* The expected signature, made independently with OpenSSL: AES-CMAC_K(hash || challenge). */
static void expected_sig(const uint8_t *hash, const uint8_t *chal, uint8_t *sig)
{
	uint8_t msg[36];
	size_t ol = 0;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *mc = EVP_MAC_CTX_new(mac);
	OSSL_PARAM prm[] = { OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0), OSSL_PARAM_construct_end() };

	memcpy(msg, hash, 32);
	memcpy(msg + 32, chal, 4);
	assert_int_equal(EVP_MAC_init(mc, pf_key, sizeof pf_key, prm), 1);
	assert_int_equal(EVP_MAC_update(mc, msg, sizeof msg), 1);
	assert_int_equal(EVP_MAC_final(mc, sig, &ol, 16), 1);
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(mac);
}

/* One verification of the list below: its source, data, and a flipped signature byte or none. */
typedef struct pf_case {
	CK_ULONG source;
	int use_hash, flip;
	CK_RV expect;
} pf_case;

static const pf_case pf_cases[] = {
	{ CKP_PORTFOLIO_SOURCE_DATA, 0, -1, CKR_OK },
	{ CKP_PORTFOLIO_SOURCE_HASH, 1, -1, CKR_OK },
	{ CKP_PORTFOLIO_SOURCE_HASH, 1, 3, CKR_SIGNATURE_INVALID },
	{ CKP_PORTFOLIO_SOURCE_DATA, 0, 15, CKR_SIGNATURE_INVALID },
	{ CKP_PORTFOLIO_SOURCE_DATA, 0, -1, CKR_OK },
};

/* Case i of challenge c: C_VerifyInit + C_Verify (message = 0) or C_VerifyMessage. */
static CK_RV verify_case(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, const pf_case *c, uint8_t chal0,
                         const uint8_t *hash, int message)
{
	uint8_t chal[4] = { chal0, 0x34, 0x51, 0x78 }, sig[16];
	CK_PORTFOLIO_PARAMS pp = { c->source, 0, chal, sizeof chal };
	CK_MECHANISM m = { CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp };
	CK_BYTE_PTR data = c->use_hash ? (CK_BYTE_PTR)hash : (CK_BYTE_PTR)identity;
	CK_ULONG len = c->use_hash ? 32 : (CK_ULONG)strlen(identity);

	expected_sig(hash, chal, sig);
	if (c->flip >= 0)
		sig[c->flip] ^= 1;
	if (message)
		return C_VerifyMessage(s, &pp, sizeof pp, data, len, sig, sizeof sig);
	assert_int_equal(f->C_VerifyInit(s, &m, k), CKR_OK);
	return f->C_Verify(s, data, len, sig, sizeof sig);
}

static void test_portfolio_verify_message(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	/* a server's verify-only copy of a device key */
	CK_OBJECT_HANDLE k = ct_aes_key(s, pf_key, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_FALSE);
	uint8_t chal[4] = { 1, 2, 3, 4 }, sig[16] = { 0 }, hash[32];
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_HASH, 0, chal, sizeof chal };
	CK_MECHANISM auth = { CKM_PORTFOLIO_AUTH_CMAC, NULL, 0 };
	CK_MECHANISM sha = { CKM_SHA256, NULL, 0 };
	CK_ULONG n = sizeof hash;
	const size_t nc = sizeof pf_cases / sizeof *pf_cases;
	(void)state;

	assert_int_equal(f->C_DigestInit(s, &sha), CKR_OK);
	assert_int_equal(f->C_Digest(s, (CK_BYTE_PTR)identity, strlen(identity), hash, &n), CKR_OK);
	for (size_t i = 0; i < nc; i++)
		assert_int_equal(verify_case(s, k, &pf_cases[i], (uint8_t)i, hash, 0), pf_cases[i].expect);
	/* one C_MessageVerifyInit, a parameter (and challenge) per message: the same answers */
	assert_int_equal(C_MessageVerifyInit(s, &auth, k), CKR_OK);
	for (size_t i = 0; i < nc; i++)
		assert_int_equal(verify_case(s, k, &pf_cases[i], (uint8_t)i, hash, 1), pf_cases[i].expect);
	/* the parameter's rules are the ordinary ones */
	assert_int_equal(C_VerifyMessage(s, &pp, sizeof pp, hash, 31, sig, 16), CKR_DATA_LEN_RANGE);
	pp.ulChallengeLen = 0;
	assert_int_equal(C_VerifyMessage(s, &pp, sizeof pp, hash, 32, sig, 16), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_VerifyMessage(s, NULL, 0, hash, 32, sig, 16), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_VerifyMessage(s, &pp, sizeof pp, hash, 32, NULL, 16), CKR_ARGUMENTS_BAD);
	/* the key's signing is refused as at C_SignInit: a verify-only copy */
	assert_int_equal(C_MessageSignInit(s, &auth, k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(C_MessageVerifyFinal(s), CKR_OK);
}

/* A device key (CKA_SIGN) signs only the token's identity: C_SignInit refuses
 * SOURCE_DATA, and so does every message; a verify-only key signs nothing. */
static void test_portfolio_sign_message_rules(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE device = ct_aes_key(s, pf_key, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE);
	uint8_t server_key[16] = { 1 }, chal[4] = { 1, 2, 3, 4 }, sig[16];
	CK_OBJECT_HANDLE server = ct_aes_key(s, server_key, 16, CK_PORTFOLIO_SRV_AUTHENT, 1, CK_FALSE);
	CK_PORTFOLIO_PARAMS pp = { CKP_PORTFOLIO_SOURCE_DATA, 0, chal, sizeof chal };
	CK_MECHANISM auth = { CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp };
	CK_MECHANISM bare = { CKM_PORTFOLIO_AUTH_CMAC, NULL, 0 };
	CK_MECHANISM cmac = { CKM_AES_CMAC, NULL, 0 };
	CK_ULONG n = sizeof sig;
	(void)state;

	assert_int_equal(f->C_SignInit(s, &auth, device), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(C_MessageSignInit(s, &bare, device), CKR_OK);
	assert_int_equal(C_SignMessage(s, &pp, sizeof pp, (CK_BYTE_PTR)identity, 5, sig, &n),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	pp.ulSource = CKP_PORTFOLIO_SOURCE_HASH;
	n = sizeof sig;
	assert_int_equal(C_SignMessage(s, &pp, sizeof pp, sig, 16, sig, &n), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(C_MessageSignFinal(s), CKR_OK);
	assert_int_equal(C_MessageSignInit(s, &bare, server), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a keyset key serves its service only, through messages too */
	assert_int_equal(C_MessageSignInit(s, &cmac, device), CKR_KEY_FUNCTION_NOT_PERMITTED);
}

/* RFC 4493 example 2 through C_SignMessage / C_VerifyMessage (no parameter). */
static void test_cmac_message(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = aes_key(s, "2b7e151628aed2a6abf7158809cf4f3c");
	CK_MECHANISM cmac = { CKM_AES_CMAC, NULL, 0 };
	uint8_t m[16], sig[16];
	CK_ULONG n = 0;
	(void)state;

	unhex("6bc1bee22e409f96e93d7e117393172a", m, sizeof m);
	assert_int_equal(C_MessageSignInit(s, &cmac, k), CKR_OK);
	assert_int_equal(C_SignMessage(s, NULL, 0, m, sizeof m, NULL, &n), CKR_OK);
	assert_int_equal(n, 16);
	for (int i = 0; i < 2; i++) {
		n = sizeof sig;
		assert_int_equal(C_SignMessage(s, NULL, 0, m, sizeof m, sig, &n), CKR_OK);
		assert_hex_equal(sig, 16, "070a16b46b4d4144f79bdd9dd04a287c");
	}
	assert_int_equal(C_SignMessage(s, m, 4, m, sizeof m, sig, &n), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageSignFinal(s), CKR_OK);
	assert_int_equal(C_MessageVerifyInit(s, &cmac, k), CKR_OK);
	assert_int_equal(C_VerifyMessage(s, NULL, 0, m, sizeof m, sig, sizeof sig), CKR_OK);
	assert_int_equal(C_VerifyMessage(s, NULL, 0, m, 15, sig, sizeof sig), CKR_SIGNATURE_INVALID);
	assert_int_equal(C_VerifyMessage(s, NULL, 0, m, sizeof m, sig, 15), CKR_SIGNATURE_LEN_RANGE);
	assert_int_equal(C_VerifyMessage(s, NULL, 0, m, sizeof m, sig, sizeof sig), CKR_OK);
	assert_int_equal(C_MessageVerifyFinal(s), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_gcm_kat, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_ccm_kat, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_gcm_generated_ivs, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_counter_never_wraps, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_ccm_generated_nonce, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_states, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_verify_message, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_portfolio_sign_message_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cmac_message, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
