/*
 * attr.c - attribute definitions and C_GetAttributeValue / C_SetAttributeValue.
 */
#include "config.h"
#include "core/attr.h"
#include "core/attr_array.h"
#include "core/attr_codec.h"
#include "core/attr_sms.h"
#include "core/object_index.h"
#include "core/core.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/sizes.h"

#include <stdlib.h>
#include <string.h>

#define BOTH (AC_KEY | AC_IDENTITY)
#define ON 1   /* def_true */
#define NO_LEN 0, 0

/* Settable attributes. */
#define CS (AF_CREATE | AF_SET)
/* Bools with a creation default (CKA_PRIVATE: see attr.h AF_TRUE_ONLY). */
#define CD (AF_CREATE | AF_DEFAULT)
/* The four usages that make a key a device key: a change only ever turns one
 * off. The secure component keeps the usage with the item and lets it shrink,
 * never grow (se.h item_restrict). A key that signs or encrypts is a device
 * key, made an EXCLUSIVE item at creation (keysets are never shared); a
 * verify/decrypt-only copy was not checked against the other tokens' keys, so
 * it must not become one. On by default (docs/architecture.md, "Object model"),
 * off for a diversification master, which only derives (AF_MASTER_FLIP). */
#define USAGE (CS | AF_ONLY_OFF | AF_DEFAULT | AF_MASTER_FLIP)

/*
 * One row per attribute (two for CKA_VALUE, whose rules depend on the class).
 * AF_ABSENT_ON rows are the bools core_object_cache reads as TRUE when absent.
 * Rows the module sets itself at creation (CKA_LOCAL, CKA_KEY_GEN_MECHANISM,
 * CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_UNIQUE_ID, CKA_KEY_TYPE and
 * CKA_VALUE_LEN from the checked template) and CKA_ID's random default are in
 * object_create.c: they are computed, not defaults.
 */
static const attr_def defs[] = {
	{CKA_CLASS, AK_ULONG, BOTH, AF_CREATE, 0, NO_LEN},
	{CKA_TOKEN, AK_BOOL, BOTH, CD | AF_COPY, 0, NO_LEN},
	{CKA_PRIVATE, AK_BOOL, BOTH, CD | AF_COPY | AF_TRUE_ONLY | AF_ABSENT_ON, ON, NO_LEN},
	{CKA_MODIFIABLE, AK_BOOL, BOTH, CD | AF_COPY | AF_ABSENT_ON, ON, NO_LEN},
	{CKA_COPYABLE, AK_BOOL, BOTH, CS | AF_DEFAULT | AF_COPY | AF_ONLY_OFF | AF_ABSENT_ON, ON, NO_LEN},
	{CKA_DESTROYABLE, AK_BOOL, BOTH, CD | AF_COPY | AF_ABSENT_ON, ON, NO_LEN},
	{CKA_LABEL, AK_BYTES, BOTH, CS | AF_DEFAULT | AF_COPY, 0, NO_LEN},
	{CKA_UNIQUE_ID, AK_BYTES, BOTH, 0, 0, NO_LEN},
	/* A key's value never changes; an Identity string may be rewritten. */
	{CKA_VALUE, AK_BYTES, AC_KEY, AF_CREATE | AF_SECRET, 0, NO_LEN},
	{CKA_VALUE, AK_BYTES, AC_IDENTITY, CS | AF_SECRET, 0, 1, PF_IDENTITY_MAX},
	{CKA_KEY_TYPE, AK_ULONG, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_ID, AK_BYTES, AC_KEY, CS | AF_COPY, 0, NO_LEN},
	{CKA_START_DATE, AK_DATE, AC_KEY, CS | AF_COPY, 0, NO_LEN},
	{CKA_END_DATE, AK_DATE, AC_KEY, CS | AF_COPY, 0, NO_LEN},
	/* Sealed as SE_USE_DERIVE: like the usages, only ever turned off. */
	{CKA_DERIVE, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_ONLY_OFF | AF_MASTER_FLIP, 0, NO_LEN},
	{CKA_LOCAL, AK_BOOL, AC_KEY, 0, 0, NO_LEN},
	{CKA_KEY_GEN_MECHANISM, AK_ULONG, AC_KEY, 0, 0, NO_LEN},
	/* One-way switches (PKCS#11 3.0 4.9): sensitive only on, extractable only off. */
	{CKA_SENSITIVE, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_COPY | AF_ONLY_ON | AF_ABSENT_ON, ON, NO_LEN},
	{CKA_ENCRYPT, AK_BOOL, AC_KEY, USAGE, ON, NO_LEN},
	{CKA_DECRYPT, AK_BOOL, AC_KEY, USAGE, ON, NO_LEN},
	{CKA_SIGN, AK_BOOL, AC_KEY, USAGE, ON, NO_LEN},
	{CKA_VERIFY, AK_BOOL, AC_KEY, USAGE, ON, NO_LEN},
	/* Sealed as key-management bits (se.h SE_USE_WRAP..SE_USE_EXPORT): a
	 * permission of the item never grows, so these are only turned off. */
	{CKA_WRAP, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_ONLY_OFF, 0, NO_LEN},
	{CKA_UNWRAP, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_ONLY_OFF, 0, NO_LEN},
	{CKA_EXTRACTABLE, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_COPY | AF_ONLY_OFF, 0, NO_LEN},
	{CKA_ALWAYS_SENSITIVE, AK_BOOL, AC_KEY, 0, 0, NO_LEN},
	{CKA_NEVER_EXTRACTABLE, AK_BOOL, AC_KEY, 0, 0, NO_LEN},
	{CKA_WRAP_WITH_TRUSTED, AK_BOOL, AC_KEY, CS | AF_DEFAULT | AF_ONLY_ON, 0, NO_LEN},
	/* Sealed with the item at creation, where only the SO may give TRUE (se.h SE_USE_TRUSTED). */
	{CKA_TRUSTED, AK_BOOL, AC_KEY, AF_CREATE | AF_DEFAULT | AF_SO_ONLY, 0, NO_LEN},
	/* Attribute arrays, kept flat in the record (attr_array.h). */
	{CKA_WRAP_TEMPLATE, AK_ARRAY, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_UNWRAP_TEMPLATE, AK_ARRAY, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_VALUE_LEN, AK_ULONG, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_PORTFOLIO_SERVICE, AK_ULONG, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_PORTFOLIO_KEY_INDEX, AK_ULONG, AC_KEY, AF_CREATE, 0, NO_LEN},
	/* A diversification master: the service of the keys it derives (derive.c). */
	{CKA_PORTFOLIO_MASTER, AK_ULONG, AC_KEY, AF_CREATE, 0, NO_LEN},
	{CKA_PORTFOLIO_IDENTITY_ID, AK_ULONG, AC_IDENTITY, AF_CREATE | AF_COPY | AF_REQUIRED, 0, NO_LEN},
	/* Provisioning the hash is the SO's privilege; nobody ever reads it back. */
	{CKA_PORTFOLIO_IDENTITY_HASH, AK_BYTES, AC_IDENTITY, CS | AF_SECRET | AF_SO_ONLY | AF_HIDDEN, 0,
	 ATTR_IDENTITY_HASH_LEN, ATTR_IDENTITY_HASH_LEN},
	{CKA_PORTFOLIO_HASH_PROVISIONED, AK_BOOL, AC_IDENTITY, AF_COMPUTED, 0, NO_LEN},
	/* The SO's choice, kept by the component with the hash item. */
	{CKA_PORTFOLIO_ENCRYPT_CURRENT, AK_BOOL, AC_IDENTITY, CS | AF_SO_ONLY, 0, NO_LEN},
	/* SMS keyset parameters: views of the sealed index, never stored; a
	 * creation template may name them, checked against it (attr_sms.c). */
	{CKA_PORTFOLIO_SMS_TAR, AK_BYTES, AC_KEY, AF_CREATE | AF_COMPUTED, 0, 3, 3},
	{CKA_PORTFOLIO_SMS_SPI, AK_BYTES, AC_KEY, AF_CREATE | AF_COMPUTED, 0, 2, 2},
	{CKA_PORTFOLIO_SMS_KIC, AK_BYTES, AC_KEY, AF_CREATE | AF_COMPUTED, 0, 1, 1},
	{CKA_PORTFOLIO_SMS_KID, AK_BYTES, AC_KEY, AF_CREATE | AF_COMPUTED, 0, 1, 1},
	{CKA_PORTFOLIO_SMS_SLOT, AK_ULONG, AC_KEY, AF_CREATE | AF_COMPUTED, 0, NO_LEN},
};

#define N_DEFS (sizeof defs / sizeof defs[0])

unsigned attr_class_bit(CK_OBJECT_CLASS cls)
{
	if (cls == CKO_SECRET_KEY)
		return AC_KEY;
	if (cls == CKO_PORTFOLIO_IDENTITY)
		return AC_IDENTITY;
	return 0;
}

const attr_def *attr_def_find(CK_ATTRIBUTE_TYPE t, unsigned class_bit)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (defs[i].type == t && (defs[i].classes & class_bit))
			return &defs[i];
	return NULL;
}

CK_RV attr_check_value(const attr_def *d, const void *val, CK_ULONG len)
{
	if (val == NULL && len != 0)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	switch (d->kind) {
	case AK_BOOL:
		if (len != sizeof(CK_BBOOL))
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (*(const CK_BBOOL *)val != CK_TRUE && *(const CK_BBOOL *)val != CK_FALSE)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		return CKR_OK;
	case AK_ULONG:
		return len == sizeof(CK_ULONG) ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	case AK_DATE:
		return len == 0 || len == sizeof(CK_DATE) ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	case AK_ARRAY:
		return attr_array_check(val, len);
	default:
		return len <= 1024 || (d->flags & AF_SECRET) ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	}
}

CK_RV attr_set(core_attr **attrs, size_t *n, CK_ATTRIBUTE_TYPE t, const void *val, CK_ULONG len)
{
	uint8_t *copy = NULL;
	if (len != 0) {
		copy = malloc(len);
		if (copy == NULL)
			return CKR_HOST_MEMORY;
		memcpy(copy, val, len);
	}
	for (size_t i = 0; i < *n; i++) {
		if ((*attrs)[i].type == t) {
			free((*attrs)[i].val);
			(*attrs)[i].val = copy;
			(*attrs)[i].len = len;
			return CKR_OK;
		}
	}
	core_attr *na = realloc(*attrs, (*n + 1) * sizeof *na);
	if (na == NULL) {
		free(copy);
		return CKR_HOST_MEMORY;
	}
	na[*n].type = t;
	na[*n].val = copy;
	na[*n].len = len;
	*attrs = na;
	(*n)++;
	return CKR_OK;
}

CK_RV attr_set_bool(core_object *o, CK_ATTRIBUTE_TYPE t, CK_BBOOL v)
{
	return attr_set(&o->attrs, &o->n_attrs, t, &v, sizeof v);
}

CK_RV attr_set_ulong(core_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG v)
{
	return attr_set(&o->attrs, &o->n_attrs, t, &v, sizeof v);
}

CK_BBOOL attr_get_bool(const core_object *o, CK_ATTRIBUTE_TYPE t, CK_BBOOL dflt)
{
	const core_attr *a = core_object_attr(o, t);
	return a != NULL && a->len == sizeof(CK_BBOOL) ? *(const CK_BBOOL *)a->val : dflt;
}

CK_ULONG attr_get_ulong(const core_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG dflt)
{
	const core_attr *a = core_object_attr(o, t);
	CK_ULONG v;
	if (a == NULL || a->len != sizeof v)
		return dflt;
	memcpy(&v, a->val, sizeof v);
	return v;
}

int attr_has(const core_object *o, CK_ATTRIBUTE_TYPE t)
{
	return core_object_attr(o, t) != NULL;
}

CK_BBOOL attr_template_bool(const CK_ATTRIBUTE *a)
{
	return *(const CK_BBOOL *)a->pValue;
}

CK_ULONG attr_template_ulong(const CK_ATTRIBUTE *a)
{
	CK_ULONG v;
	memcpy(&v, a->pValue, sizeof v);
	return v;
}

static int same_value(const CK_ATTRIBUTE *a, const CK_ATTRIBUTE *b)
{
	return a->ulValueLen == b->ulValueLen &&
	       (a->ulValueLen == 0 || memcmp(a->pValue, b->pValue, a->ulValueLen) == 0);
}

CK_RV attr_template_check_repeats(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	/* Each attribute is compared with the first of its type only. The caller
	 * has refused unknown types, so there are at most N_DEFS first ones: a
	 * long template costs n * N_DEFS compares, never n squared. */
	const CK_ATTRIBUTE *first[N_DEFS];
	size_t n_first = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		size_t j = 0;
		while (j < n_first && first[j]->type != t[i].type)
			j++;
		if (j < n_first) {
			if (!same_value(first[j], &t[i]))
				return CKR_TEMPLATE_INCONSISTENT;
		} else if (n_first < N_DEFS) {
			first[n_first++] = &t[i];
		} else {
			return CKR_ATTRIBUTE_TYPE_INVALID; /* more types than the module knows */
		}
	}
	return CKR_OK;
}

static const CK_ATTRIBUTE *template_first(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
	for (CK_ULONG i = 0; i < n; i++)
		if (t[i].type == type)
			return &t[i];
	return NULL;
}

CK_RV attr_check_len(const attr_def *d, CK_ULONG len)
{
	if (d->max_len == 0)
		return CKR_OK;
	return len >= d->min_len && len <= d->max_len ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

/* AF_TRUE_ONLY: every object of this module holds a secret in the secure
 * component, so it is private; FALSE is refused, never silently made TRUE. */
static int refused_false(const attr_def *d, const CK_ATTRIBUTE *a)
{
	return (d->flags & AF_TRUE_ONLY) && !attr_template_bool(a);
}

CK_RV attr_check_create(const attr_def *d, const CK_ATTRIBUTE *a)
{
	CK_RV rv = attr_check_value(d, a->pValue, a->ulValueLen);
	if (rv == CKR_OK && refused_false(d, a))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return rv;
}

CK_BBOOL attr_bool(const core_object *o, const attr_def *d)
{
	return attr_get_bool(o, d->type, (d->flags & AF_ABSENT_ON) ? CK_TRUE : CK_FALSE);
}

CK_RV attr_apply_defaults(core_object *o, unsigned class_bit)
{
	CK_RV rv = CKR_OK;
	/* a diversification master only derives (core_master_check) */
	int master = attr_has(o, CKA_PORTFOLIO_MASTER);
	for (size_t i = 0; i < N_DEFS && rv == CKR_OK; i++) {
		const attr_def *d = &defs[i];
		if (!(d->flags & AF_DEFAULT) || !(d->classes & class_bit) || attr_has(o, d->type))
			continue;
		if (d->kind == AK_BOOL)
			rv = attr_set_bool(o, d->type, (d->def_true != 0) != ((d->flags & AF_MASTER_FLIP) && master));
		else
			rv = attr_set(&o->attrs, &o->n_attrs, d->type, NULL, 0);
	}
	return rv;
}

CK_RV attr_check_required(const core_object *o, unsigned class_bit)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if ((defs[i].flags & AF_REQUIRED) && (defs[i].classes & class_bit) && !attr_has(o, defs[i].type))
			return CKR_TEMPLATE_INCOMPLETE;
	return CKR_OK;
}

/* The value an object lacking the attribute has: any bytes are a change. */
static int other_than_absent(const attr_def *d, const CK_ATTRIBUTE *a)
{
	if (d->kind != AK_BOOL)
		return 1;
	return attr_template_bool(a) != ((d->flags & AF_ABSENT_ON) ? CK_TRUE : CK_FALSE);
}

CK_RV attr_check_so_only(const CK_ATTRIBUTE *t, CK_ULONG n, unsigned class_bit, CK_USER_TYPE login)
{
	if (login == CKU_SO)
		return CKR_OK;
	for (CK_ULONG i = 0; i < n; i++) {
		const attr_def *d = attr_def_find(t[i].type, class_bit);
		if (d != NULL && (d->flags & AF_SO_ONLY) && other_than_absent(d, &t[i]))
			return CKR_ATTRIBUTE_READ_ONLY;
	}
	return CKR_OK;
}

CK_RV attr_check_copy(const CK_ATTRIBUTE *t, CK_ULONG n, unsigned class_bit)
{
	for (CK_ULONG i = 0; i < n; i++) {
		const attr_def *d = attr_def_find(t[i].type, class_bit);
		if (d == NULL)
			return CKR_ATTRIBUTE_TYPE_INVALID;
		if (!(d->flags & AF_COPY))
			return CKR_ATTRIBUTE_READ_ONLY;
	}
	return CKR_OK;
}

/* ---- C_GetAttributeValue ---------------------------------------------------- */

int attr_deliver_room(CK_ATTRIBUTE *a, CK_ULONG len, CK_RV *rv)
{
	*rv = CKR_OK;
	if (a->pValue == NULL) {
		a->ulValueLen = len;
		return 0;
	}
	if (a->ulValueLen < len) {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		*rv = CKR_BUFFER_TOO_SMALL;
		return 0;
	}
	return 1;
}

CK_RV attr_deliver(CK_ATTRIBUTE *a, const void *val, CK_ULONG len)
{
	CK_RV rv;
	if (!attr_deliver_room(a, len, &rv))
		return rv;
	if (len != 0)
		memcpy(a->pValue, val, len);
	a->ulValueLen = len;
	return CKR_OK;
}

static CK_RV get_secret_value(core_token *tok, const core_object *o, CK_ATTRIBUTE *a)
{
	if (o->cls == CKO_SECRET_KEY && (o->sensitive || !o->extractable))
		return CKR_ATTRIBUTE_SENSITIVE;
	if (o->value_ref == 0)
		return attr_deliver(a, NULL, 0);
	size_t len = 0;
	CK_RV rv = tok->be->item_read(tok->se, o->value_ref, NULL, &len);
	if (rv != CKR_OK)
		return rv;
	if (a->pValue == NULL) {
		a->ulValueLen = len;
		return CKR_OK;
	}
	if (a->ulValueLen < len) {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return CKR_BUFFER_TOO_SMALL;
	}
	rv = tok->be->item_read(tok->se, o->value_ref, a->pValue, &len);
	if (rv == CKR_OK)
		a->ulValueLen = len;
	return rv;
}

static CK_RV get_one(core_token *tok, const core_object *o, CK_ATTRIBUTE *a)
{
	const attr_def *d = attr_def_find(a->type, attr_class_bit(o->cls));
	if (d == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	if (d->flags & AF_HIDDEN)
		return CKR_ATTRIBUTE_SENSITIVE; /* never readable, by design */
	if (a->type == CKA_VALUE)
		return get_secret_value(tok, o, a);
	if (a->type == CKA_PORTFOLIO_HASH_PROVISIONED) {
		CK_BBOOL v = o->hash_ref != 0 ? CK_TRUE : CK_FALSE;
		return attr_deliver(a, &v, sizeof v);
	}
	if (d->flags & AF_COMPUTED)
		return attr_sms_get(tok, o, a); /* the other views */
	const core_attr *have = core_object_attr(o, a->type);
	if (have == NULL && d->kind == AK_DATE)
		return attr_deliver(a, NULL, 0); /* every key has its dates; unset they are empty */
	if (have == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	if (d->kind == AK_ARRAY)
		return attr_array_deliver(have, a);
	return attr_deliver(a, have->val, have->len);
}

CK_RV core_get_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	core_session *s;
	core_object *o;
	CK_RV rv = core_enter_object(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, oh, &s, &o);
	if (rv != CKR_OK)
		return rv;
	/* Every attribute is processed; the first problem found is reported. */
	for (CK_ULONG i = 0; i < n; i++) {
		CK_RV r = get_one(s->tok, o, &t[i]);
		if (r == CKR_ATTRIBUTE_SENSITIVE || r == CKR_ATTRIBUTE_TYPE_INVALID)
			t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
		if (r == CKR_ATTRIBUTE_SENSITIVE || r == CKR_ATTRIBUTE_TYPE_INVALID || r == CKR_BUFFER_TOO_SMALL) {
			if (rv == CKR_OK)
				rv = r;
		} else if (r != CKR_OK) {
			t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			if (rv == CKR_OK || rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
			    rv == CKR_BUFFER_TOO_SMALL)
				rv = r; /* a device failure outranks template verdicts */
		}
	}
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

/* ---- C_SetAttributeValue ------------------------------------------------------ */

/* A one-way switch (AF_ONLY_ON / AF_ONLY_OFF) turned the forbidden way. */
static int one_way_refused(const core_object *o, const attr_def *d, const CK_ATTRIBUTE *a)
{
	if (!(d->flags & (AF_ONLY_ON | AF_ONLY_OFF)))
		return 0; /* only bools carry these flags: their shape is checked */
	CK_BBOOL now = attr_bool(o, d), next = attr_template_bool(a);
	return ((d->flags & AF_ONLY_ON) && now && !next) || ((d->flags & AF_ONLY_OFF) && !now && next);
}

/* Checks one change against the row of its attribute. */
static CK_RV check_change(const core_token *tok, const core_object *o, const CK_ATTRIBUTE *a)
{
	const attr_def *d = attr_def_find(a->type, attr_class_bit(o->cls));
	if (d == NULL)
		return CKR_ATTRIBUTE_TYPE_INVALID;
	CK_RV rv = attr_check_value(d, a->pValue, a->ulValueLen);
	/* A value no object here may hold gets the same answer as at creation;
	 * any other is read-only like every creation-only attribute. */
	if (!(d->flags & AF_SET))
		return rv == CKR_OK && refused_false(d, a) ? CKR_ATTRIBUTE_VALUE_INVALID : CKR_ATTRIBUTE_READ_ONLY;
	if (rv != CKR_OK)
		return rv;
	if ((d->flags & AF_SO_ONLY) && tok->login != CKU_SO)
		return CKR_ATTRIBUTE_READ_ONLY;
	if ((rv = attr_check_len(d, a->ulValueLen)) != CKR_OK)
		return rv;
	return one_way_refused(o, d, a) ? CKR_ATTRIBUTE_READ_ONLY : CKR_OK;
}

/* A new CKA_PORTFOLIO_ENCRYPT_CURRENT is sealed with a new hash item: the hash
 * must come in the same template (the old one is never readable). */
static CK_RV check_encrypt_current(const core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	int flag_changes = 0, hash_given = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		if (t[i].type == CKA_PORTFOLIO_ENCRYPT_CURRENT &&
		    attr_template_bool(&t[i]) != attr_get_bool(o, CKA_PORTFOLIO_ENCRYPT_CURRENT, CK_FALSE))
			flag_changes = 1;
		hash_given |= t[i].type == CKA_PORTFOLIO_IDENTITY_HASH;
	}
	return flag_changes && !hash_given ? CKR_TEMPLATE_INCOMPLETE : CKR_OK;
}

/* Items made and items replaced by one C_SetAttributeValue: the new ones are
 * dropped if the call fails, the old ones once it has succeeded. */
typedef struct item_swap {
	se_ref made[4];
	se_ref old[4];
	size_t n_made, n_old;
} item_swap;

/* Applies an Identity value or hash through the secure component as a new
 * item next to the old one (never in place), so that until the call commits
 * the old value is intact in the store and in memory. */
static CK_RV apply_secret(core_token *tok, core_object *o, const CK_ATTRIBUTE *a, item_swap *sw)
{
	unsigned flags = o->on_token ? SE_ITEM_PERSISTENT : 0;
	int value = a->type == CKA_VALUE;
	se_ref *slot = value ? &o->value_ref : &o->hash_ref;
	se_ref ref;
	se_item_policy pol;
	if (sw->n_made == 4 || sw->n_old == 4)
		return CKR_TEMPLATE_INCONSISTENT; /* the same secret attribute given over and over */
	core_identity_policy(o, !value, &pol);
	CK_RV rv = tok->be->item_put(tok->se, value ? SE_ITEM_IDENTITY_VALUE : SE_ITEM_IDENTITY_HASH,
	                             a->pValue, a->ulValueLen, value ? flags | SE_ITEM_READABLE : flags, &pol,
	                             &ref);
	if (rv != CKR_OK)
		return rv;
	sw->made[sw->n_made++] = ref;
	if (*slot != 0)
		sw->old[sw->n_old++] = *slot;
	*slot = ref;
	return CKR_OK;
}

static void drop_refs(core_token *tok, const se_ref *refs, size_t n, se_ref keep1, se_ref keep2)
{
	for (size_t i = 0; i < n; i++)
		if (refs[i] != keep1 && refs[i] != keep2)
			(void)tok->be->item_delete(tok->se, refs[i]);
}

/* The object as the template makes it, aside (*next owns its attribute list
 * even on failure): plain attributes first, then the secrets as new items
 * (made with the new attributes' policy), then the key's usage shrunk in the
 * secure component. */
static CK_RV build_next(core_token *tok, const core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n,
                        core_object *next, item_swap *sw)
{
	CK_RV rv = CKR_OK;
	*next = *o;
	next->attrs = NULL;
	next->n_attrs = 0;
	for (size_t i = 0; i < o->n_attrs && rv == CKR_OK; i++)
		rv = attr_set(&next->attrs, &next->n_attrs, o->attrs[i].type, o->attrs[i].val, o->attrs[i].len);
	for (CK_ULONG i = 0; i < n && rv == CKR_OK; i++)
		if (!(attr_def_find(t[i].type, attr_class_bit(o->cls))->flags & AF_SECRET))
			rv = attr_set(&next->attrs, &next->n_attrs, t[i].type, t[i].pValue, t[i].ulValueLen);
	/* Each secret once (its repeats carry the same value: checked before). */
	for (size_t d = 0; d < N_DEFS && rv == CKR_OK; d++) {
		const CK_ATTRIBUTE *a = template_first(t, n, defs[d].type);
		if (a != NULL && (defs[d].flags & AF_SECRET) && (defs[d].classes & attr_class_bit(o->cls)))
			rv = apply_secret(tok, next, a, sw);
	}
	return rv == CKR_OK ? core_key_restrict(tok, o, next) : rv;
}

/* Every rule a C_SetAttributeValue template must meet before anything is made. */
static CK_RV check_changes(const core_session *s, const core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	if (o->on_token && !(s->flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	if (!o->modifiable)
		return CKR_ACTION_PROHIBITED;
	CK_RV rv = CKR_OK;
	for (CK_ULONG i = 0; i < n && rv == CKR_OK; i++)
		rv = check_change(s->tok, o, &t[i]);
	if (rv == CKR_OK)
		rv = attr_template_check_repeats(t, n);
	return rv == CKR_OK ? check_encrypt_current(o, t, n) : rv;
}

/* The changed object as the store's commit left it: the new one, or (a commit
 * that rolled back) an object whose items were freed. */
static CK_RV commit_change(core_token *tok, core_object *next, const item_swap *sw, int tx)
{
	/* Replaced items go inside the transaction too (items given twice in one
	 * template were replaced by their successor: drop those as well). */
	drop_refs(tok, sw->old, sw->n_old, next->value_ref, next->hash_ref);
	drop_refs(tok, sw->made, sw->n_made, next->value_ref, next->hash_ref);
	CK_RV rv = tx ? store_commit(core_g.st) : CKR_OK;
	if (rv != CKR_OK) {
		/* The commit rolled everything back: the old rows are in the store
		 * again but their items were freed. The object must not point at the
		 * new items, whose rows are gone; it stays unusable until the next
		 * login reloads the items. */
		PF_ERROR("instance %lu: attribute change not committed", (unsigned long)tok->iid);
		(void)tok->be->item_delete(tok->se, next->value_ref);
		(void)tok->be->item_delete(tok->se, next->hash_ref);
	}
	return rv;
}

/* Builds the new attribute list aside, so a failure changes nothing; a token
 * object's new items, its record and the removal of the replaced items are one
 * transaction, so a crash leaves the old object or the new one. */
static CK_RV change_object(core_token *tok, core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n)
{
	item_swap sw = {.n_made = 0};
	int tx = o->on_token;
	CK_RV rv = tx ? store_begin(core_g.st) : CKR_OK;
	if (rv != CKR_OK)
		return rv;
	core_object next;
	rv = build_next(tok, o, t, n, &next, &sw);
	if (rv == CKR_OK && next.on_token)
		rv = core_object_persist(tok, &next);
	if (rv != CKR_OK) {
		/* Before any commit: the new items go, the old ones were never touched. */
		drop_refs(tok, sw.made, sw.n_made, 0, 0);
		if (tx)
			store_rollback(core_g.st);
	} else {
		rv = commit_change(tok, &next, &sw, tx);
	}
	if (rv != CKR_OK) {
		core_attrs_free(next.attrs, next.n_attrs);
		return rv;
	}
	core_attrs_free(o->attrs, o->n_attrs);
	o->attrs = next.attrs;
	o->n_attrs = next.n_attrs;
	o->value_ref = next.value_ref;
	o->hash_ref = next.hash_ref;
	core_object_cache(o);
	core_index_update(tok, o);
	return CKR_OK;
}

CK_RV core_set_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	core_session *s;
	core_object *o;
	CK_RV rv = core_enter_object(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, oh, &s, &o);
	if (rv != CKR_OK)
		return rv;
	if ((rv = check_changes(s, o, t, n)) == CKR_OK)
		rv = change_object(s->tok, o, t, n);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}
