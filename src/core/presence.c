/*
 * presence.c - tokens whose secure component can go away: a card pulled out
 * of its reader, a reader or pcscd lost, a card reset or its secure channel
 * broken. The backend counts those events (se_backend.present_poll / present_seen); the core
 * remembers the counts it has acted on and, when one moves, does what
 * PKCS#11 says follows:
 *   - removal: every session of the token is closed (their handles answer
 *     CKR_SESSION_HANDLE_INVALID from then on) and the login is gone;
 *   - reset (the component stayed but forgot its login): the token is logged
 *     out, as by C_Logout, and its sessions stay.
 * When the component comes back, new sessions and a new login work as before.
 * Tokens of a backend without the hook (the emulator) never take this path:
 * the entry points pay one relaxed load of a counter that stays 0.
 */
#include "config.h"
#include "core/core.h"
#include "util/log.h"

/* How many open tokens have a present hook. Written under the global lock
 * exclusive, read without it by the fast path. */
int core_removable_tokens;

void core_presence_register(const core_token *tok)
{
	if (tok->be->present_seen != NULL)
		__atomic_add_fetch(&core_removable_tokens, 1, __ATOMIC_RELAXED);
}

void core_presence_unregister(const core_token *tok)
{
	if (tok->be->present_seen != NULL && tok->se != NULL)
		__atomic_sub_fetch(&core_removable_tokens, 1, __ATOMIC_RELAXED);
}

/* Records the counts a fresh token starts from: what happened before it was
 * opened is none of its sessions' business. */
void core_presence_start(core_token *tok)
{
	if (tok->be->present_seen != NULL)
		(void)tok->be->present_seen(tok->se, &tok->removals_seen, &tok->resets_seen);
}

int core_token_present(core_token *tok)
{
	uint64_t removals, resets;

	if (tok->be->present_poll == NULL)
		return 1;
	return tok->be->present_poll(tok->se, &removals, &resets);
}

static int moved(const core_token *tok, uint64_t *removals, uint64_t *resets)
{
	(void)tok->be->present_seen(tok->se, removals, resets);
	return *removals != tok->removals_seen || *resets != tok->resets_seen;
}

/* The component forgot the login: the core forgets it too, as C_Logout does
 * (operations end, session objects go), without asking the component. */
static void forget_login(core_token *tok)
{
	if (tok->login == CORE_NOT_LOGGED_IN)
		return;
	core_abort_token_operations(tok);
	core_destroy_session_objects(tok, 0);
	tok->login = CORE_NOT_LOGGED_IN;
}

void core_presence_settle(void)
{
	for (size_t i = 0; i < core_g.n_tokens; i++) {
		core_token *tok = core_g.tokens[i];
		uint64_t removals, resets;

		if (tok->be->present_seen == NULL || !moved(tok, &removals, &resets))
			continue;
		if (removals != tok->removals_seen) {
			PF_WARN("instance %lu: the secure component was removed; closing its sessions",
			        (unsigned long)tok->iid);
			/* First, so closing the last session does not send a logout to a
			 * card that is gone or has forgotten the login anyway. */
			tok->login = CORE_NOT_LOGGED_IN;
			core_close_token_sessions(tok);
		} else {
			PF_WARN("instance %lu: the secure component lost its login; logging out",
			        (unsigned long)tok->iid);
			forget_login(tok);
		}
		tok->removals_seen = removals;
		tok->resets_seen = resets;
	}
}

void core_presence_check_slow(void)
{
	int any = 0;

	core_lock_shared(&core_g.global);
	for (size_t i = 0; i < core_g.n_tokens && !any; i++) {
		core_token *tok = core_g.tokens[i];
		uint64_t removals, resets;

		any = tok->be->present_seen != NULL && moved(tok, &removals, &resets);
	}
	core_unlock(&core_g.global);
	if (!any)
		return;
	core_lock_exclusive(&core_g.global);
	core_presence_settle();
	core_unlock(&core_g.global);
}
