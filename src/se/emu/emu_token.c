/*
 * emu_token.c - the emulator's token: open/close, token info, C_InitToken,
 * C_InitPIN, C_SetPIN, C_Login, C_Logout.
 *
 * PIN retry counters. A wrong PIN must cost an attempt even if the process is
 * killed right after the KDF says "wrong". So every check is: (1) in one store
 * transaction, re-read the instance row, refuse if locked, increment the
 * failure counter and commit (synchronous=FULL: it is on disk); (2) run the
 * KDF and try to unwrap the token key; (3) on success only, reset the counter
 * in a second transaction. Killing the process between (1) and (3) leaves the
 * attempt counted. Reading the row inside the transaction (BEGIN IMMEDIATE)
 * makes the increment atomic across processes, so parallel processes cannot
 * get more than EMU_PIN_MAX_TRIES guesses either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "crypto/crypto.h"
#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secure.h"

static int pin_len_ok(size_t len)
{
	return len >= EMU_PIN_MIN_LEN && len <= EMU_PIN_MAX_LEN;
}

/* Read and decode the instance row. Absent row: a token never initialised. */
static CK_RV emu_read_instance(se_token *t, emu_instance *out)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	memset(out, 0, sizeof(*out));
	CK_RV rv = store_instance_get(t->st, t->iid, &blob, &len);
	if (rv != CKR_OK || blob == NULL)
		return rv;
	rv = emu_instance_decode(blob, len, out);
	store_free(blob, len);
	if (rv != CKR_OK)
		PF_ERROR("emulator: instance %lu: malformed instance row", (unsigned long)t->iid);
	return rv;
}

/* Refresh t->inst from the store (callers hold the token exclusively). */
static CK_RV emu_reload(se_token *t)
{
	emu_instance fresh;
	CK_RV rv = emu_read_instance(t, &fresh);
	if (rv == CKR_OK) {
		pf_wipe(&t->inst, sizeof(t->inst));
		t->inst = fresh;
	}
	pf_wipe(&fresh, sizeof(fresh));
	return rv;
}

static CK_RV emu_save(se_token *t)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	CK_RV rv = emu_instance_encode(&t->inst, &blob, &len);
	if (rv != CKR_OK)
		return rv;
	rv = store_instance_put(t->st, t->iid, blob, len);
	store_free(blob, len);
	return rv;
}

/* Re-read, let edit change t->inst, write back: one transaction. */
typedef CK_RV (*emu_edit_fn)(se_token *t, void *ctx);

static CK_RV emu_update(se_token *t, emu_edit_fn edit, void *ctx)
{
	CK_RV rv = store_begin(t->st);
	if (rv != CKR_OK)
		return rv;
	rv = emu_reload(t);
	if (rv == CKR_OK)
		rv = edit(t, ctx);
	if (rv == CKR_OK)
		rv = emu_save(t);
	if (rv == CKR_OK) {
		rv = store_commit(t->st);
	} else {
		store_rollback(t->st);
	}
	if (rv != CKR_OK)
		(void)emu_reload(t); /* t->inst may hold the edit that was not written */
	return rv;
}

/* ---- the PIN check -------------------------------------------------------- */

struct count_ctx {
	int role;
	emu_wrap wrap;          /* out: the wrap to try, as of the counted attempt */
	uint8_t token_id[EMU_TOKEN_ID_LEN];
};

static uint8_t *failures_of(se_token *t, int role)
{
	return role == EMU_ROLE_SO ? &t->inst.so_failures : &t->inst.user_failures;
}

static CK_RV count_attempt(se_token *t, void *vctx)
{
	struct count_ctx *c = vctx;
	if (!t->inst.initialized)
		return c->role == EMU_ROLE_SO ? CKR_TOKEN_NOT_RECOGNIZED : CKR_USER_PIN_NOT_INITIALIZED;
	if (c->role == EMU_ROLE_USER && !t->inst.user_pin_set)
		return CKR_USER_PIN_NOT_INITIALIZED;
	uint8_t *fails = failures_of(t, c->role);
	if (*fails >= EMU_PIN_MAX_TRIES)
		return CKR_PIN_LOCKED;
	(*fails)++;
	c->wrap = c->role == EMU_ROLE_SO ? t->inst.so : t->inst.user;
	memcpy(c->token_id, t->inst.token_id, EMU_TOKEN_ID_LEN);
	return CKR_OK;
}

static CK_RV reset_attempts(se_token *t, void *vctx)
{
	struct count_ctx *c = vctx;
	*failures_of(t, c->role) = 0;
	return CKR_OK;
}

/* Verify pin for role; on success key holds the token key and token_id the
 * life of the instance it belongs to. */
static CK_RV emu_pin_check(se_token *t, int role, const uint8_t *pin, size_t pin_len,
                           uint8_t key[EMU_TOKEN_KEY_LEN], uint8_t token_id[EMU_TOKEN_ID_LEN])
{
	struct count_ctx c;
	memset(&c, 0, sizeof(c));
	c.role = role;
	CK_RV rv = emu_update(t, count_attempt, &c); /* (1) durable before the verdict */
	if (rv != CKR_OK)
		return rv;
	rv = emu_unwrap_key(t->iid, role, pin, pin_len, &c.wrap, key); /* (2) */
	if (rv == CKR_OK)
		rv = emu_update(t, reset_attempts, &c); /* (3) */
	if (rv == CKR_OK)
		memcpy(token_id, c.token_id, EMU_TOKEN_ID_LEN);
	else
		pf_wipe(key, EMU_TOKEN_KEY_LEN);
	if (rv == CKR_PIN_INCORRECT)
		PF_INFO("emulator: instance %lu: wrong %s PIN", (unsigned long)t->iid,
		        role == EMU_ROLE_SO ? "SO" : "user");
	pf_wipe(&c, sizeof(c));
	return rv;
}

CK_RV emu_check_same_life(se_token *t)
{
	CK_RV rv = emu_reload(t);
	if (rv != CKR_OK)
		return rv;
	if (!t->inst.initialized || !pf_ct_equal(t->inst.token_id, t->login_token_id, EMU_TOKEN_ID_LEN)) {
		PF_WARN("emulator: instance %lu was re-initialised by another process", (unsigned long)t->iid);
		return CKR_DEVICE_REMOVED;
	}
	return CKR_OK;
}

/* ---- open / close / info --------------------------------------------------- */

CK_RV emu_open(const se_config *cfg, struct store *st, CK_ULONG iid, se_token **out)
{
	(void)cfg;
	if (st == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	se_token *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return CKR_HOST_MEMORY;
	t->st = st;
	t->iid = iid;
	CK_RV rv = emu_reload(t);
	if (rv != CKR_OK) {
		free(t);
		return rv;
	}
	*out = t;
	return CKR_OK;
}

static void emu_forget_login(se_token *t)
{
	emu_items_drop(t);
	emu_exclusive_release(t, 0);
	pf_wipe(t->token_key, sizeof(t->token_key));
	pf_wipe(t->login_token_id, sizeof(t->login_token_id));
	emu_manifest_lock(t);
	t->logged_in = 0;
}

void emu_close(se_token *t)
{
	if (t == NULL)
		return;
	emu_forget_login(t);
	free(t->buckets);
	pf_wipe(t, sizeof(*t));
	free(t);
}

static void fill_blank(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l > n)
		l = n;
	memset(dst, ' ', n);
	memcpy(dst, src, l);
}

/*
 * The serial number: the first 8 bytes of the instance's token id in hex (16
 * characters, all of serialNumber). The token id is random per C_InitToken and
 * stored in the instance row, so the serial is stable across restarts and
 * tells two stores (or two lives of one instance) apart; 64 random bits make
 * a collision between tokens negligible. A free slot has no token id yet: it
 * keeps the fixed form OBJ16-<instance>.
 */
static void fill_serial(char serial[16], const emu_instance *inst, CK_ULONG iid)
{
	static const char hexdigits[] = "0123456789abcdef";
	if (!inst->initialized) {
		char fixed[32];
		snprintf(fixed, sizeof(fixed), "OBJ16-%lu", (unsigned long)iid);
		fill_blank(serial, 16, fixed);
		return;
	}
	for (size_t i = 0; i < 8; i++) {
		serial[2 * i] = hexdigits[inst->token_id[i] >> 4];
		serial[2 * i + 1] = hexdigits[inst->token_id[i] & 0x0f];
	}
}

static CK_FLAGS pin_flags(uint8_t fails, CK_FLAGS low, CK_FLAGS final, CK_FLAGS locked)
{
	if (fails >= EMU_PIN_MAX_TRIES)
		return locked;
	CK_FLAGS f = 0;
	if (fails > 0)
		f |= low;
	if (fails == EMU_PIN_MAX_TRIES - 1)
		f |= final;
	return f;
}

CK_RV emu_token_info(se_token *t, se_token_info *out)
{
	if (t == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	/* Fresh (another process may have counted a wrong PIN or set one), into a
	 * local copy: token_info may run under a shared lock, so it must not write
	 * to the token. */
	emu_instance now;
	CK_RV rv = emu_read_instance(t, &now);
	if (rv != CKR_OK)
		return rv;
	memset(out, 0, sizeof(*out));
	out->initialized = now.initialized;
	out->user_pin_set = now.user_pin_set;
	if (now.initialized)
		memcpy(out->label, now.label, sizeof(out->label));
	else
		memset(out->label, ' ', sizeof(out->label));
	fill_serial(out->serial, &now, t->iid);
	out->pin_flags =
		pin_flags(now.user_failures, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY,
		          CKF_USER_PIN_LOCKED) |
		pin_flags(now.so_failures, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED);
	pf_wipe(&now, sizeof(now));
	return CKR_OK;
}

/* ---- C_InitToken -------------------------------------------------------------- */

struct claim_ctx {
	int initialized;
	uint8_t token_id[EMU_TOKEN_ID_LEN];
};

/*
 * Inside the C_InitToken transaction: is the instance still in the state the
 * SO PIN check (or the "free slot" check) saw? The KDF between that check and
 * this transaction takes long enough for another process to initialise the
 * same slot; without this, the later commit silently replaced the earlier
 * token and its SO PIN won. The loser gets CKR_TOKEN_NOT_RECOGNIZED: the
 * token now in the slot is not the one its call was checked against (the
 * code an SO check gives for a token it does not know, see count_attempt).
 */
static CK_RV claim_still_valid(se_token *t, const struct claim_ctx *c)
{
	emu_instance now;
	CK_RV rv = emu_read_instance(t, &now);
	if (rv == CKR_OK && (!now.initialized != !c->initialized ||
	                     (now.initialized && !pf_ct_equal(now.token_id, c->token_id, EMU_TOKEN_ID_LEN)))) {
		PF_WARN("emulator: instance %lu was initialised by another process meanwhile; "
		        "C_InitToken refused", (unsigned long)t->iid);
		rv = CKR_TOKEN_NOT_RECOGNIZED;
	}
	pf_wipe(&now, sizeof(now));
	return rv;
}

CK_RV emu_init_token(se_token *t, const uint8_t *so_pin, size_t so_pin_len, const char label[32])
{
	if (t == NULL || so_pin == NULL || label == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!pin_len_ok(so_pin_len))
		return CKR_PIN_LEN_RANGE;
	CK_RV rv = emu_reload(t);
	if (rv != CKR_OK)
		return rv;
	uint8_t key[EMU_TOKEN_KEY_LEN], id[EMU_TOKEN_ID_LEN];
	/* The life of the instance this call was checked against: none (a free
	 * slot) or the one whose SO PIN was just verified. */
	struct claim_ctx claim = {.initialized = t->inst.initialized};
	if (t->inst.initialized) {
		/* Re-initialisation: only with the current SO PIN (counted like a login). */
		rv = emu_pin_check(t, EMU_ROLE_SO, so_pin, so_pin_len, key, id);
		pf_wipe(key, sizeof(key));
		if (rv != CKR_OK)
			return rv;
		memcpy(claim.token_id, id, sizeof(id));
	}
	emu_forget_login(t);

	emu_instance fresh;
	memset(&fresh, 0, sizeof(fresh));
	fresh.initialized = 1;
	memcpy(fresh.label, label, sizeof(fresh.label));
	if (pf_random(key, sizeof(key)) != PF_CRYPTO_OK || pf_random(fresh.token_id, EMU_TOKEN_ID_LEN) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	rv = emu_wrap_key(t->iid, EMU_ROLE_SO, so_pin, so_pin_len, key, &fresh.so);
	if (rv != CKR_OK) {
		pf_wipe(key, sizeof(key));
		return rv;
	}

	/* Old objects, secrets and state go, the new state comes, in one commit:
	 * a crash leaves either the old token or the new, empty one. The claim is
	 * checked inside that transaction (BEGIN IMMEDIATE holds the write lock),
	 * so of two processes initialising the same slot exactly one wins. */
	rv = store_begin(t->st);
	if (rv != CKR_OK) {
		pf_wipe(key, sizeof(key));
		return rv;
	}
	rv = claim_still_valid(t, &claim);
	if (rv == CKR_OK)
		rv = store_instance_delete(t->st, t->iid);
	if (rv == CKR_OK) {
		pf_wipe(&t->inst, sizeof(t->inst));
		t->inst = fresh;
		rv = emu_save(t);
	}
	if (rv == CKR_OK) /* no rows: the empty manifest, so none can be added unseen */
		rv = emu_manifest_write_empty(t->st, t->iid, key);
	if (rv == CKR_OK)
		rv = store_commit(t->st);
	else
		store_rollback(t->st);
	pf_wipe(key, sizeof(key));
	pf_wipe(&fresh, sizeof(fresh));
	if (rv != CKR_OK) {
		(void)emu_reload(t);
		return rv;
	}
	PF_INFO("emulator: instance %lu initialised", (unsigned long)t->iid);
	return CKR_OK;
}

/* ---- C_InitPIN / C_SetPIN ------------------------------------------------------ */

struct pin_ctx {
	int role;
	const emu_wrap *wrap;
	const uint8_t *token_id;
};

static CK_RV store_new_wrap(se_token *t, void *vctx)
{
	struct pin_ctx *c = vctx;
	if (!t->inst.initialized || !pf_ct_equal(t->inst.token_id, c->token_id, EMU_TOKEN_ID_LEN))
		return CKR_DEVICE_REMOVED; /* re-initialised meanwhile: our key is not its key */
	if (c->role == EMU_ROLE_SO) {
		t->inst.so = *c->wrap;
	} else {
		t->inst.user = *c->wrap;
		t->inst.user_pin_set = 1;
		t->inst.user_failures = 0; /* C_InitPIN by the SO unblocks the user PIN */
	}
	return CKR_OK;
}

CK_RV emu_init_pin(se_token *t, const uint8_t *pin, size_t pin_len)
{
	if (t == NULL || pin == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!t->logged_in || t->user != CKU_SO)
		return CKR_USER_NOT_LOGGED_IN;
	if (!pin_len_ok(pin_len))
		return CKR_PIN_LEN_RANGE;
	emu_wrap w;
	CK_RV rv = emu_wrap_key(t->iid, EMU_ROLE_USER, pin, pin_len, t->token_key, &w);
	if (rv == CKR_OK) {
		struct pin_ctx c = { EMU_ROLE_USER, &w, t->login_token_id };
		rv = emu_update(t, store_new_wrap, &c);
	}
	pf_wipe(&w, sizeof(w));
	return rv;
}

CK_RV emu_set_pin(se_token *t, CK_USER_TYPE who, const uint8_t *old_pin, size_t old_len,
                  const uint8_t *new_pin, size_t new_len)
{
	if (t == NULL || old_pin == NULL || new_pin == NULL)
		return CKR_ARGUMENTS_BAD;
	if (who != CKU_SO && who != CKU_USER)
		return CKR_USER_TYPE_INVALID;
	if (!pin_len_ok(old_len) || !pin_len_ok(new_len))
		return CKR_PIN_LEN_RANGE;
	int role = who == CKU_SO ? EMU_ROLE_SO : EMU_ROLE_USER;
	uint8_t key[EMU_TOKEN_KEY_LEN], id[EMU_TOKEN_ID_LEN];
	CK_RV rv = emu_pin_check(t, role, old_pin, old_len, key, id);
	if (rv != CKR_OK)
		return rv;
	emu_wrap w;
	rv = emu_wrap_key(t->iid, role, new_pin, new_len, key, &w);
	pf_wipe(key, sizeof(key));
	if (rv == CKR_OK) {
		struct pin_ctx c = { role, &w, id };
		rv = emu_update(t, store_new_wrap, &c);
	}
	pf_wipe(&w, sizeof(w));
	return rv;
}

/* ---- C_Login / C_Logout ------------------------------------------------------- */

CK_RV emu_login(se_token *t, CK_USER_TYPE who, const uint8_t *pin, size_t pin_len)
{
	if (t == NULL || pin == NULL)
		return CKR_ARGUMENTS_BAD;
	if (who == CKU_CONTEXT_SPECIFIC) {
		/* Re-authentication for one operation: check the PIN of whoever is
		 * logged in; the items are already in memory. */
		if (!t->logged_in)
			return CKR_USER_NOT_LOGGED_IN;
		if (!pin_len_ok(pin_len))
			return CKR_PIN_LEN_RANGE;
		uint8_t key[EMU_TOKEN_KEY_LEN], id[EMU_TOKEN_ID_LEN];
		CK_RV rv = emu_pin_check(t, t->user == CKU_SO ? EMU_ROLE_SO : EMU_ROLE_USER, pin, pin_len,
		                         key, id);
		pf_wipe(key, sizeof(key));
		return rv;
	}
	if (who != CKU_SO && who != CKU_USER)
		return CKR_USER_TYPE_INVALID;
	if (t->logged_in)
		return t->user == who ? CKR_USER_ALREADY_LOGGED_IN : CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
	if (!pin_len_ok(pin_len))
		return CKR_PIN_LEN_RANGE;

	CK_RV rv = emu_pin_check(t, who == CKU_SO ? EMU_ROLE_SO : EMU_ROLE_USER, pin, pin_len,
	                         t->token_key, t->login_token_id);
	if (rv != CKR_OK)
		return rv;
	t->logged_in = 1;
	t->user = who;
	rv = emu_manifest_unlock(t);
	if (rv == CKR_OK)
		rv = emu_items_load(t);
	if (rv != CKR_OK) {
		PF_ERROR("emulator: instance %lu: cannot load its items; login refused",
		         (unsigned long)t->iid);
		emu_forget_login(t);
		return rv;
	}
	return CKR_OK;
}

CK_RV emu_logout(se_token *t)
{
	if (t == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!t->logged_in)
		return CKR_USER_NOT_LOGGED_IN;
	emu_forget_login(t);
	return CKR_OK;
}

CK_RV emu_random(se_token *t, uint8_t *out, size_t len)
{
	if (out == NULL && len != 0)
		return CKR_ARGUMENTS_BAD;
	if (len > INT32_MAX)
		return CKR_ARGUMENTS_BAD;
	if (len == 0)
		return CKR_OK;
	return pf_random(out, len) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
}
