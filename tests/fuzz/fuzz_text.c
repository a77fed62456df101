/*
 * fuzz_text.c - the project's text parsers: the configuration file
 * (core_config_parse) and the canonical challenge encoding
 * (pf_challenge_parse, used by the LwM2M adapter and the CLI for the
 * GetAuthData challenge argument). The first byte picks the parser.
 *
 * Properties checked besides memory safety: a parsed configuration has a
 * store path and an instance bound within limits; a parsed challenge is 1..64
 * bytes, and decimal/hex re-encodings of it parse back to the same bytes.
 */
#include "config.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "util/challenge.h"
#include "util/log.h"

static void config(const uint8_t *d, size_t n)
{
	char *text = malloc(n + 1);
	FZ_CHECK(text != NULL);
	memcpy(text, d, n);
	text[n] = '\0';
	core_config cfg;
	memset(&cfg, 0, sizeof cfg);
	if (core_config_parse(&cfg, text, "fuzz") == CKR_OK) {
		FZ_CHECK(cfg.store_path != NULL);
		FZ_CHECK(cfg.max_instances >= 1 && cfg.max_instances <= CORE_LIMIT_MAX_INSTANCES);
		for (size_t i = 0; i < cfg.n_inst; i++) {
			se_config se;
			core_config_se(&cfg, cfg.inst[i].iid, &se);
		}
	}
	core_config_free(&cfg);
	free(text);
}

static void challenge(const uint8_t *d, size_t n)
{
	char *text = malloc(n ? n : 1); /* exact size, not NUL terminated: the parser takes a length */
	FZ_CHECK(text != NULL);
	if (n)
		memcpy(text, d, n);
	uint8_t out[PF_CHALLENGE_MAX];
	size_t len = 99;
	if (pf_challenge_parse(text, n, out, &len) == 0) {
		FZ_CHECK(len >= 1 && len <= PF_CHALLENGE_MAX);
		/* "0x" + hex of the bytes parses back to the same bytes. */
		char hex[3 + 2 * PF_CHALLENGE_MAX]; /* snprintf writes a NUL after the last pair */
		hex[0] = '0';
		hex[1] = 'x';
		for (size_t i = 0; i < len; i++)
			snprintf(hex + 2 + 2 * i, 3, "%02x", out[i]);
		uint8_t back[PF_CHALLENGE_MAX];
		size_t back_len = 0;
		FZ_CHECK(pf_challenge_parse(hex, 2 + 2 * len, back, &back_len) == 0);
		FZ_CHECK(back_len == len && memcmp(back, out, len) == 0);
	} else {
		FZ_CHECK(len == 0);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		pf_log_set_level(PF_LOG_NONE);
		quiet = 1;
	}
	if (size == 0)
		return 0;
	if (data[0] & 1)
		challenge(data + 1, size - 1);
	else
		config(data + 1, size - 1);
	return 0;
}
