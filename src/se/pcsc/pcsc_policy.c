/*
 * pcsc_policy.c - se_item_policy <-> the applet's policy block:
 * service(1) usage(1) key-index(4) identity-id(4) identity-flags(1),
 * big-endian; service 00 AUTH, 01 ENC (the CK_PORTFOLIO_SRV_* values), FF none.
 * A diversification master (SE_USE_MASTER | SE_USE_DERIVE, nothing else) is
 * usage 20 on the card: the applet has no derive command, the bit says "DIV
 * VERIFY and nothing else" (docs/apdu.md, "Item policy").
 */
#include "se/pcsc/pcsc_policy.h"
#include "util/bytes.h"

#define SERVICE_NONE 0xFFu
#define CARD_USE_MASTER 0x20u
#define MASTER_USAGE (SE_USE_MASTER | SE_USE_DERIVE)

static int fits32(CK_ULONG v)
{
	return (v >> 16 >> 16) == 0; /* CK_ULONG may be 32 bits: no shift by 32 */
}

CK_RV pcsc_policy_encode(const se_item_policy *pol, uint8_t out[PCSC_POLICY_LEN])
{
	static const se_item_policy none = {.service = SE_SERVICE_NONE};

	if (pol == NULL)
		pol = &none;
	int master = pol->usage == MASTER_USAGE;
	if ((pol->service != SE_SERVICE_NONE && pol->service != CK_PORTFOLIO_SRV_AUTHENT &&
	     pol->service != CK_PORTFOLIO_SRV_ENCRYPT) ||
	    ((pol->usage & ~SE_USE_ALL) != 0 && !master) || (pol->identity_flags & ~SE_IDENTITY_FLAGS_ALL) != 0 ||
	    !fits32(pol->key_index) || !fits32(pol->identity_id))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	out[0] = pol->service == SE_SERVICE_NONE ? SERVICE_NONE : (uint8_t)pol->service;
	out[1] = master ? CARD_USE_MASTER : (uint8_t)pol->usage;
	pf_put_be32(out + 2, (uint32_t)pol->key_index); /* fits32 above */
	pf_put_be32(out + 6, (uint32_t)pol->identity_id);
	out[10] = (uint8_t)pol->identity_flags;
	return CKR_OK;
}

int pcsc_policy_decode(const uint8_t in[PCSC_POLICY_LEN], se_item_policy *out)
{
	if ((in[0] != SERVICE_NONE && in[0] != CK_PORTFOLIO_SRV_AUTHENT && in[0] != CK_PORTFOLIO_SRV_ENCRYPT) ||
	    ((in[1] & ~SE_USE_ALL) != 0 && in[1] != CARD_USE_MASTER) || (in[10] & ~SE_IDENTITY_FLAGS_ALL) != 0)
		return 0;
	out->service = in[0] == SERVICE_NONE ? SE_SERVICE_NONE : in[0];
	out->usage = in[1] == CARD_USE_MASTER ? MASTER_USAGE : in[1];
	out->key_index = pf_get_be32(in + 2);
	out->identity_id = pf_get_be32(in + 6);
	out->identity_flags = in[10];
	return 1;
}
