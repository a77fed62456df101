/*
 * emu_wrap.c - key transport inside the emulator: C_WrapKey / C_UnwrapKey's
 * computation and every rule of who may wrap what, decided here from the
 * policies sealed with the items (se.h, SE_USE_*), never from the caller.
 *
 *   CKM_AES_KEY_WRAP                  RFC 3394 over the key value
 *   CKM_AES_KEY_WRAP_KWP              RFC 5649 over the key value
 *   CKM_PORTFOLIO_AES_KEY_WRAP_BOUND  RFC 5649 over header(16) || key: the key's
 *                                     kind, service, index and usage travel with it
 *
 * The plain forms refuse a keyset key (CKR_KEY_NOT_WRAPPABLE): unwrapped, it
 * would land wherever the unwrap template puts it. The bound form wraps under a
 * key derived from the KEK (bound_kek), so a bound blob never opens as a plain
 * one - header and key would become a plain generic secret - nor a plain blob
 * as a bound one. The receiving token may narrow a bound key of no keyset
 * (usage_agrees), never widen it. docs/mechanisms.md, "Key wrap".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "se/emu/emu_token.h"
#include "util/bytes.h"
#include "util/secure.h"

#define BOUND_VERSION 1
/* The usage that travels in a bound blob: the four operations, DERIVE, and
 * MASTER (a master replicated to verifier nodes stays a master, docs/fleet.md).
 * Key-management bits stay behind: the receiving token's template decides them. */
#define BOUND_USAGE (SE_USE_ALL | SE_USE_DERIVE | SE_USE_MASTER)
#define BOUND_HDR_LEN 16
#define BOUND_NO_SERVICE 0xFFFFFFFFu

/* K_bound = SP 800-108 counter mode, PRF CMAC-AES under the KEK:
 * [i]32 || "Portfolio bound key wrap v1" || 0x00 || [L]32, L = the KEK's bits. */
static CK_RV bound_kek(const emu_item *kek, uint8_t out[32])
{
	static const uint8_t label[] = "Portfolio bound key wrap v1"; /* with its NUL: the separator */
	const pf_kbkdf_field fields[] = {
		{.type = PF_KBKDF_ITERATION, .width_bits = 32},
		{.type = PF_KBKDF_BYTES, .bytes = label, .len = sizeof label},
		{.type = PF_KBKDF_DKM_LENGTH, .width_bits = 32, .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS},
	};
	const pf_kbkdf_params p = {PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, fields, 3, NULL, 0};
	return pf_kbkdf_derive(&p, kek->value, kek->len, out, kek->len) == PF_CRYPTO_OK ? CKR_OK
	                                                                             : CKR_FUNCTION_FAILED;
}

/* The key the mechanism wraps under: the KEK, or K_bound for the bound form. */
static CK_RV wrapping_key(const emu_item *kek, CK_MECHANISM_TYPE mech, uint8_t out[32])
{
	if (mech == CKM_PORTFOLIO_AES_KEY_WRAP_BOUND)
		return bound_kek(kek, out);
	memcpy(out, kek->value, kek->len);
	return CKR_OK;
}

static int is_key_kind(se_item_kind kind)
{
	return kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET;
}

/* 1: RFC 5649 (KWP and the bound form), 0: RFC 3394; -1: not a wrap mechanism. */
static int pad_of(CK_MECHANISM_TYPE mech)
{
	switch (mech) {
	case CKM_AES_KEY_WRAP: return 0;
	case CKM_AES_KEY_WRAP_KWP:
	case CKM_PORTFOLIO_AES_KEY_WRAP_BOUND: return 1;
	default: return -1;
	}
}

/* The wrapping or unwrapping key: an AES key of no keyset with the usage bit. */
static CK_RV kek_item(se_token *t, se_ref ref, unsigned use, emu_item **out)
{
	if (t == NULL || !t->logged_in)
		return CKR_USER_NOT_LOGGED_IN;
	emu_item *k = emu_item_lookup(t, ref);
	if (k == NULL)
		return use == SE_USE_WRAP ? CKR_WRAPPING_KEY_HANDLE_INVALID : CKR_UNWRAPPING_KEY_HANDLE_INVALID;
	if (k->kind != SE_ITEM_AES_KEY)
		return use == SE_USE_WRAP ? CKR_WRAPPING_KEY_TYPE_INCONSISTENT
		                          : CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT;
	if ((k->pol.usage & use) == 0 || k->pol.service != SE_SERVICE_NONE)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	*out = k;
	return CKR_OK;
}

/* May target leave under kek in this form? */
static CK_RV may_wrap(const emu_item *kek, const emu_item *target, CK_MECHANISM_TYPE mech)
{
	if (!is_key_kind(target->kind))
		return CKR_KEY_NOT_WRAPPABLE;
	if ((target->pol.usage & SE_USE_EXPORT) == 0)
		return CKR_KEY_UNEXTRACTABLE;
	if ((target->pol.usage & SE_USE_WRAP_UNTRUSTED) == 0 && (kek->pol.usage & SE_USE_TRUSTED) == 0)
		return CKR_KEY_NOT_WRAPPABLE; /* CKA_WRAP_WITH_TRUSTED under an untrusted key */
	if (mech != CKM_PORTFOLIO_AES_KEY_WRAP_BOUND && target->pol.service != SE_SERVICE_NONE)
		return CKR_KEY_NOT_WRAPPABLE; /* a keyset key only with its place bound to it */
	if (mech == CKM_AES_KEY_WRAP && !pf_aes_wrap_input_ok(target->len, 0, 1))
		return CKR_KEY_SIZE_RANGE;   /* RFC 3394 wraps whole 64-bit blocks, two or more */
	return CKR_OK;
}

static void bound_header(const emu_item *k, uint8_t h[BOUND_HDR_LEN])
{
	h[0] = BOUND_VERSION;
	h[1] = (uint8_t)k->kind;
	pf_put_be32(h + 2, k->pol.service == SE_SERVICE_NONE ? BOUND_NO_SERVICE : (uint32_t)k->pol.service);
	pf_put_be32(h + 6, (uint32_t)k->pol.key_index);
	pf_put_be32(h + 10, k->pol.usage & BOUND_USAGE);
	h[14] = (uint8_t)(k->len >> 8);
	h[15] = (uint8_t)k->len;
}

/* The plaintext the mechanism wraps: the value, or header || value (malloc'd). */
static CK_RV wrap_input(const emu_item *k, CK_MECHANISM_TYPE mech, uint8_t **in, size_t *len)
{
	size_t hdr = mech == CKM_PORTFOLIO_AES_KEY_WRAP_BOUND ? BOUND_HDR_LEN : 0;
	*len = hdr + k->len;
	*in = malloc(*len);
	if (*in == NULL)
		return CKR_HOST_MEMORY;
	if (hdr != 0)
		bound_header(k, *in);
	memcpy(*in + hdr, k->value, k->len);
	return CKR_OK;
}

CK_RV emu_item_wrap(se_token *t, se_ref wrapping, CK_MECHANISM_TYPE mech, se_ref target,
                    uint8_t *out, size_t *len)
{
	emu_item *kek = NULL;
	int pad = pad_of(mech);
	if (pad < 0 || len == NULL)
		return pad < 0 ? CKR_MECHANISM_INVALID : CKR_ARGUMENTS_BAD;
	CK_RV rv = kek_item(t, wrapping, SE_USE_WRAP, &kek);
	if (rv != CKR_OK)
		return rv;
	emu_item *k = emu_item_lookup(t, target);
	if (k == NULL)
		return CKR_KEY_HANDLE_INVALID;
	if ((rv = may_wrap(kek, k, mech)) != CKR_OK)
		return rv;
	size_t hdr = mech == CKM_PORTFOLIO_AES_KEY_WRAP_BOUND ? BOUND_HDR_LEN : 0;
	size_t need = pf_aes_wrap_len(hdr + k->len, pad);
	if (out == NULL || *len < need) {
		rv = out == NULL ? CKR_OK : CKR_BUFFER_TOO_SMALL;
		*len = need;
		return rv;
	}
	uint8_t *in = NULL, key[32];
	size_t in_len = 0;
	if ((rv = wrap_input(k, mech, &in, &in_len)) != CKR_OK)
		return rv;
	rv = wrapping_key(kek, mech, key);
	if (rv == CKR_OK && pf_aes_wrap(key, kek->len, pad, in, in_len, out, len) != PF_CRYPTO_OK)
		rv = CKR_FUNCTION_FAILED;
	pf_wipe(key, sizeof key);
	pf_free_secret(in, in_len);
	return rv;
}

/* A bound header, authenticated by the unwrap: its facts, or CKR_WRAPPED_KEY_INVALID
 * for one this format never writes. */
static CK_RV bound_parse(const uint8_t *p, size_t len, se_unwrap_info *info)
{
	if (len < BOUND_HDR_LEN || p[0] != BOUND_VERSION)
		return CKR_WRAPPED_KEY_INVALID;
	uint32_t srv = pf_get_be32(p + 2);
	info->bound = 1;
	info->kind = (se_item_kind)p[1];
	info->pol = (se_item_policy){0};
	info->pol.service = srv == BOUND_NO_SERVICE ? SE_SERVICE_NONE : srv;
	info->pol.key_index = pf_get_be32(p + 6);
	info->pol.usage = pf_get_be32(p + 10);
	info->len = (size_t)p[14] << 8 | p[15];
	if (!is_key_kind(info->kind) || !emu_item_len_valid(info->kind, info->len) ||
	    info->len != len - BOUND_HDR_LEN || (info->pol.usage & ~BOUND_USAGE) != 0 ||
	    !emu_policy_fits(info->kind, &info->pol))
		return CKR_WRAPPED_KEY_INVALID;
	return CKR_OK;
}

/* Opens blob into clear (room: blob_len); fills info. */
static CK_RV open_blob(const emu_item *kek, CK_MECHANISM_TYPE mech, const uint8_t *blob, size_t blob_len,
                       uint8_t *clear, size_t *clear_len, se_unwrap_info *info)
{
	int pad = pad_of(mech);
	if (pad < 0)
		return CKR_MECHANISM_INVALID;
	if (blob == NULL || !pf_aes_wrap_input_ok(blob_len, pad, 0))
		return CKR_WRAPPED_KEY_LEN_RANGE;
	*clear_len = blob_len;
	uint8_t key[32];
	CK_RV rv = wrapping_key(kek, mech, key);
	if (rv != CKR_OK)
		return rv;
	int rc = pf_aes_unwrap(key, kek->len, pad, blob, blob_len, clear, clear_len);
	pf_wipe(key, sizeof key);
	if (rc != PF_CRYPTO_OK)
		return rc == PF_CRYPTO_AUTH_FAILED ? CKR_WRAPPED_KEY_INVALID : CKR_FUNCTION_FAILED;
	if (mech == CKM_PORTFOLIO_AES_KEY_WRAP_BOUND)
		return bound_parse(clear, *clear_len, info);
	info->bound = 0;
	info->len = *clear_len;
	info->pol = (se_item_policy){.service = SE_SERVICE_NONE};
	return CKR_OK;
}

/* The usage the core asks for: a bound key of no keyset (not a master) may be
 * narrowed, never widened - the receiving token may do less with it, and what
 * it asks for is what is sealed; a keyset key or a master keeps exactly its own. */
static int usage_agrees(const se_item_policy *blob, unsigned want)
{
	want &= BOUND_USAGE;
	if (blob->service == SE_SERVICE_NONE && (blob->usage & SE_USE_MASTER) == 0)
		return (want & ~blob->usage) == 0;
	return want == blob->usage;
}

/* The item the core asks for is the one the blob holds. */
static CK_RV agrees(const se_unwrap_info *blob, const se_unwrap_info *want, const se_item_policy *pol)
{
	if (want->len != blob->len || !is_key_kind(want->kind))
		return CKR_TEMPLATE_INCONSISTENT;
	if (!blob->bound)
		return CKR_OK;
	if (want->kind != blob->kind || pol->service != blob->pol.service ||
	    pol->key_index != blob->pol.key_index || !usage_agrees(&blob->pol, pol->usage))
		return CKR_TEMPLATE_INCONSISTENT;
	return CKR_OK;
}

CK_RV emu_item_unwrap(se_token *t, se_ref unwrapping, CK_MECHANISM_TYPE mech, const uint8_t *blob,
                      size_t blob_len, se_unwrap_info *info, unsigned flags, const se_item_policy *pol,
                      se_ref *out)
{
	emu_item *kek = NULL;
	if (info == NULL || (out != NULL && pol == NULL))
		return CKR_ARGUMENTS_BAD;
	CK_RV rv = kek_item(t, unwrapping, SE_USE_UNWRAP, &kek);
	if (rv != CKR_OK)
		return rv;
	if (blob_len > PF_AES_WRAP_MAX + 16)
		return CKR_WRAPPED_KEY_LEN_RANGE;
	uint8_t clear[PF_AES_WRAP_MAX + 16];
	size_t clear_len = 0;
	se_unwrap_info got = {0};
	rv = open_blob(kek, mech, blob, blob_len, clear, &clear_len, &got);
	if (rv == CKR_OK && out == NULL)
		*info = got;
	else if (rv == CKR_OK && (rv = agrees(&got, info, pol)) == CKR_OK)
		rv = emu_item_put(t, info->kind, clear + (got.bound ? BOUND_HDR_LEN : 0), got.len, flags, pol, out);
	pf_wipe(clear, sizeof clear);
	return rv;
}
