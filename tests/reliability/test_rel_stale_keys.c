/*
 * test_rel_stale_keys.c - a logged-in process must not go on using keys that
 * another process destroyed, without opening a new session or logging in
 * again (the fast path notices through the shared change counters,
 * store_changes.c).
 *
 * 1. Another process destroys a key: C_SignInit with its handle is
 *    CKR_KEY_HANDLE_INVALID.
 * 2. Another process destroys the key of an initialised operation: the next
 *    C_Sign (or C_SignUpdate) is CKR_KEY_HANDLE_INVALID and the operation is
 *    over; an operation on a key nobody touched goes on.
 * 3. Another process re-initialises the token: the operation in progress
 *    fails the same way, the old handles are dead, the login is gone.
 * Before, the process signed on with the destroyed keys until it opened a
 * new session.
 */
#include "config.h"
#include "rel_util.h"

#include <sys/wait.h>

static const CK_MECHANISM CMAC = {CKM_AES_CMAC, NULL, 0};

static CK_SLOT_ID slot;

static CK_OBJECT_HANDLE key_with_id(CK_SESSION_HANDLE s, const char *id)
{
	/* Not the RFC 4493 key ("kat"), and not each other: a signing key's value
	 * is exclusive. */
	uint8_t v[16];
	memcpy(v, rel_cmac_key, sizeof v);
	v[15] ^= (uint8_t)id[0];
	return rel_aes_key(s, v, 16, CK_TRUE, CK_TRUE, CK_FALSE, id, (CK_ULONG)strlen(id));
}

/* In a child process: destroy the token key with this CKA_ID. */
static void destroy_elsewhere(const char *id)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CK_SESSION_HANDLE cs = rel_session(slot, CKU_USER, REL_USER_PIN);
		CK_ATTRIBUTE q = {CKA_ID, (void *)id, (CK_ULONG)strlen(id)};
		CK_OBJECT_HANDLE h = rel_find_one(cs, &q, 1);
		CHECK(h != CK_INVALID_HANDLE);
		CHECK_RV(C_DestroyObject(cs, h), CKR_OK);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void reinit_elsewhere(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CK_UTF8CHAR label[32];
		memset(label, ' ', sizeof label);
		memcpy(label, "again", 5);
		CHECK_RV(C_InitToken(slot, REL_P(REL_SO_PIN), label), CKR_OK);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void sign_ok(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_SignInit(s, (CK_MECHANISM_PTR)&CMAC, k), CKR_OK);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl), CKR_OK);
}

static void destroyed_key(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE k = key_with_id(s, "one");
	sign_ok(s, k);
	destroy_elsewhere("one");
	CHECK_RV(C_SignInit(s, (CK_MECHANISM_PTR)&CMAC, k), CKR_KEY_HANDLE_INVALID);
	printf("ok - a key another process destroyed cannot start an operation here\n");
}

static void destroyed_mid_operation(CK_SESSION_HANDLE s, CK_SESSION_HANDLE s2)
{
	CK_OBJECT_HANDLE k = key_with_id(s, "two");
	CK_ATTRIBUTE q = {CKA_ID, "kat", 3};
	CK_OBJECT_HANDLE kat = rel_find_one(s, &q, 1);
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	/* Single part on s, multi-part on s2, and an untouched key on s2's verify. */
	CHECK_RV(C_SignInit(s, (CK_MECHANISM_PTR)&CMAC, k), CKR_OK);
	CHECK_RV(C_SignInit(s2, (CK_MECHANISM_PTR)&CMAC, k), CKR_OK);
	CHECK_RV(C_SignUpdate(s2, (CK_BYTE_PTR)rel_cmac_msg, 8), CKR_OK);
	CHECK_RV(C_VerifyInit(s2, (CK_MECHANISM_PTR)&CMAC, kat), CKR_OK);
	destroy_elsewhere("two");
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl), CKR_KEY_HANDLE_INVALID);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl), CKR_OPERATION_NOT_INITIALIZED);
	CHECK_RV(C_SignUpdate(s2, (CK_BYTE_PTR)rel_cmac_msg + 8, 8), CKR_KEY_HANDLE_INVALID);
	CHECK_RV(C_SignFinal(s2, sig, &sl), CKR_OPERATION_NOT_INITIALIZED);
	CHECK_RV(C_Verify(s2, (CK_BYTE_PTR)rel_cmac_msg, 16, (CK_BYTE_PTR)rel_cmac_tag, 16), CKR_OK);
	sign_ok(s, kat);
	printf("ok - an operation whose key another process destroyed ends; others go on\n");
}

static void reinitialised(CK_SESSION_HANDLE s)
{
	CK_ATTRIBUTE q = {CKA_ID, "kat", 3};
	CK_OBJECT_HANDLE kat = rel_find_one(s, &q, 1);
	CHECK(kat != CK_INVALID_HANDLE);
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_SignInit(s, (CK_MECHANISM_PTR)&CMAC, kat), CKR_OK);
	reinit_elsewhere();
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl), CKR_KEY_HANDLE_INVALID);
	CK_RV rv = C_SignInit(s, (CK_MECHANISM_PTR)&CMAC, kat);
	CHECK(rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_KEY_HANDLE_INVALID);
	CK_SESSION_INFO si;
	CHECK_RV(C_GetSessionInfo(s, &si), CKR_OK);
	CHECK(si.state == CKS_RW_PUBLIC_SESSION);
	printf("ok - a token another process re-initialised: operation ended, keys gone, logged out\n");
}

int main(void)
{
	rel_setup(NULL, NULL);
	CK_SESSION_HANDLE s;
	slot = rel_token_with_cmac_key("stale", "kat", &s);
	CK_SESSION_HANDLE s2 = rel_session(slot, (CK_USER_TYPE)-1, NULL);
	destroyed_key(s);
	destroyed_mid_operation(s, s2);
	reinitialised(s);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return 0;
}
