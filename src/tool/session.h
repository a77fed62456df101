/*
 * session.h - the steps most commands share: pick the slot, open a session,
 * log in with a PIN obtained the usual way, find the one object a command
 * means (a keyset key, an Identity instance).
 */
#ifndef PORTFOLIO_TOOL_SESSION_H
#define PORTFOLIO_TOOL_SESSION_H

#include "tool/tool.h"

/* --slot N. Returns TOOL_EXIT_OK or TOOL_EXIT_USAGE. */
int tool_slot(struct tool *t, CK_SLOT_ID *slot);

/* The Portfolio instance behind slot, from its description
 * ("Portfolio /16/N"). 0 when the slot does not say. */
int slot_instance(struct tool *t, CK_SLOT_ID slot, unsigned long *iid);

/* Opens a serial session (read-write when rw). Returns an exit code. */
int session_open(struct tool *t, CK_SLOT_ID slot, int rw, CK_SESSION_HANDLE *out);

/* Reports a failed C_Login (rv_fail), and after a wrong PIN what the token
 * says about the tries left. Returns TOOL_EXIT_FAILURE. */
int session_login_failed(struct tool *t, CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_RV rv);

/* Logs in as CKU_USER (PIN from --pin / PORTFOLIO_PIN / --pin-file / prompt)
 * or CKU_SO (--so-pin / PORTFOLIO_SO_PIN / --pin-file / prompt). Returns an
 * exit code. */
int session_login(struct tool *t, CK_SESSION_HANDLE s, CK_USER_TYPE who);

/* Logs out (if logged in) and closes; errors do not matter any more here. */
void session_close(struct tool *t, CK_SESSION_HANDLE s);

/* Finds the single object matching tmpl. *found = 0 when there is none.
 * More than one match is reported as an error. Returns an exit code. */
int find_one(struct tool *t, CK_SESSION_HANDLE s, CK_ATTRIBUTE *tmpl, CK_ULONG count,
	     CK_OBJECT_HANDLE *out, int *found);

/* The secret key (service, index) of the token, if any. */
int find_keyset_key(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG service, CK_ULONG index,
		    CK_OBJECT_HANDLE *out, int *found);

/* The Identity resource instance `id` of the token, if any. */
int find_identity(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG id, CK_OBJECT_HANDLE *out, int *found);

enum identity_state { IDENTITY_UNKNOWN, IDENTITY_ABSENT, IDENTITY_NO_HASH, IDENTITY_HASHED };
/* Whether Identity instance id exists and has a provisioned hash. */
enum identity_state identity_state(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG id);
/* rv_fail for a device operation on Identity id, and for
 * CKR_MECHANISM_PARAM_INVALID which of "no such identity" and "no provisioned
 * hash" it was. Returns TOOL_EXIT_FAILURE. */
int identity_op_failed(struct tool *t, CK_SESSION_HANDLE s, const char *what, CK_RV rv, CK_ULONG id);

/* --challenge C into canonical bytes (buf of CK_PORTFOLIO_MAX_CHALLENGE).
 * Returns an exit code (usage error when C is not a valid challenge). */
int tool_challenge(struct tool *t, CK_BYTE *buf, CK_ULONG *len);

/* How a command names its keyset key: --index K, and/or an RFC 7512 --uri
 * whose object= / id= choose it (then --index is optional). */
struct key_choice {
	int has_index;
	CK_ULONG index;
	struct tool_uri *uri; /* the --uri, when it names an object; else NULL */
	char what[96];        /* "key K1 in its enc keyset", for messages */
};
/* Reads --index and --uri into kc. Returns an exit code (usage error when
 * neither names the key). Free with key_choice_free. */
int key_choice_parse(struct tool *t, CK_ULONG service, struct key_choice *kc);
void key_choice_free(struct key_choice *kc);
/* The one key of the service's keyset kc names, if any. */
int find_chosen_key(struct tool *t, CK_SESSION_HANDLE s, CK_ULONG service, const struct key_choice *kc,
		    CK_OBJECT_HANDLE *out, int *found);

/* Opens a session on the token, logs in as the user and finds the keyset key
 * (service, --index or --uri object). On success the caller owns *s. */
int session_for_key(struct tool *t, CK_ULONG service, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key);

/* --service auth|enc (also 0|1). Returns an exit code. */
int parse_service(struct tool *t, CK_ULONG *service);

#endif
