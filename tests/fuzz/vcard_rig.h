/*
 * vcard_rig.h - the virtual card applet (src/vcard) with the host end of its
 * SCP03 channel, for harnesses that drive the card: the test keyset of the
 * GlobalPlatform vectors (/work/shared/design.md), the handshake, protected
 * commands and DEK-wrapped PUTs, and starting states built once (copying a
 * rig is much cheaper than a handshake per input, and a copy is a full reset:
 * the applet is a plain value).
 *
 * Every exchange checks two properties for any harness: a card answer is
 * 2..SCP03_MAX_RAPDU bytes, and a command the host wrapped while both ends had
 * the channel open gets an answer the host accepts (except INS 82, see
 * vcard_rig_wrapped).
 */
#ifndef PORTFOLIO_FUZZ_VCARD_RIG_H
#define PORTFOLIO_FUZZ_VCARD_RIG_H

#include <stddef.h>
#include <stdint.h>

#include "scp03/scp03.h"
#include "vcard/vcard.h"

#define VCARD_RIG_SO_PIN "so-pin"
#define VCARD_RIG_USER_PIN "1234"
#define VCARD_RIG_ID1_VALUE "urn:fuzz"

/* The items of the ready card (vcard_rig.c, provision). */
enum {
	VCARD_RIG_AUTH_KEY = 1,  /* AUTH, sign + verify, exclusive AES-128 */
	VCARD_RIG_ID0_HASH = 2,  /* identity 0's hash (no value) */
	VCARD_RIG_ID1_VALUE_ITEM = 3, /* identity 1's value, VCARD_RIG_ID1_VALUE */
	VCARD_RIG_ID1_HASH = 4,  /* identity 1's hash: SHA-256 of its value */
	VCARD_RIG_ENC_KEY = 5,   /* ENC, encrypt + decrypt, exclusive AES-128 */
};

typedef struct vcard_rig {
	vcard_applet card;
	scp03_session host;
} vcard_rig;

/* The starting states, built by vcard_rig_build. */
typedef struct vcard_rig_states {
	vcard_rig fresh;      /* nothing selected, no channel */
	vcard_rig blank_open; /* no token, channel open at the full security level */
	vcard_rig ready;      /* token, SO and user PINs, the user logged in; the
	                         items VCARD_RIG_AUTH_KEY..VCARD_RIG_ENC_KEY */
} vcard_rig_states;

extern const scp03_keys vcard_rig_keys;

void vcard_rig_build(vcard_rig_states *out);
/* One raw C-APDU; returns the SW. */
uint16_t vcard_rig_raw(vcard_rig *r, const uint8_t *cmd, size_t len, uint8_t *resp, size_t *resp_len);
/* SELECT + INITIALIZE UPDATE + EXTERNAL AUTHENTICATE; 0 when both ends are open. */
int vcard_rig_open_channel(vcard_rig *r);
/* One protected exchange: the plain SW, or 0 if the command did not wrap or
 * the host refused the answer. plain: SCP03_MAX_RAPDU bytes. */
uint16_t vcard_rig_wrapped(vcard_rig *r, const uint8_t *apdu, size_t len, uint8_t *plain, size_t *plain_len);
/* A protected proprietary command (CLA 80), data d of dn bytes (0..255), with Le if le. */
uint16_t vcard_rig_command(vcard_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn,
                           int le);
/* The data field of PUT ITEM (flags, len, policy block, the value padded and
 * DEK-wrapped as the applet expects; len < 160) into data
 * (VCARD_RIG_PUT_MAX bytes); its length. */
#define VCARD_RIG_PUT_MAX (2 + VCARD_POLICY_LEN + 160)
size_t vcard_rig_put_data(uint8_t *data, uint8_t flags, const uint8_t pol[VCARD_POLICY_LEN], const uint8_t *value,
                          size_t len);
/* PUT of an item of the given kind and flags with its policy block (docs/apdu.md),
 * its value DEK-wrapped as the applet expects (len < 160). */
uint16_t vcard_rig_put_item(vcard_rig *r, uint8_t kind, uint8_t flags, const uint8_t pol[VCARD_POLICY_LEN],
                            const uint8_t *value, size_t len);
/* VERIFY of the SO (0x82) or user (0x81) PIN. */
uint16_t vcard_rig_verify(vcard_rig *r, uint8_t p2, const char *pin);

#endif
