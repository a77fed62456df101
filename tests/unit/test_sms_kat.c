/*
 * test_sms_kat.c - SCP80 (TS 102 225) known answers. The "design" packets
 * are the vectors of /work/shared/design.md; every other packet was computed
 * with Python's `cryptography` (never with this code) by the generator
 * printed in docs/sms.md ("Known-answer generator"), whose output is pasted
 * here. Each case is opened by the receiving entity, rebuilt by the sending
 * entity, answered with the expected PoR, and that PoR opened again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sms_test_util.h"

#define APDU "00a40004023f00"

typedef struct kat {
	const char *name;
	bool aes256;
	const char *spi;            /* 2 bytes */
	uint8_t kic, kid;
	uint64_t counter;           /* in the packet */
	uint64_t stored;            /* the receiver's counter before */
	uint64_t committed;         /* ... and after */
	const char *data;
	const char *cmd;
	uint8_t por_status;
	const char *por_data;
	const char *por;            /* NULL: the SPI asks for no PoR on success */
} kat;

static const kat kats[] = {
	{"design: cipher + CC, no counter, PoR always ciphered + CC", false, "0619", 0x22, 0x22, 0, 0, 0, APDU,
	 "00281506192222b00011e87cceebb2d93083011ce294f93fc4d8de80da1abae8c37ca3e72ec4432e5058", 0, "016132",
	 "027100002412b00011ebc6b497e2cad7aedf36ace0e3a29b38853f0fe9ccde81913be5702b73abce1f"},
	{"higher: counter higher, PoR by SMS-SUBMIT", false, "1639", 0x22, 0x22, 1, 0, 1, APDU,
	 "00281516392222b00011896aeec77e9ad39f273e786ef81d9dd0f1faa259cef8c0c1535b4a6c16f1177e", 0, "9000",
	 "027100002412b00011e81a53dd844b95b3b76ed2d1e989fe5609d8271c70e704cd41239940a29ca70c"},
	{"one_up: exactly one higher, PoR on error only", false, "1e0a", 0x22, 0x22, 6, 5, 6, APDU,
	 "0028151e0a2222b000115cde599640c42a07a2fd11d628ff6012786c237812c0f5dbdd86ddd7868ec45e", 0, "", NULL},
	{"present: counter not checked, CC only, no PoR", false, "0a00", 0x22, 0x22, 0x123456789a, 0x7777, 0x7777,
	 APDU, "001d150a002222b00011123456789a00ff47a54692bce1f800a40004023f00", 0, "", NULL},
	{"cipher only, PoR always unsecured", false, "0401", 0x22, 0x22, 0, 3, 3, APDU,
	 "00180d04012222b00011e8f79fc7c2a4bc14f92d1703cba3df1a", 0, "", "027100000b0ab0001100000000000000"},
	{"clear: no security", false, "0000", 0x22, 0x22, 0, 0, 0, APDU,
	 "00150d00002222b0001100000000000000a40004023f00", 0, "", NULL},
	{"por_ciph: CC command, PoR ciphered without CC", false, "1211", 0x22, 0x22, 2, 1, 2, "",
	 "00161512112222b00011000000000200ad47670f5ae06b02", 0, "abcdef",
	 "02710000140ab00011ed0b9539f181215856598308ec6ea2e9"},
	{"aes256: key index 1, counter FFFFFFFFFE", true, "1609", 0x12, 0x12, 0xfffffffffe, 0xfffffffffd,
	 0xfffffffffe, APDU APDU APDU,
	 "00381516091212b00011da4252e46222d1fe6fb580ffff369c1c6e3619ca711b9d130b28b28536295e16af8df99d69f1c6d191"
	 "cd0aea13dde4d6",
	 0, "6a82", "027100001512b00011fffffffffe0000964dc68b1b981c006a82"},
};

static sms_rig *rig_for(const kat *k)
{
	sms_rig *r = sms_rig_new();
	if (k->aes256)
		sms_rig_keys(r, KIC256, KID256);
	r->keyset.counter = k->stored;
	return r;
}

/* Receiving entity: the packet opens to the data and moves the counter as the SPI says. */
static void test_unwrap(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
		const kat *k = &kats[i];
		sms_rig *r = rig_for(k);
		print_message("%s\n", k->name);
		assert_int_equal(sms_rig_receive_hex(r, k->cmd), SCP80_OK);
		assert_int_equal(r->rcv.status, SCP80_STS_OK);
		assert_hex_equal(r->rcv.data, r->rcv.data_len, k->data);
		assert_int_equal(r->rcv.hdr.counter, k->counter);
		assert_int_equal(r->keyset.counter, k->committed);
		assert_int_equal(scp80_por_wanted(&r->rcv), k->por != NULL);
		sms_rig_free(r);
	}
}

/* Sending entity: the same fields give the same packet, byte for byte. */
static void test_wrap(void **state)
{
	(void)state;
	uint8_t data[64], out[256];
	size_t n;
	for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
		const kat *k = &kats[i];
		sms_rig *r = rig_for(k);
		scp80_command_params p = {.kic = k->kic, .kid = k->kid, .counter = k->counter,
		                          .kic_key = &r->kic, .kid_key = &r->kid};
		unhex(k->spi, p.spi_bytes, 2);
		unhex(SMS_TAR, p.tar, 3);
		size_t dn = unhex(k->data, data, sizeof data);
		assert_int_equal(scp80_command_wrap(&r->crypto, &p, data, dn, out, sizeof out, &n), SCP80_OK);
		assert_hex_equal(out, n, k->cmd);
		sms_rig_free(r);
	}
}

/* The PoR of each accepted packet, and the sending entity reading it back. */
static void test_por(void **state)
{
	(void)state;
	uint8_t data[64], out[256], plain[256];
	size_t n;
	for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
		const kat *k = &kats[i];
		if (k->por == NULL)
			continue;
		sms_rig *r = rig_for(k);
		print_message("%s\n", k->name);
		assert_int_equal(sms_rig_receive_hex(r, k->cmd), SCP80_OK);
		size_t dn = unhex(k->por_data, data, sizeof data);
		assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, data, dn, out, sizeof out, &n), SCP80_OK);
		assert_hex_equal(out, n, k->por);

		scp80_por por;
		uint8_t spi[2];
		unhex(k->spi, spi, 2);
		assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, out, n, plain, sizeof plain, &por),
		                 SCP80_OK);
		assert_int_equal(por.status, k->por_status);
		assert_int_equal(por.counter, k->counter);
		assert_hex_equal(por.data, por.data_len, k->por_data);
		assert_int_equal(por.secured, (spi[1] & 0x1c) != 0);
		sms_rig_free(r);
	}
}

/* A packet the SPI wants no PoR for gets none, and building one is refused. */
static void test_no_por_requested(void **state)
{
	(void)state;
	uint8_t out[256];
	size_t n = 1;
	sms_rig *r = rig_for(&kats[3]);
	assert_int_equal(sms_rig_receive_hex(r, kats[3].cmd), SCP80_OK);
	assert_false(scp80_por_wanted(&r->rcv));
	assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, NULL, 0, out, sizeof out, &n), SCP80_ERR_ARG);
	assert_int_equal(n, 0);
	sms_rig_free(r);
}

/* The sending entity reads a PoR whose UDH carries more than 71 00 (here the
 * concatenation element first, as in the first segment of a concatenated
 * SMS): the CC covers the whole UDH. Generator line "por_concat". */
static void test_por_with_longer_udh(void **state)
{
	(void)state;
	static const char por_concat[] =
		"0700032a02017100002412b00011b700f1146c4aae544328b9f9148f7d65ff1aa0075d26e4d5dc173c4b512fe3dc";
	static const uint8_t spi[2] = {0x06, 0x19};
	uint8_t pkt[64], plain[64];
	scp80_por por;
	sms_rig *r = sms_rig_new();
	size_t n = unhex(por_concat, pkt, sizeof pkt);
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
	                 SCP80_OK);
	assert_int_equal(por.status, SCP80_STS_OK);
	assert_true(por.secured);
	assert_hex_equal(por.data, por.data_len, "016132");
	assert_hex_equal(por.tar, 3, SMS_TAR);
	/* The UDH is covered: another concatenation reference fails the CC. */
	pkt[3] ^= 0x01;
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
	                 SCP80_ERR_CC);
	/* A UDH without the response-packet element, or overrunning itself, is no PoR. */
	unhex(por_concat, pkt, sizeof pkt);
	pkt[6] = 0x70;
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
	                 SCP80_ERR_LENGTH);
	unhex(por_concat, pkt, sizeof pkt);
	pkt[2] = 0x05;
	assert_int_equal(scp80_por_unwrap(&r->crypto, spi, &r->kic, &r->kid, pkt, n, plain, sizeof plain, &por),
	                 SCP80_ERR_LENGTH);
	sms_rig_free(r);
}

/*
 * The layer never touches a key: a provider whose handles are mere numbers
 * (as a token's will be: references to keys it never exports) runs the design
 * packet and its PoR. Dereferencing a handle would crash here.
 */
typedef struct opaque_provider {
	scp80_crypto evp;
	scp80_evp_key keys[2];      /* held "inside the token" */
	unsigned calls;
} opaque_provider;

static const scp80_evp_key *opaque_key(opaque_provider *o, const void *handle)
{
	uintptr_t i = (uintptr_t)handle;
	o->calls++;
	return i == 1 || i == 2 ? &o->keys[i - 1] : NULL;
}

static int opaque_cmac(void *ctx, const void *key, const scp80_span *parts, size_t n, uint8_t *mac, size_t len)
{
	opaque_provider *o = ctx;
	return o->evp.ops->cmac(o->evp.ctx, opaque_key(o, key), parts, n, mac, len);
}

static int opaque_enc(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	opaque_provider *o = ctx;
	return o->evp.ops->cbc_encrypt(o->evp.ctx, opaque_key(o, key), buf, len);
}

static int opaque_dec(void *ctx, const void *key, uint8_t *buf, size_t len)
{
	opaque_provider *o = ctx;
	return o->evp.ops->cbc_decrypt(o->evp.ctx, opaque_key(o, key), buf, len);
}

static int opaque_lookup(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *out)
{
	(void)ctx, (void)tar;
	*out = (scp80_keyset){.kic = (const void *)(uintptr_t)1, .kid = (const void *)(uintptr_t)2};
	return 0;
}

static void test_keys_stay_behind_handles(void **state)
{
	(void)state;
	static const scp80_crypto_ops ops = {opaque_cmac, opaque_enc, opaque_dec};
	opaque_provider o = {.calls = 0};
	uint8_t k[16], pkt[64], plain[64], out[64];
	size_t n, on;
	scp80_received rcv;

	assert_int_equal(scp80_evp_open(&o.evp), 0);
	scp80_evp_key_set(&o.keys[0], k, unhex(KIC128, k, sizeof k));
	scp80_evp_key_set(&o.keys[1], k, unhex(KID128, k, sizeof k));
	scp80_crypto opaque = {&ops, &o};
	n = unhex(kats[0].cmd, pkt, sizeof pkt);
	assert_int_equal(scp80_command_unwrap(&opaque, opaque_lookup, NULL, pkt, n, plain, sizeof plain, &rcv),
	                 SCP80_OK);
	assert_hex_equal(rcv.data, rcv.data_len, APDU);
	assert_int_equal(scp80_por_build(&opaque, &rcv, (const uint8_t *)"\x01\x61\x32", 3, out, sizeof out, &on),
	                 SCP80_OK);
	assert_hex_equal(out, on, kats[0].por);
	assert_int_equal(o.calls, 4); /* decipher, CC; CC, cipher */
	scp80_evp_key_wipe(&o.keys[0]);
	scp80_evp_key_wipe(&o.keys[1]);
	scp80_evp_close(&o.evp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unwrap),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_por),
		cmocka_unit_test(test_no_por_requested),
		cmocka_unit_test(test_por_with_longer_udh),
		cmocka_unit_test(test_keys_stay_behind_handles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
