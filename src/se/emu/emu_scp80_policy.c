/*
 * emu_scp80_policy.c - what an SMS keyset key may be, checked when the key
 * is made (emu_items.c, emu_policy_fits). In a file of its own: the token
 * half needs it without the operation half (its tests link that half's
 * stand-ins instead).
 */
#include "config.h"

#include "se/emu/emu_scp80.h"

int emu_scp80_policy_fits(const se_item_policy *pol)
{
	CK_ULONG i = pol->key_index;
	CK_ULONG slot = CK_PORTFOLIO_SMS_INDEX_SLOT(i);

	/* An SMS key never leaves the component, even wrapped (its 7-byte parameters
	 * do not fit the bound form's index): no EXPORT, WRAP, UNWRAP or DERIVE.
	 * WRAP_UNTRUSTED only says which wrapping key would do, and is harmless. */
	if ((slot != CK_PORTFOLIO_SMS_SLOT_KIC && slot != CK_PORTFOLIO_SMS_SLOT_KID) ||
	    (pol->usage & ~(SE_USE_ALL | SE_USE_WRAP_UNTRUSTED)) != 0 || pol->identity_id != 0 ||
	    pol->identity_flags != 0)
		return 0;
	/* the keyset's own coding must name AES: a DES keyset is refused when made */
	return scp80_kic_check((uint8_t)CK_PORTFOLIO_SMS_INDEX_KIC(i)) == SCP80_OK &&
	       scp80_kid_check((uint8_t)CK_PORTFOLIO_SMS_INDEX_KID(i)) == SCP80_OK;
}
