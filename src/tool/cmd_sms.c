/*
 * cmd_sms.c - the SMS binding (LwM2M over SMS, ETSI TS 102 225 "SCP80"):
 *
 *   sms-provision  the keyset from the Security object's resources: "SMS
 *                  Binding Key Parameters" (KIc | KID | SPI(2) | TAR(3), 7
 *                  bytes; docs/lwm2m.md on the seed's "6 bytes") and "SMS
 *                  Binding Secret Keys" (KIc key || KID key, equal lengths);
 *   sms-wrap       data -> command packet (CKM_PORTFOLIO_SCP80_WRAP);
 *   sms-unwrap     command packet -> data and PoR (CKM_PORTFOLIO_SCP80_UNWRAP);
 *   sms-por        the sender reads the PoR of its packet -> status, counter,
 *                  data (CKM_PORTFOLIO_SCP80_POR_UNWRAP).
 * Device and server run the same commands, each on its own token: the
 * token's keyset and counters make the role.
 */
#include "tool/hex.h"
#include "tool/keyinput.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMS_PARAMS_LEN 7
#define SMS_MAX_IN 34200 /* above the concatenation limit: the token says so */

/* An option's hex value into buf; an exit code. */
static int opt_hex(struct tool *t, enum tool_opt o, unsigned char *buf, size_t cap, size_t *len)
{
	const char *text = t->opts.value[o];
	const char *why = hex_problem(text, cap);
	if (why != NULL)
		return usage_error("--%s %s", options_name(o), why);
	*len = (size_t)hex_decode(text, buf, cap);
	return TOOL_EXIT_OK;
}

/* ---- finding the keyset ------------------------------------------------------ */

static int index_of(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ULONG *index)
{
	CK_ATTRIBUTE a = {CKA_PORTFOLIO_KEY_INDEX, index, sizeof *index};
	CK_RV rv = t->p11->C_GetAttributeValue(s, h, &a, 1);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_GetAttributeValue", rv);
}

/* The KID key of the SMS keyset for TAR tar (or the only keyset, tar < 0). */
static int find_kid(struct tool *t, CK_SESSION_HANDLE s, long tar, CK_OBJECT_HANDLE *kid)
{
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS, n = 0, index;
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_SERVICE, &service, sizeof service};
	CK_OBJECT_HANDLE h[64];
	int found = 0, rc = TOOL_EXIT_OK;
	CK_RV rv = t->p11->C_FindObjectsInit(s, &q, 1);
	if (rv == CKR_OK)
		rv = t->p11->C_FindObjects(s, h, 64, &n);
	(void)t->p11->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjects", rv);
	for (CK_ULONG i = 0; i < n && rc == TOOL_EXIT_OK; i++) {
		rc = index_of(t, s, h[i], &index);
		if (rc != TOOL_EXIT_OK || CK_PORTFOLIO_SMS_INDEX_SLOT(index) != CK_PORTFOLIO_SMS_SLOT_KID)
			continue;
		if (tar >= 0 && CK_PORTFOLIO_SMS_INDEX_TAR(index) != (CK_ULONG)tar)
			continue;
		*kid = h[i];
		found++;
	}
	if (rc == TOOL_EXIT_OK && found != 1) {
		fprintf(stderr, "portfolio-tool: %s\n",
		        found == 0 ? "no SMS keyset (for that TAR) in this token"
		                   : "several SMS keysets: name one with --tar");
		rc = TOOL_EXIT_FAILURE;
	}
	return rc;
}

static int parse_tar(struct tool *t, long *tar)
{
	unsigned char b[3];
	size_t n = 0;
	*tar = -1;
	if (!options_has(&t->opts, OPT_TAR))
		return TOOL_EXIT_OK;
	int rc = opt_hex(t, OPT_TAR, b, sizeof b, &n);
	if (rc == TOOL_EXIT_OK && n != 3)
		return usage_error("--tar is 3 bytes (6 hex digits)");
	if (rc == TOOL_EXIT_OK)
		*tar = (long)b[0] << 16 | (long)b[1] << 8 | b[2];
	return rc;
}

/* User session on --slot with the KID key of the keyset --tar names. */
static int sms_session(struct tool *t, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *kid)
{
	CK_SLOT_ID slot;
	long tar;
	int rc = tool_slot(t, &slot);
	if (rc == TOOL_EXIT_OK)
		rc = parse_tar(t, &tar);
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 1, s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, *s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = find_kid(t, *s, tar, kid);
	if (rc != TOOL_EXIT_OK)
		session_close(t, *s);
	return rc;
}

/* ---- sms-provision ------------------------------------------------------------ */

static int put_key(struct tool *t, CK_SESSION_HANDLE s, const unsigned char *v, size_t len,
                   CK_ULONG index, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
		{CKA_TOKEN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes},
		{CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
		{CKA_ENCRYPT, &yes, sizeof yes}, {CKA_DECRYPT, &yes, sizeof yes},
		{CKA_VALUE, (void *)v, (CK_ULONG)len},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_RV rv = t->p11->C_CreateObject(s, tmpl, sizeof tmpl / sizeof tmpl[0], h);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_CreateObject", rv);
}

/* The 7 key parameters; a 6-byte value (the seed's declared size) is refused
 * with the reason: which byte it lacks cannot be known (docs/lwm2m.md). */
static int parse_key_params(struct tool *t, CK_ULONG *params)
{
	unsigned char b[8];
	size_t n = 0;
	int rc = opt_hex(t, OPT_KEY_PARAMS, b, sizeof b, &n);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (n != SMS_PARAMS_LEN)
		return usage_error("--key-params is KIc|KID|SPI(2)|TAR(3) = 7 bytes, not %zu%s", n,
		                   n == 6 ? " (the 6 of the object's definition lack a byte)" : "");
	/* Said here for the user; the token refuses such a keyset all the same. */
	for (size_t i = 0; i < 2; i++)
		if ((b[i] & 0x0F) != 0x02) /* b2b1 10 AES, b4b3 00 CBC (KIc) / CMAC (KID) */
			return usage_error("%s %02x: the SMS keyset is AES only (CBC, CMAC); single DES and 2-key "
			                   "3DES are refused, 3-key 3DES is not supported",
			                   i == 0 ? "KIc" : "KID", b[i]);
	*params = 0;
	for (size_t i = 0; i < n; i++)
		*params = *params << 8 | b[i];
	return TOOL_EXIT_OK;
}

int cmd_sms_provision(struct tool *t)
{
	unsigned char keys[TOOL_KEY_MAX];
	size_t len = 0;
	CK_ULONG params = 0;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE kic = CK_INVALID_HANDLE, kid;
	int rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK)
		rc = parse_key_params(t, &params);
	if (rc == TOOL_EXIT_OK)
		rc = key_read_hex(&t->opts, keys, &len);
	if (rc == TOOL_EXIT_OK && len != 32 && len != 48 && len != 64)
		rc = usage_error("the secret keys are KIc key || KID key, two AES keys of one size");
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 1, &s);
	if (rc != TOOL_EXIT_OK) {
		OPENSSL_cleanse(keys, sizeof keys);
		return rc;
	}
	rc = session_login(t, s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = put_key(t, s, keys, len / 2, (CK_PORTFOLIO_SMS_SLOT_KIC << 56) | params, &kic);
	if (rc == TOOL_EXIT_OK) {
		rc = put_key(t, s, keys + len / 2, len / 2, (CK_PORTFOLIO_SMS_SLOT_KID << 56) | params, &kid);
		if (rc != TOOL_EXIT_OK) /* no half keyset left behind */
			(void)t->p11->C_DestroyObject(s, kic);
	}
	OPENSSL_cleanse(keys, sizeof keys);
	session_close(t, s);
	if (rc == TOOL_EXIT_OK && !out_json(t))
		printf("SMS keyset provisioned: TAR %06lx\n", (unsigned long)CK_PORTFOLIO_SMS_INDEX_TAR(params));
	return rc;
}

/* ---- sms-wrap / sms-unwrap ------------------------------------------------------ */

static uint64_t counter_of(const CK_PORTFOLIO_SCP80_PARAMS *p)
{
	return (uint64_t)p->ulCounterHigh << 32 | p->ulCounterLow;
}

/* One SCP80 operation: in (--data) through mech into out. */
static CK_RV sms_run(struct tool *t, CK_MECHANISM *m, const unsigned char *in, size_t in_len,
                     unsigned char *out, CK_ULONG *out_len)
{
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE kid;
	int rc = sms_session(t, &s, &kid);
	if (rc != TOOL_EXIT_OK)
		return CKR_CANCEL; /* reported already */
	int wrap = m->mechanism == CKM_PORTFOLIO_SCP80_WRAP;
	CK_RV rv = wrap ? t->p11->C_EncryptInit(s, m, kid) : t->p11->C_DecryptInit(s, m, kid);
	if (rv == CKR_OK)
		rv = wrap ? t->p11->C_Encrypt(s, (CK_BYTE_PTR)in, in_len, out, out_len)
		          : t->p11->C_Decrypt(s, (CK_BYTE_PTR)in, in_len, out, out_len);
	session_close(t, s);
	return rv;
}

int cmd_sms_wrap(struct tool *t)
{
	static unsigned char in[SMS_MAX_IN], out[SMS_MAX_IN + 64];
	CK_PORTFOLIO_SCP80_PARAMS prm = {0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_WRAP, &prm, sizeof prm};
	CK_ULONG out_len = sizeof out;
	size_t in_len = 0;
	int rc = opt_hex(t, OPT_DATA, in, sizeof in, &in_len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	CK_RV rv = sms_run(t, &m, in, in_len, out, &out_len);
	if (rv == CKR_CANCEL)
		return TOOL_EXIT_FAILURE;
	if (rv != CKR_OK)
		return rv_fail("C_Encrypt (SCP80 wrap)", rv);
	if (out_json(t)) {
		json_object *doc = json_object_new_object();
		out_hex(doc, "packet", out, out_len);
		out_ulong(doc, "counter", (unsigned long)counter_of(&prm));
		return out_print(doc, TOOL_EXIT_OK);
	}
	hex_print(stdout, out, out_len);
	putchar('\n');
	return TOOL_EXIT_OK;
}

/* The JSON of a C_Decrypt report: data (when accepted), status, counter. */
static json_object *decrypt_doc(const CK_PORTFOLIO_SCP80_PARAMS *p, const unsigned char *data,
                                size_t len, int rc)
{
	json_object *doc = json_object_new_object();
	if (rc == TOOL_EXIT_OK)
		out_hex(doc, "data", data, len);
	out_ulong(doc, "status", p->ulStatus);
	out_ulong(doc, "counter", (unsigned long)counter_of(p));
	return doc;
}

/* --data through m (UNWRAP or POR_UNWRAP) on C_Decrypt: TOOL_EXIT_OK;
 * TOOL_EXIT_INVALID when the token refused it (said on stderr, with the
 * status); another code when it failed (reported already). */
static int sms_decrypt(struct tool *t, CK_MECHANISM *m, unsigned char *out, CK_ULONG *out_len,
                       const char *refused)
{
	static unsigned char in[SMS_MAX_IN];
	const CK_PORTFOLIO_SCP80_PARAMS *prm = m->pParameter;
	size_t in_len = 0;
	int rc = opt_hex(t, OPT_DATA, in, sizeof in, &in_len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	CK_RV rv = sms_run(t, m, in, in_len, out, out_len);
	if (rv == CKR_CANCEL)
		return TOOL_EXIT_FAILURE;
	if (rv != CKR_OK && prm->ulStatus == 0xFF) /* the token did not get to the input */
		return rv_fail("C_Decrypt (SCP80)", rv);
	if (rv != CKR_OK) {
		fprintf(stderr, "portfolio-tool: %s: status %02lx (0x%08lX)\n", refused,
		        (unsigned long)prm->ulStatus, (unsigned long)rv);
		return TOOL_EXIT_INVALID;
	}
	return TOOL_EXIT_OK;
}

static void print_unwrap(struct tool *t, const CK_PORTFOLIO_SCP80_PARAMS *p, const unsigned char *data,
                         size_t len, int rc)
{
	if (out_json(t)) {
		json_object *doc = decrypt_doc(p, data, len, rc);
		out_hex(doc, "por", p->pPoR, p->ulPoRLen);
		out_print(doc, rc);
		return;
	}
	hex_print(stdout, data, rc == TOOL_EXIT_OK ? len : 0);
	putchar('\n');
	hex_print(stdout, p->pPoR, p->ulPoRLen);
	putchar('\n');
}

int cmd_sms_unwrap(struct tool *t)
{
	static unsigned char out[SMS_MAX_IN];
	unsigned char por[CK_PORTFOLIO_SCP80_MAX_POR], por_data[CK_PORTFOLIO_SCP80_MAX_POR_DATA];
	CK_PORTFOLIO_SCP80_PARAMS prm = {NULL, 0, por, sizeof por, 0xFF, 0, 0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_UNWRAP, &prm, sizeof prm};
	CK_ULONG out_len = sizeof out;
	size_t pd_len = 0;
	int rc = TOOL_EXIT_OK;
	if (options_has(&t->opts, OPT_POR_DATA))
		rc = opt_hex(t, OPT_POR_DATA, por_data, sizeof por_data, &pd_len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	prm.pPoRData = pd_len != 0 ? por_data : NULL;
	prm.ulPoRDataLen = pd_len;
	rc = sms_decrypt(t, &m, out, &out_len, "packet discarded");
	if (rc != TOOL_EXIT_OK && rc != TOOL_EXIT_INVALID)
		return rc;
	print_unwrap(t, &prm, out, out_len, rc);
	OPENSSL_cleanse(out, sizeof out);
	return rc;
}

/* ---- sms-por ----------------------------------------------------------------------- */

static void print_por(struct tool *t, const CK_PORTFOLIO_SCP80_PARAMS *p, const unsigned char *data,
                      size_t len, int rc)
{
	if (out_json(t)) {
		out_print(decrypt_doc(p, data, len, rc), rc);
		return;
	}
	if (rc != TOOL_EXIT_OK)
		return;
	printf("status %02lx\ncounter %lu\n", (unsigned long)p->ulStatus, (unsigned long)counter_of(p));
	hex_print(stdout, data, len);
	putchar('\n');
}

int cmd_sms_por(struct tool *t)
{
	static unsigned char out[SMS_MAX_IN];
	CK_PORTFOLIO_SCP80_PARAMS prm = {NULL, 0, NULL, 0, 0xFF, 0, 0};
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_POR_UNWRAP, &prm, sizeof prm};
	CK_ULONG out_len = sizeof out;
	int rc = sms_decrypt(t, &m, out, &out_len, "PoR refused");
	if (rc != TOOL_EXIT_OK && rc != TOOL_EXIT_INVALID)
		return rc;
	print_por(t, &prm, out, out_len, rc);
	OPENSSL_cleanse(out, sizeof out);
	return rc;
}
