/*
 * cmd_jose_key.c - import-jose-key: a secret key outside the Portfolio
 * keysets, labelled with its kid (oneM2M: the Credential-Id), for one JOSE
 * algorithm. The algorithm fixes the key type, its length and its one use:
 *   dir         AES-128/256 content key: encrypt + decrypt   (server copy: decrypt)
 *   A128KW/256  AES key-encryption key:  wrap + unwrap       (server copy: unwrap)
 *   HS256/384/512 HMAC key, at least the hash length: sign + verify (server copy: verify)
 * One use per key keeps a content key from ever wrapping, and a KEK from
 * ever encrypting content. A key that can encrypt or sign is a device key
 * (exclusive to its token); a --server copy only checks, so the same bytes
 * may sit in another token (docs/architecture.md).
 */
#include "jose/jose.h"
#include "tool/keyinput.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

struct jose_key_use {
	enum jose_alg alg;
	CK_KEY_TYPE type;
	size_t min_len, max_len;
	CK_ATTRIBUTE_TYPE make, check; /* the producing and the consuming use */
};

static const struct jose_key_use uses[] = {
	{ JOSE_ALG_DIR, CKK_AES, 16, 32, CKA_ENCRYPT, CKA_DECRYPT },
	{ JOSE_ALG_A128KW, CKK_AES, 16, 16, CKA_WRAP, CKA_UNWRAP },
	{ JOSE_ALG_A256KW, CKK_AES, 32, 32, CKA_WRAP, CKA_UNWRAP },
	{ JOSE_ALG_HS256, CKK_GENERIC_SECRET, 32, TOOL_KEY_MAX, CKA_SIGN, CKA_VERIFY },
	{ JOSE_ALG_HS384, CKK_GENERIC_SECRET, 48, TOOL_KEY_MAX, CKA_SIGN, CKA_VERIFY },
	{ JOSE_ALG_HS512, CKK_GENERIC_SECRET, 64, TOOL_KEY_MAX, CKA_SIGN, CKA_VERIFY },
};

static int key_use(struct tool *t, size_t len, const struct jose_key_use **u)
{
	const char *name = t->opts.value[OPT_ALG];
	enum jose_alg alg;

	if (jose_alg_from_name(name, &alg) != JOSE_OK)
		return usage_error("--alg %s is not supported (dir, A128KW, A256KW, HS256, HS384, HS512)", name);
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (uses[i].alg == alg)
			*u = &uses[i];
	if (len < (*u)->min_len || len > (*u)->max_len || ((*u)->type == CKK_AES && len != 16 && len != 32))
		return usage_error("--alg %s takes a key of %zu%s bytes, this one has %zu", name, (*u)->min_len,
				   (*u)->min_len == (*u)->max_len ? "" : (*u)->type == CKK_AES ? " or 32" : " or more",
				   len);
	if (strlen(t->opts.value[OPT_LABEL]) == 0 || strlen(t->opts.value[OPT_LABEL]) > JOSE_MAX_KID)
		return usage_error("--label (the kid) has 1..%d bytes", JOSE_MAX_KID);
	return TOOL_EXIT_OK;
}

static int create_key(struct tool *t, CK_SESSION_HANDLE s, const struct jose_key_use *u, unsigned char *value,
		      size_t len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = u->type;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE, make = options_has(&t->opts, OPT_SERVER) ? CK_FALSE : CK_TRUE;
	const char *label = t->opts.value[OPT_LABEL];
	/* Every use named, so none comes from a default (C_CreateObject gives a
	 * secret key CKA_SIGN/CKA_VERIFY TRUE unless told): the key does its JOSE
	 * job and nothing else. */
	static const CK_ATTRIBUTE_TYPE all_uses[] = { CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY,
						      CKA_WRAP,    CKA_UNWRAP,  CKA_DERIVE };
	CK_BBOOL use[sizeof all_uses / sizeof all_uses[0]];
	CK_ATTRIBUTE tmpl[8 + sizeof all_uses / sizeof all_uses[0]] = {
		{ CKA_CLASS, &cls, sizeof(cls) },       { CKA_KEY_TYPE, &type, sizeof(type) },
		{ CKA_TOKEN, &yes, sizeof(yes) },       { CKA_PRIVATE, &yes, sizeof(yes) },
		{ CKA_SENSITIVE, &yes, sizeof(yes) },   { CKA_EXTRACTABLE, &no, sizeof(no) },
		{ CKA_LABEL, (void *)label, (CK_ULONG)strlen(label) },
		{ CKA_VALUE, value, (CK_ULONG)len },
	};
	for (size_t i = 0; i < sizeof all_uses / sizeof all_uses[0]; i++) {
		use[i] = all_uses[i] == u->check ? CK_TRUE : all_uses[i] == u->make ? make : CK_FALSE;
		tmpl[8 + i] = (CK_ATTRIBUTE){ all_uses[i], &use[i], sizeof use[i] };
	}
	CK_OBJECT_HANDLE key;
	struct jose_ctx ctx = { t->p11, s, 0, NULL };
	CK_RV rv;

	if (jose_find_key(&ctx, label, &key) != JOSE_E_NO_KEY) {
		fprintf(stderr, "portfolio-tool: the token already has a key labelled %s\n", label);
		return TOOL_EXIT_FAILURE;
	}
	rv = t->p11->C_CreateObject(s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &key);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_CreateObject", rv);
}

int cmd_import_jose_key(struct tool *t)
{
	unsigned char value[TOOL_KEY_MAX];
	size_t len = 0;
	const struct jose_key_use *u = NULL;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	int rc = key_read_hex(&t->opts, value, &len);

	if (rc == TOOL_EXIT_OK)
		rc = key_use(t, len, &u);
	if (rc == TOOL_EXIT_OK)
		rc = tool_slot(t, &slot);
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 1, &s);
	if (rc == TOOL_EXIT_OK) {
		rc = session_login(t, s, CKU_USER);
		if (rc == TOOL_EXIT_OK)
			rc = create_key(t, s, u, value, len);
		session_close(t, s);
	}
	OPENSSL_cleanse(value, sizeof(value));
	if (rc == TOOL_EXIT_OK && out_json(t)) {
		json_object *doc = json_object_new_object();

		out_str(doc, "label", t->opts.value[OPT_LABEL]);
		out_str(doc, "alg", t->opts.value[OPT_ALG]);
		out_bool(doc, "server", options_has(&t->opts, OPT_SERVER));
		return out_print(doc, rc);
	}
	if (rc == TOOL_EXIT_OK)
		printf("imported %s key %s (%zu bytes%s)\n", t->opts.value[OPT_ALG], t->opts.value[OPT_LABEL], len,
		       options_has(&t->opts, OPT_SERVER) ? ", server copy: check only" : "");
	return rc;
}
