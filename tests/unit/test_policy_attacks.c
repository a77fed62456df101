/* test_policy_attacks.c - the review of issue 8 as an attacker: ways around the
 * key policy through the public PKCS#11 API (a process holding the user PIN)
 * and through the store file (someone who can write it). Each test states the
 * promise it attacks; all of them must hold. */
#include "config.h"
#include "core_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_edit.h"

static const uint8_t K0[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                               0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t KS[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                               0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static CK_BYTE challenge[4] = {0x02, 0x34, 0x51, 0x78};
static CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret_cls = CKO_SECRET_KEY;
static CK_KEY_TYPE aes = CKK_AES, generic = CKK_GENERIC_SECRET;
static CK_ULONG authent = CK_PORTFOLIO_SRV_AUTHENT;

/* A server-side verify-only copy of an AUTH key, extractable and not sensitive
 * (the only kind of key C_CopyObject accepts). */
static CK_OBJECT_HANDLE server_copy(CK_SESSION_HANDLE s, CK_BBOOL token)
{
	CK_ULONG index = 3;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
		{CKA_TOKEN, &token, sizeof token}, {CKA_VALUE, (void *)KS, 16}, {CKA_SIGN, &no, sizeof no},
		{CKA_VERIFY, &tr, sizeof tr}, {CKA_ENCRYPT, &no, sizeof no}, {CKA_DECRYPT, &no, sizeof no},
		{CKA_SENSITIVE, &no, sizeof no}, {CKA_EXTRACTABLE, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &authent, sizeof authent}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
		{CKA_LABEL, "srv-copy", 8},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	return h;
}

static CK_RV sign_with(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_ULONG source)
{
	CK_PORTFOLIO_PARAMS pp = {source, 0, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
	uint8_t out[16];
	CK_ULONG n = sizeof out;
	CK_RV rv = f->C_SignInit(s, &m, k);
	return rv != CKR_OK ? rv : f->C_Sign(s, (CK_BYTE_PTR)"urn:imei:1", 10, out, &n);
}

static CK_RV cmac_with(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t data[48] = {0}, out[16];
	CK_ULONG n = sizeof out;
	CK_RV rv = f->C_SignInit(s, &m, k);
	return rv != CKR_OK ? rv : f->C_Sign(s, data, sizeof data, out, &n);
}

/* (a) C_CopyObject cannot turn a verify-only copy into a signer, and the copy
 * keeps the original's policy (it cannot sign data or act as a plain CMAC key). */
static void test_copy_cannot_widen(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE copy = server_copy(s, CK_TRUE), dup = CK_INVALID_HANDLE;
	CK_ULONG none = (CK_ULONG)-1;
	CK_ATTRIBUTE widen[] = {{CKA_SIGN, &tr, sizeof tr}};
	CK_ATTRIBUTE enc[] = {{CKA_ENCRYPT, &tr, sizeof tr}};
	CK_ATTRIBUTE strip[] = {{CKA_PORTFOLIO_SERVICE, &none, sizeof none}};
	CK_ATTRIBUTE type[] = {{CKA_KEY_TYPE, &generic, sizeof generic}};
	assert_int_equal(f->C_CopyObject(s, copy, widen, 1, &dup), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_CopyObject(s, copy, enc, 1, &dup), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_CopyObject(s, copy, strip, 1, &dup), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_CopyObject(s, copy, type, 1, &dup), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(dup, CK_INVALID_HANDLE);
	/* a copy of a keyset key would take its (service, index): refused */
	CK_ATTRIBUTE session[] = {{CKA_TOKEN, &no, sizeof no}};
	assert_int_equal(f->C_CopyObject(s, copy, session, 1, &dup), CKR_ATTRIBUTE_VALUE_INVALID);
	/* a plain verify-only key copies, and the copy stays verify-only */
	CK_ATTRIBUTE plain[] = {
		{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
		{CKA_TOKEN, &tr, sizeof tr}, {CKA_VALUE, (void *)KS, 16}, {CKA_SIGN, &no, sizeof no},
		{CKA_VERIFY, &tr, sizeof tr}, {CKA_SENSITIVE, &no, sizeof no}, {CKA_EXTRACTABLE, &tr, sizeof tr},
		{CKA_ENCRYPT, &no, sizeof no}, {CKA_DECRYPT, &no, sizeof no},
	};
	CK_OBJECT_HANDLE verifier = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, plain, sizeof plain / sizeof plain[0], &verifier), CKR_OK);
	assert_int_equal(f->C_CopyObject(s, verifier, widen, 1, &dup), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_CopyObject(s, verifier, session, 1, &dup), CKR_OK);
	assert_int_equal(cmac_with(s, dup), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_SetAttributeValue(s, dup, widen, 1), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(cmac_with(s, verifier), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(sign_with(s, copy, CKP_PORTFOLIO_SOURCE_DATA), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* a device key is never copied */
	CK_OBJECT_HANDLE dev = ct_aes_key(s, K0, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE);
	assert_int_equal(f->C_CopyObject(s, dev, session, 1, &dup), CKR_ACTION_PROHIBITED);
}

/* (a) A key made by C_GenerateKey, token or session object, gets the same
 * rules as an imported one: a device key signs no data, and its service keeps
 * it out of the generic mechanisms. */
static void test_generated_key_policy(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_ULONG len = 16;
	for (int token = 0; token < 2; token++) {
		CK_BBOOL on = token ? CK_TRUE : CK_FALSE;
		CK_ULONG index = (CK_ULONG)(10 + token);
		CK_ATTRIBUTE t[] = {
			{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
			{CKA_TOKEN, &on, sizeof on}, {CKA_VALUE_LEN, &len, sizeof len}, {CKA_SIGN, &tr, sizeof tr},
			{CKA_VERIFY, &tr, sizeof tr},
			{CKA_PORTFOLIO_SERVICE, &authent, sizeof authent}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
		};
		CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
		CK_OBJECT_HANDLE k = CK_INVALID_HANDLE;
		assert_int_equal(f->C_GenerateKey(s, &m, t, sizeof t / sizeof t[0], &k), CKR_OK);
		assert_int_equal(sign_with(s, k, CKP_PORTFOLIO_SOURCE_DATA), CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_int_equal(sign_with(s, k, CKP_PORTFOLIO_SOURCE_HASH), CKR_KEY_FUNCTION_NOT_PERMITTED);
		assert_int_equal(cmac_with(s, k), CKR_KEY_FUNCTION_NOT_PERMITTED);
		CK_OBJECT_HANDLE dup;
		assert_int_equal(f->C_CopyObject(s, k, NULL, 0, &dup), CKR_ACTION_PROHIBITED);
	}
}

/* (a) Exclusivity holds for session objects too: K0 held as a token device key
 * cannot come back as a session device key, as K0 || 00 (the same HMAC key). */
static void test_session_object_exclusive(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	ct_aes_key(s, K0, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE);
	uint8_t padded[17] = {0};
	memcpy(padded, K0, 16);
	CK_ULONG index = 1;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &generic, sizeof generic},
		{CKA_TOKEN, &no, sizeof no}, {CKA_VALUE, padded, sizeof padded}, {CKA_SIGN, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &authent, sizeof authent}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_ATTRIBUTE_VALUE_INVALID);
	/* nor as a plain signing key without a service (a generic CMAC oracle) */
	CK_ATTRIBUTE plain[] = {
		{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
		{CKA_TOKEN, &no, sizeof no}, {CKA_VALUE, (void *)K0, 16}, {CKA_SIGN, &tr, sizeof tr},
	};
	assert_int_equal(f->C_CreateObject(s, plain, sizeof plain / sizeof plain[0], &h),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
}

/* ---- (c) the store writer --------------------------------------------------- */

/* Rewrites the row labelled label with one attribute set to val. */
static void edit_row(const char *label, CK_ATTRIBUTE_TYPE type, const void *val, size_t len)
{
	CK_ULONG iid;
	store *st = edit_open_store(&iid, 1);
	se_row r = edit_read_row(st, iid, label);
	assert_int_equal(attr_set(&r.attrs, &r.n, type, val, len), CKR_OK);
	edit_write_row(st, iid, &r);
	store_close(st);
}

/* A token with a plain AES key (no service, CKA_SIGN) labelled "plain"; the
 * module is finalized on return, so the store can be edited. */
static CK_SLOT_ID plain_key_token(void)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &secret_cls, sizeof secret_cls}, {CKA_KEY_TYPE, &aes, sizeof aes},
		{CKA_TOKEN, &tr, sizeof tr}, {CKA_VALUE, (void *)K0, 16}, {CKA_SIGN, &tr, sizeof tr},
		{CKA_VERIFY, &tr, sizeof tr}, {CKA_LABEL, "plain", 5},
	};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	assert_int_equal(cmac_with(s, h), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	return slot;
}

/* (c) A row whose sealed value is genuine but whose CKA_KEY_TYPE says generic
 * secret: the AES key must not be used as an HMAC key (the secure component
 * holds the kind with the sealed value). */
static void test_key_type_flipped_at_rest(void **state)
{
	(void)state;
	CK_SLOT_ID slot = plain_key_token();
	edit_row("plain", CKA_KEY_TYPE, &generic, sizeof generic);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s = ct_session(slot, CKU_USER);
	CK_OBJECT_HANDLE k = ct_find(s, CKA_LABEL, "plain", 5);
	if (k != CK_INVALID_HANDLE) {
		CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};
		assert_int_not_equal(f->C_SignInit(s, &m, k), CKR_OK);
	}
}

/* (c) A row whose CKA_VALUE_LEN lies about the sealed key: refused. */
static void test_value_len_changed_at_rest(void **state)
{
	(void)state;
	CK_SLOT_ID slot = plain_key_token();
	CK_ULONG len = 32;
	edit_row("plain", CKA_VALUE_LEN, &len, sizeof len);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s = ct_session(slot, CKU_USER);
	CK_OBJECT_HANDLE k = ct_find(s, CKA_LABEL, "plain", 5);
	if (k != CK_INVALID_HANDLE)
		assert_int_not_equal(cmac_with(s, k), CKR_OK);
}

/* (c) A plain key's row turned into a keyset key (a service added): the
 * sealed policy says "no service", so the row is refused. */
static void test_service_added_at_rest(void **state)
{
	(void)state;
	CK_SLOT_ID slot = plain_key_token();
	edit_row("plain", CKA_PORTFOLIO_SERVICE, &authent, sizeof authent);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s = ct_session(slot, CKU_USER);
	assert_int_equal(ct_find(s, CKA_LABEL, "plain", 5), CK_INVALID_HANDLE);
}

/* (c) Instance A's row (its token key wrapped under A's PINs) copied over
 * instance B's: the wraps are bound to their instance, so B's PINs fail and
 * A's PINs do not open B (nor do B's sealed rows open under A's token key). */
static void test_instance_row_swapped(void **state)
{
	(void)state;
	CK_SLOT_ID a = ct_free_slot();
	ct_init_token(a, "inst-a");
	CK_SLOT_ID b = ct_free_slot();
	ct_init_token(b, "inst-b");
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	CK_ULONG iids[2];
	store *st = edit_open_store(iids, 2);
	uint8_t *blob = NULL;
	size_t len = 0;
	assert_int_equal(store_instance_get(st, iids[0], &blob, &len), CKR_OK);
	assert_int_equal(store_instance_put(st, iids[1], blob, len), CKR_OK);
	store_free(blob, len);
	store_close(st);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	CK_SESSION_HANDLE s;
	assert_int_equal(f->C_OpenSession(b, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_PIN_INCORRECT);
	/* instance A is untouched */
	ct_session(a, CKU_USER);
}

/* Under a umask that leaves the owner read-only (0277: the case storage.md
 * names for the database), the module creates its files with their documented
 * mode 0600 all the same, so the next C_Initialize opens them again (the
 * change counter file <store>.gen was left 0400: every later open failed). */
static void test_files_made_under_strict_umask(void **state)
{
	(void)state;
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	char path[600];
	snprintf(path, sizeof path, "%s/store.db", ct_dir());
	(void)unlink(path);
	snprintf(path, sizeof path, "%s/store.db.gen", ct_dir());
	(void)unlink(path);
	mode_t old = umask(0277);
	CK_RV rv = f->C_Initialize(NULL);
	umask(old);
	assert_int_equal(rv, CKR_OK);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
}

/* (a) The user renumbers an Identity or a key through C_SetAttributeValue: the
 * sealed policy keeps the identity id and the keyset slot, so either the
 * change is refused or the key signs nothing for the new number. */
static void test_renumber_through_api(void **state)
{
	(void)state;
	CK_SLOT_ID slot = ct_free_slot();
	ct_init_token(slot, "renumber");
	CK_SESSION_HANDLE s = ct_session(slot, CKU_SO);
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG three = 3, two = 2;
	CK_ATTRIBUTE id3[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, &tr, sizeof tr},
	                      {CKA_PORTFOLIO_IDENTITY_ID, &three, sizeof three}, {CKA_VALUE, "urn:imei:3", 10}};
	CK_OBJECT_HANDLE ident;
	assert_int_equal(f->C_CreateObject(s, id3, 4, &ident), CKR_OK);
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	CK_OBJECT_HANDLE k = ct_aes_key(s, K0, 16, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE);
	ident = ct_find(s, CKA_PORTFOLIO_IDENTITY_ID, &three, sizeof three);
	CK_ATTRIBUTE to_two = {CKA_PORTFOLIO_IDENTITY_ID, &two, sizeof two};
	CK_RV rv = f->C_SetAttributeValue(s, ident, &to_two, 1);
	if (rv == CKR_OK) {
		CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_TOKEN, 2, challenge, sizeof challenge};
		CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
		uint8_t out[16];
		CK_ULONG n = sizeof out;
		rv = f->C_SignInit(s, &m, k);
		if (rv == CKR_OK)
			rv = f->C_Sign(s, NULL, 0, out, &n);
		assert_int_not_equal(rv, CKR_OK);
	}
	CK_ULONG one = 1;
	CK_ATTRIBUTE index = {CKA_PORTFOLIO_KEY_INDEX, &one, sizeof one};
	assert_int_not_equal(f->C_SetAttributeValue(s, k, &index, 1), CKR_OK);
	CK_ULONG enc = CK_PORTFOLIO_SRV_ENCRYPT;
	CK_ATTRIBUTE service = {CKA_PORTFOLIO_SERVICE, &enc, sizeof enc};
	assert_int_not_equal(f->C_SetAttributeValue(s, k, &service, 1), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_cannot_widen, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_generated_key_policy, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_session_object_exclusive, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_key_type_flipped_at_rest, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_value_len_changed_at_rest, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_service_added_at_rest, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_instance_row_swapped, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_files_made_under_strict_umask, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_renumber_through_api, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
