/*
 * bench.c - portfolio-bench: operations per second of portfolio-pkcs11
 * against SoftHSM2 and a bare OpenSSL loop, for the operations a device or
 * server does per request.
 *
 *   portfolio-bench [-s SECONDS | -n OPS] [-t THREADS] [-o OP] PORTFOLIO_MODULE|- [OTHER_MODULE]
 *
 * -n OPS runs a fixed number of operations per thread instead of a duration:
 * the mode for instruction counting under valgrind --tool=callgrind
 * (--toggle-collect=one_pkcs11_op / one_openssl_op gives the cost of exactly
 * the measured operations). -t limits the thread counts to 1..THREADS, -o
 * runs only one operation (openssl, openssl-kept, pf-auth, cmac, pf-enc, gcm,
 * and the fleet rows of bench_fleet.c: div-verify, div-msg, pf-verify, div-derive).
 * -R N,N,... prints the resident memory after N distinct devices (bench_fleet.c).
 *
 * Each module is dlopen()ed and given a fresh token in a temporary directory
 * (its own configuration file), so no real store is touched. Every measured
 * operation is a complete PKCS#11 operation on a 48-byte message:
 * C_xxxInit + C_Sign / C_Encrypt, as an application does per request. Each
 * thread has its own session. Not a test: it prints a table, asserts nothing
 * except that every call succeeds.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libgen.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "bench.h"

#define MSG_LEN 48
#define MAX_THREADS 16

const char so_pin[] = "bench-so-pin";
const char user_pin[] = "bench-user-pin";

/* ---- a loaded module with one ready token ------------------------------ */

void die_rv(const char *what, CK_RV rv)
{
	fprintf(stderr, "portfolio-bench: %s failed: CKR 0x%lx\n", what, (unsigned long)rv);
	exit(1);
}

static void padded(CK_UTF8CHAR *dst, size_t n, const char *s)
{
	size_t len = strlen(s);
	memset(dst, ' ', n);
	memcpy(dst, s, len < n ? len : n);
}

void load_module(module *m, const char *path)
{
	void *sym;
	CK_C_GetFunctionList get_list;
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (m->dl == NULL) {
		fprintf(stderr, "portfolio-bench: cannot load %s: %s\n", path, dlerror());
		exit(1);
	}
	sym = dlsym(m->dl, "C_GetFunctionList");
	if (sym == NULL) {
		fprintf(stderr, "portfolio-bench: %s has no C_GetFunctionList\n", path);
		exit(1);
	}
	memcpy(&get_list, &sym, sizeof get_list); /* object pointer to function pointer, portably */
	rv = get_list(&m->f);
	if (rv != CKR_OK)
		die_rv("C_GetFunctionList", rv);
	m->f3 = NULL;
	sym = dlsym(m->dl, "C_GetInterface");
	if (sym != NULL) {
		CK_C_GetInterface get_interface;
		CK_VERSION v30 = {3, 0};
		CK_INTERFACE_PTR itf = NULL;
		memcpy(&get_interface, &sym, sizeof get_interface);
		if (get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &v30, &itf, 0) == CKR_OK && itf != NULL)
			m->f3 = itf->pFunctionList;
	}
	memset(&args, 0, sizeof args);
	args.flags = CKF_OS_LOCKING_OK;
	rv = m->f->C_Initialize(&args);
	if (rv != CKR_OK)
		die_rv("C_Initialize", rv);
}

/* First slot whose token carries label (or, with label NULL, is uninitialised). */
static int find_slot(module *m, const char *label, CK_SLOT_ID *out)
{
	CK_SLOT_ID slots[256];
	CK_ULONG n = 256, i;
	CK_UTF8CHAR want[32];
	CK_RV rv = m->f->C_GetSlotList(CK_FALSE, slots, &n);

	if (rv != CKR_OK)
		die_rv("C_GetSlotList", rv);
	if (label != NULL)
		padded(want, sizeof want, label);
	for (i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (m->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		if (label == NULL ? !(ti.flags & CKF_TOKEN_INITIALIZED)
		                  : memcmp(ti.label, want, sizeof want) == 0) {
			*out = slots[i];
			return 1;
		}
	}
	return 0;
}

void make_token(module *m)
{
	CK_SLOT_ID free_slot;
	CK_UTF8CHAR label[32];
	CK_SESSION_HANDLE s;
	CK_RV rv;

	if (!find_slot(m, NULL, &free_slot)) {
		fprintf(stderr, "portfolio-bench: %s offers no free slot\n", m->name);
		exit(1);
	}
	padded(label, sizeof label, "bench");
	rv = m->f->C_InitToken(free_slot, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin), label);
	if (rv != CKR_OK)
		die_rv("C_InitToken", rv);
	/* Some modules (SoftHSM2) move an initialised token to a new slot id. */
	if (!find_slot(m, "bench", &m->slot)) {
		fprintf(stderr, "portfolio-bench: token lost after C_InitToken\n");
		exit(1);
	}
	rv = m->f->C_OpenSession(m->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK)
		die_rv("C_OpenSession", rv);
	rv = m->f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin));
	if (rv != CKR_OK)
		die_rv("C_Login(SO)", rv);
	rv = m->f->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
	if (rv != CKR_OK)
		die_rv("C_InitPIN", rv);
	m->f->C_Logout(s);
	rv = m->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
	if (rv != CKR_OK)
		die_rv("C_Login(USER)", rv);
	m->admin = s;
}

/* A token AES-128 key with a random value; service < 0 means no Portfolio keyset. */
static CK_OBJECT_HANDLE make_key(module *m, long service, CK_BBOOL sign, CK_BBOOL encrypt)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = CKK_AES;
	CK_BBOOL yes = CK_TRUE;
	CK_BYTE value[16];
	CK_ULONG srv = (CK_ULONG)service, index = 0;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_KEY_TYPE, &type, sizeof type },
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &yes, sizeof yes },
		{ CKA_SIGN, &sign, sizeof sign },
		{ CKA_ENCRYPT, &encrypt, sizeof encrypt },
		{ CKA_VALUE, value, sizeof value },
		{ CKA_PORTFOLIO_SERVICE, &srv, sizeof srv },
		{ CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index },
	};
	CK_ULONG count = service < 0 ? 7 : 9;
	CK_OBJECT_HANDLE h;
	CK_RV rv;

	if (RAND_bytes(value, sizeof value) != 1) {
		fprintf(stderr, "portfolio-bench: RAND_bytes failed\n");
		exit(1);
	}
	rv = m->f->C_CreateObject(m->admin, t, count, &h);
	OPENSSL_cleanse(value, sizeof value);
	if (rv != CKR_OK)
		die_rv("C_CreateObject", rv);
	return h;
}

/* The SO provisions Identity 1 (32 bytes, the value and its hash): device keys
 * sign and encrypt only SOURCE_TOKEN identities. Leaves the user logged in. */
static void provision_identity(module *m)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG id = 1;
	CK_BYTE value[32];
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id },
		{ CKA_VALUE, value, sizeof value },
	};
	CK_OBJECT_HANDLE h;
	CK_RV rv;

	memset(value, 0xA5, sizeof value);
	m->f->C_Logout(m->admin);
	rv = m->f->C_Login(m->admin, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin));
	if (rv == CKR_OK)
		rv = m->f->C_CreateObject(m->admin, t, 4, &h);
	if (rv != CKR_OK)
		die_rv("provisioning Identity 1", rv);
	m->f->C_Logout(m->admin);
	rv = m->f->C_Login(m->admin, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
	if (rv != CKR_OK)
		die_rv("C_Login(USER)", rv);
}

static void setup_module(module *m, const char *name, const char *path, int is_portfolio)
{
	memset(m, 0, sizeof *m);
	m->name = name;
	m->is_portfolio = is_portfolio;
	load_module(m, path);
	make_token(m);
	if (is_portfolio)
		provision_identity(m); /* first: the logins in it end the handles of private objects */
	m->aes = make_key(m, -1, CK_TRUE, CK_TRUE);
	if (is_portfolio) {
		m->pf_auth = make_key(m, (long)CK_PORTFOLIO_SRV_AUTHENT, CK_TRUE, CK_FALSE);
		m->pf_enc = make_key(m, (long)CK_PORTFOLIO_SRV_ENCRYPT, CK_FALSE, CK_TRUE);
	}
}

static void teardown_module(module *m)
{
	m->f->C_Logout(m->admin);
	m->f->C_CloseAllSessions(m->slot);
	m->f->C_Finalize(NULL);
	/* not dlclose()d: some modules keep threads or atexit handlers */
}

/* ---- the measured operations ------------------------------------------- */

typedef enum op_kind { OP_CMAC, OP_GCM, OP_PF_AUTH, OP_PF_ENC, OP_OPENSSL_CMAC, OP_OPENSSL_CMAC_KEPT } op_kind;

typedef struct run_ctx {
	module *m;                 /* NULL for the OpenSSL loops */
	op_kind kind;
	const bench_loop *loop;    /* a row of its own (bench_fleet.c), else NULL */
	int thread, nthreads;      /* this thread's number among nthreads */
	double seconds;            /* run for this long, or */
	unsigned long fixed_ops;   /* this many operations when non-zero */
	unsigned long ops;         /* result */
	CK_RV error;               /* first failure, CKR_OK if none */
} run_ctx;

double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Not inlined: callgrind's --toggle-collect names these two functions. */
__attribute__((noinline)) static CK_RV one_pkcs11_op(module *m, CK_SESSION_HANDLE s, op_kind kind, const CK_BYTE *msg,
                           CK_BYTE *iv)
{
	CK_BYTE out[256];
	CK_ULONG out_len = sizeof out;
	CK_BYTE challenge[16] = { 0x00, 0x02, 0x34, 0x51, 0x78 };
	CK_PORTFOLIO_PARAMS pp;
	CK_GCM_PARAMS gcm;
	CK_MECHANISM mech;
	CK_RV rv;

	switch (kind) {
	case OP_CMAC:
		mech = (CK_MECHANISM){ CKM_AES_CMAC, NULL, 0 };
		rv = m->f->C_SignInit(s, &mech, m->aes);
		return rv != CKR_OK ? rv : m->f->C_Sign(s, (CK_BYTE_PTR)msg, MSG_LEN, out, &out_len);
	case OP_GCM:
		/* a new IV per message, as an application must */
		for (int i = 11; i >= 0 && ++iv[i] == 0; i--)
			;
		gcm = (CK_GCM_PARAMS){ iv, 12, 96, NULL, 0, 128 };
		mech = (CK_MECHANISM){ CKM_AES_GCM, &gcm, sizeof gcm };
		rv = m->f->C_EncryptInit(s, &mech, m->aes);
		return rv != CKR_OK ? rv : m->f->C_Encrypt(s, (CK_BYTE_PTR)msg, MSG_LEN, out, &out_len);
	case OP_PF_AUTH:
		/* CMAC input = provisioned SHA-256(Identity 1) (32) || challenge (16) = 48 bytes */
		pp = (CK_PORTFOLIO_PARAMS){ CKP_PORTFOLIO_SOURCE_TOKEN, 1, challenge, sizeof challenge };
		mech = (CK_MECHANISM){ CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp };
		rv = m->f->C_SignInit(s, &mech, m->pf_auth);
		return rv != CKR_OK ? rv : m->f->C_Sign(s, NULL, 0, out, &out_len);
	case OP_PF_ENC:
		/* GCM plaintext = Identity 1 (32) || challenge (16) = 48 bytes; the module makes the IV */
		pp = (CK_PORTFOLIO_PARAMS){ CKP_PORTFOLIO_SOURCE_TOKEN, 1, challenge, sizeof challenge };
		mech = (CK_MECHANISM){ CKM_PORTFOLIO_ENC_GCM, &pp, sizeof pp };
		rv = m->f->C_EncryptInit(s, &mech, m->pf_enc);
		return rv != CKR_OK ? rv : m->f->C_Encrypt(s, NULL, 0, out, &out_len);
	case OP_OPENSSL_CMAC:
	case OP_OPENSSL_CMAC_KEPT:
		break;
	}
	return CKR_GENERAL_ERROR;
}

/* A row's own operation number i (this thread's share: i = thread, thread +
 * nthreads, ...). Not inlined: callgrind --toggle-collect=one_loop_op. */
__attribute__((noinline, noclone)) static CK_RV one_loop_op(const bench_loop *loop, CK_SESSION_HANDLE s, unsigned long i)
{
	return loop->op(loop->arg, s, i);
}

static void run_pkcs11(run_ctx *c)
{
	CK_SESSION_HANDLE s;
	CK_BYTE msg[MSG_LEN], iv[12] = { 0 };
	double end;
	CK_RV rv;

	memset(msg, 0xA5, sizeof msg);
	rv = c->m->f->C_OpenSession(c->m->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK) {
		c->error = rv;
		return;
	}
	iv[0] = (CK_BYTE)(uintptr_t)c; /* threads never share an IV sequence */
	end = now() + c->seconds;
	while (c->fixed_ops != 0 ? c->ops < c->fixed_ops : now() < end) {
		rv = c->loop != NULL ? one_loop_op(c->loop, s, (unsigned long)c->thread + c->ops * (unsigned long)c->nthreads)
		                     : one_pkcs11_op(c->m, s, c->kind, msg, iv);
		if (rv != CKR_OK) {
			c->error = rv;
			break;
		}
		c->ops++;
	}
	c->m->f->C_CloseSession(s);
}

/* key == NULL: restart with the key the context holds (the kept-context floor) */
__attribute__((noinline)) static int one_openssl_op(EVP_MAC_CTX *ctx, const unsigned char *key,
                                                    const unsigned char *msg, const OSSL_PARAM *params)
{
	unsigned char out[16];
	size_t out_len;

	return EVP_MAC_init(ctx, key, key != NULL ? 16 : 0, params) == 1 &&
	       EVP_MAC_update(ctx, msg, MSG_LEN) == 1 && EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1;
}

static void run_openssl(run_ctx *c)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	unsigned char key[16], msg[MSG_LEN];
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	double end;

	memset(key, 0x3C, sizeof key);
	memset(msg, 0xA5, sizeof msg);
	if (ctx == NULL) {
		c->error = CKR_HOST_MEMORY;
		goto out;
	}
	if (c->kind == OP_OPENSSL_CMAC_KEPT && EVP_MAC_init(ctx, key, sizeof key, params) != 1) {
		c->error = CKR_FUNCTION_FAILED;
		goto out;
	}
	end = now() + c->seconds;
	while (c->fixed_ops != 0 ? c->ops < c->fixed_ops : now() < end) {
		/* OP_OPENSSL_CMAC: the cipher named and the key set again each time,
		 * as a caller without a kept context does. OP_OPENSSL_CMAC_KEPT: one
		 * keyed context restarted per message, the least EVP_MAC allows and
		 * what the module does for a session that signs with one key. */
		int ok = c->kind == OP_OPENSSL_CMAC_KEPT ? one_openssl_op(ctx, NULL, msg, NULL)
		                                         : one_openssl_op(ctx, key, msg, params);
		if (!ok) {
			c->error = CKR_FUNCTION_FAILED;
			break;
		}
		c->ops++;
	}
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

static void *thread_main(void *arg)
{
	run_ctx *c = arg;
	if (c->kind == OP_OPENSSL_CMAC || c->kind == OP_OPENSSL_CMAC_KEPT)
		run_openssl(c);
	else
		run_pkcs11(c);
	return NULL;
}

/* What main() was asked for. */
static struct {
	double seconds;
	unsigned long fixed_ops;   /* -n: per thread */
	int max_threads;           /* -t */
	const char *only;          /* -o: one operation's short name, or NULL */
	int csv;                   /* -c: CSV rows (scripts/bench-charts.sh) instead of the table */
} opt = { 2.0, 0, 2, NULL, 0 };

/* ops/s summed over nthreads; negative with *err set on failure */
static double measure(module *m, op_kind kind, const bench_loop *loop, int nthreads, CK_RV *err)
{
	pthread_t th[MAX_THREADS];
	run_ctx ctx[MAX_THREADS];
	unsigned long total = 0;
	double start, elapsed;
	int i;

	*err = CKR_OK;
	start = now();
	for (i = 0; i < nthreads; i++) {
		ctx[i] = (run_ctx){ m, kind, loop, i, nthreads, opt.seconds, opt.fixed_ops, 0, CKR_OK };
		if (pthread_create(&th[i], NULL, thread_main, &ctx[i]) != 0) {
			fprintf(stderr, "portfolio-bench: pthread_create: %s\n", strerror(errno));
			exit(1);
		}
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		total += ctx[i].ops;
		if (ctx[i].error != CKR_OK && *err == CKR_OK)
			*err = ctx[i].error;
	}
	elapsed = now() - start;
	return *err != CKR_OK ? -1.0 : (double)total / elapsed;
}

static void row_run(const char *short_name, const char *op, const char *who, module *m, op_kind kind,
                    const bench_loop *loop)
{
	if (!bench_row_wanted(short_name))
		return;
	if (!opt.csv)
		printf("%-34s %-18s", op, who);
	for (int n = 1; n <= opt.max_threads; n++) {
		CK_RV err;
		double r = measure(m, kind, loop, n, &err);
		if (opt.csv && r < 0)
			printf("\"%s\",\"%s\",%d,,0x%lx\n", op, who, n, (unsigned long)err);
		else if (opt.csv) /* RFC 4180: the names hold commas, never quotes */
			printf("\"%s\",\"%s\",%d,%.0f,\n", op, who, n, r);
		else if (r < 0)
			printf("  %12s 0x%03lx", "error", (unsigned long)err);
		else
			printf("  %18.0f", r);
		fflush(stdout);
	}
	if (!opt.csv)
		printf("\n");
}

static void row(const char *short_name, const char *op, const char *who, module *m, op_kind kind)
{
	row_run(short_name, op, who, m, kind, NULL);
}

int bench_row_wanted(const char *short_name)
{
	return opt.only == NULL || strcmp(opt.only, short_name) == 0;
}

void bench_row_loop(const char *short_name, const char *op, const char *who, const bench_loop *loop)
{
	row_run(short_name, op, who, loop->m, OP_CMAC, loop);
}

/* ---- temporary homes for the modules' configuration -------------------- */

static char tmpdir[128];

static void make_homes(void)
{
	char path[192];
	FILE *f;

	/* $TMPDIR (e.g. /dev/shm) when set: the scale rows make a store write per
	 * object, and a disk's fsync would be measured instead of the module. */
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/portfolio-bench.XXXXXX", base != NULL && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("portfolio-bench: mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof path, "%s/portfolio-pkcs11.conf", tmpdir);
	f = fopen(path, "w");
	if (f == NULL) {
		perror("portfolio-bench: config");
		exit(1);
	}
	fprintf(f, "store = %s/store.db\nlog_level = error\n", tmpdir);
	fclose(f);
	setenv("PORTFOLIO_PKCS11_CONF", path, 1);

	snprintf(path, sizeof path, "%s/softhsm-tokens", tmpdir);
	if (mkdir(path, 0700) != 0) {
		perror("portfolio-bench: mkdir");
		exit(1);
	}
	snprintf(path, sizeof path, "%s/softhsm2.conf", tmpdir);
	f = fopen(path, "w");
	if (f == NULL) {
		perror("portfolio-bench: softhsm config");
		exit(1);
	}
	fprintf(f, "directories.tokendir = %s/softhsm-tokens\nobjectstore.backend = file\n"
	           "log.level = ERROR\n", tmpdir);
	fclose(f);
	setenv("SOFTHSM2_CONF", path, 1);
}

static void remove_homes(void)
{
	char cmd[192];
	/* the tree holds only what this run created */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "portfolio-bench: could not remove %s\n", tmpdir);
}

static void usage(void)
{
	fprintf(stderr, "usage: portfolio-bench [-s SECONDS | -n OPS] [-t THREADS] [-o OP] [-c] "
	                "PORTFOLIO_MODULE|- [OTHER_MODULE]\n"
	                "       portfolio-bench -S N,N,... | -X N,N,... [-c] PORTFOLIO_MODULE|- [OTHER_MODULE]\n"
	                "       portfolio-bench -R N,N,... [-c] PORTFOLIO_MODULE\n"
	                "  -S: C_FindObjects among N objects; -X: seeing another process's change (bench_scale.c)\n"
	                "  -R: resident memory after verifying N distinct devices with the master (bench_fleet.c)\n"
	                "  -t: 1..%d threads (default 2); -c: CSV (operation,implementation,threads,ops_per_s,error)\n"
	                "  OP: openssl, openssl-kept, pf-auth, cmac, pf-enc, gcm, div-verify, div-msg, pf-verify, div-derive\n",
	                MAX_THREADS);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ours_path, *other_path = NULL;
	module ours, other;
	int o;

	const char *scale = NULL, *rss = NULL;
	int scale_mode = 0;
	while ((o = getopt(argc, argv, "s:n:t:o:cS:X:R:")) != -1) {
		if (o == 'R')
			rss = optarg;
		else if (o == 'S' || o == 'X') {
			scale = optarg;
			scale_mode = o;
		} else if (o == 's')
			opt.seconds = atof(optarg);
		else if (o == 'n')
			opt.fixed_ops = strtoul(optarg, NULL, 10);
		else if (o == 't')
			opt.max_threads = atoi(optarg);
		else if (o == 'o')
			opt.only = optarg;
		else if (o == 'c')
			opt.csv = 1;
		else
			usage();
	}
	if (optind >= argc || opt.seconds <= 0 || opt.max_threads < 1 || opt.max_threads > MAX_THREADS)
		usage();
	ours_path = argv[optind];
	if (optind + 1 < argc)
		other_path = argv[optind + 1];

	make_homes();
	if (rss != NULL) {
		int rc = bench_fleet_rss(rss, ours_path, opt.csv);
		remove_homes();
		return rc;
	}
	if (scale != NULL) {
		int rc = bench_scale(scale_mode, scale, ours_path, other_path, opt.csv);
		remove_homes();
		return rc;
	}
	if (opt.csv)
		printf("operation,implementation,threads,ops_per_s,error\n");
	else if (opt.fixed_ops != 0)
		printf("portfolio-bench: %d-byte messages, %lu operations per thread per cell, "
		       "ops/s (sum over threads)\n\n", MSG_LEN, opt.fixed_ops);
	else
		printf("portfolio-bench: %d-byte messages, %.1f s per cell, ops/s (sum over threads)\n\n",
		       MSG_LEN, opt.seconds);
	if (!opt.csv) {
		printf("%-34s %-18s", "operation", "implementation");
		for (int n = 1; n <= opt.max_threads; n++)
			printf("  %10d thread%s", n, n == 1 ? " " : "s");
		printf("\n");
	}

	row("openssl", "AES-128-CMAC (EVP_MAC, no PKCS#11)", "openssl", NULL, OP_OPENSSL_CMAC);
	row("openssl-kept", "AES-128-CMAC, kept keyed context", "openssl", NULL, OP_OPENSSL_CMAC_KEPT);
	if (strcmp(ours_path, "-") != 0) {
		setup_module(&ours, "portfolio-pkcs11", ours_path, 1);
		row("pf-auth", "PORTFOLIO_AUTH_CMAC sign", "portfolio-pkcs11", &ours, OP_PF_AUTH);
		row("cmac", "AES_CMAC sign", "portfolio-pkcs11", &ours, OP_CMAC);
		row("pf-enc", "PORTFOLIO_ENC_GCM encrypt", "portfolio-pkcs11", &ours, OP_PF_ENC);
		row("gcm", "AES_GCM encrypt", "portfolio-pkcs11", &ours, OP_GCM);
		bench_fleet_rows(&ours);
		teardown_module(&ours);
	}
	if (other_path != NULL) {
		char shown[64];
		char *copy = strdup(other_path);
		snprintf(shown, sizeof shown, "%s", copy ? basename(copy) : "other");
		free(copy);
		setup_module(&other, shown, other_path, 0);
		row("cmac", "AES_CMAC sign", shown, &other, OP_CMAC);
		row("gcm", "AES_GCM encrypt", shown, &other, OP_GCM);
		bench_fleet_rows(&other);
		teardown_module(&other);
	}
	remove_homes();
	return 0;
}
