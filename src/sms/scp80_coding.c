/*
 * scp80_coding.c - the bit coding of the SPI, KIc and KID bytes (TS 102 225
 * 5.1.1) and the table from refusal to PoR status code.
 */
#include "config.h"

#include "sms/scp80.h"

void scp80_spi_decode(const uint8_t spi[2], scp80_spi *out)
{
	out->integrity = (scp80_integrity)(spi[0] & 0x03);        /* b2b1 */
	out->ciphered = (spi[0] & 0x04) != 0;                      /* b3 */
	out->counter = (scp80_counter_mode)((spi[0] >> 3) & 0x03); /* b5b4 */
	out->por = (scp80_por_when)(spi[1] & 0x03);                /* b2b1 */
	out->por_integrity = (scp80_integrity)((spi[1] >> 2) & 0x03);
	out->por_ciphered = (spi[1] & 0x10) != 0;                  /* b5 */
	out->por_via_submit = (spi[1] & 0x20) != 0;                /* b6 */
}

void scp80_spi_encode(const scp80_spi *spi, uint8_t out[2])
{
	out[0] = (uint8_t)((spi->integrity & 0x03) | (spi->ciphered ? 0x04 : 0) | (spi->counter & 0x03) << 3);
	out[1] = (uint8_t)((spi->por & 0x03) | (spi->por_integrity & 0x03) << 2 | (spi->por_ciphered ? 0x10 : 0) |
	                   (spi->por_via_submit ? 0x20 : 0));
}

/*
 * KIc/KID b2b1 = algorithm, b4b3 = mode. Algorithm 01 is the DES family,
 * whose mode says which: single DES (CBC, ECB) and 2-key 3DES are refused
 * (the LwM2M SMS security rules forbid single DES; 2-key 3DES is no better
 * than 80 bits); 3-key 3DES is allowed by the rules but not implemented.
 * Algorithm 10 is AES, whose mode 00 is CBC for KIc and CMAC for KID.
 * Algorithms 00 (known implicitly) and 11 (proprietary) are unsupported.
 */
enum { ALG_IMPLICIT = 0, ALG_DES = 1, ALG_AES = 2, ALG_PROPRIETARY = 3 };

static const scp80_err kic_des_modes[4] = {
	SCP80_ERR_DES_REFUSED,      /* 00 DES-CBC */
	SCP80_ERR_DES_REFUSED,      /* 01 3DES, 2 keys */
	SCP80_ERR_ALG_UNSUPPORTED,  /* 10 3DES, 3 keys */
	SCP80_ERR_DES_REFUSED,      /* 11 DES-ECB */
};

static const scp80_err kid_des_modes[4] = {
	SCP80_ERR_DES_REFUSED,      /* 00 DES-CBC MAC */
	SCP80_ERR_DES_REFUSED,      /* 01 3DES, 2 keys */
	SCP80_ERR_ALG_UNSUPPORTED,  /* 10 3DES, 3 keys */
	SCP80_ERR_ALG_UNSUPPORTED,  /* 11 reserved */
};

static scp80_err check_alg(uint8_t b, const scp80_err des_modes[4])
{
	unsigned mode = (b >> 2) & 0x03;

	switch (b & 0x03) {
	case ALG_DES:
		return des_modes[mode];
	case ALG_AES:
		return mode == 0 ? SCP80_OK : SCP80_ERR_ALG_UNSUPPORTED;
	default:
		return SCP80_ERR_ALG_UNSUPPORTED;
	}
}

scp80_err scp80_kic_check(uint8_t kic)
{
	return check_alg(kic, kic_des_modes);
}

scp80_err scp80_kid_check(uint8_t kid)
{
	return check_alg(kid, kid_des_modes);
}

static const struct {
	scp80_status status;
	const char *text;
} err_table[SCP80_ERR_COUNT] = {
	[SCP80_OK] = {SCP80_STS_OK, "accepted"},
	[SCP80_ERR_TRUNCATED] = {SCP80_STS_UNIDENTIFIED, "truncated packet"},
	[SCP80_ERR_LENGTH] = {SCP80_STS_UNIDENTIFIED, "packet or header length inconsistent"},
	[SCP80_ERR_TOO_LONG] = {SCP80_STS_UNIDENTIFIED, "packet over the SMS concatenation limit"},
	[SCP80_ERR_TAR_UNKNOWN] = {SCP80_STS_TAR_UNKNOWN, "unknown TAR"},
	[SCP80_ERR_DES_REFUSED] = {SCP80_STS_SECURITY_LEVEL, "single DES or 2-key 3DES refused"},
	[SCP80_ERR_ALG_UNSUPPORTED] = {SCP80_STS_UNIDENTIFIED, "algorithm or mode not supported"},
	[SCP80_ERR_SECURITY_LEVEL] = {SCP80_STS_SECURITY_LEVEL, "insufficient security level"},
	[SCP80_ERR_CIPHER] = {SCP80_STS_CIPHER_ERROR, "ciphered part not whole blocks"},
	[SCP80_ERR_CC] = {SCP80_STS_CC_FAILED, "cryptographic checksum failed"},
	[SCP80_ERR_COUNTER_LOW] = {SCP80_STS_CNTR_LOW, "counter replayed or lower"},
	[SCP80_ERR_COUNTER_HIGH] = {SCP80_STS_CNTR_HIGH, "counter too high"},
	[SCP80_ERR_COUNTER_BLOCKED] = {SCP80_STS_CNTR_BLOCKED, "counter blocked"},
	[SCP80_ERR_PADDING] = {SCP80_STS_CIPHER_ERROR, "padding count larger than the data"},
	[SCP80_ERR_CRYPTO] = {SCP80_STS_UNIDENTIFIED, "crypto provider failure"},
	[SCP80_ERR_BUFFER] = {SCP80_STS_NO_MEMORY, "output buffer too small"},
	[SCP80_ERR_ARG] = {SCP80_STS_UNIDENTIFIED, "invalid argument"},
};

scp80_status scp80_err_status(scp80_err err)
{
	return (unsigned)err < SCP80_ERR_COUNT ? err_table[err].status : SCP80_STS_UNIDENTIFIED;
}

const char *scp80_err_text(scp80_err err)
{
	return (unsigned)err < SCP80_ERR_COUNT ? err_table[err].text : "unknown error";
}
