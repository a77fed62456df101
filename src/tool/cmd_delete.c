/*
 * cmd_delete.c - delete-key and delete-identity: C_DestroyObject on one key
 * of a keyset or one Identity instance, found the way every other command
 * finds it. Whether the logged-in user may destroy it is the token's call.
 * delete-instance: C_InitToken with the SO PIN and a blank label
 * (docs/architecture.md, "Deleting an instance").
 */
#include "tool/out.h"
#include "tool/pin.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <string.h>

/* What to delete: a keyset key (service, --index or --uri) or an Identity instance. */
struct target {
	int is_key;
	CK_ULONG service, id;
	struct key_choice key;
	char what[96]; /* for the messages */
};

static int find_target(struct tool *t, CK_SESSION_HANDLE s, const struct target *tg,
		       CK_OBJECT_HANDLE *obj, int *found)
{
	if (tg->is_key)
		return find_chosen_key(t, s, tg->service, &tg->key, obj, found);
	return find_identity(t, s, tg->id, obj, found);
}

/* Opens a read-write session on --slot, logs in (--so: as the SO) and
 * destroys the target. */
static int destroy(struct tool *t, const struct target *tg)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE obj;
	CK_RV rv;
	int found = 0, rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 1, &s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, s, options_has(&t->opts, OPT_SO) ? CKU_SO : CKU_USER);
	if (rc == TOOL_EXIT_OK)
		rc = find_target(t, s, tg, &obj, &found);
	if (rc == TOOL_EXIT_OK && !found) {
		fprintf(stderr, "portfolio-tool: slot %lu has no %s\n", (unsigned long)slot, tg->what);
		rc = TOOL_EXIT_FAILURE;
	}
	if (rc == TOOL_EXIT_OK && (rv = t->p11->C_DestroyObject(s, obj)) != CKR_OK)
		rc = rv_fail("C_DestroyObject", rv);
	session_close(t, s);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		out_str(doc, "deleted", tg->what);
		return out_print(doc, rc);
	}
	printf("slot %lu: deleted %s\n", (unsigned long)slot, tg->what);
	return rc;
}

int cmd_delete_key(struct tool *t)
{
	struct target tg = { .is_key = 1 };
	int rc = parse_service(t, &tg.service);

	if (rc == TOOL_EXIT_OK)
		rc = key_choice_parse(t, tg.service, &tg.key);
	if (rc != TOOL_EXIT_OK)
		return rc;
	snprintf(tg.what, sizeof(tg.what), "%s", tg.key.what);
	rc = destroy(t, &tg);
	key_choice_free(&tg.key);
	return rc;
}

int cmd_delete_identity(struct tool *t)
{
	struct target tg = { .is_key = 0 };
	unsigned long id;
	int rc = options_ulong(&t->opts, OPT_ID, &id);

	if (rc != TOOL_EXIT_OK)
		return rc;
	tg.id = (CK_ULONG)id;
	snprintf(tg.what, sizeof(tg.what), "Identity instance %lu", id);
	return destroy(t, &tg);
}

/*
 * PKCS#11 has no call that removes a token. C_InitToken with the SO PIN is the
 * standard's way to empty one: the token destroys every object (here in one
 * store transaction, with every secret), forgets the user PIN and starts a new
 * life (a new token id, so a new serial). The blank label marks it as deleted.
 * The instance number stays in use until it is initialised again.
 */
int cmd_delete_instance(struct tool *t)
{
	static const char blank[32] = "                                ";
	char so_pin[TOOL_PIN_MAX];
	unsigned long iid;
	CK_SLOT_ID slot;
	CK_RV rv;
	int rc = tool_slot(t, &slot);

	if (rc == TOOL_EXIT_OK)
		rc = pin_obtain(&t->opts, OPT_SO_PIN, "PORTFOLIO_SO_PIN", "SO PIN", so_pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rv = t->p11->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin), (CK_UTF8CHAR_PTR)blank);
	pin_wipe(so_pin);
	if (rv != CKR_OK)
		return rv_fail("C_InitToken (SO PIN, blank label)", rv);
	int known = slot_instance(t, slot, &iid);
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		if (known)
			out_ulong(doc, "instance", iid);
		out_str(doc, "deleted", "every key, identity and the user PIN");
		return out_print(doc, TOOL_EXIT_OK);
	}
	if (known)
		printf("slot %lu: instance /16/%lu deleted: every key and identity and its user PIN are gone\n",
		       (unsigned long)slot, iid);
	else
		printf("slot %lu: instance deleted: every key and identity and its user PIN are gone\n",
		       (unsigned long)slot);
	fprintf(stderr, "portfolio-tool: the token stays, blank, with its SO PIN; init-pin, or give it a "
		"new life with the SO PIN (C_InitToken)\n");
	return TOOL_EXIT_OK;
}
