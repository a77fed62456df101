/*
 * obj16.c - adapter life cycle, instance discovery, the Identity resource
 * and the read side of AuthData / AuthStatus (delivery, snapshots).
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <pkcs11/portfolio.h>
#include <stdlib.h>
#include <string.h>

#include "util/secure.h"
#include "util/sizes.h"


pf_inst *pf_find_inst(pf_obj16 *obj, uint16_t iid)
{
	if (obj == NULL)
		return NULL;
	size_t lo = 0, hi = obj->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (obj->inst[mid].iid == iid)
			return &obj->inst[mid];
		if (obj->inst[mid].iid < iid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int discover(pf_obj16 *obj)
{
	CK_FUNCTION_LIST_PTR f = obj->p11;
	CK_ULONG n = 0;
	CK_RV rv = f->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv != CKR_OK) {
		pf_logf(obj, PF_OBJ16_LOG_ERROR, "C_GetSlotList failed: %s", pf_ckr_name_str(rv));
		return -1;
	}
	CK_SLOT_ID *slots = calloc(n ? n : 1, sizeof(*slots));
	if (slots == NULL)
		return -1;
	rv = f->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK) {
		free(slots);
		pf_logf(obj, PF_OBJ16_LOG_ERROR, "C_GetSlotList failed: %s", pf_ckr_name_str(rv));
		return -1;
	}
	/* Slot lists are usually sorted, but nothing promises it; sort ids
	 * here, since instances hold mutexes that must never be moved. */
	for (CK_ULONG i = 1; i < n; i++)
		for (CK_ULONG j = i; j > 0 && slots[j - 1] > slots[j]; j--) {
			CK_SLOT_ID t = slots[j];
			slots[j] = slots[j - 1];
			slots[j - 1] = t;
		}
	obj->inst = calloc(n ? n : 1, sizeof(*obj->inst));
	if (obj->inst == NULL) {
		free(slots);
		return -1;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO info;
		/* Slot id = instance id; LwM2M ids stop at 65534. */
		if (slots[i] > 65534)
			continue;
		if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK || !(info.flags & CKF_TOKEN_INITIALIZED))
			continue;
		pf_inst *in = &obj->inst[obj->count];
		memset(in, 0, sizeof(*in));
		in->iid = (uint16_t)slots[i];
		in->slot = slots[i];
		in->session = CK_INVALID_HANDLE;
		in->status = PF_OBJ16_IDLE;
		pthread_mutex_init(&in->session_lock, NULL);
		pthread_mutex_init(&in->state_lock, NULL);
		pthread_cond_init(&in->idle_cond, NULL);
		obj->count++;
	}
	free(slots);
	pf_logf(obj, PF_OBJ16_LOG_INFO, "Object 16: %zu instance(s)", obj->count);
	return 0;
}

pf_obj16 *pf_obj16_new(CK_FUNCTION_LIST_PTR module, const pf_obj16_config *config)
{
	if (module == NULL)
		return NULL;
	pf_obj16 *obj = calloc(1, sizeof(*obj));
	if (obj == NULL)
		return NULL;
	obj->p11 = module;
	if (config != NULL)
		obj->cfg = *config;
	if (obj->cfg.mechanism[0] == 0)
		obj->cfg.mechanism[0] = CKM_PORTFOLIO_AUTH_CMAC;
	if (obj->cfg.mechanism[1] == 0)
		obj->cfg.mechanism[1] = CKM_PORTFOLIO_ENC_GCM;
	if (obj->cfg.max_identity_len == 0)
		obj->cfg.max_identity_len = PF_IDENTITY_MAX;
	pthread_mutex_init(&obj->queue_lock, NULL);
	pthread_cond_init(&obj->queue_cond, NULL);

	if (obj->cfg.user_pin != NULL) {
		obj->pin_len = strlen(obj->cfg.user_pin);
		obj->pin = malloc(obj->pin_len + 1);
		if (obj->pin == NULL)
			goto fail;
		memcpy(obj->pin, obj->cfg.user_pin, obj->pin_len + 1);
		obj->cfg.user_pin = NULL; /* the caller's copy is theirs to wipe */
	}

	if (!obj->cfg.module_initialized_by_caller) {
		CK_C_INITIALIZE_ARGS init;
		memset(&init, 0, sizeof(init));
		init.flags = CKF_OS_LOCKING_OK;
		CK_RV rv = module->C_Initialize(&init);
		if (rv == CKR_OK) {
			obj->finalize_module = 1;
		} else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
			pf_logf(obj, PF_OBJ16_LOG_ERROR, "C_Initialize failed: %s", pf_ckr_name_str(rv));
			goto fail;
		}
	}
	if (discover(obj) != 0)
		goto fail;
	if (obj->cfg.async && pf_worker_start(obj) != 0) {
		pf_logf(obj, PF_OBJ16_LOG_ERROR, "cannot start the worker thread");
		goto fail;
	}
	return obj;
fail:
	pf_obj16_free(obj);
	return NULL;
}

void pf_obj16_free(pf_obj16 *obj)
{
	if (obj == NULL)
		return;
	pf_worker_stop(obj);
	for (size_t i = 0; i < obj->count; i++) {
		pf_inst *in = &obj->inst[i];
		pf_tok_close(obj, in);
		pf_free_secret(in->auth_data, in->auth_len);
		pthread_mutex_destroy(&in->session_lock);
		pthread_mutex_destroy(&in->state_lock);
		pthread_cond_destroy(&in->idle_cond);
	}
	free(obj->inst);
	free(obj->queue);
	if (obj->finalize_module)
		(void)obj->p11->C_Finalize(NULL);
	pf_free_secret(obj->pin, obj->pin_len + 1);
	pthread_mutex_destroy(&obj->queue_lock);
	pthread_cond_destroy(&obj->queue_cond);
	free(obj);
}

pf_obj16_result pf_obj16_list_instances(pf_obj16 *obj, uint16_t *iids, size_t cap, size_t *count)
{
	if (obj == NULL || count == NULL || (iids == NULL && cap != 0))
		return PF_OBJ16_INTERNAL_ERROR;
	for (size_t i = 0; i < obj->count && i < cap; i++)
		iids[i] = obj->inst[i].iid;
	*count = obj->count;
	return obj->count > cap ? PF_OBJ16_BUFFER_TOO_SMALL : PF_OBJ16_OK;
}

/* Ensures an open session, under session_lock. */
static pf_obj16_result open_locked(pf_obj16 *obj, pf_inst *in)
{
	return pf_tok_open(obj, in) == CKR_OK ? PF_OBJ16_OK : PF_OBJ16_INTERNAL_ERROR;
}

pf_obj16_result pf_obj16_open_instance(pf_obj16 *obj, uint16_t iid)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	pthread_mutex_lock(&in->session_lock);
	pf_obj16_result r = open_locked(obj, in);
	pthread_mutex_unlock(&in->session_lock);
	return r;
}

static const pf_obj16_resource_info resources[] = {
	{PF_OBJ16_RID_IDENTITY, "Identity", "RW", 1, 1, "String"},
	{PF_OBJ16_RID_GET_AUTH, "GetAuthData", "E", 0, 0, "none"},
	{PF_OBJ16_RID_AUTH_DATA, "AuthData", "R", 1, 0, "Opaque"},
	{PF_OBJ16_RID_STATUS, "AuthStatus", "R", 0, 0, "Integer"},
};

const pf_obj16_resource_info *pf_obj16_resources(size_t *count)
{
	if (count != NULL)
		*count = sizeof(resources) / sizeof(resources[0]);
	return resources;
}

/* Runs a token call with one reopen-and-retry when the session was lost
 * (module re-initialised, token re-inserted, login dropped). */
#define WITH_SESSION(obj, in, rv, call)                                  \
	do {                                                             \
		(rv) = pf_tok_open((obj), (in));                         \
		if ((rv) == CKR_OK)                                      \
			(rv) = (call);                                   \
		if (pf_tok_retryable(rv)) {                              \
			pf_tok_close((obj), (in));                       \
			(rv) = pf_tok_open((obj), (in));                 \
			if ((rv) == CKR_OK)                              \
				(rv) = (call);                           \
		}                                                        \
	} while (0)

pf_obj16_result pf_obj16_list_resource_instances(pf_obj16 *obj, uint16_t iid, uint16_t rid,
						 uint16_t *riids, size_t cap, size_t *count)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (count == NULL || (riids == NULL && cap != 0))
		return PF_OBJ16_INTERNAL_ERROR;
	if (rid == PF_OBJ16_RID_AUTH_DATA) {
		pthread_mutex_lock(&in->state_lock);
		*count = in->status == PF_OBJ16_DATA_AVAIL ? 1 : 0;
		pthread_mutex_unlock(&in->state_lock);
		if (*count > cap)
			return PF_OBJ16_BUFFER_TOO_SMALL;
		if (*count)
			riids[0] = 0;
		return PF_OBJ16_OK;
	}
	if (rid == PF_OBJ16_RID_GET_AUTH || rid == PF_OBJ16_RID_STATUS)
		return PF_OBJ16_METHOD_NOT_ALLOWED;
	if (rid != PF_OBJ16_RID_IDENTITY)
		return PF_OBJ16_NOT_FOUND;

	uint16_t *ids = NULL;
	size_t n = 0;
	CK_RV rv;
	pthread_mutex_lock(&in->session_lock);
	WITH_SESSION(obj, in, rv, pf_tok_identity_ids(obj, in, &ids, &n));
	pthread_mutex_unlock(&in->session_lock);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: listing identities failed: %s", iid, pf_ckr_name_str(rv));
		return PF_OBJ16_INTERNAL_ERROR;
	}
	*count = n;
	for (size_t i = 0; i < n && i < cap; i++)
		riids[i] = ids[i];
	free(ids);
	return n > cap ? PF_OBJ16_BUFFER_TOO_SMALL : PF_OBJ16_OK;
}

/* ---- Identity ------------------------------------------------------------------ */

static CK_RV read_identity_locked(pf_obj16 *obj, pf_inst *in, uint16_t riid, char **value, size_t *len,
				  int *found)
{
	CK_OBJECT_HANDLE h;
	CK_RV rv = pf_tok_find_identity(obj, in, riid, &h, found);
	if (rv != CKR_OK || !*found)
		return rv;
	return pf_tok_read_value(obj, in, h, value, len);
}

pf_obj16_result pf_obj16_read_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid, char *buf, size_t cap,
				       size_t *len)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (len == NULL || (buf == NULL && cap != 0))
		return PF_OBJ16_INTERNAL_ERROR;
	char *value = NULL;
	size_t n = 0;
	int found = 0;
	CK_RV rv;
	pthread_mutex_lock(&in->session_lock);
	WITH_SESSION(obj, in, rv, read_identity_locked(obj, in, riid, &value, &n, &found));
	pthread_mutex_unlock(&in->session_lock);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: reading identity %u failed: %s", iid, riid, pf_ckr_name_str(rv));
		return PF_OBJ16_INTERNAL_ERROR;
	}
	if (!found)
		return PF_OBJ16_NOT_FOUND;
	*len = n;
	pf_obj16_result r = PF_OBJ16_BUFFER_TOO_SMALL;
	if (n <= cap) {
		memcpy(buf, value, n);
		r = PF_OBJ16_OK;
	}
	free(value);
	return r;
}

pf_obj16_result pf_obj16_write_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid, const char *value,
					size_t len)
{
	const pf_obj16_identity_write one = {riid, value, len};
	return pf_obj16_write_identities(obj, iid, &one, 1, 0);
}

static CK_RV delete_identity_locked(pf_obj16 *obj, pf_inst *in, uint16_t riid, int *found, int *protected_)
{
	CK_OBJECT_HANDLE h;
	*protected_ = 0;
	CK_RV rv = pf_tok_find_identity(obj, in, riid, &h, found);
	if (rv != CKR_OK || !*found)
		return rv;
	int provisioned = 0;
	(void)pf_tok_hash_provisioned(obj, in, h, &provisioned);
	if (provisioned) {
		*protected_ = 1;
		return CKR_OK;
	}
	return pf_tok_delete(obj, in, h);
}

pf_obj16_result pf_obj16_delete_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	int found = 0, protected_ = 0;
	CK_RV rv;
	pthread_mutex_lock(&in->session_lock);
	WITH_SESSION(obj, in, rv, delete_identity_locked(obj, in, riid, &found, &protected_));
	pthread_mutex_unlock(&in->session_lock);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: deleting identity %u failed: %s", iid, riid, pf_ckr_name_str(rv));
		return PF_OBJ16_INTERNAL_ERROR;
	}
	if (!found)
		return PF_OBJ16_NOT_FOUND;
	if (protected_) {
		pf_logf(obj, PF_OBJ16_LOG_WARNING,
			"instance %u: identity %u has a provisioned hash and is not deleted", iid, riid);
		return PF_OBJ16_METHOD_NOT_ALLOWED;
	}
	return PF_OBJ16_OK;
}

/* ---- AuthStatus, AuthData, delivery ------------------------------------------------ */

pf_obj16_result pf_obj16_read_status(pf_obj16 *obj, uint16_t iid, pf_obj16_status *status)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (status == NULL)
		return PF_OBJ16_INTERNAL_ERROR;
	pthread_mutex_lock(&in->state_lock);
	*status = in->status;
	pthread_mutex_unlock(&in->state_lock);
	return PF_OBJ16_OK;
}

pf_obj16_result pf_obj16_read_auth_data(pf_obj16 *obj, uint16_t iid, uint8_t *buf, size_t cap, size_t *len,
					pf_obj16_delivery *tag)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (len == NULL || (buf == NULL && cap != 0))
		return PF_OBJ16_INTERNAL_ERROR;
	pf_obj16_result r;
	pthread_mutex_lock(&in->state_lock);
	if (tag != NULL)
		*tag = 0;
	*len = 0;
	if (in->status != PF_OBJ16_DATA_AVAIL) {
		r = PF_OBJ16_NOT_FOUND;
	} else {
		*len = in->auth_len;
		if (in->auth_len > cap) {
			r = PF_OBJ16_BUFFER_TOO_SMALL;
		} else {
			memcpy(buf, in->auth_data, in->auth_len);
			if (tag != NULL)
				*tag = in->data_tag;
			r = PF_OBJ16_OK;
		}
	}
	pthread_mutex_unlock(&in->state_lock);
	return r;
}

pf_obj16_result pf_obj16_delivered(pf_obj16 *obj, uint16_t iid, pf_obj16_delivery tag)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	int consumed = 0;
	pthread_mutex_lock(&in->state_lock);
	if (tag != 0 && in->status == PF_OBJ16_DATA_AVAIL && in->data_tag == tag) {
		pf_free_secret(in->auth_data, in->auth_len);
		in->auth_data = NULL;
		in->auth_len = 0;
		in->data_tag = 0;
		in->status = PF_OBJ16_IDLE;
		consumed = 1;
	}
	pthread_mutex_unlock(&in->state_lock);
	if (consumed) {
		pf_notify(obj, iid, PF_OBJ16_RID_AUTH_DATA);
		pf_notify(obj, iid, PF_OBJ16_RID_STATUS);
	}
	return PF_OBJ16_OK;
}

void pf_obj16_snapshot_free(pf_obj16_snapshot *snap)
{
	if (snap == NULL)
		return;
	pf_free_secret(snap->auth_data, snap->auth_data_len);
	for (size_t i = 0; i < snap->identity_count; i++)
		free(snap->identities[i].value);
	free(snap->identities);
	free(snap);
}

static void clear_identities(pf_obj16_snapshot *s)
{
	for (size_t i = 0; i < s->identity_count; i++)
		free(s->identities[i].value);
	free(s->identities);
	s->identities = NULL;
	s->identity_count = 0;
}

static CK_RV read_all_identities(pf_obj16 *obj, pf_inst *in, pf_obj16_snapshot *s)
{
	uint16_t *ids = NULL;
	size_t n = 0;
	CK_RV rv = pf_tok_identity_ids(obj, in, &ids, &n);
	if (rv != CKR_OK)
		return rv;
	s->identities = calloc(n ? n : 1, sizeof(*s->identities));
	if (s->identities == NULL) {
		free(ids);
		return CKR_HOST_MEMORY;
	}
	for (size_t i = 0; i < n && rv == CKR_OK; i++) {
		int found = 0;
		pf_obj16_identity_value *v = &s->identities[s->identity_count];
		rv = read_identity_locked(obj, in, ids[i], &v->value, &v->len, &found);
		if (rv == CKR_OK && found) {
			v->riid = ids[i];
			s->identity_count++;
		}
	}
	free(ids);
	return rv;
}

pf_obj16_result pf_obj16_read_snapshot(pf_obj16 *obj, uint16_t iid, pf_obj16_snapshot **out)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (out == NULL)
		return PF_OBJ16_INTERNAL_ERROR;
	*out = NULL;
	pf_obj16_snapshot *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return PF_OBJ16_INTERNAL_ERROR;
	s->iid = iid;
	CK_RV rv;
	pthread_mutex_lock(&in->session_lock);
	/* A retry must start from an empty list. */
	WITH_SESSION(obj, in, rv, (clear_identities(s), read_all_identities(obj, in, s)));
	pthread_mutex_unlock(&in->session_lock);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: reading identities failed: %s", iid, pf_ckr_name_str(rv));
		pf_obj16_snapshot_free(s);
		return PF_OBJ16_INTERNAL_ERROR;
	}
	/* AuthStatus and AuthData together, so a READ of /16/x never shows
	 * DATA_AVAIL with empty data or data with IDLE. */
	pthread_mutex_lock(&in->state_lock);
	s->status = in->status;
	if (in->status == PF_OBJ16_DATA_AVAIL) {
		s->auth_data = malloc(in->auth_len ? in->auth_len : 1);
		if (s->auth_data != NULL) {
			memcpy(s->auth_data, in->auth_data, in->auth_len);
			s->auth_data_len = in->auth_len;
			s->tag = in->data_tag;
		}
	}
	pthread_mutex_unlock(&in->state_lock);
	if (s->status == PF_OBJ16_DATA_AVAIL && s->auth_data == NULL) {
		pf_obj16_snapshot_free(s);
		return PF_OBJ16_INTERNAL_ERROR;
	}
	*out = s;
	return PF_OBJ16_OK;
}

pf_obj16_result pf_obj16_last_error(pf_obj16 *obj, uint16_t iid, char *buf, size_t cap)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (buf == NULL || cap == 0)
		return PF_OBJ16_INTERNAL_ERROR;
	pthread_mutex_lock(&in->state_lock);
	size_t n = strnlen(in->last_error, sizeof(in->last_error));
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, in->last_error, n);
	buf[n] = '\0';
	pthread_mutex_unlock(&in->state_lock);
	return PF_OBJ16_OK;
}

pf_obj16_result pf_obj16_wait_idle(pf_obj16 *obj, uint16_t iid)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	pthread_mutex_lock(&in->state_lock);
	while (in->job_pending || in->job_running)
		pthread_cond_wait(&in->idle_cond, &in->state_lock);
	pthread_mutex_unlock(&in->state_lock);
	return PF_OBJ16_OK;
}
