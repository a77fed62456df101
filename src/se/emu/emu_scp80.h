/*
 * emu_scp80.h - the emulator's SMS binding: CKM_PORTFOLIO_SCP80_WRAP /
 * _UNWRAP done with src/sms on the token's unlocked keyset (emu_scp80.c), the
 * crypto provider whose handles are items (emu_scp80_crypto.c), and the
 * counters, sealed rows of the store (emu_scp80_counter.c). docs/sms.md.
 */
#ifndef PORTFOLIO_SE_EMU_SCP80_H
#define PORTFOLIO_SE_EMU_SCP80_H

#include "se/emu/emu_ops_local.h"
#include "sms/scp80.h"

/* The state of one SCP80 operation (se_op.scp80). */
struct emu_scp80 {
	se_ref kid_ref;
	uint64_t kid_serial, kic_serial;
	uint8_t *buf;             /* buffered input */
	size_t len, cap;
	uint8_t *plain;           /* UNWRAP: the deciphered packet */
	size_t plain_cap;
	uint8_t por_data[CK_PORTFOLIO_SCP80_MAX_POR_DATA];
	size_t por_data_len;
	se_scp80_op op;           /* which of the family's mechanisms */
	se_scp80_result res;
};

/* The op's keyset, looked up again (a key may go between init and final). */
CK_RV emu_scp80_keyset(se_op *op, const emu_item **kid, const emu_item **kic);
/* emu_scp80_run.c: the work at final. */
CK_RV emu_scp80_wrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                     size_t *out_len);
CK_RV emu_scp80_unwrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                       size_t *out_len);
CK_RV emu_scp80_por_unwrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                           size_t *out_len);
/* emu_scp80_por.c: _POR_UNWRAP; these helpers of emu_scp80_run.c serve both. */
CK_RV emu_scp80_rv(scp80_err err, int wrap);      /* the C_* return code of a refusal */
uint32_t emu_scp80_tar(const emu_item *kid);       /* the keyset's sealed TAR */
void emu_scp80_spi(const emu_item *kid, uint8_t spi[2]); /* ... and SPI */
CK_RV emu_scp80_begin_open(se_op *op);             /* room to open in, store transaction begun */

/* The operation is the family emu_fam_scp80 (emu_ops_local.h); emu_ops.c's
 * life cycle also calls these two. */
void emu_scp80_abort(se_op *op);   /* wipes the buffered input; keeps the result */
void emu_scp80_free(se_op *op);
void emu_scp80_result(se_op *op, se_scp80_result *out);

/* An SMS key's policy: key_index is a slot (KIc or KID) and the keyset's
 * parameters, whose KIc/KID bytes name AES (CBC / CMAC). */
int emu_scp80_policy_fits(const se_item_policy *pol);

/* The provider: handles are const emu_item *, computed with op's contexts. */
void emu_scp80_crypto(se_op *op, scp80_crypto *out);

/* Counters, one sealed store row per (instance, keyset, TAR, direction):
 * the keyset is named by a keyed hash of its KID value, so the row survives
 * the keys being deleted and imported again (a replay window otherwise).
 * Call inside the caller's store transaction. get: 0 when there is none. */
/* RECEIVE, SEND: counters; ACK, ACK_0B: the sender's PoR records
 * (scp80_ack_check states) of final PoRs and of status-0B PoRs. */
typedef enum emu_scp80_dir {
	EMU_SCP80_RECEIVE = 'r', EMU_SCP80_SEND = 's', EMU_SCP80_ACK = 'a', EMU_SCP80_ACK_0B = 'b'
} emu_scp80_dir;
CK_RV emu_scp80_counter_get(se_token *t, const emu_item *kid, emu_scp80_dir dir, uint32_t tar,
                            uint64_t *out);
CK_RV emu_scp80_counter_put(se_token *t, const emu_item *kid, emu_scp80_dir dir, uint32_t tar,
                            uint64_t value);

#endif
