/*
 * test_rel_fork.c - fork() with the module initialised.
 *   - The child sees CKR_CRYPTOKI_NOT_INITIALIZED (not the parent's sessions)
 *     until it calls C_Initialize; then the parent's session handles are
 *     invalid there, and the child can log in and sign on its own.
 *   - The parent's session is untouched by the child's life and death.
 *   - Forking while other threads are inside the module (holding its locks)
 *     never hands the child a held lock: 20 such children each initialise and
 *     sign within a deadline.
 */
#include "config.h"
#include "rel_util.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static CK_SLOT_ID slot;
static int stop; /* atomic accesses only */

static void sign_kat(CK_SESSION_HANDLE s)
{
	CK_ATTRIBUTE q = {CKA_ID, "k", 1};
	CK_OBJECT_HANDLE k = rel_find_one(s, &q, 1);
	CHECK(k != CK_INVALID_HANDLE);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_SignInit(s, &m, k), CKR_OK);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)rel_cmac_msg, 16, sig, &sl), CKR_OK);
	CHECK(sl == 16 && memcmp(sig, rel_cmac_tag, 16) == 0);
}

static void wait_ok(pid_t pid)
{
	int status;
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "child failed (status 0x%x)\n", status);
		exit(1);
	}
}

static void child_starts_clean(CK_SESSION_HANDLE parent_session)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		alarm(20);
		CK_ULONG n = 0;
		CK_SESSION_INFO si;
		CHECK_RV(C_GetSlotList(CK_TRUE, NULL, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
		CHECK_RV(C_GetSessionInfo(parent_session, &si), CKR_CRYPTOKI_NOT_INITIALIZED);
		CHECK_RV(C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
		CHECK_RV(C_Initialize(NULL), CKR_OK);
		CHECK_RV(C_GetSessionInfo(parent_session, &si), CKR_SESSION_HANDLE_INVALID);
		CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
		sign_kat(s);
		CHECK_RV(C_Finalize(NULL), CKR_OK);
		_exit(0);
	}
	wait_ok(pid);
	/* The parent's session and login are as they were. */
	CK_SESSION_INFO si;
	CHECK_RV(C_GetSessionInfo(parent_session, &si), CKR_OK);
	CHECK(si.state == CKS_RW_USER_FUNCTIONS);
	sign_kat(parent_session);
	printf("ok - child: NOT_INITIALIZED until C_Initialize, then its own state; parent unaffected\n");
}

static void *busy(void *arg)
{
	CK_SESSION_HANDLE s = rel_session(slot, (CK_USER_TYPE)-1, NULL);
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		sign_kat(s);
		CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
		CK_ATTRIBUTE q = {CKA_CLASS, &cls, sizeof cls};
		rel_count(s, &q, 1);
	}
	CHECK_RV(C_CloseSession(s), CKR_OK);
	return NULL;
}

static void fork_while_busy(void)
{
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&th[i], NULL, busy, NULL) == 0);
	for (int i = 0; i < 20; i++) {
		usleep(3000);
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			alarm(20); /* a lock inherited held would hang here: SIGALRM fails the test */
			CHECK_RV(C_Initialize(NULL), CKR_OK);
			CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
			sign_kat(s);
			CHECK_RV(C_Finalize(NULL), CKR_OK);
			_exit(0);
		}
		wait_ok(pid);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("ok - 20 forks while two threads sign and search: every child initialises and signs\n");
}

int main(void)
{
	rel_setup(NULL, NULL);
	CK_SESSION_HANDLE s;
	slot = rel_token_with_cmac_key("fork", "k", &s);
	child_starts_clean(s);
	fork_while_busy();
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return 0;
}
