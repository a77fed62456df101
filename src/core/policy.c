/*
 * policy.c - an object's row and the secure component's policy of its items.
 *
 * The component decides what an item may do from the policy it keeps with
 * the item (se.h, se_item_policy). The core makes that policy from the
 * object's attributes when it creates the items, and compares the two
 * whenever it loads rows, so a row edited at rest cannot make an object look
 * (to the application) other than what its items are.
 */
#include "config.h"
#include "core/attr.h"
#include "core/core.h"

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
	pol->identity_id = o->identity_id;
	pol->identity_flags = 0;
	(void)hash;
}
