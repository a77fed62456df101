/*
 * compile-check/zephyr/net/lwm2m.h - NOT Zephyr's header. A stand-in that
 * declares only the parts of Zephyr's public LwM2M API (include/zephyr/net/
 * lwm2m.h) that obj16_zephyr.c uses, with the signatures as documented
 * there, so the binding can be compile-checked without a Zephyr tree:
 *   cc -std=c11 -Wall -Wextra -Werror -I bindings/zephyr/compile-check \
 *      -I include -I build -c bindings/zephyr/obj16_zephyr.c
 * A real build uses Zephyr's own header instead (drop this directory).
 */
#ifndef PF_ZEPHYR_LWM2M_COMPILE_CHECK_H
#define PF_ZEPHYR_LWM2M_COMPILE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zephyr/sys/slist.h>

#define LWM2M_OBJECT_PORTFOLIO_ID 16

struct lwm2m_obj_path {
	uint16_t obj_id;
	uint16_t obj_inst_id;
	uint16_t res_id;
	uint16_t res_inst_id;
	uint8_t level;
};

enum lwm2m_socket_states {
	LWM2M_SOCKET_STATE_ONGOING,
	LWM2M_SOCKET_STATE_ONE_RESPONSE,
	LWM2M_SOCKET_STATE_LAST,
	LWM2M_SOCKET_STATE_NO_DATA,
};

/* The fields of Zephyr's struct lwm2m_ctx that the binding reads; the real
 * struct has more, before and between them. pending_sends is the engine's
 * FIFO of messages to send (socket_send_message takes its head), queued_messages
 * holds what queue mode buffers, processed_req is the request that
 * handle_request is working on (NULL between requests). */
struct lwm2m_ctx {
	sys_slist_t pending_sends;
#if defined(CONFIG_LWM2M_QUEUE_MODE_ENABLED)
	sys_slist_t queued_messages;
#endif
	void *processed_req;
	int sock_fd;
	void (*set_socket_state)(int fd, enum lwm2m_socket_states state);
};

typedef void *(*lwm2m_engine_get_data_cb_t)(uint16_t obj_inst_id, uint16_t res_id, uint16_t res_inst_id,
					    size_t *data_len);
typedef int (*lwm2m_engine_set_data_cb_t)(uint16_t obj_inst_id, uint16_t res_id, uint16_t res_inst_id,
					  uint8_t *data, uint16_t data_len, bool last_block, size_t total_size,
					  size_t offset);
typedef int (*lwm2m_engine_execute_cb_t)(uint16_t obj_inst_id, uint8_t *args, uint16_t args_len);

/* LwM2M Send (lwm2m_send_cb): the reply callback's statuses. */
enum lwm2m_send_status {
	LWM2M_SEND_STATUS_SUCCESS,
	LWM2M_SEND_STATUS_FAILURE,
	LWM2M_SEND_STATUS_TIMEOUT,
};
typedef void (*lwm2m_send_cb_t)(enum lwm2m_send_status status);
int lwm2m_send_cb(struct lwm2m_ctx *ctx, const struct lwm2m_obj_path path_list[], uint8_t path_list_size,
		  lwm2m_send_cb_t reply_cb);

int lwm2m_create_object_inst(const struct lwm2m_obj_path *path);
int lwm2m_create_res_inst(const struct lwm2m_obj_path *path);
int lwm2m_delete_res_inst(const struct lwm2m_obj_path *path);
int lwm2m_set_res_buf(const struct lwm2m_obj_path *path, void *buffer_ptr, uint16_t buffer_len,
		      uint16_t data_len, uint8_t data_flags);
int lwm2m_set_u8(const struct lwm2m_obj_path *path, uint8_t value);
int lwm2m_set_string(const struct lwm2m_obj_path *path, const char *data_ptr);
int lwm2m_register_read_callback(const struct lwm2m_obj_path *path, lwm2m_engine_get_data_cb_t cb);
int lwm2m_register_post_write_callback(const struct lwm2m_obj_path *path, lwm2m_engine_set_data_cb_t cb);
int lwm2m_register_exec_callback(const struct lwm2m_obj_path *path, lwm2m_engine_execute_cb_t cb);

#endif
