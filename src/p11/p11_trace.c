/* p11_trace.c - the C_* call trace (p11_trace.h). */
#include "config.h"
#include "p11/p11_trace.h"
#include "src/p11/p11_trace_args.h"
#include "util/ckr_name.h"
#include "util/log.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* What the call works on, from its first parameter: a session or a slot is
 * named in the line, anything else (pointers, flags) is left out. */
static void trace(const char *name, const char *first_name, uintptr_t first, CK_RV rv)
{
	if (strcmp(first_name, "hSession") == 0 || strcmp(first_name, "slotID") == 0)
		PF_DEBUG("%s(%s=%lu) = %s (0x%lx)", name, first_name, (unsigned long)first, pf_ckr_name_str(rv),
		         (unsigned long)rv);
	else
		PF_DEBUG("%s() = %s (0x%lx)", name, pf_ckr_name_str(rv), (unsigned long)rv);
}

/* The first of a parenthesised argument list, and its name. */
#define P11_UNPACK(...) __VA_ARGS__
#define P11_FIRST_(a, ...) a
#define P11_FIRST_NAME_(a, ...) #a
#define P11_APPLY(m, ...) m(__VA_ARGS__)
#define P11_FIRST(args) P11_APPLY(P11_FIRST_, P11_UNPACK args, 0)
#define P11_FIRST_NAME(args) P11_APPLY(P11_FIRST_NAME_, P11_UNPACK args, 0)

/*
 * Whether the level is debug. The level changes only inside C_Initialize
 * (module.c applies PORTFOLIO_LOG and log_level there), so the wrapper of
 * C_Initialize reads it again after the call, and every other wrapper tests
 * this copy: below debug a wrapper is one load, a branch and a jump to the
 * entry point (a tail call, nothing kept across it: the signing path pays
 * less than a call to pf_log_get_level would cost).
 */
static _Atomic int trace_on;

#define P11_IS_INIT(name) (__builtin_strcmp(#name, "C_Initialize") == 0)

#define P11_TRACED(name, params)                                                           \
	CK_RV p11_traced_##name params                                                     \
	{                                                                                  \
		if (!P11_IS_INIT(name) && !atomic_load_explicit(&trace_on, memory_order_relaxed)) \
			return name P11_ARGS_##name;                                       \
		CK_RV rv = name P11_ARGS_##name;                                           \
		if (P11_IS_INIT(name))                                                     \
			atomic_store_explicit(&trace_on, pf_log_get_level() >= PF_LOG_DEBUG, \
			                      memory_order_relaxed);                       \
		if (atomic_load_explicit(&trace_on, memory_order_relaxed))                 \
			trace(#name, P11_FIRST_NAME(P11_ARGS_##name), (uintptr_t)P11_FIRST(P11_ARGS_##name), rv); \
		return rv;                                                                 \
	}
CK_PF_FUNCTIONS_2_40(P11_TRACED)
CK_PF_FUNCTIONS_3_0(P11_TRACED)
