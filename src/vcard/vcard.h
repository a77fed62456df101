/*
 * vcard.h - the Portfolio applet of the virtual card (docs/apdu.md), as a
 * pure function of its state: APDU in, APDU out. The daemon (vcard_main.c,
 * vcard_vpcd.c) feeds it from the vpcd socket; the unit tests feed it directly.
 */
#ifndef PORTFOLIO_VCARD_H
#define PORTFOLIO_VCARD_H

#include <stddef.h>
#include <stdint.h>

#include "scp03/scp03.h"

#define VCARD_MAX_ITEMS     32u
#define VCARD_MAX_VALUE     128u
#define VCARD_MAX_PIN       64u
#define VCARD_PIN_TRIES     3u
#define VCARD_MAX_RESP      SCP03_MAX_PLAIN_DATA
/* 02: items carry a policy (service, usage, key index, identity) that the
 * applet enforces; PUT / GENERATE carry it, RESTRICT ITEM shrinks it. */
#define VCARD_VERSION       0x02u

/* Item kinds and flags: the numbers of docs/apdu.md (equal to se.h's). */
#define VCARD_KIND_AES       1u
#define VCARD_KIND_SECRET    2u
#define VCARD_KIND_ID_VALUE  3u
#define VCARD_KIND_ID_HASH   4u
#define VCARD_FLAG_PERSISTENT 0x01u
#define VCARD_FLAG_EXCLUSIVE  0x02u
#define VCARD_FLAG_READABLE   0x04u

/* Item policy (docs/apdu.md, "Item policy"): the numbers of se.h's se_item_policy. */
#define VCARD_SERVICE_AUTH    0x00u /* CK_PORTFOLIO_SRV_AUTHENT */
#define VCARD_SERVICE_ENC     0x01u /* CK_PORTFOLIO_SRV_ENCRYPT */
#define VCARD_SERVICE_NONE    0xFFu /* no keyset: the card has no mechanism for it */
#define VCARD_USE_SIGN        0x01u
#define VCARD_USE_VERIFY      0x02u
#define VCARD_USE_ENCRYPT     0x04u
#define VCARD_USE_DECRYPT     0x08u
#define VCARD_USE_ALL         0x0Fu
/* A diversification master (SE_USE_MASTER): an AES key whose usage is this
 * bit alone, for the service of the device keys it gives. It runs PORTFOLIO
 * DIV VERIFY and nothing else, and is never read (vcard_div.c). */
#define VCARD_USE_MASTER      0x20u
/* PORTFOLIO DIV VERIFY: the device id the largest request still fits in one
 * short APDU's 239 plain bytes (docs/apdu.md): 239 - (1 + 4 + 4 + 1 + 32 + 1
 * + 64 + signature) = 116 for AES-CMAC (16), 100 for HMAC-SHA256 (32); both
 * below CK_PORTFOLIO_MAX_DEVICE_ID (128). */
#define VCARD_DIV_MAX_DEVICE_ID      116u
#define VCARD_DIV_MAX_DEVICE_ID_HMAC 100u
#define VCARD_IDENTITY_ENCRYPT_CURRENT 0x01u
#define VCARD_POLICY_LEN      11u   /* service(1) usage(1) key-index(4) identity-id(4) identity-flags(1) */

/* Status words of the policy refusals (proprietary, SW1 69 "command not allowed"). */
#define VCARD_SW_SERVICE       0x69F1 /* the key's service does not serve this command */
#define VCARD_SW_USAGE         0x69F2 /* the key's usage does not allow this operation */
#define VCARD_SW_SOURCE        0x69F3 /* a signing / encrypting key takes only a named Identity item */
#define VCARD_SW_IDENTITY      0x69F4 /* the named item is not that identity's hash / value */
#define VCARD_SW_NOT_CURRENT   0x69F5 /* SHA-256(value) is not the provisioned hash (not encrypt-current) */
#define VCARD_SW_USAGE_GROWS   0x69F6 /* RESTRICT ITEM may only take usage away */

typedef struct vcard_policy {
	uint8_t service;              /* VCARD_SERVICE_* (keys); NONE on identity items */
	uint8_t usage;                /* VCARD_USE_* (keys); 0 on identity items */
	uint32_t key_index;           /* Kn within the keyset (keys) */
	uint32_t identity_id;         /* /16/x/0/<id> (identity items); 0 on keys */
	uint8_t identity_flags;       /* VCARD_IDENTITY_* (identity hash items: the SO's) */
} vcard_policy;

typedef struct vcard_item {
	uint8_t used;
	uint8_t kind;
	uint8_t flags;
	uint8_t len;
	vcard_policy pol;
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
	uint8_t card_id[8];           /* random at manufacture (init), kept by erase: the serial number */
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
/* PORTFOLIO DIV VERIFY (vcard_div.c): a device's AUTH signature checked with a master. */
void vcard_cmd_div_verify(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
void vcard_cmd_restrict(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);
/* GET LAYOUT P1 = 02: the policy of item P2. */
void vcard_cmd_policy(vcard_applet *a, const uint8_t *apdu, size_t len, vcard_resp *r);

/* Helpers shared by the handlers. */
/* The command's data field (Lc bytes) of a plain short APDU; NULL with *n = 0 if none. */
const uint8_t *vcard_data(const uint8_t *apdu, size_t len, size_t *n);
/* The item with that id (1-based), or NULL when free / out of range. */
vcard_item *vcard_item_get(vcard_applet *a, uint8_t id);
/* Item id for a command that needs a login: NULL with r->sw 6982 (nobody
 * logged in) or 6A88 (no such item). */
vcard_item *vcard_logged_item(vcard_applet *a, uint8_t id, vcard_resp *r);

/* MAC_K(hash(32) || challenge) into out (32 bytes), *out_len its length:
 * AES-CMAC for AES keys, HMAC-SHA256 for secrets. 1 on success. */
int vcard_portfolio_mac(const vcard_item *key, const uint8_t *hash, const uint8_t *chal, size_t chal_len,
                        uint8_t *out, size_t *out_len);

/* Policy (vcard_policy.c). */
/* Reads the 11-byte block into *pol and checks it fits an item of that kind:
 * 0x9000, or 6A80 malformed / inconsistent with the kind. */
uint16_t vcard_policy_parse(uint8_t kind, const uint8_t *in, vcard_policy *pol);
void vcard_policy_encode(const vcard_policy *pol, uint8_t out[VCARD_POLICY_LEN]);
/* Is the item a diversification master (usage VCARD_USE_MASTER)? */
int vcard_policy_is_master(const vcard_item *it);
/* May key serve the operation? service VCARD_SERVICE_*, use one VCARD_USE_* bit:
 * 0x9000, VCARD_SW_SERVICE or VCARD_SW_USAGE. */
uint16_t vcard_policy_key(const vcard_item *key, uint8_t service, uint8_t use);
/* The Identity item of that kind that the host named for identity id: *out, or
 * VCARD_SW_IDENTITY (unknown, wrong kind, or another identity's). */
uint16_t vcard_policy_identity(vcard_applet *a, uint8_t item, uint8_t kind, uint32_t id, const vcard_item **out);
/* May value be encrypted as the identity's current value? hash: the identity's
 * provisioned hash item (it carries the SO's encrypt-current flag), or NULL.
 * 0x9000 or VCARD_SW_NOT_CURRENT (6F00 on failure). */
uint16_t vcard_policy_current(const vcard_item *value, const vcard_item *hash);

#endif
