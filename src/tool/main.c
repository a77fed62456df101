/*
 * main.c - portfolio-tool: the command table, help, and the one place that
 * loads the module, runs a command and unloads.
 */
#include "config.h"

#include "tool/module.h"
#include "tool/options.h"
#include "tool/pin.h"
#include "tool/tool.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(struct tool *t);
	uint64_t required;
	uint64_t optional;
	const char *synopsis;
	const char *summary;
};

#define B(o) OPTBIT(OPT_##o)

/* Options every command accepts. */
#define GLOBAL_OPTS (B(MODULE) | B(HELP) | B(JSON))
/* A command that takes any PIN takes --pin-file too. */
#define PIN_OPTS (B(PIN) | B(SO_PIN) | B(USER_PIN) | B(OLD_PIN) | B(NEW_PIN))
/* A command that takes --slot takes the other ways to name a token too. */
#define TOKEN_OPTS (B(URI) | B(TOKEN) | B(SERIAL))
/* verify / decrypt against a master (cmd_fleet.c). */
#define FLEET_OPTS (B(MASTER) | B(DEVICE_ID) | B(INSTANCE))

static const struct command commands[] = {
	{ "list-slots", cmd_list_slots, 0, 0,
	  "list-slots",
	  "List the slots: one per Portfolio instance (/16/N), plus the free one." },
	{ "list-mechanisms", cmd_list_mechanisms, B(SLOT), 0,
	  "list-mechanisms --slot N",
	  "List the mechanisms of a slot, with key sizes and uses." },
	{ "list-objects", cmd_list_objects, B(SLOT), B(LOGIN) | B(PIN),
	  "list-objects --slot N [--login [--pin P]]",
	  "List keys and Identity instances (attributes only, never values)." },
	{ "init-instance", cmd_init_instance, B(LABEL), B(SO_PIN) | B(USER_PIN),
	  "init-instance --label L [--so-pin P] [--user-pin U]",
	  "Create a Portfolio instance on the free slot (C_InitToken, C_InitPIN);\n"
	  "prints the new instance id (= slot id)." },
	{ "set-pin", cmd_set_pin, B(SLOT), B(SO) | B(USER) | B(OLD_PIN) | B(NEW_PIN),
	  "set-pin --slot N --so|--user [--old-pin P] [--new-pin Q]",
	  "Change the SO or user PIN (C_Login, C_SetPIN)." },
	{ "init-pin", cmd_init_pin, B(SLOT), B(SO_PIN) | B(USER_PIN),
	  "init-pin --slot N [--so-pin P] [--user-pin U]",
	  "Set (or reset) the user PIN as the SO (C_InitPIN)." },
	{ "gen-key", cmd_gen_key, B(SLOT) | B(SERVICE) | B(INDEX), B(TYPE) | B(SERVER) | B(PIN) | B(EXTRACTABLE),
	  "gen-key --slot N --service auth|enc --index K [--type aes128|aes256|hmac] [--server]\n"
	  "        [--extractable]",
	  "Generate key Kn of a keyset inside the token." },
	{ "import-key", cmd_import_key, B(SLOT) | B(SERVICE) | B(INDEX),
	  B(TYPE) | B(SERVER) | B(PIN) | B(HEX) | B(HEX_FILE) | B(EXTRACTABLE),
	  "import-key --slot N --service auth|enc --index K (--hex HEX | --hex-file PATH|-)\n"
	  "           [--type aes128|aes256|hmac] [--server] [--extractable]",
	  "Import key Kn of a keyset; --server makes a verify/decrypt-only copy." },
	{ "set-identity", cmd_set_identity, B(SLOT) | B(ID) | B(VALUE), B(PROVISION) | B(PIN) | B(SO_PIN),
	  "set-identity --slot N --id I --value STR [--provision]",
	  "Write Identity instance /16/N/0/I. --provision (as SO) also provisions\n"
	  "SHA-256(STR); without it (as user) only the value changes." },
	{ "delete-key", cmd_delete_key, B(SLOT) | B(SERVICE) | B(INDEX), B(PIN) | B(SO) | B(SO_PIN),
	  "delete-key --slot N --service auth|enc --index K [--so]",
	  "Delete key Kn of a keyset (C_DestroyObject; as the user, or the SO with --so)." },
	{ "delete-instance", cmd_delete_instance, B(SLOT), B(SO_PIN),
	  "delete-instance --slot N",
	  "Delete every key and identity of the instance and its user PIN, as the SO\n"
	  "(C_InitToken with a blank label: PKCS#11 cannot remove a token)." },
	{ "delete-identity", cmd_delete_identity, B(SLOT) | B(ID), B(PIN) | B(SO) | B(SO_PIN),
	  "delete-identity --slot N --id I [--so]",
	  "Delete Identity instance /16/N/0/I with its hash (as the user, or the SO with --so)." },
	{ "get-identity", cmd_get_identity, B(SLOT), B(ID) | B(PIN),
	  "get-identity --slot N [--id I]",
	  "Print Identity values (one, or all with their ids)." },
	{ "sign", cmd_sign, B(SLOT) | B(IDENTITY) | B(CHALLENGE) | B(INDEX), B(HMAC) | B(PIN),
	  "sign --slot N --identity I --challenge C --index K [--hmac]",
	  "Device side of GetAuthData 0='0': print SIG_Kn(Hash(Identity I) || C) in hex." },
	{ "verify", cmd_verify, B(SLOT) | B(CHALLENGE) | B(INDEX) | B(SIGNATURE),
	  B(IDENTITY_VALUE) | B(IDENTITY_HASH) | B(HMAC) | B(PIN) | FLEET_OPTS,
	  "verify --slot N (--identity-value STR | --identity-hash HEX) --challenge C\n"
	  "       --index K --signature HEX [--hmac] [--master L --device-id D --instance I]",
	  "Server side: check a signature; exit 0 \"signature valid\", 3 \"signature INVALID\".\n"
	  "With --master: with the key of device D, instance I, index K derived from the\n"
	  "master labelled L for this one check (no per-device key object)." },
	{ "encrypt", cmd_encrypt, B(SLOT) | B(IDENTITY) | B(CHALLENGE) | B(INDEX), B(CBC) | B(PIN),
	  "encrypt --slot N --identity I --challenge C --index K [--cbc]",
	  "Device side of GetAuthData 0='1': print ENCRYPT_Kn(Identity I || C) in hex." },
	{ "import-kek", cmd_import_kek, B(SLOT) | B(LABEL), B(HEX) | B(HEX_FILE) | B(PIN) | B(SO) | B(SO_PIN) | B(SERVER),
	  "import-kek --slot N --label L (--hex HEX | --hex-file PATH|-) [--so | --server]",
	  "Import an AES key-encryption key that only wraps and unwraps (sensitive,\n"
	  "never extractable); the same KEK on two tokens lets one restore the other's backup.\n"
	  "--so: as the SO, a trusted KEK (CKA_TRUSTED) that only wraps: the one a key made\n"
	  "with CKA_WRAP_WITH_TRUSTED (onem2m-derive --extractable) may leave under.\n"
	  "--server: a receiving KEK that only unwraps, and what it unwraps lands sensitive\n"
	  "and unextractable (CKA_UNWRAP_TEMPLATE): AE2's transport key." },
	{ "backup", cmd_backup, B(SLOT) | B(KEK) | B(FILE), B(PIN),
	  "backup --slot N --kek L --file PATH",
	  "Write every key (bound-wrapped under the KEK labelled L) and provisioned Identity\n"
	  "of the instance to one file, HMAC-checked by the token (docs/fleet.md)." },
	{ "restore", cmd_restore, B(SLOT) | B(KEK) | B(FILE), B(SO_PIN),
	  "restore --slot N --kek L --file PATH",
	  "As the SO: check the file inside the token, then load all of it or nothing." },
	{ "export-key", cmd_export_key, B(SLOT) | B(KEK) | B(FILE), B(SERVICE) | B(INDEX) | B(LABEL) | B(PIN),
	  "export-key --slot N (--service auth|enc --index K | --label L) --kek KEK --file PATH",
	  "Write one key, bound-wrapped under the KEK, to a checked file: a keyset key, or\n"
	  "with --label a key of no keyset (a oneM2M key, onem2m-derive --extractable)." },
	{ "import-wrapped-key", cmd_import_wrapped_key, B(SLOT) | B(KEK) | B(FILE), B(SERVER) | B(LABEL) | B(PIN),
	  "import-wrapped-key --slot N --kek L --file PATH [--server] [--label NEW]",
	  "Unwrap the key of an export-key file into the token (same service, index, usage).\n"
	  "--server: a key of no keyset lands narrowed to decrypt/verify/unwrap (no encrypt,\n"
	  "sign, derive; unextractable), sealed so by the token. --label: its label (free)." },
	{ "decrypt", cmd_decrypt, B(SLOT) | B(CHALLENGE) | B(INDEX) | B(DATA), B(CBC) | B(PIN) | FLEET_OPTS,
	  "decrypt --slot N --challenge C --index K --data HEX [--cbc] [--master L --device-id D --instance I]",
	  "Server side: check challenge and tag, print the Identity value; --master as for verify." },
	{ "gen-master", cmd_gen_master, B(SLOT) | B(LABEL) | B(SERVICE), B(TYPE) | B(EXTRACTABLE) | B(PIN),
	  "gen-master --slot N --label L --service auth|enc [--type aes128|aes256] [--extractable]",
	  "Generate a master key in the token (CKA_PORTFOLIO_MASTER): it only derives the\n"
	  "device keys of its service (docs/fleet.md); --extractable: it may leave wrapped." },
	{ "import-master", cmd_import_master, B(SLOT) | B(LABEL) | B(SERVICE),
	  B(HEX) | B(HEX_FILE) | B(TYPE) | B(EXTRACTABLE) | B(PIN),
	  "import-master --slot N --label L --service auth|enc (--hex HEX | --hex-file PATH|-)\n"
	  "              [--extractable]",
	  "Import a master key of 16 or 32 bytes (fixtures, test vectors); gen-master is the rule." },
	{ "derive-device", cmd_derive_device, B(SLOT) | B(MASTER) | B(DEVICE_ID) | B(INSTANCE) | B(INDEX) | B(KEK) | B(FILE),
	  B(PIN),
	  "derive-device --slot N --master L --device-id D --instance I --index K --kek KEK --file PATH",
	  "Factory: derive the key of device D, instance I, index K from the master as a\n"
	  "session key, bound-wrap it under the KEK into an export-key file, destroy it.\n"
	  "The device loads the file with import-wrapped-key (the key lands unextractable)." },
	{ "import-jose-key", cmd_import_jose_key, B(SLOT) | B(LABEL) | B(ALG), B(HEX) | B(HEX_FILE) | B(SERVER) | B(PIN),
	  "import-jose-key --slot N --label KID --alg dir|A128KW|A256KW|HS256|HS384|HS512\n"
	  "                (--hex HEX | --hex-file PATH|-) [--server]",
	  "Import a secret key outside the keysets for one JOSE algorithm, labelled with\n"
	  "its kid (the oneM2M Credential-Id); --server makes a decrypt/unwrap/verify-only copy." },
	{ "jwe-encrypt", cmd_jwe_encrypt, B(SLOT) | B(LABEL), B(ALG) | B(ENC) | B(CTY) | B(NONCE) | B(IN) | B(PIN),
	  "jwe-encrypt --slot N --label KID [--alg dir|A128KW|A256KW] [--enc A128GCM|A256GCM]\n"
	  "            [--cty TYPE] [--nonce HEX] [--in FILE|-]",
	  "Compact JWE (RFC 7516) of the input with the token key labelled KID (the kid);\n"
	  "defaults dir, A256GCM. The key never leaves the token." },
	{ "jwe-decrypt", cmd_jwe_decrypt, B(SLOT), B(LABEL) | B(IN) | B(PIN),
	  "jwe-decrypt --slot N [--label KID] [--in FILE|-]",
	  "Decrypt a compact JWE with the token key its kid names; the plaintext goes to\n"
	  "standard output only when the tag is right (else exit 3)." },
	{ "jws-sign", cmd_jws_sign, B(SLOT) | B(LABEL), B(ALG) | B(CTY) | B(NONCE) | B(IN) | B(PIN),
	  "jws-sign --slot N --label KID [--alg HS256|HS384|HS512] [--cty TYPE] [--nonce HEX] [--in FILE|-]",
	  "Compact JWS (RFC 7515) of the input, HMAC by the token key labelled KID." },
	{ "jws-verify", cmd_jws_verify, B(SLOT), B(LABEL) | B(IN) | B(PIN),
	  "jws-verify --slot N [--label KID] [--in FILE|-]",
	  "Verify a compact JWS with the token key its kid names; print the payload when\n"
	  "valid, exit 3 when the signature is INVALID. alg \"none\" is always refused." },
	{ "import-onem2m-ke", cmd_import_onem2m_ke, B(SLOT) | B(LABEL), B(HEX) | B(HEX_FILE) | B(PIN),
	  "import-onem2m-ke --slot N --label L (--hex HEX | --hex-file PATH|-)",
	  "Import the oneM2M bootstrap credential Ke (or Kpsa, Km; 16 bytes or more) as a\n"
	  "generic secret that only derives (docs/onem2m.md)." },
	{ "onem2m-derive", cmd_onem2m_derive, B(SLOT) | B(KE) | B(SALT) | B(CONTAINER) | B(NONCE),
	  B(HASH) | B(LABEL) | B(EXTRACTABLE) | B(PIN),
	  "onem2m-derive --slot N --ke L --salt HEX --container NAME --nonce HEX\n"
	  "              [--hash sha256|sha384|sha512] [--label PREFIX] [--extractable]",
	  "Run the oneM2M key chain from Ke inside the token (C_DeriveKey only) and keep the\n"
	  "container keys PREFIX-auth (HMAC: jws-sign) and PREFIX-conf (AES-256: jwe-encrypt\n"
	  "dir A256GCM); PREFIX defaults to NAME. K_master, K_auth, K_conf are session keys\n"
	  "destroyed at the end. --extractable (the TEF): the container keys may leave\n"
	  "wrapped under a trusted KEK (import-kek --so; export-key --label), never in clear." },
	{ "sms-provision", cmd_sms_provision, B(SLOT) | B(KEY_PARAMS), B(PIN) | B(HEX) | B(HEX_FILE),
	  "sms-provision --slot N --key-params HEX (--hex HEX | --hex-file PATH|-)",
	  "Import the SMS binding keyset from the Security object's resources:\n"
	  "--key-params = \"SMS Binding Key Parameters\" KIc|KID|SPI(2)|TAR(3) (7 bytes),\n"
	  "the keys = \"SMS Binding Secret Keys\" KIc key || KID key. Device and server alike." },
	{ "sms-wrap", cmd_sms_wrap, B(SLOT) | B(DATA), B(TAR) | B(PIN),
	  "sms-wrap --slot N --data HEX [--tar HEX]",
	  "Protect data into an SCP80 command packet inside the token (numbered from\n"
	  "its send counter); prints the packet from CPL in hex." },
	{ "sms-unwrap", cmd_sms_unwrap, B(SLOT) | B(DATA), B(TAR) | B(POR_DATA) | B(PIN),
	  "sms-unwrap --slot N --data HEX [--tar HEX] [--por-data HEX]",
	  "Check and open an SCP80 command packet inside the token (its receive counter);\n"
	  "prints the data, then the PoR (empty line: none). Exit 3: packet discarded." },
	{ "sms-por", cmd_sms_por, B(SLOT) | B(DATA), B(TAR) | B(PIN),
	  "sms-por --slot N --data HEX [--tar HEX]",
	  "The sender of a command packet checks and opens its PoR inside the token\n"
	  "(from the UDH 027100): prints \"status XX\", \"counter N\", then the PoR's data.\n"
	  "Exit 3: PoR refused (wrong CC, not for this keyset's TAR, or a counter never sent)." },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_command(FILE *f, const struct command *c)
{
	fprintf(f, "  %s\n", c->synopsis);
	fprintf(f, "      ");
	for (const char *p = c->summary; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "      ");
	}
	fputc('\n', f);
}

/* Every option the command accepts, from its table entry: for people and
 * for the bash completion (scripts/portfolio-tool.bash), which reads it. */
static uint64_t accepted_options(const struct command *c)
{
	uint64_t allowed = c->required | c->optional | GLOBAL_OPTS;

	if (allowed & B(SLOT))
		allowed |= TOKEN_OPTS;
	return (allowed & PIN_OPTS) ? allowed | B(PIN_FILE) : allowed;
}

static void print_command_options(FILE *f, const struct command *c)
{
	uint64_t allowed = accepted_options(c);
	const char *sep = "Options:";

	for (int o = 0; o < OPT_COUNT; o++) {
		if (allowed & OPTBIT(o)) {
			fprintf(f, "%s --%s", sep, options_name((enum tool_opt)o));
			sep = ",";
		}
	}
	fputc('\n', f);
}

static void print_help(FILE *f)
{
	fprintf(f, "Usage: portfolio-tool [--module PATH] COMMAND [OPTIONS]\n\n"
		   "Manage and use OMA LwM2M Portfolio Object (/16) instances through the\n"
		   "portfolio-pkcs11 module (or any module with the same vendor mechanisms).\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		print_command(f, &commands[i]);
	fprintf(f, "\nChallenges are written as the LwM2M server writes them: 0x2345178 (hex,\n"
		   "big-endian, an odd digit count gets a leading zero nibble) or decimal.\n\n"
		   "PINs: --pin (user) / --so-pin, else PORTFOLIO_PIN / PORTFOLIO_SO_PIN, else the\n"
		   "next line of --pin-file PATH (- reads standard input), one PIN a line in the\n"
		   "order the command asks, else a prompt without echo on a terminal (a new PIN\n"
		   "twice). set-pin also reads PORTFOLIO_NEW_PIN.\n"
		   "Module: --module PATH, else PORTFOLIO_TOOL_MODULE, else\n  %s\n\n"
		   "Exit status: 0 success, 1 the module failed (PKCS#11 error, I/O), 2 usage\n"
		   "error, 3 signature or AuthData INVALID (verify, decrypt). See portfolio-tool(1).\n",
		   PORTFOLIO_TOOL_DEFAULT_MODULE);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Every required option present, and nothing a command does not take. */
static int check_options(const struct command *c, const struct tool_options *opts)
{
	uint64_t allowed = accepted_options(c);

	if ((c->required & B(SLOT)) && !(opts->seen & (B(SLOT) | TOKEN_OPTS)))
		return usage_error("%s needs a token: --slot N, --token LABEL, --serial S or --uri pkcs11:...",
				   c->name);
	for (int o = 0; o < OPT_COUNT; o++) {
		/* --slot as a requirement was checked above (or a token option does) */
		if (o == OPT_INDEX && (c->required & B(INDEX)) && !(opts->seen & (B(INDEX) | B(URI))))
			return usage_error("%s needs --index K, or a --uri whose object= or id= names the key",
					   c->name);
		/* --index may also come from the --uri (key_choice_parse checks it names a key) */
		if (o != OPT_SLOT && o != OPT_INDEX && (c->required & OPTBIT(o)) && !(opts->seen & OPTBIT(o)))
			return usage_error("%s needs --%s", c->name, options_name((enum tool_opt)o));
		if ((opts->seen & OPTBIT(o)) && !(allowed & OPTBIT(o)))
			return usage_error("%s does not take --%s", c->name, options_name((enum tool_opt)o));
	}
	return TOOL_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct tool t;
	struct tool_module m;
	const struct command *c;
	int rc = options_parse(argc, argv, &t.opts);

	if (rc != TOOL_EXIT_OK)
		return rc;
	if (options_has(&t.opts, OPT_VERSION)) {
		printf("portfolio-tool (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return TOOL_EXIT_OK;
	}
	if (t.opts.command == NULL) {
		if (options_has(&t.opts, OPT_HELP)) {
			print_help(stdout);
			return TOOL_EXIT_OK;
		}
		print_help(stderr);
		return TOOL_EXIT_USAGE;
	}
	c = find_command(t.opts.command);
	if (c == NULL)
		return usage_error("unknown command '%s'", t.opts.command);
	if (options_has(&t.opts, OPT_HELP)) {
		printf("Usage: portfolio-tool [--module PATH] ");
		print_command(stdout, c);
		print_command_options(stdout, c);
		return TOOL_EXIT_OK;
	}
	rc = check_options(c, &t.opts);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = module_load(module_path(&t.opts), &m);
	if (rc != TOOL_EXIT_OK)
		return rc;
	t.p11 = m.p11;
	rc = c->run(&t);
	pin_done();
	fflush(stdout);
	module_unload(&m);
	return rc;
}
