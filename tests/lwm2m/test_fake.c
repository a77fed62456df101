/*
 * test_fake.c - the Object 16 adapter against fake_p11 (real cryptography,
 * fixed vectors): TS 1.0.1 Appendix B.2 flows, every AuthStatus transition,
 * argument errors, delivery rules, async completion, concurrency.
 *
 * Expected AuthData values were computed independently of this code:
 * CMAC/HMAC with the openssl(1) `mac` command, GCM with Python cryptography.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arg_cases.h"
#include "fake_p11.h"
#include "portfolio-lwm2m/obj16.h"

#define AUTH_ARGS "0='0',1='3',2='0x2345178',3='0'"
#define ENC_ARGS "0='1',1='2',2='0x2345178',3='1'"
#define K_AUTH0 FAKE_K_AUTH0
#define K_ENC1 FAKE_K_ENC1
#define K_HMAC5 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* AES-CMAC_K_AUTH0(SHA-256("HostSwV-1.0") || 02345178) */
static const char *const KAT_AUTH = "711e2337e324b98e0ed5d353e04146df";
/* HMAC-SHA256_K_HMAC5(SHA-256("HostSwV-1.0") || 02345178) */
static const char *const KAT_HMAC = "86c3963be0b05d77ecb4fbfb417d23bf56a62f55e09255ca8933ba1d62bafac3";
/* IV(000102..0b) || AES-128-GCM_K_ENC1("HostMod-X" || 02345178) || tag */
static const char *const KAT_ENC =
	"000102030405060708090a0bdb03d4ba2b74937913d055db4e136e944c1d2bc175d59ef5f71d819431";

/* ---- hooks ---- */

#define MAX_EVENTS 4096
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { uint16_t iid, rid; } events[MAX_EVENTS];
static size_t n_events;
static char last_log[256];
static int log_count;
static pf_obj16_log_level last_level;

static void on_changed(void *ctx, uint16_t iid, uint16_t rid)
{
	(void)ctx;
	pthread_mutex_lock(&ev_lock);
	if (n_events < MAX_EVENTS) {
		events[n_events].iid = iid;
		events[n_events].rid = rid;
		n_events++;
	}
	pthread_mutex_unlock(&ev_lock);
}

static size_t count_events(uint16_t iid, uint16_t rid)
{
	size_t n = 0;
	pthread_mutex_lock(&ev_lock);
	for (size_t i = 0; i < n_events; i++)
		if (events[i].iid == iid && events[i].rid == rid)
			n++;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

static void clear_events(void)
{
	pthread_mutex_lock(&ev_lock);
	n_events = 0;
	pthread_mutex_unlock(&ev_lock);
}

/* Every log line is checked: no PIN, key, identity value, challenge. */
static void on_log(void *ctx, pf_obj16_log_level level, const char *msg)
{
	(void)ctx;
	static const char *const secrets[] = {"1234", K_AUTH0, "2b7e", "0x2345178", "2345178", "HostSwV",
					      "HostMod", "HostMan", "HostUnique", "711e", "hunter2"};
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(msg, secrets[i]) != NULL) {
			fprintf(stderr, "log leaks '%s': %s\n", secrets[i], msg);
			abort();
		}
	pthread_mutex_lock(&ev_lock);
	snprintf(last_log, sizeof(last_log), "%s", msg);
	log_count++;
	last_level = level;
	pthread_mutex_unlock(&ev_lock);
}

/* ---- fixture ---- */

static fake_token *tok0, *tok3;

static void build_tokens(void)
{
	fake_reset();
	tok0 = fake_add_b2_token(0);
	fake_add_slot_uninitialized(1); /* not an instance */
	tok3 = fake_add_token(3);
	fake_add_key(tok0, 0, 5, K_HMAC5);
	/* Instance 3: same identity layout, its own keyset. */
	fake_add_identity(tok3, 3, "HostSwV-1.0", 1);
	fake_add_identity(tok3, 2, "HostMod-X", 1);
	fake_add_key(tok3, 0, 0, K_AUTH0);
	fake_add_key(tok3, 1, 1, K_ENC1);
}

static pf_obj16_config base_config(void)
{
	pf_obj16_config c;
	memset(&c, 0, sizeof(c));
	c.user_pin = "1234";
	c.changed = on_changed;
	c.log = on_log;
	return c;
}

static pf_obj16 *make(pf_obj16_config c)
{
	clear_events();
	pf_obj16 *o = pf_obj16_new(fake_function_list(), &c);
	assert_non_null(o);
	return o;
}

static int setup(void **state)
{
	build_tokens();
	*state = make(base_config());
	return 0;
}

static int teardown(void **state)
{
	pf_obj16_free(*state);
	return 0;
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static pf_obj16_result exec(pf_obj16 *o, uint16_t iid, const char *args)
{
	return pf_obj16_execute(o, iid, args, strlen(args));
}

static pf_obj16_status status_of(pf_obj16 *o, uint16_t iid)
{
	pf_obj16_status s = 99;
	assert_int_equal(pf_obj16_read_status(o, iid, &s), PF_OBJ16_OK);
	return s;
}

/* Asserts AuthData equals hex; returns its delivery tag. */
static pf_obj16_delivery expect_data(pf_obj16 *o, uint16_t iid, const char *hex)
{
	uint8_t want[128], got[128];
	size_t wn = unhex(hex, want), n = 0;
	pf_obj16_delivery tag = 0;
	assert_int_equal(pf_obj16_read_auth_data(o, iid, got, sizeof(got), &n, &tag), PF_OBJ16_OK);
	assert_int_equal(n, wn);
	assert_memory_equal(got, want, wn);
	assert_true(tag != 0);
	return tag;
}

static void expect_no_data(pf_obj16 *o, uint16_t iid)
{
	uint8_t got[128];
	size_t n = 77;
	pf_obj16_delivery tag = 77;
	assert_int_equal(pf_obj16_read_auth_data(o, iid, got, sizeof(got), &n, &tag), PF_OBJ16_NOT_FOUND);
	assert_int_equal(n, 0);
	assert_int_equal(tag, 0);
	uint16_t riids[2];
	size_t count = 9;
	assert_int_equal(pf_obj16_list_resource_instances(o, iid, PF_OBJ16_RID_AUTH_DATA, riids, 2, &count),
			 PF_OBJ16_OK);
	assert_int_equal(count, 0);
}

static void expect_last_error(pf_obj16 *o, uint16_t iid, const char *part)
{
	char buf[256];
	assert_int_equal(pf_obj16_last_error(o, iid, buf, sizeof(buf)), PF_OBJ16_OK);
	if (strstr(buf, part) == NULL)
		fail_msg("last error '%s' lacks '%s'", buf, part);
}

/* ---- tests ---- */

static void test_discovery(void **state)
{
	pf_obj16 *o = *state;
	uint16_t iids[8];
	size_t n = 0;
	assert_int_equal(pf_obj16_list_instances(o, iids, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 2);
	assert_int_equal(iids[0], 0);
	assert_int_equal(iids[1], 3);
	assert_int_equal(pf_obj16_list_instances(o, iids, 1, &n), PF_OBJ16_BUFFER_TOO_SMALL);
	assert_int_equal(n, 2);
	assert_int_equal(fake()->initialize_calls, 1);

	size_t rc = 0;
	const pf_obj16_resource_info *r = pf_obj16_resources(&rc);
	assert_int_equal(rc, 4);
	assert_string_equal(r[0].name, "Identity");
	assert_string_equal(r[0].operations, "RW");
	assert_true(r[0].multiple && r[0].mandatory);
	assert_string_equal(r[1].operations, "E");
	assert_string_equal(r[2].type, "Opaque");
	assert_true(r[2].multiple);
	assert_string_equal(r[3].type, "Integer");

	uint16_t riids[8];
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 0, riids, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 4);
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(riids[i], i);
	assert_int_equal(pf_obj16_list_resource_instances(o, 3, 0, riids, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 2);
	assert_int_equal(riids[0], 2);
	assert_int_equal(riids[1], 3);
	expect_no_data(o, 0);
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 1, riids, 8, &n), PF_OBJ16_METHOD_NOT_ALLOWED);
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 3, riids, 8, &n), PF_OBJ16_METHOD_NOT_ALLOWED);
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 4, riids, 8, &n), PF_OBJ16_NOT_FOUND);
	assert_int_equal(pf_obj16_list_resource_instances(o, 1, 0, riids, 8, &n), PF_OBJ16_NOT_FOUND);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	pf_obj16_status s;
	assert_int_equal(pf_obj16_read_status(o, 2, &s), PF_OBJ16_NOT_FOUND);
	assert_int_equal(exec(o, 1, AUTH_ARGS), PF_OBJ16_NOT_FOUND);
	assert_int_equal(pf_obj16_open_instance(o, 3), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_open_instance(o, 4), PF_OBJ16_NOT_FOUND);
}

static void test_free_finalizes(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16 *o = make(base_config());
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_free(o);
	assert_int_equal(fake()->finalize_calls, 1);
	assert_int_equal(fake()->open_sessions, 0);

	/* An integrator that initialised the module keeps it. */
	build_tokens();
	pf_obj16_config c = base_config();
	c.module_initialized_by_caller = 1;
	o = make(c);
	assert_int_equal(fake()->initialize_calls, 0);
	pf_obj16_free(o);
	assert_int_equal(fake()->finalize_calls, 0);
}

/* TS Appendix B.2 use case 1, strict-grammar form of EXECUTE /16/0/1. */
static void test_b2_authentication(void **state)
{
	pf_obj16 *o = *state;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(fake()->last_mechanism, CKM_PORTFOLIO_AUTH_CMAC);
	assert_int_equal(fake()->last_identity_id, 3);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	assert_true(count_events(0, PF_OBJ16_RID_STATUS) >= 1);
	assert_true(count_events(0, PF_OBJ16_RID_AUTH_DATA) >= 1);
	uint16_t riids[2];
	size_t n = 0;
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 2, riids, 2, &n), PF_OBJ16_OK);
	assert_int_equal(n, 1);
	assert_int_equal(riids[0], 0);

	/* Observe evaluation and polling read the data without consuming it. */
	pf_obj16_delivery t1 = expect_data(o, 0, KAT_AUTH);
	pf_obj16_delivery t2 = expect_data(o, 0, KAT_AUTH);
	assert_true(t1 == t2);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);

	/* The READ response went out: IDLE, data gone, observers told. */
	clear_events();
	assert_int_equal(pf_obj16_delivered(o, 0, t1), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	expect_no_data(o, 0);
	assert_int_equal(count_events(0, PF_OBJ16_RID_STATUS), 1);
	assert_int_equal(count_events(0, PF_OBJ16_RID_AUTH_DATA), 1);
	/* Delivering twice changes nothing. */
	clear_events();
	assert_int_equal(pf_obj16_delivered(o, 0, t1), PF_OBJ16_OK);
	assert_int_equal(count_events(0, PF_OBJ16_RID_STATUS), 0);
	/* The other instance never moved. */
	assert_int_equal(status_of(o, 3), PF_OBJ16_IDLE);
}

/* TS Appendix B.2 use case 2. */
static void test_b2_encryption(void **state)
{
	pf_obj16 *o = *state;
	assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(fake()->last_mechanism, CKM_PORTFOLIO_ENC_GCM);
	assert_int_equal(fake()->last_identity_id, 2);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	pf_obj16_delivery t = expect_data(o, 0, KAT_ENC);
	assert_int_equal(pf_obj16_delivered(o, 0, t), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);

	/* The decimal spelling of the challenge is the same challenge. */
	assert_int_equal(exec(o, 0, "0='1',1='2',2='36983160',3='1'"), PF_OBJ16_OK);
	expect_data(o, 0, KAT_ENC);
}

static void test_mechanism_per_service(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16_config c = base_config();
	c.mechanism[0] = CKM_PORTFOLIO_AUTH_HMAC;
	pf_obj16 *o = make(c);
	assert_int_equal(exec(o, 0, "0='0',1='3',2='0x2345178',3='5'"), PF_OBJ16_OK);
	assert_int_equal(fake()->last_mechanism, CKM_PORTFOLIO_AUTH_HMAC);
	expect_data(o, 0, KAT_HMAC);
	pf_obj16_free(o);
}

static void test_processing_failures(void **state)
{
	pf_obj16 *o = *state;
	/* DATA_AVAIL -> ERROR: the key index has no key. Well-formed: 2.04. */
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	clear_events();
	assert_int_equal(exec(o, 0, "0='0',1='3',2='0x2345178',3='7'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_no_data(o, 0);
	expect_last_error(o, 0, "no key 7 of service 0");
	assert_int_equal(last_level, PF_OBJ16_LOG_ERROR);
	assert_non_null(strstr(last_log, "no key 7 of service 0"));
	assert_true(count_events(0, PF_OBJ16_RID_STATUS) >= 1);
	/* ERROR is not consumed by a delivery. */
	assert_int_equal(pf_obj16_delivered(o, 0, 0), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);

	/* ERROR -> DATA_AVAIL on the next good request. */
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);

	/* No such identity instance. */
	assert_int_equal(exec(o, 0, "0='0',1='9',2='1',3='0'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_last_error(o, 0, "identity instance 9 does not exist");

	/* The service-1 key is not an authentication key. */
	assert_int_equal(exec(o, 0, "0='0',1='3',2='1',3='1'"), PF_OBJ16_OK);
	expect_last_error(o, 0, "no key 1 of service 0");

	/* The secure component fails. */
	fake()->fail_next_op = CKR_DEVICE_ERROR;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_last_error(o, 0, "CKR_DEVICE_ERROR");
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
}

/* The secure component may refuse an operation by policy (for instance an
 * ENC with SOURCE_TOKEN whose identity no longer matches its provisioned
 * hash): whatever it answers, at Init or at the operation, AuthStatus is
 * ERROR and no older AuthData survives. */
static void test_token_refusal_is_error(void **state)
{
	pf_obj16 *o = *state;
	static const CK_RV refusals[] = {CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_FUNCTION_REJECTED,
					 CKR_DATA_INVALID, CKR_ACTION_PROHIBITED};
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		for (int at_init = 0; at_init < 2; at_init++) {
			assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
			pf_obj16_delivery tag = expect_data(o, 0, KAT_AUTH);
			if (at_init)
				fake()->fail_next_init = refusals[i];
			else
				fake()->fail_next_op = refusals[i];
			assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK); /* 2.04: the outcome is AuthStatus */
			assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
			expect_no_data(o, 0);
			assert_int_equal(pf_obj16_delivered(o, 0, tag), PF_OBJ16_OK);
			assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
		}
}

static void test_unprovisioned_identity(void **state)
{
	pf_obj16 *o = *state;
	/* A remotely written identity has no hash: encryption yes, authentication no. */
	assert_int_equal(pf_obj16_write_identity(o, 0, 7, "HostSwV-9", 9), PF_OBJ16_OK);
	assert_int_equal(exec(o, 0, "0='0',1='7',2='1',3='0'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_last_error(o, 0, "identity 7 has no provisioned hash");
	assert_int_equal(exec(o, 0, "0='1',1='7',2='1',3='1'"), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
}


/* Every refused GetAuthData was still triggered (TS 5.2.1): 4.00, ERROR,
 * the waiting AuthData dropped, observers told once, its old tag dead. */
static void expect_refusal(pf_obj16 *o, const char *args, const char *why)
{
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_delivery tag = expect_data(o, 0, KAT_AUTH);
	clear_events();
	assert_int_equal(exec(o, 0, args), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_no_data(o, 0);
	assert_int_equal(count_events(0, PF_OBJ16_RID_STATUS), 1);
	expect_last_error(o, 0, why);
	assert_int_equal(last_level, PF_OBJ16_LOG_WARNING); /* the server's fault */
	assert_int_equal(pf_obj16_delivered(o, 0, tag), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
}

static void test_argument_errors(void **state)
{
	pf_obj16 *o = *state;
	/* Grammar and meaning errors end the same way under every stack. */
	for (size_t i = 0; i < N_CASES(syntax_cases); i++)
		expect_refusal(o, syntax_cases[i].args, syntax_cases[i].why);
	for (size_t i = 0; i < N_CASES(semantic_cases); i++)
		expect_refusal(o, semantic_cases[i].args, semantic_cases[i].why);
	/* Too long, of each kind: 4.00 and ERROR, never a signature. */
	for (size_t i = 0; i < N_CASES(oversized_cases); i++) {
		char *args = oversized_payload(&oversized_cases[i]);
		expect_refusal(o, args, oversized_cases[i].why);
		free(args);
	}
	/* At the limit: an application argument of 256 bytes is passed on. */
	oversized_case at_limit = oversized_cases[N_CASES(oversized_cases) - 1];
	at_limit.count = PF_OBJ16_MAX_ARG_VALUE;
	char *args = oversized_payload(&at_limit);
	assert_int_equal(exec(o, 0, args), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);
	free(args);
	/* A challenge of 65 bytes. */
	char big[200] = "0='0',1='3',2='0x";
	for (int i = 0; i < 130; i++)
		strcat(big, "1");
	strcat(big, "',3='0'");
	assert_int_equal(exec(o, 0, big), PF_OBJ16_BAD_REQUEST);
	expect_last_error(o, 0, "argument 2 (Challenge)");
	/* NULL payload with a length is refused, not dereferenced. */
	assert_int_equal(pf_obj16_execute(o, 0, NULL, 5), PF_OBJ16_BAD_REQUEST);
	/* NULL payload of length 0 is an Execute without arguments. */
	assert_int_equal(pf_obj16_execute(o, 0, NULL, 0), PF_OBJ16_BAD_REQUEST);
	expect_last_error(o, 0, "argument 0 missing");
}

static void test_lenient_mode(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16_config c = base_config();
	c.lenient_args = 1;
	pf_obj16 *o = make(c);
	assert_int_equal(exec(o, 0, "0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0"), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);
	assert_int_equal(exec(o, 0, "0=SRV_ENCRYPT, 1=2, 2=0x2345178, 3=1"), PF_OBJ16_OK);
	expect_data(o, 0, KAT_ENC);
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK); /* strict form still works */
	expect_data(o, 0, KAT_AUTH);
	assert_int_equal(exec(o, 0, "0=SRV_AUTHENT, 0=SRV_AUTHENT, 1=3, 2=1, 3=0"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(exec(o, 0, "0=SRV_AUTHENT, 1=3, 2=1, 3=0,"), PF_OBJ16_BAD_REQUEST);
	pf_obj16_free(o);
}

static void test_stale_delivery(void **state)
{
	pf_obj16 *o = *state;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_delivery old = expect_data(o, 0, KAT_AUTH);
	/* A new GetAuthData arrives before the old READ response was sent. */
	assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK);
	pf_obj16_delivery fresh = expect_data(o, 0, KAT_ENC);
	assert_true(old != fresh);
	assert_int_equal(pf_obj16_delivered(o, 0, old), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL); /* fresh data survives */
	assert_int_equal(pf_obj16_delivered(o, 0, fresh), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	assert_int_equal(pf_obj16_delivered(o, 9, fresh), PF_OBJ16_NOT_FOUND);
}

/* While the token computes request A, request B arrives with bad arguments
 * (ERROR at once). A's late result must not overwrite B's outcome. */
static void bad_request_now(void *arg)
{
	assert_int_equal(exec(arg, 0, "0='9',1='3',2='1',3='0'"), PF_OBJ16_BAD_REQUEST);
}

static void supersede_while_busy(int async)
{
	build_tokens();
	pf_obj16_config c = base_config();
	c.async = async;
	pf_obj16 *o = make(c);
	pf_obj16_status s;
	fake()->during_op = bad_request_now;
	fake()->during_op_arg = o;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, 0), PF_OBJ16_OK);
	assert_int_equal(fake()->op_calls, 1); /* A did run to the end */
	assert_int_equal(pf_obj16_read_status(o, 0, &s), PF_OBJ16_OK);
	assert_int_equal(s, PF_OBJ16_ERROR);
	expect_no_data(o, 0);
	expect_last_error(o, 0, "argument 0 (Service)");
	pf_obj16_free(o);
}

static void test_superseded_result_discarded(void **state)
{
	(void)state;
	supersede_while_busy(0);
	supersede_while_busy(1);
}

static void test_snapshot(void **state)
{
	pf_obj16 *o = *state;
	pf_obj16_snapshot *s = NULL;
	assert_int_equal(pf_obj16_read_snapshot(o, 0, &s), PF_OBJ16_OK);
	assert_int_equal(s->status, PF_OBJ16_IDLE);
	assert_null(s->auth_data);
	assert_int_equal(s->tag, 0);
	assert_int_equal(s->identity_count, 4);
	assert_int_equal(s->identities[3].riid, 3);
	assert_string_equal(s->identities[3].value, "HostSwV-1.0");
	assert_int_equal(s->identities[3].len, 11);
	pf_obj16_snapshot_free(s);

	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_read_snapshot(o, 0, &s), PF_OBJ16_OK);
	assert_int_equal(s->status, PF_OBJ16_DATA_AVAIL);
	uint8_t want[16];
	unhex(KAT_AUTH, want);
	assert_int_equal(s->auth_data_len, 16);
	assert_memory_equal(s->auth_data, want, 16);
	/* Taking a snapshot (observe evaluation) is not delivering. */
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	assert_int_equal(pf_obj16_delivered(o, 0, s->tag), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	pf_obj16_snapshot_free(s);
	assert_int_equal(pf_obj16_read_snapshot(o, 5, &s), PF_OBJ16_NOT_FOUND);
}

static void test_identity_read_write(void **state)
{
	pf_obj16 *o = *state;
	char buf[64];
	size_t n = 0;
	assert_int_equal(pf_obj16_read_identity(o, 0, 3, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "HostSwV-1.0", 11);
	assert_int_equal(pf_obj16_read_identity(o, 0, 3, buf, 4, &n), PF_OBJ16_BUFFER_TOO_SMALL);
	assert_int_equal(n, 11);
	assert_int_equal(pf_obj16_read_identity(o, 0, 9, buf, sizeof(buf), &n), PF_OBJ16_NOT_FOUND);
	assert_int_equal(pf_obj16_read_identity(o, 4, 0, buf, sizeof(buf), &n), PF_OBJ16_NOT_FOUND);

	/* Rewrite: the value changes and persists in the token... */
	assert_int_equal(pf_obj16_write_identity(o, 0, 3, "HostSwV-2.0", 11), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_read_identity(o, 0, 3, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_memory_equal(buf, "HostSwV-2.0", 11);
	assert_memory_equal(tok0->ids[3].value, "HostSwV-2.0", 11);
	/* ...but authentication still signs the provisioned hash. */
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);

	/* Create a new resource instance, list it, delete it. */
	assert_int_equal(pf_obj16_write_identity(o, 0, 7, "extra", 5), PF_OBJ16_OK);
	uint16_t riids[8];
	assert_int_equal(pf_obj16_list_resource_instances(o, 0, 0, riids, 8, &n), PF_OBJ16_OK);
	assert_int_equal(n, 5);
	assert_int_equal(riids[4], 7);
	assert_int_equal(pf_obj16_delete_identity(o, 0, 7), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_delete_identity(o, 0, 7), PF_OBJ16_NOT_FOUND);
	/* Provisioned identities are not deleted by a remote write. */
	assert_int_equal(pf_obj16_delete_identity(o, 0, 3), PF_OBJ16_METHOD_NOT_ALLOWED);
	assert_int_equal(pf_obj16_read_identity(o, 0, 3, buf, sizeof(buf), &n), PF_OBJ16_OK);

	/* Empty string is a valid String. */
	assert_int_equal(pf_obj16_write_identity(o, 0, 6, "", 0), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_read_identity(o, 0, 6, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_int_equal(n, 0);
	/* Too long, reserved id, NULL value. */
	static char longv[2000];
	memset(longv, 'a', sizeof(longv));
	assert_int_equal(pf_obj16_write_identity(o, 0, 5, longv, sizeof(longv)), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(pf_obj16_write_identity(o, 0, 65535, "x", 1), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(pf_obj16_write_identity(o, 0, 5, NULL, 3), PF_OBJ16_BAD_REQUEST);
	/* The token's own refusal maps to 4.00. */
	assert_int_equal(pf_obj16_write_identity(o, 0, 5, longv, 300), PF_OBJ16_BAD_REQUEST);
	expect_last_error(o, 0, "CKR_ATTRIBUTE_VALUE_INVALID");
}

/* "id=value;" for every identity of instance 0, in id order. */
static void identities_of(pf_obj16 *o, char *out, size_t cap)
{
	pf_obj16_snapshot *s = NULL;
	assert_int_equal(pf_obj16_read_snapshot(o, 0, &s), PF_OBJ16_OK);
	out[0] = '\0';
	for (size_t i = 0; i < s->identity_count; i++) {
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%u=%s;", s->identities[i].riid, s->identities[i].value);
	}
	pf_obj16_snapshot_free(s);
}

#define W(id, v) {id, v, sizeof(v) - 1}

/* Issue 13, item 2: a Write that fails changes nothing. */
static void test_identity_write_atomic(void **state)
{
	pf_obj16 *o = *state;
	char before[512], after[512];
	identities_of(o, before, sizeof(before));
	assert_string_equal(before, "0=HostUniqueID-42;1=HostMan;2=HostMod-X;3=HostSwV-1.0;");

	/* Wakaama's case: PUT /16/0/0 {1:"only-one"} would delete provisioned
	 * identities 0, 2, 3: refused, and identity 1 is not overwritten. */
	const pf_obj16_identity_write only_one[] = {W(1, "only-one")};
	assert_int_equal(pf_obj16_write_identities(o, 0, only_one, 1, PF_OBJ16_WRITE_REPLACE),
			 PF_OBJ16_METHOD_NOT_ALLOWED);
	identities_of(o, after, sizeof(after));
	assert_string_equal(after, before);

	/* Checked as a whole before anything is written. */
	const pf_obj16_identity_write twice[] = {W(1, "a"), W(7, "b"), W(1, "c")};
	assert_int_equal(pf_obj16_write_identities(o, 0, twice, 3, 0), PF_OBJ16_BAD_REQUEST);
	static char longv[1100];
	memset(longv, 'x', sizeof(longv));
	const pf_obj16_identity_write too_long[] = {W(1, "a"), {7, longv, sizeof(longv)}};
	assert_int_equal(pf_obj16_write_identities(o, 0, too_long, 2, 0), PF_OBJ16_BAD_REQUEST);
	const pf_obj16_identity_write reserved[] = {W(1, "a"), W(65535, "b")};
	assert_int_equal(pf_obj16_write_identities(o, 0, reserved, 2, 0), PF_OBJ16_BAD_REQUEST);
	identities_of(o, after, sizeof(after));
	assert_string_equal(after, before);

	/* A valid replace: provisioned ids kept (rewritten), 7 rewritten, 8
	 * deleted, 9 created, in one call. */
	const pf_obj16_identity_write seed[] = {W(7, "seven"), W(8, "eight")};
	assert_int_equal(pf_obj16_write_identities(o, 0, seed, 2, 0), PF_OBJ16_OK);
	const pf_obj16_identity_write full[] = {W(0, "HostUniqueID-42"), W(1, "HostMan-2"), W(2, "HostMod-X"),
						W(3, "HostSwV-1.0"), W(7, "SEVEN"), W(9, "nine")};
	assert_int_equal(pf_obj16_write_identities(o, 0, full, 6, PF_OBJ16_WRITE_REPLACE | PF_OBJ16_WRITE_CHECK_ONLY),
			 PF_OBJ16_OK);
	identities_of(o, after, sizeof(after));
	assert_string_equal(after, "0=HostUniqueID-42;1=HostMan;2=HostMod-X;3=HostSwV-1.0;7=seven;8=eight;");
	assert_int_equal(pf_obj16_write_identities(o, 0, full, 6, PF_OBJ16_WRITE_REPLACE), PF_OBJ16_OK);
	identities_of(o, before, sizeof(before));
	assert_string_equal(before, "0=HostUniqueID-42;1=HostMan-2;2=HostMod-X;3=HostSwV-1.0;7=SEVEN;9=nine;");

	/* The token fails half way, at every step in turn (6 writes, then the
	 * deletion of 7 and 9): what was done is undone. */
	const pf_obj16_identity_write next[] = {W(0, "A"), W(1, "B"), W(2, "C"), W(3, "D"), W(10, "ten"),
						W(11, "eleven")};
	for (int step = 0; step < 8; step++) {
		fake()->write_fault = CKR_DEVICE_ERROR;
		fake()->writes_before_fault = step;
		assert_int_equal(pf_obj16_write_identities(o, 0, next, 6, PF_OBJ16_WRITE_REPLACE),
				 PF_OBJ16_INTERNAL_ERROR);
		identities_of(o, after, sizeof(after));
		assert_string_equal(after, before);
		expect_last_error(o, 0, "CKR_DEVICE_ERROR");
		/* Hashes survive a rollback: 3 still authenticates. */
		assert_true(tok0->ids[3].has_hash);
	}
	fake()->write_fault = CKR_OK;
	assert_int_equal(pf_obj16_write_identities(o, 0, next, 6, PF_OBJ16_WRITE_REPLACE), PF_OBJ16_OK);
	identities_of(o, after, sizeof(after));
	assert_string_equal(after, "0=A;1=B;2=C;3=D;10=ten;11=eleven;");
	assert_int_equal(pf_obj16_write_identities(o, 9, next, 6, 0), PF_OBJ16_NOT_FOUND);
}

static void test_session_recovery(void **state)
{
	pf_obj16 *o = *state;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	int logins = fake()->login_calls;
	fake()->invalidate_sessions = 1; /* e.g. the module was re-initialised */
	assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK);
	expect_data(o, 0, KAT_ENC);
	assert_int_equal(fake()->login_calls, logins + 1);
	fake()->invalidate_sessions = 1;
	char buf[32];
	size_t n;
	assert_int_equal(pf_obj16_read_identity(o, 0, 1, buf, sizeof(buf), &n), PF_OBJ16_OK);
}

static int pin_cb_calls;
static int pin_cb(void *ctx, uint16_t iid, char *buf, size_t cap, size_t *len)
{
	(void)ctx;
	pin_cb_calls++;
	const char *pin = iid == 3 ? "hunter2" : "1234";
	*len = strlen(pin);
	if (*len > cap)
		return -1;
	memcpy(buf, pin, *len);
	return 0;
}

static void test_pin(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16_config c = base_config();
	c.user_pin = NULL;
	c.get_pin = pin_cb;
	pf_obj16 *o = make(c);
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);
	assert_true(pin_cb_calls >= 1);
	/* Instance 3's PIN is wrong: its GetAuthData fails with a reason. */
	assert_int_equal(pf_obj16_open_instance(o, 3), PF_OBJ16_INTERNAL_ERROR);
	assert_int_equal(exec(o, 3, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 3), PF_OBJ16_ERROR);
	expect_last_error(o, 3, "C_Login failed: CKR_PIN_INCORRECT");
	char buf[8];
	size_t n;
	assert_int_equal(pf_obj16_read_identity(o, 3, 3, buf, sizeof(buf), &n), PF_OBJ16_INTERNAL_ERROR);
	pf_obj16_free(o);
}

static int app_seen;
static char app_value9[32];
static int app_hook(void *ctx, uint16_t iid, const char *const values[6], const int present[6])
{
	(void)ctx;
	(void)iid;
	app_seen++;
	snprintf(app_value9, sizeof(app_value9), "%s", values[5] ? values[5] : "(none)");
	/* Refuse when argument 4 is present without a value. */
	return present[0] && values[0] == NULL ? -1 : 0;
}

static void test_app_args(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16_config c = base_config();
	c.app_args = app_hook;
	pf_obj16 *o = make(c);
	assert_int_equal(exec(o, 0, AUTH_ARGS ",9='vin:ABC'"), PF_OBJ16_OK);
	assert_int_equal(app_seen, 1);
	assert_string_equal(app_value9, "vin:ABC");
	expect_data(o, 0, KAT_AUTH);
	assert_int_equal(exec(o, 0, AUTH_ARGS ",4"), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_last_error(o, 0, "application arguments");
	pf_obj16_free(o);
}

static void test_async(void **state)
{
	(void)state;
	build_tokens();
	pf_obj16_config c = base_config();
	c.async = 1;
	pf_obj16 *o = make(c);
	fake()->op_delay_ms = 150;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	/* Execute answered at once; the server polls AuthStatus: IDLE. */
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	expect_no_data(o, 0);
	assert_int_equal(pf_obj16_wait_idle(o, 0), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	assert_true(count_events(0, PF_OBJ16_RID_AUTH_DATA) >= 1);
	pf_obj16_delivery t = expect_data(o, 0, KAT_AUTH);

	/* A new request resets to IDLE at once and tells observers. */
	clear_events();
	assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_IDLE);
	assert_int_equal(count_events(0, PF_OBJ16_RID_STATUS), 1);
	/* The old AuthData was dropped unread: its tag is dead. */
	assert_int_equal(pf_obj16_delivered(o, 0, t), PF_OBJ16_OK);
	/* Superseded while the first is running: only the last one counts. */
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(exec(o, 0, "0='0',1='3',2='0x2345178',3='7'"), PF_OBJ16_OK); /* fails: no key 7 */
	assert_int_equal(exec(o, 0, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, 0), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 0), PF_OBJ16_DATA_AVAIL);
	expect_data(o, 0, KAT_ENC);

	/* Two instances in flight together. */
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(exec(o, 3, ENC_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, 0), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, 3), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);
	expect_data(o, 3, KAT_ENC);

	/* Errors arrive asynchronously too. */
	fake()->op_delay_ms = 0;
	fake()->fail_next_op = CKR_FUNCTION_FAILED;
	assert_int_equal(exec(o, 3, AUTH_ARGS), PF_OBJ16_OK);
	assert_int_equal(pf_obj16_wait_idle(o, 3), PF_OBJ16_OK);
	assert_int_equal(status_of(o, 3), PF_OBJ16_ERROR);
	/* Free with a job queued: it finishes cleanly. */
	fake()->op_delay_ms = 50;
	assert_int_equal(exec(o, 0, AUTH_ARGS), PF_OBJ16_OK);
	pf_obj16_free(o);
	fake()->op_delay_ms = 0;
}

typedef struct { pf_obj16 *o; uint16_t iid; int ok; } worker_arg;

static void *hammer(void *p)
{
	worker_arg *a = p;
	uint8_t want_auth[16], want_enc[64], got[128];
	unhex(KAT_AUTH, want_auth);
	size_t enc_len = unhex(KAT_ENC, want_enc);
	a->ok = 1;
	for (int i = 0; i < 100 && a->ok; i++) {
		int enc = i % 2;
		if (pf_obj16_execute(a->o, a->iid, enc ? ENC_ARGS : AUTH_ARGS, strlen(AUTH_ARGS)) != PF_OBJ16_OK)
			a->ok = 0;
		size_t n = 0;
		pf_obj16_delivery tag = 0;
		if (pf_obj16_read_auth_data(a->o, a->iid, got, sizeof(got), &n, &tag) != PF_OBJ16_OK)
			a->ok = 0;
		else if (enc ? (n != enc_len || memcmp(got, want_enc, n) != 0) : (n != 16 || memcmp(got, want_auth, 16) != 0))
			a->ok = 0;
		if (i % 3 == 0)
			pf_obj16_delivered(a->o, a->iid, tag);
	}
	return NULL;
}

static void *observer(void *p)
{
	worker_arg *a = p;
	a->ok = 1;
	for (int i = 0; i < 300; i++) {
		pf_obj16_snapshot *s = NULL;
		if (pf_obj16_read_snapshot(a->o, a->iid, &s) != PF_OBJ16_OK) {
			a->ok = 0;
			break;
		}
		/* Consistency: data exactly when DATA_AVAIL. */
		if ((s->status == PF_OBJ16_DATA_AVAIL) != (s->auth_data != NULL) || s->status == PF_OBJ16_ERROR)
			a->ok = 0;
		pf_obj16_snapshot_free(s);
	}
	return NULL;
}

static void test_concurrent_instances(void **state)
{
	pf_obj16 *o = *state;
	worker_arg args[4] = {{o, 0, 0}, {o, 3, 0}, {o, 0, 0}, {o, 3, 0}};
	pthread_t t[4];
	pthread_create(&t[0], NULL, hammer, &args[0]);
	pthread_create(&t[1], NULL, hammer, &args[1]);
	pthread_create(&t[2], NULL, observer, &args[2]);
	pthread_create(&t[3], NULL, observer, &args[3]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++)
		assert_true(args[i].ok);
}

/* pf_obj16_execute_args: a stack that parsed the arguments itself (Anjay)
 * gets the same results as with the raw payload. */
static void test_parsed_arguments(void **state)
{
	pf_obj16 *o = *state;
	const pf_obj16_exec_arg auth[] = {{0, "0", 1}, {1, "3", 1}, {2, "0x2345178", 9}, {3, "0", 1}};
	assert_int_equal(pf_obj16_execute_args(o, 0, auth, 4), PF_OBJ16_OK);
	expect_data(o, 0, KAT_AUTH);
	/* Values need no NUL: value_len bounds them. */
	const pf_obj16_exec_arg enc[] = {{3, "1xx", 1}, {2, "0x2345178zz", 9}, {0, "1", 1}, {1, "2", 1}};
	assert_int_equal(pf_obj16_execute_args(o, 0, enc, 4), PF_OBJ16_OK);
	pf_obj16_delivery tag = expect_data(o, 0, KAT_ENC);

	/* Grammar class: 4.00 and ERROR, as with the raw payload. */
	const pf_obj16_exec_arg repeated[] = {{0, "0", 1}, {0, "1", 1}};
	const pf_obj16_exec_arg number10[] = {{10, "0", 1}};
	const pf_obj16_exec_arg negative[] = {{-1, "0", 1}};
	const pf_obj16_exec_arg blank[] = {{0, "0", 1}, {1, "3", 1}, {2, "a b", 3}, {3, "0", 1}};
	const pf_obj16_exec_arg quote[] = {{0, "0'", 2}};
	struct { const pf_obj16_exec_arg *a; size_t n; const char *why; } bad[] = {
		{repeated, 2, "argument 0 repeated"},
		{number10, 1, "argument number must be 0-9"},
		{negative, 1, "argument number must be 0-9"},
		{blank, 4, "character not allowed"},
		{quote, 1, "character not allowed"},
		{NULL, 1, "no argument list"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pf_obj16_execute_args(o, 0, enc, 4), PF_OBJ16_OK);
		tag = expect_data(o, 0, KAT_ENC);
		clear_events();
		assert_int_equal(pf_obj16_execute_args(o, 0, bad[i].a, bad[i].n), PF_OBJ16_BAD_REQUEST);
		assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
		expect_no_data(o, 0);
		assert_int_equal(pf_obj16_delivered(o, 0, tag), PF_OBJ16_OK); /* stale */
		assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
		assert_int_equal(count_events(0, PF_OBJ16_RID_STATUS), 1);
		expect_last_error(o, 0, bad[i].why);
	}
	/* The stack's own parser refused it (Anjay): the same outcome. */
	assert_int_equal(pf_obj16_execute_args(o, 0, enc, 4), PF_OBJ16_OK);
	expect_data(o, 0, KAT_ENC);
	assert_int_equal(pf_obj16_execute_malformed(o, 0), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_no_data(o, 0);
	assert_int_equal(pf_obj16_execute_malformed(o, 9), PF_OBJ16_NOT_FOUND);

	/* Meaning class: 4.00 and ERROR. */
	const pf_obj16_exec_arg no_value[] = {{0, NULL, 0}, {1, "3", 1}, {2, "0x2345178", 9}, {3, "0", 1}};
	assert_int_equal(pf_obj16_execute_args(o, 0, no_value, 4), PF_OBJ16_BAD_REQUEST);
	assert_int_equal(status_of(o, 0), PF_OBJ16_ERROR);
	expect_last_error(o, 0, "argument 0 has no value");
	assert_int_equal(pf_obj16_execute_args(o, 0, auth, 3), PF_OBJ16_BAD_REQUEST);
	expect_last_error(o, 0, "argument 3 missing");
	assert_int_equal(pf_obj16_execute_args(o, 0, NULL, 0), PF_OBJ16_BAD_REQUEST);
	expect_last_error(o, 0, "argument 0 missing");
	assert_int_equal(pf_obj16_execute_args(o, 9, auth, 4), PF_OBJ16_NOT_FOUND);
}

static void test_coap_codes(void **state)
{
	(void)state;
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_OK, PF_OBJ16_OP_EXECUTE), 0x44);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_OK, PF_OBJ16_OP_READ), 0x45);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_OK, PF_OBJ16_OP_DELETE), 0x42);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_BAD_REQUEST, PF_OBJ16_OP_EXECUTE), 0x80);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_NOT_FOUND, PF_OBJ16_OP_READ), 0x84);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_METHOD_NOT_ALLOWED, PF_OBJ16_OP_WRITE), 0x85);
	assert_int_equal(pf_obj16_coap_code(PF_OBJ16_INTERNAL_ERROR, PF_OBJ16_OP_READ), 0xA0);
	assert_string_equal(pf_obj16_result_name(PF_OBJ16_BAD_REQUEST), "4.00 Bad Request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discovery, setup, teardown),
		cmocka_unit_test(test_free_finalizes),
		cmocka_unit_test_setup_teardown(test_b2_authentication, setup, teardown),
		cmocka_unit_test_setup_teardown(test_b2_encryption, setup, teardown),
		cmocka_unit_test(test_mechanism_per_service),
		cmocka_unit_test_setup_teardown(test_processing_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprovisioned_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_argument_errors, setup, teardown),
		cmocka_unit_test(test_lenient_mode),
		cmocka_unit_test_setup_teardown(test_parsed_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_delivery, setup, teardown),
		cmocka_unit_test(test_superseded_result_discarded),
		cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_write_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_refusal_is_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_recovery, setup, teardown),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_app_args),
		cmocka_unit_test(test_async),
		cmocka_unit_test_setup_teardown(test_concurrent_instances, setup, teardown),
		cmocka_unit_test(test_coap_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
