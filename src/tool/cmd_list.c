/*
 * cmd_list.c - list-slots, list-mechanisms, list-objects: read-only views of
 * what the module offers. Never prints a secret: values are not even asked for.
 */
#include "tool/names.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PKCS#11 pads fixed text fields with blanks; print them without. */
static void print_padded(const CK_UTF8CHAR *text, size_t len)
{
	while (len > 0 && text[len - 1] == ' ')
		len--;
	printf("%.*s", (int)len, (const char *)text);
}

static void print_slot(struct tool *t, CK_SLOT_ID slot)
{
	CK_SLOT_INFO sinfo;
	CK_TOKEN_INFO tinfo;
	CK_RV rv;

	printf("Slot %lu (/16/%lu)", (unsigned long)slot, (unsigned long)slot);
	rv = t->p11->C_GetSlotInfo(slot, &sinfo);
	if (rv == CKR_OK && !(sinfo.flags & CKF_TOKEN_PRESENT)) {
		printf(": no token\n");
		return;
	}
	rv = t->p11->C_GetTokenInfo(slot, &tinfo);
	if (rv != CKR_OK) {
		printf(": token unreadable: %s\n", pf_ckr_name_str(rv));
		return;
	}
	if (!(tinfo.flags & CKF_TOKEN_INITIALIZED)) {
		printf(": free; init-instance creates instance %lu here\n", (unsigned long)slot);
		return;
	}
	printf(": \"");
	print_padded(tinfo.label, sizeof(tinfo.label));
	printf("\"\n  model ");
	print_padded(tinfo.model, sizeof(tinfo.model));
	printf(", serial ");
	print_padded(tinfo.serialNumber, sizeof(tinfo.serialNumber));
	printf("\n  user PIN %s%s%s%s\n", (tinfo.flags & CKF_USER_PIN_INITIALIZED) ? "set" : "NOT set (run init-pin)",
	       (tinfo.flags & CKF_LOGIN_REQUIRED) ? ", login required" : "",
	       (tinfo.flags & CKF_USER_PIN_LOCKED) ? ", user PIN LOCKED" : "",
	       (tinfo.flags & CKF_SO_PIN_LOCKED) ? ", SO PIN LOCKED" : "");
}

int cmd_list_slots(struct tool *t)
{
	CK_ULONG count = 0;
	CK_SLOT_ID *slots;
	CK_RV rv;

	rv = t->p11->C_GetSlotList(CK_FALSE, NULL, &count);
	if (rv != CKR_OK)
		return rv_fail("C_GetSlotList", rv);
	slots = calloc(count + 1, sizeof(*slots));
	if (slots == NULL)
		return rv_fail("allocating the slot list", CKR_HOST_MEMORY);
	rv = t->p11->C_GetSlotList(CK_FALSE, slots, &count);
	if (rv != CKR_OK) {
		free(slots);
		return rv_fail("C_GetSlotList", rv);
	}
	for (CK_ULONG i = 0; i < count; i++)
		print_slot(t, slots[i]);
	free(slots);
	return TOOL_EXIT_OK;
}

static void print_mechanism_flags(CK_FLAGS f)
{
	static const struct { CK_FLAGS flag; const char *name; } flags[] = {
		{ CKF_ENCRYPT, "encrypt" }, { CKF_DECRYPT, "decrypt" }, { CKF_DIGEST, "digest" },
		{ CKF_SIGN, "sign" }, { CKF_VERIFY, "verify" }, { CKF_GENERATE, "generate" },
		{ CKF_WRAP, "wrap" }, { CKF_UNWRAP, "unwrap" }, { CKF_DERIVE, "derive" },
	};
	const char *sep = "";

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (f & flags[i].flag) {
			printf("%s%s", sep, flags[i].name);
			sep = ",";
		}
	}
}

int cmd_list_mechanisms(struct tool *t)
{
	CK_SLOT_ID slot;
	CK_ULONG count = 0;
	CK_MECHANISM_TYPE *mechs;
	CK_RV rv;
	int rc = tool_slot(t, &slot);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rv = t->p11->C_GetMechanismList(slot, NULL, &count);
	if (rv != CKR_OK)
		return rv_fail("C_GetMechanismList", rv);
	mechs = calloc(count + 1, sizeof(*mechs));
	if (mechs == NULL)
		return rv_fail("allocating the mechanism list", CKR_HOST_MEMORY);
	rv = t->p11->C_GetMechanismList(slot, mechs, &count);
	if (rv != CKR_OK) {
		free(mechs);
		return rv_fail("C_GetMechanismList", rv);
	}
	for (CK_ULONG i = 0; i < count; i++) {
		CK_MECHANISM_INFO info;
		const char *name = mechanism_name(mechs[i]);

		printf("0x%08lX %-26s", (unsigned long)mechs[i], name != NULL ? name : "(unknown)");
		if (t->p11->C_GetMechanismInfo(slot, mechs[i], &info) == CKR_OK) {
			printf(" keys %lu..%lu bytes, ", (unsigned long)info.ulMinKeySize,
			       (unsigned long)info.ulMaxKeySize);
			print_mechanism_flags(info.flags);
		}
		printf("\n");
	}
	free(mechs);
	return TOOL_EXIT_OK;
}

/* Reads one CK_ULONG attribute; 0 if the object does not have it. */
static int get_ulong(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type,
		     CK_ULONG *out)
{
	CK_ATTRIBUTE a = { type, out, sizeof(*out) };

	return t->p11->C_GetAttributeValue(s, o, &a, 1) == CKR_OK && a.ulValueLen == sizeof(*out);
}

static int get_bool(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL b = CK_FALSE;
	CK_ATTRIBUTE a = { type, &b, sizeof(b) };

	return t->p11->C_GetAttributeValue(s, o, &a, 1) == CKR_OK && b == CK_TRUE;
}

static void print_object(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o)
{
	CK_ULONG cls = 0, value;
	char label[129];
	CK_ATTRIBUTE la = { CKA_LABEL, label, sizeof(label) - 1 };
	const char *name;

	if (!get_ulong(t, s, o, CKA_CLASS, &cls)) {
		printf("object (class unreadable)\n");
		return;
	}
	name = class_name(cls);
	printf("%s", name != NULL ? name : "class");
	if (name == NULL)
		printf(" 0x%08lX", (unsigned long)cls);
	if (t->p11->C_GetAttributeValue(s, o, &la, 1) == CKR_OK && la.ulValueLen > 0 &&
	    la.ulValueLen < sizeof(label)) {
		label[la.ulValueLen] = '\0';
		printf(" \"%s\"", label);
	}
	printf("\n");
	if (cls == CKO_PORTFOLIO_IDENTITY) {
		if (get_ulong(t, s, o, CKA_PORTFOLIO_IDENTITY_ID, &value))
			printf("  identity /16/x/0/%lu\n", (unsigned long)value);
		printf("  hash %s\n", get_bool(t, s, o, CKA_PORTFOLIO_HASH_PROVISIONED) ? "provisioned" : "NOT provisioned");
		return;
	}
	if (cls != CKO_SECRET_KEY)
		return;
	if (get_ulong(t, s, o, CKA_KEY_TYPE, &value)) {
		name = key_type_name(value);
		printf("  type %s", name != NULL ? name : "?");
	}
	if (get_ulong(t, s, o, CKA_VALUE_LEN, &value))
		printf(", %lu bytes", (unsigned long)value);
	printf("\n");
	if (get_ulong(t, s, o, CKA_PORTFOLIO_SERVICE, &value)) {
		printf("  keyset %s", value == CK_PORTFOLIO_SRV_AUTHENT ? "auth" :
		       value == CK_PORTFOLIO_SRV_ENCRYPT ? "enc" : "?");
		if (get_ulong(t, s, o, CKA_PORTFOLIO_KEY_INDEX, &value))
			printf(", K%lu", (unsigned long)value);
		printf("\n");
	}
	printf("  usage%s%s%s%s\n", get_bool(t, s, o, CKA_SIGN) ? " sign" : "",
	       get_bool(t, s, o, CKA_VERIFY) ? " verify" : "", get_bool(t, s, o, CKA_ENCRYPT) ? " encrypt" : "",
	       get_bool(t, s, o, CKA_DECRYPT) ? " decrypt" : "");
}

/* Collects every handle first and reads attributes after C_FindObjectsFinal,
 * so the listing never depends on what a module allows during a search. */
static int collect_objects(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE **out, CK_ULONG *count)
{
	CK_OBJECT_HANDLE *all = NULL;
	CK_ULONG cap = 0, total = 0, n = 0;
	CK_RV rv = t->p11->C_FindObjectsInit(s, NULL, 0);

	if (rv != CKR_OK)
		return rv_fail("C_FindObjectsInit", rv);
	do {
		if (total + 32 > cap) {
			CK_OBJECT_HANDLE *grown = realloc(all, (cap + 64) * sizeof(*all));

			if (grown == NULL) {
				rv = CKR_HOST_MEMORY;
				break;
			}
			all = grown;
			cap += 64;
		}
		rv = t->p11->C_FindObjects(s, all + total, 32, &n);
		if (rv == CKR_OK)
			total += n;
	} while (rv == CKR_OK && n > 0);
	(void)t->p11->C_FindObjectsFinal(s);
	if (rv != CKR_OK) {
		free(all);
		return rv_fail("C_FindObjects", rv);
	}
	*out = all;
	*count = total;
	return TOOL_EXIT_OK;
}

int cmd_list_objects(struct tool *t)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE *objects = NULL;
	CK_ULONG count = 0;
	int rc = tool_slot(t, &slot);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_open(t, slot, 0, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (options_has(&t->opts, OPT_LOGIN))
		rc = session_login(t, s, CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = collect_objects(t, s, &objects, &count);
	if (rc == TOOL_EXIT_OK) {
		for (CK_ULONG i = 0; i < count; i++)
			print_object(t, s, objects[i]);
		printf("%lu object(s)%s\n", (unsigned long)count,
		       options_has(&t->opts, OPT_LOGIN) ? "" : " visible without login (add --login for private ones)");
	}
	free(objects);
	session_close(t, s);
	return rc;
}
