#include "config.h"
#include "core_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mech/mech.h"

CK_FUNCTION_LIST_PTR f;
static char dir[128];

const char *ct_dir(void) { return dir; }

int ct_setup_env(const char *extra_conf)
{
	char path[256];
	snprintf(dir, sizeof dir, "/tmp/pf-core-test-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/p.conf", dir);
	FILE *fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, "# test configuration\nstore = %s/store.db\nmax_instances = 8\n%s\n", dir,
	        extra_conf ? extra_conf : "");
	fclose(fp);
	setenv("PORTFOLIO_PKCS11_CONF", path, 1);
	setenv("PORTFOLIO_TEST_SCRYPT_N", "1024", 1);
	assert_int_equal(C_GetFunctionList(&f), CKR_OK);
	return 0;
}

void ct_cleanup_env(void)
{
	char cmd[200];
	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	dir[0] = '\0';
}

int ct_setup_conf(const char *extra_conf)
{
	if (ct_setup_env(extra_conf) != 0)
		return -1;
	return f->C_Initialize(NULL) == CKR_OK ? 0 : -1;
}

int ct_setup(void **state)
{
	(void)state;
	return ct_setup_conf(NULL);
}

int ct_setup_enc_cbc(void **state)
{
	(void)state;
	return ct_setup_conf("enc_cbc = yes");
}

int ct_teardown(void **state)
{
	(void)state;
	f->C_Finalize(NULL);
	ct_cleanup_env();
	return 0;
}

CK_SLOT_ID ct_free_slot(void)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	CK_TOKEN_INFO ti;
	assert_int_equal(f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		assert_int_equal(f->C_GetTokenInfo(slots[i], &ti), CKR_OK);
		if (!(ti.flags & CKF_TOKEN_INITIALIZED))
			return slots[i];
	}
	fail_msg("no free slot");
	return 0;
}

void ct_init_token(CK_SLOT_ID slot, const char *label)
{
	CK_UTF8CHAR lab[32];
	CK_SESSION_HANDLE s;
	memset(lab, ' ', sizeof lab);
	memcpy(lab, label, strlen(label));
	assert_int_equal(f->C_InitToken(slot, P(SO_PIN), lab), CKR_OK);
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_OK);
	assert_int_equal(f->C_InitPIN(s, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
}

CK_SESSION_HANDLE ct_session(CK_SLOT_ID slot, CK_USER_TYPE who)
{
	CK_SESSION_HANDLE s;
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	if (who != (CK_USER_TYPE)-1)
		assert_int_equal(f->C_Login(s, who, P(who == CKU_SO ? SO_PIN : USER_PIN)), CKR_OK);
	return s;
}

CK_SESSION_HANDLE ct_ready_token(CK_SLOT_ID *slot_out)
{
	CK_SLOT_ID slot = ct_free_slot();
	ct_init_token(slot, "ready");
	if (slot_out != NULL)
		*slot_out = slot;
	return ct_session(slot, CKU_USER);
}

CK_OBJECT_HANDLE ct_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len, CK_ULONG service,
                            CK_ULONG index, CK_BBOOL sign)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)val, len}, {CKA_SIGN, &sign, sizeof sign}, {CKA_ENCRYPT, &no, sizeof no},
		{CKA_VERIFY, &tr, sizeof tr}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_ULONG n = service == (CK_ULONG)-1 ? 8 : 10;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, n, &h), CKR_OK);
	assert_int_not_equal(h, CK_INVALID_HANDLE);
	return h;
}

CK_OBJECT_HANDLE ct_find(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE type, const void *val, CK_ULONG len)
{
	CK_ATTRIBUTE q = {type, (void *)val, len};
	CK_OBJECT_HANDLE h[2];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, &q, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, h, 2, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_true(n <= 1);
	return n == 1 ? h[0] : CK_INVALID_HANDLE;
}

int ct_have_mech(void)
{
	return mech_count() != 0;
}

CK_OBJECT_HANDLE ct_plain_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof cls }, { CKA_KEY_TYPE, &kt, sizeof kt }, { CKA_VALUE, (void *)val, len },
		{ CKA_ENCRYPT, &tr, sizeof tr },  { CKA_DECRYPT, &tr, sizeof tr }, { CKA_SIGN, &tr, sizeof tr },
		{ CKA_VERIFY, &tr, sizeof tr },
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof *t, &h), CKR_OK);
	return h;
}
