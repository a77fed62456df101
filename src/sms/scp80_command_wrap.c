/*
 * scp80_command_wrap.c - the sending entity: protect data into one command
 * packet (from CPL), numbered with the counter the caller chose.
 */
#include "config.h"

#include <string.h>

#include "sms/scp80_local.h"
#include "util/secure.h"

scp80_err scp80_command_wrap(const scp80_crypto *crypto, const scp80_command_params *p,
                             const uint8_t *data, size_t data_len, uint8_t *out, size_t room,
                             size_t *out_len)
{
	scp80_spi spi;

	if (crypto == NULL || p == NULL || (data == NULL && data_len != 0) || out == NULL || out_len == NULL)
		return SCP80_ERR_ARG;
	*out_len = 0;
	scp80_spi_decode(p->spi_bytes, &spi);
	scp80_err err = scp80_algorithms_check(&spi, p->kic, p->kid, p->kic_key, p->kid_key);
	if (err != SCP80_OK)
		return err;
	if (p->counter > SCP80_COUNTER_MAX)
		return SCP80_ERR_ARG;
	if (data_len > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	size_t cc_len = scp80_cc_len(spi.integrity);
	size_t pad = scp80_pad_len(CMD_CC - CMD_CNTR + cc_len + data_len, spi.ciphered);
	size_t len = CMD_CC + cc_len + data_len + pad;
	if (len > SCP80_MAX_PACKET)
		return SCP80_ERR_TOO_LONG;
	if (len > room)
		return SCP80_ERR_BUFFER;

	scp80_put_be(out, 2, len - CMD_CHL);
	out[CMD_CHL] = (uint8_t)(SCP80_CMD_HEADER_MIN + cc_len);
	memcpy(out + CMD_SPI, p->spi_bytes, 2);
	out[CMD_KIC] = p->kic;
	out[CMD_KID] = p->kid;
	memcpy(out + CMD_TAR, p->tar, SCP80_TAR_LEN);
	scp80_put_be(out + CMD_CNTR, SCP80_CNTR_LEN, p->counter);
	out[CMD_PCNTR] = (uint8_t)pad;
	scp80_frame f = {out, len, CMD_CNTR, CMD_CC, cc_len, spi.ciphered};
	err = scp80_frame_fill_seal(crypto, &f, data, data_len, p->kic_key, p->kid_key);
	if (err == SCP80_OK)
		*out_len = len;
	return err;
}
