/* session.c - sessions, login and object lookup shared by the commands. */
#include "tool/session.h"
#include "tool/challenge.h"
#include "tool/pin.h"
#include "tool/rv.h"
#include "tool/uri.h"

#include <stdio.h>
#include <string.h>

/* The filter of --uri, or of --token/--serial; NULL after a usage error. */
static struct tool_uri *token_filter(struct tool *t)
{
	const char *why = "out of memory";
	struct tool_uri *u;

	if (options_has(&t->opts, OPT_URI)) {
		if (options_has(&t->opts, OPT_TOKEN) || options_has(&t->opts, OPT_SERIAL)) {
			usage_error("--uri names the token itself: no --token or --serial with it");
			return NULL;
		}
		u = tool_uri_parse(t->opts.value[OPT_URI], &why);
		if (u == NULL)
			usage_error("--uri is not a PKCS#11 URI for a token: %s", why);
		return u;
	}
	u = tool_uri_from_token(t->opts.value[OPT_TOKEN], t->opts.value[OPT_SERIAL], &why);
	if (u == NULL)
		usage_error("%s", why);
	return u;
}

/* The one slot whose token the filter matches. Through the p11-kit proxy
 * slot ids are renumbered: a label, serial or URI still finds the token. */
static int find_token_slot(struct tool *t, struct tool_uri *u, CK_SLOT_ID *slot)
{
	CK_SLOT_ID ids[256];
	CK_ULONG count = sizeof(ids) / sizeof(ids[0]), matches = 0;
	CK_RV rv = t->p11->C_GetSlotList(CK_TRUE, ids, &count);

	if (rv != CKR_OK)
		return rv_fail("C_GetSlotList", rv);
	for (CK_ULONG i = 0; i < count; i++) {
		CK_SLOT_INFO si;
		CK_TOKEN_INFO ti;

		if (t->p11->C_GetSlotInfo(ids[i], &si) != CKR_OK || t->p11->C_GetTokenInfo(ids[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED) || !tool_uri_match(u, ids[i], &si, &ti))
			continue;
		*slot = ids[i];
		matches++;
	}
	if (matches == 1)
		return TOOL_EXIT_OK;
	fprintf(stderr, "portfolio-tool: %s token matches; see list-slots%s\n", matches == 0 ? "no" : "more than one",
		matches == 0 ? "" : " and add --serial, or use --slot");
	return TOOL_EXIT_FAILURE;
}

int tool_slot(struct tool *t, CK_SLOT_ID *slot)
{
	unsigned long v;
	struct tool_uri *u;
	int rc;

	if (options_has(&t->opts, OPT_SLOT)) {
		if (options_has(&t->opts, OPT_URI) || options_has(&t->opts, OPT_TOKEN) ||
		    options_has(&t->opts, OPT_SERIAL))
			return usage_error("give the token one way: --slot, or --token/--serial, or --uri");
		rc = options_ulong(&t->opts, OPT_SLOT, &v);
		if (rc == TOOL_EXIT_OK)
			*slot = (CK_SLOT_ID)v;
		return rc;
	}
	u = token_filter(t);
	if (u == NULL)
		return TOOL_EXIT_USAGE;
	rc = find_token_slot(t, u, slot);
	tool_uri_free(u);
	return rc;
}

int slot_instance(struct tool *t, CK_SLOT_ID slot, unsigned long *iid)
{
	CK_SLOT_INFO info;
	char desc[sizeof(info.slotDescription) + 1];
	char tail;

	/* Slot ids are the module's to give (the p11-kit proxy renumbers
	 * them); the instance is in the description the module writes. */
	if (t->p11->C_GetSlotInfo(slot, &info) != CKR_OK)
		return 0;
	memcpy(desc, info.slotDescription, sizeof(info.slotDescription));
	desc[sizeof(info.slotDescription)] = '\0';
	return sscanf(desc, "Portfolio /16/%lu%c", iid, &tail) == 2 && tail == ' ';
}

int session_open(struct tool *t, CK_SLOT_ID slot, int rw, CK_SESSION_HANDLE *out)
{
	CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_RV rv = t->p11->C_OpenSession(slot, flags, NULL, NULL, out);

	if (rv != CKR_OK)
		return rv_fail("C_OpenSession", rv);
	return TOOL_EXIT_OK;
}

/* After a refused PIN, what the token's flags say about the tries left
 * (PKCS#11 gives no count: "low", "final try" and "locked" are all there is). */
static void report_tries(struct tool *t, CK_SESSION_HANDLE s, CK_USER_TYPE who)
{
	int so = who == CKU_SO;
	CK_FLAGS low = so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
	CK_FLAGS final = so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	CK_FLAGS locked = so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
	CK_SESSION_INFO sinfo;
	CK_TOKEN_INFO tinfo;
	const char *note;

	if (t->p11->C_GetSessionInfo(s, &sinfo) != CKR_OK ||
	    t->p11->C_GetTokenInfo(sinfo.slotID, &tinfo) != CKR_OK)
		return;
	if (tinfo.flags & locked)
		note = so ? "is now locked" : "is now locked: the SO can set a new one (init-pin)";
	else if (tinfo.flags & final)
		note = "has one try left before it locks";
	else if (tinfo.flags & low)
		note = "has few tries left";
	else
		note = "still has tries left (the token does not report them as low)";
	fprintf(stderr, "portfolio-tool: the %s PIN %s\n", so ? "SO" : "user", note);
}

int session_login_failed(struct tool *t, CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_RV rv)
{
	int rc = rv_fail(who == CKU_SO ? "C_Login (SO)" : "C_Login (user)", rv);

	if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED)
		report_tries(t, s, who);
	return rc;
}

int session_login(struct tool *t, CK_SESSION_HANDLE s, CK_USER_TYPE who)
{
	char pin[TOOL_PIN_MAX];
	int rc;
	CK_RV rv;

	if (who == CKU_SO)
		rc = pin_obtain(&t->opts, OPT_SO_PIN, "PORTFOLIO_SO_PIN", "SO PIN", pin);
	else
		rc = pin_obtain(&t->opts, OPT_PIN, "PORTFOLIO_PIN", "User PIN", pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rv = t->p11->C_Login(s, who, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
	pin_wipe(pin);
	if (rv != CKR_OK)
		return session_login_failed(t, s, who, rv);
	return TOOL_EXIT_OK;
}

void session_close(struct tool *t, CK_SESSION_HANDLE s)
{
	/* CKR_USER_NOT_LOGGED_IN is the usual answer when nobody logged in. */
	(void)t->p11->C_Logout(s);
	(void)t->p11->C_CloseSession(s);
}

int find_one(struct tool *t, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG count,
	     CK_OBJECT_HANDLE *out, int *found)
{
	CK_OBJECT_HANDLE handles[2];
	CK_ULONG n = 0;
	CK_RV rv;

	*found = 0;
	rv = t->p11->C_FindObjectsInit(s, tmpl, count);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjectsInit", rv);
	rv = t->p11->C_FindObjects(s, handles, 2, &n);
	(void)t->p11->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjects", rv);
	if (n > 1) {
		fprintf(stderr, "portfolio-tool: more than one object matches; the token is inconsistent\n");
		return TOOL_EXIT_FAILURE;
	}
	if (n == 1) {
		*out = handles[0];
		*found = 1;
	}
	return TOOL_EXIT_OK;
}

int find_keyset_key(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG service, CK_ULONG index,
		    CK_OBJECT_HANDLE *out, int *found)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_PORTFOLIO_SERVICE, &service, sizeof(service) },
		{ CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index) },
	};

	return find_one(t, s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), out, found);
}

int find_identity(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG id, CK_OBJECT_HANDLE *out, int *found)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id) },
	};

	return find_one(t, s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), out, found);
}

enum identity_state identity_state(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG id)
{
	CK_OBJECT_HANDLE obj;
	CK_BBOOL provisioned = CK_FALSE;
	CK_ATTRIBUTE a = { CKA_PORTFOLIO_HASH_PROVISIONED, &provisioned, sizeof(provisioned) };
	int found;

	if (find_identity(t, s, id, &obj, &found) != TOOL_EXIT_OK)
		return IDENTITY_UNKNOWN;
	if (!found)
		return IDENTITY_ABSENT;
	if (t->p11->C_GetAttributeValue(s, obj, &a, 1) != CKR_OK)
		return IDENTITY_UNKNOWN;
	return provisioned == CK_TRUE ? IDENTITY_HASHED : IDENTITY_NO_HASH;
}

int identity_op_failed(struct tool *t, CK_SESSION_HANDLE s, const char *what, CK_RV rv, CK_ULONG id)
{
	int rc = rv_fail(what, rv);

	if (rv != CKR_MECHANISM_PARAM_INVALID)
		return rc;
	/* The module answers both with CKR_MECHANISM_PARAM_INVALID; say which. */
	switch (identity_state(t, s, id)) {
	case IDENTITY_ABSENT:
		fprintf(stderr, "portfolio-tool: there is no Identity instance %lu (set-identity --id %lu)\n",
			(unsigned long)id, (unsigned long)id);
		break;
	case IDENTITY_NO_HASH:
		fprintf(stderr, "portfolio-tool: Identity instance %lu has no provisioned hash "
			"(set-identity --provision, as SO)\n", (unsigned long)id);
		break;
	default:
		break;
	}
	return rc;
}

int parse_service(struct tool *t, CK_ULONG *service)
{
	const char *text = t->opts.value[OPT_SERVICE];

	if (text == NULL)
		return usage_error("option --service is required");
	/* The names of the tool, and the numbers of GetAuthData argument 0. */
	if (strcmp(text, "auth") == 0 || strcmp(text, "0") == 0) {
		*service = CK_PORTFOLIO_SRV_AUTHENT;
		return TOOL_EXIT_OK;
	}
	if (strcmp(text, "enc") == 0 || strcmp(text, "1") == 0) {
		*service = CK_PORTFOLIO_SRV_ENCRYPT;
		return TOOL_EXIT_OK;
	}
	return usage_error("--service wants auth or enc, not '%s'", text);
}

int tool_challenge(struct tool *t, CK_BYTE *buf, CK_ULONG *len)
{
	int n = tool_challenge_parse(t->opts.value[OPT_CHALLENGE], buf);

	if (n <= 0)
		return usage_error("--challenge wants 0x<hex digits> or decimal digits giving 1..%d bytes, not '%s'",
				   TOOL_CHALLENGE_MAX, t->opts.value[OPT_CHALLENGE] != NULL ? t->opts.value[OPT_CHALLENGE] : "");
	*len = (CK_ULONG)n;
	return TOOL_EXIT_OK;
}

static const char *keyset_word(CK_ULONG service)
{
	return service == CK_PORTFOLIO_SRV_AUTHENT ? "auth" : "enc";
}

int key_choice_parse(struct tool *t, CK_ULONG service, struct key_choice *kc)
{
	unsigned long index = 0;
	const char *why = "out of memory";
	int rc = TOOL_EXIT_OK;

	memset(kc, 0, sizeof(*kc));
	if (options_has(&t->opts, OPT_URI)) {
		kc->uri = tool_uri_parse(t->opts.value[OPT_URI], &why);
		if (kc->uri == NULL)
			return usage_error("--uri is not a PKCS#11 URI: %s", why);
		if (!tool_uri_names_object(kc->uri)) {
			tool_uri_free(kc->uri);
			kc->uri = NULL;
		}
	}
	if (!options_has(&t->opts, OPT_INDEX) && kc->uri == NULL) {
		key_choice_free(kc);
		return usage_error("the key is named by --index K, or by a --uri with object= or id=");
	}
	if (options_has(&t->opts, OPT_INDEX)) {
		rc = options_ulong(&t->opts, OPT_INDEX, &index);
		kc->has_index = rc == TOOL_EXIT_OK;
		kc->index = (CK_ULONG)index;
	}
	if (rc != TOOL_EXIT_OK) {
		key_choice_free(kc);
		return rc;
	}
	if (kc->has_index)
		snprintf(kc->what, sizeof(kc->what), "key K%lu in its %s keyset%s", index, keyset_word(service),
			 kc->uri != NULL ? " matching --uri" : "");
	else
		snprintf(kc->what, sizeof(kc->what), "key in its %s keyset matching --uri", keyset_word(service));
	return TOOL_EXIT_OK;
}

void key_choice_free(struct key_choice *kc)
{
	tool_uri_free(kc->uri);
	kc->uri = NULL;
}

/* Whether key o matches the URI's object attributes (class, id, label). */
static int key_matches_uri(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, const struct tool_uri *u)
{
	CK_BYTE id[256];
	char label[256];
	CK_ATTRIBUTE a[] = { { CKA_ID, id, sizeof(id) }, { CKA_LABEL, label, sizeof(label) } };

	if (t->p11->C_GetAttributeValue(s, o, a, 2) != CKR_OK)
		return 0;
	return tool_uri_match_key(u, CKO_SECRET_KEY, id, a[0].ulValueLen, label, a[1].ulValueLen);
}

int find_chosen_key(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG service, const struct key_choice *kc,
		    CK_OBJECT_HANDLE *out, int *found)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ULONG index = kc->index;
	CK_ATTRIBUTE tmpl[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_PORTFOLIO_SERVICE, &service, sizeof(service) },
		{ CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index) },
	};
	CK_OBJECT_HANDLE keys[64];
	CK_ULONG n = 0, matches = 0;
	CK_RV rv;

	if (kc->uri == NULL)
		return find_keyset_key(t, s, service, kc->index, out, found);
	*found = 0;
	rv = t->p11->C_FindObjectsInit(s, tmpl, kc->has_index ? 3 : 2);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjectsInit", rv);
	rv = t->p11->C_FindObjects(s, keys, sizeof(keys) / sizeof(keys[0]), &n);
	(void)t->p11->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjects", rv);
	for (CK_ULONG i = 0; i < n; i++) {
		if (!key_matches_uri(t, s, keys[i], kc->uri))
			continue;
		*out = keys[i];
		matches++;
	}
	if (matches > 1) {
		fprintf(stderr, "portfolio-tool: more than one key of the %s keyset matches --uri; "
			"add id= to it, or --index\n", keyset_word(service));
		return TOOL_EXIT_FAILURE;
	}
	*found = matches == 1;
	return TOOL_EXIT_OK;
}

int session_for_key(struct tool *t, CK_ULONG service, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key)
{
	struct key_choice kc;
	CK_SLOT_ID slot;
	int found, rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK)
		rc = key_choice_parse(t, service, &kc);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_open(t, slot, 0, s);
	if (rc != TOOL_EXIT_OK) {
		key_choice_free(&kc);
		return rc;
	}
	rc = session_login(t, *s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = find_chosen_key(t, *s, service, &kc, key, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: slot %lu has no %s\n", (unsigned long)slot, kc.what);
		rc = TOOL_EXIT_FAILURE;
	}
	if (rc != TOOL_EXIT_OK)
		session_close(t, *s);
	key_choice_free(&kc);
	return rc;
}
