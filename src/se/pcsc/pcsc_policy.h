/*
 * pcsc_policy.h - an se_item_policy as the applet's 11-byte policy block
 * (docs/apdu.md, "Item policy") and back. No I/O: pcsc_backend.c sends it.
 */
#ifndef PORTFOLIO_SE_PCSC_POLICY_H
#define PORTFOLIO_SE_PCSC_POLICY_H

#include <stdint.h>

#include "se/se.h"

#define PCSC_POLICY_LEN 11u

/* The block for an item of that kind; pol NULL is "no policy" (service none,
 * nothing allowed). CKR_ATTRIBUTE_VALUE_INVALID for what the block cannot say
 * (an unknown service, an index or id over 32 bits, unknown bits); the card
 * checks the rest (kind consistency) and answers 6A80. */
CK_RV pcsc_policy_encode(const se_item_policy *pol, uint8_t out[PCSC_POLICY_LEN]);
/* The block the card answered; 0 if it is not one the applet can hold. */
int pcsc_policy_decode(const uint8_t in[PCSC_POLICY_LEN], se_item_policy *out);

#endif
