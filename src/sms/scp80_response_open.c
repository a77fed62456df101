/*
 * scp80_response_open.c - the sending entity reads the PoR of its command:
 * the UDH (which the CC covers), RPL, RHL, then deciphering and CC as the
 * command's SPI asked.
 */
#include "config.h"

#include <string.h>

#include "sms/scp80_local.h"
#include "util/secure.h"

#define IEI_RESPONSE_PACKET 0x71

/* Length of the UDH (UDHL included) holding the response-packet element 71 00. */
static scp80_err read_udh(const uint8_t *pkt, size_t len, size_t *udh_len)
{
	bool found = false;

	if (len < 1)
		return SCP80_ERR_TRUNCATED;
	size_t end = 1 + (size_t)pkt[0];
	if (end > len)
		return SCP80_ERR_TRUNCATED;
	for (size_t i = 1; i < end; i += 2 + (size_t)pkt[i + 1]) {
		if (i + 2 > end || i + 2 + pkt[i + 1] > end)
			return SCP80_ERR_LENGTH;
		if (pkt[i] == IEI_RESPONSE_PACKET && pkt[i + 1] == 0)
			found = true;
	}
	if (!found)
		return SCP80_ERR_LENGTH;
	*udh_len = end;
	return SCP80_OK;
}

/* Statuses an entity sends without security (scp80_por_build's rule). */
static bool unsecured_allowed(uint8_t sts)
{
	return sts == SCP80_STS_UNIDENTIFIED || sts == SCP80_STS_TAR_UNKNOWN || sts == SCP80_STS_SECURITY_LEVEL;
}

static bool asks_security(const scp80_spi *spi)
{
	return spi->por_ciphered || spi->por_integrity != SCP80_INTEGRITY_NONE;
}

/*
 * RPL and RHL against the length, and the frame to open. A PoR the entity
 * could not secure (scp80_por_build) is bare: RHL 0A and nothing after STS.
 * A secured PoR never is (a CC makes RHL 12; ciphering pads the 7 bytes from
 * CNTR to 16), so "bare although security was asked" is unambiguous.
 */
static scp80_err read_frame(const scp80_spi *spi, const uint8_t *pkt, size_t len, size_t base,
                            scp80_frame *f)
{
	size_t off_rhl = base + (RSP_RHL - SCP80_RSP_UDH_LEN);
	if (len < off_rhl + 1)
		return SCP80_ERR_TRUNCATED;
	size_t rpl = (size_t)scp80_get_be(pkt + off_rhl - 2, 2);
	if (off_rhl + rpl > len)
		return SCP80_ERR_TRUNCATED;
	if (off_rhl + rpl < len)
		return SCP80_ERR_LENGTH;
	size_t rhl = pkt[off_rhl];
	if (off_rhl + 1 + rhl > len)
		return SCP80_ERR_LENGTH;
	bool bare = rhl == SCP80_RSP_HEADER_MIN && off_rhl + 1 + rhl == len;
	size_t cc_len = bare ? 0 : scp80_cc_len(spi->por_integrity);
	if (rhl != SCP80_RSP_HEADER_MIN + cc_len)
		return SCP80_ERR_LENGTH;
	size_t shift = base - SCP80_RSP_UDH_LEN;
	*f = (scp80_frame){NULL, len, RSP_CNTR + shift, RSP_CC + shift, cc_len, spi->por_ciphered && !bare};
	return SCP80_OK;
}

static scp80_err open_por(const scp80_crypto *crypto, const uint8_t spi_bytes[2], const void *kic_key,
                          const void *kid_key, const uint8_t *pkt, size_t len, uint8_t *plain,
                          size_t room, scp80_por *por)
{
	scp80_spi spi;
	scp80_frame f;
	size_t base;

	scp80_spi_decode(spi_bytes, &spi);
	if (len > SCP80_MAX_PACKET + SCP80_RSP_UDH_LEN)
		return SCP80_ERR_TOO_LONG;
	scp80_err err = read_udh(pkt, len, &base);
	if (err == SCP80_OK)
		err = read_frame(&spi, pkt, len, base, &f);
	if (err != SCP80_OK)
		return err;
	if (room < len)
		return SCP80_ERR_BUFFER;
	memcpy(plain, pkt, len);
	f.buf = plain;
	size_t shift = base - SCP80_RSP_UDH_LEN;
	bool secured = f.cc_len != 0 || f.ciphered;
	if (!secured && asks_security(&spi) && !unsecured_allowed(plain[RSP_STS + shift]))
		return SCP80_ERR_CC; /* a success, or a keyed failure, must carry its security */
	/* The PoR carries no KIc/KID: the keys are the command's, AES by construction. */
	scp80_spi por_only = {.por_integrity = spi.por_integrity, .por_ciphered = spi.por_ciphered};
	if (secured && (err = scp80_algorithms_check(&por_only, 0x02, 0x02, kic_key, kid_key)) != SCP80_OK)
		return err;
	if ((err = scp80_frame_open(crypto, &f, kic_key, kid_key)) != SCP80_OK)
		return err;
	size_t body = len - f.cc_off - f.cc_len;
	if (plain[RSP_PCNTR + shift] > body)
		return SCP80_ERR_PADDING;
	memcpy(por->tar, plain + RSP_TAR + shift, SCP80_TAR_LEN);
	por->counter = scp80_get_be(plain + RSP_CNTR + shift, SCP80_CNTR_LEN);
	por->status = (scp80_status)plain[RSP_STS + shift];
	por->secured = secured;
	por->data = plain + f.cc_off + f.cc_len;
	por->data_len = body - plain[RSP_PCNTR + shift];
	return SCP80_OK;
}

scp80_err scp80_por_unwrap(const scp80_crypto *crypto, const uint8_t spi_bytes[2], const void *kic_key,
                           const void *kid_key, const uint8_t *pkt, size_t len, uint8_t *plain,
                           size_t room, scp80_por *por)
{
	if (por == NULL)
		return SCP80_ERR_ARG;
	memset(por, 0, sizeof *por);
	if (crypto == NULL || crypto->ops == NULL || spi_bytes == NULL || (pkt == NULL && len != 0) ||
	    (plain == NULL && room != 0))
		return SCP80_ERR_ARG;
	scp80_err err = open_por(crypto, spi_bytes, kic_key, kid_key, pkt, len, plain, room, por);
	if (err != SCP80_OK) {
		pf_wipe(plain, room < len ? room : len);
		memset(por, 0, sizeof *por);
	}
	return err;
}
