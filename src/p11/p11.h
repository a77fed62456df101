/*
 * p11.h - helpers shared by the C_* entry points. Each entry point is:
 * "initialised in this process?", pointer checks, one call into the core.
 */
#ifndef PORTFOLIO_P11_H
#define PORTFOLIO_P11_H

#include "core/core.h"

#define P11_READY()                             \
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
