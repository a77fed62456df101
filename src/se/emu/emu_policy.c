/*
 * emu_policy.c - what a key may do, decided at op_init from the policy the
 * emulator sealed with the item (se.h, se_item_policy), never from the
 * caller's word. The rules (docs/mechanisms.md, "Key policy"):
 *
 *   - the key's usage allows the operation kind;
 *   - Portfolio AUTH needs service AUTHENT, ENC service ENCRYPT, the SCP80
 *     mechanisms service SMS, and every other mechanism a key of no service
 *     (so CBC / CMAC never touch a KIc or KID: no oracle on them);
 *   - a device key signs (AUTH) and encrypts (ENC) only SOURCE_TOKEN: the
 *     provisioned identity, never data or a hash the caller brings;
 *   - SOURCE_TOKEN items must belong to the identity the caller names;
 *   - ENC encrypts an identity value only while SHA-256(value) equals the
 *     provisioned hash, unless the SO marked the identity ENCRYPT_CURRENT;
 *   - a master computes only through the diversified families (and they
 *     take only a master of their service), verifying or decrypting.
 *
 * All of it is compares on the item in memory: nothing here allocates.
 */
#include "config.h"

#include "se/emu/emu_ops_local.h"
#include "util/secure.h"

/* Indexed by se_op_kind. */
static const unsigned use_of_kind[] = {
	[SE_OP_ENCRYPT] = SE_USE_ENCRYPT,
	[SE_OP_DECRYPT] = SE_USE_DECRYPT,
	[SE_OP_SIGN] = SE_USE_SIGN,
	[SE_OP_VERIFY] = SE_USE_VERIFY,
};

/* A master (SE_USE_MASTER, which derives and does nothing else) checks a
 * device's answer through the diversified families, and only there: it
 * verifies or decrypts with the device key it derives, never signs or
 * encrypts (the server never speaks as a device) and never names a device
 * identity of its own. Its service word is the service of its device keys. */
static CK_RV master_allows(const emu_item *key, const emu_fam *fam, se_op_kind kind, CK_ULONG source)
{
	if (!fam->master || (key->pol.usage & (SE_USE_MASTER | SE_USE_DERIVE)) != (SE_USE_MASTER | SE_USE_DERIVE))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	if ((kind != SE_OP_VERIFY && kind != SE_OP_DECRYPT) || (fam->kinds & EMU_KIND(kind)) == 0)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	if (key->pol.service != fam->service || source == CKP_PORTFOLIO_SOURCE_TOKEN)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

CK_RV emu_policy_allows(const emu_item *key, const emu_fam *fam, se_op_kind kind, CK_ULONG source)
{
	if ((key->pol.usage & SE_USE_MASTER) != 0 || fam->master)
		return master_allows(key, fam, kind, source);
	if ((unsigned)kind >= sizeof use_of_kind / sizeof *use_of_kind ||
	    (key->pol.usage & use_of_kind[kind]) == 0)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	if (key->pol.service != fam->service)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	/* A device key produces answers only about what was provisioned. */
	if (fam->token_only != 0 && kind == fam->token_only && source != CKP_PORTFOLIO_SOURCE_TOKEN)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	return CKR_OK;
}

/* The identity item ref, of that kind, belonging to identity_id; NULL if not. */
static emu_item *identity_item(se_token *t, se_ref ref, se_item_kind kind, CK_ULONG identity_id)
{
	emu_item *it = emu_item_lookup(t, ref);
	if (it == NULL || it->kind != kind || it->pol.identity_id != identity_id)
		return NULL;
	if (it->value == NULL && it->len != 0)
		return NULL;
	return it;
}

emu_item *emu_policy_identity_hash(se_token *t, const se_pf_params *p)
{
	emu_item *h = identity_item(t, p->identity_hash_ref, SE_ITEM_IDENTITY_HASH, p->identity_id);
	return h != NULL && h->len == PF_SHA256_SIZE ? h : NULL;
}

CK_RV emu_policy_identity_value(se_token *t, const se_pf_params *p, emu_item **out)
{
	emu_item *v = identity_item(t, p->identity_value_ref, SE_ITEM_IDENTITY_VALUE, p->identity_id);
	if (v == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	emu_item *h = NULL;
	if (p->identity_hash_ref != 0) {
		/* named, so it must be this identity's: a row pointing elsewhere is refused */
		h = emu_policy_identity_hash(t, p);
		if (h == NULL)
			return CKR_MECHANISM_PARAM_INVALID;
	}
	if (h == NULL)
		return CKR_ACTION_PROHIBITED; /* nothing provisioned to bind the value to */
	/* SHA-256 of the value was taken when it was set (emu_item_digest) */
	if (!(h->pol.identity_flags & SE_IDENTITY_ENCRYPT_CURRENT) &&
	    !pf_ct_equal(v->value_sha256, h->value, PF_SHA256_SIZE))
		return CKR_ACTION_PROHIBITED; /* rewritten since provisioning */
	*out = v;
	return CKR_OK;
}
