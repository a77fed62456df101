/*
 * bench.h - what the parts of portfolio-bench share: a loaded module with one
 * ready token (bench.c), and the scale rows (bench_scale.c).
 */
#ifndef PORTFOLIO_BENCH_H
#define PORTFOLIO_BENCH_H

#include "pkcs11/pkcs11.h"
#include "pkcs11/portfolio.h"

extern const char so_pin[];
extern const char user_pin[];

typedef struct module {
	const char *name;
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_FUNCTION_LIST_3_0_PTR f3;  /* the 3.0 list (message API); NULL if not offered */
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE admin;      /* keeps the user logged in */
	CK_OBJECT_HANDLE aes;         /* plain AES-128: CMAC and GCM */
	CK_OBJECT_HANDLE pf_auth;     /* Portfolio authentication keyset, K0 */
	CK_OBJECT_HANDLE pf_enc;      /* Portfolio encryption keyset, K0 */
	int is_portfolio;
} module;

void die_rv(const char *what, CK_RV rv);
/* dlopen + C_Initialize (m->name set by the caller). */
void load_module(module *m, const char *path);
/* A new token "bench" with both PINs; m->admin is a user session on it. */
void make_token(module *m);
double now(void); /* seconds, monotonic */

/* -S sizes: C_FindObjects rows; -X sizes: another process's change (mode 'S'
 * or 'X'). sizes: ascending object counts, comma-separated. */
int bench_scale(int mode, const char *sizes, const char *ours_path, const char *other_path, int csv);

/* A row with an operation of its own: op(arg, session, i) is one complete
 * operation, the i-th of the run (a thread of T does i = t, t + T, ...;
 * bench.c measures it like its own rows, callgrind --toggle-collect=one_loop_op). */
typedef struct bench_loop {
	module *m;
	CK_RV (*op)(void *arg, CK_SESSION_HANDLE s, unsigned long i);
	void *arg;
} bench_loop;
void bench_row_loop(const char *short_name, const char *op, const char *who, const bench_loop *loop);
/* Whether -o lets the row of that short name run. */
int bench_row_wanted(const char *short_name);

/* bench_fleet.c: the server of a fleet (docs/fleet.md) verifying device
 * answers over FLEET_DEVICES distinct device ids, round robin: with the
 * master alone (CKM_PORTFOLIO_DIV_AUTH_CMAC), with one stored key, by
 * derive/verify/destroy (ours, and SoftHSM2's nearest: CKM_AES_ECB_ENCRYPT_DATA
 * + CKM_AES_CMAC). m is a set-up module (its user logged in on m->admin). */
#define FLEET_DEVICES 1000000UL
void bench_fleet_rows(module *m);
/* -R N,N,...: resident memory (VmRSS) after verifying N distinct devices
 * with the master, for each N (ascending, up to FLEET_DEVICES). */
int bench_fleet_rss(const char *sizes, const char *ours_path, int csv);

#endif
