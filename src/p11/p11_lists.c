/*
 * p11_lists.c - the static function tables: the 2.40 list (C_GetFunctionList)
 * and the 3.0 list (C_GetInterface "PKCS 11" 3.0).
 */
#include "config.h"
#include "p11/p11_lists.h"
#include "p11/p11_trace.h"

/* The entries come from the header's one ordered list of functions, so the
 * two tables cannot drift from the standard's order or from each other. Each
 * is the entry point's trace wrapper (p11_trace.h). */
#define P11_ENTRY(name, params) .name = p11_traced_##name,

const CK_FUNCTION_LIST p11_function_list_2_40 = {
	.version = {2, 40},
	CK_PF_FUNCTIONS_2_40(P11_ENTRY)
};

const CK_FUNCTION_LIST_3_0 p11_function_list_3_0 = {
	.version = {3, 0},
	CK_PF_FUNCTIONS_2_40(P11_ENTRY)
	CK_PF_FUNCTIONS_3_0(P11_ENTRY)
};
