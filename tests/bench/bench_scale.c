/*
 * bench_scale.c - portfolio-bench -S and -X: how the cost of a search, and of
 * seeing another process's change, grows with the number of objects.
 *
 * -S N,N,...  C_FindObjectsInit + C_FindObjects + C_FindObjectsFinal for one
 *             object among N, by CKA_LABEL, by CKA_ID, and (Portfolio only:
 *             vendor attributes) by CKA_CLASS + CKA_PORTFOLIO_SERVICE +
 *             CKA_PORTFOLIO_KEY_INDEX. The objects are what a fleet server
 *             holds per device: an AES-128 verify-only key of the
 *             authentication keyset, index = device number, label "dev-<n>",
 *             id "id-<n>". Session objects (CKA_TOKEN false), so 100,000 of
 *             them are made in seconds in both modules; a search treats
 *             session and token objects alike. The other module (SoftHSM2)
 *             gets the same keys without the vendor attributes.
 * -X N,N,...  N token keys; then, 5 times, another process (fork, its own
 *             C_Initialize and login) renames one key, and this process's
 *             next search for the new label is timed: the first call after
 *             another process's change pays for catching up with it.
 * Figures only; nothing is asserted but that every call succeeds and each
 * search finds exactly its one object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "bench.h"

#define MAX_SIZES 8
#define CHANGE_ROUNDS 5

typedef enum query { Q_LABEL, Q_ID, Q_KEYSET, Q_KINDS } query;
static const char *const query_names[Q_KINDS] = {
	"C_FindObjects by CKA_LABEL", "C_FindObjects by CKA_ID", "C_FindObjects by class+service+index",
};

static int parse_sizes(const char *s, long *out)
{
	int n = 0;
	char *end;
	while (n < MAX_SIZES && *s != '\0') {
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || (n > 0 && v <= out[n - 1]))
			return 0;
		out[n++] = v;
		s = *end == ',' ? end + 1 : end;
		if (end == s && *s != '\0')
			return 0;
	}
	return n;
}

/* Key n: a verify-only AES-128 key (a server's copy of device n's key). */
static void make_device_key(module *m, long n, CK_BBOOL token)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BYTE value[16];
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT, index = (CK_ULONG)n;
	char label[32], id[32];
	int ll = snprintf(label, sizeof label, "dev-%ld", n), il = snprintf(id, sizeof id, "id-%ld", n);
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type},
		{CKA_TOKEN, &token, sizeof token}, {CKA_PRIVATE, &yes, sizeof yes},
		{CKA_SIGN, &no, sizeof no}, {CKA_ENCRYPT, &no, sizeof no}, {CKA_VERIFY, &yes, sizeof yes},
		{CKA_VALUE, value, sizeof value}, {CKA_LABEL, label, (CK_ULONG)ll}, {CKA_ID, id, (CK_ULONG)il},
		{CKA_PORTFOLIO_SERVICE, &srv, sizeof srv}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h;
	if (RAND_bytes(value, sizeof value) != 1) {
		fprintf(stderr, "portfolio-bench: RAND_bytes failed\n");
		exit(1);
	}
	CK_RV rv = m->f->C_CreateObject(m->admin, t, m->is_portfolio ? 12 : 10, &h);
	if (rv != CKR_OK)
		die_rv("C_CreateObject", rv);
}

/* One search for device n's key; it must find exactly that one. */
static void search(module *m, query q, long n)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT, index = (CK_ULONG)n;
	char text[32];
	int len = snprintf(text, sizeof text, q == Q_ID ? "id-%ld" : "dev-%ld", n);
	CK_ATTRIBUTE t[3] = {{q == Q_ID ? CKA_ID : CKA_LABEL, text, (CK_ULONG)len}};
	CK_ULONG count = 1;
	if (q == Q_KEYSET) {
		t[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
		t[1] = (CK_ATTRIBUTE){CKA_PORTFOLIO_SERVICE, &srv, sizeof srv};
		t[2] = (CK_ATTRIBUTE){CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index};
		count = 3;
	}
	CK_OBJECT_HANDLE found[2];
	CK_ULONG got = 0;
	CK_RV rv = m->f->C_FindObjectsInit(m->admin, t, count);
	if (rv == CKR_OK)
		rv = m->f->C_FindObjects(m->admin, found, 2, &got);
	if (rv == CKR_OK)
		rv = m->f->C_FindObjectsFinal(m->admin);
	if (rv != CKR_OK)
		die_rv("search", rv);
	if (got != 1) {
		fprintf(stderr, "portfolio-bench: search for object %ld found %lu\n", n, (unsigned long)got);
		exit(1);
	}
}

/* Microseconds per search among `have` objects: at least 5 searches and 0.3 s. */
static double time_searches(module *m, query q, long have)
{
	double t0 = now(), t;
	long rounds = 0;
	do {
		search(m, q, (rounds * 7919 + 13) % have);
		rounds++;
		t = now() - t0;
	} while (rounds < 5 || t < 0.3);
	return t * 1e6 / (double)rounds;
}

static void print_head(const char *what, const long *sizes, int n_sizes, int csv)
{
	if (csv) {
		printf("operation,implementation,objects,value,unit\n");
		return;
	}
	printf("%s\n\n%-40s %-18s", what, "operation", "implementation");
	for (int i = 0; i < n_sizes; i++)
		printf(" %12ld", sizes[i]);
	printf("\n");
}

static void print_row(const char *op, const char *who, const long *sizes, const double *v, int n, int csv,
                      const char *unit)
{
	if (!csv)
		printf("%-40s %-18s", op, who);
	for (int i = 0; i < n; i++) {
		if (csv)
			printf("\"%s\",\"%s\",%ld,%.3f,%s\n", op, who, sizes[i], v[i], unit);
		else
			printf(" %12.1f", v[i]);
	}
	if (!csv)
		printf("\n");
	fflush(stdout);
}

static void find_rows(module *m, const long *sizes, int n_sizes, int csv)
{
	double v[Q_KINDS][MAX_SIZES];
	long have = 0;
	for (int i = 0; i < n_sizes; i++) {
		for (; have < sizes[i]; have++)
			make_device_key(m, have, CK_FALSE);
		for (int q = 0; q < Q_KINDS; q++)
			v[q][i] = q == Q_KEYSET && !m->is_portfolio ? 0 : time_searches(m, (query)q, have);
	}
	for (int q = 0; q < Q_KINDS; q++)
		if (q != Q_KEYSET || m->is_portfolio)
			print_row(query_names[q], m->name, sizes, v[q], n_sizes, csv, "us");
}

/* In a child process: log in, rename device n's key to new_label, leave. */
static void rename_elsewhere(module *m, long n, const char *new_label)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("portfolio-bench: fork");
		exit(1);
	}
	if (pid == 0) {
		CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
		CK_SESSION_HANDLE s;
		CK_RV rv = m->f->C_Initialize(&args);
		if (rv == CKR_OK)
			rv = m->f->C_OpenSession(m->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
		if (rv == CKR_OK)
			rv = m->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
		CK_OBJECT_HANDLE h;
		CK_ULONG got = 0;
		char label[32];
		int ll = snprintf(label, sizeof label, "dev-%ld", n);
		CK_ATTRIBUTE q = {CKA_LABEL, label, (CK_ULONG)ll}, l = {CKA_LABEL, (void *)new_label, (CK_ULONG)strlen(new_label)};
		if (rv == CKR_OK && (rv = m->f->C_FindObjectsInit(s, &q, 1)) == CKR_OK &&
		    (rv = m->f->C_FindObjects(s, &h, 1, &got)) == CKR_OK)
			rv = m->f->C_FindObjectsFinal(s);
		if (rv == CKR_OK && got != 1)
			fprintf(stderr, "portfolio-bench: the other process found %lu keys labelled %s\n",
			        (unsigned long)got, label);
		if (rv == CKR_OK)
			rv = got == 1 ? m->f->C_SetAttributeValue(s, h, &l, 1) : CKR_GENERAL_ERROR;
		if (rv != CKR_OK)
			fprintf(stderr, "portfolio-bench: the other process: CKR 0x%lx\n", (unsigned long)rv);
		m->f->C_Finalize(NULL);
		_exit(rv == CKR_OK ? 0 : 1);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "portfolio-bench: the other process failed\n");
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void change_rows(module *m, const long *sizes, int n_sizes, int csv)
{
	double median[MAX_SIZES], best[MAX_SIZES];
	long have = 0;
	for (int i = 0; i < n_sizes; i++) {
		long fresh = have; /* keys from here on were never renamed */
		for (; have < sizes[i]; have++)
			make_device_key(m, have, CK_TRUE);
		search(m, Q_LABEL, fresh); /* nothing pending before the first round */
		double ms[CHANGE_ROUNDS];
		for (int r = 0; r < CHANGE_ROUNDS; r++) {
			char moved[32];
			long n = fresh + (r * 7919 + 5) % (have - fresh);
			snprintf(moved, sizeof moved, "moved-%d-%d", i, r);
			rename_elsewhere(m, n, moved);
			CK_ATTRIBUTE q = {CKA_LABEL, moved, (CK_ULONG)strlen(moved)};
			CK_OBJECT_HANDLE h;
			CK_ULONG got = 0;
			double t0 = now();
			CK_RV rv = m->f->C_FindObjectsInit(m->admin, &q, 1);
			if (rv == CKR_OK)
				rv = m->f->C_FindObjects(m->admin, &h, 1, &got);
			if (rv == CKR_OK)
				rv = m->f->C_FindObjectsFinal(m->admin);
			ms[r] = (now() - t0) * 1e3;
			if (rv != CKR_OK || got != 1)
				die_rv("search after the other process's change", rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
		}
		qsort(ms, CHANGE_ROUNDS, sizeof *ms, cmp_double);
		median[i] = ms[CHANGE_ROUNDS / 2];
		best[i] = ms[0];
	}
	print_row("first search after another process renamed one key, median", m->name, sizes, median,
	          n_sizes, csv, "ms");
	print_row("the same, best of 5", m->name, sizes, best, n_sizes, csv, "ms");
}

static void run_module(int mode, module *m, const char *name, const char *path, int is_portfolio,
                       const long *sizes, int n_sizes, int csv)
{
	memset(m, 0, sizeof *m);
	m->name = name;
	m->is_portfolio = is_portfolio;
	load_module(m, path);
	make_token(m);
	if (mode == 'S')
		find_rows(m, sizes, n_sizes, csv);
	else
		change_rows(m, sizes, n_sizes, csv);
	m->f->C_Logout(m->admin);
	m->f->C_CloseAllSessions(m->slot);
	m->f->C_Finalize(NULL);
}

int bench_scale(int mode, const char *sizes_arg, const char *ours_path, const char *other_path, int csv)
{
	long sizes[MAX_SIZES];
	int n_sizes = parse_sizes(sizes_arg, sizes);
	if (n_sizes == 0) {
		fprintf(stderr, "portfolio-bench: sizes are ascending counts, e.g. 1000,10000,100000\n");
		return 2;
	}
	if (mode == 'X' && strcmp(ours_path, "-") != 0 && other_path != NULL) {
		/* Both would share the store and its token labelled "bench". */
		fprintf(stderr, "portfolio-bench: -X measures one module per run (give the other as '- OTHER')\n");
		return 2;
	}
	module ours, other;
	print_head(mode == 'S' ? "portfolio-bench -S: microseconds per search (one object among N)"
	                       : "portfolio-bench -X: milliseconds until another process's change is seen",
	           sizes, n_sizes, csv);
	if (strcmp(ours_path, "-") != 0)
		run_module(mode, &ours, "portfolio-pkcs11", ours_path, 1, sizes, n_sizes, csv);
	/* -X: the comparison is another build of this module, before and after. */
	if (other_path != NULL)
		run_module(mode, &other, mode == 'S' ? "softhsm2" : "other module", other_path,
		           mode == 'X', sizes, n_sizes, csv);
	return 0;
}
