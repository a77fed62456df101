/*
 * obj16_anjay.h - Object 16 for Anjay 3 clients, backed by
 * libportfolio-lwm2m. Calls Anjay's public API only (anjay/anjay.h); build
 * it with your Anjay tree and link -lportfolio-lwm2m -lcrypto -pthread.
 *
 * In the application:
 *   obj = pf_anjay_obj16_new(anjay);
 *   config.changed = pf_anjay_obj16_changed; config.ctx = obj;
 *   adapter = pf_obj16_new(module, &config);
 *   pf_anjay_obj16_set_adapter(obj, adapter);
 *   anjay_register_object(anjay, pf_anjay_obj16_def(obj));
 *   loop: pf_anjay_obj16_flush(obj); anjay_sched_run(anjay); ... anjay_serve(...)
 */
#ifndef PF_OBJ16_ANJAY_H
#define PF_OBJ16_ANJAY_H

#include <anjay/anjay.h>

#include <portfolio-lwm2m/obj16.h>

typedef struct pf_anjay_obj16 pf_anjay_obj16;

pf_anjay_obj16 *pf_anjay_obj16_new(anjay_t *anjay);
void pf_anjay_obj16_set_adapter(pf_anjay_obj16 *obj, pf_obj16 *adapter);
/* For anjay_register_object / anjay_unregister_object. */
const anjay_dm_object_def_t *const *pf_anjay_obj16_def(pf_anjay_obj16 *obj);
/* Unregister the object first; the adapter stays the caller's. */
void pf_anjay_obj16_free(pf_anjay_obj16 *obj);

/* The adapter's changed hook (ctx = the pf_anjay_obj16). Thread-safe: it
 * only queues; pf_anjay_obj16_flush, on Anjay's thread, notifies. */
void pf_anjay_obj16_changed(void *ctx, uint16_t iid, uint16_t rid);
void pf_anjay_obj16_flush(pf_anjay_obj16 *obj);

#endif
