/*
 * emu_div.h - Portfolio diversification inside the emulator: the key of
 * device D, instance I, index n derived from a master (docs/mechanisms.md
 * section 10). emu_div_kdf.c computes it (for C_DeriveKey, emu_derive.c, and
 * for the operations below); emu_div.c runs CKM_PORTFOLIO_DIV_* (10.2): a
 * device's answer verified or decrypted with the master alone, the device key
 * derived for the one operation and wiped.
 */
#ifndef PORTFOLIO_SE_EMU_DIV_H
#define PORTFOLIO_SE_EMU_DIV_H

#include "se/emu/emu_ops_local.h"

/* context: len(D) (2, big endian) | D | I (4) | n (4) | service (1) */
#define EMU_DIV_CONTEXT_MAX (2 + CK_PORTFOLIO_MAX_DEVICE_ID + 4 + 4 + 1) /* = PF_DIV_CONTEXT_MAX */

/* The per-session state of the CKM_PORTFOLIO_DIV_* families (se_op.div),
 * made at the first such op_init and kept: nothing is allocated afterwards
 * (the device key's MAC or cipher is the op's own, kept as for every family:
 * one remade when the device key length changes, as when a session signs
 * with AES-128 and then AES-256 keys). */
struct emu_div {
	/* AES-CMAC, the PRF, one per master length (AES-128, -192, -256): each keyed
	 * with the last master of its length, whose key serial it keeps (0: must
	 * re-key), so masters of two lengths never remake a context */
	pf_mac *kdf[3];
	uint64_t kdf_serial[3];
	uint8_t context[EMU_DIV_CONTEXT_MAX]; /* of the running operation */
	size_t context_len;
	size_t key_len;           /* the device key's length */
	uint8_t key[CK_PORTFOLIO_MAX_DIV_KEY]; /* the device key, only from its derivation until
	                                          the MAC or cipher holds it: wiped then */
};

/* The context of (D, I, n, service) into out (EMU_DIV_CONTEXT_MAX bytes);
 * 0 when D is empty or over CK_PORTFOLIO_MAX_DEVICE_ID, or I or n >= 2^32. */
size_t emu_div_context(const uint8_t *device_id, size_t device_id_len, CK_ULONG instance,
                       CK_ULONG key_index, CK_ULONG service, uint8_t *out);
/* K = KBKDF-CTR-CMAC(master, "Portfolio-Div", context, len * 8) into out,
 * with the PRF context *kdf (made, or remade for the master's length, and
 * keyed when *kdf_serial is not the master's; a restart otherwise). out is
 * wiped on failure. */
CK_RV emu_div_derive(pf_mac **kdf, uint64_t *kdf_serial, const emu_item *master, const uint8_t *context,
                     size_t context_len, uint8_t *out, size_t len);

/* emu_ops.c's life cycle: abort wipes the device key and makes the PRF
 * context forget the master; free releases the state. */
void emu_div_abort(se_op *op);
void emu_div_free(se_op *op);

#endif
