/*
 * object_create.c - C_CreateObject, C_GenerateKey and C_CopyObject: template
 * checks, defaults, the Portfolio rules, then the secure-component items and
 * the record.
 */
#include "config.h"
#include "core/attr.h"
#include "core/attr_sms.h"
#include "core/attr_array.h"
#include "core/attr_codec.h"
#include "core/core.h"
#include "core/object_index.h"
#include "crypto/crypto.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/sizes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDENTITY_HASH_LEN ATTR_IDENTITY_HASH_LEN

/* CREATE: the caller gives the value; GENERATE: the component draws it;
 * SOURCE: the component makes it from a core_key_source (unwrap, derive). */
typedef enum { MODE_CREATE, MODE_GENERATE, MODE_SOURCE } create_mode;

/* What one creation is: how, and with what. */
typedef struct create_req {
	create_mode mode;
	const CK_MECHANISM *m;        /* MODE_GENERATE */
	const core_key_source *src;   /* MODE_SOURCE */
} create_req;

/* The secret parts of a template, borrowed from the caller's buffers. */
typedef struct secrets {
	const CK_ATTRIBUTE *value;
	const CK_ATTRIBUTE *hash;
} secrets;

static const CK_ATTRIBUTE *find_tmpl(const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE_TYPE type)
{
	for (CK_ULONG i = 0; i < n; i++)
		if (t[i].type == type)
			return &t[i];
	return NULL;
}

/* Copies the template into o (checking every attribute), keeps secrets aside. */
static CK_RV take_template(core_object *o, unsigned cb, const CK_ATTRIBUTE *t, CK_ULONG n, secrets *sec)
{
	for (CK_ULONG i = 0; i < n; i++) {
		const attr_def *d = attr_def_find(t[i].type, cb);
		if (d == NULL)
			return CKR_ATTRIBUTE_TYPE_INVALID;
		if (!(d->flags & AF_CREATE))
			return CKR_ATTRIBUTE_READ_ONLY;
		CK_RV rv = attr_check_create(d, &t[i]);
		if (rv != CKR_OK)
			return rv;
		if (d->flags & AF_COMPUTED)
			continue; /* a view of the index, checked against it (attr_sms_template) */
		if (d->kind == AK_ARRAY)
			rv = attr_array_set(o, &t[i]); /* kept flat: no caller pointers in the record */
		else if (!(d->flags & AF_SECRET))
			rv = attr_set(&o->attrs, &o->n_attrs, t[i].type, t[i].pValue, t[i].ulValueLen);
		else if (t[i].type == CKA_VALUE)
			sec->value = &t[i];
		else
			sec->hash = &t[i];
		if (rv != CKR_OK)
			return rv;
	}
	return attr_template_check_repeats(t, n); /* every type is known by now */
}

/*
 * A key the caller gave no CKA_ID (or an empty one) gets KEY_ID_LEN random
 * bytes, stored with the object like any attribute, so tools that address
 * keys by id (p11tool, pkcs11-tool --id, OpenSSL providers, RFC 7512 id=)
 * can name it. Random rather than a hash of instance, service and index:
 * a hash would repeat after an instance is re-initialised or in another
 * store, and would need a rule for keys outside any keyset. 64 bits make a
 * collision within one token negligible. A caller's own id is kept as given.
 */
#define KEY_ID_LEN 8

static CK_RV default_key_id(core_object *o)
{
	const core_attr *id = core_object_attr(o, CKA_ID);
	if (id != NULL && id->len != 0)
		return CKR_OK;
	uint8_t fresh[KEY_ID_LEN];
	if (pf_random(fresh, sizeof fresh) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	return attr_set(&o->attrs, &o->n_attrs, CKA_ID, fresh, sizeof fresh);
}

/* The table's defaults (attr.c), a random CKA_ID, then what the module
 * itself says about how the key came to be. */
static CK_RV key_defaults(core_object *o, const create_req *req)
{
	CK_RV rv = attr_apply_defaults(o, AC_KEY);
	if (rv == CKR_OK)
		rv = default_key_id(o);
	if (rv != CKR_OK)
		return rv;
	int generated = req->mode == MODE_GENERATE;
	CK_BBOOL sensitive = attr_get_bool(o, CKA_SENSITIVE, CK_TRUE);
	CK_BBOOL extractable = attr_get_bool(o, CKA_EXTRACTABLE, CK_FALSE);
	/* A key that came in from outside was never "always sensitive"; one made
	 * from another key inherits what its source says (PKCS#11 3.0 4.10.1). */
	CK_BBOOL was_sensitive = generated || (req->mode == MODE_SOURCE && req->src->always_sensitive);
	CK_BBOOL never_out = generated || (req->mode == MODE_SOURCE && req->src->never_extractable);
	rv = attr_set_bool(o, CKA_LOCAL, generated ? CK_TRUE : CK_FALSE);
	if (rv == CKR_OK)
		rv = attr_set_ulong(o, CKA_KEY_GEN_MECHANISM,
		                    generated ? req->m->mechanism : CK_UNAVAILABLE_INFORMATION);
	if (rv == CKR_OK)
		rv = attr_set_bool(o, CKA_ALWAYS_SENSITIVE, was_sensitive && sensitive ? CK_TRUE : CK_FALSE);
	if (rv == CKR_OK)
		rv = attr_set_bool(o, CKA_NEVER_EXTRACTABLE, never_out && !extractable ? CK_TRUE : CK_FALSE);
	return rv;
}

/* Keyset membership: both attributes or neither; a size some mechanism of the
 * service takes; (service, index) unique. */
static CK_RV check_keyset(core_token *tok, const core_object *o, CK_ULONG len)
{
	int has_srv = attr_has(o, CKA_PORTFOLIO_SERVICE), has_idx = attr_has(o, CKA_PORTFOLIO_KEY_INDEX);
	if (has_srv != has_idx)
		return CKR_TEMPLATE_INCONSISTENT;
	if (has_srv) {
		CK_ULONG srv = attr_get_ulong(o, CKA_PORTFOLIO_SERVICE, 0);
		CK_ULONG idx = attr_get_ulong(o, CKA_PORTFOLIO_KEY_INDEX, 0);
		if (srv != CK_PORTFOLIO_SRV_AUTHENT && srv != CK_PORTFOLIO_SRV_ENCRYPT &&
		    srv != CK_PORTFOLIO_SRV_SMS)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		/* e.g. a 24-byte AES key in the auth keyset: AUTH_CMAC takes 16 or 32.
		 * The value (or CKA_VALUE_LEN) is what is wrong: C_CreateObject and
		 * C_GenerateKey name that CKR_ATTRIBUTE_VALUE_INVALID. */
		if (!mech_service_key_fits(srv, attr_get_ulong(o, CKA_KEY_TYPE, 0), len)) {
			PF_INFO("instance %lu: no mechanism of service %lu takes a %lu-byte key of this type",
			        (unsigned long)tok->iid, (unsigned long)srv, (unsigned long)len);
			return CKR_ATTRIBUTE_VALUE_INVALID;
		}
		if (core_index_keyset_taken(tok, srv, idx)) {
			/* Documented choice: a taken slot of the keyset is a bad value. */
			PF_INFO("instance %lu: key (service %lu, index %lu) exists already",
			        (unsigned long)tok->iid, (unsigned long)srv, (unsigned long)idx);
			return CKR_ATTRIBUTE_VALUE_INVALID;
		}
	}
	return CKR_OK;
}

/* The item kind a key type is held as, and the length rule of that kind. */
static CK_RV kind_for(CK_KEY_TYPE type, CK_ULONG len, se_item_kind *kind)
{
	if (type == CKK_AES) {
		*kind = SE_ITEM_AES_KEY;
		return pf_aes_key_len_ok(len) ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	}
	if (type == CKK_GENERIC_SECRET) {
		*kind = SE_ITEM_GENERIC_SECRET;
		return len >= 1 && len <= 512 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
	}
	return CKR_ATTRIBUTE_VALUE_INVALID;
}

/* C_GenerateKey: the mechanism implies the type; CKA_VALUE_LEN is required. */
static CK_RV check_generated(const CK_ATTRIBUTE *kt, const CK_ATTRIBUTE *vl, const CK_MECHANISM *m,
                             const secrets *sec, CK_KEY_TYPE *type, se_item_kind *kind, CK_ULONG *len)
{
	if (sec->value != NULL)
		return CKR_TEMPLATE_INCONSISTENT; /* the token makes the value */
	CK_KEY_TYPE implied = m->mechanism == CKM_AES_KEY_GEN ? CKK_AES : CKK_GENERIC_SECRET;
	*type = kt != NULL ? attr_template_ulong(kt) : implied;
	if (m->mechanism != CKM_AES_KEY_GEN && m->mechanism != CKM_GENERIC_SECRET_KEY_GEN)
		return CKR_MECHANISM_INVALID;
	if (*type != implied)
		return CKR_TEMPLATE_INCONSISTENT;
	if (vl == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	*len = attr_template_ulong(vl);
	return mech_keygen_check(m, *type, *len, kind);
}

/* C_UnwrapKey / C_DeriveKey: the template names the type; the length comes
 * from the source or CKA_VALUE_LEN, and both must agree when both are given. */
static CK_RV check_sourced(const CK_ATTRIBUTE *kt, const CK_ATTRIBUTE *vl, const core_key_source *src,
                           const secrets *sec, CK_KEY_TYPE *type, se_item_kind *kind, CK_ULONG *len)
{
	if (sec->value != NULL)
		return CKR_TEMPLATE_INCONSISTENT; /* the component makes the value */
	if (kt == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	*type = attr_template_ulong(kt);
	if (src->value_len != 0 && vl != NULL && attr_template_ulong(vl) != src->value_len)
		return CKR_TEMPLATE_INCONSISTENT;
	if (src->value_len == 0 && vl == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	*len = src->value_len != 0 ? src->value_len : attr_template_ulong(vl);
	return kind_for(*type, *len, kind);
}

/* C_CreateObject: the value is in the template. */
static CK_RV check_given(const CK_ATTRIBUTE *kt, const CK_ATTRIBUTE *vl, const secrets *sec,
                         CK_KEY_TYPE *type, se_item_kind *kind, CK_ULONG *len)
{
	if (kt == NULL || sec->value == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	*type = attr_template_ulong(kt);
	*len = sec->value->ulValueLen;
	CK_RV rv = kind_for(*type, *len, kind);
	if (rv == CKR_OK && vl != NULL && attr_template_ulong(vl) != *len)
		return CKR_TEMPLATE_INCONSISTENT;
	return rv;
}

/* Key type, length, service/index rules. Fills *kind and *len for the SE. */
static CK_RV check_key(core_token *tok, core_object *o, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                       const create_req *req, const secrets *sec, se_item_kind *kind, CK_ULONG *len)
{
	const CK_ATTRIBUTE *kt = find_tmpl(tmpl, n, CKA_KEY_TYPE);
	const CK_ATTRIBUTE *vl = find_tmpl(tmpl, n, CKA_VALUE_LEN);
	CK_KEY_TYPE type = 0;
	/* AF_SO_ONLY (CKA_TRUSTED); the component refuses it too (se.h SE_USE_TRUSTED) */
	CK_RV rv = attr_check_so_only(tmpl, n, AC_KEY, tok->login);

	if (rv != CKR_OK)
		return rv;
	if (req->mode == MODE_GENERATE)
		rv = check_generated(kt, vl, req->m, sec, &type, kind, len);
	else if (req->mode == MODE_SOURCE)
		rv = check_sourced(kt, vl, req->src, sec, &type, kind, len);
	else
		rv = check_given(kt, vl, sec, &type, kind, len);
	if (rv == CKR_OK)
		rv = attr_set_ulong(o, CKA_KEY_TYPE, type);
	if (rv == CKR_OK)
		rv = attr_set_ulong(o, CKA_VALUE_LEN, *len);
	if (rv == CKR_OK && req->mode == MODE_SOURCE && req->src->fix != NULL)
		rv = req->src->fix(req->src->ctx, tok, o);
	if (rv == CKR_OK)
		rv = core_master_check(tok, o, *len);
	if (rv == CKR_OK)
		rv = attr_sms_template(o, tmpl, n);
	if (rv != CKR_OK)
		return rv;

	return check_keyset(tok, o, *len);
}

static CK_RV sha256(const uint8_t *in, size_t len, uint8_t out[IDENTITY_HASH_LEN])
{
	return pf_digest_oneshot(PF_MD_SHA256, in, len, out) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
}

/* The length rule of a secret's row (NULL: not given). */
static CK_RV secret_len(const CK_ATTRIBUTE *a, unsigned cb)
{
	return a == NULL ? CKR_OK : attr_check_len(attr_def_find(a->type, cb), a->ulValueLen);
}

static CK_RV check_identity(core_token *tok, core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n,
                            const secrets *sec)
{
	CK_RV rv = attr_check_required(o, AC_IDENTITY);
	if (rv != CKR_OK)
		return rv;
	if (sec->value == NULL && sec->hash == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if ((rv = secret_len(sec->value, AC_IDENTITY)) != CKR_OK)
		return rv;
	/* The hash and CKA_PORTFOLIO_ENCRYPT_CURRENT sealed with it are the SO's. */
	if ((rv = attr_check_so_only(t, n, AC_IDENTITY, tok->login)) != CKR_OK)
		return rv;
	if ((rv = secret_len(sec->hash, AC_IDENTITY)) != CKR_OK)
		return rv;
	CK_ULONG id = attr_get_ulong(o, CKA_PORTFOLIO_IDENTITY_ID, 0);
	if (htable_get(&tok->identities, id) != NULL)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return attr_apply_defaults(o, AC_IDENTITY);
}

static CK_RV put_items(core_token *tok, core_object *o, const create_req *req, se_item_kind kind, CK_ULONG len,
                       const secrets *sec)
{
	unsigned flags = o->on_token ? SE_ITEM_PERSISTENT : 0;
	se_item_policy pol;
	CK_RV rv;
	if (o->cls == CKO_SECRET_KEY) {
		core_key_policy(tok, o, &pol);
		if (o->mk.can_sign || o->mk.can_encrypt)
			flags |= SE_ITEM_EXCLUSIVE; /* device-side keys are never shared */
		if (!o->sensitive && o->extractable)
			flags |= SE_ITEM_READABLE;
		if (req->mode == MODE_GENERATE)
			return tok->be->item_generate(tok->se, kind, len, flags, &pol, &o->value_ref);
		if (req->mode == MODE_SOURCE)
			return req->src->make(req->src->ctx, tok, kind, len, flags, &pol, &o->value_ref);
		rv = tok->be->item_put(tok->se, kind, sec->value->pValue, len, flags, &pol, &o->value_ref);
		if (rv == CKR_ATTRIBUTE_VALUE_INVALID)
			PF_WARN("instance %lu: this key material is already held as a device key",
			        (unsigned long)tok->iid);
		return rv;
	}
	if (sec->value != NULL) {
		core_identity_policy(o, 0, &pol);
		rv = tok->be->item_put(tok->se, SE_ITEM_IDENTITY_VALUE, sec->value->pValue, sec->value->ulValueLen,
		                       flags | SE_ITEM_READABLE, &pol, &o->value_ref);
		if (rv != CKR_OK)
			return rv;
	}
	const uint8_t *hash = NULL;
	uint8_t computed[IDENTITY_HASH_LEN];
	if (sec->hash != NULL) {
		hash = sec->hash->pValue;
	} else if (tok->login == CKU_SO && sec->value != NULL) {
		/* The SO creating an Identity provisions its hash. */
		rv = sha256(sec->value->pValue, sec->value->ulValueLen, computed);
		if (rv != CKR_OK)
			return rv;
		hash = computed;
	}
	if (hash != NULL) {
		core_identity_policy(o, 1, &pol);
		rv = tok->be->item_put(tok->se, SE_ITEM_IDENTITY_HASH, hash, IDENTITY_HASH_LEN, flags, &pol,
		                       &o->hash_ref);
		pf_wipe(computed, sizeof computed);
		return rv;
	}
	return CKR_OK;
}

static CK_RV new_handle(core_token *tok, core_object *o)
{
	uint64_t unique;
	if (o->on_token) {
		uint64_t id;
		CK_RV rv = store_next_id(core_g.st, &id);
		if (rv != CKR_OK)
			return rv;
		if (id == 0 || id >= CORE_OID_LIMIT)
			return CKR_GENERAL_ERROR;
		o->oid = id;
		o->handle = core_object_handle(tok, id, o->priv);
		unique = id;
	} else {
		o->handle = __atomic_add_fetch(&core_g.next_session_object, 1, __ATOMIC_RELAXED);
		unique = o->handle;
	}
	char uid[24];
	snprintf(uid, sizeof uid, "%016llx", (unsigned long long)unique);
	return attr_set(&o->attrs, &o->n_attrs, CKA_UNIQUE_ID, uid, strlen(uid));
}

static void drop_items(core_token *tok, core_object *o)
{
	if (o->value_ref != 0)
		(void)tok->be->item_delete(tok->se, o->value_ref);
	if (o->hash_ref != 0)
		(void)tok->be->item_delete(tok->se, o->hash_ref);
	o->value_ref = o->hash_ref = 0;
}

/* The class a template makes: CKA_CLASS is required to create an object from
 * its value; generated and sourced objects are secret keys by default. */
static CK_RV template_class(const CK_ATTRIBUTE *t, CK_ULONG n, const create_req *req, CK_OBJECT_CLASS *cls)
{
	const CK_ATTRIBUTE *ca = find_tmpl(t, n, CKA_CLASS);
	if (ca != NULL && (ca->pValue == NULL || ca->ulValueLen != sizeof(CK_ULONG)))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (req->mode != MODE_CREATE) {
		*cls = ca != NULL ? attr_template_ulong(ca) : CKO_SECRET_KEY;
		if (*cls != CKO_SECRET_KEY)
			return CKR_TEMPLATE_INCONSISTENT;
	} else {
		if (ca == NULL)
			return CKR_TEMPLATE_INCOMPLETE;
		*cls = attr_template_ulong(ca);
	}
	return attr_class_bit(*cls) != 0 ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

/* What one creation puts in the secure component. */
typedef struct made_item {
	secrets sec;
	se_item_kind kind;
	CK_ULONG len;
} made_item;

/* The object the template describes, every creation rule checked, nothing
 * made yet. The session's rights come last: a bad template says so first. */
static CK_RV build_object(core_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, const create_req *req,
                          core_object *o, made_item *it)
{
	core_token *tok = s->tok;
	CK_OBJECT_CLASS cls = 0;
	CK_RV rv = template_class(t, n, req, &cls);
	unsigned cb = attr_class_bit(cls);
	if (rv == CKR_OK)
		rv = take_template(o, cb, t, n, &it->sec);
	if (rv == CKR_OK && !attr_has(o, CKA_CLASS))
		rv = attr_set_ulong(o, CKA_CLASS, cls);
	if (rv == CKR_OK && cb == AC_KEY)
		rv = key_defaults(o, req);
	if (rv == CKR_OK)
		rv = cb == AC_KEY ? check_key(tok, o, t, n, req, &it->sec, &it->kind, &it->len)
		                  : check_identity(tok, o, t, n, &it->sec);
	if (rv != CKR_OK)
		return rv;
	core_object_cache(o);
	if (o->on_token && !(s->flags & CKF_RW_SESSION))
		return CKR_SESSION_READ_ONLY;
	if (tok->login == CORE_NOT_LOGGED_IN)
		return CKR_USER_NOT_LOGGED_IN;
	o->owner = o->on_token ? 0 : s->handle;
	return CKR_OK;
}

/* Items, handle, record and the object's place in the token. A token object's
 * sealed items and its record are one transaction: a crash leaves neither or
 * both, never an orphan item whose fingerprint would refuse the same key
 * forever. On failure nothing stays (o is the caller's to free). */
static CK_RV make_object(core_token *tok, core_object *o, const create_req *req, const made_item *it)
{
	int tx = o->on_token;
	CK_RV rv = tx ? store_begin(core_g.st) : CKR_OK;
	if (rv != CKR_OK)
		return rv;
	rv = put_items(tok, o, req, it->kind, it->len, &it->sec);
	if (rv == CKR_OK)
		rv = new_handle(tok, o);
	if (rv == CKR_OK)
		core_object_cache(o);
	if (rv == CKR_OK && o->on_token)
		rv = core_object_persist(tok, o);
	if (rv == CKR_OK)
		rv = core_object_insert(tok, o);
	if (rv == CKR_OK && tx) {
		tx = 0;
		rv = store_commit(core_g.st); /* rolls back by itself on failure */
		if (rv != CKR_OK)
			core_object_unlink(tok, o);
	}
	if (rv != CKR_OK) {
		drop_items(tok, o);
		if (tx)
			store_rollback(core_g.st);
	}
	return rv;
}

/* The whole creation, with the session entered (token lock exclusive). */
static CK_RV create_locked(core_session *s, const CK_ATTRIBUTE *t, CK_ULONG n, const create_req *req,
                           CK_OBJECT_HANDLE *out)
{
	made_item it = {.sec = {0}, .kind = SE_ITEM_AES_KEY, .len = 0};
	core_object *o = calloc(1, sizeof *o);
	if (o == NULL)
		return CKR_HOST_MEMORY;
	CK_RV rv = build_object(s, t, n, req, o, &it);
	if (rv == CKR_OK)
		rv = make_object(s->tok, o, req, &it);
	if (rv != CKR_OK) {
		core_object_free(o);
		return rv;
	}
	*out = o->handle;
	return CKR_OK;
}

static CK_RV check_template_ptrs(const CK_ATTRIBUTE *t, CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++)
		if (t[i].pValue == NULL && t[i].ulValueLen != 0)
			return CKR_ATTRIBUTE_VALUE_INVALID;
	return CKR_OK;
}

CK_RV core_create_object(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out)
{
	core_session *s;
	CK_RV rv = check_template_ptrs(t, n);
	if (rv != CKR_OK)
		return rv;
	rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	const create_req req = {MODE_CREATE, NULL, NULL};
	rv = create_locked(s, t, n, &req, out);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_generate_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                        CK_OBJECT_HANDLE_PTR out)
{
	core_session *s;
	CK_RV rv = check_template_ptrs(t, n);
	if (rv != CKR_OK)
		return rv;
	rv = core_enter(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, &s);
	if (rv != CKR_OK)
		return rv;
	const create_req req = {MODE_GENERATE, m, NULL};
	rv = create_locked(s, t, n, &req, out);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

/*
 * C_CopyObject. A copy needs a second secure-component item with the same
 * secret; the component cannot duplicate an item it will not reveal, and a
 * device-side key must never exist twice (keysets are never shared). So only
 * objects whose secret is readable can be copied: identities without a
 * provisioned hash and extractable, non-sensitive, server-side keys. The copy
 * goes through the creation path, so every creation rule applies to it.
 */
static int copy_allowed(const core_object *o)
{
	if (!o->copyable || o->hash_ref != 0)
		return 0;
	return o->cls != CKO_SECRET_KEY ||
	       (!o->sensitive && o->extractable && !o->mk.can_sign && !o->mk.can_encrypt);
}

/* The source's readable secret, in a buffer the caller frees (pf_free_secret). */
static CK_RV read_value(core_token *tok, const core_object *o, uint8_t **value, size_t *vlen)
{
	if (o->value_ref == 0)
		return CKR_OK;
	CK_RV rv = tok->be->item_read(tok->se, o->value_ref, NULL, vlen);
	if (rv != CKR_OK)
		return rv;
	*value = malloc(*vlen ? *vlen : 1);
	if (*value == NULL)
		return CKR_HOST_MEMORY;
	return tok->be->item_read(tok->se, o->value_ref, *value, vlen);
}

/* Room for the elements of the source's attribute arrays (CKA_WRAP_TEMPLATE,
 * CKA_UNWRAP_TEMPLATE), after the copy's template in the same allocation. */
#define COPY_ARRAY_ROOM (2 * ATTR_ARRAY_MAX)

/* The creation template of the copy: the caller's template, then the source's
 * creatable attributes it does not name (an attribute array given back as the
 * CK_ATTRIBUTE array it was, not in its flat stored form), then the value.
 * Borrows every buffer. */
static CK_ATTRIBUTE *copy_template(const core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n, uint8_t *value,
                                   size_t vlen, CK_ULONG *m)
{
	CK_ATTRIBUTE *merged = calloc(o->n_attrs + n + 1 + COPY_ARRAY_ROOM, sizeof *merged);
	if (merged == NULL)
		return NULL;
	CK_ATTRIBUTE *elems = merged + o->n_attrs + n + 1;
	CK_ULONG room = COPY_ARRAY_ROOM;
	*m = 0;
	for (CK_ULONG i = 0; i < n; i++)
		merged[(*m)++] = t[i];
	unsigned cb = attr_class_bit(o->cls);
	for (size_t i = 0; i < o->n_attrs; i++) {
		const attr_def *d = attr_def_find(o->attrs[i].type, cb);
		if (d == NULL || !(d->flags & AF_CREATE) || find_tmpl(t, n, o->attrs[i].type) != NULL)
			continue;
		merged[*m] = (CK_ATTRIBUTE){o->attrs[i].type, o->attrs[i].val, o->attrs[i].len};
		if (d->kind == AK_ARRAY) {
			CK_ULONG k = attr_array_expand(&o->attrs[i], elems, room);
			merged[*m].pValue = elems;
			merged[*m].ulValueLen = k * sizeof *elems;
			elems += k;
			room -= k;
		}
		(*m)++;
	}
	if (o->value_ref != 0)
		merged[(*m)++] = (CK_ATTRIBUTE){CKA_VALUE, value, vlen};
	return merged;
}

CK_RV core_copy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                       CK_OBJECT_HANDLE_PTR out)
{
	core_session *s;
	core_object *o;
	CK_RV rv = check_template_ptrs(t, n);
	if (rv != CKR_OK)
		return rv;
	rv = core_enter_object(h, CORE_TOKEN_EXCLUSIVE, CORE_NEED_NONE, oh, &s, &o);
	if (rv != CKR_OK)
		return rv;
	CK_ATTRIBUTE *merged = NULL;
	uint8_t *value = NULL;
	size_t vlen = 0;
	CK_ULONG m = 0;
	if (!copy_allowed(o))
		rv = CKR_ACTION_PROHIBITED;
	else if ((rv = attr_check_copy(t, n, attr_class_bit(o->cls))) == CKR_OK &&
	         (rv = read_value(s->tok, o, &value, &vlen)) == CKR_OK)
		rv = (merged = copy_template(o, t, n, value, vlen, &m)) != NULL ? CKR_OK : CKR_HOST_MEMORY;
	if (rv == CKR_OK) {
		const create_req req = {MODE_CREATE, NULL, NULL};
		rv = create_locked(s, merged, m, &req, out);
	}
	free(merged);
	pf_free_secret(value, vlen);
	core_leave(s, CORE_TOKEN_EXCLUSIVE);
	return rv;
}

CK_RV core_create_key_locked(core_session *s, const CK_ATTRIBUTE *t, CK_ULONG n,
                             const core_key_source *src, CK_OBJECT_HANDLE *out)
{
	if (src == NULL || src->make == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	CK_RV rv = check_template_ptrs(t, n);
	if (rv != CKR_OK)
		return rv;
	const create_req req = {MODE_SOURCE, NULL, src};
	return create_locked(s, t, n, &req, out);
}
