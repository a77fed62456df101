/*
 * test_bindings.c - the three bindings (bindings/wakaama, anjay, zephyr),
 * compiled against our stand-in stack headers, driven through each stack's
 * own entry points (Wakaama's executeFunc/writeFunc, Anjay's handlers,
 * Zephyr's registered callbacks) over the adapter and fake_p11:
 *   - one table of Execute payloads, run through every binding: the same
 *     CoAP code, AuthStatus and AuthData under each (docs/lwm2m.md);
 *   - a Write-Replace that must fail changes nothing (Wakaama, Anjay);
 *   - Zephyr: delivery only follows a real send, replayed in the order of
 *     Zephyr 4.1's engine (lwm2m_engine.c, socket_loop).
 */
#include "config.h"

#include <errno.h>
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
#include "fake_stacks.h"

#include "../../bindings/anjay/obj16_anjay.h"
#include "../../bindings/wakaama/obj16_wakaama.h"
#include "../../bindings/zephyr/obj16_zephyr.h"

#define AUTH_ARGS "0='0',1='3',2='0x2345178',3='0'"
/* AES-CMAC_K_AUTH0(SHA-256("HostSwV-1.0") || 02345178), as in test_fake.c */
static const uint8_t KAT_AUTH[16] = {0x71, 0x1e, 0x23, 0x37, 0xe3, 0x24, 0xb9, 0x8e,
				     0x0e, 0xd5, 0xd3, 0x53, 0xe0, 0x41, 0x46, 0xdf};

static fake_token *tok0;

static void build_tokens(void)
{
	fake_reset();
	tok0 = fake_add_b2_token(0);
}

static pf_obj16 *new_adapter(void (*changed)(void *, uint16_t, uint16_t), void *ctx)
{
	pf_obj16_config c;
	memset(&c, 0, sizeof(c));
	c.user_pin = "1234";
	c.changed = changed;
	c.ctx = ctx;
	pf_obj16 *a = pf_obj16_new(fake_function_list(), &c);
	assert_non_null(a);
	return a;
}

/* ---- one Execute entry point per stack, answering a CoAP code ---------------- */

typedef struct stack {
	const char *name;
	pf_obj16 *adapter;
	uint8_t (*execute)(struct stack *st, const char *payload, size_t len);
	lwm2m_object_t *wakaama;
	pf_anjay_obj16 *anjay;
} stack;

static uint8_t wakaama_execute(stack *st, const char *payload, size_t len)
{
	return st->wakaama->executeFunc(NULL, 0, 1, (uint8_t *)(uintptr_t)payload, (int)len, st->wakaama);
}

static uint8_t anjay_execute(stack *st, const char *payload, size_t len)
{
	anjay_execute_ctx_t ctx;
	fake_anjay_execute_ctx(&ctx, payload, len);
	const anjay_dm_object_def_t *const *def = pf_anjay_obj16_def(st->anjay);
	int rc = (*def)->handlers.resource_execute(NULL, def, 0, 1, &ctx);
	return rc == 0 ? 0x44 : (uint8_t)-rc; /* Anjay answers -code */
}

/* Zephyr's engine (lwm2m_message_handling.c) turns the callback's errno
 * into the response code. */
static uint8_t zephyr_execute(stack *st, const char *payload, size_t len)
{
	(void)st;
	assert_true(fake_zephyr_state.n_exec > 0);
	int rc = fake_zephyr_state.exec[0](fake_zephyr_state.exec_iid[0], (uint8_t *)(uintptr_t)payload,
					   (uint16_t)len);
	return rc == 0 ? 0x44 : rc == -EINVAL ? 0x80 : rc == -ENOENT ? 0x84 : rc == -EPERM ? 0x85 : 0xA0;
}

static void open_stack(stack *st, const char *name)
{
	memset(st, 0, sizeof(*st));
	memset(&fake_zephyr_state, 0, sizeof(fake_zephyr_state));
	build_tokens();
	st->name = name;
	if (strcmp(name, "wakaama") == 0) {
		st->wakaama = pf_wakaama_object_new();
		st->adapter = new_adapter(pf_wakaama_changed, st->wakaama);
		assert_int_equal(pf_wakaama_set_adapter(st->wakaama, st->adapter), 0);
		st->execute = wakaama_execute;
	} else if (strcmp(name, "anjay") == 0) {
		st->anjay = pf_anjay_obj16_new(NULL);
		st->adapter = new_adapter(pf_anjay_obj16_changed, st->anjay);
		pf_anjay_obj16_set_adapter(st->anjay, st->adapter);
		st->execute = anjay_execute;
	} else {
		st->adapter = new_adapter(pf_zephyr_obj16_changed, NULL);
		assert_int_equal(pf_zephyr_obj16_attach(st->adapter), 0);
		st->execute = zephyr_execute;
	}
}

static void close_stack(stack *st)
{
	pf_obj16_free(st->adapter);
	pf_wakaama_object_free(st->wakaama);
	pf_anjay_obj16_free(st->anjay);
}

static const char *const stack_names[] = {"wakaama", "anjay", "zephyr"};

static pf_obj16_status status_of(pf_obj16 *a)
{
	pf_obj16_status s;
	assert_int_equal(pf_obj16_read_status(a, 0, &s), PF_OBJ16_OK);
	return s;
}

/* A GetAuthData answered 2.04 and left the known signature. */
static void expect_signed(stack *st, const char *payload)
{
	uint8_t buf[64];
	size_t n = 0;
	assert_int_equal(st->execute(st, payload, strlen(payload)), 0x44);
	assert_int_equal(status_of(st->adapter), PF_OBJ16_DATA_AVAIL);
	assert_int_equal(pf_obj16_read_auth_data(st->adapter, 0, buf, sizeof(buf), &n, NULL), PF_OBJ16_OK);
	assert_int_equal(n, sizeof(KAT_AUTH));
	assert_memory_equal(buf, KAT_AUTH, n);
}

/* The one behaviour of a refused GetAuthData, under every stack: 4.00,
 * AuthStatus ERROR, the AuthData of the request before it gone. */
static void expect_refused(stack *st, const char *payload, size_t len)
{
	expect_signed(st, AUTH_ARGS);
	uint8_t code = st->execute(st, payload, len);
	if (code != 0x80 || status_of(st->adapter) != PF_OBJ16_ERROR)
		fail_msg("%s: '%.60s' (%zu bytes): code %#x, AuthStatus %d; want 4.00 and ERROR", st->name, payload,
			 len, code, status_of(st->adapter));
	size_t n = 0;
	uint8_t buf[64];
	assert_int_equal(pf_obj16_read_auth_data(st->adapter, 0, buf, sizeof(buf), &n, NULL), PF_OBJ16_NOT_FOUND);
}

static void test_execute_table(void **state)
{
	(void)state;
	for (size_t s = 0; s < N_CASES(stack_names); s++) {
		stack st;
		open_stack(&st, stack_names[s]);
		expect_signed(&st, AUTH_ARGS);
		for (size_t i = 0; i < N_CASES(syntax_cases); i++)
			expect_refused(&st, syntax_cases[i].args, strlen(syntax_cases[i].args));
		for (size_t i = 0; i < N_CASES(semantic_cases); i++)
			expect_refused(&st, semantic_cases[i].args, strlen(semantic_cases[i].args));
		for (size_t i = 0; i < N_CASES(oversized_cases); i++) {
			char *p = oversized_payload(&oversized_cases[i]);
			expect_refused(&st, p, strlen(p));
			free(p);
		}
		/* An application argument at the adapter's limit is signed
		 * under every stack. */
		oversized_case at_limit = oversized_cases[N_CASES(oversized_cases) - 1];
		at_limit.count = PF_OBJ16_MAX_ARG_VALUE;
		char *p = oversized_payload(&at_limit);
		expect_signed(&st, p);
		free(p);
		close_stack(&st);
	}
}

/* ---- Write-Replace: all or nothing ----------------------------------------------- */

static void expect_identities_untouched(pf_obj16 *a)
{
	static const char *const want[] = {"HostUniqueID-42", "HostMan", "HostMod-X", "HostSwV-1.0"};
	for (uint16_t id = 0; id < 4; id++) {
		char buf[64];
		size_t n = 0;
		assert_int_equal(pf_obj16_read_identity(a, 0, id, buf, sizeof(buf), &n), PF_OBJ16_OK);
		assert_int_equal(n, strlen(want[id]));
		assert_memory_equal(buf, want[id], n);
	}
}

/* Issue 13 item 2: PUT /16/0/0 {1:"only-one"} under Wakaama. */
static void test_wakaama_replace_is_atomic(void **state)
{
	(void)state;
	stack st;
	open_stack(&st, "wakaama");
	lwm2m_data_t *res = lwm2m_data_new(1);
	lwm2m_data_t *kid = lwm2m_data_new(1);
	kid->id = 1;
	lwm2m_data_encode_nstring("only-one", 8, kid);
	res->id = 0;
	lwm2m_data_encode_instances(kid, 1, res);
	uint8_t code = st.wakaama->writeFunc(NULL, 0, 1, res, st.wakaama, LWM2M_WRITE_REPLACE_RESOURCES);
	assert_int_equal(code, COAP_405_METHOD_NOT_ALLOWED);
	expect_identities_untouched(st.adapter);
	/* A request with a bad part is refused before anything is written. */
	lwm2m_data_t *two = lwm2m_data_new(2);
	two[0].id = 0;
	lwm2m_data_t *kids = lwm2m_data_new(2);
	kids[0].id = 1;
	lwm2m_data_encode_nstring("changed", 7, &kids[0]);
	kids[1].id = 2;
	lwm2m_data_encode_int(5, &kids[1]);
	lwm2m_data_encode_instances(kids, 2, &two[0]);
	two[1].id = 3;
	lwm2m_data_encode_int(1, &two[1]);
	assert_int_equal(st.wakaama->writeFunc(NULL, 0, 2, two, st.wakaama, LWM2M_WRITE_PARTIAL_UPDATE),
			 COAP_400_BAD_REQUEST); /* the Integer child, found before resource 3 */
	lwm2m_data_encode_nstring("x", 1, &kids[1]);
	assert_int_equal(st.wakaama->writeFunc(NULL, 0, 2, two, st.wakaama, LWM2M_WRITE_PARTIAL_UPDATE),
			 COAP_405_METHOD_NOT_ALLOWED); /* resource 3 is not writable */
	expect_identities_untouched(st.adapter);
	free(kids[1].value.asBuffer.buffer);
	lwm2m_data_encode_int(5, &kids[1]);
	two[1].id = 0; /* now only resource 0, but one child is an Integer */
	lwm2m_data_encode_instances(NULL, 0, &two[1]);
	assert_int_equal(st.wakaama->writeFunc(NULL, 0, 1, two, st.wakaama, LWM2M_WRITE_PARTIAL_UPDATE),
			 COAP_400_BAD_REQUEST);
	expect_identities_untouched(st.adapter);
	/* A partial update of one instance still works. */
	assert_int_equal(st.wakaama->writeFunc(NULL, 0, 1, res, st.wakaama, LWM2M_WRITE_PARTIAL_UPDATE),
			 COAP_204_CHANGED);
	char buf[16];
	size_t n = 0;
	assert_int_equal(pf_obj16_read_identity(st.adapter, 0, 1, buf, sizeof(buf), &n), PF_OBJ16_OK);
	assert_memory_equal(buf, "only-one", 8);
	lwm2m_data_free(1, res);
	lwm2m_data_free(2, two);
	close_stack(&st);
}

/* Wakaama: a READ arms the delivery; only a 2.05 datagram that carries the
 * value (raw or base64url) confirms it. */
static void test_wakaama_delivery(void **state)
{
	(void)state;
	stack st;
	open_stack(&st, "wakaama");
	expect_signed(&st, AUTH_ARGS);
	int n = 1;
	lwm2m_data_t *d = lwm2m_data_new(1);
	d->id = PF_OBJ16_RID_AUTH_DATA;
	assert_int_equal(st.wakaama->readFunc(NULL, 0, &n, &d, st.wakaama), COAP_205_CONTENT);
	lwm2m_data_free(n, d);
	uint8_t dgram[64] = {0x64, COAP_204_CHANGED, 0, 1, 0xFF};
	memcpy(dgram + 5, KAT_AUTH, sizeof(KAT_AUTH));
	pf_wakaama_message_sent(st.wakaama, dgram, 5 + sizeof(KAT_AUTH)); /* not a 2.05 */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	dgram[1] = COAP_205_CONTENT;
	pf_wakaama_message_sent(st.wakaama, dgram, 5 + 8); /* half of it */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	/* SenML-JSON carries base64url without padding. */
	static const char b64url[] = "cR4jN-MkuY4O1dNT4EFG3w";
	memcpy(dgram + 5, b64url, sizeof(b64url) - 1);
	pf_wakaama_message_sent(st.wakaama, dgram, 5 + sizeof(b64url) - 1);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_IDLE);
	close_stack(&st);
}

/* The same request under Anjay: reset, write, validate refuses, rollback. */
static void test_anjay_replace_is_atomic(void **state)
{
	(void)state;
	stack st;
	open_stack(&st, "anjay");
	const anjay_dm_object_def_t *const *def = pf_anjay_obj16_def(st.anjay);
	const anjay_dm_handlers_t *h = &(*def)->handlers;
	anjay_input_ctx_t in = {"only-one", 0};
	assert_int_equal(h->transaction_begin(NULL, def), 0);
	assert_int_equal(h->resource_reset(NULL, def, 0, 0), 0);
	assert_int_equal(h->resource_write(NULL, def, 0, 0, 1, &in), 0);
	expect_identities_untouched(st.adapter); /* nothing before the commit */
	assert_int_equal(h->transaction_validate(NULL, def), ANJAY_ERR_METHOD_NOT_ALLOWED);
	assert_int_equal(h->transaction_rollback(NULL, def), 0);
	expect_identities_untouched(st.adapter);

	/* A valid replace commits in one step, values read in chunks included. */
	static char longv[251];
	memset(longv, 'L', sizeof(longv) - 1);
	const char *values[] = {"HostUniqueID-42", "HostMan-2", "HostMod-X", "HostSwV-1.0", longv};
	assert_int_equal(h->transaction_begin(NULL, def), 0);
	assert_int_equal(h->resource_reset(NULL, def, 0, 0), 0);
	for (uint16_t id = 0; id < 5; id++) {
		anjay_input_ctx_t v = {values[id], 0};
		assert_int_equal(h->resource_write(NULL, def, 0, 0, id == 4 ? 9 : id, &v), 0);
	}
	assert_int_equal(h->transaction_validate(NULL, def), 0);
	assert_int_equal(h->transaction_commit(NULL, def), 0);
	anjay_output_ctx_t out;
	memset(&out, 0, sizeof(out));
	assert_int_equal(h->resource_read(NULL, def, 0, 0, 9, &out), 0);
	assert_int_equal(out.len, strlen(longv));
	assert_int_equal(h->resource_read(NULL, def, 0, 0, 1, &out), 0);
	assert_memory_equal(out.data, "HostMan-2", 9);

	/* LwM2M 1.2 Delete of a resource instance: the added one goes, a
	 * provisioned one stays. */
	assert_int_equal(h->resource_instance_remove(NULL, def, 0, 0, 9), 0);
	assert_int_equal(h->resource_read(NULL, def, 0, 0, 9, &out), ANJAY_ERR_NOT_FOUND);
	assert_int_equal(h->resource_instance_remove(NULL, def, 0, 0, 1), ANJAY_ERR_METHOD_NOT_ALLOWED);
	assert_int_equal(h->resource_instance_remove(NULL, def, 0, 2, 0), ANJAY_ERR_METHOD_NOT_ALLOWED);

	/* AuthData is read, then confirmed by the scheduled job. */
	assert_int_equal(anjay_execute(&st, AUTH_ARGS, strlen(AUTH_ARGS)), 0x44);
	assert_int_equal(h->resource_read(NULL, def, 0, 2, 0, &out), 0);
	assert_memory_equal(out.data, KAT_AUTH, sizeof(KAT_AUTH));
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	assert_int_equal(fake_anjay_sched_run(), 1);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_IDLE);
	close_stack(&st);
}

/* ---- Zephyr: a fake engine in Zephyr 4.1's call order ----------------------------- */

/* The engine's socket loop runs on its own thread (k_current_get differs
 * from the test's, which plays the application and the shell). */
/* One engine thread for the whole test, fed steps one at a time, so the
 * binding sees one engine thread as in Zephyr. */
static pthread_t engine;
static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t engine_cv = PTHREAD_COND_INITIALIZER;
static void (*engine_job)(void);
static int engine_stop;

static void *engine_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&engine_mu);
	for (;;) {
		while (engine_job == NULL && !engine_stop)
			pthread_cond_wait(&engine_cv, &engine_mu);
		if (engine_job == NULL)
			break;
		void (*job)(void) = engine_job;
		pthread_mutex_unlock(&engine_mu);
		job();
		pthread_mutex_lock(&engine_mu);
		engine_job = NULL;
		pthread_cond_broadcast(&engine_cv);
	}
	pthread_mutex_unlock(&engine_mu);
	return NULL;
}

static void on_engine(void (*job)(void))
{
	pthread_mutex_lock(&engine_mu);
	engine_job = job;
	pthread_cond_broadcast(&engine_cv);
	while (engine_job != NULL)
		pthread_cond_wait(&engine_cv, &engine_mu);
	pthread_mutex_unlock(&engine_mu);
}

static void *read_auth_data(void)
{
	size_t len = 0;
	return fake_zephyr_state.read_cb(0, PF_OBJ16_RID_AUTH_DATA, 0, &len);
}

/* socket_send_message: hint_socket_state(ctx, msg) just before zsock_send. */
static void send_registration_update(void) { pf_zephyr_obj16_socket_state(3, LWM2M_SOCKET_STATE_ONE_RESPONSE); }
static void send_response(void) { pf_zephyr_obj16_socket_state(3, LWM2M_SOCKET_STATE_LAST); }
/* socket_loop after a batch of received packets with nothing queued
 * (an ACK, a CoAP ping): hint_socket_state(ctx, NULL) -> NO_DATA. */
static void receive_ack(void) { pf_zephyr_obj16_socket_state(3, LWM2M_SOCKET_STATE_NO_DATA); }
/* A READ of /16/0/2 arrives: handle_request reads through the callback
 * and queues the response; the hint after the batch sees the queue not
 * empty and says nothing; the next turn sends it. */
static void receive_read_request(void) { (void)read_auth_data(); }
/* check_notifications -> generate_notify_message reads, queues a CON. */
static void build_notification(void) { (void)read_auth_data(); }
static void send_notification(void) { pf_zephyr_obj16_socket_state(3, LWM2M_SOCKET_STATE_ONE_RESPONSE); }
static void execute_get_auth_data(void)
{
	assert_int_equal(fake_zephyr_state.exec[0](0, (uint8_t *)AUTH_ARGS, sizeof(AUTH_ARGS) - 1), 0);
}

static void test_zephyr_delivery_follows_a_send(void **state)
{
	(void)state;
	stack st;
	open_stack(&st, "zephyr");
	engine_stop = 0;
	assert_int_equal(pthread_create(&engine, NULL, engine_loop, NULL), 0);

	on_engine(send_registration_update); /* registration: the engine thread is known */
	on_engine(execute_get_auth_data);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);

	/* lwm2m_get_opaque / the shell: read on another thread, never sent. */
	assert_non_null(read_auth_data());
	on_engine(receive_ack);               /* NO_DATA */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	on_engine(send_registration_update);  /* a send, but not of AuthData */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	pf_zephyr_obj16_socket_state(3, LWM2M_SOCKET_STATE_LAST); /* not the engine thread */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);

	/* A READ of /16/0/2: read while building, then NO_DATA never comes
	 * (the queue is not empty), then the send. */
	on_engine(receive_read_request);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	on_engine(send_response);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_IDLE);

	/* Observation: Execute, flush, the notification is built then sent. */
	on_engine(execute_get_auth_data);
	pf_zephyr_obj16_flush();
	assert_true(fake_zephyr_state.set_u8_calls > 0);
	on_engine(build_notification);
	on_engine(receive_ack); /* (not possible with a queued message; still no delivery) */
	assert_int_equal(status_of(st.adapter), PF_OBJ16_DATA_AVAIL);
	on_engine(send_notification);
	assert_int_equal(status_of(st.adapter), PF_OBJ16_IDLE);

	pthread_mutex_lock(&engine_mu);
	engine_stop = 1;
	pthread_cond_broadcast(&engine_cv);
	pthread_mutex_unlock(&engine_mu);
	pthread_join(engine, NULL);
	close_stack(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_execute_table),
		cmocka_unit_test(test_wakaama_replace_is_atomic),
		cmocka_unit_test(test_wakaama_delivery),
		cmocka_unit_test(test_anjay_replace_is_atomic),
		cmocka_unit_test(test_zephyr_delivery_follows_a_send),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
