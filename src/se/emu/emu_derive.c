/*
 * emu_derive.c - C_DeriveKey inside the emulator: SP 800-108 (counter,
 * feedback), HKDF, Portfolio diversification and oneM2M's T(2), computed by
 * src/crypto (kdf.h, onem2m.h) on the base item's value, which never leaves
 * the component. The new item is then made exactly as item_put makes one (sealed, policy, exclusivity).
 *
 * What a base key may do is read from the policy sealed with it (se.h):
 *   - it needs SE_USE_DERIVE (CKA_DERIVE at creation), else
 *     CKR_KEY_FUNCTION_NOT_PERMITTED;
 *   - a master (SE_USE_MASTER) derives only by SE_DERIVE_PORTFOLIO, and only
 *     keys of its own service; SE_DERIVE_PORTFOLIO needs a master. So a
 *     master's output is always a diversified device key, never a chosen KDF
 *     output that could be read back;
 *   - a derived key is never a master.
 * The diversification label and context are built by the component
 * (emu_div_kdf.c), not by the caller (docs/mechanisms.md, "Diversification").
 */
#include "config.h"

#include <string.h>

#include "crypto/onem2m.h"
#include "se/emu/emu_div.h"
#include "se/emu/emu_token.h"
#include "util/secure.h"

#define EMU_DERIVE_MAX_LEN 512 /* the longest key item (generic secret) */

static int is_key_item(const emu_item *it)
{
	return (it->kind == SE_ITEM_AES_KEY || it->kind == SE_ITEM_GENERIC_SECRET) && it->value != NULL;
}

static CK_RV rv_of(int crc)
{
	if (crc == PF_CRYPTO_OK)
		return CKR_OK;
	return crc == PF_CRYPTO_BAD_PARAM ? CKR_MECHANISM_PARAM_INVALID : CKR_FUNCTION_FAILED;
}

/* The sealed-policy rules above. */
static CK_RV derive_allowed(const emu_item *base, const se_derive_params *p, const se_item_policy *pol)
{
	int master = (base->pol.usage & SE_USE_MASTER) != 0;
	if ((base->pol.usage & SE_USE_DERIVE) == 0)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	if (master != (p->kind == SE_DERIVE_PORTFOLIO))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	if ((pol->usage & SE_USE_MASTER) != 0)
		return CKR_TEMPLATE_INCONSISTENT;
	if (master && (pol->service != base->pol.service || pol->service == SE_SERVICE_NONE))
		return CKR_TEMPLATE_INCONSISTENT; /* the core sets both from the master: not ours */
	return CKR_OK;
}

/* A second key of the parameter (HKDF salt key, oneM2M T(1)): a key item
 * whose sealed policy lets it DERIVE, and not a master. */
static CK_RV param_key(se_token *t, se_ref ref, const emu_item **out)
{
	emu_item *k = emu_item_lookup(t, ref);
	if (k == NULL || !is_key_item(k))
		return CKR_KEY_HANDLE_INVALID;
	if ((k->pol.usage & SE_USE_DERIVE) == 0 || (k->pol.usage & SE_USE_MASTER) != 0)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	*out = k;
	return CKR_OK;
}

/* The HKDF salt: bytes given, or the value of a key item that may derive. */
static CK_RV hkdf_salt(se_token *t, const se_derive_params *p, const uint8_t **salt, size_t *len)
{
	const emu_item *k;
	*salt = p->salt;
	*len = p->salt_len;
	if (p->salt_key == 0)
		return CKR_OK;
	CK_RV rv = param_key(t, p->salt_key, &k);
	if (rv != CKR_OK)
		return rv;
	*salt = k->value;
	*len = k->len;
	return CKR_OK;
}

/* oneM2M T(2) = HMAC(K_master, T(1) | "Data  Confidentiality Key" | 02)
 * (docs/onem2m.md step 3): both keys one hash output long, generic secrets,
 * T(1) allowed to DERIVE by its own sealed policy. */
static CK_RV onem2m_conf(se_token *t, const emu_item *master, const se_derive_params *p, uint8_t *out,
                         size_t len)
{
	const emu_item *prev;
	size_t hash_len = pf_md_size(p->hkdf_md);
	if (hash_len == 0 || p->prev_key == 0)
		return CKR_MECHANISM_PARAM_INVALID;
	CK_RV rv = param_key(t, p->prev_key, &prev);
	if (rv != CKR_OK)
		return rv;
	if (master->kind != SE_ITEM_GENERIC_SECRET || prev->kind != SE_ITEM_GENERIC_SECRET)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (master->len != hash_len || prev->len != hash_len || len != hash_len)
		return CKR_KEY_SIZE_RANGE;
	return rv_of(pf_onem2m_conf(p->hkdf_md, master->value, prev->value, out));
}

/* The master's device key (emu_div_kdf.c), with a PRF context for this one call. */
static CK_RV diversify(const emu_item *master, const se_derive_params *p, const se_item_policy *pol,
                       uint8_t *out, size_t len)
{
	uint8_t context[EMU_DIV_CONTEXT_MAX];
	size_t context_len = emu_div_context(p->device_id, p->device_id_len, p->instance, pol->key_index,
	                                     pol->service, context);
	pf_mac *kdf = NULL;
	uint64_t serial = 0;

	if (master->kind != SE_ITEM_AES_KEY)
		return CKR_KEY_TYPE_INCONSISTENT;
	if (context_len == 0)
		return CKR_MECHANISM_PARAM_INVALID;
	CK_RV rv = emu_div_derive(&kdf, &serial, master, context, context_len, out, len);
	pf_mac_free(kdf); /* the CMAC context cleanses the master's schedule */
	pf_wipe(context, sizeof context);
	return rv;
}

static CK_RV compute(se_token *t, const emu_item *base, const se_derive_params *p,
                     const se_item_policy *pol, uint8_t *out, size_t len)
{
	const uint8_t *salt;
	size_t salt_len;
	CK_RV rv;
	switch (p->kind) {
	case SE_DERIVE_KBKDF:
		/* CMAC needs an AES key; HMAC takes any secret (PKCS#11: generic secret) */
		if ((p->kbkdf.prf == PF_MAC_CMAC_AES) != (base->kind == SE_ITEM_AES_KEY))
			return CKR_KEY_TYPE_INCONSISTENT;
		return rv_of(pf_kbkdf_derive(&p->kbkdf, base->value, base->len, out, len));
	case SE_DERIVE_HKDF:
		if ((rv = hkdf_salt(t, p, &salt, &salt_len)) != CKR_OK)
			return rv;
		return rv_of(pf_hkdf(p->hkdf_mode, p->hkdf_md, base->value, base->len, salt, salt_len, p->info,
		                     p->info_len, out, len));
	case SE_DERIVE_PORTFOLIO:
		return diversify(base, p, pol, out, len);
	case SE_DERIVE_ONEM2M_CONF:
		return onem2m_conf(t, base, p, out, len);
	default:
		return CKR_MECHANISM_INVALID;
	}
}

CK_RV emu_item_derive(se_token *t, se_ref base_ref, const se_derive_params *p, se_item_kind kind,
                      size_t len, unsigned flags, const se_item_policy *pol, se_ref *out)
{
	if (p == NULL || pol == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	if (len == 0 || len > EMU_DERIVE_MAX_LEN)
		return CKR_KEY_SIZE_RANGE;
	emu_item *base = emu_item_lookup(t, base_ref);
	if (base == NULL || !is_key_item(base))
		return CKR_KEY_HANDLE_INVALID;
	CK_RV rv = derive_allowed(base, p, pol);
	if (rv != CKR_OK)
		return rv;
	uint8_t value[EMU_DERIVE_MAX_LEN];
	rv = compute(t, base, p, pol, value, len);
	if (rv == CKR_OK)
		rv = emu_item_put(t, kind, value, len, flags, pol, out);
	pf_wipe(value, len);
	return rv;
}
