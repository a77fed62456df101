/*
 * scp80_frame.c - sealing and opening a secured packet, command or
 * response alike: the CC over everything but itself, then AES-CBC from CNTR.
 */
#include "config.h"

#include <string.h>

#include "sms/scp80_local.h"
#include "util/secure.h"

#define CMAC_FULL 16

/* The CC of f: CMAC over the bytes before and after the CC field. */
static scp80_err compute_cc(const scp80_crypto *crypto, const scp80_frame *f, const void *kid,
                            uint8_t cc[SCP80_CC_LEN])
{
	const scp80_span parts[2] = {
		{f->buf, f->cc_off},
		{f->buf + f->cc_off + f->cc_len, f->len - f->cc_off - f->cc_len},
	};
	return crypto->ops->cmac(crypto->ctx, kid, parts, 2, cc, SCP80_CC_LEN) == 0 ? SCP80_OK
	                                                                            : SCP80_ERR_CRYPTO;
}

static bool frame_sane(const scp80_crypto *crypto, const scp80_frame *f)
{
	return crypto != NULL && crypto->ops != NULL && f->buf != NULL && f->cc_off + f->cc_len <= f->len &&
	       f->cipher_from <= f->cc_off && (f->cc_len == 0 || f->cc_len == SCP80_CC_LEN);
}

scp80_err scp80_frame_seal(const scp80_crypto *crypto, const scp80_frame *f, const void *kic,
                           const void *kid)
{
	if (!frame_sane(crypto, f))
		return SCP80_ERR_ARG;
	if (f->cc_len != 0) {
		scp80_err err = compute_cc(crypto, f, kid, f->buf + f->cc_off);
		if (err != SCP80_OK)
			return err;
	}
	if (!f->ciphered)
		return SCP80_OK;
	if ((f->len - f->cipher_from) % SCP80_BLOCK != 0)
		return SCP80_ERR_CIPHER;
	if (crypto->ops->cbc_encrypt(crypto->ctx, kic, f->buf + f->cipher_from, f->len - f->cipher_from) != 0)
		return SCP80_ERR_CRYPTO;
	return SCP80_OK;
}

scp80_err scp80_frame_open(const scp80_crypto *crypto, const scp80_frame *f, const void *kic,
                           const void *kid)
{
	uint8_t cc[SCP80_CC_LEN];
	scp80_err err = SCP80_OK;

	if (!frame_sane(crypto, f))
		return SCP80_ERR_ARG;
	if (f->ciphered) {
		if ((f->len - f->cipher_from) % SCP80_BLOCK != 0)
			return SCP80_ERR_CIPHER;
		if (crypto->ops->cbc_decrypt(crypto->ctx, kic, f->buf + f->cipher_from,
		                             f->len - f->cipher_from) != 0)
			return SCP80_ERR_CRYPTO;
	}
	if (f->cc_len != 0) {
		err = compute_cc(crypto, f, kid, cc);
		if (err == SCP80_OK && !pf_ct_equal(cc, f->buf + f->cc_off, SCP80_CC_LEN))
			err = SCP80_ERR_CC;
		pf_wipe(cc, sizeof cc);
	}
	return err;
}

scp80_err scp80_frame_fill_seal(const scp80_crypto *crypto, const scp80_frame *f, const uint8_t *data,
                                size_t data_len, const void *kic, const void *kid)
{
	if (!frame_sane(crypto, f) || f->len - f->cc_off - f->cc_len < data_len)
		return SCP80_ERR_ARG;
	uint8_t *body = f->buf + f->cc_off + f->cc_len;
	memset(f->buf + f->cc_off, 0, f->cc_len);
	if (data_len != 0)
		memcpy(body, data, data_len);
	memset(body + data_len, 0, f->len - f->cc_off - f->cc_len - data_len);
	scp80_err err = scp80_frame_seal(crypto, f, kic, kid);
	if (err != SCP80_OK)
		pf_wipe(f->buf, f->len);
	return err;
}

static bool uses_integrity(scp80_integrity i)
{
	return i != SCP80_INTEGRITY_NONE;
}

scp80_err scp80_algorithms_check(const scp80_spi *spi, uint8_t kic, uint8_t kid, const void *kic_key,
                                 const void *kid_key)
{
	scp80_err err;

	/* Only the CC is implemented: a redundancy check (RC) is no security,
	 * and digital signatures (DS) need keys this layer has no handle for. */
	if ((uses_integrity(spi->integrity) && spi->integrity != SCP80_INTEGRITY_CC) ||
	    (uses_integrity(spi->por_integrity) && spi->por_integrity != SCP80_INTEGRITY_CC))
		return SCP80_ERR_ALG_UNSUPPORTED;
	if (spi->ciphered || spi->por_ciphered) {
		if ((err = scp80_kic_check(kic)) != SCP80_OK)
			return err;
		if (kic_key == NULL)
			return SCP80_ERR_ALG_UNSUPPORTED;
	}
	if (uses_integrity(spi->integrity) || uses_integrity(spi->por_integrity)) {
		if ((err = scp80_kid_check(kid)) != SCP80_OK)
			return err;
		if (kid_key == NULL)
			return SCP80_ERR_ALG_UNSUPPORTED;
	}
	return SCP80_OK;
}
