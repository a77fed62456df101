/* test_core_init.c - C_Initialize/C_Finalize rules, function lists and
 * interfaces, unsupported entry points, fork, the configuration parser. */
#include "config.h"
#include "core_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

#include "core/conf.h"
#include "p11/p11_trace.h"

static int n_create, n_destroy, n_lock, n_unlock;

static CK_RV cb_create(CK_VOID_PTR_PTR m)
{
	pthread_mutex_t *p = malloc(sizeof *p);
	pthread_mutex_init(p, NULL);
	*m = p;
	n_create++;
	return CKR_OK;
}
static CK_RV cb_destroy(CK_VOID_PTR m)
{
	pthread_mutex_destroy(m);
	free(m);
	n_destroy++;
	return CKR_OK;
}
static CK_RV cb_lock(CK_VOID_PTR m)
{
	pthread_mutex_lock(m);
	n_lock++;
	return CKR_OK;
}
static CK_RV cb_unlock(CK_VOID_PTR m)
{
	pthread_mutex_unlock(m);
	n_unlock++;
	return CKR_OK;
}

static int env_up(void **state)
{
	(void)state;
	return ct_setup_env(NULL);
}
static int env_down(void **state)
{
	(void)state;
	ct_cleanup_env();
	return 0;
}

static void test_not_initialized(void **state)
{
	CK_INFO info;
	CK_ULONG n;
	assert_int_equal(f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_int_equal(f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_int_equal(f->C_CloseSession(1), CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_int_equal(f->C_DigestKey(1, 1), CKR_CRYPTOKI_NOT_INITIALIZED);
}

static void test_init_finalize_cycles(void **state)
{
	CK_ULONG n = 0;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(f->C_Initialize(NULL), CKR_OK);
		assert_int_equal(f->C_Initialize(NULL), CKR_CRYPTOKI_ALREADY_INITIALIZED);
		assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
		assert_true(n >= 1);
		assert_int_equal(f->C_Finalize((CK_VOID_PTR)&n), CKR_ARGUMENTS_BAD);
		assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	}
}

static void test_init_args(void **state)
{
	CK_C_INITIALIZE_ARGS a;
	int dummy;
	memset(&a, 0, sizeof a);
	a.pReserved = &dummy;
	assert_int_equal(f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
	memset(&a, 0, sizeof a);
	a.CreateMutex = cb_create;
	a.LockMutex = cb_lock; /* some but not all */
	assert_int_equal(f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
	memset(&a, 0, sizeof a);
	a.flags = CKF_LIBRARY_CANT_CREATE_OS_THREADS;
	assert_int_equal(f->C_Initialize(&a), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	memset(&a, 0, sizeof a);
	a.flags = CKF_OS_LOCKING_OK;
	assert_int_equal(f->C_Initialize(&a), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_mutex_callbacks(void **state)
{
	CK_C_INITIALIZE_ARGS a = {cb_create, cb_destroy, cb_lock, cb_unlock, 0, NULL};
	CK_ULONG n = 0;
	n_create = n_destroy = n_lock = n_unlock = 0;
	assert_int_equal(f->C_Initialize(&a), CKR_OK);
	assert_true(n_create >= 1);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	CK_SLOT_ID slot;
	n = 1;
	assert_int_equal(f->C_GetSlotList(CK_FALSE, &slot, &n), CKR_OK);
	CK_SESSION_HANDLE s;
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	CK_SESSION_INFO si;
	assert_int_equal(f->C_GetSessionInfo(s, &si), CKR_OK);
	assert_true(n_lock > 0);
	assert_int_equal(n_lock, n_unlock);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	/* every mutex created was destroyed */
	assert_int_equal(n_create, n_destroy);

	/* Both callbacks and OS locking: pthreads, callbacks unused. */
	n_create = n_destroy = n_lock = n_unlock = 0;
	a.flags = CKF_OS_LOCKING_OK;
	assert_int_equal(f->C_Initialize(&a), CKR_OK);
	assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(n_create, 0);
	assert_int_equal(n_lock, 0);
}

static void test_info_and_lists(void **state)
{
	CK_INFO info;
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	assert_int_equal(f->C_GetInfo(NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GetInfo(&info), CKR_OK);
	assert_int_equal(info.cryptokiVersion.major, 3);
	assert_memory_equal(info.manufacturerID, "portfolio-pkcs11 ", 17);
	/* The library version is the package's (AC_INIT), not a second copy. */
	int major = -1, minor = -1;
	assert_int_equal(sscanf(PACKAGE_VERSION, "%d.%d", &major, &minor), 2);
	assert_int_equal(info.libraryVersion.major, major);
	assert_int_equal(info.libraryVersion.minor, minor);
	assert_int_equal(f->version.major, 2);
	assert_int_equal(f->version.minor, 40);
	assert_int_equal(C_GetFunctionList(NULL), CKR_ARGUMENTS_BAD);

	CK_ULONG n = 0;
	assert_int_equal(C_GetInterfaceList(NULL, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_GetInterfaceList(NULL, &n), CKR_OK);
	assert_int_equal(n, 2);
	CK_INTERFACE ifs[2];
	n = 1;
	assert_int_equal(C_GetInterfaceList(ifs, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 2);
	assert_int_equal(C_GetInterfaceList(ifs, &n), CKR_OK);
	assert_string_equal((char *)ifs[0].pInterfaceName, "PKCS 11");
	assert_int_equal(ifs[0].flags & CKF_INTERFACE_FORK_SAFE, 0);

	CK_INTERFACE_PTR ip = NULL;
	assert_int_equal(C_GetInterface(NULL, NULL, &ip, 0), CKR_OK);
	CK_FUNCTION_LIST_3_0_PTR f3 = ip->pFunctionList;
	assert_int_equal(f3->version.major, 3);
	assert_int_equal(f3->version.minor, 0);
	/* The tables hold the trace wrappers of the entry points (p11_trace.h). */
	assert_ptr_equal(f3->C_LoginUser, p11_traced_C_LoginUser);
	assert_ptr_equal(f3->C_Sign, p11_traced_C_Sign);
	CK_VERSION v240 = {2, 40};
	assert_int_equal(C_GetInterface((CK_UTF8CHAR_PTR) "PKCS 11", &v240, &ip, 0), CKR_OK);
	assert_ptr_equal(ip->pFunctionList, f);
	assert_int_equal(C_GetInterface((CK_UTF8CHAR_PTR) "Vendor X", NULL, &ip, 0), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_GetInterface(NULL, NULL, &ip, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
	assert_int_equal(C_GetInterface(NULL, NULL, NULL, 0), CKR_ARGUMENTS_BAD);

	/* Unsupported entry points */
	CK_SLOT_ID slot;
	assert_int_equal(f->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, NULL), CKR_NO_EVENT);
	assert_int_equal(f->C_WaitForSlotEvent(0, &slot, NULL), CKR_FUNCTION_NOT_SUPPORTED);
	assert_int_equal(f->C_GetFunctionStatus(1), CKR_FUNCTION_NOT_PARALLEL);
	assert_int_equal(f->C_CancelFunction(1), CKR_FUNCTION_NOT_PARALLEL);
	assert_int_equal(f->C_DigestKey(1, 1), CKR_FUNCTION_NOT_SUPPORTED);
	assert_int_equal(f->C_WrapKey(1, NULL, 1, 2, NULL, NULL), CKR_ARGUMENTS_BAD); /* offered since issue 10 */
	assert_int_equal(f->C_GetOperationState(1, NULL, NULL), CKR_FUNCTION_NOT_SUPPORTED);
	assert_int_equal(f3->C_MessageEncryptInit(1, NULL, 1), CKR_ARGUMENTS_BAD); /* offered since issue 10 */
	assert_int_equal(f3->C_MessageEncryptFinal(1), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f3->C_VerifyMessageNext(1, NULL, 0, NULL, 0, NULL, 0), CKR_FUNCTION_NOT_SUPPORTED);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_fork_child_must_reinit(void **state)
{
	CK_ULONG n = 0;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	n = 1;
	assert_int_equal(f->C_GetSlotList(CK_FALSE, &slot, &n), CKR_OK);
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int bad = 0;
		CK_SESSION_INFO si;
		if (f->C_GetSessionInfo(s, &si) != CKR_CRYPTOKI_NOT_INITIALIZED)
			bad |= 1;
		if (f->C_GetSlotList(CK_FALSE, NULL, &n) != CKR_CRYPTOKI_NOT_INITIALIZED)
			bad |= 2;
		if (f->C_Initialize(NULL) != CKR_OK)
			bad |= 4;
		if (f->C_GetSessionInfo(s, &si) != CKR_SESSION_HANDLE_INVALID)
			bad |= 8;
		if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK)
			bad |= 16;
		if (f->C_Finalize(NULL) != CKR_OK)
			bad |= 32;
		_exit(bad);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* The parent is untouched. */
	CK_SESSION_INFO si;
	assert_int_equal(f->C_GetSessionInfo(s, &si), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_bad_config_fails_init(void **state)
{
	ct_cleanup_env();
	assert_int_equal(ct_setup_env("this line is wrong"), 0);
	assert_int_equal(f->C_Initialize(NULL), CKR_GENERAL_ERROR);
	ct_cleanup_env();
	assert_int_equal(ct_setup_env(NULL), 0);
	setenv("PORTFOLIO_PKCS11_CONF", "/nonexistent/portfolio.conf", 1);
	/* no file: defaults; the default store path is not writable in tests, or is:
	 * either way the call must return a clean code */
	CK_RV rv = f->C_Initialize(NULL);
	assert_true(rv == CKR_OK || rv == CKR_GENERAL_ERROR);
	if (rv == CKR_OK)
		f->C_Finalize(NULL);
}

static void test_config_parser(void **state)
{
	core_config c;
	assert_int_equal(core_config_parse(&c,
	                                   "# comment\n\nstore = /x/y.db  # trailing\nlog_level = debug\n"
	                                   "backend = emulator\nmax_instances = 12\ninstance.3.backend = pcsc\n"
	                                   "instance.3.reader = Virtual PCD\ninstance.3.aid = A0000006165046\n",
	                                   "t"),
	                 CKR_OK);
	assert_string_equal(c.store_path, "/x/y.db");
	assert_int_equal(c.log_level, 4);
	assert_int_equal(c.max_instances, 12);
	se_config sc;
	core_config_se(&c, 3, &sc);
	assert_string_equal(sc.backend, "pcsc");
	assert_string_equal(sc.pcsc.reader, "Virtual PCD");
	assert_string_equal(sc.pcsc.aid_hex, "A0000006165046");
	core_config_se(&c, 4, &sc);
	assert_string_equal(sc.backend, "emulator");
	assert_null(sc.pcsc.reader);
	core_config_free(&c);

	static const char *const bad[] = {
		"store\n", "store =\n", "= x\n", "unknown = 1\n", "max_instances = 0\n", "max_instances = 12x\n",
		"max_instances = -1\n", "log_level = loud\n", "backend = tpm\n", "instance.x.backend = pcsc\n",
		"instance.3.colour = red\n", "instance..reader = a\n", "instance.99999999.reader = a\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(core_config_parse(&c, bad[i], "bad"), CKR_GENERAL_ERROR);
	/* defaults */
	assert_int_equal(core_config_parse(&c, "", "empty"), CKR_OK);
	assert_int_equal(c.max_instances, CORE_DEFAULT_MAX_INSTANCES);
	assert_string_equal(c.store_path, CORE_DEFAULT_STORE);
	assert_string_equal(c.backend, "emulator");
	core_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_not_initialized, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_init_finalize_cycles, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_init_args, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_mutex_callbacks, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_info_and_lists, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_fork_child_must_reinit, env_up, env_down),
		cmocka_unit_test_setup_teardown(test_bad_config_fails_init, env_up, env_down),
		cmocka_unit_test(test_config_parser),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
