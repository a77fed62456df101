/*
 * fake_p11.h - a tiny in-test PKCS#11 module: just the functions the Object
 * 16 adapter calls, with real cryptography (OpenSSL EVP) so tests of the
 * adapter are known-answer tests, and knobs to inject faults and delays.
 *
 * Device-side GCM uses a fixed IV (00 01 .. 0b) so its output is a fixed
 * vector; the real module draws a random IV.
 */
#ifndef FAKE_P11_H
#define FAKE_P11_H

#include <stddef.h>
#include <stdint.h>

#include <pkcs11/portfolio.h>

#define FAKE_MAX_SLOTS 4
#define FAKE_MAX_IDS 8
#define FAKE_MAX_KEYS 8

typedef struct fake_identity {
	int used;
	CK_ULONG id;
	char value[256];
	size_t len;
	int has_hash;
	uint8_t hash[32];
} fake_identity;

typedef struct fake_key {
	int used;
	CK_ULONG service, index;
	uint8_t value[32];
	size_t len;
} fake_key;

typedef struct fake_token {
	int initialized;
	const char *user_pin;
	fake_identity ids[FAKE_MAX_IDS];
	fake_key keys[FAKE_MAX_KEYS];
} fake_token;

typedef struct fake_state {
	size_t slot_count;
	CK_SLOT_ID slot_ids[FAKE_MAX_SLOTS];
	fake_token tokens[FAKE_MAX_SLOTS];

	/* knobs */
	CK_RV fail_next_op;         /* returned by the next C_Sign/C_Encrypt */
	CK_RV fail_next_init;       /* returned by the next C_SignInit/C_EncryptInit */
	int invalidate_sessions;    /* all current sessions become invalid once */
	unsigned op_delay_ms;       /* C_Sign/C_Encrypt sleep this long */
	/* Called (once, then cleared) inside the next C_Sign/C_Encrypt that
	 * produces output: lets a test act while the token is busy. */
	/* When write_fault is set: the C_SetAttributeValue / C_CreateObject /
	 * C_DestroyObject after `writes_before_fault` successful ones returns
	 * it (once, then the knob clears). */
	CK_RV write_fault;
	int writes_before_fault;
	void (*during_op)(void *arg);
	void *during_op_arg;

	/* counters */
	int initialize_calls, finalize_calls, login_calls, op_calls, open_sessions;
	CK_MECHANISM_TYPE last_mechanism;
	CK_ULONG last_identity_id;
} fake_state;

/* Resets the fake to: no slots. */
void fake_reset(void);
fake_state *fake(void);
CK_FUNCTION_LIST_PTR fake_function_list(void);
/* Adds an initialised token in slot `slot` with user PIN "1234"; returns it. */
fake_token *fake_add_token(CK_SLOT_ID slot);
void fake_add_slot_uninitialized(CK_SLOT_ID slot);
/* Identity with SHA-256(value) provisioned when provisioned != 0. */
void fake_add_identity(fake_token *t, CK_ULONG id, const char *value, int provisioned);
void fake_add_key(fake_token *t, CK_ULONG service, CK_ULONG index, const char *hex);
/* The TS Appendix B.2 layout the tests share: identities 0..3 =
 * "HostUniqueID-42", "HostMan", "HostMod-X", "HostSwV-1.0" (provisioned),
 * auth key 0 = FAKE_K_AUTH0, enc key 1 = FAKE_K_ENC1. */
#define FAKE_K_AUTH0 "2b7e151628aed2a6abf7158809cf4f3c" /* RFC 4493 key */
#define FAKE_K_ENC1 "000102030405060708090a0b0c0d0e0f"
fake_token *fake_add_b2_token(CK_SLOT_ID slot);

#endif
