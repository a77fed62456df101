/*
 * test_secrets.c - issue 8, items 4, 5 and 9: what keeps keysets unshared and
 * secrets out of the files others can read.
 *   - canonical keys: K, K || 00.. and the same bytes as AES or generic secret
 *     are one key (RFC 2104), refused as a second instance's device key;
 *   - the fingerprint pepper lives in a 0600 secret file, not in the store: a
 *     copy of the store holds no pepper, a readable or foreign secret file
 *     makes C_Initialize fail, an old store's pepper is moved out;
 *   - SCP03 static keys come from an owner-only key file, never inline.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_test_util.h"
#include "core/conf.h"
#include "crypto/crypto.h"
#include "store/store.h"
#include "util/secret_file.h"

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* 1 when needle occurs in the file (a copy of the store, read raw). */
static int file_contains(const char *path, const uint8_t *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	static uint8_t buf[4 << 20];
	size_t len = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return 1;
	return 0;
}

/* ---- item 4: canonical keys ---------------------------------------------- */

static void test_canonical_form(void **state)
{
	(void)state;
	uint8_t k[128] = {0}, fp1[32], fp2[32], pepper[32] = {7};
	size_t n = 99;
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)(i + 1);
	/* the premise: K and K || 00.. are one HMAC key for SHA-256 (B = 64) ... */
	uint8_t t1[64], t2[64];
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, k, 16, "m", 1, t1, 32), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, k, 64, "m", 1, t2, 32), PF_CRYPTO_OK);
	assert_memory_equal(t1, t2, 32);
	/* ... and for SHA-512 (B = 128) up to 128 bytes, where SHA-256 already
	 * hashes: a 100-byte key means two different keys to the two hashes, so
	 * it has no one canonical form */
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA512, k, 16, "m", 1, t1, 64), PF_CRYPTO_OK);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA512, k, 100, "m", 1, t2, 64), PF_CRYPTO_OK);
	assert_memory_equal(t1, t2, 64);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, k, 100, "m", 1, t2, 32), PF_CRYPTO_OK);
	assert_memory_not_equal(t1, t2, 32);

	assert_int_equal(pf_key_canonical_len(k, 16, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 16);
	assert_int_equal(pf_key_canonical_len(k, 64, &n), PF_CRYPTO_OK);
	assert_int_equal(n, 16);
	assert_int_equal(pf_key_canonical_len(k + 16, 32, &n), PF_CRYPTO_OK); /* all zero */
	assert_int_equal(n, 0);
	assert_int_equal(pf_key_canonical_len(k, 65, &n), PF_CRYPTO_BAD_LENGTH);
	assert_int_equal(pf_key_canonical_len(k, 128, &n), PF_CRYPTO_BAD_LENGTH);

	assert_int_equal(pf_key_fingerprint(pepper, 32, k, 16, fp1), PF_CRYPTO_OK);
	assert_int_equal(pf_key_fingerprint(pepper, 32, k, 40, fp2), PF_CRYPTO_OK);
	assert_memory_equal(fp1, fp2, 32);
	assert_int_equal(pf_key_fingerprint(pepper, 32, k, 15, fp2), PF_CRYPTO_OK);
	assert_memory_not_equal(fp1, fp2, 32);
	pepper[0] ^= 1; /* another store's pepper: another fingerprint */
	assert_int_equal(pf_key_fingerprint(pepper, 32, k, 16, fp2), PF_CRYPTO_OK);
	assert_memory_not_equal(fp1, fp2, 32);
	assert_int_equal(pf_key_fingerprint(pepper, 32, k, 65, fp2), PF_CRYPTO_BAD_LENGTH);
}

static CK_RV device_key(CK_SESSION_HANDLE s, CK_KEY_TYPE kt, const uint8_t *val, CK_ULONG len,
                        CK_ULONG service)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL tr = CK_TRUE;
	CK_ULONG index = 0;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)val, len}, {CKA_SIGN, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	return f->C_CreateObject(s, t, 7, &h);
}

/* Through the PKCS#11 API: a device key of one instance comes back in another
 * as the other key type, or zero-padded; both refused. */
static void test_keyset_aliases_refused(void **state)
{
	(void)state;
	uint8_t k[64] = {0}, other[64] = {0};
	for (int i = 0; i < 16; i++) {
		k[i] = (uint8_t)(0x30 + i);
		other[i] = (uint8_t)(0x60 + i);
	}
	CK_SESSION_HANDLE a = ct_ready_token(NULL);
	CK_SESSION_HANDLE b = ct_ready_token(NULL);
	assert_int_equal(device_key(a, CKK_AES, k, 16, CK_PORTFOLIO_SRV_AUTHENT), CKR_OK);
	assert_int_equal(device_key(b, CKK_GENERIC_SECRET, k, 16, CK_PORTFOLIO_SRV_AUTHENT),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(device_key(b, CKK_GENERIC_SECRET, k, 20, CK_PORTFOLIO_SRV_AUTHENT),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(device_key(b, CKK_GENERIC_SECRET, k, 64, CK_PORTFOLIO_SRV_AUTHENT),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(device_key(b, CKK_AES, k, 32, CK_PORTFOLIO_SRV_ENCRYPT), CKR_ATTRIBUTE_VALUE_INVALID);
	/* a key longer than the smallest HMAC block cannot be a device key */
	assert_int_equal(device_key(b, CKK_GENERIC_SECRET, other, 64, CK_PORTFOLIO_SRV_AUTHENT), CKR_OK);
	uint8_t big[65];
	memset(big, 0x5a, sizeof big);
	assert_int_equal(device_key(b, CKK_GENERIC_SECRET, big, 65, CK_PORTFOLIO_SRV_AUTHENT),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
}

/* ---- item 5: the pepper outside the store ---------------------------------- */

static void path_in(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", ct_dir(), name);
}

/* A copy of the store file alone holds no pepper (no meta row, no bytes of
 * it anywhere in the file), and the module refuses to run on it without its
 * secret file; the secret file is 0600. */
static void test_store_copy_has_no_pepper(void **state)
{
	(void)state;
	assert_int_equal(ct_setup_env(NULL), 0);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	uint8_t k[16];
	memset(k, 0x11, sizeof k);
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	assert_int_equal(device_key(s, CKK_AES, k, 16, CK_PORTFOLIO_SRV_AUTHENT), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);

	char db[256], key[256], cmd[700];
	path_in(db, sizeof db, "store.db");
	path_in(key, sizeof key, "store.db.key");
	struct stat st;
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	uint8_t pepper[64];
	size_t plen = 0;
	assert_int_equal(pf_secret_file_read(key, "test", pepper, sizeof pepper, &plen), PF_SECRET_OK);
	assert_int_equal(plen, STORE_PEPPER_LEN);

	store *raw = NULL;
	uint8_t *v = NULL;
	size_t len = 0;
	assert_int_equal(store_open(db, &raw), CKR_OK);
	assert_int_equal(store_meta_get(raw, "fingerprint_pepper", &v, &len), CKR_OK);
	assert_null(v);
	store_close(raw);
	assert_false(file_contains(db, pepper, STORE_PEPPER_LEN));

	/* the copy, without its secret file, does not open */
	snprintf(cmd, sizeof cmd, "mkdir %s/copy && cp %s %s/copy/", ct_dir(), db, ct_dir());
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/copy.conf", ct_dir());
	FILE *fp = fopen(cmd, "w");
	assert_non_null(fp);
	fprintf(fp, "store = %s/copy/store.db\n", ct_dir());
	fclose(fp);
	setenv("PORTFOLIO_PKCS11_CONF", cmd, 1);
	assert_int_equal(f->C_Initialize(NULL), CKR_GENERAL_ERROR);
	ct_cleanup_env();
}

/* A secret file group or others may read is refused, as ssh refuses a key;
 * store_key names another place. */
static void test_readable_secret_file_refused(void **state)
{
	(void)state;
	char key[256], conf[256];
	assert_int_equal(ct_setup_env(NULL), 0);
	path_in(key, sizeof key, "elsewhere.key");
	path_in(conf, sizeof conf, "p.conf");
	FILE *fp = fopen(conf, "a");
	assert_non_null(fp);
	fprintf(fp, "store_key = %s\n", key);
	fclose(fp);

	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	struct stat st;
	assert_int_equal(stat(key, &st), 0); /* created where store_key says */
	static const mode_t bad[] = {0644, 0640, 0604, 0620, 0602, 0610};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(chmod(key, bad[i]), 0);
		assert_int_equal(f->C_Initialize(NULL), CKR_GENERAL_ERROR);
	}
	assert_int_equal(chmod(key, 0400), 0);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	/* another 32 bytes: not the secret the store's fingerprints were made with */
	uint8_t wrong[STORE_PEPPER_LEN];
	memset(wrong, 0xee, sizeof wrong);
	write_file(key, wrong, sizeof wrong, 0600);
	assert_int_equal(f->C_Initialize(NULL), CKR_GENERAL_ERROR);
	ct_cleanup_env();
}

/* A store that still holds its pepper in the database (as every store did)
 * has it moved into the secret file and deleted from the file. */
static void test_legacy_pepper_migrated(void **state)
{
	(void)state;
	char db[256], key[256];
	uint8_t legacy[STORE_PEPPER_LEN], got[STORE_PEPPER_LEN];
	for (int i = 0; i < STORE_PEPPER_LEN; i++)
		legacy[i] = (uint8_t)(0xC0 ^ (i * 7));
	assert_int_equal(ct_setup_env(NULL), 0);
	path_in(db, sizeof db, "store.db");
	path_in(key, sizeof key, "store.db.key");
	store *s = NULL;
	assert_int_equal(store_open(db, &s), CKR_OK);
	assert_int_equal(store_meta_put(s, "fingerprint_pepper", legacy, sizeof legacy), CKR_OK);
	assert_int_not_equal(store_pepper(s, got), CKR_OK); /* nothing attached yet */
	store_close(s);

	assert_int_equal(store_open(db, &s), CKR_OK);
	assert_int_equal(store_pepper_attach(s, key), CKR_OK);
	assert_int_equal(store_pepper(s, got), CKR_OK);
	assert_memory_equal(got, legacy, sizeof legacy);
	uint8_t *v = NULL;
	size_t len = 0;
	assert_int_equal(store_meta_get(s, "fingerprint_pepper", &v, &len), CKR_OK);
	assert_null(v);
	store_close(s);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", db);
	assert_false(file_contains(db, legacy, sizeof legacy));
	assert_false(file_contains(wal, legacy, sizeof legacy));
	size_t n = 0;
	assert_int_equal(pf_secret_file_read(key, "test", got, sizeof got, &n), PF_SECRET_OK);
	assert_int_equal(n, sizeof legacy);
	assert_memory_equal(got, legacy, sizeof legacy);

	/* again: nothing left to move, same pepper; a lost file is refused */
	assert_int_equal(store_open(db, &s), CKR_OK);
	assert_int_equal(store_pepper_attach(s, key), CKR_OK);
	assert_int_equal(unlink(key), 0);
	assert_int_equal(store_pepper_attach(s, key), CKR_GENERAL_ERROR);
	assert_int_not_equal(store_pepper(s, got), CKR_OK);
	store_close(s);
	ct_cleanup_env();
}

static void test_secret_file_rules(void **state)
{
	(void)state;
	char p[256], dir[256];
	uint8_t buf[16];
	size_t n = 9;
	assert_int_equal(ct_setup_env(NULL), 0);
	path_in(p, sizeof p, "s");
	path_in(dir, sizeof dir, "d");
	assert_int_equal(pf_secret_file_read(p, "test", buf, sizeof buf, &n), PF_SECRET_MISSING);
	assert_int_equal(n, 0);
	assert_int_equal(pf_secret_file_create(p, "test", (const uint8_t *)"abc", 3), PF_SECRET_OK);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never replaces: the first file wins */
	assert_int_equal(pf_secret_file_create(p, "test", (const uint8_t *)"xyz", 3), PF_SECRET_EXISTS);
	assert_int_equal(pf_secret_file_read(p, "test", buf, sizeof buf, &n), PF_SECRET_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "abc", 3);
	/* larger than the caller's buffer */
	assert_int_equal(pf_secret_file_read(p, "test", buf, 2, &n), PF_SECRET_IO);
	assert_int_equal(n, 0);
	assert_int_equal(chmod(p, 0604), 0);
	assert_int_equal(pf_secret_file_read(p, "test", buf, sizeof buf, &n), PF_SECRET_UNSAFE);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pf_secret_file_read(dir, "test", buf, sizeof buf, &n), PF_SECRET_UNSAFE);
	/* a FIFO neither hangs the caller nor passes for a file */
	path_in(dir, sizeof dir, "fifo");
	assert_int_equal(mkfifo(dir, 0600), 0);
	assert_int_equal(pf_secret_file_read(dir, "test", buf, sizeof buf, &n), PF_SECRET_UNSAFE);
	ct_cleanup_env();
}

/* ---- item 9: SCP03 keys ------------------------------------------------ */

#define KEYS "30:404142434445464748494a4b4c4d4e4f:404142434445464748494a4b4c4d4e4f:" \
             "404142434445464748494a4b4c4d4e4f"

static CK_RV parse_with_keyfile(const char *content, mode_t mode, core_config *cfg)
{
	char key[256], text[400];
	path_in(key, sizeof key, "scp03.keys");
	write_file(key, content, strlen(content), mode);
	snprintf(text, sizeof text, "instance.2.backend = pcsc\ninstance.2.scp03_keyfile = %s\n", key);
	return core_config_parse(cfg, text, "test.conf");
}

static void test_scp03_keyfile(void **state)
{
	(void)state;
	core_config cfg;
	assert_int_equal(ct_setup_env(NULL), 0);
	/* inline keys in the (world-readable) configuration: refused */
	assert_int_equal(core_config_parse(&cfg, "instance.2.scp03 = " KEYS "\n", "test.conf"), CKR_GENERAL_ERROR);

	assert_int_equal(parse_with_keyfile("# card 2\n\n  " KEYS "  \n", 0600, &cfg), CKR_OK);
	se_config se;
	core_config_se(&cfg, 2, &se);
	assert_string_equal(se.pcsc.scp03_keys, KEYS);
	core_config_free(&cfg);

	assert_int_equal(parse_with_keyfile(KEYS "\n", 0640, &cfg), CKR_GENERAL_ERROR);
	assert_int_equal(parse_with_keyfile(KEYS "\n", 0644, &cfg), CKR_GENERAL_ERROR);
	assert_int_equal(parse_with_keyfile(KEYS "\n" KEYS "\n", 0600, &cfg), CKR_GENERAL_ERROR);
	assert_int_equal(parse_with_keyfile("30:4041\n", 0600, &cfg), CKR_GENERAL_ERROR);
	assert_int_equal(parse_with_keyfile("", 0600, &cfg), CKR_GENERAL_ERROR);
	assert_int_equal(core_config_parse(&cfg, "instance.2.scp03_keyfile = /nonexistent/k\n", "t"),
	                 CKR_GENERAL_ERROR);
	ct_cleanup_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_form),
		cmocka_unit_test_setup_teardown(test_keyset_aliases_refused, ct_setup, ct_teardown),
		cmocka_unit_test(test_store_copy_has_no_pepper),
		cmocka_unit_test(test_readable_secret_file_refused),
		cmocka_unit_test(test_legacy_pepper_migrated),
		cmocka_unit_test(test_secret_file_rules),
		cmocka_unit_test(test_scp03_keyfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
