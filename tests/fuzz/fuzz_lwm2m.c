/*
 * fuzz_lwm2m.c - the LwM2M adapter's parsers, fed by whoever can send an
 * Execute to /16/x/4 (GetAuthData): the Core TS argument-list grammar (strict
 * and lenient), GetAuthData's argument meanings, and the adapter's challenge
 * decoder. The first byte picks the mode.
 *
 * Properties besides memory safety:
 *   - a parsed argument list only has arguments 0..9, each value exactly as
 *     long as its recorded length and NUL-terminated;
 *   - the strict grammar accepts nothing the lenient one refuses;
 *   - the challenge decoder (src/util/challenge.c, shared by the adapter and
 *     the module's users) keeps its contract on every input.
 */
#include "config.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m/args.h"
#include "util/challenge.h"

static void check_args(const pf_exec_args *a)
{
	for (int i = 0; i < PF_ARGS_COUNT; i++) {
		if (!a->present[i] || a->value[i] == NULL)
			continue;
		FZ_CHECK(strlen(a->value[i]) <= a->value_len[i]);
		FZ_CHECK(a->value[i][a->value_len[i]] == '\0');
	}
}

static void args(const uint8_t *d, size_t n)
{
	char *text = malloc(n ? n : 1); /* exact size: the parser takes a length */
	FZ_CHECK(text != NULL);
	if (n)
		memcpy(text, d, n);
	char why[128];
	memset(why, 0, sizeof why);
	pf_exec_args strict, lenient;
	memset(&strict, 0, sizeof strict);
	memset(&lenient, 0, sizeof lenient);
	int rs = pf_args_parse(text, n, 0, &strict, why, sizeof why);
	int rl = pf_args_parse(text, n, 1, &lenient, why, sizeof why);
	if (rs == 0) {
		FZ_CHECK(rl == 0);
		check_args(&strict);
		pf_getauth_request req;
		if (pf_getauth_from_args(&strict, 0, &req, why, sizeof why) == 0) {
			FZ_CHECK(req.service <= 1);
			FZ_CHECK(req.challenge_len >= 1 && req.challenge_len <= PF_CHALLENGE_MAX);
		}
		FZ_CHECK(memchr(why, '\0', sizeof why) != NULL);
	}
	if (rl == 0) {
		check_args(&lenient);
		pf_getauth_request req;
		(void)pf_getauth_from_args(&lenient, 1, &req, why, sizeof why);
	}
	pf_args_clear(&strict);
	pf_args_clear(&lenient);
	free(text);
}

static void challenge(const uint8_t *d, size_t n)
{
	char *text = malloc(n ? n : 1);
	FZ_CHECK(text != NULL);
	if (n)
		memcpy(text, d, n);
	/* The adapter and the module share one parser (src/util/challenge.c):
	 * what is left to check is its contract on any input. */
	uint8_t a[PF_CHALLENGE_MAX];
	size_t al = 99;
	int ra = pf_challenge_parse(text, n, a, &al);
	FZ_CHECK(ra == 0 ? al >= 1 && al <= PF_CHALLENGE_MAX : al == 0);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		challenge(data + 1, size - 1);
	else
		args(data + 1, size - 1);
	return 0;
}
