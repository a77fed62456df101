/* test_p11_contract.c - the calling contract of the function list (review
 * regression tests): argument paths, the per-attribute rules of
 * C_GetAttributeValue, template shape checks, session-state rules and output
 * hygiene of the info calls. */
#include "config.h"
#include "core_test_util.h"

static const uint8_t K16[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};

/* A session (not token) AES key with the usage flags given, no keyset. */
static CK_OBJECT_HANDLE session_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_BBOOL sign, CK_BBOOL encrypt,
                                    CK_BBOOL sensitive, CK_BBOOL extractable)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},         {CKA_KEY_TYPE, &kt, sizeof kt},
		{CKA_VALUE, (void *)val, 16},          {CKA_SIGN, &sign, sizeof sign},
		{CKA_ENCRYPT, &encrypt, sizeof encrypt}, {CKA_VERIFY, &tr, sizeof tr},
		{CKA_DECRYPT, &tr, sizeof tr},         {CKA_SENSITIVE, &sensitive, sizeof sensitive},
		{CKA_EXTRACTABLE, &extractable, sizeof extractable},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	return h;
}

/* C_GetAttributeValue: every attribute is processed; each failing one gets
 * CK_UNAVAILABLE_INFORMATION; the others are delivered. */
static void test_get_attribute_mixed_template(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = session_key(s, K16, CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_OBJECT_CLASS cls = 0;
	uint8_t value[32], label[1];
	CK_ULONG modulus_len = 0;
	CK_KEY_TYPE kt = 0;
	CK_ATTRIBUTE t[] = {
		{CKA_VALUE, value, sizeof value},      /* sensitive */
		{CKA_CLASS, &cls, sizeof cls},         /* fine */
		{CKA_MODULUS, &modulus_len, sizeof modulus_len}, /* not an attribute of a secret key */
		{CKA_UNIQUE_ID, label, sizeof label},  /* 16 characters: too small */
		{CKA_KEY_TYPE, &kt, sizeof kt},        /* fine, after all the failures */
	};
	CK_RV rv = f->C_GetAttributeValue(s, k, t, 5);
	assert_true(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_BUFFER_TOO_SMALL);
	assert_int_equal(t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[1].ulValueLen, sizeof cls);
	assert_int_equal(cls, CKO_SECRET_KEY);
	assert_int_equal(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[4].ulValueLen, sizeof kt);
	assert_int_equal(kt, CKK_AES);

	/* Length queries: pValue NULL, ulValueLen anything. */
	CK_ATTRIBUTE q[] = {{CKA_LABEL, NULL, 12345}, {CKA_UNIQUE_ID, NULL, 0}, {CKA_VALUE, NULL, 0}};
	rv = f->C_GetAttributeValue(s, k, q, 3);
	assert_int_equal(rv, CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(q[0].ulValueLen, 0);
	assert_int_equal(q[1].ulValueLen, 16);
	assert_int_equal(q[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);

	/* ulCount 0 with a NULL template is a valid (empty) request; NULL with a count is not. */
	assert_int_equal(f->C_GetAttributeValue(s, k, NULL, 0), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(s, k, NULL, 1), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SetAttributeValue(s, k, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
}

/* A key's CKA_START_DATE / CKA_END_DATE exist for every secret key (empty by
 * default, PKCS#11 4.7): reading them is never CKR_ATTRIBUTE_TYPE_INVALID. */
static void test_key_dates_default_empty(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = session_key(s, K16, CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_DATE d;
	CK_ATTRIBUTE t[] = {{CKA_START_DATE, &d, sizeof d}, {CKA_END_DATE, NULL, 99}};
	assert_int_equal(f->C_GetAttributeValue(s, k, t, 2), CKR_OK);
	assert_int_equal(t[0].ulValueLen, 0);
	assert_int_equal(t[1].ulValueLen, 0);
	/* and a search for an empty start date finds the key */
	CK_ATTRIBUTE empty[] = {{CKA_START_DATE, NULL, 0}};
	CK_OBJECT_HANDLE out[2];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, empty, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, out, 2, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], k);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
}

/* Template values of the wrong size or a duplicated attribute. */
static void test_template_shapes(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ULONG big_true = CK_TRUE;   /* a CK_ULONG where a CK_BBOOL belongs */
	CK_BBOOL tr = CK_TRUE;
	CK_BYTE short_class = 4;       /* a byte where a CK_ULONG belongs */
	CK_OBJECT_HANDLE h = 0;
	CK_ATTRIBUTE wrong_bool[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                             {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &big_true, sizeof big_true}};
	assert_int_equal(f->C_CreateObject(s, wrong_bool, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE wrong_class[] = {{CKA_CLASS, &short_class, 1}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                              {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(f->C_CreateObject(s, wrong_class, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_BBOOL fa = CK_FALSE; /* a repeat with another value (the same value is fine: test_p11_rules) */
	CK_ATTRIBUTE dup[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                      {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &tr, 1}, {CKA_SIGN, &fa, 1}};
	assert_int_equal(f->C_CreateObject(s, dup, 5, &h), CKR_TEMPLATE_INCONSISTENT);
	CK_ATTRIBUTE null_val[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                           {CKA_VALUE, NULL, 16}};
	assert_int_equal(f->C_CreateObject(s, null_val, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(f->C_CreateObject(s, NULL, 0, &h), CKR_TEMPLATE_INCOMPLETE);
	assert_int_equal(f->C_CreateObject(s, NULL, 3, &h), CKR_ARGUMENTS_BAD);

	CK_OBJECT_HANDLE k = session_key(s, K16, CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_ATTRIBUTE set_wrong[] = {{CKA_DECRYPT, &big_true, sizeof big_true}};
	assert_int_equal(f->C_SetAttributeValue(s, k, set_wrong, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_BYTE two = 2;
	CK_ATTRIBUTE set_two[] = {{CKA_DECRYPT, &two, 1}};
	assert_int_equal(f->C_SetAttributeValue(s, k, set_two, 1), CKR_ATTRIBUTE_VALUE_INVALID);
}

/*
 * Keysets are never shared: a key created verify/decrypt-only (a server-side
 * copy, not an exclusive item of the secure component) must not become a
 * device-side key afterwards, or the exclusivity check at import is void.
 */
static void test_usage_cannot_grow_to_device_side(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE server = session_key(s, K16, CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE sign_on[] = {{CKA_SIGN, &tr, sizeof tr}};
	CK_ATTRIBUTE enc_on[] = {{CKA_ENCRYPT, &tr, sizeof tr}};
	assert_int_equal(f->C_SetAttributeValue(s, server, sign_on, 1), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_SetAttributeValue(s, server, enc_on, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_BBOOL got = CK_TRUE;
	CK_ATTRIBUTE q[] = {{CKA_SIGN, &got, sizeof got}};
	assert_int_equal(f->C_GetAttributeValue(s, server, q, 1), CKR_OK);
	assert_int_equal(got, CK_FALSE);
	if (ct_have_mech()) {
		CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
		assert_int_equal(f->C_SignInit(s, &m, server), CKR_KEY_FUNCTION_NOT_PERMITTED);
	}
	/* Turning a usage off stays possible, and setting it to its current value too. */
	CK_OBJECT_HANDLE device = session_key(s, K16 + 0, CK_TRUE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_ATTRIBUTE sign_same[] = {{CKA_SIGN, &tr, sizeof tr}};
	assert_int_equal(f->C_SetAttributeValue(s, device, sign_same, 1), CKR_OK);
	CK_ATTRIBUTE sign_off[] = {{CKA_SIGN, &no, sizeof no}};
	assert_int_equal(f->C_SetAttributeValue(s, device, sign_off, 1), CKR_OK);
	assert_int_equal(f->C_SetAttributeValue(s, device, sign_on, 1), CKR_ATTRIBUTE_READ_ONLY);
}

/* C_FindObjects with ulMaxObjectCount 0 returns nothing and loses nothing. */
static void test_find_max_zero(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = session_key(s, K16, CK_FALSE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_OBJECT_HANDLE out[4] = {0};
	CK_ULONG n = 99;
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OPERATION_ACTIVE);
	assert_int_equal(f->C_FindObjects(s, out, 0, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(f->C_FindObjects(s, out, 4, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], k);
	assert_int_equal(f->C_FindObjects(s, NULL, 4, &n), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, out, 4, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* A search never matches CKA_VALUE of a key the caller could not read. */
	CK_ATTRIBUTE by_value[] = {{CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(f->C_FindObjectsInit(s, by_value, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, out, 4, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
}

/* Session-state rules. */
static void test_session_states(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE rw = ct_ready_token(&slot);
	CK_SESSION_HANDLE ro;
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE tok_key[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                          {CKA_VALUE, (void *)K16, 16}, {CKA_TOKEN, &tr, 1}, {CKA_SIGN, &tr, 1}};
	CK_OBJECT_HANDLE h = 0;
	/* R/O session: no token object may be created, changed or destroyed. */
	assert_int_equal(f->C_CreateObject(ro, tok_key, 5, &h), CKR_SESSION_READ_ONLY);
	CK_OBJECT_HANDLE k = ct_aes_key(rw, K16, 16, (CK_ULONG)-1, 0, CK_TRUE);
	CK_ATTRIBUTE lab[] = {{CKA_LABEL, "x", 1}};
	assert_int_equal(f->C_SetAttributeValue(ro, k, lab, 1), CKR_SESSION_READ_ONLY);
	assert_int_equal(f->C_DestroyObject(ro, k), CKR_SESSION_READ_ONLY);
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG len = 16;
	CK_ATTRIBUTE gen_t[] = {{CKA_TOKEN, &tr, 1}, {CKA_VALUE_LEN, &len, sizeof len}};
	if (ct_have_mech())
		assert_int_equal(f->C_GenerateKey(ro, &gen, gen_t, 2, &h), CKR_SESSION_READ_ONLY);
	/* A session handle is not an object handle, and the reverse. */
	CK_OBJECT_CLASS got;
	CK_ATTRIBUTE q[] = {{CKA_CLASS, &got, sizeof got}};
	assert_int_equal(f->C_GetAttributeValue(rw, (CK_OBJECT_HANDLE)rw, q, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(f->C_GetAttributeValue((CK_SESSION_HANDLE)k, k, q, 1), CKR_SESSION_HANDLE_INVALID);
	/* Public session: private objects are invisible. */
	assert_int_equal(f->C_Logout(rw), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(rw, k, q, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(f->C_DestroyObject(rw, k), CKR_OBJECT_HANDLE_INVALID);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	assert_int_equal(f->C_SignInit(rw, &m, k), CKR_USER_NOT_LOGGED_IN);
	CK_ULONG n = 9;
	CK_OBJECT_HANDLE found[4];
	assert_int_equal(f->C_FindObjectsInit(rw, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjects(rw, found, 4, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(f->C_FindObjectsFinal(rw), CKR_OK);
	/* SO login is refused while a R/O session exists. */
	assert_int_equal(f->C_Login(rw, CKU_SO, P(SO_PIN)), CKR_SESSION_READ_ONLY_EXISTS);
	/* C_InitToken with sessions open. */
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof label);
	assert_int_equal(f->C_InitToken(slot, P(SO_PIN), label), CKR_SESSION_EXISTS);
}

/* C_CloseAllSessions with operations running and a search open. */
static void test_close_all_with_operations(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE k = session_key(s, K16, CK_TRUE, CK_FALSE, CK_TRUE, CK_FALSE);
	CK_SESSION_HANDLE s2 = ct_session(slot, (CK_USER_TYPE)-1);
	if (ct_have_mech()) {
		CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
		assert_int_equal(f->C_SignInit(s, &m, k), CKR_OK);
		assert_int_equal(f->C_SignUpdate(s, (CK_BYTE_PTR)K16, 16), CKR_OK);
		CK_MECHANISM d = {CKM_SHA256, NULL, 0};
		assert_int_equal(f->C_DigestInit(s2, &d), CKR_OK);
	}
	assert_int_equal(f->C_FindObjectsInit(s2, NULL, 0), CKR_OK);
	assert_int_equal(f->C_CloseAllSessions(slot), CKR_OK);
	uint8_t out[16];
	CK_ULONG n = sizeof out;
	assert_int_equal(f->C_SignFinal(s, out, &n), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_FindObjectsFinal(s2), CKR_SESSION_HANDLE_INVALID);
	CK_TOKEN_INFO ti;
	assert_int_equal(f->C_GetTokenInfo(slot, &ti), CKR_OK);
	assert_int_equal(ti.ulSessionCount, 0);
	/* The login ended with the last session, the session key went away. */
	CK_SESSION_HANDLE s3 = ct_session(slot, CKU_USER);
	CK_OBJECT_CLASS got;
	CK_ATTRIBUTE q[] = {{CKA_CLASS, &got, sizeof got}};
	assert_int_equal(f->C_GetAttributeValue(s3, k, q, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(f->C_CloseAllSessions(0xFFFFFF), CKR_SLOT_ID_INVALID);
}

static int blank_or_print(const CK_UTF8CHAR *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* Fixed-size text fields are blank padded, never NUL or garbage. */
static void test_info_fields_blank_padded(void **state)
{
	(void)state;
	CK_SLOT_ID slot = ct_free_slot();
	CK_TOKEN_INFO ti;
	CK_SLOT_INFO si;
	CK_INFO gi;
	memset(&ti, 0xA5, sizeof ti);
	memset(&si, 0xA5, sizeof si);
	memset(&gi, 0xA5, sizeof gi);
	assert_int_equal(f->C_GetTokenInfo(slot, &ti), CKR_OK);
	assert_true(blank_or_print(ti.label, sizeof ti.label));
	assert_true(blank_or_print(ti.manufacturerID, sizeof ti.manufacturerID));
	assert_true(blank_or_print(ti.model, sizeof ti.model));
	assert_true(blank_or_print(ti.serialNumber, sizeof ti.serialNumber));
	assert_true(blank_or_print(ti.utcTime, sizeof ti.utcTime));
	assert_int_equal(f->C_GetSlotInfo(slot, &si), CKR_OK);
	assert_true(blank_or_print(si.slotDescription, sizeof si.slotDescription));
	assert_true(blank_or_print(si.manufacturerID, sizeof si.manufacturerID));
	assert_int_equal(f->C_GetInfo(&gi), CKR_OK);
	assert_true(blank_or_print(gi.manufacturerID, sizeof gi.manufacturerID));
	assert_true(blank_or_print(gi.libraryDescription, sizeof gi.libraryDescription));
	assert_int_equal(gi.flags, 0);
	/* After initialisation with a label. */
	ct_init_token(slot, "review");
	memset(&ti, 0xA5, sizeof ti);
	assert_int_equal(f->C_GetTokenInfo(slot, &ti), CKR_OK);
	assert_memory_equal(ti.label, "review                          ", 32);
	/* Session info of a fresh session: every field defined. */
	CK_SESSION_HANDLE s = ct_session(slot, (CK_USER_TYPE)-1);
	CK_SESSION_INFO sinfo;
	memset(&sinfo, 0xA5, sizeof sinfo);
	assert_int_equal(f->C_GetSessionInfo(s, &sinfo), CKR_OK);
	assert_int_equal(sinfo.slotID, slot);
	assert_int_equal(sinfo.state, CKS_RW_PUBLIC_SESSION);
	assert_int_equal(sinfo.ulDeviceError, 0);
	assert_int_equal(f->C_GetSessionInfo(s, NULL), CKR_ARGUMENTS_BAD);
}

/* Length queries of the list calls leave the caller's count right on every path. */
static void test_list_lengths(void **state)
{
	(void)state;
	CK_SLOT_ID slot = ct_free_slot();
	CK_ULONG n = 0;
	assert_int_equal(f->C_GetMechanismList(slot, NULL, &n), CKR_OK);
	if (n > 0) {
		CK_MECHANISM_TYPE one[1];
		CK_ULONG small = 1;
		if (n > 1) {
			assert_int_equal(f->C_GetMechanismList(slot, one, &small), CKR_BUFFER_TOO_SMALL);
			assert_int_equal(small, n);
		}
	}
	CK_SLOT_ID slots[1];
	CK_ULONG ns = 0;
	assert_int_equal(f->C_GetSlotList(CK_FALSE, slots, &ns), CKR_BUFFER_TOO_SMALL);
	assert_true(ns >= 1);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetMechanismList(0xFFFFFF, NULL, &n), CKR_SLOT_ID_INVALID);
}

/* A handle of another slot's object is not an object of this slot. */
static void test_handle_from_other_slot(void **state)
{
	(void)state;
	CK_SLOT_ID a;
	CK_SESSION_HANDLE sa = ct_ready_token(&a);
	CK_OBJECT_HANDLE ka = ct_aes_key(sa, K16, 16, (CK_ULONG)-1, 0, CK_FALSE);
	CK_SLOT_ID b;
	CK_SESSION_HANDLE sb = ct_ready_token(&b);
	assert_int_not_equal(a, b);
	CK_OBJECT_CLASS got;
	CK_ATTRIBUTE q[] = {{CKA_CLASS, &got, sizeof got}};
	assert_int_equal(f->C_GetAttributeValue(sb, ka, q, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(f->C_DestroyObject(sb, ka), CKR_OBJECT_HANDLE_INVALID);
	if (ct_have_mech()) {
		CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
		assert_int_equal(f->C_VerifyInit(sb, &m, ka), CKR_KEY_HANDLE_INVALID);
	}
	assert_int_equal(f->C_GetAttributeValue(sa, ka, q, 1), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_attribute_mixed_template, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_key_dates_default_empty, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_template_shapes, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_usage_cannot_grow_to_device_side, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_find_max_zero, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_session_states, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_close_all_with_operations, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_info_fields_blank_padded, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_list_lengths, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_handle_from_other_slot, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
