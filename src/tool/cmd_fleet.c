/*
 * cmd_fleet.c - a fleet from master keys (docs/fleet.md, docs/mechanisms.md
 * section 10): gen-master / import-master make a master (CKA_PORTFOLIO_MASTER,
 * derive only); derive-device derives a device key into a session object,
 * bound-wraps it for the device token and destroys it; verify / decrypt with
 * --master run the device's mechanism in its diversified form
 * (CKM_PORTFOLIO_DIV_*, fleet_mechanism) with the master itself: the token
 * derives the device key for the one operation and wipes it, and no object
 * is made. A device key is never in clear outside a token.
 */
#include "config.h"
#include "tool/keyinput.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#define A(type, v) {type, (void *)&(v), sizeof(v)}

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS secret_class = CKO_SECRET_KEY;
static CK_KEY_TYPE aes_type = CKK_AES;

static const char *service_name(CK_ULONG service)
{
	return service == CK_PORTFOLIO_SRV_AUTHENT ? "auth" : "enc";
}

/* --type for a master: aes128 (default) or aes256, the sizes the AES-CMAC PRF takes. */
static int master_length(struct tool *t, size_t import_len, CK_ULONG *len)
{
	const char *type = t->opts.value[OPT_TYPE];
	*len = import_len != 0 ? import_len : 16;
	if (type != NULL && strcmp(type, "aes128") != 0 && strcmp(type, "aes256") != 0)
		return usage_error("--type for a master wants aes128 or aes256, not '%s'", type);
	if (type != NULL && import_len == 0)
		*len = strcmp(type, "aes256") == 0 ? 32 : 16;
	if (type != NULL && *len != (strcmp(type, "aes256") == 0 ? 32UL : 16UL))
		return usage_error("--type %s does not match the %zu key bytes given", type, import_len);
	if (*len != 16 && *len != 32)
		return usage_error("a master is an AES key of 16 or 32 bytes, this one %lu", (unsigned long)*len);
	return TOOL_EXIT_OK;
}

/* The key labelled --master (or label): *found 0 if none. */
static int find_labelled(struct tool *t, CK_SESSION_HANDLE s, const char *label, CK_OBJECT_HANDLE *h, int *found)
{
	CK_ATTRIBUTE q[] = {A(CKA_CLASS, secret_class), {CKA_LABEL, (void *)label, strlen(label)}};
	return find_one(t, s, q, 2, h, found);
}

/* The master labelled --master; refuses a missing key and one that is not a master. */
static int find_master(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h, CK_ULONG *service)
{
	const char *label = t->opts.value[OPT_MASTER];
	int found = 0, rc = find_labelled(t, s, label, h, &found);
	CK_ATTRIBUTE a = A(CKA_PORTFOLIO_MASTER, *service);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: no key labelled '%s' (see gen-master)\n", label);
		return TOOL_EXIT_FAILURE;
	}
	if (rc == TOOL_EXIT_OK && t->p11->C_GetAttributeValue(s, *h, &a, 1) != CKR_OK) {
		fprintf(stderr, "portfolio-tool: the key labelled '%s' is not a master key\n", label);
		return TOOL_EXIT_FAILURE;
	}
	return rc;
}

/* --device-id, --instance and --index into the mechanism parameter. */
static int parse_device(struct tool *t, CK_PORTFOLIO_DIVERSIFY_PARAMS *p)
{
	const char *id = t->opts.value[OPT_DEVICE_ID];
	unsigned long instance = 0, index = 0;
	if (id == NULL || !options_has(&t->opts, OPT_INSTANCE))
		return usage_error("--master wants --device-id D and --instance I (and --index K)");
	size_t len = strlen(id);
	if (len == 0 || len > CK_PORTFOLIO_MAX_DEVICE_ID)
		return usage_error("--device-id has %zu bytes: a device id has 1 to %lu bytes", len,
		                   (unsigned long)CK_PORTFOLIO_MAX_DEVICE_ID);
	int rc = options_ulong(&t->opts, OPT_INSTANCE, &instance);
	if (rc == TOOL_EXIT_OK)
		rc = options_ulong(&t->opts, OPT_INDEX, &index);
	if (rc == TOOL_EXIT_OK && (instance > 0xFFFFFFFFUL || index > 0xFFFFFFFFUL))
		rc = usage_error("--instance and --index must be below 2^32");
	p->pDeviceId = (CK_BYTE_PTR)id;
	p->ulDeviceIdLen = (CK_ULONG)len;
	p->ulInstance = instance;
	p->ulKeyIndex = index;
	return rc;
}

/* The master --master of want_service ((CK_ULONG)-1: either) and its length. */
static int open_master(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG want_service, CK_OBJECT_HANDLE *master,
                       CK_ULONG *service, CK_ULONG *len)
{
	int rc = find_master(t, s, master, service);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (want_service != *service && want_service != (CK_ULONG)-1) {
		fprintf(stderr, "portfolio-tool: master '%s' derives %s keys, this command needs %s\n",
		        t->opts.value[OPT_MASTER], service_name(*service), service_name(want_service));
		return TOOL_EXIT_FAILURE;
	}
	CK_ATTRIBUTE lq = A(CKA_VALUE_LEN, *len);
	CK_RV rv = t->p11->C_GetAttributeValue(s, *master, &lq, 1);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_GetAttributeValue (master length)", rv);
}

/* Factory: C_DeriveKey(DIVERSIFY) into a sensitive session key as long as
 * the master, which signs (auth) or encrypts and decrypts (enc) and may leave
 * only wrapped. */
static int derive_for_device(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
	CK_PORTFOLIO_DIVERSIFY_PARAMS p;
	CK_MECHANISM m = {CKM_PORTFOLIO_DIVERSIFY, &p, sizeof p};
	CK_OBJECT_HANDLE master;
	CK_ULONG service = 0, len = 0;
	int rc = parse_device(t, &p);
	if (rc == TOOL_EXIT_OK)
		rc = open_master(t, s, (CK_ULONG)-1, &master, &service, &len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	CK_BBOOL auth = service == CK_PORTFOLIO_SRV_AUTHENT ? CK_TRUE : CK_FALSE, enc = !auth;
	char label[48];
	snprintf(label, sizeof label, "%s-K%lu", service_name(service), (unsigned long)p.ulKeyIndex);
	CK_ATTRIBUTE tmpl[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, aes_type), A(CKA_TOKEN, no),
	                       A(CKA_VALUE_LEN, len), A(CKA_SENSITIVE, yes), A(CKA_EXTRACTABLE, yes),
	                       A(CKA_SIGN, auth), A(CKA_VERIFY, no), A(CKA_ENCRYPT, enc),
	                       A(CKA_DECRYPT, enc), A(CKA_DERIVE, no), {CKA_LABEL, label, strlen(label)}};
	CK_RV rv = t->p11->C_DeriveKey(s, &m, master, tmpl, sizeof tmpl / sizeof tmpl[0], key);
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_DeriveKey (CKM_PORTFOLIO_DIVERSIFY)", rv);
}

int fleet_key_open(struct tool *t, CK_ULONG service, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key)
{
	CK_SLOT_ID slot;
	CK_ULONG master_service, len;
	if (!options_has(&t->opts, OPT_MASTER)) {
		if (options_has(&t->opts, OPT_DEVICE_ID) || options_has(&t->opts, OPT_INSTANCE))
			return usage_error("--device-id and --instance go with --master");
		return session_for_key(t, service, s, key);
	}
	if (options_has(&t->opts, OPT_URI))
		return usage_error("--master names the key: no --uri");
	CK_PORTFOLIO_DIVERSIFY_PARAMS device;
	int rc = parse_device(t, &device); /* bad options before any session */
	if (rc == TOOL_EXIT_OK)
		rc = tool_slot(t, &slot);
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 0, s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, *s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = open_master(t, *s, service, key, &master_service, &len);
	if (rc != TOOL_EXIT_OK)
		session_close(t, *s);
	return rc;
}

/* The device mechanisms and their diversified forms (docs/mechanisms.md 10.2). */
static const struct {
	CK_MECHANISM_TYPE device, div;
} div_of[] = {
	{CKM_PORTFOLIO_AUTH_CMAC, CKM_PORTFOLIO_DIV_AUTH_CMAC},
	{CKM_PORTFOLIO_AUTH_HMAC, CKM_PORTFOLIO_DIV_AUTH_HMAC},
	{CKM_PORTFOLIO_ENC_GCM, CKM_PORTFOLIO_DIV_ENC_GCM},
};

int fleet_mechanism(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, CK_MECHANISM *mech,
                    CK_PORTFOLIO_DIV_PARAMS *div)
{
	size_t i = 0;
	CK_ULONG len = 0;
	if (!options_has(&t->opts, OPT_MASTER))
		return TOOL_EXIT_OK;
	while (i < sizeof div_of / sizeof div_of[0] && div_of[i].device != mech->mechanism)
		i++;
	if (i == sizeof div_of / sizeof div_of[0])
		return usage_error("--master checks %s answers only", "AUTH (CMAC, HMAC) and ENC_GCM");
	int rc = parse_device(t, &div->device);
	CK_ATTRIBUTE lq = A(CKA_VALUE_LEN, len);
	CK_RV rv = rc == TOOL_EXIT_OK ? t->p11->C_GetAttributeValue(s, key, &lq, 1) : CKR_OK;
	if (rv != CKR_OK)
		return rv_fail("C_GetAttributeValue (master length)", rv);
	/* derive-device makes device keys as long as their master */
	div->ulDeviceKeyLen = len;
	div->op = *(const CK_PORTFOLIO_PARAMS *)mech->pParameter;
	mech->mechanism = div_of[i].div;
	mech->pParameter = div;
	mech->ulParameterLen = sizeof *div;
	return rc;
}

void fleet_key_close(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key)
{
	(void)key; /* the key or the master: nothing per device to destroy */
	session_close(t, s);
}

/* ---- factory --------------------------------------------------------------- */

int cmd_derive_device(struct tool *t)
{
	/* The device key lands unextractable: it stays in that one device. */
	return export_wrapped_key(t, derive_for_device, 1);
}

/* ---- masters --------------------------------------------------------------- */

static int report_master(struct tool *t, CK_SLOT_ID slot, CK_ULONG service, CK_ULONG len, int imported)
{
	const char *label = t->opts.value[OPT_LABEL];
	if (out_json(t)) {
		json_object *doc = json_object_new_object();
		out_ulong(doc, "slot", (unsigned long)slot);
		out_str(doc, "label", label);
		out_str(doc, "master", service_name(service));
		out_ulong(doc, "bytes", (unsigned long)len);
		return out_print(doc, TOOL_EXIT_OK);
	}
	printf("slot %lu: %s master %s (%s keys, AES, %lu bytes)\n", (unsigned long)slot,
	       imported ? "imported" : "generated", label, service_name(service), (unsigned long)len);
	return TOOL_EXIT_OK;
}

/* Generates (value NULL) or creates the master --label of --service. */
static int put_master(struct tool *t, const unsigned char *value, CK_ULONG len, CK_ULONG service)
{
	CK_BBOOL ext = options_has(&t->opts, OPT_EXTRACTABLE) ? CK_TRUE : CK_FALSE;
	const char *label = t->opts.value[OPT_LABEL];
	CK_ATTRIBUTE a[] = {A(CKA_CLASS, secret_class), A(CKA_KEY_TYPE, aes_type), A(CKA_TOKEN, yes),
	                    A(CKA_PRIVATE, yes), {CKA_LABEL, (void *)label, strlen(label)},
	                    A(CKA_PORTFOLIO_MASTER, service), A(CKA_DERIVE, yes), A(CKA_SIGN, no),
	                    A(CKA_VERIFY, no), A(CKA_ENCRYPT, no), A(CKA_DECRYPT, no), A(CKA_SENSITIVE, yes),
	                    A(CKA_EXTRACTABLE, ext), A(CKA_VALUE_LEN, len)};
	CK_ULONG n = sizeof a / sizeof a[0];
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE h;
	int found = 0, rc = tool_slot(t, &slot);
	if (value != NULL)
		a[n - 1] = (CK_ATTRIBUTE){CKA_VALUE, (void *)value, len};
	if (rc != TOOL_EXIT_OK || (rc = session_open(t, slot, 1, &s)) != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = find_labelled(t, s, label, &h, &found);
	if (rc == TOOL_EXIT_OK && found) {
		fprintf(stderr, "portfolio-tool: slot %lu already has a key labelled '%s'\n", (unsigned long)slot, label);
		rc = TOOL_EXIT_FAILURE;
	}
	if (rc == TOOL_EXIT_OK) {
		CK_RV rv = value != NULL ? t->p11->C_CreateObject(s, a, n, &h) : t->p11->C_GenerateKey(s, &gen, a, n, &h);
		if (rv != CKR_OK)
			rc = rv_fail(value != NULL ? "C_CreateObject (master)" : "C_GenerateKey (master)", rv);
	}
	session_close(t, s);
	return rc == TOOL_EXIT_OK ? report_master(t, slot, service, len, value != NULL) : rc;
}

int cmd_gen_master(struct tool *t)
{
	CK_ULONG service, len;
	int rc = parse_service(t, &service);
	if (rc == TOOL_EXIT_OK)
		rc = master_length(t, 0, &len);
	return rc == TOOL_EXIT_OK ? put_master(t, NULL, len, service) : rc;
}

int cmd_import_master(struct tool *t)
{
	unsigned char v[TOOL_KEY_MAX];
	size_t vlen = 0;
	CK_ULONG service, len;
	int rc = parse_service(t, &service);
	if (rc == TOOL_EXIT_OK)
		rc = key_read_hex(&t->opts, v, &vlen);
	if (rc == TOOL_EXIT_OK)
		rc = master_length(t, vlen, &len);
	if (rc == TOOL_EXIT_OK)
		rc = put_master(t, v, len, service);
	OPENSSL_cleanse(v, sizeof v);
	return rc;
}
