/* test_p11_cbc.c - CKM_PORTFOLIO_ENC_CBC is off unless configured (issue 8,
 * item 6), and why: with it on, a decrypt-only server copy of the key is a
 * decryption oracle from which anyone who may call C_Decrypt forges answers
 * (docs/mechanisms.md 5.1). The attack test passes BECAUSE the attack works:
 * it documents the risk that the opt-in accepts. */
#include "config.h"
#include "core_test_util.h"

#include <openssl/evp.h>

#include "core/conf.h"
#include "crypto/crypto.h"

/* docs/mechanisms.md 7.2: K1, Identity 2, challenge 0x2345178 and the ENC_CBC
 * answer with the IV fixed to 000102...0f; ENC_GCM with IV 000102...0b. */
static const uint8_t K1[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                               0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static const char IDENTITY[] = "ACME-Car-Model-7";
static uint8_t CHALLENGE[4] = {0x02, 0x34, 0x51, 0x78};
static const uint8_t CBC_ANSWER[48] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0xba, 0x62, 0x6a, 0x37, 0x28, 0x8f, 0xc3, 0x3a, 0xb7, 0xb1, 0x95, 0xbf, 0x97, 0xb0, 0x19, 0x90,
	0x02, 0xa1, 0xb7, 0x82, 0x1c, 0x13, 0x64, 0xb1, 0x65, 0x1d, 0x6e, 0x48, 0xc1, 0x00, 0x7d, 0x67,
};
static const uint8_t GCM_ANSWER[48] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xb0, 0x36, 0x59, 0x92,
	0x6d, 0x5e, 0x95, 0x80, 0x9f, 0x39, 0x7f, 0x33, 0xaa, 0x60, 0xcc, 0x3b, 0xb9, 0x3f, 0x08, 0xc7,
	0x25, 0x69, 0x2d, 0xed, 0xda, 0xe0, 0xe6, 0xf9, 0xf5, 0x98, 0xac, 0x20, 0x5c, 0x64, 0xd9, 0x6b,
};
#define IDENTITY_LEN (sizeof IDENTITY - 1)

static CK_PORTFOLIO_PARAMS server_params = {CKP_PORTFOLIO_SOURCE_DATA, 0, CHALLENGE, sizeof CHALLENGE};
static CK_MECHANISM cbc_server = {CKM_PORTFOLIO_ENC_CBC, &server_params, sizeof server_params};
static CK_MECHANISM gcm_server = {CKM_PORTFOLIO_ENC_GCM, &server_params, sizeof server_params};

static int setup_instance_1(void **state)
{
	(void)state;
	return ct_setup_conf("instance.1.enc_cbc = yes");
}

/* An encryption-keyset key: the server's copy (decrypt only) or a device key. */
static CK_OBJECT_HANDLE enc_key(CK_SESSION_HANDLE s, CK_BBOOL device)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE, fa = CK_FALSE;
	CK_ULONG srv = CK_PORTFOLIO_SRV_ENCRYPT, idx = 1;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},   {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_VALUE, (void *)K1, 16},
		{CKA_ENCRYPT, &device, 1},       {CKA_DECRYPT, &tr, 1},           {CKA_SIGN, &fa, 1},
		{CKA_VERIFY, &fa, 1},            {CKA_PORTFOLIO_SERVICE, &srv, sizeof srv},
		{CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, 9, &h), CKR_OK);
	return h;
}

static int listed(CK_SLOT_ID slot, CK_MECHANISM_TYPE type)
{
	CK_MECHANISM_TYPE list[64];
	CK_ULONG n = 0;
	assert_int_equal(f->C_GetMechanismList(slot, NULL, &n), CKR_OK);
	assert_true(n > 0 && n <= 64);
	CK_ULONG room = n;
	assert_int_equal(f->C_GetMechanismList(slot, list, &room), CKR_OK);
	assert_int_equal(room, n); /* the count query and the list agree */
	int found = 0;
	for (CK_ULONG i = 0; i < n; i++)
		found += list[i] == type;
	return found;
}

static CK_RV decrypt(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_MECHANISM *m, const uint8_t *in,
                     CK_ULONG in_len, uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv = f->C_DecryptInit(s, m, k);
	if (rv != CKR_OK)
		return rv;
	return f->C_Decrypt(s, (CK_BYTE_PTR)in, in_len, out, out_len);
}

static void assert_offers_cbc(CK_SLOT_ID slot, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, int offered)
{
	CK_MECHANISM_INFO info;
	CK_RV want = offered ? CKR_OK : CKR_MECHANISM_INVALID;
	assert_int_equal(listed(slot, CKM_PORTFOLIO_ENC_CBC), offered);
	assert_int_equal(listed(slot, CKM_PORTFOLIO_ENC_GCM), 1);
	assert_int_equal(f->C_GetMechanismInfo(slot, CKM_PORTFOLIO_ENC_CBC, &info), want);
	assert_int_equal(f->C_GetMechanismInfo(slot, CKM_PORTFOLIO_ENC_GCM, &info), CKR_OK);
	assert_int_equal(f->C_DecryptInit(s, &cbc_server, k), want);
	if (offered)
		assert_int_equal(C_SessionCancel(s, CKF_DECRYPT), CKR_OK); /* a 3.0 function */
}

/* ---- off by default --------------------------------------------------------- */

static void test_cbc_off_by_default(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE k = enc_key(s, CK_TRUE);
	assert_offers_cbc(slot, s, k, 0);
	CK_PORTFOLIO_PARAMS device = {CKP_PORTFOLIO_SOURCE_TOKEN, 2, CHALLENGE, sizeof CHALLENGE};
	CK_MECHANISM cbc_device = {CKM_PORTFOLIO_ENC_CBC, &device, sizeof device};
	assert_int_equal(f->C_EncryptInit(s, &cbc_device, k), CKR_MECHANISM_INVALID);
	/* GCM, the default, works: the documented answer decrypts. */
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	assert_int_equal(decrypt(s, k, &gcm_server, GCM_ANSWER, sizeof GCM_ANSWER, out, &n), CKR_OK);
	assert_int_equal(n, IDENTITY_LEN);
	assert_memory_equal(out, IDENTITY, IDENTITY_LEN);
	/* ... and the CBC one is refused before any decryption. */
	n = sizeof out;
	assert_int_equal(decrypt(s, k, &cbc_server, CBC_ANSWER, sizeof CBC_ANSWER, out, &n), CKR_MECHANISM_INVALID);
}

static void test_config_settings(void **state)
{
	(void)state;
	core_config c;
	assert_int_equal(core_config_parse(&c, "instance.2.backend = emulator\n", "t"), CKR_OK);
	assert_int_equal(core_config_enc_cbc(&c, 0), 0); /* nothing said: off */
	assert_int_equal(core_config_enc_cbc(&c, 2), 0);
	core_config_free(&c);
	assert_int_equal(core_config_parse(&c, "enc_cbc = yes\ninstance.3.enc_cbc = no\ninstance.5.enc_cbc = yes\n", "t"),
	                 CKR_OK);
	assert_int_equal(core_config_enc_cbc(&c, 0), 1); /* the global setting */
	assert_int_equal(core_config_enc_cbc(&c, 3), 0); /* an instance overrides it */
	assert_int_equal(core_config_enc_cbc(&c, 5), 1);
	core_config_free(&c);
	assert_int_equal(core_config_parse(&c, "instance.5.enc_cbc = yes\nenc_cbc = no\n", "t"), CKR_OK);
	assert_int_equal(core_config_enc_cbc(&c, 4), 0);
	assert_int_equal(core_config_enc_cbc(&c, 5), 1);
	core_config_free(&c);
	static const char *const bad[] = {"enc_cbc = on\n", "enc_cbc = YES\n", "enc_cbc = 1\n",
	                                  "instance.1.enc_cbc = true\n", "instance.1.enc_cbc =\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(core_config_parse(&c, bad[i], "bad"), CKR_GENERAL_ERROR);
}

/* ---- on where configured --------------------------------------------------- */

static void test_cbc_per_instance(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SLOT_ID a, b;
	CK_SESSION_HANDLE sa = ct_ready_token(&a);
	CK_SESSION_HANDLE sb = ct_ready_token(&b);
	assert_true(a == 1 || b == 1); /* the configuration names instance 1 */
	CK_OBJECT_HANDLE ka = enc_key(sa, CK_FALSE), kb = enc_key(sb, CK_FALSE);
	assert_offers_cbc(a, sa, ka, a == 1);
	assert_offers_cbc(b, sb, kb, b == 1);
	/* The enabled slot decrypts the documented CBC answer. */
	CK_SESSION_HANDLE s1 = a == 1 ? sa : sb;
	CK_OBJECT_HANDLE k1 = a == 1 ? ka : kb;
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	assert_int_equal(decrypt(s1, k1, &cbc_server, CBC_ANSWER, sizeof CBC_ANSWER, out, &n), CKR_OK);
	assert_int_equal(n, IDENTITY_LEN);
	assert_memory_equal(out, IDENTITY, IDENTITY_LEN);
}

static void test_cbc_enabled_vectors(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	/* The SO provisions Identity 2 (its hash with it); the user encrypts it. */
	CK_SLOT_ID slot = ct_free_slot();
	ct_init_token(slot, "cbc");
	CK_SESSION_HANDLE so = ct_session(slot, CKU_SO);
	CK_OBJECT_CLASS icls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 2;
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &icls, sizeof icls}, {CKA_TOKEN, &(CK_BBOOL){CK_TRUE}, 1},
	                     {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}, {CKA_VALUE, (void *)IDENTITY, IDENTITY_LEN}};
	CK_OBJECT_HANDLE ih;
	assert_int_equal(f->C_CreateObject(so, it, 4, &ih), CKR_OK);
	assert_int_equal(f->C_Logout(so), CKR_OK);
	assert_int_equal(f->C_CloseSession(so), CKR_OK);
	CK_SESSION_HANDLE s = ct_session(slot, CKU_USER);
	CK_OBJECT_HANDLE k = enc_key(s, CK_TRUE);
	assert_offers_cbc(slot, s, k, 1);

	/* Device side, IV fixed by the test hook: the documented answer. */
	static const uint8_t iv[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	CK_PORTFOLIO_PARAMS device = {CKP_PORTFOLIO_SOURCE_TOKEN, 2, CHALLENGE, sizeof CHALLENGE};
	CK_MECHANISM cbc_device = {CKM_PORTFOLIO_ENC_CBC, &device, sizeof device};
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	crypto_test_set_fixed_iv(iv, sizeof iv);
	assert_int_equal(f->C_EncryptInit(s, &cbc_device, k), CKR_OK);
	CK_RV rv = f->C_Encrypt(s, NULL, 0, out, &n);
	crypto_test_set_fixed_iv(NULL, 0);
	assert_int_equal(rv, CKR_OK);
	assert_int_equal(n, sizeof CBC_ANSWER);
	assert_memory_equal(out, CBC_ANSWER, sizeof CBC_ANSWER);
	/* With a random IV it still round-trips, and a wrong challenge is refused. */
	n = sizeof out;
	assert_int_equal(f->C_EncryptInit(s, &cbc_device, k), CKR_OK);
	assert_int_equal(f->C_Encrypt(s, NULL, 0, out, &n), CKR_OK);
	assert_memory_not_equal(out, CBC_ANSWER, 16);
	uint8_t back[64];
	CK_ULONG bn = sizeof back;
	assert_int_equal(decrypt(s, k, &cbc_server, out, n, back, &bn), CKR_OK);
	assert_int_equal(bn, IDENTITY_LEN);
	assert_memory_equal(back, IDENTITY, IDENTITY_LEN);
	uint8_t other[4] = {0x02, 0x34, 0x51, 0x79};
	CK_PORTFOLIO_PARAMS wrong = {CKP_PORTFOLIO_SOURCE_DATA, 0, other, sizeof other};
	CK_MECHANISM cbc_wrong = {CKM_PORTFOLIO_ENC_CBC, &wrong, sizeof wrong};
	bn = sizeof back;
	assert_int_equal(decrypt(s, k, &cbc_wrong, out, n, back, &bn), CKR_ENCRYPTED_DATA_INVALID);
}

/* ---- the reason it is off: the decryption oracle ------------------------------ */

/* One C_Decrypt of  0^16 || x || genuine answer. The genuine blocks decrypt
 * as before (valid padding, the expected challenge), so the module answers
 * CKR_OK with everything before the challenge, whose first block is
 * D_K(x) XOR 0^16. */
static void oracle(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE server_copy, const uint8_t x[16], uint8_t d_x[16])
{
	uint8_t spliced[16 + 16 + sizeof CBC_ANSWER], out[sizeof spliced];
	CK_ULONG n = sizeof out;
	memset(spliced, 0, 16);
	memcpy(spliced + 16, x, 16);
	memcpy(spliced + 32, CBC_ANSWER, sizeof CBC_ANSWER);
	assert_int_equal(decrypt(s, server_copy, &cbc_server, spliced, sizeof spliced, out, &n), CKR_OK);
	assert_int_equal(n, 32 + IDENTITY_LEN);
	memcpy(d_x, out, 16);
}

static void aes_decrypt_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l = 0;
	assert_non_null(c);
	assert_int_equal(EVP_DecryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_DecryptUpdate(c, out, &l, in, 16), 1);
	assert_int_equal(l, 16);
	EVP_CIPHER_CTX_free(c);
}

static void xor16(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
	for (int i = 0; i < 16; i++)
		dst[i] = a[i] ^ b[i];
}

static void test_cbc_oracle_attack_works(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	/* The server token: a decrypt-only copy of K1 and nothing else. */
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE copy = enc_key(s, CK_FALSE);

	/* 1. Any block decrypts: D_K(x), checked against AES with the key itself. */
	uint8_t x[16], d_x[16], want[16];
	memcpy(x, "chosen ciphertxt", 16);
	oracle(s, copy, x, d_x);
	aes_decrypt_block(K1, x, want);
	assert_memory_equal(d_x, want, 16);

	/* 2. A forged answer for chosen data, built from the oracle alone:
	 *    P = "Forged-Identity!" || challenge || 12 x 0x0c, C2 chosen,
	 *    C1 = D_K(C2) ^ P2, IV = D_K(C1) ^ P1. */
	static const char forged[] = "Forged-Identity!";
	uint8_t p[32], answer[48], d[16];
	memcpy(p, forged, 16);
	memcpy(p + 16, CHALLENGE, 4);
	memset(p + 20, 12, 12);
	memcpy(answer + 32, "any last block..", 16);
	oracle(s, copy, answer + 32, d);
	xor16(answer + 16, d, p + 16);
	oracle(s, copy, answer + 16, d);
	xor16(answer, d, p);
	uint8_t out[64];
	CK_ULONG n = sizeof out;
	assert_int_equal(decrypt(s, copy, &cbc_server, answer, sizeof answer, out, &n), CKR_OK);
	assert_int_equal(n, 16);
	assert_memory_equal(out, forged, 16);

	/* GCM: the same splice breaks the tag, nothing decrypts. */
	uint8_t spliced[16 + sizeof GCM_ANSWER];
	memcpy(spliced, x, 16);
	memcpy(spliced + 16, GCM_ANSWER, sizeof GCM_ANSWER);
	n = sizeof out;
	assert_int_equal(decrypt(s, copy, &gcm_server, spliced, sizeof spliced, out, &n), CKR_ENCRYPTED_DATA_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cbc_off_by_default, ct_setup, ct_teardown),
		cmocka_unit_test(test_config_settings),
		cmocka_unit_test_setup_teardown(test_cbc_per_instance, setup_instance_1, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cbc_enabled_vectors, ct_setup_enc_cbc, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cbc_oracle_attack_works, ct_setup_enc_cbc, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
