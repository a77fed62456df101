/*
 * diag.c - the integrator's view of failures: a log hook and each
 * instance's last error. Messages are built from ids, argument numbers and
 * return-code names only, so no secret can reach a log.
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <stdio.h>
#include <string.h>

void pf_logf(pf_obj16 *obj, pf_obj16_log_level level, const char *fmt, ...)
{
	if (obj == NULL || obj->cfg.log == NULL)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	obj->cfg.log(obj->cfg.ctx, level, msg);
}

static void record(pf_obj16 *obj, pf_inst *inst, pf_obj16_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void record(pf_obj16 *obj, pf_inst *inst, pf_obj16_log_level level, const char *fmt, va_list ap)
{
	char msg[sizeof(inst->last_error)];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pthread_mutex_lock(&inst->state_lock);
	memcpy(inst->last_error, msg, sizeof(msg));
	pthread_mutex_unlock(&inst->state_lock);
	pf_logf(obj, level, "%s", msg);
}

void pf_inst_fail(pf_obj16 *obj, pf_inst *inst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(obj, inst, PF_OBJ16_LOG_ERROR, fmt, ap);
	va_end(ap);
}

void pf_inst_refuse(pf_obj16 *obj, pf_inst *inst, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(obj, inst, PF_OBJ16_LOG_WARNING, fmt, ap);
	va_end(ap);
}

void pf_notify(pf_obj16 *obj, uint16_t iid, uint16_t rid)
{
	if (obj->cfg.changed != NULL)
		obj->cfg.changed(obj->cfg.ctx, iid, rid);
}

const char *pf_obj16_result_name(pf_obj16_result r)
{
	switch (r) {
	case PF_OBJ16_OK: return "OK";
	case PF_OBJ16_BAD_REQUEST: return "4.00 Bad Request";
	case PF_OBJ16_NOT_FOUND: return "4.04 Not Found";
	case PF_OBJ16_METHOD_NOT_ALLOWED: return "4.05 Method Not Allowed";
	case PF_OBJ16_INTERNAL_ERROR: return "5.00 Internal Server Error";
	case PF_OBJ16_BUFFER_TOO_SMALL: return "buffer too small";
	}
	return "unknown";
}

uint8_t pf_obj16_coap_code(pf_obj16_result r, pf_obj16_op op)
{
#define CODE(c, d) (uint8_t)((c) << 5 | (d))
	switch (r) {
	case PF_OBJ16_OK:
		switch (op) {
		case PF_OBJ16_OP_READ: return CODE(2, 5);
		case PF_OBJ16_OP_DELETE: return CODE(2, 2);
		case PF_OBJ16_OP_WRITE:
		case PF_OBJ16_OP_EXECUTE: return CODE(2, 4);
		}
		return CODE(2, 4);
	case PF_OBJ16_BAD_REQUEST: return CODE(4, 0);
	case PF_OBJ16_NOT_FOUND: return CODE(4, 4);
	case PF_OBJ16_METHOD_NOT_ALLOWED: return CODE(4, 5);
	case PF_OBJ16_BUFFER_TOO_SMALL: /* the binding's buffer: its own fault */
	case PF_OBJ16_INTERNAL_ERROR: return CODE(5, 0);
	}
	return CODE(5, 0);
#undef CODE
}
