/*
 * scp80_local.h - what the command and response code share: big-endian
 * fields and the sealing/opening of a packet whose CC sits between its
 * header and its data.
 */
#ifndef PORTFOLIO_SCP80_LOCAL_H
#define PORTFOLIO_SCP80_LOCAL_H

#include "sms/scp80.h"

/* Command packet offsets, from CPL. */
enum scp80_cmd_off {
	CMD_CPL = 0, CMD_CHL = 2, CMD_SPI = 3, CMD_KIC = 5, CMD_KID = 6, CMD_TAR = 7,
	CMD_CNTR = 10, CMD_PCNTR = 15, CMD_CC = 16,
};

/* Response packet offsets, from the UDH this layer writes (027100). */
enum scp80_rsp_off {
	RSP_RPL = 3, RSP_RHL = 5, RSP_TAR = 6, RSP_CNTR = 9, RSP_PCNTR = 14, RSP_STS = 15, RSP_CC = 16,
};

static inline uint64_t scp80_get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void scp80_put_be(uint8_t *p, size_t n, uint64_t v)
{
	for (size_t i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * One packet laid out in buf[0..len): the CC occupies [cc_off, cc_off +
 * cc_len) and covers every other byte of the packet (header before it,
 * data and padding after it); when ciphered, [cipher_from, len) is AES-CBC
 * with a zero IV.
 */
typedef struct scp80_frame {
	uint8_t *buf;
	size_t len;
	size_t cipher_from;
	size_t cc_off;
	size_t cc_len;
	bool ciphered;
} scp80_frame;

/* Write the CC, then cipher. The keys needed must be non-NULL. */
scp80_err scp80_frame_seal(const scp80_crypto *crypto, const scp80_frame *f, const void *kic,
                           const void *kid);
/* Lay data after the zeroed CC field and zero padding up to f->len, then
 * seal; on failure the whole frame is wiped. */
scp80_err scp80_frame_fill_seal(const scp80_crypto *crypto, const scp80_frame *f, const uint8_t *data,
                                size_t data_len, const void *kic, const void *kid);
/* Decipher in place, then verify the CC in constant time. */
scp80_err scp80_frame_open(const scp80_crypto *crypto, const scp80_frame *f, const void *kic,
                           const void *kid);

/* Padding bytes that make [cipher_from, end) whole AES blocks (0 unciphered). */
static inline size_t scp80_pad_len(size_t ciphered_len, bool ciphered)
{
	return ciphered ? (SCP80_BLOCK - ciphered_len % SCP80_BLOCK) % SCP80_BLOCK : 0;
}

static inline size_t scp80_cc_len(scp80_integrity integrity)
{
	return integrity == SCP80_INTEGRITY_CC ? SCP80_CC_LEN : 0;
}

/*
 * Can this (KIc, KID, key handles) serve what the SPI asks, for the packet
 * and for its PoR? DES refused, RC/DS and unknown algorithms unsupported,
 * a needed key missing unsupported.
 */
scp80_err scp80_algorithms_check(const scp80_spi *spi, uint8_t kic, uint8_t kid, const void *kic_key,
                                 const void *kid_key);

#endif
