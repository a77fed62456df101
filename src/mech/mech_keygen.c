/*
 * mech_keygen.c - CKM_AES_KEY_GEN and CKM_GENERIC_SECRET_KEY_GEN: what may be
 * generated. The core calls this with the template's CKA_KEY_TYPE (or
 * CK_UNAVAILABLE_INFORMATION when the template has none) and CKA_VALUE_LEN
 * (0 when absent).
 */
#include "config.h"

#include "mech/mech_local.h"
#include "util/sizes.h"

CK_RV mech_keygen_check(const CK_MECHANISM *m, CK_KEY_TYPE key_type, CK_ULONG value_len,
                        se_item_kind *kind)
{
	const mech_desc *d;

	if (m == NULL || kind == NULL)
		return CKR_ARGUMENTS_BAD;
	d = mech_find(m->mechanism);
	if (d == NULL || d->fam != &mech_fam_keygen)
		return CKR_MECHANISM_INVALID;
	if (mech_no_param(m) != CKR_OK)
		return CKR_MECHANISM_PARAM_INVALID;
	if (key_type != CK_UNAVAILABLE_INFORMATION && key_type != d->key_type)
		return CKR_TEMPLATE_INCONSISTENT;
	if (value_len == 0)
		return CKR_TEMPLATE_INCOMPLETE; /* both mechanisms need CKA_VALUE_LEN */
	if (d->key_type == CKK_AES) {
		if (!pf_aes_key_len_ok(value_len))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		*kind = SE_ITEM_AES_KEY;
	} else {
		if (value_len < d->min_key || value_len > d->max_key)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		*kind = SE_ITEM_GENERIC_SECRET;
	}
	return CKR_OK;
}

/* Key generation is not a streaming operation: no op hooks. */
const mech_family mech_fam_keygen = {
	.name = "keygen",
	.se_fam = SE_FAM_NONE,
};
