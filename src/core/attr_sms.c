/*
 * attr_sms.c - the SMS keyset parameters as attributes (attr_sms.h): each is
 * a byte field of the sealed index, read from the component's policy of the
 * item. One table says where each lives; reading, finding and creation all
 * go through view_of().
 */
#include "config.h"

#include <string.h>

#include "core/attr.h"
#include "core/attr_sms.h"

#define SLOT_LEN ((CK_ULONG)sizeof(CK_ULONG)) /* CKA_PORTFOLIO_SMS_SLOT is a CK_ULONG */

static const struct sms_view {
	CK_ATTRIBUTE_TYPE type;
	unsigned shift;  /* of the field in the index */
	CK_ULONG len;    /* bytes, big-endian; SLOT_LEN: a CK_ULONG */
} views[] = {
	{CKA_PORTFOLIO_SMS_TAR, 0, 3},
	{CKA_PORTFOLIO_SMS_SPI, 24, 2},
	{CKA_PORTFOLIO_SMS_KID, 40, 1},
	{CKA_PORTFOLIO_SMS_KIC, 48, 1},
	{CKA_PORTFOLIO_SMS_SLOT, 56, SLOT_LEN},
};
#define N_VIEWS (sizeof views / sizeof views[0])

static const struct sms_view *view_find(CK_ATTRIBUTE_TYPE t)
{
	for (size_t i = 0; i < N_VIEWS; i++)
		if (views[i].type == t)
			return &views[i];
	return NULL;
}

/* The field of v in index, as the attribute's value. */
static void view_of(const struct sms_view *v, CK_ULONG index, uint8_t out[sizeof(CK_ULONG)])
{
	uint64_t field = (uint64_t)index >> v->shift;
	if (v->len == SLOT_LEN) {
		CK_ULONG slot = (CK_ULONG)(field & 0xFF);
		memcpy(out, &slot, sizeof slot);
		return;
	}
	for (CK_ULONG i = 0; i < v->len; i++)
		out[i] = (uint8_t)(field >> (8 * (v->len - 1 - i)));
}

/* The field a template value gives (0xFF max for the slot: it is one byte). */
static int field_of(const struct sms_view *v, const CK_ATTRIBUTE *a, uint64_t *field)
{
	if (a->pValue == NULL || a->ulValueLen != v->len)
		return 0;
	if (v->len == SLOT_LEN) {
		CK_ULONG slot;
		memcpy(&slot, a->pValue, sizeof slot);
		*field = slot;
		return slot <= 0xFF;
	}
	*field = 0;
	for (CK_ULONG i = 0; i < v->len; i++)
		*field = (*field << 8) | ((const uint8_t *)a->pValue)[i];
	return 1;
}

/* The index the component sealed with o's item, if o is an SMS key. */
static int sealed_index(core_token *tok, const core_object *o, CK_ULONG *index)
{
	se_item_policy pol;
	if (o->cls != CKO_SECRET_KEY || o->value_ref == 0 || tok->be->item_policy == NULL ||
	    tok->be->item_policy(tok->se, o->value_ref, &pol) != CKR_OK || pol.service != CK_PORTFOLIO_SRV_SMS)
		return 0;
	*index = pol.key_index;
	return 1;
}

CK_RV attr_sms_get(core_token *tok, const core_object *o, CK_ATTRIBUTE *a)
{
	const struct sms_view *v = view_find(a->type);
	uint8_t val[sizeof(CK_ULONG)];
	CK_ULONG index = 0;
	if (v == NULL || !sealed_index(tok, o, &index))
		return CKR_ATTRIBUTE_TYPE_INVALID;
	view_of(v, index, val);
	return attr_deliver(a, val, v->len);
}

int attr_sms_matches(core_token *tok, const core_object *o, const CK_ATTRIBUTE *a)
{
	const struct sms_view *v = view_find(a->type);
	uint8_t val[sizeof(CK_ULONG)];
	CK_ULONG index = 0;
	if (v == NULL || a->ulValueLen != v->len || a->pValue == NULL || !sealed_index(tok, o, &index))
		return 0;
	view_of(v, index, val);
	return memcmp(val, a->pValue, v->len) == 0;
}

/* No index given: all five views make it (the caller checked the service). */
static CK_RV index_from_views(core_object *o, const CK_ATTRIBUTE *given[N_VIEWS])
{
	CK_ULONG index = 0;
	for (size_t i = 0; i < N_VIEWS; i++) {
		uint64_t field = 0;
		if (given[i] == NULL)
			return CKR_TEMPLATE_INCONSISTENT; /* a view alone names no keyset */
		if (!field_of(&views[i], given[i], &field))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		index |= (CK_ULONG)field << views[i].shift;
	}
	return attr_set_ulong(o, CKA_PORTFOLIO_KEY_INDEX, index);
}

CK_RV attr_sms_template(core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	const CK_ATTRIBUTE *given[N_VIEWS] = {NULL};
	int any = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		const struct sms_view *v = view_find(t[i].type);
		if (v != NULL) {
			given[v - views] = &t[i];
			any = 1;
		}
	}
	if (!any)
		return CKR_OK;
	if (attr_get_ulong(o, CKA_PORTFOLIO_SERVICE, ~(CK_ULONG)0) != CK_PORTFOLIO_SRV_SMS)
		return CKR_TEMPLATE_INCONSISTENT; /* the views exist on SMS keys only */
	if (!attr_has(o, CKA_PORTFOLIO_KEY_INDEX))
		return index_from_views(o, given);
	CK_ULONG index = attr_get_ulong(o, CKA_PORTFOLIO_KEY_INDEX, 0);
	for (size_t i = 0; i < N_VIEWS; i++) {
		uint8_t want[sizeof(CK_ULONG)];
		if (given[i] == NULL)
			continue;
		if (given[i]->pValue == NULL || given[i]->ulValueLen != views[i].len)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		view_of(&views[i], index, want);
		if (memcmp(want, given[i]->pValue, views[i].len) != 0)
			return CKR_TEMPLATE_INCONSISTENT; /* the view contradicts the index */
	}
	return CKR_OK;
}
