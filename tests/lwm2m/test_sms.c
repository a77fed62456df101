/*
 * test_sms.c - the adapter's SMS security API end to end: a device and a
 * server, each a process with its own store and module (dlopen'ed from the
 * build tree, as a client would), provision the same SMS keyset through
 * pf_obj16_sms_provision and exchange CoAP-sized messages through
 * pf_obj16_sms_protect / pf_obj16_sms_unprotect over a pipe: one SMS, a
 * concatenated one (delivered out of order), a replay (discarded, status 02,
 * no secured error PoR handed out), a truncated packet (its unsecured PoR
 * handed out), a tampered segment, and malformed segment sets; the server
 * checks the device's PoR with pf_obj16_sms_check_por (and refuses it
 * tampered or truncated). Plain C: the server child reports by exit status.
 *
 * Exit 77 (skipped) when the module has not been built.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pkcs11/portfolio.h>
#include "portfolio-lwm2m/obj16.h"
#include "portfolio-lwm2m/sms.h"

#define SO_PIN "so-pin-0000"
#define USER_PIN "user-pin-42"
#define CHECK(c)                                                                         \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "%s:%d (%s): check failed: %s\n", __FILE__, __LINE__, \
			        role, #c);                                               \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static const char *role = "device";
static const uint8_t params[7] = {0x22, 0x22, 0x16, 0x39, 0xb0, 0x00, 0x11};
static const uint8_t keys[32] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                 0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* Module loaded on a store of its own, one initialised instance, the adapter on it. */
static pf_obj16 *open_side(const char *path, uint16_t *iid, void **handle)
{
	char dir[64] = "/tmp/pf-sms-XXXXXX", conf[128];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(conf, sizeof conf, "%s/p.conf", dir);
	FILE *f = fopen(conf, "w");
	CHECK(f != NULL);
	fprintf(f, "store = %s/store.db\nlog_level = none\n", dir);
	fclose(f);
	setenv("PORTFOLIO_PKCS11_CONF", conf, 1);
	CK_FUNCTION_LIST_PTR p11 = pf_obj16_module_open(path, handle);
	CHECK(p11 != NULL && p11->C_Initialize(NULL) == CKR_OK);
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	CK_SESSION_HANDLE s;
	CHECK(p11->C_GetSlotList(CK_FALSE, slots, &n) == CKR_OK && n >= 1);
	CHECK(p11->C_InitToken(slots[0], (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN),
	                       (CK_UTF8CHAR_PTR) "sms                             ") == CKR_OK);
	CHECK(p11->C_OpenSession(slots[0], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) == CKR_OK);
	CHECK(p11->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)) == CKR_OK);
	CHECK(p11->C_InitPIN(s, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)) == CKR_OK);
	CHECK(p11->C_CloseSession(s) == CKR_OK);
	pf_obj16_config c;
	memset(&c, 0, sizeof c);
	c.user_pin = USER_PIN;
	c.module_initialized_by_caller = 1;
	pf_obj16 *o = pf_obj16_new(p11, &c);
	size_t count = 0;
	CHECK(o != NULL && pf_obj16_list_instances(o, iid, 1, &count) == PF_OBJ16_OK && count == 1);
	/* the seed's 6 bytes are refused; the 7 of KIc|KID|SPI|TAR are taken */
	CHECK(pf_obj16_sms_provision(o, *iid, params, 6, keys, sizeof keys) == PF_OBJ16_BAD_REQUEST);
	CHECK(pf_obj16_sms_provision(o, *iid, params, 7, keys, sizeof keys) == PF_OBJ16_OK);
	return o;
}

/* Segments over a pipe: count, then each (len, bytes). */
static void send_segs(int fd, const pf_sms_segment *segs, size_t n)
{
	CHECK(write(fd, &n, sizeof n) == (ssize_t)sizeof n);
	for (size_t i = 0; i < n; i++)
		CHECK(write(fd, &segs[i], sizeof segs[i]) == (ssize_t)sizeof segs[i]);
}

static size_t recv_segs(int fd, pf_sms_segment *segs, size_t cap)
{
	size_t n = 0;
	CHECK(read(fd, &n, sizeof n) == (ssize_t)sizeof n && n <= cap);
	for (size_t i = 0; i < n; i++)
		CHECK(read(fd, &segs[i], sizeof segs[i]) == (ssize_t)sizeof segs[i]);
	return n;
}

static void fill(uint8_t *m, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		m[i] = (uint8_t)(seed + i * 7);
}

static int server(const char *path, int rd, int wr)
{
	static pf_sms_segment segs[8], first[8];
	uint8_t msg[300], got[400];
	size_t n, n1, len;
	uint16_t iid;
	void *h;
	pf_sms_received rcv;
	role = "server";
	pf_obj16 *o = open_side(path, &iid, &h);
	/* 1: one SMS */
	CHECK(pf_obj16_sms_protect(o, iid, (const uint8_t *)"coap-1", 6, 0, first, 8, &n1) == PF_OBJ16_OK);
	CHECK(n1 == 1 && first[0].ud[0] == 0x02 && first[0].ud[1] == 0x70);
	send_segs(wr, first, n1);
	/* 2: concatenated, sent last part first */
	fill(msg, sizeof msg, 1);
	CHECK(pf_obj16_sms_protect(o, iid, msg, sizeof msg, 0x2a, segs, 1, &n) == PF_OBJ16_BUFFER_TOO_SMALL);
	CHECK(pf_obj16_sms_protect(o, iid, msg, sizeof msg, 0x2a, segs, 8, &n) == PF_OBJ16_OK && n == 3);
	pf_sms_segment t = segs[0];
	segs[0] = segs[2];
	segs[2] = t;
	send_segs(wr, segs, n);
	/* 3: the first one again */
	send_segs(wr, first, n1);
	/* the device's PoR of 1, checked in the token: accepted, status 00, counter 1 */
	pf_sms_por por;
	n = recv_segs(rd, segs, 8);
	CHECK(n == 1 && pf_obj16_sms_check_por(o, iid, &segs[0], &por) == PF_OBJ16_OK);
	CHECK(por.status == 0 && por.counter == 1 && por.len == 0);
	/* accepted once: replayed, it is refused (02) */
	CHECK(pf_obj16_sms_check_por(o, iid, &segs[0], &por) == PF_OBJ16_BAD_REQUEST);
	CHECK(por.status == 0x02 && por.len == 0);
	/* tampered: refused (CC, 01; truncated, 06) */
	segs[0].ud[segs[0].len - 1] ^= 1;
	CHECK(pf_obj16_sms_check_por(o, iid, &segs[0], &por) == PF_OBJ16_BAD_REQUEST);
	CHECK(por.status == 0x01 && por.len == 0);
	segs[0].ud[segs[0].len - 1] ^= 1;
	segs[0].len--;
	CHECK(pf_obj16_sms_check_por(o, iid, &segs[0], &por) == PF_OBJ16_BAD_REQUEST);
	CHECK(por.status == 0x06);
	/* 4: the device's reply */
	n = recv_segs(rd, segs, 8);
	CHECK(pf_obj16_sms_unprotect(o, iid, segs, n, got, sizeof got, &len, &rcv) == PF_OBJ16_OK);
	CHECK(rcv.accepted && len == 9 && memcmp(got, "coap-resp", 9) == 0);
	pf_obj16_free(o);
	return 0;
}

static void device(pf_obj16 *o, uint16_t iid, int rd, int wr)
{
	static pf_sms_segment segs[8], two[8];
	uint8_t got[400], want[300];
	size_t n, n2, len;
	pf_sms_received rcv;
	n = recv_segs(rd, segs, 8);
	CHECK(pf_obj16_sms_unprotect(o, iid, segs, n, got, sizeof got, &len, &rcv) == PF_OBJ16_OK);
	CHECK(rcv.accepted && rcv.status == 0 && len == 6 && memcmp(got, "coap-1", 6) == 0);
	CHECK(rcv.por.len > 5 && rcv.por.ud[1] == 0x71 && rcv.por.ud[5] == 0x12); /* secured PoR */
	send_segs(wr, &rcv.por, 1); /* back to the server, which checks it */
	n2 = recv_segs(rd, two, 8);
	fill(want, sizeof want, 1);
	CHECK(pf_obj16_sms_unprotect(o, iid, two, n2, got, sizeof got, &len, &rcv) == PF_OBJ16_OK);
	CHECK(rcv.accepted && len == sizeof want && memcmp(got, want, len) == 0);
	/* the replay: discarded (02); LwM2M forbids the secured error PoR TS 102 225 would send */
	n = recv_segs(rd, segs, 8);
	CHECK(pf_obj16_sms_unprotect(o, iid, segs, n, got, sizeof got, &len, &rcv) == PF_OBJ16_BAD_REQUEST);
	CHECK(!rcv.accepted && rcv.status == 0x02 && len == 0 && rcv.por.len == 0);
	/* truncated: discarded (06), its unsecured PoR goes out */
	segs[0].len--;
	CHECK(pf_obj16_sms_unprotect(o, iid, segs, n, got, sizeof got, &len, &rcv) == PF_OBJ16_BAD_REQUEST);
	CHECK(!rcv.accepted && rcv.status == 0x06 && rcv.por.len == 16 && rcv.por.ud[5] == 0x0a);
	/* a tampered last byte: the CC fails (01) before the counter is looked at */
	two[1].ud[two[1].len - 1] ^= 1;
	CHECK(pf_obj16_sms_unprotect(o, iid, two, n2, got, sizeof got, &len, &rcv) == PF_OBJ16_BAD_REQUEST);
	CHECK(!rcv.accepted && rcv.status == 0x01 && rcv.por.len == 0);
	/* malformed sets never reach the token: no PoR */
	two[0] = two[1];
	CHECK(pf_obj16_sms_unprotect(o, iid, two, n2, got, sizeof got, &len, &rcv) == PF_OBJ16_BAD_REQUEST);
	CHECK(rcv.por.len == 0);
	CHECK(pf_obj16_sms_unprotect(o, iid, two, n2 - 1, got, sizeof got, &len, &rcv) == PF_OBJ16_BAD_REQUEST);
	/* the reply */
	CHECK(pf_obj16_sms_protect(o, iid, (const uint8_t *)"coap-resp", 9, 0, segs, 8, &n) == PF_OBJ16_OK);
	send_segs(wr, segs, n);
}

int main(void)
{
	const char *top = getenv("top_builddir");
	char path[512];
	int to_dev[2], to_srv[2], status;
	snprintf(path, sizeof path, "%s/.libs/libportfolio-pkcs11.so", top ? top : ".");
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "SKIP: %s not built yet\n", path);
		return 77;
	}
	CHECK(pipe(to_dev) == 0 && pipe(to_srv) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(server(path, to_srv[0], to_dev[1]));
	uint16_t iid;
	void *h;
	pf_obj16 *o = open_side(path, &iid, &h);
	device(o, iid, to_dev[0], to_srv[1]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pf_obj16_free(o);
	printf("SMS device/server round trip through the adapter: ok\n");
	return 0;
}
