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
/* Eleven arguments always hold a repeated number: enough for the adapter to
 * refuse; the rest are only parsed (Anjay checks their grammar). */
#define MAX_ARGS 11
/* One byte over the adapter's limit is enough for it to refuse the value:
 * the binding never answers for the adapter (docs/lwm2m.md). */
#define ARG_KEEP (PF_OBJ16_MAX_ARG_VALUE + 1)
/* The longest Identity value read from a Write; the adapter's own limit
 * (max_identity_len, 1024 by default) decides, so it must not exceed this. */
#define MAX_IDENTITY 65536
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
	/* The Identity writes of the open transaction, applied at commit. */
	struct staged *staged;
	size_t n_staged;
};

/* What one transaction writes into one instance's resource 0. */
typedef struct staged {
	anjay_iid_t iid;
	bool replace; /* resource_reset came first: a Write-Replace */
	pf_obj16_identity_write *w;
	size_t n;
} staged;

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
		size_t len = 0;
		pf_obj16_result r = pf_obj16_read_identity(a, iid, riid, NULL, 0, &len);
		if (r != PF_OBJ16_OK && r != PF_OBJ16_BUFFER_TOO_SMALL)
			return to_anjay(r);
		char *value = malloc(len + 1);
		if (value == NULL)
			return ANJAY_ERR_INTERNAL;
		r = pf_obj16_read_identity(a, iid, riid, value, len, &len);
		int rc = to_anjay(r);
		if (r == PF_OBJ16_OK) {
			value[len] = '\0';
			rc = anjay_ret_string(ctx, value);
		}
		free(value);
		return rc;
	}
	case PF_OBJ16_RID_AUTH_DATA: {
		size_t len = 0;
		delivery d = {a, iid, 0};
		if (riid != 0)
			return ANJAY_ERR_NOT_FOUND;
		/* Asked for its size first: AuthData of a long identity is long. */
		pf_obj16_result r = pf_obj16_read_auth_data(a, iid, NULL, 0, &len, NULL);
		if (r != PF_OBJ16_OK && r != PF_OBJ16_BUFFER_TOO_SMALL)
			return to_anjay(r);
		uint8_t *buf = malloc(len ? len : 1);
		if (buf == NULL)
			return ANJAY_ERR_INTERNAL;
		r = pf_obj16_read_auth_data(a, iid, buf, len, &len, &d.tag);
		int rc = to_anjay(r);
		if (r == PF_OBJ16_OK)
			rc = anjay_ret_bytes(ctx, buf, len);
		free(buf);
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

static void staged_clear(pf_anjay_obj16 *obj)
{
	for (size_t i = 0; i < obj->n_staged; i++) {
		for (size_t k = 0; k < obj->staged[i].n; k++)
			free((char *)(uintptr_t)obj->staged[i].w[k].value);
		free(obj->staged[i].w);
	}
	free(obj->staged);
	obj->staged = NULL;
	obj->n_staged = 0;
}

static staged *staged_for(pf_anjay_obj16 *obj, anjay_iid_t iid)
{
	for (size_t i = 0; i < obj->n_staged; i++)
		if (obj->staged[i].iid == iid)
			return &obj->staged[i];
	staged *grown = realloc(obj->staged, (obj->n_staged + 1) * sizeof(*grown));
	if (grown == NULL)
		return NULL;
	obj->staged = grown;
	staged *s = &grown[obj->n_staged++];
	memset(s, 0, sizeof(*s));
	s->iid = iid;
	return s;
}

/* Stages one value (taking ownership of value); a second write of the same
 * resource instance in one transaction replaces the first. */
static int stage_value(staged *s, anjay_riid_t riid, char *value, size_t len)
{
	for (size_t k = 0; k < s->n; k++)
		if (s->w[k].riid == riid) {
			free((char *)(uintptr_t)s->w[k].value);
			s->w[k].value = value;
			s->w[k].len = len;
			return 0;
		}
	pf_obj16_identity_write *grown = realloc(s->w, (s->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(value);
		return ANJAY_ERR_INTERNAL;
	}
	s->w = grown;
	s->w[s->n++] = (pf_obj16_identity_write){riid, value, len};
	return 0;
}

/* The whole String, however it arrives; longer than MAX_IDENTITY is
 * passed on at MAX_IDENTITY + 1 bytes, for the adapter to refuse. */
static int read_identity_value(anjay_input_ctx_t *ctx, char **out, size_t *out_len)
{
	size_t cap = 64, len = 0;
	char *buf = malloc(cap);
	int rc = buf == NULL ? ANJAY_ERR_INTERNAL : ANJAY_BUFFER_TOO_SHORT;
	while (rc == ANJAY_BUFFER_TOO_SHORT && len <= MAX_IDENTITY) {
		if (cap - len < 2) {
			char *grown = realloc(buf, cap * 2);
			if (grown == NULL) {
				rc = ANJAY_ERR_INTERNAL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		rc = anjay_get_string(ctx, buf + len, cap - len);
		if (rc == 0 || rc == ANJAY_BUFFER_TOO_SHORT)
			len += strlen(buf + len);
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len > MAX_IDENTITY ? MAX_IDENTITY + 1 : len;
	return 0;
}

static int resource_write(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			  anjay_rid_t rid, anjay_riid_t riid, anjay_input_ctx_t *ctx)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_IDENTITY)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	staged *s = staged_for(of(obj_ptr), iid);
	char *value = NULL;
	size_t len = 0;
	if (s == NULL)
		return ANJAY_ERR_INTERNAL;
	int rc = read_identity_value(ctx, &value, &len);
	return rc != 0 ? rc : stage_value(s, riid, value, len);
}

/* Write-Replace of resource 0: Anjay resets it, then writes each instance
 * of the payload. Nothing reaches the token before the commit. */
static int resource_reset(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			  anjay_rid_t rid)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_IDENTITY)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	staged *s = staged_for(of(obj_ptr), iid);
	if (s == NULL)
		return ANJAY_ERR_INTERNAL;
	for (size_t k = 0; k < s->n; k++)
		free((char *)(uintptr_t)s->w[k].value);
	s->n = 0;
	s->replace = true;
	return 0;
}

#ifdef ANJAY_WITH_LWM2M12
/* LwM2M 1.2 Delete of /16/x/0/y: one step, so all or nothing by itself; an
 * identity with a provisioned hash is refused (4.05). */
static int resource_instance_remove(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
				    anjay_rid_t rid, anjay_riid_t riid)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_IDENTITY)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	return to_anjay(pf_obj16_delete_identity(of(obj_ptr)->adapter, iid, riid));
}
#endif

static int transaction_begin(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr)
{
	(void)anjay;
	staged_clear(of(obj_ptr));
	return 0;
}

/* Each instance's staged write in one all-or-nothing adapter call. */
static int apply_staged(pf_anjay_obj16 *obj, int extra_flags)
{
	for (size_t i = 0; i < obj->n_staged; i++) {
		const staged *s = &obj->staged[i];
		int flags = extra_flags | (s->replace ? PF_OBJ16_WRITE_REPLACE : 0);
		int rc = to_anjay(pf_obj16_write_identities(obj->adapter, s->iid, s->w, s->n, flags));
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int transaction_validate(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr)
{
	(void)anjay;
	return apply_staged(of(obj_ptr), PF_OBJ16_WRITE_CHECK_ONLY);
}

static int transaction_commit(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr)
{
	(void)anjay;
	int rc = apply_staged(of(obj_ptr), 0);
	staged_clear(of(obj_ptr));
	return rc;
}

static int transaction_rollback(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr)
{
	(void)anjay;
	staged_clear(of(obj_ptr));
	return 0;
}

typedef struct exec_args {
	pf_obj16_exec_arg list[MAX_ARGS];
	char values[MAX_ARGS][ARG_KEEP + 1];
} exec_args;

/* Collects the arguments as Anjay parses them. 0, or Anjay's error when
 * the list is malformed. A value longer than the adapter's limit is kept
 * at ARG_KEEP bytes (Anjay skips the rest), so the adapter refuses it. */
static int collect_args(anjay_execute_ctx_t *ctx, exec_args *args, size_t *count)
{
	size_t n = 0;
	for (;;) {
		int number;
		bool has_value;
		int rc = anjay_execute_get_next_arg(ctx, &number, &has_value);
		if (rc == ANJAY_EXECUTE_GET_ARG_END)
			break;
		if (rc != 0)
			return rc;
		if (n == MAX_ARGS)
			continue; /* parsed for its grammar only */
		args->list[n].number = number;
		args->list[n].value = NULL;
		if (has_value) {
			size_t len = 0;
			rc = anjay_execute_get_arg_value(ctx, &len, args->values[n], sizeof(args->values[n]));
			if (rc < 0)
				return rc;
			args->list[n].value = args->values[n];
			args->list[n].value_len = len;
		}
		n++;
	}
	*count = n;
	return 0;
}

static int resource_execute(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr, anjay_iid_t iid,
			    anjay_rid_t rid, anjay_execute_ctx_t *ctx)
{
	(void)anjay;
	if (rid != PF_OBJ16_RID_GET_AUTH)
		return ANJAY_ERR_METHOD_NOT_ALLOWED;
	pf_obj16 *a = of(obj_ptr)->adapter;
	exec_args *args = calloc(1, sizeof(*args));
	if (args == NULL)
		return ANJAY_ERR_INTERNAL;
	size_t n = 0;
	/* A malformed list still triggered GetAuthData: the adapter decides
	 * what that does to AuthStatus, as it does under every stack. */
	int rc = collect_args(ctx, args, &n) != 0 ? to_anjay(pf_obj16_execute_malformed(a, iid))
						   : to_anjay(pf_obj16_execute_args(a, iid, args->list, n));
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
#ifdef ANJAY_WITH_LWM2M12
	d->handlers.resource_instance_remove = resource_instance_remove;
#endif
	d->handlers.resource_execute = resource_execute;
	/* Identity writes are staged and applied at commit in one
	 * all-or-nothing adapter call per instance. */
	d->handlers.transaction_begin = transaction_begin;
	d->handlers.transaction_validate = transaction_validate;
	d->handlers.transaction_commit = transaction_commit;
	d->handlers.transaction_rollback = transaction_rollback;
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
	staged_clear(obj);
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
