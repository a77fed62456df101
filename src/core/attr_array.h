/*
 * attr_array.h - the attribute-array attributes CKA_WRAP_TEMPLATE and
 * CKA_UNWRAP_TEMPLATE (PKCS#11 3.0 4.10, 5.18): checked at creation, kept in
 * the record in a flat form (no pointers), delivered back as CK_ATTRIBUTE
 * arrays, and applied by C_WrapKey (the key must match) and C_UnwrapKey
 * (merged into the caller's template).
 *
 * Flat form: per attribute, type (8 bytes, big-endian) | length (4) | value.
 */
#ifndef PORTFOLIO_CORE_ATTR_ARRAY_H
#define PORTFOLIO_CORE_ATTR_ARRAY_H

#include "core/core.h"

#define ATTR_ARRAY_MAX 16 /* attributes in one template */

/* A caller's array: whole CK_ATTRIBUTEs, at most ATTR_ARRAY_MAX, each a key
 * attribute a template may give (no CKA_VALUE, no nested array), of the right
 * shape, no type twice. CKR_ATTRIBUTE_VALUE_INVALID otherwise. */
CK_RV attr_array_check(const void *val, CK_ULONG len);
/* A flat array read from a record: well formed, and each attribute one that
 * attr_array_check would have taken. */
int attr_array_flat_ok(const void *val, CK_ULONG len);
/* Stores the caller's array a (checked) in o in the flat form. */
CK_RV attr_array_set(core_object *o, const CK_ATTRIBUTE *a);
/* C_GetAttributeValue of a flat array, following PKCS#11 3.0 5.2: the array's
 * length; each element's length when its pValue is NULL; else the values. */
CK_RV attr_array_deliver(const core_attr *have, CK_ATTRIBUTE *a);
/* The flat array's attributes (at most max) as CK_ATTRIBUTEs in out, their
 * values pointing into flat; the count. */
CK_ULONG attr_array_expand(const core_attr *flat, CK_ATTRIBUTE *out, CK_ULONG max);
/* 1 when every attribute of the flat array has the same value in o. */
int attr_array_matches(const core_attr *tmpl, const core_object *o);
/* t (n) plus the flat array's attributes t lacks: *out malloc'd, its values
 * pointing into tmpl and t. CKR_TEMPLATE_INCONSISTENT when t gives one of
 * them another value. */
CK_RV attr_array_merge(const core_attr *tmpl, const CK_ATTRIBUTE *t, CK_ULONG n, CK_ATTRIBUTE **out,
                       CK_ULONG *out_n);

#endif
