/*
 * test_p11_scp80_por.c - CKM_PORTFOLIO_SCP80_POR_UNWRAP through C_* calls:
 * the sender (a server token holding a device's SMS keyset) opens the PoR
 * the receiver returned. The design.md PoR known answer, a round trip (the
 * token WRAPs, the device opens the packet and builds its PoR with src/sms
 * over EVP on the host, the token opens that PoR), and the refusals: wrong
 * CC, truncated, unknown TAR, a counter never sent, a PoR stripped of the
 * security its SPI asks, and a parameter that names PoR fields.
 */
#include "config.h"

#include "core_test_util.h"
#include "sms_token_util.h"
#include "sms_test_util.h"

#define APDU "00a40004023f00"
#define DESIGN_POR "027100002412b00011ebc6b497e2cad7aedf36ace0e3a29b38853f0fe9ccde81913be5702b73abce1f"
#define HIGHER_POR "027100002412b00011e81a53dd844b95b3b76ed2d1e989fe5609d8271c70e704cd41239940a29ca70c"
#define ROOM 256
#define KIC_OTHER "40010203040506070809aa0b0c0d0e0f"

static st_out out;

/* C_DecryptInit + C_Decrypt with CKM_PORTFOLIO_SCP80_POR_UNWRAP. */
static CK_RV por_unwrap(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const uint8_t *por, size_t len)
{
	memset(&out.prm, 0, sizeof out.prm);
	out.prm.ulStatus = 0xFF;
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_POR_UNWRAP, &out.prm, sizeof out.prm};
	out.rv = f->C_DecryptInit(s, &m, kid);
	if (out.rv != CKR_OK)
		return out.rv;
	memset(out.data, 0xAA, 64);
	out.len = sizeof out.data;
	out.rv = f->C_Decrypt(s, (CK_BYTE_PTR)por, len, out.data, &out.len);
	return out.rv;
}

static CK_RV por_unwrap_hex(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const char *hex)
{
	uint8_t por[ROOM];
	return por_unwrap(s, kid, por, unhex(hex, por, sizeof por));
}

/* The server token sends one packet on the keyset (its send counter moves). */
static void send_one(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, uint8_t *pkt, size_t *n)
{
	uint8_t apdu[7];
	unhex(APDU, apdu, sizeof apdu);
	assert_int_equal(st_wrap(s, kid, apdu, sizeof apdu, &out), CKR_OK);
	memcpy(pkt, out.data, out.len);
	*n = out.len;
}

/* A server token with the design keyset under spi that sent one packet (1). */
static struct {
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE kid;
	uint8_t pkt[ROOM];
	size_t n;
} srv;

static void server_sent_one(CK_ULONG spi)
{
	srv.s = ct_ready_token(NULL);
	srv.kid = st_keyset(srv.s, spi, ST_TAR);
	send_one(srv.s, srv.kid, srv.pkt, &srv.n);
}

/* The device on the host (sms_test_util.h's rig, design keys): whatever the
 * TAR (a PoR for another TAR is wanted below), its counter stored. */
static int any_tar(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *ks)
{
	(void)tar;
	*ks = ((const sms_rig *)ctx)->keyset;
	return 0;
}

/* The device opens pkt (a command) with its counter at stored, and answers
 * with its PoR carrying data (want: the outcome of the opening). */
static size_t host_answer(const uint8_t *pkt, size_t n, uint64_t stored, const char *data_hex,
                          scp80_err want, uint8_t *por, size_t room)
{
	sms_rig *r = sms_rig_new();
	uint8_t data[32];
	size_t len = 0, dl = unhex(data_hex, data, sizeof data);
	r->keyset.counter = stored;
	assert_int_equal(scp80_command_unwrap(&r->crypto, any_tar, r, pkt, n, r->plain, sizeof r->plain,
	                                      &r->rcv),
	                 want);
	assert_int_equal(scp80_por_build(&r->crypto, &r->rcv, want == SCP80_OK ? data : NULL,
	                                 want == SCP80_OK ? dl : 0, por, room, &len),
	                 SCP80_OK);
	sms_rig_free(r);
	return len;
}

static size_t host_por_of(const uint8_t *pkt, size_t n, uint64_t stored, const char *data_hex,
                          uint8_t *por, size_t room)
{
	return host_answer(pkt, n, stored, data_hex, SCP80_OK, por, room);
}

/* A command the token never sent (the design keys, a counter of our
 * choice), and the device's PoR of it. */
static size_t host_por(uint16_t spi, uint32_t tar, uint64_t counter, uint8_t *por)
{
	uint8_t pkt[ROOM];
	sms_rig *r = sms_rig_new();
	size_t n = sms_rig_send(r, spi, tar, counter, APDU, pkt, sizeof pkt);
	sms_rig_free(r);
	return host_por_of(pkt, n, counter != 0 ? counter - 1 : 0, "9000", por, ROOM);
}

static void assert_opened(const char *data_hex, CK_ULONG status, CK_ULONG counter)
{
	assert_int_equal(out.rv, CKR_OK);
	st_assert_hex(out.data, out.len, data_hex);
	assert_int_equal(out.prm.ulStatus, status);
	assert_int_equal(out.prm.ulCounterHigh, 0);
	assert_int_equal(out.prm.ulCounterLow, counter);
}

static void assert_refused(CK_RV rv, CK_ULONG status)
{
	if (out.rv != rv || out.prm.ulStatus != status)
		fail_msg("rv %#lx status %#lx, wanted %#lx %#lx", (unsigned long)out.rv,
		         (unsigned long)out.prm.ulStatus, (unsigned long)rv, (unsigned long)status);
	/* nothing of the PoR's data (9000 or 016132) reaches the caller */
	assert_false(out.data[0] == 0x90 && out.data[1] == 0x00);
	assert_false(out.data[0] == 0x01 && out.data[1] == 0x61);
}

/* The device answers pkt (its counter at stored) with data; the token opens its PoR. */
static void expect_answer(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const uint8_t *pkt, size_t n,
                          uint64_t stored, const char *data_hex)
{
	uint8_t por[ROOM];
	size_t pl = host_por_of(pkt, n, stored, data_hex, por, sizeof por);
	por_unwrap(s, kid, por, pl);
	assert_opened(data_hex, SCP80_STS_OK, stored + 1);
}

/* design.md: the response to the AES command packet answers counter 0,
 * which this token never sends (WRAP numbers from 1 whatever the SPI): it
 * is refused before and after the token sent on the TAR (the host layer's
 * known answers open it: test_sms_kat). */
static void test_design_por_answers_nothing_sent(void **state)
{
	(void)state;
	uint8_t pkt[ROOM];
	size_t n;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x0619, ST_TAR);
	/* nothing sent yet: no PoR can answer this token */
	por_unwrap_hex(s, kid, DESIGN_POR);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_HIGH);
	send_one(s, kid, pkt, &n);
	assert_int_equal(out.prm.ulCounterLow, 1);
	por_unwrap_hex(s, kid, DESIGN_POR);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
	/* the PoR of what it did send (counter 1) opens */
	expect_answer(s, kid, pkt, n, 0, "016132");
}

/* SPI 1639: the token's first packet is the 'higher' known answer (counter 1),
 * and its known-answer PoR opens. A device that refused that command answers
 * with a secured failure PoR (here 02, counter low): opened, the status is
 * the device's. */
static void test_kat_higher_and_failure_por(void **state)
{
	(void)state;
	uint8_t por[ROOM];
	server_sent_one(0x1639);
	uint8_t pkt[ROOM];
	size_t n;
	por_unwrap_hex(srv.s, srv.kid, HIGHER_POR);
	assert_opened("9000", SCP80_STS_OK, 1);
	/* the device requires a higher counter: the second packet (2) after 5
	 * is refused, status 02 */
	send_one(srv.s, srv.kid, pkt, &n);
	size_t pl = host_answer(pkt, n, 5, "", SCP80_ERR_COUNTER_LOW, por, sizeof por);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_opened("", SCP80_STS_CNTR_LOW, 2);
}

/* The token WRAPs, the device opens and answers, the token reads the PoR;
 * several packets may await their PoR: an older one still opens. */
static void test_round_trip(void **state)
{
	(void)state;
	uint8_t pkt1[ROOM], pkt2[ROOM];
	size_t n1, n2;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1e39, ST_TAR);
	send_one(s, kid, pkt1, &n1);
	send_one(s, kid, pkt2, &n2);
	expect_answer(s, kid, pkt2, n2, 1, "61029000");
	expect_answer(s, kid, pkt1, n1, 0, "9000");
}

static void test_bad_por_refused(void **state)
{
	(void)state;
	uint8_t por[ROOM];
	server_sent_one(0x1639);
	CK_SESSION_HANDLE s = srv.s;
	CK_OBJECT_HANDLE kid = srv.kid;
	size_t pl = unhex(HIGHER_POR, por, sizeof por);
	/* wrong CC (the last byte: ciphered, so the CC or the padding breaks) */
	por[pl - 1] ^= 0x01;
	por_unwrap(s, kid, por, pl);
	assert_refused(CKR_SIGNATURE_INVALID, SCP80_STS_CC_FAILED);
	por[pl - 1] ^= 0x01;
	/* truncated */
	por_unwrap(s, kid, por, pl - 1);
	assert_refused(CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED);
	por_unwrap(s, kid, por, 4);
	assert_refused(CKR_ENCRYPTED_DATA_LEN_RANGE, SCP80_STS_UNIDENTIFIED);
	/* stripped of its security: a bare PoR saying 00 */
	static const uint8_t bare[] = {0x02, 0x71, 0x00, 0x00, 0x0b, 0x0a, 0xb0, 0x00, 0x11,
	                               0, 0, 0, 0, 1, 0, 0x00};
	por_unwrap(s, kid, bare, sizeof bare);
	assert_refused(CKR_SIGNATURE_INVALID, SCP80_STS_CC_FAILED);
	/* unknown TAR: a PoR, well protected with these keys, for another TAR */
	pl = host_por(0x1639, 0xb00012, 1, por);
	por_unwrap(s, kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_TAR_UNKNOWN);
	/* a counter never sent (the token sent 1) */
	pl = host_por(0x1639, ST_TAR, 2, por);
	por_unwrap(s, kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_HIGH);
	assert_int_equal(out.prm.ulCounterLow, 2);
	/* counter 0 under an SPI that numbers its packets: never sent either (the
	 * device is told SPI 0639, no counter, to answer it; the PoR's protection
	 * is SPI byte 2's, the same 39) */
	pl = host_por(0x0639, ST_TAR, 0, por);
	por_unwrap(s, kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
	/* a device that could not read the packet (truncated) answers with the
	 * bare unsecured 06, counter 0 (it could not read it): opened, data none */
	pl = host_answer(srv.pkt, srv.n - 1, 0, "", SCP80_ERR_TRUNCATED, por, sizeof por);
	assert_int_equal(pl, 16);
	por_unwrap(s, kid, por, pl);
	assert_opened("", SCP80_STS_UNIDENTIFIED, 0);
	/* a bare 06 naming counter 1 (anyone can make one): opened, recorded
	 * nowhere, so it cannot cancel the genuine PoR of 1 */
	static const uint8_t bare06[] = {0x02, 0x71, 0x00, 0x00, 0x0b, 0x0a, 0xb0, 0x00, 0x11,
	                                 0, 0, 0, 0, 1, 0, 0x06};
	por_unwrap(s, kid, bare06, sizeof bare06);
	assert_opened("", SCP80_STS_UNIDENTIFIED, 1);
	/* the good PoR still opens: nothing moved */
	por_unwrap_hex(s, kid, HIGHER_POR);
	assert_opened("9000", SCP80_STS_OK, 1);
}

/* hex opens (data, status, counter) and, replayed, is refused (02). */
static void opens_once(const char *hex, const char *data_hex, CK_ULONG status, CK_ULONG counter)
{
	por_unwrap_hex(srv.s, srv.kid, hex);
	assert_opened(data_hex, status, counter);
	por_unwrap_hex(srv.s, srv.kid, hex);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
}

/* A PoR is accepted at most once: replayed, it is refused (status 02, no
 * data), in or out of order, and a PoR older than the record's window too. */
static void test_por_replay_refused(void **state)
{
	(void)state;
	uint8_t pkt[3][ROOM], por[ROOM];
	size_t n[3];
	server_sent_one(0x1639);
	opens_once(HIGHER_POR, "9000", SCP80_STS_OK, 1);
	assert_int_equal(out.prm.ulCounterLow, 1);
	/* 2, 3, 4 sent; their PoRs come 4, 2, 3: each opens once */
	for (int i = 0; i < 3; i++)
		send_one(srv.s, srv.kid, pkt[i], &n[i]);
	static const int order[] = {2, 0, 1};
	for (int k = 0; k < 3; k++) {
		int i = order[k];
		size_t pl = host_por_of(pkt[i], n[i], (uint64_t)i + 1, "9000", por, sizeof por);
		por_unwrap(srv.s, srv.kid, por, pl);
		assert_opened("9000", SCP80_STS_OK, (CK_ULONG)i + 2);
		por_unwrap(srv.s, srv.kid, por, pl);
		assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
	}
	/* a bare 06 for an acknowledged counter contradicts its PoR: refused */
	static const uint8_t bare1[] = {0x02, 0x71, 0x00, 0x00, 0x0b, 0x0a, 0xb0, 0x00, 0x11,
	                                0, 0, 0, 0, 1, 0, 0x06};
	por_unwrap(srv.s, srv.kid, bare1, sizeof bare1);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
}

/* 25 packets past the oldest awaiting one, its PoR is out of the window:
 * refused (status 02) rather than perhaps accepted twice. */
static void test_por_window(void **state)
{
	(void)state;
	uint8_t first[ROOM], pkt[ROOM], por[ROOM];
	size_t n1, n = 0, pl;
	server_sent_one(0x1639);
	memcpy(first, srv.pkt, srv.n);
	n1 = srv.n;
	for (unsigned i = 0; i < SCP80_ACK_WINDOW + 1; i++)
		send_one(srv.s, srv.kid, pkt, &n);
	pl = host_por_of(pkt, n, SCP80_ACK_WINDOW + 1, "", por, sizeof por);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_opened("", SCP80_STS_OK, SCP80_ACK_WINDOW + 2);
	pl = host_por_of(first, n1, 0, "9000", por, sizeof por);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
}

/* Status 0B (TS 31.115: the response data comes by SMS-SUBMIT): the PoR in
 * the DELIVER-REPORT says so and leaves the command awaiting its response,
 * which then opens; each of the two once. Both PoRs were computed with
 * Python's cryptography (docs/sms.md): SPI 1619, counter 1, status 0B / 00
 * (the 00 one is HIGHER_POR: SPI 2 19 and 39 differ only in b6). */
#define POR_0B "027100001412b00011330b302dd7434647a9aa64a44fbfd9f0"
static void test_por_0b_then_response(void **state)
{
	(void)state;
	server_sent_one(0x1619);
	opens_once(POR_0B, "", SCP80_STS_DATA_VIA_SUBMIT, 1);
	opens_once(HIGHER_POR, "9000", SCP80_STS_OK, 1);
}

/* A 0B after the response: the command is answered already. */
static void test_por_0b_after_response(void **state)
{
	(void)state;
	server_sent_one(0x1619);
	opens_once(HIGHER_POR, "9000", SCP80_STS_OK, 1);
	por_unwrap_hex(srv.s, srv.kid, POR_0B);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
}

/* Under an SPI that asks no PoR security, any PoR opens without
 * authentication; still, counter 0 answers nothing this token sent (WRAP
 * numbers from 1): refused, data and all; its counter-1 PoR opens once. */
static void test_unsecured_spi_counter0_refused(void **state)
{
	(void)state;
	uint8_t por[ROOM];
	server_sent_one(0x1601);
	size_t pl = host_por(0x0601, ST_TAR, 0, por);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
	pl = host_por_of(srv.pkt, srv.n, 0, "9000", por, sizeof por);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_opened("9000", SCP80_STS_OK, 1);
	por_unwrap(srv.s, srv.kid, por, pl);
	assert_refused(CKR_ENCRYPTED_DATA_INVALID, SCP80_STS_CNTR_LOW);
}

/* POR_UNWRAP builds no PoR and carries none: those fields are refused. */
static void test_param_fields_refused(void **state)
{
	(void)state;
	uint8_t b[CK_PORTFOLIO_SCP80_MAX_POR];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	CK_PORTFOLIO_SCP80_PARAMS prm = {0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_POR_UNWRAP, &prm, sizeof prm};
	prm.pPoR = b;
	prm.ulPoRLen = sizeof b;
	assert_int_equal(f->C_DecryptInit(s, &m, kid), CKR_MECHANISM_PARAM_INVALID);
	prm = (CK_PORTFOLIO_SCP80_PARAMS){.pPoRData = b, .ulPoRDataLen = 2};
	assert_int_equal(f->C_DecryptInit(s, &m, kid), CKR_MECHANISM_PARAM_INVALID);
	/* and the KIc is not the operation's key; no encryption either */
	CK_OBJECT_HANDLE kic = st_key(s, KIC_OTHER, CK_PORTFOLIO_SMS_SLOT_KIC, 0x0619, ST_TAR);
	prm = (CK_PORTFOLIO_SCP80_PARAMS){0};
	assert_int_equal(f->C_DecryptInit(s, &m, kic), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_EncryptInit(s, &m, kid), CKR_MECHANISM_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_design_por_answers_nothing_sent, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_por_replay_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_por_window, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_por_0b_then_response, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_por_0b_after_response, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_kat_higher_and_failure_por, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bad_por_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_unsecured_spi_counter0_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_param_fields_refused, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
