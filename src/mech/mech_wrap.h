/*
 * mech_wrap.h - the key-transport mechanisms (C_WrapKey / C_UnwrapKey): which
 * ones, and their parameter and key rules before the secure component computes.
 */
#ifndef PORTFOLIO_MECH_WRAP_H
#define PORTFOLIO_MECH_WRAP_H

#include "mech/mech.h"

/* m for a wrap (flag CKF_WRAP) or unwrap (CKF_UNWRAP) under kek:
 * CKR_MECHANISM_INVALID (not a wrap mechanism of this module),
 * CKR_MECHANISM_PARAM_INVALID (a parameter other than none, or for
 * CKM_AES_KEY_WRAP the RFC 3394 default IV), the (un)wrapping key's type
 * (CKR_WRAPPING_KEY_TYPE_INCONSISTENT / CKR_UNWRAPPING_...) and size
 * (CKR_WRAPPING_KEY_SIZE_RANGE / CKR_UNWRAPPING_KEY_SIZE_RANGE). */
CK_RV mech_wrap_check(const CK_MECHANISM *m, CK_FLAGS flag, const mech_key *kek);

#endif
