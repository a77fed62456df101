/*
 * p11_trace.h - the function tables point at one generated wrapper per C_*
 * function: it calls the entry point and, at log level debug, logs the call
 * with the session or slot it names and its return code's name
 * (src/util/ckr_name.c): C_Sign(hSession=...) = CKR_OK (0x0). Below debug it
 * costs one load, one branch and a tail jump: no system call, no allocation
 * on the signing path.
 * Callers that dlsym() a C_* symbol directly bypass it.
 */
#ifndef PORTFOLIO_P11_TRACE_H
#define PORTFOLIO_P11_TRACE_H

#include "pkcs11/pkcs11.h"

#define P11_TRACED_DECL(name, params) CK_RV p11_traced_##name params;
CK_PF_FUNCTIONS_2_40(P11_TRACED_DECL)
CK_PF_FUNCTIONS_3_0(P11_TRACED_DECL)
#undef P11_TRACED_DECL

#endif
