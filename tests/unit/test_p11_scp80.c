/*
 * test_p11_scp80.c - the SMS binding in the token, through C_* calls only:
 * the SMS keyset (service SMS) that generic mechanisms refuse, the design.md
 * known answers through CKM_PORTFOLIO_SCP80_UNWRAP / _WRAP, the receive
 * counter held by the token, and every bad input of issue 11 item 6 with the
 * counter unchanged. Packets beyond the known answers are made here with the
 * host-side layer (src/sms over EVP) acting as the other end.
 */
#include "config.h"

#include "core_test_util.h"
#include "sms_token_util.h"
#include "sms_test_util.h"

#define APDU "00a40004023f00"
#define DESIGN_CMD "00281506192222b00011e87cceebb2d93083011ce294f93fc4d8de80da1abae8c37ca3e72ec4432e5058"
#define DESIGN_POR "027100002412b00011ebc6b497e2cad7aedf36ace0e3a29b38853f0fe9ccde81913be5702b73abce1f"
#define HIGHER_CMD "00281516392222b00011896aeec77e9ad39f273e786ef81d9dd0f1faa259cef8c0c1535b4a6c16f1177e"
#define HIGHER_POR "027100002412b00011e81a53dd844b95b3b76ed2d1e989fe5609d8271c70e704cd41239940a29ca70c"
#define POR_02 "027100001412b0001114568e430aa6c19e0a5721e0662f52cb"
#define BADPAD_CMD "00281516392222b000110bdb891f421fb65f6f1d4dc459f141c125e230cbdad70ddb6a910db0ec0113c6"

static st_out out;

#define KIC_B "30010203040506070809aa0b0c0d0e0f"
#define KID_B "30110203040506070809aa0b0c0d0e0f"

/* The other end: a command made on the host with those keys. */
static size_t host_cmd_keys(const char *kic_hex, const char *kid_hex, uint16_t spi, uint32_t tar,
                            uint64_t counter, uint8_t *pkt, size_t room)
{
	sms_rig *r = sms_rig_new();
	sms_rig_keys(r, kic_hex, kid_hex);
	size_t n = sms_rig_send(r, spi, tar, counter, APDU, pkt, room);
	sms_rig_free(r);
	return n;
}

/* ... with the design keys. */
static size_t host_cmd(uint16_t spi, uint32_t tar, uint64_t counter, uint8_t *pkt, size_t room)
{
	return host_cmd_keys(ST_KIC, ST_KID, spi, tar, counter, pkt, room);
}

static void assert_accepted(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, uint64_t counter)
{
	uint8_t pkt[128];
	size_t n = host_cmd(0x1e39, ST_TAR, counter, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, kid, pkt, n, NULL, &out), CKR_OK);
	st_assert_hex(out.data, out.len, APDU);
	assert_int_equal(out.prm.ulStatus, 0);
	assert_int_equal(out.prm.ulCounterLow, (CK_ULONG)counter);
}

/* A known-answer command opens to the APDU with its known-answer PoR. */
static void expect_kat(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const char *cmd,
                       const char *por_data, const char *por)
{
	assert_int_equal(st_unwrap_hex(s, kid, cmd, por_data, &out), CKR_OK);
	st_assert_hex(out.data, out.len, APDU);
	assert_int_equal(out.prm.ulStatus, 0);
	st_assert_hex(out.por, out.prm.ulPoRLen, por);
}

static void test_kat_design_unwrap(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	expect_kat(s, st_keyset(s, 0x0619, ST_TAR), DESIGN_CMD, "016132", DESIGN_POR);
}

/* SPI 1639 (counter higher): accepted once with its PoR, then a replay is
 * refused with the secured status-02 PoR of the known answers. */
static void test_kat_higher_then_replay(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	expect_kat(s, kid, HIGHER_CMD, "9000", HIGHER_POR);
	assert_int_equal(st_unwrap_hex(s, kid, HIGHER_CMD, "9000", &out), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(out.prm.ulStatus, SCP80_STS_CNTR_LOW);
	st_assert_hex(out.por, out.prm.ulPoRLen, POR_02);
}

/* C_Decrypt's length query neither consumes the packet nor moves the counter. */
static void test_length_query_keeps_operation(void **state)
{
	(void)state;
	uint8_t pkt[64], data[64];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	size_t n = unhex(HIGHER_CMD, pkt, sizeof pkt);
	CK_PORTFOLIO_SCP80_PARAMS prm = {0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_UNWRAP, &prm, sizeof prm};
	CK_ULONG len = 0;
	assert_int_equal(f->C_DecryptInit(s, &m, kid), CKR_OK);
	assert_int_equal(f->C_Decrypt(s, pkt, n, NULL, &len), CKR_OK);
	assert_int_equal(len, n); /* the data is never longer than the packet */
	len = 3;
	assert_int_equal(f->C_Decrypt(s, pkt, n, data, &len), CKR_BUFFER_TOO_SMALL);
	len = sizeof data;
	assert_int_equal(f->C_Decrypt(s, pkt, n, data, &len), CKR_OK);
	st_assert_hex(data, len, APDU);
	/* no PoR buffer: the length of the PoR is still reported */
	assert_int_equal(prm.ulPoRLen, 25); /* UDH..TAR 9 + 16 ciphered, no data */
	/* a too-small PoR buffer is a bad parameter, refused at Init */
	prm.pPoR = data;
	prm.ulPoRLen = sizeof data;
	assert_int_equal(f->C_DecryptInit(s, &m, kid), CKR_MECHANISM_PARAM_INVALID);
}

/* A fresh keyset numbers its first packet 1: the 'higher' known answer. */
static void test_kat_wrap(void **state)
{
	(void)state;
	uint8_t apdu[7], first[64];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	unhex(APDU, apdu, sizeof apdu);
	assert_int_equal(st_wrap(s, kid, apdu, sizeof apdu, &out), CKR_OK);
	st_assert_hex(out.data, out.len, HIGHER_CMD);
	assert_int_equal(out.prm.ulCounterLow, 1);
	memcpy(first, out.data, out.len);
	assert_int_equal(st_wrap(s, kid, apdu, sizeof apdu, &out), CKR_OK);
	assert_int_equal(out.prm.ulCounterLow, 2);
	assert_memory_not_equal(first, out.data, out.len);
}

/* KIc and KID serve the SCP80 mechanisms only. */
static void test_generic_mechanisms_refuse_sms_keys(void **state)
{
	(void)state;
	uint8_t iv[16] = {0};
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kic = st_key(s, ST_KIC, CK_PORTFOLIO_SMS_SLOT_KIC, 0x1639, ST_TAR);
	CK_OBJECT_HANDLE kid = st_key(s, ST_KID, CK_PORTFOLIO_SMS_SLOT_KID, 0x1639, ST_TAR);
	CK_MECHANISM cbc = {CKM_AES_CBC, iv, sizeof iv}, ecb = {CKM_AES_ECB, NULL, 0};
	assert_int_equal(f->C_DecryptInit(s, &cbc, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_EncryptInit(s, &ecb, kid), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_EncryptInit(s, &cbc, kid), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* the SCP80 mechanisms take the KID key, not the KIc, and no plain key */
	CK_PORTFOLIO_SCP80_PARAMS prm = {0};
	CK_MECHANISM un = {CKM_PORTFOLIO_SCP80_UNWRAP, &prm, sizeof prm};
	assert_int_equal(f->C_DecryptInit(s, &un, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	uint8_t v[16] = {1};
	CK_OBJECT_HANDLE plain = ct_aes_key(s, v, 16, (CK_ULONG)-1, 0, CK_FALSE);
	assert_int_equal(f->C_DecryptInit(s, &un, plain), CKR_KEY_FUNCTION_NOT_PERMITTED);
}

/* A keyset whose coding names DES is refused when it is made. */
static void test_des_keyset_refused(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KIC, 0x21, 0x22, 0x1639, ST_TAR);
	CK_OBJECT_HANDLE h;
	assert_int_not_equal(st_create(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, &index, NULL, 0, &h), CKR_OK);
}

/* An SMS key never leaves the component, not even wrapped, and derives
 * nothing (docs/sms.md): the emulator refuses each such permission when the
 * key is made (emu_scp80_policy_fits). */
static void test_sms_keys_never_leave(void **state)
{
	(void)state;
	static const CK_ATTRIBUTE_TYPE leaks[] = {CKA_EXTRACTABLE, CKA_WRAP, CKA_UNWRAP, CKA_DERIVE};
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_BBOOL tr = CK_TRUE;
	CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KIC, 0x22, 0x22, 0x1639, ST_TAR);
	for (size_t i = 0; i < sizeof leaks / sizeof leaks[0]; i++) {
		CK_ATTRIBUTE leak = {leaks[i], &tr, sizeof tr};
		CK_OBJECT_HANDLE h;
		assert_int_equal(st_create(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, &index, &leak, 1, &h),
		                 CKR_ATTRIBUTE_VALUE_INVALID);
	}
	/* the same key without them is made: the refusal is theirs */
	st_key(s, ST_KIC, CK_PORTFOLIO_SMS_SLOT_KIC, 0x1639, ST_TAR);
}

/* ---- bad input (issue 11 item 6): each refused, the counter unchanged ------- */

/* Each case turns the valid next packet (counter c + 1, in pkt) into a bad one
 * and returns its length; c is the token's counter. */
typedef struct bad_case {
	const char *name;
	size_t (*make)(uint8_t *pkt, size_t len, uint64_t c);
	CK_RV rv;
	CK_ULONG status;
	int por_bare;            /* 1: the PoR goes out unsecured (RHL 0A); 2: none (nothing read) */
} bad_case;

#define ROOM 128
static size_t truncated(uint8_t *p, size_t n, uint64_t c) { (void)p; (void)c; return n - 1; }
static size_t cpl_more(uint8_t *p, size_t n, uint64_t c) { (void)c; p[1]++; return n; }
static size_t cpl_less(uint8_t *p, size_t n, uint64_t c) { (void)c; p[1]--; return n; }
static size_t chl_wrong(uint8_t *p, size_t n, uint64_t c) { (void)c; p[2]++; return n; }
static size_t kic_des(uint8_t *p, size_t n, uint64_t c) { (void)c; p[5] = 0x21; return n; }
static size_t kid_3des2(uint8_t *p, size_t n, uint64_t c) { (void)c; p[6] = 0x25; return n; }
static size_t kid_unknown(uint8_t *p, size_t n, uint64_t c) { (void)c; p[6] = 0x23; return n; }
static size_t wrong_cc(uint8_t *p, size_t n, uint64_t c) { (void)c; p[n - 1] ^= 0x01; return n; }
static size_t unknown_tar(uint8_t *p, size_t n, uint64_t c)
{
	(void)n;
	return host_cmd(0x1e39, 0xb00012, c + 1, p, ROOM);
}
static size_t replayed(uint8_t *p, size_t n, uint64_t c) { (void)n; return host_cmd(0x1e39, ST_TAR, c, p, ROOM); }
static size_t lower(uint8_t *p, size_t n, uint64_t c) { (void)n; return host_cmd(0x1e39, ST_TAR, c - 1, p, ROOM); }
static size_t too_high(uint8_t *p, size_t n, uint64_t c) { (void)n; return host_cmd(0x1e39, ST_TAR, c + 2, p, ROOM); }
/* python-computed (docs/sms.md): valid CC, PCNTR 19 over 18 bytes of data and padding */
static size_t bad_padding(uint8_t *p, size_t n, uint64_t c) { (void)n; (void)c; return unhex(BADPAD_CMD, p, ROOM); }
static size_t over_limit(uint8_t *p, size_t n, uint64_t c)
{
	/* one byte more than the concatenation limit allows, CPL saying so */
	size_t len = SCP80_MAX_PACKET + 1;
	(void)c;
	memset(p + n, 0, len - n);
	p[0] = (uint8_t)((len - 2) >> 8);
	p[1] = (uint8_t)(len - 2);
	return len;
}

static const bad_case bad_cases[] = {
	{"truncated", truncated, CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED, 1},
	{"CPL more than sent", cpl_more, CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED, 1},
	{"CPL less than sent", cpl_less, CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED, 1},
	{"CHL inconsistent", chl_wrong, CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED, 1},
	{"unknown TAR", unknown_tar, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_TAR_UNKNOWN, 1},
	{"KIc single DES", kic_des, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_SECURITY_LEVEL, 1},
	{"KID 2-key 3DES", kid_3des2, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_SECURITY_LEVEL, 1},
	{"KID unknown algorithm", kid_unknown, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_UNIDENTIFIED, 1},
	{"replayed counter", replayed, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW, 0},
	{"lower counter", lower, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW, 0},
	{"too high counter", too_high, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_HIGH, 0},
	{"wrong CC", wrong_cc, CKR_SIGNATURE_INVALID, SCP80_STS_CC_FAILED, 0},
	{"padding over the data", bad_padding, CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CIPHER_ERROR, 0},
	/* refused before anything is read: no TAR to address a PoR to */
	{"over the concatenation limit", over_limit, CKR_ENCRYPTED_DATA_LEN_RANGE,
	 SCP80_STS_UNIDENTIFIED, 2},
};

static void test_bad_input_keeps_counter(void **state)
{
	(void)state;
	static uint8_t pkt[SCP80_MAX_PACKET + 16];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	/* exactly one higher: any move of the counter, either way, shows below */
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1e39, ST_TAR);
	uint64_t c = 1;
	assert_accepted(s, kid, c);
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const bad_case *bc = &bad_cases[i];
		size_t n = bc->make(pkt, host_cmd(0x1e39, ST_TAR, c + 1, pkt, sizeof pkt), c);
		memset(out.data, 0xAA, sizeof out.data);
		CK_RV rv = st_unwrap(s, kid, pkt, n, "9000", &out);
		/* nothing of the packet's data reaches the caller */
		assert_true(out.data[0] != 0x00 || out.data[1] != 0xa4);
		if (rv != bc->rv || out.prm.ulStatus != bc->status)
			fail_msg("%s: rv %#lx status %#lx", bc->name, (unsigned long)rv,
			         (unsigned long)out.prm.ulStatus);
		/* SPI 2 = 39: a PoR always; bare for 06/09/0A, secured (ciphered) otherwise */
		if ((out.prm.ulPoRLen < 16) != (bc->por_bare == 2))
			fail_msg("%s: PoR of %lu bytes", bc->name, (unsigned long)out.prm.ulPoRLen);
		if (bc->por_bare != 2)
			assert_int_equal(out.por[5], bc->por_bare ? 0x0a : 0x12);
		if (bc->por_bare == 1)
			assert_int_equal(out.por[out.prm.ulPoRLen - 1], bc->status);
		/* the counter is still c: the packet numbered c + 1 goes through */
		assert_accepted(s, kid, ++c);
	}
}

/* The counter is the token's, named by the keyset's key material: deleting
 * and importing the keyset again does not open a replay window. */
static void test_counter_survives_reimport(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	assert_int_equal(st_unwrap_hex(s, kid, HIGHER_CMD, NULL, &out), CKR_OK);
	CK_OBJECT_HANDLE h[4];
	CK_ULONG n = 0, service = CK_PORTFOLIO_SRV_SMS;
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_SERVICE, &service, sizeof service};
	assert_int_equal(f->C_FindObjectsInit(s, &q, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, h, 4, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 2);
	for (CK_ULONG i = 0; i < n; i++)
		assert_int_equal(f->C_DestroyObject(s, h[i]), CKR_OK);
	kid = st_keyset(s, 0x1639, ST_TAR);
	assert_int_equal(st_unwrap_hex(s, kid, HIGHER_CMD, NULL, &out), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(out.prm.ulStatus, SCP80_STS_CNTR_LOW);
}

/* A server token: a keyset (and so a counter) per device. */
static void test_server_counter_per_device(void **state)
{
	(void)state;
	uint8_t pkt[ROOM];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE dev_a = st_keyset(s, 0x1e39, ST_TAR);
	CK_OBJECT_HANDLE dev_b = st_keyset_of(s, KIC_B, KID_B, 0x1e39, 0xb00012);
	size_t n = host_cmd(0x1e39, ST_TAR, 1, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, dev_a, pkt, n, NULL, &out), CKR_OK);
	/* A's packet is not B's: B's keyset knows only its TAR */
	assert_int_equal(st_unwrap(s, dev_b, pkt, n, NULL, &out), CKR_ENCRYPTED_DATA_INVALID);
	assert_int_equal(out.prm.ulStatus, SCP80_STS_TAR_UNKNOWN);
	/* B's counter is its own: its first packet is 1 too, and A's keys fail its CC */
	n = host_cmd(0x1e39, 0xb00012, 1, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, dev_b, pkt, n, NULL, &out), CKR_SIGNATURE_INVALID);
	n = host_cmd_keys(KIC_B, KID_B, 0x1e39, 0xb00012, 1, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, dev_b, pkt, n, NULL, &out), CKR_OK);
	n = host_cmd(0x1e39, ST_TAR, 2, pkt, sizeof pkt);
	assert_int_equal(st_unwrap(s, dev_a, pkt, n, NULL, &out), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kat_design_unwrap, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_kat_higher_then_replay, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_kat_wrap, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_length_query_keeps_operation, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_generic_mechanisms_refuse_sms_keys, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_des_keyset_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sms_keys_never_leave, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input_keeps_counter, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_counter_survives_reimport, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_server_counter_per_device, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
