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

static unsigned usage_of(const core_object *o)
{
	return (o->mk.can_sign ? SE_USE_SIGN : 0) | (o->mk.can_verify ? SE_USE_VERIFY : 0) |
	       (o->mk.can_encrypt ? SE_USE_ENCRYPT : 0) | (o->mk.can_decrypt ? SE_USE_DECRYPT : 0);
}

void core_key_policy(const core_object *o, se_item_policy *pol)
{
	pol->service = o->mk.has_service ? o->mk.service : SE_SERVICE_NONE;
	pol->key_index = o->mk.has_service ? o->key_index : 0;
	pol->usage = usage_of(o);
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

static int same_policy(const se_item_policy *a, const se_item_policy *b)
{
	return a->service == b->service && a->key_index == b->key_index && a->usage == b->usage &&
	       a->identity_id == b->identity_id && a->identity_flags == b->identity_flags;
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
		core_key_policy(o, &want);
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
	unsigned was = usage_of(before), now = usage_of(after);
	if (now == was)
		return CKR_OK;
	if ((now & ~was) != 0)
		return CKR_ATTRIBUTE_READ_ONLY; /* check_change refused it already */
	if (tok->be->item_restrict == NULL)
		return CKR_ATTRIBUTE_READ_ONLY; /* this component keeps usage fixed */
	return tok->be->item_restrict(tok->se, after->value_ref, now);
}
