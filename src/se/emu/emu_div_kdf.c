/*
 * emu_div_kdf.c - the diversification KDF of docs/mechanisms.md section 10,
 * one code path for C_DeriveKey(CKM_PORTFOLIO_DIVERSIFY) (emu_derive.c) and
 * the CKM_PORTFOLIO_DIV_* operations (emu_div.c), so both give the same key:
 *
 *   K = PRF(master, [i]_32 | "Portfolio-Div" | 00 | context | [L]_32) ...
 *   context = len(D) (2) | D | I (4) | n (4) | service (1), all big endian
 *
 * SP 800-108 counter mode with AES-CMAC, computed by src/crypto
 * (pf_kbkdf_derive_mac) over a PRF context the caller keeps. The label and
 * the layout are fixed here, never from the caller.
 */
#include "config.h"

#include <string.h>

#include "se/emu/emu_div.h"
#include "util/bytes.h"
#include "util/secure.h"

static const uint8_t DIV_LABEL[] = "Portfolio-Div";
#define DIV_LABEL_LEN (sizeof DIV_LABEL - 1)
static const uint8_t DIV_SEPARATOR[1] = {0x00};

size_t emu_div_context(const uint8_t *device_id, size_t device_id_len, CK_ULONG instance,
                       CK_ULONG key_index, CK_ULONG service, uint8_t *out)
{
	size_t n = 0;

	if (device_id == NULL || device_id_len == 0 || device_id_len > CK_PORTFOLIO_MAX_DEVICE_ID ||
	    instance > 0xFFFFFFFFUL || key_index > 0xFFFFFFFFUL)
		return 0;
	/* unambiguous: D's length first, every other field of fixed width */
	out[n++] = (uint8_t)(device_id_len >> 8);
	out[n++] = (uint8_t)device_id_len;
	memcpy(out + n, device_id, device_id_len);
	n += device_id_len;
	pf_put_be32(out + n, (uint32_t)instance);
	n += 4;
	pf_put_be32(out + n, (uint32_t)key_index);
	n += 4;
	out[n++] = (uint8_t)service;
	return n;
}

CK_RV emu_div_derive(pf_mac **kdf, uint64_t *kdf_serial, const emu_item *master, const uint8_t *context,
                     size_t context_len, uint8_t *out, size_t len)
{
	const pf_kbkdf_field fields[] = {
		{.type = PF_KBKDF_ITERATION, .width_bits = 32},
		{.type = PF_KBKDF_BYTES, .bytes = DIV_LABEL, .len = DIV_LABEL_LEN},
		{.type = PF_KBKDF_BYTES, .bytes = DIV_SEPARATOR, .len = sizeof DIV_SEPARATOR},
		{.type = PF_KBKDF_BYTES, .bytes = context, .len = context_len},
		{.type = PF_KBKDF_DKM_LENGTH, .width_bits = 32, .dkm_method = PF_KBKDF_DKM_SUM_OF_KEYS},
	};
	const pf_kbkdf_params kp = {PF_KBKDF_MODE_COUNTER, PF_MAC_CMAC_AES, fields,
	                            sizeof fields / sizeof fields[0], NULL, 0};

	if (master->kind != SE_ITEM_AES_KEY)
		return CKR_KEY_TYPE_INCONSISTENT;
	CK_RV rv = emu_ops_mac_load(kdf, kdf_serial, PF_MAC_CMAC_AES, master);
	if (rv == CKR_OK && pf_kbkdf_derive_mac(&kp, *kdf, out, len) != PF_CRYPTO_OK)
		rv = CKR_FUNCTION_FAILED;
	if (rv != CKR_OK)
		pf_wipe(out, len);
	return rv;
}
