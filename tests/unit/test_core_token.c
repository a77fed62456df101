/* test_core_token.c - slots, tokens, sessions, login state rules, PINs. */
#include "config.h"
#include "core_test_util.h"

static void test_slot_list_and_free_slot(void **state)
{
	CK_ULONG n = 0;
	CK_SLOT_ID slots[16];
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	assert_int_equal(n, 1); /* a fresh store: only the free slot */
	n = 0;
	assert_int_equal(f->C_GetSlotList(CK_FALSE, slots, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 1);
	assert_int_equal(f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	assert_int_equal(slots[0], 0);

	CK_SLOT_INFO si;
	assert_int_equal(f->C_GetSlotInfo(0, &si), CKR_OK);
	assert_memory_equal(si.slotDescription, "Portfolio /16/0 ", 16);
	assert_memory_equal(si.manufacturerID, "portfolio-pkcs11", 16);
	assert_true(si.flags & CKF_TOKEN_PRESENT);
	assert_int_equal(f->C_GetSlotInfo(7, &si), CKR_SLOT_ID_INVALID);
	assert_int_equal(f->C_GetSlotInfo(0, NULL), CKR_ARGUMENTS_BAD);

	CK_TOKEN_INFO ti;
	assert_int_equal(f->C_GetTokenInfo(0, &ti), CKR_OK);
	assert_false(ti.flags & CKF_TOKEN_INITIALIZED);
	assert_int_equal(f->C_GetTokenInfo(5, &ti), CKR_SLOT_ID_INVALID);

	ct_init_token(0, "first");
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
	assert_int_equal(slots[0], 0);
	assert_int_equal(slots[1], 1);

	assert_int_equal(f->C_GetTokenInfo(0, &ti), CKR_OK);
	assert_memory_equal(ti.label, "first   ", 8);
	assert_memory_equal(ti.model, "LwM2M Obj16     ", 16);
	assert_memory_equal(ti.manufacturerID, "portfolio-pkcs11", 16);
	/* an initialised token's serial is its random token id in hex (unique per
	 * token); the free slot keeps the fixed form */
	for (int i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", ti.serialNumber[i]));
	{
		CK_TOKEN_INFO free_ti;
		assert_int_equal(f->C_GetTokenInfo(1, &free_ti), CKR_OK);
		assert_memory_equal(free_ti.serialNumber, "OBJ16-1         ", 16);
	}
	CK_FLAGS want = CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED;
	assert_int_equal(ti.flags & want, want);
	assert_int_equal(ti.ulMinPinLen, 4);
	assert_int_equal(ti.ulMaxPinLen, 64);
	assert_int_equal(ti.ulTotalPublicMemory, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(ti.ulSessionCount, 0);

	/* Persisted: a new C_Initialize sees both slots again. */
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f->C_GetTokenInfo(0, &ti), CKR_OK);
	assert_true(ti.flags & CKF_TOKEN_INITIALIZED);
	assert_int_equal(f->C_GetTokenInfo(1, &ti), CKR_OK);
	assert_false(ti.flags & CKF_TOKEN_INITIALIZED);
}

static void test_init_token_rules(void **state)
{
	CK_UTF8CHAR lab[32];
	CK_SESSION_HANDLE s;
	memset(lab, ' ', sizeof lab);
	assert_int_equal(f->C_InitToken(0, NULL, 4, lab), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_InitToken(0, P(SO_PIN), NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_InitToken(0, P("123"), lab), CKR_PIN_LEN_RANGE);
	assert_int_equal(f->C_InitToken(42, P(SO_PIN), lab), CKR_SLOT_ID_INVALID);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	assert_int_equal(f->C_InitToken(0, P(SO_PIN), lab), CKR_SESSION_EXISTS);
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
	assert_int_equal(f->C_InitToken(0, P(SO_PIN), lab), CKR_OK);
	/* Re-initialisation needs the SO PIN. */
	assert_int_not_equal(f->C_InitToken(0, P("wrong-pin"), lab), CKR_OK);
	assert_int_equal(f->C_InitToken(0, P(SO_PIN), lab), CKR_OK);
}

static void test_sessions(void **state)
{
	CK_SESSION_HANDLE ro, rw;
	CK_SESSION_INFO si;
	ct_init_token(0, "sess");
	assert_int_equal(f->C_OpenSession(0, 0, NULL, NULL, &ro), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_OpenSession(9, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_SLOT_ID_INVALID);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &rw), CKR_OK);
	assert_int_not_equal(ro, rw);
	assert_int_equal(f->C_GetSessionInfo(ro, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_PUBLIC_SESSION);
	assert_int_equal(si.slotID, 0);
	assert_int_equal(f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_PUBLIC_SESSION);
	assert_true(si.flags & CKF_RW_SESSION);
	assert_int_equal(f->C_GetSessionInfo(rw, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetSessionInfo(rw ^ 0x1000, &si), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_GetSessionInfo(0, &si), CKR_SESSION_HANDLE_INVALID);

	CK_TOKEN_INFO ti;
	assert_int_equal(f->C_GetTokenInfo(0, &ti), CKR_OK);
	assert_int_equal(ti.ulSessionCount, 2);
	assert_int_equal(ti.ulRwSessionCount, 1);

	/* Login state is the token's: every session sees it. */
	assert_int_equal(f->C_Login(ro, CKU_USER, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(ro, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_USER_FUNCTIONS);
	assert_int_equal(f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_USER_FUNCTIONS);
	assert_int_equal(f->C_Logout(rw), CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(ro, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_PUBLIC_SESSION);

	/* A closed handle stays invalid. */
	assert_int_equal(f->C_CloseSession(ro), CKR_OK);
	assert_int_equal(f->C_CloseSession(ro), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_GetSessionInfo(ro, &si), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_CloseAllSessions(0), CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(rw, &si), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_CloseAllSessions(9), CKR_SLOT_ID_INVALID);
}

static void test_login_rules(void **state)
{
	CK_SESSION_HANDLE ro, rw;
	CK_SESSION_INFO si;
	CK_UTF8CHAR lab[32];
	memset(lab, ' ', sizeof lab);
	assert_int_equal(f->C_InitToken(0, P(SO_PIN), lab), CKR_OK);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &rw), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_USER, P(USER_PIN)), CKR_USER_PIN_NOT_INITIALIZED);
	assert_int_equal(f->C_Login(rw, 7, P(USER_PIN)), CKR_USER_TYPE_INVALID);
	assert_int_equal(f->C_Login(rw, CKU_USER, NULL, 4), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Logout(rw), CKR_USER_NOT_LOGGED_IN);
	/* key management needs a login whatever the handles (CORE_NEED_LOGIN) */
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ULONG wlen = 0;
	CK_OBJECT_HANDLE nk;
	CK_OBJECT_CLASS kcls = CKO_SECRET_KEY;
	CK_ATTRIBUTE kt[] = {{CKA_CLASS, &kcls, sizeof kcls}};
	CK_BYTE blob[24] = {0};
	assert_int_equal(f->C_WrapKey(rw, &kw, 1, 2, NULL, &wlen), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(f->C_UnwrapKey(rw, &kw, 1, blob, sizeof blob, kt, 1, &nk), CKR_USER_NOT_LOGGED_IN);
	CK_MECHANISM kdf = {CKM_SHA256_HMAC, NULL, 0};
	assert_int_equal(f->C_DeriveKey(rw, &kdf, 1, kt, 1, &nk), CKR_USER_NOT_LOGGED_IN);
	/* C_InitPIN needs the SO */
	assert_int_equal(f->C_InitPIN(rw, P(USER_PIN)), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(f->C_Login(rw, CKU_SO, P("bad-so-pin")), CKR_PIN_INCORRECT);
	assert_int_equal(f->C_Login(rw, CKU_SO, P(SO_PIN)), CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_SO_FUNCTIONS);
	assert_int_equal(f->C_Login(rw, CKU_SO, P(SO_PIN)), CKR_USER_ALREADY_LOGGED_IN);
	assert_int_equal(f->C_Login(rw, CKU_USER, P(USER_PIN)), CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	/* no R/O session while the SO is in */
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_SESSION_READ_WRITE_SO_EXISTS);
	assert_int_equal(f->C_InitPIN(rw, P("12")), CKR_PIN_LEN_RANGE);
	assert_int_equal(f->C_InitPIN(rw, NULL, 4), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_InitPIN(rw, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_Logout(rw), CKR_OK);

	/* SO login refused while an R/O session exists */
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_SO, P(SO_PIN)), CKR_SESSION_READ_ONLY_EXISTS);
	assert_int_equal(f->C_InitPIN(ro, P(USER_PIN)), CKR_SESSION_READ_ONLY);
	assert_int_equal(f->C_Login(ro, CKU_USER, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_USER, P(USER_PIN)), CKR_USER_ALREADY_LOGGED_IN);
	assert_int_equal(f->C_Login(rw, CKU_CONTEXT_SPECIFIC, P(USER_PIN)), CKR_OPERATION_NOT_INITIALIZED);
	/* C_InitPIN needs the SO, not just a login (CORE_NEED_SO); the R/W check comes first */
	assert_int_equal(f->C_InitPIN(rw, P(USER_PIN)), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(f->C_InitPIN(ro, P(USER_PIN)), CKR_SESSION_READ_ONLY);
	assert_int_equal(f->C_Logout(ro), CKR_OK);

	/* C_LoginUser without a user name is C_Login */
	CK_INTERFACE_PTR ip;
	assert_int_equal(C_GetInterface(NULL, NULL, &ip, 0), CKR_OK);
	CK_FUNCTION_LIST_3_0_PTR f3 = ip->pFunctionList;
	assert_int_equal(f3->C_LoginUser(ro, CKU_USER, P(USER_PIN), NULL, 0), CKR_OK);
	assert_int_equal(f3->C_LoginUser(ro, CKU_USER, P(USER_PIN), (CK_UTF8CHAR_PTR) "bob", 3), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Logout(ro), CKR_OK);
	assert_int_equal(f->C_CloseSession(ro), CKR_OK);
	assert_int_equal(f->C_CloseSession(rw), CKR_OK);
}

static void test_set_pin(void **state)
{
	CK_SESSION_HANDLE ro, rw;
	ct_init_token(0, "pins");
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &rw), CKR_OK);
	assert_int_equal(f->C_SetPIN(ro, P(USER_PIN), P("new-user-pin")), CKR_SESSION_READ_ONLY);
	assert_int_equal(f->C_SetPIN(rw, NULL, 3, P("new-user-pin")), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SetPIN(rw, P(USER_PIN), P("abc")), CKR_PIN_LEN_RANGE);
	/* not logged in: the user PIN */
	assert_int_equal(f->C_SetPIN(rw, P(USER_PIN), P("new-user-pin")), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_USER, P(USER_PIN)), CKR_PIN_INCORRECT);
	assert_int_equal(f->C_Login(rw, CKU_USER, P("new-user-pin")), CKR_OK);
	assert_int_equal(f->C_SetPIN(rw, P("new-user-pin"), P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_Logout(rw), CKR_OK);
	assert_int_equal(f->C_CloseSession(ro), CKR_OK);
	/* the SO changes the SO PIN */
	assert_int_equal(f->C_Login(rw, CKU_SO, P(SO_PIN)), CKR_OK);
	assert_int_equal(f->C_SetPIN(rw, P(SO_PIN), P("new-so-pin")), CKR_OK);
	assert_int_equal(f->C_Logout(rw), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_SO, P("new-so-pin")), CKR_OK);
	assert_int_equal(f->C_Logout(rw), CKR_OK);
	assert_int_equal(f->C_Login(rw, CKU_USER, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_CloseSession(rw), CKR_OK);
}

static void test_close_last_session_logs_out(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_SESSION_INFO si;
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	assert_int_equal(f->C_GetSessionInfo(s, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_PUBLIC_SESSION);
}

static void test_random_and_mechanisms(void **state)
{
	CK_SESSION_HANDLE s;
	uint8_t a[32], b[32];
	ct_init_token(0, "rng");
	assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	assert_int_equal(f->C_GenerateRandom(s, a, sizeof a), CKR_OK);
	assert_int_equal(f->C_GenerateRandom(s, b, sizeof b), CKR_OK);
	assert_memory_not_equal(a, b, sizeof a);
	assert_int_equal(f->C_GenerateRandom(s, NULL, 4), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_SeedRandom(s, a, 4), CKR_RANDOM_SEED_NOT_SUPPORTED);
	assert_int_equal(f->C_SeedRandom(s ^ 0x1000, a, 4), CKR_SESSION_HANDLE_INVALID);
	CK_ULONG n = 0;
	assert_int_equal(f->C_GetMechanismList(0, NULL, &n), CKR_OK);
	assert_int_equal(f->C_GetMechanismList(42, NULL, &n), CKR_SLOT_ID_INVALID);
	assert_int_equal(f->C_GetMechanismList(0, NULL, NULL), CKR_ARGUMENTS_BAD);
	CK_MECHANISM_INFO mi;
	assert_int_equal(f->C_GetMechanismInfo(0, 0x7FFFFFF0UL, &mi), CKR_MECHANISM_INVALID);
	assert_int_equal(f->C_GetMechanismInfo(0, CKM_AES_CMAC, NULL), CKR_ARGUMENTS_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_slot_list_and_free_slot, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_init_token_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sessions, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_login_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_set_pin, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_close_last_session_logs_out, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_random_and_mechanisms, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
