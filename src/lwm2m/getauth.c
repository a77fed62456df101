/*
 * getauth.c - Execute /16/x/1 (GetAuthData) and the AuthStatus state
 * machine of TS 1.0.1 section 5.2.1:
 *
 *   Execute reaches the object      -> IDLE, AuthData cleared
 *   ... with arguments it refuses   -> ERROR, AuthData cleared (4.00)
 *   the token produced the result   -> DATA_AVAIL, AuthData = result
 *   the process failed              -> ERROR
 *   AuthData delivered (READ/NOTIFY)-> IDLE   (pf_obj16_delivered, obj16.c)
 *
 * Each Execute that reaches the object gets a new generation; a result is
 * published only if no newer Execute came in meanwhile, so a slow secure
 * element can never overwrite the answer to a later request.
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

/* Under state_lock: drop the current value, start a new generation. Returns
 * whether observers of AuthData/AuthStatus see a change. */
static int reset_locked(pf_inst *in, pf_obj16_status to)
{
	int changed = in->status != to || in->auth_data != NULL;
	pf_free_secret(in->auth_data, in->auth_len);
	in->auth_data = NULL;
	in->auth_len = 0;
	in->data_tag = 0;
	in->status = to;
	in->generation++;
	/* A queued job of an older generation would only be discarded. */
	in->job_pending = 0;
	if (!in->job_running)
		pthread_cond_broadcast(&in->idle_cond);
	return changed;
}

static void notify_both(pf_obj16 *obj, uint16_t iid)
{
	pf_notify(obj, iid, PF_OBJ16_RID_AUTH_DATA);
	pf_notify(obj, iid, PF_OBJ16_RID_STATUS);
}

/* Publishes an outcome of generation g (data NULL: ERROR). Takes ownership of data. */
static void publish(pf_obj16 *obj, pf_inst *in, uint64_t g, uint8_t *data, size_t len)
{
	int current;
	pthread_mutex_lock(&in->state_lock);
	current = in->generation == g;
	if (current) {
		pf_free_secret(in->auth_data, in->auth_len);
		in->auth_data = data;
		in->auth_len = data != NULL ? len : 0;
		in->data_tag = data != NULL ? g : 0;
		in->status = data != NULL ? PF_OBJ16_DATA_AVAIL : PF_OBJ16_ERROR;
	}
	pthread_mutex_unlock(&in->state_lock);
	if (!current) {
		pf_free_secret(data, len);
		pf_logf(obj, PF_OBJ16_LOG_INFO, "instance %u: result superseded by a newer GetAuthData", in->iid);
		return;
	}
	notify_both(obj, in->iid);
}

/* The token side of one request; returns the output or NULL (reason recorded). */
static uint8_t *compute_locked(pf_obj16 *obj, pf_inst *in, const pf_getauth_request *req, size_t *len,
			       CK_RV *rv_out, int *reported)
{
	CK_OBJECT_HANDLE ident, key;
	int found = 0;
	size_t keys = 0;
	uint8_t *out = NULL;
	CK_RV rv = pf_tok_open(obj, in);
	*reported = rv != CKR_OK; /* pf_tok_open said why (login, session) */
	if (rv == CKR_OK)
		rv = pf_tok_find_identity(obj, in, req->identity_id, &ident, &found);
	if (rv == CKR_OK && !found) {
		pf_inst_fail(obj, in, "instance %u: GetAuthData: identity instance %u does not exist", in->iid,
			     req->identity_id);
		goto done;
	}
	if (rv == CKR_OK && req->service == 0) {
		int provisioned = 0;
		rv = pf_tok_hash_provisioned(obj, in, ident, &provisioned);
		if (rv == CKR_OK && !provisioned) {
			pf_inst_fail(obj, in,
				     "instance %u: GetAuthData: identity %u has no provisioned hash to authenticate",
				     in->iid, req->identity_id);
			goto done;
		}
	}
	if (rv == CKR_OK)
		rv = pf_tok_find_key(obj, in, req->service, req->key_index, &key, &keys);
	if (rv == CKR_OK && keys != 1) {
		pf_inst_fail(obj, in, "instance %u: GetAuthData: %s key %u of service %u",
			     in->iid, keys == 0 ? "no" : "more than one", req->key_index, req->service);
		goto done;
	}
	if (rv == CKR_OK)
		rv = pf_tok_compute(obj, in, req, key, &out, len);
done:
	*rv_out = rv;
	return out;
}

void pf_getauth_run(pf_obj16 *obj, pf_inst *in, const pf_getauth_request *req, uint64_t g)
{
	size_t len = 0;
	CK_RV rv = CKR_OK;
	int reported = 0;
	pthread_mutex_lock(&in->session_lock);
	uint8_t *out = compute_locked(obj, in, req, &len, &rv, &reported);
	if (out == NULL && pf_tok_retryable(rv)) {
		pf_tok_close(obj, in);
		out = compute_locked(obj, in, req, &len, &rv, &reported);
	}
	pthread_mutex_unlock(&in->session_lock);
	if (out == NULL && rv != CKR_OK && !reported)
		pf_inst_fail(obj, in, "instance %u: GetAuthData (service %u, key %u) failed: %s", in->iid,
			     req->service, req->key_index, pf_ckr_name_str(rv));
	publish(obj, in, g, out, len);
}

/* Every GetAuthData that reaches the object was triggered (TS 1.0.1 5.2.1:
 * AuthStatus is reset when GetAuthData is triggered), whatever is wrong
 * with its arguments, and a refused one is a process that failed: so every
 * refusal, grammar or meaning, drops any waiting AuthData and ends in
 * ERROR, under every stack. Only the logged reason tells them apart. */
static pf_obj16_result refuse(pf_obj16 *obj, pf_inst *in, const char *why)
{
	pthread_mutex_lock(&in->state_lock);
	int changed = reset_locked(in, PF_OBJ16_ERROR);
	pthread_mutex_unlock(&in->state_lock);
	pf_inst_refuse(obj, in, "instance %u: GetAuthData refused: %s", in->iid, why);
	if (changed)
		notify_both(obj, in->iid);
	return PF_OBJ16_BAD_REQUEST;
}

static pf_obj16_result execute_parsed(pf_obj16 *obj, pf_inst *in, uint16_t iid, pf_exec_args *parsed);

pf_obj16_result pf_obj16_execute(pf_obj16 *obj, uint16_t iid, const char *args, size_t len)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;

	char why[160];
	pf_exec_args parsed;
	if (pf_args_parse(args, len, obj->cfg.lenient_args, &parsed, why, sizeof(why)) != 0)
		return refuse(obj, in, why);
	return execute_parsed(obj, in, iid, &parsed);
}

pf_obj16_result pf_obj16_execute_args(pf_obj16 *obj, uint16_t iid, const pf_obj16_exec_arg *args,
				      size_t count)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;

	char why[160];
	pf_exec_args parsed;
	if (pf_args_from_list(args, count, &parsed, why, sizeof(why)) != 0)
		return refuse(obj, in, why);
	return execute_parsed(obj, in, iid, &parsed);
}

pf_obj16_result pf_obj16_execute_malformed(pf_obj16 *obj, uint16_t iid)
{
	pf_inst *in = pf_find_inst(obj, iid);
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	return refuse(obj, in, "argument list: malformed (found by the stack)");
}

/* Takes ownership of parsed (cleared before returning). */
static pf_obj16_result execute_parsed(pf_obj16 *obj, pf_inst *in, uint16_t iid, pf_exec_args *parsed_args)
{
	char why[160];
	pf_exec_args parsed = *parsed_args;
	pf_getauth_request req;
	int bad = pf_getauth_from_args(&parsed, obj->cfg.lenient_args, &req, why, sizeof(why)) != 0;
	int app_refused = 0;
	if (!bad && obj->cfg.app_args != NULL) {
		const char *values[6];
		int present[6];
		for (int i = 0; i < 6; i++) {
			values[i] = parsed.value[4 + i];
			present[i] = parsed.present[4 + i];
		}
		app_refused = obj->cfg.app_args(obj->cfg.ctx, iid, values, present) != 0;
	}
	pf_args_clear(&parsed);

	if (bad)
		return refuse(obj, in, why);
	if (app_refused)
		return refuse(obj, in, "application arguments 4..9 refused");

	pthread_mutex_lock(&in->state_lock);
	int changed = reset_locked(in, PF_OBJ16_IDLE);
	uint64_t g = in->generation;
	in->last_error[0] = '\0';
	if (obj->cfg.async) {
		/* A queued but unstarted job is simply replaced: its answer
		 * would be superseded anyway. */
		in->job = req;
		in->job_generation = g;
		in->job_pending = 1;
	}
	pthread_mutex_unlock(&in->state_lock);

	if (obj->cfg.async) {
		pf_worker_enqueue(obj, in);
		if (changed)
			notify_both(obj, iid);
	} else {
		/* Observers see one change, the final one. */
		pf_getauth_run(obj, in, &req, g);
	}
	pf_wipe(&req, sizeof(req));
	return PF_OBJ16_OK;
}
