/*
 * cmd_token.c - init-instance, set-pin, init-pin: creating a Portfolio
 * instance (a token) and managing its two PINs.
 */
#include "tool/out.h"
#include "tool/pin.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The module always offers one slot whose token is not initialised, with the
 * smallest free instance id: that is where a new instance is created. */
static int find_free_slot(struct tool *t, CK_SLOT_ID *out)
{
	CK_ULONG count = 0;
	CK_SLOT_ID *slots;
	CK_RV rv = t->p11->C_GetSlotList(CK_TRUE, NULL, &count);
	int found = 0;

	if (rv != CKR_OK)
		return rv_fail("C_GetSlotList", rv);
	slots = calloc(count + 1, sizeof(*slots));
	if (slots == NULL)
		return rv_fail("allocating the slot list", CKR_HOST_MEMORY);
	rv = t->p11->C_GetSlotList(CK_TRUE, slots, &count);
	for (CK_ULONG i = 0; rv == CKR_OK && i < count && !found; i++) {
		CK_TOKEN_INFO info;

		if (t->p11->C_GetTokenInfo(slots[i], &info) == CKR_OK && !(info.flags & CKF_TOKEN_INITIALIZED)) {
			*out = slots[i];
			found = 1;
		}
	}
	free(slots);
	if (rv != CKR_OK)
		return rv_fail("C_GetSlotList", rv);
	if (!found) {
		fprintf(stderr, "portfolio-tool: no free slot: the module offers no uninitialised token "
				"(is max_instances reached?)\n");
		return TOOL_EXIT_FAILURE;
	}
	return TOOL_EXIT_OK;
}

static int label_field(const char *label, CK_UTF8CHAR field[32])
{
	size_t len = strlen(label);

	if (len == 0 || len > 32)
		return usage_error("--label wants 1 to 32 bytes, got %zu", len);
	memset(field, ' ', 32);
	memcpy(field, label, len);
	return TOOL_EXIT_OK;
}

/* Sets the user PIN of a freshly initialised token: SO login, C_InitPIN. */
static int set_first_user_pin(struct tool *t, CK_SLOT_ID slot, const char *so_pin, const char *user_pin)
{
	CK_SESSION_HANDLE s;
	CK_RV rv;
	int rc = session_open(t, slot, 1, &s);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rv = t->p11->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin));
	if (rv != CKR_OK)
		rc = rv_fail("C_Login (SO)", rv);
	if (rc == TOOL_EXIT_OK) {
		rv = t->p11->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
		if (rv != CKR_OK)
			rc = rv_fail("C_InitPIN", rv);
	}
	session_close(t, s);
	return rc;
}

int cmd_init_instance(struct tool *t)
{
	CK_UTF8CHAR label[32];
	char so_pin[TOOL_PIN_MAX], user_pin[TOOL_PIN_MAX];
	CK_SLOT_ID slot = 0;
	unsigned long iid;
	CK_RV rv;
	int want_user_pin, rc;

	rc = label_field(t->opts.value[OPT_LABEL], label);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = pin_obtain_new(&t->opts, OPT_SO_PIN, "PORTFOLIO_SO_PIN", "New SO PIN", so_pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	/* The user PIN is optional here (init-pin can set it later), but a
	 * terminal user is asked for it because an instance without one
	 * cannot sign. */
	want_user_pin = pin_available(&t->opts, OPT_USER_PIN, "PORTFOLIO_PIN") || isatty(STDIN_FILENO);
	if (want_user_pin) {
		rc = pin_obtain_new(&t->opts, OPT_USER_PIN, "PORTFOLIO_PIN", "New user PIN", user_pin);
		if (rc != TOOL_EXIT_OK) {
			pin_wipe(so_pin);
			return rc;
		}
	}
	rc = find_free_slot(t, &slot);
	if (rc == TOOL_EXIT_OK) {
		rv = t->p11->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin), label);
		if (rv != CKR_OK)
			rc = rv_fail("C_InitToken", rv);
	}
	if (rc == TOOL_EXIT_OK && want_user_pin)
		rc = set_first_user_pin(t, slot, so_pin, user_pin);
	pin_wipe(so_pin);
	if (want_user_pin)
		pin_wipe(user_pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		if (slot_instance(t, slot, &iid))
			out_ulong(doc, "instance", iid);
		out_bool(doc, "user_pin_set", want_user_pin);
		rc = out_print(doc, TOOL_EXIT_OK);
	} else {
		/* stdout carries only the id, so scripts can capture it. */
		printf("%lu\n", (unsigned long)slot);
	}
	if (slot_instance(t, slot, &iid))
		fprintf(stderr, "portfolio-tool: created instance /16/%lu (slot %lu)", iid, (unsigned long)slot);
	else
		fprintf(stderr, "portfolio-tool: created the instance of slot %lu", (unsigned long)slot);
	fprintf(stderr, "%s\n", want_user_pin ? " with its user PIN" : "; no user PIN yet: run init-pin");
	return rc;
}

/* "user PIN of slot N changed", or its JSON { slot, pin, done }. */
static int pin_done_report(struct tool *t, CK_SLOT_ID slot, const char *who, const char *done)
{
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_ulong(doc, "slot", (unsigned long)slot);
		out_str(doc, "pin", who);
		out_str(doc, "done", done);
		return out_print(doc, TOOL_EXIT_OK);
	}
	printf("%s PIN of slot %lu %s\n", who, (unsigned long)slot, done);
	return TOOL_EXIT_OK;
}

int cmd_set_pin(struct tool *t)
{
	int so = options_has(&t->opts, OPT_SO);
	char old_pin[TOOL_PIN_MAX], new_pin[TOOL_PIN_MAX];
	CK_SESSION_HANDLE s;
	CK_SLOT_ID slot;
	CK_RV rv;
	int rc;

	if (so == options_has(&t->opts, OPT_USER))
		return usage_error("set-pin wants exactly one of --so or --user");
	rc = tool_slot(t, &slot);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = pin_obtain(&t->opts, OPT_OLD_PIN, so ? "PORTFOLIO_SO_PIN" : "PORTFOLIO_PIN",
			so ? "Current SO PIN" : "Current user PIN", old_pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = pin_obtain_new(&t->opts, OPT_NEW_PIN, "PORTFOLIO_NEW_PIN", so ? "New SO PIN" : "New user PIN", new_pin);
	if (rc != TOOL_EXIT_OK) {
		pin_wipe(old_pin);
		return rc;
	}
	rc = session_open(t, slot, 1, &s);
	if (rc == TOOL_EXIT_OK) {
		/* Logged in, C_SetPIN changes the PIN of whoever is logged in:
		 * the only way to reach the SO PIN, and a check of the old one. */
		rv = t->p11->C_Login(s, so ? CKU_SO : CKU_USER, (CK_UTF8CHAR_PTR)old_pin, (CK_ULONG)strlen(old_pin));
		if (rv != CKR_OK)
			rc = session_login_failed(t, s, so ? CKU_SO : CKU_USER, rv);
		if (rc == TOOL_EXIT_OK) {
			rv = t->p11->C_SetPIN(s, (CK_UTF8CHAR_PTR)old_pin, (CK_ULONG)strlen(old_pin),
					      (CK_UTF8CHAR_PTR)new_pin, (CK_ULONG)strlen(new_pin));
			if (rv != CKR_OK)
				rc = rv_fail("C_SetPIN", rv);
		}
		session_close(t, s);
	}
	pin_wipe(old_pin);
	pin_wipe(new_pin);
	if (rc == TOOL_EXIT_OK)
		return pin_done_report(t, slot, so ? "SO" : "user", "changed");
	return rc;
}

int cmd_init_pin(struct tool *t)
{
	char user_pin[TOOL_PIN_MAX];
	CK_SESSION_HANDLE s;
	CK_SLOT_ID slot;
	CK_RV rv;
	int rc = tool_slot(t, &slot);

	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = pin_obtain_new(&t->opts, OPT_USER_PIN, "PORTFOLIO_PIN", "New user PIN", user_pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_open(t, slot, 1, &s);
	if (rc == TOOL_EXIT_OK) {
		rc = session_login(t, s, CKU_SO);
		if (rc == TOOL_EXIT_OK) {
			rv = t->p11->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
			if (rv != CKR_OK)
				rc = rv_fail("C_InitPIN", rv);
		}
		session_close(t, s);
	}
	pin_wipe(user_pin);
	if (rc == TOOL_EXIT_OK)
		return pin_done_report(t, slot, "user", "set");
	return rc;
}
