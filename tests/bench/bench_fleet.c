/*
 * bench_fleet.c - portfolio-bench rows of a fleet server (issue 10 item 4):
 * one device answer verified per operation, for FLEET_DEVICES distinct device
 * ids round robin. An answer is CMAC_K(SHA-256(Identity) | challenge), K the
 * key of device i; the bench computes every expected answer first with bare
 * OpenSSL (kept contexts), never with the module, so each verification must
 * succeed:
 *
 *   div-verify   C_VerifyInit(CKM_PORTFOLIO_DIV_AUTH_CMAC, device i, SOURCE_HASH)
 *                + C_Verify with the master alone (K = docs/mechanisms.md 10)
 *   pf-verify    C_VerifyInit(CKM_PORTFOLIO_AUTH_CMAC, SOURCE_HASH) + C_Verify
 *                with one stored key (a server copy, verify only): the ceiling
 *   div-derive   ours: C_DeriveKey(CKM_PORTFOLIO_DIVERSIFY) + C_VerifyInit /
 *                C_Verify(CKM_PORTFOLIO_AUTH_CMAC) + C_DestroyObject;
 *                SoftHSM2: C_DeriveKey(CKM_AES_ECB_ENCRYPT_DATA, a 16-byte
 *                block naming device i) + C_VerifyInit / C_Verify(CKM_AES_CMAC,
 *                the same 48 bytes) + C_DestroyObject, the nearest it offers
 *
 * Device i uses key index 1 + i % 16, so threads (2, 4, 8 or 16 of them, each
 * taking every T-th device) never derive the same keyset slot at once.
 * div-msg does div-verify's work through the 3.0 message API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "bench.h"

#define FLEET_INSTANCE 1UL
#define FLEET_INDEXES 16UL
#define FLEET_PLAIN_INDEX 100UL

/* How many distinct devices: FLEET_DEVICES, or PORTFOLIO_BENCH_DEVICES (a
 * multiple of 16; fewer for instruction counts under callgrind, where
 * computing a million expected answers takes minutes). */
static unsigned long n_devices = FLEET_DEVICES;

static void choose_devices(void)
{
	const char *e = getenv("PORTFOLIO_BENCH_DEVICES");
	unsigned long n = e != NULL ? strtoul(e, NULL, 10) : 0;
	if (n >= FLEET_INDEXES && n <= FLEET_DEVICES && n % FLEET_INDEXES == 0)
		n_devices = n;
}

typedef struct fleet {
	module *m;
	CK_OBJECT_HANDLE master;  /* CKA_PORTFOLIO_MASTER auth (ours) / a plain AES key with CKA_DERIVE */
	CK_OBJECT_HANDLE plain;   /* ours: a stored verify-only AUTH key */
	unsigned char master_value[16], plain_value[16];
	unsigned char hash[32], challenge[16];
	unsigned char plain_sig[16];
	unsigned char (*sig)[16]; /* n_devices expected answers */
} fleet;

static void die(const char *what)
{
	fprintf(stderr, "portfolio-bench: %s failed\n", what);
	exit(1);
}

static CK_ULONG device_index(unsigned long i)
{
	return 1 + (CK_ULONG)(i % FLEET_INDEXES);
}

/* The device id D of device i (the LwM2M endpoint name). */
static size_t device_id(unsigned long i, char out[32])
{
	unsigned long v = i % n_devices;
	memcpy(out, "urn:dev:", 8);
	for (int k = 14; k >= 8; k--, v /= 10) /* 7 digits, by hand: snprintf would cost more than */
		out[k] = (char)('0' + v % 10);  /* a quarter of the operation measured */
	return 15;
}

/* SoftHSM2's derivation data for device i: one AES block. */
static void device_block(unsigned long i, unsigned char out[16])
{
	memset(out, 0, 16);
	memcpy(out, "dev", 3);
	for (int k = 0; k < 8; k++)
		out[15 - k] = (unsigned char)((i % n_devices) >> (8 * k));
}

/* ---- the expected answers, by bare OpenSSL ------------------------------ */

static EVP_MAC_CTX *cmac_ctx(const unsigned char *key)
{
	static EVP_MAC *mac;
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
	                       OSSL_PARAM_construct_end()};
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "CMAC", NULL)) == NULL)
		die("EVP_MAC_fetch(CMAC)");
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	if (ctx == NULL || EVP_MAC_init(ctx, key, 16, params) != 1)
		die("EVP_MAC_init");
	return ctx;
}

/* One CMAC with ctx, re-keyed with key (NULL: restarted), of a | b. */
static void cmac2(EVP_MAC_CTX *ctx, const unsigned char *key, const void *a, size_t a_len, const void *b,
                  size_t b_len, unsigned char out[16])
{
	size_t n = 0;
	if (EVP_MAC_init(ctx, key, key != NULL ? 16 : 0, NULL) != 1 || EVP_MAC_update(ctx, a, a_len) != 1 ||
	    EVP_MAC_update(ctx, b, b_len) != 1 || EVP_MAC_final(ctx, out, &n, 16) != 1)
		die("CMAC");
}

/* K(D, I, n, AUTHENT) of docs/mechanisms.md 10, 16 bytes, with kdf keyed by the master. */
static void device_key(EVP_MAC_CTX *kdf, unsigned long i, unsigned char key[16])
{
	static const unsigned char head[] = "\0\0\0\1Portfolio-Div"; /* [1]_32 | label | 00 */
	unsigned char ctx[2 + 32 + 9 + 4];
	char d[32];
	size_t dl = device_id(i, d), n = 0;
	CK_ULONG index = device_index(i);
	ctx[n++] = 0;
	ctx[n++] = (unsigned char)dl;
	memcpy(ctx + n, d, dl);
	n += dl;
	for (int k = 3; k >= 0; k--)
		ctx[n++] = (unsigned char)(FLEET_INSTANCE >> (8 * k));
	for (int k = 3; k >= 0; k--)
		ctx[n++] = (unsigned char)(index >> (8 * k));
	ctx[n++] = 0;                                   /* service AUTHENT */
	memcpy(ctx + n, "\0\0\0\x80", 4);               /* [L]_32 = 128 */
	cmac2(kdf, NULL, head, sizeof head, ctx, n + 4, key); /* sizeof head: label and its 00 */
}

static void expected_answers(fleet *fl, int portfolio)
{
	EVP_MAC_CTX *kdf = cmac_ctx(fl->master_value), *dev = cmac_ctx(fl->master_value);
	EVP_CIPHER_CTX *ecb = EVP_CIPHER_CTX_new();
	unsigned char key[16], block[16];
	int n = 0;
	if (ecb == NULL || EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, fl->master_value, NULL) != 1)
		die("EVP_EncryptInit_ex");
	EVP_CIPHER_CTX_set_padding(ecb, 0);
	fl->sig = malloc(n_devices * sizeof *fl->sig);
	if (fl->sig == NULL)
		die("malloc");
	for (unsigned long i = 0; i < n_devices; i++) {
		if (portfolio) {
			device_key(kdf, i, key);
		} else {
			device_block(i, block);
			if (EVP_EncryptUpdate(ecb, key, &n, block, 16) != 1 || n != 16)
				die("AES-ECB");
		}
		cmac2(dev, key, fl->hash, 32, fl->challenge, 16, fl->sig[i]);
	}
	OPENSSL_cleanse(key, sizeof key);
	EVP_CIPHER_CTX_free(ecb);
	EVP_MAC_CTX_free(kdf);
	EVP_MAC_CTX_free(dev);
}

/* ---- keys ------------------------------------------------------------------ */

static CK_OBJECT_HANDLE put_key(module *m, const unsigned char *value, const CK_ATTRIBUTE *extra, CK_ULONG n_extra)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = CKK_AES;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[10] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type}, {CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes}, {CKA_VALUE, (void *)value, 16},
	};
	CK_ULONG n = 5;
	for (CK_ULONG k = 0; k < n_extra && n < 10; k++)
		t[n++] = extra[k];
	CK_OBJECT_HANDLE h;
	CK_RV rv = m->f->C_CreateObject(m->admin, t, n, &h);
	if (rv != CKR_OK)
		die_rv("C_CreateObject (fleet key)", rv);
	return h;
}

static void fleet_setup(fleet *fl, module *m)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG auth = CK_PORTFOLIO_SRV_AUTHENT, index = FLEET_PLAIN_INDEX;
	memset(fl, 0, sizeof *fl);
	fl->m = m;
	choose_devices();
	if (RAND_bytes(fl->master_value, 16) != 1 || RAND_bytes(fl->plain_value, 16) != 1)
		die("RAND_bytes");
	memset(fl->hash, 0x5A, sizeof fl->hash);
	memset(fl->challenge, 0x17, sizeof fl->challenge);
	CK_ATTRIBUTE master_ours[] = {{CKA_PORTFOLIO_MASTER, &auth, sizeof auth}};
	CK_ATTRIBUTE master_other[] = {{CKA_DERIVE, &yes, sizeof yes}};
	fl->master = m->is_portfolio ? put_key(m, fl->master_value, master_ours, 1)
	                             : put_key(m, fl->master_value, master_other, 1);
	if (m->is_portfolio) {
		CK_ATTRIBUTE server_copy[] = {{CKA_PORTFOLIO_SERVICE, &auth, sizeof auth},
		                              {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
		                              {CKA_VERIFY, &yes, sizeof yes}, {CKA_SIGN, &no, sizeof no}};
		fl->plain = put_key(m, fl->plain_value, server_copy, 4);
		EVP_MAC_CTX *c = cmac_ctx(fl->plain_value);
		cmac2(c, NULL, fl->hash, 32, fl->challenge, 16, fl->plain_sig);
		EVP_MAC_CTX_free(c);
	}
	expected_answers(fl, m->is_portfolio);
}

/* ---- the operations -------------------------------------------------------- */

static CK_RV verify_with(fleet *fl, CK_SESSION_HANDLE s, CK_MECHANISM *mech, CK_OBJECT_HANDLE key,
                         const unsigned char *data, CK_ULONG len, const unsigned char *sig)
{
	CK_RV rv = fl->m->f->C_VerifyInit(s, mech, key);
	return rv != CKR_OK ? rv : fl->m->f->C_Verify(s, (CK_BYTE_PTR)data, len, (CK_BYTE_PTR)sig, 16);
}

/* Device i's answer, as the parameter of both diversified rows (d holds its id). */
static CK_PORTFOLIO_DIV_PARAMS device_answer(const fleet *fl, unsigned long i, char d[32])
{
	CK_PORTFOLIO_DIV_PARAMS p = {{(CK_BYTE_PTR)d, (CK_ULONG)device_id(i, d), FLEET_INSTANCE, device_index(i)}, 16,
	                             {CKP_PORTFOLIO_SOURCE_HASH, 0, (CK_BYTE_PTR)fl->challenge, 16}};
	return p;
}

static CK_RV div_verify(void *arg, CK_SESSION_HANDLE s, unsigned long i)
{
	fleet *fl = arg;
	char d[32];
	CK_PORTFOLIO_DIV_PARAMS p = device_answer(fl, i, d);
	CK_MECHANISM mech = {CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p};
	return verify_with(fl, s, &mech, fl->master, fl->hash, 32, fl->sig[i % n_devices]);
}

/* The 3.0 message API: C_MessageVerifyInit once per session (the first call
 * of each thread's session finds no message operation), then one
 * C_VerifyMessage per answer, its parameter naming the device. */
static CK_RV div_verify_message(void *arg, CK_SESSION_HANDLE s, unsigned long i)
{
	fleet *fl = arg;
	char d[32];
	CK_PORTFOLIO_DIV_PARAMS p = device_answer(fl, i, d);
	CK_FUNCTION_LIST_3_0_PTR f3 = fl->m->f3;
	if (f3 == NULL)
		return CKR_FUNCTION_NOT_SUPPORTED;
	CK_RV rv = f3->C_VerifyMessage(s, &p, sizeof p, fl->hash, 32, fl->sig[i % n_devices], 16);
	if (rv != CKR_OPERATION_NOT_INITIALIZED)
		return rv;
	CK_MECHANISM mech = {CKM_PORTFOLIO_DIV_AUTH_CMAC, NULL, 0};
	rv = f3->C_MessageVerifyInit(s, &mech, fl->master);
	return rv != CKR_OK ? rv : f3->C_VerifyMessage(s, &p, sizeof p, fl->hash, 32, fl->sig[i % n_devices], 16);
}

static CK_RV plain_verify(void *arg, CK_SESSION_HANDLE s, unsigned long i)
{
	fleet *fl = arg;
	CK_PORTFOLIO_PARAMS p = {CKP_PORTFOLIO_SOURCE_HASH, 0, fl->challenge, 16};
	CK_MECHANISM mech = {CKM_PORTFOLIO_AUTH_CMAC, &p, sizeof p};
	(void)i;
	return verify_with(fl, s, &mech, fl->plain, fl->hash, 32, fl->plain_sig);
}

/* The derived device key: a session key that verifies, made and destroyed per answer. */
static CK_RV derive_verify_destroy(void *arg, CK_SESSION_HANDLE s, unsigned long i)
{
	fleet *fl = arg;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG len = 16;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type},
	                    {CKA_VALUE_LEN, &len, sizeof len}, {CKA_TOKEN, &no, sizeof no},
	                    {CKA_VERIFY, &yes, sizeof yes}, {CKA_SIGN, &no, sizeof no}};
	char d[32];
	unsigned char block[16], msg[48];
	CK_PORTFOLIO_DIVERSIFY_PARAMS dp = {(CK_BYTE_PTR)d, (CK_ULONG)device_id(i, d), FLEET_INSTANCE, device_index(i)};
	CK_KEY_DERIVATION_STRING_DATA ecb = {block, 16};
	CK_MECHANISM derive = fl->m->is_portfolio ? (CK_MECHANISM){CKM_PORTFOLIO_DIVERSIFY, &dp, sizeof dp}
	                                          : (CK_MECHANISM){CKM_AES_ECB_ENCRYPT_DATA, &ecb, sizeof ecb};
	CK_PORTFOLIO_PARAMS p = {CKP_PORTFOLIO_SOURCE_HASH, 0, fl->challenge, 16};
	CK_MECHANISM verify = fl->m->is_portfolio ? (CK_MECHANISM){CKM_PORTFOLIO_AUTH_CMAC, &p, sizeof p}
	                                          : (CK_MECHANISM){CKM_AES_CMAC, NULL, 0};
	CK_OBJECT_HANDLE key;
	device_block(i, block);
	memcpy(msg, fl->hash, 32);
	memcpy(msg + 32, fl->challenge, 16);
	CK_RV rv = fl->m->f->C_DeriveKey(s, &derive, fl->master, t, 6, &key);
	if (rv != CKR_OK)
		return rv;
	rv = fl->m->is_portfolio ? verify_with(fl, s, &verify, key, fl->hash, 32, fl->sig[i % n_devices])
	                         : verify_with(fl, s, &verify, key, msg, 48, fl->sig[i % n_devices]);
	CK_RV rv2 = fl->m->f->C_DestroyObject(s, key);
	return rv != CKR_OK ? rv : rv2;
}

/* The rows, ours then the other module's. */
static const struct {
	const char *short_name, *label;
	int portfolio_only;
	CK_RV (*op)(void *arg, CK_SESSION_HANDLE s, unsigned long i);
} fleet_rows[] = {
	{"div-verify", "DIV_AUTH_CMAC verify, 1M devices", 1, div_verify},
	{"div-msg", "DIV_AUTH_CMAC C_VerifyMessage, 1M devices", 1, div_verify_message},
	{"pf-verify", "PORTFOLIO_AUTH_CMAC verify, 1 key", 1, plain_verify},
	{"div-derive", "derive+verify+destroy, 1M devices", 0, derive_verify_destroy},
};

void bench_fleet_rows(module *m)
{
	fleet fl;
	int wanted = 0;
	for (size_t r = 0; r < sizeof fleet_rows / sizeof fleet_rows[0]; r++)
		wanted |= bench_row_wanted(fleet_rows[r].short_name) && (m->is_portfolio || !fleet_rows[r].portfolio_only);
	if (!wanted)
		return; /* -o asked for another row: no 1M answers to compute */
	fleet_setup(&fl, m);
	for (size_t r = 0; r < sizeof fleet_rows / sizeof fleet_rows[0]; r++) {
		bench_loop loop = {m, fleet_rows[r].op, &fl};
		if (m->is_portfolio || !fleet_rows[r].portfolio_only)
			bench_row_loop(fleet_rows[r].short_name, fleet_rows[r].label, m->name, &loop);
	}
	free(fl.sig);
}

/* ---- resident memory ------------------------------------------------------- */

static long vm_rss_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb;
}

int bench_fleet_rss(const char *sizes, const char *ours_path, int csv)
{
	module m;
	fleet fl;
	CK_SESSION_HANDLE s;
	unsigned long done = 0;
	memset(&m, 0, sizeof m);
	m.name = "portfolio-pkcs11";
	m.is_portfolio = 1;
	load_module(&m, ours_path);
	make_token(&m);
	fleet_setup(&fl, &m); /* the 1M expected answers are in memory before the first figure */
	CK_RV rv = m.f->C_OpenSession(m.slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK)
		die_rv("C_OpenSession", rv);
	printf(csv ? "devices,vm_rss_kb\n" : "resident memory while verifying distinct devices with the master\n");
	for (const char *p = sizes; *p != '\0';) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (end == p || n > n_devices || n < done) {
			fprintf(stderr, "portfolio-bench: -R wants ascending device counts up to %lu\n", n_devices);
			return 2;
		}
		for (; done < n; done++)
			if ((rv = div_verify(&fl, s, done)) != CKR_OK)
				die_rv("diversified C_Verify", rv);
		printf(csv ? "%lu,%ld\n" : "  %8lu devices: VmRSS %ld kB\n", n, vm_rss_kb());
		p = *end == ',' ? end + 1 : end;
	}
	m.f->C_CloseSession(s);
	m.f->C_Finalize(NULL);
	free(fl.sig);
	return 0;
}
