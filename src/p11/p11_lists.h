/*
 * p11_lists.h - the module's function tables (generated order-free with
 * designated initialisers, so they cannot drift from the header's layout).
 */
#ifndef PORTFOLIO_P11_LISTS_H
#define PORTFOLIO_P11_LISTS_H

#include "pkcs11/pkcs11.h"

extern const CK_FUNCTION_LIST p11_function_list_2_40;
extern const CK_FUNCTION_LIST_3_0 p11_function_list_3_0;

#endif
