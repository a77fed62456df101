/*
 * compile-check/zephyr/kernel.h - NOT Zephyr's header. A stand-in for the
 * one kernel call obj16_zephyr.c makes (k_current_get, include/zephyr/
 * kernel.h), with the upstream signature. A real build uses Zephyr's.
 */
#ifndef PF_ZEPHYR_KERNEL_COMPILE_CHECK_H
#define PF_ZEPHYR_KERNEL_COMPILE_CHECK_H

struct k_thread;
typedef struct k_thread *k_tid_t;

k_tid_t k_current_get(void);

#endif
