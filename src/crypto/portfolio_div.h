/*
 * portfolio_div.h - the Portfolio diversification KDF of docs/mechanisms.md
 * section 10, in one place for every secure component that derives a device
 * key from a master: the emulator (src/se/emu/emu_div_kdf.c) and the card
 * applet (src/vcard/vcard_div.c) must give the same key bit for bit.
 *
 *   K = PRF(master, [i]_32 | "Portfolio-Div" | 00 | context | [L]_32) ...
 *   context = len(D) (2) | D | I (4) | n (4) | service (1), all big endian
 *
 * SP 800-108 counter mode with AES-CMAC (pf_kbkdf_derive_mac).
 */
#ifndef PORTFOLIO_CRYPTO_PORTFOLIO_DIV_H
#define PORTFOLIO_CRYPTO_PORTFOLIO_DIV_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

#define PF_DIV_MAX_DEVICE_ID 128u /* = CK_PORTFOLIO_MAX_DEVICE_ID */
#define PF_DIV_CONTEXT_MAX (2 + PF_DIV_MAX_DEVICE_ID + 4 + 4 + 1)

/* The context of (D, I, n, service) into out (PF_DIV_CONTEXT_MAX bytes); its
 * length, or 0 when D is empty or longer than PF_DIV_MAX_DEVICE_ID. */
size_t pf_div_context(const uint8_t *device_id, size_t device_id_len, uint32_t instance, uint32_t key_index,
                      uint8_t service, uint8_t *out);
/* len bytes of K into out with prf, an AES-CMAC context keyed with the master
 * (restarted here). PF_CRYPTO_OK, or an error with out wiped. */
int pf_div_derive(pf_mac *prf, const uint8_t *context, size_t context_len, uint8_t *out, size_t len);

#endif
