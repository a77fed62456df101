/*
 * fuzz_sms.c - the SCP80 packet layer (src/sms): what any sender of an SMS
 * controls. The first byte picks what the rest is:
 *   0: a command packet, opened by the receiving entity (keyset for TAR
 *      b00011, stored counter and security requirements from the input);
 *      then the PoR the outcome asks for, which must open again;
 *   1: a PoR, opened by the sending entity under an SPI from the input;
 *   2: the fields of a command (SPI, KIc, KID, counter, data): wrapped by the
 *      sending entity, it must open to the same data and counter; with one
 *      bit flipped anywhere, a packet with a CC must be refused.
 * Besides "no crash, no overread", it checks what must hold for every input:
 * a refused packet leaves the counter to commit at its stored value and hands
 * out no data; an accepted one commits what scp80_counter_check says.
 */
#include "config.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/scp80.h"
#include "sms/scp80_crypto_evp.h"

static const uint8_t TAR[SCP80_TAR_LEN] = {0xb0, 0x00, 0x11};
static const uint8_t KIC[16] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t KID[16] = {0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static scp80_crypto crypto;
static scp80_evp_key kic, kid;
static scp80_keyset keyset;

static int lookup(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *out)
{
	(void)ctx;
	if (memcmp(tar, TAR, SCP80_TAR_LEN) != 0)
		return -1;
	*out = keyset;
	return 0;
}

static void set_keyset(fz_in *in)
{
	uint8_t flags = fz_u8(in);
	keyset = (scp80_keyset){&kic, &kid, fz_u64(in) & SCP80_COUNTER_MAX, flags & 0x08 ? fz_u16(in) : 0,
	                        flags & 1, (flags & 2) != 0, (flags & 4) != 0};
}

/* Opening a command; every outcome keeps the counter rule and yields a PoR that opens. */
static void open_command(const uint8_t *pkt, size_t len, uint8_t *plain, size_t room)
{
	scp80_received rcv;
	scp80_err err = scp80_command_unwrap(&crypto, lookup, NULL, pkt, len, plain, room, &rcv);
	FZ_CHECK(err == rcv.err && scp80_err_status(err) == rcv.status);
	if (err != SCP80_OK) {
		FZ_CHECK(rcv.data == NULL && rcv.data_len == 0);
		FZ_CHECK(rcv.commit_counter == rcv.keys.counter);
	} else {
		uint64_t commit;
		FZ_CHECK(scp80_counter_check(rcv.hdr.spi.counter, rcv.hdr.counter, keyset.counter, keyset.max_step,
		                          &commit) == SCP80_OK && commit == rcv.commit_counter);
		FZ_CHECK(rcv.data >= plain && rcv.data + rcv.data_len <= plain + len);
	}
	if (!scp80_por_wanted(&rcv))
		return;
	uint8_t *out = malloc(len + 64), *back = malloc(len + 64);
	size_t n;
	FZ_CHECK(out != NULL && back != NULL);
	err = scp80_por_build(&crypto, &rcv, NULL, 0, out, len + 64, &n);
	FZ_CHECK(err == SCP80_OK || err == SCP80_ERR_TOO_LONG);
	if (err == SCP80_OK) {
		scp80_por por;
		err = scp80_por_unwrap(&crypto, rcv.hdr.spi_bytes, &kic, &kid, out, n, back, len + 64, &por);
		FZ_CHECK(err == SCP80_OK && por.status == rcv.status && por.data_len == 0);
	}
	free(out);
	free(back);
}

static void round_trip(fz_in *in)
{
	scp80_command_params p = {.kic = fz_u8(in), .kid = fz_u8(in), .kic_key = &kic, .kid_key = &kid};
	p.spi_bytes[0] = fz_u8(in);
	p.spi_bytes[1] = fz_u8(in);
	p.counter = fz_u64(in) & SCP80_COUNTER_MAX;
	memcpy(p.tar, TAR, SCP80_TAR_LEN);
	size_t flip = fz_u16(in);
	size_t dn = in->n;
	uint8_t *data = fz_bytes(in, dn);
	size_t room = dn + 64, n;
	uint8_t *pkt = fz_alloc(in, room), *plain = fz_alloc(in, room);
	if (scp80_command_wrap(&crypto, &p, data, dn, pkt, room, &n) != SCP80_OK)
		return;
	scp80_received rcv;
	if (scp80_command_unwrap(&crypto, lookup, NULL, pkt, n, plain, room, &rcv) == SCP80_OK) {
		FZ_CHECK(rcv.data_len == dn && memcmp(rcv.data, data, dn) == 0);
		FZ_CHECK(rcv.hdr.counter == p.counter);
	}
	/* One flipped bit anywhere: a packet with a CC is then refused. */
	scp80_spi spi;
	scp80_spi_decode(p.spi_bytes, &spi);
	pkt[flip % n] ^= (uint8_t)(1u << (flip >> 13));
	scp80_err err = scp80_command_unwrap(&crypto, lookup, NULL, pkt, n, plain, room, &rcv);
	if (spi.integrity == SCP80_INTEGRITY_CC)
		FZ_CHECK(err != SCP80_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (crypto.ops == NULL && (scp80_evp_open(&crypto) != 0 || scp80_evp_key_set(&kic, KIC, 16) != 0 ||
	                           scp80_evp_key_set(&kid, KID, 16) != 0))
		abort();
	fz_in in = {data, size, NULL, 0, 0};
	uint8_t mode = fz_u8(&in);
	set_keyset(&in);
	if (mode % 3 == 2) {
		round_trip(&in);
	} else {
		size_t len = in.n, room = len + 1;
		const uint8_t *pkt = fz_bytes(&in, len);
		uint8_t *plain = fz_alloc(&in, room);
		if (mode % 3 == 0) {
			open_command(pkt, len, plain, room);
		} else {
			scp80_por por;
			uint8_t spi[2] = {(uint8_t)keyset.counter, (uint8_t)(keyset.counter >> 8)};
			if (scp80_por_unwrap(&crypto, spi, &kic, &kid, pkt, len, plain, room, &por) == SCP80_OK)
				FZ_CHECK(por.data + por.data_len <= plain + len);
		}
	}
	fz_release(&in);
	return 0;
}
