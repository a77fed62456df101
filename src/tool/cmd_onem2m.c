/*
 * cmd_onem2m.c - the oneM2M data-security key chain (docs/onem2m.md) run
 * inside the token by C_DeriveKey only:
 *   import-onem2m-ke  Ke (the bootstrap credential) as a generic secret that
 *                     only derives;
 *   onem2m-derive     Ke -> K_master (CKM_HKDF_DERIVE, extract only) -> T(1) =
 *                     K_auth (expand only) -> T(2) = K_conf
 *                     (CKM_PORTFOLIO_ONEM2M_CONF, T(1) by handle) -> the
 *                     container keys (CKM_SP800_108_FEEDBACK_KDF, empty IV, no
 *                     counter: one HMAC).
 * K_master, K_auth and K_conf are sensitive session objects destroyed before
 * the command ends, whatever happened; the container keys are token objects
 * labelled "<prefix>-auth" (HMAC, sign/verify: jws-sign HS256/384/512) and
 * "<prefix>-conf" (AES-256, encrypt/decrypt: jwe-encrypt dir A256GCM),
 * sensitive and unextractable - or, with --extractable (the TEF, which hands
 * a container key to AE2), extractable for wrapping only, and only under a
 * CKA_TRUSTED key (the SO's import-kek --so): export-key --label.
 * No key byte passes through the tool.
 */
#include "config.h"
#include "tool/hex.h"
#include "tool/keyinput.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define A(type, v) {type, (void *)&(v), sizeof(v)}
#define ONEM2M_MAX_NONCE 64
#define ONEM2M_MAX_SALT 256
#define ONEM2M_MAX_LABEL 120
#define CONF_KEY_LEN 32UL /* AES-256: jwe-encrypt dir A256GCM */

static const char label_auth[] = "Data Authenticity and Integrity";
static const char label_container_conf[] = "Data Confidentiality";

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
static CK_KEY_TYPE generic_type = CKK_GENERIC_SECRET, aes_type = CKK_AES;

static const struct {
	const char *name;
	CK_MECHANISM_TYPE hash, hmac;
	CK_ULONG len;
} hashes[] = {
	{"sha256", CKM_SHA256, CKM_SHA256_HMAC, 32},
	{"sha384", CKM_SHA384, CKM_SHA384_HMAC, 48},
	{"sha512", CKM_SHA512, CKM_SHA512_HMAC, 64},
};

/* The command's inputs, checked. */
struct onem2m_input {
	size_t hash;                 /* index into hashes */
	unsigned char salt[ONEM2M_MAX_SALT], nonce[ONEM2M_MAX_NONCE];
	size_t salt_len, nonce_len;
	const char *container;
	char auth_label[ONEM2M_MAX_LABEL + 8], conf_label[ONEM2M_MAX_LABEL + 8];
};

/* The three intermediate keys; CK_INVALID_HANDLE where none was made. */
struct onem2m_chain {
	CK_OBJECT_HANDLE master, t1, t2;
};

static int hex_option(struct tool *t, enum tool_opt opt, unsigned char *out, size_t cap, size_t *len)
{
	long n = hex_decode(t->opts.value[opt], out, cap);
	if (n <= 0)
		return usage_error("--%s wants 1..%zu bytes in hex", options_name(opt), cap);
	*len = (size_t)n;
	return TOOL_EXIT_OK;
}

static int parse_input(struct tool *t, struct onem2m_input *in)
{
	const char *hash = options_has(&t->opts, OPT_HASH) ? t->opts.value[OPT_HASH] : "sha256";
	const char *prefix = options_has(&t->opts, OPT_LABEL) ? t->opts.value[OPT_LABEL] : t->opts.value[OPT_CONTAINER];
	memset(in, 0, sizeof(*in));
	in->container = t->opts.value[OPT_CONTAINER];
	while (in->hash < sizeof(hashes) / sizeof(hashes[0]) && strcmp(hashes[in->hash].name, hash) != 0)
		in->hash++;
	if (in->hash == sizeof(hashes) / sizeof(hashes[0]))
		return usage_error("--hash %s is not supported (sha256, sha384, sha512)", hash);
	if (strlen(in->container) == 0)
		return usage_error("--container wants a name of at least one byte");
	if (strlen(prefix) == 0 || strlen(prefix) > ONEM2M_MAX_LABEL)
		return usage_error("the label prefix (--label, else --container) has 1..%d bytes", ONEM2M_MAX_LABEL);
	snprintf(in->auth_label, sizeof(in->auth_label), "%s-auth", prefix);
	snprintf(in->conf_label, sizeof(in->conf_label), "%s-conf", prefix);
	int rc = hex_option(t, OPT_SALT, in->salt, sizeof(in->salt), &in->salt_len);
	return rc == TOOL_EXIT_OK ? hex_option(t, OPT_NONCE, in->nonce, sizeof(in->nonce), &in->nonce_len) : rc;
}

static int find_secret(struct tool *t, CK_SESSION_HANDLE s, const char *label, CK_OBJECT_HANDLE *h, int *found)
{
	CK_ATTRIBUTE q[] = {A(CKA_CLASS, secret_class), {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)}};
	return find_one(t, s, q, 2, h, found);
}

/* The output labels must be free, so that a kid names one key. */
static int labels_free(struct tool *t, CK_SESSION_HANDLE s, const struct onem2m_input *in)
{
	const char *labels[] = {in->auth_label, in->conf_label};
	for (size_t i = 0; i < 2; i++) {
		CK_OBJECT_HANDLE h;
		int found = 0, rc = find_secret(t, s, labels[i], &h, &found);
		if (rc != TOOL_EXIT_OK)
			return rc;
		if (found) {
			fprintf(stderr, "portfolio-tool: the token already has a key labelled %s\n", labels[i]);
			return TOOL_EXIT_FAILURE;
		}
	}
	return TOOL_EXIT_OK;
}

/* An intermediate key: a sensitive session object that only derives (len 0:
 * the mechanism fixes the length). */
static int derive_intermediate(struct tool *t, CK_SESSION_HANDLE s, CK_MECHANISM *m, CK_OBJECT_HANDLE base,
                               CK_ULONG len, const char *what, CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE tmpl[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, generic_type), A(CKA_TOKEN, no),
	                       A(CKA_SENSITIVE, yes),      A(CKA_EXTRACTABLE, no),         A(CKA_DERIVE, yes),
	                       A(CKA_SIGN, no),            A(CKA_ENCRYPT, no),             A(CKA_VALUE_LEN, len)};
	CK_RV rv = t->p11->C_DeriveKey(s, m, base, tmpl, len != 0 ? 9 : 8, out);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail(what, rv);
}

/* Steps 1-3: K_master, T(1), T(2). */
static int derive_chain(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE ke, struct onem2m_input *in,
                        struct onem2m_chain *c)
{
	CK_HKDF_PARAMS ex = {CK_TRUE, CK_FALSE, hashes[in->hash].hash, CKF_HKDF_SALT_DATA, in->salt,
	                     (CK_ULONG)in->salt_len, CK_INVALID_HANDLE, NULL, 0};
	CK_HKDF_PARAMS xp = {CK_FALSE, CK_TRUE, hashes[in->hash].hash, CKF_HKDF_SALT_NULL, NULL, 0,
	                     CK_INVALID_HANDLE, (CK_BYTE_PTR)label_auth, sizeof(label_auth) - 1};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &ex, sizeof(ex)};
	int rc = derive_intermediate(t, s, &m, ke, 0, "C_DeriveKey (K_master, CKM_HKDF_DERIVE extract)", &c->master);
	m.pParameter = &xp;
	if (rc == TOOL_EXIT_OK)
		rc = derive_intermediate(t, s, &m, c->master, hashes[in->hash].len,
		                         "C_DeriveKey (K_auth, CKM_HKDF_DERIVE expand)", &c->t1);
	if (rc != TOOL_EXIT_OK)
		return rc;
	CK_PORTFOLIO_ONEM2M_CONF_PARAMS op = {hashes[in->hash].hash, c->t1};
	CK_MECHANISM cm = {CKM_PORTFOLIO_ONEM2M_CONF, &op, sizeof(op)};
	return derive_intermediate(t, s, &cm, c->master, 0, "C_DeriveKey (K_conf, CKM_PORTFOLIO_ONEM2M_CONF)", &c->t2);
}

/* Steps 4-5: HMAC(parent, label | container | nonce) as a token key. */
static int derive_container_key(struct tool *t, CK_SESSION_HANDLE s, const struct onem2m_input *in,
                                CK_OBJECT_HANDLE parent, int conf, CK_OBJECT_HANDLE *h)
{
	const char *label = conf ? label_container_conf : label_auth;
	const char *name = conf ? in->conf_label : in->auth_label;
	CK_PRF_DATA_PARAM dp[] = {
		{CK_SP800_108_ITERATION_VARIABLE, NULL, 0},
		{CK_SP800_108_BYTE_ARRAY, (void *)label, (CK_ULONG)strlen(label)},
		{CK_SP800_108_BYTE_ARRAY, (void *)in->container, (CK_ULONG)strlen(in->container)},
		{CK_SP800_108_BYTE_ARRAY, (void *)in->nonce, (CK_ULONG)in->nonce_len},
	};
	CK_SP800_108_FEEDBACK_KDF_PARAMS fp = {hashes[in->hash].hmac, 4, dp, 0, NULL, 0, NULL};
	CK_MECHANISM m = {CKM_SP800_108_FEEDBACK_KDF, &fp, sizeof(fp)};
	CK_ULONG len = conf ? CONF_KEY_LEN : hashes[in->hash].len;
	CK_BBOOL mac = conf ? CK_FALSE : CK_TRUE, cipher = conf ? CK_TRUE : CK_FALSE;
	CK_KEY_TYPE type = conf ? aes_type : generic_type;
	/* AE1's keys never leave its token; the TEF's may leave wrapped (export-key
	 * --label) to the AE it provisions, only under a CKA_TRUSTED KEK (the SO's):
	 * sensitive either way. */
	CK_BBOOL ext = options_has(&t->opts, OPT_EXTRACTABLE) ? CK_TRUE : CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, type),
	                       A(CKA_TOKEN, yes),          A(CKA_PRIVATE, yes),
	                       A(CKA_SENSITIVE, yes),      A(CKA_EXTRACTABLE, ext),
	                       A(CKA_WRAP_WITH_TRUSTED, ext),
	                       A(CKA_DERIVE, no),          A(CKA_VALUE_LEN, len),
	                       A(CKA_SIGN, mac),           A(CKA_VERIFY, mac),
	                       A(CKA_ENCRYPT, cipher),     A(CKA_DECRYPT, cipher),
	                       {CKA_LABEL, (void *)name, (CK_ULONG)strlen(name)}};
	CK_RV rv = t->p11->C_DeriveKey(s, &m, parent, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), h);
	if (rv != CKR_OK)
		return rv_fail(conf ? "C_DeriveKey (K_container_conf, CKM_SP800_108_FEEDBACK_KDF)"
		                    : "C_DeriveKey (K_container_auth, CKM_SP800_108_FEEDBACK_KDF)", rv);
	return TOOL_EXIT_OK;
}

static void destroy_chain(struct tool *t, CK_SESSION_HANDLE s, struct onem2m_chain *c)
{
	CK_OBJECT_HANDLE *keys[] = {&c->t2, &c->t1, &c->master};
	for (size_t i = 0; i < 3; i++)
		if (*keys[i] != CK_INVALID_HANDLE && t->p11->C_DestroyObject(s, *keys[i]) == CKR_OK)
			*keys[i] = CK_INVALID_HANDLE;
}

static int run_chain(struct tool *t, CK_SESSION_HANDLE s, struct onem2m_input *in)
{
	const char *ke_label = t->opts.value[OPT_KE];
	struct onem2m_chain c = {CK_INVALID_HANDLE, CK_INVALID_HANDLE, CK_INVALID_HANDLE};
	CK_OBJECT_HANDLE ke, auth = CK_INVALID_HANDLE, conf = CK_INVALID_HANDLE;
	int found = 0, rc = find_secret(t, s, ke_label, &ke, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: no key labelled '%s' (see import-onem2m-ke)\n", ke_label);
		return TOOL_EXIT_FAILURE;
	}
	if (rc == TOOL_EXIT_OK)
		rc = labels_free(t, s, in);
	if (rc == TOOL_EXIT_OK)
		rc = derive_chain(t, s, ke, in, &c);
	if (rc == TOOL_EXIT_OK)
		rc = derive_container_key(t, s, in, c.t1, 0, &auth);
	if (rc == TOOL_EXIT_OK)
		rc = derive_container_key(t, s, in, c.t2, 1, &conf);
	if (rc != TOOL_EXIT_OK && auth != CK_INVALID_HANDLE) /* both container keys or neither */
		t->p11->C_DestroyObject(s, auth);
	destroy_chain(t, s, &c);
	if (rc == TOOL_EXIT_OK && (c.master != CK_INVALID_HANDLE || c.t1 != CK_INVALID_HANDLE ||
	                           c.t2 != CK_INVALID_HANDLE)) {
		fprintf(stderr, "portfolio-tool: an intermediate key could not be destroyed (it ends with the session)\n");
		rc = TOOL_EXIT_FAILURE;
	}
	return rc;
}

/* Opens a logged-in R/W session on --slot and runs fn in it. */
static int in_user_session(struct tool *t, int (*fn)(struct tool *, CK_SESSION_HANDLE, void *), void *arg)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	int rc = tool_slot(t, &slot);
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 1, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = fn(t, s, arg);
	session_close(t, s);
	return rc;
}

static int derive_in_session(struct tool *t, CK_SESSION_HANDLE s, void *arg)
{
	return run_chain(t, s, arg);
}

int cmd_onem2m_derive(struct tool *t)
{
	struct onem2m_input in;
	int rc = parse_input(t, &in);
	if (rc == TOOL_EXIT_OK)
		rc = in_user_session(t, derive_in_session, &in);
	if (rc == TOOL_EXIT_OK)
		printf("derived %s (HMAC, %lu bytes: jws-sign --alg HS%lu) and %s (AES-256: jwe-encrypt --alg dir "
		       "--enc A256GCM)\n",
		       in.auth_label, (unsigned long)hashes[in.hash].len, (unsigned long)hashes[in.hash].len * 8,
		       in.conf_label);
	OPENSSL_cleanse(&in, sizeof(in));
	return rc;
}

struct ke_value {
	unsigned char bytes[TOOL_KEY_MAX];
	size_t len;
};

static int import_ke_in_session(struct tool *t, CK_SESSION_HANDLE s, void *arg)
{
	struct ke_value *v = arg;
	const char *label = t->opts.value[OPT_LABEL];
	CK_OBJECT_HANDLE h;
	int found = 0, rc = find_secret(t, s, label, &h, &found);
	if (rc == TOOL_EXIT_OK && found) {
		fprintf(stderr, "portfolio-tool: the token already has a key labelled %s\n", label);
		return TOOL_EXIT_FAILURE;
	}
	CK_ATTRIBUTE tmpl[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, generic_type), A(CKA_TOKEN, yes),
	                       A(CKA_PRIVATE, yes),        A(CKA_SENSITIVE, yes),          A(CKA_EXTRACTABLE, no),
	                       A(CKA_DERIVE, yes),         A(CKA_SIGN, no),                A(CKA_ENCRYPT, no),
	                       A(CKA_VERIFY, no),          A(CKA_DECRYPT, no),
	                       {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
	                       {CKA_VALUE, v->bytes, (CK_ULONG)v->len}};
	CK_RV rv = rc == TOOL_EXIT_OK ? t->p11->C_CreateObject(s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &h) : CKR_OK;
	return rc == TOOL_EXIT_OK && rv != CKR_OK ? rv_fail("C_CreateObject (Ke)", rv) : rc;
}

int cmd_import_onem2m_ke(struct tool *t)
{
	struct ke_value v;
	int rc = key_read_hex(&t->opts, v.bytes, &v.len);
	if (rc == TOOL_EXIT_OK && (strlen(t->opts.value[OPT_LABEL]) == 0 || v.len < 16))
		rc = usage_error("Ke wants a --label and at least 16 bytes (this one has %zu)", v.len);
	if (rc == TOOL_EXIT_OK)
		rc = in_user_session(t, import_ke_in_session, &v);
	OPENSSL_cleanse(&v, sizeof(v));
	if (rc == TOOL_EXIT_OK)
		printf("imported Ke %s (derive only)\n", t->opts.value[OPT_LABEL]);
	return rc;
}
