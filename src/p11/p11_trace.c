/* p11_trace.c - the C_* call trace (p11_trace.h). */
#include "config.h"
#include "p11/p11_trace.h"
#include "src/p11/p11_trace_args.h"
#include "util/ckr_name.h"
#include "util/log.h"

static void trace(const char *name, CK_RV rv)
{
	if (pf_log_get_level() >= PF_LOG_DEBUG)
		PF_DEBUG("%s -> %s (0x%lx)", name, pf_ckr_name_str(rv), (unsigned long)rv);
}

#define P11_TRACED(name, params)                    \
	CK_RV p11_traced_##name params                  \
	{                                               \
		CK_RV rv = name P11_ARGS_##name;            \
		trace(#name, rv);                           \
		return rv;                                  \
	}
CK_PF_FUNCTIONS_2_40(P11_TRACED)
CK_PF_FUNCTIONS_3_0(P11_TRACED)
