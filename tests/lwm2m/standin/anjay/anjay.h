/*
 * standin/anjay/anjay.h - NOT Anjay's header. A stand-in that declares the
 * parts of Anjay 3's public API (include_public/anjay/{core,dm,io}.h) that
 * bindings/anjay/obj16_anjay.c uses, with their upstream types, values and
 * signatures, so that tests/lwm2m/test_lwm2m_bindings can drive the binding
 * through Anjay's handler entry points without an Anjay tree.
 * tests/lwm2m/fake_stacks.c implements the functions.
 */
#ifndef PF_STANDIN_ANJAY_H
#define PF_STANDIN_ANJAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <avsystem/commons/avs_sched.h>

/* As in an Anjay build with LwM2M 1.2 (anjay_config.h). */
#define ANJAY_WITH_LWM2M12

typedef struct anjay_struct anjay_t;
typedef uint16_t anjay_oid_t;
typedef uint16_t anjay_iid_t;
typedef uint16_t anjay_rid_t;
typedef uint16_t anjay_riid_t;

typedef struct anjay_dm_list_ctx_struct anjay_dm_list_ctx_t;
typedef struct anjay_dm_resource_list_ctx_struct anjay_dm_resource_list_ctx_t;
typedef struct anjay_output_ctx_struct anjay_output_ctx_t;
typedef struct anjay_input_ctx_struct anjay_input_ctx_t;
typedef struct anjay_execute_ctx_struct anjay_execute_ctx_t;

#define ANJAY_COAP_STATUS(Maj, Min) ((uint8_t)((Maj << 5) | (Min & 0x1F)))
#define ANJAY_ERR_BAD_REQUEST (-(int)ANJAY_COAP_STATUS(4, 0))
#define ANJAY_ERR_NOT_FOUND (-(int)ANJAY_COAP_STATUS(4, 4))
#define ANJAY_ERR_METHOD_NOT_ALLOWED (-(int)ANJAY_COAP_STATUS(4, 5))
#define ANJAY_ERR_INTERNAL (-(int)ANJAY_COAP_STATUS(5, 0))
#define ANJAY_BUFFER_TOO_SHORT 1
#define ANJAY_EXECUTE_GET_ARG_END 1

typedef enum {
	ANJAY_DM_RES_R,
	ANJAY_DM_RES_W,
	ANJAY_DM_RES_RW,
	ANJAY_DM_RES_RM,
	ANJAY_DM_RES_WM,
	ANJAY_DM_RES_RWM,
	ANJAY_DM_RES_E,
	ANJAY_DM_RES_BS_RW
} anjay_dm_resource_kind_t;

typedef enum { ANJAY_DM_RES_ABSENT = 0, ANJAY_DM_RES_PRESENT = 1 } anjay_dm_resource_presence_t;

typedef struct anjay_dm_object_def_struct anjay_dm_object_def_t;
typedef const anjay_dm_object_def_t *const *obj_ptr_t;

typedef struct {
	int (*list_instances)(anjay_t *, obj_ptr_t, anjay_dm_list_ctx_t *);
	int (*instance_reset)(anjay_t *, obj_ptr_t, anjay_iid_t);
	int (*instance_create)(anjay_t *, obj_ptr_t, anjay_iid_t);
	int (*instance_remove)(anjay_t *, obj_ptr_t, anjay_iid_t);
	int (*list_resources)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_dm_resource_list_ctx_t *);
	int (*resource_read)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t, anjay_riid_t, anjay_output_ctx_t *);
	int (*resource_write)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t, anjay_riid_t, anjay_input_ctx_t *);
	int (*resource_execute)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t, anjay_execute_ctx_t *);
	int (*resource_reset)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t);
	int (*list_resource_instances)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t, anjay_dm_list_ctx_t *);
	int (*transaction_begin)(anjay_t *, obj_ptr_t);
	int (*transaction_validate)(anjay_t *, obj_ptr_t);
	int (*transaction_commit)(anjay_t *, obj_ptr_t);
	int (*transaction_rollback)(anjay_t *, obj_ptr_t);
#ifdef ANJAY_WITH_LWM2M12
	int (*resource_instance_remove)(anjay_t *, obj_ptr_t, anjay_iid_t, anjay_rid_t, anjay_riid_t);
#endif
} anjay_dm_handlers_t;

struct anjay_dm_object_def_struct {
	anjay_oid_t oid;
	const char *version;
	anjay_dm_handlers_t handlers;
};

int anjay_dm_transaction_NOOP(anjay_t *anjay, const anjay_dm_object_def_t *const *obj_ptr);

void anjay_dm_emit(anjay_dm_list_ctx_t *ctx, uint16_t id);
void anjay_dm_emit_res(anjay_dm_resource_list_ctx_t *ctx, anjay_rid_t rid, anjay_dm_resource_kind_t kind,
		       anjay_dm_resource_presence_t presence);

int anjay_ret_bytes(anjay_output_ctx_t *ctx, const void *data, size_t length);
int anjay_ret_string(anjay_output_ctx_t *ctx, const char *value);
int anjay_ret_i64(anjay_output_ctx_t *ctx, int64_t value);
int anjay_get_string(anjay_input_ctx_t *ctx, char *out_buf, size_t buf_size);

int anjay_execute_get_next_arg(anjay_execute_ctx_t *ctx, int *out_arg, bool *out_has_value);
int anjay_execute_get_arg_value(anjay_execute_ctx_t *ctx, size_t *out_bytes_read, char *out_buf,
				size_t buf_size);

int anjay_notify_changed(anjay_t *anjay, anjay_oid_t oid, anjay_iid_t iid, anjay_rid_t rid);
int anjay_notify_instances_changed(anjay_t *anjay, anjay_oid_t oid);
avs_sched_t *anjay_get_scheduler(anjay_t *anjay);

#endif
