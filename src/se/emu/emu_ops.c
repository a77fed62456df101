/*
 * emu_ops.c - the emulator's operations: life cycle of an se_op, the table of
 * families (by se_op_family, as the mech layer chose it) and the per-key
 * caches. The families: emu_ops_std.c (standard ciphers and MACs),
 * emu_ops_portfolio.c (the Portfolio constructions), emu_ops_ccm.c (AES-CCM),
 * emu_scp80.c (SMS), emu_div.c (Portfolio answers checked with a master).
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
#include "se/emu/emu_div.h"
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

CK_RV emu_ops_append(uint8_t **buf, size_t *cap, size_t *len, const void *in, size_t n)
{
	CK_RV rv;

	if (n == 0)
		return CKR_OK;
	rv = emu_ops_reserve(buf, cap, *len, *len + n);
	if (rv != CKR_OK)
		return rv;
	memcpy(*buf + *len, in, n);
	*len += n;
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
	/* the sealed policy decides, for every family (emu_op_init set fam and kind,
	 * the family its source) */
	if ((*rv = emu_policy_allows(it, op->fam, op->kind, op->source)) != CKR_OK)
		return NULL;
	if ((want == SE_ITEM_AES_KEY && !pf_aes_key_len_ok(it->len)) || it->len == 0) {
		*rv = CKR_KEY_SIZE_RANGE;
		return NULL;
	}
	*rv = CKR_OK;
	return it;
}

/* Load a MAC context for (alg, key): restart if it already holds this key. */
CK_RV emu_ops_mac_load(pf_mac **mac, uint64_t *mac_serial, pf_mac_alg alg, const emu_item *key)
{
	uint64_t serial = emu_ops_key_serial(key);

	if (!pf_mac_fits(*mac, alg, key->len)) {
		pf_mac_free(*mac);
		*mac_serial = 0;
		*mac = pf_mac_new(alg, key->len);
		if (*mac == NULL)
			return CKR_HOST_MEMORY;
	}
	if (serial != 0 && serial == *mac_serial) {
		if (pf_mac_restart(*mac) == PF_CRYPTO_OK)
			return CKR_OK;
	}
	*mac_serial = 0;
	if (pf_mac_set_key(*mac, key->value, key->len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	*mac_serial = serial;
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

CK_RV emu_ops_crypto_rv(int rc, int encrypt)
{
	switch (rc) {
	case PF_CRYPTO_OK: return CKR_OK;
	case PF_CRYPTO_BAD_LENGTH: return encrypt ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	case PF_CRYPTO_AUTH_FAILED: return CKR_ENCRYPTED_DATA_INVALID;
	default: return CKR_FUNCTION_FAILED;
	}
}

emu_item *emu_ops_key_again(se_op *op, se_item_kind want, CK_RV *rv)
{
	emu_item *key = emu_ops_key_item(op, op->key_ref, want, rv);

	/* The item was looked up again: make sure it is still the same key. */
	if (key != NULL && op->key_serial != 0 && emu_ops_key_serial(key) != op->key_serial) {
		*rv = CKR_KEY_HANDLE_INVALID;
		return NULL;
	}
	return key;
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
	emu_scp80_free(op);
	emu_div_free(op);
	pf_mac_free(op->mac);
	pf_cipher_free(op->cipher);
	pf_digest_free(op->digest);
	pf_free_secret(op->buf, op->buf_cap);
	pf_free_secret(op->scratch, op->scratch_cap);
	pf_free_secret(op->aad, op->aad_cap);
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
	emu_ccm_wipe(op);
	emu_scp80_abort(op);
	emu_div_abort(op);
	pf_wipe(op->msg, sizeof(op->msg));
	op->challenge_len = 0;
	op->tag_out = NULL;
}

/* The families, by se_op_family (se.h). A new family is one line here. */
static const emu_fam *const families[] = {
	[SE_FAM_CIPHER] = &emu_fam_cipher,
	[SE_FAM_MAC] = &emu_fam_mac,
	[SE_FAM_PF_AUTH] = &emu_fam_pf_auth,
	[SE_FAM_PF_ENC] = &emu_fam_pf_enc,
	[SE_FAM_AES_CCM] = &emu_fam_aes_ccm,
	[SE_FAM_SCP80] = &emu_fam_scp80,
	[SE_FAM_DIV_AUTH] = &emu_fam_div_auth,
	[SE_FAM_DIV_ENC] = &emu_fam_div_enc,
};

CK_RV emu_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	const emu_fam *fam;
	CK_RV rv;

	if (op == NULL || p == NULL)
		return CKR_ARGUMENTS_BAD;
	if (op->active)
		emu_op_abort(op); /* the mech layer never does this; stay safe if someone does */
	fam = (unsigned)p->fam < sizeof families / sizeof *families ? families[p->fam] : NULL;
	if (fam == NULL || (unsigned)kind >= 32 || (fam->kinds & EMU_KIND(kind)) == 0)
		return CKR_MECHANISM_INVALID;
	op->fam = fam;
	op->kind = kind;
	op->source = 0; /* the Portfolio families set theirs before the key check */
	rv = fam->init(op, p, key);
	if (rv != CKR_OK) {
		emu_op_abort(op);
		return rv;
	}
	op->active = 1;
	return CKR_OK;
}

/* ---- data ----------------------------------------------------------------- */

size_t emu_op_output_bound(se_op *op, size_t in_len, int final)
{
	if (op == NULL || !op->active)
		return 0;
	return op->fam->output_bound(op, in_len, final);
}

CK_RV emu_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	CK_RV rv;

	if (op == NULL || (in == NULL && in_len != 0))
		return CKR_ARGUMENTS_BAD;
	if (!op->active)
		return CKR_OPERATION_NOT_INITIALIZED;
	rv = op->fam->update(op, in, in_len, out, out_len);
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
	if (op->kind == SE_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED; /* verification ends in op_verify_final */
	rv = op->fam->final(op, out, out_len);
	if (rv == CKR_BUFFER_TOO_SMALL)
		return rv;
	op->active = 0;
	if (rv != CKR_OK)
		emu_op_abort(op);
	return rv;
}

CK_RV emu_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len)
{
	CK_RV rv;

	if (op == NULL || (sig == NULL && sig_len != 0))
		return CKR_ARGUMENTS_BAD;
	if (!op->active || op->kind != SE_OP_VERIFY || op->fam->verify_final == NULL)
		return CKR_OPERATION_NOT_INITIALIZED;
	rv = op->fam->verify_final(op, sig, sig_len);
	op->active = 0;
	if (rv != CKR_OK)
		emu_op_abort(op);
	return rv;
}
