/*
 * bench_pcsc.c - portfolio-bench-pcsc: milliseconds per Portfolio signature
 * on the card (the pcsc backend: pcscd + vpcd + portfolio-vcard, or a real
 * reader) next to the same signature on the emulator, in one module.
 *
 *   portfolio-bench-pcsc [-n SIGNATURES] MODULE
 *
 * PORTFOLIO_PKCS11_CONF must name a configuration whose instance 0 is on the
 * card and whose default backend is the emulator (scripts/bench-pcsc.sh
 * writes one). The card's token is initialised again (its items are erased);
 * instance 1 becomes the emulator token. Each signature is a complete
 * PKCS#11 operation, as a device does per LwM2M request: C_SignInit with
 * CKM_PORTFOLIO_AUTH_CMAC (SOURCE_TOKEN: the Identity the SO provisioned,
 * the only source a device key signs; 16-byte challenge) + C_Sign of no
 * data. On the card that is one protected APDU (C-MAC, encrypted
 * data, R-MAC) through pcscd; the channel is already open (the login
 * opened it), so the figure is the steady state. The first signature of
 * each token is timed apart. Not a test: it prints figures and fails only
 * when a call fails.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pkcs11/pkcs11.h"
#include "pkcs11/portfolio.h"

static const char so_pin[] = "bench-so-pin";
static const char user_pin[] = "bench-user-pin";

static CK_FUNCTION_LIST_PTR f;

static void check(const char *what, CK_RV rv)
{
	if (rv != CKR_OK) {
		fprintf(stderr, "portfolio-bench-pcsc: %s failed: CKR 0x%lx\n", what, (unsigned long)rv);
		exit(1);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#define IDENTITY_ID 1

/* As the SO: Identity IDENTITY_ID, whose hash the token computes and keeps. */
static void provision_identity(CK_SESSION_HANDLE s)
{
	static const char value[] = "urn:imei:490154203237518";
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG id = IDENTITY_ID;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)},
		{CKA_VALUE, (void *)value, sizeof(value) - 1},
	};

	check("C_CreateObject(identity)", f->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), &h));
}

/* Initialises the token of slot, sets the user PIN, provisions the identity,
 * logs in, imports an authentication K0; returns the logged-in session and
 * the key. */
static void prepare(CK_SLOT_ID slot, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key)
{
	CK_UTF8CHAR label[32];
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG service = CK_PORTFOLIO_SRV_AUTHENT, index = 0;
	CK_BYTE value[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	                     0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},         {CKA_KEY_TYPE, &kt, sizeof(kt)},
		{CKA_TOKEN, &yes, sizeof(yes)},         {CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SIGN, &yes, sizeof(yes)},          {CKA_VERIFY, &no, sizeof(no)},
		{CKA_VALUE, value, sizeof(value)},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof(service)},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index)},
	};

	value[15] ^= (CK_BYTE)slot; /* keysets are never shared, not even between the two tokens here */
	memset(label, ' ', sizeof(label));
	memcpy(label, "bench", 5);
	check("C_InitToken", f->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin, sizeof(so_pin) - 1, label));
	check("C_OpenSession", f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s));
	check("C_Login(SO)", f->C_Login(*s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, sizeof(so_pin) - 1));
	check("C_InitPIN", f->C_InitPIN(*s, (CK_UTF8CHAR_PTR)user_pin, sizeof(user_pin) - 1));
	provision_identity(*s);
	check("C_Logout", f->C_Logout(*s));
	check("C_Login(user)", f->C_Login(*s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, sizeof(user_pin) - 1));
	check("C_CreateObject", f->C_CreateObject(*s, t, sizeof(t) / sizeof(t[0]), key));
}

static void sign_once(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, CK_BYTE *sig)
{
	static CK_BYTE none[1]; /* SOURCE_TOKEN: the data is empty */
	CK_BYTE challenge[16] = {0x00, 0x02, 0x34, 0x51, 0x78};
	CK_PORTFOLIO_PARAMS p = {CKP_PORTFOLIO_SOURCE_TOKEN, IDENTITY_ID, challenge, sizeof(challenge)};
	CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &p, sizeof(p)};
	CK_ULONG n = 16;

	check("C_SignInit", f->C_SignInit(s, &m, key));
	check("C_Sign", f->C_Sign(s, none, 0, sig, &n));
}

/* ms per signature over n signatures (after first, which is timed apart). */
static double measure(CK_SLOT_ID slot, int n, double *first_ms)
{
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	CK_BYTE sig[16];
	double t0, t1;

	prepare(slot, &s, &key);
	t0 = now_ms();
	sign_once(s, key, sig);
	*first_ms = now_ms() - t0;
	t0 = now_ms();
	for (int i = 0; i < n; i++)
		sign_once(s, key, sig);
	t1 = now_ms();
	check("C_CloseSession", f->C_CloseSession(s));
	return (t1 - t0) / n;
}

int main(int argc, char **argv)
{
	int n = 200, ai = 1;
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
	CK_SLOT_INFO si;
	double card, emu, card_first, emu_first;
	void *dl;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		n = atoi(argv[2]);
		ai = 3;
	}
	if (ai >= argc || n < 1 || n > 1000000) {
		fprintf(stderr, "usage: portfolio-bench-pcsc [-n SIGNATURES] MODULE\n");
		return 2;
	}
	dl = dlopen(argv[ai], RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fprintf(stderr, "portfolio-bench-pcsc: %s\n", dlerror());
		return 1;
	}
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	if (get == NULL)
		return 1;
	check("C_GetFunctionList", get(&f));
	check("C_Initialize", f->C_Initialize(&args));
	check("C_GetSlotInfo(0)", f->C_GetSlotInfo(0, &si));
	if (!(si.flags & CKF_REMOVABLE_DEVICE) || !(si.flags & CKF_TOKEN_PRESENT)) {
		fprintf(stderr, "portfolio-bench-pcsc: slot 0 is not a card that is present (flags 0x%lx)\n",
		        (unsigned long)si.flags);
		return 1;
	}
	card = measure(0, n, &card_first);
	emu = measure(1, n * 50, &emu_first);
	printf("Portfolio AUTH_CMAC signature (C_SignInit + C_Sign), ms per signature\n");
	printf("  %-30s %10.3f ms  (%d signatures; first one %.3f ms)\n", "card (pcsc + SCP03, vcard)", card, n,
	       card_first);
	printf("  %-30s %10.4f ms  (%d signatures; first one %.3f ms)\n", "emulator", emu, n * 50, emu_first);
	printf("  card / emulator: %.0fx\n", card / emu);
	check("C_Finalize", f->C_Finalize(NULL));
	return 0;
}
