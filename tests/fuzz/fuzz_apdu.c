/*
 * fuzz_apdu.c - the APDU parsers: the virtual card applet's command processing
 * (vcard_applet_process, before and inside an open SCP03 channel) and the
 * host's unwrapping of SCP03 responses (scp03_host_unwrap).
 *
 * Whoever sits on the reader line (pcscd, vpcd's TCP socket, a malicious
 * card) controls these bytes.
 *
 * Random bytes almost never carry a right C-MAC or R-MAC, so most of them
 * would die at the first MAC check. The harness therefore holds the other end
 * of the channel itself: it can wrap a fuzzed plain command with the host
 * session (the applet's command handlers then see arbitrary plain APDUs), and
 * it can give a fuzzed response body a right R-MAC, optionally encrypted
 * under the response ICV (the host's decryption and unpadding then see
 * arbitrary plaintext and padding).
 *
 * First byte, low two bits, the starting state:
 *   0  a fresh card, nothing selected, no channel;
 *   1  a blank card (no token), channel open at the full security level;
 *   2  a card with a token, SO PIN "so-pin", user PIN "1234", the user logged
 *      in, an AES-128 key (item 1, exclusive) and an identity hash (item 2);
 *   3  a host session opened against the card, one command wrapped: the rest
 *      of the input is R-APDUs for scp03_host_unwrap.
 * Card modes then read records: ctl, len, len bytes. ctl & 3: 0 raw C-APDU,
 * 1 plain APDU wrapped by the host (its response unwrapped by the host),
 * 2 re-open the channel, 3 power reset.
 *
 * Properties checked besides memory safety:
 *   - every response is 2..SCP03_MAX_RAPDU bytes;
 *   - a command the host wrapped while both ends had the channel open gets a
 *     response the host accepts (card and host agree on MAC chain, counter
 *     and padding for every command the applet can be sent), except INS 82
 *     (see send_wrapped);
 *   - the host never reports more plain bytes than its buffer holds, and a
 *     failed R-MAC or padding leaves its session closed.
 *
 * The applet is the vcard daemon's code; tests/fuzz/local.mk builds its
 * sources into tests/fuzz/libfuzz-vcard.la for the harnesses.
 */
#include "config.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/pcsc/scp03_internal.h"
#include "vcard/vcard.h"
#include "util/log.h"

#define CHECK(c)                                                                     \
	do {                                                                         \
		if (!(c)) {                                                          \
			fprintf(stderr, "fuzz_apdu: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* The test keyset of /work/shared/design.md (GlobalPlatform SCP03 vectors) and the applet AID. */
static const scp03_keys KEYS = {
	0x30,
	{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f},
	{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f},
	{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f},
};
static const uint8_t AID[] = {0xA0, 0x00, 0x00, 0x06, 0x16, 0x50, 0x46};

typedef struct rig {
	vcard_applet card;
	scp03_session host;
} rig;

/* Starting states, built once: copying them is much cheaper than a handshake per input. */
static rig fresh, blank_open, ready, host_waiting;

static uint16_t send_raw(rig *r, const uint8_t *cmd, size_t len, uint8_t *resp, size_t *resp_len)
{
	vcard_applet_process(&r->card, cmd, len, resp, resp_len);
	CHECK(*resp_len >= 2 && *resp_len <= SCP03_MAX_RAPDU);
	return (uint16_t)(resp[*resp_len - 2] << 8 | resp[*resp_len - 1]);
}

/* SELECT + INITIALIZE UPDATE + EXTERNAL AUTHENTICATE; 0 when both ends are open. */
static int open_channel(rig *r)
{
	uint8_t cmd[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU];
	size_t n, rn;
	const uint8_t hc[8] = {0xb1, 0x3e, 0x5f, 0x93, 0x8f, 0xc1, 0x08, 0xc4};

	scp03_session_close(&r->host);
	cmd[0] = 0x00; cmd[1] = 0xA4; cmd[2] = 0x04; cmd[3] = 0x00; cmd[4] = sizeof(AID);
	memcpy(cmd + 5, AID, sizeof(AID));
	cmd[5 + sizeof(AID)] = 0x00;
	if (send_raw(r, cmd, 6 + sizeof(AID), resp, &rn) != 0x9000)
		return -1;
	if (scp03_host_initialize_update(&r->host, KEYS.kvn, hc, cmd, sizeof(cmd), &n) != SCP03_OK ||
	    send_raw(r, cmd, n, resp, &rn) != 0x9000 ||
	    scp03_host_check_card(&r->host, &KEYS, resp, rn - 2) != SCP03_OK ||
	    scp03_host_external_authenticate(&r->host, SCP03_SL_FULL, cmd, sizeof(cmd), &n) != SCP03_OK)
		return -1;
	if (scp03_host_authenticated(&r->host, send_raw(r, cmd, n, resp, &rn)) != SCP03_OK)
		return -1;
	return 0;
}

/* One protected exchange. Returns the plain SW, or 0 if the exchange failed
 * (the command did not wrap, or the host refused the response). */
static uint16_t send_wrapped(rig *r, const uint8_t *apdu, size_t len, uint8_t *plain, size_t *plain_len)
{
	uint8_t wrapped[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU];
	size_t n, rn;
	uint16_t sw = 0;
	/* Wrapped INS 82 is "84 82": EXTERNAL AUTHENTICATE to the applet, which
	 * refuses it in an open channel and closes (fail-closed, no R-MAC): the
	 * one plain command whose answer the host is right to refuse. */
	int both_open = r->host.state == SCP03_OPEN && r->card.sm.state == SCP03_OPEN &&
	                !(len >= 2 && apdu[1] == 0x82);
	scp03_status st;

	*plain_len = 0;
	if (scp03_host_wrap(&r->host, apdu, len, wrapped, sizeof(wrapped), &n) != SCP03_OK)
		return 0;
	send_raw(r, wrapped, n, resp, &rn);
	st = scp03_host_unwrap(&r->host, resp, rn, plain, SCP03_MAX_RAPDU, plain_len, &sw);
	if (both_open)
		CHECK(st == SCP03_OK);
	CHECK(*plain_len <= SCP03_MAX_PLAIN_DATA);
	return st == SCP03_OK ? sw : 0;
}

static uint16_t command(rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le)
{
	uint8_t apdu[SCP03_MAX_APDU], plain[SCP03_MAX_RAPDU];
	size_t n = 4, pn;

	apdu[0] = 0x80; apdu[1] = ins; apdu[2] = p1; apdu[3] = p2;
	if (dn > 0) {
		apdu[n++] = (uint8_t)dn;
		memcpy(apdu + n, d, dn);
		n += dn;
	}
	if (le)
		apdu[n++] = 0x00;
	return send_wrapped(r, apdu, n, plain, &pn);
}

/* PUT of an item: value DEK-wrapped as the applet expects. */
static uint16_t put_item(rig *r, uint8_t kind, uint8_t flags, const uint8_t *value, size_t len)
{
	uint8_t data[2 + 160];
	size_t padded;

	data[0] = flags;
	data[1] = (uint8_t)len;
	memcpy(data + 2, value, len);
	padded = scp03_pad(data + 2, len);
	CHECK(scp03_dek_encrypt(KEYS.dek, data + 2, padded, data + 2) == SCP03_OK);
	return command(r, 0xD8, 0, kind, data, 2 + padded, 1);
}

static void build_states(void)
{
	static const uint8_t aes[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
	uint8_t data[64], hash[32];
	static const uint8_t layout[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	uint8_t wrapped[SCP03_MAX_APDU];
	size_t n;

	pf_log_set_level(PF_LOG_NONE);
	CHECK(vcard_applet_init(&fresh.card, &KEYS, AID, sizeof(AID), 7) == 0);
	/* The salt is random: fix it so a replayed input behaves the same every time. */
	memset(fresh.card.salt, 0x5a, sizeof(fresh.card.salt));

	blank_open = fresh;
	CHECK(open_channel(&blank_open) == 0);

	ready = blank_open;
	data[0] = 6;
	memcpy(data + 1, "so-pin", 6);
	memset(data + 7, ' ', 32);
	memcpy(data + 7, "fuzz", 4);
	CHECK(command(&ready, 0x2E, 0, 0, data, 39, 0) == 0x9000);
	CHECK(command(&ready, 0x20, 0, 0x82, (const uint8_t *)"so-pin", 6, 0) == 0x9000);
	CHECK(command(&ready, 0x2C, 0, 0x81, (const uint8_t *)"1234", 4, 0) == 0x9000);
	CHECK(command(&ready, 0x20, 0, 0x81, (const uint8_t *)"1234", 4, 0) == 0x9000);
	CHECK(put_item(&ready, VCARD_KIND_AES, VCARD_FLAG_EXCLUSIVE, aes, sizeof(aes)) == 0x9000);
	CHECK(command(&ready, 0x20, 0, 0x82, (const uint8_t *)"so-pin", 6, 0) == 0x9000);
	memset(hash, 0xa5, sizeof(hash));
	CHECK(put_item(&ready, VCARD_KIND_ID_HASH, 0, hash, sizeof(hash)) == 0x9000);
	CHECK(command(&ready, 0x20, 0, 0x81, (const uint8_t *)"1234", 4, 0) == 0x9000);

	host_waiting = ready;
	CHECK(scp03_host_wrap(&host_waiting.host, layout, sizeof(layout), wrapped, sizeof(wrapped), &n) ==
	      SCP03_OK);
}

/* Card modes: a sequence of raw / wrapped commands, re-opens and resets. */
static void card_run(rig *r, fz_in *in)
{
	uint8_t resp[SCP03_MAX_RAPDU], plain[SCP03_MAX_RAPDU];
	size_t rn, pn;
	int steps = 0;

	while (in->n > 0 && steps++ < 32) {
		uint8_t ctl = fz_u8(in);
		size_t len = fz_u8(in);
		uint8_t *cmd;

		if (ctl & 0x80)
			len += SCP03_MAX_APDU - 255; /* reach the applet's length limit too */
		cmd = fz_bytes(in, len);
		switch (ctl & 3) {
		case 0:
			send_raw(r, cmd, len, resp, &rn);
			break;
		case 1:
			send_wrapped(r, cmd, len, plain, &pn);
			break;
		case 2:
			(void)open_channel(r);
			break;
		default:
			vcard_applet_reset(&r->card);
			break;
		}
	}
}

/* Host mode: R-APDUs for the command wrapped in host_waiting, then for the next ones. */
static void host_run(rig *r, fz_in *in)
{
	static const uint8_t layout[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	int steps = 0;

	while (in->n > 0 && steps++ < 16) {
		uint8_t ctl = fz_u8(in);
		size_t len = fz_u8(in), cap = fz_u8(in), plain_len = 0, rn;
		uint8_t *body = fz_bytes(in, len);
		uint8_t rapdu[SCP03_MAX_RAPDU + 32], *plain, wrapped[SCP03_MAX_APDU];
		uint16_t sw = 0;
		scp03_status st;

		if (ctl & 0x80)
			cap = SCP03_MAX_RAPDU;
		plain = fz_alloc(in, cap);
		if ((ctl & 1) && r->host.state == SCP03_OPEN) {
			/* A forged response with the right R-MAC: body [encrypted] || R-MAC || SW. */
			size_t bl = len > SCP03_MAX_RAPDU - 2 - SCP03_MAC_LEN ? SCP03_MAX_RAPDU - 2 - SCP03_MAC_LEN : len;
			uint8_t mac[SCP03_BLOCK_LEN], icv[SCP03_BLOCK_LEN];

			memcpy(rapdu, body, bl);
			if ((ctl & 2) && bl > 0) {
				/* Encrypt whole blocks only: the padding inside is the fuzzer's. */
				bl -= bl % SCP03_BLOCK_LEN;
				if (bl > 0) {
					CHECK(scp03_icv(&r->host, 1, icv) == SCP03_OK);
					CHECK(scp03_cbc(1, r->host.s_enc, icv, rapdu, bl, rapdu) == SCP03_OK);
				}
			}
			uint8_t sw_bytes[2] = {(ctl & 4) ? 0x90 : 0x6A, (ctl & 4) ? 0x00 : 0x88};

			/* The R-MAC covers body || SW; the response is body || R-MAC || SW. */
			memcpy(rapdu + bl, sw_bytes, 2);
			CHECK(scp03_cmac2(r->host.s_rmac, r->host.mac_chain, SCP03_BLOCK_LEN, rapdu, bl + 2, mac) ==
			      SCP03_OK);
			memcpy(rapdu + bl, mac, SCP03_MAC_LEN);
			memcpy(rapdu + bl + SCP03_MAC_LEN, sw_bytes, 2);
			rn = bl + SCP03_MAC_LEN + 2;
		} else {
			/* Raw bytes, up to past the longest short R-APDU. */
			rn = len;
			memcpy(rapdu, body, len);
		}
		{
			int was_open = r->host.state == SCP03_OPEN;
			/* An exact-size copy, so a read past the response is caught. */
			uint8_t *exact = fz_alloc(in, rn);

			memcpy(exact, rapdu, rn);
			st = scp03_host_unwrap(&r->host, exact, rn, plain, cap, &plain_len, &sw);
			if (st == SCP03_OK) {
				CHECK(was_open && plain_len <= cap);
			} else {
				CHECK(plain_len == 0);
				if (st == SCP03_ERR_AUTH || st == SCP03_ERR_CLOSED || st == SCP03_ERR_FORMAT)
					CHECK(r->host.state == SCP03_CLOSED);
			}
		}
		/* The next response answers a new command. */
		if (r->host.state == SCP03_OPEN)
			CHECK(scp03_host_wrap(&r->host, layout, sizeof(layout), wrapped, sizeof(wrapped), &rn) ==
			      SCP03_OK);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int built;
	static rig r;
	fz_in in = {data, size, NULL, 0, 0};

	if (!built) {
		build_states();
		built = 1;
	}
	switch (fz_u8(&in) & 3) {
	case 0: r = fresh; card_run(&r, &in); break;
	case 1: r = blank_open; card_run(&r, &in); break;
	case 2: r = ready; card_run(&r, &in); break;
	default: r = host_waiting; host_run(&r, &in); break;
	}
	fz_release(&in);
	return 0;
}
