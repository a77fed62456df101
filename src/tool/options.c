/*
 * options.c - getopt_long over one table of every option. Options may come
 * before or after the subcommand; the first non-option word is the subcommand.
 */
#include "tool/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long reports a long option by its val; values start above every
 * byte so that none can be mistaken for a short option or for 0 ("no optopt"). */
#define OPT_VAL_BASE 256
#define OV(o) ((o) + OPT_VAL_BASE)

static const struct option long_options[] = {
	{ "module", required_argument, NULL, OV(OPT_MODULE) },
	{ "slot", required_argument, NULL, OV(OPT_SLOT) },
	{ "uri", required_argument, NULL, OV(OPT_URI) },
	{ "token", required_argument, NULL, OV(OPT_TOKEN) },
	{ "serial", required_argument, NULL, OV(OPT_SERIAL) },
	{ "login", no_argument, NULL, OV(OPT_LOGIN) },
	{ "pin", required_argument, NULL, OV(OPT_PIN) },
	{ "so-pin", required_argument, NULL, OV(OPT_SO_PIN) },
	{ "user-pin", required_argument, NULL, OV(OPT_USER_PIN) },
	{ "label", required_argument, NULL, OV(OPT_LABEL) },
	{ "so", no_argument, NULL, OV(OPT_SO) },
	{ "user", no_argument, NULL, OV(OPT_USER) },
	{ "old-pin", required_argument, NULL, OV(OPT_OLD_PIN) },
	{ "new-pin", required_argument, NULL, OV(OPT_NEW_PIN) },
	{ "pin-file", required_argument, NULL, OV(OPT_PIN_FILE) },
	{ "service", required_argument, NULL, OV(OPT_SERVICE) },
	{ "index", required_argument, NULL, OV(OPT_INDEX) },
	{ "type", required_argument, NULL, OV(OPT_TYPE) },
	{ "server", no_argument, NULL, OV(OPT_SERVER) },
	{ "hex", required_argument, NULL, OV(OPT_HEX) },
	{ "hex-file", required_argument, NULL, OV(OPT_HEX_FILE) },
	{ "id", required_argument, NULL, OV(OPT_ID) },
	{ "value", required_argument, NULL, OV(OPT_VALUE) },
	{ "provision", no_argument, NULL, OV(OPT_PROVISION) },
	{ "identity", required_argument, NULL, OV(OPT_IDENTITY) },
	{ "challenge", required_argument, NULL, OV(OPT_CHALLENGE) },
	{ "hmac", no_argument, NULL, OV(OPT_HMAC) },
	{ "identity-value", required_argument, NULL, OV(OPT_IDENTITY_VALUE) },
	{ "identity-hash", required_argument, NULL, OV(OPT_IDENTITY_HASH) },
	{ "signature", required_argument, NULL, OV(OPT_SIGNATURE) },
	{ "cbc", no_argument, NULL, OV(OPT_CBC) },
	{ "data", required_argument, NULL, OV(OPT_DATA) },
	{ "in", required_argument, NULL, OV(OPT_IN) },
	{ "alg", required_argument, NULL, OV(OPT_ALG) },
	{ "enc", required_argument, NULL, OV(OPT_ENC) },
	{ "cty", required_argument, NULL, OV(OPT_CTY) },
	{ "nonce", required_argument, NULL, OV(OPT_NONCE) },
	{ "json", no_argument, NULL, OV(OPT_JSON) },
	{ "help", no_argument, NULL, OV(OPT_HELP) },
	{ "version", no_argument, NULL, OV(OPT_VERSION) },
	{ "kek", required_argument, NULL, OV(OPT_KEK) },
	{ "file", required_argument, NULL, OV(OPT_FILE) },
	{ "extractable", no_argument, NULL, OV(OPT_EXTRACTABLE) },
	{ "key-params", required_argument, NULL, OV(OPT_KEY_PARAMS) },
	{ "tar", required_argument, NULL, OV(OPT_TAR) },
	{ "por-data", required_argument, NULL, OV(OPT_POR_DATA) },
	{ "master", required_argument, NULL, OV(OPT_MASTER) },
	{ "device-id", required_argument, NULL, OV(OPT_DEVICE_ID) },
	{ "instance", required_argument, NULL, OV(OPT_INSTANCE) },
	{ "ke", required_argument, NULL, OV(OPT_KE) },
	{ "salt", required_argument, NULL, OV(OPT_SALT) },
	{ "container", required_argument, NULL, OV(OPT_CONTAINER) },
	{ "hash", required_argument, NULL, OV(OPT_HASH) },
	{ NULL, 0, NULL, 0 },
};

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("portfolio-tool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see portfolio-tool --help)\n", stderr);
	return TOOL_EXIT_USAGE;
}

const char *options_name(enum tool_opt opt)
{
	for (size_t i = 0; long_options[i].name != NULL; i++)
		if (long_options[i].val == OV((int)opt))
			return long_options[i].name;
	return "?";
}

/* getopt_long reports an ambiguous abbreviation ("--s") like an unknown
 * option; name it as what it is, with the options it could mean. */
static int unknown_option(const char *arg)
{
	char matches[256] = "";
	size_t len, n = 0;

	if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
		return usage_error("unknown option '%s'", arg);
	arg += 2;
	len = strcspn(arg, "=");
	for (size_t i = 0; long_options[i].name != NULL; i++) {
		if (strncmp(long_options[i].name, arg, len) != 0)
			continue;
		n++;
		if (strlen(matches) + strlen(long_options[i].name) + 5 < sizeof(matches)) {
			strcat(matches, n > 1 ? ", --" : "--");
			strcat(matches, long_options[i].name);
		}
	}
	if (n > 1)
		return usage_error("option '--%.*s' is ambiguous: it could be %s", (int)len, arg, matches);
	return usage_error("unknown option '--%s'", arg);
}

int options_parse(int argc, char **argv, struct tool_options *opts)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opterr = 0; /* we print our own messages, with the exit code we choose */
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		if (c == 'h')
			c = OV(OPT_HELP);
		if (c == '?' || c == ':') {
			if (optopt >= OPT_VAL_BASE && optopt < OV(OPT_COUNT))
				return usage_error("option --%s needs an argument",
						   options_name((enum tool_opt)(optopt - OPT_VAL_BASE)));
			return unknown_option(argv[optind - 1]);
		}
		if (c < OPT_VAL_BASE || c >= OV(OPT_COUNT))
			return usage_error("unknown option '%s'", argv[optind - 1]);
		c -= OPT_VAL_BASE;
		if (opts->seen & OPTBIT(c))
			return usage_error("option --%s given twice", options_name((enum tool_opt)c));
		opts->seen |= OPTBIT(c);
		opts->value[c] = optarg;
	}
	/* GNU getopt permutes, so every non-option word is now at the end. */
	if (optind < argc)
		opts->command = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return TOOL_EXIT_OK;
}

/* The numbers an option may take: what LwM2M (and so GetAuthData through the
 * adapter) can express, so that a value no server could ever ask for is a
 * typo caught here rather than a key or identity nobody can use. */
static const struct {
	enum tool_opt opt;
	unsigned long max;
	const char *meaning;
} ulong_limits[] = {
	{ OPT_ID, 65534, "an Identity resource instance id" },
	{ OPT_IDENTITY, 65534, "an Identity resource instance id" },
	{ OPT_INDEX, 4294967295UL, "a GetAuthData Key Index" },
};

static int check_limit(enum tool_opt opt, unsigned long v, const char *text)
{
	for (size_t i = 0; i < sizeof(ulong_limits) / sizeof(ulong_limits[0]); i++)
		if (ulong_limits[i].opt == opt && v > ulong_limits[i].max)
			return usage_error("--%s is %s, 0..%lu, not '%s'", options_name(opt),
					   ulong_limits[i].meaning, ulong_limits[i].max, text);
	return TOOL_EXIT_OK;
}

int options_ulong(const struct tool_options *opts, enum tool_opt opt, unsigned long *out)
{
	const char *text = opts->value[opt];
	char *end = NULL;
	unsigned long v;

	if (text == NULL)
		return usage_error("option --%s is required", options_name(opt));
	/* strtoul accepts leading space and '-'; an id or index never has either. */
	if (text[0] < '0' || text[0] > '9')
		return usage_error("--%s wants a non-negative decimal number, not '%s'", options_name(opt), text);
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return usage_error("--%s wants a non-negative decimal number, not '%s'", options_name(opt), text);
	*out = v;
	return check_limit(opt, v, text);
}
