/*
 * sms.h - libportfolio-lwm2m: SMS binding security for an LwM2M stack's SMS
 * transport (ETSI TS 102 225 / 3GPP TS 31.115 secured packets, "SCP80",
 * security terminated in the device's token). Stack-neutral: bytes in, bytes
 * out; the transport sends and receives the SMS-PP user data (TP-UD, with its
 * UDH; TP-UDHI set, 8-bit data, TP-PID 0x7D, class 1: docs/lwm2m.md).
 *
 * Each Object 16 instance of a pf_obj16 (a token) holds its SMS keyset:
 * provision it once from the Security object's resources, then protect every
 * outgoing CoAP message and unprotect every incoming one, and check the PoR
 * of a sent one. The keys and the counters stay in the token
 * (CKM_PORTFOLIO_SCP80_WRAP / _UNWRAP / _POR_UNWRAP).
 */
#ifndef PORTFOLIO_LWM2M_SMS_H
#define PORTFOLIO_LWM2M_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "portfolio-lwm2m/obj16.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PF_SMS_USER_DATA 140   /* TP-UD of one SMS, 8-bit data */
#define PF_SMS_MAX_SEGMENTS 255
#define PF_SMS_KEY_PARAMS_LEN 7 /* "SMS Binding Key Parameters": KIc|KID|SPI(2)|TAR(3) */

/* One SMS-PP user data (UDH included). */
typedef struct pf_sms_segment {
	uint8_t ud[PF_SMS_USER_DATA];
	size_t len;
} pf_sms_segment;

/* The Security object's "SMS Binding Key Parameters" (7 bytes; the 6 the
 * object's definition declares are refused: docs/lwm2m.md) and "SMS Binding
 * Secret Keys" (KIc key || KID key, AES, equal lengths) into instance iid's
 * token. PF_OBJ16_BAD_REQUEST for a malformed value or a keyset the token
 * refuses (e.g. naming DES). */
pf_obj16_result pf_obj16_sms_provision(pf_obj16 *obj, uint16_t iid, const uint8_t *key_params,
                                       size_t params_len, const uint8_t *secret_keys, size_t keys_len);

/* Protects msg (a CoAP message) into one command packet, numbered and
 * secured by the token, cut into *count segments (concatenated SMS with
 * reference ref when it needs more than one). PF_OBJ16_BUFFER_TOO_SMALL when
 * cap segments do not hold it (*count says how many would). */
pf_obj16_result pf_obj16_sms_protect(pf_obj16 *obj, uint16_t iid, const uint8_t *msg, size_t len,
                                     uint8_t ref, pf_sms_segment *segs, size_t cap, size_t *count);

/* What pf_obj16_sms_unprotect learned besides the message. */
typedef struct pf_sms_received {
	int accepted;          /* 1: the message is authentic and fresh; 0: discarded */
	uint8_t status;        /* TS 102 225 PoR status (0x00 accepted) */
	pf_sms_segment por;    /* the PoR to send back (len 0: none) */
} pf_sms_received;

/* Reassembles the segments of one command packet (any order; one segment
 * without concatenation), has the token check and open it, and puts the CoAP
 * message in msg (*len). A packet that is not correctly protected is
 * discarded: PF_OBJ16_BAD_REQUEST, rcv->accepted = 0, nothing in msg, the
 * token's counter unchanged, and rcv->por the PoR to send: only an unsecured
 * one (status 06, 09, 0A), as LwM2M forbids answering a discarded message
 * with an error secured with the right keys (len 0 otherwise).
 * Malformed segments (UDH, missing or duplicate parts): PF_OBJ16_BAD_REQUEST
 * with no PoR. */
pf_obj16_result pf_obj16_sms_unprotect(pf_obj16 *obj, uint16_t iid, const pf_sms_segment *segs,
                                       size_t count, uint8_t *msg, size_t cap, size_t *len,
                                       pf_sms_received *rcv);

/* What the sender of a command learned from its PoR. */
typedef struct pf_sms_por {
	uint8_t status;        /* the receiver's TS 102 225 status (0x00: the command was accepted);
	                          when refused: the status of the PoR's own fault */
	uint64_t counter;      /* the counter of the command the PoR answers */
	uint8_t data[PF_SMS_USER_DATA]; /* the PoR's data (e.g. the response APDU) */
	size_t len;
} pf_sms_por;

/* The sender (a server, or a device answering a server) checks a PoR it
 * received (one SMS user data from its UDH 027100): the token opens it with
 * the instance's keyset as its SPI asks (CC, deciphering) and accepts it only
 * for the keyset's TAR and a counter the token sent, at most once
 * (CKM_PORTFOLIO_SCP80_POR_UNWRAP). PF_OBJ16_OK: por->status is the
 * receiver's verdict (0x0B: the response follows by SMS-SUBMIT, its PoR
 * then accepted once too); PF_OBJ16_BAD_REQUEST: the PoR is refused (wrong
 * CC, malformed, another TAR, a counter never sent, a PoR accepted already:
 * por->status 02), nothing in por->data.
 * An unsecured PoR (status 06, 09, 0A, as TS 102 225 sends them) is opened
 * too, though nothing authenticates it: treat it as "not processed" only. */
pf_obj16_result pf_obj16_sms_check_por(pf_obj16 *obj, uint16_t iid, const pf_sms_segment *por_ud,
                                       pf_sms_por *por);

#ifdef __cplusplus
}
#endif
#endif /* PORTFOLIO_LWM2M_SMS_H */
