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

#endif
