/*
 * p11.h - helpers shared by the C_* entry points. Each entry point is:
 * "initialised in this process?", pointer checks, one call into the core.
 */
#ifndef PORTFOLIO_P11_H
#define PORTFOLIO_P11_H

#include "core/core.h"

/* Enters the module (core_call_enter) for the rest of the enclosing scope:
 * the cleanup attribute leaves it on every return, after the return value is
 * computed, so C_Finalize can wait for calls in flight (inflight.c). */
#define P11_READY()                                                            \
	core_call p11_call_ __attribute__((cleanup(core_call_leave))) = {0, 0};    \
	do {                                                                       \
		CK_RV ready_rv_ = core_call_enter(&p11_call_);                         \
		if (ready_rv_ != CKR_OK)                                               \
			return ready_rv_;                                                  \
	} while (0)

/* C_Finalize only: it must not count as a call in flight, or it would wait
 * for itself. */
#define P11_READY_NOT_COUNTED()                 \
	do {                                        \
		CK_RV ready_rv_ = core_ready();         \
		if (ready_rv_ != CKR_OK)                \
			return ready_rv_;                   \
	} while (0)

#define P11_REQUIRE(cond)                       \
	do {                                        \
		if (!(cond))                            \
			return CKR_ARGUMENTS_BAD;           \
	} while (0)

/* A (pointer, length) pair where the pointer may be NULL only for length 0. */
#define P11_BUF(p, len) P11_REQUIRE((p) != NULL || (len) == 0)

#endif
