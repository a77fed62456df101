/*
 * emu_div_kdf.c - the diversification KDF of docs/mechanisms.md section 10,
 * one code path for C_DeriveKey(CKM_PORTFOLIO_DIVERSIFY) (emu_derive.c) and
 * the CKM_PORTFOLIO_DIV_* operations (emu_div.c), so both give the same key:
 *
 *   K = PRF(master, [i]_32 | "Portfolio-Div" | 00 | context | [L]_32) ...
 *   context = len(D) (2) | D | I (4) | n (4) | service (1), all big endian
 *
 * SP 800-108 counter mode with AES-CMAC, computed by src/crypto
 * (crypto/portfolio_div.c, shared with the card applet) over a PRF context
 * the caller keeps.
 */
#include "config.h"

#include <string.h>

#include "crypto/portfolio_div.h"
#include "se/emu/emu_div.h"
#include "util/secure.h"

size_t emu_div_context(const uint8_t *device_id, size_t device_id_len, CK_ULONG instance,
                       CK_ULONG key_index, CK_ULONG service, uint8_t *out)
{
	if (device_id_len > CK_PORTFOLIO_MAX_DEVICE_ID || instance > 0xFFFFFFFFUL || key_index > 0xFFFFFFFFUL)
		return 0;
	return pf_div_context(device_id, device_id_len, (uint32_t)instance, (uint32_t)key_index, (uint8_t)service,
	                      out);
}

CK_RV emu_div_derive(pf_mac **kdf, uint64_t *kdf_serial, const emu_item *master, const uint8_t *context,
                     size_t context_len, uint8_t *out, size_t len)
{
	if (master->kind != SE_ITEM_AES_KEY)
		return CKR_KEY_TYPE_INCONSISTENT;
	CK_RV rv = emu_ops_mac_load(kdf, kdf_serial, PF_MAC_CMAC_AES, master);
	if (rv == CKR_OK && pf_div_derive(*kdf, context, context_len, out, len) != PF_CRYPTO_OK)
		rv = CKR_FUNCTION_FAILED;
	if (rv != CKR_OK)
		pf_wipe(out, len);
	return rv;
}
