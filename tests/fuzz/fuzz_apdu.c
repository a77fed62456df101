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
 *      in, an AUTH key (item 1), identity 0's hash (item 2), identity 1's
 *      value and hash (items 3, 4) and an ENC key (item 5), each with its
 *      policy (vcard_rig.h);
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
 *     (see vcard_rig_wrapped in vcard_rig.c, which holds both checks);
 *   - the host never reports more plain bytes than its buffer holds, and a
 *     failed R-MAC or padding leaves its session closed.
 *
 * The card, the host end of the channel and the starting states are
 * vcard_rig.c's, shared with the other harnesses that drive the card.
 */
#include "config.h"
#include "fuzz_input.h"
#include "vcard_rig.h"

#include <string.h>

#include "scp03/scp03_internal.h"

typedef vcard_rig rig;

/* Starting states, built once: copying them is much cheaper than a handshake per input. */
static vcard_rig_states st0;
static rig host_waiting;

static void build_states(void)
{
	static const uint8_t layout[] = {0x80, 0xCA, 0x00, 0x00, 0x00};
	uint8_t wrapped[SCP03_MAX_APDU];
	size_t n;

	vcard_rig_build(&st0);
	host_waiting = st0.ready;
	FZ_CHECK(scp03_host_wrap(&host_waiting.host, layout, sizeof(layout), wrapped, sizeof(wrapped), &n) ==
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
			vcard_rig_raw(r, cmd, len, resp, &rn);
			break;
		case 1:
			vcard_rig_wrapped(r, cmd, len, plain, &pn);
			break;
		case 2:
			(void)vcard_rig_open_channel(r);
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
					FZ_CHECK(scp03_icv(&r->host, 1, icv) == SCP03_OK);
					FZ_CHECK(scp03_cbc(1, r->host.s_enc, icv, rapdu, bl, rapdu) == SCP03_OK);
				}
			}
			uint8_t sw_bytes[2] = {(ctl & 4) ? 0x90 : 0x6A, (ctl & 4) ? 0x00 : 0x88};

			/* The R-MAC covers body || SW; the response is body || R-MAC || SW. */
			memcpy(rapdu + bl, sw_bytes, 2);
			FZ_CHECK(scp03_cmac2(r->host.s_rmac, r->host.mac_chain, SCP03_BLOCK_LEN, rapdu, bl + 2, mac) ==
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
				FZ_CHECK(was_open && plain_len <= cap);
			} else {
				FZ_CHECK(plain_len == 0);
				if (st == SCP03_ERR_AUTH || st == SCP03_ERR_CLOSED || st == SCP03_ERR_FORMAT)
					FZ_CHECK(r->host.state == SCP03_CLOSED);
			}
		}
		/* The next response answers a new command. */
		if (r->host.state == SCP03_OPEN)
			FZ_CHECK(scp03_host_wrap(&r->host, layout, sizeof(layout), wrapped, sizeof(wrapped), &rn) ==
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
	case 0: r = st0.fresh; card_run(&r, &in); break;
	case 1: r = st0.blank_open; card_run(&r, &in); break;
	case 2: r = st0.ready; card_run(&r, &in); break;
	default: r = host_waiting; host_run(&r, &in); break;
	}
	fz_release(&in);
	return 0;
}
