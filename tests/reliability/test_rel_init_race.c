/*
 * test_rel_init_race.c - two processes call C_InitToken on the same free slot
 * at the same moment, ROUNDS times, each round on a fresh store.
 *
 * Exactly one may get CKR_OK. The other gets CKR_TOKEN_NOT_RECOGNIZED (it lost
 * the claim inside the store transaction) or, if the winner had committed
 * before the loser even looked, CKR_PIN_INCORRECT (its call then was a
 * re-initialisation with the wrong SO PIN). Afterwards the winner's SO PIN
 * logs in and the loser's does not: before the claim was checked inside the
 * transaction, both got CKR_OK and the later one silently replaced the first.
 *
 * Then REINIT_ROUNDS rounds of two processes re-initialising one initialised
 * token with its (right) SO PIN at once, with a slow KDF so that both calls
 * surely overlap: again exactly one wins, the other gets
 * CKR_TOKEN_NOT_RECOGNIZED (the token it checked the SO PIN of is gone), and
 * the token carries the winner's label.
 */
#include "config.h"
#include "rel_util.h"

#include <sys/wait.h>

#define ROUNDS 100
#define REINIT_ROUNDS 6

static const char *const so_pins[2] = {"race-so-pin-A", "race-so-pin-B"};

enum { OUT_OK = 10, OUT_LOST_CLAIM = 11, OUT_PIN_INCORRECT = 12 };

static void write_conf(int round)
{
	char *conf = rel_path("p.conf");
	FILE *fp = fopen(conf, "w");
	CHECK(fp != NULL);
	fprintf(fp, "store = %s/store-%d.db\nmax_instances = 8\nlog_level = none\n", rel_dir(), round);
	fclose(fp);
	free(conf);
}

static void label_of(int who, CK_UTF8CHAR label[32])
{
	memset(label, ' ', 32);
	label[0] = (CK_UTF8CHAR)('A' + who);
}

/* Initialise the module, wait for the start signal, race. Exit status: OUT_*.
 * reinit: the token is initialised already, both use its SO PIN. */
static void contender(int who, int reinit, int ready_fd, int go_fd)
{
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_TOKEN_INFO ti;
	CHECK_RV(C_GetTokenInfo(0, &ti), CKR_OK);
	CHECK(!(ti.flags & CKF_TOKEN_INITIALIZED) == !reinit);
	CK_UTF8CHAR label[32];
	label_of(who, label);
	char c = 'r';
	CHECK(write(ready_fd, &c, 1) == 1);
	CHECK(read(go_fd, &c, 1) == 0); /* EOF: the parent let both go at once */
	CK_RV rv = C_InitToken(0, REL_P(reinit ? REL_SO_PIN : so_pins[who]), label);
	/* Either way, the slot now shows an initialised token. */
	CHECK_RV(C_GetTokenInfo(0, &ti), CKR_OK);
	CHECK(ti.flags & CKF_TOKEN_INITIALIZED);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	if (rv == CKR_OK)
		_exit(OUT_OK);
	if (rv == CKR_TOKEN_NOT_RECOGNIZED)
		_exit(OUT_LOST_CLAIM);
	if (rv == CKR_PIN_INCORRECT)
		_exit(OUT_PIN_INCORRECT);
	fprintf(stderr, "contender %d: C_InitToken = 0x%lx\n", who, (unsigned long)rv);
	_exit(1);
}

static int so_login(const char *pin)
{
	CK_SESSION_HANDLE s;
	CHECK_RV(C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s), CKR_OK);
	CK_RV rv = C_Login(s, CKU_SO, REL_P(pin));
	CHECK(rv == CKR_OK || rv == CKR_PIN_INCORRECT);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	return rv == CKR_OK;
}

/* Two contenders released at once; their outcomes in out[]. */
static void race(int reinit, int out[2])
{
	int ready[2], go[2];
	CHECK(pipe(ready) == 0 && pipe(go) == 0);
	pid_t pid[2];
	for (int who = 0; who < 2; who++) {
		pid[who] = fork();
		CHECK(pid[who] >= 0);
		if (pid[who] == 0) {
			close(ready[0]);
			close(go[1]);
			contender(who, reinit, ready[1], go[0]);
		}
	}
	close(ready[1]);
	close(go[0]);
	char c;
	for (int i = 0; i < 2; i++)
		CHECK(read(ready[0], &c, 1) == 1);
	close(go[1]); /* both read EOF now */
	close(ready[0]);
	for (int who = 0; who < 2; who++) {
		int status;
		CHECK(waitpid(pid[who], &status, 0) == pid[who]);
		CHECK(WIFEXITED(status));
		out[who] = WEXITSTATUS(status);
		CHECK(out[who] == OUT_OK || out[who] == OUT_LOST_CLAIM || out[who] == OUT_PIN_INCORRECT);
	}
	if ((out[0] == OUT_OK) + (out[1] == OUT_OK) != 1) {
		fprintf(stderr, "%s: outcomes %d and %d: not exactly one winner\n",
		        reinit ? "re-initialisation" : "initialisation", out[0], out[1]);
		_exit(1);
	}
}

/* One round; returns the loser's outcome. */
static int round_once(int round)
{
	write_conf(round);
	int out[2];
	race(0, out);
	int winner = out[0] == OUT_OK ? 0 : 1;
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CHECK(so_login(so_pins[winner]));
	CHECK(!so_login(so_pins[!winner]));
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return out[!winner];
}

/* One round on an initialised token: the winner's label is the token's. */
static void reinit_round(int round)
{
	write_conf(ROUNDS + round);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof label);
	CHECK_RV(C_InitToken(0, REL_P(REL_SO_PIN), label), CKR_OK);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	int out[2];
	race(1, out);
	int winner = out[0] == OUT_OK ? 0 : 1;
	CHECK(out[!winner] == OUT_LOST_CLAIM);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_TOKEN_INFO ti;
	CHECK_RV(C_GetTokenInfo(0, &ti), CKR_OK);
	label_of(winner, label);
	CHECK(memcmp(ti.label, label, sizeof label) == 0);
	CHECK(so_login(REL_SO_PIN));
	CHECK_RV(C_Finalize(NULL), CKR_OK);
}

int main(void)
{
	rel_setup(NULL, NULL);
	int lost_claim = 0, pin_incorrect = 0;
	for (int r = 0; r < ROUNDS; r++) {
		if (round_once(r) == OUT_LOST_CLAIM)
			lost_claim++;
		else
			pin_incorrect++;
	}
	printf("ok - %d C_InitToken races: one winner each (%d lost the claim in the store "
	       "transaction, %d came after the commit)\n",
	       ROUNDS, lost_claim, pin_incorrect);
	fflush(stdout); /* not once more from each child (valgrind flushes at _exit) */
	/* A slow KDF: each call runs two (SO PIN check, new wrap), so the two
	 * re-initialisations overlap whatever the scheduler does. */
	setenv("PORTFOLIO_TEST_SCRYPT_N", "8192", 1);
	for (int r = 0; r < REINIT_ROUNDS; r++)
		reinit_round(r);
	printf("ok - %d re-initialisation races with the right SO PIN: one winner each, "
	       "its label on the token\n", REINIT_ROUNDS);
	return 0;
}
