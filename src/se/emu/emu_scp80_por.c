/*
 * emu_scp80_por.c - CKM_PORTFOLIO_SCP80_POR_UNWRAP at final: the sender of a
 * command opens the PoR its receiver returned, and accepts it at most once,
 * only for a command it sent: the PoR's counter is checked against the send
 * counter and against the record of PoRs already accepted, and that record
 * is written in the same store transaction as the acceptance (as UNWRAP does
 * with the receive counter). docs/sms.md "Reading a PoR in the token".
 */
#include "config.h"

#include <string.h>

#include "se/emu/emu_scp80.h"
#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/secure.h"

/*
 * The PoR answers one of this token's packets: the keyset's TAR, and a
 * counter the token numbered, 1 up to its send counter (several packets may
 * await their PoR); never before this token sent anything on the TAR. WRAP
 * numbers from 1 whatever the SPI, so a counter 0 answers none of its
 * packets, except in the bare unsecured failure report (06, 09, 0A) of a
 * receiver that could not read the counter.
 */
/* The unsecured failure report TS 102 225 sends when it could not secure
 * one: no CC, no data, status 06, 09 or 0A. */
static int bare_report(const scp80_por *por)
{
	return !por->secured && por->data_len == 0 &&
	       (por->status == SCP80_STS_UNIDENTIFIED || por->status == SCP80_STS_TAR_UNKNOWN ||
	        por->status == SCP80_STS_SECURITY_LEVEL);
}

static scp80_err por_matches(const emu_item *kid, const scp80_por *por, uint64_t sent)
{
	uint32_t tar = (uint32_t)por->tar[0] << 16 | (uint32_t)por->tar[1] << 8 | por->tar[2];

	if (tar != emu_scp80_tar(kid))
		return SCP80_ERR_TAR_UNKNOWN;
	if (sent == 0 || por->counter > sent)
		return SCP80_ERR_COUNTER_HIGH;
	if (por->counter == 0 && !bare_report(por))
		return SCP80_ERR_COUNTER_LOW;
	return SCP80_OK;
}

/* The sender's PoR records, read and (when *dirty) to be written back. */
typedef struct por_record {
	uint64_t ack, ack_0b;
	int dirty;
} por_record;

/* At most once per counter. A PoR the keyset's SPI lets anyone make (the
 * bare failure report where security was asked) proves nothing: it is
 * accepted while its counter awaits a PoR but recorded nowhere, or a forger
 * could cancel the genuine PoR with it. Status 0B announces that the
 * response comes by SMS-SUBMIT (TS 31.115): it is recorded apart, once, and
 * leaves the counter awaiting that response. */
static scp80_err por_record_check(const emu_item *kid, const scp80_por *por, por_record *r)
{
	uint8_t spi_b[2];
	scp80_spi spi;
	uint64_t ack = r->ack;

	if (por->counter == 0)
		return SCP80_OK; /* a bare report (por_matches): it acknowledges nothing */
	emu_scp80_spi(kid, spi_b);
	scp80_spi_decode(spi_b, &spi);
	int authentic = por->secured || (!spi.por_ciphered && spi.por_integrity == SCP80_INTEGRITY_NONE);
	scp80_err err = scp80_ack_check(r->ack, por->counter, &ack);
	if (err != SCP80_OK || !authentic)
		return err;
	if (por->status == SCP80_STS_DATA_VIA_SUBMIT)
		err = scp80_ack_check(r->ack_0b, por->counter, &r->ack_0b);
	else
		r->ack = ack;
	r->dirty = err == SCP80_OK;
	return err;
}

static CK_RV records_get(se_op *op, const emu_item *kid, uint64_t *sent, por_record *r)
{
	uint32_t tar = emu_scp80_tar(kid);
	CK_RV rv = emu_scp80_counter_get(op->tok, kid, EMU_SCP80_SEND, tar, sent);
	if (rv == CKR_OK)
		rv = emu_scp80_counter_get(op->tok, kid, EMU_SCP80_ACK, tar, &r->ack);
	if (rv == CKR_OK)
		rv = emu_scp80_counter_get(op->tok, kid, EMU_SCP80_ACK_0B, tar, &r->ack_0b);
	return rv;
}

static CK_RV records_put(se_op *op, const emu_item *kid, const por_record *r)
{
	uint32_t tar = emu_scp80_tar(kid);
	CK_RV rv = emu_scp80_counter_put(op->tok, kid, EMU_SCP80_ACK, tar, r->ack);
	return rv == CKR_OK ? emu_scp80_counter_put(op->tok, kid, EMU_SCP80_ACK_0B, tar, r->ack_0b) : rv;
}

/* Open, check and accept in one transaction; the data is released only once
 * the record of its acceptance is durable. */
CK_RV emu_scp80_por_unwrap(se_op *op, const emu_item *kid, const emu_item *kic, uint8_t *out,
                           size_t *out_len)
{
	struct emu_scp80 *s = op->scp80;
	struct store *st = op->tok->st;
	por_record rec = {0, 0, 0};
	uint64_t sent = 0;
	uint8_t spi_b[2];
	scp80_crypto crypto;
	scp80_por por = {0};

	emu_scp80_spi(kid, spi_b);
	emu_scp80_crypto(op, &crypto);
	CK_RV rv = emu_scp80_begin_open(op);
	if (rv != CKR_OK)
		return rv;
	rv = records_get(op, kid, &sent, &rec);
	scp80_err err = rv == CKR_OK ? scp80_por_unwrap(&crypto, spi_b, kic, kid, s->buf, s->len, s->plain,
	                                                s->plain_cap, &por)
	                             : SCP80_ERR_CRYPTO;
	if (rv == CKR_OK && err == SCP80_OK)
		err = por_matches(kid, &por, sent);
	if (rv == CKR_OK && err == SCP80_OK)
		err = por_record_check(kid, &por, &rec);
	if (rv == CKR_OK && err == SCP80_OK && rec.dirty)
		rv = records_put(op, kid, &rec);
	if (rv == CKR_OK && err == SCP80_OK)
		rv = store_commit(st);
	else
		store_rollback(st);
	if (rv == CKR_OK) {
		s->res = (se_scp80_result){.valid = 1, .counter = por.counter,
		                           .status = err == SCP80_OK ? por.status : scp80_err_status(err)};
		if (err == SCP80_OK) {
			memcpy(out, por.data, por.data_len);
			*out_len = por.data_len;
		}
	}
	pf_wipe(s->plain, s->plain_cap);
	return rv != CKR_OK ? rv : emu_scp80_rv(err, 0);
}
