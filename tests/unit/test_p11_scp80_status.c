/*
 * test_p11_scp80_status.c - the TS 102 225 status codes UNWRAP produces in
 * the token that test_p11_scp80 does not reach (04 blocked, 0A for a command
 * asking less security than the keyset, 06 for 3-key 3DES), and the 4-byte
 * CC this token does not support (docs/sms.md says why): each refused with
 * its status and the counter unchanged. 08 and 0B are never produced by the
 * receiving entity here (docs/sms.md, "Status codes").
 */
#include "config.h"

#include "core_test_util.h"
#include "sms_token_util.h"
#include "sms_test_util.h"

#define APDU "00a40004023f00"
/* SPI 1239 (CC, counter higher, no ciphering), KIc/KID 22, TAR b00011,
 * counter 2, data APDU; the CC computed with the openssl CLI:
 *   openssl mac -cipher AES-128-CBC -macopt hexkey:<ST_KID> -in <msg> CMAC
 * over every byte from CPL but the CC. CC4: CHL 11, the leftmost 4 bytes;
 * CC8: CHL 15, the leftmost 8. */
#define CC4_CMD "00191112392222b00011" "0000000002" "00" "7224d0b1" APDU
#define CC8_CMD "001d1512392222b00011" "0000000002" "00" "c24e35a7e96d19a2" APDU

static st_out out;

static size_t host_cmd(uint16_t spi, uint64_t counter, uint8_t *pkt, size_t room)
{
	sms_rig *r = sms_rig_new();
	size_t n = sms_rig_send(r, spi, ST_TAR, counter, APDU, pkt, room);
	sms_rig_free(r);
	return n;
}

static void assert_refused(CK_RV rv, CK_ULONG status)
{
	if (out.rv != rv || out.prm.ulStatus != status)
		fail_msg("rv %#lx status %#lx, wanted %#lx %#lx", (unsigned long)out.rv,
		         (unsigned long)out.prm.ulStatus, (unsigned long)rv, (unsigned long)status);
}

static void assert_accepts(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, uint16_t spi, uint64_t counter)
{
	uint8_t pkt[128];
	size_t n = host_cmd(spi, counter, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, kid, pkt, n, NULL, &out), CKR_OK);
	st_assert_hex(out.data, out.len, APDU);
	assert_int_equal(out.prm.ulStatus, SCP80_STS_OK);
}

/* 04: a receive counter at its last value accepts nothing more. */
static void test_counter_blocked(void **state)
{
	(void)state;
	uint8_t pkt[128];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	assert_accepts(s, kid, 0x1639, SCP80_COUNTER_MAX);
	size_t n = host_cmd(0x1639, SCP80_COUNTER_MAX, pkt, sizeof pkt);
	st_unwrap(s, kid, pkt, n, NULL, &out);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_BLOCKED);
	assert_int_equal(out.prm.ulPoRLen, 25); /* secured: ciphered and CC (SPI 2 = 39) */
}

/* 0A: the keyset's SPI (1639: CC, ciphering, counter higher) is the least a
 * command must ask; each weaker one is refused, the counter unchanged. */
static void test_security_level(void **state)
{
	(void)state;
	static const uint16_t weaker[] = {0x1239, 0x1439, 0x0639, 0x0a39, 0x0039};
	uint8_t pkt[128];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	for (size_t i = 0; i < sizeof weaker / sizeof weaker[0]; i++) {
		size_t n = host_cmd(weaker[i], 1, pkt, sizeof pkt);
		st_unwrap(s, kid, pkt, n, NULL, &out);
		assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_SECURITY_LEVEL);
		assert_int_equal(out.por[5], 0x12); /* the keyset is usable: secured as SPI 2 asks */
	}
	assert_accepts(s, kid, 0x1639, 1);
}

/* 3-key 3DES (KIc/KID 29) is allowed by the LwM2M rules but not implemented:
 * a command naming it is refused as unsupported (06, counter unchanged) and
 * a keyset coded for it cannot be made. */
static void test_3des_three_keys_unsupported(void **state)
{
	(void)state;
	uint8_t pkt[128];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	for (int field = 5; field <= 6; field++) {
		size_t n = host_cmd(0x1639, 1, pkt, sizeof pkt);
		pkt[field] = 0x29;
		st_unwrap(s, kid, pkt, n, NULL, &out);
		assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_UNIDENTIFIED);
	}
	assert_accepts(s, kid, 0x1639, 1);
	for (int which = 0; which < 2; which++) {
		CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KIC, which ? 0x22 : 0x29,
		                                        which ? 0x29 : 0x22, 0x1639, 0xb00012);
		CK_OBJECT_HANDLE h;
		assert_int_equal(st_create(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, &index, NULL, 0, &h),
		                 CKR_ATTRIBUTE_VALUE_INVALID);
	}
}

/* A 4-byte CC: no KIc/KID or SPI coding names one for AES (TS 102 225
 * 5.1.3.1 has "AES in CMAC mode" only), and taking the length from CHL would
 * let a forger choose 32 bits: refused as an inconsistent header (06), the
 * counter unchanged; the same command with its 8-byte CC is accepted. */
static void test_cc4_refused(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1239, ST_TAR);
	st_unwrap_hex(s, kid, CC4_CMD, NULL, &out);
	assert_refused(CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED);
	assert_int_equal(out.por[5], 0x0a);
	assert_int_equal(st_unwrap_hex(s, kid, CC8_CMD, NULL, &out), CKR_OK);
	st_assert_hex(out.data, out.len, APDU);
	assert_int_equal(out.prm.ulCounterLow, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counter_blocked, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_security_level, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_3des_three_keys_unsupported, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_cc4_refused, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
