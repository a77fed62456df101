/*
 * cmd_enc.c - encrypt and decrypt: the Data Encryption service of
 * GetAuthData (argument 0 = 1).
 *
 *   device (encrypt): ENCRYPT_Kn( Identity value || Challenge ), the value
 *                     taken from the token (CKP_PORTFOLIO_SOURCE_TOKEN);
 *   server (decrypt): checks tag and challenge, returns the Identity value.
 * AES-GCM by default, AES-CBC with --cbc (docs/mechanisms.md).
 */
#include "tool/hex.h"
#include "tool/names.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CK_MECHANISM_TYPE enc_mechanism(struct tool *t)
{
	return options_has(&t->opts, OPT_CBC) ? CKM_PORTFOLIO_ENC_CBC : CKM_PORTFOLIO_ENC_GCM;
}

int cmd_encrypt(struct tool *t)
{
	CK_BYTE challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	CK_PORTFOLIO_PARAMS params = { CKP_PORTFOLIO_SOURCE_TOKEN, 0, challenge, 0 };
	CK_MECHANISM mech = { enc_mechanism(t), &params, sizeof(params) };
	CK_BYTE no_data = 0, *out = NULL;
	CK_ULONG out_len = 0;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	unsigned long identity;
	CK_RV rv;
	int rc = options_ulong(&t->opts, OPT_IDENTITY, &identity);

	if (rc == TOOL_EXIT_OK)
		rc = tool_challenge(t, challenge, &params.ulChallengeLen);
	if (rc == TOOL_EXIT_OK)
		rc = session_for_key(t, CK_PORTFOLIO_SRV_ENCRYPT, &s, &key);
	if (rc != TOOL_EXIT_OK)
		return rc;
	params.ulIdentityId = (CK_ULONG)identity;
	rv = t->p11->C_EncryptInit(s, &mech, key);
	if (rv != CKR_OK) {
		rc = identity_op_failed(t, s, "C_EncryptInit", rv, (CK_ULONG)identity);
		goto out;
	}
	/* The length depends on the Identity value held by the token: ask
	 * first (a NULL buffer keeps the operation active), then encrypt. */
	rv = t->p11->C_Encrypt(s, &no_data, 0, NULL, &out_len);
	if (rv == CKR_OK) {
		out = malloc(out_len != 0 ? out_len : 1);
		if (out == NULL)
			rv = CKR_HOST_MEMORY;
		else
			rv = t->p11->C_Encrypt(s, &no_data, 0, out, &out_len);
	}
	if (rv != CKR_OK) {
		rc = identity_op_failed(t, s, "C_Encrypt", rv, (CK_ULONG)identity);
		goto out;
	}
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_hex(doc, "authdata", out, out_len);
		out_str(doc, "mechanism", mechanism_name(mech.mechanism));
		rc = out_print(doc, rc);
	} else {
		hex_print(stdout, out, out_len);
		putchar('\n');
	}
out:
	free(out);
	session_close(t, s);
	return rc;
}

/* The Identity is text, but the bytes come from the wire: escape anything a
 * terminal would act on. */
static void print_plaintext(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
	putchar('\n');
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
		unsigned long cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
		static const unsigned long min[] = { 0, 0x80, 0x800, 0x10000 };

		if (n > 3 || len - i <= n) /* not a lead byte, or cut short */
			return 0;
		for (unsigned k = 1; k <= n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3F);
		}
		if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

static void put_identity_text(json_object *doc, const unsigned char *p, size_t len)
{
	json_object *text = json_object_new_string_len((const char *)p, (int)len);

	/* json-c keeps the bytes: only valid UTF-8 may go out as a JSON string. */
	if (text != NULL && json_object_get_string_len(text) == (int)len && utf8_valid(p, len))
		json_object_object_add(doc, "identity", text);
	else
		json_object_put(text);
}

int cmd_decrypt(struct tool *t)
{
	CK_BYTE challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	CK_PORTFOLIO_PARAMS params = { CKP_PORTFOLIO_SOURCE_DATA, 0, challenge, 0 };
	CK_MECHANISM mech = { enc_mechanism(t), &params, sizeof(params) };
	CK_PORTFOLIO_DIV_PARAMS div;
	const char *hex = t->opts.value[OPT_DATA];
	size_t cap = strlen(hex) / 2 + 1;
	CK_BYTE *in = NULL, *out = NULL;
	CK_ULONG out_len = 0;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	long in_len;
	CK_RV rv;
	int rc;

	in = malloc(cap);
	if (in == NULL)
		return rv_fail("allocating the input", CKR_HOST_MEMORY);
	in_len = hex_decode(hex, in, cap);
	if (in_len <= 0) {
		free(in);
		return usage_error("--data %s: it wants the AuthData in hex", hex_problem(hex, cap));
	}
	rc = tool_challenge(t, challenge, &params.ulChallengeLen);
	if (rc == TOOL_EXIT_OK)
		rc = fleet_key_open(t, CK_PORTFOLIO_SRV_ENCRYPT, &s, &key);
	if (rc != TOOL_EXIT_OK) {
		free(in);
		return rc;
	}
	rc = fleet_mechanism(t, s, key, &mech, &div);
	if (rc != TOOL_EXIT_OK)
		goto out;
	rv = t->p11->C_DecryptInit(s, &mech, key);
	if (rv != CKR_OK) {
		rc = rv_fail("C_DecryptInit", rv);
		goto out;
	}
	/* The plaintext is never longer than the ciphertext. */
	out_len = (CK_ULONG)in_len;
	out = malloc((size_t)in_len);
	if (out == NULL)
		rv = CKR_HOST_MEMORY;
	else
		rv = t->p11->C_Decrypt(s, in, (CK_ULONG)in_len, out, &out_len);
	if (rv != CKR_OK) {
		rc = rv_fail("C_Decrypt", rv);
		/* A wrong challenge, key or tampered AuthData: the answer, not a fault. */
		if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE)
			rc = TOOL_EXIT_INVALID;
		goto out;
	}
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		/* The Identity value as text when it is UTF-8 (json-c escapes it), and as hex always. */
		if (memchr(out, '\0', out_len) == NULL)
			put_identity_text(doc, out, out_len);
		out_hex(doc, "identity_hex", out, out_len);
		out_str(doc, "mechanism", mechanism_name(mech.mechanism));
		rc = out_print(doc, rc);
	} else {
		print_plaintext(out, out_len);
	}
out:
	free(in);
	free(out);
	fleet_key_close(t, s, key);
	return rc;
}
