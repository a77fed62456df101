/*
 * sms_test_util.h - what the SCP80 unit tests share: the design.md keys, a
 * one-TAR keyset table for the receiving entity, and helpers that open a
 * packet and keep the counter the way a token would (commit on success only).
 */
#ifndef PORTFOLIO_SMS_TEST_UTIL_H
#define PORTFOLIO_SMS_TEST_UTIL_H

#include <string.h>

#include "sms/scp80.h"
#include "sms/scp80_crypto_evp.h"
#include "test_crypto_util.h"

#define KIC128 "200102030405060708090a0b0c0d0e0f"
#define KID128 "201102030405060708090a0b0c0d0e0f"
#define KIC256 "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
#define KID256 "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
#define SMS_TAR "b00011"

/* The receiving entity's one keyset (TAR b00011), as a token would hold it. */
typedef struct sms_rig {
	scp80_crypto crypto;
	scp80_evp_key kic, kid;
	scp80_keyset keyset;        /* keyset.counter is "the stored counter" */
	uint8_t plain[SCP80_MAX_PACKET + 8];
	scp80_received rcv;
} sms_rig;

static inline void sms_rig_keys(sms_rig *r, const char *kic_hex, const char *kid_hex)
{
	uint8_t b[32];
	size_t n = unhex(kic_hex, b, sizeof b);
	if (scp80_evp_key_set(&r->kic, b, n) != 0)
		abort();
	n = unhex(kid_hex, b, sizeof b);
	if (scp80_evp_key_set(&r->kid, b, n) != 0)
		abort();
	r->keyset.kic = &r->kic;
	r->keyset.kid = &r->kid;
}

static inline sms_rig *sms_rig_new(void)
{
	sms_rig *r = calloc(1, sizeof *r);
	if (r == NULL || scp80_evp_open(&r->crypto) != 0)
		abort();
	sms_rig_keys(r, KIC128, KID128);
	return r;
}

static inline void sms_rig_free(sms_rig *r)
{
	scp80_evp_close(&r->crypto);
	scp80_evp_key_wipe(&r->kic);
	scp80_evp_key_wipe(&r->kid);
	free(r);
}

static inline int sms_rig_lookup(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *out)
{
	const sms_rig *r = ctx;
	uint8_t mine[SCP80_TAR_LEN];
	unhex(SMS_TAR, mine, sizeof mine);
	if (memcmp(tar, mine, SCP80_TAR_LEN) != 0)
		return -1;
	*out = r->keyset;
	return 0;
}

/* Open pkt; on success store the counter to commit, as the token will. */
static inline scp80_err sms_rig_receive(sms_rig *r, const uint8_t *pkt, size_t len)
{
	scp80_err err = scp80_command_unwrap(&r->crypto, sms_rig_lookup, r, pkt, len, r->plain,
	                                     sizeof r->plain, &r->rcv);
	if (err == SCP80_OK)
		r->keyset.counter = r->rcv.commit_counter;
	return err;
}

/* The sending entity on the host: data_hex protected with the rig's keys
 * (KIc/KID coding 22, AES) into a command packet for tar, numbered counter. */
static inline size_t sms_rig_send(sms_rig *r, uint16_t spi, uint32_t tar, uint64_t counter,
                                  const char *data_hex, uint8_t *pkt, size_t room)
{
	uint8_t data[64];
	size_t dl = unhex(data_hex, data, sizeof data), n = 0;
	scp80_command_params p = {{(uint8_t)(spi >> 8), (uint8_t)spi}, 0x22, 0x22,
	                          {(uint8_t)(tar >> 16), (uint8_t)(tar >> 8), (uint8_t)tar},
	                          counter, &r->kic, &r->kid};
	if (scp80_command_wrap(&r->crypto, &p, data, dl, pkt, room, &n) != SCP80_OK)
		abort();
	return n;
}

static inline scp80_err sms_rig_receive_hex(sms_rig *r, const char *hex)
{
	static uint8_t pkt[SCP80_MAX_PACKET + 64];
	size_t n = unhex(hex, pkt, sizeof pkt);
	return sms_rig_receive(r, pkt, n);
}

#endif
