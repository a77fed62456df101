/*
 * scp80_response.c - the receiving entity's Proof of Receipt (TS 102 225
 * 5.2): when one is sent, and how it is secured.
 */
#include "config.h"

#include <string.h>

#include "sms/scp80_local.h"
#include "util/secure.h"

bool scp80_por_wanted(const scp80_received *rcv)
{
	if (rcv == NULL || !rcv->header_read)
		return false;
	switch (rcv->hdr.spi.por) {
	case SCP80_POR_ALWAYS:
		return true;
	case SCP80_POR_ON_ERROR:
		return rcv->status != SCP80_STS_OK;
	default: /* none, or the reserved coding: no PoR */
		return false;
	}
}

/*
 * A PoR is secured as the SPI asks only with keys the entity could use:
 * status 06 means the header was not understood and 09 that there is no
 * keyset, so those two (and any failure before the keys were accepted) go
 * out without ciphering or CC.
 */
static bool por_secured(const scp80_received *rcv)
{
	return rcv->keys_usable && rcv->status != SCP80_STS_UNIDENTIFIED && rcv->status != SCP80_STS_TAR_UNKNOWN;
}

scp80_err scp80_por_build(const scp80_crypto *crypto, const scp80_received *rcv,
                          const uint8_t *data, size_t data_len, uint8_t *out, size_t room,
                          size_t *out_len)
{
	if (crypto == NULL || rcv == NULL || (data == NULL && data_len != 0) || out == NULL || out_len == NULL)
		return SCP80_ERR_ARG;
	*out_len = 0;
	if (!scp80_por_wanted(rcv))
		return SCP80_ERR_ARG;
	bool secured = por_secured(rcv);
	/* A failure sent without the security the SPI asked carries nothing:
	 * the command was not processed (and the reader relies on it, see
	 * scp80_response_open.c). */
	bool asked = rcv->hdr.spi.por_ciphered || rcv->hdr.spi.por_integrity != SCP80_INTEGRITY_NONE;
	if (!secured && asked && data_len != 0)
		return SCP80_ERR_ARG;
	bool ciphered = secured && rcv->hdr.spi.por_ciphered;
	size_t cc_len = secured ? scp80_cc_len(rcv->hdr.spi.por_integrity) : 0;
	if (data_len > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	size_t pad = scp80_pad_len(RSP_CC - RSP_CNTR + cc_len + data_len, ciphered);
	size_t len = RSP_CC + cc_len + data_len + pad;
	if (len - SCP80_RSP_UDH_LEN > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	if (len > room)
		return SCP80_ERR_BUFFER;

	static const uint8_t udh[SCP80_RSP_UDH_LEN] = {0x02, 0x71, 0x00};
	memcpy(out, udh, sizeof udh);
	scp80_put_be(out + RSP_RPL, 2, len - RSP_RHL);
	out[RSP_RHL] = (uint8_t)(SCP80_RSP_HEADER_MIN + cc_len);
	memcpy(out + RSP_TAR, rcv->hdr.tar, SCP80_TAR_LEN);
	scp80_put_be(out + RSP_CNTR, SCP80_CNTR_LEN, rcv->hdr.counter);
	out[RSP_PCNTR] = (uint8_t)pad;
	out[RSP_STS] = (uint8_t)rcv->status;
	scp80_frame f = {out, len, RSP_CNTR, RSP_CC, cc_len, ciphered};
	scp80_err err = scp80_frame_fill_seal(crypto, &f, data, data_len, rcv->keys.kic, rcv->keys.kid);
	if (err == SCP80_OK)
		*out_len = len;
	return err;
}
