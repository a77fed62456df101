/*
 * test_rel_sms.c - the SCP80 receive counter held by the token, under SIGKILL
 * and with two processes.
 *
 * Crash: a receiver process unwraps (CKM_PORTFOLIO_SCP80_UNWRAP) packets
 * numbered 1, 2, 3, ... and is SIGKILLed at a random moment. It marks each
 * packet in shared memory before the call and after CKR_OK. After every kill
 * a fresh verifier process checks that
 *   - the store passes SQLite's integrity check (store_check);
 *   - every acknowledged packet, replayed, is refused with status 02: the
 *     counter never went back, and no accepted packet is accepted again;
 *   - the packet in flight is accepted now at most if it was not before
 *     (it is either refused as a replay, or accepted once here).
 * Two processes: both receive the same packets as fast as they can; no
 * packet is accepted twice, and the last one is accepted once.
 *
 * REL_SMS_KILLS sets the number of kills (default 15).
 */
#include "config.h"
#include "rel_util.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "sms/scp80.h"
#include "sms/scp80_crypto_evp.h"
#include "store/store.h"

#define TAR 0xb00011ul
#define SPI 0x1639u /* counter higher, CC, ciphered; PoR always */
#define MAX_PACKETS 4096

static const uint8_t kic_v[16] = {0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t kid_v[16] = {0x20, 0x11, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

typedef struct shared {
	volatile long started;   /* packet the receiver is unwrapping (0: none) */
	volatile long acked;     /* last packet whose unwrap returned CKR_OK */
	int ready;               /* processes logged in (atomic) */
	long refused;            /* two processes: replays refused (atomic) */
	int accepted[MAX_PACKETS + 1]; /* two processes: times each packet was accepted */
} shared;

static shared *sh;

/* The sender's packet number i (made on the host: the other end). */
static size_t packet(long i, uint8_t *pkt, size_t room)
{
	scp80_crypto c;
	scp80_evp_key kic, kid;
	size_t n = 0;
	uint8_t data[8] = {0x00, 0xa4, 0x00, 0x04, 0x02, (uint8_t)(i >> 8), (uint8_t)i, 0};
	CHECK(scp80_evp_open(&c) == 0);
	CHECK(scp80_evp_key_set(&kic, kic_v, 16) == 0 && scp80_evp_key_set(&kid, kid_v, 16) == 0);
	scp80_command_params p = {{SPI >> 8, SPI & 0xFF}, 0x22, 0x22, {TAR >> 16, (TAR >> 8) & 0xFF, TAR & 0xFF},
	                          (uint64_t)i, &kic, &kid};
	CHECK(scp80_command_wrap(&c, &p, data, sizeof data, pkt, room, &n) == SCP80_OK);
	scp80_evp_close(&c);
	return n;
}

static CK_OBJECT_HANDLE sms_key(CK_SESSION_HANDLE s, const uint8_t *v, CK_ULONG slot)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS, index = CK_PORTFOLIO_SMS_INDEX(slot, 0x22, 0x22, SPI, TAR);
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)v, 16}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CHECK_RV(C_CreateObject(s, t, 7, &h), CKR_OK);
	return h;
}

/* Module initialised, user logged in: the KID key. */
static CK_OBJECT_HANDLE open_receiver(CK_SESSION_HANDLE *s)
{
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS;
	CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KID, 0x22, 0x22, SPI, TAR);
	CK_ATTRIBUTE q[] = {{CKA_PORTFOLIO_SERVICE, &service, sizeof service},
	                    {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index}};
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	*s = rel_session(rel_first_token(), CKU_USER, REL_USER_PIN);
	return rel_find_one(*s, q, 2);
}

static CK_RV unwrap(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, long i, CK_ULONG *status)
{
	uint8_t pkt[128], out[128], por[CK_PORTFOLIO_SCP80_MAX_POR];
	size_t n = packet(i, pkt, sizeof pkt);
	CK_PORTFOLIO_SCP80_PARAMS prm = {NULL, 0, por, sizeof por, 0xFF, 0, 0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_UNWRAP, &prm, sizeof prm};
	CK_ULONG len = sizeof out;
	CHECK_RV(C_DecryptInit(s, &m, kid), CKR_OK);
	CK_RV rv = C_Decrypt(s, pkt, n, out, &len);
	*status = prm.ulStatus;
	if (rv == CKR_OK)
		CHECK(len == 8 && out[5] == (uint8_t)(i >> 8) && out[6] == (uint8_t)i);
	return rv;
}

/* ---- crash ------------------------------------------------------------------ */

static void receiver(long from)
{
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE kid = open_receiver(&s);
	CK_ULONG status;
	__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
	for (long i = from; i <= MAX_PACKETS; i++) {
		sh->started = i;
		CHECK_RV(unwrap(s, kid, i, &status), CKR_OK);
		sh->acked = i;
	}
	_exit(0);
}

/* Returns the next packet a receiver may start from. */
static void verify(long acked, long in_flight)
{
	CK_SESSION_HANDLE s;
	CK_ULONG status;
	store *st = NULL;
	char *db = rel_path("store.db");
	CHECK_RV(store_open(db, &st), CKR_OK);
	free(db);
	CHECK_RV(store_check(st), CKR_OK);
	store_close(st);
	CK_OBJECT_HANDLE kid = open_receiver(&s);
	if (acked > 0) {
		/* an acknowledged packet is never accepted again */
		CHECK_RV(unwrap(s, kid, acked, &status), CKR_ENCRYPTED_DATA_INVALID);
		CHECK(status == SCP80_STS_CNTR_LOW);
		CHECK_RV(unwrap(s, kid, 1 + acked / 2, &status), CKR_ENCRYPTED_DATA_INVALID);
	}
	if (in_flight > acked) {
		/* committed before the kill (a replay now) or not (accepted now, once) */
		CK_RV rv = unwrap(s, kid, in_flight, &status);
		CHECK(rv == CKR_OK || (rv == CKR_ENCRYPTED_DATA_INVALID && status == SCP80_STS_CNTR_LOW));
		CHECK_RV(unwrap(s, kid, in_flight, &status), CKR_ENCRYPTED_DATA_INVALID);
	}
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	_exit(0);
}

static void run_child(void (*fn)(long, long), long a, long b)
{
	int status;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		fn(a, b);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void receiver2(long from, long unused)
{
	(void)unused;
	receiver(from);
}

static void test_crash(int kills, long next)
{
	long first = next;
	srand((unsigned)getpid());
	for (int k = 0; k < kills && next < MAX_PACKETS - 200; k++) {
		sh->started = 0;
		sh->acked = 0;
		sh->ready = 0;
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			receiver2(next, 0);
		while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST))
			usleep(200);
		/* the kill lands among accepted packets however slow the run (valgrind):
		 * after the round's first acceptance, at a random moment */
		int status;
		while (__atomic_load_n(&sh->acked, __ATOMIC_SEQ_CST) < next) {
			CHECK(waitpid(pid, &status, WNOHANG) == 0); /* a receiver that died is a failure */
			usleep(200);
		}
		usleep((useconds_t)(rand() % 30000));
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &status, 0) == pid);
		long acked = sh->acked, started = sh->started;
		run_child(verify, acked, started);
		next = (started > acked ? started : acked) + 1;
	}
	CHECK(next - first > kills); /* the kills did land among accepted packets */
	printf("crash: %d kills, %ld packets\n", kills, next - first);
}

/* ---- two processes ----------------------------------------------------------- */

static void racer(long count, long unused)
{
	CK_SESSION_HANDLE s;
	CK_ULONG status;
	(void)unused;
	CK_OBJECT_HANDLE kid = open_receiver(&s);
	/* both logged in before either starts: they really race */
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < 2)
		usleep(50);
	for (long i = 1; i <= count; i++) {
		CK_RV rv = unwrap(s, kid, i, &status);
		if (rv == CKR_OK)
			__atomic_fetch_add(&sh->accepted[i], 1, __ATOMIC_SEQ_CST);
		else
			CHECK(rv == CKR_ENCRYPTED_DATA_INVALID && status == SCP80_STS_CNTR_LOW &&
			      __atomic_fetch_add(&sh->refused, 1, __ATOMIC_SEQ_CST) >= 0);
	}
	_exit(0);
}

static void test_two_processes(long count)
{
	pid_t pid[2];
	double t0 = rel_now_ms();
	for (int p = 0; p < 2; p++) {
		pid[p] = fork();
		CHECK(pid[p] >= 0);
		if (pid[p] == 0)
			racer(count, 0);
	}
	for (int p = 0; p < 2; p++) {
		int status;
		CHECK(waitpid(pid[p], &status, 0) == pid[p]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	long total = 0;
	for (long i = 1; i <= count; i++) {
		CHECK(sh->accepted[i] <= 1); /* never twice */
		total += sh->accepted[i];
	}
	CHECK(sh->accepted[count] == 1);
	printf("two processes: %ld of %ld packets accepted, none twice; %ld replays refused; "
	       "%.0f ms in all (logins included)\n",
	       total, count, sh->refused, rel_now_ms() - t0);
}

/* A fresh store with one token holding the SMS keyset. */
static void provision(void)
{
	rel_setup(NULL, NULL);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SLOT_ID slot = rel_init_token("sms");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	sms_key(s, kic_v, CK_PORTFOLIO_SMS_SLOT_KIC);
	sms_key(s, kid_v, CK_PORTFOLIO_SMS_SLOT_KID);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
}

int main(void)
{
	int kills = getenv("REL_SMS_KILLS") ? atoi(getenv("REL_SMS_KILLS")) : 15;
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	provision();
	test_two_processes(300);
	/* the same store: the crash rounds go on from where the racers stopped */
	memset(sh, 0, sizeof *sh);
	run_child(verify, 300, 0);
	test_crash(kills, 301);
	return 0;
}
