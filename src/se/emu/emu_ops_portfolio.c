/*
 * emu_ops_portfolio.c - the Portfolio constructions in the emulator
 * (normative text: docs/mechanisms.md).
 *
 *   AUTH:  tag = MAC_K( SHA-256(Identity) || Challenge )   CMAC-AES 16 / HMAC-SHA256 32 bytes
 *          SOURCE_TOKEN: the provisioned 32-byte hash item is absorbed at init
 *          SOURCE_DATA:  the identity streams through SHA-256 during update
 *          SOURCE_HASH:  the data is the 32-byte hash, absorbed as it comes
 *   ENC:   GCM: IV(12) || AES-GCM_K(IV, data || Challenge, no AAD) || TAG(16)
 *          CBC: IV(16) || AES-CBC_K(IV, PKCS#7(data || Challenge))
 *          Whole message at final: decryption releases nothing until the tag
 *          (GCM), the padding and the challenge have been checked, and every
 *          such failure is the one code CKR_ENCRYPTED_DATA_INVALID.
 */
#include "config.h"

#include <string.h>

#include "se/emu/emu_ops_local.h"
#include "util/secure.h"

void emu_pf_wipe_buffers(se_op *op)
{
	pf_wipe(op->buf, op->buf_len);
	op->buf_len = 0;
	op->hash_fed = 0;
}

/* ---- init ------------------------------------------------------------------ */

/* Both families: the algorithm, the source and the challenge. */
static CK_RV pf_take(se_op *op, const se_pf_params *p)
{
	op->alg = p->alg;
	op->source = p->source;
	op->hash_fed = 0;
	if (p->challenge == NULL || p->challenge_len == 0 ||
	    p->challenge_len > CK_PORTFOLIO_MAX_CHALLENGE)
		return CKR_MECHANISM_PARAM_INVALID;
	memcpy(EMU_CHALLENGE(op), p->challenge, p->challenge_len);
	op->challenge_len = p->challenge_len;
	return CKR_OK;
}

/* The key of a family whose algorithms are a and b, under the policy
 * op->source implies (set first: CMAC and GCM/CBC take AES keys, HMAC a
 * secret). */
static emu_item *pf_key(se_op *op, const se_pf_params *p, se_pf_alg a, se_pf_alg b, se_ref key, CK_RV *rv)
{
	if (p->alg != a && p->alg != b) {
		*rv = CKR_MECHANISM_INVALID;
		return NULL;
	}
	op->source = p->source;
	return emu_ops_key_item(op, key, p->alg == SE_PF_AUTH_HMAC ? SE_ITEM_GENERIC_SECRET : SE_ITEM_AES_KEY,
	                        rv);
}

/* (inline in auth_init: it is on every signature) */
static inline CK_RV auth_start(se_op *op, const se_pf_params *p, const emu_item *key)
{
	pf_mac_alg alg = p->alg == SE_PF_AUTH_CMAC ? PF_MAC_CMAC_AES : PF_MAC_HMAC_SHA256;
	CK_RV rv = pf_take(op, p);

	if (rv != CKR_OK)
		return rv;
	if (alg == PF_MAC_CMAC_AES && key->len != 16 && key->len != 32)
		return CKR_KEY_SIZE_RANGE;
	op->mac_len = alg == PF_MAC_CMAC_AES ? EMU_PF_TAG : PF_SHA256_SIZE; /* the full MAC */
	rv = emu_ops_mac_start(op, alg, key);
	if (rv != CKR_OK)
		return rv;
	switch (p->source) {
	case CKP_PORTFOLIO_SOURCE_TOKEN: {
		emu_item *id = emu_policy_identity_hash(op->tok, p);
		if (id == NULL)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(op->msg, id->value, PF_SHA256_SIZE); /* absorbed with the challenge at final */
		break;
	}
	case CKP_PORTFOLIO_SOURCE_DATA:
		if (op->digest == NULL && (op->digest = pf_digest_new()) == NULL)
			return CKR_HOST_MEMORY;
		if (pf_digest_init(op->digest, PF_MD_SHA256) != PF_CRYPTO_OK)
			return CKR_FUNCTION_FAILED;
		break;
	case CKP_PORTFOLIO_SOURCE_HASH:
		break;
	default:
		return CKR_MECHANISM_PARAM_INVALID;
	}
	return CKR_OK;
}

static CK_RV auth_init(se_op *op, const se_op_params *params, se_ref key_ref)
{
	CK_RV rv;
	emu_item *key = pf_key(op, &params->u.pf, SE_PF_AUTH_CMAC, SE_PF_AUTH_HMAC, key_ref, &rv);

	return key != NULL ? auth_start(op, &params->u.pf, key) : rv;
}

CK_RV emu_pf_auth_start(se_op *op, const se_pf_params *p, const emu_item *key)
{
	return auth_start(op, p, key);
}

CK_RV emu_pf_enc_start(se_op *op, const se_pf_params *p, se_ref key_ref, uint64_t key_serial)
{
	CK_RV rv = pf_take(op, p);

	if (rv != CKR_OK)
		return rv;
	op->key_ref = key_ref;
	op->buf_len = 0;
	op->key_serial = key_serial;
	if (op->kind == SE_OP_DECRYPT) {
		/* the source names where plaintext comes from; a decryption has none */
		if (p->source != 0 && p->source != CKP_PORTFOLIO_SOURCE_DATA)
			return CKR_MECHANISM_PARAM_INVALID;
		return CKR_OK;
	}
	switch (p->source) {
	case CKP_PORTFOLIO_SOURCE_DATA:
		return CKR_OK;
	case CKP_PORTFOLIO_SOURCE_TOKEN: {
		emu_item *id = NULL;
		rv = emu_policy_identity_value(op->tok, p, &id);
		if (rv != CKR_OK)
			return rv;
		if (id->len > EMU_PF_MAX_DATA)
			return CKR_DATA_LEN_RANGE;
		return emu_ops_append(&op->buf, &op->buf_cap, &op->buf_len, id->value, id->len);
	}
	default:
		return CKR_MECHANISM_PARAM_INVALID; /* SOURCE_HASH makes no sense for encryption */
	}
}

static CK_RV enc_init(se_op *op, const se_op_params *params, se_ref key_ref)
{
	CK_RV rv;
	emu_item *key = pf_key(op, &params->u.pf, SE_PF_ENC_GCM, SE_PF_ENC_CBC, key_ref, &rv);

	return key != NULL ? emu_pf_enc_start(op, &params->u.pf, key_ref, emu_ops_key_serial(key)) : rv;
}

/* ---- update ---------------------------------------------------------------- */

static CK_RV auth_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out,
                        size_t *out_len)
{
	(void)out;
	if (out_len != NULL)
		*out_len = 0;
	switch (op->source) {
	case CKP_PORTFOLIO_SOURCE_TOKEN:
		return in_len == 0 ? CKR_OK : CKR_DATA_LEN_RANGE; /* the identity is the token's */
	case CKP_PORTFOLIO_SOURCE_DATA:
		return pf_digest_update(op->digest, in, in_len) == PF_CRYPTO_OK ? CKR_OK
		                                                                 : CKR_FUNCTION_FAILED;
	default: /* SOURCE_HASH */
		if (in_len > PF_SHA256_SIZE - op->hash_fed)
			return CKR_DATA_LEN_RANGE;
		op->hash_fed += in_len;
		return pf_mac_update(op->mac, in, in_len) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
	}
}

static CK_RV enc_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	(void)out;
	if (out_len != NULL)
		*out_len = 0; /* everything is written at final */
	if (in_len == 0)
		return CKR_OK;
	if (op->kind == SE_OP_ENCRYPT) {
		if (op->source == CKP_PORTFOLIO_SOURCE_TOKEN)
			return CKR_DATA_LEN_RANGE;
		if (in_len > EMU_PF_MAX_DATA - op->buf_len)
			return CKR_DATA_LEN_RANGE;
	} else if (in_len > EMU_PF_MAX_CIPHER - op->buf_len) {
		return CKR_ENCRYPTED_DATA_LEN_RANGE;
	}
	return emu_ops_append(&op->buf, &op->buf_cap, &op->buf_len, in, in_len);
}

/* ---- output sizes ---------------------------------------------------------- */

static size_t enc_output_len(const se_op *op, size_t data_len)
{
	size_t body = data_len + op->challenge_len;

	if (op->alg == SE_PF_ENC_GCM)
		return EMU_PF_GCM_IV + body + EMU_PF_TAG;
	return EMU_PF_CBC_IV + (body / PF_AES_BLOCK + 1) * PF_AES_BLOCK;
}

static size_t dec_output_bound(const se_op *op, size_t cipher_len)
{
	size_t overhead;

	if (op->alg == SE_PF_ENC_GCM)
		overhead = EMU_PF_GCM_IV + EMU_PF_TAG + op->challenge_len; /* exact */
	else
		overhead = EMU_PF_CBC_IV + 1 + op->challenge_len; /* at least one pad byte */
	return cipher_len > overhead ? cipher_len - overhead : 0;
}

static size_t auth_bound(const se_op *op, size_t in_len, int final)
{
	(void)in_len;
	return final && op->kind == SE_OP_SIGN ? op->mac_len : 0; /* updates only absorb */
}

static size_t enc_bound(const se_op *op, size_t in_len, int final)
{
	if (!final)
		return 0; /* updates only absorb */
	if (op->kind == SE_OP_ENCRYPT)
		return enc_output_len(op, op->buf_len + in_len);
	return dec_output_bound(op, op->buf_len + in_len);
}

/* ---- AUTH final -------------------------------------------------------------- */

/* Absorb what remains (the identity hash unless SOURCE_HASH streamed it, and
 * the challenge, side by side in op->msg) and produce the tag. */
static CK_RV auth_tag(se_op *op, uint8_t *tag)
{
	const uint8_t *rest = op->msg;
	size_t rest_len = PF_SHA256_SIZE + op->challenge_len;

	if (op->source == CKP_PORTFOLIO_SOURCE_DATA) {
		if (pf_digest_final(op->digest, op->msg) != PF_CRYPTO_OK)
			return CKR_FUNCTION_FAILED;
	} else if (op->source == CKP_PORTFOLIO_SOURCE_HASH) {
		if (op->hash_fed != PF_SHA256_SIZE)
			return CKR_DATA_LEN_RANGE;
		rest = EMU_CHALLENGE(op);
		rest_len = op->challenge_len;
	}
	if (pf_mac_update(op->mac, rest, rest_len) != PF_CRYPTO_OK ||
	    pf_mac_final(op->mac, tag, op->mac_len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	return CKR_OK;
}

static CK_RV auth_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	uint8_t tag[PF_MAC_MAX_SIZE];
	CK_RV rv;

	if (sig_len != op->mac_len)
		return CKR_SIGNATURE_LEN_RANGE;
	rv = auth_tag(op, tag);
	if (rv == CKR_OK && !pf_ct_equal(tag, sig, op->mac_len))
		rv = CKR_SIGNATURE_INVALID;
	pf_wipe(tag, sizeof(tag));
	return rv;
}

/* ---- ENC final --------------------------------------------------------------- */

static CK_RV enc_encrypt(se_op *op, const emu_item *key, uint8_t *out, size_t *out_len)
{
	int gcm = op->alg == SE_PF_ENC_GCM;
	size_t iv_len = gcm ? EMU_PF_GCM_IV : EMU_PF_CBC_IV;
	size_t w = iv_len, n;
	int rc;

	if (pf_iv_pool_take(&op->ivs, out, iv_len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	rc = emu_ops_cipher_start(op, gcm ? PF_AES_GCM : PF_AES_CBC_PAD, 1, key, out, iv_len, NULL, 0,
	                          gcm ? EMU_PF_TAG : 0);
	if (rc == PF_CRYPTO_OK)
		rc = pf_cipher_update(op->cipher, op->buf, op->buf_len, out + w, &n);
	if (rc == PF_CRYPTO_OK) {
		w += n;
		rc = pf_cipher_update(op->cipher, EMU_CHALLENGE(op), op->challenge_len, out + w, &n);
	}
	if (rc == PF_CRYPTO_OK) {
		w += n;
		rc = pf_cipher_final(op->cipher, out + w, &n);
	}
	if (rc != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	*out_len = w + n;
	return CKR_OK;
}

/*
 * CBC: check the PKCS#7 padding and the challenge together, in time that does
 * not depend on where the padding check fails, and answer with one code, so
 * the decryptor is not a padding oracle beyond what CBC inherently is.
 * Returns the data length, or -1.
 */
static long cbc_unpad_check(const uint8_t *pt, size_t n, const uint8_t *challenge, size_t clen)
{
	unsigned pad = pt[n - 1];
	unsigned bad = (unsigned)((pad - 1u) >> 8) | (unsigned)((16u - pad) >> 8); /* pad in 1..16 */
	size_t data_end;

	for (unsigned i = 0; i < PF_AES_BLOCK; i++) {
		unsigned in_pad = (unsigned)((i - pad) >> 8) & 1u; /* i < pad */
		bad |= in_pad & (unsigned)((pt[n - 1 - i] ^ pad) != 0);
	}
	bad &= 1u;
	/* on bad padding, still compare something of the same size */
	data_end = n - (bad ? 1 : pad);
	if (data_end < clen)
		return -1;
	bad |= (unsigned)!pf_ct_equal(pt + data_end - clen, challenge, clen);
	return bad ? -1 : (long)(data_end - clen);
}

static CK_RV enc_decrypt(se_op *op, const emu_item *key, uint8_t *out, size_t *out_len)
{
	int gcm = op->alg == SE_PF_ENC_GCM;
	size_t iv_len = gcm ? EMU_PF_GCM_IV : EMU_PF_CBC_IV;
	size_t body = op->buf_len - iv_len, n = 0, n2 = 0;
	long data_len = -1;
	CK_RV rv;
	int rc;

	rv = emu_ops_reserve(&op->scratch, &op->scratch_cap, 0, body);
	if (rv != CKR_OK)
		return rv;
	rc = emu_ops_cipher_start(op, gcm ? PF_AES_GCM : PF_AES_CBC, 0, key, op->buf, iv_len, NULL, 0,
	                          gcm ? EMU_PF_TAG : 0);
	if (rc == PF_CRYPTO_OK)
		rc = pf_cipher_update(op->cipher, op->buf + iv_len, body, op->scratch, &n);
	if (rc == PF_CRYPTO_OK)
		rc = pf_cipher_final(op->cipher, op->scratch + n, &n2);
	n += n2;
	if (rc == PF_CRYPTO_OK) {
		if (gcm)
			data_len = (n >= op->challenge_len &&
			            pf_ct_equal(op->scratch + n - op->challenge_len, EMU_CHALLENGE(op),
			                        op->challenge_len))
			                   ? (long)(n - op->challenge_len)
			                   : -1;
		else
			data_len = cbc_unpad_check(op->scratch, n, EMU_CHALLENGE(op), op->challenge_len);
	}
	if (data_len >= 0) {
		memcpy(out, op->scratch, (size_t)data_len);
		*out_len = (size_t)data_len;
		rv = CKR_OK;
	} else {
		rv = (rc == PF_CRYPTO_OK || rc == PF_CRYPTO_AUTH_FAILED) ? CKR_ENCRYPTED_DATA_INVALID
		                                                         : CKR_FUNCTION_FAILED;
	}
	pf_wipe(op->scratch, body);
	return rv;
}

static CK_RV auth_final(se_op *op, uint8_t *out, size_t *out_len)
{
	CK_RV rv;

	if (out == NULL || *out_len < op->mac_len) {
		*out_len = op->mac_len;
		return CKR_BUFFER_TOO_SMALL;
	}
	/* Straight into the caller's buffer (no copy, no local to wipe on every
	 * signature); a failure must not leave half a tag behind, so it wipes. */
	rv = auth_tag(op, out);
	if (rv == CKR_OK)
		*out_len = op->mac_len;
	else
		pf_wipe(out, op->mac_len);
	return rv;
}

/* What final writes; 0 with *rv set for a ciphertext of impossible length. */
static size_t enc_final_len(const se_op *op, CK_RV *rv)
{
	int gcm = op->alg == SE_PF_ENC_GCM;
	size_t iv_len = gcm ? EMU_PF_GCM_IV : EMU_PF_CBC_IV;

	*rv = CKR_OK;
	if (op->kind == SE_OP_ENCRYPT)
		return enc_output_len(op, op->buf_len);
	/* structurally impossible lengths first (no key needed to see them) */
	if (gcm ? op->buf_len < EMU_PF_GCM_IV + EMU_PF_TAG + op->challenge_len
	        : (op->buf_len < 2 * PF_AES_BLOCK || (op->buf_len - iv_len) % PF_AES_BLOCK != 0)) {
		*rv = CKR_ENCRYPTED_DATA_LEN_RANGE;
		return 0;
	}
	return dec_output_bound(op, op->buf_len);
}

int emu_pf_enc_final_len(const se_op *op, uint8_t *out, size_t *out_len, CK_RV *rv)
{
	size_t need = enc_final_len(op, rv);

	if (*rv != CKR_OK)
		return 1;
	if (out == NULL || *out_len < need) {
		*out_len = need;
		*rv = CKR_BUFFER_TOO_SMALL;
		return 1;
	}
	return 0;
}

CK_RV emu_pf_enc_run(se_op *op, const emu_item *key, uint8_t *out, size_t *out_len)
{
	CK_RV rv = CKR_HOST_MEMORY;

	if (op->cipher != NULL || (op->cipher = pf_cipher_new()) != NULL)
		rv = op->kind == SE_OP_ENCRYPT ? enc_encrypt(op, key, out, out_len)
		                               : enc_decrypt(op, key, out, out_len);
	if (rv != CKR_OK)
		*out_len = 0;
	emu_pf_wipe_buffers(op);
	return rv;
}

static CK_RV enc_final(se_op *op, uint8_t *out, size_t *out_len)
{
	emu_item *key;
	CK_RV rv;

	if (emu_pf_enc_final_len(op, out, out_len, &rv))
		return rv;
	key = emu_ops_key_again(op, SE_ITEM_AES_KEY, &rv);
	if (key == NULL)
		return rv;
	return emu_pf_enc_run(op, key, out, out_len);
}

const emu_fam emu_fam_pf_auth = {
	.service = CK_PORTFOLIO_SRV_AUTHENT,
	.kinds = EMU_KINDS_MAC,
	.token_only = SE_OP_SIGN, /* a device key signs only the provisioned identity */
	.init = auth_init,
	.update = auth_update,
	.final = auth_final,
	.verify_final = auth_verify_final,
	.output_bound = auth_bound,
};

const emu_fam emu_fam_pf_enc = {
	.service = CK_PORTFOLIO_SRV_ENCRYPT,
	.kinds = EMU_KINDS_CRYPT,
	.token_only = SE_OP_ENCRYPT, /* and encrypts only the token's identity value */
	.init = enc_init,
	.update = enc_update,
	.final = enc_final,
	.output_bound = enc_bound,
};
