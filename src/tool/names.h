/*
 * names.h - printable names of mechanisms, object classes and key types, for
 * the listing commands.
 */
#ifndef PORTFOLIO_TOOL_NAMES_H
#define PORTFOLIO_TOOL_NAMES_H

#include "pkcs11/portfolio.h"

/* NULL when unknown. */
const char *mechanism_name(CK_MECHANISM_TYPE m);
const char *class_name(CK_OBJECT_CLASS c);
const char *key_type_name(CK_KEY_TYPE k);

#endif
