/*
 * options.h - the tool's command line: one option table shared by every
 * subcommand. Each subcommand declares which options it accepts and which it
 * requires (main.c), so a typo or an option meant for another command is a
 * usage error instead of being silently ignored.
 */
#ifndef PORTFOLIO_TOOL_OPTIONS_H
#define PORTFOLIO_TOOL_OPTIONS_H

#include <stdint.h>

enum tool_opt {
	OPT_MODULE,
	OPT_SLOT,
	OPT_URI,
	OPT_TOKEN,
	OPT_SERIAL,
	OPT_LOGIN,
	OPT_PIN,
	OPT_SO_PIN,
	OPT_USER_PIN,
	OPT_LABEL,
	OPT_SO,
	OPT_USER,
	OPT_OLD_PIN,
	OPT_NEW_PIN,
	OPT_PIN_FILE,
	OPT_SERVICE,
	OPT_INDEX,
	OPT_TYPE,
	OPT_SERVER,
	OPT_HEX,
	OPT_HEX_FILE,
	OPT_ID,
	OPT_VALUE,
	OPT_PROVISION,
	OPT_IDENTITY,
	OPT_CHALLENGE,
	OPT_HMAC,
	OPT_IDENTITY_VALUE,
	OPT_IDENTITY_HASH,
	OPT_SIGNATURE,
	OPT_CBC,
	OPT_DATA,
	OPT_IN,
	OPT_ALG,
	OPT_ENC,
	OPT_CTY,
	OPT_NONCE,
	OPT_JSON,
	OPT_HELP,
	OPT_VERSION,
	OPT_KEK,      /* cmd_backup.c: the key-encryption key's label */
	OPT_FILE,     /* cmd_backup.c: the backup / wrapped-key file */
	OPT_EXTRACTABLE, /* gen-key / import-key: the key may leave the token wrapped */
	OPT_KEY_PARAMS,   /* sms-provision: "SMS Binding Key Parameters", hex */
	OPT_TAR,          /* sms-wrap / -unwrap / -por: which SMS keyset (3 bytes hex) */
	OPT_POR_DATA,     /* sms-unwrap: data the PoR carries, hex */
	OPT_MASTER,       /* cmd_fleet.c: the master key's label */
	OPT_DEVICE_ID,    /* cmd_fleet.c: D, the device id (bytes of the string) */
	OPT_INSTANCE,     /* cmd_fleet.c: I, the device's Portfolio instance */
	OPT_KE,           /* cmd_onem2m.c: the label of Ke */
	OPT_SALT,         /* cmd_onem2m.c: the HKDF salt, hex */
	OPT_CONTAINER,    /* cmd_onem2m.c: the container name (bytes of the string) */
	OPT_HASH,         /* cmd_onem2m.c: sha256|sha384|sha512 */
	OPT_COUNT
};

#define OPTBIT(o) ((uint64_t)1 << (o))

struct tool_options {
	const char *command;          /* the subcommand name, NULL if none given */
	uint64_t seen;                /* OPTBIT() of every option given */
	char *value[OPT_COUNT]; /* the argument of options that take one (points into argv, so a PIN can be wiped there) */
};

/* Exit codes shared by every command. */
#define TOOL_EXIT_OK      0
#define TOOL_EXIT_FAILURE 1 /* the module or an I/O operation failed (a PKCS#11 error) */
#define TOOL_EXIT_USAGE   2 /* the command line is wrong */
#define TOOL_EXIT_INVALID 3 /* the check ran and said no: signature or AuthData invalid */

/* Parses argv into opts. Returns TOOL_EXIT_OK or TOOL_EXIT_USAGE (message printed). */
int options_parse(int argc, char **argv, struct tool_options *opts);

/* The long name of an option, without the dashes ("slot"). */
const char *options_name(enum tool_opt opt);

static inline int options_has(const struct tool_options *opts, enum tool_opt opt)
{
	return (opts->seen & OPTBIT(opt)) != 0;
}

/* Strict unsigned decimal parse of an option's argument into *out.
 * Returns TOOL_EXIT_OK or TOOL_EXIT_USAGE (message printed). */
int options_ulong(const struct tool_options *opts, enum tool_opt opt, unsigned long *out);

/* Prints "portfolio-tool: <message>" to stderr, returns TOOL_EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
