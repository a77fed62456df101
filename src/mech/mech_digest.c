/*
 * mech_digest.c - CKM_SHA_1, CKM_SHA224/256/384/512: no key, no secure
 * component; computed with src/crypto in a context the session keeps. The
 * row's variant is the pf_md_alg, its out_len the digest length.
 */
#include "config.h"

#include "mech/mech_local.h"

static CK_RV digest_init(mech_op *op, const mech_desc *d)
{
	if (op->digest_ctx == NULL && (op->digest_ctx = pf_digest_new()) == NULL)
		return CKR_HOST_MEMORY;
	if (pf_digest_init(op->digest_ctx, (pf_md_alg)d->variant) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	op->mac_len = d->out_len;
	return CKR_OK;
}

static CK_RV digest_update(mech_op *op, const uint8_t *in, CK_ULONG in_len)
{
	return pf_digest_update(op->digest_ctx, in, in_len) == PF_CRYPTO_OK ? CKR_OK
	                                                                     : CKR_FUNCTION_FAILED;
}

static CK_RV digest_final(mech_op *op, uint8_t *out, CK_ULONG *out_len)
{
	if (pf_digest_final(op->digest_ctx, out) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	*out_len = op->mac_len;
	return CKR_OK;
}

static const mech_local_run digest_run = {
	.init = digest_init,
	.update = digest_update,
	.final = digest_final,
};

const mech_family mech_fam_digest = {
	.name = "digest",
	.se_fam = SE_FAM_NONE,
	.run = &digest_run,
};
