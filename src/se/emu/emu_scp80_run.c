/*
 * emu_scp80_run.c - the work of CKM_PORTFOLIO_SCP80_UNWRAP and _WRAP at
 * final (_POR_UNWRAP: emu_scp80_por.c), each in one store transaction with its counter
 * (emu_scp80.c says why; docs/sms.md "In the token").
 */
#include "config.h"

#include <string.h>

#include "se/emu/emu_scp80.h"
#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/secure.h"

/* What a refused packet returns (docs/mechanisms.md): a wrong CC is a bad
 * signature; the lengths (CPL/CHL, truncation, the concatenation limit) are a
 * length error; every other refusal of the packet is invalid encrypted data.
 * The status code (ulStatus) tells them apart precisely. */
CK_RV emu_scp80_rv(scp80_err err, int wrap)
{
	switch (err) {
	case SCP80_OK: return CKR_OK;
	case SCP80_ERR_CC: return CKR_SIGNATURE_INVALID;
	case SCP80_ERR_TRUNCATED:
	case SCP80_ERR_LENGTH:
	case SCP80_ERR_TOO_LONG: return wrap ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	case SCP80_ERR_COUNTER_BLOCKED: return wrap ? CKR_ACTION_PROHIBITED : CKR_ENCRYPTED_DATA_INVALID;
	case SCP80_ERR_CRYPTO: return CKR_FUNCTION_FAILED;
	case SCP80_ERR_BUFFER: return CKR_BUFFER_TOO_SMALL;
	case SCP80_ERR_ARG: return CKR_ARGUMENTS_BAD;
	default: return wrap ? CKR_KEY_FUNCTION_NOT_PERMITTED : CKR_ENCRYPTED_DATA_INVALID;
	}
}

uint32_t emu_scp80_tar(const emu_item *kid)
{
	return (uint32_t)CK_PORTFOLIO_SMS_INDEX_TAR(kid->pol.key_index);
}

void emu_scp80_spi(const emu_item *kid, uint8_t spi[2])
{
	CK_ULONG v = CK_PORTFOLIO_SMS_INDEX_SPI(kid->pol.key_index);
	spi[0] = (uint8_t)(v >> 8);
	spi[1] = (uint8_t)v;
}

typedef struct lookup_ctx {
	const emu_item *kid, *kic;
	uint64_t stored;
} lookup_ctx;

/* The receiving entity's keyset: this one, for its own TAR only. The SPI it
 * was provisioned with is the least a command must ask for. */
static int lookup(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *out)
{
	const lookup_ctx *l = ctx;
	uint32_t got = (uint32_t)tar[0] << 16 | (uint32_t)tar[1] << 8 | tar[2];
	uint8_t spi_b[2];
	scp80_spi spi;

	if (got != emu_scp80_tar(l->kid))
		return -1;
	emu_scp80_spi(l->kid, spi_b);
	scp80_spi_decode(spi_b, &spi);
	memset(out, 0, sizeof *out);
	out->kic = l->kic;
	out->kid = l->kid;
	out->counter = l->stored;
	out->require_cc = spi.integrity == SCP80_INTEGRITY_CC;
	out->require_cipher = spi.ciphered;
	out->require_counter_higher = spi.counter >= SCP80_CNTR_HIGHER;
	return 0;
}

/* The outcome every UNWRAP reports, accepted or not: status, counter, PoR. */
static void report_unwrap(struct emu_scp80 *s, const scp80_crypto *crypto, const scp80_received *rcv)
{
	size_t n = 0;

	s->res.valid = 1;
	s->res.status = rcv->status;
	s->res.counter = rcv->hdr.counter;
	s->res.por_len = 0;
	if (!scp80_por_wanted(rcv))
		return;
	const uint8_t *data = rcv->err == SCP80_OK ? s->por_data : NULL;
	size_t dlen = rcv->err == SCP80_OK ? s->por_data_len : 0;
	if (scp80_por_build(crypto, rcv, data, dlen, s->res.por, sizeof s->res.por, &n) == SCP80_OK)
		s->res.por_len = n;
}

/* Room to open the buffered input in, and the store transaction begun. */
CK_RV emu_scp80_begin_open(se_op *op)
{
	struct emu_scp80 *s = op->scp80;
	CK_RV rv = emu_ops_reserve(&s->plain, &s->plain_cap, 0, s->len != 0 ? s->len : 1);
	return rv == CKR_OK ? store_begin(op->tok->st) : rv;
}

/* Check, open and accept in one transaction: the counter moves only with an
 * accepted packet, and the data is released only once that is durable. */
CK_RV emu_scp80_unwrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                       size_t *out_len)
{
	struct emu_scp80 *s = op->scp80;
	struct store *st = op->tok->st;
	lookup_ctx l = {kid, kic, 0};
	scp80_crypto crypto;
	scp80_received rcv;

	emu_scp80_crypto(op, &crypto);
	CK_RV rv = emu_scp80_begin_open(op);
	if (rv != CKR_OK)
		return rv;
	rv = emu_scp80_counter_get(op->tok, kid, EMU_SCP80_RECEIVE, emu_scp80_tar(kid), &l.stored);
	if (rv != CKR_OK) {
		store_rollback(st);
		return rv;
	}
	scp80_err err = scp80_command_unwrap(&crypto, lookup, &l, s->buf, s->len, s->plain,
	                                     s->plain_cap, &rcv);
	if (err == SCP80_OK && rcv.commit_counter != l.stored)
		rv = emu_scp80_counter_put(op->tok, kid, EMU_SCP80_RECEIVE, emu_scp80_tar(kid), rcv.commit_counter);
	if (err == SCP80_OK && rv == CKR_OK)
		rv = store_commit(st);
	else
		store_rollback(st);
	if (rv == CKR_OK)
		report_unwrap(s, &crypto, &rcv);
	if (rv == CKR_OK && err == SCP80_OK) {
		memcpy(out, rcv.data, rcv.data_len);
		*out_len = rcv.data_len;
	}
	pf_wipe(s->plain, s->plain_cap);
	return rv != CKR_OK ? rv : emu_scp80_rv(err, 0);
}

/* Number, protect and pad; the counter is durable before the packet leaves. */
CK_RV emu_scp80_wrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                     size_t *out_len)
{
	struct emu_scp80 *s = op->scp80;
	struct store *st = op->tok->st;
	CK_ULONG idx = kid->pol.key_index;
	scp80_command_params cp = {.kic = (uint8_t)CK_PORTFOLIO_SMS_INDEX_KIC(idx),
	                           .kid = (uint8_t)CK_PORTFOLIO_SMS_INDEX_KID(idx),
	                           .kic_key = kic, .kid_key = kid};
	uint32_t tar = emu_scp80_tar(kid);
	uint64_t stored = 0;
	scp80_crypto crypto;
	size_t n = 0;

	emu_scp80_spi(kid, cp.spi_bytes);
	cp.tar[0] = (uint8_t)(tar >> 16);
	cp.tar[1] = (uint8_t)(tar >> 8);
	cp.tar[2] = (uint8_t)tar;
	emu_scp80_crypto(op, &crypto);
	CK_RV rv = store_begin(st);
	if (rv != CKR_OK)
		return rv;
	rv = emu_scp80_counter_get(op->tok, kid, EMU_SCP80_SEND, tar, &stored);
	scp80_err err = rv == CKR_OK ? scp80_counter_next(stored, &cp.counter) : SCP80_OK;
	if (rv == CKR_OK && err == SCP80_OK)
		err = scp80_command_wrap(&crypto, &cp, s->buf, s->len, out, *out_len, &n);
	if (rv == CKR_OK && err == SCP80_OK)
		rv = emu_scp80_counter_put(op->tok, kid, EMU_SCP80_SEND, tar, cp.counter);
	if (rv == CKR_OK && err == SCP80_OK)
		rv = store_commit(st);
	else
		store_rollback(st);
	if (rv != CKR_OK || err != SCP80_OK) {
		pf_wipe(out, *out_len);
		return rv != CKR_OK ? rv : emu_scp80_rv(err, 1);
	}
	s->res = (se_scp80_result){.valid = 1, .status = SCP80_STS_OK, .counter = cp.counter};
	*out_len = n;
	return CKR_OK;
}
