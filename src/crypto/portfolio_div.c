/*
 * portfolio_div.c - the Portfolio diversification KDF (portfolio_div.h). The
 * label and the layout are fixed here, never from the caller.
 */
#include "config.h"

#include <string.h>

#include "crypto/kdf.h"
#include "crypto/portfolio_div.h"
#include "util/bytes.h"
#include "util/secure.h"

static const uint8_t DIV_LABEL[] = "Portfolio-Div";
#define DIV_LABEL_LEN (sizeof DIV_LABEL - 1)
static const uint8_t DIV_SEPARATOR[1] = {0x00};

size_t pf_div_context(const uint8_t *device_id, size_t device_id_len, uint32_t instance, uint32_t key_index,
                      uint8_t service, uint8_t *out)
{
	size_t n = 0;

	if (device_id == NULL || device_id_len == 0 || device_id_len > PF_DIV_MAX_DEVICE_ID)
		return 0;
	/* unambiguous: D's length first, every other field of fixed width */
	out[n++] = (uint8_t)(device_id_len >> 8);
	out[n++] = (uint8_t)device_id_len;
	memcpy(out + n, device_id, device_id_len);
	n += device_id_len;
	pf_put_be32(out + n, instance);
	n += 4;
	pf_put_be32(out + n, key_index);
	n += 4;
	out[n++] = service;
	return n;
}

int pf_div_derive(pf_mac *prf, const uint8_t *context, size_t context_len, uint8_t *out, size_t len)
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
	int rc = pf_kbkdf_derive_mac(&kp, prf, out, len);

	if (rc != PF_CRYPTO_OK)
		pf_wipe(out, len);
	return rc;
}
