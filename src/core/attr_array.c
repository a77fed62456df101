/* attr_array.c - CKA_WRAP_TEMPLATE / CKA_UNWRAP_TEMPLATE (attr_array.h). */
#include "config.h"
#include "core/attr.h"
#include "core/attr_array.h"
#include "util/bytes.h"

#include <stdlib.h>
#include <string.h>

#define HDR 12 /* type(8) length(4) */

CK_RV attr_array_check(const void *val, CK_ULONG len)
{
	const CK_ATTRIBUTE *a = val;
	CK_ULONG n = len / sizeof(CK_ATTRIBUTE);
	if (len % sizeof(CK_ATTRIBUTE) != 0 || n > ATTR_ARRAY_MAX || (val == NULL && len != 0))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	for (CK_ULONG i = 0; i < n; i++) {
		const attr_def *d = attr_def_find(a[i].type, AC_KEY);
		if (d == NULL || !(d->flags & AF_CREATE) || (d->flags & AF_SECRET) || d->kind == AK_ARRAY ||
		    attr_check_value(d, a[i].pValue, a[i].ulValueLen) != CKR_OK)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		for (CK_ULONG j = 0; j < i; j++)
			if (a[j].type == a[i].type)
				return CKR_ATTRIBUTE_VALUE_INVALID;
	}
	return CKR_OK;
}

CK_RV attr_array_set(core_object *o, const CK_ATTRIBUTE *a)
{
	const CK_ATTRIBUTE *e = a->pValue;
	CK_ULONG n = a->ulValueLen / sizeof(CK_ATTRIBUTE);
	size_t len = 0;
	for (CK_ULONG i = 0; i < n; i++)
		len += HDR + e[i].ulValueLen;
	uint8_t *flat = malloc(len ? len : 1), *p = flat;
	if (flat == NULL)
		return CKR_HOST_MEMORY;
	for (CK_ULONG i = 0; i < n; i++) {
		pf_put_be64(p, e[i].type);
		pf_put_be32(p + 8, (uint32_t)e[i].ulValueLen);
		if (e[i].ulValueLen != 0)
			memcpy(p + HDR, e[i].pValue, e[i].ulValueLen);
		p += HDR + e[i].ulValueLen;
	}
	CK_RV rv = attr_set(&o->attrs, &o->n_attrs, a->type, flat, (CK_ULONG)len);
	free(flat);
	return rv;
}

/* Walks a flat array: the next element into *e (pValue into the array); 0 at the end or on a bad one. */
static int next(const core_attr *tmpl, size_t *off, CK_ATTRIBUTE *e)
{
	if (*off + HDR > tmpl->len)
		return 0;
	const uint8_t *p = tmpl->val + *off;
	size_t len = (size_t)pf_get_be32(p + 8);
	if (len > tmpl->len - *off - HDR)
		return 0;
	e->type = (CK_ATTRIBUTE_TYPE)pf_get_be64(p);
	e->pValue = len ? (void *)(p + HDR) : NULL;
	e->ulValueLen = (CK_ULONG)len;
	*off += HDR + len;
	return 1;
}

int attr_array_flat_ok(const void *val, CK_ULONG len)
{
	const core_attr flat = {.len = len, .val = (uint8_t *)val};
	size_t off = 0;
	CK_ULONG n = 0;
	CK_ATTRIBUTE e[ATTR_ARRAY_MAX];
	while (n < ATTR_ARRAY_MAX && next(&flat, &off, &e[n]))
		n++;
	return off == len && attr_array_check(e, n * sizeof e[0]) == CKR_OK;
}

static CK_ULONG count(const core_attr *tmpl)
{
	size_t off = 0;
	CK_ULONG n = 0;
	CK_ATTRIBUTE e;
	while (next(tmpl, &off, &e))
		n++;
	return n;
}

CK_ULONG attr_array_expand(const core_attr *flat, CK_ATTRIBUTE *out, CK_ULONG max)
{
	CK_ULONG n = 0;
	size_t off = 0;
	while (n < max && next(flat, &off, &out[n]))
		n++;
	return n;
}

CK_RV attr_array_deliver(const core_attr *have, CK_ATTRIBUTE *a)
{
	CK_ULONG n = count(have), need = n * sizeof(CK_ATTRIBUTE);
	CK_RV rv;
	if (!attr_deliver_room(a, need, &rv))
		return rv;
	CK_ATTRIBUTE *out = a->pValue, e;
	size_t off = 0;
	for (CK_ULONG i = 0; i < n && next(have, &off, &e); i++) {
		out[i].type = e.type;
		/* each element by the same rule: its length, too small, or its value */
		CK_RV one = attr_deliver(&out[i], e.pValue, e.ulValueLen);
		if (one != CKR_OK)
			rv = one;
	}
	a->ulValueLen = need;
	return rv;
}

static int same(const CK_ATTRIBUTE *a, const void *val, CK_ULONG len)
{
	return a->ulValueLen == len && (len == 0 || memcmp(a->pValue, val, len) == 0);
}

int attr_array_matches(const core_attr *tmpl, const core_object *o)
{
	size_t off = 0;
	CK_ATTRIBUTE e;
	while (next(tmpl, &off, &e)) {
		const core_attr *have = core_object_attr(o, e.type);
		if (have == NULL || !same(&e, have->val, have->len))
			return 0;
	}
	return 1;
}

CK_RV attr_array_merge(const core_attr *tmpl, const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE **out,
                       CK_ULONG *out_n)
{
	CK_ATTRIBUTE *m = calloc(n + count(tmpl) + 1, sizeof *m), e;
	if (m == NULL)
		return CKR_HOST_MEMORY;
	if (n != 0)
		memcpy(m, t, n * sizeof *m);
	CK_ULONG k = n;
	size_t off = 0;
	while (next(tmpl, &off, &e)) {
		CK_ULONG i = 0;
		while (i < n && t[i].type != e.type)
			i++;
		if (i == n) {
			m[k++] = e;
		} else if (!same(&e, t[i].pValue, t[i].ulValueLen)) {
			free(m);
			return CKR_TEMPLATE_INCONSISTENT; /* the unwrap template says otherwise */
		}
	}
	*out = m;
	*out_n = k;
	return CKR_OK;
}
