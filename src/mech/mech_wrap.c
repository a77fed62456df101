/*
 * mech_wrap.c - the rules of the key-transport mechanisms that the standard
 * fixes before anything is computed. What a key may wrap, and the wrap itself,
 * are the secure component's (se.h item_wrap / item_unwrap).
 */
#include "config.h"

#include <string.h>

#include "mech/mech_local.h"
#include "mech/mech_wrap.h"

/* RFC 3394 2.2.3.1: the default initial value. */
static const uint8_t kw_default_iv[8] = {0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6};

static CK_RV check_param(const CK_MECHANISM *m)
{
	if (m->ulParameterLen == 0)
		return CKR_OK;
	/* PKCS#11 3.0 2.14.3: CKM_AES_KEY_WRAP takes an optional IV; only the default is offered. */
	if (m->mechanism == CKM_AES_KEY_WRAP && m->pParameter != NULL &&
	    m->ulParameterLen == sizeof kw_default_iv &&
	    memcmp(m->pParameter, kw_default_iv, sizeof kw_default_iv) == 0)
		return CKR_OK;
	return CKR_MECHANISM_PARAM_INVALID;
}

CK_RV mech_wrap_check(const CK_MECHANISM *m, CK_FLAGS flag, const mech_key *kek)
{
	const mech_desc *d = m != NULL ? mech_find(m->mechanism) : NULL;
	int wrap = flag == CKF_WRAP;
	if (d == NULL || d->fam != MECH_FAM_WRAP || (d->flags & flag) == 0)
		return CKR_MECHANISM_INVALID;
	CK_RV rv = check_param(m);
	if (rv != CKR_OK)
		return rv;
	if (kek->cls != CKO_SECRET_KEY || kek->type != d->key_type)
		return wrap ? CKR_WRAPPING_KEY_TYPE_INCONSISTENT : CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	if (!mech_key_size_ok(d, kek->value_len))
		return wrap ? CKR_WRAPPING_KEY_SIZE_RANGE : CKR_UNWRAPPING_KEY_SIZE_RANGE;
	return CKR_OK;
}
