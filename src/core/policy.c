/*
 * policy.c - an object's row and the secure component's policy of its items.
 *
 * The component decides what an item may do from the policy it keeps with
 * the item (se.h, se_item_policy). The core makes that policy from the
 * object's attributes when it creates the items, and compares the two
 * whenever it takes rows from the store while the items are unlocked (after
 * login, on refresh): a row edited at rest - a service stripped, CKA_SIGN set
 * on a verify-only copy, an identity pointed at another's hash, two rows'
 * items swapped - disagrees with the authenticated policy and is refused,
 * alone (docs/architecture.md, "Object model"; docs/security.md, "Records at
 * rest").
 */
#include "config.h"
#include "core/attr.h"
#include "core/core.h"
#include "util/log.h"

#define IDENTITY_HASH_LEN ATTR_IDENTITY_HASH_LEN

/* The key-management permissions (se.h SE_USE_KEY_MGMT) the attributes grant. */
static unsigned key_mgmt_of(const core_object *o)
{
	return (attr_get_bool(o, CKA_WRAP, CK_FALSE) ? SE_USE_WRAP : 0) |
	       (attr_get_bool(o, CKA_UNWRAP, CK_FALSE) ? SE_USE_UNWRAP : 0) |
	       (o->extractable ? SE_USE_EXPORT : 0) |
	       (attr_get_bool(o, CKA_WRAP_WITH_TRUSTED, CK_FALSE) ? 0 : SE_USE_WRAP_UNTRUSTED) |
	       (attr_get_bool(o, CKA_TRUSTED, CK_FALSE) ? SE_USE_TRUSTED : 0);
}

/* The key-management bits only for a backend that wraps, the derivation bits
 * only for one that derives: the others (and their sealed formats) know
 * nothing of them (se.h). */
static unsigned usage_of(const core_token *tok, const core_object *o)
{
	unsigned u = (o->mk.can_sign ? SE_USE_SIGN : 0) | (o->mk.can_verify ? SE_USE_VERIFY : 0) |
	             (o->mk.can_encrypt ? SE_USE_ENCRYPT : 0) | (o->mk.can_decrypt ? SE_USE_DECRYPT : 0);
	if (tok->be->item_wrap != NULL)
		u |= key_mgmt_of(o);
	/* a component that keeps masters without deriving (the card: verify only)
	 * holds them with their DERIVE bit, which is part of what a master is */
	if (tok->be->item_derive == NULL)
		return tok->be->keeps_masters && attr_has(o, CKA_PORTFOLIO_MASTER) ? u | SE_USE_DERIVE | SE_USE_MASTER
		                                                                     : u;
	if (attr_get_bool(o, CKA_DERIVE, CK_FALSE))
		u |= SE_USE_DERIVE;
	if (attr_has(o, CKA_PORTFOLIO_MASTER))
		u |= SE_USE_MASTER;
	return u;
}

void core_key_policy(const core_token *tok, const core_object *o, se_item_policy *pol)
{
	pol->service = o->mk.has_service ? o->mk.service : SE_SERVICE_NONE;
	pol->key_index = o->mk.has_service ? o->key_index : 0;
	/* a master's policy names the service of the keys it derives */
	if (attr_has(o, CKA_PORTFOLIO_MASTER))
		pol->service = attr_get_ulong(o, CKA_PORTFOLIO_MASTER, SE_SERVICE_NONE);
	pol->usage = usage_of(tok, o);
	pol->identity_id = 0;
	pol->identity_flags = 0;
}

void core_identity_policy(const core_object *o, int hash, se_item_policy *pol)
{
	pol->service = SE_SERVICE_NONE;
	pol->key_index = 0;
	pol->usage = 0;
	pol->identity_id = attr_get_ulong(o, CKA_PORTFOLIO_IDENTITY_ID, 0);
	/* The SO's choice lives on the hash item, which only the SO provisions. */
	pol->identity_flags = hash && attr_get_bool(o, CKA_PORTFOLIO_ENCRYPT_CURRENT, CK_FALSE)
	                          ? SE_IDENTITY_ENCRYPT_CURRENT
	                          : 0;
}

/* have: the item's; want: what the row says. Bits the item may lack although
 * the row claims them (rows from before the bits existed, components that keep
 * none), because the component then refuses what its item lacks and such a row
 * grants nothing: SE_USE_DERIVE (unless the key is a master, whose DERIVE is
 * part of what it is) and the key-management bits. More than the row says is a
 * disagreement. */
static int same_policy(const se_item_policy *have, const se_item_policy *want)
{
	unsigned usage = have->usage;
	if ((want->usage & SE_USE_MASTER) == 0)
		usage |= want->usage & SE_USE_DERIVE;
	unsigned have_mgmt = usage & SE_USE_KEY_MGMT, want_mgmt = want->usage & SE_USE_KEY_MGMT;
	return have->service == want->service && have->key_index == want->key_index &&
	       (usage & ~SE_USE_KEY_MGMT) == (want->usage & ~SE_USE_KEY_MGMT) &&
	       (have_mgmt & ~want_mgmt) == 0 && have->identity_id == want->identity_id &&
	       have->identity_flags == want->identity_flags;
}

/* Item ref carries exactly want, and holds len bytes (0: any length). */
static int item_agrees(core_token *tok, se_ref ref, const se_item_policy *want, size_t len)
{
	se_item_policy have;
	size_t have_len = 0;
	if (tok->be->item_policy(tok->se, ref, &have) != CKR_OK || !same_policy(&have, want))
		return 0;
	return len == 0 || (tok->be->item_length(tok->se, ref, &have_len) == CKR_OK && have_len == len);
}

int core_object_policy_ok(core_token *tok, const core_object *o)
{
	se_item_policy want;
	/* Checkable only while the items are unlocked, and with a backend that
	 * reports policies (until then its own rules are all there is). */
	if (tok->login == CORE_NOT_LOGGED_IN || tok->be->item_policy == NULL || !o->on_token)
		return 1;
	if (o->cls == CKO_SECRET_KEY) {
		core_key_policy(tok, o, &want);
		return o->value_ref != 0 && item_agrees(tok, o->value_ref, &want, o->mk.value_len);
	}
	if (o->cls != CKO_PORTFOLIO_IDENTITY)
		return 0;
	core_identity_policy(o, 0, &want);
	if (o->value_ref != 0 && !item_agrees(tok, o->value_ref, &want, 0))
		return 0;
	core_identity_policy(o, 1, &want);
	if (o->hash_ref != 0 && !item_agrees(tok, o->hash_ref, &want, IDENTITY_HASH_LEN))
		return 0;
	/* the SO's choice without the hash it lives on: not a row this module writes */
	return o->hash_ref != 0 || !attr_get_bool(o, CKA_PORTFOLIO_ENCRYPT_CURRENT, CK_FALSE);
}

void core_object_policy_refused(const core_token *tok, const core_object *o)
{
	PF_ERROR("instance %lu: object %llu refused: its record disagrees with the authenticated policy "
	         "of its secure-component items (edited or swapped at rest); the rest of the token is kept",
	         (unsigned long)tok->iid, (unsigned long long)o->oid);
}

CK_RV core_key_restrict(core_token *tok, const core_object *before, core_object *after)
{
	if (after->cls != CKO_SECRET_KEY)
		return CKR_OK;
	core_object_cache(after);
	unsigned was = usage_of(tok, before), now = usage_of(tok, after);
	if (now == was)
		return CKR_OK;
	if ((now & ~was) != 0)
		return CKR_ATTRIBUTE_READ_ONLY; /* a permission never grows (check_change refuses most) */
	if (tok->be->item_restrict == NULL)
		return CKR_ATTRIBUTE_READ_ONLY; /* this component keeps usage fixed */
	/* Restrict what the item holds: it may hold fewer key-management bits
	 * than the row claims (same_policy). */
	se_item_policy have;
	if (tok->be->item_policy != NULL && tok->be->item_policy(tok->se, after->value_ref, &have) == CKR_OK) {
		now &= have.usage;
		if (now == have.usage)
			return CKR_OK;
	}
	return tok->be->item_restrict(tok->se, after->value_ref, now);
}
