/*
 * ckr_name.h - PKCS#11 return codes by name ("CKR_PIN_INCORRECT"), from one
 * table for every part of the project (design: "one place for each thing").
 */
#ifndef PORTFOLIO_UTIL_CKR_NAME_H
#define PORTFOLIO_UTIL_CKR_NAME_H

#include "pkcs11/pkcs11.h"

/* The constant's name, or NULL for a value the standard does not define. */
const char *pf_ckr_name_or_null(CK_RV rv);
/* The name, or "CKR_?" ("CKR_VENDOR_DEFINED+?" above the vendor base): never NULL. */
const char *pf_ckr_name_str(CK_RV rv);

#endif
