/*
 * rv.h - PKCS#11 return values in words: every failure the tool reports names
 * the CKR_ constant, its hex value and what it usually means for this module.
 */
#ifndef PORTFOLIO_TOOL_RV_H
#define PORTFOLIO_TOOL_RV_H

#include "pkcs11/portfolio.h"
#include "util/ckr_name.h" /* the names: pf_ckr_name_str */

/* A short explanation, never NULL. */
const char *rv_explain(CK_RV rv);

/* Prints "portfolio-tool: <what> failed: CKR_X (0x...): explanation" to
 * stderr and returns TOOL_EXIT_FAILURE, so callers can `return rv_fail(...)`. */
int rv_fail(const char *what, CK_RV rv);

#endif
