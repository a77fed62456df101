/*
 * cmd_identity.c - set-identity and get-identity: the Identity resource
 * instances (/16/x/0/<id>) of an instance.
 *
 * Provisioning (--provision, as the SO) writes the value and the hash the
 * signatures will use; a plain write (as the user, like an LwM2M WRITE)
 * changes only the value, so the provisioned hash, and with it what the
 * device can prove, stays as provisioned.
 */
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_LEN 32

/* SHA-256 of the value by the module itself (C_Digest): the tool links no
 * cryptography of its own (tests/layering/layers.txt). */
static CK_RV module_sha256(struct tool *t, CK_SESSION_HANDLE s, const char *value, size_t len,
                           unsigned char out[SHA256_LEN])
{
	CK_MECHANISM m = { CKM_SHA256, NULL, 0 };
	CK_ULONG out_len = SHA256_LEN;
	CK_RV rv = t->p11->C_DigestInit(s, &m);

	if (rv == CKR_OK)
		rv = t->p11->C_Digest(s, (CK_BYTE_PTR)value, (CK_ULONG)len, out, &out_len);
	if (rv == CKR_OK && out_len != SHA256_LEN)
		rv = CKR_FUNCTION_FAILED;
	return rv;
}

static int write_identity(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG id, const char *value, int provision)
{
	CK_OBJECT_HANDLE obj;
	CK_ULONG value_len = (CK_ULONG)strlen(value);
	unsigned char hash[SHA256_LEN];
	int found, rc = find_identity(t, s, id, &obj, &found);
	CK_RV rv;

	if (rc != TOOL_EXIT_OK)
		return rc;
	if (!found) {
		CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
		CK_BBOOL yes = CK_TRUE;
		CK_ATTRIBUTE tmpl[] = {
			{ CKA_CLASS, &cls, sizeof(cls) },
			{ CKA_TOKEN, &yes, sizeof(yes) },
			{ CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id) },
			{ CKA_VALUE, (CK_VOID_PTR)value, value_len },
		};

		/* Created by the SO without an explicit hash, the module
		 * provisions SHA-256(value) itself. */
		rv = t->p11->C_CreateObject(s, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &obj);
		return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_CreateObject (Identity)", rv);
	}
	if (!provision) {
		CK_ATTRIBUTE a = { CKA_VALUE, (CK_VOID_PTR)value, value_len };

		rv = t->p11->C_SetAttributeValue(s, obj, &a, 1);
		return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_SetAttributeValue (Identity value)", rv);
	}
	/* Re-provisioning an existing instance: value and hash together. */
	rv = module_sha256(t, s, value, value_len, hash);
	if (rv != CKR_OK)
		return rv_fail("C_Digest (SHA-256 of the Identity value)", rv);
	{
		CK_ATTRIBUTE a[] = {
			{ CKA_VALUE, (CK_VOID_PTR)value, value_len },
			{ CKA_PORTFOLIO_IDENTITY_HASH, hash, sizeof(hash) },
		};

		rv = t->p11->C_SetAttributeValue(s, obj, a, 2);
	}
	return rv == CKR_OK ? TOOL_EXIT_OK : rv_fail("C_SetAttributeValue (Identity value and hash)", rv);
}

int cmd_set_identity(struct tool *t)
{
	int provision = options_has(&t->opts, OPT_PROVISION);
	const char *value = t->opts.value[OPT_VALUE];
	unsigned long id;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	enum identity_state state;
	int rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK)
		rc = options_ulong(&t->opts, OPT_ID, &id);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_open(t, slot, 1, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, s, provision ? CKU_SO : CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = write_identity(t, s, (CK_ULONG)id, value, provision);
	/* Say what the token now holds, not what the command would usually mean. */
	state = rc == TOOL_EXIT_OK ? identity_state(t, s, (CK_ULONG)id) : IDENTITY_UNKNOWN;
	session_close(t, s);
	if (rc == TOOL_EXIT_OK && out_json(t)) {
		static const char *const hash[] = { "unknown", "absent", "not provisioned", "provisioned" };
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		out_ulong(doc, "identity", id);
		out_str(doc, "hash", hash[state]);
		return out_print(doc, rc);
	}
	if (rc == TOOL_EXIT_OK)
		printf("slot %lu: identity %lu = \"%s\"%s\n", (unsigned long)slot, id, value,
		       provision ? " (hash provisioned)" :
		       state == IDENTITY_HASHED ? " (value only; the provisioned hash is unchanged)" :
		       state == IDENTITY_NO_HASH ? " (value only; no hash is provisioned: sign and encrypt "
						   "need set-identity --provision, as SO)" : " (value only)");
	return rc;
}

/* Prints the value of one Identity instance; with `bare` only the value; with
 * a JSON list, appends { identity, value, hash_provisioned } to it instead. */
static int print_identity(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE obj, int bare, json_object *list)
{
	CK_ULONG id = 0;
	CK_BBOOL provisioned = CK_FALSE;
	CK_ATTRIBUTE meta[] = {
		{ CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id) },
		{ CKA_PORTFOLIO_HASH_PROVISIONED, &provisioned, sizeof(provisioned) },
	};
	CK_ATTRIBUTE a = { CKA_VALUE, NULL, 0 };
	char *value;
	CK_RV rv = t->p11->C_GetAttributeValue(s, obj, &a, 1);

	if (rv != CKR_OK)
		return rv_fail("C_GetAttributeValue (Identity value length)", rv);
	value = malloc(a.ulValueLen + 1);
	if (value == NULL)
		return rv_fail("allocating the Identity value", CKR_HOST_MEMORY);
	a.pValue = value;
	rv = t->p11->C_GetAttributeValue(s, obj, &a, 1);
	if (rv != CKR_OK) {
		free(value);
		return rv_fail("C_GetAttributeValue (Identity value)", rv);
	}
	value[a.ulValueLen] = '\0';
	rv = t->p11->C_GetAttributeValue(s, obj, meta, 2);
	if (list != NULL) {
		json_object *o = json_object_new_object();

		if (rv == CKR_OK) {
			out_ulong(o, "identity", (unsigned long)id);
			out_bool(o, "hash_provisioned", provisioned == CK_TRUE);
		}
		out_str(o, "value", value);
		out_append(list, o);
	} else if (bare)
		printf("%s\n", value);
	else if (rv == CKR_OK)
		printf("%lu: \"%s\"%s\n", (unsigned long)id, value, provisioned ? "" : " (hash NOT provisioned)");
	else
		printf("?: \"%s\"\n", value);
	free(value);
	return TOOL_EXIT_OK;
}

static int list_identities(struct tool *t, CK_SESSION_HANDLE s, json_object *list)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ATTRIBUTE tmpl = { CKA_CLASS, &cls, sizeof(cls) };
	CK_OBJECT_HANDLE objs[256];
	CK_ULONG n = 0;
	CK_RV rv = t->p11->C_FindObjectsInit(s, &tmpl, 1);
	int rc = TOOL_EXIT_OK;

	if (rv != CKR_OK)
		return rv_fail("C_FindObjectsInit", rv);
	/* An LwM2M instance has a handful of Identity instances; 256 is plenty. */
	rv = t->p11->C_FindObjects(s, objs, 256, &n);
	(void)t->p11->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return rv_fail("C_FindObjects", rv);
	for (CK_ULONG i = 0; i < n && rc == TOOL_EXIT_OK; i++)
		rc = print_identity(t, s, objs[i], 0, list);
	return rc;
}

int cmd_get_identity(struct tool *t)
{
	unsigned long id = 0;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE obj;
	json_object *list;
	int found, rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK && options_has(&t->opts, OPT_ID))
		rc = options_ulong(&t->opts, OPT_ID, &id);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_open(t, slot, 0, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	/* Identity values are sealed in the token: reading needs the user. */
	rc = session_login(t, s, CKU_USER);
	list = out_json(t) ? json_object_new_array() : NULL;
	if (rc == TOOL_EXIT_OK && !options_has(&t->opts, OPT_ID)) {
		rc = list_identities(t, s, list);
	} else if (rc == TOOL_EXIT_OK) {
		rc = find_identity(t, s, (CK_ULONG)id, &obj, &found);
		if (rc == TOOL_EXIT_OK && !found) {
			fprintf(stderr, "portfolio-tool: slot %lu has no identity %lu\n", (unsigned long)slot, id);
			rc = TOOL_EXIT_FAILURE;
		}
		if (rc == TOOL_EXIT_OK)
			rc = print_identity(t, s, obj, 1, list);
	}
	session_close(t, s);
	if (out_json(t) && rc == TOOL_EXIT_OK)
		return out_print(list, rc);
	json_object_put(list);
	return rc;
}
