/*
 * derive.c - C_DeriveKey: the base key object, its lifetime, the mechanism's
 * parameter (src/mech/mech_derive.c), and the new key made by the secure
 * component (item_derive) through the one creation path of sourced keys
 * (core_create_key_locked). Also the creation rules of a diversification
 * master (CKA_PORTFOLIO_MASTER).
 *
 * What the base key may do is the component's decision from its sealed
 * policy; the checks here only give the clear answer early.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "core/attr.h"
#include "core/core.h"
#include "util/sizes.h"

typedef struct derive_ctx {
	se_ref base;
	mech_derive md;
	CK_ULONG master_service;  /* CKM_PORTFOLIO_DIVERSIFY: the master's service */
} derive_ctx;

/* CKA_START_DATE / CKA_END_DATE (CK_DATE, "YYYYMMDD" digits; empty: no
 * bound) against today's UTC date: 1 while the key may be used. */
static int within_dates(const core_object *o)
{
	char today[9];
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL || strftime(today, sizeof today, "%Y%m%d", &tm) != 8)
		return 0; /* no clock, no use of a dated key */
	const core_attr *start = core_object_attr(o, CKA_START_DATE);
	const core_attr *end = core_object_attr(o, CKA_END_DATE);
	if (start != NULL && start->len == sizeof(CK_DATE) && memcmp(today, start->val, 8) < 0)
		return 0;
	if (end != NULL && end->len == sizeof(CK_DATE) && memcmp(today, end->val, 8) > 0)
		return 0;
	return 1;
}

/* The base key: a visible secret key that may derive today. */
static CK_RV base_key(core_token *tok, CK_OBJECT_HANDLE h, const core_object **out)
{
	const core_object *o = htable_get(&tok->objects, h);
	if (o == NULL)
		return CKR_KEY_HANDLE_INVALID; /* somebody is logged in (core_derive_key) */
	if (!core_object_visible(tok, o))
		return CKR_USER_NOT_LOGGED_IN;
	if (o->cls != CKO_SECRET_KEY)
		return CKR_KEY_HANDLE_INVALID;
	if (!attr_get_bool(o, CKA_DERIVE, CK_FALSE))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	/* Documented choice (docs/architecture.md): a key outside its dates is
	 * refused as a function the key may not perform now. */
	if (!within_dates(o))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	*out = o;
	return CKR_OK;
}

/* A second key named in the parameter (CKF_HKDF_SALT_KEY's salt key,
 * CKM_PORTFOLIO_ONEM2M_CONF's T(1)) as its item; the component checks what
 * it may do. A handle that names no secret key the session sees is a bad
 * parameter; one outside its dates may not be used, like a base key. */
static CK_RV param_item(core_token *tok, CK_OBJECT_HANDLE h, se_ref *ref)
{
	if (h == CK_INVALID_HANDLE)
		return CKR_OK;
	const core_object *o = core_object_find(tok, h);
	if (o == NULL || o->cls != CKO_SECRET_KEY) /* (find: only what the session sees) */
		return CKR_MECHANISM_PARAM_INVALID;
	if (!within_dates(o))
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	*ref = o->value_ref;
	return CKR_OK;
}

static CK_RV param_items(core_token *tok, derive_ctx *c)
{
	CK_RV rv = param_item(tok, c->md.salt_key, &c->md.p.salt_key);
	return rv == CKR_OK ? param_item(tok, c->md.prev_key, &c->md.p.prev_key) : rv;
}

static CK_RV make(void *ctx, core_token *tok, se_item_kind kind, CK_ULONG len, unsigned flags,
                  const se_item_policy *pol, se_ref *out)
{
	const derive_ctx *c = ctx;
	return tok->be->item_derive(tok->se, c->base, &c->md.p, kind, len, flags, pol, out);
}

/* Diversification: the new key is the keyset key (master's service, index n);
 * a template that says otherwise is inconsistent. */
static CK_RV fix_keyset(void *ctx, core_token *tok, core_object *o)
{
	(void)tok;
	const derive_ctx *c = ctx;
	if (attr_has(o, CKA_PORTFOLIO_MASTER) ||
	    attr_get_ulong(o, CKA_PORTFOLIO_SERVICE, c->master_service) != c->master_service ||
	    attr_get_ulong(o, CKA_PORTFOLIO_KEY_INDEX, c->md.key_index) != c->md.key_index)
		return CKR_TEMPLATE_INCONSISTENT;
	CK_RV rv = attr_set_ulong(o, CKA_PORTFOLIO_SERVICE, c->master_service);
	return rv == CKR_OK ? attr_set_ulong(o, CKA_PORTFOLIO_KEY_INDEX, c->md.key_index) : rv;
}

static CK_RV derive_locked(core_session *s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE hb,
                           CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out)
{
	core_token *tok = s->tok;
	const core_object *base = NULL;
	derive_ctx c = {0};
	if (tok->be->item_derive == NULL || !mech_offered(m->mechanism, tok->mech_opt_in))
		return CKR_MECHANISM_INVALID;
	CK_RV rv = base_key(tok, hb, &base);
	if (rv == CKR_OK)
		rv = mech_derive_parse(m, &base->mk, &c.md);
	if (rv == CKR_OK)
		rv = param_items(tok, &c);
	if (rv != CKR_OK)
		return rv;
	int diversify = m->mechanism == CKM_PORTFOLIO_DIVERSIFY;
	if (diversify != attr_has(base, CKA_PORTFOLIO_MASTER))
		return CKR_KEY_FUNCTION_NOT_PERMITTED; /* a master only diversifies, and only it does */
	c.base = base->value_ref;
	c.master_service = attr_get_ulong(base, CKA_PORTFOLIO_MASTER, 0);
	/* PKCS#11 3.0 4.10.1: a derived key was always sensitive / never
	 * extractable only if its base key was */
	const core_key_source src = {
		.mech = m->mechanism,
		.always_sensitive = attr_get_bool(base, CKA_ALWAYS_SENSITIVE, CK_FALSE),
		.never_extractable = attr_get_bool(base, CKA_NEVER_EXTRACTABLE, CK_FALSE),
		.value_len = c.md.value_len,
		.fix = diversify ? fix_keyset : NULL,
		.make = make,
		.ctx = &c,
	};
	return core_create_key_locked(s, t, n, &src, out);
}

CK_RV core_derive_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE base,
                      CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out)
{
	core_session *s;
	CK_RV rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_LOGIN, &s);
	if (rv != CKR_OK)
		return rv;
	rv = derive_locked(s, m, base, t, n, out);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_master_check(const core_token *tok, const core_object *o, CK_ULONG len)
{
	static const CK_ATTRIBUTE_TYPE never[] = {CKA_SIGN, CKA_VERIFY, CKA_ENCRYPT, CKA_DECRYPT};
	if (!attr_has(o, CKA_PORTFOLIO_MASTER))
		return CKR_OK;
	CK_ULONG srv = attr_get_ulong(o, CKA_PORTFOLIO_MASTER, (CK_ULONG)-1);
	if ((srv != CK_PORTFOLIO_SRV_AUTHENT && srv != CK_PORTFOLIO_SRV_ENCRYPT) ||
	    (tok->be->item_derive == NULL && !tok->be->keeps_masters))
		return CKR_ATTRIBUTE_VALUE_INVALID; /* no such service, or a component that cannot derive */
	if (attr_get_ulong(o, CKA_KEY_TYPE, 0) != CKK_AES || !pf_aes_key_len_ok(len))
		return CKR_ATTRIBUTE_VALUE_INVALID; /* the PRF is AES-CMAC */
	if (attr_has(o, CKA_PORTFOLIO_SERVICE) || attr_has(o, CKA_PORTFOLIO_KEY_INDEX) ||
	    !attr_get_bool(o, CKA_DERIVE, CK_FALSE) || !attr_get_bool(o, CKA_SENSITIVE, CK_TRUE))
		return CKR_TEMPLATE_INCONSISTENT;
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		if (attr_get_bool(o, never[i], CK_FALSE))
			return CKR_TEMPLATE_INCONSISTENT; /* a master only derives */
	return CKR_OK;
}
