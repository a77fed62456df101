/* test_p11_div.c - a device's Portfolio answer checked with the master alone
 * (CKM_PORTFOLIO_DIV_AUTH_CMAC, _AUTH_HMAC, _ENC_GCM; docs/mechanisms.md
 * 10.2; issue 10 item 2 "Server"). The known answers were computed with the
 * openssl CLI (openssl kdf ... KBKDF, openssl mac CMAC / HMAC) and
 * python3-cryptography (KBKDFCMAC, AESGCM), never with this module:
 *   master 000102..0f, D = urn:imei:490154203237518, I = 1;
 *   AUTH n = 1 (16 bytes) K = 7e214f520227ef647af0ee1f8e78afd9,
 *   CMAC_K(SHA-256("HostSwV-1.2.3") | 02345178) = 0d1786ea88c687b268b1d708ad95b586;
 *   the same for D ...519: 8b16931cf3e500c10ba4aa31819f56d4;
 *   AUTH n = 3, 32-byte generic secret, HMAC-SHA256 = 4e529643...54bc;
 *   ENC n = 2 (32 bytes), IV 000102..0b, GCM of "HostSwV-1.2.3" | 02345178.
 * The result must equal C_DeriveKey(CKM_PORTFOLIO_DIVERSIFY) + C_Verify. */
#include "config.h"
#include <stdio.h>
#include <openssl/evp.h>
#include "core_test_util.h"
#include "test_crypto_util.h"

#define DEVICE "urn:imei:490154203237518"
#define DEVICE2 "urn:imei:490154203237519"
#define IDENTITY "HostSwV-1.2.3"
#define ID_HASH "38cc740d57995e0132f9396ba8df9248bd77ed02895f1e07f2b585aa5bca1185"
#define SIG_CMAC "0d1786ea88c687b268b1d708ad95b586"
#define SIG_CMAC_DEV2 "8b16931cf3e500c10ba4aa31819f56d4"
#define SIG_HMAC_N3 "4e529643c38c22a813a42aced75b494b165bed0db1313d5f38e884a6896d54bc"
#define ENC_ANSWER "000102030405060708090a0b2f6d3b4ea0d821ecfbdea528f075c3705cd04471aea9b504023b13d51e9bd0a841"
static const uint8_t MASTER[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static uint8_t CHALLENGE[4] = {0x02, 0x34, 0x51, 0x78};

static CK_SESSION_HANDLE S;
static CK_SLOT_ID SLOT;
static CK_OBJECT_HANDLE M_AUTH, M_ENC;

static CK_OBJECT_HANDLE master(CK_ULONG service)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE, (void *)MASTER, 16},
		{CKA_PORTFOLIO_MASTER, &service, sizeof service}, {CKA_TOKEN, &no, 1},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(S, t, 5, &h), CKR_OK);
	return h;
}

static int setup(void **state)
{
	int rc = ct_setup(state);
	if (rc == 0) {
		S = ct_ready_token(&SLOT);
		M_AUTH = master(CK_PORTFOLIO_SRV_AUTHENT);
		M_ENC = master(CK_PORTFOLIO_SRV_ENCRYPT);
	}
	return rc;
}

/* The parameter of one device answer. */
static CK_PORTFOLIO_DIV_PARAMS div_params(const char *device, CK_ULONG dev_len, CK_ULONG instance,
                                          CK_ULONG index, CK_ULONG key_len, CK_ULONG source)
{
	CK_PORTFOLIO_DIV_PARAMS p = {{(CK_BYTE_PTR)device, dev_len, instance, index}, key_len,
	                             {source, 0, CHALLENGE, sizeof CHALLENGE}};
	return p;
}

/* C_VerifyInit + C_Verify with the auth master over data (SOURCE_DATA: the
 * identity value; SOURCE_HASH: its hash). */
static CK_RV div_verify(CK_MECHANISM_TYPE mech, CK_OBJECT_HANDLE key, const CK_PORTFOLIO_DIV_PARAMS *p,
                        const uint8_t *data, CK_ULONG len, const char *sig_hex)
{
	uint8_t sig[64];
	size_t n = unhex(sig_hex, sig, sizeof sig);
	CK_MECHANISM m = {mech, (void *)p, sizeof *p};
	CK_RV rv = f->C_VerifyInit(S, &m, key);
	return rv != CKR_OK ? rv : f->C_Verify(S, (CK_BYTE_PTR)data, len, sig, n);
}

static CK_RV verify_dev(const char *device, CK_ULONG index, const char *sig_hex)
{
	uint8_t hash[32];
	unhex(ID_HASH, hash, 32);
	CK_PORTFOLIO_DIV_PARAMS p = div_params(device, strlen(device), 1, index, 16, CKP_PORTFOLIO_SOURCE_HASH);
	return div_verify(CKM_PORTFOLIO_DIV_AUTH_CMAC, M_AUTH, &p, hash, 32, sig_hex);
}

static void test_known_answers(void **state)
{
	(void)state;
	uint8_t hash[32];
	unhex(ID_HASH, hash, 32);
	assert_int_equal(verify_dev(DEVICE, 1, SIG_CMAC), CKR_OK);
	assert_int_equal(verify_dev(DEVICE2, 1, SIG_CMAC_DEV2), CKR_OK);
	/* another device, index, or a changed signature: invalid */
	assert_int_equal(verify_dev(DEVICE2, 1, SIG_CMAC), CKR_SIGNATURE_INVALID);
	assert_int_equal(verify_dev(DEVICE, 2, SIG_CMAC), CKR_SIGNATURE_INVALID);
	assert_int_equal(verify_dev(DEVICE, 1, "0d1786ea88c687b268b1d708ad95b587"), CKR_SIGNATURE_INVALID);
	/* SOURCE_DATA: the identity value, hashed by the mechanism */
	CK_PORTFOLIO_DIV_PARAMS p = div_params(DEVICE, strlen(DEVICE), 1, 1, 16, CKP_PORTFOLIO_SOURCE_DATA);
	assert_int_equal(div_verify(CKM_PORTFOLIO_DIV_AUTH_CMAC, M_AUTH, &p, (const uint8_t *)IDENTITY,
	                            strlen(IDENTITY), SIG_CMAC), CKR_OK);
	/* another instance */
	p = div_params(DEVICE, strlen(DEVICE), 2, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	assert_int_equal(div_verify(CKM_PORTFOLIO_DIV_AUTH_CMAC, M_AUTH, &p, hash, 32, SIG_CMAC),
	                 CKR_SIGNATURE_INVALID);
	/* HMAC: a 32-byte generic-secret device key, n = 3 */
	p = div_params(DEVICE, strlen(DEVICE), 1, 3, 32, CKP_PORTFOLIO_SOURCE_HASH);
	assert_int_equal(div_verify(CKM_PORTFOLIO_DIV_AUTH_HMAC, M_AUTH, &p, hash, 32, SIG_HMAC_N3), CKR_OK);
	p.ulDeviceKeyLen = 16;
	assert_int_equal(div_verify(CKM_PORTFOLIO_DIV_AUTH_HMAC, M_AUTH, &p, hash, 32, SIG_HMAC_N3),
	                 CKR_SIGNATURE_INVALID);
}

/* Multi-part: the hash in two pieces, then C_VerifyFinal. */
static void test_multipart(void **state)
{
	(void)state;
	uint8_t hash[32], sig[16];
	unhex(ID_HASH, hash, 32);
	unhex(SIG_CMAC, sig, 16);
	CK_PORTFOLIO_DIV_PARAMS p = div_params(DEVICE, strlen(DEVICE), 1, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	CK_MECHANISM m = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p};
	assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
	assert_int_equal(f->C_VerifyUpdate(S, hash, 10), CKR_OK);
	assert_int_equal(f->C_VerifyUpdate(S, hash + 10, 22), CKR_OK);
	assert_int_equal(f->C_VerifyFinal(S, sig, 16), CKR_OK);
}

static CK_RV div_decrypt(CK_OBJECT_HANDLE key, const CK_PORTFOLIO_DIV_PARAMS *p, const char *answer_hex,
                         uint8_t *out, CK_ULONG *out_len)
{
	uint8_t in[128];
	size_t n = unhex(answer_hex, in, sizeof in);
	CK_MECHANISM m = {CKM_PORTFOLIO_DIV_ENC_GCM, (void *)p, sizeof *p};
	CK_RV rv = f->C_DecryptInit(S, &m, key);
	return rv != CKR_OK ? rv : f->C_Decrypt(S, in, n, out, out_len);
}

static void test_decrypt(void **state)
{
	(void)state;
	uint8_t out[128];
	CK_ULONG n = sizeof out;
	CK_PORTFOLIO_DIV_PARAMS p = div_params(DEVICE, strlen(DEVICE), 1, 2, 32, 0);
	assert_int_equal(div_decrypt(M_ENC, &p, ENC_ANSWER, out, &n), CKR_OK);
	assert_int_equal(n, strlen(IDENTITY));
	assert_memory_equal(out, IDENTITY, n);
	/* another device, a 16-byte key, another challenge: nothing comes out */
	CK_PORTFOLIO_DIV_PARAMS q = div_params(DEVICE2, strlen(DEVICE2), 1, 2, 32, 0);
	n = sizeof out;
	assert_int_equal(div_decrypt(M_ENC, &q, ENC_ANSWER, out, &n), CKR_ENCRYPTED_DATA_INVALID);
	p.ulDeviceKeyLen = 16;
	n = sizeof out;
	assert_int_equal(div_decrypt(M_ENC, &p, ENC_ANSWER, out, &n), CKR_ENCRYPTED_DATA_INVALID);
	p.ulDeviceKeyLen = 32;
	CHALLENGE[3] ^= 1;
	n = sizeof out;
	assert_int_equal(div_decrypt(M_ENC, &p, ENC_ANSWER, out, &n), CKR_ENCRYPTED_DATA_INVALID);
	CHALLENGE[3] ^= 1;
	/* length query, then multi-part */
	uint8_t in[128];
	size_t len = unhex(ENC_ANSWER, in, sizeof in);
	CK_MECHANISM m = {CKM_PORTFOLIO_DIV_ENC_GCM, &p, sizeof p};
	assert_int_equal(f->C_DecryptInit(S, &m, M_ENC), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_DecryptUpdate(S, in, 20, out, &n), CKR_OK);
	n = sizeof out;
	assert_int_equal(f->C_DecryptUpdate(S, in + 20, len - 20, out, &n), CKR_OK);
	assert_int_equal(n, 0);
	n = sizeof out;
	assert_int_equal(f->C_DecryptFinal(S, out, &n), CKR_OK);
	assert_int_equal(n, strlen(IDENTITY));
}

/* The 3.0 message API: one C_MessageVerifyInit with the master, then one
 * C_VerifyMessage per device answer, its parameter naming the device; a
 * failed message ends only itself. Decryption likewise. The master signs
 * and encrypts nothing through messages either. */
static void test_message_api(void **state)
{
	(void)state;
	uint8_t hash[32], sig1[16], sig2[16], in[128], out[128];
	unhex(ID_HASH, hash, 32);
	unhex(SIG_CMAC, sig1, 16);
	unhex(SIG_CMAC_DEV2, sig2, 16);
	CK_PORTFOLIO_DIV_PARAMS d1 = div_params(DEVICE, strlen(DEVICE), 1, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	CK_PORTFOLIO_DIV_PARAMS d2 = div_params(DEVICE2, strlen(DEVICE2), 1, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	CK_MECHANISM auth = {CKM_PORTFOLIO_DIV_AUTH_CMAC, NULL, 0};
	assert_int_equal(C_MessageVerifyInit(S, &auth, M_AUTH), CKR_OK);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(C_VerifyMessage(S, &d1, sizeof d1, hash, 32, sig1, 16), CKR_OK);
		assert_int_equal(C_VerifyMessage(S, &d2, sizeof d2, hash, 32, sig2, 16), CKR_OK);
		assert_int_equal(C_VerifyMessage(S, &d2, sizeof d2, hash, 32, sig1, 16), CKR_SIGNATURE_INVALID);
	}
	assert_int_equal(C_VerifyMessage(S, NULL, 0, hash, 32, sig1, 16), CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(C_MessageVerifyFinal(S), CKR_OK);
	assert_int_equal(C_VerifyMessage(S, &d1, sizeof d1, hash, 32, sig1, 16), CKR_OPERATION_NOT_INITIALIZED);

	CK_PORTFOLIO_DIV_PARAMS e = div_params(DEVICE, strlen(DEVICE), 1, 2, 32, 0);
	CK_MECHANISM enc = {CKM_PORTFOLIO_DIV_ENC_GCM, NULL, 0};
	size_t len = unhex(ENC_ANSWER, in, sizeof in);
	CK_ULONG n = sizeof out;
	assert_int_equal(C_MessageDecryptInit(S, &enc, M_ENC), CKR_OK);
	assert_int_equal(C_DecryptMessage(S, &e, sizeof e, NULL, 0, in, len, out, &n), CKR_OK);
	assert_int_equal(n, strlen(IDENTITY));
	assert_memory_equal(out, IDENTITY, n);
	assert_int_equal(C_MessageDecryptFinal(S), CKR_OK);
	/* the server never speaks as a device */
	assert_int_not_equal(C_MessageSignInit(S, &auth, M_AUTH), CKR_OK);
	assert_int_not_equal(C_MessageEncryptInit(S, &enc, M_ENC), CKR_OK);
}

/* The derived device key as a readable session keyset key (CKA_VERIFY). */
static CK_OBJECT_HANDLE derive(const char *device, CK_ULONG instance, CK_ULONG index, CK_ULONG len)
{
	CK_PORTFOLIO_DIVERSIFY_PARAMS dp = {(CK_BYTE_PTR)device, strlen(device), instance, index};
	CK_MECHANISM m = {CKM_PORTFOLIO_DIVERSIFY, &dp, sizeof dp};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE_LEN, &len, sizeof len},
		{CKA_SENSITIVE, &no, 1},       {CKA_EXTRACTABLE, &tr, 1},      {CKA_VERIFY, &tr, 1},
		{CKA_SIGN, &no, 1},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_DeriveKey(S, &m, M_AUTH, t, 7, &h), CKR_OK);
	return h;
}

/* CMAC over hash | challenge with the device key's value, by OpenSSL itself. */
static void sign_as_device(CK_OBJECT_HANDLE dev, const uint8_t *hash, uint8_t *sig)
{
	uint8_t v[32], msg[36];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof v};
	size_t n = 0;
	assert_int_equal(f->C_GetAttributeValue(S, dev, &a, 1), CKR_OK);
	memcpy(msg, hash, 32);
	memcpy(msg + 32, CHALLENGE, 4);
	assert_non_null(EVP_Q_mac(NULL, "CMAC", NULL, a.ulValueLen == 16 ? "AES-128-CBC" : "AES-256-CBC", NULL, v,
	                          a.ulValueLen, msg, sizeof msg, sig, 16, &n));
	assert_int_equal(n, 16);
}

/* Derive + verify + destroy (the old server path) and the master alone agree,
 * for many devices, instances, indexes and both key lengths, alternating in
 * one session (as the message API will call parse again per message). */
static void test_equals_derive_then_verify(void **state)
{
	(void)state;
	uint8_t hash[32], sig[16];
	char device[40];
	unhex(ID_HASH, hash, 32);
	for (int i = 0; i < 24; i++) {
		CK_ULONG len = i % 3 == 0 ? 32 : 16, instance = (CK_ULONG)(i % 5), index = (CK_ULONG)(i % 4);
		int dlen = snprintf(device, sizeof device, "ep-%d-%s", i * 7919, i & 1 ? "x" : "device");
		CK_OBJECT_HANDLE dev = derive(device, instance, index, len);
		sign_as_device(dev, hash, sig);
		CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_HASH, 0, CHALLENGE, 4};
		CK_MECHANISM auth = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
		assert_int_equal(f->C_VerifyInit(S, &auth, dev), CKR_OK);
		assert_int_equal(f->C_Verify(S, hash, 32, sig, 16), CKR_OK);
		assert_int_equal(f->C_DestroyObject(S, dev), CKR_OK);
		CK_PORTFOLIO_DIV_PARAMS p = div_params(device, (CK_ULONG)dlen, instance, index, len,
		                                       CKP_PORTFOLIO_SOURCE_HASH);
		CK_MECHANISM m = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p};
		assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
		assert_int_equal(f->C_Verify(S, hash, 32, sig, 16), CKR_OK);
		p.device.ulKeyIndex ^= 1; /* and not for the neighbour */
		assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
		assert_int_equal(f->C_Verify(S, hash, 32, sig, 16), CKR_SIGNATURE_INVALID);
	}
}

static void test_bad_input(void **state)
{
	(void)state;
	uint8_t hash[32];
	unhex(ID_HASH, hash, 32);
	CK_PORTFOLIO_DIV_PARAMS p = div_params(DEVICE, strlen(DEVICE), 1, 1, 16, CKP_PORTFOLIO_SOURCE_HASH);
	CK_MECHANISM m = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p};
	/* the master of the other service; a key that is no master (a plain AES
	 * key that verifies, a keyset key of the right service) */
	assert_int_equal(f->C_VerifyInit(S, &m, M_ENC), CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_OBJECT_HANDLE plain = ct_aes_key(S, MASTER, 16, (CK_ULONG)-1, 0, CK_FALSE);
	CK_OBJECT_HANDLE keyset = ct_aes_key(S, MASTER, 16, CK_PORTFOLIO_SRV_AUTHENT, 7, CK_FALSE);
	assert_int_equal(f->C_VerifyInit(S, &m, plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_VerifyInit(S, &m, keyset), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_VerifyInit(S, &m, 0x4242), CKR_KEY_HANDLE_INVALID);
	CK_MECHANISM dec = {CKM_PORTFOLIO_DIV_ENC_GCM, &p, sizeof p};
	assert_int_equal(f->C_DecryptInit(S, &dec, M_AUTH), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* the server never speaks as a device: no sign, no encrypt */
	assert_int_equal(f->C_SignInit(S, &m, M_AUTH), CKR_MECHANISM_INVALID);
	CK_PORTFOLIO_DIV_PARAMS e = div_params(DEVICE, strlen(DEVICE), 1, 2, 32, CKP_PORTFOLIO_SOURCE_DATA);
	CK_MECHANISM enc = {CKM_PORTFOLIO_DIV_ENC_GCM, &e, sizeof e};
	assert_int_equal(f->C_EncryptInit(S, &enc, M_ENC), CKR_MECHANISM_INVALID);
	/* and a master stays out of the device mechanisms */
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_HASH, 0, CHALLENGE, 4};
	CK_MECHANISM auth = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
	assert_int_equal(f->C_VerifyInit(S, &auth, M_AUTH), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* parameters: SOURCE_TOKEN, device id empty / over 128, challenge over 64,
	 * a key length the device mechanism does not take, no parameter */
	struct { CK_ULONG source, dev_len, chal_len, key_len; } bad[] = {
		{CKP_PORTFOLIO_SOURCE_TOKEN, strlen(DEVICE), 4, 16}, {CKP_PORTFOLIO_SOURCE_HASH, 0, 4, 16},
		{CKP_PORTFOLIO_SOURCE_HASH, CK_PORTFOLIO_MAX_DEVICE_ID + 1, 4, 16},
		{CKP_PORTFOLIO_SOURCE_HASH, strlen(DEVICE), CK_PORTFOLIO_MAX_CHALLENGE + 1, 16},
		{CKP_PORTFOLIO_SOURCE_HASH, strlen(DEVICE), 0, 16}, {CKP_PORTFOLIO_SOURCE_HASH, strlen(DEVICE), 4, 24},
		{CKP_PORTFOLIO_SOURCE_HASH, strlen(DEVICE), 4, 8}, {CKP_PORTFOLIO_SOURCE_HASH, strlen(DEVICE), 4, 65},
	};
	char long_id[CK_PORTFOLIO_MAX_DEVICE_ID + 1];
	uint8_t long_chal[CK_PORTFOLIO_MAX_CHALLENGE + 1] = {0};
	memset(long_id, 'x', sizeof long_id);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CK_PORTFOLIO_DIV_PARAMS q = div_params(long_id, bad[i].dev_len, 1, 1, bad[i].key_len, bad[i].source);
		q.op.pChallenge = long_chal;
		q.op.ulChallengeLen = bad[i].chal_len;
		CK_MECHANISM qm = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &q, sizeof q};
		assert_int_equal(f->C_VerifyInit(S, &qm, M_AUTH), CKR_MECHANISM_PARAM_INVALID);
	}
	CK_MECHANISM none = {CKM_PORTFOLIO_DIV_AUTH_CMAC, NULL, 0};
	assert_int_equal(f->C_VerifyInit(S, &none, M_AUTH), CKR_MECHANISM_PARAM_INVALID);
	CK_MECHANISM short_param = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p - 1};
	assert_int_equal(f->C_VerifyInit(S, &short_param, M_AUTH), CKR_MECHANISM_PARAM_INVALID);
	/* a wrong signature, a short one */
	uint8_t sig[16] = {0};
	assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
	assert_int_equal(f->C_Verify(S, hash, 32, sig, 16), CKR_SIGNATURE_INVALID);
	assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
	assert_int_equal(f->C_Verify(S, hash, 32, sig, 15), CKR_SIGNATURE_LEN_RANGE);
	/* the length of the master: the component's rule (the row: 16..32) */
	assert_int_equal(f->C_VerifyInit(S, &m, M_AUTH), CKR_OK);
	assert_int_equal(f->C_Verify(S, hash, 31, sig, 16), CKR_DATA_LEN_RANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_message_api),
		cmocka_unit_test(test_decrypt),
		cmocka_unit_test(test_equals_derive_then_verify),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, ct_teardown);
}
