#include "config.h"
#include "rel_util.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[128];
static pid_t owner;

static void remove_dir(void)
{
	if (dir[0] == '\0' || getpid() != owner || getenv("REL_KEEP") != NULL)
		return;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

const char *rel_setup(const char *extra_conf, const char *scrypt_n)
{
	snprintf(dir, sizeof dir, "%s/pf-rel-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	owner = getpid();
	atexit(remove_dir);
	char *conf = rel_path("p.conf");
	FILE *fp = fopen(conf, "w");
	CHECK(fp != NULL);
	fprintf(fp, "store = %s/store.db\nmax_instances = 8\nlog_level = error\n%s\n", dir,
	        extra_conf ? extra_conf : "");
	fclose(fp);
	setenv("PORTFOLIO_PKCS11_CONF", conf, 1);
	setenv("PORTFOLIO_TEST_SCRYPT_N", scrypt_n ? scrypt_n : "1024", 1);
	free(conf);
	return dir;
}

const char *rel_dir(void) { return dir; }

char *rel_path(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	CHECK(p != NULL);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static CK_SLOT_ID slot_where(int initialized)
{
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16;
	CK_TOKEN_INFO ti;
	CHECK_RV(C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		CHECK_RV(C_GetTokenInfo(slots[i], &ti), CKR_OK);
		if (!!(ti.flags & CKF_TOKEN_INITIALIZED) == initialized)
			return slots[i];
	}
	CHECK(!"no such slot");
	return 0;
}

CK_SLOT_ID rel_first_token(void) { return slot_where(1); }

CK_SLOT_ID rel_init_token(const char *label)
{
	CK_SLOT_ID slot = slot_where(0);
	CK_UTF8CHAR lab[32];
	memset(lab, ' ', sizeof lab);
	memcpy(lab, label, strlen(label) < 32 ? strlen(label) : 32);
	CHECK_RV(C_InitToken(slot, REL_P(REL_SO_PIN), lab), CKR_OK);
	CK_SESSION_HANDLE s = rel_session(slot, CKU_SO, REL_SO_PIN);
	CHECK_RV(C_InitPIN(s, REL_P(REL_USER_PIN)), CKR_OK);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	return slot;
}

CK_SESSION_HANDLE rel_session(CK_SLOT_ID slot, CK_USER_TYPE who, const char *pin)
{
	CK_SESSION_HANDLE s;
	CHECK_RV(C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	if (who != (CK_USER_TYPE)-1)
		CHECK_RV(C_Login(s, who, REL_P(pin)), CKR_OK);
	return s;
}

CK_ULONG rel_token_flags(CK_SLOT_ID slot)
{
	CK_TOKEN_INFO ti;
	CHECK_RV(C_GetTokenInfo(slot, &ti), CKR_OK);
	return ti.flags;
}

CK_OBJECT_HANDLE rel_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len, CK_BBOOL token,
                             CK_BBOOL sensitive, CK_BBOOL extractable, const void *id, CK_ULONG id_len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &token, sizeof token},
		{CKA_VALUE, (void *)val, len}, {CKA_SIGN, &tr, sizeof tr}, {CKA_VERIFY, &tr, sizeof tr},
		{CKA_ENCRYPT, &tr, sizeof tr}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_SENSITIVE, &sensitive, sizeof sensitive}, {CKA_EXTRACTABLE, &extractable, sizeof extractable},
		{CKA_ID, (void *)id, id_len},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CHECK_RV(C_CreateObject(s, t, id != NULL ? 11 : 10, &h), CKR_OK);
	CHECK(h != CK_INVALID_HANDLE);
	return h;
}

void rel_cmac_sign(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, const uint8_t msg[16], uint8_t sig[16])
{
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	CK_ULONG sl = 16;
	CHECK_RV(C_SignInit(s, &m, k), CKR_OK);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR)msg, 16, sig, &sl), CKR_OK);
	CHECK(sl == 16);
}

CK_ULONG rel_count(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE buf[64];
	CK_ULONG got, total = 0;
	CHECK_RV(C_FindObjectsInit(s, t, n), CKR_OK);
	do {
		CHECK_RV(C_FindObjects(s, buf, 64, &got), CKR_OK);
		total += got;
	} while (got != 0);
	CHECK_RV(C_FindObjectsFinal(s), CKR_OK);
	return total;
}

CK_OBJECT_HANDLE rel_find_one(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE h[2];
	CK_ULONG got = 0;
	CHECK_RV(C_FindObjectsInit(s, t, n), CKR_OK);
	CHECK_RV(C_FindObjects(s, h, 2, &got), CKR_OK);
	CHECK_RV(C_FindObjectsFinal(s), CKR_OK);
	return got == 1 ? h[0] : CK_INVALID_HANDLE;
}

double rel_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int rel_memmem(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t len)
{
	return memmem(hay, hay_len, needle, len) != NULL;
}

uint8_t *rel_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	CHECK(buf != NULL);
	for (;;) {
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
		CHECK(buf != NULL);
	}
	fclose(fp);
	*len = n;
	return buf;
}

const uint8_t rel_cmac_key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
const uint8_t rel_cmac_msg[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                  0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
const uint8_t rel_cmac_tag[16] = {0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                  0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c};

CK_SLOT_ID rel_token_with_cmac_key(const char *label, const char *key_id, CK_SESSION_HANDLE *s)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SLOT_ID slot = rel_init_token(label);
	*s = rel_session(slot, CKU_USER, REL_USER_PIN);
	rel_aes_key(*s, rel_cmac_key, 16, CK_TRUE, CK_TRUE, CK_FALSE, key_id, (CK_ULONG)strlen(key_id));
	return slot;
}
