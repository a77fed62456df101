/*
 * core.h - the module's state (slots/tokens, sessions, objects) and the
 * functions src/p11 dispatches to. src/p11 checks "initialised" and pointer
 * arguments; everything that needs state or locks happens here.
 *
 * Lock order (never taken the other way): the global lock (slot table and
 * session table) -> a token lock -> a session mutex. Every call that uses a
 * session holds the global lock shared for its whole duration, so a session
 * or token cannot disappear under it; opening/closing sessions, C_InitToken
 * and C_Finalize take it exclusive.
 */
#ifndef PORTFOLIO_CORE_H
#define PORTFOLIO_CORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "pkcs11/portfolio.h"
#include "core/conf.h"
#include "core/htable.h"
#include "core/lock.h"
#include "mech/mech.h"
#include "mech/mech_msg.h"
#include "se/se.h"
#include "store/store.h"

#define CORE_MAX_SESSIONS 4096u   /* per process */
#define CORE_MIN_PIN 4
#define CORE_MAX_PIN 64
/* Session objects get handles from a range token objects (store ids) never reach. */
#define CORE_SESSION_OBJECT_BASE (1ULL << 62)
/* Token object handles: the store id, below 2^40; a private object's handle also
 * carries the token's login epoch above that, so its handles die at logout and
 * stay dead after the next login (PKCS#11: handles of private objects become
 * invalid at logout). Epochs wrap after 2^22 - 1 logouts. */
#define CORE_OID_BITS 40
#define CORE_OID_LIMIT (1ULL << CORE_OID_BITS)
#define CORE_EPOCH_MASK ((1ULL << 22) - 1)
#define CORE_NOT_LOGGED_IN ((CK_USER_TYPE)-1)

typedef struct core_attr {
	CK_ATTRIBUTE_TYPE type;
	CK_ULONG len;
	uint8_t *val;             /* NULL when len == 0 */
} core_attr;

typedef struct core_object {
	CK_OBJECT_HANDLE handle;  /* what the application holds (core_object_handle) */
	uint64_t oid;             /* token objects: the store id (stable); 0 for session objects */
	CK_SESSION_HANDLE owner;  /* session objects: the creating session; 0 for token objects */
	/* The non-secret attributes: the source of truth, stored in the record. */
	core_attr *attrs;
	size_t n_attrs;
	/* Secure-component items. */
	se_ref value_ref;         /* key value / identity value */
	se_ref hash_ref;          /* identity hash */
	/* Decoded from attrs by core_object_cache(), for quick checks. */
	CK_OBJECT_CLASS cls;
	CK_BBOOL on_token, priv, modifiable, copyable, destroyable, sensitive, extractable;
	CK_ULONG identity_id;
	CK_ULONG key_index;
	mech_key mk;              /* secret keys: what mech_op_init needs, prebuilt */
} core_object;

typedef struct core_token {
	CK_ULONG iid;
	const se_backend *be;
	se_token *se;
	core_lock lock;
	int initialized;          /* mirrors the backend, refreshed under the global lock */
	CK_USER_TYPE login;       /* CKU_SO, CKU_USER or CORE_NOT_LOGGED_IN */
	htable objects;           /* handle -> core_object */
	htable identities;        /* identity id -> core_object */
	uint64_t gen;             /* store_generation seen at the last load */
	/* The shared change counter of the instance (store_change_counter) and its
	 * value before the last load: when they differ, another process changed
	 * the token and core_enter reloads before anything uses an object. */
	const _Atomic uint64_t *changes;
	uint64_t changes_seen;
	uint64_t login_epoch;     /* counts logouts: part of private objects' handles */
	CK_ULONG n_sessions, n_rw_sessions;
	/* Removable components (presence.c): the backend's counts acted on so far. */
	uint64_t removals_seen, resets_seen;
	unsigned mech_opt_in;     /* MECH_OPT_IN_* the configuration enables (mech.h) */
	/* Search index (object_index.c), made at the first object. */
	struct core_object_index *index;
	/* The change log position the objects in memory reflect (store_change_end
	 * at the last load or catch-up): a reload reads only what came after. */
	uint64_t log_seq;
} core_token;

/* What an active operation uses, so a reload can tell whether it still exists
 * (ops.c): another process may destroy the key or the Identity meanwhile. */
typedef struct core_op_uses {
	CK_OBJECT_HANDLE key;     /* CK_INVALID_HANDLE: no key (digest) */
	se_ref key_ref;
	int has_identity;
	CK_ULONG identity_id;
	se_ref identity_hash_ref;  /* both items, as they were at init: a rewritten */
	se_ref identity_value_ref; /* value or hash elsewhere ends the operation */
	CK_RV lost;               /* not CKR_OK: ended by a reload; the next call of the kind says so */
} core_op_uses;

/* The kinds of operation a session runs at once: one of each mech_op_kind,
 * CORE_OP_FIRST to CORE_OP_LAST. */
#define CORE_OP_FIRST MECH_OP_ENCRYPT
#define CORE_OP_LAST MECH_OP_DIGEST

typedef struct core_session {
	CK_SESSION_HANDLE handle;
	core_token *tok;
	CK_FLAGS flags;
	core_lock mu;
	/* Indexed by mech_op_kind; [0] is no kind and stays unused. Reach them
	 * through core_session_op / core_session_uses. */
	mech_op ops[CORE_OP_LAST + 1];
	core_op_uses uses[CORE_OP_LAST + 1];
	int find_active;
	CK_OBJECT_HANDLE *found;
	size_t n_found, find_pos;
} core_session;

/* The session's operation of one kind, and what it uses. */
static inline mech_op *core_session_op(core_session *s, mech_op_kind kind)
{
	return &s->ops[kind];
}

static inline core_op_uses *core_session_uses(core_session *s, mech_op_kind kind)
{
	return &s->uses[kind];
}

typedef struct core_module {
	int initialized;          /* state exists (possibly a forked parent's: see core_live) */
	pid_t pid;                /* the process that initialised; compared at C_Initialize only */
	core_lock_env env;
	core_lock global;
	core_config cfg;
	store *st;
	core_token **tokens;      /* ascending iid; the last one may be the free slot */
	size_t n_tokens;
	core_session **sessions;  /* CORE_MAX_SESSIONS entries */
	uint32_t *session_gen;
	uint32_t handle_salt;
	uint64_t next_session_object;
} core_module;

extern core_module core_g;

/* ---- module.c ----------------------------------------------------------- */
/* In a forked child: keep p (parent state the child must not free or close:
 * backend state, held locks) reachable for the life of the process, so leak
 * checkers tell this deliberate abandon from a leak. Never fails visibly. */
void core_abandon(void *p);
CK_RV core_initialize(const CK_C_INITIALIZE_ARGS *args);
CK_RV core_finalize(void);

/* ---- slot.c -------------------------------------------------------------- */
CK_RV core_open_tokens(void);       /* at init: instances of the store + the free slot */
void core_close_tokens(int forked);
core_token *core_token_by_slot(CK_SLOT_ID id);   /* global lock held */
CK_RV core_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
CK_RV core_get_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info);
CK_RV core_get_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info);
CK_RV core_init_token(CK_SLOT_ID id, const uint8_t *pin, CK_ULONG len, const uint8_t *label);

/* ---- login.c ------------------------------------------------------------- */
CK_RV core_login(CK_SESSION_HANDLE h, CK_USER_TYPE who, const uint8_t *pin, CK_ULONG len);
CK_RV core_logout(CK_SESSION_HANDLE h);
/* C_Logout's work on the token (token lock exclusive): operations end, session
 * objects go, the component forgets the login, private handles die. */
CK_RV core_token_logout(core_token *tok);
CK_RV core_init_pin(CK_SESSION_HANDLE h, const uint8_t *pin, CK_ULONG len);
CK_RV core_set_pin(CK_SESSION_HANDLE h, const uint8_t *old_pin, CK_ULONG old_len,
                   const uint8_t *new_pin, CK_ULONG new_len);

/* ---- presence.c ---------------------------------------------------------- */
/* Open tokens with a present hook; 0 when every backend is the emulator. */
extern int core_removable_tokens;
void core_presence_register(const core_token *tok);   /* token_open / token_free */
void core_presence_unregister(const core_token *tok);
void core_presence_start(core_token *tok);
/* Asks the component now; 1 for tokens that cannot go away. Token lock held
 * (shared is enough) or the global lock exclusive. */
int core_token_present(core_token *tok);
/* Closes the sessions of removed tokens, logs reset ones out. Global lock exclusive. */
void core_presence_settle(void);
void core_presence_check_slow(void);
/* Entry points call this with no lock held, before looking a session up: a
 * token whose component went away has its sessions closed first. */
static inline void core_presence_check(void)
{
	if (__atomic_load_n(&core_removable_tokens, __ATOMIC_RELAXED) != 0)
		core_presence_check_slow();
}

/* ---- session.c ----------------------------------------------------------- */
CK_RV core_session_table_init(void);
void core_session_table_free(int forked);
CK_RV core_open_session(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out);
CK_RV core_close_session(CK_SESSION_HANDLE h);
CK_RV core_close_all_sessions(CK_SLOT_ID id);
void core_close_token_sessions(core_token *tok);  /* global lock exclusive */
CK_RV core_get_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info);
/*
 * Entering a session. Every entry point that works on a session declares how
 * it holds the token and what it needs of the session, by name:
 *   core_enter(h, CORE_TOKEN_SHARED, CORE_NEED_NONE, &s) ... core_leave(s, CORE_TOKEN_SHARED)
 * The global lock is taken shared, the token lock as the mode says, then the
 * session mutex; core_leave undoes it. Shared: operations and reads, which
 * run side by side; exclusive: whatever changes the token's objects or login.
 */
enum { CORE_TOKEN_SHARED = 0, CORE_TOKEN_EXCLUSIVE = 1 };
/* An int rather than the enum type: gcc allocated core_enter_session's registers
 * worse for an unsigned enum, one more instruction per entry (callgrind). */
typedef int core_lock_mode;

/* What the session must be before the entry point's own checks, checked in
 * this order (the first unmet one answers). CORE_NEED_NONE for calls whose
 * rules are the objects': private objects are invisible without a login
 * (core_object_find), and only token objects need an R/W session. */
#define CORE_NEED_NONE  0u
#define CORE_NEED_RW    0x1u  /* an R/W session, else CKR_SESSION_READ_ONLY */
#define CORE_NEED_LOGIN 0x2u  /* the user or the SO logged in, else CKR_USER_NOT_LOGGED_IN */
#define CORE_NEED_SO    0x4u  /* the SO logged in, else CKR_USER_NOT_LOGGED_IN */

CK_RV core_enter_session(CK_SESSION_HANDLE h, core_lock_mode mode, core_session **out);
void core_leave(core_session *s, core_lock_mode mode);
/* CKR_OK when s meets need (CORE_NEED_*); the session entered. */
CK_RV core_session_meets(const core_session *s, unsigned need);

static inline CK_RV core_enter(CK_SESSION_HANDLE h, core_lock_mode mode, unsigned need, core_session **out)
{
	CK_RV rv = core_enter_session(h, mode, out);
	/* need is a constant at every call: CORE_NEED_NONE costs nothing. */
	if (rv == CKR_OK && need != CORE_NEED_NONE && (rv = core_session_meets(*out, need)) != CKR_OK)
		core_leave(*out, mode);
	return rv;
}
CK_STATE core_session_state(const core_session *s);
/* Ends every operation of every session of tok (logout). Token lock exclusive. */
void core_abort_token_operations(core_token *tok);

/* ---- object.c ------------------------------------------------------------ */
CK_RV core_token_load_objects(core_token *tok);   /* token lock exclusive */
/* Reload if store_generation moved; then end the operations of every session
 * of tok whose key or Identity went away, and forget the login if another
 * process re-initialised the token. Token lock exclusive (or global exclusive). */
CK_RV core_token_refresh(core_token *tok);
/* Make the next core_enter (and core_token_refresh) reload the objects. */
void core_token_force_reload(core_token *tok);
/* After login: leave out the token objects whose rows disagree with their items'
 * authenticated policy (policy.c). Token lock exclusive. */
void core_token_check_policies(core_token *tok);
void core_token_free_objects(core_token *tok, int token_objects_too);
/* Re-initialisation: delete every object record of the token and free all objects. */
void core_token_purge(core_token *tok);
void core_object_free(core_object *o);
/* The handle of token object oid (private or not) in the token's current epoch. */
CK_OBJECT_HANDLE core_object_handle(const core_token *tok, uint64_t oid, CK_BBOOL priv);
/* Logout: new handles for every private token object (token lock exclusive). */
void core_token_new_login_epoch(core_token *tok);
void core_object_cache(core_object *o);
const core_attr *core_object_attr(const core_object *o, CK_ATTRIBUTE_TYPE t);
/* A visible object of the token (private ones only while logged in), or NULL. */
core_object *core_object_find(core_token *tok, CK_OBJECT_HANDLE h);
int core_object_visible(const core_token *tok, const core_object *o);
CK_RV core_object_persist(core_token *tok, core_object *o);
CK_RV core_object_insert(core_token *tok, core_object *o);
void core_object_unlink(core_token *tok, core_object *o);
/* Deletes the object's items and record, unlinks and frees it. */
CK_RV core_object_destroy_locked(core_token *tok, core_object *o);
void core_destroy_session_objects(core_token *tok, CK_SESSION_HANDLE owner); /* owner 0: all */
CK_RV core_destroy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh);
CK_RV core_get_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ULONG_PTR size);
CK_RV core_find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
CK_RV core_find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR n);
CK_RV core_find_final(CK_SESSION_HANDLE h);
/* core_enter, then object oh of the session's token, visible to it: else
 * CKR_OBJECT_HANDLE_INVALID, the session left. */
static inline CK_RV core_enter_object(CK_SESSION_HANDLE h, core_lock_mode mode, unsigned need, CK_OBJECT_HANDLE oh,
                                      core_session **s, core_object **o)
{
	CK_RV rv = core_enter(h, mode, need, s);
	if (rv != CKR_OK)
		return rv;
	*o = core_object_find((*s)->tok, oh);
	if (*o != NULL)
		return CKR_OK;
	core_leave(*s, mode);
	return CKR_OBJECT_HANDLE_INVALID;
}

/* ---- attr.c -------------------------------------------------------------- */
CK_RV core_get_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n);
CK_RV core_set_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n);

/* ---- object_create.c ----------------------------------------------------- */
CK_RV core_create_object(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
CK_RV core_generate_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                        CK_OBJECT_HANDLE_PTR out);
CK_RV core_copy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE oh, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                       CK_OBJECT_HANDLE_PTR out);

/*
 * Keys whose secret the secure component makes from something the caller does
 * not see (C_UnwrapKey, C_DeriveKey). The core applies the template, the
 * defaults and every creation rule (keyset, usage, policy, record, one store
 * transaction) exactly as for C_GenerateKey; the source makes the item.
 */
typedef struct core_key_source {
	CK_MECHANISM_TYPE mech;       /* the C_* call's mechanism (logged; not CKA_KEY_GEN_MECHANISM) */
	/* CKA_ALWAYS_SENSITIVE / CKA_NEVER_EXTRACTABLE the new key may inherit (PKCS#11 3.0
	 * 4.10.1: from the base key for a derived key, FALSE for an unwrapped one); each is
	 * also FALSE when the new key itself is not sensitive / is extractable. */
	CK_BBOOL always_sensitive;
	CK_BBOOL never_extractable;
	/* The length the source makes, in bytes; 0: CKA_VALUE_LEN of the template (required
	 * then). When both are given they must agree (CKR_TEMPLATE_INCONSISTENT). */
	CK_ULONG value_len;
	/* Optional: after template and defaults, before the creation rules. May refuse
	 * (e.g. an unwrap template that contradicts the attributes bound to the blob,
	 * CKR_TEMPLATE_INCONSISTENT) or set attributes the source dictates. */
	CK_RV (*fix)(void *ctx, core_token *tok, core_object *o);
	/* Makes the item: kind and len as checked, flags and the policy as the core
	 * decided for this object. */
	CK_RV (*make)(void *ctx, core_token *tok, se_item_kind kind, CK_ULONG len, unsigned flags,
	              const se_item_policy *pol, se_ref *out);
	void *ctx;
} core_key_source;

/* With the session entered, token lock exclusive. t/n as given to the C_* call. */
CK_RV core_create_key_locked(core_session *s, const CK_ATTRIBUTE *t, CK_ULONG n,
                             const core_key_source *src, CK_OBJECT_HANDLE *out);

/* ---- derive.c ------------------------------------------------------------ */
/* C_DeriveKey (docs/mechanisms.md, "Derivation"). */
CK_RV core_derive_key(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE base,
                      CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR out);
/* Creation rules of a key with CKA_PORTFOLIO_MASTER (none for other keys):
 * AES, only CKA_DERIVE, sensitive, no keyset membership, a component that derives
 * or keeps masters (se_backend.keeps_masters: the card). */
CK_RV core_master_check(const core_token *tok, const core_object *o, CK_ULONG len);

/* ---- policy.c ------------------------------------------------------------ */
/* The policy the secure component keeps with an object's items, as its
 * attributes say it should be (core_object_cache done). */
void core_key_policy(const core_token *tok, const core_object *o, se_item_policy *pol);
void core_identity_policy(const core_object *o, int hash, se_item_policy *pol);
/* 1 when a token object's row agrees with the policy of its items (or cannot be
 * checked yet: nobody logged in, or a backend without item_policy). */
int core_object_policy_ok(core_token *tok, const core_object *o);
void core_object_policy_refused(const core_token *tok, const core_object *o); /* the log line */
/* C_SetAttributeValue: shrink the key item's usage to what after says (after's
 * cache is refreshed). Growth: CKR_ATTRIBUTE_READ_ONLY. */
CK_RV core_key_restrict(core_token *tok, const core_object *before, core_object *after);

/* ---- ops.c --------------------------------------------------------------- */
CK_RV core_op_init(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
CK_RV core_op_single(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV core_op_update(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR in, CK_ULONG in_len,
                     CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV core_op_final(CK_SESSION_HANDLE h, mech_op_kind kind, CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV core_verify(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR sig, CK_ULONG sig_len);
CK_RV core_verify_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len);
/* C_SessionCancel: ends the running operations whose CKF_ENCRYPT, CKF_DECRYPT,
 * CKF_SIGN, CKF_VERIFY or CKF_DIGEST bit, or for a message-based one
 * CKF_MESSAGE_ENCRYPT ... CKF_MESSAGE_VERIFY bit, is in flags. Other bits name
 * operations this module never runs (recover, key management): there is
 * nothing of theirs to cancel, so they are accepted and ignored. */
CK_RV core_session_cancel(CK_SESSION_HANDLE h, CK_FLAGS flags);
CK_RV core_generate_random(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len);
CK_RV core_session_check(CK_SESSION_HANDLE h);   /* the handle is valid (C_SeedRandom etc.) */
/* After a reload: end each active operation of tok's sessions whose key or
 * Identity is gone (all of them if all_lost), recording CKR_KEY_HANDLE_INVALID
 * for its next call. Token lock exclusive. */
void core_check_token_operations(core_token *tok, int all_lost);
/* What resolves the Identity a parameter names, recording it in the uses of
 * the session's operation of kind (a reload ends the operation if it goes). */
typedef struct core_resolve_ctx {
	core_token *tok;
	core_op_uses *uses;
} core_resolve_ctx;
mech_identity_resolver core_op_resolver(core_session *s, mech_op_kind kind, core_resolve_ctx *ctx);
/* CKR_KEY_HANDLE_INVALID once for an operation of kind a reload ended, else CKR_OK. */
CK_RV core_op_lost(core_session *s, mech_op_kind kind);
CK_RV core_get_mechanism_list(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
CK_RV core_get_mechanism_info(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);

/* ---- ops_message.c (PKCS#11 3.0 message-based operations; kind is the plain
 * kind: MECH_OP_ENCRYPT ... MECH_OP_VERIFY) ------------------------------------ */
CK_RV core_msg_init(CK_SESSION_HANDLE h, mech_op_kind kind, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key); /* ops.c */
CK_RV core_msg_run(CK_SESSION_HANDLE h, mech_op_kind kind, const mech_msg_args *a);
CK_RV core_msg_final(CK_SESSION_HANDLE h, mech_op_kind kind);

/* Copies s into a blank-padded fixed field. */
void core_pad(CK_UTF8CHAR *dst, size_t n, const char *s);

/*
 * 1 while the module is initialised in this process. C_Initialize sets it
 * last (release), C_Finalize clears it first, and in a forked child the
 * pthread_atfork child handler clears it before the child runs any code of
 * its own, so the child sees CKR_CRYPTOKI_NOT_INITIALIZED until it calls
 * C_Initialize. Every entry point reads it: an acquire load is a plain load
 * on x86 and a load-acquire on ARM, where comparing getpid() each time cost
 * a system call per entry point (two per signature).
 */
extern _Atomic int core_live;

static inline CK_RV core_ready(void)
{
	return atomic_load_explicit(&core_live, memory_order_acquire) ? CKR_OK
	                                                               : CKR_CRYPTOKI_NOT_INITIALIZED;
}

/* ---- inflight.c ---------------------------------------------------------- */
/* A call inside the module (P11_READY): C_Finalize waits for every call that
 * entered before it cleared core_live; a call entering later gets
 * CKR_CRYPTOKI_NOT_INITIALIZED. Sharded per thread: no shared cache line is
 * written, no system call made. */
typedef struct core_call {
	unsigned shard;
	int entered;
} core_call;

struct core_inflight_shard {
	_Alignas(128) _Atomic long calls;
};
extern struct core_inflight_shard core_inflight[CORE_LOCK_SHARDS];

/* The shard: from the caller's stack address, no thread-local lookup (which
 * costs a __tls_get_addr call in a dlopen()ed module). Threads' stacks lie
 * megabytes apart, so threads spread over the shards, and a thread calling
 * from the same depth always counts on the same line. Any shard is correct:
 * core_call_leave uses the one its enter chose. */
static inline unsigned core_call_shard(const void *frame)
{
	uint64_t x = ((uint64_t)(uintptr_t)frame >> 16) * 0x9E3779B97F4A7C15ULL;
	return (unsigned)(x >> 32) % CORE_LOCK_SHARDS;
}

static inline CK_RV core_call_enter(core_call *c)
{
	c->shard = core_call_shard(c);
	/* Dekker with C_Finalize (inflight.c): count, then look; it clears, then counts. */
	atomic_fetch_add_explicit(&core_inflight[c->shard].calls, 1, memory_order_seq_cst);
	if (!atomic_load_explicit(&core_live, memory_order_seq_cst)) {
		atomic_fetch_sub_explicit(&core_inflight[c->shard].calls, 1, memory_order_release);
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	c->entered = 1;
	return CKR_OK;
}

static inline void core_call_leave(core_call *c)
{
	if (c->entered)
		atomic_fetch_sub_explicit(&core_inflight[c->shard].calls, 1, memory_order_release);
	c->entered = 0;
}
/* C_Finalize, after clearing core_live: returns once no call is inside. */
void core_calls_drain(void);
/* The atfork child handler: the parent's counted calls are not in the child. */
void core_calls_forget_after_fork(void);

#endif
