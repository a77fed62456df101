/*
 * obj16_zephyr.h - libportfolio-lwm2m behind Zephyr's built-in Object 16
 * (subsys/net/lib/lwm2m/lwm2m_obj_portfolio.c, CONFIG_LWM2M_PORTFOLIO_OBJ_SUPPORT).
 * Zephyr's object keeps its storage-only definition; this file hooks its
 * resources' callbacks instead of registering a second Object 16.
 *
 * In the application (LwM2M engine running):
 *   config.changed = pf_zephyr_obj16_changed;
 *   adapter = pf_obj16_new(module, &config);
 *   client_ctx.set_socket_state = pf_zephyr_obj16_socket_state;  (or call it from yours)
 *   pf_zephyr_obj16_attach(adapter, &client_ctx);
 *   on the LwM2M thread, e.g. from a k_work: pf_zephyr_obj16_flush();
 */
#ifndef PF_OBJ16_ZEPHYR_H
#define PF_OBJ16_ZEPHYR_H

#include <zephyr/net/lwm2m.h>

#include <portfolio-lwm2m/obj16.h>

/* Creates /16/iid for each adapter instance (Zephyr's object takes at most
 * 2) and hooks /16/iid/0 (read, post-write), /1 (execute), /2 and /3 (read).
 * ctx is the client context the engine serves (lwm2m_rd_client_start's):
 * the binding reads its pending_sends (which message a send hint is for)
 * and processed_req (which Write an identity belongs to); its
 * set_socket_state must reach pf_zephyr_obj16_socket_state.
 * 0, -EINVAL without adapter or ctx, or a negative errno from the engine. */
int pf_zephyr_obj16_attach(pf_obj16 *adapter, struct lwm2m_ctx *ctx);
/* The adapter's changed hook: only records (any thread). */
void pf_zephyr_obj16_changed(void *ctx, uint16_t iid, uint16_t rid);
/* On the LwM2M thread: turns recorded changes into engine notifications. */
void pf_zephyr_obj16_flush(void);
/* lwm2m_ctx.set_socket_state (engine thread): a sending state is one
 * message leaving the engine's queue; AuthData read for that message counts
 * as delivered. Any state ends a staged identity Write (applies it). */
void pf_zephyr_obj16_socket_state(int fd, enum lwm2m_socket_states state);

/* LwM2M Send (CONFIG_LWM2M_SERVER_OBJECT_VERSION_1_1) of /16/iid/2 with
 * lwm2m_send_cb: the AuthData it carries counts as delivered only when the
 * server answers that Send with 2.04 (the reply callback's SUCCESS), never
 * on FAILURE or TIMEOUT. One Send at a time, because lwm2m_send_cb_t has no
 * context argument: -EBUSY while one waits for its answer (if the engine
 * drops it without calling back, e.g. lwm2m_engine_stop, call attach
 * again). 0, -ENOENT for an unknown instance, or lwm2m_send_cb's error. */
int pf_zephyr_obj16_send(uint16_t iid);

#endif
