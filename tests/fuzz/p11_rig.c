/*
 * p11_rig.c - a provisioned token, snapshot and restore, for the harnesses
 * that drive the module through PKCS#11 (see p11_rig.h).
 */
#include "config.h"
#include "p11_rig.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SNAP_FILES 16

static char dir[64];
static char store[128];

/* The store directory as setup left it: every file but the configuration. */
static struct snap_file {
	char name[64];
	uint8_t *data;
	size_t len;
} snap[MAX_SNAP_FILES];
static size_t n_snap;

static const uint8_t K16[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t K32[32] = {0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae,
                                0xf0, 0x85, 0x7d, 0x77, 0x81, 0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61,
                                0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4};
/* A keyset key of its own: keyset keys are exclusive (the same bytes as K32 would be refused). */
static const uint8_t K32B[32] = {0x32, 0xb0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                                 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
                                 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e};
static const uint8_t K16B[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t H32[32] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                                0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x01, 0x02};
/* Server copies with their own bytes: verify-only (AUTH) and decrypt-only (ENC). */
static const uint8_t K16V[16] = {0x56, 0x45, 0x52, 0x49, 0x46, 0x59, 0x2d, 0x4f,
                                 0x4e, 0x4c, 0x59, 0x00, 0x01, 0x02, 0x03, 0x04};
static const uint8_t K16D[16] = {0x44, 0x45, 0x43, 0x52, 0x59, 0x50, 0x54, 0x2d,
                                 0x4f, 0x4e, 0x4c, 0x59, 0x05, 0x06, 0x07, 0x08};

#define NO_SERVICE ((CK_ULONG)-1)
/* The keys of the token, in the order they are created (p11_rig.h). */
const p11_rig_key p11_rig_keys[P11_RIG_N_KEYS] = {
	{K16, 16, CKK_AES, CK_PORTFOLIO_SRV_AUTHENT, 0, CK_TRUE, CK_FALSE, CK_TRUE},
	{K32, 32, CKK_AES, CK_PORTFOLIO_SRV_ENCRYPT, 0, CK_FALSE, CK_TRUE, CK_TRUE},
	{K32B, 32, CKK_GENERIC_SECRET, CK_PORTFOLIO_SRV_AUTHENT, 1, CK_TRUE, CK_FALSE, CK_TRUE},
	{K16B, 16, CKK_AES, NO_SERVICE, 0, CK_TRUE, CK_TRUE, CK_FALSE},
	{H32, 20, CKK_GENERIC_SECRET, NO_SERVICE, 0, CK_TRUE, CK_FALSE, CK_TRUE},
	{K16V, 16, CKK_AES, CK_PORTFOLIO_SRV_AUTHENT, 2, CK_FALSE, CK_FALSE, CK_TRUE},
	{K16D, 16, CKK_AES, CK_PORTFOLIO_SRV_ENCRYPT, 1, CK_FALSE, CK_FALSE, CK_TRUE},
};

void p11_rig_die(const char *what, CK_RV rv)
{
	fprintf(stderr, "fuzz harness setup: %s failed: 0x%lx\n", what, (unsigned long)rv);
	abort();
}

/* dir/name into path (of PATH_LEN bytes). */
#define PATH_LEN 512
static void store_path(char *path, const char *name)
{
	int n = snprintf(path, PATH_LEN, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_LEN)
		p11_rig_die("path too long", 0);
}

/* Calls fn(path) for each file of the store directory but the configuration. */
static void each_store_file(void (*fn)(const char *path, const char *name))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_LEN];
	if (d == NULL)
		p11_rig_die("opendir", 0);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "p.conf") == 0)
			continue;
		store_path(path, e->d_name);
		fn(path, e->d_name);
	}
	closedir(d);
}

static void remove_file(const char *path, const char *name)
{
	(void)name;
	if (unlink(path) != 0)
		p11_rig_die("unlink", 0);
}

static void cleanup(void)
{
	char path[128];
	C_Finalize(NULL);
	if (getenv("FUZZ_KEEP_STORE") != NULL) { /* to harvest seeds for the records harness */
		fprintf(stderr, "store kept in %s\n", dir);
		return;
	}
	each_store_file(remove_file);
	snprintf(path, sizeof path, "%s/p.conf", dir);
	unlink(path);
	rmdir(dir);
}

static void snapshot_file(const char *path, const char *name)
{
	FILE *fp = fopen(path, "rb");
	long len = -1;
	if (n_snap == MAX_SNAP_FILES || strlen(name) >= sizeof snap[0].name || fp == NULL)
		p11_rig_die("snapshot", 0);
	struct snap_file *f = &snap[n_snap++];
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
		p11_rig_die("snapshot: size", 0);
	strcpy(f->name, name);
	f->len = (size_t)len;
	f->data = malloc(f->len ? f->len : 1);
	if (f->data == NULL || fread(f->data, 1, f->len, fp) != f->len)
		p11_rig_die("snapshot: read", 0);
	fclose(fp);
}

/* The module finalised, the store directory exactly as after setup. */
void p11_rig_restore(void)
{
	char path[PATH_LEN];
	C_Finalize(NULL);
	each_store_file(remove_file);
	for (size_t i = 0; i < n_snap; i++) {
		store_path(path, snap[i].name);
		/* 0600 as the module made them: it refuses a secret file others can read. */
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		FILE *fp = fd < 0 ? NULL : fdopen(fd, "wb");
		if (fp == NULL || fwrite(snap[i].data, 1, snap[i].len, fp) != snap[i].len || fclose(fp) != 0)
			p11_rig_die("restore", 0);
	}
}

static void make(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE h = 0;
	CK_RV rv = C_CreateObject(s, t, n, &h);
	if (rv != CKR_OK)
		p11_rig_die("C_CreateObject (provisioning)", rv);
}

/* Every key may verify and decrypt; sign and encrypt as the table says. */
static void add_key(CK_SESSION_HANDLE s, const p11_rig_key *k)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = k->type;
	CK_BBOOL tr = CK_TRUE, sign = k->sign, enc = k->encrypt, sensitive = k->sensitive, extractable = !sensitive;
	CK_ULONG service = k->service, index = k->index;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)k->value, k->len}, {CKA_SIGN, &sign, sizeof sign}, {CKA_VERIFY, &tr, sizeof tr},
		{CKA_ENCRYPT, &enc, sizeof enc}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_SENSITIVE, &sensitive, sizeof sensitive}, {CKA_EXTRACTABLE, &extractable, sizeof extractable},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	make(s, t, service == NO_SERVICE ? 10 : 12);
}

/* C_Initialize; the token's slot. */
static CK_SLOT_ID init_module(void)
{
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	CK_RV rv;
	if ((rv = C_Initialize(NULL)) != CKR_OK)
		p11_rig_die("C_Initialize", rv);
	if ((rv = C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK || n == 0)
		p11_rig_die("C_GetSlotList", rv);
	return slots[0];
}

/* One token with the user PIN set, keys of each kind and an identity (p11_rig.h). */
void p11_rig_setup(void)
{
	char path[128];
	/* tmpfs if there is one: the store syncs every commit, a disk makes that the bottleneck. */
	snprintf(dir, sizeof dir, "%s/pf-fuzz-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(dir) == NULL)
		p11_rig_die("mkdtemp", 0);
	snprintf(path, sizeof path, "%s/p.conf", dir);
	FILE *fp = fopen(path, "w");
	if (fp == NULL)
		p11_rig_die("fopen", 0);
	snprintf(store, sizeof store, "%s/store.db", dir);
	/* enc_cbc: the opt-in CBC mechanism keeps its parsing and padding paths fuzzed. */
	fprintf(fp, "store = %s\nmax_instances = 4\nlog_level = none\nenc_cbc = yes\n", store);
	fclose(fp);
	setenv("PORTFOLIO_PKCS11_CONF", path, 1);
#ifndef PORTFOLIO_TEST_HOOKS
	/* Inputs log in again and again: at the production KDF cost a replay
	 * takes many minutes. Only test builds can lower it. */
	fprintf(stderr, "p11_rig: SKIP: needs a build configured with --enable-test-hooks\n");
	exit(77);
#endif
	setenv("PORTFOLIO_TEST_SCRYPT_N", "16", 1);
	setenv("PORTFOLIO_LOG", "none", 1);
	atexit(cleanup);

	CK_RV rv;
	CK_SLOT_ID slot = init_module();
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof label);
	memcpy(label, "fuzz", 4);
	if ((rv = C_InitToken(slot, (CK_UTF8CHAR_PTR)P11_RIG_SO_PIN, strlen(P11_RIG_SO_PIN), label)) != CKR_OK)
		p11_rig_die("C_InitToken", rv);
	CK_SESSION_HANDLE s;
	if ((rv = C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s)) != CKR_OK)
		p11_rig_die("C_OpenSession", rv);
	if ((rv = C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)P11_RIG_SO_PIN, strlen(P11_RIG_SO_PIN))) != CKR_OK)
		p11_rig_die("C_Login SO", rv);
	if ((rv = C_InitPIN(s, (CK_UTF8CHAR_PTR)P11_RIG_USER_PIN, strlen(P11_RIG_USER_PIN))) != CKR_OK)
		p11_rig_die("C_InitPIN", rv);
	/* The SO provisions the identity (its hash is SHA-256 of the value). */
	CK_OBJECT_CLASS idc = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id1 = P11_RIG_IDENTITY_ID;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE ident[] = {{CKA_CLASS, &idc, sizeof idc}, {CKA_TOKEN, &tr, sizeof tr},
	                        {CKA_PORTFOLIO_IDENTITY_ID, &id1, sizeof id1},
	                        {CKA_VALUE, P11_RIG_IDENTITY, sizeof P11_RIG_IDENTITY - 1}};
	make(s, ident, 4);
	C_Logout(s);
	if ((rv = C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)P11_RIG_USER_PIN, strlen(P11_RIG_USER_PIN))) != CKR_OK)
		p11_rig_die("C_Login user", rv);
	for (size_t i = 0; i < P11_RIG_N_KEYS; i++)
		add_key(s, &p11_rig_keys[i]);
	C_CloseSession(s);
	/* Everything is on disk once the module is finalised. */
	if ((rv = C_Finalize(NULL)) != CKR_OK)
		p11_rig_die("C_Finalize", rv);
	each_store_file(snapshot_file);
}

const char *p11_rig_store_path(void)
{
	return store;
}

CK_SLOT_ID p11_rig_start(int login, CK_SESSION_HANDLE *s)
{
	CK_SLOT_ID slot = init_module();
	CK_RV rv;
	if ((rv = C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s)) != CKR_OK)
		p11_rig_die("C_OpenSession", rv);
	if (login &&
	    (rv = C_Login(*s, CKU_USER, (CK_UTF8CHAR_PTR)P11_RIG_USER_PIN, strlen(P11_RIG_USER_PIN))) != CKR_OK)
		p11_rig_die("C_Login user", rv);
	return slot;
}

CK_ULONG p11_rig_find_all(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ULONG got = 0;
	CK_RV rv;
	if ((rv = C_FindObjectsInit(s, NULL, 0)) != CKR_OK || (rv = C_FindObjects(s, out, max, &got)) != CKR_OK ||
	    (rv = C_FindObjectsFinal(s)) != CKR_OK)
		p11_rig_die("finding the provisioned objects", rv);
	return got;
}
