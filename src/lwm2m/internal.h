/*
 * internal.h - the adapter's private state, shared by its files.
 *
 * Locking: each instance has a session_lock (its PKCS#11 session; held for
 * the length of a token call, which may be slow on a real secure element)
 * and a state_lock (AuthStatus, AuthData, job; held only briefly, so polling
 * AuthStatus never waits for the secure element). Order: session_lock before
 * state_lock; the adapter's queue_lock is never held with either.
 * Callbacks (changed, log, get_pin, app_args) run with no state/queue lock held.
 */
#ifndef PF_LWM2M_INTERNAL_H
#define PF_LWM2M_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>

#include "portfolio-lwm2m/obj16.h"
#include "lwm2m/args.h"
#include "util/ckr_name.h"

typedef struct pf_inst {
	uint16_t iid;
	CK_SLOT_ID slot;

	pthread_mutex_t session_lock;
	CK_SESSION_HANDLE session;
	int session_open;

	pthread_mutex_t state_lock;
	pthread_cond_t idle_cond;
	pf_obj16_status status;
	uint8_t *auth_data;
	size_t auth_len;
	pf_obj16_delivery data_tag; /* the request generation that produced auth_data */
	uint64_t generation;        /* bumped by every GetAuthData that reaches the object */
	int job_pending;            /* async: job waits for the worker */
	int job_running;
	pf_getauth_request job;
	uint64_t job_generation;
	int queued;                 /* on the worker's queue (guarded by queue_lock) */
	char last_error[192];
} pf_inst;

struct pf_obj16 {
	CK_FUNCTION_LIST_PTR p11;
	pf_obj16_config cfg;
	char *pin;  /* copy of cfg.user_pin */
	size_t pin_len;
	int finalize_module;

	size_t count;
	pf_inst *inst; /* sorted by iid */

	/* async worker */
	pthread_t worker;
	int worker_started;
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	int stopping;
	pf_inst **queue; /* FIFO of instances with a pending job, capacity count */
	size_t q_head, q_len;
};

pf_inst *pf_find_inst(pf_obj16 *obj, uint16_t iid);

void pf_logf(pf_obj16 *obj, pf_obj16_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records the reason as the instance's last error and logs it: ERROR for
 * failures of the device side, WARNING for requests refused (the server's
 * fault). */
void pf_inst_fail(pf_obj16 *obj, pf_inst *inst, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pf_inst_refuse(pf_obj16 *obj, pf_inst *inst, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Return-code names: pf_ckr_name_str (util/ckr_name.h, the one table). */
void pf_notify(pf_obj16 *obj, uint16_t iid, uint16_t rid);

/* ---- token.c: PKCS#11 calls on the instance's session ------------------------ */

/* Ensures the session is open and logged in. Caller holds session_lock. */
CK_RV pf_tok_open(pf_obj16 *obj, pf_inst *inst);
void pf_tok_close(pf_obj16 *obj, pf_inst *inst);
/* Whether rv means "reopen the session and try once more". */
int pf_tok_retryable(CK_RV rv);

/* Identity objects. ids: malloc'd ascending array. */
CK_RV pf_tok_identity_ids(pf_obj16 *obj, pf_inst *inst, uint16_t **ids, size_t *count);
/* *found = 0 if absent. */
CK_RV pf_tok_find_identity(pf_obj16 *obj, pf_inst *inst, uint16_t riid, CK_OBJECT_HANDLE *h, int *found);
/* Reads CKA_VALUE into a malloc'd NUL-terminated buffer. */
CK_RV pf_tok_read_value(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h, char **value, size_t *len);
CK_RV pf_tok_hash_provisioned(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h, int *provisioned);
CK_RV pf_tok_write_identity(pf_obj16 *obj, pf_inst *inst, uint16_t riid, const char *value, size_t len);
CK_RV pf_tok_delete(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h);
/* *count = number of keys with (service, index); *h the first. */
CK_RV pf_tok_find_key(pf_obj16 *obj, pf_inst *inst, unsigned service, uint32_t index,
		      CK_OBJECT_HANDLE *h, size_t *count);
/* The cryptographic operation of a GetAuthData, output malloc'd. */
CK_RV pf_tok_compute(pf_obj16 *obj, pf_inst *inst, const pf_getauth_request *req,
		     CK_OBJECT_HANDLE key, uint8_t **out, size_t *out_len);

/* ---- getauth.c ---------------------------------------------------------------- */

/* Runs one GetAuthData against the token and publishes the outcome, unless
 * a newer request superseded it. Takes the session lock itself. */
void pf_getauth_run(pf_obj16 *obj, pf_inst *inst, const pf_getauth_request *req, uint64_t generation);

/* ---- worker.c ----------------------------------------------------------------- */

int pf_worker_start(pf_obj16 *obj);
void pf_worker_stop(pf_obj16 *obj);
/* Queues inst (its job is already stored under state_lock). */
void pf_worker_enqueue(pf_obj16 *obj, pf_inst *inst);

#endif
