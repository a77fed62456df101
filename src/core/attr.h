/*
 * attr.h - what the module knows about each attribute: its shape, which
 * object classes carry it, and whether a template may set it (creation) or
 * change it (C_SetAttributeValue).
 */
#ifndef PORTFOLIO_CORE_ATTR_H
#define PORTFOLIO_CORE_ATTR_H

#include "core/core.h"

enum attr_kind { AK_BOOL = 1, AK_ULONG, AK_BYTES, AK_DATE, AK_ARRAY /* attr_array.h */ };

#define AC_KEY      0x1u   /* CKO_SECRET_KEY */
#define AC_IDENTITY 0x2u   /* CKO_PORTFOLIO_IDENTITY */

#define AF_CREATE   0x01u  /* may appear in a creation template */
#define AF_SET      0x02u  /* may be changed later (each has its own rule) */
#define AF_SECRET   0x04u  /* held by the secure component, never in the record */
#define AF_COMPUTED 0x08u  /* derived when read, never stored */

typedef struct attr_def {
	CK_ATTRIBUTE_TYPE type;
	unsigned char kind;
	unsigned char classes;
	unsigned char flags;
} attr_def;

/* 0 for classes the module does not hold. */
unsigned attr_class_bit(CK_OBJECT_CLASS cls);
/* The definition of t for objects of class_bit, or NULL (CKR_ATTRIBUTE_TYPE_INVALID). */
const attr_def *attr_def_find(CK_ATTRIBUTE_TYPE t, unsigned class_bit);
/* Shape check of a template value: CKR_ATTRIBUTE_VALUE_INVALID when wrong. */
CK_RV attr_check_value(const attr_def *d, const void *val, CK_ULONG len);

/* Object attribute list helpers. */
CK_RV attr_set(core_attr **attrs, size_t *n, CK_ATTRIBUTE_TYPE t, const void *val, CK_ULONG len);
CK_RV attr_set_bool(core_object *o, CK_ATTRIBUTE_TYPE t, CK_BBOOL v);
CK_RV attr_set_ulong(core_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG v);
CK_BBOOL attr_get_bool(const core_object *o, CK_ATTRIBUTE_TYPE t, CK_BBOOL dflt);
CK_ULONG attr_get_ulong(const core_object *o, CK_ATTRIBUTE_TYPE t, CK_ULONG dflt);
int attr_has(const core_object *o, CK_ATTRIBUTE_TYPE t);
CK_BBOOL attr_template_bool(const CK_ATTRIBUTE *a);
CK_ULONG attr_template_ulong(const CK_ATTRIBUTE *a);

/* Template rules shared by creation, copy and C_SetAttributeValue. */
/* An attribute named twice with the same value is a harmless repeat; two
 * different values are CKR_TEMPLATE_INCONSISTENT. Call it once every type of
 * t is known to be valid (it relies on that to stay linear). */
CK_RV attr_template_check_repeats(const CK_ATTRIBUTE *t, CK_ULONG n);
/* CKA_PRIVATE = FALSE: every object of this module holds a secret in the
 * secure component, so it is private; FALSE is CKR_ATTRIBUTE_VALUE_INVALID,
 * never silently made TRUE. CKR_OK for TRUE (a is CKA_PRIVATE, shape checked). */
CK_RV attr_check_private(const CK_ATTRIBUTE *a);

#endif
