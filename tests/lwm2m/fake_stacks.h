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

/* Zephyr: what the binding registered. */
typedef struct fake_zephyr {
	lwm2m_engine_execute_cb_t exec[4];
	uint16_t exec_iid[4];
	size_t n_exec;
	lwm2m_engine_get_data_cb_t read_cb;
	lwm2m_engine_set_data_cb_t post_write_cb;
	int set_u8_calls;
} fake_zephyr;
extern fake_zephyr fake_zephyr_state;

#endif
