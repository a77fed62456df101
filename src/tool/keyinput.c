/* keyinput.c - reading key hex from the command line, a file or stdin. */
#include "tool/keyinput.h"
#include "tool/hex.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* Room for the hex of the largest key plus generous whitespace. */
#define TEXT_MAX (TOOL_KEY_MAX * 2 + 1)

static int read_text(const char *path, char text[TEXT_MAX])
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t used = 0;
	int c, rc = TOOL_EXIT_OK;

	if (f == NULL) {
		fprintf(stderr, "portfolio-tool: cannot open %s: %s\n", path, strerror(errno));
		return TOOL_EXIT_FAILURE;
	}
	/* Keep only non-space characters so "00 11 22\n" and line-wrapped
	 * files work, and stop before overflowing. */
	while ((c = fgetc(f)) != EOF) {
		if (isspace(c))
			continue;
		if (used + 1 >= TEXT_MAX) {
			fprintf(stderr, "portfolio-tool: %s holds more than %d key bytes of hex\n", path, TOOL_KEY_MAX);
			rc = TOOL_EXIT_FAILURE;
			break;
		}
		text[used++] = (char)c;
	}
	text[used] = '\0';
	if (f != stdin)
		fclose(f);
	return rc;
}

int key_read_hex(struct tool_options *opts, unsigned char key[TOOL_KEY_MAX], size_t *len)
{
	char text[TEXT_MAX];
	long n;
	int rc = TOOL_EXIT_OK;

	if (options_has(opts, OPT_HEX) == options_has(opts, OPT_HEX_FILE))
		return usage_error("give the key with exactly one of --hex HEX or --hex-file PATH|-");
	if (options_has(opts, OPT_HEX)) {
		char *arg = opts->value[OPT_HEX];

		if (strlen(arg) >= TEXT_MAX)
			rc = usage_error("--hex holds more than %d key bytes", TOOL_KEY_MAX);
		else
			memcpy(text, arg, strlen(arg) + 1);
		OPENSSL_cleanse(arg, strlen(arg));
	} else {
		rc = read_text(opts->value[OPT_HEX_FILE], text);
	}
	if (rc == TOOL_EXIT_OK) {
		n = hex_decode(text, key, TOOL_KEY_MAX);
		if (n <= 0)
			rc = usage_error("the key %s", hex_problem(text, TOOL_KEY_MAX));
		else
			*len = (size_t)n;
	}
	OPENSSL_cleanse(text, sizeof(text));
	return rc;
}
