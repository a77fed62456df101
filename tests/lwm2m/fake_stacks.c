/*
 * fake_stacks.c - see fake_stacks.h. The Anjay Execute parser here follows
 * Anjay 3's documented behaviour (src/core/io/anjay_execute.c): arguments
 * are parsed lazily, anjay_execute_get_next_arg skips what is left of the
 * current value, and anjay_execute_get_arg_value NUL-terminates each chunk
 * and answers ANJAY_BUFFER_TOO_SHORT while more of the value remains.
 */
#include "config.h"

#include "fake_stacks.h"

#include <liblwm2m.h>
#include <stdlib.h>
#include <string.h>
#include <zephyr/kernel.h>

/* ---- Wakaama ---- */

int fake_wakaama_changed_calls;

void *lwm2m_malloc(size_t s) { return malloc(s); }
void lwm2m_free(void *p) { free(p); }

lwm2m_list_t *lwm2m_list_add(lwm2m_list_t *head, lwm2m_list_t *node)
{
	/* Sorted by id, as Wakaama keeps its lists. */
	if (head == NULL || head->id > node->id) {
		node->next = head;
		return node;
	}
	lwm2m_list_t *t = head;
	while (t->next != NULL && t->next->id < node->id)
		t = t->next;
	node->next = t->next;
	t->next = node;
	return head;
}

void lwm2m_list_free(lwm2m_list_t *head)
{
	while (head != NULL) {
		lwm2m_list_t *next = head->next;
		free(head);
		head = next;
	}
}

lwm2m_data_t *lwm2m_data_new(int size)
{
	return size > 0 ? calloc((size_t)size, sizeof(lwm2m_data_t)) : NULL;
}

void lwm2m_data_free(int size, lwm2m_data_t *d)
{
	for (int i = 0; d != NULL && i < size; i++) {
		if (d[i].type == LWM2M_TYPE_MULTIPLE_RESOURCE || d[i].type == LWM2M_TYPE_OBJECT_INSTANCE)
			lwm2m_data_free((int)d[i].value.asChildren.count, d[i].value.asChildren.array);
		else if (d[i].type == LWM2M_TYPE_STRING || d[i].type == LWM2M_TYPE_OPAQUE)
			free(d[i].value.asBuffer.buffer);
	}
	free(d);
}

static void encode_buffer(const void *p, size_t n, lwm2m_data_type_t type, lwm2m_data_t *d)
{
	d->type = type;
	d->value.asBuffer.buffer = malloc(n ? n : 1);
	if (d->value.asBuffer.buffer == NULL)
		abort();
	memcpy(d->value.asBuffer.buffer, p, n);
	d->value.asBuffer.length = n;
}

void lwm2m_data_encode_nstring(const char *s, size_t n, lwm2m_data_t *d) { encode_buffer(s, n, LWM2M_TYPE_STRING, d); }
void lwm2m_data_encode_opaque(const uint8_t *b, size_t n, lwm2m_data_t *d) { encode_buffer(b, n, LWM2M_TYPE_OPAQUE, d); }

void lwm2m_data_encode_int(int64_t v, lwm2m_data_t *d)
{
	d->type = LWM2M_TYPE_INTEGER;
	d->value.asInteger = v;
}

void lwm2m_data_encode_instances(lwm2m_data_t *sub, size_t count, lwm2m_data_t *d)
{
	d->type = LWM2M_TYPE_MULTIPLE_RESOURCE;
	d->value.asChildren.array = sub;
	d->value.asChildren.count = count;
}

void lwm2m_resource_value_changed(lwm2m_context_t *c, lwm2m_uri_t *uri)
{
	(void)c;
	(void)uri;
	fake_wakaama_changed_calls++;
}

/* ---- Anjay ---- */

enum { X_BETWEEN, X_VALUE, X_DONE, X_BROKEN };

void fake_anjay_execute_ctx(anjay_execute_ctx_t *ctx, const char *payload, size_t len)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->in = payload;
	ctx->len = len;
	ctx->first = 1;
	ctx->state = len == 0 ? X_DONE : X_BETWEEN;
}

static int peek(const anjay_execute_ctx_t *c) { return c->pos < c->len ? (unsigned char)c->in[c->pos] : -1; }

int anjay_execute_get_arg_value(anjay_execute_ctx_t *c, size_t *out_bytes_read, char *out, size_t cap)
{
	size_t n = 0;
	if (cap < 2 || out == NULL)
		return -1;
	while (c->state == X_VALUE && n < cap - 1) {
		int ch = peek(c);
		if (ch < 0) {
			c->state = X_BROKEN; /* unterminated quote */
			out[n] = '\0';
			return ANJAY_ERR_BAD_REQUEST;
		}
		c->pos++;
		if (ch == '\'') {
			c->state = X_BETWEEN;
			break;
		}
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	if (out_bytes_read != NULL)
		*out_bytes_read = n;
	if (c->state != X_VALUE)
		return 0; /* the closing quote was reached */
	if (peek(c) == '\'') {
		c->pos++; /* the buffer is full exactly at the end of the value */
		c->state = X_BETWEEN;
		return 0;
	}
	return ANJAY_BUFFER_TOO_SHORT;
}

int anjay_execute_get_next_arg(anjay_execute_ctx_t *c, int *out_arg, bool *out_has_value)
{
	char skip[16];
	while (c->state == X_VALUE)
		if (anjay_execute_get_arg_value(c, NULL, skip, sizeof(skip)) < 0)
			return ANJAY_ERR_BAD_REQUEST;
	*out_arg = -1;
	*out_has_value = false;
	if (c->state == X_BROKEN)
		return ANJAY_ERR_BAD_REQUEST;
	if (c->pos == c->len) {
		c->state = X_DONE;
		return ANJAY_EXECUTE_GET_ARG_END;
	}
	if (!c->first && peek(c) != ',')
		goto broken;
	if (!c->first)
		c->pos++;
	c->first = 0;
	int d = peek(c);
	if (d < '0' || d > '9')
		goto broken;
	c->pos++;
	*out_arg = d - '0';
	if (peek(c) == '=') {
		c->pos++;
		if (peek(c) != '\'')
			goto broken;
		c->pos++;
		c->state = X_VALUE;
		*out_has_value = true;
	} else if (peek(c) != ',' && peek(c) != -1) {
		goto broken;
	}
	return 0;
broken:
	c->state = X_BROKEN;
	return ANJAY_ERR_BAD_REQUEST;
}

int anjay_get_string(anjay_input_ctx_t *ctx, char *out, size_t cap)
{
	size_t left = strlen(ctx->value + ctx->pos);
	size_t n = left < cap - 1 ? left : cap - 1;
	memcpy(out, ctx->value + ctx->pos, n);
	out[n] = '\0';
	ctx->pos += n;
	return n < left ? ANJAY_BUFFER_TOO_SHORT : 0;
}

int anjay_ret_bytes(anjay_output_ctx_t *ctx, const void *data, size_t length)
{
	if (length > sizeof(ctx->data))
		return -1;
	memcpy(ctx->data, data, length);
	ctx->len = length;
	return 0;
}

int anjay_ret_string(anjay_output_ctx_t *ctx, const char *value) { return anjay_ret_bytes(ctx, value, strlen(value)); }

int anjay_ret_i64(anjay_output_ctx_t *ctx, int64_t value)
{
	ctx->i64 = value;
	return 0;
}

int anjay_dm_transaction_NOOP(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr)
{
	(void)anjay;
	(void)obj_ptr;
	return 0;
}

void anjay_dm_emit(anjay_dm_list_ctx_t *ctx, uint16_t id) { (void)ctx; (void)id; }

void anjay_dm_emit_res(anjay_dm_resource_list_ctx_t *ctx, anjay_rid_t rid, anjay_dm_resource_kind_t kind,
		       anjay_dm_resource_presence_t presence)
{
	(void)ctx; (void)rid; (void)kind; (void)presence;
}

int anjay_notify_changed(anjay_t *anjay, anjay_oid_t oid, anjay_iid_t iid, anjay_rid_t rid)
{
	(void)anjay; (void)oid; (void)iid; (void)rid;
	return 0;
}

int anjay_notify_instances_changed(anjay_t *anjay, anjay_oid_t oid)
{
	(void)anjay; (void)oid;
	return 0;
}

static char sched_token;
avs_sched_t *anjay_get_scheduler(anjay_t *anjay)
{
	(void)anjay;
	return (avs_sched_t *)&sched_token;
}

#define MAX_JOBS 16
static struct { avs_sched_clb_t *clb; unsigned char data[64]; } jobs[MAX_JOBS];
static int n_jobs;

int standin_sched_now(avs_sched_t *sched, void *out_handle, avs_sched_clb_t *clb, const void *data, size_t size)
{
	(void)sched;
	(void)out_handle;
	if (n_jobs == MAX_JOBS || size > sizeof(jobs[0].data))
		return -1;
	jobs[n_jobs].clb = clb;
	memcpy(jobs[n_jobs].data, data, size);
	n_jobs++;
	return 0;
}

int fake_anjay_sched_run(void)
{
	int ran = n_jobs;
	for (int i = 0; i < ran; i++)
		jobs[i].clb((avs_sched_t *)&sched_token, jobs[i].data);
	n_jobs = 0;
	return ran;
}

/* ---- Zephyr ---- */

fake_zephyr fake_zephyr_state;

k_tid_t k_current_get(void)
{
	static _Thread_local char me; /* one address per thread */
	return (k_tid_t)(void *)&me;
}

int lwm2m_create_object_inst(const struct lwm2m_obj_path *path) { (void)path; return 0; }
int lwm2m_create_res_inst(const struct lwm2m_obj_path *path) { (void)path; return 0; }

int lwm2m_set_res_buf(const struct lwm2m_obj_path *path, void *buffer_ptr, uint16_t buffer_len, uint16_t data_len,
		      uint8_t data_flags)
{
	(void)path; (void)buffer_ptr; (void)buffer_len; (void)data_len; (void)data_flags;
	return 0;
}

int lwm2m_set_u8(const struct lwm2m_obj_path *path, uint8_t value)
{
	(void)path;
	(void)value;
	fake_zephyr_state.set_u8_calls++;
	return 0;
}

int lwm2m_set_string(const struct lwm2m_obj_path *path, const char *data_ptr) { (void)path; (void)data_ptr; return 0; }

int lwm2m_register_read_callback(const struct lwm2m_obj_path *path, lwm2m_engine_get_data_cb_t cb)
{
	(void)path;
	fake_zephyr_state.read_cb = cb;
	return 0;
}

int lwm2m_register_post_write_callback(const struct lwm2m_obj_path *path, lwm2m_engine_set_data_cb_t cb)
{
	(void)path;
	fake_zephyr_state.post_write_cb = cb;
	return 0;
}

int lwm2m_register_exec_callback(const struct lwm2m_obj_path *path, lwm2m_engine_execute_cb_t cb)
{
	fake_zephyr *z = &fake_zephyr_state;
	if (z->n_exec == 4)
		return -12; /* -ENOMEM */
	z->exec[z->n_exec] = cb;
	z->exec_iid[z->n_exec] = path->obj_inst_id;
	z->n_exec++;
	return 0;
}
