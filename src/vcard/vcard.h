/*
 * vcard.h - the Portfolio applet of the virtual card (docs/apdu.md), as a
 * pure function of its state: APDU in, APDU out. The daemon (vcard_main.c,
 * vcard_vpcd.c) feeds it from the vpcd socket; the unit tests feed it directly.
 */
#ifndef PORTFOLIO_VCARD_H
#define PORTFOLIO_VCARD_H

#include <stddef.h>
#include <stdint.h>

#include "se/pcsc/scp03.h"

#define VCARD_MAX_ITEMS     32u
#define VCARD_MAX_VALUE     128u
#define VCARD_MAX_PIN       64u
#define VCARD_PIN_TRIES     3u
#define VCARD_MAX_RESP      SCP03_MAX_PLAIN_DATA
#define VCARD_VERSION       0x01u

/* Item kinds and flags: the numbers of docs/apdu.md (equal to se.h's). */
#define VCARD_KIND_AES       1u
#define VCARD_KIND_SECRET    2u
#define VCARD_KIND_ID_VALUE  3u
#define VCARD_KIND_ID_HASH   4u
#define VCARD_FLAG_PERSISTENT 0x01u
#define VCARD_FLAG_EXCLUSIVE  0x02u
#define VCARD_FLAG_READABLE   0x04u

typedef struct vcard_item {
	uint8_t used;
	uint8_t kind;
	uint8_t flags;
	uint8_t len;
	uint8_t value[VCARD_MAX_VALUE];
} vcard_item;

typedef struct vcard_pin {
	uint8_t set;
	uint8_t tries;                /* left; 0 = blocked */
	uint8_t hash[32];             /* SHA-256(salt || PIN) */
} vcard_pin;

typedef struct vcard_applet {
	/* configuration */
	scp03_keys keys;
	uint8_t aid[16];
	size_t aid_len;
	uint16_t instance_id;
	/* persistent state */
	uint32_t seq;                 /* SCP03 sequence counter */
	uint8_t salt[16];
	uint8_t initialized;
	vcard_pin so, user;
	char label[32];
	vcard_item items[VCARD_MAX_ITEMS];
	/* volatile state: reset by power off / reset / SELECT */
	uint8_t selected;
	uint8_t user_logged, so_logged;
	scp03_session sm;
} vcard_applet;

/* A plain response before wrapping. */
typedef struct vcard_resp {
	uint8_t data[VCARD_MAX_RESP];
	size_t len;
	uint16_t sw;
} vcard_resp;

/* Sets up a fresh card (no token, no items). aid: 5..16 bytes. 0 on success. */
int vcard_applet_init(vcard_applet *a, const scp03_keys *keys, const uint8_t *aid, size_t aid_len,
                      uint16_t instance_id);
/* Back to a blank card (no token, no items, no PINs): same keys, AID and
 * SCP03 counter. 0 on success. */
int vcard_applet_erase(vcard_applet *a);
/* Wipes everything. */
void vcard_applet_wipe(vcard_applet *a);
/* Power off / reset: drops selection, login and channel. */
void vcard_applet_reset(vcard_applet *a);
/* One C-APDU -> one R-APDU (out must hold SCP03_MAX_RAPDU bytes). */
void vcard_applet_process(vcard_applet *a, const uint8_t *cmd, size_t cmd_len, uint8_t *out, size_t *out_len);

/* Dispatch of a plain (unwrapped) command inside the channel; the handlers. */
void vcard_cmd_layout(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_challenge(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_verify(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_change_pin(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_init_token(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_init_pin(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_put(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_generate(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_read(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_delete(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_sign(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_encrypt(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);

/* Helpers shared by the handlers. */
/* The command's data field (Lc bytes) of a plain short APDU; NULL with *n = 0 if none. */
const uint8_t *vcard_data(const uint8_t *apdu, size_t len, size_t *n);
/* The item with that id (1-based), or NULL when free / out of range. */
vcard_item *vcard_item_get(vcard_applet *a, uint8_t id);

#endif
