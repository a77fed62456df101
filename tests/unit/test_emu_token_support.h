/* test_emu_token_support.h - fixture and stand-ins shared by the emulator token tests. */
#ifndef TEST_EMU_TOKEN_SUPPORT_H
#define TEST_EMU_TOKEN_SUPPORT_H

#include "se/emu/emu_token.h"
#include "store/store.h"

typedef struct emu_fixture {
	char dir[64];
	char path[96];
	store *st;
} emu_fixture;

/* Fast KDF for tests (PORTFOLIO_TEST_SCRYPT_N), a fresh store in a temp dir. */
int emu_fixture_setup(void **state);
int emu_fixture_teardown(void **state);
void emu_fixture_reopen(emu_fixture *f);
/* Attach the fixture's store secret file (<store>.key) to st. */
void emu_fixture_attach(emu_fixture *f, store *st);

/* Label helper: 32 bytes, blank padded. */
void emu_test_label(char out[32], const char *text);
/* Open iid and initialise it with SO PIN "so-pin-1" and user PIN "user-pin-1"
 * (the latter only if with_user). */
se_token *emu_test_token(emu_fixture *f, CK_ULONG iid, int with_user);

/* In a forked child (after store_forget_after_fork): a store handle of its
 * own in *st and iid's token logged in as the user; NULL on any failure. */
se_token *emu_test_child_token(emu_fixture *f, CK_ULONG iid, store **st);

#define TEST_SO_PIN "so-pin-1"
#define TEST_USER_PIN "user-pin-1"
#define PIN(s) (const uint8_t *)(s), strlen(s)

/* How many key caches the stand-in emu_key_cache_build made / freed. */
extern int emu_test_caches_built, emu_test_caches_freed;

#endif
