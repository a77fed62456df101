/*
 * test_module.c - the Object 16 adapter against the real portfolio-pkcs11
 * module, loaded with dlopen from the build tree like an LwM2M client
 * would. Provisioning goes through plain PKCS#11 (C_InitToken, SO login,
 * C_CreateObject); the adapter then runs the TS 1.0.1 Appendix B.2 flows.
 * Expected AuthData is checked against fixed vectors (openssl mac /
 * Python cryptography) and by decrypting with OpenSSL.
 *
 * Exit 77 (skipped) when the module has not been built.
 */
#include "config.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <pkcs11/portfolio.h>
#include "portfolio-lwm2m/obj16.h"
#include "arg_cases.h"

#define SO_PIN "so-pin-0000"
#define USER_PIN "user-pin-42"
#define AUTH_ARGS "0='0',1='3',2='0x2345178',3='0'"
#define ENC_ARGS "0='1',1='2',2='0x2345178',3='1'"

/* Instance 0 uses the same key and identity as test_lwm2m_fake's vectors. */
static const char *const K_AUTH[2] = {"2b7e151628aed2a6abf7158809cf4f3c", "3c4fcf098815f7aba6d2ae2816157e2b"};
static const char *const K_ENC[2] = {"000102030405060708090a0b0c0d0e0f", "0f0e0d0c0b0a09080706050403020100"};
static const char *const KAT_AUTH0 = "711e2337e324b98e0ed5d353e04146df";

static CK_FUNCTION_LIST_PTR p11;
static void *module_handle;
static char dir[64];
static uint16_t iids[2];

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* ---- hooks ---- */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static int status_events, data_events;

static void on_changed(void *ctx, uint16_t iid, uint16_t rid)
{
	(void)ctx;
	(void)iid;
	pthread_mutex_lock(&ev_lock);
	if (rid == PF_OBJ16_RID_STATUS)
		status_events++;
	if (rid == PF_OBJ16_RID_AUTH_DATA)
		data_events++;
	pthread_mutex_unlock(&ev_lock);
}

static void on_log(void *ctx, pf_obj16_log_level level, const char *msg)
{
	(void)ctx;
	(void)level;
	static const char *const secrets[] = {USER_PIN, SO_PIN, "2b7e", "3c4f", "0x2345178", "HostSwV", "HostMod"};
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(msg, secrets[i]) != NULL) {
			fprintf(stderr, "log leaks '%s': %s\n", secrets[i], msg);
			abort();
		}
}

/* ---- provisioning through plain PKCS#11 ---- */

static CK_SLOT_ID free_slot(void)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	assert_int_equal(p11->C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO info;
		assert_int_equal(p11->C_GetTokenInfo(slots[i], &info), CKR_OK);
		if (!(info.flags & CKF_TOKEN_INITIALIZED))
			return slots[i];
	}
	fail_msg("no free slot");
	return 0;
}

static void create_identity(CK_SESSION_HANDLE s, CK_ULONG id, const char *value)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)},
		{CKA_VALUE, (void *)value, strlen(value)},
	};
	CK_OBJECT_HANDLE h;
	assert_int_equal(p11->C_CreateObject(s, t, 4, &h), CKR_OK);
}

static void create_key(CK_SESSION_HANDLE s, CK_ULONG service, CK_ULONG index, const char *hex)
{
	uint8_t value[32];
	size_t len = unhex(hex, value);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{service == 0 ? CKA_SIGN : CKA_ENCRYPT, &yes, sizeof(yes)},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof(service)},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index)},
		{CKA_VALUE, value, len},
	};
	CK_OBJECT_HANDLE h;
	CK_RV rv = p11->C_CreateObject(s, t, 7, &h);
	if (rv != CKR_OK)
		fail_msg("create key service %lu index %lu: 0x%lx", service, index, rv);
}

static CK_SLOT_ID provision(int n)
{
	CK_SLOT_ID slot = free_slot();
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof(label));
	memcpy(label, "obj16-test", 10);
	assert_int_equal(p11->C_InitToken(slot, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN), label), CKR_OK);
	CK_SESSION_HANDLE s;
	assert_int_equal(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	assert_int_equal(p11->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)), CKR_OK);
	assert_int_equal(p11->C_InitPIN(s, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)), CKR_OK);
	/* The SO creating an Identity provisions SHA-256 of its value. */
	create_identity(s, 0, "HostUniqueID-42");
	create_identity(s, 1, "HostMan");
	create_identity(s, 2, "HostMod-X");
	create_identity(s, 3, "HostSwV-1.0");
	create_key(s, 0, 0, K_AUTH[n]);
	create_key(s, 1, 1, K_ENC[n]);
	assert_int_equal(p11->C_Logout(s), CKR_OK);
	assert_int_equal(p11->C_CloseSession(s), CKR_OK);
	return slot;
}

static int group_setup(void **state)
{
	(void)state;
	const char *top = getenv("top_builddir");
	char path[512];
	snprintf(path, sizeof(path), "%s/.libs/libportfolio-pkcs11.so", top ? top : ".");
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "SKIP: %s not built yet\n", path);
		exit(77);
	}
	strcpy(dir, "/tmp/pf-lwm2m-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	char conf[128], text[256];
	snprintf(conf, sizeof(conf), "%s/portfolio.conf", dir);
	snprintf(text, sizeof(text), "store = %s/store.db\nlog_level = none\n", dir);
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	setenv("PORTFOLIO_PKCS11_CONF", conf, 1);

	p11 = pf_obj16_module_open(path, &module_handle);
	if (p11 == NULL) {
		fprintf(stderr, "cannot load %s\n", path);
		return -1;
	}
	CK_C_INITIALIZE_ARGS init;
	memset(&init, 0, sizeof(init));
	init.flags = CKF_OS_LOCKING_OK;
	if (p11->C_Initialize(&init) != CKR_OK)
		return -1;
	iids[0] = (uint16_t)provision(0);
	iids[1] = (uint16_t)provision(1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (p11 != NULL)
		p11->C_Finalize(NULL);
	pf_obj16_module_close(module_handle);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static pf_obj16 *make(int async)
{
	pf_obj16_config c;
	memset(&c, 0, sizeof(c));
	c.user_pin = USER_PIN;
	c.changed = on_changed;
	c.log = on_log;
	c.async = async;
	c.module_initialized_by_caller = 1;
	pf_obj16 *o = pf_obj16_new(p11, &c);
	assert_non_null(o);
	return o;
}

static pf_obj16_result exec(pf_obj16 *o, uint16_t iid, const char *args)
{
	return pf_obj16_execute(o, iid, args, strlen(args));
}

static pf_obj16_status status_of(pf_obj16 *o, uint16_t iid)
{
	pf_obj16_status s = 99;
	assert_int_equal(pf_obj16_read_status(o, iid, &s), PF_OBJ16_OK);
	return s;
}

static void expect_last_error(pf_obj16 *o, uint16_t iid, const char *part)
{
	char buf[256];
	assert_int_equal(pf_obj16_last_error(o, iid, buf, sizeof(buf)), PF_OBJ16_OK);
	if (strstr(buf, part) == NULL)
		fail_msg("last error '%s' lacks '%s'", buf, part);
}

/* CMAC_K(SHA-256(identity) || challenge), computed here with OpenSSL. */
static void cmac_expected(const char *key_hex, const char *identity, uint8_t out[16])
{
	uint8_t key[32], msg[36];
	size_t kl = unhex(key_hex, key);
	EVP_Digest(identity, strlen(identity), msg, NULL, EVP_sha256(), NULL);
	memcpy(msg + 32, "\x02\x34\x51\x78", 4);
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
	OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0), OSSL_PARAM_construct_end()};
	size_t ol = 0;
	assert_true(EVP_MAC_init(c, key, kl, p) && EVP_MAC_update(c, msg, sizeof(msg)) && EVP_MAC_final(c, out, &ol, 16));
	assert_int_equal(ol, 16);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
}

/* Opens IV(12) || C || TAG(16) with OpenSSL; returns plaintext length or -1. */
static int gcm_open(const char *key_hex, const uint8_t *in, size_t len, uint8_t *pt)
{
	uint8_t key[32];
	size_t kl = unhex(key_hex, key);
	if (len < 28 || kl != 16)
		return -1;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, f = 0;
	int ok = EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, in) &&
		 EVP_DecryptUpdate(c, pt, &n, in + 12, (int)(len - 28)) &&
		 EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(in + len - 16)) &&
		 EVP_DecryptFinal_ex(c, pt + n, &f);
	EVP_CIPHER_CTX_free(c);
	return ok ? n + f : -1;
}

static pf_obj16_delivery expect_auth(pf_obj16 *o, uint16_t iid, int n)
{
	uint8_t got[64], want[16];
	size_t len = 0;
	pf_obj16_delivery tag = 0;
	assert_int_equal(pf_obj16_read_auth_data(o, iid, got, sizeof(got), &len, &tag), PF_OBJ16_OK);
	assert_int_equal(len, 16);
	cmac_expected(K_AUTH[n], "HostSwV-1.0", want);
	assert_memory_equal(got, want, 16);
	if (n == 0) {
		uint8_t kat[16];
		unhex(KAT_AUTH0, kat);
		assert_memory_equal(got, kat, 16);
	}
	assert_true(tag != 0);
	return tag;
}

static pf_obj16_delivery expect_enc(pf_obj16 *o, uint16_t iid, int n)
{
	uint8_t got[128], pt[128];
	size_t len = 0;
	pf_obj16_delivery tag = 0;
	assert_int_equal(pf_obj16_read_auth_data(o, iid, got, sizeof(got), &len, &tag), PF_OBJ16_OK);
	assert_int_equal(len, 12 + 9 + 4 + 16);
	assert_int_equal(gcm_open(K_ENC[n], got, len, pt), 13);
	assert_memory_equal(pt, "HostMod-X\x02\x34\x51\x78", 13);
	/* The other instance's key must not open it: keysets are not shared. */
	assert_int_equal(gcm_open(K_ENC[1 - n], got, len, pt), -1);
	return tag;
}

/* ---- tests ---- */

static void test_discovery(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t list[8];
	size_t n = 0;
	assert_int_equal(pf_obj16_list_instances(o, list, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 2); /* the free, uninitialised slot is no instance */
	assert_int_equal(list[0], iids[0]);
	assert_int_equal(list[1], iids[1]);
	assert_int_equal(pf_obj16_open_instance(o, iids[0]), PF_OBJ16_OK);
	uint16_t riids[8];
	assert_int_equal(pf_obj16_list_resource_instances(o, iids[0], 0, riids, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 4);
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(riids[i], i);
	char buf[32];
	assert_int_equal(pf_obj16_read_identity(o, iids[0], 3, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "HostSwV-1.0", 11);
	assert_int_equal(status_of(o, iids[0]), PF_OBJ16_IDLE);
	pf_obj16_free(o);
}

static void test_b2_authentication(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t iid = iids[0];
	status_events = data_events = 0;
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_DATA_AVAIL);
	assert_true(status_events >= 1 && data_events >= 1);
	/* Observe evaluation: reads, no delivery. */
	pf_obj16_delivery t = expect_auth(o, iid, 0);
	assert_true(expect_auth(o, iid, 0) == t);
	pf_obj16_snapshot *s = NULL;
	assert_int_equal(pf_obj16_read_snapshot(o, iid, &s), PF_OBJ16_OK);
	assert_int_equal(s->status, PF_OBJ16_DATA_AVAIL);
	assert_int_equal(s->auth_data_len, 16);
	assert_int_equal(s->identity_count, 4);
	assert_true(s->tag == t);
	pf_obj16_snapshot_free(s);
	assert_int_equal(status_of(o, iid), PF_OBJ16_DATA_AVAIL);
	/* READ response sent. */
	assert_int_equal(pf_obj16_delivered(o, iid, t), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_IDLE);
	uint8_t buf[64];
	size_t n;
	assert_int_equal(pf_obj16_read_auth_data(o, iid, buf, sizeof(buf), &n, NULL), PF_OBJ16_NOT_FOUND);
	pf_obj16_free(o);
}

static void test_b2_encryption(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t iid = iids[0];
	assert_int_equal(exec(o, iid, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_DATA_AVAIL);
	pf_obj16_delivery t = expect_enc(o, iid, 0);
	/* NOTIFY sent. */
	assert_int_equal(pf_obj16_delivered(o, iid, t), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_IDLE);
	/* Fresh IV each time: two encryptions differ, both open. */
	uint8_t a[64], b[64];
	size_t al, bl;
	assert_int_equal(exec(o, iid, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_read_auth_data(o, iid, a, sizeof(a), &al, NULL), PF_OBJ16_OK);
	assert_int_equal(exec(o, iid, "0='1',1='2',2='36983160',3='1'"), PF_OBJ16_OK);
	expect_enc(o, iid, 0);
	assert_int_equal(pf_obj16_read_auth_data(o, iid, b, sizeof(b), &bl, NULL), PF_OBJ16_OK);
	assert_int_equal(al, bl);
	assert_memory_not_equal(a, b, al);
	pf_obj16_free(o);
}

static void test_transitions_and_errors(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t iid = iids[0];
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_delivery t = expect_auth(o, iid, 0);

	/* Grammar errors: 4.00 and ERROR; the waiting AuthData is dropped. */
	assert_int_equal(exec(o, iid, "0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	assert_int_equal(pf_obj16_delivered(o, iid, t), PF_OBJ16_OK); /* stale: no effect */
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	assert_int_equal(exec(o, iid, AUTH_ARGS ","), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(exec(o, iid, AUTH_ARGS ",0='1'"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);

	/* Semantic errors: 4.00 and ERROR. */
	assert_int_equal(exec(o, iid, "0='3',1='3',2='1',3='0'"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	assert_int_equal(exec(o, iid, "0='0',1='3',2='0x',3='0'"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);

	/* Processing errors in the token: 2.04 and ERROR with a reason. */
	assert_int_equal(exec(o, iid, "0='0',1='3',2='0x2345178',3='4'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	expect_last_error(o, iid, "no key 4 of service 0");
	assert_int_equal(exec(o, iid, "0='0',1='8',2='0x2345178',3='0'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	expect_last_error(o, iid, "identity instance 8 does not exist");

	/* ERROR -> IDLE -> DATA_AVAIL. */
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	expect_auth(o, iid, 0);

	/* A remotely written identity is neither authenticated nor encrypted: nothing
	 * was provisioned for it (issue 8 item 2). */
	assert_int_equal(pf_obj16_write_identity(o, iid, 9, "Remote-9", 8), PF_OBJ16_OK);
	assert_int_equal(exec(o, iid, "0='0',1='9',2='1',3='0'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	expect_last_error(o, iid, "no provisioned hash");
	assert_int_equal(exec(o, iid, "0='1',1='9',2='1',3='1'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	expect_last_error(o, iid, "CKR_ACTION_PROHIBITED");
	assert_int_equal(pf_obj16_delete_identity(o, iid, 9), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_delete_identity(o, iid, 3), PF_OBJ16_METHOD_NOT_ALLOWED);
	pf_obj16_free(o);
}

/* Every row of the argument error tables, against the real module. */
static void test_argument_error_tables(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t iid = iids[1];
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_delivery t = expect_auth(o, iid, 1);
	const bad_case *tables[] = {syntax_cases, semantic_cases};
	const size_t sizes[] = {N_CASES(syntax_cases), N_CASES(semantic_cases)};
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizes[k]; i++) {
			assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
			t = expect_auth(o, iid, 1);
			assert_int_equal(exec(o, iid, tables[k][i].args), PF_OBJ16_BAD_REQUEST);
			assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
			expect_last_error(o, iid, tables[k][i].why);
			assert_int_equal(pf_obj16_delivered(o, iid, t), PF_OBJ16_OK); /* stale: no effect */
			assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
		}
	pf_obj16_free(o);
}

static void test_identity_write_persists(void **state)
{
	(void)state;
	pf_obj16 *o = make(0);
	uint16_t iid = iids[1];
	assert_int_equal(pf_obj16_write_identity(o, iid, 3, "HostSwV-2.0", 11), PF_OBJ16_OK);
	pf_obj16_free(o);
	/* A new adapter (new sessions) reads the value from the token. */
	o = make(0);
	char buf[32];
	size_t n = 0;
	assert_int_equal(pf_obj16_read_identity(o, iid, 3, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "HostSwV-2.0", 11);
	/* The provisioned hash did not follow the write: still the old identity signs. */
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	expect_auth(o, iid, 1);
	/* ... and the written value, no longer the provisioned one, is not encrypted:
	 * AuthStatus ERROR with the token's reason (issue 8 item 2) */
	assert_int_equal(exec(o, iid, "0='1',1='3',2='0x2345178',3='1'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_ERROR);
	expect_last_error(o, iid, "CKR_ACTION_PROHIBITED");
	assert_int_equal(pf_obj16_write_identity(o, iid, 3, "HostSwV-1.0", 11), PF_OBJ16_OK);
	assert_int_equal(exec(o, iid, "0='1',1='3',2='0x2345178',3='1'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_DATA_AVAIL);
	pf_obj16_free(o);
}

typedef struct { pf_obj16 *o; int n; int ok; } worker_arg;

static void *hammer(void *p)
{
	worker_arg *a = p;
	uint16_t iid = iids[a->n];
	uint8_t want[16], got[64], pt[64];
	cmac_expected(K_AUTH[a->n], "HostSwV-1.0", want);
	a->ok = 1;
	for (int i = 0; i < 40 && a->ok; i++) {
		int enc = i % 2;
		if (pf_obj16_execute(a->o, iid, enc ? ENC_ARGS : AUTH_ARGS, strlen(AUTH_ARGS)) != PF_OBJ16_OK)
			a->ok = 0;
		pf_obj16_wait_idle(a->o, iid);
		size_t n = 0;
		pf_obj16_delivery tag = 0;
		if (pf_obj16_read_auth_data(a->o, iid, got, sizeof(got), &n, &tag) != PF_OBJ16_OK)
			a->ok = 0;
		else if (enc ? gcm_open(K_ENC[a->n], got, n, pt) != 13 : (n != 16 || memcmp(got, want, 16) != 0))
			a->ok = 0;
		pf_obj16_delivered(a->o, iid, tag);
	}
	return NULL;
}

static void run_concurrent(int async)
{
	pf_obj16 *o = make(async);
	worker_arg args[2] = {{o, 0, 0}, {o, 1, 0}};
	pthread_t t[2];
	pthread_create(&t[0], NULL, hammer, &args[0]);
	pthread_create(&t[1], NULL, hammer, &args[1]);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_true(args[0].ok);
	assert_true(args[1].ok);
	pf_obj16_free(o);
}

static void test_concurrent_instances(void **state)
{
	(void)state;
	run_concurrent(0);
}

static void test_async_concurrent_instances(void **state)
{
	(void)state;
	run_concurrent(1);
}

static void test_async_flow(void **state)
{
	(void)state;
	pf_obj16 *o = make(1);
	uint16_t iid = iids[1];
	assert_int_equal(exec(o, iid, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, iid), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_DATA_AVAIL);
	pf_obj16_delivery t = expect_auth(o, iid, 1);
	assert_int_equal(pf_obj16_delivered(o, iid, t), PF_OBJ16_OK);
	assert_int_equal(status_of(o, iid), PF_OBJ16_IDLE);
	pf_obj16_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_b2_authentication),
		cmocka_unit_test(test_b2_encryption),
		cmocka_unit_test(test_transitions_and_errors),
		cmocka_unit_test(test_argument_error_tables),
		cmocka_unit_test(test_identity_write_persists),
		cmocka_unit_test(test_concurrent_instances),
		cmocka_unit_test(test_async_concurrent_instances),
		cmocka_unit_test(test_async_flow),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
