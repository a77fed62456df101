/*
 * cmd_list.c - list-slots, list-mechanisms, list-objects: read-only views of
 * what the module offers. Never prints a secret: values are not even asked for.
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

/* PKCS#11 pads fixed text fields with blanks; print them without. */
static void print_padded(const CK_UTF8CHAR *text, size_t len)
{
	while (len > 0 && text[len - 1] == ' ')
		len--;
	printf("%.*s", (int)len, (const char *)text);
}

enum slot_state { SLOT_TOKEN, SLOT_NO_TOKEN, SLOT_UNREADABLE, SLOT_FREE };

struct slot_view {
	CK_SLOT_ID slot;
	int has_instance;
	unsigned long instance;
	enum slot_state state;
	CK_RV rv; /* SLOT_UNREADABLE: why */
	CK_TOKEN_INFO tinfo;
};

static void read_slot(struct tool *t, CK_SLOT_ID slot, struct slot_view *v)
{
	CK_SLOT_INFO sinfo;

	memset(v, 0, sizeof(*v));
	v->slot = slot;
	v->has_instance = slot_instance(t, slot, &v->instance);
	v->rv = t->p11->C_GetSlotInfo(slot, &sinfo);
	if (v->rv == CKR_OK && !(sinfo.flags & CKF_TOKEN_PRESENT)) {
		v->state = SLOT_NO_TOKEN;
		return;
	}
	v->rv = t->p11->C_GetTokenInfo(slot, &v->tinfo);
	if (v->rv != CKR_OK)
		v->state = SLOT_UNREADABLE;
	else if (!(v->tinfo.flags & CKF_TOKEN_INITIALIZED))
		v->state = SLOT_FREE;
	else
		v->state = SLOT_TOKEN;
}

static void print_slot(const struct slot_view *v)
{
	const CK_TOKEN_INFO *ti = &v->tinfo;

	printf("Slot %lu", (unsigned long)v->slot);
	if (v->has_instance)
		printf(" (/16/%lu)", v->instance);
	switch (v->state) {
	case SLOT_NO_TOKEN:
		printf(": no token\n");
		return;
	case SLOT_UNREADABLE:
		printf(": token unreadable: %s\n", pf_ckr_name_str(v->rv));
		return;
	case SLOT_FREE:
		printf(": free; init-instance creates the next instance here\n");
		return;
	case SLOT_TOKEN:
		break;
	}
	printf(": \"");
	print_padded(ti->label, sizeof(ti->label));
	printf("\"\n  model ");
	print_padded(ti->model, sizeof(ti->model));
	printf(", serial ");
	print_padded(ti->serialNumber, sizeof(ti->serialNumber));
	printf("\n  user PIN %s%s%s%s\n", (ti->flags & CKF_USER_PIN_INITIALIZED) ? "set" : "NOT set (run init-pin)",
	       (ti->flags & CKF_LOGIN_REQUIRED) ? ", login required" : "",
	       (ti->flags & CKF_USER_PIN_LOCKED) ? ", user PIN LOCKED" : "",
	       (ti->flags & CKF_SO_PIN_LOCKED) ? ", SO PIN LOCKED" : "");
}

static json_object *slot_json(const struct slot_view *v)
{
	static const char *const states[] = { "instance", "no token", "unreadable", "free" };
	const CK_TOKEN_INFO *ti = &v->tinfo;
	json_object *o = json_object_new_object();

	out_ulong(o, "slot", (unsigned long)v->slot);
	if (v->has_instance)
		out_ulong(o, "instance", v->instance);
	out_str(o, "state", states[v->state]);
	if (v->state == SLOT_UNREADABLE)
		out_str(o, "error", pf_ckr_name_str(v->rv));
	if (v->state != SLOT_TOKEN)
		return o;
	out_padded(o, "label", ti->label, sizeof(ti->label));
	out_padded(o, "model", ti->model, sizeof(ti->model));
	out_padded(o, "serial", ti->serialNumber, sizeof(ti->serialNumber));
	out_bool(o, "user_pin_set", (ti->flags & CKF_USER_PIN_INITIALIZED) != 0);
	out_bool(o, "login_required", (ti->flags & CKF_LOGIN_REQUIRED) != 0);
	out_bool(o, "user_pin_locked", (ti->flags & CKF_USER_PIN_LOCKED) != 0);
	out_bool(o, "so_pin_locked", (ti->flags & CKF_SO_PIN_LOCKED) != 0);
	return o;
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
	json_object *list = out_json(t) ? json_object_new_array() : NULL;

	for (CK_ULONG i = 0; i < count; i++) {
		struct slot_view v;

		read_slot(t, slots[i], &v);
		if (list != NULL)
			out_append(list, slot_json(&v));
		else
			print_slot(&v);
	}
	free(slots);
	return out_json(t) ? out_print(list, TOOL_EXIT_OK) : TOOL_EXIT_OK;
}

static const struct { CK_FLAGS flag; const char *name; } mechanism_flags[] = {
	{ CKF_ENCRYPT, "encrypt" }, { CKF_DECRYPT, "decrypt" }, { CKF_DIGEST, "digest" },
	{ CKF_SIGN, "sign" }, { CKF_VERIFY, "verify" }, { CKF_GENERATE, "generate" },
	{ CKF_WRAP, "wrap" }, { CKF_UNWRAP, "unwrap" }, { CKF_DERIVE, "derive" },
};
#define N_MECHANISM_FLAGS (sizeof(mechanism_flags) / sizeof(mechanism_flags[0]))

static void print_mechanism_flags(CK_FLAGS f)
{
	const char *sep = "";

	for (size_t i = 0; i < N_MECHANISM_FLAGS; i++) {
		if (f & mechanism_flags[i].flag) {
			printf("%s%s", sep, mechanism_flags[i].name);
			sep = ",";
		}
	}
}

static void print_mechanism(CK_MECHANISM_TYPE m, const char *name, const CK_MECHANISM_INFO *info)
{
	printf("0x%08lX %-26s", (unsigned long)m, name != NULL ? name : "(unknown)");
	if (info != NULL) {
		printf(" keys %lu..%lu bytes, ", (unsigned long)info->ulMinKeySize,
		       (unsigned long)info->ulMaxKeySize);
		print_mechanism_flags(info->flags);
	}
	printf("\n");
}

static json_object *mechanism_json(CK_MECHANISM_TYPE m, const char *name, const CK_MECHANISM_INFO *info)
{
	json_object *o = json_object_new_object(), *uses;

	out_ulong(o, "type", (unsigned long)m);
	if (name != NULL)
		out_str(o, "name", name);
	if (info == NULL)
		return o;
	out_ulong(o, "min_key_bytes", (unsigned long)info->ulMinKeySize);
	out_ulong(o, "max_key_bytes", (unsigned long)info->ulMaxKeySize);
	uses = json_object_new_array();
	for (size_t i = 0; uses != NULL && i < N_MECHANISM_FLAGS; i++)
		if (info->flags & mechanism_flags[i].flag)
			out_append(uses, json_object_new_string(mechanism_flags[i].name));
	if (o != NULL && uses != NULL)
		json_object_object_add(o, "uses", uses);
	else
		json_object_put(uses);
	return o;
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
	json_object *list = out_json(t) ? json_object_new_array() : NULL;

	for (CK_ULONG i = 0; i < count; i++) {
		CK_MECHANISM_INFO info;
		const char *name = mechanism_name(mechs[i]);
		int known = t->p11->C_GetMechanismInfo(slot, mechs[i], &info) == CKR_OK;

		if (list != NULL)
			out_append(list, mechanism_json(mechs[i], name, known ? &info : NULL));
		else
			print_mechanism(mechs[i], name, known ? &info : NULL);
	}
	free(mechs);
	return out_json(t) ? out_print(list, TOOL_EXIT_OK) : TOOL_EXIT_OK;
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

/* What list-objects shows of one object: attributes only, never values. */
struct object_view {
	int class_known;
	CK_ULONG cls;
	char label[129]; /* "" when none */
	int has_identity, has_type, has_len, has_service, has_index;
	CK_ULONG identity, key_type, len, service, index;
	int hash_provisioned;
	int sign, verify, encrypt, decrypt;
	unsigned char id[64]; /* CKA_ID: what RFC 7512 id= and pkcs11-tool --id name */
	CK_ULONG id_len;      /* 0 when none or unreadable */
};

static void read_object(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, struct object_view *v)
{
	CK_ATTRIBUTE la = { CKA_LABEL, v->label, sizeof(v->label) - 1 };

	memset(v, 0, sizeof(*v));
	v->class_known = get_ulong(t, s, o, CKA_CLASS, &v->cls);
	if (!v->class_known)
		return;
	if (t->p11->C_GetAttributeValue(s, o, &la, 1) == CKR_OK && la.ulValueLen < sizeof(v->label))
		v->label[la.ulValueLen] = '\0';
	else
		v->label[0] = '\0';
	if (v->cls == CKO_PORTFOLIO_IDENTITY) {
		v->has_identity = get_ulong(t, s, o, CKA_PORTFOLIO_IDENTITY_ID, &v->identity);
		v->hash_provisioned = get_bool(t, s, o, CKA_PORTFOLIO_HASH_PROVISIONED);
		return;
	}
	if (v->cls != CKO_SECRET_KEY)
		return;
	CK_ATTRIBUTE ia = { CKA_ID, v->id, sizeof(v->id) };
	if (t->p11->C_GetAttributeValue(s, o, &ia, 1) == CKR_OK && ia.ulValueLen <= sizeof(v->id))
		v->id_len = ia.ulValueLen;
	v->has_type = get_ulong(t, s, o, CKA_KEY_TYPE, &v->key_type);
	v->has_len = get_ulong(t, s, o, CKA_VALUE_LEN, &v->len);
	v->has_service = get_ulong(t, s, o, CKA_PORTFOLIO_SERVICE, &v->service);
	v->has_index = get_ulong(t, s, o, CKA_PORTFOLIO_KEY_INDEX, &v->index);
	v->sign = get_bool(t, s, o, CKA_SIGN);
	v->verify = get_bool(t, s, o, CKA_VERIFY);
	v->encrypt = get_bool(t, s, o, CKA_ENCRYPT);
	v->decrypt = get_bool(t, s, o, CKA_DECRYPT);
}

static const char *keyset_name(CK_ULONG service)
{
	switch (service) {
	case CK_PORTFOLIO_SRV_AUTHENT: return "auth";
	case CK_PORTFOLIO_SRV_ENCRYPT: return "enc";
	case CK_PORTFOLIO_SRV_SMS: return "sms";
	default: return "?";
	}
}

/* iid: the instance of the slot, or NULL when the module did not say (then
 * the Identity's path shows an x for it). */
static void print_object(const struct object_view *v, const unsigned long *iid)
{
	const char *name;

	if (!v->class_known) {
		printf("object (class unreadable)\n");
		return;
	}
	name = class_name(v->cls);
	printf("%s", name != NULL ? name : "class");
	if (name == NULL)
		printf(" 0x%08lX", (unsigned long)v->cls);
	if (v->label[0] != '\0')
		printf(" \"%s\"", v->label);
	printf("\n");
	if (v->cls == CKO_PORTFOLIO_IDENTITY) {
		if (v->has_identity && iid != NULL)
			printf("  identity /16/%lu/0/%lu\n", *iid, (unsigned long)v->identity);
		else if (v->has_identity)
			printf("  identity /16/x/0/%lu\n", (unsigned long)v->identity);
		printf("  hash %s\n", v->hash_provisioned ? "provisioned" : "NOT provisioned");
		return;
	}
	if (v->cls != CKO_SECRET_KEY)
		return;
	if (v->has_type) {
		name = key_type_name(v->key_type);
		printf("  type %s", name != NULL ? name : "?");
	}
	if (v->has_len)
		printf(", %lu bytes", (unsigned long)v->len);
	printf("\n");
	if (v->id_len > 0) {
		printf("  id ");
		hex_print(stdout, v->id, v->id_len);
		printf("\n");
	}
	if (v->has_service) {
		printf("  keyset %s", keyset_name(v->service));
		if (v->has_index)
			printf(", K%lu", (unsigned long)v->index);
		printf("\n");
	}
	printf("  usage%s%s%s%s\n", v->sign ? " sign" : "", v->verify ? " verify" : "",
	       v->encrypt ? " encrypt" : "", v->decrypt ? " decrypt" : "");
}

static json_object *object_json(const struct object_view *v)
{
	json_object *o = json_object_new_object();
	const char *name = v->class_known ? class_name(v->cls) : NULL;

	if (!v->class_known)
		return o;
	out_str(o, "class", name != NULL ? name : "?");
	out_ulong(o, "class_value", (unsigned long)v->cls);
	if (v->label[0] != '\0')
		out_str(o, "label", v->label);
	if (v->cls == CKO_PORTFOLIO_IDENTITY) {
		if (v->has_identity)
			out_ulong(o, "identity", (unsigned long)v->identity);
		out_bool(o, "hash_provisioned", v->hash_provisioned);
		return o;
	}
	if (v->cls != CKO_SECRET_KEY)
		return o;
	if (v->has_type && key_type_name(v->key_type) != NULL)
		out_str(o, "key_type", key_type_name(v->key_type));
	if (v->has_len)
		out_ulong(o, "bytes", (unsigned long)v->len);
	if (v->id_len > 0)
		out_hex(o, "id", v->id, v->id_len);
	if (v->has_service)
		out_str(o, "keyset", keyset_name(v->service));
	if (v->has_index)
		out_ulong(o, "index", (unsigned long)v->index);
	out_bool(o, "sign", v->sign);
	out_bool(o, "verify", v->verify);
	out_bool(o, "encrypt", v->encrypt);
	out_bool(o, "decrypt", v->decrypt);
	return o;
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
	if (rc == TOOL_EXIT_OK && out_json(t)) {
		json_object *list = json_object_new_array();
		struct object_view v;

		for (CK_ULONG i = 0; i < count; i++) {
			read_object(t, s, objects[i], &v);
			out_append(list, object_json(&v));
		}
		rc = out_print(list, TOOL_EXIT_OK);
	} else if (rc == TOOL_EXIT_OK) {
		struct object_view v;
		unsigned long iid;
		int known = slot_instance(t, slot, &iid);

		for (CK_ULONG i = 0; i < count; i++) {
			read_object(t, s, objects[i], &v);
			print_object(&v, known ? &iid : NULL);
		}
		printf("%lu object(s)%s\n", (unsigned long)count,
		       options_has(&t->opts, OPT_LOGIN) ? "" : " visible without login (add --login for private ones)");
	}
	free(objects);
	session_close(t, s);
	return rc;
}
