/*
 * vcard_main.c - portfolio-vcard: a virtual Portfolio secure element for
 * tests and demos. It connects out to vpcd (vsmartcard's pcscd driver) on a
 * loopback address and runs the applet of docs/apdu.md, so that pcscd + vpcd +
 * this card form a real PC/SC path.
 *
 *   portfolio-vcard [--host 127.0.0.1] [--port 35963] [--aid HEX] [--instance N]
 *                   [--keys-file PATH] [--retries N] [--fault-file PATH]
 *
 * Keys: "kvn:enc:mac:dek" in hex, from --keys-file or $PORTFOLIO_VCARD_KEYS
 * (never the command line, which every user can read in ps); without either,
 * the GlobalPlatform test keys 00..0f / 10..1f / 20..2f, KVN 30.
 * Signals: SIGTERM / SIGINT stop; SIGUSR1 pulls the card out of the reader,
 * SIGUSR2 puts it back (the card keeps its state, like a real one); SIGHUP
 * swaps in a blank card (same keys: a new card of the same issuer).
 * Tests: --fault-file PATH makes the next protected answer bad when PATH
 * appears ("tamper" or "replay", see vcard_vpcd.h).
 * State lives in memory only.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vcard/vcard.h"
#include "vcard/vcard_vpcd.h"
#include "util/hex.h"
#include "util/secure.h"

#define DEFAULT_KEYS \
	"30:000102030405060708090a0b0c0d0e0f:101112131415161718191a1b1c1d1e1f:202122232425262728292a2b2c2d2e2f"
#define DEFAULT_AID "A0000006165046"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t removed_flag;
static volatile sig_atomic_t blank_flag;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		removed_flag = 1;
	else if (sig == SIGUSR2)
		removed_flag = 0;
	else if (sig == SIGHUP)
		blank_flag = removed_flag = 1; /* out, and a blank card in (main loop) */
	else
		stop_flag = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	(void)nanosleep(&ts, NULL);
}

static int parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap || pf_hex_decode(hex, out, n / 2) != 0)
		return 0;
	*len = n / 2;
	return 1;
}

static int load_keys(const char *path, scp03_keys *keys)
{
	char line[256];
	const char *text = getenv("PORTFOLIO_VCARD_KEYS");
	int ok;

	if (path != NULL) {
		FILE *f = fopen(path, "r");

		if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
			if (f != NULL)
				fclose(f);
			return 0;
		}
		fclose(f);
		line[strcspn(line, "\r\n")] = '\0';
		text = line;
	} else if (text == NULL) {
		fprintf(stderr, "portfolio-vcard: using the GlobalPlatform TEST keys (not for real use)\n");
		text = DEFAULT_KEYS;
	}
	ok = scp03_keys_parse(text, keys) == SCP03_OK;
	pf_wipe(line, sizeof(line));
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: portfolio-vcard [--host 127.0.0.1] [--port 35963] [--aid HEX] [--instance N]\n"
	                "                       [--keys-file PATH] [--retries N] [--fault-file PATH]\n");
}

typedef struct vcard_options {
	const char *host, *keys_path, *aid_hex, *fault_path;
	unsigned long port, instance, retries;
} vcard_options;

/* 1 when val is a whole decimal number below limit (and above 0 if positive). */
static int number(const char *val, unsigned long limit, int positive, unsigned long *out)
{
	char *end = NULL;

	errno = 0;
	*out = strtoul(val, &end, 10);
	return errno == 0 && *end == '\0' && *out < limit && (!positive || *out > 0);
}

static int parse_options(int argc, char **argv, vcard_options *o)
{
	int i;

	*o = (vcard_options){"127.0.0.1", NULL, DEFAULT_AID, NULL, 35963, 0, 100};
	for (i = 1; i + 1 < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];
		int ok = 1;

		if (strcmp(opt, "--host") == 0)
			o->host = val;
		else if (strcmp(opt, "--port") == 0)
			ok = number(val, 65536, 1, &o->port);
		else if (strcmp(opt, "--instance") == 0)
			ok = number(val, 65536, 0, &o->instance);
		else if (strcmp(opt, "--retries") == 0)
			ok = number(val, 100000, 0, &o->retries);
		else if (strcmp(opt, "--aid") == 0)
			o->aid_hex = val;
		else if (strcmp(opt, "--keys-file") == 0)
			o->keys_path = val;
		else if (strcmp(opt, "--fault-file") == 0)
			o->fault_path = val;
		else
			ok = 0;
		if (!ok)
			return 0;
	}
	return i == argc; /* an option without its value is an error too */
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Connect, serve, and reconnect when vpcd goes away; give up after `retries`
 * consecutive failed connection attempts (100 ms apart). Returns the exit status. */
static int serve(vcard_applet *applet, const vcard_options *o, vpcd_faults *faults)
{
	unsigned long failures = 0;

	while (!stop_flag) {
		int fd, r;

		if (removed_flag && blank_flag) {
			if (vcard_applet_erase(applet) != 0) {
				fprintf(stderr, "portfolio-vcard: cannot erase the applet\n");
				return 1;
			}
			fprintf(stderr, "portfolio-vcard: blank card\n");
			sleep_ms(300); /* out long enough for pcscd to see it */
			blank_flag = removed_flag = 0;
		}
		if (removed_flag) {
			sleep_ms(100);
			continue;
		}
		fd = vpcd_connect(o->host, (uint16_t)o->port);
		if (fd < 0) {
			if (errno == EPERM || errno == EINVAL) {
				fprintf(stderr, "portfolio-vcard: %s is not a loopback address\n", o->host);
				return 2;
			}
			if (++failures > o->retries) {
				fprintf(stderr, "portfolio-vcard: cannot reach vpcd at %s:%lu\n", o->host, o->port);
				return 1;
			}
			sleep_ms(100);
			continue;
		}
		failures = 0;
		fprintf(stderr, "portfolio-vcard: card inserted (vpcd %s:%lu)\n", o->host, o->port);
		r = vpcd_serve(fd, applet, &stop_flag, &removed_flag, faults);
		close(fd);
		vcard_applet_reset(applet);
		fprintf(stderr, "portfolio-vcard: card %s\n", stop_flag ? "stopping" : removed_flag ? "removed" :
		        r == 0 ? "disconnected by vpcd" : "connection error");
		if (!stop_flag && !removed_flag)
			sleep_ms(100);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static vcard_applet applet;
	static vpcd_faults faults;
	vcard_options o;
	scp03_keys keys;
	uint8_t aid[16];
	size_t aid_len = 0;
	int rc;

	if (!parse_options(argc, argv, &o)) {
		usage();
		return 2;
	}
	faults.path = o.fault_path;
	if (!parse_hex(o.aid_hex, aid, sizeof(aid), &aid_len) || aid_len < 5) {
		fprintf(stderr, "portfolio-vcard: bad AID\n");
		return 2;
	}
	if (!load_keys(o.keys_path, &keys)) {
		fprintf(stderr, "portfolio-vcard: bad or missing keys (kvn:enc:mac:dek in hex)\n");
		return 2;
	}
	if (vcard_applet_init(&applet, &keys, aid, aid_len, (uint16_t)o.instance) != 0) {
		pf_wipe(&keys, sizeof(keys));
		fprintf(stderr, "portfolio-vcard: cannot initialise the applet\n");
		return 1;
	}
	pf_wipe(&keys, sizeof(keys));
	install_signals();
	rc = serve(&applet, &o, &faults);
	vcard_applet_wipe(&applet);
	pf_wipe(&faults, sizeof(faults));
	return rc;
}
