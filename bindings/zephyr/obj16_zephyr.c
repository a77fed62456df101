/*
 * obj16_zephyr.c - Zephyr's built-in Object 16 backed by libportfolio-lwm2m.
 *
 * Execute /16/x/1 -> pf_obj16_execute (Zephyr passes the raw payload).
 * Read /16/x/0/y, /16/x/2, /16/x/3 -> read callbacks that answer from the
 *   adapter, so the engine's own buffers never hold a stale AuthData, nor
 *   an Identity of a Write that was refused or is not yet applied.
 * Write /16/x/0/y -> post-write callback, staged: see "Writes" below.
 * Notifications: the adapter's changed hook records; pf_zephyr_obj16_flush
 *   steps the engine's AuthStatus buffer with lwm2m_set_u8, which makes the
 *   engine notify observers of /16/x/3 (and of /16/x); the value they get
 *   is read through the read callback, i.e. the adapter's.
 * Delivery (Zephyr 4.1's engine, lwm2m_engine.c): the engine thread builds
 *   a READ response or a notification (calling the read callback) and then
 *   appends it to ctx->pending_sends; socket_send_message takes the head of
 *   that FIFO, calls set_socket_state with ONGOING, ONE_RESPONSE or LAST,
 *   then zsock_send: one sending hint per message, in queue order. NO_DATA
 *   means nothing is queued (after a batch of received packets, or when
 *   the socket is suspended): it never confirms. So a read of /16/x/2 on
 *   the engine thread arms the tag together with the number of messages
 *   already queued ahead of the one being built; each sending hint counts
 *   one down, and the hint that finds none left ahead is the send of the
 *   message carrying AuthData. Reads from any other thread
 *   (lwm2m_get_opaque, the shell) are never sent by the engine and do not
 *   arm. The engine thread is learned from the first sending hint (only
 *   the engine's socket loop sends).
 * Writes (lwm2m_message_handling.c): for each resource instance of a Write
 *   the engine calls lwm2m_write_handler, which copies the value into its
 *   buffer and calls post_write; the first error stops the request (4.xx)
 *   with the instances before it already written, and no callback marks
 *   the end of a request. ctx->processed_req names the request being
 *   handled. So each instance is only staged, and the whole staged set is
 *   checked by the adapter (PF_OBJ16_WRITE_CHECK_ONLY) before the callback
 *   accepts it; the set is applied in one pf_obj16_write_identities once
 *   the request is over (processed_req has moved on), which is before the
 *   engine sends its response. A refused request applies nothing, and the
 *   engine's identity buffers are then rewritten from the token.
 *
 * Errors, as Zephyr's engine turns callback errnos into CoAP codes:
 * -EEXIST 4.00, -ENOENT 4.04, -EPERM 4.05, -EFBIG 4.13, others (-EINVAL
 * among them) 5.00: handle_request's error path in lwm2m_message_handling.c
 * maps no other errno to 4.00.
 */
#include "obj16_zephyr.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <zephyr/kernel.h>

#define MAX_INST 2 /* Zephyr's MAX_INSTANCE_COUNT for Object 16 */
/* AuthData of a 1024-byte identity and a 64-byte challenge under
 * AES-CBC or GCM, with IV, padding and tag. */
#define MAX_AUTH_DATA 1152
#define MAX_IDENTITY 64
/* Reads come through the read callback, not the engine's 40-byte buffer:
 * up to the adapter's default max_identity_len. */
#define MAX_IDENTITY_READ 1024
/* Identity instances one Write may carry (Zephyr's object has fewer). */
#define MAX_STAGED 8

typedef struct slot {
	int used;
	uint16_t iid;
	uint8_t status_engine; /* the engine's buffer for /16/x/3 (set_u8) */
	uint8_t status_read;   /* what the read callback returns */
	uint8_t data[MAX_AUTH_DATA];
	char identity[MAX_IDENTITY_READ + 1]; /* one /16/x/0/y being read */
	pf_obj16_delivery armed; /* read for a message being built */
	size_t sends_ahead;      /* messages queued before that one */
} slot;

/* The Identity instances of the Write being handled, not yet applied. */
typedef struct staged_write {
	const void *request; /* ctx->processed_req; NULL: nothing staged */
	uint16_t iid;
	int refused;         /* a part was refused: apply nothing */
	size_t count;
	pf_obj16_identity_write values[MAX_STAGED];
	char text[MAX_STAGED][MAX_IDENTITY];
} staged_write;

static pf_obj16 *adapter;
static struct lwm2m_ctx *client;

/* One LwM2M Send of AuthData in flight (lwm2m_send_cb_t has no context
 * argument, so two could not be told apart): the thread building it
 * inside lwm2m_send_cb, the slot, the tag read for it. */
static atomic_int send_busy;
static _Atomic(k_tid_t) send_builder;
static slot *send_slot;
/* Written by the builder, published by send_tag_set (a 64-bit atomic may
 * need libatomic on a 32-bit target). */
static pf_obj16_delivery send_tag;
static atomic_int send_tag_set;
static staged_write stage;
/* The thread running load_identities: its own lwm2m_set_string calls come
 * back through post-write and are not Writes. Another thread's are. */
static _Atomic(k_tid_t) reloader;
static slot slots[MAX_INST];
/* The engine's socket loop thread, learned from its first sending hint. */
static k_tid_t engine_thread;
static atomic_int engine_known;

static int on_engine_thread(void)
{
	return atomic_load(&engine_known) && k_current_get() == engine_thread;
}
/* Bit i: slot i's AuthStatus/AuthData changed (set from any thread). */
static atomic_uint pending;

static struct lwm2m_obj_path path(uint16_t iid, uint16_t rid, uint16_t riid, uint8_t level)
{
	struct lwm2m_obj_path p;
	memset(&p, 0, sizeof(p));
	p.obj_id = LWM2M_OBJECT_PORTFOLIO_ID;
	p.obj_inst_id = iid;
	p.res_id = rid;
	p.res_inst_id = riid;
	p.level = level;
	return p;
}

static slot *find(uint16_t iid)
{
	for (int i = 0; i < MAX_INST; i++)
		if (slots[i].used && slots[i].iid == iid)
			return &slots[i];
	return NULL;
}

static int to_errno(pf_obj16_result r)
{
	switch (r) {
	case PF_OBJ16_OK: return 0;
	case PF_OBJ16_BAD_REQUEST: return -EEXIST; /* the engine's 4.00 */
	case PF_OBJ16_NOT_FOUND: return -ENOENT;
	case PF_OBJ16_METHOD_NOT_ALLOWED: return -EPERM;
	default: return -EIO;
	}
}

static void commit_stage(void);

static int get_auth_data(uint16_t iid, uint8_t *args, uint16_t args_len)
{
	/* A Write of identities before this Execute in the same batch is
	 * over: the Execute must see it, as the server sent them in order. */
	if (on_engine_thread())
		commit_stage();
	return to_errno(pf_obj16_execute(adapter, iid, (const char *)args, args == NULL ? 0 : args_len));
}

/* Messages the engine will send before the one it is building now: it
 * appends that one to pending_sends only after the read callbacks ran. In
 * queue mode, buffered messages are counted too; if they end up behind,
 * the count errs late, never early. */
static size_t sends_queued(void)
{
	size_t n = 0;
	for (sys_snode_t *p = sys_slist_peek_head(&client->pending_sends); p != NULL; p = sys_slist_peek_next(p))
		n++;
#if defined(CONFIG_LWM2M_QUEUE_MODE_ENABLED)
	for (sys_snode_t *p = sys_slist_peek_head(&client->queued_messages); p != NULL; p = sys_slist_peek_next(p))
		n++;
#endif
	return n;
}

static void *read_value(uint16_t iid, uint16_t rid, uint16_t riid, size_t *len)
{
	slot *s = find(iid);
	*len = 0;
	if (s == NULL)
		return NULL;
	/* A request after a staged Write: that Write is over. */
	if (on_engine_thread())
		commit_stage();
	if (rid == PF_OBJ16_RID_IDENTITY) {
		size_t n = 0;
		if (pf_obj16_read_identity(adapter, iid, riid, s->identity, MAX_IDENTITY_READ, &n) != PF_OBJ16_OK)
			return NULL;
		s->identity[n] = '\0';
		*len = n + 1; /* a string resource's length counts its NUL */
		return s->identity;
	}
	if (rid == PF_OBJ16_RID_STATUS) {
		pf_obj16_status st = PF_OBJ16_ERROR;
		(void)pf_obj16_read_status(adapter, iid, &st);
		s->status_read = (uint8_t)st;
		*len = 1;
		return &s->status_read;
	}
	if (rid == PF_OBJ16_RID_AUTH_DATA && riid == 0) {
		size_t n = 0;
		pf_obj16_delivery tag = 0;
		if (pf_obj16_read_auth_data(adapter, iid, s->data, sizeof(s->data), &n, &tag) == PF_OBJ16_OK) {
			/* Only the engine thread reads for a message it will send,
			 * besides pf_zephyr_obj16_send's own Send. */
			if (atomic_load(&send_builder) == k_current_get()) {
				if (s == send_slot) {
					send_tag = tag;
					atomic_store(&send_tag_set, 1);
				}
			} else if (on_engine_thread()) {
				s->armed = tag;
				s->sends_ahead = sends_queued();
			}
			*len = n;
		}
		/* Empty while AuthStatus is not DATA_AVAIL. */
		return s->data;
	}
	return NULL;
}

/* Zephyr's identity buffers: filled from the token (at attach, and after a
 * refused Write, whose first instances the engine had already copied). */
static void load_identities(uint16_t iid)
{
	pf_obj16_snapshot *snap = NULL;
	if (pf_obj16_read_snapshot(adapter, iid, &snap) != PF_OBJ16_OK)
		return;
	atomic_store(&reloader, k_current_get());
	for (size_t i = 0; i < snap->identity_count; i++) {
		struct lwm2m_obj_path p = path(iid, PF_OBJ16_RID_IDENTITY, snap->identities[i].riid, 4);
		(void)lwm2m_create_res_inst(&p);
		(void)lwm2m_set_string(&p, snap->identities[i].value);
	}
	atomic_store(&reloader, (k_tid_t)NULL);
	pf_obj16_snapshot_free(snap);
}

/* The Write that was staged is over (the engine is past handle_request):
 * apply it whole, or, if any part was refused, nothing. */
static void commit_stage(void)
{
	if (stage.request == NULL || stage.request == client->processed_req)
		return;
	pf_obj16_result r = PF_OBJ16_BAD_REQUEST;
	if (!stage.refused)
		r = pf_obj16_write_identities(adapter, stage.iid, stage.values, stage.count, 0);
	/* The token refused (only a token fault can, the set passed the
	 * check): it holds the old identities in full; so must the engine,
	 * which also created the instances the request named anew. */
	if (r != PF_OBJ16_OK) {
		load_identities(stage.iid);
		for (size_t i = 0; i < stage.count; i++) {
			size_t n = 0;
			struct lwm2m_obj_path p = path(stage.iid, PF_OBJ16_RID_IDENTITY, stage.values[i].riid, 4);
			if (pf_obj16_read_identity(adapter, stage.iid, stage.values[i].riid, NULL, 0, &n) ==
			    PF_OBJ16_NOT_FOUND)
				(void)lwm2m_delete_res_inst(&p);
		}
	}
	stage.request = NULL;
}

/* Adds one instance to the staged Write; a second value for the same id
 * replaces the first, as the engine's buffer would. */
static int stage_value(uint16_t riid, const uint8_t *data, uint16_t len)
{
	size_t i = 0;
	while (i < stage.count && stage.values[i].riid != riid)
		i++;
	if (i == MAX_STAGED || len > MAX_IDENTITY)
		return -EEXIST;
	memcpy(stage.text[i], data, len);
	stage.values[i].riid = riid;
	stage.values[i].value = stage.text[i];
	stage.values[i].len = len;
	if (i == stage.count)
		stage.count++;
	return 0;
}

static int identity_written(uint16_t iid, uint16_t rid, uint16_t riid, uint8_t *data, uint16_t data_len,
			    bool last_block, size_t total_size, size_t offset)
{
	(void)rid;
	if (atomic_load(&reloader) == k_current_get())
		return 0;
	/* The engine may count a string's terminating NUL. */
	while (data_len > 0 && data[data_len - 1] == '\0')
		data_len--;
	const void *request = on_engine_thread() ? client->processed_req : NULL;
	if (request == NULL) /* the application's lwm2m_set_string: one value */
		return to_errno(pf_obj16_write_identity(adapter, iid, riid, (const char *)data, data_len));
	if (stage.request != request) {
		commit_stage();
		memset(&stage, 0, sizeof(stage));
		stage.request = request;
		stage.iid = iid;
	}
	if (stage.refused)
		return -EEXIST;
	int rc = -EFBIG; /* an Identity fits one block */
	if (offset == 0 && (total_size == 0 || last_block))
		rc = iid == stage.iid ? stage_value(riid, data, data_len) : -EEXIST;
	if (rc == 0)
		rc = to_errno(pf_obj16_write_identities(adapter, iid, stage.values, stage.count,
						       PF_OBJ16_WRITE_CHECK_ONLY));
	stage.refused = rc != 0;
	return rc;
}

int pf_zephyr_obj16_attach(pf_obj16 *a, struct lwm2m_ctx *ctx)
{
	uint16_t iids[MAX_INST];
	size_t n = 0;
	if (a == NULL || ctx == NULL)
		return -EINVAL;
	adapter = a;
	client = ctx;
	memset(&stage, 0, sizeof(stage));
	atomic_store(&engine_known, 0);
	atomic_store(&send_busy, 0);
	send_slot = NULL;
	if (pf_obj16_list_instances(a, iids, MAX_INST, &n) != PF_OBJ16_OK)
		return -EIO;
	if (n > MAX_INST)
		n = MAX_INST;
	for (size_t i = 0; i < n; i++) {
		slot *s = &slots[i];
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->iid = iids[i];
		struct lwm2m_obj_path inst = path(iids[i], 0, 0, 2);
		struct lwm2m_obj_path identity = path(iids[i], PF_OBJ16_RID_IDENTITY, 0, 3);
		struct lwm2m_obj_path exec = path(iids[i], PF_OBJ16_RID_GET_AUTH, 0, 3);
		struct lwm2m_obj_path data = path(iids[i], PF_OBJ16_RID_AUTH_DATA, 0, 3);
		struct lwm2m_obj_path data0 = path(iids[i], PF_OBJ16_RID_AUTH_DATA, 0, 4);
		struct lwm2m_obj_path status = path(iids[i], PF_OBJ16_RID_STATUS, 0, 3);
		int rc = lwm2m_create_object_inst(&inst);
		if (rc == 0)
			rc = lwm2m_create_res_inst(&data0);
		if (rc == 0)
			rc = lwm2m_set_res_buf(&data0, s->data, sizeof(s->data), 0, 0);
		if (rc == 0)
			rc = lwm2m_set_res_buf(&status, &s->status_engine, sizeof(s->status_engine), 1, 0);
		if (rc == 0)
			rc = lwm2m_register_exec_callback(&exec, get_auth_data);
		if (rc == 0)
			rc = lwm2m_register_read_callback(&data, read_value);
		if (rc == 0)
			rc = lwm2m_register_read_callback(&status, read_value);
		if (rc == 0)
			rc = lwm2m_register_read_callback(&identity, read_value);
		if (rc == 0)
			rc = lwm2m_register_post_write_callback(&identity, identity_written);
		if (rc != 0)
			return rc;
		load_identities(iids[i]);
	}
	return 0;
}

void pf_zephyr_obj16_changed(void *ctx, uint16_t iid, uint16_t rid)
{
	(void)ctx;
	(void)rid;
	for (int i = 0; i < MAX_INST; i++)
		if (slots[i].used && slots[i].iid == iid)
			atomic_fetch_or(&pending, 1u << i);
}

void pf_zephyr_obj16_flush(void)
{
	unsigned bits = atomic_exchange(&pending, 0u);
	for (int i = 0; i < MAX_INST; i++) {
		if (!(bits & (1u << i)) || !slots[i].used)
			continue;
		/* Reads of /16/x/3 go through read_value, so the engine's own
		 * buffer is only a trigger: a new value in it makes the engine
		 * notify observers. Stepping it guarantees a change even when
		 * AuthStatus went DATA_AVAIL -> IDLE -> DATA_AVAIL between two
		 * flushes (a new AuthData). */
		struct lwm2m_obj_path p = path(slots[i].iid, PF_OBJ16_RID_STATUS, 0, 3);
		(void)lwm2m_set_u8(&p, (uint8_t)(slots[i].status_engine + 1u));
	}
}

/* lwm2m_send_cb's reply callback, on the engine thread: do_send_reply_cb
 * (the server answered our Send: 2.04 is SUCCESS) or do_send_timeout_cb. */
static void send_done(enum lwm2m_send_status status)
{
	if (status == LWM2M_SEND_STATUS_SUCCESS && atomic_exchange(&send_tag_set, 0) && send_slot != NULL)
		(void)pf_obj16_delivered(adapter, send_slot->iid, send_tag);
	atomic_store(&send_tag_set, 0);
	atomic_store(&send_busy, 0);
}

int pf_zephyr_obj16_send(uint16_t iid)
{
	slot *s = find(iid);
	if (s == NULL || client == NULL)
		return -ENOENT;
	if (atomic_exchange(&send_busy, 1))
		return -EBUSY;
	struct lwm2m_obj_path data = path(iid, PF_OBJ16_RID_AUTH_DATA, 0, 3);
	send_slot = s;
	atomic_store(&send_tag_set, 0);
	/* lwm2m_send_cb builds the message on this thread (do_send_op reads
	 * through read_value), then queues it; the reply comes later. */
	atomic_store(&send_builder, k_current_get());
	int rc = lwm2m_send_cb(client, &data, 1, send_done);
	atomic_store(&send_builder, (k_tid_t)NULL);
	if (rc < 0) {
		atomic_store(&send_tag_set, 0);
		atomic_store(&send_busy, 0);
	}
	return rc;
}

/* A sending hint: one message is leaving the queue. */
static void count_send(void)
{
	for (int i = 0; i < MAX_INST; i++) {
		slot *s = &slots[i];
		if (!s->used || s->armed == 0)
			continue;
		if (s->sends_ahead > 0) {
			s->sends_ahead--; /* an earlier message */
			continue;
		}
		(void)pf_obj16_delivered(adapter, s->iid, s->armed);
		s->armed = 0;
	}
}

void pf_zephyr_obj16_socket_state(int fd, enum lwm2m_socket_states state)
{
	(void)fd;
	if (state != LWM2M_SOCKET_STATE_NO_DATA && !atomic_load(&engine_known)) {
		engine_thread = k_current_get();
		atomic_store(&engine_known, 1);
	}
	if (!on_engine_thread())
		return;
	/* Any hint comes after handle_request: a staged Write is over. */
	commit_stage();
	/* NO_DATA: nothing queued, nothing being sent. */
	if (state != LWM2M_SOCKET_STATE_NO_DATA)
		count_send();
}
