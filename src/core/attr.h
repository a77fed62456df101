/*
 * attr.h - what the module knows about each attribute: its shape, which
 * object classes carry it, and whether a template may set it (creation) or
 * change it (C_SetAttributeValue).
 */
#ifndef PORTFOLIO_CORE_ATTR_H
#define PORTFOLIO_CORE_ATTR_H

#include "core/core.h"

enum attr_kind { AK_BOOL = 1, AK_ULONG, AK_BYTES, AK_DATE, AK_ARRAY /* attr_array.h */ };

/* SHA-256: the Identity hash the SO provisions. */
#define ATTR_IDENTITY_HASH_LEN 32

#define AC_KEY      0x1u   /* CKO_SECRET_KEY */
#define AC_IDENTITY 0x2u   /* CKO_PORTFOLIO_IDENTITY */

/*
 * The rules of an attribute are flags of its row (attr.c), and the functions
 * that create, copy, change and read objects walk them:
 */
#define AF_CREATE     0x0001u /* may appear in a creation template */
#define AF_SET        0x0002u /* may be changed later; without it: read-only after creation */
#define AF_SECRET     0x0004u /* held by the secure component, never in the record */
#define AF_COMPUTED   0x0008u /* derived when read, never stored */
#define AF_ONLY_ON    0x0010u /* a change may turn it on, never off (one-way) */
#define AF_ONLY_OFF   0x0020u /* a change may turn it off, never on (one-way) */
#define AF_SO_ONLY    0x0040u /* only the SO changes it, or creates it other than as absent */
#define AF_COPY       0x0080u /* may be given in C_CopyObject's template */
#define AF_DEFAULT    0x0100u /* creation sets it when the template does not: bool def_true, bytes empty */
#define AF_ABSENT_ON  0x0200u /* a bool the object lacks reads as TRUE (otherwise FALSE) */
#define AF_HIDDEN     0x0400u /* never readable: CKR_ATTRIBUTE_SENSITIVE, whatever the object */
#define AF_REQUIRED   0x0800u /* every creation template of the class names it */
#define AF_TRUE_ONLY  0x1000u /* FALSE is a value no object here may hold (CKR_ATTRIBUTE_VALUE_INVALID) */
#define AF_MASTER_FLIP 0x2000u /* AF_DEFAULT bool whose default is the opposite for a
                                * diversification master (CKA_PORTFOLIO_MASTER): a master only derives */

typedef struct attr_def {
	CK_ATTRIBUTE_TYPE type;
	unsigned char kind;
	unsigned char classes;
	unsigned short flags;
	CK_BBOOL def_true;        /* AF_DEFAULT bools: the default */
	CK_ULONG min_len, max_len; /* AK_BYTES: the length range (0, 0: the shape rule only) */
} attr_def;

/* 0 for classes the module does not hold. */
unsigned attr_class_bit(CK_OBJECT_CLASS cls);
/* The definition of t for objects of class_bit, or NULL (CKR_ATTRIBUTE_TYPE_INVALID). */
const attr_def *attr_def_find(CK_ATTRIBUTE_TYPE t, unsigned class_bit);
/* Shape check of a template value: CKR_ATTRIBUTE_VALUE_INVALID when wrong. */
CK_RV attr_check_value(const attr_def *d, const void *val, CK_ULONG len);
/* The row's length range (min_len..max_len) for a value of len bytes. */
CK_RV attr_check_len(const attr_def *d, CK_ULONG len);
/* The value rules of creation (shape, AF_TRUE_ONLY) for a known attribute. */
CK_RV attr_check_create(const attr_def *d, const CK_ATTRIBUTE *a);
/* A bool as the object holds it, AF_ABSENT_ON deciding when it has none. */
CK_BBOOL attr_bool(const core_object *o, const attr_def *d);
/* AF_DEFAULT attributes of the class the object lacks, set to their default. */
CK_RV attr_apply_defaults(core_object *o, unsigned class_bit);
/* AF_REQUIRED: CKR_TEMPLATE_INCOMPLETE when the object lacks one. */
CK_RV attr_check_required(const core_object *o, unsigned class_bit);
/* AF_SO_ONLY attributes a creation template gives a value other than absent
 * (any value for those that read as nothing when absent): the SO's privilege. */
CK_RV attr_check_so_only(const CK_ATTRIBUTE *t, CK_ULONG n, unsigned class_bit, CK_USER_TYPE login);
/* C_CopyObject's template: AF_COPY attributes only. */
CK_RV attr_check_copy(const CK_ATTRIBUTE *t, CK_ULONG n, unsigned class_bit);
/* C_GetAttributeValue's length rule (PKCS#11 3.0 5.2) for a value of len
 * bytes: 1 when a has room to be filled; 0 when it is answered already, with
 * the length only (*rv CKR_OK) or CKR_BUFFER_TOO_SMALL. */
int attr_deliver_room(CK_ATTRIBUTE *a, CK_ULONG len, CK_RV *rv);
/* Delivers len bytes (or the length) into a; returns the per-attribute verdict. */
CK_RV attr_deliver(CK_ATTRIBUTE *a, const void *val, CK_ULONG len);

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
#endif
