/*
 * scp80_command.c - the receiving entity: check and open one command packet
 * (TS 102 225 5.1), in the order that never lets an unauthenticated packet
 * move the counter: lengths, TAR, algorithms, security level, deciphering,
 * CC, padding, counter.
 */
#include "config.h"

#include <string.h>

#include "sms/scp80_local.h"
#include "util/secure.h"

/* CPL against the byte count; then the header fields up to TAR. */
static scp80_err read_lengths(const uint8_t *pkt, size_t len, scp80_received *rcv)
{
	if (len > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	if (len < CMD_CHL)
		return SCP80_ERR_TRUNCATED;
	size_t cpl = (size_t)scp80_get_be(pkt + CMD_CPL, 2);
	if (cpl + CMD_CHL > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	if (len >= CMD_CNTR) {
		/* Enough to address a PoR (even one reporting this packet's fault). */
		memcpy(rcv->hdr.spi_bytes, pkt + CMD_SPI, 2);
		rcv->hdr.kic = pkt[CMD_KIC];
		rcv->hdr.kid = pkt[CMD_KID];
		memcpy(rcv->hdr.tar, pkt + CMD_TAR, SCP80_TAR_LEN);
		scp80_spi_decode(rcv->hdr.spi_bytes, &rcv->hdr.spi);
		rcv->header_read = true;
	}
	if (cpl + CMD_CHL > len)
		return SCP80_ERR_TRUNCATED;
	if (cpl + CMD_CHL < len)
		return SCP80_ERR_LENGTH;
	if (len < CMD_CC)
		return SCP80_ERR_TRUNCATED;
	/* CHL is fixed by the SPI: the CC is there or not. */
	size_t chl = pkt[CMD_CHL];
	if (chl != SCP80_CMD_HEADER_MIN + scp80_cc_len(rcv->hdr.spi.integrity) || CMD_SPI + chl > len)
		return SCP80_ERR_LENGTH;
	return SCP80_OK;
}

/* The keyset may insist on more than this SPI asks. */
static scp80_err check_level(const scp80_spi *spi, const scp80_keyset *k)
{
	if ((k->require_cc && spi->integrity != SCP80_INTEGRITY_CC) || (k->require_cipher && !spi->ciphered) ||
	    (k->require_counter_higher && spi->counter < SCP80_CNTR_HIGHER))
		return SCP80_ERR_SECURITY_LEVEL;
	return SCP80_OK;
}

static scp80_err find_keys(scp80_lookup_fn lookup, void *lookup_ctx, scp80_received *rcv)
{
	if (lookup(lookup_ctx, rcv->hdr.tar, &rcv->keys) != 0) {
		memset(&rcv->keys, 0, sizeof rcv->keys);
		return SCP80_ERR_TAR_UNKNOWN;
	}
	rcv->commit_counter = rcv->keys.counter;
	scp80_err err = scp80_algorithms_check(&rcv->hdr.spi, rcv->hdr.kic, rcv->hdr.kid, rcv->keys.kic,
	                                       rcv->keys.kid);
	if (err != SCP80_OK)
		return err;
	rcv->keys_usable = true;
	return check_level(&rcv->hdr.spi, &rcv->keys);
}

/* Decipher and authenticate in plain; then padding and counter. */
static scp80_err open_packet(const scp80_crypto *crypto, size_t len, uint8_t *plain, scp80_received *rcv)
{
	const scp80_spi *spi = &rcv->hdr.spi;
	size_t cc_len = scp80_cc_len(spi->integrity);
	scp80_frame f = {plain, len, CMD_CNTR, CMD_CC, cc_len, spi->ciphered};
	scp80_err err = scp80_frame_open(crypto, &f, rcv->keys.kic, rcv->keys.kid);

	/* The counter as received (deciphered when it could be): the PoR repeats it. */
	if (err != SCP80_ERR_CIPHER && err != SCP80_ERR_CRYPTO)
		rcv->hdr.counter = scp80_get_be(plain + CMD_CNTR, SCP80_CNTR_LEN);
	if (err != SCP80_OK)
		return err;
	size_t body = len - CMD_CC - cc_len;
	size_t pcntr = plain[CMD_PCNTR];
	if (pcntr > body)
		return SCP80_ERR_PADDING;
	err = scp80_counter_check(spi->counter, rcv->hdr.counter, rcv->keys.counter, rcv->keys.max_step,
	                          &rcv->commit_counter);
	if (err != SCP80_OK)
		return err;
	rcv->data = plain + CMD_CC + cc_len;
	rcv->data_len = body - pcntr;
	return SCP80_OK;
}

static scp80_err unwrap(const scp80_crypto *crypto, scp80_lookup_fn lookup, void *lookup_ctx,
                        const uint8_t *pkt, size_t len, uint8_t *plain, size_t room, scp80_received *rcv)
{
	scp80_err err = read_lengths(pkt, len, rcv);
	if (err != SCP80_OK)
		return err;
	if ((err = find_keys(lookup, lookup_ctx, rcv)) != SCP80_OK)
		return err;
	if (room < len)
		return SCP80_ERR_BUFFER;
	memcpy(plain, pkt, len);
	return open_packet(crypto, len, plain, rcv);
}

scp80_err scp80_command_unwrap(const scp80_crypto *crypto, scp80_lookup_fn lookup, void *lookup_ctx,
                               const uint8_t *pkt, size_t len, uint8_t *plain, size_t room,
                               scp80_received *rcv)
{
	if (rcv == NULL)
		return SCP80_ERR_ARG;
	memset(rcv, 0, sizeof *rcv);
	if (crypto == NULL || crypto->ops == NULL || lookup == NULL || (pkt == NULL && len != 0) ||
	    (plain == NULL && room != 0))
		rcv->err = SCP80_ERR_ARG;
	else
		rcv->err = unwrap(crypto, lookup, lookup_ctx, pkt, len, plain, room, rcv);
	rcv->status = scp80_err_status(rcv->err);
	if (rcv->err != SCP80_OK) {
		/* Nothing of a refused packet survives: no plaintext, no new counter. */
		pf_wipe(plain, room < len ? room : len);
		rcv->commit_counter = rcv->keys.counter;
		rcv->data = NULL;
		rcv->data_len = 0;
	}
	return rcv->err;
}
