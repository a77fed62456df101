/*
 * attr_sms.h - CKA_PORTFOLIO_SMS_TAR, _SPI, _KIC, _KID, _SLOT: read-only
 * views of the SMS keyset parameters the secure component sealed with the key
 * (CKA_PORTFOLIO_KEY_INDEX, include/pkcs11/portfolio.h). They are never
 * stored: reading asks the component for the item's policy, so an attribute
 * cannot say one thing while the component uses another. docs/sms.md.
 */
#ifndef PORTFOLIO_CORE_ATTR_SMS_H
#define PORTFOLIO_CORE_ATTR_SMS_H

#include "core/core.h"

/* C_GetAttributeValue of one view (CKR_ATTRIBUTE_TYPE_INVALID: not an SMS key). */
CK_RV attr_sms_get(core_token *tok, const core_object *o, CK_ATTRIBUTE *a);
/* C_FindObjects: the object has the view and it equals a's value. */
int attr_sms_matches(core_token *tok, const core_object *o, const CK_ATTRIBUTE *a);
/* Creation: views in the template agree with CKA_PORTFOLIO_KEY_INDEX, or (no
 * index, service SMS, all five views) make it. CKR_TEMPLATE_INCONSISTENT
 * otherwise; CKR_ATTRIBUTE_VALUE_INVALID for a value of the wrong length. */
CK_RV attr_sms_template(core_object *o, const CK_ATTRIBUTE *t, CK_ULONG n);

#endif
