/*
 * obj16_wakaama.h - Object 16 for Wakaama clients, backed by
 * libportfolio-lwm2m. Build it with your Wakaama tree (its liblwm2m.h,
 * LWM2M_CLIENT_MODE, LwM2M 1.1) and link -lportfolio-lwm2m -lcrypto.
 *
 * In the application:
 *   1. obj = pf_wakaama_object_new();
 *      config.changed = pf_wakaama_changed; config.ctx = obj;
 *      adapter = pf_obj16_new(module, &config);
 *      pf_wakaama_set_adapter(obj, adapter);
 *      lwm2m_configure(ctx, ..., objArray with obj); pf_wakaama_attach(obj, ctx);
 *   2. before every lwm2m_step(): pf_wakaama_flush(obj);
 *      (turns the adapter's "changed" events, possibly from its worker
 *      thread, into lwm2m_resource_value_changed on this thread)
 *   3. in the application's lwm2m_buffer_send(), after the datagram went
 *      out: pf_wakaama_message_sent(obj, buffer, length);
 *      (this is how AuthData delivery is detected: see docs/lwm2m.md)
 */
#ifndef PF_OBJ16_WAKAAMA_H
#define PF_OBJ16_WAKAAMA_H

#include <liblwm2m.h>

#include <portfolio-lwm2m/obj16.h>

lwm2m_object_t *pf_wakaama_object_new(void);
/* Binds the adapter and fills the instance list from it. 0 on success. */
int pf_wakaama_set_adapter(lwm2m_object_t *obj, pf_obj16 *adapter);
void pf_wakaama_attach(lwm2m_object_t *obj, lwm2m_context_t *ctx);
void pf_wakaama_object_free(lwm2m_object_t *obj);

/* The adapter's changed hook (ctx = the lwm2m_object_t). Thread-safe. */
void pf_wakaama_changed(void *ctx, uint16_t iid, uint16_t rid);
/* Runs on the Wakaama thread: reports queued changes to the engine. */
void pf_wakaama_flush(lwm2m_object_t *obj);
/* Called with every datagram the client sends. */
void pf_wakaama_message_sent(lwm2m_object_t *obj, const uint8_t *buffer, size_t length);

#endif
