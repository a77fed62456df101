/*
 * obj16_anjay.c - Anjay 3 data-model handlers for Object 16, each mapped
 * to one libportfolio-lwm2m call. The adapter keeps the semantics
 * (docs/lwm2m.md); this file only translates.
 *
 * Execute: Anjay has already parsed and checked the argument grammar, so
 * the split arguments go to pf_obj16_execute_args as they are.
 *
 * Delivery: Anjay has no "response sent" callback. A read of AuthData
 * schedules a job on Anjay's scheduler (AVS_SCHED_NOW); it runs in a later
 * anjay_sched_run, after anjay_serve or the notification job has handed the
 * message carrying that value to the transport. The delivery tag names the
 * value read, so a confirmation that comes late cannot clear a newer one.
 */
#include "obj16_anjay.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <avsystem/commons/avs_sched.h>

#define MAX_INSTANCES 64
#define MAX_ARGS 16          /* more than 10 means a repeated number: still passed on, refused by the adapter */
#define MAX_ARG_VALUE 512    /* a challenge needs 130 ("0x" + 128 hex digits) */
#define MAX_IDENTITY 1025
#define MAX_AUTH_DATA 256
#define MAX_PENDING 32

struct pf_anjay_obj16 {
	const anjay_dm_object_def_t *def; /* first: Anjay hands us &def */
	anjay_dm_object_def_t def_storage;
	anjay_t *anjay;
	pf_obj16 *adapter;
	pthread_mutex_t lock; /* guards pending, filled from the adapter's worker */
	struct { uint16_t iid, rid; } pending[MAX_PENDING];
	size_t n_pending;
	bool overflow;
};

typedef struct delivery {
	pf_obj16 *adapter;
	uint16_t iid;
	pf_obj16_delivery tag;
} delivery;

static pf_anjay_obj16 *of(const anjay_dm_object_def_t *const *obj_ptr)
{
	/* obj_ptr is &obj->def, and def is the first member. */
	return (pf_anjay_obj16 *)(uintptr_t)obj_ptr;
}

static int to_anjay(pf_obj16_result r)
{
	switch (r) {
	case PF_OBJ16_OK: return 0;
	case PF_OBJ16_BAD_REQUEST: return ANJAY_ERR_BAD_REQUEST;
	case PF_OBJ16_NOT_FOUND: return ANJAY_ERR_NOT_FOUND;
	case PF_OBJ16_METHOD_NOT_ALLOWED: return ANJAY_ERR_METHOD_NOT_ALLOWED;
	default: return ANJAY_ERR_INTERNAL;
	}
}

static int list_instances(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_dm_list_ctx_t *ctx)
{
	(void)anjay;
	uint16_t iids[MAX_INSTANCES];
	size_t n = 0;
	pf_obj16_result r = pf_obj16_list_instances(of(obj_ptr)->adapter, iids, MAX_INSTANCES, &n);
	if (r != PF_OBJ16_OK)
		return to_anjay(r);
	for (size_t i = 0; i < n && i < MAX_INSTANCES; i++)
		anjay_dm_emit(ctx, iids[i]);
	return 0;
}

static int list_resources(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			  anjay_dm_resource_list_ctx_t *ctx)
{
	(void)anjay;
	(void)obj_ptr;
	(void)iid;
	anjay_dm_emit_res(ctx, PF_OBJ16_RID_IDENTITY, ANJAY_DM_RES_RWM, ANJAY_DM_RES_PRESENT);
	anjay_dm_emit_res(ctx, PF_OBJ16_RID_GET_AUTH, ANJAY_DM_RES_E, ANJAY_DM_RES_PRESENT);
	/* Present with zero instances unless AuthStatus is DATA_AVAIL. */
	anjay_dm_emit_res(ctx, PF_OBJ16_RID_AUTH_DATA, ANJAY_DM_RES_RM, ANJAY_DM_RES_PRESENT);
	anjay_dm_emit_res(ctx, PF_OBJ16_RID_STATUS, ANJAY_DM_RES_R, ANJAY_DM_RES_PRESENT);
	return 0;
}

static int list_resource_instances(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
				   anjay_rid_t rid, anjay_dm_list_ctx_t *ctx)
{
	(void)anjay;
	uint16_t riids[MAX_INSTANCES];
	size_t n = 0;
	pf_obj16_result r = pf_obj16_list_resource_instances(of(obj_ptr)->adapter, iid, rid, riids, MAX_INSTANCES, &n);
	if (r != PF_OBJ16_OK)
		return to_anjay(r);
	for (size_t i = 0; i < n && i < MAX_INSTANCES; i++)
		anjay_dm_emit(ctx, riids[i]);
	return 0;
}

static void deliver_job(avs_sched_t *sched, const void *data)
{
	(void)sched;
	const delivery *d = data;
	(void)pf_obj16_delivered(d->adapter, d->iid, d->tag);
}

static int resource_read(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			 anjay_rid_t rid, anjay_riid_t riid, anjay_output_ctx_t *ctx)
{
	pf_obj16 *a = of(obj_ptr)->adapter;
	switch (rid) {
	case PF_OBJ16_RID_IDENTITY: {
		char *value = malloc(MAX_IDENTITY);
		size_t len = 0;
		if (value == NULL)
			return ANJAY_ERR_INTERNAL;
		pf_obj16_result r = pf_obj16_read_identity(a, iid, riid, value, MAX_IDENTITY - 1, &len);
		int rc = to_anjay(r);
		if (r == PF_OBJ16_OK) {
			value[len] = '\0';
			rc = anjay_ret_string(ctx, value);
		}
		free(value);
		return rc;
	}
	case PF_OBJ16_RID_AUTH_DATA: {
		uint8_t buf[MAX_AUTH_DATA];
		size_t len = 0;
		delivery d = {a, iid, 0};
		if (riid != 0)
			return ANJAY_ERR_NOT_FOUND;
		pf_obj16_result r = pf_obj16_read_auth_data(a, iid, buf, sizeof(buf), &len, &d.tag);
		if (r != PF_OBJ16_OK)
			return to_anjay(r);
		int rc = anjay_ret_bytes(ctx, buf, len);
		/* Confirmed after the message carrying it has been handed over. */
		if (rc == 0 && AVS_SCHED_NOW(anjay_get_scheduler(anjay), NULL, deliver_job, &d, sizeof(d)) != 0)
			rc = ANJAY_ERR_INTERNAL;
		return rc;
	}
	case PF_OBJ16_RID_STATUS: {
		pf_obj16_status st;
		pf_obj16_result r = pf_obj16_read_status(a, iid, &st);
		return r == PF_OBJ16_OK ? anjay_ret_i64(ctx, (int64_t)st) : to_anjay(r);
	}
	default:
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	}
}

static int resource_write(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			  anjay_rid_t rid, anjay_riid_t riid, anjay_input_ctx_t *ctx)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_IDENTITY)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	char *value = malloc(MAX_IDENTITY);
	if (value == NULL)
		return ANJAY_ERR_INTERNAL;
	int rc = anjay_get_string(ctx, value, MAX_IDENTITY);
	if (rc == ANJAY_BUFFER_TOO_SHORT)
		rc = ANJAY_ERR_BAD_REQUEST; /* longer than any identity the adapter takes */
	else if (rc == 0)
		rc = to_anjay(pf_obj16_write_identity(of(obj_ptr)->adapter, iid, riid, value, strlen(value)));
	free(value);
	return rc;
}

/* Write-Replace of Identity would first delete provisioned instances, which
 * the adapter refuses: only Partial Update / single-instance writes. */
static int resource_reset(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			  anjay_rid_t rid)
{
	(void)anjay;
	(void)obj_ptr;
	(void)iid;
	(void)rid;
	return ANJAY_ERR_METHOD_NOT_ALLOWED;
}

typedef struct exec_args {
	pf_obj16_exec_arg list[MAX_ARGS];
	char values[MAX_ARGS][MAX_ARG_VALUE];
} exec_args;

static int resource_execute(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			    anjay_rid_t rid, anjay_execute_ctx_t *ctx)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_GET_AUTH)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	exec_args *args = calloc(1, sizeof(*args));
	if (args == NULL)
		return ANJAY_ERR_INTERNAL;
	size_t n = 0;
	int rc;
	for (;;) {
		int number;
		bool has_value;
		rc = anjay_execute_get_next_arg(ctx, &number, &has_value);
		if (rc == ANJAY_EXECUTE_GET_ARG_END) {
			rc = 0;
			break;
		}
		if (rc != 0)
			break; /* malformed: Anjay's own 4.00 */
		if (n == MAX_ARGS) {
			rc = ANJAY_ERR_BAD_REQUEST;
			break;
		}
		args->list[n].number = number;
		args->list[n].value = NULL;
		if (has_value) {
			size_t len = 0;
			rc = anjay_execute_get_arg_value(ctx, &len, args->values[n], MAX_ARG_VALUE);
			if (rc == ANJAY_BUFFER_TOO_SHORT)
				rc = ANJAY_ERR_BAD_REQUEST; /* no GetAuthData argument is that long */
			if (rc != 0)
				break;
			args->list[n].value = args->values[n];
			args->list[n].value_len = len;
		}
		n++;
	}
	if (rc == 0)
		rc = to_anjay(pf_obj16_execute_args(of(obj_ptr)->adapter, iid, args->list, n));
	free(args);
	return rc;
}

pf_anjay_obj16 *pf_anjay_obj16_new(anjay_t *anjay)
{
	pf_anjay_obj16 *obj = calloc(1, sizeof(*obj));
	if (obj == NULL)
		return NULL;
	obj->anjay = anjay;
	pthread_mutex_init(&obj->lock, NULL);
	anjay_dm_object_def_t *d = &obj->def_storage;
	d->oid = PF_OBJ16_OBJECT_ID;
	d->version = "1.0";
	d->handlers.list_instances = list_instances;
	d->handlers.list_resources = list_resources;
	d->handlers.list_resource_instances = list_resource_instances;
	d->handlers.resource_read = resource_read;
	d->handlers.resource_write = resource_write;
	d->handlers.resource_reset = resource_reset;
	d->handlers.resource_execute = resource_execute;
	/* Identity writes go straight to the token: nothing to roll back. */
	d->handlers.transaction_begin = anjay_dm_transaction_NOOP;
	d->handlers.transaction_validate = anjay_dm_transaction_NOOP;
	d->handlers.transaction_commit = anjay_dm_transaction_NOOP;
	d->handlers.transaction_rollback = anjay_dm_transaction_NOOP;
	/* instance_create / instance_remove stay NULL: instances are
	 * provisioned tokens, and Anjay answers 4.05. */
	obj->def = d;
	return obj;
}

void pf_anjay_obj16_set_adapter(pf_anjay_obj16 *obj, pf_obj16 *adapter)
{
	obj->adapter = adapter;
}

const anjay_dm_object_def_t *const *pf_anjay_obj16_def(pf_anjay_obj16 *obj)
{
	return &obj->def;
}

void pf_anjay_obj16_free(pf_anjay_obj16 *obj)
{
	if (obj == NULL)
		return;
	pthread_mutex_destroy(&obj->lock);
	free(obj);
}

void pf_anjay_obj16_changed(void *ctx, uint16_t iid, uint16_t rid)
{
	pf_anjay_obj16 *obj = ctx;
	pthread_mutex_lock(&obj->lock);
	if (obj->n_pending < MAX_PENDING) {
		obj->pending[obj->n_pending].iid = iid;
		obj->pending[obj->n_pending].rid = rid;
		obj->n_pending++;
	} else {
		obj->overflow = true;
	}
	pthread_mutex_unlock(&obj->lock);
}

void pf_anjay_obj16_flush(pf_anjay_obj16 *obj)
{
	struct { uint16_t iid, rid; } batch[MAX_PENDING];
	pthread_mutex_lock(&obj->lock);
	size_t n = obj->n_pending;
	bool overflow = obj->overflow;
	memcpy(batch, obj->pending, n * sizeof(batch[0]));
	obj->n_pending = 0;
	obj->overflow = false;
	pthread_mutex_unlock(&obj->lock);
	if (overflow) {
		/* Lost track of which: tell Anjay everything may have changed. */
		(void)anjay_notify_instances_changed(obj->anjay, PF_OBJ16_OBJECT_ID);
		uint16_t iids[MAX_INSTANCES];
		size_t count = 0;
		if (pf_obj16_list_instances(obj->adapter, iids, MAX_INSTANCES, &count) == PF_OBJ16_OK)
			for (size_t i = 0; i < count && i < MAX_INSTANCES; i++) {
				(void)anjay_notify_changed(obj->anjay, PF_OBJ16_OBJECT_ID, iids[i], PF_OBJ16_RID_AUTH_DATA);
				(void)anjay_notify_changed(obj->anjay, PF_OBJ16_OBJECT_ID, iids[i], PF_OBJ16_RID_STATUS);
			}
	}
	for (size_t i = 0; i < n; i++)
		(void)anjay_notify_changed(obj->anjay, PF_OBJ16_OBJECT_ID, batch[i].iid, batch[i].rid);
}
