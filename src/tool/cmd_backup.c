/*
 * cmd_backup.c - key transport for operators: import-kek, backup, restore,
 * export-key, import-wrapped-key (docs/fleet.md). Every key leaves the token
 * bound-wrapped under a key-encryption key the token holds
 * (CKM_PORTFOLIO_AES_KEY_WRAP_BOUND); the file's HMAC is computed and checked
 * inside the token with a fresh HMAC key that travels wrapped in the file, so
 * no key byte is ever on the host. restore checks the whole file before it
 * creates anything, and destroys what it made if any creation fails.
 * export-key names a keyset key (--service, --index) or a key of no keyset by
 * its label (--label: a oneM2M key, docs/onem2m.md); import-wrapped-key
 * --server lands the checking half of such a key only (decrypt / verify /
 * unwrap: the component seals the narrower usage), --label renames it.
 */
#include "config.h"
#include "tool/backup_file.h"
#include "tool/keyinput.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define MAX_OBJECTS 4096
#define A(type, v) {type, (void *)&(v), sizeof(v)}

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;

/* One command's session and KEK. */
struct bk_ctx {
	struct tool *t;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE kek, mac_key;
	int open;
	int land_unextractable; /* derive-device: the key may not leave the device token again */
	int one;                /* export-key, derive-device: one key, not the instance */
	int narrow;             /* import-wrapped-key --server: no sign, encrypt, derive, wrap, export */
	const char *label;      /* import-wrapped-key --label: the label the key lands with */
};

static int p11_fail(const char *what, CK_RV rv)
{
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail(what, rv);
}

/* --slot, a session, a login (SO or user) and the KEK labelled --kek. */
static int bk_open(struct tool *t, CK_USER_TYPE who, struct bk_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->t = t;
	int found = 0, rc = tool_slot(t, &c->slot);
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, c->slot, 1, &c->s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	c->open = 1;
	rc = session_login(t, c->s, who);
	const char *label = t->opts.value[OPT_KEK];
	CK_ATTRIBUTE q[] = {A(CKA_CLASS, secret_class), {CKA_LABEL, (void *)label, label ? strlen(label) : 0}};
	if (rc == TOOL_EXIT_OK)
		rc = find_one(t, c->s, q, 2, &c->kek, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: slot %lu has no key labelled '%s' (see import-kek)\n",
		        (unsigned long)c->slot, label);
		rc = TOOL_EXIT_FAILURE;
	}
	return rc;
}

static void bk_close(struct bk_ctx *c)
{
	if (c->mac_key != CK_INVALID_HANDLE)
		(void)c->t->p11->C_DestroyObject(c->s, c->mac_key);
	if (c->open)
		session_close(c->t, c->s);
}

/* Wraps key under the KEK with mech and appends the blob as a field. */
static int put_wrapped(struct bk_ctx *c, CK_MECHANISM_TYPE mech, CK_OBJECT_HANDLE key, struct bk_buf *b)
{
	CK_MECHANISM m = {mech, NULL, 0};
	uint8_t blob[1024];
	CK_ULONG len = sizeof blob;
	CK_RV rv = c->t->p11->C_WrapKey(c->s, &m, c->kek, key, blob, &len);
	if (rv != CKR_OK)
		return rv_fail("C_WrapKey", rv);
	bk_put_field(b, blob, len);
	return TOOL_EXIT_OK;
}

/* A fresh session HMAC key, wrapped into the file: it MACs the file in the token. */
static int put_mac_key(struct bk_ctx *c, struct bk_buf *b)
{
	CK_MECHANISM gen = {CKM_GENERIC_SECRET_KEY_GEN, NULL, 0};
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {A(CKA_VALUE_LEN, len), A(CKA_TOKEN, no), A(CKA_SIGN, yes), A(CKA_VERIFY, no),
	                    A(CKA_ENCRYPT, no), A(CKA_DECRYPT, no), A(CKA_EXTRACTABLE, yes), A(CKA_SENSITIVE, yes)};
	CK_RV rv = c->t->p11->C_GenerateKey(c->s, &gen, t, sizeof t / sizeof t[0], &c->mac_key);
	if (rv != CKR_OK)
		return rv_fail("C_GenerateKey (backup MAC key)", rv);
	return put_wrapped(c, CKM_AES_KEY_WRAP_KWP, c->mac_key, b);
}

static CK_BBOOL get_bool(struct bk_ctx *c, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = CK_FALSE;
	CK_ATTRIBUTE a = A(type, v);
	return c->t->p11->C_GetAttributeValue(c->s, h, &a, 1) == CKR_OK && v;
}

/* Only an extractable key leaves (the token would refuse the rest anyway):
 * said first, in words, before anything is wrapped. */
static int extractable(struct bk_ctx *c, CK_OBJECT_HANDLE h)
{
	uint8_t label[256];
	CK_ATTRIBUTE a = {CKA_LABEL, label, sizeof label};
	if (get_bool(c, h, CKA_EXTRACTABLE))
		return TOOL_EXIT_OK;
	if (c->t->p11->C_GetAttributeValue(c->s, h, &a, 1) != CKR_OK)
		a.ulValueLen = 0;
	fprintf(stderr, "portfolio-tool: key '%.*s' is not extractable: %s (nothing written)\n", (int)a.ulValueLen,
	        (const char *)label,
	        c->one ? "it never leaves this token, not even wrapped" : "the instance cannot be backed up whole");
	return TOOL_EXIT_FAILURE;
}

/* One key entry: its creation attributes, then the bound blob. */
static int put_key(struct bk_ctx *c, CK_OBJECT_HANDLE h, struct bk_buf *b)
{
	CK_KEY_TYPE type = 0;
	uint8_t label[256], id[256];
	CK_ATTRIBUTE a[] = {A(CKA_KEY_TYPE, type), {CKA_LABEL, label, sizeof label}, {CKA_ID, id, sizeof id}};
	CK_RV rv = c->t->p11->C_GetAttributeValue(c->s, h, a, 3);
	if (rv != CKR_OK)
		return rv_fail("C_GetAttributeValue", rv);
	if (extractable(c, h) != TOOL_EXIT_OK)
		return TOOL_EXIT_FAILURE;
	bk_put_u8(b, BK_ENTRY_KEY);
	bk_put_u32(b, (uint32_t)type);
	bk_put_u8(b, get_bool(c, h, CKA_SENSITIVE));
	bk_put_u8(b, c->land_unextractable ? 0 : 1);
	bk_put_u8(b, get_bool(c, h, CKA_WRAP));
	bk_put_u8(b, get_bool(c, h, CKA_UNWRAP));
	bk_put_field(b, label, a[1].ulValueLen);
	bk_put_field(b, id, a[2].ulValueLen);
	return put_wrapped(c, CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, h, b);
}

/* One Identity entry; only provisioned ones (restore provisions the hash again). */
static int put_identity(struct bk_ctx *c, CK_OBJECT_HANDLE h, struct bk_buf *b)
{
	CK_ULONG iid = 0;
	uint8_t value[4096];
	CK_ATTRIBUTE a[] = {A(CKA_PORTFOLIO_IDENTITY_ID, iid), {CKA_VALUE, value, sizeof value}};
	CK_RV rv = c->t->p11->C_GetAttributeValue(c->s, h, a, 2);
	if (rv != CKR_OK)
		return rv_fail("C_GetAttributeValue (Identity)", rv);
	if (!get_bool(c, h, CKA_PORTFOLIO_HASH_PROVISIONED)) {
		fprintf(stderr, "portfolio-tool: Identity %lu has no provisioned hash: provision it (set-identity "
		        "--provision) or delete it first (nothing written)\n", (unsigned long)iid);
		return TOOL_EXIT_FAILURE;
	}
	bk_put_u8(b, BK_ENTRY_IDENTITY);
	bk_put_u32(b, (uint32_t)iid);
	bk_put_field(b, value, a[1].ulValueLen);
	return TOOL_EXIT_OK;
}

/* Every object of class cls (but the KEK and the MAC key) through put. */
static int put_all(struct bk_ctx *c, CK_OBJECT_CLASS cls, int (*put)(struct bk_ctx *, CK_OBJECT_HANDLE,
                   struct bk_buf *), struct bk_buf *b, uint32_t *count)
{
	static CK_OBJECT_HANDLE h[MAX_OBJECTS];
	CK_ULONG n = 0;
	CK_ATTRIBUTE q = A(CKA_CLASS, cls);
	CK_RV rv = c->t->p11->C_FindObjectsInit(c->s, &q, 1);
	if (rv == CKR_OK)
		rv = c->t->p11->C_FindObjects(c->s, h, MAX_OBJECTS, &n);
	(void)c->t->p11->C_FindObjectsFinal(c->s);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjects", rv);
	int rc = TOOL_EXIT_OK;
	for (CK_ULONG i = 0; rc == TOOL_EXIT_OK && i < n; i++) {
		if (h[i] == c->kek || h[i] == c->mac_key)
			continue;
		rc = put(c, h[i], b);
		(*count)++;
	}
	return rc;
}

/* The HMAC of everything so far, computed by the token, appended; then the file. */
static int seal_and_write(struct bk_ctx *c, struct bk_buf *b, uint32_t count)
{
	CK_MECHANISM m = {CKM_SHA256_HMAC, NULL, 0};
	uint8_t mac[BK_MAC_LEN];
	CK_ULONG mac_len = sizeof mac;
	bk_set_count(b, count);
	if (b->oom) {
		fprintf(stderr, "portfolio-tool: out of memory building the file\n");
		return TOOL_EXIT_FAILURE;
	}
	CK_RV rv = c->t->p11->C_SignInit(c->s, &m, c->mac_key);
	if (rv == CKR_OK)
		rv = c->t->p11->C_Sign(c->s, b->p, b->n, mac, &mac_len);
	if (rv != CKR_OK)
		return rv_fail("C_Sign (backup HMAC)", rv);
	bk_put(b, mac, mac_len);
	if (b->oom || !bk_write_file(c->t->opts.value[OPT_FILE], b->p, b->n)) {
		fprintf(stderr, "portfolio-tool: cannot write %s: %s\n", c->t->opts.value[OPT_FILE], strerror(errno));
		return TOOL_EXIT_FAILURE;
	}
	return TOOL_EXIT_OK;
}

static int report(struct bk_ctx *c, const char *verb, uint32_t count)
{
	if (out_json(c->t)) {
		json_object *doc = json_object_new_object();
		out_ulong(doc, "slot", (unsigned long)c->slot);
		out_str(doc, "file", c->t->opts.value[OPT_FILE]);
		out_ulong(doc, "entries", count);
		return out_print(doc, TOOL_EXIT_OK);
	}
	printf("slot %lu: %s %lu entr%s (%s)\n", (unsigned long)c->slot, verb, (unsigned long)count,
	       count == 1 ? "y" : "ies", c->t->opts.value[OPT_FILE]);
	return TOOL_EXIT_OK;
}

/* The keyset key --service / --index (or --uri) names. */
static int chosen_key(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
	CK_ULONG service;
	struct key_choice kc;
	int found = 0, rc = parse_service(t, &service);
	if (rc != TOOL_EXIT_OK || (rc = key_choice_parse(t, service, &kc)) != TOOL_EXIT_OK)
		return rc;
	rc = find_chosen_key(t, s, service, &kc, key, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: no %s\n", kc.what);
		rc = TOOL_EXIT_FAILURE;
	}
	key_choice_free(&kc);
	return rc;
}

/* The key of no keyset labelled --label (a oneM2M key, a JOSE key). */
static int labelled_key(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
	const char *label = t->opts.value[OPT_LABEL];
	CK_ATTRIBUTE q[] = {A(CKA_CLASS, secret_class), {CKA_LABEL, (void *)label, strlen(label)}};
	int found = 0, rc = find_one(t, s, q, 2, key, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: no key labelled '%s'\n", label);
		rc = TOOL_EXIT_FAILURE;
	}
	return rc;
}

/* backup (choose NULL) or one key, the one choose names (export-key, derive-device).
 * A session key choose made (a derived device key) is destroyed before the end. */
static int write_backup(struct tool *t, export_choice choose, int land_unextractable)
{
	struct bk_ctx c;
	struct bk_buf b = {0};
	uint32_t count = 0;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	int one = choose != NULL, rc = bk_open(t, CKU_USER, &c);
	c.land_unextractable = land_unextractable;
	c.one = one;
	if (rc == TOOL_EXIT_OK && one)
		rc = choose(t, c.s, &key);
	if (rc == TOOL_EXIT_OK && one)
		rc = extractable(&c, key);
	bk_header(&b);
	if (rc == TOOL_EXIT_OK)
		rc = put_mac_key(&c, &b);
	if (rc == TOOL_EXIT_OK && one) {
		rc = put_key(&c, key, &b);
		count = 1;
	} else if (rc == TOOL_EXIT_OK) {
		rc = put_all(&c, CKO_SECRET_KEY, put_key, &b, &count);
		if (rc == TOOL_EXIT_OK)
			rc = put_all(&c, CKO_PORTFOLIO_IDENTITY, put_identity, &b, &count);
	}
	if (rc == TOOL_EXIT_OK)
		rc = seal_and_write(&c, &b, count);
	if (key != CK_INVALID_HANDLE && !get_bool(&c, key, CKA_TOKEN))
		(void)t->p11->C_DestroyObject(c.s, key);
	bk_close(&c);
	if (b.p != NULL)
		OPENSSL_cleanse(b.p, b.n); /* identity values */
	bk_free(&b);
	return rc == TOOL_EXIT_OK ? report(&c, one ? "exported" : "backed up", count) : rc;
}

int cmd_backup(struct tool *t)
{
	return write_backup(t, NULL, 0);
}

int cmd_export_key(struct tool *t)
{
	if (!options_has(&t->opts, OPT_LABEL))
		return options_has(&t->opts, OPT_SERVICE) ? write_backup(t, chosen_key, 0)
		                                          : usage_error("export-key needs --service and --index (a "
		                                                        "keyset key) or --label (a key of no keyset)");
	if (options_has(&t->opts, OPT_SERVICE) || options_has(&t->opts, OPT_INDEX))
		return usage_error("--label names the key: no --service or --index");
	return write_backup(t, labelled_key, 0);
}

int export_wrapped_key(struct tool *t, export_choice choose, int land_unextractable)
{
	return write_backup(t, choose, land_unextractable);
}

/* ---- restore ------------------------------------------------------------- */

/* Unwraps the file's MAC key and checks the file's HMAC inside the token. */
static int check_file(struct bk_ctx *c, const uint8_t *f, size_t len, struct bk_rd *r)
{
	size_t blob_len = 0;
	const uint8_t *blob = bk_get_field(r, &blob_len);
	CK_MECHANISM kwp = {CKM_AES_KEY_WRAP_KWP, NULL, 0}, hmac = {CKM_SHA256_HMAC, NULL, 0};
	CK_KEY_TYPE generic = CKK_GENERIC_SECRET;
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, generic), A(CKA_TOKEN, no),
	                    A(CKA_SIGN, no), A(CKA_VERIFY, yes), A(CKA_ENCRYPT, no), A(CKA_DECRYPT, no)};
	if (blob == NULL) {
		fprintf(stderr, "portfolio-tool: the backup file is cut short: nothing restored\n");
		return TOOL_EXIT_INVALID;
	}
	CK_RV rv = c->t->p11->C_UnwrapKey(c->s, &kwp, c->kek, (CK_BYTE_PTR)blob, blob_len, t,
	                                  sizeof t / sizeof t[0], &c->mac_key);
	if (rv == CKR_OK)
		rv = c->t->p11->C_VerifyInit(c->s, &hmac, c->mac_key);
	if (rv == CKR_OK)
		rv = c->t->p11->C_Verify(c->s, (CK_BYTE_PTR)f, len - BK_MAC_LEN, (CK_BYTE_PTR)f + len - BK_MAC_LEN,
		                         BK_MAC_LEN);
	if (rv == CKR_WRAPPED_KEY_INVALID || rv == CKR_SIGNATURE_INVALID || rv == CKR_WRAPPED_KEY_LEN_RANGE) {
		fprintf(stderr, "portfolio-tool: the backup file was altered, cut short, or made under another "
		        "KEK: nothing restored\n");
		return TOOL_EXIT_INVALID;
	}
	return p11_fail("checking the backup file", rv);
}

/* Creates one entry's object (as_user: keys only). */
static CK_RV restore_entry(struct bk_ctx *c, const struct bk_entry *e, CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS identity = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG key_type = e->key_type, iid = e->identity_id;
	CK_BBOOL sens = e->sensitive ? CK_TRUE : CK_FALSE, ext = e->extractable ? CK_TRUE : CK_FALSE;
	CK_BBOOL wrap = e->wrap ? CK_TRUE : CK_FALSE, unwrap = e->unwrap ? CK_TRUE : CK_FALSE;
	if (e->type == BK_ENTRY_IDENTITY) {
		CK_ATTRIBUTE t[] = {A(CKA_CLASS, identity), A(CKA_TOKEN, yes), A(CKA_PORTFOLIO_IDENTITY_ID, iid),
		                    {CKA_VALUE, (void *)e->value, e->value_len}};
		return c->t->p11->C_CreateObject(c->s, t, 4, out);
	}
	CK_MECHANISM m = {CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, NULL, 0};
	if (c->narrow) {
		ext = wrap = CK_FALSE;
		sens = CK_TRUE;
	}
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, key_type), A(CKA_TOKEN, yes),
	                    A(CKA_SENSITIVE, sens), A(CKA_EXTRACTABLE, ext), A(CKA_WRAP, wrap), A(CKA_UNWRAP, unwrap),
	                    {CKA_LABEL, (void *)e->label, e->label_len}, {CKA_ID, (void *)e->id, e->id_len},
	                    /* --server: the component seals the narrower usage (docs/mechanisms.md 6a) */
	                    A(CKA_SIGN, no), A(CKA_ENCRYPT, no), A(CKA_DERIVE, no)};
	if (c->label != NULL)
		t[7] = (CK_ATTRIBUTE){CKA_LABEL, (void *)c->label, strlen(c->label)};
	return c->t->p11->C_UnwrapKey(c->s, &m, c->kek, (CK_BYTE_PTR)e->blob, e->blob_len, t,
	                              sizeof t / sizeof t[0] - (c->narrow ? 0 : 3), out);
}

/* Every entry well formed, the kinds allowed, the count right, nothing after. */
static int check_entries(struct bk_rd r, uint32_t count, int keys_only)
{
	struct bk_entry e;
	for (uint32_t i = 0; i < count; i++) {
		if (!bk_get_entry(&r, &e) || (keys_only && e.type != BK_ENTRY_KEY)) {
			fprintf(stderr, "portfolio-tool: entry %lu of the file is %s\n", (unsigned long)i + 1,
			        keys_only && !r.bad ? "not a key" : "malformed");
			return TOOL_EXIT_FAILURE;
		}
	}
	if (r.off != r.n || count > MAX_OBJECTS) {
		fprintf(stderr, "portfolio-tool: the file holds more than its %lu entries\n", (unsigned long)count);
		return TOOL_EXIT_FAILURE;
	}
	return TOOL_EXIT_OK;
}

/* All or nothing: on the first failure, destroy what this restore made. */
static int create_all(struct bk_ctx *c, struct bk_rd r, uint32_t count)
{
	static CK_OBJECT_HANDLE made[MAX_OBJECTS];
	struct bk_entry e;
	uint32_t n = 0;
	CK_RV rv = CKR_OK;
	while (rv == CKR_OK && n < count && bk_get_entry(&r, &e)) {
		rv = restore_entry(c, &e, &made[n]);
		if (rv == CKR_OK)
			n++;
	}
	if (rv == CKR_OK && n == count)
		return TOOL_EXIT_OK;
	for (uint32_t i = n; i > 0; i--)
		(void)c->t->p11->C_DestroyObject(c->s, made[i - 1]);
	fprintf(stderr, "portfolio-tool: entry %lu could not be restored; the %lu made before it were removed "
	        "again: nothing restored\n", (unsigned long)n + 1, (unsigned long)n);
	if (c->narrow && rv == CKR_TEMPLATE_INCONSISTENT)
		fprintf(stderr, "portfolio-tool: --server narrows only a key of no keyset; a keyset key or a master "
		        "keeps its usage (import-key --server makes a check-only keyset copy)\n");
	return p11_fail(e.type == BK_ENTRY_KEY ? "C_UnwrapKey" : "C_CreateObject", rv);
}

/* import-wrapped-key: --server narrows, --label renames the one key of the
 * file; the new label must be free, so that a kid names one key. */
static int import_choices(struct bk_ctx *c, uint32_t count)
{
	struct tool *t = c->t;
	CK_OBJECT_HANDLE h;
	int found = 0;
	c->narrow = options_has(&t->opts, OPT_SERVER);
	c->label = t->opts.value[OPT_LABEL];
	if (c->label == NULL)
		return TOOL_EXIT_OK;
	if (strlen(c->label) == 0 || count != 1)
		return usage_error("--label wants 1 byte or more, and a file of one key (export-key)");
	CK_ATTRIBUTE q[] = {A(CKA_CLASS, secret_class), {CKA_LABEL, (void *)c->label, strlen(c->label)}};
	int rc = find_one(t, c->s, q, 2, &h, &found);
	if (rc == TOOL_EXIT_OK && found) {
		fprintf(stderr, "portfolio-tool: the token already has a key labelled %s: nothing imported\n", c->label);
		rc = TOOL_EXIT_FAILURE;
	}
	return rc;
}

static int read_backup(struct tool *t, CK_USER_TYPE who, int keys_only)
{
	uint8_t *f = NULL;
	size_t len = 0;
	uint32_t count = 0;
	struct bk_rd r;
	const char *why = NULL;
	if (!bk_read_file(t->opts.value[OPT_FILE], &f, &len)) {
		fprintf(stderr, "portfolio-tool: cannot read %s: %s\n", t->opts.value[OPT_FILE], strerror(errno));
		return TOOL_EXIT_FAILURE;
	}
	if (!bk_parse_header(f, len, &count, &r, &why)) {
		fprintf(stderr, "portfolio-tool: %s: %s: nothing restored\n", t->opts.value[OPT_FILE], why);
		free(f);
		return TOOL_EXIT_INVALID;
	}
	struct bk_ctx c;
	int rc = bk_open(t, who, &c);
	if (rc == TOOL_EXIT_OK && keys_only)
		rc = import_choices(&c, count);
	if (rc == TOOL_EXIT_OK)
		rc = check_file(&c, f, len, &r);
	if (rc == TOOL_EXIT_OK)
		rc = check_entries(r, count, keys_only);
	if (rc == TOOL_EXIT_OK)
		rc = create_all(&c, r, count);
	bk_close(&c);
	OPENSSL_cleanse(f, len);
	free(f);
	return rc == TOOL_EXIT_OK ? report(&c, keys_only ? "imported" : "restored", count) : rc;
}

int cmd_restore(struct tool *t)
{
	return read_backup(t, CKU_SO, 0);
}

int cmd_import_wrapped_key(struct tool *t)
{
	return read_backup(t, CKU_USER, 1);
}

/* ---- import-kek ---------------------------------------------------------- */

/* The kinds of KEK import-kek makes. */
static const struct kek_kind {
	const char *what;
	CK_BBOOL wrap, unwrap, trusted;
	CK_BBOOL confine; /* what it unwraps lands sensitive and unextractable (CKA_UNWRAP_TEMPLATE) */
	CK_USER_TYPE who;
} kek_kinds[] = {
	{"wrap/unwrap only", CK_TRUE, CK_TRUE, CK_FALSE, CK_FALSE, CKU_USER},
	/* --so: the one key a CKA_WRAP_WITH_TRUSTED key (onem2m-derive --extractable)
	 * may leave under; it opens nothing in this token */
	{"trusted, wrap only", CK_TRUE, CK_FALSE, CK_TRUE, CK_FALSE, CKU_SO},
	/* --server: a receiving transport key (AE2's): no key it opens can be made
	 * readable or leave again, whatever the unwrap template asks */
	{"unwrap only; what it opens stays sensitive and unextractable", CK_FALSE, CK_TRUE, CK_FALSE, CK_TRUE, CKU_USER},
};

/* Creates the KEK value/len of kind k, labelled --label, in session s. */
static CK_RV create_kek(struct tool *t, CK_SESSION_HANDLE s, const struct kek_kind *k, unsigned char *v, size_t len)
{
	CK_KEY_TYPE aes = CKK_AES;
	CK_OBJECT_HANDLE h;
	const char *label = t->opts.value[OPT_LABEL];
	CK_ATTRIBUTE confined[] = {A(CKA_SENSITIVE, yes), A(CKA_EXTRACTABLE, no)};
	CK_ATTRIBUTE a[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, aes), A(CKA_TOKEN, yes),
	                    {CKA_VALUE, v, len}, {CKA_LABEL, (void *)label, strlen(label)}, A(CKA_WRAP, k->wrap),
	                    A(CKA_UNWRAP, k->unwrap), A(CKA_SIGN, no), A(CKA_VERIFY, no), A(CKA_ENCRYPT, no),
	                    A(CKA_DECRYPT, no), A(CKA_SENSITIVE, yes), A(CKA_EXTRACTABLE, no),
	                    A(CKA_TRUSTED, k->trusted), {CKA_UNWRAP_TEMPLATE, confined, sizeof confined}};
	CK_ULONG n = sizeof a / sizeof a[0] - 2; /* CKA_TRUSTED and the template only where the kind has them */
	if (k->trusted)
		a[n++] = a[13];
	if (k->confine)
		a[n++] = a[14];
	return t->p11->C_CreateObject(s, a, n, &h);
}

int cmd_import_kek(struct tool *t)
{
	unsigned char v[TOOL_KEY_MAX];
	size_t len = 0;
	struct bk_ctx c;
	int so = options_has(&t->opts, OPT_SO), server = options_has(&t->opts, OPT_SERVER);
	if (so && server)
		return usage_error("--so (a trusted KEK that wraps) and --server (one that unwraps) exclude each other");
	const struct kek_kind *k = &kek_kinds[so ? 1 : server ? 2 : 0];
	int rc = key_read_hex(&t->opts, v, &len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (len != 16 && len != 24 && len != 32) {
		OPENSSL_cleanse(v, sizeof v);
		return usage_error("a KEK is an AES key of 16, 24 or 32 bytes, this one %zu", len);
	}
	memset(&c, 0, sizeof c);
	c.t = t;
	rc = tool_slot(t, &c.slot);
	if (rc == TOOL_EXIT_OK && (rc = session_open(t, c.slot, 1, &c.s)) == TOOL_EXIT_OK) {
		c.open = 1;
		rc = session_login(t, c.s, k->who);
	}
	if (rc == TOOL_EXIT_OK)
		rc = p11_fail("C_CreateObject", create_kek(t, c.s, k, v, len));
	OPENSSL_cleanse(v, sizeof v);
	bk_close(&c);
	if (rc == TOOL_EXIT_OK)
		printf("slot %lu: key-encryption key '%s' imported (%s)\n", (unsigned long)c.slot,
		       t->opts.value[OPT_LABEL], k->what);
	return rc;
}
