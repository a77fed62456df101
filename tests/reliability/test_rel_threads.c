/*
 * test_rel_threads.c - 8 threads hammer one token through separate sessions
 * and one shared session: sign, encrypt/decrypt, find, create and destroy
 * (session and token objects), login, logout and C_CloseAllSessions, all
 * racing, for REL_THREADS_SECONDS (default 3).
 *
 * Every return code must be one the race explains (a session closed under
 * the thread, a logout that killed a handle, an operation another thread
 * started on the shared session); every result that comes back CKR_OK must
 * be right (RFC 4493 signature, decrypt(encrypt(x)) = x). Run under
 * ThreadSanitizer by scripts/test-sanitizers.sh.
 */
#include "config.h"
#include "rel_util.h"

#include <pthread.h>
#include <stdatomic.h>

#define THREADS 8

static const uint8_t RFC_K[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                  0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t RFC_M[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                  0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
static const uint8_t RFC_T[16] = {0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                  0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c};
/* AES-CMAC(ENC_K, RFC_M): on the shared session a thread's search may return
 * another thread's result (the "enc" key), and a signature under that key is
 * then right too. */
static const uint8_t ENC_T[16] = {0x76, 0x92, 0x84, 0x16, 0x0f, 0xe1, 0x15, 0x44,
                                  0x5b, 0xc0, 0x5b, 0x06, 0x9c, 0xcd, 0xcc, 0xd9};
static const uint8_t ENC_K[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                  0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};

static CK_SLOT_ID slot;
static CK_SESSION_HANDLE shared_session;
static double end_ms;
static atomic_long n_ok, n_raced, n_bad;
static atomic_long per_op[8];

/* Codes a race between threads of one application can produce. */
static int explained(CK_RV rv)
{
	switch (rv) {
	case CKR_OK:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_USER_NOT_LOGGED_IN:
	case CKR_USER_ALREADY_LOGGED_IN:
	case CKR_USER_ANOTHER_ALREADY_LOGGED_IN:
	case CKR_OPERATION_ACTIVE:
	case CKR_OPERATION_NOT_INITIALIZED:
	case CKR_KEY_HANDLE_INVALID:
	case CKR_OBJECT_HANDLE_INVALID:
	case CKR_BUFFER_TOO_SMALL: /* shared session: another thread's operation took the buffer's turn */
		return 1;
	default:
		return 0;
	}
}

static int is_shared(CK_SESSION_HANDLE s)
{
	return s == __atomic_load_n(&shared_session, __ATOMIC_ACQUIRE);
}

static void note(const char *what, CK_RV rv)
{
	if (rv == CKR_OK) {
		atomic_fetch_add(&n_ok, 1);
	} else if (explained(rv)) {
		atomic_fetch_add(&n_raced, 1);
	} else {
		atomic_fetch_add(&n_bad, 1);
		fprintf(stderr, "%s: unexplained 0x%lx\n", what, (unsigned long)rv);
	}
}

static void wrong(const char *what)
{
	atomic_fetch_add(&n_bad, 1);
	fprintf(stderr, "%s: wrong result\n", what);
}

static CK_OBJECT_HANDLE find_id(CK_SESSION_HANDLE s, const char *id)
{
	CK_ATTRIBUTE q = {CKA_ID, (void *)id, (CK_ULONG)strlen(id)};
	CK_OBJECT_HANDLE h[2];
	CK_ULONG n = 0;
	CK_RV rv = C_FindObjectsInit(s, &q, 1);
	note("C_FindObjectsInit", rv);
	if (rv != CKR_OK)
		return CK_INVALID_HANDLE;
	rv = C_FindObjects(s, h, 2, &n);
	note("C_FindObjects", rv);
	note("C_FindObjectsFinal", C_FindObjectsFinal(s));
	return rv == CKR_OK && n == 1 ? h[0] : CK_INVALID_HANDLE;
}

static void do_sign(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE k = find_id(s, "sign");
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CK_RV rv = C_SignInit(s, &m, k);
	note("C_SignInit", rv);
	if (rv != CKR_OK)
		return;
	rv = C_Sign(s, (CK_BYTE_PTR)RFC_M, 16, sig, &sl);
	note("C_Sign", rv);
	if (rv == CKR_OK &&
	    (sl != 16 || (memcmp(sig, RFC_T, 16) != 0 && (!is_shared(s) || memcmp(sig, ENC_T, 16) != 0)))) {
		fprintf(stderr, "C_Sign on %s session: %lu bytes %02x%02x%02x%02x\n",
		        is_shared(s) ? "the shared" : "its own", (unsigned long)sl, sig[0], sig[1], sig[2], sig[3]);
		wrong("C_Sign");
	}
}

static void do_crypt(CK_SESSION_HANDLE s, unsigned seed)
{
	CK_OBJECT_HANDLE k = find_id(s, "enc");
	uint8_t iv[16], pt[40], ct[64], back[64];
	for (int i = 0; i < 16; i++)
		iv[i] = (uint8_t)(seed + i);
	for (int i = 0; i < 40; i++)
		pt[i] = (uint8_t)(seed * 3 + i);
	CK_MECHANISM m = {CKM_AES_CBC_PAD, iv, 16};
	CK_ULONG cl = sizeof ct, bl = sizeof back;
	CK_RV rv = C_EncryptInit(s, &m, k);
	note("C_EncryptInit", rv);
	if (rv != CKR_OK)
		return;
	rv = C_Encrypt(s, pt, sizeof pt, ct, &cl);
	note("C_Encrypt", rv);
	if (rv != CKR_OK)
		return;
	rv = C_DecryptInit(s, &m, k);
	note("C_DecryptInit", rv);
	if (rv != CKR_OK)
		return;
	rv = C_Decrypt(s, ct, cl, back, &bl);
	/* On the shared session another thread may have re-initialised this
	 * operation with its own data: only a private session's result is checked. */
	note("C_Decrypt", rv == CKR_ENCRYPTED_DATA_INVALID && is_shared(s) ? CKR_OPERATION_ACTIVE : rv);
	if (rv == CKR_OK && !is_shared(s) && (bl != sizeof pt || memcmp(back, pt, sizeof pt) != 0))
		wrong("C_Decrypt");
}

static void do_create_destroy(CK_SESSION_HANDLE s, unsigned seed, CK_BBOOL token)
{
	uint8_t v[16];
	for (int i = 0; i < 16; i++)
		v[i] = (uint8_t)(seed * 17 + i * 29 + (seed >> 8));
	v[0] = (uint8_t)seed;
	v[1] = (uint8_t)(seed >> 8);
	v[2] = (uint8_t)(seed >> 16);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                    {CKA_TOKEN, &token, 1}, {CKA_VALUE, v, 16}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}};
	CK_OBJECT_HANDLE h;
	CK_RV rv = C_CreateObject(s, t, 6, &h);
	note("C_CreateObject", rv);
	if (rv == CKR_OK)
		note("C_DestroyObject", C_DestroyObject(s, h));
}

static void *hammer(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, seed = id * 1000003u;
	CK_SESSION_HANDLE own = 0;
	while (rel_now_ms() < end_ms) {
		seed = seed * 1103515245u + 12345u;
		unsigned r = (seed >> 8) % 1000;
		if (own == 0) {
			CK_RV rv = C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &own);
			note("C_OpenSession", rv);
			if (rv != CKR_OK)
				own = 0;
			continue;
		}
		CK_SESSION_HANDLE s = (r & 1) ? __atomic_load_n(&shared_session, __ATOMIC_ACQUIRE) : own;
		CK_RV rv;
		if (r < 300) {
			do_sign(s);
			atomic_fetch_add(&per_op[0], 1);
		} else if (r < 500) {
			do_crypt(s, seed);
			atomic_fetch_add(&per_op[1], 1);
		} else if (r < 650) {
			CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
			CK_ATTRIBUTE q = {CKA_CLASS, &cls, sizeof cls};
			CK_OBJECT_HANDLE h[8];
			CK_ULONG n;
			rv = C_FindObjectsInit(s, &q, 1);
			note("C_FindObjectsInit", rv);
			if (rv == CKR_OK) {
				note("C_FindObjects", C_FindObjects(s, h, 8, &n));
				note("C_FindObjectsFinal", C_FindObjectsFinal(s));
			}
			atomic_fetch_add(&per_op[2], 1);
		} else if (r < 800) {
			do_create_destroy(s, seed ^ (id << 24), CK_FALSE);
			atomic_fetch_add(&per_op[3], 1);
		} else if (r < 830) {
			do_create_destroy(s, seed ^ (id << 24) ^ 0x800000u, CK_TRUE);
			atomic_fetch_add(&per_op[4], 1);
		} else if (r < 930) {
			note("C_Login", C_Login(s, CKU_USER, REL_P(REL_USER_PIN)));
			atomic_fetch_add(&per_op[5], 1);
		} else if (r < 990) {
			note("C_Logout", C_Logout(s));
			atomic_fetch_add(&per_op[6], 1);
		} else if (r < 995) {
			/* Ends every session of the slot, the shared one and the others' too. */
			note("C_CloseAllSessions", C_CloseAllSessions(slot));
			atomic_fetch_add(&per_op[7], 1);
		} else {
			note("C_CloseSession", C_CloseSession(own));
			own = 0;
		}
		CK_SESSION_INFO si;
		if (C_GetSessionInfo(own, &si) == CKR_SESSION_HANDLE_INVALID)
			own = 0;
	}
	return NULL;
}

/* One thread keeps the shared session alive (it is closed by CloseAllSessions). */
static void *keeper(void *arg)
{
	(void)arg;
	while (rel_now_ms() < end_ms) {
		CK_SESSION_INFO si;
		if (C_GetSessionInfo(__atomic_load_n(&shared_session, __ATOMIC_ACQUIRE), &si) != CKR_OK) {
			CK_SESSION_HANDLE s;
			if (C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) == CKR_OK)
				__atomic_store_n(&shared_session, s, __ATOMIC_RELEASE);
		}
		usleep(1000);
	}
	return NULL;
}

int main(void)
{
	rel_setup(NULL, "16");
	double seconds = getenv("REL_THREADS_SECONDS") ? atof(getenv("REL_THREADS_SECONDS")) : 3;
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("threads");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	rel_aes_key(s, RFC_K, 16, CK_TRUE, CK_TRUE, CK_FALSE, "sign", 4);
	rel_aes_key(s, ENC_K, 16, CK_TRUE, CK_TRUE, CK_FALSE, "enc", 3);
	shared_session = s;
	end_ms = rel_now_ms() + seconds * 1000;
	pthread_t th[THREADS + 1];
	for (uintptr_t i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, hammer, (void *)i) == 0);
	CHECK(pthread_create(&th[THREADS], NULL, keeper, NULL) == 0);
	for (int i = 0; i <= THREADS; i++)
		pthread_join(th[i], NULL);
	/* The token is intact afterwards: only the two keys, both working. */
	CHECK_RV(C_CloseAllSessions(slot), CKR_OK);
	s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE q = {CKA_CLASS, &cls, sizeof cls};
	CK_ULONG left = rel_count(s, &q, 1);
	shared_session = 0;
	do_sign(s);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	printf("ok - %d threads for %.1f s: %ld calls OK, %ld lost races (explained codes), %ld bad; "
	       "ops sign %ld crypt %ld find %ld sess-obj %ld token-obj %ld login %ld logout %ld close-all %ld; %lu keys left\n",
	       THREADS, seconds, atomic_load(&n_ok), atomic_load(&n_raced), atomic_load(&n_bad),
	       atomic_load(&per_op[0]), atomic_load(&per_op[1]), atomic_load(&per_op[2]), atomic_load(&per_op[3]),
	       atomic_load(&per_op[4]), atomic_load(&per_op[5]), atomic_load(&per_op[6]), atomic_load(&per_op[7]),
	       (unsigned long)left);
	CHECK(atomic_load(&n_bad) == 0);
	/* Token objects created by the threads were destroyed by them, unless a
	 * logout or close raced the destroy: then they remain, which is correct. */
	CHECK(left >= 2);
	return 0;
}
