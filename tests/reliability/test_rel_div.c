/*
 * test_rel_div.c - the bounded fleet test of issue 10 item 4: 4 verifier
 * processes on one store, each with 2 threads (each its own session), check
 * device answers with the master alone for a fixed time (REL_DIV_SECONDS, else
 * REL_MP_SECONDS as the valgrind and TSan scripts set it, else 10 s).
 *
 * A factory step first computes the answers of DEVICES devices with bare
 * OpenSSL (EVP_KDF KBKDF and EVP_Q_mac / AES-GCM, never this module): an AUTH
 * signature CMAC_K(SHA-256(Identity) | challenge) and an ENC answer
 * IV | AES-GCM_K(Identity | challenge) | tag per device; one in four is
 * damaged on purpose (a byte of the signature or ciphertext flipped). Each
 * thread then walks the answers: C_VerifyInit(CKM_PORTFOLIO_DIV_AUTH_CMAC) +
 * C_Verify, or C_DecryptInit(CKM_PORTFOLIO_DIV_ENC_GCM) + C_Decrypt, must give
 * CKR_OK (and the Identity) for a good answer and CKR_SIGNATURE_INVALID /
 * CKR_ENCRYPTED_DATA_INVALID for a damaged one. Any other result fails the
 * test: every answer right, zero errors.
 */
#include "config.h"
#include "rel_util.h"

#include <pthread.h>
#include <sys/wait.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#define PROCS 4
#define THREADS 2
#define DEVICES 256
#define IDENTITY "HostSwV-1.2.3"
#define ID_LEN 13

static const uint8_t MASTER_AUTH[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                        0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};
static const uint8_t MASTER_ENC[16] = {0x55, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                       0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t CHALLENGE[8] = {0xc4, 0xa1, 0x1e, 0x0e, 0x00, 0x00, 0x00, 0x2a};

typedef struct answer {
	char device[32];
	size_t device_len;
	CK_ULONG instance, index;
	uint8_t sig[16];
	uint8_t enc[12 + ID_LEN + sizeof CHALLENGE + 16];
	int good;                 /* 0: damaged on purpose */
} answer;

static answer answers[DEVICES];
static uint8_t id_hash[32];
static CK_SLOT_ID slot;
static double seconds;

/* ---- the factory, by bare OpenSSL ---------------------------------------- */

/* K(D, I, n, s), 16 bytes (docs/mechanisms.md 10): EVP_KDF "KBKDF". */
static void device_key(const answer *a, const uint8_t *master, uint8_t service, uint8_t key[16])
{
	uint8_t ctx[2 + sizeof a->device + 9];
	size_t n = 0;
	ctx[n++] = 0;
	ctx[n++] = (uint8_t)a->device_len;
	memcpy(ctx + n, a->device, a->device_len);
	n += a->device_len;
	for (int k = 3; k >= 0; k--)
		ctx[n++] = (uint8_t)(a->instance >> (8 * k));
	for (int k = 3; k >= 0; k--)
		ctx[n++] = (uint8_t)(a->index >> (8 * k));
	ctx[n++] = service;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	EVP_KDF_CTX *kc = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, (char *)"CMAC", 0),
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_CIPHER, (char *)"AES-128-CBC", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)master, 16),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)"Portfolio-Div", 13),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ctx, n),
		OSSL_PARAM_construct_end(),
	};
	CHECK(kc != NULL && EVP_KDF_derive(kc, key, 16, p) == 1);
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
}

static void gcm_answer(const uint8_t key[16], uint8_t *out)
{
	uint8_t plain[ID_LEN + sizeof CHALLENGE];
	int n = 0, m = 0;
	memcpy(plain, IDENTITY, ID_LEN);
	memcpy(plain + ID_LEN, CHALLENGE, sizeof CHALLENGE);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	CHECK(c != NULL && EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, out) == 1);
	CHECK(EVP_EncryptUpdate(c, out + 12, &n, plain, (int)sizeof plain) == 1);
	CHECK(EVP_EncryptFinal_ex(c, out + 12 + n, &m) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + sizeof plain) == 1);
	EVP_CIPHER_CTX_free(c);
}

static void factory(void)
{
	uint8_t key[16], msg[32 + sizeof CHALLENGE];
	size_t n = 0;
	CHECK(EVP_Digest(IDENTITY, ID_LEN, id_hash, NULL, EVP_sha256(), NULL) == 1);
	memcpy(msg, id_hash, 32);
	memcpy(msg + 32, CHALLENGE, sizeof CHALLENGE);
	for (int i = 0; i < DEVICES; i++) {
		answer *a = &answers[i];
		a->device_len = (size_t)snprintf(a->device, sizeof a->device, "urn:imei:35%013d", i * 7919);
		a->instance = (CK_ULONG)(i % 3);
		a->index = (CK_ULONG)(i % 5);
		a->good = i % 4 != 3;
		device_key(a, MASTER_AUTH, 0, key);
		CHECK(EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, 16, msg, sizeof msg, a->sig, 16, &n) != NULL);
		device_key(a, MASTER_ENC, 1, key);
		for (int k = 0; k < 12; k++) /* the IV: a device makes a random one; any will do here */
			a->enc[k] = (uint8_t)(i * 31 + k * 7);
		gcm_answer(key, a->enc);
		if (!a->good) {
			a->sig[i % 16] ^= 0x01;
			a->enc[12 + i % ID_LEN] ^= 0x80;
		}
	}
}

/* ---- the verifiers --------------------------------------------------------- */

static CK_OBJECT_HANDLE find_label(CK_SESSION_HANDLE s, const char *label)
{
	CK_ATTRIBUTE q = {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
	return rel_find_one(s, &q, 1);
}

/* One answer of device a, AUTH or ENC: 1 when the result is the right one. */
static int check_answer(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE m_auth, CK_OBJECT_HANDLE m_enc, const answer *a,
                        int enc)
{
	CK_PORTFOLIO_DIV_PARAMS p = {{(CK_BYTE_PTR)a->device, (CK_ULONG)a->device_len, a->instance, a->index}, 16,
	                             {enc ? 0 : CKP_PORTFOLIO_SOURCE_HASH, 0, (CK_BYTE_PTR)CHALLENGE, sizeof CHALLENGE}};
	CK_MECHANISM m = {enc ? CKM_PORTFOLIO_DIV_ENC_GCM : CKM_PORTFOLIO_DIV_AUTH_CMAC, &p, sizeof p};
	uint8_t out[sizeof a->enc];
	CK_ULONG out_len = sizeof out;
	CK_RV rv = enc ? C_DecryptInit(s, &m, m_enc) : C_VerifyInit(s, &m, m_auth);
	if (rv == CKR_OK)
		rv = enc ? C_Decrypt(s, (CK_BYTE_PTR)a->enc, sizeof a->enc, out, &out_len)
		         : C_Verify(s, id_hash, 32, (CK_BYTE_PTR)a->sig, 16);
	if (!a->good)
		return rv == (enc ? CKR_ENCRYPTED_DATA_INVALID : CKR_SIGNATURE_INVALID);
	return rv == CKR_OK && (!enc || (out_len == ID_LEN && memcmp(out, IDENTITY, ID_LEN) == 0));
}

typedef struct verifier {
	int proc, thread;
	long ops, wrong;
} verifier;

static void *verify_loop(void *arg)
{
	verifier *v = arg;
	CK_SESSION_HANDLE s;
	CHECK_RV(C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
	CK_OBJECT_HANDLE m_auth = find_label(s, "m-auth"), m_enc = find_label(s, "m-enc");
	CHECK(m_auth != CK_INVALID_HANDLE && m_enc != CK_INVALID_HANDLE);
	double end = rel_now_ms() + seconds * 1000;
	for (unsigned k = (unsigned)(v->proc * THREADS + v->thread) * 37u; rel_now_ms() < end; k++) {
		const answer *a = &answers[k % DEVICES];
		if (!check_answer(s, m_auth, m_enc, a, (k / DEVICES) % 2 == 1)) {
			fprintf(stderr, "process %d thread %d: device %s answer %u wrong\n", v->proc, v->thread,
			        a->device, k % DEVICES);
			v->wrong++;
		}
		v->ops++;
	}
	CHECK_RV(C_CloseSession(s), CKR_OK);
	return NULL;
}

/* A verifier process: its own C_Initialize, one login, THREADS sessions. */
static void verifier_process(int proc)
{
	CK_C_INITIALIZE_ARGS args = {NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL};
	CHECK_RV(C_Initialize(&args), CKR_OK);
	CK_SESSION_HANDLE login = rel_session(slot, CKU_USER, REL_USER_PIN);
	pthread_t th[THREADS];
	verifier v[THREADS];
	long ops = 0, wrong = 0;
	for (int t = 0; t < THREADS; t++) {
		v[t] = (verifier){proc, t, 0, 0};
		CHECK(pthread_create(&th[t], NULL, verify_loop, &v[t]) == 0);
	}
	for (int t = 0; t < THREADS; t++) {
		CHECK(pthread_join(th[t], NULL) == 0);
		CHECK(v[t].ops > 0);
		ops += v[t].ops;
		wrong += v[t].wrong;
	}
	CHECK_RV(C_CloseSession(login), CKR_OK);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	printf("process %d: %ld answers checked, %ld wrong\n", proc, ops, wrong);
	fflush(stdout);
	_exit(wrong == 0 ? 0 : 1);
}

static void make_master(CK_SESSION_HANDLE s, const char *label, const uint8_t *value, CK_ULONG service)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},        {CKA_KEY_TYPE, &kt, sizeof kt},
	                    {CKA_VALUE, (void *)value, 16},        {CKA_TOKEN, &yes, 1},
	                    {CKA_PORTFOLIO_MASTER, &service, sizeof service},
	                    {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)}};
	CK_OBJECT_HANDLE h;
	CHECK_RV(C_CreateObject(s, t, 6, &h), CKR_OK);
}

int main(void)
{
	rel_setup(NULL, NULL);
	const char *env = getenv("REL_DIV_SECONDS") ? getenv("REL_DIV_SECONDS") : getenv("REL_MP_SECONDS");
	seconds = env != NULL ? atof(env) : 10;
	factory();
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	slot = rel_init_token("fleet");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	make_master(s, "m-auth", MASTER_AUTH, CK_PORTFOLIO_SRV_AUTHENT);
	make_master(s, "m-enc", MASTER_ENC, CK_PORTFOLIO_SRV_ENCRYPT);
	CHECK_RV(C_Finalize(NULL), CKR_OK);

	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		CHECK(pids[p] >= 0);
		if (pids[p] == 0)
			verifier_process(p);
	}
	int failed = 0;
	for (int p = 0; p < PROCS; p++) {
		int status;
		CHECK(waitpid(pids[p], &status, 0) == pids[p]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "verifier %d failed (status 0x%x)\n", p, status);
			failed = 1;
		}
	}
	CHECK(!failed);
	printf("ok - %d processes x %d threads checked device answers with the masters for %.1f s, all right\n",
	       PROCS, THREADS, seconds);
	return 0;
}
