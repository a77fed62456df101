/*
 * mech_derive.c - the C_DeriveKey mechanisms' parameters: PKCS#11 3.0's
 * CK_SP800_108_KDF_PARAMS / CK_SP800_108_FEEDBACK_KDF_PARAMS, CK_HKDF_PARAMS,
 * CK_PORTFOLIO_DIVERSIFY_PARAMS and CK_PORTFOLIO_ONEM2M_CONF_PARAMS, checked and turned into se_derive_params
 * (docs/kdf.md maps the fields one to one). Every malformed parameter is
 * CKR_MECHANISM_PARAM_INVALID; a base key the PRF cannot take is
 * CKR_KEY_TYPE_INCONSISTENT. The secure component checks again what it relies
 * on (emu_derive.c); nothing is computed here.
 */
#include "config.h"

#include <string.h>

#include "mech/mech_local.h"

/* PRF mechanisms of SP 800-108 and the key type each takes. */
static const struct {
	CK_MECHANISM_TYPE prf;
	pf_mac_alg alg;
	CK_KEY_TYPE key_type;
} prfs[] = {
	{CKM_AES_CMAC, PF_MAC_CMAC_AES, CKK_AES},
	{CKM_SHA256_HMAC, PF_MAC_HMAC_SHA256, CKK_GENERIC_SECRET},
	{CKM_SHA384_HMAC, PF_MAC_HMAC_SHA384, CKK_GENERIC_SECRET},
	{CKM_SHA512_HMAC, PF_MAC_HMAC_SHA512, CKK_GENERIC_SECRET},
};

/* HKDF's prfHashMechanism. */
static const struct {
	CK_MECHANISM_TYPE hash;
	pf_md_alg md;
} hkdf_hashes[] = {
	{CKM_SHA256, PF_MD_SHA256},
	{CKM_SHA384, PF_MD_SHA384},
	{CKM_SHA512, PF_MD_SHA512},
};

/* A parameter of exactly type T, or NULL. */
#define PARAM_AS(m, T) ((m)->pParameter != NULL && (m)->ulParameterLen == sizeof(T) ? (const T *)(m)->pParameter : NULL)

static CK_RV bytes_ok(const void *p, CK_ULONG len)
{
	return p == NULL && len != 0 ? CKR_MECHANISM_PARAM_INVALID : CKR_OK;
}

static CK_RV counter_format(const CK_PRF_DATA_PARAM *dp, pf_kbkdf_field *f)
{
	if (dp->pValue == NULL || dp->ulValueLen != sizeof(CK_SP800_108_COUNTER_FORMAT))
		return CKR_MECHANISM_PARAM_INVALID;
	const CK_SP800_108_COUNTER_FORMAT *cf = dp->pValue;
	f->width_bits = (unsigned)cf->ulWidthInBits;
	f->little_endian = cf->bLittleEndian != CK_FALSE;
	return cf->ulWidthInBits > 64 ? CKR_MECHANISM_PARAM_INVALID : CKR_OK;
}

/* One CK_PRF_DATA_PARAM as one pf_kbkdf_field; the rules between fields
 * (exactly one iteration variable, widths...) are pf_kbkdf_check's. */
static CK_RV data_param(const CK_PRF_DATA_PARAM *dp, pf_kbkdf_mode mode, pf_kbkdf_field *f)
{
	memset(f, 0, sizeof *f);
	switch (dp->type) {
	case CK_SP800_108_ITERATION_VARIABLE:
		f->type = PF_KBKDF_ITERATION;
		if (mode == PF_KBKDF_MODE_FEEDBACK) /* K(i-1): no format */
			return dp->pValue == NULL && dp->ulValueLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
		return counter_format(dp, f);
	case CK_SP800_108_OPTIONAL_COUNTER:
		f->type = PF_KBKDF_OPTIONAL_COUNTER;
		return counter_format(dp, f);
	case CK_SP800_108_DKM_LENGTH: {
		if (dp->pValue == NULL || dp->ulValueLen != sizeof(CK_SP800_108_DKM_LENGTH_FORMAT))
			return CKR_MECHANISM_PARAM_INVALID;
		const CK_SP800_108_DKM_LENGTH_FORMAT *lf = dp->pValue;
		if (lf->ulWidthInBits > 64 || (lf->dkmLengthMethod != CK_SP800_108_DKM_LENGTH_SUM_OF_KEYS &&
		                               lf->dkmLengthMethod != CK_SP800_108_DKM_LENGTH_SUM_OF_SEGMENTS))
			return CKR_MECHANISM_PARAM_INVALID;
		f->type = PF_KBKDF_DKM_LENGTH;
		f->width_bits = (unsigned)lf->ulWidthInBits;
		f->little_endian = lf->bLittleEndian != CK_FALSE;
		f->dkm_method = (pf_kbkdf_dkm_method)lf->dkmLengthMethod;
		return CKR_OK;
	}
	case CK_SP800_108_BYTE_ARRAY:
		f->type = PF_KBKDF_BYTES;
		f->bytes = dp->ulValueLen != 0 ? dp->pValue : NULL;
		f->len = dp->ulValueLen;
		return bytes_ok(dp->pValue, dp->ulValueLen);
	default:
		return CKR_MECHANISM_PARAM_INVALID;
	}
}

/* The parts counter and feedback parameters share. */
static CK_RV kbkdf_common(mech_derive *out, const mech_key *base, CK_MECHANISM_TYPE prf, CK_ULONG n,
                          const CK_PRF_DATA_PARAM *dps, CK_ULONG n_additional)
{
	pf_kbkdf_params *kp = &out->p.kbkdf;
	size_t i = 0;
	while (i < sizeof prfs / sizeof prfs[0] && prfs[i].prf != prf)
		i++;
	/* additional derived keys: not offered (docs/kdf.md, SUM_OF_SEGMENTS layout) */
	if (i == sizeof prfs / sizeof prfs[0] || n == 0 || n > PF_KBKDF_MAX_FIELDS || dps == NULL ||
	    n_additional != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	if (base->type != prfs[i].key_type)
		return CKR_KEY_TYPE_INCONSISTENT;
	kp->prf = prfs[i].alg;
	for (CK_ULONG k = 0; k < n; k++) {
		CK_RV rv = data_param(&dps[k], kp->mode, &out->fields[k]);
		if (rv != CKR_OK)
			return rv;
	}
	kp->fields = out->fields;
	kp->n_fields = n;
	out->p.kind = SE_DERIVE_KBKDF;
	/* the structure now; what depends on the length again when it is known */
	return pf_kbkdf_check(kp, 1) == PF_CRYPTO_OK ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
}

static CK_RV parse_counter(const CK_MECHANISM *m, const mech_key *base, mech_derive *out)
{
	const CK_SP800_108_KDF_PARAMS *kp = PARAM_AS(m, CK_SP800_108_KDF_PARAMS);
	if (kp == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	out->p.kbkdf.mode = PF_KBKDF_MODE_COUNTER;
	return kbkdf_common(out, base, kp->prfType, kp->ulNumberOfDataParams, kp->pDataParams,
	                    kp->ulAdditionalDerivedKeys);
}

static CK_RV parse_feedback(const CK_MECHANISM *m, const mech_key *base, mech_derive *out)
{
	const CK_SP800_108_FEEDBACK_KDF_PARAMS *fp = PARAM_AS(m, CK_SP800_108_FEEDBACK_KDF_PARAMS);
	if (fp == NULL || bytes_ok(fp->pIV, fp->ulIVLen) != CKR_OK)
		return CKR_MECHANISM_PARAM_INVALID;
	out->p.kbkdf.mode = PF_KBKDF_MODE_FEEDBACK;
	out->p.kbkdf.iv = fp->ulIVLen != 0 ? fp->pIV : NULL;
	out->p.kbkdf.iv_len = fp->ulIVLen;
	return kbkdf_common(out, base, fp->prfType, fp->ulNumberOfDataParams, fp->pDataParams,
	                    fp->ulAdditionalDerivedKeys);
}

/* Salt of an extracting HKDF: exactly one CKF_HKDF_SALT_* kind. */
static CK_RV hkdf_salt(const CK_HKDF_PARAMS *hp, mech_derive *out)
{
	switch (hp->ulSaltType) {
	case CKF_HKDF_SALT_NULL:
		return CKR_OK; /* HashLen zeros (RFC 5869 2.2) */
	case CKF_HKDF_SALT_DATA:
		if (hp->pSalt == NULL || hp->ulSaltLen == 0)
			return CKR_MECHANISM_PARAM_INVALID;
		out->p.salt = hp->pSalt;
		out->p.salt_len = hp->ulSaltLen;
		return CKR_OK;
	case CKF_HKDF_SALT_KEY:
		if (hp->hSaltKey == CK_INVALID_HANDLE)
			return CKR_MECHANISM_PARAM_INVALID;
		out->salt_key = hp->hSaltKey; /* the core turns it into an item */
		return CKR_OK;
	default:
		return CKR_MECHANISM_PARAM_INVALID;
	}
}

static CK_RV parse_hkdf(const CK_MECHANISM *m, mech_derive *out)
{
	const CK_HKDF_PARAMS *hp = PARAM_AS(m, CK_HKDF_PARAMS);
	size_t i = 0;
	if (hp == NULL || (!hp->bExtract && !hp->bExpand))
		return CKR_MECHANISM_PARAM_INVALID;
	while (i < sizeof hkdf_hashes / sizeof hkdf_hashes[0] && hkdf_hashes[i].hash != hp->prfHashMechanism)
		i++;
	if (i == sizeof hkdf_hashes / sizeof hkdf_hashes[0] || bytes_ok(hp->pInfo, hp->ulInfoLen) != CKR_OK)
		return CKR_MECHANISM_PARAM_INVALID;
	out->p.kind = SE_DERIVE_HKDF;
	out->p.hkdf_md = hkdf_hashes[i].md;
	out->p.hkdf_mode = !hp->bExpand  ? PF_HKDF_EXTRACT_ONLY
	                   : hp->bExtract ? PF_HKDF_EXTRACT_AND_EXPAND
	                                  : PF_HKDF_EXPAND_ONLY;
	if (hp->bExpand) {
		out->p.info = hp->ulInfoLen != 0 ? hp->pInfo : NULL;
		out->p.info_len = hp->ulInfoLen;
	}
	if (!hp->bExpand) /* the PRK: exactly HashLen bytes */
		out->value_len = pf_md_size(out->p.hkdf_md);
	return hp->bExtract ? hkdf_salt(hp, out) : CKR_OK;
}

CK_RV mech_div_device_check(const CK_PORTFOLIO_DIVERSIFY_PARAMS *dp)
{
	if (dp->pDeviceId == NULL || dp->ulDeviceIdLen == 0 || dp->ulDeviceIdLen > CK_PORTFOLIO_MAX_DEVICE_ID ||
	    dp->ulInstance > 0xFFFFFFFFUL || dp->ulKeyIndex > 0xFFFFFFFFUL)
		return CKR_MECHANISM_PARAM_INVALID;
	return CKR_OK;
}

static CK_RV parse_diversify(const CK_MECHANISM *m, const mech_key *base, mech_derive *out)
{
	const CK_PORTFOLIO_DIVERSIFY_PARAMS *dp = PARAM_AS(m, CK_PORTFOLIO_DIVERSIFY_PARAMS);
	if (dp == NULL || mech_div_device_check(dp) != CKR_OK)
		return CKR_MECHANISM_PARAM_INVALID;
	if (base->type != CKK_AES)
		return CKR_KEY_TYPE_INCONSISTENT;
	out->p.kind = SE_DERIVE_PORTFOLIO;
	out->p.device_id = dp->pDeviceId;
	out->p.device_id_len = dp->ulDeviceIdLen;
	out->p.instance = dp->ulInstance;
	out->key_index = dp->ulKeyIndex;
	return CKR_OK;
}

/* T(2) of the oneM2M chain: the hash and the handle of T(1); the lengths of
 * both keys are the component's to check (it alone sees T(1)'s value). */
static CK_RV parse_onem2m_conf(const CK_MECHANISM *m, const mech_key *base, mech_derive *out)
{
	const CK_PORTFOLIO_ONEM2M_CONF_PARAMS *op = PARAM_AS(m, CK_PORTFOLIO_ONEM2M_CONF_PARAMS);
	size_t i = 0;
	if (op == NULL || op->hPrevious == CK_INVALID_HANDLE)
		return CKR_MECHANISM_PARAM_INVALID;
	while (i < sizeof hkdf_hashes / sizeof hkdf_hashes[0] && hkdf_hashes[i].hash != op->hashMechanism)
		i++;
	if (i == sizeof hkdf_hashes / sizeof hkdf_hashes[0])
		return CKR_MECHANISM_PARAM_INVALID;
	if (base->type != CKK_GENERIC_SECRET)
		return CKR_KEY_TYPE_INCONSISTENT;
	out->p.kind = SE_DERIVE_ONEM2M_CONF;
	out->p.hkdf_md = hkdf_hashes[i].md;
	out->prev_key = op->hPrevious; /* the core turns it into an item */
	out->value_len = pf_md_size(out->p.hkdf_md); /* one hash output */
	return CKR_OK;
}

CK_RV mech_derive_parse(const CK_MECHANISM *m, const mech_key *base, mech_derive *out)
{
	if (m == NULL || base == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(out, 0, sizeof *out);
	const mech_desc *d = mech_find(m->mechanism);
	if (d == NULL || d->fam != &mech_fam_derive || (d->flags & CKF_DERIVE) == 0)
		return CKR_MECHANISM_INVALID;
	if (base->cls != CKO_SECRET_KEY)
		return CKR_KEY_TYPE_INCONSISTENT;
	switch (m->mechanism) {
	case CKM_SP800_108_COUNTER_KDF: return parse_counter(m, base, out);
	case CKM_SP800_108_FEEDBACK_KDF: return parse_feedback(m, base, out);
	case CKM_HKDF_DERIVE: return parse_hkdf(m, out);
	case CKM_PORTFOLIO_DIVERSIFY: return parse_diversify(m, base, out);
	case CKM_PORTFOLIO_ONEM2M_CONF: return parse_onem2m_conf(m, base, out);
	default: return CKR_MECHANISM_INVALID;
	}
}

/* Derivation is not a streaming operation: no op hooks (found by its address). */
const mech_family mech_fam_derive = {
	.name = "derive",
	.se_fam = SE_FAM_NONE,
};
