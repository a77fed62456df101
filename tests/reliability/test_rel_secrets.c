/*
 * test_rel_secrets.c - no secret in clear where it could be read later:
 *   - the store file (and its -wal/-shm companions) holds no key value, PIN,
 *     identity hash or identity value, raw or hex-encoded, after a session
 *     that imports, generates, rewrites, re-PINs and fails on purpose;
 *   - the module's log, at debug level, holds none of them either;
 *   - the process memory holds a key in clear while the token is unlocked
 *     (the scanner's positive control) and nowhere after logout and
 *     C_Finalize: every copy the module made was wiped before it was freed.
 * The test keeps its own copies of the secrets XOR-masked, so the scans never
 * find the test's own reference bytes.
 */
#include "config.h"
#include "rel_util.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

#define MASK 0x5a

typedef struct needle {
	const char *what;
	uint8_t masked[64];
	size_t len;
} needle;

static needle needles[8];
static size_t n_needles;

static void add_needle(const char *what, const uint8_t *clear, size_t len)
{
	needle *n = &needles[n_needles++];
	n->what = what;
	n->len = len;
	for (size_t i = 0; i < len; i++)
		n->masked[i] = clear[i] ^ MASK;
}

/* The clear bytes of needle k in a fresh heap block (wipe with unmask_free). */
static uint8_t *unmask(size_t k)
{
	uint8_t *b = malloc(needles[k].len);
	CHECK(b != NULL);
	for (size_t i = 0; i < needles[k].len; i++)
		b[i] = needles[k].masked[i] ^ MASK;
	return b;
}

static void unmask_free(uint8_t *b, size_t len)
{
	OPENSSL_cleanse(b, len);
	free(b);
}

/* Does buf hold needle k raw, or as lower/upper-case hex? */
static int holds(const uint8_t *buf, size_t len, size_t k)
{
	uint8_t *clear = unmask(k);
	size_t n = needles[k].len;
	int found = rel_memmem(buf, len, clear, n);
	char hex[2 * 64 + 1];
	for (int upper = 0; upper < 2 && !found; upper++) {
		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, upper ? "%02X" : "%02x", clear[i]);
		found = rel_memmem(buf, len, (const uint8_t *)hex, 2 * n);
		OPENSSL_cleanse(hex, sizeof hex);
	}
	unmask_free(clear, n);
	return found;
}

static int file_holds(const char *name, size_t k)
{
	char *path = rel_path(name);
	size_t len = 0;
	uint8_t *buf = rel_read_file(path, &len);
	free(path);
	if (buf == NULL)
		return 0;
	int found = holds(buf, len, k);
	free(buf);
	return found;
}

/* Is needle k in buf? Compares through the mask, so the search itself never
 * puts the clear needle in memory. */
static int holds_masked(const uint8_t *buf, size_t len, size_t k)
{
	const needle *nd = &needles[k];
	uint8_t first = nd->masked[0] ^ MASK;
	const uint8_t *p = buf, *end = buf + len;
	while (p + nd->len <= end && (p = memchr(p, first, (size_t)(end - p) - nd->len + 1)) != NULL) {
		size_t i = 1;
		while (i < nd->len && (p[i] ^ MASK) == nd->masked[i])
			i++;
		if (i == nd->len)
			return 1;
		p++;
	}
	return 0;
}

/* Scans every readable and writable mapping of this process. */
static int memory_holds(size_t k)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	CHECK(maps != NULL && mem >= 0);
	char line[512];
	int found = 0;
	size_t n = needles[k].len;
	size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk + 64);
	CHECK(buf != NULL);
	while (!found && fgets(line, sizeof line, maps) != NULL) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' || perms[1] != 'w')
			continue;
		if (strstr(line, "[vvar]") != NULL)
			continue;
		/* Sanitizer shadow memory: terabytes reserved, never a heap or stack. */
		if (hi - lo > (1UL << 30))
			continue;
		for (unsigned long a = lo; a < hi && !found; a += chunk) {
			size_t want = hi - a < chunk + n ? hi - a : chunk + n;
			ssize_t got = pread(mem, buf, want, (off_t)a);
			if (got <= 0)
				break;
			/* The scan buffer is itself in a scanned mapping; it only ever holds
			 * copies of other memory, so it cannot make a needle appear that is not
			 * somewhere else too. */
			found = holds_masked(buf, (size_t)got, k);
		}
	}
	OPENSSL_cleanse(buf, chunk + 64);
	free(buf);
	fclose(maps);
	close(mem);
	return found;
}

enum { N_AES, N_HMAC, N_SO_PIN, N_USER_PIN, N_NEW_PIN, N_HASH, N_IDENT, N_GEN };

static CK_OBJECT_HANDLE import_key(CK_SESSION_HANDLE s, size_t k, CK_KEY_TYPE kt, CK_RV want)
{
	uint8_t *v = unmask(k);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                    {CKA_TOKEN, &tr, 1}, {CKA_SIGN, &tr, 1}, {CKA_VALUE, v, needles[k].len}};
	CK_OBJECT_HANDLE h = 0;
	CHECK_RV(C_CreateObject(s, t, 5, &h), want);
	unmask_free(v, needles[k].len);
	return h;
}

int main(void)
{
	static const char *so = "SoPin-Needle-8472", *user = "UsPin-Needle-1935", *npin = "NewPin-Needle-6620";
	static const char *ident = "urn:needle:identity-value-5521";
	uint8_t key[32], hmac[48], hash[32], tmp[64];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0xc3 ^ (i * 37));
	for (int i = 0; i < 48; i++)
		hmac[i] = (uint8_t)(0x71 ^ (i * 53));
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)(0x99 ^ (i * 11));
	add_needle("AES key", key, 32);
	add_needle("HMAC key", hmac, 48);
	add_needle("SO PIN", (const uint8_t *)so, strlen(so));
	add_needle("user PIN", (const uint8_t *)user, strlen(user));
	add_needle("changed user PIN", (const uint8_t *)npin, strlen(npin));
	add_needle("identity hash", hash, 32);
	add_needle("identity value", (const uint8_t *)ident, strlen(ident));
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(hmac, sizeof hmac);
	OPENSSL_cleanse(hash, sizeof hash);

	rel_setup("log_level = debug", NULL);
	setenv("PORTFOLIO_LOG", "debug", 1);
	/* The module logs to stderr: capture it. */
	char *log_path = rel_path("module.log");
	int saved_err = dup(2);
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(saved_err >= 0 && log_fd >= 0 && dup2(log_fd, 2) == 2);

	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SLOT_ID slots[8];
	CK_ULONG ns = 8;
	CHECK_RV(C_GetSlotList(CK_TRUE, slots, &ns), CKR_OK);
	CK_SLOT_ID slot = slots[0];
	CK_UTF8CHAR lab[32];
	memset(lab, ' ', sizeof lab);
	CHECK_RV(C_InitToken(slot, REL_P(so), lab), CKR_OK);
	CK_SESSION_HANDLE s = rel_session(slot, (CK_USER_TYPE)-1, NULL);
	CHECK_RV(C_Login(s, CKU_SO, REL_P("wrong-so-pin")), CKR_PIN_INCORRECT);
	CHECK_RV(C_Login(s, CKU_SO, REL_P(so)), CKR_OK);
	CHECK_RV(C_InitPIN(s, REL_P(user)), CKR_OK);
	/* The SO provisions an identity with an explicit hash. */
	CK_OBJECT_CLASS idc = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id1 = 1;
	CK_BBOOL tr = CK_TRUE;
	uint8_t *h = unmask(N_HASH), *iv = unmask(N_IDENT);
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &idc, sizeof idc}, {CKA_TOKEN, &tr, 1},
	                     {CKA_PORTFOLIO_IDENTITY_ID, &id1, sizeof id1}, {CKA_VALUE, iv, needles[N_IDENT].len},
	                     {CKA_PORTFOLIO_IDENTITY_HASH, h, 32}};
	CK_OBJECT_HANDLE ih;
	CHECK_RV(C_CreateObject(s, it, 5, &ih), CKR_OK);
	unmask_free(h, 32);
	unmask_free(iv, needles[N_IDENT].len);
	CHECK_RV(C_Logout(s), CKR_OK);

	CHECK_RV(C_Login(s, CKU_USER, REL_P("wrong-user-pin")), CKR_PIN_INCORRECT);
	CHECK_RV(C_Login(s, CKU_USER, REL_P(user)), CKR_OK);
	CK_OBJECT_HANDLE kh = import_key(s, N_AES, CKK_AES, CKR_OK);
	import_key(s, N_HMAC, CKK_GENERIC_SECRET, CKR_OK);
	/* The same device key twice: refused, and the refusal is logged. */
	import_key(s, N_AES, CKK_AES, CKR_ATTRIBUTE_VALUE_INVALID);
	/* A generated key, made readable so the test learns its value. */
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG glen = 32;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE gt[] = {{CKA_VALUE_LEN, &glen, sizeof glen}, {CKA_TOKEN, &tr, 1},
	                     {CKA_SENSITIVE, &no, 1}, {CKA_EXTRACTABLE, &tr, 1}};
	CK_OBJECT_HANDLE gh;
	CHECK_RV(C_GenerateKey(s, &gen, gt, 4, &gh), CKR_OK);
	CK_ATTRIBUTE gv = {CKA_VALUE, tmp, 32};
	CHECK_RV(C_GetAttributeValue(s, gh, &gv, 1), CKR_OK);
	add_needle("generated key", tmp, 32);
	OPENSSL_cleanse(tmp, sizeof tmp);
	/* Use the key, rewrite the identity, change the PIN. */
	CK_MECHANISM cmac = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_SignInit(s, &cmac, kh), CKR_OK);
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR) "message", 7, sig, &sl), CKR_OK);
	CK_ATTRIBUTE byid = {CKA_PORTFOLIO_IDENTITY_ID, &id1, sizeof id1};
	ih = rel_find_one(s, &byid, 1); /* the SO's handle died at its logout */
	CK_ATTRIBUTE nv = {CKA_VALUE, "urn:rewritten", 13};
	CHECK_RV(C_SetAttributeValue(s, ih, &nv, 1), CKR_OK);
	CHECK_RV(C_SetPIN(s, REL_P(user), REL_P(npin)), CKR_OK);

	/* Positive control: while unlocked, the key is in clear in this process. */
	CHECK(memory_holds(N_AES));
	CHECK_RV(C_Logout(s), CKR_OK);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	int after_logout = memory_holds(N_AES) || memory_holds(N_HMAC) || memory_holds(N_GEN);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	fflush(stderr);
	dup2(saved_err, 2);
	close(log_fd);

	int bad = 0;
	static const char *files[] = {"store.db", "store.db-wal", "store.db-shm", "module.log"};
	for (size_t k = 0; k < n_needles; k++) {
		for (size_t f = 0; f < 4; f++) {
			if (file_holds(files[f], k)) {
				fprintf(stderr, "FOUND: %s in clear in %s\n", needles[k].what, files[f]);
				bad = 1;
			}
		}
	}
	size_t log_len = 0;
	uint8_t *log = rel_read_file(log_path, &log_len);
	CHECK(log != NULL && log_len > 0); /* debug logging did happen */
	free(log);
	printf("ok - store file, WAL, shm and a debug log: no key, PIN, identity hash or value in clear (%zu secrets, %zu log bytes)\n",
	       n_needles, log_len);
	for (size_t k = 0; k < n_needles; k++) {
		if (k == N_SO_PIN || k == N_USER_PIN || k == N_NEW_PIN || k == N_IDENT)
			continue; /* the test's own string literals hold these */
		if (memory_holds(k)) {
			fprintf(stderr, "FOUND: %s in clear in process memory after C_Finalize\n", needles[k].what);
			bad = 1;
		}
	}
	if (after_logout) {
		fprintf(stderr, "FOUND: a key in clear in process memory after logout\n");
		bad = 1;
	}
	CHECK(!bad);
	printf("ok - keys in memory while unlocked, wiped after logout and C_Finalize\n");
	free(log_path);
	return 0;
}
