/*
 * cmd_key.c - gen-key and import-key: putting a key into a keyset of an
 * instance. A device key can compute (sign, or encrypt and decrypt); a
 * server copy (--server) can only check (verify, or decrypt), which is what
 * the server side of GetAuthData needs and nothing more.
 */
#include "tool/keyinput.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"
#include "util/sizes.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

struct key_spec {
	CK_ULONG service;
	CK_ULONG index;
	CK_KEY_TYPE key_type;
	CK_ULONG length; /* bytes */
	int server;
};

/* --type: aes128 | aes192 | aes256 | hmac. With no --type, import-key takes
 * the AES size from the key length (default_len 0) and gen-key makes aes128. */
static int parse_aes_type(struct tool *t, size_t import_len, struct key_spec *spec);

/* The Portfolio CMAC signature is specified for AES-128 and AES-256 only
 * (docs/mechanisms.md): refuse here what sign would refuse later. */
static int check_keyset_size(const struct key_spec *spec)
{
	if (spec->key_type == CKK_AES && spec->service == CK_PORTFOLIO_SRV_AUTHENT && spec->length == 24)
		return usage_error("the auth keyset signs with AES-CMAC over AES-128 or AES-256 keys, not a 24-byte key");
	return TOOL_EXIT_OK;
}

static int parse_type(struct tool *t, size_t import_len, struct key_spec *spec)
{
	int rc = parse_aes_type(t, import_len, spec);

	return rc == TOOL_EXIT_OK ? check_keyset_size(spec) : rc;
}

static int parse_aes_type(struct tool *t, size_t import_len, struct key_spec *spec)
{
	const char *type = t->opts.value[OPT_TYPE];

	if (type == NULL) {
		spec->key_type = CKK_AES;
		spec->length = import_len != 0 ? import_len : 16;
		if (!pf_aes_key_len_ok(spec->length))
			return usage_error("an AES key has 16, 24 or 32 bytes, this one %zu (use --type hmac for HMAC)",
					   import_len);
		return TOOL_EXIT_OK;
	}
	if (strcmp(type, "hmac") == 0) {
		spec->key_type = CKK_GENERIC_SECRET;
		spec->length = import_len != 0 ? import_len : 32;
		if (spec->length < 16)
			return usage_error("an HMAC key needs at least 16 bytes");
		if (spec->service != CK_PORTFOLIO_SRV_AUTHENT)
			return usage_error("HMAC keys belong to the auth keyset only");
		return TOOL_EXIT_OK;
	}
	spec->key_type = CKK_AES;
	if (strcmp(type, "aes128") == 0)
		spec->length = 16;
	else if (strcmp(type, "aes192") == 0)
		spec->length = 24;
	else if (strcmp(type, "aes256") == 0)
		spec->length = 32;
	else
		return usage_error("--type wants aes128, aes192, aes256 or hmac, not '%s'", type);
	if (import_len != 0 && import_len != spec->length)
		return usage_error("--type %s wants %lu key bytes, the key has %zu", type,
				   (unsigned long)spec->length, import_len);
	return TOOL_EXIT_OK;
}

static int parse_spec(struct tool *t, struct key_spec *spec)
{
	unsigned long index;
	int rc = parse_service(t, &spec->service);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = options_ulong(&t->opts, OPT_INDEX, &index);
	if (rc != TOOL_EXIT_OK)
		return rc;
	spec->index = index;
	spec->server = options_has(&t->opts, OPT_SERVER);
	return TOOL_EXIT_OK;
}

/* The result of put_key, as text or JSON. */
static int report_key(struct tool *t, CK_SLOT_ID slot, const struct key_spec *spec, const char *label,
		      int imported)
{
	int auth = spec->service == CK_PORTFOLIO_SRV_AUTHENT;
	const char *type = spec->key_type == CKK_AES ? "AES" : "HMAC";

	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		out_str(doc, "label", label);
		out_str(doc, "keyset", auth ? "auth" : "enc");
		out_ulong(doc, "index", (unsigned long)spec->index);
		out_str(doc, "key_type", type);
		out_ulong(doc, "bytes", (unsigned long)spec->length);
		out_bool(doc, "server", spec->server);
		return out_print(doc, TOOL_EXIT_OK);
	}
	printf("slot %lu: %s key %s (%s, %lu bytes%s)\n", (unsigned long)slot, imported ? "imported" : "generated",
	       label, type, (unsigned long)spec->length, spec->server ? ", server copy: check only" : "");
	return TOOL_EXIT_OK;
}

/* Creates (value != NULL) or generates the key described by spec. */
static int put_key(struct tool *t, const struct key_spec *spec, unsigned char *value)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE key_type = spec->key_type;
	CK_BBOOL yes = CK_TRUE;
	/* --extractable: the key may leave the token, only wrapped (backup, export-key) */
	CK_BBOOL extractable = options_has(&t->opts, OPT_EXTRACTABLE) ? CK_TRUE : CK_FALSE;
	int auth = spec->service == CK_PORTFOLIO_SRV_AUTHENT;
	CK_BBOOL can_sign = auth && !spec->server ? CK_TRUE : CK_FALSE;
	CK_BBOOL can_verify = auth ? CK_TRUE : CK_FALSE;
	CK_BBOOL can_encrypt = !auth && !spec->server ? CK_TRUE : CK_FALSE;
	CK_BBOOL can_decrypt = !auth ? CK_TRUE : CK_FALSE;
	CK_ULONG service = spec->service, index = spec->index, length = spec->length;
	char label[48];
	CK_ATTRIBUTE tmpl[16];
	CK_ULONG n = 0;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	CK_RV rv;
	int found, rc = tool_slot(t, &slot);

	if (rc != TOOL_EXIT_OK)
		return rc;
	snprintf(label, sizeof(label), "%s-K%lu%s", auth ? "auth" : "enc", (unsigned long)spec->index,
		 spec->server ? "-server" : "");
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_CLASS, &cls, sizeof(cls) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_KEY_TYPE, &key_type, sizeof(key_type) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_TOKEN, &yes, sizeof(yes) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_PRIVATE, &yes, sizeof(yes) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_SENSITIVE, &yes, sizeof(yes) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_EXTRACTABLE, &extractable, sizeof(extractable) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_LABEL, label, (CK_ULONG)strlen(label) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_PORTFOLIO_SERVICE, &service, sizeof(service) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_SIGN, &can_sign, sizeof(can_sign) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_VERIFY, &can_verify, sizeof(can_verify) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_ENCRYPT, &can_encrypt, sizeof(can_encrypt) };
	tmpl[n++] = (CK_ATTRIBUTE){ CKA_DECRYPT, &can_decrypt, sizeof(can_decrypt) };
	if (value != NULL)
		tmpl[n++] = (CK_ATTRIBUTE){ CKA_VALUE, value, length };
	else
		tmpl[n++] = (CK_ATTRIBUTE){ CKA_VALUE_LEN, &length, sizeof(length) };

	rc = session_open(t, slot, 1, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = find_keyset_key(t, s, service, index, &key, &found);
	if (rc == TOOL_EXIT_OK && found) {
		fprintf(stderr, "portfolio-tool: slot %lu already has key K%lu in its %s keyset\n",
			(unsigned long)slot, (unsigned long)index, auth ? "auth" : "enc");
		rc = TOOL_EXIT_FAILURE;
	}
	if (rc == TOOL_EXIT_OK && value != NULL) {
		rv = t->p11->C_CreateObject(s, tmpl, n, &key);
		if (rv != CKR_OK)
			rc = rv_fail("C_CreateObject", rv);
	} else if (rc == TOOL_EXIT_OK) {
		CK_MECHANISM mech = { key_type == CKK_AES ? CKM_AES_KEY_GEN : CKM_GENERIC_SECRET_KEY_GEN, NULL, 0 };

		/* CKA_CLASS and CKA_KEY_TYPE follow from the mechanism; giving
		 * them anyway is allowed and states the intent. */
		rv = t->p11->C_GenerateKey(s, &mech, tmpl, n, &key);
		if (rv != CKR_OK)
			rc = rv_fail("C_GenerateKey", rv);
	}
	session_close(t, s);
	if (rc == TOOL_EXIT_OK)
		rc = report_key(t, slot, spec, label, value != NULL);
	return rc;
}

int cmd_gen_key(struct tool *t)
{
	struct key_spec spec;
	int rc = parse_spec(t, &spec);

	if (rc == TOOL_EXIT_OK)
		rc = parse_type(t, 0, &spec);
	if (rc != TOOL_EXIT_OK)
		return rc;
	return put_key(t, &spec, NULL);
}

int cmd_import_key(struct tool *t)
{
	unsigned char key[TOOL_KEY_MAX];
	size_t len = 0;
	struct key_spec spec;
	int rc = parse_spec(t, &spec);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = key_read_hex(&t->opts, key, &len);
	if (rc == TOOL_EXIT_OK)
		rc = parse_type(t, len, &spec);
	if (rc == TOOL_EXIT_OK)
		rc = put_key(t, &spec, key);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}
