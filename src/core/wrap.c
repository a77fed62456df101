/*
 * wrap.c - C_WrapKey and C_UnwrapKey (PKCS#11 3.0 5.18). The core finds the
 * objects and checks the mechanism; the secure component wraps, unwraps and
 * decides what may be wrapped under what (se.h item_wrap / item_unwrap). The
 * unwrapped key is created through core_create_key_locked: every creation rule
 * of C_GenerateKey applies, and a bound blob's service, index and usage are
 * bound onto it (docs/mechanisms.md, "Key wrap"); the usage of a bound key of
 * no keyset may be narrowed by the template, never widened.
 */
#include "config.h"
#include "core/attr.h"
#include "core/attr_array.h"
#include "core/wrap.h"
#include "mech/mech_wrap.h"

#include <stdlib.h>

/* A secret key object of the token, or NULL. */
static core_object *find_key(core_token *tok, CK_OBJECT_HANDLE h)
{
	core_object *o = core_object_find(tok, h);
	return o != NULL && o->cls == CKO_SECRET_KEY && o->value_ref != 0 ? o : NULL;
}

/* PKCS#11 3.0 4.10: a key that does not match the wrapping key's
 * CKA_WRAP_TEMPLATE cannot be wrapped with it. */
static int wrap_template_allows(const core_object *w, const core_object *k)
{
	const core_attr *tmpl = core_object_attr(w, CKA_WRAP_TEMPLATE);
	return tmpl == NULL || attr_array_matches(tmpl, k);
}

CK_RV core_wrap_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE wrapping, CK_OBJECT_HANDLE key,
                    CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_LOGIN, &s);
	if (rv != CKR_OK)
		return rv;
	core_token *tok = s->tok;
	core_object *w = find_key(tok, wrapping), *k = find_key(tok, key);
	size_t len = out != NULL ? (size_t)*out_len : 0;
	if (w == NULL)
		rv = CKR_WRAPPING_KEY_HANDLE_INVALID;
	else if (k == NULL)
		rv = core_object_find(tok, key) != NULL ? CKR_KEY_NOT_WRAPPABLE : CKR_KEY_HANDLE_INVALID;
	else if ((rv = mech_wrap_check(m, CKF_WRAP, &w->mk)) != CKR_OK)
		;
	else if (!wrap_template_allows(w, k))
		rv = CKR_KEY_NOT_WRAPPABLE;
	else if (tok->be->item_wrap == NULL)
		rv = CKR_FUNCTION_NOT_SUPPORTED;
	else
		rv = tok->be->item_wrap(tok->se, w->value_ref, m->mechanism, k->value_ref, out, &len);
	if (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL)
		*out_len = (CK_ULONG)len;
	core_leave(s, CORE_TOKEN_SHARED);
	return rv;
}

/* One C_UnwrapKey: what the key source needs. */
typedef struct unwrap_ctx {
	se_ref kek;
	CK_MECHANISM_TYPE mech;
	const uint8_t *blob;
	size_t blob_len;
	se_unwrap_info info;      /* what the component found in the blob */
	const CK_ATTRIBUTE *t;    /* the caller's template, with the unwrap template merged */
	CK_ULONG n;
	CK_ATTRIBUTE *merged;     /* owned: the merged template, or NULL */
} unwrap_ctx;

static const CK_ATTRIBUTE *given(const unwrap_ctx *c, CK_ATTRIBUTE_TYPE type)
{
	for (CK_ULONG i = 0; i < c->n; i++)
		if (c->t[i].type == type)
			return &c->t[i];
	return NULL;
}

/* A fact the blob dictates: the template may repeat it, never change it. */
static CK_RV bind_ulong(const unwrap_ctx *c, core_object *o, CK_ATTRIBUTE_TYPE type, CK_ULONG v)
{
	const CK_ATTRIBUTE *a = given(c, type);
	if (a != NULL && attr_template_ulong(a) != v)
		return CKR_TEMPLATE_INCONSISTENT;
	return attr_set_ulong(o, type, v);
}

static CK_RV bind_bool(const unwrap_ctx *c, core_object *o, CK_ATTRIBUTE_TYPE type, CK_BBOOL v)
{
	const CK_ATTRIBUTE *a = given(c, type);
	if (a != NULL && attr_template_bool(a) != v)
		return CKR_TEMPLATE_INCONSISTENT;
	return attr_set_bool(o, type, v);
}

static const struct {
	CK_ATTRIBUTE_TYPE type;
	unsigned use;
} bound_usage[] = {
	{CKA_SIGN, SE_USE_SIGN}, {CKA_VERIFY, SE_USE_VERIFY},
	{CKA_ENCRYPT, SE_USE_ENCRYPT}, {CKA_DECRYPT, SE_USE_DECRYPT}, {CKA_DERIVE, SE_USE_DERIVE},
};

/* A usage bit the blob carries. A key of no keyset (not a master) may be
 * narrowed: the template may turn a bit off, never on (the receiving token
 * does less with it: a decrypt-only copy of a content key). A keyset key and
 * a master keep exactly their usage: it is their place in the Portfolio. */
static CK_RV bind_usage(const unwrap_ctx *c, core_object *o, CK_ATTRIBUTE_TYPE type, CK_BBOOL v, int narrow)
{
	const CK_ATTRIBUTE *a = given(c, type);
	if (narrow && a != NULL && !attr_template_bool(a))
		return attr_set_bool(o, type, CK_FALSE);
	return bind_bool(c, o, type, v);
}

/* core_key_source.fix: a bound blob's kind, keyset place and usage become the key's. */
static CK_RV unwrap_fix(void *ctx, core_token *tok, core_object *o)
{
	(void)tok;
	const unwrap_ctx *c = ctx;
	if (!c->info.bound)
		return CKR_OK;
	CK_KEY_TYPE type = attr_get_ulong(o, CKA_KEY_TYPE, 0);
	if ((c->info.kind == SE_ITEM_AES_KEY) != (type == CKK_AES))
		return CKR_TEMPLATE_INCONSISTENT;
	CK_RV rv = CKR_OK;
	if (c->info.pol.usage & SE_USE_MASTER) {
		/* a master: its service names the keys it derives; no keyset place */
		if (given(c, CKA_PORTFOLIO_SERVICE) != NULL || given(c, CKA_PORTFOLIO_KEY_INDEX) != NULL)
			return CKR_TEMPLATE_INCONSISTENT;
		rv = bind_ulong(c, o, CKA_PORTFOLIO_MASTER, c->info.pol.service);
	} else if (c->info.pol.service == SE_SERVICE_NONE) {
		if (given(c, CKA_PORTFOLIO_SERVICE) != NULL || given(c, CKA_PORTFOLIO_KEY_INDEX) != NULL)
			return CKR_TEMPLATE_INCONSISTENT; /* the blob holds a key of no keyset */
	} else {
		rv = bind_ulong(c, o, CKA_PORTFOLIO_SERVICE, c->info.pol.service);
		if (rv == CKR_OK)
			rv = bind_ulong(c, o, CKA_PORTFOLIO_KEY_INDEX, c->info.pol.key_index);
	}
	int narrow = c->info.pol.service == SE_SERVICE_NONE && (c->info.pol.usage & SE_USE_MASTER) == 0;
	for (size_t i = 0; rv == CKR_OK && i < sizeof bound_usage / sizeof bound_usage[0]; i++)
		rv = bind_usage(c, o, bound_usage[i].type,
		                (c->info.pol.usage & bound_usage[i].use) ? CK_TRUE : CK_FALSE, narrow);
	return rv;
}

/* core_key_source.make: the component opens the blob again and makes the item. */
static CK_RV unwrap_make(void *ctx, core_token *tok, se_item_kind kind, CK_ULONG len, unsigned flags,
                         const se_item_policy *pol, se_ref *out)
{
	const unwrap_ctx *c = ctx;
	se_unwrap_info want = c->info;
	want.kind = kind;
	want.len = len;
	return tok->be->item_unwrap(tok->se, c->kek, c->mech, c->blob, c->blob_len, &want, flags, pol, out);
}

/* With the session entered (token lock exclusive, somebody logged in). */
static CK_RV unwrap_locked(core_session *s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping, unwrap_ctx *c,
                           CK_OBJECT_HANDLE_PTR out)
{
	core_token *tok = s->tok;
	core_object *kek = find_key(tok, unwrapping);
	if (kek == NULL)
		return CKR_UNWRAPPING_KEY_HANDLE_INVALID;
	CK_RV rv = mech_wrap_check(m, CKF_UNWRAP, &kek->mk);
	if (rv != CKR_OK)
		return rv;
	if (tok->be->item_unwrap == NULL)
		return CKR_FUNCTION_NOT_SUPPORTED;
	/* PKCS#11 3.0 4.10: the unwrapping key's CKA_UNWRAP_TEMPLATE joins the
	 * caller's template; a contradiction is CKR_TEMPLATE_INCONSISTENT. */
	const core_attr *ut = core_object_attr(kek, CKA_UNWRAP_TEMPLATE);
	if (ut != NULL && (rv = attr_array_merge(ut, c->t, c->n, &c->merged, &c->n)) != CKR_OK)
		return rv;
	if (c->merged != NULL)
		c->t = c->merged;
	c->kek = kek->value_ref;
	c->mech = m->mechanism;
	/* First ask what the blob holds (its length; a bound blob's facts for fix). */
	rv = tok->be->item_unwrap(tok->se, c->kek, c->mech, c->blob, c->blob_len, &c->info, 0, NULL, NULL);
	if (rv != CKR_OK)
		return rv;
	const core_key_source src = {
		.mech = m->mechanism,
		.always_sensitive = CK_FALSE, /* PKCS#11 3.0 4.10.1: an unwrapped key was outside */
		.never_extractable = CK_FALSE,
		.value_len = (CK_ULONG)c->info.len,
		.fix = unwrap_fix,
		.make = unwrap_make,
		.ctx = c,
	};
	return core_create_key_locked(s, c->t, c->n, &src, out);
}

CK_RV core_unwrap_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE unwrapping,
                      CK_BYTE_PTR blob, CK_ULONG blob_len, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                      CK_OBJECT_HANDLE_PTR out)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_LOGIN, &s);
	if (rv != CKR_OK)
		return rv;
	unwrap_ctx c = {.blob = blob, .blob_len = blob_len, .t = t, .n = n};
	rv = unwrap_locked(s, m, unwrapping, &c, out);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	free(c.merged);
	return rv;
}
