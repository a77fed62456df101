/*
 * obj16_zephyr.c - Zephyr's built-in Object 16 backed by libportfolio-lwm2m.
 *
 * Execute /16/x/1 -> pf_obj16_execute (Zephyr passes the raw payload).
 * Read /16/x/2, /16/x/3 -> read callbacks that answer from the adapter, so
 *   the engine's own buffers never hold a stale AuthData.
 * Write /16/x/0/y -> post-write callback -> pf_obj16_write_identity (the
 *   engine's identity buffers are 40 bytes: Zephyr's limit, not ours).
 * Notifications: the adapter's changed hook records; pf_zephyr_obj16_flush
 *   steps the engine's AuthStatus buffer with lwm2m_set_u8, which makes the
 *   engine notify observers of /16/x/3 (and of /16/x); the value they get
 *   is read through the read callback, i.e. the adapter's.
 * Delivery (Zephyr 4.1's engine, lwm2m_engine.c): the engine thread builds
 *   a READ response or a notification (calling the read callback) and
 *   queues it; a later turn of its loop hands it to zsock_send, and just
 *   before that calls set_socket_state with ONGOING, ONE_RESPONSE or LAST.
 *   NO_DATA means nothing is queued (after a batch of received packets,
 *   or when the socket is suspended): it never confirms. Reads from any
 *   other thread (lwm2m_get_opaque, the shell) are never sent by the
 *   engine, so they do not arm a delivery at all. The engine thread is
 *   learned from the first sending hint (only the engine's socket loop
 *   sends). So: a read of /16/x/2 on the engine thread arms the tag, and
 *   the next sending hint confirms it.
 *
 * Errors, as Zephyr's engine turns callback errnos into CoAP codes:
 * -EINVAL 4.00, -ENOENT 4.04, -EPERM 4.05, others 5.00.
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

typedef struct slot {
	int used;
	uint16_t iid;
	uint8_t status_engine; /* the engine's buffer for /16/x/3 (set_u8) */
	uint8_t status_read;   /* what the read callback returns */
	uint8_t data[MAX_AUTH_DATA];
	pf_obj16_delivery armed; /* read for a message being built */
} slot;

static pf_obj16 *adapter;
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
	case PF_OBJ16_BAD_REQUEST: return -EINVAL;
	case PF_OBJ16_NOT_FOUND: return -ENOENT;
	case PF_OBJ16_METHOD_NOT_ALLOWED: return -EPERM;
	default: return -EIO;
	}
}

static int get_auth_data(uint16_t iid, uint8_t *args, uint16_t args_len)
{
	return to_errno(pf_obj16_execute(adapter, iid, (const char *)args, args == NULL ? 0 : args_len));
}

static void *read_value(uint16_t iid, uint16_t rid, uint16_t riid, size_t *len)
{
	slot *s = find(iid);
	*len = 0;
	if (s == NULL)
		return NULL;
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
			/* Only the engine thread reads for a message it will send. */
			if (on_engine_thread())
				s->armed = tag;
			*len = n;
		}
		/* Empty while AuthStatus is not DATA_AVAIL. */
		return s->data;
	}
	return NULL;
}

static int identity_written(uint16_t iid, uint16_t rid, uint16_t riid, uint8_t *data, uint16_t data_len,
			    bool last_block, size_t total_size, size_t offset)
{
	(void)rid;
	if (offset != 0 || (total_size != 0 && !last_block))
		return -EFBIG; /* an Identity fits one block */
	/* The engine may count a string's terminating NUL. */
	while (data_len > 0 && data[data_len - 1] == '\0')
		data_len--;
	return to_errno(pf_obj16_write_identity(adapter, iid, riid, (const char *)data, data_len));
}

/* Zephyr's identity buffers start empty: fill them from the token. */
static void load_identities(uint16_t iid)
{
	pf_obj16_snapshot *snap = NULL;
	if (pf_obj16_read_snapshot(adapter, iid, &snap) != PF_OBJ16_OK)
		return;
	for (size_t i = 0; i < snap->identity_count; i++) {
		struct lwm2m_obj_path p = path(iid, PF_OBJ16_RID_IDENTITY, snap->identities[i].riid, 4);
		(void)lwm2m_create_res_inst(&p);
		(void)lwm2m_set_string(&p, snap->identities[i].value);
	}
	pf_obj16_snapshot_free(snap);
}

int pf_zephyr_obj16_attach(pf_obj16 *a)
{
	uint16_t iids[MAX_INST];
	size_t n = 0;
	adapter = a;
	atomic_store(&engine_known, 0);
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

void pf_zephyr_obj16_socket_state(int fd, enum lwm2m_socket_states state)
{
	(void)fd;
	/* NO_DATA: nothing queued, nothing being sent. */
	if (state == LWM2M_SOCKET_STATE_NO_DATA)
		return;
	if (!atomic_load(&engine_known)) {
		engine_thread = k_current_get();
		atomic_store(&engine_known, 1);
	}
	if (k_current_get() != engine_thread)
		return;
	/* The engine is handing the next queued message to the socket. */
	for (int i = 0; i < MAX_INST; i++) {
		if (slots[i].used && slots[i].armed != 0) {
			(void)pf_obj16_delivered(adapter, slots[i].iid, slots[i].armed);
			slots[i].armed = 0;
		}
	}
}
