/*
 * mech_aes_ccm.c - CKM_AES_CCM (NIST SP 800-38C; PKCS#11 3.0 2.14.8):
 * CK_CCM_PARAMS and the data rules that follow from CCM needing the whole
 * message length before the first byte (ulDataLen).
 *
 *   ulNonceLen 7..13, ulMACLen 4..16 and even, pAAD/ulAADLen any (NULL only
 *   with 0), ulDataLen representable in the 15 - ulNonceLen length bytes.
 *   Encrypt: the plaintext is exactly ulDataLen bytes, the output
 *   ciphertext || tag. Decrypt: the input is exactly ulDataLen + ulMACLen
 *   bytes; nothing is released before the tag is checked.
 * Multi-part calls are allowed and buffer in the backend: the total given to
 * the updates may not pass the expected length, and must reach it at final.
 */
#include "config.h"

#include "mech/mech_local.h"

#define CCM_NONCE_MIN 7u
#define CCM_NONCE_MAX 13u
#define CCM_TAG_MIN 4u
#define CCM_TAG_MAX 16u

/* CCM encodes the message length in 15 - nonce bytes (SP 800-38C A.1). */
static int data_len_fits(CK_ULONG data_len, CK_ULONG nonce_len)
{
	unsigned q = 15u - (unsigned)nonce_len; /* 2..8 */

	return q >= sizeof(CK_ULONG) || (data_len >> (8u * q)) == 0;
}

/* The nonce, MAC and length rules both parameters share. */
static int ccm_lengths_ok(const void *nonce, CK_ULONG nonce_len, CK_ULONG mac_len, CK_ULONG data_len)
{
	return nonce != NULL && nonce_len >= CCM_NONCE_MIN && nonce_len <= CCM_NONCE_MAX &&
	       mac_len >= CCM_TAG_MIN && mac_len <= CCM_TAG_MAX && mac_len % 2 == 0 &&
	       data_len_fits(data_len, nonce_len);
}

static void ccm_fill(const uint8_t *nonce, CK_ULONG nonce_len, const uint8_t *aad, size_t aad_len,
                     CK_ULONG mac_len, CK_ULONG data_len, se_op_params *p)
{
	p->u.cipher.iv = nonce;
	p->u.cipher.iv_len = nonce_len;
	p->u.cipher.aad = aad;
	p->u.cipher.aad_len = aad_len;
	p->u.cipher.tag_len = mac_len;
	p->u.cipher.data_len = data_len;
	p->u.cipher.tag_out = NULL;
}

static CK_RV ccm_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                       se_op_params *p)
{
	const CK_CCM_PARAMS *c = m->pParameter;

	(void)kind;
	(void)d;
	if (c == NULL || m->ulParameterLen != sizeof(CK_CCM_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (!ccm_lengths_ok(c->pNonce, c->ulNonceLen, c->ulMACLen, c->ulDataLen))
		return CKR_MECHANISM_PARAM_INVALID;
	if (c->pAAD == NULL && c->ulAADLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	ccm_fill(c->pNonce, c->ulNonceLen, c->pAAD, c->ulAADLen, c->ulMACLen, c->ulDataLen, p);
	return CKR_OK;
}

/* C_EncryptMessage / C_DecryptMessage: the AAD is the call's, the MAC goes to
 * (encrypt) or comes from (decrypt) pMAC, the nonce as nonceGenerator says. */
static CK_RV ccm_parse_message(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                               mech_msg_data *md, mech_op *op, se_op_params *p)
{
	const CK_CCM_MESSAGE_PARAMS *c = m->pParameter;
	CK_RV rv;

	(void)d;
	if (c == NULL || m->ulParameterLen != sizeof(CK_CCM_MESSAGE_PARAMS))
		return CKR_MECHANISM_PARAM_INVALID;
	if (!ccm_lengths_ok(c->pNonce, c->ulNonceLen, c->ulMACLen, c->ulDataLen) || c->pMAC == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	rv = mech_msg_make_iv(op, kind, c->nonceGenerator, c->ulNonceFixedBits, c->pNonce, c->ulNonceLen);
	if (rv != CKR_OK)
		return rv;
	ccm_fill(c->pNonce, c->ulNonceLen, md->aad, md->aad_len, c->ulMACLen, c->ulDataLen, p);
	if (kind == MECH_OP_ENCRYPT)
		p->u.cipher.tag_out = c->pMAC;
	else
		md->tag_in = c->pMAC;
	md->tag_len = c->ulMACLen;
	return CKR_OK;
}

/* The input the operation takes: the plaintext, or the ciphertext and its tag. */
static void ccm_keep(mech_op *op, const se_op_params *p)
{
	op->tag_len = p->u.cipher.tag_len;
	op->expect_len = (uint64_t)p->u.cipher.data_len +
	                 (op->kind == MECH_OP_DECRYPT ? p->u.cipher.tag_len : 0);
}

static CK_RV ccm_check_data(const mech_op *op, CK_ULONG in_len, int single)
{
	if (single)
		return in_len == op->expect_len ? CKR_OK : mech_len_range(op);
	return in_len <= op->expect_len - op->total_in ? CKR_OK : mech_len_range(op);
}

static CK_RV ccm_check_final(const mech_op *op)
{
	return op->total_in == op->expect_len ? CKR_OK : mech_len_range(op);
}

const mech_family mech_fam_aes_ccm = {
	.name = "aes-ccm",
	.se_fam = SE_FAM_AES_CCM,
	.parse = ccm_parse,
	.keep = ccm_keep,
	.check_data = ccm_check_data,
	.check_final = ccm_check_final,
	.msg_flags = CKF_MESSAGE_ENCRYPT | CKF_MESSAGE_DECRYPT,
	.parse_message = ccm_parse_message,
};
