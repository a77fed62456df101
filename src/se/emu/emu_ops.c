/*
 * emu_ops.c - the emulator's operations: life cycle of an se_op, the standard
 * ciphers and MACs, and the per-key caches. The Portfolio constructions are
 * in emu_ops_portfolio.c.
 *
 * Speed: a session keeps one se_op for its whole life and its OpenSSL
 * contexts with it. Signing again with the key the MAC context already holds
 * is a restart (EVP_MAC_init with a NULL key); a different key is an in-place
 * re-key. For CMAC neither allocates nor fetches, so the steady-state path
 * op_init + op_update + op_final of CKM_AES_CMAC and CKM_PORTFOLIO_AUTH_CMAC
 * (token or hash source) is allocation-free: three EVP_MAC calls and a
 * lookup. (A per-key prebuilt EVP_MAC_CTX would have to be duplicated per
 * use - five allocations on OpenSSL 3.0 - because sessions sign concurrently
 * under the shared token lock; so the cache holds only a serial that lets an
 * op recognise the key its context already holds.)
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "se/emu/emu_ops_local.h"
#include "se/emu/emu_scp80.h"
#include "util/sizes.h"
#include "util/secure.h"

/* ---- key caches --------------------------------------------------------- */

static atomic_uint_fast64_t next_serial = 1;

CK_RV emu_key_cache_build(emu_item *it)
{
	if (it == NULL)
		return CKR_ARGUMENTS_BAD;
	if (it->kind != SE_ITEM_AES_KEY && it->kind != SE_ITEM_GENERIC_SECRET)
		return CKR_OK; /* identities need no cache */
	if (it->cache != NULL)
		return CKR_OK;
	if (pf_crypto_init() != PF_CRYPTO_OK)
		return CKR_GENERAL_ERROR;
	struct emu_key_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return CKR_HOST_MEMORY;
	c->serial = atomic_fetch_add(&next_serial, 1);
	it->cache = c;
	return CKR_OK;
}

void emu_key_cache_free(emu_item *it)
{
	if (it == NULL || it->cache == NULL)
		return;
	free(it->cache);
	it->cache = NULL;
}

uint64_t emu_ops_key_serial(const emu_item *it)
{
	return (it != NULL && it->cache != NULL) ? it->cache->serial : 0;
}

/* ---- helpers -------------------------------------------------------------- */

CK_RV emu_ops_reserve(uint8_t **buf, size_t *cap, size_t len, size_t need)
{
	uint8_t *nb;
	size_t ncap;

	if (need <= *cap)
		return CKR_OK;
	ncap = *cap < 256 ? 256 : *cap;
	while (ncap < need)
		ncap *= 2;
	nb = malloc(ncap);
	if (nb == NULL)
		return CKR_HOST_MEMORY;
	if (len != 0)
		memcpy(nb, *buf, len);
	pf_free_secret(*buf, *cap); /* never leave a plaintext copy behind */
	*buf = nb;
	*cap = ncap;
	return CKR_OK;
}

/* The key item for an operation, checked against the kind the mechanism needs. */
emu_item *emu_ops_key_item(se_op *op, se_ref key, se_item_kind want, CK_RV *rv)
{
	emu_item *it = emu_item_lookup(op->tok, key);

	if (it == NULL || it->value == NULL) {
		*rv = CKR_KEY_HANDLE_INVALID;
		return NULL;
	}
	if (it->kind != want) {
		*rv = CKR_KEY_TYPE_INCONSISTENT;
		return NULL;
	}
	/* the sealed policy decides, for every family (emu_op_init set fam, kind, source) */
	if ((*rv = emu_policy_allows(it, op->fam, op->kind, op->source)) != CKR_OK)
		return NULL;
	if ((want == SE_ITEM_AES_KEY && !pf_aes_key_len_ok(it->len)) || it->len == 0) {
		*rv = CKR_KEY_SIZE_RANGE;
		return NULL;
	}
	*rv = CKR_OK;
	return it;
}

/* Load the MAC context for (alg, key): restart if it already holds this key. */
CK_RV emu_ops_mac_start(se_op *op, pf_mac_alg alg, const emu_item *key)
{
	uint64_t serial = emu_ops_key_serial(key);

	if (!pf_mac_fits(op->mac, alg, key->len)) {
		pf_mac_free(op->mac);
		op->mac_serial = 0;
		op->mac = pf_mac_new(alg, key->len);
		if (op->mac == NULL)
			return CKR_HOST_MEMORY;
	}
	if (serial != 0 && serial == op->mac_serial) {
		if (pf_mac_restart(op->mac) == PF_CRYPTO_OK)
			return CKR_OK;
	}
	op->mac_serial = 0;
	if (pf_mac_set_key(op->mac, key->value, key->len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	op->mac_serial = serial;
	return CKR_OK;
}

int emu_ops_cipher_start(se_op *op, pf_aes_mode mode, int encrypt, const emu_item *key,
                         const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                         size_t tag_len)
{
	uint64_t serial = emu_ops_key_serial(key);
	int rc;

	if (serial != 0 && serial == op->cipher_serial &&
	    pf_cipher_restart(op->cipher, mode, encrypt, iv, iv_len, aad, aad_len, tag_len) ==
	        PF_CRYPTO_OK)
		return PF_CRYPTO_OK;
	op->cipher_serial = 0;
	rc = pf_cipher_init(op->cipher, mode, encrypt, key->value, key->len, iv, iv_len, aad, aad_len,
	                    tag_len);
	if (rc == PF_CRYPTO_OK)
		op->cipher_serial = serial;
	return rc;
}

static emu_family family_of(CK_MECHANISM_TYPE m)
{
	switch (m) {
	case CKM_AES_ECB:
	case CKM_AES_CBC:
	case CKM_AES_CBC_PAD:
	case CKM_AES_GCM:
		return EMU_FAM_CIPHER;
	case CKM_AES_CMAC:
	case CKM_AES_CMAC_GENERAL:
	case CKM_SHA_1_HMAC:
	case CKM_SHA256_HMAC:
	case CKM_SHA256_HMAC_GENERAL:
	case CKM_SHA384_HMAC:
	case CKM_SHA512_HMAC:
		return EMU_FAM_MAC;
	case CKM_PORTFOLIO_AUTH_CMAC:
	case CKM_PORTFOLIO_AUTH_HMAC:
		return EMU_FAM_PF_AUTH;
	case CKM_PORTFOLIO_ENC_GCM:
	case CKM_PORTFOLIO_ENC_CBC:
		return EMU_FAM_PF_ENC;
	case CKM_PORTFOLIO_SCP80_WRAP:
	case CKM_PORTFOLIO_SCP80_UNWRAP:
		return EMU_FAM_SCP80; /* hook: SMS */
	default:
		return EMU_FAM_NONE;
	}
}

static int mac_alg_of(CK_MECHANISM_TYPE m, pf_mac_alg *alg)
{
	switch (m) {
	case CKM_AES_CMAC:
	case CKM_AES_CMAC_GENERAL: *alg = PF_MAC_CMAC_AES; return 1;
	case CKM_SHA_1_HMAC: *alg = PF_MAC_HMAC_SHA1; return 1;
	case CKM_SHA256_HMAC:
	case CKM_SHA256_HMAC_GENERAL: *alg = PF_MAC_HMAC_SHA256; return 1;
	case CKM_SHA384_HMAC: *alg = PF_MAC_HMAC_SHA384; return 1;
	case CKM_SHA512_HMAC: *alg = PF_MAC_HMAC_SHA512; return 1;
	default: return 0;
	}
}

static CK_RV crypto_rv(int rc, int encrypt)
{
	switch (rc) {
	case PF_CRYPTO_OK: return CKR_OK;
	case PF_CRYPTO_BAD_LENGTH: return encrypt ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	case PF_CRYPTO_AUTH_FAILED: return CKR_ENCRYPTED_DATA_INVALID;
	default: return CKR_FUNCTION_FAILED;
	}
}

/* ---- life cycle ----------------------------------------------------------- */

CK_RV emu_op_new(se_token *t, se_op **out)
{
	se_op *op;

	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	if (pf_crypto_init() != PF_CRYPTO_OK)
		return CKR_GENERAL_ERROR;
	op = calloc(1, sizeof(*op));
	if (op == NULL)
		return CKR_HOST_MEMORY;
	op->tok = t;
	*out = op;
	return CKR_OK;
}

void emu_op_free(se_op *op)
{
	if (op == NULL)
		return;
	emu_op_abort(op);
	emu_scp80_free(op); /* hook: SMS */
	pf_mac_free(op->mac);
	pf_cipher_free(op->cipher);
	pf_digest_free(op->digest);
	pf_free_secret(op->buf, op->buf_cap);
	pf_free_secret(op->scratch, op->scratch_cap);
	pf_wipe(op, sizeof(*op));
	free(op);
}

void emu_op_abort(se_op *op)
{
	if (op == NULL)
		return;
	op->active = 0;
	/* An abort ends operations early (errors, logout, session close): drop
	 * the key schedules too, so nothing keyed outlives a logout. */
	pf_mac_forget_key(op->mac);
	op->mac_serial = 0;
	pf_cipher_forget_key(op->cipher);
	op->cipher_serial = 0;
	emu_pf_wipe_buffers(op);
	emu_scp80_abort(op); /* hook: SMS */
	pf_wipe(op->challenge, sizeof(op->challenge));
	op->challenge_len = 0;
}

static CK_RV cipher_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	pf_aes_mode mode;
	CK_RV rv;
	emu_item *it;
	const uint8_t *iv = p->iv;
	size_t iv_len = p->iv_len;

	if (kind != SE_OP_ENCRYPT && kind != SE_OP_DECRYPT)
		return CKR_MECHANISM_INVALID;
	switch (p->mech) {
	case CKM_AES_ECB: mode = PF_AES_ECB; iv = NULL; iv_len = 0; break;
	case CKM_AES_CBC: mode = PF_AES_CBC; break;
	case CKM_AES_CBC_PAD: mode = PF_AES_CBC_PAD; break;
	default: mode = PF_AES_GCM; break;
	}
	it = emu_ops_key_item(op, key, SE_ITEM_AES_KEY, &rv);
	if (it == NULL)
		return rv;
	if (op->cipher == NULL && (op->cipher = pf_cipher_new()) == NULL)
		return CKR_HOST_MEMORY;
	if (emu_ops_cipher_start(op, mode, kind == SE_OP_ENCRYPT, it, iv, iv_len, p->aad, p->aad_len,
	                         mode == PF_AES_GCM ? p->tag_len : 0) != PF_CRYPTO_OK)
		return CKR_MECHANISM_PARAM_INVALID; /* the mech layer validated; belt and braces */
	return CKR_OK;
}

static CK_RV mac_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	pf_mac_alg alg = PF_MAC_CMAC_AES;
	CK_RV rv;
	emu_item *it;

	if (kind != SE_OP_SIGN && kind != SE_OP_VERIFY)
		return CKR_MECHANISM_INVALID;
	if (!mac_alg_of(p->mech, &alg))
		return CKR_MECHANISM_INVALID;
	it = emu_ops_key_item(op, key, alg == PF_MAC_CMAC_AES ? SE_ITEM_AES_KEY : SE_ITEM_GENERIC_SECRET,
	                      &rv);
	if (it == NULL)
		return rv;
	if (p->mac_len > pf_mac_alg_size(alg))
		return CKR_MECHANISM_PARAM_INVALID;
	op->mac_len = p->mac_len != 0 ? p->mac_len : pf_mac_alg_size(alg);
	return emu_ops_mac_start(op, alg, it);
}

CK_RV emu_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	CK_RV rv;
	emu_family fam;

	if (op == NULL || p == NULL)
		return CKR_ARGUMENTS_BAD;
	if (op->active)
		emu_op_abort(op); /* the mech layer never does this; stay safe if someone does */
	fam = family_of(p->mech);
	op->fam = fam;
	op->kind = kind;
	op->source = p->source;
	switch (fam) {
	case EMU_FAM_CIPHER: rv = cipher_init(op, kind, p, key); break;
	case EMU_FAM_MAC: rv = mac_init(op, kind, p, key); break;
	case EMU_FAM_SCP80: rv = emu_scp80_init(op, kind, p, key); break; /* hook: SMS */
	case EMU_FAM_PF_AUTH:
	case EMU_FAM_PF_ENC: {
		se_item_kind want = (p->mech == CKM_PORTFOLIO_AUTH_HMAC) ? SE_ITEM_GENERIC_SECRET
		                                                         : SE_ITEM_AES_KEY;
		int ok_kind = fam == EMU_FAM_PF_AUTH ? (kind == SE_OP_SIGN || kind == SE_OP_VERIFY)
		                                     : (kind == SE_OP_ENCRYPT || kind == SE_OP_DECRYPT);
		emu_item *it;
		if (!ok_kind)
			return CKR_MECHANISM_INVALID;
		it = emu_ops_key_item(op, key, want, &rv);
		if (it == NULL)
			return rv;
		op->fam = fam;
		op->kind = kind;
		op->mech = p->mech;
		rv = emu_pf_init(op, p, it);
		if (rv == CKR_OK)
			op->key_ref = key;
		break;
	}
	default:
		return CKR_MECHANISM_INVALID;
	}
	if (rv != CKR_OK) {
		emu_op_abort(op);
		return rv;
	}
	op->fam = fam;
	op->kind = kind;
	op->mech = p->mech;
	op->active = 1;
	return CKR_OK;
}

/* ---- data ----------------------------------------------------------------- */

size_t emu_op_output_bound(se_op *op, size_t in_len, int final)
{
	if (op == NULL || !op->active)
		return 0;
	switch (op->fam) {
	case EMU_FAM_CIPHER:
		/* final = 1: everything the operation still writes if in_len more
		 * bytes come and then final (the single-part length; with in_len = 0
		 * simply what final writes). */
		return final ? pf_cipher_total_bound(op->cipher, in_len)
		             : pf_cipher_update_bound(op->cipher, in_len);
	case EMU_FAM_MAC:
		return final && op->kind == SE_OP_SIGN ? op->mac_len : 0;
	case EMU_FAM_PF_AUTH:
	case EMU_FAM_PF_ENC:
		return emu_pf_output_bound(op, in_len, final);
	case EMU_FAM_SCP80: return emu_scp80_output_bound(op, in_len, final); /* hook: SMS */
	default:
		return 0;
	}
}

CK_RV emu_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	CK_RV rv = CKR_OK;

	if (op == NULL || (in == NULL && in_len != 0))
		return CKR_ARGUMENTS_BAD;
	if (!op->active)
		return CKR_OPERATION_NOT_INITIALIZED;
	switch (op->fam) {
	case EMU_FAM_CIPHER: {
		size_t need = pf_cipher_update_bound(op->cipher, in_len), n = 0;
		if (out_len == NULL)
			return CKR_ARGUMENTS_BAD;
		if (need > 0 && (out == NULL || *out_len < need)) {
			/* the mech layer sizes buffers from output_bound; never overflow */
			*out_len = need;
			return CKR_BUFFER_TOO_SMALL;
		}
		rv = crypto_rv(pf_cipher_update(op->cipher, in, in_len, out, &n), op->kind == SE_OP_ENCRYPT);
		*out_len = rv == CKR_OK ? n : 0;
		break;
	}
	case EMU_FAM_MAC:
		if (pf_mac_update(op->mac, in, in_len) != PF_CRYPTO_OK)
			rv = CKR_FUNCTION_FAILED;
		if (out_len != NULL)
			*out_len = 0;
		break;
	case EMU_FAM_PF_AUTH:
	case EMU_FAM_PF_ENC:
		rv = emu_pf_update(op, in, in_len);
		if (out_len != NULL)
			*out_len = 0;
		break;
	case EMU_FAM_SCP80: /* hook: SMS (buffers; all output at final) */
		rv = emu_scp80_update(op, in, in_len);
		if (out_len != NULL)
			*out_len = 0;
		break;
	default:
		rv = CKR_OPERATION_NOT_INITIALIZED;
	}
	if (rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL)
		emu_op_abort(op);
	return rv;
}

CK_RV emu_op_final(se_op *op, uint8_t *out, size_t *out_len)
{
	CK_RV rv;

	if (op == NULL || out_len == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!op->active)
		return CKR_OPERATION_NOT_INITIALIZED;
	switch (op->fam) {
	case EMU_FAM_CIPHER: {
		size_t need = pf_cipher_final_bound(op->cipher), n = 0;
		if (need > 0 && (out == NULL || *out_len < need)) {
			*out_len = need;
			return CKR_BUFFER_TOO_SMALL;
		}
		rv = crypto_rv(pf_cipher_final(op->cipher, out, &n), op->kind == SE_OP_ENCRYPT);
		*out_len = rv == CKR_OK ? n : 0;
		break;
	}
	case EMU_FAM_MAC:
		if (op->kind != SE_OP_SIGN)
			return CKR_OPERATION_NOT_INITIALIZED;
		if (out == NULL || *out_len < op->mac_len) {
			*out_len = op->mac_len;
			return CKR_BUFFER_TOO_SMALL;
		}
		rv = pf_mac_final(op->mac, out, op->mac_len) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
		*out_len = rv == CKR_OK ? op->mac_len : 0;
		break;
	case EMU_FAM_PF_AUTH:
	case EMU_FAM_PF_ENC:
		rv = emu_pf_final(op, out, out_len);
		if (rv == CKR_BUFFER_TOO_SMALL)
			return rv;
		break;
	case EMU_FAM_SCP80: /* hook: SMS */
		rv = emu_scp80_final(op, out, out_len);
		if (rv == CKR_BUFFER_TOO_SMALL)
			return rv;
		break;
	default:
		rv = CKR_OPERATION_NOT_INITIALIZED;
	}
	op->active = 0;
	if (rv != CKR_OK)
		emu_op_abort(op);
	return rv;
}

CK_RV emu_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	uint8_t mac[PF_MAC_MAX_SIZE];
	CK_RV rv;

	if (op == NULL || (sig == NULL && sig_len != 0))
		return CKR_ARGUMENTS_BAD;
	if (!op->active || op->kind != SE_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (op->fam == EMU_FAM_PF_AUTH) {
		rv = emu_pf_verify_final(op, sig, sig_len);
	} else if (op->fam == EMU_FAM_MAC) {
		if (sig_len != op->mac_len)
			rv = CKR_SIGNATURE_LEN_RANGE;
		else if (pf_mac_final(op->mac, mac, op->mac_len) != PF_CRYPTO_OK)
			rv = CKR_FUNCTION_FAILED;
		else
			rv = pf_ct_equal(mac, sig, op->mac_len) ? CKR_OK : CKR_SIGNATURE_INVALID;
		pf_wipe(mac, sizeof(mac));
	} else {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	}
	op->active = 0;
	if (rv != CKR_OK)
		emu_op_abort(op);
	return rv;
}
