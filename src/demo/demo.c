/*
 * portfolio-lwm2m-demo - the two use cases of the OMA LwM2M Portfolio Object
 * TS 1.0.1 (Appendix B.2), with both roles played by one process:
 *
 *   the device: Object 16 through libportfolio-lwm2m, driven as an LwM2M
 *               stack drives it (EXECUTE, observe evaluation, READ +
 *               delivery, WRITE), on a device token of the module;
 *   the server: the same module in server use: a token with check-only
 *               keys, C_Verify (CKM_PORTFOLIO_AUTH_CMAC) and C_Decrypt
 *               (CKM_PORTFOLIO_ENC_GCM) with CKP_PORTFOLIO_SOURCE_DATA.
 *
 * Usage: portfolio-lwm2m-demo [MODULE]   (default: $PORTFOLIO_DEMO_MODULE,
 * else the installed module). The module gets a fresh store in a temporary
 * directory, removed at the end. Exit 0 when every expectation held.
 */
#include "config.h"

#include <dirent.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/device.h"
#include "demo/narrate.h"
#include "util/ckr_name.h"
#include "demo/provision.h"
#include "demo/server.h"

#ifndef PORTFOLIO_PKCS11DIR
#define PORTFOLIO_PKCS11DIR "/usr/local/lib/pkcs11"
#endif

/* Demo credentials only: a real deployment never has them in a binary. */
#define DEVICE_SO_PIN "device-so-2468"
#define DEVICE_PIN "device-1357"
#define SERVER_SO_PIN "server-so-8642"
#define SERVER_PIN "server-7531"

/* GSMA Host Device identities of the vehicle (TS Appendix B.1). */
static const char *const identities[DEMO_IDENTITY_COUNT] = {
	"GSMA-HUID-4F2A-0091", "ACME Motors", "Roadster X200", "RX200-FW 4.2.1",
};
#define TAMPERED_SWV "RX200-FW 4.2.1-patched"
#define REWRITTEN_MAN "ACME Motors (rebadged)"

/* The server's challenge 0x2345178 (TS B.2) as it sends it and as bytes. */
static const CK_BYTE challenge[] = {0x02, 0x34, 0x51, 0x78};
#define EXEC_UC1 "0='0',1='3',2='0x2345178',3='0'"
#define EXEC_UC2 "0='1',1='2',2='0x2345178',3='1'"
#define EXEC_MAN "0='0',1='1',2='0x2345178',3='0'"
#define EXEC_TS_EXAMPLE "0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0"

/* The return code's name from the project's one table, with the demo's hint. */
static const char *rv_name(CK_RV rv)
{
	return rv == CKR_SLOT_ID_INVALID ? "CKR_SLOT_ID_INVALID (no free slot)" : pf_ckr_name_str(rv);
}

static void on_log(void *ctx, pf_obj16_log_level level, const char *message)
{
	(void)ctx;
	if (level <= PF_OBJ16_LOG_ERROR)
		printf("          [adapter] %s\n", message);
}

static pf_obj16 *new_adapter(CK_FUNCTION_LIST_PTR p11, int lenient)
{
	pf_obj16_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.user_pin = DEVICE_PIN;
	cfg.log = on_log;
	cfg.lenient_args = lenient;
	cfg.module_initialized_by_caller = 1; /* device and server share the module here */
	return pf_obj16_new(p11, &cfg);
}

/* ---- the temporary store ----------------------------------------------- */

static char workdir[] = "/tmp/portfolio-lwm2m-demo.XXXXXX";

static int make_store(void)
{
	if (mkdtemp(workdir) == NULL)
		return -1;
	char conf[128], text[256];
	snprintf(conf, sizeof(conf), "%s/portfolio.conf", workdir);
	snprintf(text, sizeof(text), "store = %s/store.db\nlog_level = error\n", workdir);
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return setenv("PORTFOLIO_PKCS11_CONF", conf, 1);
}

static void remove_store(void)
{
	DIR *d = opendir(workdir);
	if (d == NULL)
		return;
	struct dirent *e;
	char path[512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", workdir, e->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(workdir);
}

/* ---- the story --------------------------------------------------------- */

typedef struct demo {
	CK_FUNCTION_LIST_PTR p11;
	pf_obj16 *device;  /* strict: the Core TS grammar */
	pf_obj16 *lenient; /* the same token, lenient_args on */
	uint16_t iid;
	demo_server server;
} demo;

static int factory(demo *d)
{
	demo_section("Factory: provisioning the vehicle and the Car Manufacturer Server");
	demo_keys keys;
	CK_SLOT_ID dslot, sslot;
	if (RAND_bytes(keys.auth, sizeof(keys.auth)) != 1 || RAND_bytes(keys.enc, sizeof(keys.enc)) != 1)
		return -1;
	CK_RV rv = demo_init_token(d->p11, DEVICE_SO_PIN, DEVICE_PIN, "Vehicle ECU", &dslot);
	if (rv == CKR_OK)
		rv = demo_provision_device(d->p11, dslot, DEVICE_SO_PIN, DEVICE_PIN, identities, &keys);
	if (rv != CKR_OK) {
		demo_say("provisioning the device token failed: %s (0x%lx)", rv_name(rv), (unsigned long)rv);
		OPENSSL_cleanse(&keys, sizeof(keys));
		return -1;
	}
	demo_say("device token (slot %lu): identities /16/%lu/0/0..3 with provisioned SHA-256,", (unsigned long)dslot,
		 (unsigned long)dslot);
	for (int i = 0; i < DEMO_IDENTITY_COUNT; i++)
		demo_say("    /16/%lu/0/%d %-13s \"%s\"", (unsigned long)dslot, i, demo_identity_names[i], identities[i]);
	demo_say("  K0 (authentication keyset, index 0): sign only; K1 (encryption keyset, index 1): encrypt only");

	/* The adapters see the tokens initialised so far: only the device's. */
	d->device = new_adapter(d->p11, 0);
	d->lenient = new_adapter(d->p11, 1);
	if (d->device == NULL || d->lenient == NULL) {
		OPENSSL_cleanse(&keys, sizeof(keys));
		return -1;
	}
	size_t count = 0;
	(void)pf_obj16_list_instances(d->device, &d->iid, 1, &count);
	demo_expect(count == 1 && d->iid == dslot, "the adapter shows the device token as one Object 16 instance");
	demo_say("Object 16 on the device (libportfolio-lwm2m): instance /16/%u", d->iid);

	rv = demo_init_token(d->p11, SERVER_SO_PIN, SERVER_PIN, "Car Manufacturer HSM", &sslot);
	if (rv == CKR_OK)
		rv = demo_provision_server(d->p11, sslot, SERVER_PIN, &keys);
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (rv != CKR_OK) {
		demo_say("provisioning the server token failed: %s (0x%lx)", rv_name(rv), (unsigned long)rv);
		return -1;
	}
	demo_say("server token (slot %lu): K0 verify only, K1 decrypt only: it can check, never forge",
		 (unsigned long)sslot);
	d->server.p11 = d->p11;
	rv = demo_server_open(&d->server, sslot, SERVER_PIN);
	if (rv != CKR_OK) {
		demo_say("server login failed: %s", rv_name(rv));
		return -1;
	}
	return 0;
}

/* Server side of Use Case 1: checks sig for the identity it expects. */
static CK_RV server_verify(demo *d, const char *identity, const uint8_t *sig, size_t len)
{
	CK_RV rv = demo_server_verify(&d->server, 0, identity, challenge, sizeof(challenge), sig, len);
	demo_say("server:  C_Verify(CKM_PORTFOLIO_AUTH_CMAC, SOURCE_DATA \"%s\", challenge 0x2345178) -> %s",
		 identity, rv_name(rv));
	return rv;
}

static void use_case_1(demo *d)
{
	uint8_t sig[64];
	size_t len = 0;
	demo_section("Use Case 1: Host Device authentication (TS B.2)");
	pf_obj16_result r = demo_device_execute(d->device, d->iid, EXEC_UC1);
	demo_expect(r == PF_OBJ16_OK, "EXECUTE is 2.04");
	demo_expect(demo_device_observe(d->device, d->iid) == PF_OBJ16_DATA_AVAIL,
		    "an observe evaluation does not consume AuthData");
	demo_say("device:  AuthStatus still %s: reading is not delivering",
		 demo_status_name(demo_device_status(d->device, d->iid)));
	r = demo_device_read_deliver(d->device, d->iid, sig, sizeof(sig), &len);
	demo_expect(r == PF_OBJ16_OK && len == 16, "READ /16/%u/2 gives a 16-byte CMAC", d->iid);
	demo_expect(demo_device_status(d->device, d->iid) == PF_OBJ16_IDLE, "AuthStatus IDLE after delivery");
	demo_say("server -> READ /16/%u/2 (again)", d->iid);
	uint8_t again[64];
	size_t again_len = 0;
	pf_obj16_result r2 = pf_obj16_read_auth_data(d->device, d->iid, again, sizeof(again), &again_len, NULL);
	demo_say("device <- %s        (delivered data is gone)", demo_coap(r2, PF_OBJ16_OP_READ));
	demo_expect(r2 == PF_OBJ16_NOT_FOUND, "AuthData is cleared once delivered");
	if (r != PF_OBJ16_OK)
		return;

	CK_RV rv = server_verify(d, identities[3], sig, len);
	demo_expect(rv == CKR_OK, "the server verifies the device's signature");
	if (rv == CKR_OK)
		demo_say("RESULT: Use Case 1 signature VERIFIED: the vehicle is authenticated");
	rv = server_verify(d, TAMPERED_SWV, sig, len);
	demo_expect(rv == CKR_SIGNATURE_INVALID, "a tampered identity fails");
	if (rv == CKR_SIGNATURE_INVALID)
		demo_say("RESULT: tampered identity REJECTED (%s)", rv_name(rv));
}

static void write_identity(demo *d)
{
	uint8_t sig[64];
	size_t len = 0;
	demo_section("WRITE of an Identity: the value changes, what the device proves does not");
	pf_obj16_result r = demo_device_write_identity(d->device, d->iid, 1, REWRITTEN_MAN);
	demo_expect(r == PF_OBJ16_OK, "WRITE /16/%u/0/1 is 2.04 and reads back", d->iid);
	r = demo_device_execute(d->device, d->iid, EXEC_MAN);
	if (r == PF_OBJ16_OK)
		r = demo_device_read_deliver(d->device, d->iid, sig, sizeof(sig), &len);
	demo_expect(r == PF_OBJ16_OK, "GetAuthData over identity 1 after the WRITE");
	if (r != PF_OBJ16_OK)
		return;
	CK_RV rv = server_verify(d, identities[1], sig, len);
	demo_expect(rv == CKR_OK, "the provisioned value still verifies");
	rv = server_verify(d, REWRITTEN_MAN, sig, len);
	demo_expect(rv == CKR_SIGNATURE_INVALID, "the written value does not");
	if (rv == CKR_SIGNATURE_INVALID)
		demo_say("RESULT: after WRITE /16/%u/0/1 the device still proves only the provisioned hash", d->iid);
}

static void use_case_2(demo *d)
{
	uint8_t data[256];
	size_t len = 0;
	char model[128];
	demo_section("Use Case 2: encrypted Identity data (TS B.2)");
	pf_obj16_result r = demo_device_execute(d->device, d->iid, EXEC_UC2);
	demo_expect(r == PF_OBJ16_OK, "EXECUTE (encrypt) is 2.04");
	if (r == PF_OBJ16_OK)
		r = demo_device_read_deliver(d->device, d->iid, data, sizeof(data), &len);
	demo_expect(r == PF_OBJ16_OK, "READ of the encrypted AuthData");
	if (r != PF_OBJ16_OK)
		return;
	demo_say("         (IV 12 bytes || AES-GCM(\"Roadster X200\" || challenge) || tag 16 bytes)");
	CK_RV rv = demo_server_decrypt(&d->server, 1, challenge, sizeof(challenge), data, len, model, sizeof(model));
	demo_say("server:  C_Decrypt(CKM_PORTFOLIO_ENC_GCM, challenge 0x2345178) -> %s", rv_name(rv));
	demo_expect(rv == CKR_OK && strcmp(model, identities[2]) == 0, "the server decrypts the Host Device Model");
	if (rv == CKR_OK)
		demo_say("RESULT: Use Case 2 decrypted Host Device Model: %s", model);
	static const CK_BYTE other[] = {0x02, 0x34, 0x51, 0x79};
	rv = demo_server_decrypt(&d->server, 1, other, sizeof(other), data, len, model, sizeof(model));
	demo_say("server:  the same AuthData against challenge 0x2345179 (a replay) -> %s", rv_name(rv));
	demo_expect(rv == CKR_ENCRYPTED_DATA_INVALID, "a replay under another challenge fails");
}

static void ts_example(demo *d)
{
	uint8_t sig[64];
	size_t len = 0;
	demo_section("The TS's own example arguments (unquoted, blanks, SRV_AUTHENT)");
	demo_say("Core TS grammar: arg = DIGIT [\"=\" \"'\" *CHAR \"'\"]; the TS example is not in it.");
	pf_obj16_result r = demo_device_execute(d->device, d->iid, EXEC_TS_EXAMPLE);
	demo_expect(r == PF_OBJ16_BAD_REQUEST, "strict mode answers 4.00");
	demo_expect(demo_device_status(d->device, d->iid) == PF_OBJ16_ERROR,
		    "a refused GetAuthData was triggered: AuthStatus ERROR");
	if (r == PF_OBJ16_BAD_REQUEST)
		demo_say("RESULT: TS example rejected: 4.00 Bad Request (strict mode, AuthStatus ERROR)");
	demo_say("The same request with lenient_args = 1:");
	r = demo_device_execute(d->lenient, d->iid, EXEC_TS_EXAMPLE);
	demo_expect(r == PF_OBJ16_OK, "lenient mode accepts the TS example");
	if (r == PF_OBJ16_OK)
		r = demo_device_read_deliver(d->lenient, d->iid, sig, sizeof(sig), &len);
	if (r == PF_OBJ16_OK && server_verify(d, identities[3], sig, len) == CKR_OK)
		demo_say("RESULT: lenient mode: 2.04 Changed and a signature that verifies");
	else
		demo_expect(0, "the lenient request gives a verifiable signature");
}

int main(int argc, char **argv)
{
	const char *module = argc > 1 ? argv[1] : getenv("PORTFOLIO_DEMO_MODULE");
	if (argc > 2 || (module != NULL && strcmp(module, "--help") == 0)) {
		fprintf(stderr, "usage: %s [MODULE.so]\n", argv[0]);
		return 2;
	}
	if (module == NULL)
		module = PORTFOLIO_PKCS11DIR "/libportfolio-pkcs11.so";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (make_store() != 0) {
		perror("portfolio-lwm2m-demo: temporary store");
		return 1;
	}
	demo d;
	memset(&d, 0, sizeof(d));
	void *handle = NULL;
	d.p11 = pf_obj16_module_open(module, &handle);
	CK_C_INITIALIZE_ARGS init;
	memset(&init, 0, sizeof(init));
	init.flags = CKF_OS_LOCKING_OK;
	if (d.p11 == NULL || d.p11->C_Initialize(&init) != CKR_OK) {
		fprintf(stderr, "portfolio-lwm2m-demo: cannot load %s\n", module);
		remove_store();
		return 1;
	}
	demo_say("PKCS#11 module: %s (fresh store in %s)", module, workdir);
	demo_say("One process plays both roles; each has its own token.");

	int rc = factory(&d);
	if (rc == 0) {
		use_case_1(&d);
		write_identity(&d);
		use_case_2(&d);
		ts_example(&d);
		demo_server_close(&d.server);
	}
	pf_obj16_free(d.lenient);
	pf_obj16_free(d.device);
	(void)d.p11->C_Finalize(NULL);
	pf_obj16_module_close(handle);
	remove_store();

	demo_section("Outcome");
	if (rc != 0 || demo_failures() != 0) {
		demo_say("demo: FAILED (%d unexpected outcomes%s)", demo_failures(), rc != 0 ? ", setup failed" : "");
		return 1;
	}
	demo_say("demo: all checks passed");
	return 0;
}
