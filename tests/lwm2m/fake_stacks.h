/*
 * fake_stacks.h - the stack side of tests/lwm2m/test_lwm2m_bindings: the
 * functions that the stand-in headers (tests/lwm2m/standin, and
 * bindings/zephyr/compile-check) declare, implemented just far enough to
 * drive each binding through its stack's real entry points, plus the
 * knobs the test reads. Not a model of any stack beyond what is written
 * here; Zephyr's call order is replayed by the test itself.
 */
#ifndef FAKE_STACKS_H
#define FAKE_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include <anjay/anjay.h>
#include <zephyr/net/lwm2m.h>

/* Anjay: contexts the test fills and hands to the binding's handlers. */
struct anjay_execute_ctx_struct {
	const char *in;
	size_t len, pos;
	int state; /* fake_stacks.c: between arguments, in a value, done, broken */
	int first;
};
struct anjay_input_ctx_struct {
	const char *value;
	size_t pos;
};
struct anjay_output_ctx_struct {
	uint8_t data[2048];
	size_t len;
	int64_t i64;
};
void fake_anjay_execute_ctx(anjay_execute_ctx_t *ctx, const char *payload, size_t len);
/* Runs the jobs AVS_SCHED_NOW queued; returns how many ran. */
int fake_anjay_sched_run(void);

/* Wakaama: lwm2m_resource_value_changed calls seen. */
extern int fake_wakaama_changed_calls;

/* Zephyr: what the binding registered, the client context it was given,
 * the engine's identity buffers (/16/0/0/0..3) and its send queue. */
typedef struct fake_zephyr_msg {
	sys_snode_t node; /* first, as in struct lwm2m_message's list use */
	int con;          /* COAP_TYPE_CON: a notification, a request */
} fake_zephyr_msg;
typedef struct fake_zephyr {
	lwm2m_engine_execute_cb_t exec[4];
	uint16_t exec_iid[4];
	size_t n_exec;
	lwm2m_engine_get_data_cb_t read_cb;
	lwm2m_engine_set_data_cb_t post_write_cb;
	int set_u8_calls;
	struct lwm2m_ctx ctx;
	char identity[8][41]; /* Zephyr's 40-byte identity buffers, NUL included */
	int present[8];       /* the engine has that resource instance */
	fake_zephyr_msg msgs[8];
	size_t n_msgs;
	lwm2m_send_cb_t send_reply; /* the reply callback of the last Send */
} fake_zephyr;
extern fake_zephyr fake_zephyr_state;
/* lwm2m_send_cb (lwm2m_message_handling.c) builds the Send on the
 * caller's thread (do_send_op reads each path through its read callback),
 * queues it (a CON) and keeps reply_cb, which the engine thread calls with
 * the server's answer (do_send_reply_cb) or on timeout. */
/* lwm2m_send_message_async: appends a new message to ctx.pending_sends. */
void fake_zephyr_queue(int con);
/* socket_send_message: takes the head of pending_sends, calls
 * hint_socket_state(ctx, msg) as Zephyr 4.1 does (ONGOING while more is
 * queued, else ONE_RESPONSE for a CON, LAST otherwise). 0 if none queued. */
int fake_zephyr_send(void);
/* lwm2m_write_handler for one string resource instance of /16/iid/0 (the
 * writer first creates the instance if absent): the value goes into the
 * engine's buffer, then post_write is called. */
int fake_zephyr_write_instance(uint16_t iid, uint16_t riid, const char *value);

#endif
