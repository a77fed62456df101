/*
 * mech_aes.c - the AES block modes CKM_AES_ECB, CKM_AES_CBC and
 * CKM_AES_CBC_PAD: one family object each (their parameter and data rules
 * differ), and the helpers every cipher family shares.
 */
#include "config.h"

#include "mech/mech_local.h"

CK_RV mech_no_param(const CK_MECHANISM *m)
{
	return m->ulParameterLen == 0 ? CKR_OK : CKR_MECHANISM_PARAM_INVALID;
}

CK_RV mech_len_range(const mech_op *op)
{
	return op->kind == MECH_OP_ENCRYPT ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
}

static CK_RV ecb_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	(void)kind;
	p->u.cipher.mode = (se_cipher_mode)d->variant;
	return mech_no_param(m);
}

/* CK_MECHANISM.pParameter is the 16-byte IV. */
static CK_RV cbc_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	(void)kind;
	if (m->pParameter == NULL || m->ulParameterLen != PF_AES_BLOCK)
		return CKR_MECHANISM_PARAM_INVALID;
	p->u.cipher.mode = (se_cipher_mode)d->variant;
	p->u.cipher.iv = m->pParameter;
	p->u.cipher.iv_len = PF_AES_BLOCK;
	return CKR_OK;
}

/* No padding: a single-part message is whole blocks. Updates may carry partial
 * blocks; the backend checks the total at final. */
static CK_RV whole_blocks(const mech_op *op, CK_ULONG in_len, int single)
{
	if (!single)
		return CKR_OK;
	return in_len % PF_AES_BLOCK == 0 ? CKR_OK : mech_len_range(op);
}

/* PKCS#7: any plaintext; a ciphertext is one or more whole blocks. */
static CK_RV padded_blocks(const mech_op *op, CK_ULONG in_len, int single)
{
	if (!single || op->kind == MECH_OP_ENCRYPT)
		return CKR_OK;
	return (in_len != 0 && in_len % PF_AES_BLOCK == 0) ? CKR_OK : mech_len_range(op);
}

const mech_family mech_fam_aes_ecb = {
	.name = "aes-ecb",
	.se_fam = SE_FAM_CIPHER,
	.parse = ecb_parse,
	.check_data = whole_blocks,
};

const mech_family mech_fam_aes_cbc = {
	.name = "aes-cbc",
	.se_fam = SE_FAM_CIPHER,
	.parse = cbc_parse,
	.check_data = whole_blocks,
};

const mech_family mech_fam_aes_cbc_pad = {
	.name = "aes-cbc-pad",
	.se_fam = SE_FAM_CIPHER,
	.parse = cbc_parse,
	.check_data = padded_blocks,
};
